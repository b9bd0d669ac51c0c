"""The benchmark harness behind `python -m bench run`: one generated corpus, the real
build, the one-changed-article rebuild and the side-by-side comparisons, in one run.

Every build runs in a child process of its own (`python -m bench.harness CHILD SPEC`, the
child printing one JSON line last), so each build's peak memory is its own: the child
reports ru_maxrss of itself and of its reaped worker processes, and the peak of the
summed RSS of its whole process tree, sampled every 0.05 s (the workers of a parallel
build are alive at once, so the sum is what the machine must hold). Stage times come from
kg.build's progress callback: the time before the first callback is "setup" (reference
data, the output lock, finding the files), read+extract is "extract". The "write" stage
is split by timing kg.viz.write_html and kg.timeline.write_timeline, which kg.build
imports at the moment it calls them.

What is generated is deterministic for a given --articles and --seed (bench.corpus), and
so is the edited article of the rebuild; the timings are not.
"""
from __future__ import annotations

import datetime as dt
import importlib.metadata
import inspect
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("setup", "extract", "resolve", "map", "reason", "validate", "write")
CATEGORIES = ("persons", "countries", "organizations", "places", "agreements", "disputes", "events")
PACKAGES = ("rdflib", "pyoxigraph", "owlrl", "reasonable", "pyshacl", "spacy")
ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
# the sentence appended to one article for the rebuild (as in bench/incremental.py)
EDIT = "\nPresident Yoon Suk Yeol met Prime Minister Fumio Kishida in Tokyo on March 16, 2023.\n"
MB = 1024 * 1024

# the targets
TARGET_BUILD_S = 120.0  # 10k articles, end to end
TARGET_RSS_MB = 4 * 1024  # 10k articles, peak
TARGET_EXTRACT_MBS = 2.0
TARGET_REBUILD_S = 5.0
TARGET_QUERY_MS = 200.0  # each packaged query's median at ~1M triples
TARGET_REASON_S = 30.0  # OWL RL at 1M triples
TARGET_REASON_MB = 3 * 1024
TARGET_ARTICLES = 10_000


# =========================================================================== child side

class TreeRSS(threading.Thread):
    """The peak of the summed resident memory of this process and all its descendants,
    sampled from /proc."""

    def __init__(self, interval: float = 0.05):
        super().__init__(daemon=True)
        self.interval = interval
        self.peak = 0
        self.peak_processes = 0
        self._halt = threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE")

    def sample(self) -> int:
        parents: dict[int, list[int]] = {}
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/stat", "rb") as f:
                    stat = f.read()
            except OSError:
                continue
            ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
            parents.setdefault(ppid, []).append(int(name))
        pids, i = [os.getpid()], 0
        while i < len(pids):
            pids.extend(parents.get(pids[i], ()))
            i += 1
        total = 0
        for pid in pids:
            try:
                with open(f"/proc/{pid}/statm", "rb") as f:
                    total += int(f.read().split()[1]) * self._page
            except (OSError, IndexError, ValueError):
                pass
        if total > self.peak:
            self.peak, self.peak_processes = total, len(pids)
        return total

    def run(self) -> None:
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(self.interval)

    def stop(self) -> int:
        self._halt.set()
        self.join()
        self.sample()
        return self.peak


def rusage_mb() -> dict:
    """Peak RSS (ru_maxrss, KiB on Linux) of this process and of its largest reaped child."""
    return {"self_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "children_peak_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)}


class StageClock:
    """Seconds per stage from kg.build's progress callbacks."""

    def __init__(self):
        self.marks: dict[str, float] = {}
        self.current = "setup"
        self.since = time.perf_counter()
        self.callbacks = 0

    def __call__(self, p) -> None:
        self.callbacks += 1
        if p.stage != self.current:
            self._close(p.stage)

    def _close(self, next_stage: str | None) -> None:
        now = time.perf_counter()
        self.marks[self.current] = self.marks.get(self.current, 0.0) + now - self.since
        self.current, self.since = next_stage, now

    def finish(self) -> dict[str, float]:
        self._close(None)
        return {k: round(v, 4) for k, v in self.marks.items()}


def supports_jobs() -> bool:
    import kg
    return "jobs" in inspect.signature(kg.build).parameters


