"""Resolution: one record per real-world thing across all articles.

    resolve(extractions) -> Resolved

Actors resolve by key: a reference id, or for people and organizations the reference
does not know, their normalised name (word order ignored for people, so "Choi Eunmi"
and "CHOI Eunmi" and "Eunmi Choi" are one person). Events from different articles merge
when they are of one kind, with compatible dates and places and participants that fit
together. Output order is sorted, so the same input always gives the same result.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace

from .extract.actors import DEMONYM
from .extract.events import Draft, EventExtractor
from .model import COUNTRY, ORGANIZATION, PERSON, PLACE, AgreementRecord, DisputeRecord, Entity, Event, Extraction, Resolved
from .reference import ReferenceKB, slug
from .reference import load as load_reference


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
    merged: list[Draft] = []
    for x in extractions:
        for e in x.events:
            d = Draft(cls=e.cls, key=e.key, family=_family(ee, e.key), label=e.label,
                      participants=list(e.participants), date=e.date, end_date=e.end_date, location=e.location,
                      spans=list(e.spans), quotes=list(e.quotes), outcome=list(e.outcome), concerns=list(e.concerns))
            for o in merged:
                if _same_event_across(ee, o, d, ctx):
                    from .extract.events import _absorb
                    _absorb(o, d)
                    break
            else:
                merged.append(d)
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


def _same_event_across(ee: EventExtractor, a: Draft, b: Draft, ctx) -> bool:
    """Across articles, ask for more than within one: both dated, or the same people."""
    if not ee.compatible(a, b, ctx):
        return False
    if a.date and b.date:
        return True
    pa, pb = ee._persons(a), ee._persons(b)
    return bool(pa and pb and (pa & pb))


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
