"""Saved web pages: the main text and metadata of an HTML article, through trafilatura.

    page = page_text(html, "saved/article.html")
    page.text, page.meta    # the text kg extracts from; {"title": ..., "published": ...}

trafilatura finds the article's main text (menus, share buttons, related links, comment
boxes and footers left out) and its metadata (title, author, site name, publication date,
canonical URL) from meta tags, structured data and the page itself. Paragraphs are kept
apart by blank lines, so kg's cleaner and sentence splitter see the page's paragraph
breaks. Provenance offsets of an HTML article index this text, not the HTML source.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from .errors import ArticleError

log = logging.getLogger(__name__)

#: Metadata keys the page can give (a subset of the front matter keys).
PAGE_KEYS = ("title", "authors", "publisher", "published", "url")


@dataclass(frozen=True, slots=True)
class PageText:
    text: str
    meta: dict = field(default_factory=dict)  # front matter keys -> values, only those found


def _split_authors(value: str) -> list[str]:
    # trafilatura joins several authors with "; "
    return [a.strip() for a in re.split(r";|\band\b", value) if a.strip()]


def page_text(html: str, path: str) -> PageText:
    """The main text and metadata of a saved page; ArticleError when it has no article text."""
    try:
        import trafilatura
    except ImportError as exc:  # pragma: no cover - a dependency
        # name what is missing: trafilatura itself, or one of its own imports (lxml_html_clean)
        raise ArticleError(path, f"reading HTML needs trafilatura, which failed to import: {exc}".replace("\n", " ")) from None
    options = dict(with_metadata=True, include_comments=False, include_tables=False, include_images=False,
                   deduplicate=False, output_format="python",
                   # publication dates from the page's markup only: no guessing from stray
                   # dates in the text, which would anchor every relative date wrongly
                   date_extraction_params={"extensive_search": False, "original_date": True})
    try:
        doc = trafilatura.bare_extraction(html, **options)
        if doc is None or not (doc.text or "").strip():
            # short pages fall below trafilatura's precision threshold; ask for recall
            doc = trafilatura.bare_extraction(html, favor_recall=True, **options)
    except Exception as exc:  # lxml and the extractors raise many kinds; all mean "unreadable page"
        log.debug("trafilatura failed on %s", path, exc_info=True)
        raise ArticleError(path, f"cannot read the HTML page ({type(exc).__name__}: {str(exc)[:120]})") from None
    if doc is None or not (doc.text or "").strip():
        raise ArticleError(path, "no article text found in the HTML page")
    paragraphs = [p.strip() for p in doc.text.split("\n") if p.strip()]
    meta: dict = {}
    if doc.title:
        meta["title"] = doc.title
    if doc.author:
        meta["authors"] = _split_authors(doc.author)
    if doc.sitename:
        meta["publisher"] = doc.sitename
    if doc.date:
        meta["published"] = doc.date
    if doc.url:
        meta["url"] = doc.url
    return PageText(text="\n\n".join(paragraphs) + "\n", meta=meta)
