"""Pushing a large graph to a SPARQL server in batches: `kg.store.push` into a local
`oxigraph serve`, timed, with the server's triple count checked against what was sent.

    python -m bench.push                                         # 1M triples, batches of 10k, 100k, 1M
    python -m bench.push --triples 1000000 --batch-size 100000 --json bench/push.json
    python -m bench.push --triples 200000 --compare 100000 --synthetic /tmp/synth

The graph comes from bench/synthetic.py (graph.nt and inferred.nt, written to a temporary
folder unless --synthetic names one). Each batch size is pushed into a fresh, empty
server (its own store folder) by a child process of its own, so that process's peak RSS
(getrusage) is the push's alone; the server's CPU time and peak RSS come from /proc. The
--batch-size run is then pushed a second time into the full server (the first PUT must
replace a graph of the same size), and a few packaged queries are timed on the server
through its SPARQL endpoint (kg.store.EndpointSource). Exit status 1 if the server's
COUNT(*) differs from the triples sent.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import kg
from kg import query as Q
from kg import store as S

from .queries import measure
from .synthetic import generate

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["last-meeting-before", "events-in-range", "most-connected"]
MB = 1_000_000

# One push in a process of its own; prints its result as JSON.
CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from kg import store as S
args = json.loads(sys.argv[1])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
cpu0 = time.process_time()
landed = []
r = S.push([Path(f) for f in args["files"]], args["url"], batch_size=args["batch_size"],
           progress=lambda p: landed.append(p.seconds))
ru = resource.getrusage(resource.RUSAGE_SELF)
steps = [b - a for a, b in zip([r.check_seconds] + landed, landed)]
print(json.dumps({"triples": r.triples, "bytes": r.bytes, "batches": r.batches, "attempts": r.attempts,
                  "seconds": r.seconds, "check_seconds": r.check_seconds,
                  "first_batch_s": steps[0], "other_batches_s": sum(steps[1:]),
                  "client_cpu_s": time.process_time() - cpu0,
                  "baseline_rss_mb": before / 1024, "peak_rss_mb": ru.ru_maxrss / 1024}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str:
    local = Path(sys.executable).parent / "oxigraph"
    if local.exists():
        return str(local)
    from shutil import which
    exe = which("oxigraph")
    if not exe:
        sys.exit("the oxigraph server binary is not installed (pip install oxigraph)")
    return exe


class Server:
    """A local `oxigraph serve` on a free port, with its own store folder; terminated on exit."""

    def __init__(self, location: Path, log: Path):
        self.location, self.log_path = location, log
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(self.location),
                                      "--bind", f"127.0.0.1:{self.port}"],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{self.base}/query?query=ASK%7B%7D", timeout=2).read()
                return self
            except OSError:
                if self.proc.poll() is not None:
                    self.__exit__()
                    sys.exit(f"oxigraph serve exited; see {self.log_path}")
                if time.monotonic() > deadline:
                    self.__exit__()
                    sys.exit("oxigraph serve did not answer within 60 s")
                time.sleep(0.1)

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def usage(self) -> dict:
        """CPU seconds and peak RSS of the server so far (Linux /proc; empty elsewhere)."""
        try:
            stat = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            tick = os.sysconf("SC_CLK_TCK")
            cpu = (int(stat[11]) + int(stat[12])) / tick
            hwm = next(int(ln.split()[1]) for ln in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines()
                       if ln.startswith("VmHWM:"))
            return {"server_cpu_s": cpu, "server_peak_rss_mb": hwm / 1024}
        except (OSError, StopIteration, IndexError, ValueError):
            return {}

    def count(self) -> int:
        res = S.EndpointSource(f"{self.base}/query").select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {})
        return int(res.rows[0][0])


def push_child(files: list[Path], url: str, batch_size: int) -> dict:
    arg = json.dumps({"files": [str(f) for f in files], "url": url, "batch_size": batch_size})
    proc = subprocess.run([sys.executable, "-c", CHILD, arg], check=False, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"the push failed:\n{proc.stderr.strip()[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _push_once(srv, files: list[Path], batch_size: int, *, replace: bool) -> dict:
    """One push into `srv`, with the server's CPU time and triple count after it."""
    cpu0 = srv.usage().get("server_cpu_s", 0.0)
    r = push_child(files, f"{srv.base}/store", batch_size)
    use = srv.usage()
    r.update(use, server_cpu_s=use.get("server_cpu_s", 0.0) - cpu0)
    r["server_count"] = srv.count()
    r["count_ok"] = r["server_count"] == r["triples"]
    finish(r, batch_size, replace=replace)
    print(row_text(r), flush=True)
    return r


def one_run(files: list[Path], work: Path, batch_size: int, *, again: bool = False, queries: bool = False,
            runs: int = 3) -> tuple[dict, dict | None, dict | None]:
    """Push into a fresh server; with `again`, push a second time into the full server;
    with `queries`, time the packaged queries there."""
    name = f"oxserve-{batch_size}"
    with Server(work / name, work / f"{name}.log") as srv:
        r = _push_once(srv, files, batch_size, replace=False)
        rep = _push_once(srv, files, batch_size, replace=True) if again else None
        qs = None
        if queries:
            qs = {}
            src = S.EndpointSource(f"{srv.base}/query", retry=S.Retry(timeout=300.0))
            specs = {s.name: s for s in Q.list_queries()}
            for qn in QUERIES:
                qs[qn] = measure(src, specs[qn], runs=runs, timeout=300.0, budget=60.0)
                print(f"  query {qn:<22} {qs[qn]['median_ms']} ms median of {qs[qn]['runs']} "
                      f"({qs[qn].get('rows')} rows)", flush=True)
    return r, rep, qs


