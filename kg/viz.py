"""The graph as one self-contained, interactive HTML page (pyvis on vis-network).

    write_html(graph, "build/graph.html", inferred=inferred_graph)
    write_html(graph, "yoon.html", focus="Yoon Suk Yeol", hops=2, since="2022")
    show(graph)    # in Jupyter: an IPython HTML display object

The page works offline and is safe with any text in the articles:

- every script and style is inlined (vis-network is vendored in kg/templates/vendor), and a
  Content-Security-Policy forbids every network request and every script but kg's own;
- all text from articles and metadata travels as JSON inside a non-executed
  `<script type="application/json">` block (with `<`, `>`, `&`, U+2028 and U+2029
  escaped) and reaches the page only through `textContent` or the canvas;
- nodes get deterministic positions (a seeded NetworkX layout), physics settles them and
  then stops, so the same graph gives the same picture and the same bytes.

Above a node budget (DEFAULT_BUDGET) the view keeps the most connected nodes and their
events, and says so on the page with the command that widens it.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import logging
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources as importlib_resources
from pathlib import Path

import networkx as nx
from rdflib import Graph

from . import graphexport as gx
from .errors import InputError, OutputError

log = logging.getLogger(__name__)

DEFAULT_BUDGET = 1500
PHYSICS_MAX_NODES = 400  # above this, the precomputed layout is drawn as it is
SPRING_MAX = 400  # nodes laid out by the spring layout; the others are placed beside them
LAYOUT_SEED = 7
TEMPLATE = "graph.html.j2"

# colour and vis-network shape of each class, in legend order
CLASS_STYLE: dict[str, tuple[str, str, str]] = {
    # key: (legend label, colour, shape)
    "Person": ("Person", "#4e79a7", "dot"),
    "Country": ("Country", "#59a14f", "hexagon"),
    "Organization": ("Organization", "#f28e2b", "square"),
    "Place": ("Place", "#76b7b2", "triangleDown"),
    "Summit": ("Summit", "#d4a000", "star"),
    "Meeting": ("Meeting", "#b07aa1", "diamond"),
    "Visit": ("Visit", "#9c755f", "diamond"),
    "Event": ("Event (other)", "#7f7f7f", "diamond"),
    "Agreement": ("Agreement", "#e15759", "star"),
    "Dispute": ("Dispute", "#ff7f0e", "triangle"),
    "Article": ("Article", "#8c8c8c", "square"),
    "Sentence": ("Sentence", "#bab0ac", "dot"),
    "Tenure": ("Tenure", "#bcbd22", "dot"),
    "Office": ("Office", "#17becf", "dot"),
    gx.OTHER: ("Other", "#c7c7c7", "dot"),
}


@dataclass
class View:
    """What a page shows: the NetworkX graph drawn, and what was left out."""

    graph: nx.MultiDiGraph
    total_nodes: int
    total_edges: int
    notes: list[str] = field(default_factory=list)
    shrunk: bool = False
    selected: nx.MultiDiGraph | None = None  # the graph chosen, before the node budget cut it
    path: Path | None = None

    @property
    def nodes(self) -> int:
        return self.graph.number_of_nodes()

    @property
    def edges(self) -> int:
        return self.graph.number_of_edges()


# ---------------------------------------------------------------- what to draw

def prepare(graph: Graph, *, inferred: Iterable[tuple] | None = None, articles: bool = False, focus: str | None = None,
            hops: int = 1, since: str | None = None, until: str | None = None, types=None,
            query: str | None = None, query_source: str | None = None, budget: int = DEFAULT_BUDGET,
            command: str = "kg viz") -> View:
    """Choose what the page draws: the whole graph (with `inferred`, the reasoned links
    too; with `articles`, the articles), or the result of a SPARQL CONSTRUCT `query`, then
    narrowed by `focus`/`hops`, `types` and `since`/`until` (see graphexport.narrow), then
    cut to `budget` nodes (0: no limit). For a view that was cut, the page suggests
    `{command} --budget N`: pass the command line that drew it (default `kg viz`)."""
    if budget < 0:
        raise InputError(f"the node budget must be 0 (no limit) or more, not {budget}")
    if query is not None:
        constructed = gx.run_construct(graph, query, inferred=inferred, source=query_source)
        full = gx.from_construct(graph, constructed)  # all the query returned, articles included
    else:
        full = gx.to_networkx(graph, inferred=inferred, articles=articles)
    notes = []
    G = full
    if focus is not None or types or since or until:
        G = gx.narrow(full, focus=focus, hops=hops, since=since, until=until, types=types)
        parts = []
        if focus is not None:
            label = full.nodes[gx.find_node(full, focus)]["label"]
            parts.append(f"within {hops} link{'s' if hops != 1 else ''} of {label}")
        if types:
            parts.append("classes " + ", ".join(sorted(gx.class_closure(types))))
        if since or until:
            parts.append(f"dated {since} to {until}" if since and until
                         else f"dated from {since}" if since else f"dated up to {until}")
        notes.append(f"Showing {G.number_of_nodes():,} of {full.number_of_nodes():,} nodes: " + "; ".join(parts) + ".")
    G2, note = gx.shrink(G, budget)
    if note:
        hint = f"{command} --budget {G.number_of_nodes()}"
        notes.append(f"{note} Too many to draw at once; to see them all: {hint} (or narrow the view with "
                     "--focus, --since/--until or --types).")
    if query is not None:
        notes.insert(0, f"The graph a SPARQL CONSTRUCT query returned{f' ({query_source})' if query_source else ''}.")
    return View(graph=G2, total_nodes=full.number_of_nodes(), total_edges=full.number_of_edges(),
                notes=notes, shrunk=note is not None, selected=G)


# ---------------------------------------------------------------- layout

def _unit(v: str, salt: str) -> float:
    """A number in [0, 1) fixed by the node's id: jitter that is the same on every run."""
    return int.from_bytes(hashlib.sha256(f"{salt}:{v}".encode("utf-8")).digest()[:6], "big") / 2 ** 48


