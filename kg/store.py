"""Stores beyond the in-memory graph: an on-disk Oxigraph store, and any SPARQL 1.1
server (queried over the SPARQL protocol, loaded with the Graph Store HTTP Protocol).

    write_store([Path("build/graph.ttl"), Path("build/inferred.ttl")], "oxigraph:build/store")
    source = open_store("oxigraph:build/store")          # a kg.query.Source
    push([Path("build/graph.ttl")], "http://127.0.0.1:7878/store", graph_iri=None)
    source = EndpointSource("http://127.0.0.1:7878/query")

The store is written into a new folder beside the target and renamed into place, so a
failed write leaves the old store as it was.

A push checks the files, then streams them in batches of N-Triples (100,000 triples by
default): the first batch is a PUT, which replaces the target graph, the rest are POSTs,
which append to it. A blank node never spans two batches (the server reads each request
as a document of its own). When a push fails the error says whether nothing was loaded,
or the graph holds a partial copy that a new push replaces. Connection failures,
time-outs and 429/502/503/504 answers are retried with exponential back-off (PUT and
queries are idempotent, and so is appending triples without blank nodes); other refusals
are reported at once with the server's own message.
"""
from __future__ import annotations

import gc
import http.client
import json
import logging
import os
import queue
import re
import shutil
import socket
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from .errors import InputError, QueryError, StoreError
from .query import (Result, Source, from_json, map_back, query_form, rdflib_syntax_error, syntax_error,
                    with_values)

log = logging.getLogger(__name__)

SCHEME = "oxigraph:"
OX_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS,
              ".trig": ox.RdfFormat.TRIG, ".rdf": ox.RdfFormat.RDF_XML, ".owl": ox.RdfFormat.RDF_XML,
              ".xml": ox.RdfFormat.RDF_XML, ".jsonld": ox.RdfFormat.JSON_LD, ".n3": ox.RdfFormat.N3}
_POSITION = re.compile(r"(?:error at |line )(\d+)[:, ]+(?:column )?(\d+)")
RETRY_STATUS = {429, 502, 503, 504}
USER_AGENT = "kg (knowledge graph of South Korea-Japan relations)"


# --------------------------------------------------------------------------- Oxigraph on disk

def store_dir(target: str) -> Path:
    """The folder of an `oxigraph:DIR` target."""
    if not target.startswith(SCHEME) or not target[len(SCHEME):].strip():
        raise InputError(f"unknown store {target!r}: write oxigraph:DIR")
    return Path(target[len(SCHEME):].strip())


def is_store(d: Path) -> bool:
    return (d / "CURRENT").is_file() and (d / "IDENTITY").is_file()


def _ox_format(path: Path):
    fmt = OX_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: unknown RDF file type (use .ttl, .nt, .nq, .trig, .rdf or .jsonld)")
    return fmt


def _check_files(graph_files: Sequence[str | Path]) -> list[Path]:
    files = [Path(f) for f in graph_files]
    if not files:
        raise InputError("no graph files given")
    for f in files:
        if not f.is_file():
            raise InputError(f"{f}: no such graph file")
        _ox_format(f)
    return files


def _syntax(exc: Exception) -> str:
    return str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__


def _select_text(text: str, bindings: Mapping[str, object], label: str):
    """The query with its parameters bound, once it is known to be a SELECT or an ASK."""
    form = query_form(text)
    if form not in ("SELECT", "ASK"):
        raise QueryError(f"kg query runs SELECT and ASK queries; this is a {form or 'no query'}", source=label)
    return with_values(text, bindings)


@dataclass
class StoreInfo:
    path: Path
    triples: int
    files: list[Path]


