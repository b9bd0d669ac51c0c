"""RDF -> NetworkX: nodes, edges, attributes, provenance, reasoned links, narrowing, the
node budget, CONSTRUCT results, and GraphML/GEXF. Graphs are built here in rdflib, shaped
like kg's output, so these tests need no extraction run."""
from __future__ import annotations

import re

import networkx as nx
import pytest
from rdflib import RDF, RDFS, Graph, Literal
from rdflib.namespace import DCTERMS, SKOS, XSD

from kg import graphexport as gx
from kg.errors import InputError, QueryError
from kg.reason import reason
from kg.terms import DATA, KG

SK, JP = DATA["country/south-korea"], DATA["country/japan"]
KIM, OBUCHI = DATA["person/kim-dae-jung"], DATA["person/keizo-obuchi"]
CHO, IWAYA = DATA["person/cho-tae-yul"], DATA["person/takeshi-iwaya"]
ASSEMBLY = DATA["organization/national-assembly"]
TOKYO, SEOUL = DATA["place/tokyo"], DATA["place/seoul"]
DECL = DATA["agreement/kim-obuchi-declaration"]
HISTORY = DATA["dispute/historical-issues"]
SUMMIT = DATA["event/1998-10-08-summit-kim-dae-jung-keizo-obuchi"]
MEETING = DATA["event/2025-01-13-meeting-cho-tae-yul-takeshi-iwaya"]
VISIT = DATA["event/2025-01-visit-takeshi-iwaya"]
A1, A2 = DATA["article/a1"], DATA["article/a2"]
DECL_SENTENCE = "In 1998, Kim Dae-jung and Keizo Obuchi signed the Kim-Obuchi Joint Declaration in Tokyo."


def sentence(g: Graph, article, index: int, text: str):
    s = DATA[f"{str(article)[len(str(DATA)):]}/sentence/{index}"]
    g.add((s, RDF.type, KG.Sentence))
    g.add((s, KG.inArticle, article))
    g.add((s, KG.text, Literal(text)))
    g.add((s, KG.sentenceIndex, Literal(index)))
    g.add((s, KG.startOffset, Literal(index * 100)))
    g.add((s, KG.endOffset, Literal(index * 100 + len(text))))
    return s


def tiny_graph(names: dict | None = None) -> Graph:
    """A small graph in kg's shape. `names` overrides labels and titles (for the injection
    tests): keys person, organization, title, dispute, sentence."""
    names = names or {}
    g = Graph()
    g.bind("kg", KG._NS)

    def node(iri, cls, label, **extra):
        g.add((iri, RDF.type, cls))
        g.add((iri, RDFS.label, Literal(label)))
        for p, values in extra.items():
            for v in values if isinstance(values, list) else [values]:
                g.add((iri, getattr(KG, p) if p not in ("altLabel",) else SKOS.altLabel, v))

    node(SK, KG.Country, "South Korea", altLabel=[Literal("Republic of Korea"), Literal("ROK")])
    node(JP, KG.Country, "Japan")
    node(KIM, KG.Person, names.get("person", "Kim Dae-jung"), country=SK, role=Literal("President"),
         altLabel=Literal("DJ"))
    node(OBUCHI, KG.Person, "Keizo Obuchi", country=JP, role=Literal("Prime Minister"))
    node(CHO, KG.Person, "Cho Tae-yul", country=SK)
    node(IWAYA, KG.Person, "Takeshi Iwaya", country=JP)
    node(ASSEMBLY, KG.Organization, names.get("organization", "National Assembly"), country=SK)
    node(TOKYO, KG.Place, "Tokyo", country=JP)
    node(SEOUL, KG.Place, "Seoul", country=SK)
    node(DECL, KG.Agreement, "Japan–Republic of Korea Joint Declaration",
         altLabel=[Literal("Kim-Obuchi Declaration")], kind=Literal("joint-declaration"),
         date=Literal("1998-10-08", datatype=XSD.date), signatory=[KIM, OBUCHI], party=[SK, JP], concerns=HISTORY)
    node(HISTORY, KG.Dispute, names.get("dispute", "Historical issues"), party=[SK, JP])
    node(SUMMIT, KG.Summit, "Summit of Kim Dae-jung and Keizo Obuchi (1998-10-08)", kind=Literal("summit"),
         date=Literal("1998-10-08", datatype=XSD.date), participant=[KIM, OBUCHI], location=TOKYO, outcome=DECL)
    node(MEETING, KG.Meeting, "Meeting of Cho Tae-yul and Takeshi Iwaya in Seoul (2025-01-13)",
         kind=Literal("meeting"), date=Literal("2025-01-13", datatype=XSD.date), participant=[CHO, IWAYA],
         location=SEOUL)
    node(VISIT, KG.Visit, "Visit by Takeshi Iwaya to Seoul (2025-01)", kind=Literal("visit"),
         date=Literal("2025-01", datatype=XSD.gYearMonth), participant=IWAYA, location=SEOUL)
    for a, title, issued in ((A1, names.get("title", "Kim and Obuchi, 25 years on"), "2023-10"), (A2, None, "2025-01-14")):
        g.add((a, RDF.type, KG.Article))
        g.add((a, RDFS.label, Literal(title or "a2")))
        if title:
            g.add((a, DCTERMS.title, Literal(title)))
        g.add((a, DCTERMS.issued, Literal(issued, datatype=XSD.gYearMonth if len(issued) == 7 else XSD.date)))
    s_decl_late = sentence(g, A1, 12, "The declaration still guides both governments.")
    s_decl = sentence(g, A1, 3, names.get("sentence", DECL_SENTENCE))
    s_meet = sentence(g, A2, 0, "Cho Tae-yul met Takeshi Iwaya in Seoul on Monday.")
    for n, sents, arts in ((DECL, [s_decl, s_decl_late], [A1]), (SUMMIT, [s_decl], [A1]), (KIM, [s_decl], [A1]),
                           (OBUCHI, [s_decl], [A1]), (MEETING, [s_meet], [A2]), (CHO, [s_meet], [A2]),
                           (IWAYA, [s_meet], [A2]), (HISTORY, [s_decl_late], [A1, A2]), (ASSEMBLY, [s_meet], [A2])):
        for s in sents:
            g.add((n, KG.evidence, s))
        for a in arts:
            g.add((n, KG.mentionedIn, a))
    return g


