"""Reasoning and validation time on the seed graph and on scaled graphs, both engines
side by side in one process (medians of `--repeat` runs; owlrl gets one run past 20k
triples, where it takes minutes).

    python -m bench.reasoning --sizes 10000,100000 --json bench/reasoning.json
"""
from __future__ import annotations

import argparse
import json
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


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    base = seed_graph()
    rows = []
    graphs = [("seeds", base)] + [(f"{int(n) // 1000}k", scaled(int(n), base)) for n in args.sizes.split(",")]
    for name, g in graphs:
        row = {"graph": name, "asserted": len(g)}
        for engine in ENGINES:
            rep = args.repeat if (engine != "owlrl" or len(g) <= 20_000) else 1
            secs, res = timed(lambda: reason(g, engine=engine), rep)
            row[engine] = {"seconds": round(secs, 3), "inferred": res.raw_inferred, "noise": res.removed_noise,
                           "kept": res.kept, "runs": rep}
        rep = args.repeat if len(g) <= 20_000 else 1
        secs, rep_ = timed(lambda: validate(g), rep)
        row["validation"] = {"seconds": round(secs, 3), "conforms": rep_.conforms}
        rows.append(row)
        print(json.dumps(row))
    if args.json:
        args.json.write_text(json.dumps({"machine": platform.platform(), "python": platform.python_version(),
                                         "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
