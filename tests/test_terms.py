from rdflib import OWL, RDF, RDFS, Graph

from kg import resources
from kg.terms import KG


def test_every_namespace_term_is_declared_with_label_and_comment():
    g = Graph().parse(resources.path("kg.ttl"))
    declared = {s for s in g.subjects(RDF.type, None) if str(s).startswith(str(KG._NS))}
    names = {str(KG._NS) + n for n in KG.__annotations__}
    assert {str(d) for d in declared} == names
    for term in declared:
        assert g.value(term, RDFS.label) is not None, term
        assert g.value(term, RDFS.comment) is not None, term


def test_contract_hierarchy():
    g = Graph().parse(resources.path("kg.ttl"))
    for sub, sup in [(KG.Person, KG.Actor), (KG.Country, KG.Actor), (KG.Organization, KG.Actor),
                     (KG.Country, KG.Place), (KG.Meeting, KG.Event), (KG.Summit, KG.Meeting), (KG.Visit, KG.Event)]:
        assert (sub, RDFS.subClassOf, sup) in g
    assert (KG.Agreement, RDFS.subClassOf, KG.Event) not in g
    assert (None, RDF.type, OWL.Ontology) in g


def test_misspelt_term_raises():
    import pytest
    with pytest.raises(AttributeError):
        KG.Sumit  # noqa: B018
