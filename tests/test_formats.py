"""Interoperable output: graph.ttl parses with rdflib, Oxigraph and Raptor's rapper and
round-trips to an isomorphic graph; N-Triples, TriG (one named graph per article) and
JSON-LD (with kg's published context) say the same; text holding characters a serializer
must escape stays valid and keeps its exact label."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pyoxigraph
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import RDF, RDFS, BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS

import kg
from kg import formats
from kg.terms import DATA, KG

ROOT = Path(__file__).resolve().parent.parent
RAPPER = shutil.which("rapper")
needs_rapper = pytest.mark.skipif(RAPPER is None, reason="rapper (Debian package raptor2-utils) is not installed; "
                                                         ".ci/run installs it")


@pytest.fixture(scope="module")
def seed_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("formats") / "build"
    result = kg.build([ROOT / "seeds"], out=out, formats=["nt", "trig", "jsonld"], validation=False)
    return out, result


def ox_count(path: Path, fmt) -> int:
    return sum(1 for _ in pyoxigraph.parse(path=str(path), format=fmt))


def rapper_ntriples(path: Path, syntax: str) -> Graph:
    proc = subprocess.run([RAPPER, "-q", "-i", syntax, "-o", "ntriples", str(path)], capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    return Graph().parse(data=proc.stdout.decode("utf-8"), format="nt")


def test_turtle_parses_in_rdflib_and_oxigraph_and_round_trips(seed_out):
    out, result = seed_out
    g = Graph().parse(out / "graph.ttl", format="turtle")
    assert len(g) == result.triples
    assert ox_count(out / "graph.ttl", pyoxigraph.RdfFormat.TURTLE) == result.triples
    again = Graph().parse(data=g.serialize(format="turtle"), format="turtle")
    assert isomorphic(g, again)


@needs_rapper
@pytest.mark.parametrize("name,syntax", [("graph.ttl", "turtle"), ("graph.nt", "ntriples"),
                                         ("graph.trig", "trig"), ("inferred.ttl", "turtle")])
def test_rapper_reads_every_output_to_the_same_graph(seed_out, name, syntax):
    out, _ = seed_out
    via_rapper = rapper_ntriples(out / name, syntax)
    if name == "graph.trig":
        expected = Graph().parse(out / "graph.ttl")  # rapper reads a TriG file's quads as one graph
    else:
        expected = Graph().parse(out / name, format="nt" if syntax == "ntriples" else "turtle")
    assert isomorphic(via_rapper, expected)


def test_ntriples_is_the_same_graph_sorted_one_triple_a_line(seed_out):
    out, result = seed_out
    lines = (out / "graph.nt").read_bytes().splitlines()
    assert lines == sorted(lines) and len(lines) == result.triples
    assert isomorphic(Graph().parse(out / "graph.nt", format="nt"), Graph().parse(out / "graph.ttl"))
    assert ox_count(out / "graph.nt", pyoxigraph.RdfFormat.N_TRIPLES) == result.triples


def test_trig_has_one_named_graph_per_article_and_their_union_is_the_graph(seed_out):
    out, result = seed_out
    ds = Dataset()
    ds.parse(out / "graph.trig", format="trig")
    articles = {str(a) for a in Graph().parse(out / "graph.ttl").subjects(RDF.type, KG.Article)}
    names = {str(g.identifier) for g in ds.graphs() if len(g) and str(g.identifier) != str(ds.default_context.identifier)}
    assert names == articles and len(articles) == 5
    union = Graph()
    for s, p, o, _g in ds.quads():
        union.add((s, p, o))
    assert isomorphic(union, Graph().parse(out / "graph.ttl"))
    assert sum(1 for _ in pyoxigraph.parse(path=str(out / "graph.trig"), format=pyoxigraph.RdfFormat.TRIG)) >= result.triples
    # provenance by graph: an article's graph says what it mentions, with its own sentences only
    a = sorted(articles)[-1]
    g = ds.graph(URIRef(a))
    assert (URIRef(a), RDF.type, KG.Article) in g
    for s, o in g.subject_objects(KG.mentionedIn):
        assert str(o) == a
    for o in g.objects(None, KG.evidence):
        assert str(o).startswith(a + "/sentence/")
    people = set(g.subjects(RDF.type, KG.Person))
    assert people and all((p, KG.mentionedIn, URIRef(a)) in g for p in people)


def test_jsonld_refers_to_the_published_context_and_says_the_same(seed_out):
    out, _ = seed_out
    doc = json.loads((out / "graph.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"] == "context.jsonld"
    assert (out / "context.jsonld").read_bytes() == (ROOT / "ontology" / "context.jsonld").read_bytes()
    ids = [n["@id"] for n in doc["@graph"]]
    assert ids == sorted(ids, key=lambda i: (i.startswith("_:"), i))
    g = Graph().parse(out / "graph.jsonld", format="json-ld")  # resolves context.jsonld beside it
    assert isomorphic(g, Graph().parse(out / "graph.ttl"))
    # a second implementation, with the context given inline (Oxigraph loads no remote contexts)
    doc["@context"] = json.loads((out / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    n = sum(1 for _ in pyoxigraph.parse(json.dumps(doc).encode("utf-8"), format=pyoxigraph.RdfFormat.JSON_LD))
    assert n == len(g)
    meeting = next(n for n in doc["@graph"] if "kg:Meeting" in (n.get("@type") or []))
    assert isinstance(meeting["participant"], list) and all(p.startswith("kgr:") for p in meeting["participant"])


def test_context_has_a_term_for_every_kg_property():
    from rdflib import OWL
    ctx = formats.context()
    terms = {ctx["kg"] + d["@id"].split(":", 1)[1]: d for d in ctx.values()
             if isinstance(d, dict) and d.get("@id", "").startswith("kg:")}
    ontology = Graph().parse(ROOT / "ontology" / "kg.ttl")
    for kind, coerced in ((OWL.ObjectProperty, True), (OWL.DatatypeProperty, False)):
        for prop in ontology.subjects(RDF.type, kind):
            if str(prop).startswith(str(KG._NS)):
                assert str(prop) in terms, f"ontology/context.jsonld has no term for {prop}"
                assert (terms[str(prop)].get("@type") == "@id") == coerced, prop


# ---------------------------------------------------------------------------- awkward text

AWKWARD_TITLE = 'He said "no" to <b>Tokyo</b> \\ # > it\'s 50% — 🇰🇷🇯🇵\nsecond line'
AWKWARD_AUTHOR = 'Kim "Jay" O\'Neil <kim@example.org> \\ #1'
AWKWARD_PUBLISHER = "The <Daily> \\ \"Herald\" # >"


@pytest.fixture(scope="module")
def awkward_out(tmp_path_factory):
    arts = tmp_path_factory.mktemp("awkward")
    fm = ("---\n"
          f"title: {json.dumps(AWKWARD_TITLE + chr(7))}\n"
          f"authors: [{json.dumps(AWKWARD_AUTHOR)}]\n"
          f"publisher: {json.dumps(AWKWARD_PUBLISHER)}\n"
          "published: 2025-01-13\n"
          "url: https://example.org/a?b=1&c=<2>\n"
          "---\n")
    body = ('South Korean Foreign Minister Cho Tae-yul and Japanese Foreign Minister Takeshi Iwaya met in Seoul '
            'on Monday to discuss "<ties> \\ under any # circumstances" > 😀 and\x0b more.\n\n'
            'Cho Tae-yul said Seoul and Tokyo > any differences.\n')
    (arts / "we\"ird <name> #1 😀.txt").write_text(fm + body, encoding="utf-8")
    out = arts / "out"
    result = kg.build([arts], out=out, formats=["nt", "trig", "jsonld"], validation=False)
    return out, result


def test_awkward_text_gives_valid_output_everywhere(awkward_out):
    out, result = awkward_out
    assert result.articles == 1 and not result.skipped
    g = Graph().parse(out / "graph.ttl")
    assert ox_count(out / "graph.ttl", pyoxigraph.RdfFormat.TURTLE) == len(g)
    assert ox_count(out / "graph.nt", pyoxigraph.RdfFormat.N_TRIPLES) == len(g)
    assert isomorphic(Graph().parse(out / "graph.jsonld", format="json-ld"), g)
    if RAPPER:
        assert isomorphic(rapper_ntriples(out / "graph.ttl", "turtle"), g)
        assert isomorphic(rapper_ntriples(out / "graph.nt", "ntriples"), g)


def test_awkward_text_keeps_its_exact_labels(awkward_out):
    out, _ = awkward_out
    g = Graph().parse(out / "graph.ttl")
    art = next(g.subjects(RDF.type, KG.Article))
    assert str(art) == str(DATA) + "article/we-ird-name-1"
    assert str(g.value(art, DCTERMS.title)) == AWKWARD_TITLE  # the bell character dropped, the rest exact
    assert str(g.value(art, KG.sourceFile)).endswith('we"ird <name> #1 😀.txt')
    assert str(g.value(art, DCTERMS.source)) == "https://example.org/a?b=1&c=<2>"
    author = g.value(art, KG.author)
    assert str(g.value(author, RDFS.label)) == AWKWARD_AUTHOR
    publisher = g.value(art, KG.publisher)
    assert str(g.value(publisher, RDFS.label)) == AWKWARD_PUBLISHER
    texts = [str(t) for t in g.objects(None, KG.text)]
    assert any('to discuss "<ties> \\ under any # circumstances" > 😀 and more.' in t for t in texts), texts
    assert all("\x0b" not in t for t in texts)
    assert Literal(AWKWARD_TITLE) in set(g.objects(art, RDFS.label))


def test_turtle_groups_subjects_in_order_with_their_type_first():
    from rdflib import BNode
    g = Graph()
    b, x, y = BNode("q"), DATA["person/b"], DATA["person/a"]
    g.add((x, RDFS.label, Literal("B")))
    g.add((x, RDF.type, KG.Person))
    g.add((y, RDFS.label, Literal("A")))
    g.add((y, KG.role, Literal("minister")))
    g.add((y, RDF.type, KG.Person))
    g.add((b, RDFS.label, Literal("a blank node")))
    text = formats.turtle(g).decode("utf-8")
    assert text.index("person/a>") < text.index("person/b>") < text.index('"a blank node"')
    a_block = text[text.index("person/a>"):text.index("person/b>")]
    # the type first, then by predicate IRI (http://www.w3.org/...#label before https://w3id.org/...#role)
    assert a_block.index(" a kg:Person") < a_block.index("rdfs:label") < a_block.index("kg:role")
    assert formats.turtle(g) == formats.turtle(Graph().parse(data=text, format="turtle"))


_NS = {"ex": "http://example.org/", "kg": "https://w3id.org/skjkg/ontology#", "xsd": "http://www.w3.org/2001/XMLSchema#",
       "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}
_LOCALS = ["a", "Person", "has-part", "1abc", "a.b", "a.", "a/b", "a#b", "", "a:b", "a%20b", "_x", "-x", "a~b", "é",
           "x_1", "a-"]
_LEXICAL = ["x", "39", "+5", "-0", "007", "1.0", ".5", "1.", "1e3", "1.5E-3", "true", "false", "1", "abc", "NaN",
            "2020-01-01", "", 'a"b', "a\\b", "line\nbreak", "tab\there", "cr\r", "bell\x07", "del\x7f", "’quote’", "한국"]
_DATATYPES = [None, *("http://www.w3.org/2001/XMLSchema#" + d for d in
                      ("string", "integer", "decimal", "double", "boolean", "date", "gYear")), "http://other.org/dt"]


def _iris():
    return st.one_of(st.builds(lambda ns, loc: URIRef(ns + loc), st.sampled_from(list(_NS.values())),
                               st.sampled_from(_LOCALS)),
                     st.sampled_from([URIRef("http://other.org/x"), URIRef("urn:isbn:123"),
                                      URIRef("https://w3id.org/skjkg/id/person/kim-dae-jung"),
                                      URIRef("http://example.org/a?b=c&d=e")]))


def _objects():
    literal = st.builds(lambda lex, dt: Literal(lex, datatype=URIRef(dt)) if dt else Literal(lex),
                        st.sampled_from(_LEXICAL), st.sampled_from(_DATATYPES))
    tagged = st.builds(lambda lex, lang: Literal(lex, lang=lang), st.sampled_from(_LEXICAL),
                       st.sampled_from(["en", "ko", "en-gb", "ja-Latn"]))
    return st.one_of(_iris(), literal, tagged, st.sampled_from([BNode("b0"), BNode("b12")]))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.one_of(_iris(), st.sampled_from([BNode("b0"), BNode("b1")])),
                          st.one_of(_iris(), st.just(URIRef(str(RDF.type)))), _objects()), max_size=12),
       st.sets(st.sampled_from(sorted(_NS))))
def test_the_turtle_writer_writes_what_pyoxigraph_writes(triples, names):
    """formats.TurtleWriter puts graph.ttl together itself; it must give pyoxigraph's bytes."""
    import pyoxigraph as ox

    from kg.formats import TurtleWriter, _sorted
    from kg.store import to_oxigraph
    triples = _sorted(list(dict.fromkeys(triples)))
    prefixes = {n: _NS[n] for n in sorted(names)}
    try:
        expected = ox.serialize([ox.Triple(*map(to_oxigraph, t)) for t in triples], format=ox.RdfFormat.TURTLE,
                                prefixes=prefixes) or b""
    except ValueError:  # not an IRI ("...#a#b"): refused as pyoxigraph refuses it
        with pytest.raises(ValueError):
            TurtleWriter(prefixes).write(triples)
        return
    assert TurtleWriter(prefixes).write(triples) == expected