def write_store(graph_files: list[Path], target: str) -> StoreInfo:
    """Write the graph files into the on-disk Oxigraph store `oxigraph:DIR`, replacing what
    it held. The new store is built in a sibling folder and renamed into place."""
    d = store_dir(target)
    files = _check_files(graph_files)
    if d.exists() and not d.is_dir():
        raise InputError(f"{d}: exists and is not a folder")
    if d.is_dir() and any(d.iterdir()) and not is_store(d):
        raise InputError(f"{d}: not an Oxigraph store and not empty; refusing to replace it")
    d.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{d.name}.", suffix=".new", dir=d.parent))
    try:
        store = ox.Store(str(tmp))
        for f in files:
            try:
                store.bulk_load(path=str(f), format=_ox_format(f))
            except SyntaxError as exc:
                raise InputError(f"{f}: not valid RDF: {_syntax(exc)}") from None
        store.flush()
        triples = len(store)
        del store
        gc.collect()  # close the RocksDB handle before the rename
        old = None
        if d.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{d.name}.", suffix=".old", dir=d.parent))
            os.rmdir(old)
            os.rename(d, old)
        try:
            os.rename(tmp, d)
        except OSError:
            if old is not None:
                os.rename(old, d)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise StoreError(f"{d}: cannot write the Oxigraph store: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    log.info("wrote %d triples from %d file(s) to %s", triples, len(files), d)
    return StoreInfo(d, triples, files)


_DATATYPES: dict = {}  # rdflib datatype IRI -> its pyoxigraph NamedNode


def to_oxigraph(t, memo: dict | None = None):
    """An rdflib term as a pyoxigraph term. `memo` (a dict kept by the caller across
    calls) saves rebuilding terms that recur."""
    o = memo.get(t) if memo is not None else None
    if o is not None:
        return o
    kind = type(t)
    if kind is URIRef or (kind is not Literal and kind is not BNode and isinstance(t, URIRef)):
        o = ox.NamedNode(str(t))
    elif kind is BNode or isinstance(t, BNode):
        o = ox.BlankNode(str(t))
    elif isinstance(t, Literal):
        lang, dt = t.language, t.datatype
        if lang:
            o = ox.Literal(str(t), language=lang)
        elif dt is not None:
            d = _DATATYPES.get(dt)
            if d is None:
                d = _DATATYPES[dt] = ox.NamedNode(str(dt))
            o = ox.Literal(str(t), datatype=d)
        else:
            o = ox.Literal(str(t))
    else:
        raise TypeError(f"not an RDF term: {t!r}")
    if memo is not None:
        memo[t] = o
    return o


class Converter:
    """Converts many rdflib terms to pyoxigraph terms, each distinct term object once: the
    memo is keyed by the object's id (an int hashes and compares in C; an rdflib term's
    equality is Python code, and a million-triple graph asks it millions of times). Keep
    the terms alive while the converter is used: ids are reused once an object is gone."""

    __slots__ = ("_by_id", "_by_value")

    def __init__(self) -> None:
        self._by_id: dict[int, object] = {}
        self._by_value: dict = {}

    def __call__(self, t):
        o = self._by_id.get(id(t))
        if o is None:
            o = self._by_id[id(t)] = to_oxigraph(t, self._by_value)
        return o


def to_rdflib(t):
    """A pyoxigraph term as an rdflib term (xsd:string literals become plain literals)."""
    if t is None:
        return None
    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    if isinstance(t, ox.Literal):
        if t.language:
            return Literal(t.value, lang=t.language)
        dt = t.datatype.value
        return Literal(t.value) if dt == str(XSD.string) else Literal(t.value, datatype=URIRef(dt))
    return Literal(str(t))


def _query_error(exc: Exception, text: str, full: str, inserts: list, label: str) -> QueryError:
    """Where the query breaks. Oxigraph names the end of the line it gave up on; rdflib's
    parser names the start of the construct that failed, so its position is used when it
    too rejects the query."""
    better = rdflib_syntax_error(text, label)
    if better is not None and better.line is not None:
        return better
    msg = str(exc) or type(exc).__name__
    m = _POSITION.search(msg)
    if m:
        line, col = map_back(text, full, int(m.group(1)), int(m.group(2)), inserts)
        return syntax_error(text, line, col, _POSITION.sub("", msg, count=1).strip(" :"), label)
    return syntax_error(text, None, None, msg, label)


class OxigraphSource(Source):
    """An on-disk Oxigraph store, opened read-only (a server may hold it open too)."""

    name = "oxigraph"

    def __init__(self, path: str | Path, store=None):
        self.path = Path(path)
        self.store = store if store is not None else ox.Store.read_only(str(self.path))

    def select(self, text: str, bindings: Mapping[str, object], *, label: str = "query") -> Result:
        full, inserts = _select_text(text, bindings, label)
        try:
            res = self.store.query(full)
            if isinstance(res, ox.QueryBoolean):
                return Result(boolean=bool(res))
            names = [v.value for v in res.variables]
            rows = [tuple(to_rdflib(sol[v]) for v in names) for sol in res]
        except SyntaxError as exc:
            raise _query_error(exc, text, full, inserts, label) from None
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot read the store: {exc}") from None
        except (RuntimeError, ValueError) as exc:
            raise QueryError(f"cannot run: {exc}", source=label) from None
        return Result(vars=names, rows=rows)

    def close(self) -> None:
        self.store = None


def open_store(target: str) -> OxigraphSource:
    """The on-disk store `oxigraph:DIR` as a query source."""
    d = store_dir(target)
    if not d.is_dir() or not is_store(d):
        raise InputError(f"{d}: no Oxigraph store there; write one with "
                         f"`kg build --store {SCHEME}{d}`")
    try:
        return OxigraphSource(d)
    except OSError as exc:
        raise StoreError(f"{d}: cannot open the Oxigraph store: {exc}") from None


# --------------------------------------------------------------------------- HTTP

@dataclass
class Retry:
    """How often and how patiently to try a server."""

    attempts: int = 4
    backoff: float = 0.5      # seconds before the 2nd try; doubles each time
    max_wait: float = 8.0     # cap on one wait, also on a server's Retry-After
    timeout: float = 60.0     # seconds for connecting and for each read


@dataclass
class _Failure:
    message: str
    sent: bool                # the request may have reached the server
    retry: bool
    status: int | None = None
    wait: float | None = None


def _check_url(url: str) -> str:
    u = urllib.parse.urlsplit(url)
    if u.scheme not in ("http", "https") or not u.netloc:
        raise InputError(f"not an http(s) URL: {url!r}")
    return url


def _server_message(body: bytes) -> str:
    text = body.decode("utf-8", "replace").strip()
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    first = re.sub(r"<[^>]+>", " ", first).strip()
    return first[:300]


def _attempt(req: urllib.request.Request, timeout: float) -> tuple[int, bytes, dict] | _Failure:
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read(), dict(resp.headers)
    except urllib.error.HTTPError as exc:
        body = exc.read() if exc.fp else b""
        wait = None
        ra = exc.headers.get("Retry-After") if exc.headers else None
        if ra and ra.strip().isdigit():
            wait = float(ra.strip())
        msg = f"HTTP {exc.code} {exc.reason}"
        detail = _server_message(body)
        if detail:
            msg += f": {detail}"
        # a 4xx or 503 answer refuses the request as a whole; after another 5xx (a server
        # error, or a gateway that lost its upstream) the state is unknown
        return _Failure(msg, sent=exc.code >= 500 and exc.code != 503, retry=exc.code in RETRY_STATUS,
                        status=exc.code, wait=wait)
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, ConnectionRefusedError):
            return _Failure("connection refused (is the server running?)", sent=False, retry=True)
        if isinstance(reason, socket.gaierror):
            return _Failure(f"unknown host ({reason.strerror or reason})", sent=False, retry=False)
        if isinstance(reason, (TimeoutError, socket.timeout)):
            return _Failure(f"no answer within {timeout:g}s", sent=True, retry=True)
        return _Failure(f"cannot connect: {reason}", sent=False, retry=True)
    except (TimeoutError, socket.timeout):
        return _Failure(f"no answer within {timeout:g}s", sent=True, retry=True)
    except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
            http.client.IncompleteRead) as exc:
        return _Failure(f"connection lost ({type(exc).__name__})", sent=True, retry=True)
    except (http.client.HTTPException, OSError) as exc:
        return _Failure(f"{type(exc).__name__}: {exc}", sent=True, retry=True)


