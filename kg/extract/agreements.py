"""Agreements and disputes named in an article.

Named agreements and disputes come from the reference knowledge (every alias, matched
case-insensitively). Generic phrases ("the 1998 joint declaration", "a joint
statement") are kept as unresolved agreement phrases: they resolve to a reference
agreement of the same kind and year between the article's countries, or become the
outcome of an event in the same sentence (done in `events`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .. import resources
from ..reference import ReferenceKB
from .actors import Alternation, ArticleText, norm_key
from .prefilter import finditer as scan
from .prefilter import prefilter
from .dates import find_dates


_YEAR_BEFORE = re.compile(r"(?<![\w-])(?:1[89]\d\d|20\d\d)[ \t]+$")


@dataclass(frozen=True, slots=True)
class AgreementPhrase:
    start: int
    end: int
    text: str
    ref: str | None  # reference agreement id, when resolved
    kind: str | None  # generic kind (joint-statement, treaty, ...)
    year: str | None


@dataclass(frozen=True, slots=True)
class DisputePhrase:
    start: int
    end: int
    text: str
    ref: str


class AgreementFinder:
    def __init__(self, kb: ReferenceKB):
        self.kb = kb
        self.agr_index: dict[str, list[str]] = {}
        self.context_only: set[tuple[str, str]] = set()
        forms = []
        for a in kb.agreements.values():
            for f in (a.name, *a.aliases):
                self.agr_index.setdefault(norm_key(f), []).append(a.id)
                forms.append(f)
        data = resources.load_yaml("reference", "agreements.yaml") or []
        for rec in data:
            for f in rec.get("context_aliases") or []:
                self.agr_index.setdefault(norm_key(f), []).append(rec["id"])
                self.context_only.add((norm_key(f), rec["id"]))
                forms.append(f)
        self._agr = Alternation(forms)
        self.dis_index: dict[str, list[str]] = {}
        dforms = []
        for d in kb.disputes.values():
            for f in (d.name, *d.aliases):
                self.dis_index.setdefault(norm_key(f), []).append(d.id)
                dforms.append(f)
        self._dis = Alternation(dforms)
        self.cooccur: list[tuple[str, tuple[re.Pattern, ...]]] = []
        for rec in resources.load_yaml("reference", "disputes.yaml") or []:
            for terms in rec.get("cooccur") or []:
                self.cooccur.append((rec["id"], tuple(re.compile(rf"(?<![\w-]){re.escape(t)}(?![\w])", re.I)
                                                       for t in terms)))
        # the same terms without the look-behind: a term not found by these anywhere in the
        # text is in none of its sentences
        self.cooccur_any = [tuple(re.compile(rf"{re.escape(t)}(?![\w])", re.I) for t in terms)
                            for rec in resources.load_yaml("reference", "disputes.yaml") or []
                            for terms in rec.get("cooccur") or []]
        spec = resources.load_yaml("patterns", "agreements.yaml") or {}
        kinds = []
        self.kind_of: list[tuple[re.Pattern, str]] = []
        for kind, pats in (spec.get("kinds") or {}).items():
            for p in pats:
                kinds.append(p)
                self.kind_of.append((re.compile(rf"(?i)^(?:{p})$"), kind))
        self.generic = re.compile(r"(?i)(?<![\w-])(?:(?P<year>1[89]\d\d|20\d\d)\s+)?(?P<phrase>"
                                  + "|".join(f"(?:{p})" for p in sorted(kinds, key=len, reverse=True)) + r")s?(?![\w-])")

    def _kind(self, phrase: str) -> str | None:
        phrase = re.sub(r"\s+", " ", phrase.strip())
        for rx, kind in self.kind_of:
            if rx.match(phrase):
                return kind
        return None

    def find(self, at: ArticleText, focal: tuple[str, ...]) -> tuple[list[AgreementPhrase], list[DisputePhrase]]:
        agreements: list[AgreementPhrase] = []
        taken: list[tuple[int, int]] = []
        focal_ids = {f.removeprefix("ref:") for f in focal[:2]}
        for m in self._agr.finditer(at.mtext):
            key = norm_key(m.group(0))
            ids = []
            for aid in self.agr_index.get(key, []):
                if (key, aid) in self.context_only:
                    parties = set(self.kb.agreements[aid].parties)
                    if not parties or not parties <= focal_ids:
                        continue
                ids.append(aid)
            if not ids or at.span(m.start(), m.end()) is None:
                continue
            start = m.start()
            year = _YEAR_BEFORE.search(at.mtext, max(0, start - 6), start)
            if year and at.span(year.start(), m.end()) is not None:
                start = year.start()  # "the 1998 Kim-Obuchi Declaration": the year is part of the name
            agreements.append(AgreementPhrase(start, m.end(), at.text[start:m.end()], ids[0], None, None))
            taken.append((start, m.end()))
        for m in scan(self.generic, at.mtext, at.low):
            s, e = m.start(), m.end()
            if any(s < te and ts < e for ts, te in taken):
                continue
            sent = at.sentence_at(s)
            if sent is None:
                continue
            kind = self._kind(m.group("phrase"))
            year = m.group("year")
            ref = None
            if kind in ("joint-declaration", "joint-statement", "treaty", "statement"):
                ref = self._by_kind_year(kind, year, sent, at, focal_ids)
            agreements.append(AgreementPhrase(s, e, at.text[s:e], ref, kind, year))
        disputes: list[DisputePhrase] = []
        for m in self._dis.finditer(at.mtext):
            ids = self.dis_index.get(norm_key(m.group(0)), [])
            if ids and at.span(m.start(), m.end()) is not None:
                disputes.append(DisputePhrase(m.start(), m.end(), at.text[m.start():m.end()], ids[0]))
        # words that together denote a dispute ("Sado" and "UNESCO" in one sentence)
        named = {(at.sentence_at(d.start).index, d.ref) for d in disputes}
        cooccur = [c for c, anywhere in zip(self.cooccur, self.cooccur_any)
                   if all(prefilter(rx).may_match(at.low) for rx in anywhere)
                   and all(rx.search(at.mtext) for rx in anywhere)]
        for sent in at.sentences if cooccur else ():
            text = at.mtext[sent.start:sent.end]
            for did, rxs in cooccur:
                if (sent.index, did) in named:
                    continue
                hits = [rx.search(text) for rx in rxs]
                if all(hits):
                    first = min(hits, key=lambda h: h.start())
                    disputes.append(DisputePhrase(sent.start + first.start(), sent.start + first.end(), first.group(0), did))
                    named.add((sent.index, did))
        agreements.sort(key=lambda a: a.start)
        disputes.sort(key=lambda d: d.start)
        return agreements, disputes

    def _by_kind_year(self, kind, year, sent, at: ArticleText, focal_ids) -> str | None:
        """A reference agreement of this kind whose year is written beside the phrase or in its sentence."""
        years = {year} if year else set()
        if not years:
            for d in find_dates(sent.text, at.published):
                if d.value and d.kind in ("year", "my", "mdy", "iso"):
                    years.add(d.value[:4])
        if len(years) != 1:
            return None
        y = years.pop()
        fam = {"joint-declaration": {"joint-declaration", "declaration"}, "joint-statement": {"joint-statement"},
               "treaty": {"treaty"}, "statement": {"statement", "joint-statement"}}[kind]
        hits = [a.id for a in self.kb.agreements.values()
                if a.kind in fam and a.date and a.date[:4] == y and (not focal_ids or set(a.parties) <= focal_ids | set())
                and len(set(a.parties) & focal_ids) >= min(2, len(a.parties))]
        return hits[0] if len(hits) == 1 else None


@lru_cache(maxsize=4)
def finder(kb: ReferenceKB) -> AgreementFinder:
    return AgreementFinder(kb)
