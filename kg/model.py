"""Records passed between the pipeline stages.

Every record is a small frozen dataclass; provenance (article, sentence, character
offsets) travels with every mention, event, agreement and dispute from extraction on.
Character offsets index the article *body* as read from disk (after the front matter),
so a user can find the exact characters in the file they gave us.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Entity kinds used throughout the pipeline.
PERSON = "person"
COUNTRY = "country"
ORGANIZATION = "organization"
PLACE = "place"
ACTOR_KINDS = (PERSON, COUNTRY, ORGANIZATION, PLACE)


@dataclass(frozen=True, slots=True)
class ArticleMeta:
    title: str | None = None
    publisher: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD
    url: str | None = None
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """One article as read: its body text (front matter removed) and metadata."""

    id: str  # stable slug derived from the file name
    path: str  # the source file, as given
    body: str
    meta: ArticleMeta
    sha256: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int
    start: int  # offsets into Article.body
    end: int
    text: str  # cleaned text (hard wraps joined)


@dataclass(frozen=True, slots=True)
class Span:
    """Where something was said: article, sentence index and body offsets."""

    article: str
    sentence: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Mention:
    """An actor (person, country, organization or place) named in the text."""

    kind: str
    key: str  # resolution key: a reference id ("ref:yoon-suk-yeol") or "new:<kind>:<norm>"
    text: str  # the surface form
    name: str  # the canonical name used for the node label
    span: Span
    country: str | None = None  # a country key, when the text or reference gives one
    role: str | None = None  # office as stated in the text ("Foreign Minister")
    via: str = "alias"  # how it was found: alias, surname, title, pattern, demonym, metadata


@dataclass(frozen=True, slots=True)
class EventRecord:
    cls: str  # Summit, Meeting, Visit or Event
    key: str  # event kind used for merging ("meeting", "visit", "martial-law", ...)
    label: str
    participants: tuple[str, ...]  # actor keys
    date: str | None
    end_date: str | None
    location: str | None  # a place or country key
    outcome: tuple[str, ...] = ()  # agreement keys
    concerns: tuple[str, ...] = ()  # dispute keys
    spans: tuple[Span, ...] = ()
    quotes: tuple[str, ...] = ()  # trigger phrases as written


@dataclass(frozen=True, slots=True)
class AgreementRecord:
    key: str
    label: str
    kind: str | None
    date: str | None
    signatories: tuple[str, ...]
    parties: tuple[str, ...]
    concerns: tuple[str, ...] = ()
    spans: tuple[Span, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DisputeRecord:
    key: str
    label: str
    parties: tuple[str, ...]
    spans: tuple[Span, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extracted from one article."""

    article: Article
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    events: tuple[EventRecord, ...]
    agreements: tuple[AgreementRecord, ...]
    disputes: tuple[DisputeRecord, ...]
    authors: tuple[str, ...] = ()  # person keys of the article's authors
    publisher: str | None = None  # organization key of its publisher
    names: tuple[tuple[str, str, str], ...] = ()  # (key, kind, name) of metadata actors
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Entity:
    """One real-world actor after resolution across all articles."""

    key: str
    kind: str
    label: str
    alt_labels: tuple[str, ...]
    country: str | None
    roles: tuple[str, ...]
    spans: tuple[Span, ...]
    ref: str | None = None  # reference id, when known
    role_claims: tuple[tuple[str, Span], ...] = ()  # (office as the text states it, where)


@dataclass(frozen=True, slots=True)
class Event:
    key: str  # stable resolution key
    cls: str
    kind: str
    label: str
    participants: tuple[str, ...]
    date: str | None
    end_date: str | None
    location: str | None
    outcome: tuple[str, ...]
    concerns: tuple[str, ...]
    spans: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Resolved:
    """The corpus after resolution: one record per real-world thing."""

    articles: tuple[Article, ...]
    sentences: dict = field(default_factory=dict)  # (article id, index) -> Sentence
    entities: tuple[Entity, ...] = ()
    events: tuple[Event, ...] = ()
    agreements: tuple[AgreementRecord, ...] = ()
    disputes: tuple[DisputeRecord, ...] = ()
    article_actors: tuple[tuple[str, tuple[str, ...], str | None], ...] = ()  # (article, authors, publisher)
