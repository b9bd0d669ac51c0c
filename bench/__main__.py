"""The benchmark harness: one command for the whole picture at a given size.

    python -m bench run --articles 10000 [--jobs 2] [--seed 0] [--json FILE] [--keep DIR]

In one run: a corpus of N articles is generated (bench.corpus, deterministic for the
seed); the real build runs (kg.build with HTML, no cache, in a child process) with each
stage timed; the graph is scored against the corpus's expected facts; one article is
edited and the build run again with the cache (the incremental rebuild); and, unless
--no-compare, rdflib and pyoxigraph are compared on loading the built graph and on every
packaged query, owlrl and reasonable on reasoning over it (owlrl stopped after
--owlrl-timeout seconds), and serial and parallel extraction of the same corpus.
--queries-triples and --reasoning-triples add the 1M-triple query and reasoning targets
(bench/queries.py's synthetic graph, bench/scaled.py's copies).

Writes everything as JSON (default bench/results/run-N.json) and this configuration's
section of bench/results/run-N.md, with the issue's targets marked met or not.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .harness import ROOT, run, write_markdown


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="generate a corpus, build it, measure, compare, write the results")
    r.add_argument("--articles", "-n", type=int, required=True, help="how many articles to generate")
    r.add_argument("--jobs", "-j", type=int, default=0, help="extraction workers (0: one per CPU, as kg build)")
    r.add_argument("--seed", type=int, default=0, help="the corpus generator's seed")
    r.add_argument("--json", type=Path, help="the JSON results (default bench/results/run-N.json)")
    r.add_argument("--md", type=Path, help="the Markdown results (default bench/results/run-N.md)")
    r.add_argument("--keep", type=Path, help="keep the corpus and the build in this new or empty folder")
    r.add_argument("--no-compare", dest="compare", action="store_false",
                   help="skip the side-by-side comparisons (queries, reasoners, serial vs parallel)")
    r.add_argument("--owlrl-timeout", type=float, default=120.0, help="seconds before owlrl is stopped")
    r.add_argument("--query-runs", type=int, default=5, help="timed runs of each query (after a warm-up)")
    r.add_argument("--query-timeout", type=float, default=60.0, help="seconds before one query run is stopped")
    r.add_argument("--query-budget", type=float, default=20.0, help="seconds of runs per query before stopping early")
    r.add_argument("--queries-triples", type=int, default=0,
                   help="also time the packaged queries on a synthetic graph of this many triples (e.g. 1000000)")
    r.add_argument("--reasoning-triples", type=int, default=0,
                   help="also time reasonable on a scaled graph of this many triples (e.g. 1000000)")
    r.add_argument("--reasoning-timeout", type=float, default=600.0)
    args = ap.parse_args(argv)
    if args.articles < 1:
        ap.error("--articles must be at least 1")
    args.argv = argv
    res = run(args)
    n = args.articles
    js = args.json or ROOT / "bench" / "results" / f"run-{n}.json"
    md = args.md or ROOT / "bench" / "results" / f"run-{n}.md"
    js.parent.mkdir(parents=True, exist_ok=True)
    js.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    write_markdown(md, res)
    b = res["build"]
    print(f"build: {b['wall_s']:.1f} s for {b['articles']} articles "
          f"({', '.join(f'{k} {v:.1f}' for k, v in b['stages'].items())}); "
          f"rebuild {res['rebuild']['wall_s']:.1f} s; peak RSS {b['rss']['peak_mb']:.0f} MB")
    for t in res["targets"]:
        print(f"  {t['status']:>7}  {t['target']}: {t['measured']} ({t['limit']})")
    print(f"wrote {js} and {md}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
