"""The timeline picture: events per year by kind, and the agreements and the dispute
flare-ups on one time axis (plotly, inlined into one offline HTML page).

    write_timeline(graph, "build/timeline.html")
    fig = figure(graph)          # a plotly Figure, for notebooks

A dispute flares up when a dated event or agreement concerns it (kg:concerns); the
articles that mention a dispute are marked on its row at their publication dates.
All text from the graph is HTML-escaped before plotly sees it (plotly reads a few tags in
text), and the figure travels as escaped JSON in a non-executed script block.
"""
from __future__ import annotations

import html
import json
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import DCTERMS

from . import graphexport as gx
from .terms import KG

log = logging.getLogger(__name__)

TEMPLATE = "timeline.html.j2"
EVENT_TYPES = (KG.Event, KG.Meeting, KG.Summit, KG.Visit)
YEAR_MS = 365.25 * 24 * 3600 * 1000
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Noto Sans, sans-serif"
KIND_COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
                "#9c755f", "#bab0ac", "#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#17becf")


@dataclass(frozen=True)
class Dated:
    date: str     # as in the graph: YYYY, YYYY-MM or YYYY-MM-DD
    label: str
    kind: str
    iri: str


@dataclass
class TimelineData:
    events: list[Dated] = field(default_factory=list)
    agreements: list[Dated] = field(default_factory=list)
    # dispute label -> (dated events and agreements that concern it, articles mentioning it)
    disputes: dict[str, tuple[list[Dated], list[Dated]]] = field(default_factory=dict)
    coverage: dict = field(default_factory=dict)


def _label(g: Graph, n) -> str:
    return min((str(x) for x in g.objects(n, RDFS.label)), default=gx.local_name(str(n)))


def _date(g: Graph, n, prop=KG.date) -> str | None:
    dates = sorted(str(d) for d in g.objects(n, prop) if gx.date_interval(str(d)))
    return dates[0] if dates else None


def collect(graph: Graph) -> TimelineData:
    """The dated things the timeline draws, in a fixed order."""
    data = TimelineData(coverage=gx.coverage(graph))
    seen = set()
    for cls in EVENT_TYPES:
        for e in graph.subjects(RDF.type, cls):
            if e in seen or not isinstance(e, URIRef):
                continue
            seen.add(e)
            d = _date(graph, e)
            if d:
                kind = min((str(k) for k in graph.objects(e, KG.kind)), default=gx.local_name(str(cls)).lower())
                data.events.append(Dated(d, _label(graph, e), kind, str(e)))
    for a in graph.subjects(RDF.type, KG.Agreement):
        d = _date(graph, a)
        if d and isinstance(a, URIRef):
            kind = min((str(k) for k in graph.objects(a, KG.kind)), default="agreement")
            data.agreements.append(Dated(d, _label(graph, a), kind, str(a)))
    disputes = sorted(graph.subjects(RDF.type, KG.Dispute), key=lambda d: (_label(graph, d), str(d)))
    for dispute in disputes:
        flare, news = [], []
        for thing in graph.subjects(KG.concerns, dispute):
            d = _date(graph, thing)
            if d:
                what = "agreement" if (thing, RDF.type, KG.Agreement) in graph else "event"
                flare.append(Dated(d, _label(graph, thing), what, str(thing)))
        for art in graph.objects(dispute, KG.mentionedIn):
            d = _date(graph, art, DCTERMS.issued)
            if d:
                title = min((str(t) for t in graph.objects(art, DCTERMS.title)), default=_label(graph, art))
                news.append(Dated(d, title, "article", str(art)))
        if flare or news:
            data.disputes[_label(graph, dispute)] = (sorted(flare, key=_order), sorted(news, key=_order))
    data.events.sort(key=_order)
    data.agreements.sort(key=_order)
    return data


def _order(x: Dated):
    return (x.date, x.label, x.iri)


def _mid(date: str) -> str:
    """Where a date at any precision sits on the axis: the middle of its year or month."""
    if len(date) == 4:
        return f"{date}-07-02"
    if len(date) == 7:
        return f"{date}-15"
    return date[:10]


