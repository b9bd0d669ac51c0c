from hypothesis import given
from hypothesis import strategies as st
from rdflib import XSD, Graph, Literal
from rdflib.namespace import RDFS

from kg.extract import extract
from kg.rdf import Minter, clean_literal, date_literal, to_graph
from kg.resolve import resolve
from kg.terms import KG

from .conftest import make_article


def graph(kb, body, **kw):
    x = extract(make_article(body, **kw), kb=kb)
    return to_graph(resolve([x], kb=kb), kb=kb)


def test_dates_are_typed_at_their_precision():
    assert date_literal("2025-01-13").datatype == XSD.date
    assert date_literal("2025-01").datatype == XSD.gYearMonth
    assert date_literal("2025").datatype == XSD.gYear


def test_iris_are_readable_and_deterministic(kb):
    body = "Cho Tae-yul and Takeshi Iwaya met in Seoul on Monday."
    g1 = graph(kb, body).serialize(format="turtle")
    g2 = graph(kb, body).serialize(format="turtle")
    assert g1 == g2
    assert "id/person/cho-tae-yul" in g1 and "id/place/seoul" in g1


def test_minter_never_reuses_an_iri_for_another_key():
    m = Minter()
    a = m.entity("person", "new:person:kim-lee")
    b = m.entity("person", "ref:kim-lee")
    assert a != b and m.entity("person", "new:person:kim-lee") == a


def test_provenance_leads_to_article_and_sentence(kb):
    g = graph(kb, "Cho Tae-yul and Takeshi Iwaya met in Seoul on Monday.", title="T")
    q = """SELECT ?text ?start ?art WHERE { ?e a kg:Meeting ; kg:evidence ?s ; kg:mentionedIn ?art .
           ?s kg:text ?text ; kg:startOffset ?start ; kg:inArticle ?art . }"""
    rows = list(g.query(q, initNs={"kg": KG}))
    assert rows and "met in Seoul" in str(rows[0][0]) and int(rows[0][1]) == 0


def test_graph_is_self_contained(kb):
    g = graph(kb, "Cho met Iwaya.")
    assert (KG.Summit, RDFS.label, None) in g or any(g.triples((KG.Summit, RDFS.label, None)))


@given(st.text())
def test_any_text_makes_a_valid_literal(text):
    g = Graph()
    from rdflib import URIRef
    g.add((URIRef("urn:x"), RDFS.label, Literal(clean_literal(text))))
    data = g.serialize(format="turtle")
    g2 = Graph().parse(data=data, format="turtle")
    assert len(g2) == 1
