"""Validation: SHACL shapes (`ontology/shapes.ttl`) run by pySHACL, and conflicts between
sources, with every finding traced back to its articles and sentences.

    report = validate(graph)
    report.conforms, report.violations, report.conflicts, report.text()

Conflicts are reported, not resolved: both claims stay in the graph with their provenance.
"""
from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS

from . import resources
from .rdf import triples_of
from .reference import ReferenceKB
from .reference import load as load_reference
from .terms import KG

log = logging.getLogger(__name__)
SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPES = Namespace("https://w3id.org/skjkg/shapes#")


@dataclass(frozen=True)
class Source:
    article: str  # the article's title or id
    sentence: str | None  # the supporting sentence, when known


@dataclass(frozen=True)
class Finding:
    kind: str  # "violation", "warning" or "conflict"
    rule: str  # the shape, or the conflict check
    message: str
    node: str
    label: str | None
    value: str | None = None
    sources: tuple[Source, ...] = ()


@dataclass
class ValidationReport:
    conforms: bool
    violations: list[Finding] = field(default_factory=list)
    conflicts: list[Finding] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        state = "conforms" if self.conforms else f"{len(self.violations)} violation(s)"
        return f"validation: {state}, {len(self.conflicts)} conflict(s) between sources"

    def text(self) -> str:
        lines = [self.summary(), ""]
        for f in self.violations + self.conflicts:
            lines.append(f"{f.kind.upper()} [{f.rule}] {f.message}")
            lines.append(f"  node: <{f.node}>" + (f' "{f.label}"' if f.label else ""))
            if f.value:
                lines.append(f"  value: {f.value}")
            for s in f.sources:
                lines.append(f"  source: {s.article}" + (f': "{_short(s.sentence)}"' if s.sentence else ""))
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"