@pytest.fixture(scope="module")
def graph():
    return tiny_graph()


@pytest.fixture(scope="module")
def G(graph):
    return gx.to_networkx(graph)


def test_nodes_are_the_drawable_classes_with_their_most_specific_class(G):
    types = dict(G.nodes(data="type"))
    assert types[str(SUMMIT)] == "Summit" and types[str(MEETING)] == "Meeting" and types[str(VISIT)] == "Visit"
    assert types[str(SK)] == "Country" and types[str(KIM)] == "Person" and types[str(ASSEMBLY)] == "Organization"
    assert types[str(DECL)] == "Agreement" and types[str(HISTORY)] == "Dispute" and types[str(TOKYO)] == "Place"
    assert G.number_of_nodes() == 14  # no articles, no sentences
    assert not any(t in ("Article", "Sentence") for t in types.values())


def test_edges_are_object_properties_labelled_by_the_ontology(G):
    edges = {(u, v, k): d for u, v, k, d in G.edges(keys=True, data=True)}
    d = edges[(str(SUMMIT), str(KIM), "kg:participant")]
    assert d["label"] == "participant" and d["predicate"] == str(KG.participant) and d["inferred"] is False
    assert edges[(str(DECL), str(OBUCHI), "kg:signatory")]["label"] == "signatory"
    assert edges[(str(SUMMIT), str(DECL), "kg:outcome")]["label"] == "outcome"
    assert edges[(str(SUMMIT), str(TOKYO), "kg:location")]["label"] == "location"
    assert {k for *_, k in G.edges(keys=True)} == {"kg:participant", "kg:signatory", "kg:party", "kg:concerns",
                                                   "kg:outcome", "kg:location", "kg:country"}
    # no edge to anything that is not a node (articles, sentences)
    assert not any(k in ("kg:mentionedIn", "kg:evidence") for *_, k in G.edges(keys=True))


def test_literals_become_attributes_and_provenance_is_ordered(G):
    decl = G.nodes[str(DECL)]
    assert decl["label"] == "Japan–Republic of Korea Joint Declaration"
    assert decl["date"] == "1998-10-08" and decl["kind"] == "joint-declaration"
    assert decl["altLabel"] == ["Kim-Obuchi Declaration"]
    # evidence in article and sentence order (3 before 12, as numbers), with the article's title
    assert [e["index"] for e in decl["evidence"]] == [3, 12]
    assert decl["evidence"][0]["text"] == DECL_SENTENCE
    assert decl["evidence"][0]["article"] == "Kim and Obuchi, 25 years on"
    assert decl["evidence"][0]["issued"] == "2023-10"
    assert decl["sources"] == ["Kim and Obuchi, 25 years on"]
    kim = G.nodes[str(KIM)]
    assert kim["role"] == ["President"] and kim["altLabel"] == ["DJ"]
    assert G.nodes[str(SK)]["altLabel"] == ["ROK", "Republic of Korea"]
    # an article without a title is named by its label
    assert G.nodes[str(HISTORY)]["sources"] == ["Kim and Obuchi, 25 years on", "a2"]
    assert G.graph["articles"] == 2 and G.graph["date_from"] == "1998-10-08" and G.graph["date_to"] == "2025-01-13"


