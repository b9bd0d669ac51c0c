"""Reasoning time on the seed graph and on scaled graphs (bench/scaled.py), the engines
side by side.

In one process (medians of `--repeat` runs; owlrl gets one run past 20k triples, where it
takes minutes), with validation time and whether the engines' closures are the same:

    python -m bench.reasoning --sizes 10000,100000 --json bench/reasoning.json

Each engine in a process of its own, on a graph built as the map stage builds one, for
peak RSS (bench.harness child_reason: reason() timed, then inferred.ttl written, then a
digest of the closure), `--timeout` seconds each:

    python -m bench.reasoning --processes 300000,1000000 --engines rules,reasonable
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

from kg.reason import ENGINES, reason
from kg.validate import validate

from .scaled import scaled, seed_graph


def timed(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def in_process(sizes: str, repeat: int) -> list[dict]:
    base = seed_graph()
    rows = []
    graphs = [("seeds", base)] + [(f"{int(n) // 1000}k", scaled(int(n), base)) for n in sizes.split(",") if n]
    for name, g in graphs:
        row = {"graph": name, "asserted": len(g), "loadavg": round(os.getloadavg()[0], 2)}
        closures = {}
        for engine in ENGINES:
            rep = repeat if (engine != "owlrl" or len(g) <= 20_000) else 1
            secs, res = timed(lambda: reason(g, engine=engine), rep)
            closures[engine] = set(res.triples)
            row[engine] = {"seconds": round(secs, 3), "used": res.engine, "inferred": res.raw_inferred,
                           "noise": res.removed_noise, "kept": res.kept, "runs": rep}
        row["same_closure"] = all(c == closures[ENGINES[0]] for c in closures.values())
        rep = repeat if len(g) <= 20_000 else 1
        secs, rep_ = timed(lambda: validate(g), rep)
        row["validation"] = {"seconds": round(secs, 3), "conforms": rep_.conforms}
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def in_processes(sizes: str, engines: list[str], timeout: float) -> list[dict]:
    from .harness import run_child
    rows = []
    for n in sizes.split(","):
        row = {"triples": int(n)}
        for engine in engines:
            r = run_child("reason", {"scaled": int(n), "engine": engine}, timeout=timeout)
            row[engine] = r if r is not None else {"finished": False, "timeout_s": timeout}
        digests = {r["digest"] for r in row.values() if isinstance(r, dict) and "digest" in r}
        row["same_closure"] = len(digests) == 1 if len(digests) else None
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000", help="scaled graphs reasoned on in this process")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--processes", help="scaled graphs reasoned on by each engine in a child process")
    ap.add_argument("--engines", default=",".join(ENGINES), help="engines for --processes")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds before a child is stopped")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    if args.processes:
        rows = in_processes(args.processes, args.engines.split(","), args.timeout)
    else:
        rows = in_process(args.sizes, args.repeat)
    if args.json:
        args.json.write_text(json.dumps({"machine": platform.platform(), "python": platform.python_version(),
                                         "cpus": os.cpu_count(), "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
