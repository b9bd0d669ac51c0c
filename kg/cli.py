"""The `kg` command: a thin layer over the library. Only this module prints and exits.

Exit codes: 0 success; 1 a build finished but skipped files under --strict;
2 usage or input error (bad path, unreadable data).
"""
from __future__ import annotations

import logging
import sys

import click

from . import __version__
from .build import build as run_build
from .build import write_atomic
from .errors import InputError, KgError
from .reason import DEFAULT_ENGINE, ENGINES

CONTEXT = {"help_option_names": ["-h", "--help"]}
MAX_LISTED = 20  # warnings listed in the summary; the rest are counted


class KgClickError(click.ClickException):
    """A library error shown as one line, with the error's own exit code."""

    def __init__(self, exc: KgError):
        super().__init__(str(exc))
        self.exit_code = exc.exit_code


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, prog_name="kg")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
def cli(verbose: int) -> None:
    """kg builds a knowledge graph of South Korea–Japan relations from articles.

    Example: kg build articles/ --out build
    """
    logging.basicConfig(level=logging.WARNING - 10 * min(verbose, 2), format="%(levelname)s %(name)s: %(message)s")


@cli.command("build")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--out", "-o", default="build", show_default=True, type=click.Path(file_okay=False),
              help="Folder for the outputs.")
@click.option("--strict", is_flag=True, help="Exit 1 if any article was skipped.")
@click.option("--no-reason", is_flag=True, help="Skip OWL 2 RL reasoning (no inferred.ttl).")
@click.option("--reasoner", type=click.Choice(ENGINES), default=DEFAULT_ENGINE, show_default=True,
              help="OWL 2 RL engine.")
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation (no validation.txt).")
@click.option("--union", is_flag=True, help="Also write OUT/union.ttl: asserted and inferred triples in one file.")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
def build_cmd(paths: tuple[str, ...], out: str, strict: bool, no_reason: bool, reasoner: str,
              no_validate: bool, union: bool, quiet: bool) -> None:
    """Build the graph from article files and folders (default: seeds/).

    Articles are .txt or .md files with optional YAML front matter (title, publisher,
    authors, published, url, kind). Writes OUT/graph.ttl (what the articles say),
    OUT/inferred.ttl (what OWL 2 RL reasoning adds) and OUT/validation.txt (the SHACL
    report; a graph that does not conform is still written).

    Example: kg build seeds/ --out build
    """
    paths = paths or ("seeds",)
    state = {"n": 0}

    def on_article(path: str) -> None:
        state["n"] += 1
        if not quiet and sys.stderr.isatty():
            click.echo(f"\r  reading {state['n']}: {path[-60:]:<60}", nl=False, err=True)

    try:
        result = run_build(paths, out=out, on_article=on_article, reasoning=not no_reason, reasoner=reasoner,
                           validation=not no_validate, union=union)
    except KgError as exc:
        raise KgClickError(exc) from None
    if not quiet and sys.stderr.isatty():
        click.echo("\r" + " " * 80 + "\r", nl=False, err=True)
    if not quiet:
        c = result.counts
        click.echo(f"kg build: {result.articles} article(s) -> {result.out}/graph.ttl ({result.triples} triples)")
        click.echo(f"  actors: {c['persons']} persons, {c['countries']} countries, "
                   f"{c['organizations']} organizations, {c['places']} places")
        click.echo(f"  events: {c['events']}, agreements: {c['agreements']}, disputes: {c['disputes']}")
        if result.reasoning is not None:
            r = result.reasoning
            click.echo(f"  reasoning ({r.engine}): {r.kept} inferred triples -> {result.out}/inferred.ttl "
                       f"({r.removed_noise} generic triples dropped, {r.seconds:.2f}s)")
        if result.validation is not None:
            click.echo(f"  {result.validation.summary()} -> {result.out}/validation.txt")
        if result.warnings:
            click.echo(f"  warnings: {len(result.warnings)}")
            for w in result.warnings[:MAX_LISTED]:
                click.echo(f"    {w}")
            if len(result.warnings) > MAX_LISTED:
                click.echo(f"    ... and {len(result.warnings) - MAX_LISTED} more")
    if result.skipped:
        click.echo(f"  skipped {len(result.skipped)} file(s):", err=True)
        for s in result.skipped:
            click.echo(f"    {s}", err=True)
        if strict:
            sys.exit(1)


def _load_graph(paths: tuple[str, ...]):
    from rdflib import Graph
    g = Graph()
    for p in paths:
        try:
            g.parse(p, format=_rdf_format(p))
        except FileNotFoundError:
            raise InputError(f"{p}: no such file") from None
        except Exception as exc:  # rdflib raises many parser errors; all mean the same to a user
            raise InputError(f"{p}: not readable RDF: {str(exc).splitlines()[0][:200]}") from None
    return g


def _rdf_format(path: str) -> str:
    from rdflib.util import guess_format
    return guess_format(path) or "turtle"


@cli.command("reason")
@click.argument("graph", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--out", "-o", type=click.Path(dir_okay=False), help="Write the inferred triples here (default: stdout).")
@click.option("--reasoner", type=click.Choice(ENGINES), default=DEFAULT_ENGINE, show_default=True)
def reason_cmd(graph: tuple[str, ...], out: str | None, reasoner: str) -> None:
    """Compute the OWL 2 RL closure of GRAPH files (default: build/graph.ttl) with kg's
    ontology and write only the new triples, without the closure's generic noise.

    Example: kg reason build/graph.ttl --out build/inferred.ttl
    """
    from .reason import reason
    try:
        g = _load_graph(graph or ("build/graph.ttl",))
        result = reason(g, engine=reasoner)
        data = result.inferred.serialize(format="turtle").encode("utf-8")
        if out:
            from pathlib import Path
            write_atomic(Path(out), data)
        else:
            click.echo(data.decode("utf-8"), nl=False)
    except KgError as exc:
        raise KgClickError(exc) from None
    click.echo(f"{result.engine}: {result.asserted} asserted, {result.raw_inferred} inferred, "
               f"{result.removed_noise} noise removed, {result.kept} kept ({result.seconds:.2f}s)", err=True)


@cli.command("validate")
@click.argument("graph", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--shapes", type=click.Path(dir_okay=False, exists=True), help="SHACL shapes (default: kg's).")
@click.option("--out", "-o", type=click.Path(dir_okay=False), help="Also write the report to this file.")
def validate_cmd(graph: tuple[str, ...], shapes: str | None, out: str | None) -> None:
    """Check GRAPH files (default: build/graph.ttl) against kg's SHACL shapes and report
    conflicts between sources. Each finding names the node, its label, and the articles
    and sentences it came from. Exit codes: 0 conforms, 1 violations, 2 input error.

    Example: kg validate build/graph.ttl
    """
    from .validate import validate
    try:
        g = _load_graph(graph or ("build/graph.ttl",))
        report = validate(g, shapes=_load_graph((shapes,)) if shapes else None)
        text = report.text()
        if out:
            from pathlib import Path
            write_atomic(Path(out), text.encode("utf-8"))
    except KgError as exc:
        raise KgClickError(exc) from None
    click.echo(text, nl=False)
    sys.exit(0 if report.conforms else 1)


def main() -> None:
    try:
        cli.main(prog_name="kg", standalone_mode=True)
    except KgError as exc:  # pragma: no cover - commands translate their own errors
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)


from .cli_query import push_cmd, query_cmd  # noqa: E402  (commands defined in their own module)

cli.add_command(query_cmd)
cli.add_command(push_cmd)
