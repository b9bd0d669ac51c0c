"""Read articles: text, Markdown or saved HTML pages, with metadata from YAML front matter,
a sidecar file or (for HTML) the page itself.

    ---
    title: ...
    publisher: ...
    authors: [...]
    published: 2025-01-13     # YYYY, YYYY-MM or YYYY-MM-DD
    url: ...
    kind: news report
    ---
    body text ...

A sidecar is `NAME.EXT.yaml` or `NAME.yaml` beside the article (`page.html.yaml` or
`page.yaml` for `page.html`), holding the same keys as front matter. For each key, front
matter wins over the sidecar, and the sidecar over what an HTML page says.

Files are read as UTF-8 (a byte-order mark selects UTF-16 or UTF-32). Other encodings
(Windows-1252, EUC-KR/CP949, Shift-JIS, ...) are detected with charset-normalizer and used
only when the detection is unambiguous; otherwise the file is refused with the reason, so
the graph never holds mojibake. Images, PDFs, archives and other binary files are refused
by their signature.
"""
from __future__ import annotations

import codecs
import datetime as _dt
import hashlib
import logging
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml

from .errors import ArticleError, InputError
from .model import Article, ArticleMeta

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm")
ARTICLE_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES
SIDECAR_SUFFIXES = (".yaml", ".yml")
META_KEYS = ("title", "publisher", "authors", "published", "url", "kind")
_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_PUBLISHED = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
# characters no article text needs: C0 controls but tab, newline, carriage return and form
# feed; DEL; C1 controls. They become spaces (offsets stay put).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_NOT_SPACE = re.compile(r"\S")  # a search, not str.strip(): no copy of a large text


# ---------------------------------------------------------------------------- bytes -> text

#: File signatures of common binary formats: (prefix, offset, description).
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", 0, "a PNG image"),
    (b"\xff\xd8\xff", 0, "a JPEG image"),
    (b"GIF87a", 0, "a GIF image"),
    (b"GIF89a", 0, "a GIF image"),
    (b"WEBP", 8, "a WebP image"),
    (b"II*\x00", 0, "a TIFF image"),
    (b"MM\x00*", 0, "a TIFF image"),
    (b"%PDF-", 0, "a PDF document"),
    (b"PK\x03\x04", 0, "a ZIP archive (or a Word/Excel/EPUB file)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "an old Microsoft Office document"),
    (b"{\\rtf", 0, "an RTF document"),
    (b"\x1f\x8b", 0, "a gzip archive"),
    (b"BZh", 0, "a bzip2 archive"),
    (b"\xfd7zXZ\x00", 0, "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", 0, "a 7-Zip archive"),
    (b"Rar!\x1a\x07", 0, "a RAR archive"),
    (b"\x7fELF", 0, "a program (ELF)"),
    (b"MZ", 0, "a Windows program"),
    (b"SQLite format 3\x00", 0, "an SQLite database"),
    (b"ID3", 0, "an MP3 file"),
    (b"ftyp", 4, "a video or audio file (MP4)"),
    (b"OggS", 0, "an Ogg audio file"),
    (b"RIFF", 0, "a RIFF media file"),
)
_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: Encodings preferred when detection offers several readings: the usual legacy encodings
#: of English, Korean and Japanese text. cp949 reads EUC-KR, cp932 reads Shift-JIS.
PREFERRED_ENCODINGS = ("cp1252", "cp949", "cp932", "euc_jp")
_DETECT_MARGIN = 0.1  # readings this much messier than the best one are not contenders
_SAMPLE = 65536


def sniff_binary(data: bytes) -> str | None:
    """What a binary file is ("a PDF document"), or None for text."""
    head = data[:_SAMPLE]
    if any(head.startswith(bom) for bom, _ in _BOMS) or _utf16_without_bom(head):
        return None
    for sig, offset, what in _SIGNATURES:
        if head[offset:offset + len(sig)] == sig:
            if sig == b"MZ" and _control_ratio(head) < 0.05:
                continue  # "MZ" can start a text
            return what
    if _control_ratio(head) > 0.05:
        return "binary data"
    return None


