"""Read articles: a text or Markdown file with optional YAML front matter.

    ---
    title: ...
    publisher: ...
    authors: [...]
    published: 2025-01-13     # YYYY, YYYY-MM or YYYY-MM-DD
    url: ...
    kind: news report
    ---
    body text ...
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml

from .errors import ArticleError, InputError
from .model import Article, ArticleMeta

log = logging.getLogger(__name__)

ARTICLE_SUFFIXES = (".txt", ".md")
META_KEYS = ("title", "publisher", "authors", "published", "url", "kind")
_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_PUBLISHED = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def article_id(path: Path) -> str:
    """A stable, IRI-safe id from the file name."""
    stem = unicodedata.normalize("NFKD", path.stem)
    slug = re.sub(r"[^A-Za-z0-9]+", "-", stem).strip("-").lower()
    return slug or "article"


def normalize_published(value, path: str) -> str:
    """Check a publication date and return it as YYYY, YYYY-MM or YYYY-MM-DD."""
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return value.isoformat()
    text = str(value).strip()
    m = _PUBLISHED.match(text)
    if not m:
        raise ArticleError(path, f"front matter field 'published': {text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    y, mo, d = m.groups()
    try:
        _dt.date(int(y), int(mo or 1), int(d or 1))
    except ValueError:
        raise ArticleError(path, f"front matter field 'published': {text!r} is not a real date") from None
    return text


def _as_text(value) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def parse_article(text: str, path: str, *, name: str | None = None) -> Article:
    """Parse an article's text (front matter + body). `path` is used in messages."""
    warnings: list[str] = []
    meta: dict = {}
    body = text.lstrip("\ufeff")
    m = _FRONT.match(text)
    if m:
        try:
            loaded = yaml.safe_load(m.group(1)) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 2})" if mark else ""
            warnings.append(f"{path}: front matter is not valid YAML{where}; metadata ignored")
            loaded = {}
        if not isinstance(loaded, dict):
            warnings.append(f"{path}: front matter is not a mapping; metadata ignored")
            loaded = {}
        meta = loaded
        body = text[m.end():]
    else:
        warnings.append(f"{path}: no front matter; relative dates stay unresolved")
    unknown = sorted(str(k) for k in meta if k not in META_KEYS)
    if unknown:
        warnings.append(f"{path}: unknown front matter field(s) ignored: {', '.join(unknown)}")
    published = None
    if meta.get("published") is not None:
        try:
            published = normalize_published(meta["published"], path)
        except ArticleError as exc:
            warnings.append(str(exc.args[0]) + "; relative dates stay unresolved")
    elif m:
        warnings.append(f"{path}: front matter has no 'published' date; relative dates stay unresolved")
    authors = meta.get("authors") or ()
    if isinstance(authors, str):
        authors = [a.strip() for a in re.split(r",| and ", authors) if a.strip()]
    article_meta = ArticleMeta(
        title=_as_text(meta.get("title")),
        publisher=_as_text(meta.get("publisher")),
        authors=tuple(str(a).strip() for a in authors if str(a).strip()),
        published=published,
        url=_as_text(meta.get("url")),
        kind=_as_text(meta.get("kind")),
    )
    if not body.strip():
        raise ArticleError(path, "the article has no text")
    stem = Path(name or path)
    return Article(
        id=article_id(stem),
        path=str(path),
        body=body,
        meta=article_meta,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        warnings=tuple(warnings),
    )


def read_article(path: Path) -> Article:
    """Read one article file; raises ArticleError with the reason."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleError(str(path), f"cannot read: {exc.strerror or exc}") from None
    if not data.strip():
        raise ArticleError(str(path), "the file is empty")
    if b"\x00" in data[:4096]:
        raise ArticleError(str(path), "binary file, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArticleError(str(path), f"not UTF-8 text (byte {exc.start})") from None
    return parse_article(text, str(path))


def find_articles(paths: Iterable[Path]) -> Iterator[Path]:
    """Article files under the given files and folders, in a stable order."""
    for p in paths:
        p = Path(p)
        if p.is_dir():
            yield from sorted(
                (f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in ARTICLE_SUFFIXES
                 and not any(part.startswith(".") for part in f.relative_to(p).parts)),
                key=lambda f: f.as_posix(),
            )
        elif p.is_file():
            yield p
        else:
            raise InputError(f"{p}: no such file or folder")