def _anchored(core: nx.Graph) -> tuple[dict[str, tuple[float, float]], list[str]]:
    """A layout for large graphs in linear time after one small spring layout: the
    SPRING_MAX most connected nodes (anchors) are laid out by a seeded spring layout, where
    two anchors that share a neighbour attract each other; every other node goes next to
    the mean of its placed neighbours, with a fixed jitter, breadth first. Returns the
    positions in [-1, 1] and the nodes that no anchor reaches."""
    degree = dict(core.degree())
    anchors = sorted(core, key=lambda v: (-degree[v], v))[:SPRING_MAX]
    is_anchor = set(anchors)
    H = nx.Graph()
    H.add_nodes_from(anchors)
    H.add_edges_from(core.subgraph(anchors).edges())
    for v in sorted(core):
        if v not in is_anchor:
            near = sorted((a for a in core.neighbors(v) if a in is_anchor), key=lambda a: (-degree[a], a))[:6]
            H.add_edges_from((a, b) for i, a in enumerate(near) for b in near[i + 1:])
    pos = {k: (float(x), float(y)) for k, (x, y) in
           nx.spring_layout(H, seed=LAYOUT_SEED, iterations=100, method="force").items()}
    spread = 1.6 / math.sqrt(len(anchors))
    frontier = sorted({w for a in anchors for w in core.neighbors(a) if w not in pos})
    while frontier:
        for v in frontier:
            placed = [pos[w] for w in core.neighbors(v) if w in pos]
            cx, cy = sum(x for x, _ in placed) / len(placed), sum(y for _, y in placed) / len(placed)
            a, r = 2 * math.pi * _unit(v, "angle"), spread * (0.25 + 0.75 * _unit(v, "radius"))
            pos[v] = (cx + r * math.cos(a), cy + r * math.sin(a))
        frontier = sorted({w for v in frontier for w in core.neighbors(v) if w not in pos})
    return pos, sorted(v for v in core if v not in pos)


