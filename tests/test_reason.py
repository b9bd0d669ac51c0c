from pathlib import Path

import pytest
from rdflib import OWL, RDF, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.plugins.stores.memory import SimpleMemory

import kg
from kg.reason import (ENGINES, _closure_reasonable, _vocabulary_terms, is_noise, reason, reasoner_input,
                       size_of, triples_of, without_noise)
from kg.rdf import ontology_graph
from kg.terms import KG

ROOT = Path(__file__).resolve().parent.parent
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
SDO = Namespace("https://schema.org/")
ID = Namespace("https://w3id.org/skjkg/id/")


@pytest.fixture(scope="module")
def seed_graph(tmp_path_factory):
    out = tmp_path_factory.mktemp("reason")
    kg.build([ROOT / "seeds"], out=out, reasoning=False, validation=False)
    return Graph().parse(out / "graph.ttl")


@pytest.fixture(scope="module")
def closures(seed_graph):
    return {engine: reason(seed_graph, engine=engine) for engine in ENGINES}


def test_summit_is_a_sem_and_schema_event_and_participant_inverse_holds(closures, seed_graph):
    inferred = closures["reasonable"].inferred
    summit = next(seed_graph.subjects(RDF.type, KG.Summit))
    assert (summit, RDF.type, SEM.Event) in inferred
    assert (summit, RDF.type, SDO.Event) in inferred
    assert (summit, RDF.type, KG.Event) in inferred
    person = next(seed_graph.objects(summit, KG.participant))
    assert (person, KG.participatedIn, summit) in inferred
    assert (summit, SEM.hasActor, person) in inferred


def test_signatories_signed(closures):
    inferred = closures["owlrl"].inferred
    assert (ID["person/kim-dae-jung"], KG.signed, ID["agreement/kim-obuchi-declaration"]) in inferred


def test_engines_agree_once_noise_is_removed(closures):
    rules, reasonable, owlrl = (set(closures[e].triples) for e in ENGINES)
    assert closures["rules"].engine == "rules" and closures["rules"].fallback is None
    assert rules == reasonable == owlrl and len(rules) > 500
    assert set(closures["rules"].inferred) == rules == set(closures["owlrl"].inferred)


def test_the_default_engine_is_the_compiled_rules_and_is_deterministic(seed_graph):
    first, again = reason(seed_graph), reason(seed_graph)
    assert first.engine == "rules" and first.triples == again.triples
    assert len(first.triples) == len(set(first.triples)) == first.kept


def test_fast_iteration_gives_the_graphs_triples(seed_graph):
    assert sorted(triples_of(seed_graph)) == sorted(seed_graph)
    assert size_of(seed_graph) == len(seed_graph)
    simple = Graph(store=SimpleMemory())  # as kg.rdf.to_graph builds it
    for t in seed_graph:
        simple.add(t)
    assert sorted(triples_of(simple)) == sorted(seed_graph) and size_of(simple) == len(seed_graph)
    assert set(reason(simple).triples) == set(reason(seed_graph).triples)
    ds = Dataset()
    part = ds.graph(URIRef("urn:part"))
    part.add((URIRef("urn:a"), RDF.type, KG.Event))
    ds.graph(URIRef("urn:other")).add((URIRef("urn:b"), RDF.type, KG.Event))
    assert list(triples_of(part)) == [(URIRef("urn:a"), RDF.type, KG.Event)]


def test_the_remembering_noise_filter_is_is_noise(seed_graph):
    ont = ontology_graph()
    vocabulary = _vocabulary_terms(ont)
    closure = list(_closure_reasonable(reasoner_input(seed_graph, ont)))
    closure += [(URIRef("urn:a"), OWL.sameAs, URIRef("urn:a")), (URIRef("urn:a"), OWL.sameAs, URIRef("urn:b")),
                (URIRef("urn:a"), KG.participant, OWL.Thing)]
    expected = [t for t in closure if not is_noise(t, vocabulary)]
    assert without_noise(closure, vocabulary) == expected
    assert 0 < len(expected) < len(closure)


def test_inferred_triples_are_kept_apart_and_free_of_noise(closures, seed_graph):
    for result in closures.values():
        assert not any(t in seed_graph for t in result.inferred)
        assert not any(isinstance(s, Literal) for s, _p, _o in result.inferred)
        assert not any(p == OWL.sameAs and s == o for s, p, o in result.inferred)
        assert not any(o == OWL.Thing for _s, p, o in result.inferred if p == RDF.type)
        assert result.removed_noise > 0 and result.raw_inferred == result.kept + result.removed_noise


def test_disjointness_is_not_given_to_the_reasoner():
    triples = reasoner_input(Graph(), ontology_graph())
    assert triples and not [t for t in triples if t[1] == OWL.members]
    assert list(ontology_graph().triples((None, OWL.members, None)))


def test_noise_rules():
    assert is_noise((URIRef("urn:a"), KG.participant, OWL.Thing), set())
    assert not is_noise((URIRef("urn:a"), OWL.sameAs, URIRef("urn:b")), set())
    vocab = {KG.Event}
    assert is_noise((Literal("x"), RDF.type, KG.Event), vocab)
    assert is_noise((KG.Event, RDF.type, OWL.Class), vocab)
    assert is_noise((URIRef("urn:a"), OWL.sameAs, URIRef("urn:a")), vocab)
    assert not is_noise((URIRef("urn:a"), RDF.type, KG.Event), vocab)


def test_unknown_engine_is_an_input_error(seed_graph):
    with pytest.raises(kg.KgError):
        reason(seed_graph, engine="nope")
