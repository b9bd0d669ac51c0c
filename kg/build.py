"""The whole build, as one library call:

    result = kg.build(["articles/"], out="build")

reads every article, extracts (reusing cached extractions of unchanged articles), resolves,
maps to RDF, reasons, validates and writes `out/graph.ttl`, `out/inferred.ttl`,
`out/validation.txt` and any other formats asked for.

- One unreadable article is reported and skipped; the build goes on. The same content
  under two names is read once, and noted.
- The outputs are written into a temporary sibling of `out` and swapped in at the end
  (kg.outdir), so a build that fails or is killed leaves the previous `out` as it was, and
  the files in `out` always come from one build. A lock (kg.lock) keeps two builds from
  writing one folder at once.
- Progress goes to `on_progress` (a Progress for each article, each part of a very large
  article, and each later stage); nothing here prints.
- Memory: articles are read one at a time; a body longer than WHOLE_LIMIT characters is
  extracted in parts of at most PART_CHARS characters cut at paragraph breaks, so the
  extraction's working memory does not grow with the file.
"""
from __future__ import annotations

import codecs
import gc
import logging
import os
import re
import signal
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from rdflib import Graph

from . import formats as fmt
from .articles import display_path, find_articles, read_article
from .cache import ExtractionCache
from .atomic import write_atomic
from .errors import ArticleError, InputError, KgError, OutputError
from .extract import extract
from .lock import output_lock
from .model import Article, Extraction, Resolved, Span
from .outdir import Staging
from .rdf import to_graph
from .reason import DEFAULT_ENGINE, ReasonResult, reason
from .reference import ReferenceKB
from .reference import load as load_reference
from .resolve import resolve
from .summary import summarize
from .validate import ValidationReport, validate

log = logging.getLogger(__name__)