def request(method: str, url: str, *, data: bytes | None = None, headers: Mapping[str, str] | None = None,
            retry: Retry | None = None, idempotent: bool = True) -> tuple[int, bytes, dict, int, bool]:
    """One HTTP request, retried on failures that may pass. Returns the status, body,
    headers, the number of attempts made and whether an earlier attempt may have reached
    the server; raises `StoreError` (with `.partial` set when a failed request may have
    been applied) when all attempts fail. A request that is not `idempotent` is retried
    only while no attempt can have reached the server (a refused connection, a 503)."""
    retry = retry or Retry()
    hdrs = {"User-Agent": USER_AGENT, **(headers or {})}
    sent_before = False
    failure: _Failure | None = None
    start = time.monotonic()
    n = 0
    for n in range(1, retry.attempts + 1):
        req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
        out = _attempt(req, retry.timeout)
        if not isinstance(out, _Failure):
            status, body, rh = out
            return status, body, rh, n, sent_before
        failure = out
        sent_before |= out.sent
        log.info("%s %s: attempt %d failed: %s", method, url, n, out.message)
        if not out.retry or n == retry.attempts or (out.sent and not idempotent):
            break
        wait = min(retry.max_wait, out.wait if out.wait is not None else retry.backoff * 2 ** (n - 1))
        time.sleep(wait)
    assert failure is not None
    took = time.monotonic() - start
    tries = f" (tried {n} times over {took:.1f}s)" if n > 1 else ""
    raise StoreError(f"{method} {url}: {failure.message}{tries}", url=url, attempts=n,
                     partial=sent_before and method != "GET", status=failure.status,
                     reason=failure.message + tries)


