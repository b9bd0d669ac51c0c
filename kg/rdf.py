"""Map the resolved corpus to RDF: readable, deterministic IRIs; typed literals;
provenance from every node to its articles and supporting sentences.

    to_graph(resolved) -> rdflib.Graph
"""
from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS
from rdflib.plugins.stores.memory import Memory, SimpleMemory

from . import resources
from .model import COUNTRY, ORGANIZATION, PERSON, PLACE, Resolved, Sentence, Span
from .reference import ReferenceKB, slug
from .reference import load as load_reference
from .terms import DATA, KG

CLASS_OF = {PERSON: KG.Person, COUNTRY: KG.Country, ORGANIZATION: KG.Organization, PLACE: KG.Place}
EVENT_CLASS = {"Summit": KG.Summit, "Meeting": KG.Meeting, "Visit": KG.Visit, "Event": KG.Event}


def date_literal(value: str) -> Literal:
    """A date at its precision: xsd:date, xsd:gYearMonth or xsd:gYear."""
    if len(value) == 10:
        return Literal(value, datatype=XSD.date)
    if len(value) == 7:
        return Literal(value, datatype=XSD.gYearMonth)
    return Literal(value, datatype=XSD.gYear)


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    g = Graph()
    g.parse(resources.path("kg.ttl"), format="turtle")
    return g


def bind_prefixes(g: Graph) -> None:
    g.bind("kg", KG._NS)
    g.bind("kgr", DATA)
    g.bind("skos", SKOS)
    g.bind("dcterms", DCTERMS)
    g.bind("owl", OWL)
    g.bind("xsd", XSD)


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_literal(text: str) -> str:
    """Text safe for any RDF serializer: no control characters but tab and newline."""
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


class Minter:
    """Deterministic, readable IRIs."""

    def __init__(self):
        self._taken: dict[URIRef, str] = {}

    def entity(self, kind: str, key: str) -> URIRef:
        local = key[4:] if key.startswith("ref:") else key.split(":", 2)[-1]
        return self._unique(DATA[f"{kind}/{slug(local)}"], key)

    def agreement(self, key: str) -> URIRef:
        return self._unique(DATA[f"agreement/{slug(key.split(':')[-1])}"], key)

    def dispute(self, key: str) -> URIRef:
        return self._unique(DATA[f"dispute/{slug(key.split(':')[-1])}"], key)

    def event(self, key: str) -> URIRef:
        return self._unique(DATA[f"event/{slug(key)}"], key)

    def _unique(self, iri: URIRef, key: str) -> URIRef:
        base, n = iri, 1
        while self._taken.get(iri, key) != key:
            n += 1
            iri = URIRef(f"{base}-{n}")
        self._taken[iri] = key
        return iri


REFERENCE_SOURCE = DATA["source/reference-knowledge"]


def add_tenures(g: Graph, kb: ReferenceKB, person: URIRef, ref, node: dict) -> None:
    """The offices a known person held, from the reference knowledge (W3C ORG shaped)."""
    for o in ref.offices:
        spec = kb.offices.get(o.office)
        country = kb.get(o.country) if o.country else None
        office = DATA[f"office/{o.office}" + (f"-{o.country}" if o.country else "")]
        g.add((office, RDF.type, KG.Office))
        label = (spec.label if spec else o.office) + (f" of {country.name}" if country else "")
        g.add((office, RDFS.label, Literal(label)))
        if o.country and f"ref:{o.country}" in node:
            g.add((office, KG.country, node[f"ref:{o.country}"]))
        tenure = DATA[f"tenure/{ref.id}/{o.office}" + (f"-{o.country}" if o.country else "") + f"/{o.start or 'unknown'}"]
        g.add((tenure, RDF.type, KG.Tenure))
        g.add((tenure, RDFS.label, Literal(f"{ref.name}, {label}" + (f" ({o.start}–{o.end or ''})" if o.start else ""))))
        g.add((tenure, KG.holder, person))
        g.add((tenure, KG.office, office))
        if o.start:
            g.add((tenure, KG.startDate, date_literal(o.start)))
        if o.end:
            g.add((tenure, KG.endDate, date_literal(o.end)))
        if o.acting:
            g.add((tenure, KG.acting, Literal(True)))
        g.add((tenure, DCTERMS.source, REFERENCE_SOURCE))
    if ref.offices:
        g.add((REFERENCE_SOURCE, RDFS.label, Literal("kg reference knowledge (ontology/reference)")))


