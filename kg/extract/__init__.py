"""Extraction: one article in, its mentions, events, agreements and disputes out.

    extract(article) -> Extraction

Stages (each its own module): clean -> sentences -> actors -> agreements/disputes ->
events. Everything the stages know about the world comes from `ontology/`.
"""
from __future__ import annotations

import logging
from collections import Counter
from dataclasses import replace

from ..model import COUNTRY, PERSON, AgreementRecord, Article, DisputeRecord, Extraction
from ..reference import ReferenceKB
from ..reference import load as load_reference
from .actors import DEMONYM, ActorFinder, ArticleText, norm_key, ref_key
from .agreements import finder as agreement_finder
from .clean import clean
from .events import EventExtractor
from .sentences import split

log = logging.getLogger(__name__)

#: Bump when extraction output changes for the same input (used by caches).
EXTRACTOR_VERSION = "3"


def focal_countries(mentions) -> tuple[str, ...]:
    """The article's countries, most mentioned first (names, demonyms and the countries
    of the people named all count)."""
    counts: Counter = Counter()
    first: dict[str, int] = {}
    for m in mentions:
        key = m.key if m.kind == COUNTRY else (m.country if m.kind in (DEMONYM, PERSON) else None)
        if key:
            counts[key] += 1
            first.setdefault(key, m.span.start)
    return tuple(sorted(counts, key=lambda k: (-counts[k], first[k])))


def extract(article: Article, *, kb: ReferenceKB | None = None) -> Extraction:
    kb = kb or load_reference()
    text = clean(article.body)
    sentences = split(text)
    at = ArticleText(article.id, text, sentences, article.meta.published)
    finder = ActorFinder(kb)
    mentions = finder.find(at, authors=article.meta.authors, publisher=article.meta.publisher)
    focal = focal_countries(mentions)
    agr_phrases, dis_phrases = agreement_finder(kb).find(at, focal)
    meta = finder.metadata_actors(article.meta.authors, article.meta.publisher)
    publisher = next((key for kind, key, _n, _f in meta if kind != PERSON), None)
    events, new_agreements, _names = EventExtractor(kb).extract(at, mentions, agr_phrases, dis_phrases, focal,
                                                                publisher=publisher)

    agreements: dict[str, AgreementRecord] = {}
    for a in agr_phrases:
        if not a.ref:
            continue
        ref = kb.agreements[a.ref]
        span = at.span(a.start, a.end)
        rec = agreements.get(ref_key(ref.id))
        if rec is None:
            rec = AgreementRecord(
                key=ref_key(ref.id), label=ref.name, kind=ref.kind, date=ref.date,
                signatories=tuple(ref_key(s) for s in ref.signatories),
                parties=tuple(ref_key(p) for p in ref.parties),
                concerns=tuple(ref_key(c) for c in ref.concerns), spans=(), aliases=())
        named = a.kind is None  # a reference alias, not a generic phrase ("the 1998 joint declaration")
        agreements[rec.key] = replace(rec, spans=rec.spans + (span,),
                                      aliases=tuple(dict.fromkeys(rec.aliases + ((a.text,) if named else ()))))
    for rec in new_agreements:
        old = agreements.get(rec.key)
        agreements[rec.key] = rec if old is None else replace(old, spans=old.spans + rec.spans)
    disputes: dict[str, DisputeRecord] = {}
    for d in dis_phrases:
        ref = kb.disputes[d.ref]
        span = at.span(d.start, d.end)
        rec = disputes.get(ref_key(ref.id)) or DisputeRecord(
            key=ref_key(ref.id), label=ref.name, parties=tuple(ref_key(p) for p in ref.parties))
        named = any(norm_key(d.text) == norm_key(a) for a in (ref.name, *ref.aliases))  # not a co-occurring word
        disputes[rec.key] = replace(rec, spans=rec.spans + (span,),
                                    aliases=tuple(dict.fromkeys(rec.aliases + ((d.text,) if named else ()))))

    authors = tuple(key for kind, key, _n, _f in meta if kind == PERSON)
    warnings = list(article.warnings)
    return Extraction(
        article=article, sentences=sentences, mentions=tuple(mentions), events=events,
        agreements=tuple(agreements[k] for k in sorted(agreements)),
        disputes=tuple(disputes[k] for k in sorted(disputes)),
        authors=authors, publisher=publisher,
        names=tuple((key, kind, name) for kind, key, name, _f in meta),
        warnings=tuple(warnings))
