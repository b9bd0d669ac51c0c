"""kg.summary: the build-time aggregates, and the packaged queries that read them giving
the same rows as their earlier formulations (tests/old_queries/*.rq, which computed
everything at query time) on the seed graph and on a generated graph, on rdflib and on
Oxigraph."""
from __future__ import annotations

import random
import shlex
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import XSD

import kg
from kg import formats as fmt
from kg import query as Q
from kg import store as S
from kg.summary import pair_iri, summarize
from kg.terms import KG

ROOT = Path(__file__).resolve().parent.parent
OLD = ROOT / "tests" / "old_queries"
X = Namespace("https://w3id.org/skjkg/id/")


def lit(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)


@pytest.fixture
def tiny() -> Graph:
    g = Graph()
    g.add((KG.Summit, RDFS.subClassOf, KG.Meeting))
    g.add((KG.Meeting, RDFS.subClassOf, KG.Event))
    g.add((KG.Visit, RDFS.subClassOf, KG.Event))
    a, b, c, jp = X["person/a"], X["person/b"], X["person/c"], X["country/japan"]
    for node, label in ((a, "A"), (b, "B"), (c, "C"), (jp, "Japan")):
        g.add((node, RDFS.label, Literal(label)))
    g.add((jp, RDF.type, KG.Country))
    m1, m2, v = X["event/m1"], X["event/m2"], X["event/v"]
    g.add((m1, RDF.type, KG.Summit))
    g.add((m2, RDF.type, KG.Meeting))
    g.add((v, RDF.type, KG.Visit))
    for e, ps in ((m1, (a, b, jp)), (m2, (a, b)), (v, (b, c))):
        for p in ps:
            g.add((e, KG.participant, p))
    g.add((m1, KG.date, Literal("2024-05", datatype=XSD.gYearMonth)))
    g.add((m2, KG.date, Literal("2023-01-02", datatype=XSD.date)))
    ag, d, art = X["agreement/t"], X["dispute/d"], X["article/1"]
    g.add((ag, RDF.type, KG.Agreement))
    g.add((ag, KG.signatory, a))
    g.add((ag, KG.party, jp))
    g.add((d, RDF.type, KG.Dispute))
    g.add((d, KG.party, jp))
    for thing in (m1, v, ag, d, a):
        g.add((thing, KG.mentionedIn, art))
    g.add((art, KG.author, c))
    g.add((art, KG.author, a))
    g.add((a, KG.role, Literal("Foreign Minister")))
    g.add((a, KG.role, Literal("Ambassador")))
    return g


def test_pairs_count_meetings_and_leave_countries_out(tiny):
    s = summarize([tiny])
    a, b = X["person/a"], X["person/b"]
    pairs = set(s.subjects(RDF.type, KG.ActorPair))
    assert pairs == {pair_iri(a, b)}                   # b-c met only at a visit; Japan is a country
    p = pair_iri(a, b)
    assert s.value(p, KG.pairActor1) == a and s.value(p, KG.pairActor2) == b
    assert s.value(p, KG.meetingCount) == lit(2)       # the summit counts as a meeting
    assert s.value(p, KG.firstMeetingDate) == Literal("2023-01-02", datatype=XSD.date)
    assert s.value(p, KG.lastMeetingDate) == Literal("2024-05", datatype=XSD.gYearMonth)


def test_actor_and_article_counts_and_lists(tiny):
    s = summarize([tiny])
    a, c, jp, art = X["person/a"], X["person/c"], X["country/japan"], X["article/1"]
    assert [s.value(a, p) for p in (KG.eventCount, KG.agreementCount, KG.disputeCount, KG.linkCount,
                                    KG.partnerCount)] == [lit(2), lit(1), lit(0), lit(3), lit(2)]
    assert [s.value(jp, p) for p in (KG.eventCount, KG.agreementCount, KG.disputeCount, KG.linkCount)] \
        == [lit(1), lit(1), lit(1), lit(3)]
    assert s.value(c, KG.partnerCount) == lit(1)
    # order: links (a, b, Japan 3, c 1), then partners (b 3, a and Japan 2), then label
    ranks = {s.value(n, KG.connectionRank).toPython(): n for n in s.subjects(KG.connectionRank, None)}
    assert [ranks[i] for i in sorted(ranks)] == [X["person/b"], a, jp, c]
    assert [s.value(art, p) for p in (KG.mentionedEventCount, KG.mentionedAgreementCount,
                                      KG.mentionedDisputeCount)] == [lit(2), lit(1), lit(1)]
    assert s.value(art, KG.authorList) == Literal("A, C")
    assert s.value(a, KG.roleList) == Literal("Ambassador, Foreign Minister")
    assert s.value(X["agreement/t"], KG.signatoryList) == Literal("A")
    assert s.value(X["agreement/t"], KG.partyList) == Literal("Japan")


