"""OWL 2 RL reasoning, with the inferred triples kept apart from the asserted ones.

    result = reason(graph)             # engine="rules", the default
    result.triples    # the new triples about the data, noise removed: a list of rdflib triples
    result.inferred   # the same as an rdflib.Graph (built when first asked for)

Three engines compute the same closure (the tests compare them):

- `rules` (the default): the OWL 2 RL rules kg's ontology uses (subclass, subproperty,
  inverse, domain and range), compiled from the ontology into a table of what each
  predicate and class implies and applied to the graph's own rdflib terms in one pass
  (kg/rules.py). No triple is copied into another engine and no term is built, which is
  what made reasoning at a million triples cost minutes. When the ontology or the data uses
  OWL the compiled rules do not cover (owl:sameAs, equivalences, property characteristics,
  chains, restrictions, ...), it says so in the log and `reasonable` computes the closure
  (`ReasonResult.fallback` gives the reason).
- `reasonable`: a Rust implementation of all of OWL 2 RL, on PyPI.
- `owlrl`: pure Python, the design's reasoner, about ten times slower than reasonable.

The ontology's disjointness axioms are left out of the reasoner's input: OWL 2 RL handles
them by pairing every instance of one class with every instance of the other, which costs
time and memory quadratic in the data. kg checks disjointness with a SHACL shape instead
(`kg.validate`).

The closure's noise is removed: reflexive owl:sameAs, triples with literal subjects,
statements about the vocabularies themselves (RDF, RDFS, OWL, XSD and the ontology's own
terms), and "everything is an owl:Thing / rdfs:Resource".
"""
from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef

from .errors import InputError
from .rdf import bind_prefixes, ontology_graph, size_of, triples_of  # noqa: F401 - (size_of: part of this module's API)
from .rules import SCHEMA_PREDICATES, Unsupported, apply, compile_rules

log = logging.getLogger(__name__)

ENGINES = ("rules", "reasonable", "owlrl")
DEFAULT_ENGINE = "rules"
_VOCAB = (str(RDF), str(RDFS), str(OWL), str(XSD))
_SKIP_PREDICATES = {OWL.disjointWith, OWL.members, OWL.propertyDisjointWith}
_GENERIC_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Class, OWL.Class}


@dataclass
class ReasonResult:
    engine: str  # the engine that computed the closure
    triples: list  # the new triples about the data, noise removed
    asserted: int
    raw_inferred: int  # new triples before noise removal
    removed_noise: int
    seconds: float  # the whole of reason(): closure, noise removal
    fallback: str | None = field(default=None)  # why the rules engine handed over to reasonable

    @property
    def kept(self) -> int:
        return len(self.triples)

    @cached_property
    def inferred(self) -> Graph:
        """The kept triples as an rdflib Graph (built on first use: at a million triples
        it costs more than the reasoning)."""
        g = Graph()
        bind_prefixes(g)
        g.addN((s, p, o, g) for s, p, o in self.triples)
        return g


def reasoner_input(graph: Graph, ontology: Graph | None = None) -> list[tuple]:
    """The data plus the ontology, without the disjointness axioms: a list of triples,
    each once (both engines take one; copying into another rdflib Graph costs more than
    reasoning)."""
    ont = ontology if ontology is not None else ontology_graph()
    disjoint_nodes = {s for s in ont.subjects(RDF.type, OWL.AllDisjointClasses)}
    return list(dict.fromkeys(t for source in (graph, ont) for t in source
                              if t[1] not in _SKIP_PREDICATES and t[0] not in disjoint_nodes))


def _vocabulary_terms(ontology: Graph) -> set:
    terms = set(ontology.subjects())
    return terms


def is_noise(t, vocabulary: set) -> bool:
    s, p, o = t
    if isinstance(s, Literal):
        return True
    if p == OWL.sameAs and s == o:
        return True
    if isinstance(s, BNode) or s in vocabulary or str(s).startswith(_VOCAB):
        return True
    if p == RDF.type and o in _GENERIC_TYPES:
        return True
    if isinstance(o, URIRef) and str(o).startswith(_VOCAB) and p != RDF.type:
        return True
    return False


