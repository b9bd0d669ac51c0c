"""The `kg` command: a thin layer over the library. Only this module prints and exits.

Exit codes: 0 success; 1 a build finished but skipped files under --strict;
2 usage or input error (bad path, unreadable data).
"""
from __future__ import annotations

import logging
import os
import sys
import time

import click

from . import __version__
from .build import build as run_build
from .build import write_atomic
from .errors import InputError, KgError
from .formats import FORMATS
from .reason import DEFAULT_ENGINE, ENGINES

CONTEXT = {"help_option_names": ["-h", "--help"]}
MAX_LISTED = 20  # warnings listed in the summary; the rest are counted
FORMAT_CHOICES = [f for f in FORMATS if f != "turtle"]


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
              help="Folder for the outputs (replaced as a whole when the build succeeds).")
@click.option("--format", "-f", "formats", multiple=True, type=click.Choice(FORMAT_CHOICES),
              help="Also write the graph as N-Triples (graph.nt), TriG with one named graph per article "
                   "(graph.trig) or JSON-LD (graph.jsonld with context.jsonld). Repeatable; graph.ttl is "
                   "always written.")
@click.option("--strict", is_flag=True, help="Exit 1 if any article was skipped.")
@click.option("--no-reason", is_flag=True, help="Skip OWL 2 RL reasoning (no inferred.ttl).")
@click.option("--reasoner", type=click.Choice(ENGINES), default=DEFAULT_ENGINE, show_default=True,
              help="OWL 2 RL engine.")
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation (no validation.txt).")
@click.option("--union", is_flag=True, help="Also write OUT/union.ttl: asserted and inferred triples in one file.")
@click.option("--no-cache", is_flag=True, help="Extract every article again instead of reusing OUT/.cache.")
@click.option("--encoding", metavar="NAME",
              help="Encoding of files that are not UTF-8 (default: detect it, and refuse files where "
                   "detection is ambiguous).")
@click.option("--store", metavar="oxigraph:DIR",
              help="Also load graph.ttl, inferred.ttl and summary.ttl into an on-disk Oxigraph store.")
@click.option("--html/--no-html", default=True, show_default=True,
              help="Draw OUT/graph.html (the interactive page of `kg viz`) and OUT/timeline.html.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, show_default="0: one per CPU",
              help="Worker processes for reading and extracting articles (the output is the same for any number).")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
def build_cmd(paths: tuple[str, ...], out: str, formats: tuple[str, ...], strict: bool, no_reason: bool,
              reasoner: str, no_validate: bool, union: bool, no_cache: bool, encoding: str | None,
              store: str | None, html: bool, jobs: int, quiet: bool) -> None:
    """Build the graph from article files and folders (default: seeds/).

    Articles are .txt, .md or saved web pages (.html, .htm). YAML front matter, or a
    sidecar NAME.yaml beside the file, gives the metadata (title, publisher, authors,
    published, url, kind); a web page's own metadata fills in the rest. Writes
    OUT/graph.ttl (what the articles say), OUT/inferred.ttl (what OWL 2 RL reasoning adds)
    and OUT/validation.txt (the SHACL report; a graph that does not conform is still
    written). Unchanged articles reuse their extraction from OUT/.cache.

    Unreadable files (empty, binary, undecodable) are skipped with the reason and listed
    at the end. Exit codes: 0 every file was read; 1 files were skipped and --strict was
    given; 2 usage or input error.

    Example: kg build seeds/ --out build --format trig
    """
    paths = paths or ("seeds",)
    if logging.getLogger().getEffectiveLevel() >= logging.WARNING:
        for noisy in ("trafilatura", "htmldate", "courlan", "charset_normalizer"):
            logging.getLogger(noisy).setLevel(logging.ERROR)
    show = ProgressLine(enabled=not quiet and _is_tty(sys.stderr))
    try:
        result = run_build(paths, out=out, on_progress=show, reasoning=not no_reason, reasoner=reasoner,
                           validation=not no_validate, union=union, formats=formats, cache=not no_cache,
                           encoding=encoding, html=html, jobs=jobs or os.cpu_count() or 1)
        stored = None
        if store:
            from .store import write_store
            files = [p for p in result.outputs if p.name in ("graph.ttl", "inferred.ttl", "summary.ttl")]
            stored = write_store(files, store)
    except KgError as exc:
        show.clear()
        raise KgClickError(exc) from None
    show.clear()
    if not quiet:
        c = result.counts
        click.echo(f"kg build: {result.articles} article(s) -> {result.out}/graph.ttl ({result.triples} triples)")
        click.echo(f"  actors: {c['persons']} persons, {c['countries']} countries, "
                   f"{c['organizations']} organizations, {c['places']} places")
        click.echo(f"  events: {c['events']}, agreements: {c['agreements']}, disputes: {c['disputes']}")
        if result.cache_hits:
            click.echo(f"  extraction: {result.cache_misses} article(s) extracted, "
                       f"{result.cache_hits} unchanged (from {result.out}/.cache)")
        if result.reasoning is not None:
            r = result.reasoning
            click.echo(f"  reasoning ({r.engine}): {r.kept} inferred triples -> {result.out}/inferred.ttl "
                       f"({r.removed_noise} generic triples dropped, {r.seconds:.2f}s)")
        if result.validation is not None:
            click.echo(f"  {result.validation.summary()} -> {result.out}/validation.txt")
        others = [p.name for p in result.outputs if p.name not in ("graph.ttl", "inferred.ttl", "validation.txt")]
        if others:
            click.echo(f"  also wrote: {', '.join(others)}")
        if stored is not None:
            click.echo(f"  store: {stored.triples} triples -> {stored.path}")
        if result.duplicates:
            click.echo(f"  duplicates: {len(result.duplicates)} file(s) with the same content as another, read once:")
            _listed(result.duplicates)
        if result.warnings:
            click.echo(f"  warnings: {len(result.warnings)}")
            _listed(result.warnings)
    if result.skipped:
        click.echo(f"  skipped {len(result.skipped)} file(s):", err=True)
        _listed(result.skipped, err=True)
        if strict:
            sys.exit(1)