def test_an_actor_alone_at_its_events_has_no_partner_count(tiny):
    tiny.add((X["event/solo"], KG.participant, X["person/d"]))
    s = summarize([tiny])
    assert s.value(X["person/d"], KG.eventCount) == lit(1)
    assert s.value(X["person/d"], KG.partnerCount) is None


def test_the_same_triples_in_any_order_give_the_same_bytes(tiny):
    triples = list(tiny)
    random.Random(3).shuffle(triples)
    half = len(triples) // 2
    assert fmt.turtle(summarize([tiny])) == fmt.turtle(summarize([triples[:half], triples[half:]]))


# --------------------------------------------------------------------------- old and new queries

CHANGED = sorted(p.stem for p in OLD.glob("*.rq"))


def example_params(spec: Q.QuerySpec) -> dict[str, str]:
    return Q.parse_param_args(shlex.split(spec.example)[3:][1::2])


def param_sets(name: str, spec: Q.QuerySpec) -> list[dict[str, str]]:
    """No parameter, the example's, and each of the example's parameters alone."""
    ex = example_params(spec)
    sets = [{}, ex] + [{k: v} for k, v in ex.items()] if len(ex) > 1 else [{}, ex]
    extra = {"who-met-whom": [{"actor": "Japan"}], "most-connected": [{"type": "Organization"}],
             "events-in-range": [{"from": "2015", "to": "2019-06"}, {"kind": "summit"}, {"to": "1999"}],
             "timeline": [{"from": "2025-01-13"}], "agreements": [{"actor": "South Korea"}]}
    return sets + extra.get(name, [])


@pytest.fixture(scope="module")
def graphs(tmp_path_factory):
    """The seed build and a small generated graph (bench.synthetic), each as an rdflib
    graph without the summary, one with it, and an Oxigraph store with it."""
    from bench.synthetic import generate
    work = tmp_path_factory.mktemp("summary")
    seed = work / "seed"
    kg.build([ROOT / "seeds"], out=seed)
    generate(work / "syn", 12_000, seed_build=seed)
    out = {}
    for name, base, summary in (("seed", [seed / "graph.ttl", seed / "inferred.ttl"], seed / "summary.ttl"),
                                ("synthetic", [work / "syn" / "graph.nt", work / "syn" / "inferred.nt"],
                                 work / "syn" / "summary.nt")):
        files = base + [summary]
        store = S.write_store(files, f"oxigraph:{work / (name + '-store')}")
        out[name] = {"before": Q.GraphSource(Q.load_graph(base), base),
                     "after": Q.GraphSource(Q.load_graph(files), files),
                     "store": S.open_store(f"oxigraph:{store.path}")}
    return out


@pytest.mark.parametrize("which", ["seed", "synthetic"])
@pytest.mark.parametrize("name", CHANGED)
def test_new_formulation_gives_the_old_rows(graphs, which, name):
    old = Q.load_query(OLD / f"{name}.rq")
    new = Q.load_query(name)
    g = graphs[which]
    answered = 0
    for params in param_sets(name, new):
        want = Q.run(old, params, source=g["before"])
        every = {**params, "limit": "0"} if new.page else params
        for source in ("after", "store"):
            got = Q.run(new, every, source=g[source])
            assert got.vars == want.vars, (name, params)
            assert got.rows == want.rows, (name, params, source)
        answered += bool(want.rows)
    assert answered >= 2, f"{name}: fewer than two parameter sets gave rows on the {which} graph"


def test_the_build_writes_the_summary_the_queries_read(graphs, tmp_path):
    seed = graphs["seed"]["after"].files[0].parent
    assert (seed / "summary.ttl").read_bytes() == fmt.turtle(
        summarize([Q.load_graph([seed / "graph.ttl"]), Q.load_graph([seed / "inferred.ttl"])]))
    assert [p.name for p in Q.default_graph_files(seed)] == ["graph.ttl", "inferred.ttl", "summary.ttl"]


def test_the_shapes_check_actor_pairs(tiny):
    from kg.validate import validate
    g = tiny + summarize([tiny])
    assert "ActorPairShape" not in validate(g).text()
    pair = next(g.subjects(RDF.type, KG.ActorPair))
    g.add((pair, KG.pairActor2, X["country/japan"]))           # a country, and two second actors
    g.add((pair, KG.meetingCount, lit(0)))
    report = validate(g).text()
    assert "an actor pair has one second actor, not a country" in report
    assert "meeting count 0 is below 1" in report
