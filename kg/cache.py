"""The extraction cache: one JSON file per article under OUT/.cache/extract/.

An entry's key is a hash of everything its extraction depends on: the article as read
(file name, body, metadata and the warnings reading it gave), kg.extract.EXTRACTOR_VERSION,
the source of the extraction code, every file under ontology/ (patterns and reference
knowledge) and the spaCy version. A change to any of them is a miss, so a cached build
gives the same result as a clean one.

Entries are JSON, not pickles: a build folder can come from anywhere, and loading it must
not run code. The codec below writes kg's frozen dataclasses as tagged lists and reads
them back; every sequence in kg.model is a tuple, so JSON arrays come back as tuples.

Cache writes go to the new build's folder (OUT's temporary sibling); an entry this build
reused is hard-linked across from the old one, so the cache holds exactly the entries of
the last build and never grows without bound.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
from pathlib import Path

from . import model, resources
from .articles import text_sha256
from .model import Article, Extraction

log = logging.getLogger(__name__)

FORMAT = 1  # bump when the entry layout changes
_CLASSES = {cls.__name__: cls for cls in (model.ArticleMeta, model.Article, model.Sentence, model.Span,
                                          model.Mention, model.EventRecord, model.AgreementRecord,
                                          model.DisputeRecord, model.Extraction)}


# ---------------------------------------------------------------------------- codec

_FIELDS = {cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in _CLASSES.values()}
_PLAIN = (str, int, float, bool, type(None))


def encode(value):
    """A JSON-ready form of kg's records: a dataclass becomes {"@": name, "v": [fields...]}."""
    kind = type(value)
    names = _FIELDS.get(kind)
    if names is not None:
        return {"@": kind.__name__, "v": [encode(getattr(value, n)) for n in names]}
    if kind is tuple or kind is list:
        return [encode(v) for v in value]
    if kind in _PLAIN:
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        raise TypeError(f"cannot cache a {kind.__name__}")
    if isinstance(value, (tuple, list)):
        return [encode(v) for v in value]
    if isinstance(value, _PLAIN):
        return value
    raise TypeError(f"cannot cache a {kind.__name__}")


def _tuples(value):
    """Lists as tuples, all the way down (records inside are built already)."""
    return tuple(_tuples(v) if type(v) is list else v for v in value)


def _record(d: dict):
    """`json.loads` object hook: one record, built as the parser meets it (bottom-up, so
    the whole entry is decoded in one pass instead of a walk over the parsed JSON)."""
    if "@" not in d:
        raise ValueError("not a cache record")
    return _CLASSES[d["@"]](*(_tuples(v) if type(v) is list else v for v in d["v"]))


def loads(text: str):
    """The record `json.dumps(encode(x))` wrote: x again (lists as tuples)."""
    return json.loads(text, object_hook=_record)


# ---------------------------------------------------------------------------- keys

def _hash_files(root: Path, pattern: str) -> str:
    h = hashlib.sha256()
    if root.is_dir():
        for f in sorted(p for p in root.rglob(pattern) if p.is_file()):
            h.update(f.relative_to(root).as_posix().encode("utf-8") + b"\0")
            h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


def _environment(data_dir: str) -> str:
    """What every extraction depends on besides the article (read afresh by every build:
    a few small files)."""
    import spacy

    from .extract import EXTRACTOR_VERSION

    package = Path(__file__).resolve().parent
    code = hashlib.sha256()
    for name in ("model.py", "reference.py", "resources.py"):
        code.update((package / name).read_bytes())
    parts = [str(FORMAT), EXTRACTOR_VERSION, spacy.__version__, _hash_files(package / "extract", "*.py"),
             code.hexdigest(), _hash_files(Path(data_dir), "*")]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def environment() -> str:
    return _environment(str(resources.data_dir()))


def key(article: Article, env: str | None = None) -> str:
    """The cache key of one article's extraction."""
    h = hashlib.sha256((env or environment()).encode("ascii"))
    # the body by its hash (a large body is not copied), the rest as JSON
    h.update(text_sha256(article.body).encode("ascii"))
    rest = dataclasses.replace(article, body="")
    h.update(json.dumps(encode(rest), ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return h.hexdigest()


# ---------------------------------------------------------------------------- the cache

class ExtractionCache:
    """Read entries from `old` (the last build's cache, unless None) and write this build's
    entries into `new`."""

    def __init__(self, old: Path | None, new: Path):
        self.old = old
        self.new = new
        self.env = environment()
        self.hits = 0
        self.misses = 0
        new.mkdir(parents=True, exist_ok=True)

    def _name(self, k: str) -> str:
        return f"{k}.json"

    def get(self, article: Article) -> Extraction | None:
        k = key(article, self.env)
        name = self._name(k)
        for folder in (self.new, self.old):
            if folder is None:
                continue
            f = folder / name
            try:
                x = loads(f.read_text(encoding="utf-8"))
            except FileNotFoundError:
                continue
            except (OSError, ValueError, KeyError, TypeError) as exc:  # a damaged entry is a miss
                log.info("cache entry %s unreadable (%s); extracting again", f, exc)
                continue
            if not isinstance(x, Extraction):
                continue
            x = dataclasses.replace(x, article=article)
            if folder is self.old:
                self._carry(f, self.new / name)
            self.hits += 1
            return x
        self.misses += 1
        return None

    def put(self, article: Article, x: Extraction) -> None:
        target = self.new / self._name(key(article, self.env))
        # the article is the key's own input: store the rest
        data = json.dumps(encode(dataclasses.replace(x, article=None)), ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
        tmp = target.with_name(target.name + ".tmp")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, target)
        except OSError as exc:  # a cache that cannot be written costs time, not correctness
            log.warning("cannot write the extraction cache %s: %s", target, exc.strerror or exc)

    @staticmethod
    def _carry(src: Path, dst: Path) -> None:
        if dst.exists():
            return
        try:
            os.link(src, dst)
        except OSError:
            try:
                dst.write_bytes(src.read_bytes())
            except OSError as exc:
                log.info("cannot carry cache entry %s: %s", src, exc)