def layout(G: nx.MultiDiGraph) -> tuple[dict[str, tuple[int, int]], set[str]]:
    """Deterministic positions (in vis-network's pixels): a seeded NetworkX spring layout of
    the connected part of the graph (for large graphs, of its most connected nodes, the
    others placed beside their neighbours), and the nodes of tiny components (one or two
    nodes) in a ring around it, in class and label order. Returns the positions and the
    ring's nodes, which physics leaves where they are."""
    n = G.number_of_nodes()
    if n == 0:
        return {}, set()
    U = nx.Graph()
    U.add_nodes_from(G)
    U.add_edges_from((u, v) for u, v, d in G.edges(data=True) if u != v and not d.get("inferred"))
    comps = [c for c in nx.connected_components(U)]
    small = [c for c in comps if len(c) <= 2]
    core = U.subgraph([v for c in comps if len(c) > 2 for v in c])
    m = core.number_of_nodes()
    scale = 40 * math.sqrt(max(m, 1)) + 60
    raw: dict[str, tuple[float, float]] = {}
    if m > SPRING_MAX:
        raw, unreached = _anchored(core)
        small.extend({v} for v in unreached)
    elif m > 0:
        raw = nx.spring_layout(core, seed=LAYOUT_SEED, iterations=100, method="force")
    pos = {k: (float(x) * scale, float(y) * scale) for k, (x, y) in raw.items()}
    order = {c: i for i, c in enumerate(CLASS_STYLE)}

    def rank(v):
        return (order.get(G.nodes[v].get("type"), len(order)), str(G.nodes[v].get("label", "")), v)

    ring = [v for c in sorted(small, key=lambda c: min(rank(v) for v in c)) for v in sorted(c, key=rank)]
    if ring:
        radius = max((math.hypot(x, y) for x, y in pos.values()), default=0.0) + 120
        radius = max(radius, 55 * len(ring) / (2 * math.pi))  # room for each node on the ring
        for i, v in enumerate(ring):
            a = 2 * math.pi * i / len(ring) - math.pi / 2
            pos[v] = (radius * math.cos(a), radius * math.sin(a))
    return {k: (int(round(x)), int(round(y))) for k, (x, y) in pos.items()}, set(ring)


# ---------------------------------------------------------------- page