def without_noise(triples: Iterable[tuple], vocabulary: set) -> list[tuple]:
    """The triples that are not noise, in their order: is_noise on each, with what it
    decides about each subject, predicate and object remembered (several times faster
    than asking is_noise of each triple)."""
    subjects: dict = {}
    predicates: dict = {}
    objects: dict = {}
    kept = []
    for t in triples:
        s, p, o = t
        noise = subjects.get(s)
        if noise is None:
            noise = subjects[s] = (isinstance(s, (Literal, BNode)) or s in vocabulary
                                   or str(s).startswith(_VOCAB))
        if noise:
            continue
        kind = predicates.get(p)
        if kind is None:
            kind = predicates[p] = "type" if p == RDF.type else "sameAs" if p == OWL.sameAs else "other"
        if kind == "type":
            if o in _GENERIC_TYPES:
                continue
        else:
            if kind == "sameAs" and s == o:
                continue
            noise = objects.get(o)
            if noise is None:
                noise = objects[o] = isinstance(o, URIRef) and str(o).startswith(_VOCAB)
            if noise:
                continue
        kept.append(t)
    return kept


def _closure_owlrl(triples: list[tuple]):
    import owlrl

    work = Graph()
    for t in triples:
        work.add(t)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(work)
    return iter(work)


def _closure_reasonable(triples: list[tuple]):
    try:
        import reasonable
    except ImportError:  # pragma: no cover - it is a dependency
        raise InputError("the 'reasonable' reasoner is not installed (pip install reasonable)") from None
    r = reasonable.PyReasoner()
    r.from_graph(triples)
    return ((s, p, _plain(o)) for s, p, o in r.reason())


def _plain(o):
    """reasonable returns simple literals as xsd:string; in RDF 1.1 they are the same term."""
    if isinstance(o, Literal) and o.datatype == XSD.string and not o.language:
        return Literal(str(o))
    return o


def _disjointness_nodes(*graphs: Graph) -> set:
    return {s for g in graphs for s in g.subjects(RDF.type, OWL.AllDisjointClasses)}


def _closure_rules(graph: Graph, ontology: Graph, vocabulary: set) -> list[tuple]:
    """The new triples of the closure, by kg.rules; raises Unsupported."""
    sources = (graph,) if graph is ontology else (graph, ontology)
    schema = [t for g in sources for p in SCHEMA_PREDICATES for t in g.triples((None, p, None))]
    rules = compile_rules(schema, vocabulary)
    skip_subjects = _disjointness_nodes(*sources)

    def triples():
        for g in sources:
            for t in triples_of(g):
                if t[1] not in _SKIP_PREDICATES and t[0] not in skip_subjects:
                    yield t
    return apply(triples(), rules)


def reason(graph: Graph, *, engine: str = DEFAULT_ENGINE, ontology: Graph | None = None) -> ReasonResult:
    """Compute the OWL 2 RL closure of `graph` (with kg's ontology) and return what is new."""
    if engine not in ENGINES:
        raise InputError(f"unknown reasoner {engine!r}; choose one of {', '.join(ENGINES)}")
    ont = ontology if ontology is not None else ontology_graph()
    vocabulary = _vocabulary_terms(ont)
    start = time.perf_counter()
    fallback = None
    if engine == "rules":
        try:
            new = _closure_rules(graph, ont, vocabulary)
        except Unsupported as exc:
            log.warning("%s; reasoning with reasonable instead", exc)
            engine, fallback = "reasonable", exc.what
    if engine != "rules":
        source = reasoner_input(graph, ont)
        closure = _closure_reasonable(source) if engine == "reasonable" else _closure_owlrl(source)
        given = set(source)
        new = [t for t in dict.fromkeys(closure) if t not in given and t not in graph]
        del given
    # the rules conclude nothing asserted; the other engines' answers were checked above
    kept = without_noise(new, vocabulary)
    asserted = size_of(graph)
    seconds = time.perf_counter() - start
    removed = len(new) - len(kept)
    log.info("%s: %d asserted, %d inferred, %d noise removed, %.2fs", engine, asserted, len(new), removed, seconds)
    return ReasonResult(engine=engine, triples=kept, asserted=asserted, raw_inferred=len(new),
                        removed_noise=removed, seconds=seconds, fallback=fallback)
