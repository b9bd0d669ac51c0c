"""Sentence splitting with character offsets, on spaCy's blank English pipeline.

spaCy's rule-based `sentencizer` splits after every period token; news text needs more
care (Dec. 3, U.S., S. Korea, Mr. Trump), so kg registers its own small component that
reads the abbreviation list from `ontology/patterns/abbreviations.txt` and treats
paragraph breaks (newlines left by cleaning) as hard boundaries.
"""
from __future__ import annotations

import re
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .. import resources
from ..model import Sentence

_FINAL = {".", "!", "?", "…"}
_CLOSERS = {'"', "”", "’", "'", ")", "]"}
_INITIAL = re.compile(r"^[A-Z]\.$")


@lru_cache(maxsize=1)
def abbreviations() -> frozenset[str]:
    return frozenset(resources.load_lines("patterns", "abbreviations.txt"))


@Language.component("kg_sentences")
def kg_sentences(doc: Doc) -> Doc:
    abbrev = abbreviations()
    n = len(doc)
    if n:
        doc[0].is_sent_start = True
    for i in range(1, n):
        doc[i].is_sent_start = False
    i = 0
    while i < n:
        tok = doc[i]
        boundary_after = None
        if "\n" in tok.text and tok.is_space:
            boundary_after = i  # next non-space token starts a sentence
        elif "\n" in tok.whitespace_:
            boundary_after = i
        elif tok.text in _FINAL or (
            tok.text.endswith(".") and len(tok.text) > 1 and tok.text not in abbrev
            and not _INITIAL.match(tok.text) and not tok.like_num
        ):
            j = i + 1
            while j < n and doc[j].text in _CLOSERS:
                j += 1
            if j < n:
                nxt = doc[j].text
                if nxt[:1].isupper() or nxt[:1].isdigit() or nxt[:1] in "“\"'‘([" or doc[j].is_space:
                    boundary_after = j - 1
        if boundary_after is not None:
            k = boundary_after + 1
            while k < n and doc[k].is_space:
                k += 1
            if k < n:
                doc[k].is_sent_start = True
            i = max(i + 1, k)
            continue
        i += 1
    return doc


@lru_cache(maxsize=1)
def pipeline() -> Language:
    nlp = spacy.blank("en")
    nlp.max_length = 200_000_000
    nlp.add_pipe("kg_sentences")
    return nlp


_WS = re.compile(r"\s+")


def split(text: str) -> tuple[Sentence, ...]:
    """Sentences of a cleaned text, with offsets into that text."""
    doc = pipeline()(text)
    out = []
    for sent in doc.sents:
        start, end = sent.start_char, sent.end_char
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end <= start:
            continue
        out.append(Sentence(index=len(out), start=start, end=end, text=_WS.sub(" ", text[start:end])))
    return tuple(out)
