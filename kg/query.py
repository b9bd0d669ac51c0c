"""Query the graph with SPARQL: the packaged queries in `queries/`, safely bound
parameters, three kinds of source and four output formats.

    from kg import query
    result = query.run("timeline", {"from": "2020"})            # build/graph.ttl (+ inferred.ttl)
    print(query.render(result, "table"))
    query.run("last-meeting-before", {"actor1": "Japan", "actor2": "South Korea",
                                      "before": "2025-01-13"}, store="oxigraph:build/store")

Sources: an in-memory rdflib graph loaded from Turtle files (the default: build/graph.ttl
and build/inferred.ttl when present), an on-disk Oxigraph store (`store="oxigraph:DIR"`)
and any SPARQL 1.1 endpoint (`endpoint=URL`); the last two live in `kg.store`.

Parameters are never pasted into the query text. Each value is turned into one RDF term
first (an IRI, a label resolved to its node, a typed date, a string or an integer), then
bound: through rdflib's initBindings, or, for Oxigraph and remote servers, through a
`VALUES` block built from that term and placed at the start of the query's WHERE
group (and of inner groups that bind the variable first; see `with_values`). A value
holding quotes, braces or `} UNION {` stays inside its one term.

rdflib's initBindings pre-bind a variable everywhere, a `VALUES` block is joined: the two
agree when a parameter is used in the WHERE group's own triple patterns and filters (or
in inner groups that also bind it in a triple pattern before any OPTIONAL or BIND), as
every packaged query does; the tests compare all three sources on each of them.

Each packaged query opens with a comment header:

    # title: Timeline of Korea–Japan summits and meetings
    # answers: Every summit and meeting with a South Korean and a Japanese side ...
    #   (lines indented two spaces continue the previous entry)
    # param: from (date, optional) earliest date, as YYYY, YYYY-MM or YYYY-MM-DD
    # param: actor (node kg:Person) a person: IRI or label
    # requires: reasoning
    # page: 100
    # example: kg query timeline --param from=2020

`requires` names what the query reads beyond graph.ttl: `reasoning` (inferred.ttl),
`summary` (summary.ttl, kg.summary), or both, comma-separated. `page: N` makes the query
paged: it takes `limit` (rows per page, default N, 0 for all) and `offset` (rows to skip),
added to the query as LIMIT and OFFSET, and the result says when more rows follow.

Parameter types: `node` (an IRI, `kgr:…`/`kg:…`, or a label or other name resolved to
the node; an optional class narrows the lookup), `date` (xsd:date, xsd:gYearMonth or
xsd:gYear by precision), `string`, `integer` and `iri`.
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import logging
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from .errors import InputError, QueryError
from .terms import DATA, KG

log = logging.getLogger(__name__)

FORMATS = ("table", "csv", "tsv", "json")
PARAM_TYPES = ("node", "date", "string", "integer", "iri")
PREFIXES = {
    "kg": str(KG._NS),
    "kgr": str(DATA),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": str(XSD),
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
}
RDF_FORMATS = {".ttl": "turtle", ".nt": "nt", ".n3": "n3", ".rdf": "xml", ".owl": "xml", ".xml": "xml",
               ".jsonld": "json-ld", ".trig": "trig", ".nq": "nquads"}


# --------------------------------------------------------------------------- packaged queries

def queries_dir() -> Path:
    """Where the packaged queries live: `KG_QUERIES_DIR`, or `queries/` in the checkout."""
    env = os.environ.get("KG_QUERIES_DIR")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "queries"


@dataclass(frozen=True)
class Param:
    name: str
    type: str = "string"
    cls: str | None = None          # for node parameters: the class (IRI) the node must have
    optional: bool = False
    doc: str = ""


@dataclass(frozen=True)
class QuerySpec:
    """A SPARQL query with what its header says about it."""

    name: str
    text: str
    path: Path | None = None
    title: str = ""
    answers: str = ""
    params: tuple[Param, ...] = ()
    example: str = ""
    requires: str = ""
    declared: bool = False          # True when the header declares the parameters
    page: int = 0                   # rows per page by default; 0: not paged

    def needs(self, what: str) -> bool:
        """Whether the header's `requires` names `what` (reasoning, summary)."""
        return what in {w.strip() for w in self.requires.split(",")}


_HEADER_LINE = re.compile(r"^#\s?(\w+):\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s*\(([^)]*)\)\s*(.*)$")


