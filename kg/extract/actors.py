"""Actor mentions: people, countries, organizations and places.

Four passes over one article, each claiming character spans so that later passes do
not re-read them:

1. the reference gazetteer: every alias of every known actor, longest match first;
2. title patterns for people the reference does not know ("SSDP Chairman X"),
   organization name patterns ("... Institute", "Ministry of ..."), and article-local
   aliases (acronyms defined in parentheses, names from the metadata);
3. surnames: "Lee" resolves to the full name used earlier in the article, or to the
   office holder at the publication date when a title says which ("President Lee");
4. demonyms ("Japanese"), kept as weak country mentions for roles and participants.
"""
from __future__ import annotations

import bisect
import heapq
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .. import resources
from ..model import COUNTRY, ORGANIZATION, PERSON, PLACE, Mention, Sentence, Span
from ..reference import ReferenceKB, name_variants, slug
from .prefilter import finditer as scan
from .prefilter import finditer_ending, lower, pretest_like, replace_each
from .trie import alternation

DEMONYM = "demonym"
# "Japan's foreign ministry", "South Korea's Foreign Ministry", "the Foreign Ministry"
_MINISTRY = re.compile(r"(?<![\w'’])(?!(?i:the|a|an|its|their|his|her|this|that)\b)"
                       r"(?P<port>[a-z]+(?:[ \t][a-z]+)?|[A-Z][a-z]+(?:[ \t][A-Z][a-z]+)?)[ \t]+(?i:ministry)\b")
_MINISTRY_END = re.compile(r"(?i:ministry)\b")  # where every _MINISTRY match ends (prefilter.finditer_ending)
_EMBASSY = re.compile(r"[Ee]mbassy(?:[ \t]+in[ \t]+(?P<city>[A-Z][a-z]+))?")
_ORG_NEXT = re.compile(r"[ \t]+(?:University|Institute|College|Foundation|Center|Centre|Corporation|Company|Group|"
                      r"Bank|Hospital|School|Academy|Society|Association|Council|Museum|Press)\b")
_SPOUSE_NAME = r"[A-Z][a-z]+(?:-[a-z]+)?(?:[ \t][A-Z][a-z]+(?:-[a-z]+)?){1,2}"
_SPOUSES = re.compile(rf"\b(?:wife|wives|husband|husbands|spouse|spouses)[,:]?[ \t]+(?P<a>{_SPOUSE_NAME})"
                      rf"(?:[ \t]*(?:,|and)[ \t]+(?P<b>{_SPOUSE_NAME}))?")
_PAIR = re.compile(r"(?<![\w-])(?P<a>[A-Z][a-z]+)-(?P<b>[A-Z][a-z]+)(?![\w-])")
_VISIT_TO = re.compile(r"\b(?:visit(?:ed|ing)?|went to|traveled to|travelled to|flew to|arrived in|landed in|"
                       r"trip to|came to|headed to|summit in|talks in|met in)[ \t]+(?P<name>[A-Z][a-z]+(?:[ \t][A-Z][a-z]+)?)(?![\w-])")

_TRANS = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "‐": "-", "‑": "-",
                        "\u00a0": " "})


_TRANS_PAIRS = tuple((chr(k), v) for k, v in _TRANS.items())


def match_text(text: str) -> str:
    """Punctuation folded for matching; same length as `text` (each folded character
    becomes one ASCII character)."""
    return replace_each(text, _TRANS_PAIRS)


def norm_key(text: str) -> str:
    return re.sub(r"[\s\-'.’]+", "", text.lower())


def alias_regex(alias: str) -> str:
    out = []
    for ch in alias:
        if ch == "-":
            out.append(r"[- \t]?")
        elif ch == " ":
            out.append(r"[ \t-]+")
        elif ch in "'’":
            out.append(r"'?")
        else:
            out.append(re.escape(ch))
    return "".join(out)


@dataclass(frozen=True)
class Start:
    """Where an alias may begin: a place not preceded by `behind` (a look-behind) whose
    character is one of `first` (a character class; case counts)."""

    behind: str
    first: str

    @property
    def pattern(self) -> str:
        """A regex that takes the first character."""
        return self.behind + self.first

    @property
    def ahead(self) -> str:
        """A regex that takes nothing (case counts in `first` under re.I too)."""
        return f"{self.behind}(?=(?-i:{self.first}))"


_CAPITAL_START = Start(r"(?<![\w])", r"[^\W_a-z]")  # a word starting with a capital, digit or non-ASCII letter
_ANY_START = Start(r"(?<![\w])", r"\S")
_FAMILY_START = Start(r"(?<![\w-])", r"[^\W_a-z]")  # family names count only when capitalized


_FEW_ALIASES = 64


@lru_cache(maxsize=16384)
def _alias_regex(form, alias: str, end: str) -> re.Pattern:
    return re.compile("(?:" + form(alias) + ")" + end, re.I)


@lru_cache(maxsize=1024)
def _starts_regex(starts: str, firsts: str) -> re.Pattern:
    """`starts` (which takes one character) kept only where that character begins an alias."""
    chars = "".join(re.escape(k) + re.escape(k.upper()) for k in firsts)
    return re.compile(f"(?:{starts})(?<=[{chars}])") if chars else re.compile(r"(?!x)x")