def test_articles_on_request(graph):
    G = gx.to_networkx(graph, articles=True)
    assert G.nodes[str(A1)]["type"] == "Article" and G.nodes[str(A1)]["title"] == "Kim and Obuchi, 25 years on"
    assert G.has_edge(str(DECL), str(A1), key="kg:mentionedIn")
    assert G.number_of_nodes() == 16


def test_reasoned_links_are_left_out_or_marked(graph, G):
    inferred = reason(graph).inferred
    assert not any(d["inferred"] for *_, d in G.edges(data=True))
    R = gx.to_networkx(graph, inferred=inferred)
    assert set(R.nodes) == set(G.nodes)
    marked = {(u, v, k) for u, v, k, d in R.edges(keys=True, data=True) if d["inferred"]}
    assert (str(KIM), str(SUMMIT), "kg:participatedIn") in marked
    assert (str(KIM), str(DECL), "kg:signed") in marked
    # the asserted links are all still there, unmarked
    for u, v, k in G.edges(keys=True):
        assert R.edges[u, v, k]["inferred"] is False
    # a statement that is both asserted and inferred counts as asserted
    both = Graph()
    both.add((SUMMIT, KG.participant, KIM))
    B = gx.to_networkx(graph, inferred=both)
    assert B.edges[str(SUMMIT), str(KIM), "kg:participant"]["inferred"] is False


def test_types_take_in_subclasses(graph):
    events = gx.to_networkx(graph, types=["Event"])
    assert set(events) == {str(SUMMIT), str(MEETING), str(VISIT)}
    assert gx.class_closure(["actor"]) == {"Person", "Country", "Organization"}
    assert gx.class_closure(["Place"]) == {"Place", "Country"}
    assert gx.class_closure(["Meeting,Agreement"]) == {"Meeting", "Summit", "Agreement"}
    with pytest.raises(InputError, match="unknown class 'Treaty'"):
        gx.class_closure(["Treaty"])


def test_find_node_by_iri_label_alias_or_unique_part(G):
    assert gx.find_node(G, str(DECL)) == str(DECL)
    assert gx.find_node(G, "  kim-obuchi   DECLARATION ") == str(DECL)
    assert gx.find_node(G, "Keizo Obuchi") == str(OBUCHI)
    assert gx.find_node(G, "National Assem") == str(ASSEMBLY)
    with pytest.raises(InputError, match="names 2 nodes"):
        gx.find_node(G, "Seoul (")  # part of the meeting's and the visit's labels
    with pytest.raises(InputError, match="no node is named"):
        gx.find_node(G, "Abe Shinzo")


def test_focus_and_hops(G):
    one = gx.narrow(G, focus="Kim-Obuchi Declaration", hops=1)
    assert set(one) == {str(DECL), str(KIM), str(OBUCHI), str(SK), str(JP), str(HISTORY), str(SUMMIT)}
    zero = gx.narrow(G, focus="Kim-Obuchi Declaration", hops=0)
    assert set(zero) == {str(DECL)}
    two = gx.narrow(G, focus="Kim Dae-jung", hops=2)
    assert str(DECL) in two and str(TOKYO) in two and str(MEETING) not in two
    assert two.graph == G.graph  # coverage travels along
    with pytest.raises(InputError):
        gx.narrow(G, focus="Kim Dae-jung", hops=-1)


def test_date_range_keeps_dated_nodes_and_what_is_linked_to_them(G):
    recent = gx.narrow(G, since="2025")
    assert {n for n in recent if G.nodes[n].get("date")} == {str(MEETING), str(VISIT)}
    assert str(CHO) in recent and str(SEOUL) in recent  # linked to a kept event
    assert str(KIM) not in recent and str(DECL) not in recent and str(ASSEMBLY) not in recent
    # a month-precision date overlaps a day range inside it
    jan = gx.narrow(G, since="2025-01-20", until="2025-01-31")
    assert {n for n in jan if G.nodes[n].get("date")} == {str(VISIT)}
    old = gx.narrow(G, until="1999")
    assert {n for n in old if G.nodes[n].get("date")} == {str(SUMMIT), str(DECL)}
    with pytest.raises(InputError, match="not a date"):
        gx.narrow(G, since="2025-13")
    with pytest.raises(InputError, match="after"):
        gx.narrow(G, since="2025", until="2024")


def test_interval_of_dates():
    assert gx.date_interval("2024") == ("2024-01-01", "2024-12-31")
    assert gx.date_interval("2024-02") == ("2024-02-01", "2024-02-29")
    assert gx.date_interval("2025-01-13") == ("2025-01-13", "2025-01-13")
    assert gx.date_interval("soon") is None
    assert gx.node_interval({"date": "2022-04-24", "endDate": "2022-04-28"}) == ("2022-04-24", "2022-04-28")