def claim_date(resolved: Resolved, span: Span, published: str | None) -> str | None:
    """A claim speaks for the time its sentence names ("In 1998, Prime Minister Obuchi ..."),
    else (None here) for the day the article was published."""
    sent = resolved.sentences.get((span.article, span.sentence))
    if sent is None:
        return None
    return _first_date(sent.text, published)


def _first_date(text: str, published: str | None) -> str | None:
    """The first resolved date `text` names. Not cached here: to_graph remembers it per
    sentence for the whole corpus (a bounded cache thrashed at 10,000 articles: 22,000
    date scans for 14,600 sentences)."""
    from .extract.dates import find_dates
    for d in find_dates(text, published):
        if d.value:
            return d.value
    return None


def article_iri(article_id: str) -> URIRef:
    return DATA[f"article/{article_id}"]


def sentence_iri(span: Span) -> URIRef:
    return DATA[f"article/{span.article}/sentence/{span.sentence}"]


#: one object for each term of the ontology and of the namespaces to_graph writes with.
#: A store's index is a dict keyed by terms, and a dict compares a key it is given with
#: the equal key it holds by `is` before calling rdflib's Python __eq__: the same object
#: for the same term everywhere spares about three million such calls in a large map.
_CANONICAL: dict = {}


def _canonical(term):
    return _CANONICAL.setdefault(term, term)


class _Terms:
    """A namespace's terms as plain attributes after their first look-up (rdflib's
    DefinedNamespace checks every attribute access, millions of times in a large map),
    each the canonical object for its term (see _CANONICAL)."""

    def __init__(self, ns):
        self._ns = ns

    def __getattr__(self, name: str):
        term = _canonical(getattr(self._ns, name))
        setattr(self, name, term)
        return term


_KG, _RDFS, _SKOS, _DCTERMS, _RDF, _XSD = (_Terms(ns) for ns in (KG, RDFS, SKOS, DCTERMS, RDF, XSD))
_CLASS_OF = {kind: _canonical(cls) for kind, cls in CLASS_OF.items()}
_EVENT_CLASS = {name: _canonical(cls) for name, cls in EVENT_CLASS.items()}
_REFERENCE_SOURCE = _canonical(REFERENCE_SOURCE)
_DATA = str(DATA)


@lru_cache(maxsize=1)
def _ontology_triples() -> tuple[tuple, ...]:
    """The ontology's triples in canonical terms (see _CANONICAL)."""
    return tuple(tuple(_canonical(x) for x in t) for t in ontology_graph())


class _Interned:
    """The terms of one map, each made once: rdflib builds a term in Python (a Literal
    goes through several casts and checks), and the same article, sentence, role, date or
    offset recurs across hundreds of thousands of triples. Each method returns what its
    comment says, as the same object for the same argument."""

    def __init__(self):
        self._articles: dict[str, URIRef] = {}
        self._sentences: dict[tuple[str, int], URIRef] = {}
        self._iris: dict[str, URIRef] = {}
        self._texts: dict[str, Literal] = {}
        self._plain: dict[str, Literal] = {}
        self._dates: dict[str, Literal] = {}
        self._ints: dict[int, Literal] = {}

    def article(self, article_id: str) -> URIRef:  # article_iri(article_id)
        t = self._articles.get(article_id)
        if t is None:
            t = self._articles[article_id] = article_iri(article_id)
        return t

    def sentence(self, article_id: str, index: int) -> URIRef:  # sentence_iri of a span there
        key = (article_id, index)
        t = self._sentences.get(key)
        if t is None:
            t = self._sentences[key] = URIRef(f"{_DATA}article/{article_id}/sentence/{index}")
        return t

    def iri(self, local: str) -> URIRef:  # DATA[local]
        t = self._iris.get(local)
        if t is None:
            t = self._iris[local] = URIRef(_DATA + local)
        return t

    def text(self, value: str) -> Literal:  # Literal(clean_literal(value))
        t = self._texts.get(value)
        if t is None:
            t = self._texts[value] = Literal(clean_literal(value))
        return t

    def plain(self, value: str) -> Literal:  # Literal(value)
        t = self._plain.get(value)
        if t is None:
            t = self._plain[value] = Literal(value)
        return t

    def date(self, value: str) -> Literal:  # date_literal(value)
        t = self._dates.get(value)
        if t is None:
            t = self._dates[value] = date_literal(value)
        return t

    def integer(self, value: int) -> Literal:  # Literal(value), an xsd:integer
        t = self._ints.get(value)
        if t is None:
            t = self._ints[value] = Literal(value)
        return t


