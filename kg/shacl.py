"""SHACL validation as SPARQL queries on pyoxigraph: the shapes kg ships, checked in
seconds on graphs where pySHACL takes minutes.

    checks = compile_shapes(shapes_graph)      # raises Unsupported for what it cannot do
    results = run(checks, store)               # -> list[Result]

Each constraint of each shape becomes one SELECT that returns the focus nodes (and value
nodes) that break it, so the work is done by the store's query engine, in bulk, instead of
node by node in Python. It covers SHACL Core as kg's shapes use it, and SHACL-SPARQL
constraints:

- targets: sh:targetClass (instances of the class and of its subclasses), sh:targetNode;
- on a property shape with an IRI sh:path: sh:minCount, sh:maxCount, sh:class, sh:datatype,
  sh:node, sh:in, sh:nodeKind, sh:pattern;
- on a node shape: sh:property, sh:or, sh:and, sh:not, sh:node, sh:class, sh:datatype, sh:sparql;
- sh:message (with {?var} and {$this} filled in for SPARQL constraints), sh:severity,
  sh:deactivated.

Anything else (paths other than a plain property, sh:qualifiedValueShape, sh:closed, ...)
raises `Unsupported`, and kg.validate falls back to pySHACL, which is the reference: the
tests run both on the same graphs and compare what they report.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

from .errors import InputError
from .store import to_rdflib

SH = Namespace("http://www.w3.org/ns/shacl#")
SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"

_NODE_PARAMS = {SH["class"], SH.datatype, SH["or"], SH["and"], SH["not"], SH.node, SH["in"], SH.nodeKind,
                SH.pattern, SH.flags}
_PROPERTY_PARAMS = _NODE_PARAMS | {SH.minCount, SH.maxCount}
# the constraints on each value node, with their SHACL component names
_VALUE_PARAMS = (("Class", SH["class"]), ("Datatype", SH.datatype), ("NodeKind", SH.nodeKind), ("In", SH["in"]),
                 ("Pattern", SH.pattern), ("Node", SH.node), ("Or", SH["or"]), ("And", SH["and"]),
                 ("Not", SH["not"]))
_IGNORED = {RDF.type, SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group,
            SH.deactivated, SH.targetClass, SH.targetNode, SH.property, SH.path, SH.sparql,
            URIRef("http://www.w3.org/2000/01/rdf-schema#comment"),
            URIRef("http://www.w3.org/2000/01/rdf-schema#label")}


class Unsupported(InputError):
    """The shapes use SHACL that this engine does not translate."""

    def __init__(self, what: str):
        super().__init__(f"the SPARQL validator does not translate this SHACL: {what} (use --validator pyshacl)")


@dataclass(frozen=True)
class Check:
    """One constraint as a query: each solution (?this, optional ?value) is one result."""

    query: str
    shape: object  # the rdflib node of the shape that holds the constraint
    component: str  # e.g. "MinCount", "Class", "SPARQL"
    severity: str  # "Violation", "Warning" or "Info"
    message: str | None
    path: str | None  # the property, for property shapes
    with_value: bool


@dataclass(frozen=True)
class Result:
    focus: object  # an rdflib term
    shape: object
    component: str
    severity: str
    message: str
    path: str | None
    value: object | None  # an rdflib term


def _term(t) -> str:
    if isinstance(t, URIRef):
        return f"<{t}>"
    if isinstance(t, Literal):
        return t.n3()
    raise Unsupported(f"cannot use {t!r} in a query")


def _is_instance(var: str, cls) -> str:
    return f"EXISTS {{ {var} {TYPE}/{SUBCLASS}* {_term(cls)} }}"


class _Compiler:
    def __init__(self, shapes: Graph):
        self.g = shapes
        self._n = 0

    def var(self) -> str:
        self._n += 1
        return f"?v{self._n}"

    def values(self, node, p) -> list:
        return sorted(self.g.objects(node, p), key=str)

    def one(self, node, p):
        vals = self.values(node, p)
        if len(vals) > 1:
            raise Unsupported(f"{p} given {len(vals)} times")
        return vals[0] if vals else None

    def path(self, shape) -> str | None:
        p = self.one(shape, SH.path)
        if p is None:
            return None
        if not isinstance(p, URIRef):
            raise Unsupported("only plain property paths are translated")
        return f"<{p}>"

    def check_known(self, shape, allowed) -> None:
        for p in set(self.g.predicates(shape, None)):
            if p not in allowed and p not in _IGNORED:
                raise Unsupported(f"{p} is not translated")

    # -- a shape as a condition on one node ----------------------------------------
    def conforms(self, shape, var: str) -> str:
        """A SPARQL expression: `var` conforms to `shape`."""
        if self.one(shape, SH.deactivated) == Literal(True):
            return "true"
        path = self.path(shape)
        self.check_known(shape, (_PROPERTY_PARAMS if path else _NODE_PARAMS) | {SH.property})
        if self.values(shape, SH.sparql):
            raise Unsupported("sh:sparql inside a logical constraint")
        parts = []
        if path:
            v = self.var()
            for c in self.values(shape, SH.minCount):
                parts.append(f"({{ SELECT (COUNT(DISTINCT {v}) AS ?c) WHERE {{ {var} {path} {v} }} }} >= {int(c)})"
                             if int(c) > 1 else f"EXISTS {{ {var} {path} {v} }}" if int(c) == 1 else "true")
            for c in self.values(shape, SH.maxCount):
                parts.append(f"NOT EXISTS {{ SELECT {var} WHERE {{ {var} {path} {v} }} GROUP BY {var} "
                             f"HAVING (COUNT(DISTINCT {v}) > {int(c)}) }}")
            value_conds = self.value_conditions(shape, v)
            if value_conds:
                parts.append(f"NOT EXISTS {{ {var} {path} {v} FILTER (!({' && '.join(value_conds)})) }}")
        else:
            parts += self.value_conditions(shape, var)
        for prop in self.values(shape, SH.property):
            parts.append(self.conforms(prop, var))
        return "(" + " && ".join(parts) + ")" if parts else "true"

    def value_conditions(self, shape, var: str) -> list[str]:
        """The value-type and logical constraints of `shape` as conditions on `var`."""
        return [self.condition(shape, key, v, var) for _name, key in _VALUE_PARAMS for v in self.values(shape, key)]

    @staticmethod
    def node_kind(kind, var: str) -> str:
        name = str(kind).rsplit("#", 1)[-1]
        tests = {"IRI": f"isIRI({var})", "BlankNode": f"isBlank({var})", "Literal": f"isLiteral({var})",
                 "BlankNodeOrIRI": f"(isBlank({var}) || isIRI({var}))",
                 "BlankNodeOrLiteral": f"(isBlank({var}) || isLiteral({var}))",
                 "IRIOrLiteral": f"(isIRI({var}) || isLiteral({var}))"}
        if name not in tests:
            raise Unsupported(f"sh:nodeKind {kind}")
        return tests[name]

    # -- top-level shapes -----------------------------------------------------------
    def targets(self, shape) -> str:
        alts = [f"{{ ?this {TYPE}/{SUBCLASS}* {_term(c)} }}" for c in self.values(shape, SH.targetClass)]
        nodes = self.values(shape, SH.targetNode)
        if nodes:
            alts.append(f"{{ VALUES ?this {{ {' '.join(_term(n) for n in nodes)} }} }}")
        return " UNION ".join(alts)

    def severity(self, shape) -> str:
        s = self.one(shape, SH.severity)
        return str(s).rsplit("#", 1)[-1] if s is not None else "Violation"

    def message(self, shape) -> str | None:
        m = self.values(shape, SH.message)
        return str(m[0]) if m else None

    def checks_of(self, shape, target: str) -> list[Check]:
        """The checks of a node shape (and of its property shapes) on the target nodes."""
        if self.one(shape, SH.deactivated) == Literal(True):
            return []
        self.check_known(shape, _NODE_PARAMS)
        out = []
        sev, msg = self.severity(shape), self.message(shape)

        def node_check(component: str, cond: str) -> None:
            out.append(Check(f"SELECT DISTINCT ?this WHERE {{ {target} FILTER (!{cond}) }}",
                             shape, component, sev, msg, None, False))

        for name, key in _VALUE_PARAMS:
            for value in self.values(shape, key):
                node_check(name, self.condition(shape, key, value, "?this"))
        for prop in self.values(shape, SH.property):
            out += self.property_checks(prop, target)
        for sparql in self.values(shape, SH.sparql):
            out.append(self.sparql_check(shape, sparql, target, sev, msg))
        return out

    def property_checks(self, prop, target: str) -> list[Check]:
        if self.one(prop, SH.deactivated) == Literal(True):
            return []
        path = self.path(prop)
        if path is None:
            raise Unsupported("a property shape without sh:path")
        self.check_known(prop, _PROPERTY_PARAMS)
        if self.values(prop, SH.property) or self.values(prop, SH.sparql):
            raise Unsupported("nested property shapes")
        sev, msg = self.severity(prop), self.message(prop)
        p = path[1:-1]
        out = []
        for c in self.values(prop, SH.minCount):
            n = int(c)
            if n > 0:
                out.append(Check(
                    f"SELECT ?this WHERE {{ {target} OPTIONAL {{ ?this {path} ?value }} }} GROUP BY ?this "
                    f"HAVING (COUNT(DISTINCT ?value) < {n})", prop, "MinCount", sev, msg, p, False))
        for c in self.values(prop, SH.maxCount):
            out.append(Check(
                f"SELECT ?this WHERE {{ {target} ?this {path} ?value }} GROUP BY ?this "
                f"HAVING (COUNT(DISTINCT ?value) > {int(c)})", prop, "MaxCount", sev, msg, p, False))
        for name, key in _VALUE_PARAMS:
            for value in self.values(prop, key):
                cond = self.condition(prop, key, value, "?value")
                out.append(Check(
                    f"SELECT DISTINCT ?this ?value WHERE {{ {target} ?this {path} ?value FILTER (!{cond}) }}",
                    prop, name, sev, msg, p, True))
        return out

    def condition(self, shape, key, value, var: str) -> str:
        """One constraint parameter of `shape` (`key` given `value`) as a condition on `var`."""
        if key == SH["class"]:
            return _is_instance(var, value)
        if key == SH.datatype:
            return f"(isLiteral({var}) && DATATYPE({var}) = {_term(value)})"
        if key == SH.node:
            return self.conforms(value, var)
        if key == SH.nodeKind:
            return self.node_kind(value, var)
        if key == SH["in"]:
            return f"({var} IN ({', '.join(_term(x) for x in Collection(self.g, value))}))"
        if key == SH.pattern:
            flags = self.one(shape, SH.flags)
            return (f"(!isBlank({var}) && REGEX(STR({var}), {Literal(str(value)).n3()}"
                    + (f", {Literal(str(flags)).n3()}" if flags else "") + "))")
        members = list(Collection(self.g, value)) if key in (SH["or"], SH["and"]) else []
        if key == SH["or"]:
            return "(" + " || ".join(self.conforms(m, var) for m in members) + ")"
        if key == SH["and"]:
            return "(" + " && ".join(self.conforms(m, var) for m in members) + ")"
        return f"!{self.conforms(value, var)}"

    def sparql_check(self, shape, sparql, target: str, sev: str, msg: str | None) -> Check:
        self.check_known(sparql, {SH.select, SH.prefixes, SH.message, SH.deactivated, SH.severity})
        select = self.one(sparql, SH.select)
        if select is None:
            raise Unsupported("sh:sparql without sh:select")
        prefixes = []
        for decl_owner in self.values(sparql, SH.prefixes):
            for decl in self.values(decl_owner, SH.declare):
                prefixes.append(f"PREFIX {self.one(decl, SH.prefix)}: <{self.one(decl, SH.namespace)}>")
        body = str(select)
        if re.search(r"\$(?:currentShape|shapesGraph)\b", body):
            raise Unsupported("$currentShape / $shapesGraph in sh:select")
        body = re.sub(r"\$this\b", "?this", body)
        # the focus nodes go in front of the user's WHERE, as pre-bound ?this
        m = re.search(r"\bWHERE\s*\{", body, re.I)
        if m is None:
            raise Unsupported("sh:select without WHERE")
        body = body[:m.end()] + f" {target} " + body[m.end():]
        own = self.message(sparql) or msg
        return Check("\n".join(prefixes + [body]), shape, "SPARQL", self.severity(sparql) if
                     self.one(sparql, SH.severity) is not None else sev, own, None, False)


def compile_shapes(shapes: Graph) -> list[Check]:
    """Every check of every shape with a target; `Unsupported` if any is beyond this engine."""
    c = _Compiler(shapes)
    out = []
    shape_nodes = set(shapes.subjects(SH.targetClass, None)) | set(shapes.subjects(SH.targetNode, None))
    for p in (SH.targetSubjectsOf, SH.targetObjectsOf, SH.target):
        if any(True for _ in shapes.subjects(p, None)):
            raise Unsupported(f"{p} is not translated")
    for shape in sorted(shape_nodes, key=str):
        if (shape, RDF.type, SH.PropertyShape) in shapes or shapes.value(shape, SH.path) is not None:
            raise Unsupported("a property shape with its own target")
        target = c.targets(shape)
        out += c.checks_of(shape, target)
    return out


def _fill(message: str, row: dict) -> str:
    def sub(m):
        v = row.get(m.group(1))
        return "" if v is None else str(v)
    return re.sub(r"\{[?$](\w+)\}", sub, message)


_INSTANCE = re.compile(r"([?$]\w+) " + re.escape(f"{TYPE}/{SUBCLASS}*") + r" (<[^<>\s]+>)")


def _with_classes(query: str, store: ox.Store, closures: dict) -> str:
    """`query` with each "?x rdf:type/rdfs:subClassOf* <C>" (the instances of C and of its
    subclasses) as "?x rdf:type ?k VALUES ?k { C and its subclasses }", the subclasses
    read from the store once per class: the same solutions, without a path to walk for
    each node (at a million triples, 8 s -> 0.1 s for one check)."""
    def sub(m: re.Match) -> str:
        var, cls = m.group(1), m.group(2)
        if cls not in closures:
            found = {str(r["c"]) for r in store.query(f"SELECT DISTINCT ?c WHERE {{ ?c {SUBCLASS}* {cls} }}")}
            closures[cls] = sorted(found | {cls})
        classes = closures[cls]
        if len(classes) == 1:
            return f"{var} {TYPE} {cls}"
        k = f"?_class{len(closures)}_{m.start()}"
        return f"{var} {TYPE} {k} VALUES {k} {{ {' '.join(classes)} }}"
    return _INSTANCE.sub(sub, query)


def run(checks: list[Check], store: ox.Store) -> list[Result]:
    out = []
    closures: dict = {}
    for check in checks:
        for sol in store.query(_with_classes(check.query, store, closures)):
            this = sol["this"]
            if this is None:
                continue
            value = sol["value"] if check.with_value else None
            message = check.message
            if check.component == "SPARQL":
                names = re.findall(r"\{[?$](\w+)\}", message or "")
                row = {n: to_rdflib(sol[n]) for n in names if _safe_get(sol, n) is not None}
                row["this"] = to_rdflib(this)
                message = _fill(message, row) if message else None
            out.append(Result(
                focus=to_rdflib(this), shape=check.shape, component=check.component, severity=check.severity,
                message=message or _default_message(check, value), path=check.path,
                value=to_rdflib(value) if value is not None else None))
    return out


def _safe_get(sol, name):
    try:
        return sol[name]
    except (KeyError, ValueError, IndexError):
        return None


def _default_message(check: Check, value) -> str:
    path = f" on {check.path}" if check.path else ""
    return {
        "MinCount": f"too few values{path}",
        "MaxCount": f"too many values{path}",
        "Class": f"a value{path} is not of the required class",
        "Datatype": f"a value{path} does not have the required datatype",
        "Node": f"a value{path} does not conform to its node shape",
        "Or": "conforms to none of the shapes in sh:or",
        "And": "does not conform to all the shapes in sh:and",
        "Not": "conforms to a shape it must not (sh:not)",
        "NodeKind": f"a value{path} is not of the required node kind",
        "In": f"a value{path} is not one of the allowed values",
        "Pattern": f"a value{path} does not match the pattern",
        "SPARQL": "the SPARQL constraint found a problem",
    }[check.component]