def test_budget_keeps_the_most_connected_nodes_and_says_so(G):
    same, note = gx.shrink(G, 0)
    assert same is G and note is None
    same, note = gx.shrink(G, 100)
    assert same is G and note is None
    small, note = gx.shrink(G, 6)
    assert small.number_of_nodes() == 6
    assert str(SK) in small and str(JP) in small  # the two most connected
    assert "Showing 6 of 14 nodes" in note


def test_construct_result_is_drawn_with_descriptions_from_the_graph(graph):
    q = """PREFIX kg: <https://w3id.org/skjkg/ontology#>
           CONSTRUCT { ?e kg:participant ?p } WHERE { ?e a kg:Meeting ; kg:participant ?p }"""
    C = gx.from_construct(graph, gx.run_construct(graph, q))
    assert set(C) == {str(MEETING), str(CHO), str(IWAYA)}
    assert C.nodes[str(CHO)]["type"] == "Person" and C.nodes[str(CHO)]["label"] == "Cho Tae-yul"
    assert C.number_of_edges() == 2
    with pytest.raises(QueryError, match="SELECT query gives no graph"):
        gx.run_construct(graph, "SELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(QueryError) as err:
        gx.run_construct(graph, "CONSTRUCT { ?s ?p ?o }\nWHERE { ?s ?p }", source="bad.rq")
    assert "bad.rq" in str(err.value) and err.value.line == 2


def test_graphml_and_gexf_round_trip_and_are_deterministic(G, tmp_path):
    ml = gx.write_graphml(G, tmp_path / "g.graphml")
    gexf = gx.write_gexf(G, tmp_path / "g.gexf")
    for path, read in ((ml, nx.read_graphml), (gexf, nx.read_gexf)):
        R = read(path)
        assert R.number_of_nodes() == G.number_of_nodes() and R.number_of_edges() == G.number_of_edges()
    R = nx.read_graphml(ml)
    decl = R.nodes[str(DECL)]
    assert decl["type"] == "Agreement" and decl["date"] == "1998-10-08"
    assert DECL_SENTENCE in decl["evidence"] and decl["altLabel"] == "Kim-Obuchi Declaration"
    for path in (ml, gexf):
        ids = re.findall(r'<edge [^>]*\bid="([^"]+)"', path.read_text())
        assert len(ids) == G.number_of_edges() and len(set(ids)) == len(ids)  # as Gephi and Cytoscape want
    assert {d["property"] for *_, d in R.edges(data=True)} >= {"kg:participant", "kg:signatory"}
    assert gx.graphml_bytes(G) == gx.graphml_bytes(gx.to_networkx(tiny_graph()))
    assert gx.gexf_bytes(G) == gx.gexf_bytes(gx.to_networkx(tiny_graph()))
    assert b"lastmodifieddate" not in gx.gexf_bytes(G)


def _same_networkx(a: nx.MultiDiGraph, b: nx.MultiDiGraph) -> bool:
    return (list(a.nodes(data=True)) == list(b.nodes(data=True)) and a.graph == b.graph
            and list(a.edges(keys=True, data=True)) == list(b.edges(keys=True, data=True)))


def test_the_same_drawing_from_any_store(graph, G):
    """to_networkx reads an in-memory store's index directly (gx._Reader, kg.rdf.triples_of),
    and rdflib's pattern matching for any other store: the same nodes, attributes and edges."""
    from rdflib import Dataset
    from rdflib.plugins.stores.memory import SimpleMemory
    simple = Graph(store=SimpleMemory())
    ds = Dataset()
    ds.graph(DATA["elsewhere"]).add((KIM, RDFS.label, Literal("not in this graph")))
    named = ds.graph(DATA["named"])
    for t in graph:
        simple.add(t)
        named.add(t)
    assert gx._Reader(simple).spo is not None and gx._Reader(named).spo is None
    inferred = list(reason(graph).inferred)
    for g in (simple, named):
        assert _same_networkx(gx.to_networkx(g), G)
        assert _same_networkx(gx.to_networkx(g, inferred=inferred, articles=True),
                              gx.to_networkx(graph, inferred=inferred, articles=True))


def test_reader_gives_what_rdflib_gives_in_its_order(graph):
    read = gx._Reader(graph)
    assert read.spo is not None
    for s in set(graph.subjects()) | {DATA["nothing"]}:
        assert list(read.predicate_objects(s)) == list(graph.predicate_objects(s))
        for p in set(graph.predicates(s)) | {KG.text}:
            assert list(read.objects(s, p)) == list(graph.objects(s, p))
