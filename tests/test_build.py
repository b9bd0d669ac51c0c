"""The whole build under real-world conditions: bad and duplicate files, very large inputs,
progress, exit codes, builds killed at any moment, two builds at once, byte-identical
output, and incremental rebuilds that equal clean ones."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import logging

import pytest
from click.testing import CliRunner
from rdflib import RDF, Graph

import kg
from kg import cache as kcache
from kg.articles import read_article
from kg.build import PART_CHARS, WHOLE_LIMIT, Progress, split_body
from kg.cli import ProgressLine, cli
from kg.errors import BusyError, InputError
from kg.lock import output_lock
from kg.terms import KG

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
DEV = sorted((ROOT / "tests" / "dev" / "articles").glob("*.txt"))
OUTPUTS = ("graph.ttl", "inferred.ttl", "validation.txt")


def kg_cmd(*args, env=None, timeout=600):
    return subprocess.run([sys.executable, "-m", "kg", *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=timeout)


def no_traceback(text: str) -> None:
    assert "Traceback" not in text, text


# ---------------------------------------------------------------------------- bad input, summary, exit codes

@pytest.fixture
def mixed(tmp_path):
    arts = tmp_path / "arts"
    arts.mkdir()
    shutil.copy(SEEDS[4], arts / "good.txt")
    (arts / "empty.txt").write_bytes(b"")
    (arts / "blank.md").write_text("   \n\n\t\n")
    (arts / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    (arts / "scan.txt").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)))
    (arts / "short-sjis.txt").write_bytes("岩屋外相\n".encode("shift_jis"))
    return arts


def test_skipped_files_are_summarised_and_set_the_exit_code(tmp_path, mixed):
    result = CliRunner().invoke(cli, ["build", str(mixed), "--out", str(tmp_path / "b"), "--no-validate"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "1 article(s)" in out and "skipped 5 file(s):" in out
    for name, why in (("empty.txt", "the file is empty"), ("blank.md", "only whitespace"),
                      ("photo.txt", "a PNG image, not text"), ("scan.txt", "a PDF document, not text"),
                      ("short-sjis.txt", "cannot be detected reliably")):
        line = next(line for line in out.splitlines() if name in line)
        assert why in line, line
    no_traceback(out)
    strict = CliRunner().invoke(cli, ["build", str(mixed), "--out", str(tmp_path / "c"), "--strict", "--no-validate"])
    assert strict.exit_code == 1
    clean = CliRunner().invoke(cli, ["build", str(mixed / "good.txt"), "--out", str(tmp_path / "d"), "--strict",
                                     "--no-validate"])
    assert clean.exit_code == 0 and "skipped " not in clean.output


@pytest.mark.parametrize("args,message", [
    (["{tmp}/nope"], "nope: no such file or folder"),
    (["{arts}", "--encoding", "klingon"], "unknown encoding 'klingon'"),
    (["{arts}", "--format", "rdfxml"], "Invalid value for '--format'"),
    (["{arts}", "--out", "{arts}/good.txt"], "good.txt"),
    (["{tmp}/empty-dir"], "no article files"),
    (["{arts}/empty.txt", "{arts}/photo.txt"], "no article could be read"),
    (["{arts}", "--out", "."], "not the current folder"),
])
def test_usage_and_input_errors_exit_2_with_one_line(tmp_path, mixed, monkeypatch, args, message):
    (tmp_path / "empty-dir").mkdir()
    monkeypatch.chdir(tmp_path)
    argv = ["build"] + [a.format(tmp=tmp_path, arts=mixed) for a in args]
    if "--out" not in argv:
        argv += ["--out", str(tmp_path / "out")]
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 2, result.output
    assert message in result.output
    no_traceback(result.output)
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_malformed_front_matter_is_shown_in_the_summary(tmp_path):
    arts = tmp_path / "arts"
    arts.mkdir()
    (arts / "fm.txt").write_text("---\ntitle: [unclosed\npublished: 2025-13-45\ncolour: red\n---\n"
                                 "Cho Tae-yul met Takeshi Iwaya in Seoul.\n")
    result = CliRunner().invoke(cli, ["build", str(arts), "--out", str(tmp_path / "b"), "--no-validate",
                                      "--no-reason"])
    assert result.exit_code == 0
    out = result.output
    assert re.search(r"fm\.txt: front matter field 'title' is not valid YAML", out)
    assert re.search(r"fm\.txt: front matter field 'published': '2025-13-45' is not a real date", out)
    assert re.search(r"fm\.txt: unknown front matter field\(s\) ignored: colour", out)


# ---------------------------------------------------------------------------- duplicates

def test_the_same_article_twice_is_one_node_and_noted(tmp_path):
    arts = tmp_path / "arts"
    arts.mkdir()
    shutil.copy(SEEDS[4], arts / "a-first.txt")
    shutil.copy(SEEDS[4], arts / "b-copy.txt")
    once = kg.build([arts / "a-first.txt"], out=tmp_path / "once", reasoning=False, validation=False)
    twice = kg.build([arts], out=tmp_path / "twice", reasoning=False, validation=False)
    assert twice.articles == 1 and len(twice.duplicates) == 1
    assert "b-copy.txt: same content as" in twice.duplicates[0] and "a-first.txt" in twice.duplicates[0]
    assert (tmp_path / "once" / "graph.ttl").read_bytes() == (tmp_path / "twice" / "graph.ttl").read_bytes()
    g = Graph().parse(tmp_path / "twice" / "graph.ttl")
    assert len(set(g.subjects(RDF.type, KG.Article))) == 1
    assert twice.counts == once.counts
    result = CliRunner().invoke(cli, ["build", str(arts), "--out", str(tmp_path / "cli"), "--no-validate",
                                      "--no-reason"])
    assert "duplicates: 1 file(s) with the same content as another, read once" in result.output


# ---------------------------------------------------------------------------- progress and scale

def test_progress_reaches_every_file_and_stage(tmp_path):
    seen: list[Progress] = []
    kg.build(SEEDS[:2], out=tmp_path / "b", on_progress=seen.append)
    files = [p for p in seen if p.stage == "extract" and p.path]
    assert [p.done for p in files] == [0, 1] and all(p.total == 2 for p in files)
    stages = [p.stage for p in seen if p.stage != "extract"]
    assert stages == ["resolve", "map", "reason", "validate", "write"]


def test_a_long_body_is_extracted_in_parts_with_progress_and_offsets_into_the_whole(tmp_path):
    body = SEEDS[4].read_text(encoding="utf-8").split("---\n", 2)[2]
    fm = "---\npublished: '2025-01-13'\n---\n"
    big = fm + (body + "\n") * (2 * WHOLE_LIMIT // len(body) + 1)
    f = tmp_path / "long.txt"
    f.write_text(big, encoding="utf-8")
    seen: list[Progress] = []
    result = kg.build([f], out=tmp_path / "b", on_progress=seen.append, reasoning=False, validation=False)
    parts = [p for p in seen if p.parts]
    assert parts and parts[-1].part == parts[-1].parts >= 4
    body_read = big[len(fm):]
    for (art, _i), s in result.resolved.sentences.items():
        assert " ".join(body_read[s.start:s.end].split()) == " ".join(s.text.split())
    indexes = sorted(i for (_a, i) in result.resolved.sentences)
    assert len(indexes) == len(set(indexes))


def test_split_body_cuts_at_paragraphs_and_covers_everything():
    text = ("word " * 30 + "\n\n") * 2000
    parts = split_body(text)
    assert parts[0][0] == 0 and parts[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(parts, parts[1:]))
    assert all(e - s <= PART_CHARS for s, e in parts)
    assert all(text[e - 2:e] == "\n\n" for _s, e in parts[:-1])
    assert split_body("x" * (PART_CHARS * 2 + 5)) == [(0, PART_CHARS), (PART_CHARS, 2 * PART_CHARS),
                                                      (2 * PART_CHARS, 2 * PART_CHARS + 5)]


def test_progress_line_on_a_terminal(tmp_path):
    import io
    stream = io.StringIO()
    line = ProgressLine(enabled=True, stream=stream)
    line(Progress("extract", 0, 3, "a/very/long/path/article.txt", part=2, parts=7))
    line(Progress("reason"))
    line.clear()
    text = stream.getvalue()
    assert "reading 1/3 (part 2/7): a/very/long/path/article.txt" in text and "reasoning..." in text
    assert text.endswith("\r")


def _peak_rss_mb_of(args, env=None, timeout=900):
    """Run `kg ARGS` in a child and return (completed process, the child's peak RSS in MB)."""
    code = ("import resource, subprocess, sys; "
            "p = subprocess.run([sys.executable, '-m', 'kg', *sys.argv[1:]], capture_output=True, text=True); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024); "
            "sys.stderr.write(p.stderr); sys.stdout.write(p.stdout); sys.exit(p.returncode)")
    proc = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=timeout)
    return proc, int(proc.stdout.splitlines()[0])