def script_json(value) -> str:
    """JSON that is safe inside a <script> block: no `<`, `>` or `&` (so no `</script>` and
    no `<!--`), and only ASCII (so no raw U+2028/U+2029)."""
    if isinstance(value, str):  # already JSON (pyvis hands options over as a string)
        value = json.loads(value)
    text = json.dumps(value, ensure_ascii=True, sort_keys=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@lru_cache(maxsize=None)
def inline_asset(name: str) -> str:
    """A file of kg/templates, ready to inline into a <script> or <style> element."""
    text = importlib_resources.files("kg").joinpath("templates", *name.split("/")).read_text(encoding="utf-8")
    text = re.sub(r"\n//# sourceMappingURL=\S*\s*$", "\n", text)
    if re.search(r"</script|<!--", text, re.IGNORECASE):
        raise OutputError(f"kg/templates/{name} cannot be inlined: it contains </script or <!--")
    return text


def csp_hash(script: str) -> str:
    """The Content-Security-Policy source that allows exactly this inline script."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def page_environment():
    """Jinja for kg's pages: autoescaped, with `kg_json` for data in <script> blocks."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined
    from markupsafe import Markup
    folder = importlib_resources.files("kg").joinpath("templates")
    env = Environment(loader=FileSystemLoader(str(folder)), autoescape=True, undefined=StrictUndefined,
                      keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["kg_json"] = lambda value: Markup(script_json(value))  # already safe for <script>: see script_json
    return env


def _dates(d: dict) -> str:
    start = d.get("date") or d.get("startDate") or d.get("issued")
    end = d.get("endDate")
    if isinstance(start, list):
        start = start[0]
    if isinstance(end, list):
        end = end[-1]
    if start and end and str(end) != str(start):
        return f"{start} – {end}"
    return str(start) if start else (f"until {end}" if end else "")


def _as_list(v) -> list:
    if v is None:
        return []
    return [str(x) for x in v] if isinstance(v, list) else [str(v)]


def _node_options(n: str, d: dict, degree: int, pos: tuple[int, int], physics: bool) -> dict:
    label_text, colour, shape = CLASS_STYLE.get(d["type"], CLASS_STYLE[gx.OTHER])
    iv = gx.node_interval(d)
    names = [d["label"], *_as_list(d.get("altLabel")), *_as_list(d.get("hiddenLabel"))]
    info = {
        "type": label_text,
        "iri": n,
        "kind": " / ".join(_as_list(d.get("kind"))),
        "dates": _dates(d),
        "aliases": _as_list(d.get("altLabel")),
        "roles": _as_list(d.get("role")),
        "sources": list(d.get("sources", [])),
        "evidence": [{"text": e["text"], "article": e["article"], "issued": e["issued"]}
                     for e in d.get("evidence", [])],
    }
    if d["type"] == "Article":
        info["title"] = str(d.get("title") or "")
    return {
        "kgClass": d["type"],
        "kgInfo": info,
        "kgNames": sorted({x.casefold() for x in names}),
        "kgStart": iv[0] if iv else None,
        "kgEnd": iv[1] if iv else None,
        "value": degree,  # size (and label size) by degree, through options.nodes.scaling
        "x": pos[0],
        "y": pos[1],
        "physics": physics,
        "borderWidth": 1,
        "color": {"background": colour, "border": "#333333",
                  "highlight": {"background": colour, "border": "#000000"},
                  "hover": {"background": colour, "border": "#000000"}},
        "widthConstraint": {"maximum": 170},
        "font": {"size": 13, "face": "sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
    }


def _options(n_nodes: int, physics: bool) -> dict:
    return {
        "autoResize": True,
        "layout": {"randomSeed": LAYOUT_SEED, "improvedLayout": False},
        "nodes": {"shape": "dot",
                  "scaling": {"min": 9, "max": 42,
                              "label": {"enabled": True, "min": 12, "max": 30, "maxVisible": 30, "drawThreshold": 5}}},
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "color": {"color": "#9a9a9a", "highlight": "#333333", "hover": "#333333"},
            "font": {"size": 10, "color": "#555555", "strokeWidth": 3, "strokeColor": "#ffffff", "align": "middle"},
            "smooth": {"enabled": True, "type": "continuous", "roundness": 0.3},
            "width": 1,
            "selectionWidth": 2,
        },
        "physics": {
            "enabled": physics,
            "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -4000, "centralGravity": 0.6, "springLength": 130,
                          "springConstant": 0.04, "damping": 0.4, "avoidOverlap": 0.6},
            "stabilization": {"enabled": physics, "iterations": 300, "updateInterval": 50, "fit": True},
            "minVelocity": 0.75,
        },
        "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False, "keyboard": False,
                        "multiselect": False, "hideEdgesOnDrag": n_nodes > 600},
    }


def _coverage_line(G: nx.MultiDiGraph, view: View) -> str:
    c = G.graph
    parts = []
    if c.get("articles"):
        span = ""
        if c.get("issued_from"):
            span = (f", published {c['issued_from']}" if c["issued_from"] == c["issued_to"]
                    else f", published {c['issued_from']} to {c['issued_to']}")
        parts.append(f"{c['articles']} article{'s' if c['articles'] != 1 else ''}{span}")
    if c.get("date_from"):
        parts.append(f"events and agreements dated {c['date_from'][:4]} to {c['date_to'][:4]}")
    shown = f"{view.nodes:,} nodes and {view.edges:,} links"
    if view.nodes != view.total_nodes:
        shown += f" shown of {view.total_nodes:,} and {view.total_edges:,}"
    parts.append(shown)
    return "; ".join(parts) + "."