def finish(r: dict, batch_size: int, replace: bool = False) -> None:
    r["batch_size"] = batch_size
    r["replace"] = replace
    r["triples_per_s"] = r["triples"] / r["seconds"]
    r["mb_per_s"] = r["bytes"] / MB / r["seconds"]
    for k, v in list(r.items()):
        if isinstance(v, float):
            r[k] = round(v, 2 if k.endswith(("_s", "_mb")) or k == "seconds" else 1)


def size_label(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 and n % 1_000_000 == 0 else (
        f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n))


def row_text(r: dict) -> str:
    what = "replace" if r["replace"] else "empty"
    return (f"  batch {size_label(r['batch_size']):>5} ({what:<7}): {r['triples']:,} triples, "
            f"{r['bytes'] / MB:,.0f} MB "
            f"in {r['batches']} batches, {r['seconds']:.1f}s (check {r['check_seconds']:.1f}s, first batch "
            f"{r['first_batch_s']:.1f}s, the others {r['other_batches_s']:.1f}s) = "
            f"{r['triples_per_s']:,.0f} triples/s, {r['mb_per_s']:.1f} MB/s; peak RSS {r['peak_rss_mb']:,.0f} MB "
            f"(after imports {r['baseline_rss_mb']:,.0f} MB); client CPU {r['client_cpu_s']:.1f}s, "
            f"server CPU {r.get('server_cpu_s', 0):.1f}s; server COUNT(*) {r['server_count']:,} "
            f"{'OK' if r['count_ok'] else 'MISMATCH'}")


def markdown(res: dict) -> str:
    main = res["batch_size"]
    base = next(r for r in res["runs"] if r["batch_size"] == main)
    lines = ["| batch size | into | batches | seconds (check / 1st batch / rest) | triples/s | MB/s | vs "
             + size_label(main) + " | peak RSS (push) | client CPU s | server CPU s | COUNT(*) |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in res["runs"] + ([res["replace"]] if res.get("replace") else []):
        lines.append(f"| {size_label(r['batch_size'])} | {'full server (replace)' if r['replace'] else 'empty server'} "
                     f"| {r['batches']} | {r['seconds']:.1f} ({r['check_seconds']:.1f} / {r['first_batch_s']:.1f} / "
                     f"{r['other_batches_s']:.1f}) | {r['triples_per_s']:,.0f} | {r['mb_per_s']:.1f} "
                     f"| {r['triples_per_s'] / base['triples_per_s']:.2f}× | {r['peak_rss_mb']:,.0f} MB "
                     f"| {r['client_cpu_s']:.1f} | {r.get('server_cpu_s', 0):.1f} "
                     f"| {r['server_count']:,} {'✓' if r['count_ok'] else '✗'} |")
    return "\n".join(lines)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--triples", type=int, default=1_000_000, help="about how many triples to push")
    ap.add_argument("--batch-size", type=int, default=S.DEFAULT_BATCH, help="the main run's triples per request")
    ap.add_argument("--compare", default="10000,100000,1000000",
                    help="other batch sizes to run, comma-separated ('' for none)")
    ap.add_argument("--no-replace", action="store_true", help="skip the second push into the full server")
    ap.add_argument("--runs", type=int, default=3, help="runs of each timed query")
    ap.add_argument("--synthetic", type=Path, help="reuse (or write) graph.nt and inferred.nt in this folder")
    ap.add_argument("--json", type=Path, help="write the results here")
    args = ap.parse_args(argv)
    sizes = sorted({args.batch_size, *(int(x) for x in args.compare.split(",") if x.strip())})
    with tempfile.TemporaryDirectory(prefix="kg-bench-push-") as tmp:
        work = Path(tmp)
        syn = args.synthetic or work / "synthetic"
        t = time.perf_counter()
        if not (syn / "graph.nt").exists() or not (syn / "inferred.nt").exists():
            kg.build([ROOT / "seeds"], out=work / "seed")
            na, ni = generate(syn, args.triples, seed_build=work / "seed")
            print(f"synthetic graph: {na:,} + {ni:,} triples in {time.perf_counter() - t:.1f}s", flush=True)
        files = [syn / "graph.nt", syn / "inferred.nt"]
        res = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                           "pyoxigraph": getattr(__import__("pyoxigraph"), "__version__", "?"),
                           "oxigraph": subprocess.run([oxigraph_binary(), "--version"], check=False,
                                                      capture_output=True, text=True).stdout.strip(),
                           "load_average_at_start": [round(x, 2) for x in os.getloadavg()]},
               "files": {f.name: f.stat().st_size for f in files},
               "batch_size": args.batch_size, "runs": [], "replace": None, "queries": None}
        print(f"pushing {sum(res['files'].values()) / MB:,.0f} MB of N-Triples to a local oxigraph serve", flush=True)
        for size in sizes:
            main_run = size == args.batch_size
            r, rep, qs = one_run(files, work, size, again=main_run and not args.no_replace,
                                 queries=main_run, runs=args.runs)
            res["runs"].append(r)
            if main_run:
                res["replace"], res["queries"] = rep, qs
        res["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        res["triples"] = res["runs"][0]["triples"]
        res["bytes"] = res["runs"][0]["bytes"]
    print()
    print(markdown(res))
    if res["queries"]:
        print()
        print("| query | median ms | rows |\n|---|---|---|")
        for qn, q in res["queries"].items():
            print(f"| {qn} | {q['median_ms']} | {q.get('rows')} |")
    if args.json:
        args.json.write_text(json.dumps(res, indent=1) + "\n")
    bad = [r for r in res["runs"] + [res["replace"] or {"count_ok": True}] if not r["count_ok"]]
    if bad:
        sys.exit(f"the server's COUNT(*) differs from the triples sent in {len(bad)} run(s)")


if __name__ == "__main__":
    main()
