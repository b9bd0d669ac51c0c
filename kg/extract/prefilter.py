"""Cheap pre-tests for expensive regexes: the literal words a pattern cannot match without.

Python's `re` tries a big alternation branch by branch at every position of the text, so
a sentence that holds none of a pattern's words still costs a full scan. `Prefilter`
reads the pattern once (with CPython's own regex parser) and finds a set of strings of
which every match must contain one, e.g. {"summit", "leaders meeting"} for
``\\b(?:summits?|leaders'? meetings?)\\b`` (lowercased: the test is on lowercased text, so
it holds for case-insensitive patterns too). `may_match(low)` is then a few substring tests.

The test is necessary, not sufficient: when it says no, the pattern cannot match; when it
says yes, run the pattern. A pattern the reader cannot bound (say ``\\w+ed``) gets no
pre-test and always runs.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .trie import alternation

try:  # CPython's parser for the `re` module (re._parser from 3.11, sre_parse before)
    from re import _constants as _C
    from re import _parser as _P
except ImportError:  # pragma: no cover - other Pythons: no pre-tests
    _P = _C = None

DIGIT = "\0digit"  # "some decimal digit": \d and [0-9]
_FEW_WORDS = 8  # more words than this are searched for in one pass
_MAX_STRINGS = 96  # literal alternatives multiplied out at most this far
_DIGITS = re.compile(r"\d")
# characters that re.IGNORECASE matches to an ASCII letter but str.lower() does not turn into it
_FOLD = str.maketrans({"ſ": "s", "ı": "i", "K": "k", "ﬅ": "st", "ﬆ": "st"})
_FOLD_PAIRS = tuple((chr(k), v) for k, v in _FOLD.items())  # (a replace each: faster than translate)


def lower(text: str) -> str:
    """The text as `may_match` wants it."""
    return replace_each(text.lower(), _FOLD_PAIRS)


def replace_each(text: str, pairs: tuple[tuple[str, str], ...]) -> str:
    """`text` with each (non-ASCII) character of `pairs` replaced by its string: what
    str.translate does with the same table, but a replace for each character that occurs
    is ~40x faster than translate's dict look-up of every character; ASCII text is
    returned at once."""
    if text.isascii():
        return text
    for char, repl in pairs:
        if char in text:
            text = text.replace(char, repl)
    return text


class Prefilter:
    """`need` is None (no pre-test) or the strings one of which every match contains."""

    def __init__(self, pattern: re.Pattern | str):
        p = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
        flags = pattern.flags if isinstance(pattern, re.Pattern) else 0
        try:
            need = _need(list(_P.parse(p, flags))) if _P is not None else None
        except Exception:  # noqa: BLE001 - a pattern this reader does not follow: no pre-test
            need = None
        self._set(need)

    @classmethod
    def any_of(cls, parts: "list[Prefilter]") -> "Prefilter":
        """The pre-test of "one of these patterns matches": the union of their words (none
        when one of them has no pre-test)."""
        out = cls.__new__(cls)
        out._set(None if any(f.need is None for f in parts) else set().union(*(f.need for f in parts)))
        return out

    def _set(self, need: set[str] | None) -> None:
        if need:  # a string holding another of the set adds nothing: "arrived in" beside "arrived"
            need = {s for s in need if s == DIGIT or not any(t != s and t != DIGIT and t in s for t in need)}
        self.need: frozenset[str] | None = frozenset(need) if need else None
        self._words = tuple(sorted(s for s in self.need if s != DIGIT)) if self.need else ()
        self._digit = bool(self.need and DIGIT in self.need)
        # many words: one pass over the text with all of them as a tree (kg.extract.trie)
        # rather than a substring search for each
        self._any = re.compile(alternation(self._words)) if len(self._words) > _FEW_WORDS else None

    def may_match(self, low: str) -> bool:
        """False only if the pattern cannot match `low` (text passed through `lower`)."""
        if self.need is None:
            return True
        if self._any is not None:
            if self._any.search(low) is not None:
                return True
        else:
            for w in self._words:
                if w in low:
                    return True
        return self._digit and _DIGITS.search(low) is not None


_GIVEN: dict[re.Pattern, Prefilter] = {}  # patterns whose pre-test is read from another pattern


def pretest_like(pattern: re.Pattern, like: re.Pattern | str) -> re.Pattern:
    """`pattern`, whose pre-test is to be read from `like`: a pattern with the same
    matches that this reader follows better (a plain alternation of words, where
    `pattern` has them as a tree, kg.extract.trie, whose words it cannot multiply out)."""
    _GIVEN[pattern] = Prefilter(like)
    prefilter.cache_clear()
    return pattern


@lru_cache(maxsize=512)
def prefilter(pattern: re.Pattern) -> Prefilter:
    given = _GIVEN.get(pattern)
    return given if given is not None else Prefilter(pattern)


def finditer(pattern: re.Pattern, text: str, low: str):
    """`pattern.finditer(text)`, or nothing at once when `low` (`lower(text)`) lacks the
    words every match needs."""
    return pattern.finditer(text) if prefilter(pattern).may_match(low) else iter(())


# ------------------------------------------------------------------ reading the parse tree

def _items(seq):
    """The items of a parsed sequence with groups opened up (a group's content is part of
    the text the sequence matches, wherever the group's flags say case does not matter)."""
    for op, av in seq:
        if op is _C.SUBPATTERN:
            yield from _items(av[-1])
        elif op is _C.ATOMIC_GROUP:
            yield from _items(av)
        else:
            yield op, av


def _zero_width(op) -> bool:
    return op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT)


