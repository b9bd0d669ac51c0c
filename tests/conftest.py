"""Shared fixtures: the reference knowledge, and tiny in-memory articles."""
from __future__ import annotations

import textwrap

import pytest

from kg.articles import parse_article
from kg.extract import extract
from kg.reference import load


@pytest.fixture(scope="session")
def kb():
    return load()


def make_article(body: str, *, published: str | None = "2025-01-13", name: str = "t.txt", **meta):
    """An article from text; front matter is written from the keyword arguments."""
    lines = ["---"]
    if published:
        lines.append(f"published: '{published}'")
    for key, value in meta.items():
        lines.append(f"{key}: {value!r}" if not isinstance(value, list) else f"{key}: {value}")
    lines.append("---")
    text = "\n".join(lines) + "\n" + textwrap.dedent(body).strip() + "\n"
    return parse_article(text, name)


@pytest.fixture
def article():
    return make_article


@pytest.fixture
def run(kb):
    """Extract from a small article body."""
    def _run(body: str, **kw):
        return extract(make_article(body, **kw), kb=kb)
    return _run
