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
from dataclasses import dataclass, field
from functools import lru_cache

from .. import resources
from ..model import COUNTRY, ORGANIZATION, PERSON, PLACE, AgreementRecord, EventRecord, Mention, Span
from ..reference import ReferenceKB, slug
from .actors import DEMONYM, ArticleText, ref_key
from .agreements import AgreementPhrase, DisputePhrase
from .dates import find_dates
from .prefilter import Prefilter, lower, prefilter


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
    pair_pronoun: re.Pattern
    speech_that: re.Pattern
    generic_plural: re.Pattern
    dateline: re.Pattern
    predicate: re.Pattern
    mention_only: re.Pattern
    gate: Prefilter  # the words of every trigger and of the anaphoric pattern: a sentence without any has no event


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
    anaphoric = re.compile(extra["anaphoric"], re.I)
    return EventPatterns(
        triggers=tuple(triggers),
        anaphoric=anaphoric,
        descriptor=re.compile(extra["descriptor"], re.I),
        boundaries=re.compile("|".join(f"(?:{b})" for b in extra["clause_boundaries"]), re.I),
        hypothetical=re.compile(extra["hypothetical"], re.I),
        negation=re.compile(extra["negation"], re.I),
        pair=re.compile(extra["pair_phrase"], re.I),
        pair_offices=dict(extra.get("pair_offices") or {}),
        outcome_verbs=re.compile(r"(?i)\b(?:" + "|".join(re.escape(v) for v in verbs) + r")\b"),
        pair_pronoun=re.compile(extra["pair_pronoun"], re.I),
        speech_that=re.compile(extra["speech_that"], re.I),
        generic_plural=re.compile(extra["generic_plural"], re.I),
        dateline=re.compile(extra["dateline"], re.M),
        predicate=re.compile(extra["predicate"], re.I),
        mention_only=re.compile(extra["mention_only"], re.I),
        gate=Prefilter.any_of([prefilter(t.regex) for t in triggers] + [prefilter(anaphoric)]),
    )


@lru_cache(maxsize=64)
def _dates_in(text: str, published: str | None, anchor: str | None, story_day: str | None,
              context_year: int | None) -> tuple:
    """find_dates, remembered for a few sentences: a sentence with an event is asked about
    twice with the same anchors (for the event, then to move the anchors on)."""
    return tuple(find_dates(text, published, anchor=anchor, story_day=story_day, context_year=context_year))


_OFFICE_NOUN = re.compile(r"(?i)^\s+(?:(?:foreign|defen[cs]e|prime|trade|finance|top|senior|vice|deputy|chief)\s+)*"
                          r"(?:ministers?|diplomats?|leaders?|officials?|delegations?|government|president|envoys?|"
                          r"ambassadors?|secretary|premier|counterparts?)\b")
_PRONOUN = re.compile(r"\b(?:he|his|him|she|her)\b", re.I)
_LOC_PREP = re.compile(r"(?i)(?:\b(?:in|at|to|into|inside|near|on)\s+(?:the\s+)?(?:city of\s+|island of\s+)?"
                       r"(?:(?:central|downtown|northern|southern|eastern|western|suburban|greater)\s+)?)$")
_TO_PREP = re.compile(r"(?i)(?:\b(?:to|in|visit(?:ed|ing)?|toured|arrived in|landed in)\s+(?:the\s+)?)$")
_ANNIV = re.compile(r"(?i)(\d+)(?:st|nd|rd|th)\s+anniversary\s+of\s+(?:the\s+)?[\w\s'-]{0,40}$")
_POSS_OFFICE = re.compile(r"(?i)['’]s\s+(?:new\s+|current\s+|incumbent\s+)?(?P<office>leader|president|prime minister|premier|"
                          r"foreign minister|top diplomat|defen[cs]e minister|chief diplomat)\b")
_FOR_A = re.compile(r"(?i)\b(?:(?:for|in|at|during|over)\s+(?:a|an|the|their|its)\s+(?:[\w'-]+\s+){0,4}|for\s+(?:[\w'-]+\s+){0,2})$")
_FUTURE_NEAR = re.compile(r"(?i)\b(?:will|shall|is to|are to|plans? to|scheduled to|set to|agreed to|expected to)\b[^.;]*$")
_HOST_VERBS = {"hosted", "hosts", "hosting", "received", "receives", "welcomed", "welcomes", "receive", "welcome", "host"}
_NEEDS_DETERMINER = {"dialogue", "consultations", "negotiations", "seminar"}
_REFERENCE_TIME = re.compile(r"(?i)\b(?:as of|as at)\s+$")
_YEARS_SINCE = re.compile(r"(?i)\b(\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+years?\s+(?:since|after)\s+(?:the\s+)?(?:last\s+|first\s+)?[\w\s'-]{0,40}$")
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
            "eleven": 11, "twelve": 12}
_MINISTERS = re.compile(r"(?i)\b(?:foreign|defen[cs]e|finance|trade|economy|economic|environment)\s+ministers'?\s*$")
_WE = re.compile(r"\b(?:We|we|Our|our)\b")
_HABITUAL = re.compile(r"(?i)\b(?:regularly|often|frequently|repeatedly|usually|routinely|annually|every year|each year|in the past|at times)\b")
_NOT_PRESENT = re.compile(r"(?i)\b(?:grave|tomb|memorial|statue|monument|portrait|funeral|death|widow|legacy)\s+(?:of|to)\s+(?:the\s+(?:late\s+)?)?$")
_HOST_EVENT = re.compile(r"(?i)\b(?:sidelines|margins|fringes|sideline)\s+of\s+(?:the\s+)?(?:\w+\s+){0,2}$")
_SIGNED_BY = re.compile(r"(?i)[^.;]{0,80}?\b(?:was|were|had been|has been|have been)\s+(?:jointly\s+)?"
                        r"(?:signed|concluded|inked|reached|struck|adopted|issued|agreed)\s+(?:\w+\s+){0,2}?by\b")
