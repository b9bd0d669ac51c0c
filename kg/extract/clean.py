"""Cleaning: mask page boilerplate and rejoin hard-wrapped lines.

Cleaning never moves text: removed characters become spaces and joined line breaks
become spaces, so an offset into the cleaned text is the same offset into the article
body. Paragraph breaks stay as newlines; sentence splitting treats them as hard
boundaries.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from functools import lru_cache

from .. import resources


@dataclass(frozen=True, slots=True)
class Boilerplate:
    lines: tuple[re.Pattern, ...]
    inline: re.Pattern | None
    tail: tuple[re.Pattern, ...]

    @property
    def any_line(self) -> re.Pattern | None:
        """One search for "any of `lines` matches" (asked of every line of every article)."""
        return _any_of(self.lines)

    @property
    def any_tail(self) -> re.Pattern | None:
        return _any_of(self.tail)


@lru_cache(maxsize=8)
def _any_of(patterns: tuple[re.Pattern, ...]) -> re.Pattern | None:
    """The patterns (all case-insensitive) as one alternation: it finds a match wherever
    one of them does."""
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), re.I)


@lru_cache(maxsize=1)
def boilerplate() -> Boilerplate:
    data = resources.load_yaml("patterns", "boilerplate.yaml") or {}
    inline = data.get("inline") or []
    return Boilerplate(
        lines=tuple(re.compile(p, re.I) for p in data.get("lines") or []),
        inline=re.compile("|".join(f"(?:{p})" for p in inline), re.I) if inline else None,
        tail=tuple(re.compile(p, re.I) for p in data.get("tail") or []),
    )


_HAS_LATIN = re.compile(r"[A-Za-z]")
_END_PUNCT = ('.', '!', '?', ':', '"', '”', '’', "'", ')')


def _mask(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = " "


def clean(body: str, *, rules: Boilerplate | None = None) -> str:
    """Return the body with boilerplate masked and hard wraps joined (same length)."""
    rules = rules or boilerplate()
    chars = list(body)
    if rules.inline is not None:
        for m in rules.inline.finditer(body):
            _mask(chars, m.start(), m.end())
    # lines with their offsets
    lines = []
    pos = 0
    for raw in body.split("\n"):
        lines.append((pos, pos + len(raw)))
        pos += len(raw) + 1
    kept = []  # (start, end) of kept, non-empty lines
    cut_rest = False
    any_line, any_tail = rules.any_line, rules.any_tail
    for start, end in lines:
        text = "".join(chars[start:end]).strip()
        if cut_rest:
            _mask(chars, start, end)
            continue
        if not text:
            continue
        if any_tail is not None and start > len(body) // 2 and any_tail.search(text):
            cut_rest = True
            _mask(chars, start, end)
            continue
        if not _HAS_LATIN.search(text) or (any_line is not None and any_line.search(text)):
            _mask(chars, start, end)
            continue
        kept.append((start, end))
    _join_wrapped(chars, kept)
    return "".join(chars)


def _join_wrapped(chars: list[str], kept: list[tuple[int, int]]) -> None:
    """Turn line breaks inside hard-wrapped paragraphs into spaces."""
    if len(kept) < 4:
        return
    lengths = [len("".join(chars[s:e]).rstrip()) for s, e in kept]
    long_lines = [n for n in lengths if n >= 20]
    if not long_lines:
        return
    width = statistics.median(long_lines)
    # Only text wrapped at a fixed width (typical 60-100 columns) with most lines
    # ending mid-sentence is treated as hard-wrapped.
    ends_mid = sum(1 for (s, e) in kept if not "".join(chars[s:e]).rstrip().endswith(_END_PUNCT))
    if width > 110 or ends_mid < 0.5 * len(kept):
        return
    for (s1, e1), (s2, _e2) in zip(kept, kept[1:]):
        between = "".join(chars[e1:s2])
        if between.count("\n") != 1:
            continue  # a blank line: a real paragraph break
        prev = "".join(chars[s1:e1]).rstrip()
        nxt = "".join(chars[s2:_e2]).strip()
        if prev in ("-", "*", "•") or nxt in ("-", "*", "•"):
            continue  # list bullets on their own line mark a break
        if prev.endswith(_END_PUNCT) and len(prev) < 0.7 * width:
            continue  # a short last line of a paragraph
        chars[e1] = " "
