"""The OWL 2 RL rules kg's ontology uses, compiled from the ontology into one table and
applied to the data in one pass: the closure of a million triples in seconds, without
handing the graph to another engine and building its answer back into rdflib terms.

    rules = compile_rules(schema_triples, vocabulary)   # raises Unsupported for what it cannot do
    new = apply(triples, rules)                          # the closure's new triples, in input order

kg's ontology aligns its terms with SEM, schema.org, PROV-O, FOAF, ORG and Dublin Core
through four kinds of axiom only: rdfs:subClassOf, rdfs:subPropertyOf, owl:inverseOf and
rdfs:domain / rdfs:range. Under OWL 2 RL (rules cax-sco, prp-spo1, prp-inv1, prp-inv2,
prp-dom, prp-rng and the schema rules scm-sco, scm-spo, scm-dom1/2, scm-rng1/2 that close
the axioms among themselves) none of these joins two data triples: what a triple
(s p o) implies depends on p (or, for rdf:type, on the class) alone. So the schema is
closed once, here, into what each predicate and each class implies:

- for a property p: the properties q reached from p through subPropertyOf and inverseOf
  (with the direction an inverse flips), each giving (s q o) or (o q s), and the classes
  the domains and ranges of all of them give s and o, with their superclasses;
- for a class C: its superclasses, each giving (x rdf:type D) for (x rdf:type C).

and the closure of the data is every asserted triple's implications, in one pass.

Whatever would make the rules join data triples, or make the data change the schema, is
refused with `Unsupported`, and kg.reason hands the graph to `reasonable` instead:
owl:sameAs, equivalences, property characteristics (transitive, symmetric, functional,
...), property chains, keys, class expressions (restrictions, unions, intersections,
...), schema axioms about terms outside the ontology or about the RDF/RDFS/OWL vocabulary
itself, and any other predicate or class of the OWL, RDF and RDFS namespaces that is not
listed below. The schema-level conclusions (scm-cls, scm-op, "everything is an
owl:Thing", reflexive owl:sameAs) are about the vocabulary and are what kg.reason removes
as noise, so they are not produced at all. The tests compare the closure with
reasonable's, after kg's noise filter, on the seed graph and on generated graphs.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import OWL, RDF, RDFS, URIRef

from .errors import InputError

TYPE = RDF.type
#: the schema axioms that the rules compile
SCHEMA_PREDICATES = (RDFS.subClassOf, RDFS.subPropertyOf, OWL.inverseOf, RDFS.domain, RDFS.range)
#: predicates of the RDF, RDFS and OWL vocabularies that imply nothing under OWL 2 RL
#: (annotations, ontology headers, list cells)
INERT_PREDICATES = frozenset({
    RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, OWL.versionInfo, OWL.versionIRI, OWL.imports,
    OWL.priorVersion, OWL.backwardCompatibleWith, OWL.incompatibleWith, OWL.deprecated, RDF.first, RDF.rest,
})
#: classes of the vocabularies that declare a term; only the ontology's terms may be declared
#: (OWL 2 RL's scm-cls and scm-op conclusions about them are then all noise)
DECLARATIONS = frozenset({OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty,
                          OWL.AnnotationProperty, RDF.Property})
#: other classes of the vocabularies that data may be typed with (disjointness axioms reach
#: the rules without their owl:members: kg.reason leaves disjointness to SHACL)
INERT_TYPES = frozenset({OWL.Ontology, OWL.NamedIndividual, OWL.Thing, RDFS.Resource, OWL.AllDisjointClasses,
                         OWL.AllDisjointProperties})
#: superclasses, domains and ranges of the vocabularies that imply nothing further
TOP_CLASSES = frozenset({OWL.Thing, RDFS.Resource})
_VOCAB = (str(RDF), str(RDFS), str(OWL))


class Unsupported(InputError):
    """The ontology or the data uses OWL that the compiled rules do not cover."""

    def __init__(self, what: str):
        super().__init__(f"the compiled OWL 2 RL rules do not cover this: {what}")
        self.what = what


def _vocab(term) -> bool:
    # str(): rdflib's own startswith takes no tuple
    return isinstance(term, URIRef) and str(term).startswith(_VOCAB)


@dataclass(frozen=True)
class PropertyRule:
    """What an asserted (s p o) implies: (s q o) for q in `same`, (o q s) for q in
    `flipped`, and (s rdf:type C), (o rdf:type C) for C in `subject_types`, `object_types`."""

    same: tuple = ()
    flipped: tuple = ()
    subject_types: tuple = ()
    object_types: tuple = ()


@dataclass
class Rules:
    properties: dict = field(default_factory=dict)  # predicate -> PropertyRule
    superclasses: dict = field(default_factory=dict)  # class -> its superclasses (not itself), sorted
    vocabulary: frozenset = frozenset()  # the terms that may be declared and described by axioms

    @property
    def derived_predicates(self) -> set:
        """Every predicate the rules can conclude a triple with."""
        out = {TYPE}
        for r in self.properties.values():
            out.update(r.same)
            out.update(r.flipped)
        return out


def reachable(start, edges: dict) -> set:
    """`start` and every node reached from it through `edges` (node -> its successors)."""
    seen, todo = {start}, [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _by_str(terms) -> tuple:
    return tuple(sorted(terms, key=str))


def compile_rules(schema: Iterable[tuple], vocabulary: Iterable) -> Rules:
    """Close the schema axioms (triples whose predicate is one of SCHEMA_PREDICATES) into
    what each property and class implies. `vocabulary` is the set of terms the ontology
    describes; axioms about any other term are refused, since their schema-level
    conclusions would not be noise."""
    vocabulary = frozenset(vocabulary)
    sub_class: dict = {}
    sub_prop: dict = {}
    inverse: dict = {}
    domain: dict = {}
    range_: dict = {}
    for s, p, o in schema:
        if p not in SCHEMA_PREDICATES:
            continue
        if not isinstance(s, URIRef) or not isinstance(o, URIRef):
            raise Unsupported(f"{p.n3()} with a blank node or literal ({s.n3()} {o.n3()})")
        if s not in vocabulary or _vocab(s):
            raise Unsupported(f"an axiom about {s.n3()}, which is not a term of the ontology")
        if p == RDFS.subClassOf:
            sub_class.setdefault(s, set()).add(o)
        elif p == RDFS.subPropertyOf:
            sub_prop.setdefault(s, set()).add(o)
        elif p == OWL.inverseOf:
            inverse.setdefault(s, set()).add(o)
            inverse.setdefault(o, set()).add(s)
        elif p == RDFS.domain:
            domain.setdefault(s, set()).add(o)
        else:
            range_.setdefault(s, set()).add(o)

    def supers(c) -> set:
        out = reachable(c, sub_class)
        for d in out:
            if _vocab(d) and d not in TOP_CLASSES:
                raise Unsupported(f"{c.n3()} implies {d.n3()}")
        return out

    rules = Rules(vocabulary=vocabulary)
    for c in sub_class:
        up = supers(c) - {c}
        if up:
            rules.superclasses[c] = _by_str(up)
    properties = set(sub_prop) | set(inverse) | set(domain) | set(range_)
    for p in properties:
        states = {(p, True)}
        todo = [(p, True)]
        while todo:
            q, forward = todo.pop()
            for nxt in [(r, forward) for r in sub_prop.get(q, ())] + [(r, not forward) for r in inverse.get(q, ())]:
                if nxt not in states:
                    states.add(nxt)
                    todo.append(nxt)
        same, flipped, s_types, o_types = set(), set(), set(), set()
        for q, forward in states:
            if _vocab(q) and q not in INERT_PREDICATES:
                raise Unsupported(f"{p.n3()} implies {q.n3()}")
            if (q, forward) != (p, True):
                (same if forward else flipped).add(q)
            for c in domain.get(q, ()):
                (s_types if forward else o_types).update(supers(c))
            for c in range_.get(q, ()):
                (o_types if forward else s_types).update(supers(c))
        rule = PropertyRule(_by_str(same), _by_str(flipped), _by_str(s_types - TOP_CLASSES),
                            _by_str(o_types - TOP_CLASSES))
        if rule != PropertyRule():
            rules.properties[p] = rule
    return rules


_INERT = "inert"  # a predicate that implies nothing and is never concluded
_DECLARED = "declared"  # rdf:type of a declaration class: the subject must be a term of the ontology
_UNSEEN = object()


def _plan_predicate(p, rules: Rules, derived: set):
    """What apply() does with triples of predicate p: (concluded by some rule?, its rule)."""
    if not isinstance(p, URIRef) or (_vocab(p) and p not in INERT_PREDICATES and p not in SCHEMA_PREDICATES):
        raise Unsupported(f"the predicate {p.n3() if isinstance(p, URIRef) else repr(p)}")
    rule = rules.properties.get(p)
    if rule is None and p not in derived:
        return _INERT
    return (p in derived, rule)


def _plan_class(c, rules: Rules):
    """The superclasses apply() concludes for (x rdf:type c)."""
    up = rules.superclasses.get(c)
    if up is not None:
        return up
    if c in DECLARATIONS:
        return _DECLARED
    if _vocab(c) and c not in INERT_TYPES:
        raise Unsupported(f"the class {c.n3()}")
    return ()


def apply(triples: Iterable[tuple], rules: Rules) -> list[tuple]:
    """The triples the rules conclude from `triples` that are not among them, in the
    order they are first concluded (so the same input gives the same list). Raises
    Unsupported for a predicate or class outside what the rules cover, or a declaration
    (owl:Class, ...) of a term outside the ontology."""
    vocabulary = rules.vocabulary
    derived = rules.derived_predicates
    predicates: dict = {TYPE: None}  # predicate -> _INERT, (concluded?, rule) or None for rdf:type
    classes: dict = {}  # class -> superclasses, or _DECLARED
    concluded: dict = {}  # an ordered set
    given: set = set()  # the asserted triples of the predicates the rules conclude
    for t in triples:
        s, p, o = t
        plan = predicates.get(p, _UNSEEN)
        if plan is _UNSEEN:
            plan = predicates[p] = _plan_predicate(p, rules, derived)
        if plan is _INERT:
            continue
        if plan is None:  # rdf:type
            given.add(t)
            up = classes.get(o)
            if up is None:
                up = classes[o] = _plan_class(o, rules)
            if up is _DECLARED:
                if s not in vocabulary:
                    raise Unsupported(f"{s.n3()} is declared a {o.n3()} but is not a term of the ontology")
                continue
            for c in up:
                concluded[(s, TYPE, c)] = None
            continue
        is_derived, rule = plan
        if is_derived:
            given.add(t)
        if rule is None:
            continue
        for q in rule.same:
            concluded[(s, q, o)] = None
        for q in rule.flipped:
            concluded[(o, q, s)] = None
        for c in rule.subject_types:
            concluded[(s, TYPE, c)] = None
        for c in rule.object_types:
            concluded[(o, TYPE, c)] = None
    return [t for t in concluded if t not in given]