WHOLE_LIMIT = 100_000  # characters: longer bodies are extracted in parts
PART_CHARS = 50_000
CACHE_DIR = Path(".cache") / "extract"
_HAS_LATIN = re.compile(r"[A-Za-z]")  # the cleaner blanks every line without a Latin letter


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a build is. `stage` is "extract" (with `done` of `total` files, `path`, and
    `part` of `parts` inside a very large article), then "resolve", "map", "reason",
    "validate" and "write"."""

    stage: str
    done: int = 0
    total: int = 0
    path: str | None = None
    part: int = 0
    parts: int = 0
    cached: bool = False


@dataclass
class BuildResult:
    out: Path
    articles: int = 0
    skipped: list[str] = field(default_factory=list)  # "path: reason"
    duplicates: list[str] = field(default_factory=list)  # "path: same content as other"
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    triples: int = 0
    outputs: list[Path] = field(default_factory=list)
    cache_hits: int = 0
    cache_misses: int = 0
    graph: Graph | None = None
    resolved: Resolved | None = None
    reasoning: ReasonResult | None = None
    validation: ValidationReport | None = None


# ---------------------------------------------------------------------------- large bodies

def split_body(body: str, size: int = PART_CHARS) -> list[tuple[int, int]]:
    """(start, end) of parts of at most `size` characters, cut at a paragraph break, else a
    line break, else a sentence end, else a space, in the second half of each part."""
    parts = []
    start, n = 0, len(body)
    while n - start > size:
        window_start, window_end = start + size // 2, start + size
        cut = -1
        for sep in ("\n\n", "\n", ". ", " "):
            i = body.rfind(sep, window_start, window_end)
            if i != -1:
                cut = i + len(sep)
                break
        if cut == -1:
            cut = window_end
        parts.append((start, cut))
        start = cut
    parts.append((start, n))
    return parts


def _shift_span(s: Span, offset: int, first_sentence: int) -> Span:
    return Span(s.article, s.sentence + first_sentence, s.start + offset, s.end + offset)


def _shift(x: Extraction, offset: int, first_sentence: int) -> Extraction:
    def spans(items):
        return tuple(replace(i, spans=tuple(_shift_span(s, offset, first_sentence) for s in i.spans)) for i in items)
    return replace(
        x,
        sentences=tuple(replace(s, index=s.index + first_sentence, start=s.start + offset, end=s.end + offset)
                        for s in x.sentences),
        mentions=tuple(replace(m, span=_shift_span(m.span, offset, first_sentence)) for m in x.mentions),
        events=spans(x.events), agreements=spans(x.agreements), disputes=spans(x.disputes))


def extract_article(article: Article, kb: ReferenceKB, *,
                    on_part: Callable[[int, int], None] | None = None) -> Extraction:
    """One article's extraction; a very long body is extracted part by part, each part's
    offsets and sentence numbers shifted to index the whole body. Events, agreements and
    disputes of one thing found in several parts are merged by resolution, as across
    articles."""
    if len(article.body) <= WHOLE_LIMIT:
        return extract(article, kb=kb)
    parts = split_body(article.body)
    found: list[Extraction] = []
    next_sentence = 0
    for j, (start, end) in enumerate(parts):
        if on_part:
            on_part(j + 1, len(parts))
        text = article.body[start:end]
        if not _HAS_LATIN.search(text):
            continue  # the cleaner would blank it all: nothing to find
        x = extract(replace(article, body=text, warnings=()), kb=kb)
        if x.sentences:
            found.append(_shift(x, start, next_sentence))
            next_sentence += max(s.index for s in x.sentences) + 1
    if not found:
        return Extraction(article=article, sentences=(), mentions=(), events=(), agreements=(), disputes=(),
                          warnings=article.warnings)
    first = found[0]
    return Extraction(
        article=article,
        sentences=tuple(s for x in found for s in x.sentences),
        mentions=tuple(m for x in found for m in x.mentions),
        events=tuple(e for x in found for e in x.events),
        agreements=tuple(a for x in found for a in x.agreements),
        disputes=tuple(d for x in found for d in x.disputes),
        authors=first.authors, publisher=first.publisher, names=first.names,
        warnings=article.warnings)


# ---------------------------------------------------------------------------- reading

@dataclass(frozen=True, slots=True)
class _Outcome:
    """One file read and extracted (in this process or a worker): an extraction, or why not."""

    path: str
    article: Article | None = None
    extraction: Extraction | None = None
    cached: bool = False
    skipped: str | None = None  # the reason, when the file was skipped


_WORKER: dict = {}  # per worker process: the reference knowledge and the cache


def _die_with(parent: int) -> None:
    """A worker ends when the build that started it ends, however that ends (a killed
    build must not leave workers behind)."""
    from . import lock
    lock.close_inherited()
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # pragma: no cover - no prctl
            pass
    if os.getppid() != parent:  # the build died before the line above
        os._exit(1)


def _worker_init(encoding: str | None, old: Path | None, new: Path | None, log_queue, level: int,
                 parent: int) -> None:
    _die_with(parent)
    # a worker's log records go to the building process, which handles them as its own
    from logging.handlers import QueueHandler
    root = logging.getLogger()
    root.handlers[:] = [QueueHandler(log_queue)]
    root.setLevel(level)
    _WORKER["kb"] = load_reference()
    _WORKER["encoding"] = encoding
    _WORKER["cache"] = ExtractionCache(old, new) if new is not None else None


def _worker_one(path: Path) -> _Outcome:
    return _read_extract(path, _WORKER["kb"], _WORKER["cache"], _WORKER["encoding"])


def _read_extract(path: Path, kb: ReferenceKB, cache: ExtractionCache | None, encoding: str | None,
                  on_part: Callable[[int, int], None] | None = None) -> _Outcome:
    f = display_path(path)
    try:
        article = read_article(path, encoding=encoding)
    except ArticleError as exc:
        return _Outcome(f, skipped=f"{exc.path}: {exc.reason}")
    x = cache.get(article) if cache is not None else None
    cached = x is not None
    if x is None:
        try:
            x = extract_article(article, kb, on_part=on_part)
        except KgError:
            raise
        except Exception as exc:  # a bug in a rule must not cost the other articles
            log.debug("extraction failed on %s", f, exc_info=True)
            reason = f"kg could not extract from it ({type(exc).__name__}: {str(exc)[:120]}); please report this"
            return _Outcome(f, article=article, skipped=f"{f}: {reason}")
        if cache is not None:
            cache.put(article, x)
    # what later stages need of the text is the sentences that spans point into: keep
    # those, drop the body and every other sentence, so memory grows with what was found,
    # not with the corpus (and less travels back from a worker)
    used = {m.span.sentence for m in x.mentions}
    used.update(sp.sentence for rec in (*x.events, *x.agreements, *x.disputes) for sp in rec.spans)
    slim = replace(article, body="")
    x = replace(x, article=slim, sentences=tuple(s for s in x.sentences if s.index in used))
    return _Outcome(f, article=slim, extraction=x, cached=cached)


def _checked(outcomes: Iterable[_Outcome]) -> Iterable[_Outcome]:
    """The outcomes; a worker process that died (killed, out of memory) is an OutputError."""
    from concurrent.futures.process import BrokenProcessPool
    try:
        yield from outcomes
    except BrokenProcessPool:
        raise OutputError("an extraction worker process died (out of memory, or killed); "
                          "nothing was written; try again with fewer workers (-j 1)") from None


class _Relay(logging.Handler):
    """Hands a worker's log record to the logger of the same name here."""

    def emit(self, record: logging.LogRecord) -> None:
        logger = logging.getLogger(record.name)
        if logger.isEnabledFor(record.levelno):
            logger.handle(record)