def test_a_100_mb_file_is_read_in_bounded_memory(tmp_path):
    sys.path.insert(0, str(ROOT))
    from bench.bigfile import write_big
    big = tmp_path / "annex.txt"
    size = write_big(big, 100, "data")
    assert size >= 100_000_000
    proc, peak = _peak_rss_mb_of(["build", big, "--out", tmp_path / "b", "--no-reason", "--no-validate"])
    assert proc.returncode == 0, proc.stderr
    no_traceback(proc.stderr)
    assert "1 article(s)" in proc.stdout
    g = Graph().parse(tmp_path / "b" / "graph.ttl")
    assert len(list(g.subjects(RDF.type, KG.Meeting))) >= 1  # the report's text around the tables was read
    # the text itself (100 MB as one str) plus a bounded working set, not a multiple of the file
    assert peak < 900, f"peak RSS {peak} MB"


def test_a_folder_of_10000_small_files(tmp_path):
    arts = tmp_path / "notes"
    arts.mkdir()
    places = ["Seoul", "Tokyo", "Busan", "Osaka", "Hiroshima", "Incheon"]
    for i in range(10_000):
        (arts / f"note{i:05d}.txt").write_text(
            f"---\npublished: 2024-03-{1 + i % 28:02d}\ntitle: Note {i}\n---\n"
            f"Officials from {places[i % 6]} and {places[(i // 6) % 6]} met in {places[(i // 36) % 6]} "
            f"on note {i}.\n")
    proc, peak = _peak_rss_mb_of(["build", arts, "--out", tmp_path / "b", "--no-reason", "--no-validate"],
                                 timeout=1500)
    assert proc.returncode == 0, proc.stderr
    assert "10000 article(s)" in proc.stdout
    assert peak < 2500, f"peak RSS {peak} MB"
    assert len(list((tmp_path / "b" / ".cache" / "extract").iterdir())) == 10_000


