"""The graph in other RDF formats, each byte-identical for the same graph.

    write(graph, "nt") -> bytes

- `turtle` (graph.ttl): Turtle written by pyoxigraph from the sorted triples.
- `nt` (graph.nt): N-Triples, one triple a line, lines sorted.
- `trig` (graph.trig): TriG with one named graph per article: the graph named by an
  article's IRI holds the article node, its sentences and every statement about a node
  the article mentions (kg:mentionedIn), with kg:mentionedIn and kg:evidence only for that
  article; the default graph holds the rest (the ontology, offices and tenures from the
  reference knowledge). `GRAPH ?article { ?event kg:participant ?who }` asks which
  articles mention an event and its participants; the union of all graphs is graph.ttl.
- `jsonld` (graph.jsonld): JSON-LD that refers to kg's published context
  (ontology/context.jsonld, written beside it as context.jsonld), one node object per
  subject, sorted by @id.

Blank nodes (the ontology's RDF lists) get canonical labels (rdflib.compare), so the
same graph always gives the same labels.
"""
from __future__ import annotations

import json
import re
from io import BytesIO

from rdflib import RDF, BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import XSD
from rdflib.plugins.serializers.trig import TrigSerializer

from . import resources
from .rdf import triples_of
from .terms import DATA, KG

FORMATS = {"turtle": "graph.ttl", "nt": "graph.nt", "trig": "graph.trig", "jsonld": "graph.jsonld"}
CONTEXT_FILE = "context.jsonld"


def serialize(graph: Graph, fmt: str) -> bytes:
    if fmt == "turtle":
        return turtle(graph)
    if fmt == "nt":
        return ntriples(graph)
    if fmt == "trig":
        return trig(graph)
    if fmt == "jsonld":
        return jsonld(graph)
    raise ValueError(f"unknown format {fmt!r}")


# ---------------------------------------------------------------------------- Turtle

_DATA = str(DATA)

#: prefixes written in Turtle, when the graph uses them
TURTLE_PREFIXES = {
    "rdf": str(RDF), "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "xsd": str(XSD),
    "owl": "http://www.w3.org/2002/07/owl#", "kg": str(KG._NS), "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/", "dc": "http://purl.org/dc/elements/1.1/",
    "schema": "https://schema.org/", "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "prov": "http://www.w3.org/ns/prov#", "foaf": "http://xmlns.com/foaf/0.1/", "org": "http://www.w3.org/ns/org#",
}


_TYPE = str(RDF.type)
_RANK = {URIRef: 0, BNode: 1, Literal: 2}  # IRIs, then blank nodes, then literals


def _po_key(t):
    p, o = t[1], t[2]
    rank = _RANK.get(type(o))
    if rank is None:  # a subclass of an rdflib term
        rank = 0 if isinstance(o, URIRef) else 1 if isinstance(o, BNode) else 2
    # (str.__eq__: rdflib's own equality is Python code, called for every triple)
    if rank == 2:
        return (not str.__eq__(p, _TYPE), str(p), 2, str(o), str(o.datatype or ""), o.language or "")
    return (not str.__eq__(p, _TYPE), str(p), rank, str(o), "", "")


def _sorted(triples) -> list[tuple]:
    """The triples by subject (IRIs before blank nodes, then by text), each subject's with
    rdf:type first, then by predicate and object; a subject's key is made once."""
    by_subject: dict = {}
    for t in triples:
        by_subject.setdefault(t[0], []).append(t)
    out: list[tuple] = []
    for subject in sorted(by_subject, key=lambda s: (isinstance(s, BNode), str(s))):
        group = by_subject[subject]
        if len(group) > 1:
            group.sort(key=_po_key)
        out.extend(group)
    return out