class Alternation:
    """The matches of one alternation of all `aliases` (case-insensitive, whole words, longest
    alias first, left to right without overlaps), found fast: one big alternation is tried
    branch by branch at every position of the text. Many aliases are written as one tree of
    shared prefixes (kg.extract.trie) that the regex engine walks letter by letter; a few
    (one article's names) are each a regex compiled once per process, tried at each place
    where a word starts (`starts`) and one of them begins. `form` writes an alias as a regex,
    character by character (alias_regex, re.escape); `end` is what must follow a match."""

    def __init__(self, aliases, *, starts: Start = _ANY_START, form=None, end: str = r"(?![\w])",
                 few: int = _FEW_ALIASES):
        form = form or alias_regex
        groups: dict[str, list[str]] = {}
        for a in set(aliases):
            groups.setdefault(a[0].lower(), []).append(a)
        self._one: re.Pattern | None = None  # many aliases: all of them, as one tree
        self._places: re.Pattern | None = None  # (and, taking nothing, every place one of them matches)
        self._by_first: dict[str, tuple[re.Pattern, ...]] = {}  # a few: each alias's regex, by first letter
        if sum(len(v) for v in groups.values()) > few:
            tree = "(?:" + alternation(set(aliases), char=form, fold=True) + ")" + end
            self._one = re.compile(starts.ahead + tree, re.I)
            self._places = re.compile(starts.ahead + f"(?={tree})", re.I)
        else:
            self._by_first = {k: tuple(_alias_regex(form, a, end) for a in sorted(v, key=lambda a: (-len(a), a)))
                              for k, v in groups.items()}
        # (a few: the places to try them, where a word starts with one's first letter)
        self._starts = _starts_regex(starts.pattern, "".join(sorted(groups))) if self._one is None else None

    def match_at(self, text: str, p: int):
        """The match at `p` (the longest alias first), or None."""
        if self._one is not None:
            return self._one.match(text, p)
        for rx in self._by_first.get(text[p].lower(), ()):
            m = rx.match(text, p)
            if m is not None:
                return m
        return None

    def _places_in(self, text: str):
        """Every place, left to right, where one of the aliases matches."""
        if self._places is not None:
            for m in self._places.finditer(text):
                yield m.start()
        else:
            for c in self._starts.finditer(text):
                if self.match_at(text, c.start()) is not None:
                    yield c.start()

    def finditer(self, text: str, *more: "Alternation"):
        """Matches left to right; with `more` alternations, the longest match of any of them
        at each place (as one alternation of all their aliases would give), tried only at
        the places where one of them matches."""
        if not more:
            if self._one is not None:
                yield from self._one.finditer(text)
                return
            last = 0
            for c in self._starts.finditer(text):
                if c.start() >= last:
                    m = self.match_at(text, c.start())
                    if m is not None:
                        last = m.end()
                        yield m
            return
        last = 0
        alternations = (self, *more)
        for p in heapq.merge(*(a._places_in(text) for a in alternations)):
            if p < last:
                continue
            m = None
            for a in alternations:
                o = a.match_at(text, p)
                if o is not None and (m is None or o.end() > m.end()):
                    m = o
            if m is not None:
                last = m.end()
                yield m


@lru_cache(maxsize=4)
def _family_names(kb: ReferenceKB) -> tuple[frozenset[str], "Alternation"]:
    """The reference's family names, and an Alternation that finds them as whole words."""
    names = frozenset(kb.by_family)
    return names, Alternation(names, starts=_FAMILY_START, form=re.escape, end=r"(?![\w-])")


@dataclass(frozen=True)
class GazEntry:
    kind: str
    id: str
    case_sensitive: bool
    alias: str


class Gazetteer:
    """All reference aliases in one regex; matched text maps back through a folded key."""

    def __init__(self, kb: ReferenceKB):
        self.kb = kb
        self.index: dict[str, list[GazEntry]] = {}
        aliases = []
        for e in kb.entities.values():
            forms = {e.name, *e.aliases}
            if e.kind == PERSON:
                forms = set().union(*(name_variants(f, e.country) for f in forms))
            for f in forms:
                self._add(f, GazEntry(e.kind, e.id, False, f))
                aliases.append(f)
            for f in e.case_sensitive_aliases:
                self._add(f, GazEntry(e.kind, e.id, True, f))
                aliases.append(f)
        # `lookup` refuses a match that starts in lower case: try only capitalised words
        self._alternation = Alternation(aliases, starts=_CAPITAL_START)
        demonyms = list(kb.demonyms)
        self.demonym_regex = pretest_like(
            re.compile(r"(?<![\w])(?:" + alternation(demonyms, char=alias_regex) + r")(?![\w])"),
            r"(?<![\w])(?:" + "|".join(alias_regex(d) for d in demonyms) + r")(?![\w])") if demonyms else None
        self.demonym_index = {norm_key(d): c for d, c in kb.demonyms.items()}

    def finditer(self, text: str):
        """The matches of `regex` in `text` that can name something: those starting with a
        capital, a digit or a letter outside ASCII (`lookup` refuses lower-case ones)."""
        return self._alternation.finditer(text)

    def _add(self, alias: str, entry: GazEntry) -> None:
        lst = self.index.setdefault(norm_key(alias), [])
        if all((x.id, x.case_sensitive) != (entry.id, entry.case_sensitive) for x in lst):
            lst.append(entry)

    def lookup(self, surface: str) -> list[GazEntry]:
        out = []
        for entry in self.index.get(norm_key(surface), []):
            if entry.case_sensitive:
                if re.sub(r"\s+", " ", surface) != entry.alias:
                    continue
            elif not (surface[:1].isupper() or surface[:1].isdigit()):
                continue
            out.append(entry)
        return out


@lru_cache(maxsize=4)
def gazetteer(kb: ReferenceKB) -> Gazetteer:
    return Gazetteer(kb)


@dataclass(frozen=True)
class PersonPatterns:
    title_regex: re.Pattern
    honorifics: frozenset[str]
    not_name: frozenset[str]
    roles_regex: re.Pattern
    korean_surnames: frozenset[str]
    korean_name: re.Pattern
    speech: re.Pattern
    envoy: re.Pattern
    of_org: re.Pattern  # "NAME of (the) " right before an organization
    said_after: re.Pattern  # what follows "NAME of ORG" when NAME is a quoted person


NAME_WORD = r"(?:[A-Z][a-z]+(?:-[A-Za-z][a-z]+)?|[A-Z]{2,}(?=\s+[A-Z][a-z]))"
NAME = rf"{NAME_WORD}(?:[ \t]+{NAME_WORD}){{1,2}}"
_BYLINE = re.compile(rf"^[ \t]*[Bb]y[ \t]+(?P<a>{NAME})(?:[ \t]*(?:,|and|&)[ \t]*(?P<b>{NAME}))?[ \t]*(?:,.*)?$", re.M)