class EndpointSource(Source):
    """A SPARQL 1.1 query endpoint (for Oxigraph: http://HOST:PORT/query)."""

    name = "endpoint"

    def __init__(self, url: str, *, retry: Retry | None = None):
        self.url = _check_url(url)
        self.retry = retry or Retry()

    def select(self, text: str, bindings: Mapping[str, object], *, label: str = "query") -> Result:
        full, inserts = _select_text(text, bindings, label)
        body = urllib.parse.urlencode({"query": full}).encode("utf-8")
        try:
            status, data, _, _, _ = request(
                "POST", self.url, data=body, retry=self.retry,
                headers={"Content-Type": "application/x-www-form-urlencoded",
                         "Accept": "application/sparql-results+json"})
        except StoreError as exc:
            if exc.status == 400:  # the server could not parse the query
                detail = exc.reason
                better = rdflib_syntax_error(text, f"{label} (rejected by {self.url})")
                m = _POSITION.search(detail)
                if better is not None and better.line is not None:
                    raise better from None
                if m:
                    line, col = map_back(text, full, int(m.group(1)), int(m.group(2)), inserts)
                    err = syntax_error(text, line, col, _POSITION.sub("", detail, count=1).strip(" :"),
                                       f"{label} (rejected by {self.url})")
                    raise err from None
                raise QueryError(f"rejected by {self.url}: {detail}", source=label) from None
            raise StoreError(f"cannot query {self.url}: {exc.reason}", url=self.url,
                             attempts=exc.attempts, status=exc.status) from None
        try:
            return from_json(json.loads(data.decode("utf-8")))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise StoreError(f"{self.url}: the answer is not SPARQL JSON results ({exc}); "
                             f"is this the query endpoint?", url=self.url) from None


def graph_store_url(endpoint: str, graph_iri: str | None) -> str:
    """The Graph Store Protocol URL of a graph: ?graph=IRI, or ?default."""
    _check_url(endpoint)
    sep = "&" if urllib.parse.urlsplit(endpoint).query else "?"
    if graph_iri:
        from .query import check_iri
        check_iri(graph_iri)
        return f"{endpoint}{sep}graph={urllib.parse.quote(graph_iri, safe='')}"
    return f"{endpoint}{sep}default"


DEFAULT_BATCH = 100_000     # triples per request of a push


@dataclass
class PushProgress:
    """Where a push stands once a batch has landed (passed to push's `progress`)."""

    batches: int              # batches landed so far
    triples: int              # triples landed so far
    total: int                # triples in all the files
    bytes: int                # N-Triples bytes sent so far
    seconds: float            # since the push started


@dataclass
class PushResult:
    url: str
    graph: str                # the graph IRI, or "default graph"
    triples: int
    files: list[Path] = field(default_factory=list)
    attempts: int = 1         # HTTP requests made, retries included (== batches when none was retried)
    batches: int = 1
    seconds: float = 0.0      # the whole push: checking the files, then every batch
    bytes: int = 0            # N-Triples bytes sent (the last attempt of each batch)
    check_seconds: float = 0.0

    @property
    def rate(self) -> float:
        """Triples per second over the whole push."""
        return self.triples / self.seconds if self.seconds > 0 else 0.0