_CONTROL_BYTES = bytes((*range(0, 9), 11, *range(14, 27), *range(28, 32)))


def _control_ratio(sample: bytes) -> float:
    """The share of control bytes no text file has (tab, newlines, form feed and escape are text)."""
    if not sample:
        return 0.0
    return (len(sample) - len(sample.translate(None, _CONTROL_BYTES))) / len(sample)


def decode(data: bytes, path: str, *, encoding: str | None = None,
           declared: str | None = None) -> tuple[str, list[str]]:
    """Bytes of a text file as text, and warnings. UTF-8 (or the byte-order mark's UTF-16/32)
    first; then `encoding` when given; then the charset a web page `declared`, when the
    bytes fit it; then charset-normalizer, when it is unambiguous."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(enc), []
            except UnicodeDecodeError as exc:
                raise ArticleError(path, f"not valid {enc.upper()} text despite its byte-order mark "
                                         f"(byte {exc.start + len(bom)})") from None
    utf16 = _utf16_without_bom(data[:_SAMPLE])
    if utf16:
        try:
            return data.decode(utf16), [f"{path}: read as {utf16.upper()} (no byte-order mark)"]
        except UnicodeDecodeError:
            raise ArticleError(path, f"binary data, or {utf16.upper()} text that does not decode") from None
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    if encoding:
        try:
            return data.decode(encoding), []
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}") from None
        except UnicodeDecodeError as exc:
            raise ArticleError(path, f"not UTF-8 and not {encoding} text (byte {exc.start})") from None
    if declared and codecs.lookup(declared).name != "utf-8":
        try:
            return data.decode(declared), []
        except UnicodeDecodeError:
            pass  # the page's declaration is wrong: detect
    # UTF-8 with a few damaged bytes: keep it UTF-8 and mark the damage
    text = data.decode("utf-8", errors="replace")
    bad = len(re.findall("\ufffd+", text)) - data.count(b"\xef\xbf\xbd")  # damaged places
    good = len(text) - len(text.encode("ascii", "ignore")) - text.count("\ufffd")
    if good >= 2 * bad:  # valid multi-byte sequences are rare by chance: this is UTF-8
        return text, [f"{path}: {bad} invalid UTF-8 sequence(s) (the first at byte {first_bad}) "
                      f"replaced with U+FFFD"]
    del text
    enc, why = detect_encoding(data)
    if enc is None:
        raise ArticleError(path, f"not UTF-8 text (byte {first_bad}) and {why}; save it as UTF-8 "
                                 f"or give --encoding")
    try:
        return data.decode(enc), [f"{path}: not UTF-8; read as {enc}"]
    except UnicodeDecodeError as exc:
        raise ArticleError(path, f"not UTF-8 text (byte {first_bad}); it looks like {enc} but byte "
                                 f"{exc.start} is not {enc}; save it as UTF-8 or give --encoding") from None


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def declared_charset(data: bytes) -> str | None:
    """The charset a web page declares in a <meta> tag, if Python knows it."""
    m = _META_CHARSET.search(data[:8192])
    if not m:
        return None
    name = m.group(1).decode("ascii")
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    return name


def detect_encoding(data: bytes) -> tuple[str | None, str]:
    """The encoding of non-UTF-8 text, or (None, why not) when the detection is ambiguous:
    every reading within a small margin of the least messy one must give the same text,
    once the usual encodings of English, Korean and Japanese text are preferred."""
    import charset_normalizer
    from charset_normalizer.md import mess_ratio
    from charset_normalizer.utils import is_multi_byte_encoding

    sample = data
    if len(sample) > 4 * _SAMPLE:  # enough to tell; cut at a line end, not inside a character
        sample = sample[:4 * _SAMPLE]
        sample = sample[:sample.rfind(b"\n") + 1] or sample
    matches = list(charset_normalizer.from_bytes(sample))
    if not matches:
        return None, "its encoding is not one kg can detect"
    best = min(m.chaos for m in matches)
    contenders = {m.encoding: str(m) for m in matches if m.chaos <= best + _DETECT_MARGIN}
    if "cp1252" not in contenders and any(not is_multi_byte_encoding(e) for e in contenders):
        # charset-normalizer names one of the single-byte codecs that read the sample alike
        # (often cp1250 for cp1252); Windows-1252 is the likeliest for English text
        try:
            text = sample.decode("cp1252")
        except UnicodeDecodeError:
            pass
        else:
            if mess_ratio(text) <= best + _DETECT_MARGIN:
                contenders["cp1252"] = text
    preferred = {e: t for e, t in contenders.items() if codecs.lookup(e).name in PREFERRED_ENCODINGS}
    pool = preferred or contenders
    readings: dict[str, str] = {}  # decoded text -> encoding
    for enc in sorted(pool, key=lambda e: (_rank(e), e)):
        readings.setdefault(pool[enc], enc)
    if len(readings) == 1:
        return next(iter(readings.values())), ""
    guesses = " or ".join(list(readings.values())[:3])
    return None, f"its encoding cannot be detected reliably (it could be {guesses})"


def _rank(enc: str) -> int:
    name = codecs.lookup(enc).name
    return PREFERRED_ENCODINGS.index(name) if name in PREFERRED_ENCODINGS else len(PREFERRED_ENCODINGS)


def _utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when NUL bytes fill every other position (Latin text saved
    as UTF-16 without a byte-order mark)."""
    sample = sample[:4096]
    if len(sample) < 16:
        return None
    even, odd = sample[0::2], sample[1::2]
    nul_even, nul_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if nul_odd > 0.4 and nul_even < 0.05:
        return "utf-16-le"
    if nul_even > 0.4 and nul_odd < 0.05:
        return "utf-16-be"
    return None