_CAPITALISED = re.compile(r"(?<![\w'-])(?-i:[A-Z])[\w.'-]*\s*")
_TOPIC_PLACE = re.compile(r"(?i)\b(?:situation|tensions?|security|peace|stability|denuclearization|crisis|conflict)\s+(?:on|in|of)\s+(?:the\s+)?$")
_ATTRIBUTIVE_YEAR = re.compile(r"(?i)(?:\b(?:the|a|an|its|their|his|her)|'s)\s+$")
_DURING = re.compile(r"(?i)\b(?:during|at|after|following)\s+(?:(?:the|their|a|an|his|her|its)\s+)?(?:[\w'-]+\s+){0,2}$")
_AND_LEAD = re.compile(r"(?i)^[\s,]*and\b")
_CLAUSE_LEAD = re.compile(r"(?i)^[\s,;:-]*(when|where|who|which|whom|whose)\b")


MAX_DATE_GAP = 70  # characters between a trigger and a date that belongs to it


_QUOTE_OR_NEWLINE = re.compile('["\n]')


def _quoted(text: str) -> list[tuple[int, int]]:
    """Spans inside double quotation marks, closed at paragraph ends."""
    out, start = [], None
    if '"' not in text:
        return out
    for m in _QUOTE_OR_NEWLINE.finditer(text):
        i = m.start()
        if text[i] == '"':
            if start is None:
                start = i
            else:
                out.append((start, i))
                start = None
        elif start is not None:
            out.append((start, i))
            start = None
    return out


