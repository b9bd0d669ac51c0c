"""Sentence splitting with character offsets, on spaCy's blank English tokenizer.

spaCy's rule-based `sentencizer` splits after every period token; news text needs more
care (Dec. 3, U.S., S. Korea, Mr. Trump), so kg applies its own rule to spaCy's tokens:
a sentence ends at a final punctuation token (unless it is an abbreviation from
`ontology/patterns/abbreviations.txt`, an initial or a number) followed by a capital,
digit, quote or bracket, and at every line break (cleaning leaves one per paragraph).

Speed: the text is not pushed through spaCy whole. spaCy tokenizes each run of non-space
characters on its own, so kg tokenizes each distinct run once (cached), and looks only
at the few tokens that can end a sentence.
"""
from __future__ import annotations

import itertools
import re
from functools import lru_cache

import spacy
from spacy.language import Language

from .. import resources
from ..model import Sentence

_FINAL = {".", "!", "?", "…"}
_CLOSERS = {'"', "”", "’", "'", ")", "]"}
_INITIAL = re.compile(r"^[A-Z]\.$")


@lru_cache(maxsize=1)
def abbreviations() -> frozenset[str]:
    return frozenset(resources.load_lines("patterns", "abbreviations.txt"))


@lru_cache(maxsize=1)
def pipeline() -> Language:
    nlp = spacy.blank("en")
    nlp.max_length = 200_000_000
    return nlp


@lru_cache(maxsize=262_144)
def _tokens(chunk: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """spaCy's tokens of a run of non-space characters: their texts and offsets. spaCy
    tokenizes each such run on its own, so tokenizing runs one at a time (and each distinct
    run once) gives exactly the tokens of the whole text, far faster."""
    doc = pipeline().tokenizer(chunk)
    return tuple(t.text for t in doc), tuple(t.idx for t in doc)


@lru_cache(maxsize=65_536)
def _like_num(token: str) -> bool:
    return pipeline().vocab[token].like_num


_WS = re.compile(r"\s+")
_STARTS = "“\"'‘(["
_ENDS = tuple(sorted(_FINAL))
# a run of non-space characters holding final punctuation, or whitespace holding a line break
_CANDIDATE = re.compile(r"(?<!\S)(?P<run>[^\s.!?…]*[.!?…]\S*)|(?P<nl>[^\S\n]*\n\s*)")
_NONSPACE = re.compile(r"\S+")
_SPACE = re.compile(r"\s+")


def _tokens_from(text: str, pos: int):
    """spaCy's tokens from `pos` (the start of a run) on: (text, offset); a run of
    whitespace other than one space between tokens is a token of its own."""
    n = len(text)
    while pos < n:
        if text[pos].isspace():
            m = _SPACE.match(text, pos)
            run = m.group()
            if run != " " or m.end() == n:
                yield run, pos
            pos = m.end()
        else:
            m = _NONSPACE.match(text, pos)
            tt, oo = _tokens(m.group())
            for t, o in zip(tt, oo):
                yield t, pos + o
            pos = m.end()


def _ends_sentence(t: str, abbrev: frozenset[str]) -> bool:
    return t in _FINAL or (len(t) > 1 and t.endswith(".") and t not in abbrev
                           and not _INITIAL.match(t) and not _like_num(t))


def starts(text: str) -> list[int]:
    """Offsets at which sentences start."""
    out = set()
    first = _NONSPACE.search(text)
    if first is None:
        return []
    out.add(first.start())
    abbrev = abbreviations()
    for m in _CANDIDATE.finditer(text):
        if m.group("nl") is not None:
            if m.end() < len(text):
                out.add(m.end())  # a line break: the next token starts a sentence
            continue
        a, b = m.span()
        tt, oo = _tokens(m.group())
        for i, t in enumerate(tt):
            if not _ends_sentence(t, abbrev):
                continue
            # the next token that is not a closing quote or bracket, in this run or after it
            nxt = None
            for x, o in itertools.chain(zip(tt[i + 1:], (a + o for o in oo[i + 1:])), _tokens_from(text, b)):
                if x not in _CLOSERS:
                    nxt = (x, o)
                    break
            if nxt is None:
                continue
            x, o = nxt
            if x[0].isspace():
                after = _NONSPACE.search(text, o)
                if after is not None:
                    out.add(after.start())
            elif x[0].isupper() or x[0].isdigit() or x[0] in _STARTS:
                out.add(o)
    return sorted(out)


def split(text: str) -> tuple[Sentence, ...]:
    """Sentences of a cleaned text, with offsets into that text."""
    bounds = starts(text) + [len(text)]
    out = []
    for start, end in zip(bounds, bounds[1:]):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end <= start:
            continue
        out.append(Sentence(index=len(out), start=start, end=end, text=_WS.sub(" ", text[start:end])))
    return tuple(out)
