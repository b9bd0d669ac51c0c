"""Peak memory and time of `kg build` on one very large article file.

    python -m bench.bigfile --mb 100                 # a report followed by ~100 MB of data tables
    python -m bench.bigfile --mb 5 --kind prose      # ~5 MB of news prose (seed articles repeated)

`data`: a seed article's front matter and text, then tables of figures (lines without
letters, as in a statistical annex or a pasted spreadsheet) up to the size, then the text
again. `prose`: the seed articles' bodies repeated to the size, every paragraph real text.
The build runs in a child process (`kg build --no-reason --no-validate`, so the numbers are
about reading and extraction); its peak resident memory comes from getrusage.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def seed_parts() -> tuple[str, list[str]]:
    texts = [f.read_text(encoding="utf-8") for f in sorted((ROOT / "seeds").glob("*.txt"))]
    fm = re.match(r"---\n.*?\n---\n", texts[-1], re.S).group(0)
    bodies = [re.sub(r"\A---\n.*?\n---\n", "", t, flags=re.S) for t in texts]
    return fm, bodies


def write_big(path: Path, mb: float, kind: str, seed: int = 7) -> int:
    rnd = random.Random(seed)
    fm, bodies = seed_parts()
    target = int(mb * 1_000_000)
    size = 0
    with open(path, "w", encoding="utf-8") as fh:
        def put(s: str) -> None:
            nonlocal size
            fh.write(s)
            size += len(s.encode("utf-8"))
        put(fm)
        put(bodies[-1] + "\n")
        if kind == "data":
            while size < target - len(bodies[-1]) - 1000:
                rows = "\n".join("; ".join(f"{rnd.randint(0, 99999):,}.{rnd.randint(0, 99):02d}" for _ in range(8))
                                 for _ in range(1000))
                put("\n" + rows + "\n")
            put("\n" + bodies[-1])
        else:
            i = 0
            while size < target:
                put("\n" + bodies[i % len(bodies)])
                i += 1
    return size


def run(path: Path, out: Path) -> dict:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "kg", "build", str(path), "--out", str(out), "--no-reason",
                           "--no-validate", "-q"], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"exit": proc.returncode, "seconds": round(seconds, 1), "peak_rss_mb": round(peak_kb / 1024),
            "stderr": proc.stderr.strip()[-500:], "triples": _count(out / "graph.ttl")}


def _count(graph: Path) -> int | None:
    if not graph.exists():
        return None
    from rdflib import Graph
    return len(Graph().parse(graph))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=100)
    ap.add_argument("--kind", choices=("data", "prose"), default="data")
    ap.add_argument("--json", type=Path, help="also write the numbers here")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / f"big-{args.kind}.txt"
        size = write_big(big, args.mb, args.kind)
        result = {"kind": args.kind, "file_mb": round(size / 1e6, 1), **run(big, Path(tmp) / "out")}
    print(json.dumps(result, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
