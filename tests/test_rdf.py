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


def test_role_claims_are_dated_by_their_sentence_else_by_publication(kb):
    body = ("In 1998, Prime Minister Keizo Obuchi met President Kim Dae-jung in Tokyo. "
            "Foreign Minister Cho Tae-yul spoke.")
    g = graph(kb, body, published="2025-01-15")
    as_of = {str(s).rsplit("/claim/", 1)[-1]: str(o) for s, o in g.subject_objects(KG.asOf)}
    assert as_of == {"keizo-obuchi/t/prime-minister": "1998", "kim-dae-jung/t/president": "1998",
                     "cho-tae-yul/t/foreign-minister": "2025-01-15"}


def _indexes(g):
    """A SimpleMemory store's three indexes as nested lists, in their dicts' order."""
    def listed(d):
        return [(k, listed(v)) for k, v in d.items()] if isinstance(d, dict) else d
    return [listed(getattr(g.store, f"_SimpleMemory__{name}")) for name in ("spo", "pos", "osp")]


def test_adder_fills_the_store_as_graph_add_does():
    from rdflib import URIRef
    from rdflib.plugins.stores.memory import SimpleMemory

    from kg.rdf import adder
    a, b = URIRef("urn:a"), URIRef("urn:b")
    triples = [(a, RDFS.label, Literal("A")), (b, RDFS.label, Literal("A")), (a, KG.party, b),
               (a, RDFS.label, Literal("A")), (b, KG.startOffset, Literal(1)), (URIRef("urn:a"), KG.party, a),
               (b, RDFS.label, Literal("A", lang="en")), (b, KG.startOffset, Literal("1"))]
    expected, fast = Graph(store=SimpleMemory()), Graph(store=SimpleMemory())
    add = adder(fast)
    for t in triples:
        expected.add(t)
        add(t)
    assert _indexes(fast) == _indexes(expected)
    assert list(fast) == list(expected) and len(fast) == 7


def test_triples_with_gives_a_predicates_triples_from_any_store():
    from rdflib import Dataset, URIRef
    from rdflib.plugins.stores.memory import SimpleMemory

    from kg.rdf import triples_with
    a, b = URIRef("urn:a"), URIRef("urn:b")
    triples = [(a, RDFS.label, Literal("A")), (b, RDFS.label, Literal("B")), (a, KG.party, b), (b, KG.party, a)]
    ds = Dataset()
    ds.graph(URIRef("urn:other")).add((a, RDFS.label, Literal("elsewhere")))
    for g in (Graph(), Graph(store=SimpleMemory()), ds.graph(URIRef("urn:g"))):
        for t in triples:
            g.add(t)
        for p in (RDFS.label, KG.party, KG.role):
            assert sorted(triples_with(g, p)) == sorted(g.triples((None, p, None)))
