"""Events: summits, meetings, visits and key political events, sentence by sentence.

For each sentence:
1. find triggers (patterns from `ontology/patterns/events.yaml`), skipping those inside
   names ("Korea-Japan Business Conference");
2. cut the sentence into clauses and give every actor and date to the nearest trigger
   of its own clause (a "when"/"who" clause lends its mentions to the clause before);
3. build one event per trigger, with fallbacks that the domain makes safe: the sentence
   subject for a second verb ("X met Y and is to visit Z"), a pronoun's antecedent, the
   office holders behind "the two leaders", the other country's leader in a bilateral
   summit, the article's two countries for an unnamed bilateral meeting;
4. merge the mentions of one event within the article.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from .. import resources
from ..model import COUNTRY, ORGANIZATION, PERSON, PLACE, AgreementRecord, DisputeRecord, EventRecord, Mention, Span
from ..reference import ReferenceKB, slug
from .actors import DEMONYM, ArticleText, ref_key
from .agreements import AgreementPhrase, DisputePhrase
from .dates import DateMention, find_dates


@dataclass(frozen=True)
class TriggerSpec:
    key: str
    family: str
    cls: str
    label: str
    regex: re.Pattern
    participants: frozenset[str]
    needs_date: bool


@dataclass(frozen=True)
class EventPatterns:
    triggers: tuple[TriggerSpec, ...]
    anaphoric: re.Pattern
    descriptor: re.Pattern
    boundaries: re.Pattern
    hypothetical: re.Pattern
    negation: re.Pattern
    pair: re.Pattern
    pair_offices: dict
    outcome_verbs: re.Pattern


@lru_cache(maxsize=1)
def patterns() -> EventPatterns:
    data = resources.load_yaml("patterns", "events.yaml")
    triggers = []
    extra = data
    for item in data["triggers"]:
        flags = 0 if item.get("case") else re.I
        triggers.append(TriggerSpec(
            key=item["key"], family=item.get("family", item["key"]), cls=item["class"], label=item["label"],
            regex=re.compile(item["pattern"], flags), participants=frozenset(item.get("participants") or []),
            needs_date=bool(item.get("needs_date"))))
    agr = resources.load_yaml("patterns", "agreements.yaml") or {}
    verbs = sorted(agr.get("outcome_verbs") or [], key=len, reverse=True)
    return EventPatterns(
        triggers=tuple(triggers),
        anaphoric=re.compile(extra["anaphoric"], re.I),
        descriptor=re.compile(extra["descriptor"], re.I),
        boundaries=re.compile("|".join(f"(?:{b})" for b in extra["clause_boundaries"]), re.I),
        hypothetical=re.compile(extra["hypothetical"], re.I),
        negation=re.compile(extra["negation"], re.I),
        pair=re.compile(extra["pair_phrase"], re.I),
        pair_offices=dict(extra.get("pair_offices") or {}),
        outcome_verbs=re.compile(r"(?i)\b(?:" + "|".join(re.escape(v) for v in verbs) + r")\b"),
    )


_OFFICE_NOUN = re.compile(r"(?i)^\s+(?:(?:foreign|defen[cs]e|prime|trade|finance|top|senior|vice|deputy|chief)\s+)*"
                          r"(?:ministers?|diplomats?|leaders?|officials?|delegations?|government|president|envoys?|"
                          r"ambassadors?|secretary|premier|counterparts?)\b")
_PRONOUN = re.compile(r"\b(?:he|his|him|she|her)\b", re.I)
_LOC_PREP = re.compile(r"(?i)(?:\b(?:in|at|to|into|inside|near)\s+(?:the\s+)?(?:city of\s+)?)$")
_TO_PREP = re.compile(r"(?i)(?:\b(?:to|in|visit(?:ed|ing)?|toured|arrived in|landed in)\s+(?:the\s+)?)$")
_ANNIV = re.compile(r"(?i)(\d+)(?:st|nd|rd|th)\s+anniversary\s+of\s+(?:the\s+)?[\w\s'-]{0,40}$")
_CLAUSE_LEAD = re.compile(r"(?i)^[\s,;:-]*(when|where|who|which|whom|whose)\b")


@dataclass
class Trig:
    start: int
    end: int
    spec: TriggerSpec
    text: str
    clause: int
    descriptor: bool = False
    anaphoric: bool = False
    actors: list = field(default_factory=list)  # Mention
    dates: list = field(default_factory=list)  # (abs start, DateMention)
    pairs: list = field(default_factory=list)  # office keys from "the two leaders"
    agreements: list = field(default_factory=list)


@dataclass
class Draft:
    cls: str
    key: str
    family: str
    label: str
    participants: list
    date: str | None
    end_date: str | None
    location: str | None
    spans: list
    quotes: list
    outcome: list = field(default_factory=list)
    concerns: list = field(default_factory=list)
    names: dict = field(default_factory=dict)


class EventExtractor:
    def __init__(self, kb: ReferenceKB):
        self.kb = kb
        self.p = patterns()

    # ------------------------------------------------------------------ helpers
    def _country_of(self, key: str, names: dict) -> str | None:
        if key.startswith("ref:"):
            e = self.kb.get(key[4:])
            if e is None:
                return None
            return ref_key(e.id) if e.kind == COUNTRY else (ref_key(e.country) if e.country else None)
        return names.get(("country", key))

    def _leaders(self, country_key: str, date: str | None, office: str) -> list[str]:
        cid = country_key.removeprefix("ref:")
        out = []
        if office == "leader":
            for key, spec in self.kb.offices.items():
                if spec.leader:
                    out += [p for p in self.kb.holders(key, cid, date) if not self._acting(p, key, cid, date)]
            # a country with a president and a prime minister: the head of government for Japan-style
            # systems is the PM; for presidential systems the president. Prefer non-acting presidents,
            # then prime ministers where no president holds office.
            pres = [p for p in out if self.kb.holders("president", cid, date).count(p)]
            if pres:
                return sorted(set(pres))
            return sorted(set(out))
        return sorted(set(self.kb.holders(office, cid, date)))

    def _acting(self, person: str, office: str, country: str, date: str | None) -> bool:
        e = self.kb.get(person)
        return any(o.acting for o in e.offices if o.office == office and o.country == country) if e else False

    # ------------------------------------------------------------------ main
    def extract(self, at: ArticleText, mentions: list[Mention], agreements: list[AgreementPhrase],
                disputes: list[DisputePhrase], focal: tuple[str, ...]):
        names = {}
        for m in mentions:
            if m.kind != DEMONYM:
                names.setdefault(m.key, m.name)
                if m.country:
                    names.setdefault(("country", m.key), m.country)
        by_sentence: dict[int, list[Mention]] = {}
        for m in mentions:
            by_sentence.setdefault(m.span.sentence, []).append(m)
        agr_by_sentence: dict[int, list[AgreementPhrase]] = {}
        for a in agreements:
            s = at.sentence_at(a.start)
            if s is not None:
                agr_by_sentence.setdefault(s.index, []).append(a)
        dis_by_sentence: dict[int, list[DisputePhrase]] = {}
        for d in disputes:
            s = at.sentence_at(d.start)
            if s is not None:
                dis_by_sentence.setdefault(s.index, []).append(d)
        blocked = [(m.span.start, m.span.end) for m in mentions if m.kind in (ORGANIZATION, PLACE)]
        blocked += [(a.start, a.end) for a in agreements if a.ref]
        drafts: list[Draft] = []
        new_agreements: list[AgreementRecord] = []
        last_person: Mention | None = None
        for sent in at.sentences:
            sm = sorted(by_sentence.get(sent.index, []), key=lambda m: m.span.start)
            ds, ags = self._sentence(at, sent, sm, agr_by_sentence.get(sent.index, []),
                                     dis_by_sentence.get(sent.index, []), blocked, focal, names, last_person)
            drafts += ds
            new_agreements += ags
            persons = [m for m in sm if m.kind == PERSON]
            if persons:
                last_person = persons[-1]
        drafts = self._merge(drafts, names)
        drafts = self._inherit_dates(drafts)
        events = tuple(EventRecord(
            cls=d.cls, key=d.key, label=d.label, participants=tuple(dict.fromkeys(d.participants)),
            date=d.date, end_date=d.end_date, location=d.location, outcome=tuple(dict.fromkeys(d.outcome)),
            concerns=tuple(dict.fromkeys(d.concerns)), spans=tuple(sorted(set(d.spans), key=lambda s: (s.start, s.end))),
            quotes=tuple(dict.fromkeys(d.quotes))) for d in drafts)
        return events, new_agreements, names

    # ------------------------------------------------------------------ one sentence
    def _sentence(self, at, sent, sm, ags, dis, blocked, focal, names, last_person):
        text = at.mtext[sent.start:sent.end]
        base = sent.start
        # triggers
        trigs: list[Trig] = []
        taken = []
        for spec in self.p.triggers:
            for m in spec.regex.finditer(text):
                s, e = base + m.start(), base + m.end()
                if any(s < te and ts < e for ts, te in taken):
                    continue
                if any(bs <= s and e <= be for bs, be in blocked):
                    continue
                if any(m_.span.start <= s < m_.span.end for m_ in sm if m_.kind in (ORGANIZATION, PLACE)):
                    continue
                taken.append((s, e))
                trigs.append(Trig(s, e, spec, at.text[s:e], 0))
        for m in self.p.anaphoric.finditer(text):
            s, e = base + m.start(), base + m.end()
            if any(s < te and ts < e for ts, te in taken):
                continue
            trigs.append(Trig(s, e, self.p.triggers[1], at.text[s:e], 0, anaphoric=True))
        if not trigs:
            return [], []
        trigs.sort(key=lambda t: t.start)
        # clauses
        bounds = [base + m.start() for m in self.p.boundaries.finditer(text) if m.start() > 0]
        def clause_of(pos: int) -> int:
            return sum(1 for b in bounds if b <= pos)
        clause_text = {}
        edges = [base] + bounds + [sent.end]
        for i in range(len(edges) - 1):
            clause_text[i] = at.mtext[edges[i]:edges[i + 1]]
        for t in trigs:
            t.clause = clause_of(t.start)
            lead = at.mtext[edges[t.clause]:t.start]
            if self.p.descriptor.search(lead) and not t.anaphoric:
                t.descriptor = True
        main = [t for t in trigs if not t.anaphoric]
        for t in trigs:
            if t.anaphoric:
                src = next((x for x in main), None)
                if src is not None:
                    t.spec = src.spec
        # dates (skip those inside agreement names: "the 1998 joint declaration")
        dates = [(base + d.start, d) for d in find_dates(at.text[sent.start:sent.end], at.published)
                 if d.value and not any(a.start <= base + d.start < a.end for a in ags)]
        # "the two leaders"
        pairs = [(base + m.start(), self.p.pair_offices.get(m.group("office").lower(), "leader"))
                 for m in self.p.pair.finditer(text)]

        def nearest(pos: int, *, dates_mode=False, person=True):
            c = clause_of(pos)
            same = [t for t in trigs if t.clause == c]
            if same:
                if dates_mode:
                    after = [t for t in same if t.start <= pos]
                    if after:  # a date mostly follows its trigger ("met ... on Monday")
                        return max(after, key=lambda t: t.start)
                return min(same, key=lambda t: abs(t.start - pos))
            lead = _CLAUSE_LEAD.match(clause_text.get(c, ""))
            if lead:
                for cc in range(c - 1, -1, -1):
                    prev = [t for t in trigs if t.clause == cc]
                    if prev:
                        return prev[-1]
            if c == 0 and not dates_mode and person:
                return trigs[0]
            return None

        for m in sm:
            t = nearest(m.span.start, person=m.kind == PERSON)
            if t is not None:
                t.actors.append(m)
        for pos, d in dates:
            t = nearest(pos, dates_mode=True)
            if t is not None:
                t.dates.append((pos, d))
        if len(dates) == 1 and sum(1 for t in trigs if not t.descriptor) == 1 and not any(t.dates for t in trigs):
            next(t for t in trigs if not t.descriptor).dates.append(dates[0])
        for pos, office in pairs:
            t = nearest(pos)
            if t is not None:
                t.pairs.append(office)
        # "who" clauses: the antecedent takes part in the clause's events
        for b in bounds:
            if re.match(r"(?i)[\s,]*who\b", at.mtext[b:b + 8]):
                ante = [m for m in sm if m.span.end <= b and m.kind in (PERSON, ORGANIZATION)]
                if ante:
                    for t in trigs:
                        if t.clause == clause_of(b):
                            t.actors.append(ante[-1])

        subject = sm[0] if sm and sm[0].kind == PERSON and sm[0].span.start < trigs[0].start and clause_of(sm[0].span.start) == 0 else None
        span = Span(at.article_id, sent.index, sent.start, sent.end)
        drafts = []
        hosts = [t for t in trigs if not t.descriptor and not t.anaphoric]
        for t in trigs:
            d = self._draft(at, t, sent, text, base, focal, names, subject, last_person, sm, span)
            if d is None:
                continue
            if t.descriptor and d.date is None:
                host = next((h for h in hosts if h.spec.family in ("meeting", "visit")), None)
                if host is not None:
                    host.actors += [a for a in t.actors if a.kind in (PERSON, COUNTRY, DEMONYM)]
                    host.descriptor_location = d.location  # type: ignore[attr-defined]
                continue
            drafts.append((t, d))
        # descriptors may have lent actors to their hosts: rebuild those
        out = []
        for t, d in drafts:
            if getattr(t, "descriptor_location", None) is not None or any(
                    x.descriptor for x in trigs):
                d2 = self._draft(at, t, sent, text, base, focal, names, subject, last_person, sm, span)
                if d2 is not None:
                    if d2.location is None:
                        d2.location = getattr(t, "descriptor_location", None)
                    d = d2
            if t.anaphoric:
                src = next((x for x, _ in drafts if not x.anaphoric), None)
                if src is not None:
                    d.participants = list(dict.fromkeys(d.participants + [p for p in self._participants(src, names) if self._is_country(p)]))
                    if not d.participants:
                        d.participants = self._focal_pair(focal)
            out.append(d)
        out = [d for d in out if self._keep(d)]
        # outcomes and disputes
        new_agreements = []
        for d, t in ((d, next(t for t, dd in drafts if dd is d or dd.key == d.key)) for d in out):
            pass
        for d in out:
            for dp in dis:
                d.concerns.append(ref_key(dp.ref))
        meet = [d for d in out if d.family == "meeting"]
        for a in ags:
            if not meet:
                break
            between = at.mtext[sent.start:a.start]
            if not self.p.outcome_verbs.search(between[-80:]):
                continue
            ev = meet[0]
            if a.ref:
                ev.outcome.append(ref_key(a.ref))
                continue
            if a.kind not in ("joint-statement", "joint-declaration", "agreement", "treaty", "statement"):
                continue
            rec = self._new_agreement(ev, a, at, sent, names)
            if rec is not None:
                ev.outcome.append(rec.key)
                new_agreements.append(rec)
        return out, new_agreements

    def _is_country(self, key: str) -> bool:
        e = self.kb.get(key[4:]) if key.startswith("ref:") else None
        return bool(e and e.kind == COUNTRY)

    def _focal_pair(self, focal) -> list[str]:
        return list(focal[:2]) if len(focal) >= 2 else []

    def _participants(self, t: Trig, names) -> list[str]:
        out = []
        for m in t.actors:
            if m.kind == DEMONYM:
                continue
            if m.kind in (PERSON, ORGANIZATION, COUNTRY):
                out.append(m.key)
        return out

    def _draft(self, at, t: Trig, sent, text, base, focal, names, subject, last_person, sm, span) -> Draft | None:
        spec = t.spec
        cls, key, family = spec.cls, spec.key, spec.family
        clause_start = base
        lead = at.mtext[max(sent.start, t.start - 80):t.start]
        # negated: "no summit", "has not visited"
        if re.search(r"(?i)\b(?:no|never|not)\s+(?:\w+\s+){0,2}$", lead):
            return None
        participants: list[str] = []
        location = None
        allowed = spec.participants
        for m in sorted(t.actors, key=lambda m: m.span.start):
            lo, hi = sorted((m.span.start, t.start))
            if at.mtext[lo:hi].count('"') % 2:
                continue  # a quotation and its attribution are different voices
            if m.kind == ORGANIZATION and self._media(m.key):
                continue
            before = at.mtext[max(sent.start, m.span.start - 30):m.span.start]
            if m.kind == PLACE or (m.kind == COUNTRY and spec.family == "visit" and _TO_PREP.search(before)
                                   and m.span.start > t.start):
                if m.kind == PLACE and not (_LOC_PREP.search(before) or m.span.end <= t.start and
                                            at.mtext[m.span.end:t.start].strip() in ("", "'s")):
                    continue
                if location is None or m.kind == PLACE and self._is_country(location):
                    location = m.key
                continue
            if m.kind == DEMONYM:
                if "country" in allowed and _OFFICE_NOUN.match(at.mtext[m.span.end:m.span.end + 40]):
                    participants.append(m.country)
                continue
            if m.kind == PERSON and "person" in allowed:
                participants.append(m.key)
            elif m.kind == ORGANIZATION and "organization" in allowed:
                participants.append(m.key)
            elif m.kind == COUNTRY and "country" in allowed:
                if spec.family in ("meeting", "visit") and not re.search(
                        r"(?i)\b(?:of|between|from|and|by|with)\s+(?:the\s+)?$", before) and m.span.start > t.end:
                    continue
                participants.append(m.key)
        # "courtesy visit to acting president X": a visit to a person is a meeting
        if spec.family == "visit":
            after = at.mtext[t.end:t.end + 60]
            obj = re.match(r"(?i)\s+(?:to|on|with)\s+", after)
            if obj:
                tgt = next((m for m in t.actors if m.kind == PERSON and m.span.start > t.end), None)
                if tgt is not None and not [m for m in t.actors if m.kind == PLACE and t.end < m.span.start < tgt.span.start]:
                    cls, key, family = "Meeting", "meeting", "meeting"
        persons = [p for p in participants if not self._is_country(p) and p.split(":")[1] != "organization"]
        # the sentence subject is the agent of a coordinated verb ("X met Y and is to visit Z")
        clause_lead = at.mtext[max(sent.start, t.start - 80):t.start]
        if spec.family in ("meeting", "visit") and subject is not None and re.search(
                r"(?i)\band\s+(?:is|was|will|has|had|then)\b[^,;]*$", clause_lead) and not any(
                m.kind == PERSON and m.span.start < t.start and m.span.start > t.start - 80 for m in t.actors):
            if subject.key not in participants:
                participants.insert(0, subject.key)
        # a possessive or personal pronoun right before the trigger stands for the sentence
        # subject, else for the last person named
        if "person" in allowed:
            near = at.mtext[max(sent.start, t.start - 40):t.start]
            pron = re.search(r"(?i)\b(?:his|her|he|she)\b(?:\s+\w+){0,3}\s*$", near)
            if pron or not any(self._kind_of(p) == PERSON for p in participants) and _PRONOUN.search(
                    at.mtext[max(sent.start, t.start - 60):min(sent.end, t.end + 30)]):
                prior = [m for m in sm if m.kind == PERSON and m.span.start < t.start]
                ref = subject if subject is not None and subject.span.start < t.start else (
                    prior[-1] if prior else last_person)
                if ref is not None and ref.key not in participants and (pron or not any(
                        self._kind_of(p) == PERSON for p in participants)):
                    participants.append(ref.key)
        # dates
        date = end_date = None
        if t.dates:
            pos, dm = min(t.dates, key=lambda pd: (0 if pd[0] >= t.start else 1, abs(pd[0] - t.start)))
            date, end_date = dm.value, dm.end_value
        anniv = _ANNIV.search(at.mtext[max(sent.start, t.start - 70):t.start])
        if anniv:
            n = int(anniv.group(1))
            year = int((date or at.published or "0")[:4]) if (date or at.published) else None
            date = f"{year - n:04d}" if year else None
            end_date = None
        if spec.key in ("expo", "world-cup", "olympics") and location is None:
            left = [m for m in sm if m.kind == PLACE and 0 <= t.start - m.span.end <= 2]
            if left:
                location = left[-1].key
        if spec.key in ("world-cup", "olympics"):
            participants = [p for p in participants if self._is_country(p)]
        # "the two leaders"
        for office in t.pairs:
            when = date or at.published
            for c in focal[:2]:
                holders = self._leaders(c, when, office)
                if len(holders) == 1:
                    participants.append(ref_key(holders[0]))
        # a bilateral summit names one leader: add the other country's leader at the time
        if cls == "Summit" and len(focal) >= 2:
            when = date or None
            leaders = [p for p in participants if p.startswith("ref:") and self.kb.get(p[4:]) and
                       self.kb.get(p[4:]).kind == PERSON and self.kb.is_leader(p[4:], when or at.published)]
            others = [p for p in participants if self._kind_of(p) == PERSON and p not in leaders]
            if len(leaders) == 1 and not others and when:
                mine = self._country_of(leaders[0], names)
                for c in focal[:2]:
                    if c != mine and mine in focal[:2]:
                        h = self._leaders(c, when, "leader")
                        if len(h) == 1:
                            participants.append(ref_key(h[0]))
        if spec.key == "inauguration" and date:
            named = [m.key for m in t.actors if m.kind == COUNTRY] + participants
            participants += [ref_key(p) for p in self._took_office_on(date, named, names)]
        # hypothetical or generic mentions without a date are not events
        clause_txt = at.mtext[max(sent.start, t.start - 120):min(sent.end, t.end + 60)]
        if date is None and (self.p.hypothetical.search(clause_txt) or spec.needs_date):
            return None
        if date is None and t.text.lower().endswith("s") and t.text.lower() not in ("talks",) and not any(
                self._kind_of(p) == PERSON for p in participants):
            return None
        if cls in ("Meeting", "Summit") and not participants:
            participants = self._focal_pair(focal) if (date or location) else []
        if not participants and not (date and location) and not (location and spec.key in ("expo",)):
            if not (spec.key in ("expo", "world-cup", "olympics") and date):
                return None
        return Draft(cls=cls, key=key, family=family, label=spec.label, participants=participants,
                     date=date, end_date=end_date, location=location, spans=[span], quotes=[t.text])

    def _media(self, key: str) -> bool:
        e = self.kb.get(key[4:]) if key.startswith("ref:") else None
        return bool(e and e.subkind in ("newspaper", "broadcaster", "news-agency", "magazine"))

    def _took_office_on(self, date: str, participants, names) -> list[str]:
        """People whose office began on `date` (at its precision), in the countries named."""
        countries = {p.removeprefix("ref:") for p in participants if self._is_country(p)}
        out = []
        for e in self.kb.entities.values():
            if e.kind != PERSON or ref_key(e.id) in participants:
                continue
            for o in e.offices:
                if o.start and o.start[:len(date)] == date[:len(o.start)] and len(o.start) >= len(date) and (
                        not countries or o.country in countries) and o.office in self.kb.offices and self.kb.offices[o.office].leader:
                    out.append(e.id)
                    break
        return out if len(out) == 1 else []

    def _kind_of(self, key: str) -> str | None:
        if key.startswith("ref:"):
            e = self.kb.get(key[4:])
            return e.kind if e else None
        parts = key.split(":")
        return parts[1] if len(parts) > 2 else None

    def _keep(self, d: Draft) -> bool:
        return bool(d.participants or d.location or d.date)

    def _new_agreement(self, ev: Draft, a: AgreementPhrase, at: ArticleText, sent, names) -> AgreementRecord | None:
        signatories = [p for p in ev.participants if self._kind_of(p) == PERSON]
        parties = []
        for p in ev.participants:
            c = p if self._kind_of(p) == COUNTRY else self._country_of(p, names)
            if c and c not in parties:
                parties.append(c)
        if not signatories and len(parties) < 2:
            return None
        kind_label = {"joint-statement": "joint statement", "joint-declaration": "joint declaration",
                      "agreement": "agreement", "treaty": "treaty", "statement": "statement"}[a.kind]
        who = [self._short(p, names) for p in (signatories or parties)]
        label = f"{'–'.join(who)} {kind_label}" + (f" ({ev.date})" if ev.date else "")
        key = f"new:agreement:{slug(label)}"
        return AgreementRecord(key=key, label=label, kind=a.kind, date=ev.date, signatories=tuple(signatories),
                               parties=tuple(parties), concerns=(), aliases=(a.text,),
                               spans=(Span(at.article_id, sent.index, a.start, a.end),))

    def _short(self, key: str, names) -> str:
        if key.startswith("ref:"):
            e = self.kb.get(key[4:])
            if e is not None:
                return e.family if e.kind == PERSON and e.family else e.name
        name = names.get(key, key.split(":")[-1])
        return name.split()[-1] if self._kind_of(key) == PERSON else name

    # ------------------------------------------------------------------ merging
    def _persons(self, d: Draft) -> set[str]:
        return {p for p in d.participants if self._kind_of(p) == PERSON}

    def _countries(self, d: Draft, names) -> set[str]:
        out = set()
        for p in d.participants:
            c = p if self._kind_of(p) == COUNTRY else self._country_of(p, names)
            if c:
                out.add(c)
        return out

    def compatible(self, a: Draft, b: Draft, names) -> bool:
        """Can two drafts be mentions of one event?"""
        if a.family != b.family:
            return False
        if not _dates_compatible(a.date, b.date):
            return False
        if a.location and b.location and a.location != b.location:
            return False
        pa, pb = self._persons(a), self._persons(b)
        if pa and pb:
            return pa <= pb or pb <= pa
        same_day = bool(a.date and b.date and a.date == b.date)
        same_place = bool(a.location and a.location == b.location)
        undated = not a.date or not b.date
        one_place = not (a.location and b.location)
        ca, cb = self._countries(a, names), self._countries(b, names)
        oa = {p for p in a.participants if self._kind_of(p) == ORGANIZATION}
        ob = {p for p in b.participants if self._kind_of(p) == ORGANIZATION}
        if pa or pb:  # one side names people, the other only countries or organizations
            named, generic = (a, b) if pa else (b, a)
            gen_orgs = ob if pa else oa
            if gen_orgs - set(named.participants):
                return False
            gen_c = cb if pa else ca
            if not gen_c <= (ca if pa else cb):
                return False
            return same_day or (undated and (same_place or one_place)) or (bool(a.date and b.date) and a.date[:7] == b.date[:7] and not gen_orgs and len(min(a.date, b.date, key=len)) < 10)
        if oa and ob and not (oa & ob):
            return False
        if ca and cb and not (ca & cb):
            return False
        return same_day or bool(oa & ob) or (undated and same_place)

    def _merge(self, drafts: list[Draft], names) -> list[Draft]:
        out: list[Draft] = []
        for d in drafts:
            for o in out:
                if self.compatible(o, d, names):
                    _absorb(o, d)
                    break
            else:
                out.append(d)
        return out

    def _inherit_dates(self, drafts: list[Draft]) -> list[Draft]:
        """An undated visit takes the date of the visitor's dated meeting at the same place;
        an undated meeting then takes the date of the participant's dated visit."""
        for d in drafts:
            if d.family == "visit" and d.date is None and d.location:
                for o in drafts:
                    if o.family == "meeting" and o.date and o.location == d.location and self._persons(d) & self._persons(o):
                        d.date = o.date
                        break
        for d in drafts:
            if d.family == "meeting" and d.date is None:
                for o in drafts:
                    if o.family == "visit" and o.date and self._persons(d) & self._persons(o) and len(o.date) == 10:
                        d.date = o.date
                        if d.location is None:
                            d.location = o.location
                        break
        return drafts


def _dates_compatible(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return True
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def _absorb(o: Draft, d: Draft) -> None:
    for p in d.participants:
        if p not in o.participants:
            o.participants.append(p)
    if d.date and (not o.date or len(d.date) > len(o.date)):
        o.date = d.date
        o.end_date = d.end_date or o.end_date
    if o.cls != d.cls:
        rank = {"Summit": 3, "Visit": 2, "Meeting": 2, "Event": 1}
        if rank.get(d.cls, 0) > rank.get(o.cls, 0):
            o.cls = d.cls
            o.key, o.label = d.key, d.label
    o.location = o.location or d.location
    o.spans += d.spans
    o.quotes += d.quotes
    o.outcome += d.outcome
    o.concerns += d.concerns
