"""Resolution: one record per real-world thing across all articles.

    resolve(extractions) -> Resolved

Actors resolve by key: a reference id, or for people and organizations the reference
does not know, their normalised name (word order ignored for people, so "Choi Eunmi"
and "CHOI Eunmi" and "Eunmi Choi" are one person). Events from different articles merge
when they are of one kind, with compatible dates and places and participants that fit
together. Output order is sorted, so the same input always gives the same result.
"""
from __future__ import annotations

import datetime as _dt
import logging
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace

from .extract.actors import DEMONYM
from .extract.events import Draft, EventExtractor, _absorb
from .model import COUNTRY, ORGANIZATION, PERSON, PLACE, AgreementRecord, DisputeRecord, Entity, Event, Extraction, Resolved
from .reference import ReferenceKB, slug
from .reference import load as load_reference

log = logging.getLogger(__name__)


def _is_surname_only(text: str, name: str) -> bool:
    return len(text.split()) == 1 and len(name.split()) > 1


def resolve(extractions: Sequence[Extraction], *, kb: ReferenceKB | None = None) -> Resolved:
    kb = kb or load_reference()
    extractions = sorted(extractions, key=lambda x: x.article.id)
    # ---------------------------------------------------------------- actors
    spans = defaultdict(list)
    kinds: dict[str, str] = {}
    surfaces: dict[str, Counter] = defaultdict(Counter)
    names: dict[str, str] = {}
    countries: dict[str, Counter] = defaultdict(Counter)
    roles: dict[str, Counter] = defaultdict(Counter)
    claims: dict[str, list] = defaultdict(list)
    demonym_spans: dict[str, list] = defaultdict(list)
    for x in extractions:
        for m in x.mentions:
            if m.kind == DEMONYM:
                demonym_spans[m.key].append(m.span)  # "Japanese": evidence for Japan, if Japan is a node
                continue
            kinds.setdefault(m.key, m.kind)
            spans[m.key].append(m.span)
            names.setdefault(m.key, m.name)
            if not (m.kind == PERSON and _is_surname_only(m.text, m.name)):
                surfaces[m.key][" ".join(m.text.split())] += 1
            if m.country:
                countries[m.key][m.country] += 1
            if m.role:
                roles[m.key][m.role] += 1
                claims[m.key].append((m.role, m.span))
        for key, kind, name in x.names:
            kinds.setdefault(key, kind)
            names.setdefault(key, name)
    # participants, signatories and parties that no mention named (office holders behind
    # "the two leaders", reference signatories) still need nodes
    for x in extractions:
        for e in x.events:
            for p in (*e.participants, *((e.location,) if e.location else ())):
                _ensure(kb, p, kinds, names)
        for a in x.agreements:
            for p in (*a.signatories, *a.parties):
                _ensure(kb, p, kinds, names)
        for d in x.disputes:
            for p in d.parties:
                _ensure(kb, p, kinds, names)
    # an actor's country comes from the reference, else from the text; it is linked only
    # when the articles name that country (a place does not bring its country into the graph)
    for key in list(kinds):
        if key.startswith("ref:"):
            ref = kb.get(key[4:])
            if ref is not None and ref.country and ref.kind != COUNTRY:
                countries[key] = Counter({"ref:" + ref.country: 1})
    for key in list(countries):
        countries[key] = Counter({c: n for c, n in countries[key].items() if c in kinds})
    entities = []
    for key in sorted(kinds):
        kind = kinds[key]
        label = names[key]
        if not key.startswith("ref:") and surfaces[key] and kind == PERSON:
            # the most frequent full spelling, ties broken alphabetically
            label = sorted(surfaces[key].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            if kind == PERSON and label.isupper():
                label = names[key]
        alts = sorted({s for s in surfaces[key] if s != label and (len(s.split()) > 1 or s.isupper() or kind != ORGANIZATION)})
        country = None
        if countries.get(key):
            country = sorted(countries[key].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        if kind == COUNTRY:
            country = None
        entities.append(Entity(
            key=key, kind=kind, label=label, alt_labels=tuple(alts), country=country,
            roles=tuple(sorted(roles[key])),
            spans=tuple(sorted(set(spans[key]) | (set(demonym_spans[key]) if kind == COUNTRY else set()), key=_span_order)),
            ref=key[4:] if key.startswith("ref:") else None,
            role_claims=tuple(sorted(set(claims[key]), key=lambda c: (_span_order(c[1]), c[0])))))
    # ---------------------------------------------------------------- agreements, disputes
    agreements: dict[str, AgreementRecord] = {}
    for x in extractions:
        for a in x.agreements:
            old = agreements.get(a.key)
            if old is None:
                agreements[a.key] = a
            else:
                agreements[a.key] = replace(old, spans=old.spans + a.spans,
                                            aliases=tuple(dict.fromkeys(old.aliases + a.aliases)),
                                            signatories=tuple(dict.fromkeys(old.signatories + a.signatories)),
                                            parties=tuple(dict.fromkeys(old.parties + a.parties)),
                                            date=old.date or a.date)
    disputes: dict[str, DisputeRecord] = {}
    for x in extractions:
        for d in x.disputes:
            old = disputes.get(d.key)
            disputes[d.key] = d if old is None else replace(
                old, spans=old.spans + d.spans, aliases=tuple(dict.fromkeys(old.aliases + d.aliases)))
    # ---------------------------------------------------------------- events
    ee = EventExtractor(kb)
    ctx = {("country", k): c for k, c in ((e.key, e.country) for e in entities) if c}
    drafts = [Draft(cls=e.cls, key=e.key, family=_family(ee, e.key), label=e.label,
                    participants=list(e.participants), date=e.date, end_date=e.end_date, location=e.location,
                    spans=list(e.spans), quotes=list(e.quotes), outcome=list(e.outcome), concerns=list(e.concerns))
              for x in extractions for e in x.events]
    published = {x.article.id: _interval(x.article.meta.published, None) for x in extractions}
    merged = _merge_events(ee, drafts, ctx, published)
    label_of = {e.key: e.label for e in entities}
    label_of.update({k: a.label for k, a in agreements.items()})
    events = []
    for d in merged:
        participants = tuple(sorted(set(d.participants), key=lambda p: (_kind_rank(kinds.get(p)), label_of.get(p, p))))
        label = _event_label(d, participants, label_of)
        key = f"{d.date or 'undated'}-{d.key}-" + "-".join(slug(label_of.get(p, p)) for p in participants[:2])
        events.append(Event(
            key=key, cls=d.cls, kind=d.key, label=label, participants=participants, date=d.date,
            end_date=d.end_date, location=d.location, outcome=tuple(sorted(set(d.outcome))),
            concerns=tuple(sorted(set(d.concerns))), spans=tuple(sorted(set(d.spans), key=_span_order))))
    events.sort(key=lambda e: (e.key, e.spans[0].article if e.spans else "", e.spans[0].start if e.spans else 0))
    # unique keys
    seen: Counter = Counter()
    uniq = []
    for e in events:
        seen[e.key] += 1
        uniq.append(e if seen[e.key] == 1 else replace(e, key=f"{e.key}-{seen[e.key]}"))
    sentences = {(x.article.id, s.index): s for x in extractions for s in x.sentences}
    return Resolved(
        articles=tuple(x.article for x in extractions), sentences=sentences, entities=tuple(entities),
        events=tuple(uniq), agreements=tuple(agreements[k] for k in sorted(agreements)),
        disputes=tuple(disputes[k] for k in sorted(disputes)),
        article_actors=tuple((x.article.id, x.authors, x.publisher) for x in extractions))


def _span_order(s):
    return (s.article, s.start, s.end)


def _ensure(kb: ReferenceKB, key: str, kinds: dict, names: dict) -> None:
    if key in kinds or not key.startswith("ref:"):
        return
    ref = kb.get(key[4:])
    if ref is None:
        return
    kinds[key] = ref.kind
    names[key] = ref.name


def _family(ee: EventExtractor, key: str) -> str:
    for t in ee.p.triggers:
        if t.key == key:
            return t.family
    return key


class _Mention:
    """One article's report of an event, with what merging compares."""

    __slots__ = ("article", "countries", "draft", "order", "orgs", "persons", "place", "published", "ranged", "span")

    def __init__(self, ee: EventExtractor, d: Draft, ctx, published: dict):
        self.draft = d
        self.article = d.spans[0].article if d.spans else ""
        self.published = published.get(self.article)  # the days the article may have appeared on
        self.persons = frozenset(ee._persons(d))
        self.countries = frozenset(ee._countries(d, ctx))
        self.orgs = frozenset(p for p in d.participants if ee._kind_of(p) == ORGANIZATION)
        self.span = _interval(d.date, d.end_date)
        # a range the report gives ("from May 19 to 21"), not the vagueness of a month or a year
        self.ranged = bool(d.end_date) and self.span is not None and self.span[0] < self.span[1]
        self.place = d.location
        first = min(d.spans, key=_span_order) if d.spans else None
        # most telling first: the finest date, then the most people, countries and a place;
        # the rest only breaks ties, so the order never depends on the order of the input
        self.order = (-_precision(d.date), -len(self.persons), -len(self.countries), d.location is None,
                      -len(d.participants), d.family, d.date or "", d.end_date or "", d.key,
                      tuple(sorted(d.participants)), d.location or "",
                      (first.article, first.start, first.end) if first else ("", 0, 0))


class _Cluster:
    """The reports taken to be one event so far: what all of them allow together."""

    __slots__ = ("countries", "days", "family", "members", "orgs", "persons", "places", "ranges", "span", "unsure_place")

    def __init__(self, m: _Mention):
        self.members = [m]
        self.persons, self.countries, self.orgs = set(m.persons), set(m.countries), set(m.orgs)
        self.span = m.span  # the days every report allows
        self.days = {m.span[0]} if _one_day(m.span) else set()  # the single days reports give
        self.ranges = {m.draft.cls} if m.ranged else set()  # the classes of reports giving a range
        self.places = {m.place} if m.place else set()
        self.unsure_place = False  # reports gave places that exclude each other
        self.family = m.draft.family

    def add(self, m: _Mention, ee: EventExtractor, ctx) -> None:
        self.members.append(m)
        self.persons |= m.persons
        self.countries |= m.countries
        self.orgs |= m.orgs
        if m.span is not None:
            self.span = m.span if self.span is None else (max(self.span[0], m.span[0]), min(self.span[1], m.span[1]))
        if _one_day(m.span):
            self.days.add(m.span[0])
        if m.ranged:
            self.ranges.add(m.draft.cls)
        if m.place and m.place not in self.places:
            self.unsure_place = self.unsure_place or any(not ee._places_compatible(m.place, p, ctx) for p in self.places)
            self.places.add(m.place)


def _merge_events(ee: EventExtractor, drafts: list[Draft], ctx, published: dict) -> list[Draft]:
    """Reports of one event from different articles become one draft.

    A report joins the event whose reports it fits (`_fits`): of one kind, on days every
    report allows, with participants that are a part of the others' (a country standing for
    its people), at no contradicting place; a day inside a range only when the range is the
    event's own (a visit's days, not the days of the summit a meeting was held at). Reports
    are taken most telling first (a day before a month before none, more people before
    fewer), so a vague report joins the precise event it fits. A report that fits several
    events equally well joins the one nearest the day its article appeared (news reports the
    latest event), else the one more reports tell of, else stays an event of its own that
    draws no other report. An undated report joins an event of someone it names when that is
    the only such event, else the one within a month of its article's publication
    (`_undated_choices`). Reports from one article follow the same rules (the parts of a
    very long article are extracted apart).
    Events are found through an index by kind, year and participant, so the work grows with
    the reports of each participant's year, not with the square of the corpus.
    """
    mentions = sorted((_Mention(ee, d, ctx, published) for d in drafts), key=lambda m: m.order)
    clusters: list[_Cluster] = []
    index: dict[tuple, list[_Cluster]] = defaultdict(list)
    for m in mentions:
        fitting: list[_Cluster] = []
        seen: set[int] = set()
        for key in _lookup_keys(m):
            for c in index.get(key, ()):
                if id(c) not in seen:
                    seen.add(id(c))
                    if _fits(ee, m, c, ctx):
                        fitting.append(c)
        if m.span is None:
            fitting = _undated_choices(m, fitting)
        best, best_score, tie = None, None, False
        for c in fitting:
            score = _affinity(m, c)
            if best_score is None or score > best_score:
                best, best_score, tie = c, score, False
            elif score == best_score:
                tie = True
        if tie:
            log.debug("event report %s (%s, %s) fits several events equally well: kept apart",
                      m.article, m.draft.key, m.draft.date)
        if best is not None and not tie:
            before = _index_keys(best)
            best.add(m, ee, ctx)
            for key in _index_keys(best) - before:
                index[key].append(best)
        else:
            c = _Cluster(m)
            clusters.append(c)
            if not tie:  # a report that could be one of several events draws no other report to it
                for key in _index_keys(c):
                    index[key].append(c)
    out = []
    for c in clusters:
        head, *rest = c.members
        d = head.draft
        for m in rest:
            _absorb(d, m.draft)
        if len(c.places) > 1:
            # a city over the country it lies in; between places that exclude each other, the
            # one most reports give, then the most telling report's
            votes = Counter(m.place for m in c.members if m.place)
            first = {p: i for i, p in reversed(list(enumerate(m.place for m in c.members)))}
            d.location = min(votes, key=lambda p: (ee._is_country(p), -votes[p], first[p]))
        out.append(d)
    return out


def _undated_choices(m: _Mention, fitting: list) -> list:
    """The events an undated report may be one more report of, among those it fits: the only
    dated event it fits, whatever its date, when that event is of the very people the report
    names (a historical meeting recalled without its date); else those within a month of the
    article's date (the news is of the recent one); when none is recent, only an undated
    event (which of the dated ones it was is unsaid)."""
    dated = [c for c in fitting if c.span is not None]
    if len(dated) == 1 and dated[0].persons == m.persons:
        return dated
    recent = [c for c in dated if m.published is not None and _distance(c.span, m.published) <= RECENT_DAYS]
    return recent or [c for c in fitting if c.span is None]


def _years(span) -> list:
    if span is None:
        return [None]
    a, b = (_dt.date.fromordinal(x).year for x in span)
    return list(range(a, b + 1)) if b - a < 3 else [None]


def _index_keys(c: _Cluster) -> set:
    """Where a cluster is found: by kind and year with each participant; a cluster naming no
    person also under its countries for reports naming people; every cluster also under no
    year, for undated reports."""
    years = (*_years(c.span), None)
    out = {(c.family, y, a) for y in years for a in (c.persons | c.countries | c.orgs or {""})}
    if not c.persons:
        out |= {("no person", c.family, y, a) for y in years for a in c.countries | c.orgs}
    return out


def _lookup_keys(m: _Mention) -> list:
    if m.span is None:  # an undated report can only join an event of someone it names
        return [(m.draft.family, None, a) for a in sorted(m.persons)]
    years = _years(m.span)
    if m.persons:
        return [(m.draft.family, y, a) for y in years for a in sorted(m.persons)] + [
            ("no person", m.draft.family, y, a) for y in years for a in sorted(m.countries | m.orgs)]
    return [(m.draft.family, y, a) for y in years for a in sorted(m.countries | m.orgs | {""})]


def _fits(ee: EventExtractor, m: _Mention, c: _Cluster, ctx) -> bool:
    """Can this report be one more report of the event the cluster stands for?"""
    if m.draft.family != c.family:
        return False
    # dates: every report's days must overlap (a day inside a month, a day inside a visit's range),
    # so two reports of different single days never meet
    if m.span is not None and c.span is not None:
        if m.span[0] > c.span[1] or c.span[0] > m.span[1]:
            return False
        # a day inside a range only when the range is the event's own (a visit's days); the range
        # a meeting or a summit is reported with is the gathering's it was held at (the G7
        # summit of May 19-21), and talks on one day of it are an event of their own
        if _one_day(m.span) and c.ranges - OWN_RANGE:
            return False
        if m.ranged and m.draft.cls not in OWN_RANGE and c.days:
            return False
    shared = m.persons & c.persons
    if (m.span is None or c.span is None) and not shared:
        return False  # undated and no one in common: nothing ties them
    # people: one report names a part of the other's, and a person one report does not name
    # is from a country it names when it names more than one
    if m.persons and c.persons and not (m.persons <= c.persons or c.persons <= m.persons):
        return False
    if m.countries and c.countries and not (m.countries <= c.countries or c.countries <= m.countries):
        return False
    for more, less, less_c in ((m.persons, c.persons, c.countries), (c.persons, m.persons, m.countries)):
        # a report of "Kishida and Yun" (two countries) is not the trilateral with Blinken
        if len(less_c) > 1 and any(ee._country_of(p, ctx) not in less_c for p in more - less):
            return False
    if m.orgs and c.orgs and not (m.orgs & c.orgs):
        return False
    # place: no contradiction; two reports of the same day that share a person and differ only
    # in the city (a dateline taken for the place of a phone call) are still one event, whose
    # place is then unsure: a further report need only agree with one of its places
    if m.place and c.places:
        fits = [ee._places_compatible(m.place, p, ctx) for p in sorted(c.places)]
        if not (all(fits) or (c.unsure_place and any(fits)) or (shared and _one_day(m.span) and m.span == c.span)):
            return False
        if (m.orgs or c.orgs) and not (m.orgs & c.orgs) and m.place not in c.places:
            return False  # "the G7 summit in Hiroshima" is not the leaders' own talks elsewhere
    return True


def _affinity(m: _Mention, c: _Cluster) -> tuple:
    """How well a report fits an event it can belong to (to choose between several)."""
    same_days = m.span is not None and m.span == c.span
    same_place = bool(m.place) and m.place in c.places
    # between events a report fits equally well, the one nearer the day its article appeared
    # (an undated report has no such hint), then the one more reports tell of
    near = 0
    if m.span is not None and m.published is not None:
        near = -_distance(c.span, m.published) if c.span is not None else -_FAR
    return (same_days, same_place, len(m.persons & c.persons), len(m.countries & c.countries),
            len(m.orgs & c.orgs), near, len(c.members))


RECENT_DAYS = 31  # an undated report in the news: an event at most this far from the article's date
#: the classes whose reported date ranges are the event's own days: a visit's stay, the run of
#: an expo or of games; a meeting's or a summit's range is the gathering's it was held at
OWN_RANGE = frozenset({"Visit", "Event"})
_FAR = 1 << 30


def _distance(a, b) -> int:
    """Days between two (first, last) day ranges; 0 when they overlap."""
    return max(0, a[0] - b[1], b[0] - a[1])


def _precision(date: str | None) -> int:
    return len(date) if date else 0


def _one_day(span) -> bool:
    return span is not None and span[0] == span[1]


def _interval(date: str | None, end: str | None):
    """The days a date allows, as (first, last) day ordinals: a day, a month, a year, a range."""
    first = _bounds(date)
    if first is None:
        return None
    last = _bounds(end) if end else None
    if last is not None and last[1] >= first[0]:
        return (first[0], last[1])
    return first


def _bounds(date: str | None):
    if not date:
        return None
    try:
        parts = [int(p) for p in date.split("-")]
        if len(parts) == 1:
            return (_dt.date(parts[0], 1, 1).toordinal(), _dt.date(parts[0], 12, 31).toordinal())
        if len(parts) == 2:
            y, mo = parts
            nxt = _dt.date(y + (mo == 12), mo % 12 + 1, 1)
            return (_dt.date(y, mo, 1).toordinal(), nxt.toordinal() - 1)
        day = _dt.date(*parts[:3]).toordinal()
        return (day, day)
    except (ValueError, TypeError):
        log.debug("unreadable event date %r", date)
        return None


def _kind_rank(kind: str | None) -> int:
    return {PERSON: 0, ORGANIZATION: 1, COUNTRY: 2, PLACE: 3}.get(kind or "", 4)


def _event_label(d: Draft, participants, label_of) -> str:
    who = [label_of.get(p, p) for p in participants]
    people = who[:4]
    if d.cls in ("Meeting", "Summit"):
        base = f"{d.label[:1].upper()}{d.label[1:]}"
        text = f"{base} of {_join(people)}" if people else base
    elif d.cls == "Visit":
        text = f"Visit by {_join(people)}" if people else "Visit"
        if d.location:
            text += f" to {label_of.get(d.location, d.location)}"
    else:
        # the phrase the text used ("upper house elections", "martial law declaration")
        phrase = max(d.quotes, key=lambda q: (len(q), q)) if d.quotes else d.label
        phrase = " ".join(phrase.split())
        base = f"{phrase[:1].upper()}{phrase[1:]}"
        text = f"{base}: {_join(people)}" if people else base
    if d.location and d.cls != "Visit":
        text += f" in {label_of.get(d.location, d.location)}"
    if d.date:
        text += f" ({d.date}{'/' + d.end_date if d.end_date else ''})"
    return text


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
