"""The benchmark harness (`python -m bench run`) end to end on a tiny corpus, without the
comparisons: every stage timed, a graph, scores, the rebuild, and the Markdown section."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.harness import CATEGORIES, STAGES, category_scores, write_markdown

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bench")
    js, md = tmp / "run.json", tmp / "run.md"
    proc = subprocess.run([sys.executable, "-m", "bench", "run", "--articles", "10", "--jobs", "1", "--no-compare",
                           "--json", str(js), "--md", str(md)], check=False, cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(js.read_text()), md, proc.stdout


def test_every_stage_timed(run):
    res, _, _ = run
    b = res["build"]
    for s in STAGES:
        assert b["stages"].get(s, 0) > 0, (s, b["stages"])
    assert b["wall_s"] >= sum(b["stages"].values()) * 0.99
    assert set(b["html_s"]) == {"graph.html", "timeline.html"} and all(v > 0 for v in b["html_s"].values())
    assert b["rss"]["tree_peak_mb"] > 0 and b["rss"]["peak_mb"] >= b["rss"]["self_peak_mb"] > 0
    assert len(b["loadavg"]) == 2 and res["kg_changed_during_run"] in (True, False)
    assert res["throughput"]["extract_mb_s"] > 0 and res["throughput"]["extract_articles_s"] > 0


def test_graph_and_scores(run):
    res, _, _ = run
    b = res["build"]
    assert b["articles"] == res["corpus"]["articles"] == 10
    assert b["triples_asserted"] > 0 and b["triples_inferred"] > 0
    assert b["cache_misses"] == 10  # built without the cache
    assert set(res["quality"]) == set(CATEGORIES)
    for cat, v in res["quality"].items():
        assert 0 <= v["precision"] <= 1 and 0 <= v["recall"] <= 1, (cat, v)


def test_rebuild_extracts_only_the_changed_article(run):
    res, _, _ = run
    rb = res["rebuild"]
    assert rb["cache_misses"] == 1 and rb["cache_hits"] == 9
    assert rb["wall_s"] > 0 and rb["triples_asserted"] > 0


def test_machine_and_targets(run):
    res, _, _ = run
    m = res["machine"]
    assert m["cpus"] >= 1 and m["python"] and set(m["packages"]) >= {"rdflib", "pyoxigraph", "owlrl"}
    names = " ".join(t["target"] for t in res["targets"])
    for word in ("build", "RSS", "extraction", "rebuild", "query", "OWL RL"):
        assert word in names
    assert all(t["status"] in ("met", "not met", "n/a") for t in res["targets"])


def test_markdown_section_written_and_replaced(run):
    res, md, stdout = run
    text = md.read_text()
    assert "| stage | seconds | notes |" in text
    for s in STAGES:
        assert f"| {s} | " in text
    assert "| persons | " in text and "| target | limit |" in text
    assert str(md) in stdout
    write_markdown(md, res)  # the same configuration again: replaced, not appended
    assert md.read_text().count("<!-- bench-run ") == 1
    other = dict(res, seed=res["seed"] + 1)
    write_markdown(md, other)
    assert md.read_text().count("<!-- bench-run ") == 2


def test_category_scores_spellings():
    nested = {"persons": {"precision": 0.5, "recall": 0.25, "F1": 1 / 3}, "micro": {"precision": 1}}
    flat = {"places_precision": 1.0, "places_recall": 0.5, "places_f1": 0.6667}
    assert category_scores(nested) == {"persons": {"precision": 0.5, "recall": 0.25, "f1": 1 / 3}}
    assert category_scores({"categories": nested})["persons"]["recall"] == 0.25
    assert category_scores(flat) == {"places": {"precision": 1.0, "recall": 0.5, "f1": 0.6667}}
