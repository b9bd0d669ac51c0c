"""Incremental rebuild after one changed article, against a clean build, on a generated corpus.

    python -m bench.incremental --articles 1000 [--json bench/incremental.json]

The corpus is the seed and tests/dev articles copied under new file names with small edits
(a sentence added naming the copy, one common word varied), until there are N articles.
Three builds run into one folder, each in its own process, as `kg build` would:

1. clean: `--no-cache`, every article extracted;
2. unchanged: nothing changed, every extraction from the cache;
3. one changed: one article edited, only it extracted again.

Each build's stages are timed through kg.build's progress callback. The last build's
graph.ttl and inferred.ttl are compared with a clean build of the same corpus.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VARIANTS = [("said", "stated"), ("meeting", "talks"), ("relations", "ties"), ("agreed", "pledged")]


def make_corpus(folder: Path, n: int) -> list[Path]:
    sources = sorted((ROOT / "seeds").glob("*.txt")) + sorted((ROOT / "tests" / "dev" / "articles").glob("*.txt"))
    texts = [(f.stem, f.read_text(encoding="utf-8")) for f in sources]
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        stem, text = texts[i % len(texts)]
        a, b = VARIANTS[(i // len(texts)) % len(VARIANTS)]
        body = text.replace(f" {a} ", f" {b} ", 1) + f"\nThis is reference copy {i} of the article.\n"
        path = folder / f"{i:04d}-{stem}.txt"
        path.write_text(body, encoding="utf-8")
        out.append(path)
    return out


ONE = r"""
import json, sys, time
import kg
marks, t0 = {}, time.perf_counter()
last = ["start", t0]
def on(p):
    if p.stage != last[0]:
        now = time.perf_counter()
        marks[last[0]] = marks.get(last[0], 0) + now - last[1]
        last[:] = [p.stage, now]
r = kg.build([sys.argv[1]], out=sys.argv[2], cache=sys.argv[3] == "cache", on_progress=on)
now = time.perf_counter()
marks[last[0]] = marks.get(last[0], 0) + now - last[1]
marks.pop("start", None)
print(json.dumps({"seconds": now - t0, "stages": {k: round(v, 2) for k, v in marks.items()},
                  "articles": r.articles, "extracted": r.cache_misses, "from_cache": r.cache_hits,
                  "triples": r.triples}))
"""


def build(src: Path, out: Path, cache: bool) -> dict:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", ONE, str(src), str(out), "cache" if cache else "no-cache"],
                          capture_output=True, text=True, check=True)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["process_seconds"] = round(time.perf_counter() - start, 1)
    result["seconds"] = round(result["seconds"], 1)
    return result


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--json", type=Path, help="also write the numbers here")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        files = make_corpus(tmp / "corpus", args.articles)
        out = tmp / "build"
        clean = build(tmp / "corpus", out, cache=False)
        print("clean:", json.dumps(clean), flush=True)
        unchanged = build(tmp / "corpus", out, cache=True)
        print("unchanged:", json.dumps(unchanged), flush=True)
        changed = files[len(files) // 2]
        changed.write_text(changed.read_text(encoding="utf-8") + "\nPresident Yoon Suk Yeol met Prime Minister "
                           "Fumio Kishida in Tokyo on March 16, 2023.\n", encoding="utf-8")
        one = build(tmp / "corpus", out, cache=True)
        print("one changed:", json.dumps(one), flush=True)
        reference = build(tmp / "corpus", tmp / "reference", cache=False)
        same = all((out / n).read_bytes() == (tmp / "reference" / n).read_bytes()
                   for n in ("graph.ttl", "inferred.ttl", "validation.txt"))
    result = {"articles": args.articles, "clean": clean, "unchanged": unchanged, "one_changed": one,
              "clean_build_of_the_changed_corpus": reference, "identical_to_clean": same,
              "speedup": round(clean["seconds"] / one["seconds"], 1)}
    print(json.dumps(result, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
