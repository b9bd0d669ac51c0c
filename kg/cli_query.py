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
              help="RDF file to query (repeatable; default build/graph.ttl, inferred.ttl and summary.ttl).")
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
    each .rq file's header tells what it answers and which parameters it takes. Queries
    that can return thousands of rows give one page (see `page` in --list): the next
    page with -p offset=N, every row with -p limit=0.

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
        result = q.run(q.load_query(query), q.parse_param_args(params), graphs=list(graphs) or None,
                       store=store, endpoint=endpoint)
        out = q.render(result, fmt, width=width)
    except KgError as exc:
        raise KgClickError(exc) from None
    click.echo(out)
    note = q.page_note(result)
    if note:
        click.echo(note, err=True)


@click.command("push", context_settings=CONTEXT)
@click.option("--endpoint", required=True, metavar="URL",
              help="The server's Graph Store endpoint (Oxigraph: http://HOST:PORT/store).")
@click.option("--graph-iri", metavar="IRI", help="Load into this named graph (default: the default graph).")
@click.option("--graph", "-g", "graphs", multiple=True, type=click.Path(dir_okay=False),
              help="RDF file to load (repeatable; default build/graph.ttl, inferred.ttl and summary.ttl).")
@click.option("--batch-size", type=click.IntRange(min=1), default=st.DEFAULT_BATCH, show_default=True,
              metavar="N", help="Triples per request.")
def push_cmd(endpoint: str, graph_iri: str | None, graphs: tuple[str, ...], batch_size: int) -> None:
    """Load the graph into a SPARQL 1.1 server with the Graph Store HTTP Protocol.

    The files are checked first, then sent in batches of N-Triples: the first batch is a
    PUT, which replaces the target graph, the others are POSTs, which append to it (a
    blank node is never split between two batches). A server that is down or busy is
    retried; when the push fails, the message says whether nothing was loaded or the
    graph holds a partial copy, which pushing again replaces. Progress is shown on
    stderr when it is a terminal; the last line says how many triples went in how many
    batches, and how fast.

    Example: kg push --endpoint http://127.0.0.1:7878/store --graph-iri https://w3id.org/skjkg/graph
    """
    show = _progress_line if sys.stderr.isatty() else None
    try:
        result = st.push(list(graphs), endpoint, graph_iri=graph_iri, batch_size=batch_size, progress=show)
    except KgError as exc:
        if show is not None:
            click.echo(err=True)
        raise KgClickError(exc) from None
    if show is not None:
        click.echo(err=True)
    target = f"graph <{graph_iri}>" if graph_iri else "the default graph"
    rate = f"{result.rate:,.0f}" if result.rate >= 10 else f"{result.rate:.2g}"
    click.echo(f"kg push: pushed {result.triples} triples in {result.batches} "
               f"batch{'es' if result.batches != 1 else ''} to {endpoint} ({rate} triples/s, "
               f"{result.seconds:.1f}s): {target}, from {', '.join(str(f) for f in result.files)}")


def _progress_line(p: st.PushProgress) -> None:
    share = f" ({100 * p.triples / p.total:.0f}%)" if p.total else ""
    rate = p.triples / p.seconds if p.seconds > 0 else 0.0
    click.echo(f"\rkg push: batch {p.batches}, {p.triples:,} of {p.total:,} triples{share}, "
               f"{p.bytes / 1e6:,.1f} MB, {rate:,.0f} triples/s\x1b[K", err=True, nl=False)
