"""OWL 2 RL reasoning, with the inferred triples kept apart from the asserted ones.

    result = reason(graph, engine="reasonable")
    result.inferred   # an rdflib.Graph of new triples about the data, noise removed

Two engines compute the same OWL 2 RL closure: owlrl (pure Python, the design's reasoner)
and reasonable (a Rust implementation on PyPI, much faster; the default, chosen by the
measurements in bench/RESULTS.md). The ontology's disjointness axioms are left out of the
reasoner's input: OWL 2 RL handles them by pairing every instance of one class with every
instance of the other, which costs time and memory quadratic in the data. kg checks
disjointness with a SHACL shape instead (`kg.validate`).

The closure's noise is removed: reflexive owl:sameAs, triples with literal subjects,
statements about the vocabularies themselves (RDF, RDFS, OWL, XSD and the ontology's own
terms), and "everything is an owl:Thing / rdfs:Resource".
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef

from .errors import InputError
from .rdf import bind_prefixes, ontology_graph

log = logging.getLogger(__name__)

ENGINES = ("reasonable", "owlrl")
DEFAULT_ENGINE = "reasonable"
_VOCAB = (str(RDF), str(RDFS), str(OWL), str(XSD))
_SKIP_PREDICATES = {OWL.disjointWith, OWL.members, OWL.propertyDisjointWith}
_GENERIC_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Class, OWL.Class}


@dataclass
class ReasonResult:
    engine: str
    inferred: Graph
    asserted: int
    raw_inferred: int
    removed_noise: int
    seconds: float

    @property
    def kept(self) -> int:
        return len(self.inferred)


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


def reason(graph: Graph, *, engine: str = DEFAULT_ENGINE, ontology: Graph | None = None) -> ReasonResult:
    """Compute the OWL 2 RL closure of `graph` (with kg's ontology) and return what is new."""
    if engine not in ENGINES:
        raise InputError(f"unknown reasoner {engine!r}; choose one of {', '.join(ENGINES)}")
    ont = ontology if ontology is not None else ontology_graph()
    source = reasoner_input(graph, ont)
    start = time.perf_counter()
    closure = _closure_reasonable(source) if engine == "reasonable" else _closure_owlrl(source)
    given = set(source)
    new = set()
    for t in closure:
        if t not in given:
            new.add(t)
    del given
    seconds = time.perf_counter() - start
    vocabulary = _vocabulary_terms(ont)
    inferred = Graph()
    bind_prefixes(inferred)
    removed = 0
    kept = []
    for t in new:
        if is_noise(t, vocabulary) or t in graph:
            removed += 1
            continue
        kept.append(t)
    inferred.addN((s, p, o, inferred) for s, p, o in kept)
    log.info("%s: %d asserted, %d inferred, %d noise removed, %.2fs", engine, len(graph), len(new), removed, seconds)
    return ReasonResult(engine=engine, inferred=inferred, asserted=len(graph), raw_inferred=len(new),
                        removed_noise=removed, seconds=seconds)
