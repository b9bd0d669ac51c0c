"""Extraction speed on one core, and where the time goes.

    python -m bench.extraction --articles 300 [--seed 0] [--profile 15]

Generates a corpus (bench.corpus), reads it, then extracts every article in this process
and reports CPU seconds (process time, so other work on the machine matters less than it
does for wall time), MB/s and articles/s per core. With --profile N, also the N functions
with the most own time (cProfile). The first 20 articles are extracted once before timing,
so compiling the patterns is not counted.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import tempfile
import time
from pathlib import Path


def measure(folder: Path, *, profile: int = 0) -> dict:
    from kg.articles import read_article
    from kg.build import extract_article
    from kg.reference import load

    kb = load()
    articles = [read_article(f) for f in sorted(folder.glob("*.txt"))]
    size = sum(len(a.body.encode("utf-8")) for a in articles)
    for a in articles[:20]:
        extract_article(a, kb)
    prof = cProfile.Profile() if profile else None
    if prof:
        prof.enable()
    start = time.process_time()
    for a in articles:
        extract_article(a, kb)
    cpu = time.process_time() - start
    out = {"articles": len(articles), "mb": size / 1e6, "cpu_s": cpu,
           "mb_per_s_per_core": size / 1e6 / cpu, "articles_per_s_per_core": len(articles) / cpu}
    if prof:
        prof.disable()
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(profile)
        out["profile"] = buf.getvalue()
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--profile", type=int, default=0, help="show this many functions by own time")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    from bench.corpus import generate
    with tempfile.TemporaryDirectory() as tmp:
        corpus = generate(args.articles, Path(tmp), seed=args.seed)
        result = measure(corpus.folder, profile=args.profile)
    print(f"{result['articles']} articles, {result['mb']:.2f} MB: {result['cpu_s']:.1f} CPU s, "
          f"{result['mb_per_s_per_core']:.3f} MB/s and {result['articles_per_s_per_core']:.1f} articles/s per core")
    if "profile" in result:
        print(result["profile"])
    if args.json:
        args.json.write_text(json.dumps({k: v for k, v in result.items() if k != "profile"}, indent=1) + "\n")


if __name__ == "__main__":
    main()