def _literals(seq) -> set[str] | None:
    """Every string `seq` can match, if it matches only literal text (with alternatives)."""
    out = {""}
    for op, av in _items(seq):
        if op is _C.LITERAL:
            out = {s + chr(av).lower() for s in out}
        elif _zero_width(op):
            continue
        elif op is _C.BRANCH:
            alts = [_literals(a) for a in av[1]]
            if any(a is None for a in alts):
                return None
            union = set().union(*alts)
            if len(out) * len(union) > _MAX_STRINGS:
                return None
            out = {s + u for s in out for u in union}
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT) and av[0] == av[1] == 1:
            inner = _literals(av[2])
            if inner is None:
                return None
            out = {s + u for s in out for u in inner}
        else:
            return None
    return out


def _digits_only(av) -> bool:
    """An [...] set that matches decimal digits only."""
    for op, x in av:
        if op is _C.CATEGORY and x in (_C.CATEGORY_DIGIT, _C.CATEGORY_UNI_DIGIT):
            continue
        if op is _C.RANGE and ord("0") <= x[0] <= x[1] <= ord("9"):
            continue
        if op is _C.LITERAL and chr(x).isdigit():
            continue
        return False
    return True


def _need(seq) -> set[str] | None:
    """Strings one of which every match of `seq` contains, the most selective found."""
    cands: list[set[str]] = []
    stretch = {""}  # the literal text matched since the last non-literal item

    def close() -> None:
        nonlocal stretch
        if "" not in stretch:
            cands.append(stretch)
        stretch = {""}

    for op, av in _items(seq):
        if op is _C.LITERAL:
            stretch = {s + chr(av).lower() for s in stretch}
        elif _zero_width(op):
            continue  # "ab\bcd" still needs "abcd"
        elif op is _C.BRANCH:
            alts = [_literals(a) for a in av[1]]
            if all(a is not None for a in alts):
                union = set().union(*alts)
                if len(stretch) * len(union) <= _MAX_STRINGS:
                    stretch = {s + u for s in stretch for u in union}
                    continue
            close()
            subs = [_need(a) for a in av[1]]
            if all(s for s in subs):
                cands.append(set().union(*subs))
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT, getattr(_C, "POSSESSIVE_REPEAT", None)):
            lo, _hi, inner = av
            if lo == _hi == 1:
                lits = _literals(inner)
                if lits is not None and len(stretch) * len(lits) <= _MAX_STRINGS:
                    stretch = {s + u for s in stretch for u in lits}
                    continue
            close()
            if lo >= 1:
                sub = _need(inner)
                if sub:
                    cands.append(sub)
        elif op is _C.IN and _digits_only(av):
            close()
            cands.append({DIGIT})
        else:
            close()
    close()
    if not cands:
        return None
    return max(cands, key=lambda c: (min(1 if s == DIGIT else len(s) for s in c), -len(c)))


# ------------------------------------------------------------------ matches that end with a word

def finditer_ending(pattern: re.Pattern, ending: re.Pattern, text: str, back: int = 200):
    """`pattern.finditer(text)` for a pattern whose every match ends with a match of
    `ending` ("ministry" after one or two words) and starts at most `back` characters
    before that. Such a pattern, scanned from every place in the text, is tried at every
    word; here it is tried only in the window before each place `ending` matches (a few
    times an article).

    `ending` must match, from where the pattern's last part begins, what that part would
    match, and check what follows as the pattern does (a `\b`, a `(?![\w])`): the text is
    cut right after it, and the match found there is then taken whole from where it starts
    (it may run on to a later ending: "Justice Ministry Ministry"). The matches are those of
    a scan for the patterns kg uses this way (tests/test_prefilter.py compares them): the
    next match after `pos` holds an occurrence `k` of the ending that starts at or after
    `pos`, and starts within `back` of it, so the window before the first such `k` holds
    its start."""
    pos = 0
    at = 0  # occurrences of the ending are looked for from every place, overlapping
    while True:
        k = ending.search(text, at)
        if k is None:
            return
        at = k.start() + 1
        if k.start() < pos:
            continue
        m = pattern.search(text, max(pos, k.start() - back), k.end())
        if m is None:
            continue
        m = pattern.match(text, m.start())  # the whole match from there (it may run on to a later ending)
        yield m
        pos = m.end()
        at = pos if pos > m.start() else k.start() + 1  # (an empty match: go on past k)
