from pathlib import Path

import pytest
from rdflib import OWL, RDF, Graph, Literal, Namespace, URIRef

import kg
from kg.reason import ENGINES, is_noise, reason, reasoner_input
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
    a, b = (set(closures[e].inferred) for e in ENGINES)
    assert a == b and len(a) > 500


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
    vocab = {KG.Event}
    assert is_noise((Literal("x"), RDF.type, KG.Event), vocab)
    assert is_noise((KG.Event, RDF.type, OWL.Class), vocab)
    assert is_noise((URIRef("urn:a"), OWL.sameAs, URIRef("urn:a")), vocab)
    assert not is_noise((URIRef("urn:a"), RDF.type, KG.Event), vocab)


def test_unknown_engine_is_an_input_error(seed_graph):
    with pytest.raises(kg.KgError):
        reason(seed_graph, engine="nope")
