"""The RDF graph as a NetworkX graph, for drawing and for Gephi and Cytoscape.

    G = to_networkx(graph)                       # actors, places, events, agreements, disputes
    G = to_networkx(graph, inferred=inf, articles=True)
    H = narrow(G, focus="Yoon Suk Yeol", hops=2, since="2022", types=["Event", "Actor"])
    H, note = shrink(H, budget=1500)
    write_graphml(H, "graph.graphml"); write_gexf(H, "graph.gexf")

Nodes are IRIs (strings) with the attributes `label`, `type` (the node's most specific kg
class: Person, Country, Organization, Place, Event, Meeting, Summit, Visit, Agreement,
Dispute, Article, ...), `iri`, every literal the node has in the graph under the
predicate's local name (`date`, `endDate`, `kind`, `altLabel`, `hiddenLabel`, `role`,
`title`, `issued`, ...; `altLabel`, `hiddenLabel` and `role` are always lists, other keys
are a list only where a node has several values), and provenance: `evidence` (the
supporting sentences, each a dict with the sentence `text`, its `index`, and the `article`
title, `article_iri` and `issued` date of its article) and `sources` (titles of the
articles that mention the node).

Edges are the object-property statements between two such nodes, keyed by the property's
prefixed name (`kg:participant`), with the attributes `label` (the property's rdfs:label,
"participant"), `predicate` (its IRI) and `inferred` (True for statements that came from
the reasoner's graph, not the articles).
"""
from __future__ import annotations

import calendar
import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import networkx as nx
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from .atomic import write_atomic
from .errors import InputError, QueryError
from .rdf import subject_index, triples_of, triples_with, without_gc
from .terms import KG

log = logging.getLogger(__name__)

# Classes a node can be drawn as, most specific first: a node typed with several takes the
# first that applies.
CLASS_ORDER = ("Summit", "Meeting", "Visit", "Event", "Country", "Person", "Organization", "Place",
               "Agreement", "Dispute", "Article", "Sentence", "Tenure", "Office")
EVENT_CLASSES = frozenset({"Event", "Meeting", "Summit", "Visit"})
DEFAULT_CLASSES = frozenset({"Person", "Country", "Organization", "Place", "Event", "Meeting", "Summit",
                             "Visit", "Agreement", "Dispute"})