def _head(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[:cut + 1] if cut >= 0 else iri


def turtle(graph: Graph) -> bytes:
    """Turtle as pyoxigraph writes it (about 3x faster than rdflib's serializer with the
    sorting; 30x without): triples sorted by subject (rdf:type first), predicate and
    object, so one subject's triples are grouped, and blank nodes labelled canonically.
    Prefixes are those of TURTLE_PREFIXES the graph uses. The text is put together here,
    term by term (TurtleWriter), rather than by converting every triple into pyoxigraph's
    objects: the same bytes, in half the time at a million triples."""
    triples = _sorted(canonical_triples(graph))
    # the namespaces in use: each distinct IRI cut after its last "#" or "/" (a few hundred)
    heads = {_head(str(x)) for x in {x for t in triples for x in (t[1], t[2] if str.__eq__(t[1], _TYPE) else t[0])}}
    used = {name: ns for name, ns in sorted(TURTLE_PREFIXES.items()) if any(h.startswith(ns) for h in heads)}
    return TurtleWriter(used).write(triples)


_XSD = str(XSD)
_XSD_STRING = _XSD + "string"
# literals pyoxigraph writes bare, by datatype: their lexical forms that it leaves unquoted
_BARE = {_XSD + "integer": re.compile(r"[+-]?[0-9]+\Z"), _XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+\Z"),
         _XSD + "double": re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+\Z"),
         _XSD + "boolean": re.compile(r"(?:true|false)\Z")}
# an IRI certainly valid as written (no "%", brackets or second "#": pyoxigraph checks those)
_PLAIN_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9!$&'()*+,\-./:;=?@_~]*(?:#[A-Za-z0-9!$&'()*+,\-./:;=?@_~]*)?\Z")
_PLAIN_LOCAL = re.compile(r"[A-Za-z](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?\Z")
_PLAIN_LANG = re.compile(r"[a-z]+(?:-[a-z0-9]+)*\Z")
_PLAIN_BNODE = re.compile(r"[A-Za-z0-9_]+\Z")
_ODD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})
_PROBE = "<urn:kg:turtle:s> <urn:kg:turtle:p> "


class TurtleWriter:
    """Writes sorted rdflib triples as the Turtle pyoxigraph's serializer gives for them
    (tests/test_formats.py compares the two on generated and tricky terms): a subject's
    triples joined with " ;", a predicate's objects with " ,", rdf:type as "a", IRIs of a
    known namespace as prefixed names, numbers and booleans bare. Each distinct term object
    is written once; a term outside the plain cases this writes itself (an IRI with
    characters a prefixed name must escape, a literal with control characters, ...) is
    written by pyoxigraph, so the text is always what it would write."""

    def __init__(self, prefixes: dict[str, str]):
        self.prefixes = prefixes
        self._by_id: dict[int, str] = {}
        self._keep: list = []  # the terms written (their ids stay theirs while this writer lives)

    def write(self, triples: list[tuple]) -> bytes:
        if not triples:
            return b""
        term, out = self.term, []
        cur_s = cur_p = None
        for s, p, o in triples:
            ts, tp, to = term(s), "a" if str.__eq__(p, _TYPE) else term(p), term(o)
            if ts != cur_s:
                if cur_s is not None:
                    out.append(" .\n")
                out.append(f"{ts} {tp} {to}")
                cur_s, cur_p = ts, tp
            elif tp != cur_p:
                out.append(f" ;\n\t{tp} {to}")
                cur_p = tp
            else:
                out.append(f" , {to}")
        out.append(" .\n")
        return (self._header() + "".join(out)).encode("utf-8")

    def _header(self) -> str:
        """The @prefix lines, in pyoxigraph's order."""
        import pyoxigraph as ox
        probe = ox.Triple(ox.NamedNode("urn:kg:turtle:s"), ox.NamedNode("urn:kg:turtle:p"),
                          ox.NamedNode("urn:kg:turtle:o"))
        text = ox.serialize([probe], format=ox.RdfFormat.TURTLE, prefixes=self.prefixes).decode("utf-8")
        return "".join(line for line in text.splitlines(keepends=True) if line.startswith("@prefix"))

    def term(self, t) -> str:
        got = self._by_id.get(id(t))
        if got is None:
            got = self._by_id[id(t)] = self._write_term(t)
            self._keep.append(t)
        return got

    def _write_term(self, t) -> str:
        if isinstance(t, URIRef):
            return self._iri(str(t)) or self._by_pyoxigraph(t)
        if isinstance(t, BNode):
            label = str(t)
            return f"_:{label}" if _PLAIN_BNODE.match(label) else self._by_pyoxigraph(t)
        if isinstance(t, Literal):
            return self._literal(t) or self._by_pyoxigraph(t)
        raise TypeError(f"not an RDF term: {t!r}")

    def _iri(self, iri: str) -> str | None:
        if not iri.isascii() or not _PLAIN_IRI.match(iri):
            return None
        found = [(name, iri[len(ns):]) for name, ns in self.prefixes.items() if iri.startswith(ns)]
        if not found:
            return f"<{iri}>"
        if len(found) == 1 and _PLAIN_LOCAL.match(found[0][1]):
            return f"{found[0][0]}:{found[0][1]}"
        return None  # (an escaped local name, or two namespaces: pyoxigraph decides)

    def _literal(self, t: Literal) -> str | None:
        lex = str(t)
        if _ODD_CHARS.search(lex):
            return None
        quoted = '"' + lex.translate(_ESCAPES) + '"'
        if t.language:
            return f"{quoted}@{t.language}" if _PLAIN_LANG.match(t.language) else None
        dt = t.datatype
        if dt is None or str.__eq__(dt, _XSD_STRING):
            return quoted
        bare = _BARE.get(str(dt))
        if bare is not None and bare.match(lex):
            return lex
        dt_text = self._iri(str(dt))
        return f"{quoted}^^{dt_text}" if dt_text is not None else None

    def _by_pyoxigraph(self, t) -> str:
        import pyoxigraph as ox

        from .store import to_oxigraph
        probe = ox.Triple(ox.NamedNode("urn:kg:turtle:s"), ox.NamedNode("urn:kg:turtle:p"), to_oxigraph(t))
        text = ox.serialize([probe], format=ox.RdfFormat.TURTLE, prefixes=self.prefixes).decode("utf-8")
        line = text.splitlines()[-1]
        assert line.startswith(_PROBE) and line.endswith(" ."), line
        return line[len(_PROBE):-2]