# ---------------------------------------------------------------------------- metadata

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


def fix_surrogates(value: str) -> str:
    """Join surrogate pairs (YAML's "\\ud83c\\uddf0" escapes) into the characters they
    encode; an unpaired surrogate, which no file can hold, becomes U+FFFD."""
    if not _SURROGATE.search(value):
        return value
    return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def clean_text(value: str) -> str:
    """Text without control characters or unpaired surrogates (they become spaces and U+FFFD)."""
    return fix_surrogates(_CONTROL.sub(" ", value))


def _as_text(value) -> str | None:
    if value is None:
        return None
    text = clean_text(str(value)).strip()
    return text or None


def _is_scalar(value) -> bool:
    return isinstance(value, (str, int, float, bool, _dt.date))


#: libyaml's safe loader when PyYAML was built with it (about 10x faster on front matter);
#: the malformed-YAML path below keeps the pure-Python loader for its error positions
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_mapping(text: str, path: str, where: str, warnings: list[str]) -> dict:
    """A YAML mapping; when the YAML is malformed, the top-level fields that parse on their
    own are kept and each one that does not is reported by name."""
    try:
        loaded = yaml.load(text, Loader=_FAST_LOADER)  # noqa: S506 - a safe loader
    except (yaml.YAMLError, ValueError):  # ValueError: a timestamp like 2025-13-45
        return _salvage(text, path, where, warnings)
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        warnings.append(f"{path}: {where} is not a mapping of fields; metadata ignored")
        return {}
    return loaded


_FIELD_START = re.compile(r"^(?P<key>[^\s#:-][^:]*?)\s*:(?:\s|$)")


