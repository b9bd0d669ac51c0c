"""kg.rules against reasonable (all of OWL 2 RL) on small generated ontologies and data:
subclass, subproperty, inverse, domain and range axioms in any combination, cycles
included; and what the compiled rules refuse."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace

from kg.reason import reason
from kg.rules import Unsupported, apply, compile_rules

EX = Namespace("urn:ex:")
CLASSES = [EX[f"C{i}"] for i in range(5)]
PROPS = [EX[f"p{i}"] for i in range(5)]
NODES = [EX[f"n{i}"] for i in range(6)]
LITERALS = [Literal("x"), Literal(3), Literal("y", lang="en")]

axiom = st.one_of(
    st.tuples(st.sampled_from(CLASSES), st.just(RDFS.subClassOf), st.sampled_from(CLASSES)),
    st.tuples(st.sampled_from(PROPS), st.just(RDFS.subPropertyOf), st.sampled_from(PROPS)),
    st.tuples(st.sampled_from(PROPS), st.just(OWL.inverseOf), st.sampled_from(PROPS)),
    st.tuples(st.sampled_from(PROPS), st.sampled_from([RDFS.domain, RDFS.range]), st.sampled_from(CLASSES)),
)
fact = st.one_of(
    st.tuples(st.sampled_from(NODES), st.sampled_from(PROPS), st.sampled_from(NODES + LITERALS)),
    st.tuples(st.sampled_from(NODES), st.just(RDF.type), st.sampled_from(CLASSES)),
)


def ontology_of(axioms) -> Graph:
    g = Graph()
    for c in CLASSES:
        g.add((c, RDF.type, OWL.Class))
    for p in PROPS:
        g.add((p, RDF.type, OWL.ObjectProperty))
    for t in axioms:
        g.add(t)
    return g


def data_of(ontology: Graph, facts) -> Graph:
    g = Graph()
    for t in ontology:
        g.add(t)
    for t in facts:
        g.add(t)
    return g


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(axiom, max_size=8), st.lists(fact, min_size=1, max_size=12))
def test_rules_give_reasonables_closure(axioms, facts):
    ont = ontology_of(axioms)
    g = data_of(ont, facts)
    ours = reason(g, engine="rules", ontology=ont)
    theirs = reason(g, engine="reasonable", ontology=ont)
    assert ours.engine == "rules" and ours.fallback is None
    assert set(ours.triples) == set(theirs.triples)
    assert len(ours.triples) == len(set(ours.triples))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(axiom, max_size=6), st.lists(fact, min_size=1, max_size=8))
def test_rules_give_owlrls_closure(axioms, facts):
    ont = ontology_of(axioms)
    g = data_of(ont, facts)
    assert set(reason(g, engine="rules", ontology=ont).triples) == set(reason(g, engine="owlrl", ontology=ont).triples)


def test_an_inverse_of_a_subproperty_with_a_domain():
    ont = ontology_of([(PROPS[0], RDFS.subPropertyOf, PROPS[1]), (PROPS[1], OWL.inverseOf, PROPS[2]),
                       (PROPS[2], RDFS.domain, CLASSES[0]), (CLASSES[0], RDFS.subClassOf, CLASSES[1])])
    g = data_of(ont, [(NODES[0], PROPS[0], NODES[1])])
    got = set(reason(g, engine="rules", ontology=ont).triples)
    assert got == {(NODES[0], PROPS[1], NODES[1]), (NODES[1], PROPS[2], NODES[0]),
                   (NODES[1], RDF.type, CLASSES[0]), (NODES[1], RDF.type, CLASSES[1])}


@pytest.mark.parametrize("extra", [
    (NODES[0], OWL.sameAs, NODES[1]),                             # equality
    (PROPS[0], RDF.type, OWL.TransitiveProperty),                 # a property characteristic
    (CLASSES[0], OWL.equivalentClass, CLASSES[1]),                # an equivalence
    (EX.Other, RDFS.subClassOf, CLASSES[0]),                      # an axiom about a term outside the ontology
    (EX.Other, RDF.type, OWL.Class),                              # a declaration outside the ontology
    (PROPS[0], RDFS.subPropertyOf, RDF.type),                     # a rule that would conclude schema
])
def test_what_the_rules_do_not_cover_falls_back_to_reasonable(extra):
    ont = ontology_of([(PROPS[0], RDFS.domain, CLASSES[0]), (PROPS[1], OWL.inverseOf, PROPS[0])])
    g = data_of(ont, [(NODES[0], PROPS[0], NODES[1]), (NODES[1], PROPS[0], NODES[2]), extra])
    result = reason(g, engine="rules", ontology=ont)
    assert result.engine == "reasonable" and result.fallback
    assert set(result.triples) == set(reason(g, engine="reasonable", ontology=ont).triples)


def test_unsupported_names_what_it_met():
    with pytest.raises(Unsupported, match="sameAs"):
        apply([(NODES[0], OWL.sameAs, NODES[1])], compile_rules([], set()))
    with pytest.raises(Unsupported, match="SymmetricProperty"):
        apply([(PROPS[0], RDF.type, OWL.SymmetricProperty)], compile_rules([], {PROPS[0]}))
    with pytest.raises(Unsupported, match="not a term of the ontology"):
        compile_rules([(CLASSES[0], RDFS.subClassOf, CLASSES[1])], set())


def test_conclusions_come_in_input_order_without_the_asserted_ones():
    rules = compile_rules([(PROPS[0], OWL.inverseOf, PROPS[1]), (CLASSES[0], RDFS.subClassOf, CLASSES[1])],
                          {PROPS[0], CLASSES[0]})
    facts = [(NODES[2], PROPS[0], NODES[3]), (NODES[0], RDF.type, CLASSES[0]), (NODES[3], PROPS[1], NODES[2]),
             (NODES[1], PROPS[0], NODES[0]), (NODES[0], PROPS[1], NODES[1])]
    assert apply(facts, rules) == [(NODES[0], RDF.type, CLASSES[1])]
    assert apply(facts[:2] + facts[3:4], rules) == [(NODES[3], PROPS[1], NODES[2]), (NODES[0], RDF.type, CLASSES[1]),
                                                   (NODES[0], PROPS[1], NODES[1])]