def store_of(data: bytes):
    """Turtle (as `turtle` writes it) in a new in-memory pyoxigraph Store."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(data, format=ox.RdfFormat.TURTLE)
    return store


# ---------------------------------------------------------------------------- blank nodes

def canonical_triples(graph: Graph) -> list[tuple]:
    """The graph's triples with blank nodes relabelled canonically (b0, b1, ... in the
    order of their canonical hashes); triples without blank nodes are kept as they are."""
    plain, with_b = [], Graph()
    for t in triples_of(graph) if isinstance(graph, Graph) else graph:
        if isinstance(t[0], BNode) or isinstance(t[2], BNode):
            with_b.add(t)
        else:
            plain.append(t)
    if not len(with_b):
        return plain
    canon = list(to_canonical_graph(with_b))
    labels = {}
    for b in sorted({x for t in canon for x in t if isinstance(x, BNode)}, key=str):
        labels[b] = BNode(f"b{len(labels)}")
    return plain + [tuple(labels.get(x, x) for x in t) for t in canon]


# ---------------------------------------------------------------------------- N-Triples

def ntriples(graph: Graph) -> bytes:
    g = Graph()
    for t in canonical_triples(graph):
        g.add(t)
    lines = g.serialize(format="nt", encoding="utf-8").splitlines()
    return b"\n".join(sorted(set(line for line in lines if line.strip()))) + b"\n"


# ---------------------------------------------------------------------------- TriG

class _SortedTrig(TrigSerializer):
    """rdflib's TriG with its graphs in a fixed order (the default graph first, then by
    name); rdflib keeps them in a set."""

    def get_pname(self, uri, gen_prefix: bool = True):
        # rdflib tries to make a prefixed name of every IRI, and files each path under
        # `…/id/` in a prefix trie it searches linearly: quadratic in the number of articles.
        # A `/` is not allowed in a prefixed name's local part, so kg's node IRIs
        # (`…/id/article/A/sentence/3`) are written in full either way: say so at once.
        if isinstance(uri, URIRef) and uri.startswith(_DATA) and "/" in uri[len(_DATA):]:
            return None
        return super().get_pname(uri, gen_prefix)

    def __init__(self, store):
        super().__init__(store)
        default = self.default_context
        self.contexts = sorted(self.contexts, key=lambda c: (c.identifier != default, str(c.identifier)))


def article_graphs(graph: Graph) -> dict[URIRef | None, list[tuple]]:
    """Triples by the article they belong to (None: the default graph)."""
    articles = set(graph.subjects(RDF.type, KG.Article))
    home: dict = {a: {a} for a in articles}  # node -> the articles it belongs to
    for s, a in graph.subject_objects(KG.inArticle):
        home.setdefault(s, set()).add(a)
    for s, a in graph.subject_objects(KG.mentionedIn):
        if a in articles:
            home.setdefault(s, set()).add(a)
    sentence_article = dict(graph.subject_objects(KG.inArticle))
    out: dict = {}
    for s, p, o in graph:
        if p == KG.mentionedIn and o in articles:
            targets = {o}
        elif p == KG.evidence and o in sentence_article:
            targets = {sentence_article[o]}
        else:
            targets = home.get(s) or {None}
        for t in targets:
            out.setdefault(t, []).append((s, p, o))
    return out


def trig(graph: Graph) -> bytes:
    ds = Dataset()
    for prefix, ns in graph.namespaces():
        ds.bind(prefix, ns, replace=True)
    canon = Graph()  # rdflib's TriG writes blank nodes by their random ids: give them stable ones
    for t in canonical_triples(graph):
        canon.add(t)
    parts = article_graphs(canon)
    for name in sorted(parts, key=lambda n: "" if n is None else str(n)):
        target = ds.default_context if name is None else ds.graph(name)
        for t in parts[name]:
            target.add(t)
    buf = BytesIO()
    _SortedTrig(ds).serialize(buf, encoding="utf-8")
    return buf.getvalue()


# ---------------------------------------------------------------------------- JSON-LD

def context() -> dict:
    with open(resources.path(CONTEXT_FILE), encoding="utf-8") as fh:
        return json.load(fh)["@context"]


class _Compactor:
    def __init__(self, ctx: dict):
        self.prefixes = sorted(((v, k) for k, v in ctx.items() if isinstance(v, str) and v[-1:] in "#/"),
                               key=lambda vk: -len(vk[0]))
        self.terms: dict[str, tuple[str, bool]] = {}  # property IRI -> (term, values are @id)
        for term, d in ctx.items():
            if isinstance(d, dict) and "@id" in d:
                self.terms[self.expand(d["@id"])] = (term, d.get("@type") == "@id")

    def expand(self, value: str) -> str:
        prefix, _, rest = value.partition(":")
        for ns, p in self.prefixes:
            if p == prefix and not rest.startswith("//"):
                return ns + rest
        return value

    def iri(self, iri: str) -> str:
        for ns, p in self.prefixes:
            if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns):].startswith("//"):
                return f"{p}:{iri[len(ns):]}"
        return iri

    def node_ref(self, term) -> str:
        return f"_:{term}" if isinstance(term, BNode) else self.iri(str(term))

    def value(self, o, as_id: bool):
        if isinstance(o, (URIRef, BNode)):
            return self.node_ref(o) if as_id else {"@id": self.node_ref(o)}
        assert isinstance(o, Literal)
        lex = str(o)
        if o.language:
            return {"@value": lex, "@language": o.language}
        if o.datatype is None:
            return {"@value": lex} if as_id else lex
        if o.datatype == XSD.integer and lex.lstrip("-").isdigit() and str(int(lex)) == lex:
            return int(lex)
        if o.datatype == XSD.boolean and lex in ("true", "false"):
            return lex == "true"
        return {"@value": lex, "@type": self.iri(str(o.datatype))}


def _sort_key(v) -> str:
    return json.dumps(v, sort_keys=True, ensure_ascii=False)


def jsonld(graph: Graph) -> bytes:
    c = _Compactor(context())
    nodes: dict = {}
    for s, p, o in canonical_triples(graph):
        node = nodes.setdefault(c.node_ref(s), {})
        if p == RDF.type and isinstance(o, URIRef):
            node.setdefault("@type", []).append(c.iri(str(o)))
            continue
        term, as_id = c.terms.get(str(p), (c.iri(str(p)), False))
        node.setdefault(term, []).append(c.value(o, as_id))
    out = []
    for ref in sorted(nodes, key=lambda r: (r.startswith("_:"), r)):
        props = nodes[ref]
        obj = {"@id": ref}
        for key in sorted(props, key=lambda k: (k != "@type", k)):
            values = sorted(props[key], key=_sort_key)
            obj[key] = values[0] if len(values) == 1 else values
        out.append(obj)
    doc = {"@context": CONTEXT_FILE, "@graph": out}
    return (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def context_bytes() -> bytes:
    return resources.path(CONTEXT_FILE).read_bytes()
