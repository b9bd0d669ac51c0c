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
from .errors import KgError

CONTEXT = {"help_option_names": ["-h", "--help"]}


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
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
def build_cmd(paths: tuple[str, ...], out: str, strict: bool, quiet: bool) -> None:
    """Build the graph from article files and folders (default: seeds/).

    Articles are .txt or .md files with optional YAML front matter (title, publisher,
    authors, published, url, kind). Writes OUT/graph.ttl.

    Example: kg build seeds/ --out build
    """
    paths = paths or ("seeds",)
    progress = None
    state = {"n": 0}

    def on_article(path: str) -> None:
        state["n"] += 1
        if not quiet and sys.stderr.isatty():
            click.echo(f"\r  reading {state['n']}: {path[-60:]:<60}", nl=False, err=True)

    try:
        result = run_build(paths, out=out, on_article=on_article)
    except KgError as exc:
        raise KgClickError(exc) from None
    if not quiet and sys.stderr.isatty():
        click.echo("\r" + " " * 80 + "\r", nl=False, err=True)
    del progress
    if not quiet:
        c = result.counts
        click.echo(f"kg build: {result.articles} article(s) -> {result.out}/graph.ttl ({result.triples} triples)")
        click.echo(f"  actors: {c['persons']} persons, {c['countries']} countries, "
                   f"{c['organizations']} organizations, {c['places']} places")
        click.echo(f"  events: {c['events']}, agreements: {c['agreements']}, disputes: {c['disputes']}")
        if result.warnings:
            click.echo(f"  warnings: {len(result.warnings)}")
            for w in result.warnings:
                click.echo(f"    {w}")
    if result.skipped:
        click.echo(f"  skipped {len(result.skipped)} file(s):", err=True)
        for s in result.skipped:
            click.echo(f"    {s}", err=True)
        if strict:
            sys.exit(1)


def main() -> None:
    try:
        cli.main(prog_name="kg", standalone_mode=True)
    except KgError as exc:  # pragma: no cover - commands translate their own errors
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
