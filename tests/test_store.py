"""Stores: the on-disk Oxigraph store and a real `oxigraph serve` process answer every
packaged query as rdflib does; pushes and queries to servers that are down, busy or
refusing fail clearly, retry what may pass, and say whether anything was loaded."""
from __future__ import annotations

import http.server
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal
from rdflib.compare import isomorphic

import kg
from kg import query as Q
from kg import store as S
from kg.cli import cli
from kg.errors import InputError, QueryError, StoreError

from .test_query import ROOT, example_params, reasoned_files

FAST = S.Retry(attempts=3, backoff=0.01, timeout=5)
GRAPH_IRI = "https://w3id.org/skjkg/graph/test"


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    out = tmp_path_factory.mktemp("seed")
    kg.build([ROOT / "seeds"], out=out)
    files = reasoned_files(out)
    return {"out": out, "files": files, "rdflib": Q.GraphSource(Q.load_graph(files), files)}


@pytest.fixture(scope="module")
def ox(seed, tmp_path_factory):
    target = f"oxigraph:{tmp_path_factory.mktemp('store') / 'db'}"
    info = S.write_store(seed["files"], target)
    return {"target": target, "info": info, "source": S.open_store(target)}


def cases():
    """Every packaged query with its example's parameters, and without any where it can."""
    for spec in Q.list_queries():
        yield spec, example_params(spec)
        if all(p.optional for p in spec.params):
            yield spec, {}


def same_answers(a: Q.Source, b: Q.Source) -> None:
    for spec, params in cases():
        left, right = Q.run(spec, params, source=a), Q.run(spec, params, source=b)
        assert left.vars == right.vars, spec.name
        assert left.rows == right.rows, (spec.name, params)
        assert left.rows, (spec.name, params)


# --------------------------------------------------------------------------- on-disk Oxigraph

def test_oxigraph_store_answers_as_rdflib(seed, ox):
    assert ox["info"].triples == len(seed["rdflib"].graph)
    same_answers(seed["rdflib"], ox["source"])


def test_injection_attempts_change_nothing_on_oxigraph(seed, ox):
    from .test_query import PAYLOADS
    for payload in PAYLOADS:
        assert Q.run("events-in-range", {"kind": payload}, source=ox["source"]).rows == []
    full, _ = Q.with_values("SELECT ?v WHERE { }", {"v": Literal('\\u0022} UNION {')})
    assert [r[0] for r in ox["source"].select("SELECT ?v WHERE { }", {"v": Literal('\\u0022} UNION {')}).rows] \
        == [Literal('\\u0022} UNION {')], full


def test_write_store_replaces_atomically(seed, tmp_path):
    target = f"oxigraph:{tmp_path / 'db'}"
    both = S.write_store(seed["files"], target).triples
    only = S.write_store(seed["files"][:1], target).triples
    assert only < both
    assert len(S.open_store(target).select("SELECT * { ?s ?p ?o }", {}).rows) == only   # nothing stale
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .")
    with pytest.raises(InputError, match="bad.ttl: not valid RDF"):
        S.write_store([seed["files"][0], bad], target)
    assert len(S.open_store(target).select("SELECT * { ?s ?p ?o }", {}).rows) == only   # old store kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.ttl", "db"]            # no leftovers
    with pytest.raises(InputError, match="no such graph file"):
        S.write_store([tmp_path / "none.ttl"], target)
    other = tmp_path / "notes"
    other.mkdir()
    (other / "keep.txt").write_text("mine")
    with pytest.raises(InputError, match="not an Oxigraph store and not empty"):
        S.write_store(seed["files"], f"oxigraph:{other}")
    assert (other / "keep.txt").read_text() == "mine"
    for wrong in ("oxigraph:", "sqlite:db", str(tmp_path / "db")):
        with pytest.raises(InputError, match="write oxigraph:DIR"):
            S.write_store(seed["files"], wrong)


def test_open_store_errors(tmp_path):
    with pytest.raises(InputError, match="no Oxigraph store there; write one with `kg build --store"):
        S.open_store(f"oxigraph:{tmp_path / 'missing'}")
    with pytest.raises(InputError, match="no Oxigraph store"):
        Q.run("timeline", store=f"oxigraph:{tmp_path}")