def render(view: View, *, title: str | None = None) -> str:
    """The page for a view, as a string (deterministic: the same view gives the same text)."""
    from pyvis.edge import Edge
    from pyvis.network import Network

    G = view.graph
    physics = 0 < G.number_of_nodes() <= PHYSICS_MAX_NODES
    pos, fixed = layout(G)
    U_degree = dict(G.to_undirected(as_view=True).degree())
    title = title or "South Korea–Japan relations: knowledge graph"

    net = Network(height="100%", width="100%", directed=True, heading=title, cdn_resources="in_line")
    env = page_environment()
    net.templateEnv = env  # kg's own template, autoescaped, with a script-safe JSON filter
    net.path = TEMPLATE
    for n, d in G.nodes(data=True):
        opts = _node_options(n, d, U_degree.get(n, 0), pos[n], physics and n not in fixed)
        net.add_node(n, label=d["label"], shape=CLASS_STYLE.get(d["type"], CLASS_STYLE[gx.OTHER])[2], **opts)
    for i, (u, v, k, d) in enumerate(G.edges(keys=True, data=True)):
        inferred = bool(d.get("inferred"))
        # reasoned links start hidden and never pull on the layout: the picture is the same with or without them
        # (what net.add_edge appends to a directed network, without its check that both ends are
        # nodes, a scan of the node list per edge; every edge of G joins two nodes added above)
        net.edges.append(Edge(u, v, net.directed, id=f"e{i}", label=d.get("label", k), kgProperty=k, kgInferred=inferred,
                              hidden=inferred, dashes=inferred, physics=not inferred).options)
    net.options = _options(G.number_of_nodes(), physics)

    counts: dict[str, int] = {}
    for _, d in G.nodes(data=True):
        counts[d["type"]] = counts.get(d["type"], 0) + 1
    legend = [{"key": k, "label": s[0], "color": s[1], "shape": s[2], "count": counts[k]}
              for k, s in CLASS_STYLE.items() if k in counts]
    dated = sorted(x for _, d in G.nodes(data=True) if (iv := gx.node_interval(d)) for x in iv)
    meta = {
        "title": title,
        "coverage": _coverage_line(G, view),
        "notes": view.notes,
        "legend": legend,
        "yearFrom": int(dated[0][:4]) if dated else None,
        "yearTo": int(dated[-1][:4]) if dated else None,
        "inferredEdges": sum(1 for *_, d in G.edges(data=True) if d.get("inferred")),
        "physics": physics,
    }
    vis_js = inline_asset("vendor/vis-network-9.1.2/vis-network.min.js")
    app_js = inline_asset("kg-view.js")
    env.globals.update(
        kg_meta=meta,
        kg_css=inline_asset("vendor/vis-network-9.1.2/vis-network.css") + "\n" + inline_asset("kg-view.css"),
        kg_scripts=[vis_js, app_js],
        kg_csp=("default-src 'none'; script-src " + " ".join(csp_hash(s) for s in (vis_js, app_js))
                + "; style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'"),
    )
    page = net.generate_html()
    return page


def write_html(graph: Graph, path: str | Path, *, inferred: Iterable[tuple] | None = None, title: str | None = None,
               articles: bool = False, focus: str | None = None, hops: int = 1, since: str | None = None,
               until: str | None = None, types=None, query: str | None = None, query_source: str | None = None,
               budget: int = DEFAULT_BUDGET, command: str = "kg viz") -> View:
    """Write the interactive page of `graph` to `path` (one self-contained HTML file) and
    return the View it draws. With `inferred` (the reasoner's triples), reasoned links are
    on the page, hidden until the reader turns them on. See prepare() for the other
    arguments."""
    view = prepare(graph, inferred=inferred, articles=articles, focus=focus, hops=hops, since=since,
                   until=until, types=types, query=query, query_source=query_source, budget=budget,
                   command=command)
    path = Path(path)
    gx.write_atomic(path, render(view, title=title).encode("utf-8"))
    view.path = path
    log.info("wrote %s: %d nodes, %d edges", path, view.nodes, view.edges)
    return view


def show(graph: Graph, *, height: int = 720, title: str | None = None, **kwargs):
    """The page as an IPython display object, for Jupyter: the page sits in a sandboxed
    iframe (srcdoc), so it needs no file, no server and no network. Keyword arguments are
    those of prepare()."""
    from IPython.display import HTML  # only notebooks need IPython

    page = render(prepare(graph, **kwargs), title=title)
    return HTML(f'<iframe srcdoc="{html.escape(page, quote=True)}" sandbox="allow-scripts" '
                f'style="width:100%;height:{int(height)}px;border:1px solid #ddd" '
                f'title="{html.escape(title or "knowledge graph", quote=True)}"></iframe>')