def _short(text: str, n: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def shapes_graph() -> Graph:
    return Graph().parse(resources.path("shapes.ttl"), format="turtle")


def sources_of(graph: Graph, node, limit: int = 3) -> tuple[Source, ...]:
    """The articles and sentences behind a node."""
    out = []
    for sent in sorted(graph.objects(node, KG.evidence), key=str)[:limit]:
        art = graph.value(sent, KG.inArticle)
        out.append(Source(_article_name(graph, art), str(graph.value(sent, KG.text) or "") or None))
    if not out:
        for art in sorted(graph.objects(node, KG.mentionedIn), key=str)[:limit]:
            out.append(Source(_article_name(graph, art), None))
    return tuple(out)


def _article_name(graph: Graph, art) -> str:
    if art is None:
        return "(unknown article)"
    title = graph.value(art, DCTERMS.title) or graph.value(art, RDFS.label)
    ident = str(art).rsplit("/", 1)[-1]
    return f"{title} ({ident})" if title and str(title) != ident else ident


def _label(graph: Graph, node) -> str | None:
    v = graph.value(node, RDFS.label)
    return str(v) if v is not None else None


#: Validation engines: "auto" (SPARQL on pyoxigraph when the shapes allow, else pySHACL),
#: "sparql" (kg.shacl; an error if the shapes use SHACL it does not translate), "pyshacl".
VALIDATORS = ("auto", "sparql", "pyshacl")


def to_store(graph: Graph):
    """The graph in an in-memory pyoxigraph store (for queries that rdflib runs slowly)."""
    import pyoxigraph as ox

    from .store import Converter

    conv = Converter()
    store = ox.Store()
    store.bulk_extend(ox.Quad(conv(s), conv(p), conv(o)) for s, p, o in triples_of(graph))
    return store


def validate(graph: Graph, *, shapes: Graph | None = None, kb: ReferenceKB | None = None,
             engine: str = "auto", store=None) -> ValidationReport:
    """Check `graph` against the SHACL shapes (default: kg's) and look for conflicts
    between sources. `engine` is one of VALIDATORS; both engines report the same findings
    on kg's shapes (tests/test_validate.py runs them side by side). `store`, when given, is
    an in-memory pyoxigraph Store holding the same triples (kg.build loads it from the
    graph.ttl it writes, faster than converting the graph term by term); the SPARQL checks
    run on it."""
    if engine not in VALIDATORS:
        raise ValueError(f"unknown validation engine {engine!r}")
    start = time.perf_counter()
    shapes = shapes if shapes is not None else shapes_graph()
    checks = None
    if engine != "pyshacl":
        from .shacl import Unsupported, compile_shapes
        try:
            checks = compile_shapes(shapes)
        except Unsupported as exc:
            if engine == "sparql":
                raise
            log.info("validating with pySHACL: %s", exc)
    if checks is not None:
        from .shacl import run
        results = run(checks, store if store is not None else to_store(graph))  # the shapes as SPARQL on Oxigraph
        violations = [_finding(graph, shapes, r.shape, r.focus, r.value, r.message, r.path,
                               "violation" if r.severity == "Violation" else "warning") for r in results]
        conforms = not any(r.severity == "Violation" for r in results)
    else:
        conforms, violations = _pyshacl(graph, shapes)
    violations.sort(key=lambda f: (f.rule, f.node, f.message, f.value or ""))
    conflicts = find_conflicts(graph, kb=kb)
    return ValidationReport(conforms=bool(conforms), violations=violations, conflicts=conflicts,
                            seconds=time.perf_counter() - start)


def _finding(graph: Graph, shapes: Graph, shape, focus, value, message, path, kind: str) -> Finding:
    text = str(message) if message is not None else "constraint not met"
    if path is not None:
        text += f" ({graph.namespace_manager.normalizeUri(URIRef(str(path)))})"
    iri = isinstance(focus, URIRef)
    return Finding(kind=kind, rule=_shape_name(shapes, shape), message=text, node=str(focus),
                   label=_label(graph, focus) if iri else None,
                   value=None if value is None or value == focus else str(value),
                   sources=sources_of(graph, focus) if iri else ())


def _pyshacl(graph: Graph, shapes: Graph) -> tuple[bool, list[Finding]]:
    import pyshacl

    conforms, results, _text = pyshacl.validate(graph, shacl_graph=shapes, advanced=True, allow_warnings=True)
    violations = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(r, SH.focusNode)
        shape = results.value(r, SH.sourceShape)
        path = results.value(r, SH.resultPath)
        violations.append(_finding(
            graph, shapes, shape, focus, results.value(r, SH.value), results.value(r, SH.resultMessage),
            path if isinstance(path, URIRef) else None,
            "violation" if results.value(r, SH.resultSeverity) == SH.Violation else "warning"))
    return bool(conforms), violations


def _shape_name(results: Graph, shape) -> str:
    if isinstance(shape, URIRef):
        return str(shape).replace(str(SHAPES), "kgsh:")
    parent = results.value(predicate=SH.property, object=shape)
    return _shape_name(results, parent) if parent is not None else "shape"


# ---------------------------------------------------------------- conflicts between sources

# offices one person holds at a time; a holder of one is not at once the holder of another
SINGLE_HOLDER = {"president", "prime-minister", "foreign-minister", "defense-minister", "chief-cabinet-secretary",
                 "unification-minister", "national-assembly-speaker", "secretary-of-state", "supreme-leader"}
_NOT_CURRENT = re.compile(r"(?i)^(?:former|then|ex|late|outgoing)\b")


def find_conflicts(graph: Graph, *, kb: ReferenceKB | None = None) -> list[Finding]:
    """Claims that cannot both be true: one event (same kind, same people, same place)
    dated to different days of one month by different articles; one person given two
    offices, or one office given to two people, as of the same date."""
    out: list[Finding] = []
    persons = set(graph.subjects(RDF.type, KG.Person))
    # events with a day date, grouped by kind, month and the whole set of participants (the
    # same people: at least one a person): candidates are pairs inside one group only
    groups: dict[tuple, list] = {}
    for a, da in graph.subject_objects(KG.date):
        day = str(da)
        if len(day) != 10:
            continue
        parts = frozenset(graph.objects(a, KG.participant))
        if not parts & persons:
            continue
        for k in graph.objects(a, KG.kind):
            groups.setdefault((str(k), day[:7], parts), []).append((str(a), a, da))
    rows = []
    for members in groups.values():
        members.sort(key=lambda m: (m[0], str(m[2])))
        for i, (sa, a, da) in enumerate(members):
            for sb, b, db in members[i + 1:]:
                if sa < sb and da != db:
                    rows.append((a, b, da, db))
    seen = set()
    for a, b, da, db in sorted(set(rows), key=lambda r: tuple(str(x) for x in r)):
        arts_a = set(graph.objects(a, KG.mentionedIn))
        arts_b = set(graph.objects(b, KG.mentionedIn))
        if not arts_a or arts_a == arts_b or (a, b) in seen:
            continue
        la, lb = graph.value(a, KG.location), graph.value(b, KG.location)
        if la is not None and lb is not None and la != lb:
            continue
        seen.add((a, b))
        out.append(Finding(
            kind="conflict", rule="event-date",
            message=f"the same event may be dated {da} by one source and {db} by another",
            node=str(a), label=_label(graph, a), value=f"<{b}> \"{_label(graph, b)}\"",
            sources=sources_of(graph, a) + sources_of(graph, b)))
    out += _office_conflicts(graph, kb or load_reference())
    out.sort(key=lambda f: (f.rule, f.node, f.value or ""))
    return out


def _office_of(kb: ReferenceKB, role: str) -> str | None:
    if _NOT_CURRENT.match(role) or re.match(r"(?i)^(?:acting|interim)\b", role):
        return None  # a past office, or one held in an acting capacity beside another
    office = kb.title_index.get(role.lower())
    return office if office in SINGLE_HOLDER else None


def _office_conflicts(graph: Graph, kb: ReferenceKB) -> list[Finding]:
    claims = []
    fits: dict = {}  # (person, office, date) -> _tenure_fits
    for c in graph.subjects(RDF.type, KG.RoleClaim):
        person, role, as_of = graph.value(c, KG.claimOf), graph.value(c, KG.role), graph.value(c, KG.asOf)
        office = _office_of(kb, str(role)) if role is not None else None
        if person is None or office is None or as_of is None or len(str(as_of)) < 7:
            continue
        key = (person, office, str(as_of))
        if key not in fits:
            fits[key] = _tenure_fits(graph, person, office, str(as_of))
        claims.append((str(as_of), person, office, graph.value(person, KG.country), c, str(role), fits[key]))
    claims.sort()
    # the pairs of claims of one date that may conflict: one person with two offices, or
    # one office (of one country, within its holders' tenures) with two people
    by_person: dict = {}
    by_office: dict = {}
    for i, (d, p, o, c, _n, _r, fit) in enumerate(claims):
        by_person.setdefault((d, p), []).append(i)
        if c is not None and fit:
            by_office.setdefault((d, o, c), []).append(i)
    pairs = set()
    for group in by_person.values():
        pairs.update((i, j) for k, i in enumerate(group) for j in group[k + 1:] if claims[i][2] != claims[j][2])
    for group in by_office.values():
        pairs.update((i, j) for k, i in enumerate(group) for j in group[k + 1:] if claims[i][1] != claims[j][1])
    out = []
    for i, j in sorted(pairs):
        d1, p1, o1, c1, n1, r1, _ = claims[i]
        _d2, p2, _o2, _c2, n2, r2, _ = claims[j]
        if p1 == p2:
            message = f"called \"{r1}\" and \"{r2}\" as of {d1}: two offices one person does not hold at once"
        else:
            # a bare title in a sentence about the past ("Prime Minister Obuchi") is dated by
            # its article; the reference's tenures tell those apart from real disagreements
            message = (f"\"{_label(graph, p1)}\" and \"{_label(graph, p2)}\" are both called \"{r1}\" "
                       f"of {_label(graph, c1)} as of {d1}")
        out.append(Finding(kind="conflict", rule="office", message=message, node=str(p1),
                           label=_label(graph, p1), value=str(p2) if p1 != p2 else r2,
                           sources=sources_of(graph, n1) + sources_of(graph, n2)))
    return out


def _tenure_fits(graph: Graph, person, office: str, date: str) -> bool:
    """False when the graph's reference tenures for this office exclude `date`; True when
    they cover it or when there are none to go by."""
    spans = []
    for t in set(graph.subjects(KG.holder, person)):
        o = graph.value(t, KG.office)
        if o is not None and str(o).rsplit("/", 1)[-1].startswith(office):
            spans.append((str(graph.value(t, KG.startDate) or ""), str(graph.value(t, KG.endDate) or "")))
    if not spans:
        return True
    for start, end in spans:
        n = min(len(date), len(start)) if start else len(date)
        m = min(len(date), len(end)) if end else len(date)
        if (not start or date[:n] >= start[:n]) and (not end or date[:m] <= end[:m]):
            return True
    return False