OTHER = "Other"
MULTI_VALUED = frozenset({"altLabel", "hiddenLabel", "role"})
PREFIXES = (
    ("kg", str(KG._NS)),
    ("rdf", str(RDF)),
    ("rdfs", str(RDFS)),
    ("skos", str(SKOS)),
    ("dcterms", str(DCTERMS)),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("sem", "http://semanticweb.cs.vu.nl/2009/11/sem/"),
    ("schema", "https://schema.org/"),
    ("prov", "http://www.w3.org/ns/prov#"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("org", "http://www.w3.org/ns/org#"),
)
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


# ---------------------------------------------------------------- small helpers

def qname(iri: str) -> str:
    """`kg:participant` for a term of a known vocabulary, else the IRI itself."""
    for prefix, ns in PREFIXES:
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def local_name(iri: str) -> str:
    return re.split(r"[#/]", iri.rstrip("/#"))[-1] or iri


def _ontology() -> Graph:
    from .rdf import ontology_graph  # kg.rdf pulls in the reference data; load it only when needed
    return ontology_graph()


def class_closure(names: Iterable[str]) -> set[str]:
    """The drawable classes that are `names` or their subclasses in kg's ontology
    (`Actor` is Person, Country and Organization; `Event` takes in Meeting, Summit and Visit;
    `Place` takes in Country). Names are matched without regard to case. An unknown name
    raises InputError."""
    onto = _ontology()
    known = {c.lower(): c for c in (*CLASS_ORDER, "Actor")}
    wanted = set()
    for raw in names:
        for name in (n.strip() for n in str(raw).split(",")):
            if not name:
                continue
            if name.lower() not in known:
                raise InputError(f"unknown class {name!r}; choose from "
                                 + ", ".join(sorted({*CLASS_ORDER, 'Actor'})))
            wanted.add(known[name.lower()])
    out = set()
    for c in CLASS_ORDER:
        supers = {local_name(str(s)) for s in onto.transitive_objects(KG[c], RDFS.subClassOf)}
        if supers & wanted:
            out.add(c)
    return out


def date_interval(value: str) -> tuple[str, str] | None:
    """The first and last day that a date at any precision covers: `2019` is
    ('2019-01-01', '2019-12-31'). None for a value that is not such a date."""
    m = DATE_RE.match(str(value).strip()[:10])
    if not m:
        return None
    y, mo, d = m.groups()
    if d:
        return (f"{y}-{mo}-{d}",) * 2
    if mo:
        if not 1 <= int(mo) <= 12:
            return None
        last = calendar.monthrange(int(y), int(mo))[1]
        return f"{y}-{mo}-01", f"{y}-{mo}-{last:02d}"
    return f"{y}-01-01", f"{y}-12-31"


def node_interval(data: dict) -> tuple[str, str] | None:
    """When a node happened: from its `date` (or `startDate`, or for an article `issued`)
    to its `endDate` (or the end of its start date)."""
    start = None
    for key in ("date", "startDate", "issued"):
        v = data.get(key)
        if isinstance(v, list):
            v = min(v) if v else None
        if v is not None:
            start = date_interval(str(v))
            if start:
                break
    if not start:
        return None
    end = data.get("endDate")
    if isinstance(end, list):
        end = max(end) if end else None
    end_iv = date_interval(str(end)) if end is not None else None
    return start[0], max(start[1], end_iv[1]) if end_iv else start[1]


def _python_value(lit: Literal):
    v = lit.toPython()
    if isinstance(v, bool | int | float) and not isinstance(v, Literal):
        return v
    return str(lit)


# ---------------------------------------------------------------- RDF -> NetworkX

# (terms looked up once: rdflib's DefinedNamespace checks every attribute access)
_TYPE, _LABEL, _TITLE, _ISSUED = RDF.type, RDFS.label, DCTERMS.title, DCTERMS.issued
_EVIDENCE, _MENTIONED_IN, _TEXT, _SENTENCE_INDEX, _IN_ARTICLE = (
    KG.evidence, KG.mentionedIn, KG.text, KG.sentenceIndex, KG.inArticle)


def _eq(term, other) -> bool:
    """`term == other` for an rdflib IRI or blank node `term`, without the Python-level
    rdflib __eq__ (the same test: same type, same text), which is called for every
    statement of a large graph."""
    return type(term) is type(other) and str.__eq__(term, other)


class _Reader:
    """`graph.objects` and `graph.predicate_objects`, read from the graph's in-memory
    subject index when it has one (kg.rdf.subject_index) instead of through rdflib's
    pattern matching, which works out each triple's contexts: describing the nodes of
    10,000 articles takes about two million such look-ups. The same terms in the same
    order either way."""

    _NONE: dict = {}

    def __init__(self, graph: Graph):
        self.graph = graph
        self.spo = subject_index(graph)

    def objects(self, s, p) -> Iterable:
        if self.spo is None:
            return self.graph.objects(s, p)
        return self.spo.get(s, self._NONE).get(p, self._NONE).keys()

    def predicate_objects(self, s) -> Iterable[tuple]:
        if self.spo is None:
            return self.graph.predicate_objects(s)
        return ((p, o) for p, objects in self.spo.get(s, self._NONE).items() for o in objects)

def _classify(types: set[str]) -> str:
    for c in CLASS_ORDER:
        if c in types:
            return c
    return OTHER


def _property_labels(*graphs: Graph) -> dict[str, str]:
    labels: dict[str, tuple[int, str]] = {}
    for g in graphs:
        for p, _, label in triples_with(g, _LABEL):
            if not isinstance(p, URIRef) or not isinstance(label, Literal):
                continue
            rank = 0 if label.language in (None, "en") else 1
            cur = labels.get(str(p))
            if cur is None or (rank, str(label)) < cur:
                labels[str(p)] = (rank, str(label))
    return {p: v for p, (_, v) in labels.items()}


def coverage(graph: Graph) -> dict:
    """What a kg graph covers: its articles, when they were published, and the span of the
    dates of its events and agreements."""
    articles = sorted(set(graph.subjects(RDF.type, KG.Article)), key=str)
    issued = sorted(str(d) for a in articles for d in graph.objects(a, DCTERMS.issued))
    dated = []
    for cls in (KG.Event, KG.Meeting, KG.Summit, KG.Visit, KG.Agreement):
        for s in graph.subjects(RDF.type, cls):
            for p in (KG.date, KG.endDate):
                for d in graph.objects(s, p):
                    if date_interval(str(d)):
                        dated.append(str(d))
    dated.sort()
    return {
        "articles": len(articles),
        "issued_from": issued[0] if issued else "",
        "issued_to": issued[-1] if issued else "",
        "date_from": dated[0] if dated else "",
        "date_to": dated[-1] if dated else "",
    }


def _describe(graph: Graph, nodes: dict[URIRef, str]) -> dict[URIRef, dict]:
    """Attributes of each node: label, type, literals, evidence and sources."""
    key_of: dict[str, str] = {}
    taken: dict[str, str] = {}
    reserved = {"type", "iri", "evidence", "sources"}

    def attr_key(p: str) -> str:
        if p in key_of:
            return key_of[p]
        name = local_name(p)
        if name in reserved or taken.get(name, p) != p:
            name = qname(p).replace(":", "_")
        taken.setdefault(name, p)
        key_of[p] = name
        return name

    article_info: dict[URIRef, tuple[str, str | None]] = {}
    read = _Reader(graph)

    def article(a: URIRef) -> tuple[str, str | None]:
        if a not in article_info:
            title = min((str(t) for t in read.objects(a, _TITLE)), default=None)
            title = title or min((str(t) for t in read.objects(a, _LABEL)), default=None) or local_name(str(a))
            issued = min((str(t) for t in read.objects(a, _ISSUED)), default=None)
            article_info[a] = (title, issued)
        return article_info[a]

    def sentence(o) -> dict | None:
        """The evidence entry of a supporting sentence, None for one without text."""
        text = min((str(t) for t in read.objects(o, _TEXT)), default=None)
        if text is None:
            return None
        idx = next((i.toPython() for i in read.objects(o, _SENTENCE_INDEX)), None)
        art = next(iter(sorted(read.objects(o, _IN_ARTICLE), key=str)), None)
        title, issued = article(art) if art is not None else ("", None)
        return {"text": text, "index": idx if isinstance(idx, int) else -1,
                "article": title, "article_iri": str(art) if art is not None else "", "issued": issued or ""}

    # a sentence is the evidence of several nodes (four on average at 10,000 articles):
    # its entry is worked out once, and each node gets its own copy
    sentence_info: dict = {}
    out = {}
    for n, cls in nodes.items():
        literals: dict[str, list] = defaultdict(list)
        evidence, sources = [], []
        for p, o in read.predicate_objects(n):
            if isinstance(o, Literal):
                literals[attr_key(str(p))].append(_python_value(o))
            elif _eq(p, _EVIDENCE):
                if o not in sentence_info:
                    sentence_info[o] = sentence(o)
                if sentence_info[o] is not None:
                    evidence.append(dict(sentence_info[o]))
            elif _eq(p, _MENTIONED_IN):
                sources.append((str(o), article(o)[0]))
        labels = sorted(str(v) for v in literals.pop("label", []))
        data: dict = {"label": labels[0] if labels else _fallback_label(graph, n, cls), "type": cls, "iri": str(n)}
        if labels[1:]:
            literals["altLabel"].extend(labels[1:])
        for key in sorted(literals):
            values = sorted(set(literals[key]), key=lambda v: (str(type(v)), str(v)))
            data[key] = values if key in MULTI_VALUED or len(values) > 1 else values[0]
        evidence.sort(key=lambda e: (e["article_iri"], e["index"], e["text"]))
        data["evidence"] = evidence
        data["sources"] = [t for _, t in sorted(set(sources))]
        out[n] = data
    return out


def _fallback_label(graph: Graph, n: URIRef, cls: str) -> str:
    if cls == "Sentence":
        text = min((str(t) for t in graph.objects(n, KG.text)), default="")
        if text:
            return text if len(text) <= 80 else text[:79] + "…"
    return local_name(str(n))


def _node_types(graph: Graph, extra: Iterable[tuple] | None = None) -> dict[URIRef, set[str]]:
    """Each node's classes of the ontology, from `graph` and the triples `extra`."""
    kg_ns = str(KG._NS)
    types: dict[URIRef, set[str]] = defaultdict(set)
    pairs = [(s, o) for s, _, o in triples_with(graph, _TYPE)]
    if extra is not None:
        uri = type(_TYPE)  # (_eq(p, _TYPE) written out: this runs for every inferred triple)
        pairs.extend((s, o) for s, p, o in extra if type(p) is uri and str.__eq__(p, _TYPE))
    for s, o in pairs:
        if isinstance(s, URIRef) and isinstance(o, URIRef) and str(o).startswith(kg_ns):
            types[s].add(str(o)[len(kg_ns):])
    return types


def _assemble(graph: Graph, nodes: dict[URIRef, str], statements: Iterable[tuple[URIRef, URIRef, URIRef, bool]],
              prop_labels: dict[str, str]) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    info = _describe(graph, nodes)
    order = {c: i for i, c in enumerate(CLASS_ORDER)}
    for n in sorted(nodes, key=lambda n: (order.get(nodes[n], len(order)), str(n))):
        G.add_node(str(n), **info[n])
    edges = {}
    for s, p, o, inferred in statements:
        if s not in nodes or o not in nodes or _eq(p, _TYPE) or _eq(s, o):
            continue
        key = (str(s), str(o), qname(str(p)))
        if key in edges:
            if not inferred:
                edges[key]["inferred"] = False  # asserted wins over the same statement inferred
            continue
        edges[key] = {"label": prop_labels.get(str(p), local_name(str(p))), "predicate": str(p),
                      "inferred": bool(inferred)}
    for (s, o, k) in sorted(edges):
        G.add_edge(s, o, key=k, **edges[(s, o, k)])
    cov = coverage(graph)
    G.graph.update(cov)
    return G


def to_networkx(graph: Graph, *, inferred: Iterable[tuple] | None = None, articles: bool = False,
                types: Iterable[str] | None = None) -> nx.MultiDiGraph:
    """The graph's actors, places, events, agreements and disputes (and with `articles`,
    its articles) as a MultiDiGraph, with the object-property statements between them as
    edges. With `inferred` (a reasoner's output, e.g. build/inferred.ttl, as a Graph or any
    iterable of triples), its statements are added as edges marked `inferred=True`; without it, reasoned triples are left out.
    `types` narrows the nodes to these classes and their subclasses (see class_closure)."""
    with without_gc():  # (see kg.rdf.without_gc: it allocates for every node and edge of a large graph)
        return _to_networkx(graph, inferred, articles, types)


def _to_networkx(graph: Graph, inferred: Iterable[tuple] | None, articles: bool,
                 types: Iterable[str] | None) -> nx.MultiDiGraph:
    wanted = class_closure(types) if types else set(DEFAULT_CLASSES | ({"Article"} if articles else set()))
    if articles and types:
        wanted.add("Article")
    node_types = _node_types(graph, inferred)
    nodes = {}
    for n, ts in node_types.items():
        cls = _classify(ts)
        if cls in wanted:
            nodes[n] = cls
    labels = _property_labels(_ontology(), graph)

    # (only the statements between two nodes, which _assemble keeps; the dict look-ups
    # first, as isinstance of an rdflib term that is not a URIRef takes a slow path)
    def statements():
        for s, p, o in triples_of(graph):
            if s in nodes and o in nodes and isinstance(o, URIRef):
                yield s, p, o, False
        if inferred is not None:
            for s, p, o in inferred:
                if s in nodes and o in nodes and isinstance(o, URIRef):
                    yield s, p, o, True

    G = _assemble(graph, nodes, statements(), labels)
    log.debug("to_networkx: %d nodes, %d edges", G.number_of_nodes(), G.number_of_edges())
    return G


def run_construct(graph: Graph, query: str, *, inferred: Iterable[tuple] | None = None, source: str | None = None) -> Graph:
    """Run a SPARQL CONSTRUCT (or DESCRIBE) query over the graph (and the inferred triples,
    when given) and return the constructed graph. Raises QueryError for a query that does
    not parse or is not a CONSTRUCT or DESCRIBE."""
    data = graph
    if inferred is not None:
        data = Graph()
        for t in graph:
            data.add(t)
        for t in inferred:
            data.add(t)
        for prefix, ns in graph.namespaces():
            data.bind(prefix, ns)
    try:
        result = data.query(query)
    except Exception as exc:  # rdflib raises pyparsing and its own errors; all mean a bad query
        line, col = getattr(exc, "lineno", None), getattr(exc, "col", None)
        msg = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise QueryError(msg, line=line, column=col, source=source) from None
    if result.type not in ("CONSTRUCT", "DESCRIBE") or result.graph is None:
        raise QueryError(f"a {result.type} query gives no graph to draw; use CONSTRUCT or DESCRIBE",
                         source=source)
    return result.graph


def from_construct(graph: Graph, constructed: Graph) -> nx.MultiDiGraph:
    """Draw what a CONSTRUCT query returned: its resources are the nodes (described from
    `graph`: labels, types, dates, provenance), its object statements the edges. Ontology
    terms (classes and properties) are not nodes; rdf:type statements type nodes."""
    vocab = tuple(ns for _, ns in PREFIXES)
    node_types = _node_types(graph, constructed)
    nodes: dict[URIRef, str] = {}
    for s, p, o in constructed:
        for term in (s, o) if p != RDF.type else (s,):
            if isinstance(term, URIRef) and not str(term).startswith(vocab):
                nodes[term] = _classify(node_types.get(term, set()))
    labels = _property_labels(_ontology(), graph)
    G = _assemble(graph, nodes, ((s, p, o, False) for s, p, o in constructed if isinstance(o, URIRef)), labels)
    return G


# ---------------------------------------------------------------- narrowing

def find_node(G: nx.MultiDiGraph, name: str) -> str:
    """The node named `name`: its IRI, its label or another of its names (case and
    surrounding space ignored), or else the one node whose label contains `name`.
    Raises InputError when no node or more than one matches."""
    want = " ".join(str(name).split()).casefold()
    if not want:
        raise InputError("an empty name matches nothing")
    if name in G:
        return name
    exact, alias, partial = [], [], []
    for n, d in G.nodes(data=True):
        label = str(d.get("label", "")).casefold()
        if label == want:
            exact.append(n)
            continue
        others = [*d.get("altLabel", []), *d.get("hiddenLabel", [])]
        if any(str(a).casefold() == want for a in others):
            alias.append(n)
        elif want in label:
            partial.append(n)
    for found in (exact, alias, partial):
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            names = "; ".join(f"{G.nodes[n]['label']} <{n}>" for n in sorted(found)[:5])
            more = f" and {len(found) - 5} more" if len(found) > 5 else ""
            raise InputError(f"{name!r} names {len(found)} nodes: {names}{more}; give the IRI or a fuller name")
    raise InputError(f"no node is named {name!r} in the graph")


def _check_date(value: str | None, what: str) -> tuple[str, str] | None:
    if value is None or value == "":
        return None
    iv = date_interval(str(value))
    if iv is None or len(str(value).strip()) not in (4, 7, 10):
        raise InputError(f"{what} {value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    return iv


def narrow(G: nx.MultiDiGraph, *, focus: str | None = None, hops: int = 1, since: str | None = None,
           until: str | None = None, types: Iterable[str] | None = None) -> nx.MultiDiGraph:
    """A smaller view of G. `focus` (a node's IRI or name; see find_node) keeps the nodes
    within `hops` links of it, in either direction. `types` keeps those classes and their
    subclasses. `since`/`until` (YYYY, YYYY-MM or YYYY-MM-DD) keep the dated nodes (events,
    agreements) whose dates overlap the range, and the undated nodes (actors, places,
    disputes) linked to one of those. The focus node is always kept."""
    if hops < 0:
        raise InputError(f"hops must be 0 or more, not {hops}")
    lo, hi = _check_date(since, "since"), _check_date(until, "until")
    if lo and hi and lo[0] > hi[1]:
        raise InputError(f"since {since} is after until {until}")
    H = G
    keep_focus = None
    if focus is not None:
        keep_focus = find_node(G, focus)
        near = nx.single_source_shortest_path_length(G.to_undirected(as_view=True), keep_focus, cutoff=hops)
        H = H.subgraph(near)
    if types:
        wanted = class_closure(types)
        H = H.subgraph([n for n, d in H.nodes(data=True) if d.get("type") in wanted or n == keep_focus])
    if lo or hi:
        start, end = (lo or ("0000-01-01",))[0], (hi or (None, "9999-12-31"))[1]
        dated_in, undated = set(), []
        for n, d in H.nodes(data=True):
            iv = node_interval(d)
            if iv is None:
                undated.append(n)
            elif iv[1] >= start and iv[0] <= end:
                dated_in.add(n)
        U = H.to_undirected(as_view=True)
        keep = set(dated_in)
        for n in undated:
            if n == keep_focus or any(m in dated_in for m in U.neighbors(n)):
                keep.add(n)
        H = H.subgraph(keep)
    out = nx.MultiDiGraph(H)  # a copy, in G's order
    out.graph = dict(G.graph)
    return out


def shrink(G: nx.MultiDiGraph, budget: int) -> tuple[nx.MultiDiGraph, str | None]:
    """Keep at most `budget` nodes: the most connected actors, places, agreements and
    disputes, each with its events, in order of degree, until the budget is spent.
    Returns the graph (G itself when it fits, or budget is 0) and a note saying what was
    left out (None when nothing was)."""
    if budget <= 0 or G.number_of_nodes() <= budget:
        return G, None
    U = G.to_undirected(as_view=True)
    degree = dict(U.degree())

    def rank(n):
        return (-degree[n], str(G.nodes[n].get("label", "")), n)

    hubs = sorted((n for n, d in G.nodes(data=True) if d.get("type") not in EVENT_CLASSES), key=rank)
    keep: dict[str, None] = {}
    n_hubs = 0
    for h in hubs:
        if len(keep) >= budget:
            break
        if h not in keep:
            keep[h] = None
            n_hubs += 1
        events = sorted((m for m in set(U.neighbors(h)) if G.nodes[m].get("type") in EVENT_CLASSES and m not in keep),
                        key=rank)
        for e in events[:max(0, budget - len(keep))]:
            keep[e] = None
    if len(keep) < budget:  # a graph of events only: the most connected events
        for n in sorted(G, key=rank):
            if len(keep) >= budget:
                break
            keep.setdefault(n, None)
    H = nx.MultiDiGraph(G.subgraph(keep))
    H.graph = dict(G.graph)
    n_events = sum(1 for n in H if H.nodes[n].get("type") in EVENT_CLASSES)
    note = (f"Showing {H.number_of_nodes():,} of {G.number_of_nodes():,} nodes: the {n_hubs:,} most connected "
            f"actors, places, agreements and disputes and {n_events:,} of their events.")
    log.info("view shrunk to %d of %d nodes", H.number_of_nodes(), G.number_of_nodes())
    return H, note


# ---------------------------------------------------------------- GraphML and GEXF

def _scalar(value):
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list):
        if value and all(isinstance(v, dict) for v in value):
            return "\n".join(f"{v.get('article', '')}: {v.get('text', '')}" for v in value)
        return "; ".join(str(v) for v in value)
    return str(value)


def flat_copy(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """G with every attribute a string, number or boolean (lists joined with "; ",
    evidence as "article title: sentence" lines) and unique edge keys (e0, e1, ...), as
    GraphML and GEXF need."""
    F = nx.MultiDiGraph()
    F.graph.update({k: _scalar(v) for k, v in G.graph.items() if v is not None})
    for n, d in G.nodes(data=True):
        F.add_node(n, **{k: _scalar(v) for k, v in d.items() if v is not None and v != []})
    for i, (u, v, k, d) in enumerate(G.edges(keys=True, data=True)):
        F.add_edge(u, v, key=f"e{i}", property=k, **{a: _scalar(b) for a, b in d.items()})
    return F


def graphml_bytes(G: nx.MultiDiGraph) -> bytes:
    return "\n".join(nx.generate_graphml(flat_copy(G), named_key_ids=True)).encode("utf-8") + b"\n"


def gexf_bytes(G: nx.MultiDiGraph) -> bytes:
    F = flat_copy(G)
    for _, _, k, d in F.edges(keys=True, data=True):
        d["id"] = k
    text = "\n".join(nx.generate_gexf(F, version="1.2draft"))
    # the writer stamps today's date; drop it so the same graph gives the same file
    text = re.sub(r"<meta lastmodifieddate=\"[^\"]*\">", "<meta>", text, count=1)
    return text.encode("utf-8") + b"\n"


def write_graphml(G: nx.MultiDiGraph, path: str | Path) -> Path:
    """Write G as GraphML (Cytoscape, Gephi, yEd)."""
    path = Path(path)
    write_atomic(path, graphml_bytes(G))
    return path


def write_gexf(G: nx.MultiDiGraph, path: str | Path) -> Path:
    """Write G as GEXF 1.2 (Gephi)."""
    path = Path(path)
    write_atomic(path, gexf_bytes(G))
    return path