def parse_header(text: str, source: str = "query") -> dict:
    """The `# key: value` lines at the top of a query; `param` entries become `Param`s."""
    entries: list[tuple[str, str]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            if entries:
                break
            continue
        if not stripped.startswith("#"):
            break
        m = _HEADER_LINE.match(stripped)
        if m:
            entries.append((m.group(1).lower(), m.group(2).strip()))
        elif entries and re.match(r"^#\s{2,}\S", stripped):
            key, value = entries[-1]
            entries[-1] = (key, f"{value} {stripped[1:].strip()}")
    header: dict = {"params": []}
    for key, value in entries:
        if key == "param":
            header["params"].append(_parse_param(value, source))
        else:
            header[key] = value
    return header


def _parse_param(value: str, source: str) -> Param:
    m = _PARAM.match(value)
    if not m:
        raise QueryError(f"bad param line {value!r}; write: param: NAME (TYPE[, optional]) description",
                         source=source)
    name, spec, doc = m.groups()
    words = [w.strip() for w in spec.split(",") if w.strip()]
    if not words:
        raise QueryError(f"param {name}: no type given", source=source)
    type_, *cls = words[0].split()
    if type_ not in PARAM_TYPES:
        raise QueryError(f"param {name}: unknown type {type_!r} (one of {', '.join(PARAM_TYPES)})", source=source)
    optional = False
    for w in words[1:]:
        if w == "optional":
            optional = True
        elif w != "required":
            raise QueryError(f"param {name}: unknown flag {w!r}", source=source)
    return Param(name, type_, _expand_curie(cls[0]) if cls else None, optional, doc.strip())


def _expand_curie(value: str) -> str:
    if value.startswith("<") and value.endswith(">"):
        return value[1:-1]
    prefix, _, local = value.partition(":")
    return PREFIXES[prefix] + local if prefix in PREFIXES and not local.startswith("//") else value


PAGE_PARAMS = ("limit", "offset")


def spec_from_text(text: str, name: str, path: Path | None = None) -> QuerySpec:
    source = str(path or name)
    header = parse_header(text, source=source)
    params = tuple(header["params"])
    variables = query_variables(text)
    for p in params:
        if p.name not in variables:
            raise QueryError(f"param {p.name} is not a variable of the query", source=source)
    page = 0
    if "page" in header:
        if not re.fullmatch(r"[1-9]\d*", header["page"]):
            raise QueryError(f"page: {header['page']!r} is not a number of rows", source=source)
        page = int(header["page"])
        taken = [n for n in PAGE_PARAMS if n in variables or n in {p.name for p in params}]
        if taken:
            raise QueryError(f"a paged query cannot have a variable or parameter named {taken[0]}", source=source)
        params += (Param("limit", "integer", None, True, f"rows per page (default {page}; 0: all rows)"),
                   Param("offset", "integer", None, True, "rows to skip (default 0)"))
    return QuerySpec(name=name, text=text, path=path, title=header.get("title", ""),
                     answers=header.get("answers", ""), params=params, example=header.get("example", ""),
                     requires=header.get("requires", ""), declared=bool(params), page=page)


def list_queries() -> list[QuerySpec]:
    """Every packaged query, by name."""
    d = queries_dir()
    if not d.is_dir():
        raise InputError(f"{d}: the packaged queries folder is missing (set KG_QUERIES_DIR)")
    return [_load_file(p, p.stem) for p in sorted(d.glob("*.rq"))]


@lru_cache(maxsize=256)
def _load_cached(path: str, mtime: float, name: str) -> QuerySpec:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{p}: cannot read the query: {getattr(exc, 'strerror', None) or exc}") from None
    return spec_from_text(text, name, p)


def _load_file(p: Path, name: str) -> QuerySpec:
    try:
        mtime = p.stat().st_mtime
    except OSError as exc:
        raise InputError(f"{p}: cannot read the query: {exc.strerror or exc}") from None
    return _load_cached(str(p), mtime, name)


def load_query(name_or_file: str | Path) -> QuerySpec:
    """A packaged query by name (`timeline` or `timeline.rq`), or a query file by path."""
    ref = str(name_or_file)
    p = Path(ref)
    if p.is_file():
        return _load_file(p, p.stem)
    packaged = queries_dir() / (ref if ref.endswith(".rq") else ref + ".rq")
    if "/" not in ref and os.sep not in ref and packaged.is_file():
        return _load_file(packaged, packaged.stem)
    names = ", ".join(q.name for q in list_queries()) if queries_dir().is_dir() else "none"
    raise InputError(f"no packaged query or file named {ref!r}; packaged queries: {names}")


def listing() -> str:
    """The packaged queries with their titles and parameters, for `kg query --list`."""
    specs = list_queries()
    width = max((len(s.name) for s in specs), default=0)
    lines = []
    for s in specs:
        note = " (needs the reasoned graph)" if s.needs("reasoning") else ""
        if s.page:
            note += f" ({s.page} rows a page)"
        lines.append(f"{s.name:<{width}}  {s.title}{note}")
        if s.params:
            ps = " ".join(f"[{p.name}=…]" if p.optional else f"{p.name}=…" for p in s.params)
            lines.append(f"{'':<{width}}    params: {ps}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- lexing SPARQL

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
  | (?P<word>[A-Za-z_\u00C0-\uFFFF][\w\-.\u00B7\u00C0-\uFFFF]*(?::[^\s{}()<>"',;\[\]]*)?|:[^\s{}()<>"',;\[\]]*)
  | (?P<punct>.)
""", re.VERBOSE | re.DOTALL)


def _tokens(text: str):
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind in ("ws", "comment"):
            continue
        yield kind, m.group(), m.start()


def query_variables(text: str) -> set[str]:
    """The names of the variables a query mentions (outside comments, strings and IRIs)."""
    return {tok[1:] for kind, tok, _ in _tokens(text) if kind == "var"}


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first query-form keyword at the top level."""
    for kind, tok, _ in _tokens(text):
        if kind == "word" and tok.upper() in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return tok.upper()
    return ""


def _where_group(text: str) -> tuple[int, int] | None:
    """Offsets of the `{` opening the query's WHERE group and of its matching `}`."""
    form, saw_where = None, False
    depth_paren = depth_brace = 0
    start = None
    for kind, tok, pos in _tokens(text):
        if kind == "word" and depth_paren == 0 and depth_brace == 0:
            upper = tok.upper()
            if form is None and upper in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
                form = upper
            elif upper == "WHERE":
                saw_where = True
        elif kind == "punct":
            if tok == "(":
                depth_paren += 1
            elif tok == ")":
                depth_paren -= 1
            elif tok == "{":
                if start is None and depth_brace == 0 and depth_paren == 0 and form is not None \
                        and (form != "CONSTRUCT" or saw_where):
                    start = pos
                depth_brace += 1
            elif tok == "}":
                depth_brace -= 1
                if start is not None and depth_brace == 0:
                    return start, pos
    return None


# --------------------------------------------------------------------------- RDF terms as text

_IRI_OK = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\]*$")
_LANG_OK = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
_VAR_OK = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def check_iri(value: str) -> str:
    """`value` if it is an absolute IRI that can be written between angle brackets."""
    if not _IRI_OK.match(value):
        raise InputError(f"not an absolute IRI: {value!r}")
    return value


def sparql_term(term) -> str:
    """One RDF term in SPARQL syntax. In strings `\\`, `"`, newline and carriage return are
    escaped (and a `u` right after a backslash), so the text cannot leave its string
    whatever the value holds; IRIs with characters that could end them are refused."""
    if isinstance(term, URIRef):
        return f"<{check_iri(str(term))}>"
    if isinstance(term, Literal):
        body = (str(term).replace("\\", "\\\\").replace('"', '\\"')
                .replace("\n", "\\n").replace("\r", "\\r"))
        # a parser that expands \uXXXX before parsing (SPARQL 1.1 §19.2, rdflib) must not
        # see one: a "u" after an escaped backslash is itself written as \U00000075
        body = re.sub(r"(?<=\\\\)([uU])", lambda m: "\\U%08X" % ord(m.group(1)), body)
        if term.language:
            if not _LANG_OK.match(term.language):
                raise InputError(f"bad language tag {term.language!r}")
            return f'"{body}"@{term.language}'
        if term.datatype and term.datatype != XSD.string:
            return f'"{body}"^^<{check_iri(str(term.datatype))}>'
        return f'"{body}"'
    raise InputError(f"cannot bind {term!r}: only IRIs and literals can be parameters")


def _match(toks: list, i: int) -> int:
    """Index of the token closing the bracket at toks[i]."""
    pair = {"{": "}", "(": ")", "[": "]"}[toks[i][1]]
    depth = 0
    for j in range(i, len(toks)):
        if toks[j][0] == "punct":
            if toks[j][1] == toks[i][1]:
                depth += 1
            elif toks[j][1] == pair:
                depth -= 1
                if depth == 0:
                    return j
    raise QueryError("unbalanced brackets in the query")


def _is_word(tok, *words: str) -> bool:
    return tok[0] == "word" and tok[1].upper() in words


def _after_filter(toks: list, i: int, end: int) -> int:
    """Index just past the constraint of the FILTER at toks[i]."""
    j = i + 1
    while j < end and _is_word(toks[j], "NOT", "EXISTS"):
        j += 1
    if j > i + 1 and j < end and toks[j][1] == "{":          # FILTER [NOT] EXISTS { ... }
        return _match(toks, j) + 1
    while j < end and toks[j][1] != "(":                      # a function name, or "("
        j += 1
    return _match(toks, j) + 1 if j < end else end


def _select_parts(toks: list, i: int) -> tuple[set[str] | None, int, int, bool]:
    """For the sub-select `{ SELECT ...` whose `{` is toks[i]: its plain projected
    variables (None for *), the braces of its WHERE group, and whether LIMIT or OFFSET
    cut it."""
    outer = _match(toks, i)
    j, depth, projected, star = i + 2, 0, set(), False
    while j < outer and not (toks[j][1] == "{" and depth == 0):
        if toks[j][1] == "(":
            depth += 1
        elif toks[j][1] == ")":
            depth -= 1
        elif depth == 0 and toks[j][0] == "var":
            projected.add(toks[j][1][1:])
        elif depth == 0 and toks[j][1] == "*":
            star = True
        j += 1
    close = _match(toks, j)
    cut = any(_is_word(t, "LIMIT", "OFFSET") for t in toks[close:outer])
    return (None if star else projected), j, close, cut


def _children(toks: list, lo: int, hi: int):
    """The groups directly within toks[lo:hi] as (kind, open, close): kind is "select",
    "union" (a branch of a UNION), "group", "optional", "graph", or "skip" for MINUS,
    SERVICE and groups inside a FILTER; also ("filter", i, j) for constraint spans and
    ("stop", i, i) for OPTIONAL, MINUS, BIND, VALUES and SERVICE keywords."""
    i = lo
    while i < hi:
        tok = toks[i]
        if _is_word(tok, "FILTER"):
            j = _after_filter(toks, i, hi)
            yield "filter", i, j
            i = j
            continue
        if _is_word(tok, "OPTIONAL", "MINUS", "BIND", "VALUES", "SERVICE"):
            yield "stop", i, i
            kw = tok[1].upper()
            k = i + 1
            while k < hi and toks[k][1] not in ("{", "("):
                k += 1
            if k < hi and toks[k][1] == "{":
                close = _match(toks, k)
                yield ("optional" if kw == "OPTIONAL" else "skip"), k, close
                i = close + 1
            elif k < hi:
                i = _match(toks, k) + 1
            else:
                i = k
            continue
        if tok[1] == "{":
            close = _match(toks, i)
            before = toks[i - 1] if i > lo else None
            after = toks[close + 1] if close + 1 < hi else None
            if i + 1 < hi and _is_word(toks[i + 1], "SELECT"):
                kind = "select"
            elif (before is not None and _is_word(before, "UNION")) or (after is not None and _is_word(after, "UNION")):
                kind = "union"
            elif before is not None and (before[0] in ("var", "iri") or _is_word(before)) \
                    and i - 2 >= lo and _is_word(toks[i - 2], "GRAPH"):
                kind = "graph"
            else:
                kind = "group"
            yield kind, i, close
            i = close + 1
            continue
        yield "token", i, i
        i += 1


def _binds(toks: list, kind: str, open_i: int, close_i: int, var: str) -> bool:
    """Whether every solution of this group binds ?var before anything at the group's own
    level could see it unbound (an OPTIONAL, MINUS, BIND or VALUES): then joining a value
    for ?var first, at the group's start, gives the same answers."""
    if kind == "select":
        projected, g_open, g_close, cut = _select_parts(toks, open_i)
        if cut or (projected is not None and var not in projected):
            return False
        return _binds(toks, "group", g_open, g_close, var)
    items = list(_children(toks, open_i + 1, close_i))
    k = 0
    while k < len(items):
        what, i, j = items[k]
        if what == "stop":
            return False
        if what == "token" and toks[i][0] == "var" and toks[i][1][1:] == var:
            return True
        if what == "union":
            chain = [(i, j)]
            while k + 1 < len(items) and items[k + 1][0] == "token" and _is_word(toks[items[k + 1][1]], "UNION"):
                k += 2
                chain.append(items[k][1:])
            if all(_binds(toks, "group", a, b, var) for a, b in chain):
                return True
        elif what in ("group", "select", "graph") and _binds(toks, what, i, j, var):
            return True
        k += 1
    return False


def _filters_mention(toks: list, open_i: int, close_i: int, var: str) -> bool:
    """Whether a FILTER of this group, or of a group within it (not a sub-select's, nor
    one in a FILTER, MINUS or SERVICE), mentions ?var."""
    for what, i, j in _children(toks, open_i + 1, close_i):
        if what == "filter" and any(t[0] == "var" and t[1][1:] == var for t in toks[i:j]):
            return True
        if what in ("union", "group", "optional", "graph") and _filters_mention(toks, i, j, var):
            return True
    return False


def with_values(text: str, bindings: Mapping[str, object]) -> tuple[str, list[tuple[int, int]]]:
    """The query with a one-row `VALUES` block for `bindings` at the start of its WHERE
    group, which then sees the values in its filters as initBindings would.

    So that engines which evaluate groups bottom up (Oxigraph) need not compute a UNION
    branch, OPTIONAL part or sub-select for every value and drop all but one in the final
    join, the block is also put at the start of each inner group that certainly binds the
    variable first (a triple pattern of its own, or such a group, before any OPTIONAL,
    MINUS, BIND or VALUES; for a sub-select, a plain projected variable and no LIMIT or
    OFFSET). Joining the value there rather than outside changes no answer. Groups in
    FILTER, MINUS and SERVICE are left alone.

    It is also put at the start of each inner group (not a sub-select) whose FILTERs, or
    those of groups within it, mention the variable, so that the filter sees the value there as it does under
    initBindings, which pre-bind a variable in every group: a UNION branch such as
    `{ ?x a kg:Article FILTER(!BOUND(?publisher)) }` is then empty when the parameter is
    given, on every source. The packaged queries use such branches to start from the
    parameter's value when it is given and from everything when it is not.

    Returns the new text and the insertions as (offset in `text`, length), so that error
    positions can be mapped back."""
    if not bindings:
        return text, []
    for name in bindings:
        if not _VAR_OK.match(name):
            raise InputError(f"bad parameter name {name!r}")
    group = _where_group(text)
    if group is None:
        raise QueryError("cannot find the query's WHERE group to bind parameters to")
    toks = list(_tokens(text))
    top_open = next(i for i, t in enumerate(toks) if t[2] == group[0])
    edits: list[tuple[int, str]] = []

    def block(names) -> str:
        names = sorted(names)
        return ("VALUES (" + " ".join(f"?{n}" for n in names) + ") { ("
                + " ".join(sparql_term(bindings[n]) for n in names) + ") } ")

    def push(open_i: int, close_i: int, names: set[str]) -> None:
        at, end = toks[open_i][2] + 1, toks[close_i][2]
        if open_i + 1 < close_i and _is_word(toks[open_i + 1], "SELECT"):   # the group is one sub-select
            edits.extend([(at, " " + block(names) + "{"), (end, "} ")])
            inner = [("select", open_i, close_i)]
        else:
            edits.append((at, " " + block(names)))
            inner = list(_children(toks, open_i + 1, close_i))
        for what, i, j in inner:
            if what not in ("select", "union", "group", "optional", "graph"):
                continue
            kind = "select" if what == "select" else "group"
            keep = {n for n in names if _binds(toks, kind, i, j, n)
                    or (kind == "group" and _filters_mention(toks, i, j, n))}
            if not keep:
                continue
            if what == "select":
                _, g_open, g_close, _ = _select_parts(toks, i)
                push(g_open, g_close, keep)
            else:
                push(i, j, keep)

    push(top_open, _match(toks, top_open), set(bindings))
    full = text
    for at, piece in sorted(edits, reverse=True):
        full = full[:at] + piece + full[at:]
    return full, sorted((at, len(piece)) for at, piece in edits)


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def offset_of(text: str, line: int, column: int) -> int:
    """The character offset of a 1-based line and column."""
    start = 0
    for _ in range(line - 1):
        nl = text.find("\n", start)
        if nl < 0:
            return len(text)
        start = nl + 1
    return min(len(text), start + max(column - 1, 0))


def map_back(text: str, full: str, line: int, column: int, inserts: list[tuple[int, int]]) -> tuple[int, int]:
    """An error position in `full` (the query with VALUES blocks) as a position in `text`."""
    offset = offset_of(full, line, column)
    shift = 0
    for at, n in inserts:
        if offset >= at + shift + n:
            shift += n
        elif offset >= at + shift:
            return position(text, at)
        else:
            break
    return position(text, offset - shift)


# --------------------------------------------------------------------------- results

@dataclass
class Result:
    """Rows of rdflib terms (None where unbound), or the boolean of an ASK query."""

    vars: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    boolean: bool | None = None
    more: bool = False              # a paged query has rows past this page
    offset: int = 0                 # of a paged query: the rows skipped before this page

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list:
        i = self.vars.index(name)
        return [r[i] for r in self.rows]

    def dicts(self) -> list[dict[str, str | None]]:
        """Rows as {var: lexical value}, handy in notebooks and tests."""
        return [{v: (None if t is None else str(t)) for v, t in zip(self.vars, r)} for r in self.rows]


# --------------------------------------------------------------------------- sources

class Source:
    """Where queries run. `select` takes the query text and parameter terms."""

    name = "source"

    def select(self, text: str, bindings: Mapping[str, object], *, label: str = "query") -> Result:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def syntax_error(text: str, line: int | None, column: int | None, detail: str, label: str) -> QueryError:
    """A QueryError that shows the text at the parser's position; the parser's own words
    are kept when they are short enough to help."""
    detail = " ".join(detail.split())
    msg = "syntax error"
    if line is not None and column is not None:
        lines = text.splitlines() or [""]
        rest = lines[line - 1][column - 1:] if 0 < line <= len(lines) else ""
        rest = rest.strip()
        msg += f" near {rest[:40]!r}" if rest else " at the end of the line"
    if detail and len(detail) <= 80 and "SelectQuery" not in detail:
        msg += f" ({detail})"
    return QueryError(msg, line=line, column=column, source=label)


def _rdflib_error(exc: Exception, text: str, label: str) -> QueryError:
    line = getattr(exc, "lineno", None)
    col = getattr(exc, "col", None)
    msg = getattr(exc, "msg", None) or str(exc)
    if line is None:  # e.g. "Unknown namespace prefix : foo"
        m = re.search(r"prefix\s*:\s*(\S+)", str(exc))
        if m:
            hit = re.search(rf"(?<![\w?$:]){re.escape(m.group(1))}:", text)
            if hit:
                line, col = position(text, hit.start())
            msg = f"unknown prefix {m.group(1)}: (declare it with PREFIX)"
    return syntax_error(text, line, col, msg, label)


def rdflib_syntax_error(text: str, label: str) -> QueryError | None:
    """rdflib's diagnosis of a query, or None if rdflib parses it."""
    try:
        _prepare(text)
    except Exception as exc:
        return _rdflib_error(exc, text, label)
    return None


@lru_cache(maxsize=128)
def _prepare(text: str):
    from rdflib.plugins.sparql import prepareQuery
    return prepareQuery(text)


class GraphSource(Source):
    """An in-memory rdflib graph."""

    name = "rdflib"

    def __init__(self, graph: Graph, files: Sequence[Path] = ()):
        self.graph = graph
        self.files = list(files)

    def select(self, text: str, bindings: Mapping[str, object], *, label: str = "query") -> Result:
        try:
            prepared = _prepare(text)
        except Exception as exc:  # pyparsing.ParseException and rdflib's own
            raise _rdflib_error(exc, text, label) from None
        form = prepared.algebra.name
        if form not in ("SelectQuery", "AskQuery"):
            raise QueryError(f"kg query runs SELECT and ASK queries; this is a {query_form(text) or form}",
                             source=label)
        try:
            res = self.graph.query(prepared, initBindings=dict(bindings))
            if res.type == "ASK":
                return Result(boolean=bool(res.askAnswer))
            names = [str(v) for v in res.vars]
            return Result(vars=names, rows=[tuple(row) for row in res])
        except QueryError:
            raise
        except Exception as exc:
            raise QueryError(f"cannot run: {type(exc).__name__}: {exc}", source=label) from None


def rdf_format(path: Path) -> str:
    fmt = RDF_FORMATS.get(path.suffix.lower())
    if not fmt:
        raise InputError(f"{path}: unknown RDF file type (use .ttl, .nt, .rdf, .jsonld, .trig or .nq)")
    return fmt


def load_graph(files: Iterable[str | Path]) -> Graph:
    """One rdflib graph from RDF files (Turtle, N-Triples, RDF/XML, JSON-LD, ...)."""
    g = Graph()
    for f in files:
        p = Path(f)
        if not p.is_file():
            raise InputError(f"{p}: no such graph file")
        try:
            g.parse(p, format=rdf_format(p))
        except InputError:
            raise
        except Exception as exc:
            raise InputError(f"{p}: not valid RDF: {str(exc).splitlines()[0][:300]}") from None
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=False)
    return g


def default_graph_files(build: str | Path = "build") -> list[Path]:
    """`build/graph.ttl`, and `build/inferred.ttl` and `build/summary.ttl` (kg.summary)
    when they exist."""
    build = Path(build)
    graph = build / "graph.ttl"
    if not graph.is_file():
        raise InputError(f"{graph}: no graph; run `kg build` first or give --graph FILE")
    return [graph] + [p for p in (build / "inferred.ttl", build / "summary.ttl") if p.is_file()]


def open_source(*, graphs: Sequence[str | Path] | None = None, store: str | None = None,
                endpoint: str | None = None, build: str | Path = "build") -> Source:
    """The source to query: an Oxigraph store, a SPARQL endpoint, or (the default) an
    rdflib graph loaded from `graphs` or from the build folder."""
    given = [x for x in (graphs, store, endpoint) if x]
    if len(given) > 1:
        raise InputError("give only one of --graph, --store and --endpoint")
    if store:
        from .store import open_store
        return open_store(store)
    if endpoint:
        from .store import EndpointSource
        return EndpointSource(endpoint)
    files = [Path(f) for f in graphs] if graphs else default_graph_files(build)
    return GraphSource(load_graph(files), files)


# --------------------------------------------------------------------------- parameters

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_OWL_CLASS = PREFIXES["owl"] + "Class"
_LABEL_QUERY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?node ?tier WHERE {
  { ?node rdfs:label %(x)s . BIND(1 AS ?tier) }
  UNION { ?node skos:altLabel %(x)s . BIND(2 AS ?tier) }
  UNION { ?node skos:hiddenLabel %(x)s . BIND(3 AS ?tier) }
  %(filter)s
  FILTER(!BOUND(?cls) || EXISTS { ?node a/rdfs:subClassOf* ?cls })
} ORDER BY ?tier ?node"""
_EXACT = _LABEL_QUERY % {"x": "?value", "filter": ""}
_FOLDED_FILTER = "FILTER(isLiteral(?label) && LCASE(STR(?label)) = LCASE(STR(?value)))"
_WORDS_FILTER = ('FILTER(isLiteral(?label) && CONTAINS(CONCAT(" ", LCASE(STR(?label)), " "), '
                 'CONCAT(" ", LCASE(STR(?value)), " ")))')
_FOLDED = _LABEL_QUERY % {"x": "?label", "filter": _FOLDED_FILTER}
_WORDS = _LABEL_QUERY % {"x": "?label", "filter": _WORDS_FILTER}
# The same look-ups among the nodes of a class, found first: for a small class
# (owl:Class) far fewer labels to compare than all of them. Same answers.
_IN_CLASS = _LABEL_QUERY.replace("SELECT DISTINCT ?node ?tier WHERE {",
                                 "SELECT DISTINCT ?node ?tier WHERE {\n  ?cls0 rdfs:subClassOf* ?cls . ?node a ?cls0 .")
_FOLDED_IN_CLASS = _IN_CLASS % {"x": "?label", "filter": _FOLDED_FILTER}
_WORDS_IN_CLASS = _IN_CLASS % {"x": "?label", "filter": _WORDS_FILTER}


def date_term(value: str) -> Literal:
    """A typed date at its precision: 2025 → xsd:gYear, 2025-01 → xsd:gYearMonth,
    2025-01-13 → xsd:date."""
    m = _DATE.match(value.strip())
    if not m:
        raise InputError(f"not a date: {value!r} (write YYYY, YYYY-MM or YYYY-MM-DD)")
    y, mo, d = m.groups()
    try:
        if d:
            _dt.date(int(y), int(mo), int(d))
            return Literal(value.strip(), datatype=XSD.date)
        if mo:
            _dt.date(int(y), int(mo), 1)
            return Literal(value.strip(), datatype=XSD.gYearMonth)
    except ValueError:
        raise InputError(f"not a date: {value!r}") from None
    return Literal(y, datatype=XSD.gYear)


def iri_term(value: str) -> URIRef | None:
    """An IRI from `<…>`, an absolute IRI or a known prefix (kgr:person/…); None if the
    value does not look like one."""
    v = value.strip()
    if v.startswith("<") and v.endswith(">"):
        return URIRef(check_iri(v[1:-1]))
    prefix, sep, local = v.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return URIRef(check_iri(PREFIXES[prefix] + local))
    if re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*://", v) or v.startswith("urn:"):
        return URIRef(check_iri(v))
    return None


def resolve_node(source: Source, value: str, cls: str | None = None) -> URIRef:
    """The node an IRI or a label names. Labels match rdfs:label first, then
    skos:altLabel, then skos:hiddenLabel: exactly, then ignoring case, then as whole words
    within a label ("Iwaya" for "Takeshi Iwaya"); more than one node at the best match is
    an error that lists them."""
    iri = iri_term(value)
    if iri is not None:
        return iri
    text = value.strip()
    if not text:
        raise InputError("empty value where a node (IRI or label) is needed")
    bindings: dict[str, object] = {"value": Literal(text)}
    if cls:
        bindings["cls"] = URIRef(cls)
    small_class = cls == _OWL_CLASS
    folded, words = (_FOLDED_IN_CLASS, _WORDS_IN_CLASS) if small_class else (_FOLDED, _WORDS)
    for q in (_EXACT, folded, words) if len(text) >= 3 else (_EXACT, folded):
        res = source.select(q, bindings, label="label lookup")
        if res.rows:
            best = res.rows[0][1]
            nodes = sorted({str(r[0]) for r in res.rows if r[1] == best and isinstance(r[0], URIRef)})
            if len(nodes) == 1:
                return URIRef(nodes[0])
            if nodes:
                raise InputError(f"{text!r} names {len(nodes)} nodes: {', '.join(nodes[:6])}"
                                 f"{' …' if len(nodes) > 6 else ''}; give the IRI instead")
    what = f" of class <{cls}>" if cls else ""
    raise InputError(f"no node{what} is labelled {text!r}; give an IRI or another name")


def param_term(source: Source, param: Param, value: str):
    """The RDF term a parameter value stands for."""
    try:
        if param.type == "node":
            return resolve_node(source, value, param.cls)
        if param.type == "date":
            return date_term(value)
        if param.type == "integer":
            try:
                return Literal(int(value.strip()))
            except ValueError:
                raise InputError(f"not an integer: {value!r}") from None
        if param.type == "iri":
            iri = iri_term(value)
            if iri is None:
                raise InputError(f"not an IRI: {value!r}")
            return iri
        return Literal(value)
    except InputError as exc:
        raise InputError(f"param {param.name}: {str(exc).split(': ', 1)[1]}") from None


def _guess_param(name: str, value: str) -> Param:
    """A parameter the query does not declare: an IRI, a date or an integer by its look,
    else a string."""
    v = value.strip()
    if iri_term(v) is not None:
        return Param(name, "iri")
    if _DATE.match(v):
        return Param(name, "date")
    if re.match(r"^-?\d+$", v) and len(v) < 19:
        return Param(name, "integer")
    return Param(name, "string")


def bind(spec: QuerySpec, values: Mapping[str, str], source: Source) -> dict[str, object]:
    """Check the values against the query's parameters and turn each into an RDF term."""
    values = {k: v for k, v in dict(values or {}).items() if not (spec.page and k in PAGE_PARAMS)}
    bindings: dict[str, object] = {}
    known = {p.name: p for p in spec.params if not (spec.page and p.name in PAGE_PARAMS)}
    variables = query_variables(spec.text)
    for name, value in values.items():
        p = known.get(name)
        if p is None:
            if spec.declared or name not in variables:
                takes = ", ".join(known) or "no parameters"
                raise InputError(f"{spec.name}: no parameter {name!r} (it takes {takes})")
            p = _guess_param(name, value)
        if value is None:
            raise InputError(f"param {name}: no value")
        bindings[name] = param_term(source, p, str(value))
    missing = [p.name for p in known.values() if not p.optional and p.name not in bindings]
    if missing:
        example = f"; e.g. {spec.example}" if spec.example else ""
        raise InputError(f"{spec.name}: missing parameter(s) {', '.join(missing)}{example}")
    return bindings


def parse_param_args(args: Iterable[str]) -> dict[str, str]:
    """`NAME=VALUE` strings as a dict; a repeated or malformed one is an error."""
    out: dict[str, str] = {}
    for a in args:
        name, sep, value = a.partition("=")
        name = name.strip()
        if not sep or not _VAR_OK.match(name):
            raise InputError(f"bad --param {a!r}: write NAME=VALUE")
        if name in out:
            raise InputError(f"--param {name} given twice")
        out[name] = value
    return out


# --------------------------------------------------------------------------- running

def run(query: str | Path | QuerySpec, params: Mapping[str, str] | None = None, *,
        source: Source | None = None, graphs: Sequence[str | Path] | None = None,
        store: str | None = None, endpoint: str | None = None) -> Result:
    """Run a packaged query (by name), a query file or a `QuerySpec` with parameters
    (NAME → value as the user wrote it) on a source (default: the build folder's graph)."""
    spec = query if isinstance(query, QuerySpec) else load_query(query)
    own = source is None
    src = source or open_source(graphs=graphs, store=store, endpoint=endpoint)
    try:
        limit, offset = paging(spec, params or {})
        bindings = bind(spec, params or {}, src)
        if spec.needs("reasoning") and not _looks_reasoned(src):
            log.warning("%s needs the reasoned graph (inferred.ttl); this graph has no inferred "
                        "triples, so the answer may be empty", spec.name)
        if spec.needs("summary"):
            _ensure_summary(src, spec.name)
        text = spec.text
        if limit:   # one row more than asked tells whether another page follows
            text = f"{text.rstrip()}\nLIMIT {limit + 1}" + (f" OFFSET {offset}" if offset else "") + "\n"
        elif offset:
            text = f"{text.rstrip()}\nOFFSET {offset}\n"
        result = src.select(text, bindings, label=str(spec.path or spec.name))
        if limit:
            result.more = len(result.rows) > limit
            del result.rows[limit:]
            result.offset = offset
        return result
    finally:
        if own:
            src.close()


def paging(spec: QuerySpec, values: Mapping[str, str]) -> tuple[int, int]:
    """The page a paged query is asked for: (limit, offset); limit 0 means every row."""
    if not spec.page:
        return 0, 0
    out = []
    for name, default in (("limit", spec.page), ("offset", 0)):
        v = values.get(name)
        if v is None:
            out.append(default)
            continue
        if not re.fullmatch(r"\s*\d{1,12}\s*", str(v)):
            raise InputError(f"param {name}: not a whole number of rows: {v!r}")
        out.append(int(v))
    return out[0], out[1]


def page_note(result: Result) -> str | None:
    """What to tell when a paged query has more rows than this page shows."""
    if not result.more:
        return None
    first, last = result.offset + 1, result.offset + len(result.rows)
    return (f"(rows {first}-{last}; more follow: the next page with --param offset={last}, "
            f"every row with --param limit=0)")


def _ensure_summary(source: Source, name: str) -> None:
    """An in-memory graph without its summary (a graph file given by hand, a build from
    before summaries) gets one computed now; a store or server without one gets a warning."""
    ask = "ASK { { ?x <%s> ?n } UNION { ?x <%s> ?n } }" % (KG.linkCount, KG.mentionedEventCount)
    try:
        if source.select(ask, {}, label="summary check").boolean:
            return
        if not source.select("ASK { ?e <%s> ?x }" % KG.participant, {}, label="summary check").boolean \
                and not source.select("ASK { ?e <%s> ?x }" % KG.mentionedIn, {}, label="summary check").boolean:
            return      # nothing to summarize
    except Exception:  # a check only; never in the way of the query itself
        return
    if isinstance(source, GraphSource):
        from .summary import summarize
        log.info("%s: no summary.ttl loaded; computing the summary in memory", name)
        source.graph += summarize([source.graph])
        return
    log.warning("%s reads the build's summary (summary.ttl), which this %s lacks, so the answer "
                "will be empty: load summary.ttl too (kg build --store, kg push)", name, source.name)


def _looks_reasoned(source: Source) -> bool:
    q = "ASK { ?a <%s> ?e }" % KG.participatedIn
    try:
        return bool(source.select(q, {}, label="reasoning check").boolean)
    except Exception:  # a check only; never in the way of the query itself
        return True


def execute(query: str, params: Mapping[str, str] | None = None, *, fmt: str = "table",
            graphs: Sequence[str | Path] | None = None, store: str | None = None,
            endpoint: str | None = None, width: int | None = None) -> str:
    """Run and render: what `kg query` prints."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    spec = load_query(query)
    return render(run(spec, params, graphs=graphs, store=store, endpoint=endpoint), fmt, width=width)


# --------------------------------------------------------------------------- rendering

def render(result: Result, fmt: str = "table", *, width: int | None = None) -> str:
    if fmt == "json":
        return to_json(result)
    if fmt == "csv":
        return to_csv(result)
    if fmt == "tsv":
        return to_tsv(result)
    if fmt == "table":
        return to_table(result, width=width)
    raise InputError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")


def json_term(t) -> dict:
    if isinstance(t, URIRef):
        return {"type": "uri", "value": str(t)}
    if isinstance(t, BNode):
        return {"type": "bnode", "value": str(t)}
    if isinstance(t, Literal):
        d = {"type": "literal", "value": str(t)}
        if t.language:
            d["xml:lang"] = t.language
        elif t.datatype and t.datatype != XSD.string:
            d["datatype"] = str(t.datatype)
        return d
    return {"type": "literal", "value": str(t)}


def to_json(result: Result) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if result.boolean is not None:
        return json.dumps({"head": {}, "boolean": result.boolean}, ensure_ascii=False, indent=2)
    bindings = [{v: json_term(t) for v, t in zip(result.vars, row) if t is not None} for row in result.rows]
    return json.dumps({"head": {"vars": result.vars}, "results": {"bindings": bindings}},
                      ensure_ascii=False, indent=2)


def from_json(data: dict) -> Result:
    """A Result from SPARQL 1.1 Query Results JSON (what servers send)."""
    if "boolean" in data:
        return Result(boolean=bool(data["boolean"]))
    names = list(data.get("head", {}).get("vars", []))
    rows = []
    for b in data.get("results", {}).get("bindings", []):
        rows.append(tuple(_from_json_term(b.get(v)) for v in names))
    return Result(vars=names, rows=rows)


def _from_json_term(d: dict | None):
    if d is None:
        return None
    kind = d.get("type")
    if kind == "uri":
        return URIRef(d["value"])
    if kind == "bnode":
        return BNode(d["value"])
    lang = d.get("xml:lang")
    dt = d.get("datatype")
    if lang:
        return Literal(d["value"], lang=lang)
    if dt and dt != str(XSD.string):
        return Literal(d["value"], datatype=URIRef(dt))
    return Literal(d["value"])


def to_csv(result: Result) -> str:
    """SPARQL 1.1 Query Results CSV: plain values, CRLF line ends."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    if result.boolean is not None:
        w.writerow(["boolean"])
        w.writerow(["true" if result.boolean else "false"])
        return out.getvalue()
    w.writerow(result.vars)
    for row in result.rows:
        w.writerow(["" if t is None else (f"_:{t}" if isinstance(t, BNode) else str(t)) for t in row])
    return out.getvalue()


def tsv_term(t) -> str:
    if t is None:
        return ""
    if isinstance(t, BNode):
        return f"_:{t}"
    if isinstance(t, Literal) and t.datatype == XSD.integer and re.match(r"^[+-]?\d+$", str(t)):
        return str(t)
    return sparql_term(t).replace("\t", "\\t")


def to_tsv(result: Result) -> str:
    """SPARQL 1.1 Query Results TSV: terms in SPARQL syntax, `?var` header."""
    if result.boolean is not None:
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(f"?{v}" for v in result.vars)]
    lines += ["\t".join(tsv_term(t) for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def short(t) -> str:
    """A term as a person reads it: IRIs with known prefixes, literals as their text."""
    if t is None:
        return ""
    if isinstance(t, URIRef):
        s = str(t)
        for prefix in ("kgr", "kg", "rdfs", "skos", "dcterms", "owl", "xsd", "rdf"):
            ns = PREFIXES[prefix]
            if s.startswith(ns) and len(s) > len(ns):
                return f"{prefix}:{s[len(ns):]}"
        return f"<{s}>"
    if isinstance(t, BNode):
        return f"_:{t}"
    return " ".join(str(t).split())


def _cw(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1


def text_width(s: str) -> int:
    return sum(_cw(c) for c in s)


def _wrap(s: str, width: int) -> list[str]:
    """Lines of at most `width` columns, broken at spaces where possible."""
    if text_width(s) <= width:
        return [s]
    lines, line, w = [], "", 0
    for word in re.split(r"(?<= )", s):
        ww = text_width(word)
        if w + ww - (1 if word.endswith(" ") else 0) <= width:
            line, w = line + word, w + ww
            continue
        if line:
            lines.append(line.rstrip())
            line, w = "", 0
        while text_width(word.rstrip()) > width:  # a word longer than the column
            cut, cw = "", 0
            for ch in word:
                if cw + _cw(ch) > width:
                    break
                cut, cw = cut + ch, cw + _cw(ch)
            lines.append(cut)
            word = word[len(cut):]
        line, w = word, text_width(word)
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def _pad(s: str, width: int) -> str:
    return s + " " * (width - text_width(s))


def to_table(result: Result, *, width: int | None = None) -> str:
    """An aligned table; with `width` (the terminal's), long cells wrap to fit."""
    if result.boolean is not None:
        return "true" if result.boolean else "false"
    heads = list(result.vars)
    cells = [[short(t) for t in row] for row in result.rows]
    n = len(heads)
    if n == 0:
        return f"(no columns, {len(cells)} row{'s' if len(cells) != 1 else ''})"
    widths = [max([text_width(h)] + [text_width(r[i]) for r in cells]) for i, h in enumerate(heads)]
    gap = 2
    if width:
        # text wraps first; columns of single words (IRIs, dates, numbers) only if they must
        least = [min(w, max(text_width(h), 12)) for w, h in zip(widths, heads)]
        solid = [all(" " not in r[i] for r in cells) for i in range(n)]
        if sum(w for w, s in zip(widths, solid) if s) > 0.6 * width:   # they would starve the text
            solid = [False] * n
        for floor in ([w if s else m for w, m, s in zip(widths, least, solid)], least):
            while sum(widths) + gap * (n - 1) > width:
                i = max(range(n), key=lambda k: widths[k] - floor[k])
                if widths[i] <= floor[i]:
                    break
                widths[i] -= 1
    sep = " " * gap
    out = [sep.join(_pad(h, w) for h, w in zip(heads, widths)).rstrip(),
           sep.join("─" * w for w in widths)]
    wrapped_any = False
    blocks = []
    for r in cells:
        cols = [_wrap(c, w) for c, w in zip(r, widths)]
        height = max(len(c) for c in cols)
        wrapped_any |= height > 1
        blocks.append([sep.join(_pad(c[k] if k < len(c) else "", w) for c, w in zip(cols, widths)).rstrip()
                       for k in range(height)])
    for i, b in enumerate(blocks):
        if wrapped_any and i:
            out.append("")
        out.extend(b)
    out.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(out)