@lru_cache(maxsize=4)
def person_patterns(kb: ReferenceKB) -> PersonPatterns:
    data = resources.load_yaml("patterns", "persons.yaml") or {}
    titles = set(data.get("titles") or [])
    for o in kb.offices.values():
        titles.update(o.titles)
    title_alt = alternation(titles, char=alias_regex, fold=True)  # (a tree: kg.extract.trie)
    # titles all start with a letter: "\b(?=letter)" tries fewer places than "(?<![\w])", same matches
    lead = r"\b(?=[^\W\d_])" if all(t[:1].isalpha() for t in titles) else r"(?<![\w])"
    title_form = (rf"{lead}(?P<pre>(?i:(?:former|then|ex|outgoing|incoming|new|current|acting|late)[\s-]+))?"
                  rf"(?P<title>(?i:TITLES))\s+(?P<name>{NAME})(?![\w])")
    title_regex = pretest_like(re.compile(title_form.replace("TITLES", title_alt)),
                               title_form.replace("TITLES", "|".join(alias_regex(t) for t in titles)))
    roles = sorted(set(data.get("roles") or []), key=lambda t: (-len(t), t))
    roles_regex = re.compile(r"(?i:\b(?:" + "|".join(re.escape(r) for r in roles) + r")\b)")
    ks = sorted(resources.load_lines("patterns", "korean_surnames.txt"), key=lambda x: (-len(x), x))
    speech = alternation(data.get("speech_verbs") or ["said"])
    envoys = alternation(data.get("envoy_titles") or ["ambassador"], fold=True)
    return PersonPatterns(
        korean_name=pretest_like(re.compile(r"(?<![\w-])(?:" + alternation(ks) + r")[ \t]+[A-Z][a-z]+-[a-z]+(?![\w-])"),
                                 r"(?<![\w-])(?:" + "|".join(ks) + r")[ \t]+[A-Z][a-z]+-[a-z]+(?![\w-])"),
        speech=re.compile(rf"(?:\b(?:{speech})[ \t]+(?P<a>{NAME})(?![\w])|(?<![\w])(?P<b>{NAME})[ \t]+(?:{speech})\b)"),
        of_org=re.compile(rf"(?P<acc>(?i:according[ \t]+to)[ \t]+)?(?<![\w-])(?P<name>{NAME})[ \t]+of[ \t]+(?:the[ \t]+)?$"),
        said_after=re.compile(rf"(?:[ \t]*\([^)]{{1,12}}\))?(?:[ \t]+(?:also[ \t]+|then[ \t]+)?(?:{speech})\b|,[ \t]+(?:who|a|an|the|said|says)\b)"),
        envoy=re.compile(rf"(?i:\b(?:{envoys}))[ \t]+to[ \t]+(?:the[ \t]+)?[A-Z][\w.]*(?:[ \t]+[A-Z][\w.]*)*,[ \t]+(?P<name>{NAME})(?![\w])"),
        title_regex=title_regex,
        honorifics=frozenset(data.get("honorifics") or []),
        not_name=frozenset(data.get("not_name_words") or []),
        roles_regex=roles_regex,
        korean_surnames=frozenset(resources.load_lines("patterns", "korean_surnames.txt")),
    )


@dataclass(frozen=True)
class OrgPatterns:
    regex: re.Pattern
    not_orgs: frozenset[str]


@lru_cache(maxsize=1)
def org_patterns() -> OrgPatterns:
    data = resources.load_yaml("patterns", "organizations.yaml") or {}
    heads, of_heads = data.get("heads") or [], data.get("of_heads") or []
    cap = r"(?:[A-Z][\w.'&-]*|\d+[A-Za-z][\w.'&-]*)"  # "Research-Korea", "21C"; not a bare number
    sp = r"[ \t]+"  # names do not run across paragraph breaks
    tail = rf"(?:{sp}(?:(?:and|of|for|on|the|&){sp})*{cap})*"

    def pattern(heads: str, of_heads: str) -> str:
        return (rf"(?<![\w-])(?:(?:{cap}{sp}){{0,4}}(?:{of_heads}){sp}(?:of|for|on){sp}(?:the{sp})?{cap}{tail}"
                rf"|(?:{cap}(?:{sp}|-)){{1,5}}(?:{heads}))(?![\w])")
    regex = pretest_like(re.compile(pattern(alternation(heads, char=alias_regex), alternation(of_heads))),
                         pattern("|".join(alias_regex(h) for h in heads), "|".join(re.escape(h) for h in of_heads)))
    return OrgPatterns(regex=regex, not_orgs=frozenset(x.lower() for x in data.get("not_organizations") or []))


@lru_cache(maxsize=1)
def ministry_portfolios() -> dict[tuple[str, str], str]:
    """(country id, portfolio word) -> ministry id, from organizations.yaml."""
    out = {}
    for rec in resources.load_yaml("reference", "organizations.yaml") or []:
        for word in rec.get("portfolio") or []:
            if rec.get("country"):
                out[(rec["country"], str(word).lower())] = rec["id"]
    return out


@lru_cache(maxsize=1)
def _dateline_regex() -> re.Pattern:
    """A line opening a news report with the place it was filed from ("SEOUL --")."""
    return re.compile(resources.load_yaml("patterns", "events.yaml")["dateline"], re.M)


@dataclass(frozen=True)
class PlacePatterns:
    venue: re.Pattern
    venue_end: re.Pattern  # the venue word that ends every match of `venue` (prefilter.finditer_ending)
    district: re.Pattern


@lru_cache(maxsize=1)
def place_patterns() -> PlacePatterns:
    data = resources.load_yaml("patterns", "places.yaml") or {}
    venues = data.get("venues") or []
    districts = alternation(data.get("districts") or [])
    cap = r"[A-Z][\w.'&-]*"
    venue = rf"(?<![\w-])(?:{cap}[ \t]+){{1,4}}(?:VENUES)(?![\w])"
    return PlacePatterns(
        venue_end=re.compile("(?:" + alternation(venues, char=alias_regex) + r")(?![\w])"),
        venue=pretest_like(re.compile(venue.replace("VENUES", alternation(venues, char=alias_regex))),
                           venue.replace("VENUES", "|".join(alias_regex(v) for v in venues))),
        district=re.compile(rf"\bthe[ \t]+(?P<name>{cap}(?:[ \t]{cap})?)[ \t]+(?:{districts})\b"),
    )