def _salvage(text: str, path: str, where: str, warnings: list[str]) -> dict:
    blocks: list[tuple[int, str | None, list[str]]] = []  # (first line, key, lines)
    for n, line in enumerate(text.splitlines(), start=1):
        m = _FIELD_START.match(line)
        if m:
            blocks.append((n, m.group("key").strip().strip("'\""), [line]))
        elif blocks and (not line.strip() or line[:1] in " \t-#"):
            blocks[-1][2].append(line)
        elif line.strip() and not line.lstrip().startswith("#"):
            blocks.append((n, None, [line]))
    out: dict = {}
    for n, key, lines in blocks:
        chunk = "\n".join(lines)
        if key is None:
            warnings.append(f"{path}: {where} line {n} is not a 'field: value' line; ignored")
            continue
        try:
            loaded = yaml.safe_load(chunk)
        except ValueError:
            # a date-shaped value that is no date: check it as the text it is
            loaded = yaml.load(chunk, Loader=yaml.BaseLoader)  # noqa: S506 - BaseLoader builds only str/list/dict
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problem = getattr(exc, "problem", None) or "malformed"
            at = f" (line {n + mark.line})" if mark else f" (line {n})"
            warnings.append(f"{path}: {where} field '{key}' is not valid YAML{at}: {problem}; ignored")
            continue
        if isinstance(loaded, dict):
            out.update(loaded)
    return out


def check_meta(raw: dict, path: str, where: str, warnings: list[str]) -> dict:
    """The valid, known fields of a metadata mapping, normalised; a warning for each other one."""
    out: dict = {}
    unknown = sorted(str(k) for k in raw if k not in META_KEYS)
    if unknown:
        warnings.append(f"{path}: unknown {where} field(s) ignored: {', '.join(unknown)}")
    for key in META_KEYS:
        if key not in raw or raw[key] is None:
            continue
        value = raw[key]
        if key == "published":
            try:
                out[key] = normalize_published(value, path)
            except ArticleError as exc:
                msg = exc.reason.replace("front matter", where, 1)
                warnings.append(f"{path}: {msg}; relative dates stay unresolved")
            continue
        if key == "authors":
            if isinstance(value, str):
                value = [a.strip() for a in re.split(r",|;| and ", value) if a.strip()]
            if not isinstance(value, (list, tuple)) or not all(_is_scalar(a) or a is None for a in value):
                warnings.append(f"{path}: {where} field 'authors' is not a list of names; ignored")
                continue
            names = tuple(t for t in (_as_text(a) for a in value) if t)
            if names:
                out[key] = names
            continue
        if not _is_scalar(value):
            warnings.append(f"{path}: {where} field '{key}' is not text; ignored")
            continue
        text = _as_text(value)
        if text is None:
            continue
        if key == "url" and not _URL.match(text):
            warnings.append(f"{path}: {where} field 'url': {text!r} is not a URL; ignored")
            continue
        out[key] = text
    return out


# ---------------------------------------------------------------------------- articles

def parse_article(text: str, path: str, *, name: str | None = None, html: bool = False,
                  sidecar: tuple[str, str] | None = None, warnings: Iterable[str] = ()) -> Article:
    """Parse an article's text (front matter + body, or an HTML page). `path` is used in
    messages; `sidecar` is (its path, its text); `warnings` are carried into the Article."""
    warnings = list(warnings)
    text = fix_surrogates(text)
    body = text.lstrip("\ufeff")
    fm: dict = {}
    m = _FRONT.match(text)
    if m:
        fm = check_meta(load_mapping(m.group(1), path, "front matter", warnings), path, "front matter", warnings)
        body = text[m.end():]
    sc: dict = {}
    if sidecar is not None:
        sc_path, sc_text = sidecar
        sc_text = _FRONT.sub(lambda mm: mm.group(1) + "\n", sc_text) if _FRONT.match(sc_text) else sc_text
        sc = check_meta(load_mapping(sc_text, sc_path, "sidecar", warnings), sc_path, "sidecar", warnings)
    page: dict = {}
    if html:
        from .html import page_text
        got = page_text(body, path)
        body = got.text
        page = check_meta(got.meta, path, "page", warnings)
    meta = {**page, **sc, **fm}
    published_warned = any("'published'" in w for w in warnings)
    if "published" not in meta and not published_warned:
        if html:
            warnings.append(f"{path}: no publication date in the page, front matter or sidecar; "
                            f"relative dates stay unresolved")
        elif not m and sidecar is None:
            warnings.append(f"{path}: no front matter; relative dates stay unresolved")
        else:
            warnings.append(f"{path}: front matter has no 'published' date; relative dates stay unresolved")
    article_meta = ArticleMeta(
        title=meta.get("title"), publisher=meta.get("publisher"), authors=meta.get("authors", ()),
        published=meta.get("published"), url=meta.get("url"), kind=meta.get("kind"))
    if _CONTROL.search(body):
        body = _CONTROL.sub(" ", body)
    if not _NOT_SPACE.search(body):
        raise ArticleError(path, "the article has no text" + (" (only front matter)" if m else ""))
    stem = Path(name or path)
    return Article(
        id=article_id(stem),
        path=str(path),
        body=body,
        meta=article_meta,
        sha256=text_sha256(text),
        warnings=tuple(warnings),
    )


