"""The `kg query` and `kg push` commands: thin wrappers over kg.query and kg.store."""
from __future__ import annotations

import shutil
import sys

import click

from .cli import CONTEXT, KgClickError
from .errors import KgError
from . import query as q
from . import store as st


@click.command("query", context_settings=CONTEXT)
@click.argument("query", required=False, metavar="NAME|FILE")
@click.option("--list", "list_", is_flag=True, help="List the packaged queries with their titles.")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A query parameter (repeatable). Nodes may be given by IRI or label, dates as "
                   "YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--graph", "-g", "graphs", multiple=True, type=click.Path(dir_okay=False),
              help="RDF file to query (repeatable; default build/graph.ttl and build/inferred.ttl).")
@click.option("--store", metavar="oxigraph:DIR", help="Query an on-disk Oxigraph store instead.")
@click.option("--endpoint", metavar="URL", help="Query a SPARQL endpoint instead (Oxigraph: http://HOST:PORT/query).")
@click.option("--format", "-f", "fmt", type=click.Choice(q.FORMATS), default="table", show_default=True,
              help="Output: an aligned table, SPARQL CSV, TSV or JSON results.")
def query_cmd(query: str | None, list_: bool, params: tuple[str, ...], graphs: tuple[str, ...],
              store: str | None, endpoint: str | None, fmt: str) -> None:
    """Run a packaged SPARQL query (by name) or a query file on the graph.

    Parameters are bound as RDF terms, never pasted into the query. A node parameter
    takes an IRI (or kgr:person/...) or a label, which is looked up among rdfs:label,
    skos:altLabel and skos:hiddenLabel. `kg query --list` shows the packaged queries;
    each .rq file's header tells what it answers and which parameters it takes.

    Example: kg query last-meeting-before -p actor1="Yoon Suk Yeol" -p actor2="Fumio Kishida" -p before=2025
    """
    try:
        if list_:
            if query:
                raise click.UsageError("give either --list or a query, not both")
            click.echo(q.listing())
            return
        if not query:
            raise click.UsageError("give a query name or file (kg query --list shows the names)")
        width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
        out = q.execute(query, q.parse_param_args(params), fmt=fmt, graphs=list(graphs) or None,
                        store=store, endpoint=endpoint, width=width)
    except KgError as exc:
        raise KgClickError(exc) from None
    click.echo(out)


@click.command("push", context_settings=CONTEXT)
@click.option("--endpoint", required=True, metavar="URL",
              help="The server's Graph Store endpoint (Oxigraph: http://HOST:PORT/store).")
@click.option("--graph-iri", metavar="IRI", help="Load into this named graph (default: the default graph).")
@click.option("--graph", "-g", "graphs", multiple=True, type=click.Path(dir_okay=False),
              help="RDF file to load (repeatable; default build/graph.ttl and build/inferred.ttl).")
def push_cmd(endpoint: str, graph_iri: str | None, graphs: tuple[str, ...]) -> None:
    """Load the graph into a SPARQL 1.1 server with the Graph Store HTTP Protocol.

    All files go in one PUT, which replaces the target graph. A server that is down or
    busy is retried; when the push fails, the message says whether nothing was loaded
    or the graph may hold a partial copy.

    Example: kg push --endpoint http://127.0.0.1:7878/store --graph-iri https://w3id.org/skjkg/graph
    """
    try:
        result = st.push(list(graphs), endpoint, graph_iri=graph_iri)
    except KgError as exc:
        raise KgClickError(exc) from None
    target = f"graph <{graph_iri}>" if graph_iri else "the default graph"
    click.echo(f"kg push: {result.triples} triples from {', '.join(str(f) for f in result.files)} "
               f"-> {target} at {endpoint}")