def _parse(f: Path, **kw):
    """The triples and quads of one file, as pyoxigraph parses them (an iterator)."""
    try:
        yield from ox.parse(path=str(f), format=_ox_format(f), **kw)
    except SyntaxError as exc:
        raise InputError(f"{f}: not valid RDF: {_syntax(exc)}") from None
    except OSError as exc:
        raise InputError(f"{f}: cannot read: {exc.strerror or exc}") from None


def count_triples(files: Sequence[Path]) -> int:
    """How many triples (and quads) the files hold; parsing them all first means a file
    that is not valid RDF is found before anything is sent."""
    return sum(sum(1 for _ in _parse(f)) for f in files)


def _blanks(term, out: list) -> None:
    tp = type(term)
    if tp is ox.BlankNode:
        out.append(term.value)
    elif tp is ox.Triple:                     # an RDF 1.2 triple term
        _blanks(term.subject, out)
        _blanks(term.object, out)


def _root(parent: dict[str, str], x: str) -> str:
    """The representative of x's group (union-find with path halving)."""
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def _units(files: Sequence[Path]):
    """The triples of the files in order (graph names dropped), one by one, except those
    with blank nodes: they are held back to the end of their file and then given as lists,
    one per group of blank nodes linked by triples (a connected component), so that a
    batch never splits a blank node. A Graph Store server reads every request as its own
    document: a blank node sent in two requests would become two nodes. Blank nodes are
    renamed apart per file (a `_:b` in two files is two nodes, as in an RDF merge)."""
    plain = (ox.NamedNode, ox.Literal)
    for f in files:
        held: list = []
        parent: dict[str, str] = {}
        for t in _parse(f, rename_blank_nodes=True):
            if type(t) is ox.Quad:
                t = t.triple
            if type(t.subject) is ox.NamedNode and type(t.object) in plain:
                yield t
                continue
            labels: list[str] = []
            _blanks(t.subject, labels)
            _blanks(t.object, labels)
            if not labels:
                yield t
                continue
            for x in labels:
                parent.setdefault(x, x)
            first = _root(parent, labels[0])
            for x in labels[1:]:
                r = _root(parent, x)
                if r != first:
                    parent[r] = first
            held.append((t, labels[0]))
        groups: dict[str, list] = {}
        for t, x in held:
            groups.setdefault(_root(parent, x), []).append(t)
        yield from groups.values()


class _Batches:
    """The files as batches of N-Triples of about `size` triples: (data, triples, has blank
    nodes). Only the batch being built is held, as bytes; a group of linked blank nodes
    goes whole into one batch, which may make that batch larger than `size`. There is
    always a first batch, empty when the files are."""

    def __init__(self, files: Sequence[Path], size: int):
        self.units = _units(files)
        self.size = size
        self.pending: list | None = None
        self.done = False

    def __iter__(self):
        first = True
        while not self.done:
            n = 0
            blank = False

            def take():
                nonlocal n, blank
                if self.pending is not None:
                    unit, self.pending = self.pending, None
                    n += len(unit)
                    blank = True
                    yield from unit
                    if n >= self.size:
                        return
                for unit in self.units:
                    if type(unit) is list:
                        if n and n + len(unit) > self.size:
                            self.pending = unit
                            return
                        n += len(unit)
                        blank = True
                        yield from unit
                    else:
                        n += 1
                        yield unit
                    if n >= self.size:
                        return
                self.done = True

            data = ox.serialize(take(), format=ox.RdfFormat.N_TRIPLES) or b""
            if n or first:
                yield data, n, blank
            first = False


class _Ahead:
    """An iterator run one item ahead in a thread of its own: the next batch is parsed and
    serialized while the server loads the one before. At most `depth` items wait; an
    error of the iterator is raised where the item would have been taken. Leaving the
    `with` block stops the thread."""

    _END = object()

    def __init__(self, it, depth: int = 1):
        self.q: queue.Queue = queue.Queue(maxsize=depth)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(it,), name="kg-push-batches", daemon=True)
        self.thread.start()

    def _put(self, item) -> bool:
        while not self.stop.is_set():
            try:
                self.q.put(item, timeout=0.1)
                return True
            except queue.Full:
                pass
        return False

    def _run(self, it) -> None:
        try:
            for item in it:
                if not self._put((item, None)):
                    return
            self._put((self._END, None))
        except BaseException as exc:  # handed to the consumer
            self._put((None, exc))
        finally:
            close = getattr(it, "close", None)
            if close is not None:
                close()

    def __iter__(self):
        return self

    def __next__(self):
        item, exc = self.q.get()
        if exc is not None:
            raise exc
        if item is self._END:
            raise StopIteration
        return item

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()