def text_sha256(text: str, *, block: int = 1 << 20) -> str:
    """SHA-256 of the text as UTF-8, encoded a block at a time (no second copy of a large file)."""
    h = hashlib.sha256()
    for i in range(0, len(text), block):
        h.update(text[i:i + block].encode("utf-8"))
    return h.hexdigest()


def display_path(path) -> str:
    """A path as text that can be printed and stored: bytes of a file name that are not
    UTF-8 are shown as \\xNN."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def find_sidecar(path: Path) -> Path | None:
    """`NAME.EXT.yaml`, `NAME.yaml` (or .yml) beside the article, if there is one."""
    for base in (path.name, path.stem):
        for suffix in SIDECAR_SUFFIXES:
            candidate = path.with_name(base + suffix)
            if candidate != path and candidate.is_file():
                return candidate
    return None


def read_article(path: Path, *, encoding: str | None = None) -> Article:
    """Read one article file (text, Markdown or HTML, with its sidecar); raises ArticleError
    with the reason when it cannot be used."""
    path = Path(path)
    shown = display_path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleError(shown, f"cannot read: {exc.strerror or exc}") from None
    if not data:
        raise ArticleError(shown, "the file is empty")
    what = sniff_binary(data)
    if what:
        raise ArticleError(shown, f"{what}, not text")
    html = path.suffix.lower() in HTML_SUFFIXES
    text, warnings = decode(data, shown, encoding=encoding, declared=declared_charset(data) if html else None)
    del data
    if not _NOT_SPACE.search(text):
        raise ArticleError(shown, "the file holds only whitespace")
    sidecar = None
    side = find_sidecar(path)
    if side is not None:
        try:
            side_text, side_warnings = decode(side.read_bytes(), display_path(side), encoding=encoding)
        except OSError as exc:
            warnings.append(f"{display_path(side)}: cannot read the sidecar: {exc.strerror or exc}; ignored")
        except ArticleError as exc:
            warnings.append(f"{exc.path}: sidecar ignored: {exc.reason}")
        else:
            warnings.extend(side_warnings)
            sidecar = (display_path(side), side_text)
    return parse_article(text, shown, html=html, sidecar=sidecar, warnings=warnings)


def find_articles(paths: Iterable[Path]) -> Iterator[Path]:
    """Article files under the given files and folders, in a stable order."""
    for p in paths:
        p = Path(p)
        if p.is_dir():
            yield from sorted(
                (f for f in p.rglob("*") if f.suffix.lower() in ARTICLE_SUFFIXES and f.is_file()
                 and not any(part.startswith(".") for part in f.relative_to(p).parts)),
                key=lambda f: f.as_posix(),
            )
        elif p.is_file():
            yield p
        else:
            raise InputError(f"{display_path(p)}: no such file or folder")