def _esc(text: str) -> str:
    """Text for plotly, which reads a few tags (<b>, <br>, <a href>) and the entities &lt;,
    &gt; and &amp; in text: with < > & escaped, no tag can start, and the text shows as is."""
    return html.escape(str(text), quote=False)


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _short(text: str, n: int = 42) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def figure(graph: Graph, *, title: str | None = None):
    """The timeline as a plotly Figure."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    data = collect(graph)
    title = title or "South Korea–Japan relations: timeline"
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.1, row_heights=[0.42, 0.58],
                        subplot_titles=("Events per year, by kind", "Agreements and dispute flare-ups"))
    # events per year, stacked by kind (the commonest kind at the bottom)
    kinds = Counter(e.kind for e in data.events)
    for i, (kind, _) in enumerate(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))):
        per_year = Counter(e.date[:4] for e in data.events if e.kind == kind)
        years = sorted(per_year)
        names = defaultdict(list)
        for e in data.events:
            if e.kind == kind:
                names[e.date[:4]].append(_esc(_short(e.label, 70)))
        fig.add_trace(go.Bar(
            x=[f"{y}-07-02" for y in years], y=[per_year[y] for y in years], width=[0.8 * YEAR_MS] * len(years),
            name=_esc(kind), legendgroup="kinds", legendgrouptitle_text="Events by kind" if i == 0 else None,
            marker_color=KIND_COLOURS[i % len(KIND_COLOURS)],
            customdata=[[y, "<br>".join(names[y][:8]) + ("<br>…" if len(names[y]) > 8 else "")] for y in years],
            hovertemplate="%{customdata[0]}: %{y} " + _esc(kind) + "<br>%{customdata[1]}<extra></extra>",
        ), row=1, col=1)
    rows = []
    if data.agreements:
        rows.append("Agreements")
        fig.add_trace(go.Scatter(
            x=[_mid(a.date) for a in data.agreements], y=["Agreements"] * len(data.agreements),
            mode="markers+text", text=[_esc(_short(a.label, 28)) for a in data.agreements],
            textposition=["top center" if i % 2 == 0 else "bottom center" for i in range(len(data.agreements))],
            textfont={"size": 10}, cliponaxis=False,
            marker={"symbol": "star", "size": 15, "color": "#e15759", "line": {"width": 1, "color": "#333"}},
            name="Agreement", legendgroup="marks",
            customdata=[[_esc(a.label), a.date, _esc(a.kind)] for a in data.agreements],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]} · %{customdata[2]}<extra></extra>",
        ), row=2, col=1)
    flare_x, flare_y, flare_cd, news_x, news_y, news_cd = [], [], [], [], [], []
    for dispute, (flare, news) in data.disputes.items():
        row = _esc(_short(dispute))
        rows.append(row)
        for f in flare:
            flare_x.append(_mid(f.date))
            flare_y.append(row)
            flare_cd.append([_esc(dispute), _esc(f.label), f.date, f.kind])
        for a in news:
            news_x.append(_mid(a.date))
            news_y.append(row)
            news_cd.append([_esc(dispute), _esc(a.label), a.date])
    if news_x:
        fig.add_trace(go.Scatter(
            x=news_x, y=news_y, mode="markers", name="Article mentioning a dispute", legendgroup="marks",
            marker={"symbol": "circle-open", "size": 9, "color": "#7f7f7f"}, customdata=news_cd,
            hovertemplate="<b>%{customdata[0]}</b><br>in the news: %{customdata[1]} (%{customdata[2]})<extra></extra>",
        ), row=2, col=1)
    if flare_x:
        fig.add_trace(go.Scatter(
            x=flare_x, y=flare_y, mode="markers", name="Flare-up (event or agreement)", legendgroup="marks",
            marker={"symbol": "diamond", "size": 13, "color": "#ff7f0e", "line": {"width": 1, "color": "#333"}},
            customdata=flare_cd,
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{customdata[2]} · %{customdata[3]}<extra></extra>",
        ), row=2, col=1)
    if not (data.events or rows):
        fig.add_annotation(text="No dated events, agreements or dispute flare-ups in this graph.",
                           xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False, font={"size": 16})
    c = data.coverage
    sub = []
    if c.get("articles"):
        sub.append(_n(c["articles"], "article"))
    sub.append(f"{_n(len(data.events), 'dated event')}, {_n(len(data.agreements), 'agreement')}, "
               f"{_n(len(data.disputes), 'dispute')} with dated mentions")
    fig.update_layout(
        title={"text": _esc(title) + "<br><sup>" + _esc("; ".join(sub)) + "</sup>", "x": 0.01},
        barmode="stack", template="plotly_white", font={"family": FONT, "size": 13},
        height=max(640, 420 + 34 * len(rows)), margin={"l": 40, "r": 30, "t": 90, "b": 40},
        legend={"orientation": "v", "groupclick": "toggleitem"}, hoverlabel={"align": "left"},
        bargap=0.1,
    )
    fig.update_yaxes(title_text="events", rangemode="tozero", row=1, col=1)
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(rows)), automargin=True, row=2, col=1)
    years = sorted({x.date[:4] for x in data.events + data.agreements}
                   | {x.date[:4] for flare, news in data.disputes.values() for x in flare + news})
    span = [f"{int(years[0]) - 2}-01-01", f"{int(years[-1]) + 2}-12-31"] if years else None
    for row in (1, 2):
        fig.update_xaxes(type="date", showgrid=True, showticklabels=True, range=span, row=row, col=1)
    return fig


def render(graph: Graph, *, title: str | None = None) -> str:
    """The timeline page as a string: one offline HTML file (deterministic)."""
    from plotly.offline import get_plotlyjs

    from .viz import csp_hash, inline_asset, page_environment

    fig = figure(graph, title=title)
    spec = json.loads(fig.to_json(validate=True, pretty=False, engine="json"))
    page_title = title or "South Korea–Japan relations: timeline"
    plotly_js = get_plotlyjs()
    app_js = inline_asset("kg-timeline.js")
    env = page_environment()
    return env.get_template(TEMPLATE).render(
        title=page_title,
        figure=spec,
        config={"displaylogo": False, "responsive": True, "showLink": False, "showSendToCloud": False,
                "showEditInChartStudio": False, "toImageButtonOptions": {"filename": "kg-timeline"}},
        scripts=[plotly_js, app_js],
        csp=("default-src 'none'; script-src " + " ".join(csp_hash(s) for s in (plotly_js, app_js))
             + "; style-src 'unsafe-inline'; img-src data: blob:; font-src data:; base-uri 'none'; form-action 'none'"),
    )


def write_timeline(graph: Graph, path: str | Path, *, title: str | None = None) -> Path:
    """Write the timeline page of `graph` to `path` (one self-contained HTML file)."""
    path = Path(path)
    gx.write_atomic(path, render(graph, title=title).encode("utf-8"))
    log.info("wrote %s", path)
    return path