@dataclass
class Claims:
    """Character spans already taken by a mention."""

    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)

    def free(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.starts, start)
        if i > 0 and self.ends[i - 1] > start:
            return False
        if i < len(self.starts) and self.starts[i] < end:
            return False
        return True

    def release(self, start: int, end: int) -> None:
        i = self.starts.index(start)
        del self.starts[i]
        del self.ends[i]

    def take(self, start: int, end: int) -> None:
        i = bisect.bisect_right(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)


def _take_span(mentions: list, claims: Claims, start: int, end: int, inner_ok, *, keep_patterns: bool) -> bool:
    """Make [start, end) free for a longer name: drop the mentions strictly inside it when
    all are of `inner_ok` kinds (and, with `keep_patterns`, none was found by a pattern)."""
    if claims.free(start, end):
        return True
    inner = [x for x in mentions if x.span.start < end and start < x.span.end]
    if not inner or any(x.kind not in inner_ok or (keep_patterns and x.via == "pattern")
                        or x.span.start < start or x.span.end > end for x in inner):
        return False
    for x in inner:
        mentions.remove(x)
        claims.release(x.span.start, x.span.end)
    return True


class ArticleText:
    """One article's cleaned text, its sentences and a fast offset -> sentence map."""

    def __init__(self, article_id: str, text: str, sentences: tuple[Sentence, ...], published: str | None):
        self.article_id = article_id
        self.text = text
        self.mtext = match_text(text)
        self.low = lower(self.mtext)  # for pre-tests (kg.extract.prefilter)
        self.sentences = sentences
        self._starts = [s.start for s in sentences]
        self.published = published

    def sentence_at(self, pos: int) -> Sentence | None:
        i = bisect.bisect_right(self._starts, pos) - 1
        if i < 0:
            return None
        s = self.sentences[i]
        return s if s.start <= pos < s.end else None

    def span(self, start: int, end: int) -> Span | None:
        s = self.sentence_at(start)
        if s is None or end > s.end:
            return None
        return Span(self.article_id, s.index, start, end)


def new_key(kind: str, name: str) -> str:
    words = sorted(slug(name).split("-")) if kind == PERSON else [slug(name)]
    return f"new:{kind}:{'-'.join(words)}"


def ref_key(ref_id: str) -> str:
    return f"ref:{ref_id}"


def _tidy_name(name: str) -> str:
    words = name.split()
    return " ".join(w.capitalize() if w.isupper() and len(w) > 1 and len(words) > 1 else w for w in words)