def adder(graph: Graph):
    """A function that adds one triple to `graph`, a graph on a SimpleMemory store, as
    `graph.add` would, without its per-term type checks. It fills the store's three
    indexes itself, in the order SimpleMemory.add does, so the graph iterates the same;
    SimpleMemory.add finds each new key by catching a KeyError, two or three times for a
    typical triple of a large map, which costs more than the adding (tests/test_rdf.py
    checks the indexes come out the same). Falls back to the store's own add if the store
    keeps its indexes otherwise."""
    store = graph.store
    indexes = [getattr(store, f"_SimpleMemory__{name}", None) for name in ("spo", "pos", "osp")]
    if type(store) is not SimpleMemory or not all(type(x) is dict for x in indexes):
        return lambda t, _add=store.add, _g=graph: _add(t, _g, False)
    spo, pos, osp = indexes

    def add(t) -> None:
        s, p, o = t
        _nest(spo, s, p, o)
        _nest(pos, p, o, s)
        _nest(osp, o, s, p)

    return add


def _nest(index: dict, a, b, c) -> None:
    """index[a][b][c] = 1, making the inner dicts as needed."""
    inner = index.get(a)
    if inner is None:
        inner = index[a] = {}
    leaf = inner.get(b)
    if leaf is None:
        leaf = inner[b] = {}
    leaf[c] = 1