def test_oxigraph_syntax_errors_point_into_the_query(ox):
    text = "SELECT ?s WHERE { ?s ?p ?x . FILTER(?s = ) }"
    with pytest.raises(QueryError) as plain:
        ox["source"].select(text, {})
    with pytest.raises(QueryError) as bound:          # the VALUES block does not shift positions
        ox["source"].select(text, {"x": Literal("v")})
    assert plain.value.line == bound.value.line == 1
    assert plain.value.column == bound.value.column
    assert text[plain.value.column - 1:].startswith("FILTER") and "near 'FILTER(?s = ) }'" in str(bound.value)
    # what rdflib cannot diagnose keeps Oxigraph's own position, mapped back past the VALUES block
    full, [(at, n)] = Q.with_values(text, {"x": Literal("v")})
    assert Q.map_back(text, full, 1, at + n + 10, [(at, n)]) == (1, at + 10)


def test_cli_query_on_the_store(seed, ox):
    res = CliRunner().invoke(cli, ["query", "agreements", "--store", ox["target"], "-f", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output) == json.loads(Q.to_json(Q.run("agreements", source=seed["rdflib"])))


# --------------------------------------------------------------------------- a real oxigraph server

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str | None:
    local = Path(sys.executable).parent / "oxigraph"
    return str(local) if local.exists() else shutil.which("oxigraph")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    exe = oxigraph_binary()
    if not exe:
        pytest.skip("the oxigraph server binary is not installed (pip install oxigraph; it is in the test extra)")
    port = free_port()
    data = tmp_path_factory.mktemp("oxserve")
    proc = subprocess.Popen([exe, "serve", "--location", str(data), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"oxigraph serve exited: {proc.stderr.read().decode(errors='replace')[:500]}")
                if time.monotonic() > deadline:
                    pytest.fail("oxigraph serve did not answer within 30 s")
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stderr.close()


def count(endpoint: str, graph: str | None = None) -> int:
    where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    res = S.EndpointSource(endpoint).select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}", {})
    return int(res.rows[0][0])


def test_push_and_query_a_real_server(seed, server):
    pushed = S.push(seed["files"], f"{server}/store")
    assert pushed.graph == "default graph" and pushed.attempts == 1
    assert count(f"{server}/query") == len(seed["rdflib"].graph)
    same_answers(seed["rdflib"], S.EndpointSource(f"{server}/query"))
    # a named graph; pushing again replaces it
    for _ in range(2):
        S.push(seed["files"][:1], f"{server}/store", graph_iri=GRAPH_IRI)
        assert count(f"{server}/query", GRAPH_IRI) == len(Q.load_graph(seed["files"][:1]))
    assert count(f"{server}/query") == len(seed["rdflib"].graph)


def test_cli_push_and_query_a_real_server(seed, server):
    runner = CliRunner()
    graphs = [a for f in seed["files"] for a in ("--graph", str(f))]
    res = runner.invoke(cli, ["push", "--endpoint", f"{server}/store", *graphs])
    assert res.exit_code == 0, res.output
    n = len(seed["rdflib"].graph)
    assert res.output.startswith(f"kg push: pushed {n} triples in 1 batch to {server}/store (")
    assert "triples/s" in res.output and f"the default graph, from {seed['files'][0]}" in res.output
    assert len(res.output.strip().splitlines()) == 1          # no progress when stderr is not a terminal
    res = runner.invoke(cli, ["push", "--endpoint", f"{server}/store", "--batch-size", "1000", *graphs])
    assert res.exit_code == 0 and f"pushed {n} triples in {-(-n // 1000)} batches" in res.output, res.output
    assert count(f"{server}/query") == n
    res = runner.invoke(cli, ["query", "last-meeting-before", "--endpoint", f"{server}/query",
                              "-p", "actor1=Koichiro Gemba", "-p", "actor2=Kim Sung-hwan", "-p", "before=2025-01-13",
                              "-f", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["results"]["bindings"][0]["date"]["value"] == "2011-10"


def server_graph(base: str, graph: str | None = None) -> Graph:
    """What the server holds in a graph, read back with the Graph Store Protocol."""
    url = S.graph_store_url(f"{base}/store", graph)
    req = urllib.request.Request(url, headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return Graph().parse(data=resp.read().decode("utf-8"), format="nt")


def test_push_in_small_batches_is_the_same_graph(seed, server):
    seen = []
    pushed = S.push(seed["files"], f"{server}/store", graph_iri=GRAPH_IRI, batch_size=50, progress=seen.append)
    whole = seed["rdflib"].graph
    assert pushed.triples == len(whole) and pushed.batches >= len(whole) // 50 > 50
    assert pushed.attempts == pushed.batches and pushed.seconds > 0 and pushed.bytes > 50 * len(whole)
    assert [p.batches for p in seen] == list(range(1, pushed.batches + 1))
    assert seen[-1].triples == seen[-1].total == pushed.triples and seen[-1].bytes == pushed.bytes
    assert all(a.triples < b.triples and a.seconds <= b.seconds for a, b in zip(seen, seen[1:]))
    assert count(f"{server}/query", GRAPH_IRI) == len(whole)
    # the graph's blank nodes (owl:AllDisjointClasses and its members list) came through whole
    assert isomorphic(server_graph(server, GRAPH_IRI), whole)
    # the same answers as one batch: the default graph, queried as in the tests above
    S.push(seed["files"], f"{server}/store", batch_size=50)
    assert count(f"{server}/query") == len(whole)
    same_answers(seed["rdflib"], S.EndpointSource(f"{server}/query"))


BLANKS = """@prefix : <http://example.org/> .
:a :p [ :q 1 ; :r [ :s 2 ] ] .
:b :list ( :x :y :z :w ) .
_:n :name "first file" .
:c :knows _:n .
:e :f :g .
_:n :age 3 .
"""


def test_blank_nodes_split_across_batches_stay_whole(server, tmp_path):
    one, two, three = tmp_path / "one.ttl", tmp_path / "two.ttl", tmp_path / "three.nt"
    one.write_text(BLANKS)
    two.write_text('@prefix : <http://example.org/> .\n_:n :name "second file" .\n:d :knows _:n .\n')
    three.write_text("".join(f"<http://example.org/s{i}> <http://example.org/p> _:n .\n" for i in range(5)))
    files = [one, two, three]
    expected = Graph()
    for f in files:
        expected.parse(f)                            # an RDF merge: _:n is a node of its own per file
    for size in (1, 2, 5, 100):
        pushed = S.push(files, f"{server}/store", graph_iri=GRAPH_IRI, batch_size=size)
        assert pushed.triples == len(expected) == 24
        got = server_graph(server, GRAPH_IRI)
        assert isomorphic(got, expected), size
        # a group of linked blank nodes goes whole into one batch, even when larger than the size
        assert pushed.batches == {1: 6, 2: 6, 5: 4, 100: 1}[size]
    src = S.EndpointSource(f"{server}/query")
    rows = src.select(f"""PREFIX : <http://example.org/>
        SELECT ?who ?name ?age WHERE {{ GRAPH <{GRAPH_IRI}> {{ ?who :knows ?x . ?x :name ?name
        OPTIONAL {{ ?x :age ?age }} }} }} ORDER BY ?name""", {}).rows
    assert [(str(r[0]), str(r[1]), r[2] and int(r[2])) for r in rows] == [
        ("http://example.org/c", "first file", 3), ("http://example.org/d", "second file", None)]
    items = src.select(f"""PREFIX : <http://example.org/> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?x WHERE {{ GRAPH <{GRAPH_IRI}> {{ :b :list/rdf:rest*/rdf:first ?x }} }}""", {}).rows
    assert len(items) == 4


def test_server_errors_are_clear(seed, server):
    with pytest.raises(QueryError) as err:
        S.EndpointSource(f"{server}/query").select("SELECT ?s WHERE {\n ?s ?p ?x . FILTER(?s = ) }",
                                                   {"x": Literal("v")})
    assert (err.value.line, err.value.column) == (2, 13) and "rejected by" in str(err.value)
    with pytest.raises(StoreError, match=r"HTTP 40\d.*graph store endpoint.*nothing was loaded") as err:
        S.push(seed["files"][:1], f"{server}/query", retry=FAST)
    assert err.value.attempts == 1 and not err.value.partial
    with pytest.raises(StoreError, match=r"cannot query http://127.0.0.1:\d+/store: HTTP 415"):
        S.EndpointSource(f"{server}/store").select("SELECT * { ?s ?p ?o }", {})


# --------------------------------------------------------------------------- servers that fail

class Scripted(http.server.BaseHTTPRequestHandler):
    """Answers each request with the next scripted step: a status (and body), or "drop"
    to read the request and close the connection without answering."""

    script: list = []
    seen: list = []

    def _serve(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        type(self).seen.append((self.command, self.path, len(body)))
        step = type(self).script.pop(0) if type(self).script else (204, b"")
        if step == "drop":
            self.close_connection = True
            return
        status, payload = step
        self.send_response(status)
        if status == 503:
            self.send_header("Retry-After", "0")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_PUT = do_POST = do_GET = _serve

    def log_message(self, *args):
        pass


@pytest.fixture
def fake():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    Scripted.script, Scripted.seen = [], []
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def test_busy_server_is_retried(seed, fake):
    Scripted.script = [(503, b"busy"), (503, b"busy"), (204, b"")]
    result = S.push(seed["files"][:1], f"{fake}/store", retry=FAST)
    assert result.attempts == 3 and [s[0] for s in Scripted.seen] == ["PUT"] * 3
    assert all(s[1] == "/store?default" and s[2] > 1000 for s in Scripted.seen)   # whole graph each time


def test_refusal_is_not_retried_and_loads_nothing(seed, fake):
    Scripted.script = [(403, b"<html><body>Forbidden: read-only dataset</body></html>")]
    with pytest.raises(StoreError) as err:
        S.push(seed["files"][:1], f"{fake}/store", graph_iri=GRAPH_IRI, retry=FAST)
    msg = str(err.value)
    assert "HTTP 403" in msg and "read-only dataset" in msg
    assert f"nothing was loaded into graph <{GRAPH_IRI}>" in msg and not err.value.partial
    assert err.value.attempts == 1 and len(Scripted.seen) == 1
    assert "graph=https%3A%2F%2Fw3id.org" in Scripted.seen[0][1]


def test_cli_push_refused_is_one_line_exit_2(seed, fake):
    Scripted.script = [(401, b"login first")]
    res = CliRunner().invoke(cli, ["push", "--endpoint", f"{fake}/store", "--graph", str(seed["files"][0])])
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert res.output.startswith("Error: KG011: push to") and "HTTP 401" in res.output
    assert len(res.output.strip().splitlines()) == 1


@pytest.mark.parametrize("steps", [[(500, b"disk full")] * 1, ["drop"] * 3])
def test_failure_after_sending_says_it_may_be_partial(seed, fake, steps):
    Scripted.script = list(steps)
    with pytest.raises(StoreError, match="may hold a partial or old copy; run kg push again") as err:
        S.push(seed["files"][:1], f"{fake}/store", retry=FAST)
    assert err.value.partial and err.value.attempts == len(steps)


@pytest.mark.parametrize("step,some", [((500, b"disk full"), "at least "), ((403, b"quota exceeded"), "")])
def test_failure_at_a_later_batch_says_the_copy_is_partial(seed, fake, step, some):
    Scripted.script = [(204, b""), (204, b""), step]
    with pytest.raises(StoreError) as err:
        S.push(seed["files"][:1], f"{fake}/store", retry=FAST, batch_size=1000)
    msg = str(err.value)
    assert f"failed at batch 3: HTTP {step[0]}" in msg and step[1].decode() in msg
    assert f"the default graph holds a partial copy ({some}2000 of 2787 triples, 2 batches landed); " \
           f"run kg push again to replace it" in msg
    assert err.value.partial and err.value.attempts == 1
    assert [s[0] for s in Scripted.seen] == ["PUT", "POST", "POST"]
    assert all(s[1] == "/store?default" for s in Scripted.seen)


def test_batches_are_retried_unless_blank_nodes_may_have_landed(seed, fake):
    # graph.ttl: 2773 triples without blank nodes, then the 14 of one owl:AllDisjointClasses
    Scripted.script = [(204, b""), "drop", (204, b""), (503, b"busy"), (204, b"")]
    pushed = S.push(seed["files"][:1], f"{fake}/store", retry=FAST, batch_size=1000)
    assert (pushed.batches, pushed.attempts, pushed.triples) == (3, 5, 2787)
    assert [s[0] for s in Scripted.seen] == ["PUT", "POST", "POST", "POST", "POST"]
    assert pushed.bytes == sum(s[2] for s in Scripted.seen[0:5:2])
    Scripted.seen.clear()
    Scripted.script = [(204, b""), (204, b""), "drop"]    # the last batch holds the blank nodes
    with pytest.raises(StoreError, match="failed at batch 3: connection lost.*at least 2000 of 2787") as err:
        S.push(seed["files"][:1], f"{fake}/store", retry=FAST, batch_size=1000)
    assert err.value.attempts == 1 and len(Scripted.seen) == 3


def test_bad_file_is_found_before_anything_is_sent(seed, fake, tmp_path):
    bad = tmp_path / "bad.nt"
    bad.write_text("<http://a> <http://b> <http://c> .\n" * 10 + "<http://a> <http://b> .\n")
    with pytest.raises(InputError, match=r"bad.nt: not valid RDF"):
        S.push([seed["files"][0], bad], f"{fake}/store", retry=FAST, batch_size=100)
    assert Scripted.seen == []
    with pytest.raises(InputError, match="batch size must be at least 1"):
        S.push(seed["files"][:1], f"{fake}/store", batch_size=0)
    res = CliRunner().invoke(cli, ["push", "--endpoint", f"{fake}/store", "--batch-size", "0"])
    assert res.exit_code == 2 and "--batch-size" in res.output


def test_server_down(seed):
    port = free_port()          # nothing listens there
    start = time.monotonic()
    with pytest.raises(StoreError) as err:
        S.push(seed["files"][:1], f"http://127.0.0.1:{port}/store", retry=FAST)
    assert time.monotonic() - start < 5
    msg = str(err.value)
    assert "connection refused" in msg and "tried 3 times" in msg and "nothing was loaded" in msg
    assert err.value.attempts == 3 and not err.value.partial
    with pytest.raises(StoreError, match=r"cannot query http://127.0.0.1:\d+/query: connection refused"):
        S.EndpointSource(f"http://127.0.0.1:{port}/query", retry=FAST).select("ASK {}", {})
    with pytest.raises(InputError, match="not an http"):
        S.push(seed["files"][:1], "ftp://example.org/store")


def test_a_flaky_endpoint_is_retried_for_queries(fake):
    answer = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [
        {"x": {"type": "literal", "value": "2025", "datatype": "http://www.w3.org/2001/XMLSchema#gYear"}}]}})
    Scripted.script = ["drop", (502, b"bad gateway"), (200, answer.encode())]
    res = S.EndpointSource(f"{fake}/query", retry=FAST).select("SELECT ?x WHERE { ?s ?p ?x }", {})
    assert res.vars == ["x"] and str(res.rows[0][0]) == "2025" and len(Scripted.seen) == 3


def test_an_answer_that_is_not_sparql_results(fake):
    Scripted.script = [(200, b"<html>a login page</html>")]
    with pytest.raises(StoreError, match="not SPARQL JSON results.*is this the query endpoint"):
        S.EndpointSource(f"{fake}/sparql", retry=FAST).select("ASK {}", {})


def test_converter_gives_what_to_oxigraph_gives():
    from rdflib import XSD, BNode, Literal, URIRef

    from kg.store import Converter, to_oxigraph

    terms = [URIRef("http://example.org/a"), BNode("b0"), Literal("x"), Literal("x", lang="ko"),
             Literal("2025-01-13", datatype=XSD.date), Literal(3), Literal(True)]
    conv = Converter()
    for t in terms + terms + [URIRef("http://example.org/a")]:  # again, and an equal new object
        assert conv(t) == to_oxigraph(t)
