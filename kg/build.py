"""The whole build, as one library call:

    result = kg.build(["articles/"], out="build")

reads every article, extracts, resolves, maps to RDF and writes `out/graph.ttl`.
One unreadable article is reported and skipped; the build goes on. Outputs are written
to a temporary file and renamed into place, so a failed build never leaves a partial
file behind.
"""
from __future__ import annotations

import logging
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from .articles import find_articles, read_article
from .errors import ArticleError, InputError, OutputError
from .extract import extract
from .model import Extraction, Resolved
from .rdf import to_graph
from .reason import DEFAULT_ENGINE, ReasonResult, reason
from .reference import load as load_reference
from .resolve import resolve
from .validate import ValidationReport, validate

log = logging.getLogger(__name__)


@dataclass
class BuildResult:
    out: Path
    articles: int = 0
    skipped: list[str] = field(default_factory=list)  # "path: reason"
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    triples: int = 0
    outputs: list[Path] = field(default_factory=list)
    graph: Graph | None = None
    resolved: Resolved | None = None
    reasoning: ReasonResult | None = None
    validation: ValidationReport | None = None


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None


def extract_all(paths: Iterable[Path], *, on_article: Callable[[str], None] | None = None,
                result: BuildResult) -> list[Extraction]:
    kb = load_reference()
    files = list(find_articles(paths))
    if not files:
        raise InputError("no article files (.txt or .md) found in " + ", ".join(str(p) for p in paths))
    extractions = []
    seen_hashes: dict[str, str] = {}
    for f in files:
        if on_article:
            on_article(str(f))
        try:
            article = read_article(f)
        except ArticleError as exc:
            result.skipped.append(f"{exc.path}: {exc.reason}")
            log.warning("skipped %s: %s", exc.path, exc.reason)
            continue
        if article.sha256 in seen_hashes:
            result.warnings.append(f"{f}: same content as {seen_hashes[article.sha256]}; read once")
            continue
        seen_hashes[article.sha256] = str(f)
        x = extract(article, kb=kb)
        result.warnings.extend(x.warnings)
        extractions.append(x)
    # two files with the same name in different folders would share an id
    ids = Counter(x.article.id for x in extractions)
    if any(n > 1 for n in ids.values()):
        dup = sorted(i for i, n in ids.items() if n > 1)
        raise InputError(f"several articles share the file name stem {', '.join(dup)}; rename them")
    return extractions


def build(paths: Iterable[str | Path] = ("seeds",), *, out: str | Path = "build",
          on_article: Callable[[str], None] | None = None, reasoning: bool = True,
          reasoner: str = DEFAULT_ENGINE, validation: bool = True, union: bool = False) -> BuildResult:
    """Build the knowledge graph of the articles under `paths` into the folder `out`:
    `graph.ttl` (asserted), `inferred.ttl` (the OWL 2 RL closure's new triples, unless
    `reasoning` is off) and `validation.txt` (the SHACL report, unless `validation` is off);
    with `union`, also `union.ttl`, the asserted and inferred triples together."""
    paths = [Path(p) for p in paths]
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is not a folder")
    result = BuildResult(out=out)
    extractions = extract_all(paths, on_article=on_article, result=result)
    result.articles = len(extractions)
    if not extractions:
        raise InputError("no article could be read: " + "; ".join(result.skipped))
    resolved = resolve(extractions)
    graph = to_graph(resolved)
    result.graph = graph
    result.resolved = resolved
    result.triples = len(graph)
    kinds = Counter(e.kind for e in resolved.entities)
    result.counts = {
        "persons": kinds.get("person", 0), "countries": kinds.get("country", 0),
        "organizations": kinds.get("organization", 0), "places": kinds.get("place", 0),
        "events": len(resolved.events), "agreements": len(resolved.agreements), "disputes": len(resolved.disputes),
    }
    if reasoning:
        result.reasoning = reason(graph, engine=reasoner)
    if validation:
        result.validation = validate(graph)
    target = out / "graph.ttl"
    write_atomic(target, graph.serialize(format="turtle").encode("utf-8"))
    result.outputs.append(target)
    inferred = out / "inferred.ttl"
    if result.reasoning is not None:
        write_atomic(inferred, result.reasoning.inferred.serialize(format="turtle").encode("utf-8"))
        result.outputs.append(inferred)
    elif inferred.exists():
        inferred.unlink()  # a stale closure of an older graph would mislead queries
    if union and result.reasoning is not None:
        both = Graph()
        for t in graph:
            both.add(t)
        for t in result.reasoning.inferred:
            both.add(t)
        for prefix, ns in graph.namespaces():
            both.bind(prefix, ns)
        target_union = out / "union.ttl"
        write_atomic(target_union, both.serialize(format="turtle").encode("utf-8"))
        result.outputs.append(target_union)
    if result.validation is not None:
        report = out / "validation.txt"
        write_atomic(report, result.validation.text().encode("utf-8"))
        result.outputs.append(report)
    return result