@dataclass
class _Context:
    at: ArticleText
    focal: tuple
    names: dict
    quotes: list
    dateline: tuple | None
    publisher: str | None = None
    last_day: str | None = None  # the last day named so far: "the next day" counts from it
    story_day: str | None = None  # the day a news report is about (its lead's date)
    years: dict = field(default_factory=dict)  # paragraph start -> last year written out in it

    def paragraph_of(self, sent) -> int:
        return self.at.text.rfind("\n", 0, sent.start)

    def year_of(self, sent) -> int | None:
        return self.years.get(self.paragraph_of(sent))
    recent: list = field(default_factory=list)

    def quoted(self, pos: int) -> bool:
        return any(s < pos < e for s, e in self.quotes)


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
    absorbed: bool = False  # folded into another trigger of the sentence
    pred_end: int = 0  # end of "took place", "were held" after a nominal trigger: its dates follow that


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
        self._published: str | None = None

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
                disputes: list[DisputePhrase], focal: tuple[str, ...], publisher: str | None = None):
        names = {}
        for m in mentions:
            if m.kind != DEMONYM:
                names.setdefault(m.key, m.name)
                if m.country:
                    names.setdefault(("country", m.key), m.country)
        # a name inside an agreement's name ("the Murayama Statement") is no one taking part
        inside = sorted((a.start, a.end) for a in agreements)
        if inside:
            mentions = [m for m in mentions if not any(s <= m.span.start and m.span.end <= e for s, e in inside)]
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
        self._published = at.published
        ctx = _Context(at=at, focal=focal, names=names, quotes=_quoted(at.mtext),
                       dateline=self._dateline(at, mentions), publisher=publisher)
        drafts: list[Draft] = []
        new_agreements: list[AgreementRecord] = []
        for sent in at.sentences:
            sm = sorted(by_sentence.get(sent.index, []), key=lambda m: m.span.start)
            ds, ags = self._sentence(ctx, sent, sm, agr_by_sentence.get(sent.index, []),
                                     dis_by_sentence.get(sent.index, []), blocked)
            drafts += ds
            new_agreements += ags
            if not ags and agr_by_sentence.get(sent.index):
                new_agreements += self._passive_agreements(ctx, sent, sm, agr_by_sentence[sent.index])
            found = _dates_in(sent.text, at.published, ctx.last_day, ctx.story_day, ctx.year_of(sent))
            days = [d.value for d in found if d.value and len(d.value) == 10]
            if days:
                ctx.last_day = days[-1]
                if ctx.story_day is None and sent.index <= 2:
                    ctx.story_day = days[0]
            explicit = [int(d.value[:4]) for d in found if d.value and d.kind in ("mdy", "iso", "md_d", "md_md", "dmy")
                        and re.search(r"\b(?:1[89]|20)\d\d\b", d.text)]
            if explicit:
                ctx.years[ctx.paragraph_of(sent)] = explicit[-1]
            for m in sm:
                if m.kind == PERSON:
                    ctx.recent.append(m)
        drafts = self._inherit_dates(drafts, names)
        drafts = self._merge(drafts, names)
        # a headline ("Japan, S. Korea hold talks in Tokyo") that merged with no report of the
        # event in the body names no event of its own
        drafts = [d for d in drafts if not (d.date is None and d.participants and all(
            self._is_country(p) for p in d.participants) and all(_headline(at, sp) for sp in d.spans))]
        drafts = self._inherit_dates(drafts, names)
        drafts = [self._summit_if_leaders(d) for d in drafts]
        events = tuple(EventRecord(
            cls=d.cls, key=d.key, label=d.label, participants=tuple(dict.fromkeys(d.participants)),
            date=d.date, end_date=d.end_date, location=d.location, outcome=tuple(dict.fromkeys(d.outcome)),
            concerns=tuple(dict.fromkeys(d.concerns)), spans=tuple(sorted(set(d.spans), key=lambda s: (s.start, s.end))),
            quotes=tuple(dict.fromkeys(d.quotes))) for d in drafts)
        return events, new_agreements, names

    def _dateline(self, at: ArticleText, mentions) -> tuple[int, str, int] | None:
        """("SEOUL --") the place a news report was filed from, where its first paragraph ends
        and where the dateline starts (a headline above it was not filed from there)."""
        rx = self.p.dateline
        for sent in at.sentences[:6]:  # (after a headline, a byline and a line of share buttons)
            if sent.index > 2 and sent.start > 0 and at.text[sent.start - 1] != "\n":
                continue
            m = rx.match(at.mtext, sent.start)
            if m and m.start("place") < sent.end:
                word = m.group("place").strip().title()
                hit = [x for x in mentions if x.kind == PLACE and x.span.start >= m.start("place")
                       and x.span.end <= m.end("place") + 1]
                key = hit[0].key if hit else None
                if key is None:
                    from .actors import gazetteer
                    entries = [e for e in gazetteer(self.kb).lookup(word) if e.kind == PLACE]
                    key = ref_key(entries[0].id) if entries else None
                if key:
                    para_end = at.text.find("\n", sent.start)
                    return (para_end if para_end != -1 else len(at.text), key, m.start("place"), m.end())
        return None

    # ------------------------------------------------------------------ one sentence
    def _sentence(self, ctx: "_Context", sent, sm, ags, dis, blocked):
        at = ctx.at
        text = at.mtext[sent.start:sent.end]
        low = lower(text)
        if not self.p.gate.may_match(low):
            return [], []  # (most sentences: a few substring tests; then only the triggers whose words are here)
        base = sent.start
        # triggers, outside names and outside quotations
        trigs: list[Trig] = []
        taken = []
        for spec in self.p.triggers:
            if not prefilter(spec.regex).may_match(low):
                continue
            for m in spec.regex.finditer(text):
                s, e = base + m.start(), base + m.end()
                if any(s < te and ts < e for ts, te in taken):
                    continue
                if any(bs <= s and e <= be for bs, be in blocked) or ctx.quoted(s):
                    continue
                if self.p.mention_only.search(at.mtext, max(base, s - 30), s):
                    continue  # "an official familiar with the talks": the talks are named, not reported
                if m.group(0).lower().endswith("s") and m.group(0).lower() not in ("talks",) \
                        and self.p.generic_plural.search(at.mtext[max(base, s - 30):s]):
                    continue  # "regular visits", "such meetings": not one event
                if m.group(0).lower() in _HOST_VERBS and not (
                        any(0 <= x.span.start - e <= 30 for x in sm if x.kind == PERSON)
                        or re.match(r"\s+(?:him|her|them)\b(?!\s+[A-Z])", at.mtext[e:e + 20])):
                    continue  # "received her M.A.": hosting is of people
                if m.group(0).lower() in _NEEDS_DETERMINER and not re.search(
                        r"(?i)\b(?:a|an|the|their|its|this|that|his|her)\s+(?:[\w-]+\s+){0,2}$", at.mtext[max(base, s - 40):s]):
                    continue  # "sustaining dialogue": not a meeting
                taken.append((s, e))
                trigs.append(Trig(s, e, spec, at.text[s:e], 0))
        for m in self.p.anaphoric.finditer(text) if prefilter(self.p.anaphoric).may_match(low) else ():
            s, e = base + m.start(), base + m.end()
            if any(s < te and ts < e for ts, te in taken) or ctx.quoted(s):
                continue
            trigs.append(Trig(s, e, self.p.triggers[1], at.text[s:e], 0, anaphoric=True))
        if not trigs:
            return [], []
        trigs.sort(key=lambda t: t.start)
        # clauses
        bounds = sorted({base + m.start() for m in self.p.boundaries.finditer(text) if m.start() > 0}
                        | {base + m.start("that") for m in self.p.speech_that.finditer(text)})

        def clause_of(pos: int) -> int:
            return sum(1 for b in bounds if b <= pos)

        edges = [base] + bounds + [sent.end]
        clause_text = {i: at.mtext[edges[i]:edges[i + 1]] for i in range(len(edges) - 1)}
        for t in trigs:
            t.clause = clause_of(t.start)
            lead = at.mtext[edges[t.clause]:t.start]
            if self.p.descriptor.search(lead) and not t.anaphoric:
                t.descriptor = True
        # "A summit between X and Y took place in Tokyo on ...": the date follows the predicate
        for pm in self.p.predicate.finditer(text):
            ps = base + pm.start()
            before = [t for t in trigs if t.end <= ps and t.clause == clause_of(ps)]
            if before and not any(t.start >= before[-1].end and t.start < ps for t in trigs):
                before[-1].pred_end = base + pm.end()
        main = [t for t in trigs if not t.anaphoric]
        for t in trigs:
            if t.anaphoric and main:
                t.spec = main[0].spec
        # dates (not those inside agreement names: "the 1998 joint declaration")
        dates = [(base + d.start, d) for d in _dates_in(at.text[sent.start:sent.end], at.published, ctx.last_day,
                                                         ctx.story_day, ctx.year_of(sent))
                 if d.value and not any(a.start <= base + d.start < a.end for a in ags)
                 and not (ctx.dateline and ctx.dateline[2] <= base + d.start < ctx.dateline[3])  # "SEOUL, March 25 --"
                 and not _REFERENCE_TIME.search(text[max(0, d.start - 8):d.start])]

        def named(a: int, b: int) -> int:
            """Characters of [a, b) inside people's names: a long name is one word here."""
            return sum(max(0, m.span.end - m.span.start - 8) for m in sm
                       if m.kind == PERSON and a <= m.span.start and m.span.end <= b)

        def plain(a: int, b: int) -> int:
            """Characters of [a, b) outside capitalised words: the titles, names and places of a
            verb's object ("with South Korean Foreign Minister Kang Kyung-wha in Seoul") count little."""
            return len(_CAPITALISED.sub("", at.mtext[a:b])) + 2 * len(_CAPITALISED.findall(at.mtext, a, b))

        def nearest(pos: int, *, kind: str):
            """The trigger a mention at `pos` belongs to: the nearest in its clause; a
            "when"/"where" clause lends its actors to the clause before; a subject before
            the first clause boundary goes to the first trigger."""
            c = clause_of(pos)
            same = [t for t in trigs if t.clause == c]
            if same:
                if kind == "date":
                    # a date mostly follows its trigger ("met ... on Monday"); one before the
                    # trigger counts as a little further away
                    def gap(t):
                        if t.pred_end and pos >= t.pred_end:
                            return pos - t.pred_end - named(t.pred_end, pos)
                        if t.start <= pos:
                            return min(pos - t.end - named(t.end, pos), plain(t.end, pos))
                        return t.start - pos + 15 - named(pos, t.start)
                    cands = [t for t in same if gap(t) <= MAX_DATE_GAP]
                    return min(cands, key=gap) if cands else None
                return min(same, key=lambda t: abs(t.start - pos))
            if kind == "date":
                return None
            lead = _CLAUSE_LEAD.match(clause_text.get(c, ""))
            if lead and lead.group(1).lower() in ("when", "where"):
                for cc in range(c - 1, -1, -1):
                    prev = [t for t in trigs if t.clause == cc]
                    if prev:
                        return prev[-1]
            if kind == PERSON and c < trigs[0].clause and (c == 0 or all(
                    _AND_LEAD.match(clause_text.get(k, "")) for k in range(1, c + 1))):
                # the subject before the first trigger, and one joined to it by "and":
                # "Kishida, Japan's foreign minister, and Foreign Minister Yun ... discussed
                # ... when they met"
                return trigs[0]
            return None

        for m in sm:
            t = nearest(m.span.start, kind=m.kind)
            if t is not None:
                t.actors.append(m)
        for pos, d in dates:
            end = pos + (d.end - d.start)
            glued = [t for t in trigs if 0 <= t.start - end <= 25 and re.fullmatch(
                r"(?:\s*(?-i:[A-Z][\w.'-]*|'s))*\s*", at.mtext[end:t.start])]
            if not glued and d.kind == "year" and _ATTRIBUTIVE_YEAR.search(at.mtext, max(base, pos - 8), pos) \
                    and re.match(r"\s+[a-z]", at.mtext[end:end + 3]):
                continue  # "over the 2018 radar incident": the year of another thing
            t = glued[0] if glued else nearest(pos, kind="date")  # "Yoon's March 16-17 visit", "the 2005 APEC summit"
            if t is not None:
                t.dates.append((pos, d))
        undated = [t for t in trigs if not t.dates and not t.descriptor]
        if undated and len(dates) == 1:
            pos, d = dates[0]
            framing = pos - base < 4 or (pos - base < 12 and re.match(r"(?i)\s*(?:in|on|by|since|during|at)\s*$", text[:pos - base]))
            lead = sent.index < 3 and len(d.value) == 10 and all(t.spec.family in ("meeting", "visit") for t in undated)
            if framing or lead:
                # "This year's milestones: the Expo ..., the summit ..."; "In 1998, ...";
                # a news lead: "X and Y agreed on Thursday to ..., meeting on the sidelines of ..."
                for t in undated:
                    t.dates.append(dates[0])
        for m in self.p.pair.finditer(text):
            t = nearest(base + m.start(), kind=PERSON)
            if t is not None:
                t.pairs.append(self.p.pair_offices.get(m.group("office").lower(), "leader"))
        for m in self.p.pair_pronoun.finditer(text):
            pos = base + m.start()
            if any(x.start() <= m.start() < x.end() for x in self.p.pair.finditer(text)):
                continue
            if m.start() == 0:  # "They met ... and agreed ...": every meeting of the sentence
                for t in trigs:
                    if t.spec.family == "meeting":
                        t.pairs.append("subject-pair")
                continue
            t = nearest(pos, kind=PERSON)
            if t is not None and t.spec.family == "meeting" and 0 <= t.start - base - m.end() <= 25:
                t.pairs.append("recent")
        # "who" clauses: the antecedent takes part in the clause's events
        for b in bounds:
            if re.match(r"(?i)[\s,]*who\b", at.mtext[b:b + 8]):
                ante = [m for m in sm if m.span.end <= b and m.kind in (PERSON, ORGANIZATION)]
                if ante:
                    for t in trigs:
                        if t.clause == clause_of(b):
                            t.actors.append(ante[-1])

        first_person = next((m for m in sm if m.kind == PERSON), None)
        # "met X on Friday for a brief trilateral meeting": one event, named twice
        for t in trigs:
            if t.spec.family != "meeting" or t.anaphoric:
                continue
            if _FOR_A.search(at.mtext[max(base, t.start - 60):t.start]):
                host = next((h for h in trigs if h.start < t.start and h.spec.family == "meeting" and h is not t
                             and not h.anaphoric), None)
                if host is not None:
                    host.actors += t.actors
                    host.dates += [d for d in t.dates if not host.dates]
                    t.absorbed = True
            # "held talks on the sidelines of the G20 summit in Osaka on Oct. 18": the gathering
            # only frames the sentence's meeting, which takes its place and date
            elif _HOST_EVENT.search(at.mtext[max(base, t.start - 40):t.start]):
                host = next((h for h in trigs if h.spec.family == "meeting" and h is not t and not h.anaphoric
                             and not h.absorbed and not _HOST_EVENT.search(at.mtext[max(base, h.start - 40):h.start])),
                            None)
                if host is not None:
                    host.actors += t.actors
                    host.dates += [d for d in t.dates if not host.dates]
                    t.absorbed = True
        # "agreed on Tuesday to ... during talks in Busan": the talks are the day the sentence names
        used = {id(d) for t in trigs for _p, d in t.dates}
        free = [(pos, d) for pos, d in dates if id(d) not in used]
        if free:
            for t in trigs:
                if t.dates or t.absorbed or t.descriptor or t.anaphoric or t.spec.family != "meeting":
                    continue
                if not _DURING.search(at.mtext[max(base, t.start - 30):t.start]):
                    continue
                before = [pd for pd in free if pd[0] < t.start]
                if before:
                    t.dates.append(before[-1])
        subject = first_person if first_person is not None and first_person.span.start < trigs[0].start \
            and clause_of(first_person.span.start) == 0 else None
        span = Span(at.article_id, sent.index, sent.start, sent.end)
        hosts = [t for t in trigs if not t.descriptor and not t.anaphoric and t.spec.family in ("meeting", "visit")]
        # a "first visit by ..." clause with no date of its own describes the sentence's event
        for t in trigs:
            if t.descriptor and hosts:
                host = hosts[0]
                host.actors += [a for a in t.actors if a.kind in (PERSON, COUNTRY, DEMONYM, PLACE)]
                if not host.dates:
                    host.dates += t.dates
                t.absorbed = True
        out = []
        for t in trigs:
            if t.absorbed:
                continue
            d = self._draft(ctx, t, sent, subject, sm, span)
            if d is None or (t.descriptor and d.date is None):
                continue
            if d.family == "visit":
                split = self._split_destinations(t, d)
                if split:
                    out += split
                    continue
            if t.anaphoric and main:
                src = self._draft(ctx, main[0], sent, subject, sm, span)
                gen = [p for p in (src.participants if src else []) if self._is_country(p)]
                d.participants = list(dict.fromkeys(d.participants + gen))
                if not d.participants:
                    d.participants = self._focal_pair(ctx.focal)
            out.append(d)
        out = [d for d in out if self._keep(d)]
        for d in out:
            for dp in dis:
                d.concerns.append(ref_key(dp.ref))
        return out, self._outcomes(ctx, sent, out, ags, trigs)

    def _outcomes(self, ctx, sent, out, ags, trigs) -> list[AgreementRecord]:
        """An agreement phrase tied to a meeting by a verb ("the summit produced a joint
        statement", "the joint statement they issued at their summit") is its outcome."""
        at = ctx.at
        new = []
        meet = [d for d in out if d.family == "meeting"]
        if not meet:
            return new
        for a in ags:
            window = at.mtext[max(sent.start, a.start - 80):a.start] + " " + at.mtext[a.end:min(sent.end, a.end + 40)]
            if not self.p.outcome_verbs.search(window):
                continue
            ev = meet[0]
            if a.ref:
                ev.outcome.append(ref_key(a.ref))
                continue
            if a.kind not in ("joint-statement", "joint-declaration", "agreement", "treaty") or a.year:
                continue
            rec = self._new_agreement(ev, a, at, sent, ctx.names)
            if rec is not None:
                ev.outcome.append(rec.key)
                new.append(rec)
        return new

    def _passive_agreements(self, ctx, sent, sm, ags) -> list[AgreementRecord]:
        """"An agreement on fisheries was signed by X and Y in Seoul on Friday": an agreement
        whose signatories follow "by"."""
        at = ctx.at
        out = []
        for a in ags:
            if a.ref or a.year or a.kind not in ("joint-statement", "joint-declaration", "agreement", "treaty"):
                continue
            m = _SIGNED_BY.match(at.mtext, a.end, sent.end)
            if m is None:
                continue
            stop = self.p.boundaries.search(at.mtext, m.end(), sent.end)
            end = stop.start() if stop else sent.end
            persons = [x.key for x in sm if x.kind == PERSON and m.end() <= x.span.start < end]
            if len(persons) < 2:
                continue
            dates = [d for d in find_dates(at.text[m.end():end], at.published, anchor=ctx.last_day,
                                           story_day=ctx.story_day, context_year=ctx.year_of(sent)) if d.value]
            draft = Draft(cls="Event", key="signing", family="signing", label="signing",
                          participants=list(dict.fromkeys(persons)), date=dates[0].value if dates else None,
                          end_date=None, location=None, spans=[], quotes=[])
            rec = self._new_agreement(draft, a, at, sent, ctx.names)
            if rec is not None:
                out.append(rec)
        return out

    def _is_country(self, key: str) -> bool:
        e = self.kb.get(key[4:]) if key.startswith("ref:") else None
        return bool(e and e.kind == COUNTRY)

    def _focal_pair(self, focal) -> list[str]:
        return list(focal[:2]) if len(focal) >= 2 else []

    def _draft(self, ctx: "_Context", t: Trig, sent, subject, sm, span) -> Draft | None:
        at, focal, names = ctx.at, ctx.focal, ctx.names
        spec = t.spec
        cls, key, family = spec.cls, spec.key, spec.family
        lead = at.mtext[max(sent.start, t.start - 80):t.start]
        # negated: "no summit", "has not visited"
        if re.search(r"(?i)\b(?:no|never|not)\s+(?!only\b|just\b|merely\b)(?:\w+\s+){0,3}$", lead):
            return None
        if re.search(r"(?i)\b(?:regularly|often|frequently|repeatedly|usually|routinely)\s+(?:\w+\s+)?$", lead):
            return None  # "has regularly visited": a habit, not one event
        participants: list[str] = []
        location = None
        loc_dist = 1 << 30
        allowed = spec.participants
        for m in sorted(t.actors, key=lambda m: m.span.start):
            lo, hi = sorted((m.span.start, t.start))
            if at.mtext[lo:hi].count('"') % 2:
                continue  # a quotation and its attribution are different voices
            if m.kind == ORGANIZATION and self._media(m.key):
                continue
            before = at.mtext[max(sent.start, m.span.start - 30):m.span.start]
            if _HOST_EVENT.search(before) or _NOT_PRESENT.search(before):
                continue  # "on the sidelines of the APEC gathering", "the grave of X": not a party
            poss = _POSS_OFFICE.match(at.mtext[m.span.end:m.span.end + 50]) if m.kind in (COUNTRY, PLACE) else None
            if poss and "person" in allowed:
                country = m.key if m.kind == COUNTRY else self._country_of(m.key, names)
                holder = self._holder_of(country, poss.group("office"), t, at) if country else None
                if holder:
                    participants.append(holder)
                    continue
            if m.kind == PLACE or (m.kind == COUNTRY and spec.family == "visit" and _TO_PREP.search(before)
                                   and m.span.start > t.start):
                adjacent = m.span.end <= t.start and at.mtext[m.span.end:t.start].strip() in ("", "'s")
                if m.kind == PLACE and not (_LOC_PREP.search(before) or adjacent):
                    continue
                if _TOPIC_PLACE.search(before):
                    continue  # "talks on the situation on the Korean Peninsula": what was discussed
                dist = abs(m.span.start - t.start)
                if location is None or (m.kind == PLACE and self._is_country(location)) or (
                        dist < loc_dist and not (m.kind == COUNTRY and not self._is_country(location))):
                    location, loc_dist = m.key, dist
                continue
            if m.kind == DEMONYM:
                office = _OFFICE_NOUN.match(at.mtext[m.span.end:m.span.end + 40])
                if office and "country" in allowed:
                    holder = self._definite_holder(at, m, office.group(0), t)
                    participants.append(holder or m.country)
                continue
            if m.kind == PERSON and "person" in allowed:
                participants.append(m.key)
            elif m.kind == ORGANIZATION and "organization" in allowed:
                if spec.key == "ruling" and not self._court(m.key, names):
                    continue
                participants.append(m.key)
            elif m.kind == COUNTRY and "country" in allowed:
                if spec.family in ("meeting", "visit") and not re.search(
                        r"(?i)\b(?:of|between|from|and|by|with)\s+(?:the\s+)?$", before) and m.span.start > t.end:
                    continue
                participants.append(m.key)
        # "courtesy visit to acting president X": a visit to a person is a meeting
        if spec.family == "visit":
            obj = re.match(r"(?i)\s+(?:to|on|with)\s+", at.mtext[t.end:t.end + 60])
            if obj:
                tgt = next((m for m in t.actors if m.kind == PERSON and m.span.start > t.end), None)
                if tgt is not None and not [m for m in t.actors if m.kind == PLACE and t.end < m.span.start < tgt.span.start]:
                    cls, key, family = "Meeting", "meeting", "meeting"
        # the sentence subject is the agent of a coordinated verb ("X met Y and is to visit Z")
        if spec.family in ("meeting", "visit") and subject is not None and re.search(
                r"(?i)\band\s+(?:is|was|will|has|had|then)\b[^,;]*$", lead) and not any(
                m.kind == PERSON and t.start - 80 < m.span.start < t.start for m in t.actors):
            if subject.key not in participants:
                participants.insert(0, subject.key)
        # a pronoun right before the trigger ("his talks") stands for the sentence subject,
        # else for the last person named
        if "person" in allowed:
            near = at.mtext[max(sent.start, t.start - 40):t.start]
            pron = re.search(r"(?i)\b(?:his|her|he|she)\b(?:\s+\w+){0,3}\s*$", near)
            no_person = not any(self._kind_of(p) == PERSON for p in participants)
            if pron or no_person and _PRONOUN.search(at.mtext[max(sent.start, t.start - 60):min(sent.end, t.end + 30)]):
                prior = [m for m in sm if m.kind == PERSON and m.span.start < t.start]
                ref = subject if subject is not None and subject.span.start < t.start else (
                    prior[-1] if prior else (ctx.recent[-1] if ctx.recent else None))
                if ref is not None and ref.key not in participants and (pron or no_person):
                    participants.append(ref.key)
        obj = re.search(r"(?i)\b(?:hosted|met|received|welcomed|greeted|invited|thanked)\s+(?:him|her)\b", lead[-60:])
        if obj and ctx.recent:
            other = next((m for m in reversed(ctx.recent) if m.key not in participants), None)
            if other is not None:
                participants.append(other.key)
        # dates
        date = end_date = None
        if t.dates:
            _pos, dm = min(t.dates, key=lambda pd: (0 if pd[0] >= t.start else 1, abs(pd[0] - t.start)))
            date, end_date = dm.value, dm.end_value
            if at.published and _FUTURE_NEAR.search(lead[-40:]) and date[:len(at.published)] < at.published[:len(date)]:
                date = end_date = None  # "will hold talks on the curbs imposed in 2019": not that date
        if date is None and spec.key == "press-conference" and ctx.story_day:
            date = ctx.story_day  # "said at a press conference" in a report is the day reported
        before_t = at.mtext[max(sent.start, t.start - 70):t.start]
        back = _ANNIV.search(before_t) or _YEARS_SINCE.search(before_t)
        if back:
            # "the 20th anniversary of the World Cup", "11 years since the last summit": the
            # event lies that many years before the sentence's own time
            word = back.group(1).lower()
            n = int(word) if word.isdigit() else _NUMBERS.get(word, 0)
            ref_date = date or at.published
            date = f"{int(ref_date[:4]) - n:04d}" if ref_date and n else None
            end_date = None
        if family == "meeting" and _MINISTERS.search(before_t):
            participants += [c for c in self._focal_pair(focal) if c not in participants]
        if family == "meeting" and not participants and ctx.publisher and _WE.search(
                at.mtext[max(sent.start, t.start - 40):t.start]):
            participants.append(ctx.publisher)  # "we held a joint seminar": the publishing institute
        # a place written right before the trigger: "the Osaka Expo", "their Tokyo summit"
        if location is None:
            left = [m for m in sm if m.kind == PLACE and 0 <= t.start - m.span.end <= 2]
            if left:
                location = left[-1].key
        if location is None and family in ("meeting", "visit") and ctx.dateline and ctx.dateline[2] <= t.start < ctx.dateline[0] \
                and family == "meeting":
            location = ctx.dateline[1]
        if spec.key in ("world-cup", "olympics"):
            participants = [p for p in participants if self._is_country(p)]
        when = date or at.published
        # "the two leaders": the office holders of the article's two countries
        for office in t.pairs:
            if office in ("recent", "subject-pair"):
                if office == "subject-pair" or not any(self._kind_of(p) in (PERSON, ORGANIZATION) for p in participants):
                    participants += [p for p in self._recent_pair(ctx, focal, names) if p not in participants]
                continue
            for c in focal[:2]:
                holders = self._leaders(c, when, office)
                if len(holders) == 1:
                    participants.append(ref_key(holders[0]))
        # a bilateral summit: complete the pair of leaders from the reference knowledge
        if cls == "Summit" and len(focal) >= 2 and date:
            persons = [p for p in participants if self._kind_of(p) == PERSON]
            orgs = [p for p in participants if self._kind_of(p) == ORGANIZATION]
            leaders = [p for p in persons if p.startswith("ref:") and self.kb.is_leader(p[4:], date)]
            if not orgs and len(persons) == len(leaders) <= 1:
                mine = {self._country_of(p, names) for p in leaders}
                if not leaders or mine & set(focal[:2]):
                    for c in focal[:2]:
                        if c in mine:
                            continue
                        h = self._leaders(c, date, "leader")
                        if len(h) == 1:
                            participants.append(ref_key(h[0]))
        if spec.key == "inauguration" and date:
            named = [m.key for m in t.actors if m.kind == COUNTRY] + participants
            participants += [ref_key(p) for p in self._took_office_on(date, named, names)]
        # hypothetical or generic mentions without a date are not events
        window = at.mtext[max(sent.start, t.start - 120):min(sent.end, t.end + 60)]
        if date is None and (self.p.hypothetical.search(window) or spec.needs_date or _HABITUAL.search(window)):
            return None
        verb = re.match(r"\s+(?:the\s+)?(?-i:[A-Z])", at.mtext[t.end:t.end + 6])  # "Kishida visits Seoul"
        if t.text.lower().endswith(("meetings", "summits", "visits", "trips", "delegations")) and not verb \
                and not t.text[:1].isupper() and not (t.text.lower().endswith("delegations") and date):
            return None  # "summit meetings held on the sidelines", "the visits": several, not one
        if family == "visit" and not any(self._kind_of(p) in (PERSON, COUNTRY) for p in participants):
            return None  # a visit needs a visitor
        if date is None and location is None and participants and all(self._is_country(p) for p in participants):
            return None  # "a trilateral summit with China": too vague to be one event
        if cls in ("Meeting", "Summit") and not participants:
            participants = self._focal_pair(focal) if (date or location) else []
        if not participants and not (date and location):
            if not (spec.key in ("expo", "world-cup", "olympics") and date):
                return None
        return Draft(cls=cls, key=key, family=family, label=spec.label, participants=participants,
                     date=date, end_date=end_date, location=location, spans=[span], quotes=[t.text])

    def _split_destinations(self, t: Trig, d: Draft) -> list[Draft]:
        """"delegations to the U.S. from April 3-11 and Japan from April 24-28": one visit
        per destination, each with the dates written after it."""
        dests = sorted((m for m in t.actors if m.kind in (PLACE, COUNTRY) and m.span.start > t.end),
                       key=lambda m: m.span.start)
        if len(dests) < 2 or len(t.dates) < 2:
            return []
        out = []
        for i, dest in enumerate(dests):
            stop = dests[i + 1].span.start if i + 1 < len(dests) else 1 << 62
            ds = sorted((pos, dm) for pos, dm in t.dates if dest.span.end <= pos < stop)
            if not ds:
                return []
            dm = ds[0][1]
            parts = [p for p in d.participants if p not in {x.key for x in dests}]
            out.append(Draft(cls=d.cls, key=d.key, family=d.family, label=d.label, participants=parts,
                             date=dm.value, end_date=dm.end_value, location=dest.key, spans=list(d.spans),
                             quotes=list(d.quotes)))
        return out

    def _definite_holder(self, at, m, office_text: str, t: Trig) -> str | None:
        """"the South Korean leader" -> the person holding that office at the time."""
        if not re.search(r"(?i)\bthe\s+$", at.mtext[max(0, m.span.start - 5):m.span.start]):
            return None  # "a Japanese foreign minister" is anyone who held the post
        return self._holder_of(m.country, office_text, t, at)

    def _holder_of(self, country: str, office_text: str, t: Trig, at) -> str | None:
        words = office_text.lower().split()
        office = None
        if words[-1] in ("leader", "president", "premier"):
            office = "leader"
        elif "foreign" in words or "diplomat" in words:
            office = "foreign-minister"
        elif "defense" in words or "defence" in words:
            office = "defense-minister"
        elif words[-2:] == ["prime", "minister"]:
            office = "prime-minister"
        if office is None:
            return None
        date = next((d.value for _p, d in t.dates), None) or at.published
        holders = self._leaders(country, date, office)
        return ref_key(holders[0]) if len(holders) == 1 else None

    def _recent_pair(self, ctx, focal, names) -> list[str]:
        """The last person named from each of the article's two countries."""
        out = []
        for c in focal[:2]:
            for m in reversed(ctx.recent[-12:]):
                if self._country_of(m.key, names) == c:
                    out.append(m.key)
                    break
        return out if len(out) == 2 else []

    def _court(self, key: str, names) -> bool:
        e = self.kb.get(key[4:]) if key.startswith("ref:") else None
        return bool(e and e.subkind == "court") or "court" in names.get(key, "").lower()

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
        if not self._places_compatible(a.location, b.location, names):
            return False
        pa, pb = self._persons(a), self._persons(b)
        oa_ = {p for p in a.participants if self._kind_of(p) == ORGANIZATION}
        ob_ = {p for p in b.participants if self._kind_of(p) == ORGANIZATION}
        if (oa_ or ob_) and not (oa_ & ob_) and (a.location or b.location) and a.location != b.location:
            return False  # "the G7 summit in Hiroshima" is not the leaders' own summit talks
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

    def _places_compatible(self, a: str | None, b: str | None, names) -> bool:
        """Same place, or one inside the other as far as kg knows (a venue it has no
        reference for may lie in any city; a city lies in its country)."""
        if not a or not b or a == b:
            return True
        if a.startswith("new:") or b.startswith("new:"):
            return True
        return self._country_of(a, names) == b or self._country_of(b, names) == a

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

    def _inherit_dates(self, drafts: list[Draft], names) -> list[Draft]:
        """An undated visit takes the date of the visitor's dated meeting at the place it
        went to; an undated meeting then takes the date of its participant's dated visit."""
        def within(place: str | None, area: str | None) -> bool:
            if not place or not area:
                return False
            return place == area or self._country_of(place, names) == area
        for d in drafts:
            if d.family == "visit" and d.date is None and d.location:
                for o in drafts:
                    if o.family == "meeting" and o.date and within(o.location, d.location) and self._persons(d) & self._persons(o):
                        d.date = o.date
                        if self._is_country(d.location) and o.location and not self._is_country(o.location):
                            d.location = o.location
                        break
        pub = self._published or ""
        for d in drafts:
            if d.family == "meeting" and d.date is None:
                visits = [o for o in drafts if o.family == "visit" and o.date and len(o.date) == 10
                          and self._persons(d) & self._persons(o) and (d.location is None or within(d.location, o.location))]
                if visits:
                    o = min(visits, key=lambda v: (abs(_ordinal(v.date) - _ordinal(pub)) if len(pub) == 10 else 0, v.date))
                    d.date = o.date
                    if d.location is None:
                        d.location = o.location
        return drafts

    def _summit_if_leaders(self, d: Draft) -> Draft:
        """A meeting between heads of state or government is a summit."""
        if d.cls != "Meeting" or d.family != "meeting":
            return d
        persons = [p for p in d.participants if self._kind_of(p) == PERSON]
        if len(persons) >= 2 and all(p.startswith("ref:") and self.kb.is_leader(p[4:], d.date) for p in persons) and d.date:
            d.cls = "Summit"
        return d


def _headline(at: ArticleText, span: Span) -> bool:
    """A line of its own without a full stop: a headline or a heading."""
    sent = at.sentences[span.sentence]
    text = sent.text.rstrip()
    return not text.endswith((".", "!", "?", '"', "'", "”", "’", ":")) and "\n" not in text and len(text) < 150 and (
        sent.end >= len(at.text) or at.text[sent.end:sent.end + 1] in ("\n", ""))


def _ordinal(date: str) -> int:
    import datetime as _dt
    try:
        return _dt.date.fromisoformat(date).toordinal()
    except ValueError:
        return 0


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