def push(graph_files: Sequence[str | Path] | None, endpoint: str, *, graph_iri: str | None = None,
         retry: Retry | None = None, batch_size: int = DEFAULT_BATCH,
         progress: Callable[[PushProgress], None] | None = None) -> PushResult:
    """Load the graph files (default: build/graph.ttl and build/inferred.ttl) into a SPARQL
    server's graph store (for Oxigraph: http://HOST:PORT/store), replacing the named graph
    or the default graph.

    The files are parsed once to check and count them, then streamed in batches of
    `batch_size` triples: the first batch is PUT (it replaces the graph), the others are
    POSTed (appended), each retried as `retry` says. The next batch is prepared in a
    thread while the server loads the current one, so at most three batches are held in
    memory, plus the triples with blank nodes of the file being read (they go out at the
    end of their file, each group of linked blank nodes whole in one batch). `progress`,
    if given, is called after each batch with a `PushProgress`."""
    if batch_size < 1:
        raise InputError(f"batch size must be at least 1, not {batch_size}")
    if not graph_files:
        from .query import default_graph_files
        graph_files = default_graph_files()
    files = _check_files(graph_files)
    url = graph_store_url(endpoint, graph_iri)
    retry = retry or Retry(timeout=300.0)
    what = f"graph <{graph_iri}>" if graph_iri else "the default graph"
    start = time.monotonic()
    total = count_triples(files)
    checked = time.monotonic() - start
    landed = sent = attempts = k = 0
    with _Ahead(iter(_Batches(files, batch_size))) as batches:
        while True:
            try:
                data, n, blank = next(batches)
            except StopIteration:
                break
            except InputError as exc:       # a file changed since it was checked
                if not k:
                    raise
                raise InputError(f"{exc.args[0]}; {what} holds a partial copy ({landed} of {total} triples); "
                                 f"run kg push again to replace it") from None
            k += 1
            method = "PUT" if k == 1 else "POST"
            try:
                # PUT replaces, and appending the same triples again changes nothing, except
                # for blank nodes: a POST with blank nodes is not retried once it may have landed
                status, _, _, tries, _ = request(method, url, data=data, retry=retry,
                                                 idempotent=k == 1 or not blank,
                                                 headers={"Content-Type": "application/n-triples"})
            except StoreError as exc:
                raise _push_failed(exc, endpoint, url, what, k, landed, total) from None
            attempts += tries
            landed += n
            sent += len(data)
            del data
            log.debug("batch %d: %s %d triples (HTTP %d)", k, method, n, status)
            if progress is not None:
                progress(PushProgress(batches=k, triples=landed, total=total, bytes=sent,
                                      seconds=time.monotonic() - start))
    seconds = time.monotonic() - start
    log.info("pushed %d triples in %d batch(es) to %s in %.1fs", landed, k, url, seconds)
    return PushResult(url=url, graph=graph_iri or "default graph", triples=landed, files=files,
                      attempts=attempts, batches=k, seconds=seconds, bytes=sent, check_seconds=checked)


def _push_failed(exc: StoreError, endpoint: str, url: str, what: str, k: int, landed: int,
                 total: int) -> StoreError:
    """The error of a push whose batch `k` failed: nothing loaded, or a partial copy."""
    reason = exc.reason
    if exc.status in (404, 405):
        reason += " (is this the graph store endpoint? for Oxigraph: http://HOST:PORT/store)"
    if k == 1:
        where, partial = "", exc.partial
        tail = (f"{what} may hold a partial or old copy; run kg push again to replace it" if exc.partial
                else f"nothing was loaded into {what}")
    else:
        where, partial = f" at batch {k}", True
        some = "at least " if exc.partial else ""
        tail = (f"{what} holds a partial copy ({some}{landed} of {total} triples, "
                f"{k - 1} batch{'es' if k > 2 else ''} landed); run kg push again to replace it")
    return StoreError(f"push to {endpoint} failed{where}: {reason}; {tail}", url=url, attempts=exc.attempts,
                      partial=partial, status=exc.status, reason=reason)