@contextmanager
def without_gc():
    """Python's cyclic garbage collector paused for a block that allocates millions of
    objects and frees none in cycles (the terms and index dicts of a large map): each of
    its full collections walks every object allocated so far, about a third of the map's
    time at 10,000 articles. The collector's previous state is restored afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def to_graph(resolved: Resolved, *, kb: ReferenceKB | None = None, include_ontology: bool = True) -> Graph:
    kb = kb or load_reference()
    with without_gc():
        return _to_graph(resolved, kb, include_ontology)


def _to_graph(resolved: Resolved, kb: ReferenceKB, include_ontology: bool) -> Graph:
    g = Graph(store=SimpleMemory())  # (no named graphs here: adds and scans about 2x faster than Memory)
    bind_prefixes(g)
    add = adder(g)

    if include_ontology:
        for t in _ontology_triples():
            add(t)
    term = _Interned()
    mint = Minter()
    node: dict[str, URIRef] = {}
    kinds = {}
    for e in resolved.entities:
        node[e.key] = mint.entity(e.kind, e.key)
        kinds[e.key] = e.kind
    for a in resolved.agreements:
        node[a.key] = mint.agreement(a.key)
    for d in resolved.disputes:
        node[d.key] = mint.dispute(d.key)
    used_sentences: set[tuple[str, int]] = set()
    published_of = {a.id: a.meta.published for a in resolved.articles}
    first_date: dict[tuple[str, int], str | None] = {}  # claim_date of a sentence, by (article, index)
    claims: set[URIRef] = set()  # the role claims written so far

    def provenance(subject: URIRef, spans, *, all_sentences: bool) -> None:
        seen_articles = set()
        for s in spans:
            if s.article not in seen_articles:
                add((subject, _KG.mentionedIn, term.article(s.article)))
            if all_sentences or s.article not in seen_articles:
                add((subject, _KG.evidence, term.sentence(s.article, s.sentence)))
                used_sentences.add((s.article, s.sentence))
            seen_articles.add(s.article)

    # articles
    for art in resolved.articles:
        a = term.article(art.id)
        add((a, _RDF.type, _KG.Article))
        add((a, _RDFS.label, term.text(art.meta.title or art.id)))
        if art.meta.title:
            add((a, _DCTERMS.title, term.text(art.meta.title)))
        if art.meta.published:
            add((a, _DCTERMS.issued, term.date(art.meta.published)))
        if art.meta.url:
            add((a, _DCTERMS.source, Literal(clean_literal(art.meta.url), datatype=_XSD.anyURI)))
        if art.meta.kind:
            add((a, _KG.kind, term.text(art.meta.kind)))
        add((a, _KG.sourceFile, term.text(art.path)))
        add((a, _KG.contentHash, Literal(art.sha256)))
    # actors
    for e in resolved.entities:
        s = node[e.key]
        add((s, _RDF.type, _CLASS_OF[e.kind]))
        add((s, _RDFS.label, term.text(e.label)))
        for alt in e.alt_labels:
            add((s, _SKOS.altLabel, term.text(alt)))
        if e.ref:
            ref = kb.get(e.ref)
            for alt in sorted({ref.name, *ref.aliases} - {e.label, *e.alt_labels}):
                add((s, _SKOS.hiddenLabel, term.text(alt)))
            if ref.subkind:
                add((s, _KG.kind, term.plain(ref.subkind)))
        if e.country and e.country in node:
            add((s, _KG.country, node[e.country]))
        for r in e.roles:
            add((s, _KG.role, term.text(r)))
        provenance(s, e.spans, all_sentences=False)
        if not e.spans:  # named by no article, only by the reference (an agreement's signatory)
            add((s, _DCTERMS.source, _REFERENCE_SOURCE))
            add((_REFERENCE_SOURCE, _RDFS.label, term.plain("kg reference knowledge (ontology/reference)")))
        if e.ref and e.kind == PERSON:
            add_tenures(g, kb, s, kb.get(e.ref), node)
        for role, span in e.role_claims:
            claim = term.iri(f"claim/{s.rsplit('/', 1)[-1]}/{span.article}/{slug(role)}")
            if claim not in claims:  # (the first span of a claim gives its date)
                claims.add(claim)
                add((claim, _RDF.type, _KG.RoleClaim))
                add((claim, _KG.claimOf, s))
                add((claim, _KG.role, term.text(role)))
                add((claim, _RDFS.label, term.text(f"{e.label}: {role}")))
                add((claim, _KG.mentionedIn, term.article(span.article)))
                published = published_of.get(span.article)
                key = (span.article, span.sentence)
                if key not in first_date:
                    first_date[key] = claim_date(resolved, span, published)
                when = first_date[key] or published
                if when:
                    add((claim, _KG.asOf, term.date(when)))
            add((claim, _KG.evidence, term.sentence(span.article, span.sentence)))
            used_sentences.add((span.article, span.sentence))
    # agreements and disputes
    for a in resolved.agreements:
        s = node[a.key]
        add((s, _RDF.type, _KG.Agreement))
        add((s, _RDFS.label, term.text(a.label)))
        for alt in sorted(set(a.aliases) - {a.label}):
            add((s, _SKOS.altLabel, term.text(alt)))
        if a.kind:
            add((s, _KG.kind, term.plain(a.kind)))
        if a.date:
            add((s, _KG.date, term.date(a.date)))
        for p in a.signatories:
            if p in node:
                add((s, _KG.signatory, node[p]))
        for p in a.parties:
            if p in node:
                add((s, _KG.party, node[p]))
        for c in a.concerns:
            if c in node:
                add((s, _KG.concerns, node[c]))
        provenance(s, a.spans, all_sentences=True)
    for d in resolved.disputes:
        s = node[d.key]
        add((s, _RDF.type, _KG.Dispute))
        add((s, _RDFS.label, term.text(d.label)))
        for alt in sorted(set(d.aliases) - {d.label}):
            add((s, _SKOS.altLabel, term.text(alt)))
        for p in d.parties:
            if p in node:
                add((s, _KG.party, node[p]))
        provenance(s, d.spans, all_sentences=True)
    # events
    for ev in resolved.events:
        s = mint.event(ev.key)
        add((s, _RDF.type, _EVENT_CLASS[ev.cls]))
        add((s, _RDFS.label, term.text(ev.label)))
        add((s, _KG.kind, term.plain(ev.kind)))
        for p in ev.participants:
            if p in node:
                add((s, _KG.participant, node[p]))
        if ev.date:
            add((s, _KG.date, term.date(ev.date)))
        if ev.end_date:
            add((s, _KG.endDate, term.date(ev.end_date)))
        if ev.location and ev.location in node:
            add((s, _KG.location, node[ev.location]))
        for o in ev.outcome:
            if o in node:
                add((s, _KG.outcome, node[o]))
        for c in ev.concerns:
            if c in node:
                add((s, _KG.concerns, node[c]))
        provenance(s, ev.spans, all_sentences=True)
    # article metadata actors
    for art_id, authors, publisher in resolved.article_actors:
        a = term.article(art_id)
        for p in authors:
            if p in node:
                add((a, _KG.author, node[p]))
                add((node[p], _KG.mentionedIn, a))
        if publisher and publisher in node:
            add((a, _KG.publisher, node[publisher]))
            add((node[publisher], _KG.mentionedIn, a))
    # supporting sentences
    for art_id, index in sorted(used_sentences):
        sent: Sentence = resolved.sentences[(art_id, index)]
        s = term.sentence(art_id, index)
        add((s, _RDF.type, _KG.Sentence))
        add((s, _KG.inArticle, term.article(art_id)))
        add((s, _KG.text, term.text(sent.text)))
        add((s, _KG.sentenceIndex, term.integer(index)))
        add((s, _KG.startOffset, term.integer(sent.start)))
        add((s, _KG.endOffset, term.integer(sent.end)))
    return g


# ---------------------------------------------------------------------------- reading a big graph fast

def _index(graph: Graph, order: str = "spo") -> dict | None:
    """The subject index (or with order "pos", the predicate index) of the in-memory store
    that holds exactly this graph, if it is one: a SimpleMemory store (kg.rdf.to_graph's;
    it has no named graphs), or a Memory store with nothing but this graph."""
    store = graph.store
    if isinstance(store, SimpleMemory):
        index = getattr(store, f"_SimpleMemory__{order}", None)
    elif isinstance(store, Memory) and len(store) == len(graph):
        index = getattr(store, f"_Memory__{order}", None)
    else:
        index = None
    return index if isinstance(index, dict) else None


def triples_of(graph: Graph) -> Iterator[tuple]:
    """The graph's triples, as `iter(graph)` gives them. rdflib works out the contexts of
    each triple it yields, which is most of the cost of iterating a large graph; the index
    of an in-memory store that holds just this graph is read directly instead, in about half
    the time (tests/test_reason.py checks it gives the same triples)."""
    spo = _index(graph)
    if spo is None:
        return iter(graph)
    return ((s, p, o) for s, po in spo.items() for p, objects in po.items() for o in objects)


def size_of(graph: Graph) -> int:
    """len(graph), which a SimpleMemory store counts by iterating every triple."""
    spo = _index(graph)
    if spo is None:
        return len(graph)
    return sum(len(objects) for po in spo.values() for objects in po.values())


def triples_with(graph: Graph, predicate) -> Iterator[tuple]:
    """The graph's triples of one predicate, the same as `graph.triples((None, predicate,
    None))` in another order, read from the store's predicate index when it can be (see
    triples_of), without rdflib working out each triple's contexts."""
    pos = _index(graph, "pos")
    if pos is None:
        return iter(graph.triples((None, predicate, None)))
    return ((s, predicate, o) for o, subjects in pos.get(predicate, {}).items() for s in subjects)


def subject_index(graph: Graph) -> dict | None:
    """The graph's triples as {subject: {predicate: {object: 1}}} (the store's own index:
    read it, never change it) when its store is an in-memory one that holds just this graph
    (see triples_of), else None. Its dicts iterate in the order graph.triples gives."""
    return _index(graph)