def child_build(spec: dict) -> dict:
    """One kg.build, as `kg build` would run it; see the module docstring."""
    t = time.perf_counter()
    import kg
    import kg.timeline
    import kg.viz
    imports = time.perf_counter() - t
    html: dict[str, float] = {}

    def timed(module, name: str, key: str) -> None:
        original = getattr(module, name)

        def wrapper(*a, **k):
            start = time.perf_counter()
            try:
                return original(*a, **k)
            finally:
                html[key] = html.get(key, 0.0) + time.perf_counter() - start
        setattr(module, name, wrapper)

    timed(kg.viz, "write_html", "graph.html")
    timed(kg.timeline, "write_timeline", "timeline.html")
    kwargs = {"out": spec["out"], "html": spec.get("html", True), "cache": spec.get("cache", False),
              "reasoning": spec.get("reasoning", True), "validation": spec.get("validation", True)}
    has_jobs = supports_jobs()
    if has_jobs:
        kwargs["jobs"] = spec.get("jobs", 1)
    load_before = os.getloadavg()
    rss = TreeRSS()
    rss.start()
    clock = StageClock()
    start = time.perf_counter()
    clock.since = start
    r = kg.build([spec["folder"]], on_progress=clock, **kwargs)
    wall = time.perf_counter() - start
    stages = clock.finish()
    tree_peak = rss.stop()
    out = Path(spec["out"])
    ru = rusage_mb()
    tree_mb = round(tree_peak / MB, 1)
    rss_info = {**ru, "tree_peak_mb": tree_mb, "tree_peak_processes": rss.peak_processes,
                # the sampler can miss a short spike that ru_maxrss holds: the larger of the two
                "peak_mb": max(tree_mb, ru["self_peak_mb"])}
    result = {
        "wall_s": round(wall, 3), "import_s": round(imports, 3), "stages": stages,
        "html_s": {k: round(v, 4) for k, v in html.items()},
        "jobs": kwargs.get("jobs"), "jobs_supported": has_jobs, "callbacks": clock.callbacks,
        "articles": r.articles, "skipped": len(r.skipped), "duplicates": len(r.duplicates),
        "warnings": len(r.warnings), "cache_hits": r.cache_hits, "cache_misses": r.cache_misses,
        "counts": r.counts, "triples_asserted": r.triples,
        "triples_inferred": r.reasoning.kept if r.reasoning is not None else None,
        "reasoner_s": round(r.reasoning.seconds, 3) if r.reasoning is not None else None,
        "reasoner": r.reasoning.engine if r.reasoning is not None else None,
        "conforms": r.validation.conforms if r.validation is not None else None,
        "outputs": {p.name: p.stat().st_size for p in sorted(out.iterdir()) if p.is_file()},
        "rss": rss_info,
        # other work on the machine slows a build down: the 1-minute load average before and after
        "loadavg": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
    }
    return result


def closure_digest(triples) -> str:
    """SHA-256 of the sorted N-Triples lines of `triples`: equal closures, equal digests."""
    import hashlib
    lines = sorted(" ".join(x.n3() for x in t) for t in triples)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def child_reason(spec: dict) -> dict:
    """One reasoner on a graph file, or on a scaled graph built in this process as the map
    stage builds one (kg.reason.reason: closure and noise removal), then, untimed by that,
    writing its triples as kg build writes inferred.ttl, and a digest of the closure."""
    from rdflib import Graph

    from kg import formats
    from kg.reason import reason
    rss = TreeRSS()
    rss.start()
    t = time.perf_counter()
    if "scaled" in spec:
        from .scaled import scaled
        g = scaled(int(spec["scaled"]))
    else:
        g = Graph().parse(spec["graph"])
    load = time.perf_counter() - t
    before = rusage_mb()["self_peak_mb"]
    t, cpu = time.perf_counter(), time.process_time()
    res = reason(g, engine=spec["engine"])
    seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
    ru = rusage_mb()
    t = time.perf_counter()
    written = len(formats.turtle(res.triples))
    write_s = time.perf_counter() - t
    ru_written, tree = rusage_mb(), round(rss.stop() / MB, 1)
    return {"engine": spec["engine"], "used": res.engine, "fallback": res.fallback, "seconds": round(seconds, 3),
            "cpu_s": round(cpu, 3), "closure_s": round(res.seconds, 3), "load_s": round(load, 2),
            "asserted": res.asserted, "raw_inferred": res.raw_inferred, "kept": res.kept,
            "write_s": round(write_s, 3), "written_bytes": written, "digest": closure_digest(res.triples),
            "loadavg": round(os.getloadavg()[0], 2),
            "rss": {**ru, "before_reasoning_mb": before, "tree_peak_mb": tree,
                    # the reasoning's peak; writing inferred.ttl comes after it
                    "peak_mb": ru["self_peak_mb"], "with_write_peak_mb": max(tree, ru_written["self_peak_mb"])}}


CHILDREN = {"build": child_build, "reason": child_reason}


def child_main(argv: list[str]) -> None:
    kind, spec = argv[0], json.loads(argv[1])
    result = CHILDREN[kind](spec)
    sys.stdout.flush()
    print("\n" + json.dumps(result), flush=True)


# =========================================================================== parent side

class ChildFailed(RuntimeError):
    pass