#: Below this many files a build extracts in its own process: starting workers costs more.
PARALLEL_MIN_FILES = 8


def extract_all(paths: Iterable[Path], *, result: BuildResult, cache: ExtractionCache | None = None,
                on_progress: Callable[[Progress], None] | None = None,
                on_article: Callable[[str], None] | None = None, encoding: str | None = None,
                kb: ReferenceKB | None = None, jobs: int = 1) -> list[Extraction]:
    """Read and extract every article; skipped files, duplicates and warnings go to `result`.

    With `jobs` > 1, files are read and extracted by that many worker processes; results
    are taken in file order, so the output does not depend on `jobs` or on timing."""
    kb = kb or load_reference()
    paths = list(paths)
    files = list(find_articles(paths))
    if not files:
        raise InputError("no article files (.txt, .md, .html) found in " + ", ".join(display_path(p) for p in paths))
    extractions: list[Extraction] = []
    seen: dict[tuple, str] = {}  # (content hash, metadata) -> first path
    ids: dict[str, str] = {}  # article id -> path
    total = len(files)
    jobs = max(1, min(jobs, total)) if total >= PARALLEL_MIN_FILES else 1
    pool = None
    if jobs > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from logging.handlers import QueueListener
        # fork where there is one: workers start at once, sharing the reference data already
        # loaded, and work from any caller (spawn needs an importable __main__)
        ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
        log_queue = ctx.Queue()
        listener = QueueListener(log_queue, _Relay())
        pool = ProcessPoolExecutor(
            jobs, mp_context=ctx, initializer=_worker_init,
            initargs=(encoding, cache.old if cache is not None else None, cache.new if cache is not None else None,
                      log_queue, min(logging.getLogger().getEffectiveLevel(),
                                     logging.getLogger("kg").getEffectiveLevel()), os.getpid()))
        outcomes: Iterable[_Outcome] = pool.map(_worker_one, files, chunksize=max(1, min(16, total // (jobs * 8))))
        listener.start()  # (after the workers are forked: no thread of ours is copied into them)
    else:
        def serial() -> Iterable[_Outcome]:
            for i, path in enumerate(files, start=1):
                f = display_path(path)

                def on_part(j: int, n: int, _f=f, _i=i) -> None:
                    if on_progress:
                        on_progress(Progress("extract", _i - 1, total, _f, part=j, parts=n))
                yield _read_extract(path, kb, cache, encoding, on_part)
        outcomes = serial()
    try:
        for i, got in enumerate(_checked(outcomes), start=1):
            f = got.path
            if on_article:
                on_article(f)
            if on_progress:
                on_progress(Progress("extract", i - 1, total, f, cached=got.cached))
            article = got.article
            if article is not None and cache is not None and pool is not None:
                # a worker's cache counted there; count here (this process's cache counts itself)
                if got.cached:
                    cache.hits += 1
                else:
                    cache.misses += 1
            if article is not None:
                dup_key = (article.sha256, article.meta)
                if dup_key in seen:
                    result.duplicates.append(f"{f}: same content as {seen[dup_key]}; read once")
                    continue
            if got.skipped is not None:
                result.skipped.append(got.skipped)
                log.info("skipped %s", got.skipped)
                continue
            assert article is not None and got.extraction is not None
            seen[dup_key] = f
            if article.id in ids:
                raise InputError(f"{f} and {ids[article.id]} share the article id {article.id!r} "
                                 f"(the file name without its extension); rename one")
            ids[article.id] = f
            result.warnings.extend(got.extraction.warnings)
            extractions.append(got.extraction)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
            listener.stop()
    if on_progress:
        on_progress(Progress("extract", total, total))
    return extractions


# ---------------------------------------------------------------------------- the build

def build(paths: Iterable[str | Path] = ("seeds",), *, out: str | Path = "build",
          on_article: Callable[[str], None] | None = None, on_progress: Callable[[Progress], None] | None = None,
          reasoning: bool = True, reasoner: str = DEFAULT_ENGINE, validation: bool = True, union: bool = False,
          formats: Iterable[str] = ("turtle",), cache: bool = True, encoding: str | None = None,
          html: bool = False, jobs: int = 1) -> BuildResult:
    """Build the knowledge graph of the articles under `paths` into the folder `out`:
    `graph.ttl` (asserted), `inferred.ttl` (the OWL 2 RL closure's new triples, unless
    `reasoning` is off) and `validation.txt` (the SHACL report, unless `validation` is off);
    with `union`, also `union.ttl`, the asserted and inferred triples together; for each of
    `formats` beyond turtle ("nt", "trig", "jsonld"), the graph in that format.
    `cache=False` extracts every article afresh (the new cache is still written); `html`
    also draws `graph.html` (kg.viz) and `timeline.html` (kg.timeline); the command line does
    so unless told `--no-html`. `jobs` > 1 extracts in that many processes (same output)."""
    paths = [Path(p) for p in paths]
    out = Path(out)
    formats = list(dict.fromkeys(["turtle", *formats]))
    for f in formats:
        if f not in fmt.FORMATS:
            raise InputError(f"unknown format {f!r}; choose from {', '.join(fmt.FORMATS)}")
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r} (try cp1252, cp949, shift_jis)") from None
    _check_out(out)
    result = BuildResult(out=out)

    def stage(name: str) -> None:
        if on_progress:
            on_progress(Progress(name))

    with output_lock(out), Staging(out) as staging, _settled_heap() as settle:
        old_cache = staging.previous / CACHE_DIR if cache and staging.previous is not None else None
        ext_cache = ExtractionCache(old_cache, staging.path / CACHE_DIR)
        extractions = extract_all(paths, result=result, cache=ext_cache, on_progress=on_progress,
                                  on_article=on_article, encoding=encoding, jobs=jobs)
        result.cache_hits, result.cache_misses = ext_cache.hits, ext_cache.misses
        result.articles = len(extractions)
        if not extractions:
            raise InputError("no article could be read: " + "; ".join(result.skipped[:5])
                             + (f"; and {len(result.skipped) - 5} more" if len(result.skipped) > 5 else ""))
        stage("resolve")
        resolved = resolve(extractions)
        del extractions
        stage("map")
        graph = to_graph(resolved)
        settle()
        result.graph = graph
        result.resolved = resolved
        result.triples = len(graph)
        kinds = Counter(e.kind for e in resolved.entities)
        result.counts = {
            "persons": kinds.get("person", 0), "countries": kinds.get("country", 0),
            "organizations": kinds.get("organization", 0), "places": kinds.get("place", 0),
            "events": len(resolved.events), "agreements": len(resolved.agreements),
            "disputes": len(resolved.disputes),
        }
        if reasoning:
            stage("reason")
            result.reasoning = reason(graph, engine=reasoner)
            settle()
        reasoned = result.reasoning

        def put(name: str, data: bytes) -> None:
            write_atomic(staging.path / name, data)

        def derived() -> None:
            """The outputs made from the graph and the reasoning alone: with jobs > 1, made
            by a second process while this one validates (the same bytes either way)."""
            if reasoned is not None:
                put("inferred.ttl", fmt.turtle(reasoned.triples))
            # the aggregates the packaged queries read (kg/summary.py), of what they query
            put("summary.ttl", fmt.turtle(summarize([graph] if reasoned is None else [graph, reasoned.triples])))
            if html:
                from .timeline import write_timeline
                from .viz import write_html
                write_html(graph, staging.path / "graph.html", inferred=reasoned.triples if reasoned else None)
                write_timeline(graph, staging.path / "timeline.html")

        side = background(derived) if jobs > 1 else None
        if side is None and jobs > 1:
            log.debug("no fork here: the derived outputs are written after validation")
        try:
            ttl = None
            if validation:
                stage("validate")
                # graph.ttl, written below; the validator's store is loaded from it (a few seconds
                # at a million triples, against three times that to convert the graph's terms)
                ttl = fmt.serialize(graph, "turtle")
                result.validation = validate(graph, store=fmt.store_of(ttl))
            stage("write")
            names: list[str] = []
            for f in formats:
                names.append(fmt.FORMATS[f])
                put(fmt.FORMATS[f], ttl if f == "turtle" and ttl is not None else fmt.serialize(graph, f))
                if f == "jsonld":
                    names.append(fmt.CONTEXT_FILE)
                    put(fmt.CONTEXT_FILE, fmt.context_bytes())
            if reasoned is not None:
                names.append("inferred.ttl")
                if union:
                    both = Graph()
                    for t in graph:
                        both.add(t)
                    for t in reasoned.triples:
                        both.add(t)
                    for prefix, ns in graph.namespaces():
                        both.bind(prefix, ns)
                    names.append("union.ttl")
                    put("union.ttl", fmt.turtle(both))
            names.append("summary.ttl")
            if result.validation is not None:
                names.append("validation.txt")
                put("validation.txt", result.validation.text().encode("utf-8"))
            if html:
                names += ["graph.html", "timeline.html"]
            if side is not None:
                side.join()
            else:
                derived()
        except BaseException:
            if side is not None:
                side.cancel()
            raise
        staging.publish()
    result.outputs = [out / n for n in names]
    return result


@contextmanager
def _settled_heap():
    """A `settle()` that moves every object alive so far (the graph, the reasoner's
    triples) out of the cyclic garbage collector's sight until the block ends (gc.freeze):
    they live until the build ends, and each full collection would walk all of them again,
    seconds apiece at a million triples, while later stages allocate millions more. It also
    keeps a forked process from copying pages just to mark them. Undone at the end."""
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()


class _Background:
    """A function run in a forked copy of this process (the graph is shared, not sent):
    `join` waits for it and raises its error here; `cancel` stops it."""

    def __init__(self, fn: Callable[[], None]):
        import multiprocessing
        ctx = multiprocessing.get_context("fork")
        self._recv, send = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_background_main, args=(fn, send, os.getpid()), daemon=True)
        self._proc.start()
        send.close()
        self._done = False

    def join(self) -> None:
        try:
            outcome = self._recv.recv()
        except EOFError:  # it died without a word (killed, out of memory)
            outcome = ("OutputError", "the process writing inferred.ttl, summary.ttl and graph.html died "
                                      "(out of memory, or killed); nothing was written; try again with -j 1")
        self._finish()
        if outcome is not None:
            kind, message = outcome
            raise (OutputError if kind == "OutputError" else KgError)(message)

    def cancel(self) -> None:
        if not self._done:
            self._proc.kill()
            self._finish()

    def _finish(self) -> None:
        self._proc.join()
        self._recv.close()
        self._done = True


def _background_main(fn: Callable[[], None], send, parent: int) -> None:
    _die_with(parent)
    try:
        fn()
        outcome = None
    except OutputError as exc:
        outcome = ("OutputError", str(exc))
    except KgError as exc:
        outcome = ("KgError", str(exc))
    except OSError as exc:
        outcome = ("OutputError", f"{exc.filename or 'an output file'}: cannot write it: {exc.strerror or exc}; "
                                  f"nothing was written")
    except BaseException as exc:  # a bug: say what, in the building process
        log.debug("writing the derived outputs failed", exc_info=True)
        outcome = ("KgError", f"writing the derived outputs failed ({type(exc).__name__}: {str(exc)[:200]}); "
                              f"please report this")
    send.send(outcome)
    send.close()
    os._exit(0)  # not the parent's atexit handlers and finalizers


def background(fn: Callable[[], None]) -> _Background | None:
    """`fn` running in a forked process, or None where there is no fork (the caller then
    runs it itself)."""
    import multiprocessing
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    return _Background(fn)


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is not a folder")
    real = Path(os.path.realpath(out))
    cwd = Path(os.getcwd()).resolve()
    if real == cwd or real in cwd.parents or real == Path(real.anchor):
        raise InputError(f"{out}: the output folder is replaced as a whole by each build; "
                         f"give a folder of its own (not the current folder or one above it)")