class ActorFinder:
    def __init__(self, kb: ReferenceKB):
        self.kb = kb
        self.gaz = gazetteer(kb)
        self.pp = person_patterns(kb)
        self.op = org_patterns()
        self.plp = place_patterns()
        self._kb_families, self._family_names = _family_names(kb)

    # -- helpers -----------------------------------------------------------------
    def _country_left_of(self, at: ArticleText, pos: int, mentions: list[Mention]) -> str | None:
        """A country named right before `pos` ("Japanese ...", "Japan's ...")."""
        for m in reversed(mentions):
            if m.span.end > pos:
                continue
            gap = at.mtext[m.span.end:pos]
            if len(gap) > 4:
                break
            if m.kind in (COUNTRY, DEMONYM) and re.fullmatch(r"(?:'s)?\s*", gap):
                return m.key if m.kind == COUNTRY else m.country
            if m.kind == COUNTRY:
                break
        return None

    def _is_name(self, name: str) -> bool:
        words = name.split()
        if len(words) < 2:
            return False
        # "Korea-Japan" is not a name; "Jang Jun-eun" is ("Jun" is also a month)
        return not any(w in self.pp.not_name or ("-" in w and w.split("-")[1][:1].isupper()
                                                  and w.split("-")[0] in self.pp.not_name) for w in words)

    def family_of_new(self, name: str) -> str:
        words = name.split()
        first, last = words[0].capitalize(), words[-1].capitalize()
        ks = self.pp.korean_surnames
        if first in ks and last not in ks:
            return words[0]
        if last in ks and first not in ks:
            return words[-1]
        if first in ks and len(words) >= 2 and "-" in words[1]:
            return words[0]
        return words[-1]

    # -- the passes ----------------------------------------------------------------
    def find(self, at: ArticleText, *, authors=(), publisher: str | None = None) -> list[Mention]:
        claims = Claims()
        mentions: list[Mention] = []
        text, mtext = at.text, at.mtext
        local_aliases: dict[str, tuple[str, str, str]] = {}  # folded alias -> (kind, key, name)
        local_forms: dict[str, tuple[str, str, str]] = {}  # alias as written -> (kind, key, name)

        def remember(surface: str, val: tuple[str, str, str]) -> None:
            local_aliases[norm_key(surface)] = val
            local_forms[surface] = val

        def add(kind, key, start, end, name, *, country=None, role=None, via="alias"):
            span = at.span(start, end)
            if span is None or not claims.free(start, end):
                return None
            claims.take(start, end)
            m = Mention(kind=kind, key=key, text=text[start:end], name=name, span=span,
                        country=country, role=role, via=via)
            mentions.append(m)
            return m

        def add_person(start: int, end: int, clean: str) -> None:
            """A name found by a pattern: the reference's person of that name, else a new
            person, unless the reference gives the name to something else."""
            hit = self.gaz.lookup(clean)
            if hit and hit[0].kind == PERSON:
                ref = self.kb.get(hit[0].id)
                add(PERSON, ref_key(ref.id), start, end, ref.name, country=ref.country)
            elif not hit:
                add(PERSON, new_key(PERSON, clean), start, end, clean, via="pattern")
                remember(clean, (PERSON, new_key(PERSON, clean), clean))

        # 1. reference gazetteer
        gaz_hits = []
        for m in self.gaz.finditer(mtext):
            entries = self.gaz.lookup(m.group(0))
            if entries:
                gaz_hits.append((m.start(), m.end(), entries))
        country_counts: dict[str, int] = {}
        for _s, _e, entries in gaz_hits:
            if entries[0].kind == COUNTRY:
                country_counts[entries[0].id] = country_counts.get(entries[0].id, 0) + 1
        for start, end, entries in gaz_hits:
            entry = self._disambiguate(entries, country_counts)
            ref = self.kb.get(entry.id)
            add(entry.kind, ref_key(entry.id), start, end, ref.name, country=ref.country)

        # 2a. title + name ("Japanese Foreign Minister Takeshi Iwaya", "SSDP Chairman Masahiro Akiyama")
        for m in scan(self.pp.title_regex, mtext, at.low):
            name = m.group("name")
            nstart = m.start("name")
            name.split()
            # a title word swallowed into the name ("Foreign Minister Cho Tae-yul")
            if not self._is_name(name):
                continue
            title = re.sub(r"\s+", " ", text[m.start("title"):m.end("title")])
            pre = (m.group("pre") or "").strip()
            country = self._country_left_of(at, m.start(), mentions)
            role = _role_text(title, pre)
            existing = self._mention_at(mentions, nstart, m.end("name"))
            if existing is not None:
                if existing.kind == PERSON:
                    mentions[mentions.index(existing)] = _with(existing, role=role, country=existing.country or country)
                continue
            if not claims.free(nstart, m.end("name")):
                continue
            hit = self.gaz.lookup(name)
            if hit and hit[0].kind == PERSON:
                ref = self.kb.get(hit[0].id)
                add(PERSON, ref_key(ref.id), nstart, m.end("name"), ref.name, country=ref.country, role=role)
                continue
            clean = _tidy_name(name)
            add(PERSON, new_key(PERSON, clean), nstart, m.end("name"), clean, country=country, role=role, via="title")
            remember(clean, (PERSON, new_key(PERSON, clean), clean))

        # 2b. names introduced with a role: "X (Senior Fellow, ...)", "X is a Fellow at", "X, a professor"
        for m in re.finditer(rf"(?<![\w])(?P<name>{NAME})(?=(?P<after>\s*(?:\(|,\s*(?:a|an|the|who is a|former)?\s*|\s+is\s+(?:a|an|the)\s+)[^.;()]{{0,60}}))", mtext):
            name, after = m.group("name"), m.group("after")
            if not self._is_name(name) or not claims.free(m.start("name"), m.end("name")):
                continue
            role_m = self.pp.roles_regex.search(after)
            if not role_m or role_m.start() > 45:
                continue
            if after.lstrip().startswith(",") and not re.match(
                    r"\s*,\s*(?:(?:a|an|the|former|[A-Z]{2,})\s|(?:[\w-]+\s+){0,3}?" + re.escape(role_m.group(0)) + r")", after):
                continue
            clean = _tidy_name(name)
            hit = self.gaz.lookup(clean)
            if hit and hit[0].kind == PERSON:
                continue
            add(PERSON, new_key(PERSON, clean), m.start("name"), m.end("name"), clean, via="pattern")
            remember(clean, (PERSON, new_key(PERSON, clean), clean))

        # 2b'. more people: Korean-shaped names ("Kim Keon-hee"), quoted speakers ("said
        # Jane Roe"), envoys ("ambassador to Japan, Lee Hyuk")
        found = [(m.start(), m.end(), m.group(0)) for m in scan(self.pp.korean_name, mtext, at.low)]
        for m in scan(self.pp.speech, mtext, at.low):
            g = "a" if m.group("a") else "b"
            found.append((m.start(g), m.end(g), m.group(g)))
        for m in scan(self.pp.envoy, mtext, at.low):
            found.append((m.start("name"), m.end("name"), m.group("name")))
        for m in scan(_SPOUSES, mtext, at.low):  # "their wives, Kim Keon-hee and Yuko Kishida"
            for g in ("a", "b"):
                if m.group(g):
                    found.append((m.start(g), m.end(g), m.group(g)))
        for m in scan(_BYLINE, mtext, at.low):  # "By Jane Roe and John Doe"
            for g in ("a", "b"):
                if m.group(g):
                    found.append((m.start(g), m.end(g), m.group(g)))
        for start, end, name in sorted(found):
            if not self._is_name(name) or not claims.free(start, end):
                continue
            add_person(start, end, _tidy_name(name))

        # 2b''. places the reference does not know: venues ("Seoul Air Base"), districts
        # ("the Ginza district"), "in Kananaskis, Canada"
        for m in finditer_ending(self.plp.venue, self.plp.venue_end, mtext, back=400):
            self._new_place(at, m.start(), m.end(), None, mentions, claims, add, inner_ok=(PLACE, COUNTRY, ORGANIZATION))
        for m in scan(self.plp.district, mtext, at.low):
            self._new_place(at, m.start("name"), m.end("name"), None, mentions, claims, add, inner_ok=())
        for c in [x for x in mentions if x.kind == COUNTRY]:
            left = re.search(r"\b(?:in|at|to|from|near)[ \t]+(?P<name>[A-Z][\w'-]+(?:[ \t][A-Z][\w'-]+)?),[ \t]*$",
                             mtext[max(0, c.span.start - 50):c.span.start])
            if left and not re.match(r"['’]s\b", mtext[c.span.end:c.span.end + 2]):
                s0 = max(0, c.span.start - 50) + left.start("name")
                self._new_place(at, s0, s0 + len(left.group("name")), c.key, mentions, claims, add, inner_ok=())

        # 2c. metadata: authors and publisher
        for kind, key, name, forms in self.metadata_actors(authors, publisher):
            for f in forms:
                remember(f, (kind, key, name))

        # 2d'. "Japan's foreign ministry", "Seoul's industry ministry", "the Japanese Embassy in Seoul"
        # (before the name patterns, which would make "South Korea's Foreign Ministry" a new body)
        self._owned_bodies(at, mentions, claims, add)

        # 2d. organization name patterns, with an acronym defined in parentheses
        portfolio_words = {w for _c, w in ministry_portfolios()}
        for m in scan(self.op.regex, mtext, at.low):
            start, end = m.start(), m.end()
            surface = text[start:end]
            if surface.startswith(("The ", "the ")):
                start += 4
                surface = surface[4:]
            lead = re.match(r"(?:(?:In|On|At|For|By|From|With|As|And|But|Both|Also|While|When|After|Before|Since|"
                            r"Under|Through|Among|Between|Including|Like|Unlike|Of)\s+(?:the\s+)?)+", surface)
            if lead:
                start += lead.end()
                surface = surface[lead.end():]
            surface = surface.rstrip(".")
            end = start + len(surface)
            poss = re.match(r"[A-Z][\w.-]*['’]s\s+", surface)
            if poss:  # "Japan's Society of ...": the owner is not part of the name
                start += poss.end()
                surface = surface[poss.end():]
            if len(surface.split()) < 2 or surface.lower() in self.op.not_orgs:
                continue
            if surface.split()[-1] == "Ministry" and " ".join(surface.split()[:-1]).lower() in portfolio_words:
                continue  # "the Foreign Ministry" of no country kg can tell: not a body of its own
            # "Korea-Japan Business Conference", "University of Vienna": the name wins over
            # the places the gazetteer found inside it (not over places found by pattern)
            if not _take_span(mentions, claims, start, end, (PLACE, COUNTRY), keep_patterns=True):
                continue
            hit = self.gaz.lookup(surface)
            if hit:
                e = self.kb.get(hit[0].id)
                add(e.kind, ref_key(e.id), start, end, e.name, country=e.country)
                continue
            name = re.sub(r"\s+", " ", surface)
            key = new_key(ORGANIZATION, name)
            if add(ORGANIZATION, key, start, end, name, via="pattern"):
                remember(name, (ORGANIZATION, key, name))
        for m in mentions:
            if m.kind == ORGANIZATION:
                acr = re.match(r"\s*\((?P<acr>[A-Z][A-Za-z0-9&-]{1,9})\)", mtext[m.span.end:m.span.end + 14])
                if acr and acr.group("acr").isupper():
                    remember(acr.group("acr"), (ORGANIZATION, m.key, m.name))

        # 2d''. quoted people: "Jane Roe of the Asan Institute said", "According to Jane Roe of X, ..."
        for org in [x for x in mentions if x.kind == ORGANIZATION]:
            if mtext[max(0, org.span.start - 8):org.span.start].find(" of ") < 0:
                continue  # (most organizations: not after "of")
            m = self.pp.of_org.search(mtext, max(0, org.span.start - 80), org.span.start)
            if m is None:
                continue
            after = mtext[org.span.end:org.span.end + 30]
            if not (m.group("acc") or self.pp.said_after.match(after)):
                continue
            # "Professor Jane Roe of ...": the name is the longest tail that is one
            words = m.group("name").split()
            tail = next((" ".join(words[i:]) for i in range(len(words) - 1) if self._is_name(" ".join(words[i:]))), None)
            if tail is None:
                continue
            end = m.end("name")
            start = end - len(tail)
            if mtext[start:end] != tail or not claims.free(start, end):
                continue
            add_person(start, end, _tidy_name(tail))

        # 2e. article-local aliases anywhere in the text
        if local_aliases:
            variants = {}
            for surface, (kind, key, name) in local_forms.items():
                forms = {name, surface}
                if kind == PERSON:
                    forms |= {" ".join(name.split()[1:] + name.split()[:1]), " ".join(name.split()[-1:] + name.split()[:-1])}
                for f in forms:
                    variants[f] = (kind, key, name)
            for f, val in sorted(variants.items()):
                local_aliases[norm_key(f)] = val
            for m in Alternation(variants).finditer(mtext):
                val = local_aliases.get(norm_key(m.group(0)))
                if val and (m.group(0)[:1].isupper()):
                    kind, key, name = val
                    ref = self.kb.get(key[4:]) if key.startswith("ref:") else None
                    add(kind, key, m.start(), m.end(), name, country=ref.country if ref else None,
                        via="alias" if ref else "local")

        # 3. surnames
        self._surnames(at, mentions, add)

        # 3b. "the 2018 Moon-Abe meeting", "Yoon-Kishida summit": two leaders' family names
        self._leader_pairs(at, add)

        # 3c. where a visit went: "went to Ibusuki", "arrived in Kananaskis"
        for m in scan(_VISIT_TO, mtext, at.low):
            name = m.group("name")
            if name.split()[0] in self.pp.not_name or not claims.free(m.start("name"), m.end("name")):
                continue
            self._new_place(at, m.start("name"), m.end("name"), None, mentions, claims, add, inner_ok=())

        # 4. demonyms
        if self.gaz.demonym_regex is not None:
            for m in scan(self.gaz.demonym_regex, mtext, at.low):
                country = self.gaz.demonym_index.get(norm_key(m.group(0)))
                if country and m.group(0)[:1].isupper():
                    add(DEMONYM, ref_key(country), m.start(), m.end(), m.group(0), country=ref_key(country), via="demonym")

        # roles and countries for people from the text around them
        out = []
        for m in sorted(mentions, key=lambda x: x.span.start):
            if m.kind == PERSON and m.country is None:
                c = self._country_left_of(at, m.span.start, mentions)
                if c:
                    m = _with(m, country=c)
            if m.country and not m.country.startswith("ref:") and m.kind != DEMONYM:
                m = _with(m, country=ref_key(m.country))
            out.append(m)
        return out

    def _owner_country(self, at: ArticleText, end: int) -> str | None:
        """The country named right before `end`: "Japan's", "Japanese", "Seoul's"."""
        m = re.search(r"(?P<w>[A-Z][\w.]*(?:[ \t][A-Z][\w.]*)?)(?:['’]s)?[ \t]+(?:new[ \t]+)?$", at.mtext[max(0, end - 40):end])
        if not m:
            return None
        word = m.group("w")
        country = self.gaz.demonym_index.get(norm_key(word))
        if country:
            return country
        for e in self.gaz.lookup(word):
            ref = self.kb.get(e.id)
            if ref.kind == COUNTRY:
                return ref.id
            if ref.kind == PLACE and ref.country and any(c.capital == ref.id for c in self.kb.entities.values()
                                                         if c.kind == COUNTRY):
                return ref.country  # a capital standing for its government
        return None

    def _owned_bodies(self, at: ArticleText, mentions, claims, add) -> None:
        portfolios = ministry_portfolios()
        for m in finditer_ending(_MINISTRY, _MINISTRY_END, at.mtext):
            if not claims.free(m.start("port"), m.end()):
                continue
            port = m.group("port").lower()
            country = self._owner_country(at, m.start("port"))
            if country is None and re.search(r"(?i)\bthe[ \t]+$", at.mtext[max(0, m.start() - 5):m.start()]):
                # "the Foreign Ministry": the one country its sentence names ("In Seoul, ... the
                # foreign ministry"), else the ministry of that portfolio the article named last,
                # else the country of the capital the report was filed from ("SEOUL --")
                country = self._sentence_country(at, m.start(), mentions)
                prior = [x for x in mentions if x.kind == ORGANIZATION and x.span.end <= m.start()
                         and x.key.startswith("ref:") and x.country] if country is None else []
                for x in sorted(prior, key=lambda x: x.span.start, reverse=True):
                    if portfolios.get((x.country.removeprefix("ref:"), port)) == x.key[4:]:
                        country = x.country.removeprefix("ref:")
                        break
                if country is None:
                    country = self._dateline_country(at)
            if country is None:
                continue
            ref_id = portfolios.get((country, port))
            if ref_id:
                ref = self.kb.get(ref_id)
                add(ORGANIZATION, ref_key(ref_id), m.start("port"), m.end(), ref.name, country=ref.country)
        for m in scan(_EMBASSY, at.mtext, at.low):
            end = m.start() + len("embassy")
            if not claims.free(m.start(), end):
                continue
            country = self._owner_country(at, m.start())
            if country is None:
                continue
            owner = self.kb.get(country)
            name = f"{owner.demonyms[0] if owner.demonyms else owner.name} Embassy" + (
                f" in {m.group('city')}" if m.group("city") else "")
            # the mention is the word "Embassy"; "in Seoul" stays a place of its own
            key = new_key(ORGANIZATION, f"{owner.name} embassy")  # one embassy per country, with or without its city
            add(ORGANIZATION, key, m.start(), end, name, country=ref_key(country), via="pattern")

    def _sentence_country(self, at: ArticleText, pos: int, mentions) -> str | None:
        sent = at.sentence_at(pos)
        if sent is None:
            return None
        found = set()
        for x in mentions:
            if sent.start <= x.span.start < sent.end and x.kind in (COUNTRY, PLACE):
                found.add(x.key.removeprefix("ref:") if x.kind == COUNTRY else (x.country or "").removeprefix("ref:"))
        return found.pop() if len(found) == 1 and "" not in found else None

    def _dateline_country(self, at: ArticleText) -> str | None:
        rx = _dateline_regex()
        for sent in at.sentences[:6]:  # (after a headline, a byline and a line of share buttons)
            if sent.index > 2 and sent.start > 0 and at.text[sent.start - 1] != "\n":
                continue
            m = rx.match(at.mtext, sent.start)
            if m and m.start("place") < sent.end:
                for e in self.gaz.lookup(m.group("place").strip().title()):
                    ref = self.kb.get(e.id)
                    if ref.kind == PLACE and ref.country and any(
                            c.capital == ref.id for c in self.kb.entities.values() if c.kind == COUNTRY):
                        return ref.country
                return None
        return None

    def _new_place(self, at, start, end, country, mentions, claims, add, *, inner_ok) -> None:
        surface = at.text[start:end]
        lead = re.match(r"(?:(?:The|the|In|At|On|From|To|Near|And|A)[ \t]+|[A-Z][\w.-]*['’]s[ \t]+)+", surface)
        if lead:
            start += lead.end()
            surface = surface[lead.end():]
        if _ORG_NEXT.match(at.mtext[end:end + 30]):
            return  # "Calder Bay University": the start of an organization's name
        name = " ".join(surface.split())
        if len(name) < 3 or name.split()[0] in self.pp.not_name and len(name.split()) == 1:
            return
        if not _take_span(mentions, claims, start, end, inner_ok, keep_patterns=False):
            return
        hit = self.gaz.lookup(name)
        if hit:
            e = self.kb.get(hit[0].id)
            add(e.kind, ref_key(e.id), start, end, e.name, country=e.country)
            return
        add(PLACE, new_key(PLACE, name), start, end, name, country=country, via="pattern")

    def metadata_actors(self, authors=(), publisher: str | None = None):
        """(kind, key, name, spellings) of the article's authors and publisher."""
        out = []
        for author in authors:
            clean = _tidy_name(author.strip())
            hit = self.gaz.lookup(clean)
            if hit and hit[0].kind == PERSON:
                ref = self.kb.get(hit[0].id)
                out.append((PERSON, ref_key(ref.id), ref.name, (clean,)))
            else:
                out.append((PERSON, new_key(PERSON, clean), clean, (clean,)))
        if publisher:
            for kind, key, name, aliases in self._publisher(publisher):
                out.append((kind, key, name, (name, *aliases)))
        return out

    def _disambiguate(self, entries: list[GazEntry], country_counts: dict[str, int]) -> GazEntry:
        if len(entries) == 1:
            return entries[0]
        def score(e: GazEntry):
            ref = self.kb.get(e.id)
            return (country_counts.get(ref.country or "", 0), -entries.index(e))
        return max(entries, key=score)

    def _mention_at(self, mentions, start, end):
        for m in mentions:
            if m.span.start <= start and m.span.end >= end:
                return m
            if m.span.start < end and start < m.span.end:
                return m
        return None

    def _publisher(self, publisher: str):
        m = re.match(r"^(?P<name>[^()]+?)\s*\((?P<alias>[^()]+)\)\s*$", publisher)
        names = [m.group("name").strip(), m.group("alias").strip()] if m else [publisher.strip()]
        for n in names:
            hit = self.gaz.lookup(n) or self.gaz.lookup(re.sub(r"^[Tt]he\s+", "", n))
            if hit:
                e = self.kb.get(hit[0].id)
                yield e.kind, ref_key(e.id), e.name, tuple(x for x in names if x != n)
                return
        name = names[0]
        yield ORGANIZATION, new_key(ORGANIZATION, name), name, tuple(names[1:])

    def _surnames(self, at: ArticleText, mentions: list[Mention], add) -> None:
        """Bare family names, resolved to the nearest earlier full name, else by title and date."""
        full = [m for m in mentions if m.kind == PERSON]
        families: dict[str, list[tuple[int, Mention]]] = {}
        for m in full:
            ref = self.kb.get(m.key[4:]) if m.key.startswith("ref:") else None
            fam = ref.family if ref else self.family_of_new(m.name)
            if fam:
                families.setdefault(fam.lower(), []).append((m.span.start, m))
        local = set(families) - self._kb_families
        if not local and not self._kb_families:
            return
        matches = self._family_names.finditer(at.mtext, *([Alternation(local, starts=_FAMILY_START, form=re.escape,
                                                                       end=r"(?![\w-])")] if local else []))
        for m in matches:
            w = m.group(0)
            if not w[:1].isupper():
                continue
            fam = w.lower()
            cands = families.get(fam)
            chosen = None
            role = None
            if cands:
                before = [c for pos, c in cands if pos < m.start()]
                known = [c for c in before if c.key.startswith("ref:")]
                current = [c for c in known if at.published and self.kb.offices_at(c.key[4:], at.published)]
                # the nearest earlier full name; a known public figure before a passing mention,
                # and of several known ones the one in office when the article was written
                chosen = (current or known or before)[-1] if before else min(cands, key=lambda pc: pc[0])[1]
            else:
                # a title right before the surname says which office holder
                left = at.mtext[max(0, m.start() - 60):m.start()]
                tm = re.search(r"(?P<pre>(?i:(?:former|then|ex|late)[\s-]+))?(?P<title>[A-Za-z][A-Za-z .-]*?)\s*$", left)
                office = None
                former = False
                if tm:
                    tail_words = tm.group("title").split()
                    for k in range(min(4, len(tail_words)), 0, -1):
                        t = " ".join(tail_words[-k:])
                        if t.lower() in self.kb.title_index:
                            office = self.kb.title_index[t.lower()]
                            role = t
                            former = bool(re.search(r"(?i)(former|then|ex|late)[\s-]+" + re.escape(t) + r"\s*$", left))
                            break
                ref_id = self._office_holder_by_family(fam, office, at.published, former)
                if ref_id is None:
                    continue
                ref = self.kb.get(ref_id)
                add(PERSON, ref_key(ref_id), m.start(), m.end(), ref.name, country=ref.country,
                    role=role, via="surname")
                continue
            add(PERSON, chosen.key, m.start(), m.end(), chosen.name, country=chosen.country, via="surname")

    def _leader_pairs(self, at: ArticleText, add) -> None:
        for m in scan(_PAIR, at.mtext, at.low):
            fa, fb = m.group("a").lower(), m.group("b").lower()
            if fa not in self.kb.by_family or fb not in self.kb.by_family:
                continue
            sent = at.sentence_at(m.start())
            years = {int(y) for y in re.findall(r"\b(1[89]\d\d|20\d\d)\b", sent.text)} if sent else set()
            pairs = []
            for pa in self.kb.by_family[fa]:
                for pb in self.kb.by_family[fb]:
                    overlap = self._leaders_together(pa, pb)
                    if overlap and (not years or any(overlap[0] <= y <= overlap[1] for y in years)):
                        pairs.append((pa, pb))
            if len(pairs) != 1:
                continue
            for pid, grp in zip(pairs[0], ("a", "b")):
                ref = self.kb.get(pid)
                add(PERSON, ref_key(pid), m.start(grp), m.end(grp), ref.name, country=ref.country, via="surname")

    def _leaders_together(self, a: str, b: str) -> tuple[int, int] | None:
        """The years two people led different countries at the same time, if they did."""
        ea, eb = self.kb.get(a), self.kb.get(b)
        if not ea or not eb or ea.country == eb.country:
            return None
        best = None
        for oa in ea.offices:
            for ob in eb.offices:
                if not (self.kb.offices.get(oa.office) and self.kb.offices[oa.office].leader
                        and self.kb.offices.get(ob.office) and self.kb.offices[ob.office].leader):
                    continue
                start = max(int((oa.start or "0")[:4]), int((ob.start or "0")[:4]))
                end = min(int((oa.end or "9999")[:4]), int((ob.end or "9999")[:4]))
                if start <= end:
                    best = (start, end) if best is None else (min(best[0], start), max(best[1], end))
        return best

    def _office_holder_by_family(self, fam: str, office: str | None, published: str | None, former: bool) -> str | None:
        ids = self.kb.by_family.get(fam, [])
        if not ids:
            return None
        if office is None and len(ids) == 1 and fam.capitalize() not in self.pp.korean_surnames:
            return ids[0]  # a distinctive family name that only one known person bears
        best = []
        for pid in ids:
            e = self.kb.get(pid)
            offs = [o for o in e.offices if office is None or o.office == office]
            if not offs:
                continue
            if published:
                started = [o for o in offs if (o.start or "0") <= published]
                if not started:
                    continue
                current = [o for o in started if not o.end or o.end[:len(published)] >= published[:len(o.end)]]
                if current and not former:
                    best.append((2, max(o.start or "" for o in current), pid))
                else:
                    best.append((1, max(o.start or "" for o in started), pid))
            else:
                best.append((1, max(o.start or "" for o in offs), pid))
        if not best:
            return None
        best.sort(reverse=True)
        top = [b for b in best if b[0] == best[0][0]]
        if office is None:
            # a bare surname: only when one person of that family name is current, or the
            # name is not a common Korean family name and there is a single candidate
            if best[0][0] == 2 and len(top) == 1:
                return best[0][2]
            if len(best) == 1 and fam.capitalize() not in self.pp.korean_surnames:
                return best[0][2]
            return None
        return best[0][2]


def _role_text(title: str, pre: str) -> str:
    """The office as the text states it, keeping "former", "then-" and "acting"."""
    t = " ".join(w if w.isupper() else (w[:1].upper() + w[1:]) for w in title.split())
    pre = pre.strip(" -").lower()
    if pre in ("former", "ex", "late", "outgoing"):
        return f"{pre} {t}"
    if pre == "then":
        return f"then-{t}"
    if pre in ("acting", "interim"):
        return f"{pre.capitalize()} {t}"
    return t


def _with(m: Mention, **kw) -> Mention:
    from dataclasses import replace
    return replace(m, **kw)