def run_child(kind: str, spec: dict, *, timeout: float | None = None) -> dict | None:
    """Run one child; its result, or None if it ran past `timeout` (it is then killed)."""
    cmd = [sys.executable, "-m", "bench.harness", kind, json.dumps(spec)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)  # the child's own session: it and its workers
        proc.communicate()
        return None
    if proc.returncode != 0:
        raise ChildFailed(f"{kind} child failed ({proc.returncode}):\n{stderr[-4000:]}")
    lines = [x for x in stdout.strip().splitlines() if x.strip()]
    result = json.loads(lines[-1])
    result["process_s"] = round(time.perf_counter() - start, 3)
    return result


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- machine

def _git(*args: str) -> str | None:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def kg_source_hash() -> str:
    """A hash of kg's code and data, to tell whether kg changed while the benchmark ran."""
    import hashlib
    h = hashlib.sha256()
    for base in (ROOT / "kg", ROOT / "ontology"):
        for f in sorted(p for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            h.update(f.relative_to(ROOT).as_posix().encode() + b"\0" + hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


def machine() -> dict:
    model = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = None
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        ram = round(kb / 1024 / 1024, 1)
    except (OSError, AttributeError):
        pass
    versions = {}
    for p in PACKAGES:
        try:
            versions[p] = importlib.metadata.version(p)
        except importlib.metadata.PackageNotFoundError:
            versions[p] = None
    dirty = _git("status", "--porcelain", "--", "kg")
    return {"cpus": os.cpu_count(), "cpus_usable": len(os.sched_getaffinity(0)), "cpu_model": model,
            "ram_gib": ram, "python": platform.python_version(), "platform": platform.platform(),
            "kg_commit": _git("rev-parse", "HEAD"), "kg_dirty": bool(dirty), "kg_source": kg_source_hash(),
            "packages": versions}


# --------------------------------------------------------------------------- the parts

def load_corpus_module():
    from . import corpus
    return corpus


def article_files(folder: Path) -> list[Path]:
    return sorted(p for p in Path(folder).rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES)


def edit_one(folder: Path) -> Path:
    """Append a sentence to one article, the same one each run: the middle plain-text one."""
    files = article_files(folder)
    plain = [p for p in files if p.suffix.lower() in (".txt", ".md")] or files
    target = plain[len(plain) // 2]
    with open(target, "a", encoding="utf-8") as f:
        f.write(EDIT)
    return target


def score_build(corpus_mod, out: Path, expected: Path) -> dict:
    """bench.corpus.score on the asserted graph (it follows the ontology's subclasses itself)."""
    return corpus_mod.score(out / "graph.ttl", Path(expected))


def category_scores(score: dict) -> dict[str, dict]:
    """{category: {precision, recall, f1}} from bench.corpus.score's answer (its per-article
    "categories"; also a flat or differently spelled answer: "F1", "persons_precision")."""
    out = {}
    score = score.get("categories", score)
    for cat in CATEGORIES:
        d = score.get(cat)
        if not isinstance(d, dict):
            d = {k[len(cat) + 1:]: v for k, v in score.items() if k.startswith(cat + "_")}
        vals = {}
        for name in ("precision", "recall", "f1"):
            for k, v in d.items():
                if k.lower().replace("-", "").replace("_", "") in (name, name[0]) and isinstance(v, (int, float)):
                    vals[name] = float(v)
        for k in ("expected", "found", "matched"):
            if isinstance(d.get(k), int):
                vals[k] = d[k]
        if vals:
            out[cat] = vals
    return out


def compare_queries(files: list[Path], work: Path, *, runs: int, timeout: float, budget: float,
                    label: str = "built") -> dict:
    """bench/queries.py's measurement (load, then each packaged query with its example's
    parameters) on rdflib and on an on-disk Oxigraph store. A query whose example does not
    apply to this graph (a label it does not have) is reported with the error."""
    from kg import query as Q
    from kg import store as S

    from .queries import measure
    out: dict = {"graph": label, "queries": {}}
    t = time.perf_counter()
    g = Q.load_graph(files)
    out["rdflib_load_s"] = round(time.perf_counter() - t, 3)
    out["triples"] = len(g)
    t = time.perf_counter()
    info = S.write_store(files, f"oxigraph:{work / (label + '-store')}")
    out["oxigraph_write_s"] = round(time.perf_counter() - t, 3)
    sources = {"rdflib": Q.GraphSource(g, files), "oxigraph": S.open_store(f"oxigraph:{info.path}")}
    try:
        for spec in Q.list_queries():
            row = out["queries"][spec.name] = {}
            for engine, src in sources.items():
                try:
                    r = measure(src, spec, runs=runs, timeout=timeout, budget=budget)
                except Exception as exc:  # noqa: BLE001 - e.g. the example's label is not in this graph
                    r = {"median_ms": None, "runs": 0, "error": f"{type(exc).__name__}: {str(exc)[:200]}"}
                row[engine] = r
                shown = r.get("error") or ("timeout" if r["median_ms"] is None else f"{r['median_ms']} ms")
                log(f"  {label} {engine:<8} {spec.name:<20} {shown}")
    finally:
        for src in sources.values():
            src.close()
        del sources, g
        shutil.rmtree(info.path, ignore_errors=True)
    ratios, floors = {}, {}
    for name, q in out["queries"].items():
        a, b = q["rdflib"].get("median_ms"), q["oxigraph"].get("median_ms")
        ratios[name] = round(a / b, 2) if a and b else None
        if a is None and b and "timeout_s" in q["rdflib"]:  # rdflib ran past the time-out: at least this
            floors[name] = round(q["rdflib"]["timeout_s"] * 1000 / b, 1)
    out["load_ratio"] = round(out["rdflib_load_s"] / out["oxigraph_write_s"], 2) if out["oxigraph_write_s"] else None
    out["query_ratios"] = ratios
    out["query_ratio_floors"] = floors
    known = [x for x in ratios.values() if x]
    out["query_ratio_median"] = round(statistics.median(known), 2) if known else None
    return out


def compare_reasoners(graph: Path, timeout: float) -> dict:
    """The three engines on one graph, each in a process of its own: seconds, peak RSS, and
    whether their closures are the same (digests)."""
    out = {}
    for engine in ("rules", "reasonable", "owlrl"):
        log(f"reasoner {engine} on {graph.name} (timeout {timeout:g} s)")
        r = run_child("reason", {"graph": str(graph), "engine": engine}, timeout=timeout)
        out[engine] = r if r is not None else {"engine": engine, "timeout_s": timeout, "finished": False}
    a, b, c = (out[e].get("seconds") for e in ("owlrl", "reasonable", "rules"))
    out["ratio"] = round(a / b, 2) if a and b else None
    out["ratio_at_least"] = round(timeout / b, 1) if a is None and b else None
    out["rules_ratio"] = round(b / c, 2) if b and c else None  # reasonable / rules
    digests = {e: out[e]["digest"] for e in ("rules", "reasonable", "owlrl") if "digest" in out[e]}
    out["same_closure"] = len(set(digests.values())) == 1 if len(digests) > 1 else None
    return out


def compare_extraction(folder: Path, work: Path, jobs: int) -> dict:
    out = {"jobs": jobs}
    for j in (1, jobs):
        log(f"extraction only, jobs={j}")
        r = run_child("build", {"folder": str(folder), "out": str(work / f"extract-jobs{j}"), "jobs": j,
                                "cache": False, "html": False, "reasoning": False, "validation": False})
        shutil.rmtree(work / f"extract-jobs{j}", ignore_errors=True)
        out[f"jobs{j}"] = {"extract_s": r["stages"].get("extract"), "setup_s": r["stages"].get("setup"),
                           "wall_s": r["wall_s"], "rss": r["rss"], "loadavg": r.get("loadavg")}
    a, b = out["jobs1"]["extract_s"], out[f"jobs{jobs}"]["extract_s"]
    out["speedup"] = round(a / b, 2) if a and b else None
    # with workers, their start-up (imports, reference data) is in "setup", before the
    # first article comes back: the whole of setup + extract is the fair comparison too
    a, b = out["jobs1"]["wall_s"], out[f"jobs{jobs}"]["wall_s"]
    out["speedup_with_setup"] = round(a / b, 2) if a and b else None
    return out


def queries_at_scale(triples: int, work: Path, *, runs: int, timeout: float, budget: float) -> dict:
    """bench/queries.py's synthetic graph of `triples` triples, both engines."""
    import kg

    from .synthetic import generate
    seed = work / "seed-build"
    kg.build([ROOT / "seeds"], out=seed)
    syn = work / "synthetic"
    t = time.perf_counter()
    na, ni = generate(syn, triples, seed_build=seed)
    log(f"synthetic graph: {na} + {ni} triples in {time.perf_counter() - t:.1f}s")
    r = compare_queries([syn / "graph.nt", syn / "inferred.nt"], work, runs=runs, timeout=timeout, budget=budget,
                        label=f"synthetic{triples}")
    shutil.rmtree(syn, ignore_errors=True)
    return r


# --------------------------------------------------------------------------- targets

def _status(ok: bool | None) -> str:
    return {True: "met", False: "not met", None: "n/a"}[ok]


def targets(res: dict) -> list[dict]:
    n = res["articles"]
    b = res["build"]
    rows = []
    at_10k = n == TARGET_ARTICLES
    scale = TARGET_ARTICLES / n
    proj = "" if at_10k else f"N={n}" + (f"; linear projection to 10k: {b['wall_s'] * scale:.0f} s"
                                         if n >= 1000 else "")
    rows.append({"target": "10k-article build, end to end", "limit": f"≤ {TARGET_BUILD_S:g} s",
                 "measured": f"{b['wall_s']:.1f} s", "ok": (b["wall_s"] <= TARGET_BUILD_S) if at_10k else None,
                 "note": proj})
    peak = b["rss"]["peak_mb"]
    rows.append({"target": "10k-article build, peak RSS", "limit": f"≤ {TARGET_RSS_MB / 1024:g} GB",
                 "measured": f"{peak / 1024:.2f} GB", "ok": (peak <= TARGET_RSS_MB) if at_10k else None,
                 "note": "" if at_10k else f"N={n}"})
    mbs = res["throughput"]["extract_mb_s"]
    rows.append({"target": "extraction throughput", "limit": f"≥ {TARGET_EXTRACT_MBS:g} MB/s",
                 "measured": f"{mbs:.3f} MB/s", "ok": mbs >= TARGET_EXTRACT_MBS,
                 "note": f"jobs={b['jobs']}"})
    rb = res["rebuild"]
    rows.append({"target": "one changed article, rebuild", "limit": f"≤ {TARGET_REBUILD_S:g} s",
                 "measured": f"{rb['wall_s']:.1f} s", "ok": rb["wall_s"] <= TARGET_REBUILD_S,
                 "note": f"N={n}, {rb['cache_misses']} extracted, {rb['cache_hits']} from cache"})
    q = res.get("queries_at_scale")
    if q:
        for engine in ("rdflib", "oxigraph"):
            meds = {k: v.get(engine, {}).get("median_ms") for k, v in q["queries"].items()}
            worst = max(meds.items(), key=lambda kv: float("inf") if kv[1] is None else kv[1])
            over = [k for k, v in meds.items() if v is None or v > TARGET_QUERY_MS]
            rows.append({"target": f"each packaged query, median at ~1M triples ({engine})",
                         "limit": f"≤ {TARGET_QUERY_MS:g} ms",
                         "measured": f"worst {worst[0]}: " + ("timeout" if worst[1] is None else f"{worst[1]:g} ms"),
                         "ok": not over, "note": f"{q['triples']} triples" + (f"; over: {', '.join(over)}" if over else "")})
    else:
        rows.append({"target": "each packaged query, median at ~1M triples", "limit": f"≤ {TARGET_QUERY_MS:g} ms",
                     "measured": "not run", "ok": None, "note": "--queries-triples 1000000"})
    rs = res.get("reasoning_at_scale")
    if rs:
        if rs.get("finished", True):
            ok = rs["seconds"] <= TARGET_REASON_S and rs["rss"]["peak_mb"] <= TARGET_REASON_MB
            measured = f"{rs['seconds']:.1f} s, {rs['rss']['peak_mb'] / 1024:.2f} GB"
        else:
            ok, measured = False, f"did not finish in {rs['timeout_s']:g} s"
        same = rs.get("same_closure_as_reasonable")
        rows.append({"target": f"OWL RL reasoning at 1M triples ({rs.get('used', rs['engine'])})",
                     "limit": f"≤ {TARGET_REASON_S:g} s, ≤ {TARGET_REASON_MB / 1024:g} GB", "measured": measured,
                     "ok": ok, "note": f"{rs.get('asserted', rs.get('triples'))} asserted (bench/scaled.py); "
                                        "RSS includes the rdflib graph"
                                        + ("" if same is None else "; same closure as reasonable" if same
                                           else "; closure DIFFERS from reasonable's")})
    else:
        rows.append({"target": "OWL RL reasoning at 1M triples", "limit": f"≤ {TARGET_REASON_S:g} s, "
                     f"≤ {TARGET_REASON_MB / 1024:g} GB", "measured": "not run", "ok": None,
                     "note": "--reasoning-triples 1000000"})
    for r in rows:
        r["status"] = _status(r["ok"])
    return rows


# --------------------------------------------------------------------------- markdown

def _f(x, nd=2) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:,.{nd}f}"
    return f"{x:,}" if isinstance(x, int) else str(x)


def markdown(res: dict) -> str:
    n, b, m = res["articles"], res["build"], res["machine"]
    lines = [f"## {n:,} articles, jobs={b['jobs']}, seed={res['seed']}", "",
             f"{res['date']}; kg {str(m['kg_commit'])[:10]}{' (kg/ modified)' if m['kg_dirty'] else ''}; "
             f"{m['cpus']} CPUs ({m['cpu_model']}), {m['ram_gib']} GiB; Python {m['python']}; "
             + ", ".join(f"{k} {v}" for k, v in m["packages"].items()) + ".", "",
             f"`{res['command']}`", "",
             *([("**kg's code or data changed while this ran** (other commits): the builds did not all run "
                 "the same kg, and the rebuild's cache did not apply.\n")] if res.get("kg_changed_during_run") else []),
             *([(f"Machine load (1-min average) before / after the build: "
                f"{' / '.join(str(x) for x in b['loadavg'])}"
                + (f"; above {m['cpus']} (the CPUs), other work shared them" if max(b['loadavg']) > m['cpus']
                   else f"; the build's own processes on {m['cpus']} CPUs") + ".\n")] if b.get("loadavg") else []),
             (f"Corpus: {res['corpus']['articles']:,} articles, {res['corpus']['bytes'] / MB:.2f} MB "
              f"(bench.corpus, seed {res['seed']})."), "",
             "| stage | seconds | notes |", "|---|---:|---|"]
    st = b["stages"]
    notes = {"setup": "reference data, output lock, finding the files"
                      + ("; worker start-up until the first article is back" if (b["jobs"] or 1) > 1 else ""),
             "extract": f"read + extract, {b['articles']:,} articles, jobs={b['jobs']}",
             "resolve": "", "map": f"{b['triples_asserted']:,} triples",
             "reason": f"{b.get('reasoner') or 'reasoner'}, {_f(b['triples_inferred'])} inferred kept",
             "validate": f"graph.ttl written and loaded, SHACL, conforms: {b['conforms']}",
             "write": "all outputs, published"}
    side = (b["jobs"] or 1) > 1 and not b.get("html_s")  # kg.build wrote the derived outputs in a second process
    if side:
        notes["validate"] += ("; meanwhile a second process writes inferred.ttl, summary.ttl, graph.html "
                              "and timeline.html")
        notes["write"] = "the other outputs, waiting for the second process, publish"
    for s in STAGES:
        if s in st:
            lines.append(f"| {s} | {st[s]:.2f} | {notes.get(s, '')} |")
    html = b.get("html_s", {})
    if "write" in st and not side:
        ser = st["write"] - sum(html.values())
        lines.append(f"| write: serialization | {ser:.2f} | graph.ttl, inferred.ttl, validation.txt, publish |")
        for k, v in html.items():
            lines.append(f"| write: {k} | {v:.2f} | |")
    lines.append(f"| **build, end to end** | **{b['wall_s']:.2f}** | kg.build() call; the process took "
                 f"{b['process_s']:.1f} s with {b['import_s']:.1f} s of imports |")
    rb = res["rebuild"]
    if rb["cache_misses"] != 1:
        notes_rb = f"**expected 1 article extracted, {rb['cache_misses']} were**; "
    else:
        notes_rb = ""
    lines.append(f"| one changed article, rebuild | {rb['wall_s']:.2f} | {notes_rb}{rb['cache_misses']} extracted, "
                 f"{rb['cache_hits']} from cache; " + ", ".join(f"{k} {v:.2f}" for k, v in rb["stages"].items()) + " |")
    t = res["throughput"]
    lines += ["", "| measure | value | notes |", "|---|---:|---|",
              f"| extraction, articles/s | {t['extract_articles_s']:.1f} | extract stage only |",
              f"| extraction, MB/s | {t['extract_mb_s']:.3f} | |",
              f"| build, articles/s | {t['build_articles_s']:.1f} | end to end |",
              f"| triples asserted | {b['triples_asserted']:,} | graph.ttl |",
              f"| triples inferred | {_f(b['triples_inferred'])} | inferred.ttl |",
              f"| peak RSS | {b['rss']['peak_mb']:,.0f} MB | the larger of the two below |",
              (f"| peak RSS, process tree | {b['rss']['tree_peak_mb']:,.0f} MB | sampled every 0.05 s, summed over "
               f"{b['rss']['tree_peak_processes']} process(es) |"),
              f"| peak RSS, build process | {b['rss']['self_peak_mb']:,.0f} MB | ru_maxrss |"]
    if (b["jobs"] or 1) > 1:
        lines.append(f"| peak RSS, largest child | {b['rss']['children_peak_mb']:,.0f} MB | ru_maxrss of the "
                     f"extraction workers and the forked writer of the derived outputs (whose RSS counts the pages "
                     f"it shares with the build process; so does the tree's sum) |")
    cats = res.get("quality", {})
    if cats:
        distinct = res.get("score", {}).get("distinct", {})
        lines += ["", "| category | precision | recall | F1 | expected | found | corpus-level P / R / F1 |",
                  "|---|---:|---:|---:|---:|---:|---|"]
        for c, v in cats.items():
            d = distinct.get(c, {})
            dd = " / ".join(_f(d.get(k), 3) for k in ("precision", "recall", "f1")) if d else "–"
            lines.append(f"| {c} | {_f(v.get('precision'), 3)} | {_f(v.get('recall'), 3)} | {_f(v.get('f1'), 3)} | "
                         f"{_f(v.get('expected'))} | {_f(v.get('found'))} | {dd} |")
        if "macro_f1" in res.get("score", {}):
            lines += ["", (f"Per-article scores (bench.corpus.score); macro F1 {res['score']['macro_f1']:.3f}. "
                           "Corpus level: each expected entity or real-world event once, each graph node once.")]
    cmp_ = res.get("compare")
    if cmp_:
        lines += ["", "| comparison | A | B | A / B | notes |", "|---|---:|---:|---:|---|"]
        q = cmp_.get("queries")
        if q:
            lines.append(f"| load graph.ttl + inferred.ttl: rdflib / pyoxigraph | {q['rdflib_load_s']:.2f} s | "
                         f"{q['oxigraph_write_s']:.2f} s | {_f(q['load_ratio'])} | {q['triples']:,} triples; "
                         f"Oxigraph: bulk load into an on-disk store |")
            for name, qq in q["queries"].items():
                a, bb = qq.get("rdflib", {}), qq.get("oxigraph", {})
                show = lambda r: ("error" if r.get("error") else f"> {r['timeout_s']:g} s (timeout)"
                                  if r.get("median_ms") is None else f"{r['median_ms']:g} ms")
                floor = q.get("query_ratio_floors", {}).get(name)
                ratio = f"> {floor:g}" if floor else _f(q["query_ratios"].get(name))
                lines.append(f"| query {name}: rdflib / pyoxigraph | {show(a)} | {show(bb)} | "
                             f"{ratio} | "
                             + (f"example does not apply: {(a.get('error') or bb.get('error'))[:90]}"
                                if a.get("error") or bb.get("error") else f"median, {a.get('rows', '–')} rows")
                             + " |")
        r = cmp_.get("reasoners")
        if r and "rules" in r:
            ru_, re_ = r["rules"], r["reasonable"]
            lines.append(f"| OWL RL on graph.ttl: reasonable / rules | {re_['seconds']:.2f} s | "
                         f"{ru_['seconds']:.2f} s | {_f(r.get('rules_ratio'))} | kg.reason.reason; peak RSS "
                         f"{re_['rss']['peak_mb']} / {ru_['rss']['peak_mb']} MB; same closure (three engines): "
                         f"{r.get('same_closure')} |")
        if r:
            ow, re_ = r["owlrl"], r["reasonable"]
            a = f"{ow['seconds']:.2f} s" if "seconds" in ow else f"did not finish in {ow['timeout_s']:g} s"
            ratio = _f(r["ratio"]) if r["ratio"] else (f"> {r['ratio_at_least']:g}" if r.get("ratio_at_least") else "–")
            lines.append(f"| OWL RL on graph.ttl: owlrl / reasonable | {a} | {re_['seconds']:.2f} s | {ratio} | "
                         f"kg.reason.reason, noise removal included; peak RSS "
                         f"{ow.get('rss', {}).get('peak_mb', '–')} / {re_['rss']['peak_mb']} MB |")
        e = cmp_.get("extraction")
        if e:
            j = e["jobs"]
            lines.append(f"| extraction: jobs=1 / jobs={j} | {e['jobs1']['extract_s']:.2f} s | "
                         f"{e[f'jobs{j}']['extract_s']:.2f} s | {_f(e['speedup'])} | extract stage, no cache; "
                         f"with setup (worker start-up): {e['jobs1']['wall_s']:.2f} / {e[f'jobs{j}']['wall_s']:.2f} s "
                         f"= {_f(e['speedup_with_setup'])}; "
                         f"peak RSS {e['jobs1']['rss']['peak_mb']:.0f} / {e[f'jobs{j}']['rss']['peak_mb']:.0f} MB"
                         + (f"; load after: {e['jobs1']['loadavg'][1]:g} / {e[f'jobs{j}']['loadavg'][1]:g}"
                            if e["jobs1"].get("loadavg") and e[f"jobs{j}"].get("loadavg") else "") + " |")
        elif cmp_.get("extraction_skipped"):
            lines.append(f"| extraction: serial / parallel | – | – | – | {cmp_['extraction_skipped']} |")
    lines += ["", "| target | limit | measured | status | notes |", "|---|---|---|---|---|"]
    for r in res["targets"]:
        lines.append(f"| {r['target']} | {r['limit']} | {r['measured']} | {r['status']} | {r['note']} |")
    return "\n".join(lines) + "\n"


def write_markdown(path: Path, res: dict) -> None:
    """Replace this configuration's section of `path` (same articles, jobs and seed), or
    append it."""
    key = f"articles={res['articles']} jobs={res['build']['jobs']} seed={res['seed']}"
    begin, end = f"<!-- bench-run {key} -->", "<!-- /bench-run -->"
    section = f"{begin}\n{markdown(res)}{end}\n"
    text = path.read_text(encoding="utf-8") if path.exists() else (
        f"# Benchmark: {res['articles']:,} articles\n\nWritten by `python -m bench run`; one section per "
        f"configuration, replaced when it is run again.\n\n")
    i = text.find(begin)
    if i != -1:
        j = text.find(end, i)
        j = len(text) if j == -1 else j + len(end) + (1 if text[j + len(end):j + len(end) + 1] == "\n" else 0)
        text = text[:i] + section + text[j:]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- the run

def run(args) -> dict:
    corpus_mod = load_corpus_module()
    jobs = args.jobs or os.cpu_count() or 1
    started = time.perf_counter()
    res: dict = {"articles": args.articles, "seed": args.seed,
                 "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                 "command": "python -m bench " + " ".join(args.argv), "machine": machine()}
    keep = Path(args.keep) if args.keep else None
    tmp = None
    if keep is None:
        tmp = tempfile.TemporaryDirectory(prefix="kg-bench-run-")
        work = Path(tmp.name)
    else:
        work = keep
        if work.exists() and any(work.iterdir()):
            raise SystemExit(f"{work}: not empty; give --keep a new or empty folder")
        work.mkdir(parents=True, exist_ok=True)
    try:
        log(f"generating {args.articles} articles (seed {args.seed})")
        t = time.perf_counter()
        corpus = corpus_mod.generate(args.articles, work / "corpus", seed=args.seed)
        res["corpus"] = {"articles": corpus.articles, "bytes": corpus.bytes,
                         "generate_s": round(time.perf_counter() - t, 2),
                         "folder": str(corpus.folder) if keep else None}
        out = work / "build"
        has_jobs = supports_jobs()
        log(f"build, jobs={jobs if has_jobs else '(not supported)'}")
        b = run_child("build", {"folder": str(corpus.folder), "out": str(out), "jobs": jobs, "cache": False,
                                "html": True})
        res["build"] = b
        ext = b["stages"].get("extract") or float("nan")
        res["throughput"] = {"extract_articles_s": round(b["articles"] / ext, 2),
                             "extract_mb_s": round(corpus.bytes / MB / ext, 4),
                             "build_articles_s": round(b["articles"] / b["wall_s"], 2)}
        log(f"build: {b['wall_s']:.1f} s, {b['triples_asserted']} + {b['triples_inferred']} triples; scoring")
        t = time.perf_counter()
        res["score"] = score_build(corpus_mod, out, Path(corpus.expected))
        res["score_s"] = round(time.perf_counter() - t, 2)
        res["quality"] = category_scores(res["score"])
        if args.compare:
            res["compare"] = {}
            files = [out / "graph.ttl", out / "inferred.ttl"]
            log("queries: rdflib vs pyoxigraph on the built graph")
            res["compare"]["queries"] = compare_queries(files, work, runs=args.query_runs,
                                                        timeout=args.query_timeout, budget=args.query_budget)
            res["compare"]["reasoners"] = compare_reasoners(out / "graph.ttl", args.owlrl_timeout)
        edited = edit_one(corpus.folder)
        log(f"rebuild after editing {edited.name}")
        rb = run_child("build", {"folder": str(corpus.folder), "out": str(out), "jobs": jobs, "cache": True,
                                 "html": True})
        rb["edited"] = edited.name
        res["rebuild"] = rb
        if args.compare:
            if not has_jobs:
                res["compare"]["extraction_skipped"] = "kg.build() has no jobs parameter"
            else:
                pj = jobs if jobs > 1 else max(2, os.cpu_count() or 1)
                res["compare"]["extraction"] = compare_extraction(corpus.folder, work, pj)
        if args.queries_triples:
            log(f"queries at {args.queries_triples} synthetic triples")
            res["queries_at_scale"] = queries_at_scale(args.queries_triples, work, runs=args.query_runs,
                                                       timeout=args.query_timeout, budget=args.query_budget)
        if args.reasoning_triples:
            timeout = args.reasoning_timeout
            runs = {}
            for engine in ("rules", "reasonable"):  # the default engine, and the one it replaced
                log(f"reasoning at {args.reasoning_triples} scaled triples: {engine}")
                r = run_child("reason", {"scaled": args.reasoning_triples, "engine": engine}, timeout=timeout)
                runs[engine] = r if r is not None else {"engine": engine, "finished": False, "timeout_s": timeout,
                                                        "triples": args.reasoning_triples}
            res["reasoning_at_scale"] = runs["rules"]
            res["reasoning_at_scale_reasonable"] = runs["reasonable"]
            if "digest" in runs["rules"] and "digest" in runs["reasonable"]:
                res["reasoning_at_scale"]["same_closure_as_reasonable"] = (runs["rules"]["digest"]
                                                                           == runs["reasonable"]["digest"])
    finally:
        if tmp is not None:
            tmp.cleanup()
    res["kg_changed_during_run"] = kg_source_hash() != res["machine"]["kg_source"]
    res["targets"] = targets(res)
    res["harness_s"] = round(time.perf_counter() - started, 1)
    return res


if __name__ == "__main__":
    child_main(sys.argv[1:])