def _listed(lines: list[str], *, err: bool = False) -> None:
    for line in lines[:MAX_LISTED]:
        click.echo(f"    {line}", err=err)
    if len(lines) > MAX_LISTED:
        click.echo(f"    ... and {len(lines) - MAX_LISTED} more", err=err)


def _is_tty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class ProgressLine:
    """One status line on stderr, rewritten in place, at most ten times a second."""

    STAGES = {"resolve": "resolving", "map": "mapping to RDF", "reason": "reasoning",
              "validate": "validating", "write": "writing"}

    def __init__(self, *, enabled: bool, stream=None):
        self.enabled = enabled
        self.stream = stream
        self.last = 0.0
        self.width = 0

    def __call__(self, p) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if p.stage == "extract" and not p.part and 0 < p.done < p.total and now - self.last < 0.1:
            return
        self.last = now
        if p.stage == "extract":
            text = f"  reading {min(p.done + 1, p.total)}/{p.total}"
            if p.parts:
                text += f" (part {p.part}/{p.parts})"
            if p.path:
                text += f": {p.path[-50:]}"
        else:
            text = f"  {self.STAGES.get(p.stage, p.stage)}..."
        self._write(text)

    def _write(self, text: str) -> None:
        pad = max(self.width - len(text), 0)
        click.echo("\r" + text + " " * pad, nl=False, err=True, file=self.stream)
        self.width = len(text)

    def clear(self) -> None:
        if self.enabled and self.width:
            click.echo("\r" + " " * self.width + "\r", nl=False, err=True, file=self.stream)
            self.width = 0


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
@click.option("--validator", type=click.Choice(("auto", "sparql", "pyshacl")), default="auto", show_default=True,
              help="sparql: the shapes as SPARQL queries on pyoxigraph (fast); pyshacl: the reference engine; "
                   "auto: sparql when it can translate the shapes.")
def validate_cmd(graph: tuple[str, ...], shapes: str | None, out: str | None, validator: str) -> None:
    """Check GRAPH files (default: build/graph.ttl) against kg's SHACL shapes and report
    conflicts between sources. Each finding names the node, its label, and the articles
    and sentences it came from. Exit codes: 0 conforms, 1 violations, 2 input error.

    Example: kg validate build/graph.ttl
    """
    from .validate import validate
    try:
        g = _load_graph(graph or ("build/graph.ttl",))
        report = validate(g, shapes=_load_graph((shapes,)) if shapes else None, engine=validator)
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

from .cli_viz import viz_cmd  # noqa: E402

cli.add_command(viz_cmd, "viz")
