"""Date phrases: find them in a sentence and resolve them against the publication date.

Every value keeps the precision the text gives: "in 2023" -> "2023", "last October" ->
"2021-10", "Dec. 3" -> "2024-12-03". Relative phrases need a publication date; without
one they are found but stay unresolved (value None).

kg resolves dates itself rather than through dateparser: news prose needs the
publication-relative rules below (tense decides whether "on Tuesday" is before or
after the article, a month-only publication date still resolves "Dec. 3"), and
dateparser returns a full datetime, losing the precision the text gave.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .prefilter import lower, prefilter

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}

_MON = (r"(?P<{n}>January|February|March|April|May|June|July|August|September|October|November|December|"
        r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|Oct\.?|Nov\.?|Dec\.?)")
_DAY = r"(?P<{n}>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<{n}>1[89]\d\d|20\d\d)"


def _f(t: str, **names) -> str:
    for k, v in names.items():
        t = t.replace("{" + k + "}", v)
    return t


_PATTERNS = [
    ("iso", re.compile(r"(?<![\d.])(?P<y>1[89]\d\d|20\d\d)[-./](?P<m>[01]?\d)[-./](?P<d>[0-3]?\d)(?![\d.]*\d)")),
    ("md_md", re.compile(_f(_MON, n="m1") + r"\s+" + _f(_DAY, n="d1") + r"\s*(?:-|to|through|until|and)\s*"
                         + _f(_MON, n="m2") + r"\s+" + _f(_DAY, n="d2") + r"(?:,?\s+" + _f(_YEAR, n="y") + r")?\b")),
    ("md_d", re.compile(_f(_MON, n="m1") + r"\s+" + _f(_DAY, n="d1") + r"\s*(?:-|to|through|until)\s*"
                        + _f(_DAY, n="d2") + r"(?:,?\s+" + _f(_YEAR, n="y") + r")?\b(?!\s*(?:percent|%|seats|years|days))")),
    ("mdy", re.compile(_f(_MON, n="m1") + r"\s+" + _f(_DAY, n="d1") + r"(?:,?\s+" + _f(_YEAR, n="y") + r")?\b"
                       r"(?!\s*(?:percent|%|seats|years|days|people|million|billion))")),
    ("dmy", re.compile(r"\b" + _f(_DAY, n="d1") + r"\s+(?:of\s+)?" + _f(_MON, n="m1") + r"(?:,?\s+" + _f(_YEAR, n="y") + r")?\b")),
    ("my", re.compile(r"(?:(?P<part>(?i:early|mid|late|end of|the end of|beginning of|the beginning of))[\s-]+)?"
                      + _f(_MON, n="m1") + r",?\s+(?:of\s+)?" + _f(_YEAR, n="y") + r"\b")),
    ("rel_month", re.compile(r"\b(?P<rel>(?i:last|this|next|past|previous|coming))\s+" + _f(_MON, n="m1") + r"\b")),
    ("rel_period", re.compile(r"(?i)\b(?P<pre>earlier|later|early|late|end of|the end of)?\s*(?P<rel>this|last|next|past|previous)\s+(?P<unit>year|month)\b")),
    ("ago", re.compile(r"(?i)\b(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty)\s+(?P<unit>days?|weeks?|months?|years?|decades?)\s+ago(?P<today>\s+today)?\b")),
    ("day_word", re.compile(r"(?i)\b(?P<w>yesterday|today|tomorrow)\b")),
    ("week", re.compile(r"(?i)\b(?P<rel>this|last|next|earlier this|later this)\s+week\b")),
    ("ordinal_day", re.compile(r"(?i)\b(?:on|by|until|from)\s+the\s+(?P<d>[1-3]?\d)(?:st|nd|rd|th)\b(?!\s+(?:anniversary|century|time|round|floor|day|year|summit|meeting))")),
    ("rel_day", re.compile(r"(?i)\b(?P<w>the next day|the following day|the previous day|the day before|the day after|"
                           r"earlier (?:in|that) (?:the )?day|later (?:in|that) (?:the )?day|that same day|the same day|that day|"
                           r"(?:later |earlier )?that (?:same )?(?:evening|night|morning|afternoon)|the same (?:evening|night))\b")),
    ("weekday", re.compile(r"\b(?:(?P<rel>(?i:last|this|next|on|coming|past))\s+)?(?P<w>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")),
    ("part_year", re.compile(r"(?i)\b(?P<part>early|mid|late|the end of|end of|the beginning of|beginning of|the first half of|the second half of|the fall of|the spring of|the summer of|the winter of)[\s-]+(?P<y>1[89]\d\d|20\d\d)\b")),
    ("month", re.compile(r"(?:(?P<part>(?i:early|mid|late))[\s-]+)?(?P<m1>January|February|March|April|May|June|July|August|September|October|November|December|Sept\.|Dec\.|Nov\.|Oct\.|Aug\.)(?!\s+\d)\b")),
    ("year", re.compile(r"(?<![\w$.,/-])(?P<y>1[89]\d\d|20\d\d)(?![\w%]|\.\d|-\d|\s*(?:percent|seats|won|yen|dollars))")),
]
# what every pattern above needs, one of: a digit, a month, a weekday, or the words day,
# week, month, year, decade (in today, Monday...) or tomorrow (a fast test that rules out most sentences)
_MAYBE_DATE = re.compile(r"(?i)\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|day|week|month|year|decade|tomorrow|evening|night|morning|afternoon")
_FUTURE = re.compile(r"(?i)\b(will|'ll|shall|scheduled|upcoming|is to|are to|to be held|set to|plans? to|planning|"
                     r"planned|expected to|is due|are due|slated|coming|next|forthcoming|would attend|aims? to)\b")
_PAST = re.compile(r"(?i)\b(was|were|had|did|held|met|said|announced|visited|signed|declared|took|made|last|ago|"
                   r"earlier|previously|since|marked|came|became|agreed|pledged|\w+ed)\b")
# verbs saying that something happened (not a participle: "are not being prioritized")
_EVENT_PAST = re.compile(r"(?i)\b(?:was|were|had|did|held|met|visited|signed|took|came|ago|talked|spoke|summoned|"
                         r"hosted|received|welcomed|traveled|travelled|flew|returned|arrived|concluded|ended|"
                         r"announced|declared|recalled|protested|lodged|ruled|resigned|launched|reached)\b")
_MONTH_LEAD = re.compile(r"(?i)\b(?:in|since|until|till|by|from|during|through|last|this|next|coming|past|early|mid|"
                         r"late|of|before|after|between|and|to)[\s-]+$")
_MAY_MODAL = re.compile(r"\bMay\s+(?:be|have|not|also|well|take|become|make|lead|seem|need|want|still|never|"
                        r"[a-z]+ly|[a-z]+)\b")


@dataclass(frozen=True, slots=True)
class DateMention:
    start: int  # offsets into the string searched
    end: int
    text: str
    value: str | None  # resolved, at the text's precision
    end_value: str | None = None
    kind: str = ""


def _month(name: str) -> int:
    return MONTHS[name.rstrip(".").lower()]


def _pub_parts(published: str | None):
    if not published:
        return None, None, None
    parts = [int(x) for x in published.split("-")]
    return (parts + [None, None])[:3]


def tense(sentence: str) -> str:
    if _FUTURE.search(sentence):
        return "future"
    if _PAST.search(sentence):
        return "past"
    return "neutral"


def _pick_year(month: int, day: int | None, published: str | None, tns: str, anchor_year: int | None,
               strong_past: bool = False) -> int | None:
    if anchor_year is not None:
        return anchor_year
    py, pm, pd = _pub_parts(published)
    if py is None:
        return None
    if pm is None:
        return py
    cands = []
    for y in (py - 1, py, py + 1):
        if day is not None and pd is not None:
            key = (y, month, day)
            pub = (py, pm, pd)
        else:
            key = (y, month)
            pub = (py, pm)
        cands.append((key, y, pub))
    def months(key, pub):
        return (key[0] - pub[0]) * 12 + (key[1] - pub[1]) + ((key[2] - pub[2]) / 31 if len(key) == 3 else 0)
    # the candidate nearest the publication date, unless the tense says the other side and
    # a candidate on that side is not much further away
    best = min(cands, key=lambda c: abs(months(c[0], c[2])))
    gap = months(best[0], best[2])
    if tns == "past" and gap > 1:
        # a past-tense month: the most recent such month not after publication (within a year
        # when a verb says something happened, else within seven months)
        reach = 12 if strong_past else 7
        alt = [c for c in cands if months(c[0], c[2]) <= 0 and abs(months(c[0], c[2])) <= reach]
        if alt:
            best = max(alt, key=lambda c: months(c[0], c[2]))
    elif tns == "future" and gap < -1:
        alt = [c for c in cands if months(c[0], c[2]) >= 0 and months(c[0], c[2]) <= 7]
        if alt:
            best = min(alt, key=lambda c: months(c[0], c[2]))
    return best[1]


def _fmt(y: int | None, m: int | None = None, d: int | None = None) -> str | None:
    if y is None:
        return None
    if m is None:
        return f"{y:04d}"
    if d is None:
        return f"{y:04d}-{m:02d}"
    try:
        dt.date(y, m, d)
    except ValueError:
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def find_dates(text: str, published: str | None, *, tns: str | None = None,
               anchor: str | None = None, story_day: str | None = None,
               context_year: int | None = None) -> list[DateMention]:
    """Date phrases in `text` (a sentence), resolved against `published`.

    `anchor` is the last day the article named: "the next day" counts from it.
    `story_day` is the day the report is about: "the previous day", "earlier in the day".
    `context_year` is a year the paragraph named outright: "May 7" after "March 16, 2023"."""
    low = lower(text)
    if not prefilter(_MAYBE_DATE).may_match(low):
        return []  # (most sentences: no pattern below can match; the substring tests are
        # nearly as selective as a search for _MAYBE_DATE, at a fraction of its cost)
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, int, str, re.Match]] = []
    for kind, rx in _PATTERNS:
        if not prefilter(rx).may_match(low):
            continue  # (a few substring tests instead of a scan)
        for m in rx.finditer(text):
            s, e = m.start(), m.end()
            if kind in ("rel_period",) and m.group(0)[:1].isspace():
                s += len(m.group(0)) - len(m.group(0).lstrip())
            if any(s < te and ts < e for ts, te in taken):
                continue
            if kind in ("mdy", "month", "md_d", "dmy", "my", "rel_month") and "May" in m.group(0):
                if _MAY_MODAL.match(text, m.start("m1")) and not re.match(r"May\s+\d", text[m.start("m1"):]) \
                        and not _MONTH_LEAD.search(text, max(0, m.start("m1") - 12), m.start("m1")):
                    continue  # "leaders May be passive", but not "in May to", "last May on"
            taken.append((s, e))
            found.append((s, e, kind, m))
    if not found:
        return []
    tns = tns or tense(text)
    strong_past = tns == "past" and bool(_EVENT_PAST.search(text))
    found.sort()
    # a year written in the sentence anchors bare months and days ("the Expo in April" in
    # a sentence about "this year"): only when the sentence names exactly one year
    years = set()
    for _s, _e, kind, m in found:
        if kind == "year" or (kind in ("my", "mdy", "md_d", "md_md", "dmy", "iso", "part_year") and m.groupdict().get("y")):
            years.add(int(m.group("y")))
        elif kind == "rel_period" and m.group("unit").lower() == "year":
            py, _, _ = _pub_parts(published)
            if py is not None:
                rel = m.group("rel").lower()
                years.add(py + (-1 if rel in ("last", "past", "previous") else 1 if rel == "next" else 0))
    year_anchor = years.pop() if len(years) == 1 else None
    out = []
    for s, e, kind, m in found:
        # a month and day with no year take the year of the paragraph's last full date
        # ("on March 16, 2023 ... on May 7"); a bare month does not
        ya = year_anchor if year_anchor is not None or kind not in ("mdy", "md_d", "md_md", "dmy") else context_year
        value, end_value = _resolve(kind, m, published, tns, ya, day_anchor=anchor, story_day=story_day,
                                    strong_past=strong_past)
        out.append(DateMention(s, e, text[s:e], value, end_value, kind))
    return out


def _resolve(kind: str, m: re.Match, published: str | None, tns: str, anchor: int | None,
             day_anchor: str | None = None, story_day: str | None = None, strong_past: bool = False):
    g = m.groupdict()
    py, pm, pd = _pub_parts(published)
    if kind == "iso":
        return _fmt(int(g["y"]), int(g["m"]), int(g["d"])), None
    if kind in ("md_md", "md_d", "mdy", "dmy"):
        m1 = _month(g["m1"])
        d1 = int(g["d1"])
        if not 1 <= d1 <= 31:
            return None, None
        y = int(g["y"]) if g.get("y") else _pick_year(m1, d1, published, tns, anchor, strong_past)
        start = _fmt(y, m1, d1)
        end = None
        if kind == "md_md":
            end = _fmt(y, _month(g["m2"]), int(g["d2"]))
        elif kind == "md_d":
            end = _fmt(y, m1, int(g["d2"]))
        return start, end
    if kind == "my":
        return _fmt(int(g["y"]), _month(g["m1"])), None
    if kind == "part_year":
        return _fmt(int(g["y"])), None
    if kind == "month":
        m1 = _month(g["m1"])
        return _fmt(_pick_year(m1, None, published, tns, anchor, strong_past), m1), None
    if kind == "rel_month":
        m1 = _month(g["m1"])
        rel = g["rel"].lower()
        if py is None or pm is None:
            return None, None
        if rel in ("last", "past", "previous"):
            y = py if m1 < pm else py - 1
        elif rel in ("next", "coming"):
            y = py if m1 > pm else py + 1
        else:
            y = py
        return _fmt(y, m1), None
    if kind == "rel_period":
        rel, unit = g["rel"].lower(), g["unit"].lower()
        delta = -1 if rel in ("last", "past", "previous") else 1 if rel == "next" else 0
        if py is None:
            return None, None
        if unit == "year":
            return _fmt(py + delta), None
        if pm is None:
            return None, None
        y, mo = py, pm + delta
        if mo < 1:
            y, mo = y - 1, 12
        if mo > 12:
            y, mo = y + 1, 1
        return _fmt(y, mo), None
    if kind == "ago":
        words = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
                 "thirty": 30}
        n = int(g["n"]) if g["n"].isdigit() else words[g["n"].lower()]
        unit = g["unit"].lower().rstrip("s")
        if py is None:
            return None, None
        if unit in ("year", "decade"):
            years = n * (10 if unit == "decade" else 1)
            if g.get("today") and pd is not None:  # "ten years ago today"
                return _fmt(py - years, pm, pd), None
            return _fmt(py - years), None
        if pm is None:
            return None, None
        if unit == "month":
            total = py * 12 + (pm - 1) - n
            return _fmt(total // 12, total % 12 + 1), None
        if pd is None:
            return None, None
        back = dt.date(py, pm, pd) - dt.timedelta(days=n * (7 if unit == "week" else 1))
        # "two weeks ago" names a week, not a day: keep the month
        return (back.isoformat() if unit == "day" else _fmt(back.year, back.month)), None
    if kind == "rel_day":
        w = g["w"].lower()
        forward = "next" in w or "following" in w or "after" in w
        # a narrative's "the next day" follows the last day named; a report's "the previous
        # day" and "earlier in the day" count from the day it reports
        # "that evening" is the evening of the day just named
        narrative = re.search(r"evening|night|morning|afternoon", w) is not None
        first = day_anchor if forward or narrative else (story_day or day_anchor)
        fallback = published if published and len(published) == 10 else None
        base_day = first if first and len(first) == 10 else fallback
        if base_day is None:
            return None, None
        delta = 1 if ("next" in w or "following" in w or "after" in w) else -1 if ("previous" in w or "before" in w) else 0
        return (dt.date.fromisoformat(base_day) + dt.timedelta(days=delta)).isoformat(), None
    if kind == "week":
        if pd is None:
            return None, None
        rel = g["rel"].lower()
        delta = -7 if rel == "last" else 7 if rel == "next" else 0
        day = dt.date(py, pm, pd) + dt.timedelta(days=delta)
        return _fmt(day.year, day.month), None  # a week is not a day: keep the month
    if kind == "ordinal_day":
        # "on the 17th": a day of the publication month (or the nearest month the tense allows)
        if pm is None:
            return None, None
        d = int(g["d"])
        y, mo = py, pm
        if pd is not None and tns == "future" and d < pd:
            y, mo = (py + 1, 1) if pm == 12 else (py, pm + 1)
        elif pd is not None and tns == "past" and d > pd:
            y, mo = (py - 1, 12) if pm == 1 else (py, pm - 1)
        return _fmt(y, mo, d), None
    if kind == "day_word":
        if pd is None:
            return None, None
        base = dt.date(py, pm, pd)
        delta = {"yesterday": -1, "today": 0, "tomorrow": 1}[g["w"].lower()]
        return (base + dt.timedelta(days=delta)).isoformat(), None
    if kind == "weekday":
        if pd is None:
            return None, None
        base = dt.date(py, pm, pd)
        wd = WEEKDAYS[g["w"].lower()]
        rel = (g.get("rel") or "").lower()
        if rel == "next" or rel == "coming" or (tns == "future" and rel not in ("last", "past")):
            delta = (wd - base.weekday()) % 7 or 7
            return (base + dt.timedelta(days=delta)).isoformat(), None
        delta = (base.weekday() - wd) % 7
        if rel in ("last", "past") and delta == 0:
            delta = 7
        return (base - dt.timedelta(days=delta)).isoformat(), None
    if kind == "year":
        return _fmt(int(g["y"])), None
    return None, None