# ---------------------------------------------------------------------------- never a partial output

def _corpus(folder: Path, copies: int, files=SEEDS + DEV) -> Path:
    folder.mkdir(parents=True)
    for n in range(copies):
        for f in files:
            text = f.read_text(encoding="utf-8")
            (folder / f"c{n:02d}-{f.name}").write_text(text + f"\nCopy {n}.\n", encoding="utf-8")
    return folder


def _snapshot(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUTS if (out / name).exists()}


def test_a_build_killed_at_any_moment_leaves_the_previous_build_intact(tmp_path):
    old_src = _corpus(tmp_path / "old", 1, SEEDS)
    new_src = _corpus(tmp_path / "new", 1)
    out = tmp_path / "build"
    assert kg_cmd("build", old_src, "--out", out, "-q", "--no-cache").returncode == 0
    before = _snapshot(out)
    assert set(before) == set(OUTPUTS)
    # the complete new build, for comparison, and how long one takes
    start = time.monotonic()
    assert kg_cmd("build", new_src, "--out", tmp_path / "reference", "-q", "--no-cache").returncode == 0
    full = time.monotonic() - start
    after = _snapshot(tmp_path / "reference")
    assert after != before
    outcomes = []
    for fraction in (0.3, 0.6, 0.85, 0.97):
        proc = subprocess.Popen([sys.executable, "-m", "kg", "build", str(new_src), "--out", str(out), "-q",
                                 "--no-cache"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(full * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = _snapshot(out)
        assert now in (before, after), f"killed at {fraction:.0%}: a mix of two builds or a partial file"
        Graph().parse(out / "graph.ttl")  # readable
        outcomes.append(now == after)
        if now == after:  # it finished: start again from the old build
            assert kg_cmd("build", old_src, "--out", out, "-q").returncode == 0
            assert _snapshot(out) == before
    assert not all(outcomes)  # at least one kill landed mid-build
    # the next build after a kill cleans up and succeeds
    assert kg_cmd("build", new_src, "--out", out, "-q").returncode == 0
    assert _snapshot(out) == after
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".build.") and not p.name.endswith(".lock")]


def test_two_builds_into_one_folder_do_not_interleave(tmp_path):
    out = tmp_path / "build"
    with output_lock(out):
        result = CliRunner().invoke(cli, ["build", str(SEEDS[4]), "--out", str(out)])
        assert result.exit_code == 2
        assert f"another kg build is writing {out}" in result.output
        no_traceback(result.output)
        with pytest.raises(BusyError):
            kg.build([SEEDS[4]], out=out)
    assert not out.exists()
    # the lock is free again, in this process and in others
    assert kg_cmd("build", SEEDS[4], "--out", out, "-q", "--no-reason", "--no-validate").returncode == 0


def test_two_real_processes_at_once(tmp_path):
    out = tmp_path / "build"
    procs = [subprocess.Popen([sys.executable, "-m", "kg", "build", *map(str, SEEDS), "--out", str(out), "-q"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=600), p.stderr.read()) for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes in ([0, 0], [0, 2]), results  # one waits its turn, or is told another build is writing
    for code, err in results:
        if code == 2:
            assert "another kg build is writing" in err
    Graph().parse(out / "graph.ttl")


def test_files_kg_does_not_make_are_kept_and_stale_outputs_dropped(tmp_path):
    out = tmp_path / "build"
    kg.build([SEEDS[4]], out=out, formats=["nt"], union=True, validation=False)
    (out / "notes.md").write_text("mine")
    (out / "store").mkdir()
    (out / "store" / "data.bin").write_bytes(b"\x00\x01")
    assert (out / "graph.nt").exists() and (out / "union.ttl").exists()
    kg.build([SEEDS[4]], out=out, reasoning=False, validation=False)
    assert (out / "notes.md").read_text() == "mine" and (out / "store" / "data.bin").read_bytes() == b"\x00\x01"
    for stale in ("graph.nt", "union.ttl", "inferred.ttl"):
        assert not (out / stale).exists(), stale
    assert (out / "graph.ttl").exists()


def test_a_failed_build_changes_nothing(tmp_path):
    out = tmp_path / "build"
    kg.build([SEEDS[4]], out=out, reasoning=False, validation=False)
    before = sorted(p.name for p in out.iterdir())
    data = (out / "graph.ttl").read_bytes()
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    with pytest.raises(InputError):
        kg.build([bad], out=out)
    assert sorted(p.name for p in out.iterdir()) == before and (out / "graph.ttl").read_bytes() == data


# ---------------------------------------------------------------------------- deterministic

def test_every_output_is_byte_identical_across_hash_seeds_and_file_order(tmp_path):
    files = SEEDS + DEV[:4]
    runs = []
    for seed, order in (("1", files), ("4242", list(reversed(files)))):
        out = tmp_path / f"out{seed}"
        proc = kg_cmd("build", *order, "--out", out, "-q", "--format", "nt", "--format", "trig",
                      "--format", "jsonld", "--html", env={"PYTHONHASHSEED": seed})
        assert proc.returncode == 0, proc.stderr
        runs.append(out)
    names = ("graph.ttl", "inferred.ttl", "validation.txt", "graph.nt", "graph.trig", "graph.jsonld", "graph.html")
    for name in names:
        assert (runs[0] / name).read_bytes() == (runs[1] / name).read_bytes(), name


# ---------------------------------------------------------------------------- incremental

def test_rebuilding_after_one_change_extracts_only_that_article_and_equals_a_clean_build(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for f in SEEDS + DEV:
        shutil.copy(f, src / f.name)
    n = len(SEEDS) + len(DEV)
    out = tmp_path / "build"
    first = kg.build([src], out=out)
    assert (first.cache_hits, first.cache_misses) == (0, n)
    again = kg.build([src], out=out)
    assert (again.cache_hits, again.cache_misses) == (n, 0)
    assert (out / "graph.ttl").read_bytes() == _snapshot(out)["graph.ttl"]
    changed = src / DEV[3].name
    changed.write_text(changed.read_text(encoding="utf-8").replace("\n\n", "\n\nPresident Yoon Suk Yeol met "
                                                                   "Prime Minister Fumio Kishida in Tokyo on "
                                                                   "March 16, 2023.\n\n", 1), encoding="utf-8")
    incremental = kg.build([src], out=out)
    assert (incremental.cache_hits, incremental.cache_misses) == (n - 1, 1)
    clean = kg.build([src], out=tmp_path / "clean", cache=False)
    assert clean.cache_misses == n
    assert _snapshot(out) == _snapshot(tmp_path / "clean")
    # the cache holds this build's entries only
    assert len(list((out / ".cache" / "extract").iterdir())) == n


def test_cache_entries_decode_to_equal_extractions(kb):
    from kg.articles import read_article
    from kg.extract import extract
    for f in SEEDS[:2] + DEV[:2]:
        x = extract(read_article(f), kb=kb)
        assert kcache.loads(json.dumps(kcache.encode(x), ensure_ascii=False)) == x


def test_a_change_under_ontology_invalidates_the_cache(tmp_path, monkeypatch):
    before = kcache.environment()
    data = tmp_path / "ontology"
    shutil.copytree(ROOT / "ontology", data)
    monkeypatch.setenv("KG_DATA_DIR", str(data))
    assert kcache.environment() == before  # the same files: the same key
    with open(data / "patterns" / "events.yaml", "a", encoding="utf-8") as fh:
        fh.write("\n# a change\n")
    assert kcache.environment() != before


def test_a_damaged_cache_entry_is_extracted_again(tmp_path):
    out = tmp_path / "build"
    kg.build([SEEDS[4]], out=out, reasoning=False, validation=False)
    entry = next((out / ".cache" / "extract").iterdir())
    entry.write_text("{not json")
    again = kg.build([SEEDS[4]], out=out, reasoning=False, validation=False)
    assert (again.cache_hits, again.cache_misses) == (0, 1)


def test_no_cache_extracts_everything(tmp_path):
    out = tmp_path / "build"
    kg.build([SEEDS[4]], out=out, reasoning=False, validation=False)
    result = CliRunner().invoke(cli, ["build", str(SEEDS[4]), "--out", str(out), "--no-cache", "--no-reason",
                                      "--no-validate"])
    assert result.exit_code == 0 and "unchanged" not in result.output
    result = CliRunner().invoke(cli, ["build", str(SEEDS[4]), "--out", str(out), "--no-reason", "--no-validate"])
    assert "0 article(s) extracted, 1 unchanged" in result.output


# ---------------------------------------------------------------------------- names and pages

def test_a_file_name_that_is_not_utf8_is_shown_not_fatal(tmp_path):
    arts = tmp_path / "arts"
    arts.mkdir()
    name = os.fsdecode(b"caf\xe9-report.txt")
    shutil.copy(SEEDS[4], arts / name)
    (arts / os.fsdecode(b"bad\xff.txt")).write_bytes(b"")
    result = CliRunner().invoke(cli, ["build", str(arts), "--out", str(tmp_path / "b"), "--no-validate"])
    assert result.exit_code == 0, result.output
    no_traceback(result.output)
    assert "bad\\xff.txt: the file is empty" in result.output
    g = Graph().parse(tmp_path / "b" / "graph.ttl")
    assert any(str(o).endswith("caf\\xe9-report.txt") for o in g.objects(None, KG.sourceFile))


def test_a_saved_page_builds_with_its_source_file(tmp_path):
    from tests.test_articles import PAGE
    arts = tmp_path / "arts"
    arts.mkdir()
    (arts / "herald.html").write_text(PAGE, encoding="utf-8")
    result = kg.build([arts], out=tmp_path / "b", reasoning=False, validation=False)
    assert result.articles == 1 and not result.skipped
    g = Graph().parse(tmp_path / "b" / "graph.ttl")
    art = next(g.subjects(RDF.type, KG.Article))
    assert str(g.value(art, KG.sourceFile)) == str(arts / "herald.html")
    assert len(list(g.subjects(RDF.type, KG.Meeting))) >= 1
    # offsets index the page's text as read (a build keeps no bodies in memory)
    assert result.resolved.articles[0].body == ""
    body = read_article(arts / "herald.html").body
    for s in g.subjects(RDF.type, KG.Sentence):
        start, end = int(g.value(s, KG.startOffset)), int(g.value(s, KG.endOffset))
        assert " ".join(body[start:end].split()) == " ".join(str(g.value(s, KG.text)).split())


def _copies(folder: Path, n: int) -> None:
    folder.mkdir()
    sources = sorted(Path("seeds").glob("*.txt")) + sorted(Path("tests/dev/articles").glob("*.txt"))
    for i in range(n):
        text = sources[i % len(sources)].read_text(encoding="utf-8")
        (folder / f"{i:03d}.txt").write_text(text + f"\nCopy {i}.\n", encoding="utf-8")


def test_parallel_extraction_gives_the_same_files(tmp_path):
    arts = tmp_path / "arts"
    _copies(arts, 12)
    (arts / "dup.txt").write_text((arts / "000.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (arts / "empty.txt").write_text("", encoding="utf-8")
    serial = kg.build([arts], out=tmp_path / "one", reasoning=False, validation=False, jobs=1)
    seen = []
    two = kg.build([arts], out=tmp_path / "two", reasoning=False, validation=False, jobs=2,
                   on_progress=lambda p: seen.append(p))
    for name in ("graph.ttl",):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    assert (serial.articles, serial.skipped, serial.duplicates) == (two.articles, two.skipped, two.duplicates)
    assert two.articles == 12 and len(two.skipped) == 1 and len(two.duplicates) == 1
    assert two.cache_misses == serial.cache_misses == 13 and two.cache_hits == 0
    done = [p.done for p in seen if p.stage == "extract"]
    assert done == sorted(done) and done[-1] == 14
    # the cache written by workers serves the next build
    again = kg.build([arts], out=tmp_path / "two", reasoning=False, validation=False, jobs=2)
    assert again.cache_hits == 13 and again.cache_misses == 0
    assert (tmp_path / "one" / "graph.ttl").read_bytes() == (tmp_path / "two" / "graph.ttl").read_bytes()


def test_worker_log_records_reach_the_building_process(tmp_path, caplog):
    arts = tmp_path / "arts"
    _copies(arts, 9)
    kg.build([arts], out=tmp_path / "b", reasoning=False, validation=False, jobs=2)
    entry = sorted((tmp_path / "b" / ".cache" / "extract").glob("*.json"))[0]
    entry.write_text("{not json", encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="kg"):
        again = kg.build([arts], out=tmp_path / "b", reasoning=False, validation=False, jobs=2)
    assert again.cache_misses == 1
    # logged in a worker, handled here as kg.cache's own record
    assert [r.name for r in caplog.records if "unreadable" in r.getMessage()] == ["kg.cache"]


def test_shards_extracted_apart_merge_through_the_cache(tmp_path):
    """README "Scale": shards extracted on other machines, cache entries gathered, one build."""
    import shutil
    shards = [tmp_path / "shard-1", tmp_path / "shard-2"]
    _copies(shards[0], 3)
    shards[1].mkdir()
    for f in sorted(Path("tests/dev/articles").glob("*.txt"))[:3]:
        shutil.copy(f, shards[1] / f.name)
    gathered = tmp_path / "big" / ".cache" / "extract"
    gathered.mkdir(parents=True)
    for i, shard in enumerate(shards):
        kg.build([shard], out=tmp_path / f"work-{i}", reasoning=False, validation=False)
        for entry in (tmp_path / f"work-{i}" / ".cache" / "extract").glob("*.json"):
            shutil.copy(entry, gathered / entry.name)
    merged = kg.build(shards, out=tmp_path / "big", validation=False)
    assert merged.cache_hits == 6 and merged.cache_misses == 0
    single = kg.build(shards, out=tmp_path / "single", validation=False, cache=False)
    assert single.cache_misses == 6 and single.articles == merged.articles == 6
    for name in ("graph.ttl", "inferred.ttl"):
        assert (tmp_path / "big" / name).read_bytes() == (tmp_path / "single" / name).read_bytes()


def test_the_derived_outputs_written_by_a_second_process_are_the_same(tmp_path):
    """With jobs > 1, inferred.ttl, summary.ttl, graph.html and timeline.html are written by
    a forked process while the building one validates: the same files as one process writes."""
    one = kg.build(["seeds"], out=tmp_path / "one", html=True, jobs=1)
    two = kg.build(["seeds"], out=tmp_path / "two", html=True, jobs=2)
    assert [p.name for p in one.outputs] == [p.name for p in two.outputs]
    assert {"inferred.ttl", "summary.ttl", "graph.html", "timeline.html"} <= {p.name for p in two.outputs}
    for p in one.outputs:
        assert p.read_bytes() == (tmp_path / "two" / p.name).read_bytes(), p.name


def _broken_html(*args, **kwargs):
    raise OSError(28, "No space left on device")


def _killed_html(*args, **kwargs):
    os._exit(9)


@pytest.mark.parametrize("fault, message", [(_broken_html, "cannot write it: No space left"),
                                            (_killed_html, "died")])
def test_a_failing_second_process_is_a_clear_error_and_nothing_is_written(tmp_path, monkeypatch, fault, message):
    from kg.errors import KgError
    kg.build(["seeds"], out=tmp_path / "b", html=True, jobs=1)
    before = {p.name: p.read_bytes() for p in (tmp_path / "b").iterdir() if p.is_file()}
    from kg import viz
    monkeypatch.setattr(viz, "write_html", fault)
    with pytest.raises(KgError, match=message):
        kg.build(["seeds"], out=tmp_path / "b", html=True, jobs=2)
    assert {p.name: p.read_bytes() for p in (tmp_path / "b").iterdir() if p.is_file()} == before


def _die(path):  # a worker that dies as one killed by the OOM killer would
    os._exit(9)


def test_a_worker_that_dies_is_a_clear_error_and_nothing_is_written(tmp_path, monkeypatch):
    from kg.errors import OutputError
    kb = sys.modules["kg.build"]  # (kg.build is also the function)
    arts = tmp_path / "arts"
    _copies(arts, 9)
    kg.build([arts], out=tmp_path / "b", reasoning=False, validation=False, jobs=1)
    before = (tmp_path / "b" / "graph.ttl").read_bytes()
    monkeypatch.setattr(kb, "_worker_one", _die)
    with pytest.raises(OutputError, match="worker process died"):
        kg.build([arts], out=tmp_path / "b", reasoning=False, validation=False, jobs=2, cache=False)
    assert (tmp_path / "b" / "graph.ttl").read_bytes() == before


def _processes_with(marker: str) -> list[int]:
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if marker in (d / "cmdline").read_bytes().decode("utf-8", "replace"):
                    pids.append(int(d.name))
            except OSError:
                pass
    return pids


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_killed_build_leaves_no_workers_behind(tmp_path):
    arts = tmp_path / "arts"
    _copies(arts, 40)
    out = tmp_path / "killed-build-out"
    proc = subprocess.Popen([sys.executable, "-m", "kg", "build", str(arts), "--out", str(out), "-j", "2",
                             "--no-cache", "-q"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(_processes_with(str(out))) < 3 and time.monotonic() < deadline:  # the build and 2 workers
        time.sleep(0.05)
    assert len(_processes_with(str(out))) >= 3, "the workers did not start"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while _processes_with(str(out)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_with(str(out)) == []
    # and the folder is not left locked
    assert kg_cmd("build", arts, "--out", out, "-q", "-j", "2").returncode == 0
