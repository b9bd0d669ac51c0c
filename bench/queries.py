"""Median latency of every packaged query, with its example's parameters, on the seed
graph and on a synthetic graph (bench/synthetic.py), on rdflib and on an on-disk Oxigraph
store. A run is kg.query.run: parameter binding and label look-ups included, graph
loading not (load times are reported apart). Each query is run once to warm up, then
--runs times; a run longer than --timeout seconds is stopped and reported as a time-out,
and a slow query gets fewer runs (at most --budget seconds each).

    python -m bench.queries                              # seeds and 1M triples
    python -m bench.queries --triples 200000 --runs 3 --json /tmp/bench.json
    python -m bench.queries --before DIR     # also time the queries in DIR (same names), side by side

With --before, each query that DIR also holds (e.g. the queries/ of an earlier commit:
`git archive REV queries | tar -x -C /tmp/old`) is timed in the same run on the same
source, so the two columns compare under the same load.
"""
from __future__ import annotations

import argparse
import json
import shlex
import signal
import statistics
import tempfile
import time
from pathlib import Path

import kg
from kg import query as Q
from kg import store as S

from .synthetic import generate, write_summary

ROOT = Path(__file__).resolve().parent.parent


class TimedOut(BaseException):  # not an Exception: library code must not catch it
    pass


def _alarm(signum, frame):
    raise TimedOut()


def example_params(spec: Q.QuerySpec) -> dict[str, str]:
    args = shlex.split(spec.example)[3:]
    return Q.parse_param_args(args[1::2])


def timed(fn, timeout: float) -> float | None:
    """Seconds one call took, or None if it ran past `timeout`."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    start = time.perf_counter()
    try:
        fn()
    except TimedOut:
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return time.perf_counter() - start


def measure(source: Q.Source, spec: Q.QuerySpec, *, runs: int, timeout: float, budget: float) -> dict:
    params = example_params(spec)
    rows = []

    def once():
        rows[:] = [len(Q.run(spec, params, source=source))]

    first = timed(once, timeout)
    if first is None:
        return {"median_ms": None, "runs": 0, "timeout_s": timeout}
    times = []
    spent = first
    for _ in range(runs):
        if times and spent > budget:
            break
        t = timed(once, timeout)
        if t is None:
            return {"median_ms": None, "runs": len(times), "timeout_s": timeout}
        times.append(t)
        spent += t
    times = times or [first]
    return {"median_ms": round(statistics.median(times) * 1000, 2), "runs": len(times), "rows": rows[0]}


def bench_graph(name: str, files: list[Path], work: Path, *, runs: int, timeout: float, budget: float,
                engines: list[str], before: Path | None = None) -> dict:
    out = {"graph": name, "files": [str(f) for f in files], "queries": {}}
    specs = Q.list_queries()
    sources = {}
    if "rdflib" in engines:
        t = time.perf_counter()
        g = Q.load_graph(files)
        out["rdflib_load_s"] = round(time.perf_counter() - t, 2)
        out["triples"] = len(g)
        sources["rdflib"] = Q.GraphSource(g, files)
    if "oxigraph" in engines:
        t = time.perf_counter()
        info = S.write_store(files, f"oxigraph:{work / (name + '-store')}")
        out["oxigraph_write_s"] = round(time.perf_counter() - t, 2)
        out.setdefault("triples", info.triples)
        sources["oxigraph"] = S.open_store(f"oxigraph:{info.path}")
    for spec in specs:
        out["queries"][spec.name] = {}
        old = before / f"{spec.name}.rq" if before else None
        versions = [("", spec)] + ([("before ", Q.load_query(old))] if old and old.is_file() else [])
        for engine, src in sources.items():
            for tag, sp in versions:
                r = measure(src, sp, runs=runs, timeout=timeout, budget=budget)
                out["queries"][spec.name][tag + engine] = r
                shown = "timeout" if r["median_ms"] is None else f"{r['median_ms']} ms"
                print(f"  {name:>6} {tag + engine:<15} {spec.name:<20} {shown} ({r['runs']} runs, "
                      f"{r.get('rows', '-')} rows)", flush=True)
    return out


def table(results: list[dict]) -> str:
    cols = [(r["graph"], e) for r in results
            for e in ("before rdflib", "rdflib", "before oxigraph", "oxigraph")
            if any(e in q for q in r["queries"].values())]
    head = ["query"] + [f"{g} {e} (ms)" for g, e in cols]
    lines = []
    for name in results[0]["queries"]:
        row = [name]
        for g, e in cols:
            r = next(x for x in results if x["graph"] == g)["queries"][name].get(e)
            row.append("-" if r is None else (f">{r['timeout_s']:g}s" if r["median_ms"] is None else f"{r['median_ms']:g}"))
        lines.append(row)
    widths = [max(len(str(x[i])) for x in [head] + lines) for i in range(len(head))]
    fmt = lambda r: "  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(r, widths)))
    return "\n".join([fmt(head), fmt(["-" * w for w in widths])] + [fmt(r) for r in lines])


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--triples", type=int, default=1_000_000, help="size of the synthetic graph (0: seeds only)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds before one run is stopped")
    ap.add_argument("--budget", type=float, default=30.0, help="seconds of runs per query before stopping early")
    ap.add_argument("--engines", default="rdflib,oxigraph")
    ap.add_argument("--synthetic", type=Path, help="reuse graph.nt, inferred.nt (and summary.nt) from this folder")
    ap.add_argument("--json", type=Path, help="write the results here")
    ap.add_argument("--before", type=Path, help="a folder of earlier .rq files to time beside the packaged ones")
    args = ap.parse_args(argv)
    engines = args.engines.split(",")
    results = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        work = Path(tmp)
        kg.build([ROOT / "seeds"], out=work / "seed")
        seed_files = Q.default_graph_files(work / "seed")
        print("seed graph:", flush=True)
        results.append(bench_graph("seed", seed_files, work, runs=args.runs, timeout=args.timeout,
                                   budget=args.budget, engines=engines, before=args.before))
        if args.triples:
            syn = args.synthetic
            if syn is None or not (syn / "graph.nt").exists():
                syn = syn or work / "synthetic"
                t = time.perf_counter()
                na, ni = generate(syn, args.triples, seed_build=work / "seed")
                print(f"synthetic graph: {na} + {ni} triples in {time.perf_counter() - t:.1f}s", flush=True)
            if not (syn / "summary.nt").exists():      # a folder from before summaries
                write_summary(syn, [syn / "graph.nt", syn / "inferred.nt"])
            label = f"{round(args.triples / 1e6, 2):g}M" if args.triples >= 1e6 else f"{args.triples // 1000}k"
            files = [syn / "graph.nt", syn / "inferred.nt", syn / "summary.nt"]
            results.append(bench_graph(label, files, work, runs=args.runs,
                                       timeout=args.timeout, budget=args.budget, engines=engines,
                                       before=args.before))
    print()
    for r in results:
        extra = ", ".join(f"{k} {r[k]}" for k in ("rdflib_load_s", "oxigraph_write_s") if k in r)
        print(f"{r['graph']}: {r['triples']} triples ({extra})")
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
