"""The `kg viz` command: a thin wrapper over kg.viz, kg.timeline and kg.graphexport."""
from __future__ import annotations

import shlex
from pathlib import Path

import click

from .cli import CONTEXT, KgClickError
from .errors import InputError, KgError
from .viz import DEFAULT_BUDGET

DEFAULT_GRAPH = "build/graph.ttl"


def _load(paths: tuple[str, ...]):
    from rdflib import Graph
    from rdflib.util import guess_format
    g = Graph()
    for p in paths:
        try:
            g.parse(p, format=guess_format(p) or "turtle")
        except FileNotFoundError:
            raise InputError(f"{p}: no such file (build the graph first: kg build)") from None
        except IsADirectoryError:
            raise InputError(f"{p}: is a folder, not an RDF file") from None
        except Exception as exc:  # rdflib raises many parser errors; all mean the same to a user
            raise InputError(f"{p}: not readable RDF: {str(exc).splitlines()[0][:200]}") from None
    return g


@click.command("viz", context_settings=CONTEXT)
@click.argument("graph", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--out", "-o", type=click.Path(dir_okay=False),
              help="HTML file to write (default: the first GRAPH with .html, e.g. build/graph.html).")
@click.option("--inferred", type=click.Path(dir_okay=False),
              help="Also draw the links reasoning added, from this file (e.g. build/inferred.ttl); "
                   "they are dashed and hidden until turned on in the page.")
@click.option("--articles", is_flag=True, help="Draw the articles as nodes too.")
@click.option("--focus", metavar="LABEL", help="Draw only the neighbourhood of this node (a name, alias or IRI).")
@click.option("--hops", type=click.IntRange(min=0), default=1, show_default=True,
              help="How many links from --focus to go.")
@click.option("--since", metavar="DATE", help="Only events and agreements from this date on (YYYY, YYYY-MM or "
                                              "YYYY-MM-DD), with the actors, places and disputes linked to them.")
@click.option("--until", metavar="DATE", help="Only events and agreements up to this date.")
@click.option("--types", "types", multiple=True, metavar="CLASS[,CLASS]",
              help="Only these classes and their subclasses: Actor, Person, Country, Organization, Place, "
                   "Event, Meeting, Summit, Visit, Agreement, Dispute, Article (repeatable).")
@click.option("--query", "query_file", type=click.Path(dir_okay=False), metavar="FILE.rq",
              help="Draw the graph a SPARQL CONSTRUCT or DESCRIBE query in FILE returns.")
@click.option("--budget", type=click.IntRange(min=0), default=DEFAULT_BUDGET, show_default=True,
              help="Draw at most this many nodes (the most connected ones and their events); 0: no limit.")
@click.option("--title", help="Title of the page.")
@click.option("--graphml", type=click.Path(dir_okay=False), help="Also write the chosen graph as GraphML (Cytoscape, yEd).")
@click.option("--gexf", type=click.Path(dir_okay=False), help="Also write the chosen graph as GEXF (Gephi).")
@click.option("--timeline", type=click.Path(dir_okay=False),
              help="Also write the timeline picture (events per year, agreements, dispute flare-ups) here.")
def viz_cmd(graph: tuple[str, ...], out: str | None, inferred: str | None, articles: bool, focus: str | None,
            hops: int, since: str | None, until: str | None, types: tuple[str, ...], query_file: str | None,
            budget: int, title: str | None, graphml: str | None, gexf: str | None, timeline: str | None) -> None:
    """Draw the graph as one interactive HTML page that works offline.

    Reads GRAPH files (default: build/graph.ttl) and writes OUT (default: the first GRAPH
    with .html). The page has a legend by class, search by name, filters by class and by
    date range, and hover tooltips with each node's dates, aliases and the sentences and
    articles it came from; node size grows with the number of links. Every script is
    inlined: the page makes no network request. Large graphs are cut to --budget nodes, and
    the page says so. --graphml and --gexf write the same graph for Gephi and Cytoscape;
    --timeline writes the timeline picture.

    Example: kg viz --focus "Yoon Suk Yeol" --hops 2 --out yoon.html
    """
    from . import graphexport as gx
    from . import timeline as tl
    from . import viz

    graph = graph or (DEFAULT_GRAPH,)
    target = Path(out) if out else Path(graph[0]).with_suffix(".html")
    try:
        g = _load(graph)
        inf = _load((inferred,)) if inferred else None
        query = None
        if query_file:
            try:
                query = Path(query_file).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(f"{query_file}: cannot read the query: {getattr(exc, 'strerror', None) or exc}") from None
        command = " ".join(["kg viz", *(shlex.quote(a) for a in graph)]
                           + ([f"--focus {shlex.quote(focus)} --hops {hops}"] if focus is not None else [])
                           + [f"--{k} {shlex.quote(v)}" for k, v in (("since", since), ("until", until)) if v]
                           + [f"--types {shlex.quote(t)}" for t in types]
                           + ([f"--query {shlex.quote(query_file)}"] if query_file else []))
        view = viz.write_html(g, target, inferred=inf, title=title, articles=articles, focus=focus, hops=hops,
                              since=since, until=until, types=list(types) or None, query=query,
                              query_source=query_file, budget=budget, command=command)
        written = [target]
        if graphml:
            written.append(gx.write_graphml(view.selected, graphml))
        if gexf:
            written.append(gx.write_gexf(view.selected, gexf))
        if timeline:
            written.append(tl.write_timeline(g, timeline, title=None))
    except KgError as exc:
        raise KgClickError(exc) from None
    click.echo(f"kg viz: {view.nodes} node{'s' if view.nodes != 1 else ''}, "
               f"{view.edges} link{'s' if view.edges != 1 else ''} -> {target}")
    for note in view.notes:
        click.echo(f"  {note}")
    for extra in written[1:]:
        click.echo(f"  also wrote {extra}")
