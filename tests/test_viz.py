"""The HTML view and the timeline, without a browser: offline (everything inlined, a strict
Content-Security-Policy), escaping of hostile text, determinism, the data the page gets,
the node budget note, `kg viz`, and the notebook display. tests/test_browser.py runs the
pages in Chromium."""
from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import tomllib
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner
from markupsafe import escape
from rdflib import Graph

from kg import timeline, viz
from kg.cli import cli
from kg.reason import reason

from .test_graphexport import DECL, DECL_SENTENCE, KIM, tiny_graph

ROOT = Path(__file__).resolve().parent.parent
P1 = "<img src=x onerror=alert(1)>"
P2 = "</script><script>alert(2)</script>"
P3 = '"><svg onload=alert(3)>'
HOSTILE_SENTENCE = f"{P1} met {P2} about {P3} <!-- and\u2028then\u2029more."


def hostile_graph() -> Graph:
    """Names and titles that are markup: a person, an organization, an article title, a
    dispute and a sentence."""
    return tiny_graph({"person": P1, "organization": P2, "title": P3, "dispute": P2, "sentence": HOSTILE_SENTENCE})


def executable_scripts(page: str) -> list[str]:
    return re.findall(r"<script>(.*?)</script>", page, re.S)


def json_block(page: str, block: str):
    m = re.search(rf'<script type="application/json" id="{block}">(.*?)</script>', page, re.S)
    assert m, block
    return json.loads(m.group(1))


@pytest.fixture(scope="module")
def page():
    return viz.render(viz.prepare(tiny_graph()))


def test_everything_is_inlined_and_the_policy_forbids_the_network(page):
    assert not re.search(r"<(script|link|img|iframe|embed|object|source)\b[^>]*\b(src|href|data)\s*=", page, re.I)
    assert "@import" not in page
    assert all(u.startswith(("data:", '"data:', "'data:")) for u in re.findall(r"url\(\s*([^)]*)\)", page))
    csp = html.unescape(re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page).group(1))
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    scripts = executable_scripts(page)
    assert len(scripts) == 2  # vis-network and kg-view.js; everything else is data
    for s in scripts:
        digest = base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert "sourceMappingURL" not in page
    assert "vis-network" in scripts[0][:400]


def test_the_same_graph_gives_the_same_bytes(page, tmp_path):
    assert viz.render(viz.prepare(tiny_graph())) == page
    a = viz.write_html(tiny_graph(), tmp_path / "a.html")
    viz.write_html(tiny_graph(), tmp_path / "b.html")
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()
    assert a.path == tmp_path / "a.html" and a.nodes == 14


def test_page_data_is_the_networkx_graph(page):
    view = viz.prepare(tiny_graph())
    nodes, edges = json_block(page, "kg-nodes"), json_block(page, "kg-edges")
    assert [n["id"] for n in nodes] == list(view.graph.nodes)
    assert len(edges) == view.graph.number_of_edges() and len({e["id"] for e in edges}) == len(edges)
    by_id = {n["id"]: n for n in nodes}
    decl = by_id[str(DECL)]
    assert decl["label"] == view.graph.nodes[str(DECL)]["label"]
    assert decl["shape"] == "star" and decl["kgClass"] == "Agreement"
    assert decl["kgInfo"]["evidence"][0] == {"text": DECL_SENTENCE, "article": "Kim and Obuchi, 25 years on",
                                             "issued": "2023-10"}
    assert decl["kgInfo"]["dates"] == "1998-10-08" and "kim-obuchi declaration" in decl["kgNames"]
    assert decl["value"] == 6  # size by degree: 2 signatories, 2 parties, a dispute, the summit
    assert "title" not in decl  # no vis-network HTML tooltip: kg-view.js builds its own from text
    assert {e["label"] for e in edges} >= {"participant", "signatory", "location", "country"}
    meta = json_block(page, "kg-meta")
    assert [item["key"] for item in meta["legend"]][:2] == ["Person", "Country"]
    assert meta["yearFrom"] == 1998 and meta["yearTo"] == 2025
    assert "2 articles, published 2023-10 to 2025-01-14" in meta["coverage"]
    assert escape(meta["coverage"]) in page  # the title line is on the page without scripts too


def test_hostile_text_is_escaped_everywhere():
    page = viz.render(viz.prepare(hostile_graph(), articles=True), title=P3)
    for p in (P1, P2, P3, "<!--", "\u2028", "\u2029", "alert(1)>", "<svg onload"):
        assert p not in page, p
    assert f"<title>{escape(P3)}</title>" in page and f'<h1 id="kg-title">{escape(P3)}</h1>' in page
    nodes = {n["id"]: n for n in json_block(page, "kg-nodes")}
    assert nodes[str(KIM)]["label"] == P1
    assert any(n["label"] == P2 and n["kgClass"] == "Organization" for n in nodes.values())
    assert any(n["label"] == P3 and n["kgClass"] == "Article" for n in nodes.values())
    ev = nodes[str(DECL)]["kgInfo"]["evidence"][0]
    assert ev == {"text": HOSTILE_SENTENCE, "article": P3, "issued": "2023-10"}
    assert json_block(page, "kg-meta")["title"] == P3
    # every executable script is kg's own (the CSP hashes), none carries graph text
    assert len(executable_scripts(page)) == 2
    assert "innerHTML" not in resources.files("kg").joinpath("templates", "kg-view.js").read_text()


def test_an_empty_graph_gives_a_page_that_says_so():
    page = viz.render(viz.prepare(Graph()))
    assert json_block(page, "kg-nodes") == [] and "0 nodes and 0 links" in json_block(page, "kg-meta")["coverage"]


def test_json_for_script_blocks_escapes_what_could_end_or_confuse_them():
    text = viz.script_json({"a": "</script><!-- x\u2028y\u2029 & é"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text and text.isascii()
    assert json.loads(text) == {"a": "</script><!-- x\u2028y\u2029 & é"}


def test_over_budget_the_page_says_what_was_left_out_and_how_to_see_it():
    view = viz.prepare(tiny_graph(), budget=5, command="kg viz build/graph.ttl")
    assert view.shrunk and view.nodes == 5 and view.selected.number_of_nodes() == 14
    page = viz.render(view)
    assert "kg viz build/graph.ttl --budget 14" in " ".join(json_block(page, "kg-meta")["notes"])
    assert '<p class="kg-note">Showing 5 of 14 nodes' in page
    assert "5 nodes and" in json_block(page, "kg-meta")["coverage"]
    assert not viz.prepare(tiny_graph(), budget=0).shrunk


def test_focus_types_dates_and_query_views():
    focus = viz.prepare(tiny_graph(), focus="Kim-Obuchi Declaration", hops=1)
    assert focus.nodes == 7 and "within 1 link of Japan–Republic of Korea Joint Declaration" in focus.notes[0]
    events = viz.prepare(tiny_graph(), types=["Event"], since="2025")
    assert {d["type"] for _, d in events.graph.nodes(data=True)} == {"Meeting", "Visit"}
    q = """PREFIX kg: <https://w3id.org/skjkg/ontology#>
           CONSTRUCT { ?a kg:signatory ?p } WHERE { ?a kg:signatory ?p }"""
    drawn = viz.prepare(tiny_graph(), query=q, query_source="sig.rq")
    assert drawn.nodes == 3 and "sig.rq" in drawn.notes[0]


def test_reasoned_links_are_hidden_dashed_and_do_not_move_the_picture():
    g = tiny_graph()
    plain = viz.render(viz.prepare(g))
    reasoned = viz.render(viz.prepare(g, inferred=reason(g).inferred))
    assert [(n["x"], n["y"]) for n in json_block(plain, "kg-nodes")] == \
        [(n["x"], n["y"]) for n in json_block(reasoned, "kg-nodes")]
    edges = json_block(reasoned, "kg-edges")
    inferred = [e for e in edges if e["kgInferred"]]
    assert inferred and all(e["hidden"] and e["dashes"] and e["physics"] is False for e in inferred)
    assert not any(e["hidden"] for e in edges if not e["kgInferred"])
    assert json_block(reasoned, "kg-meta")["inferredEdges"] == len(inferred)
    assert 'id="kg-inferred"' in reasoned and 'id="kg-inferred"' not in plain


def test_layout_is_deterministic_and_keeps_tiny_components_on_a_ring():
    view = viz.prepare(tiny_graph())
    pos, ring = viz.layout(view.graph)
    assert pos == viz.layout(viz.prepare(tiny_graph()).graph)[0]
    assert set(pos) == set(view.graph.nodes) and not ring  # all connected here
    big = viz.prepare(tiny_graph(), types=["Person", "Agreement"])
    pos, ring = viz.layout(big.graph)
    assert ring == {n for n in big.graph if big.graph.degree(n) == 0}


def test_viz_command(tmp_path):
    g = tmp_path / "graph.ttl"
    g.write_text(tiny_graph().serialize(format="turtle"))
    q = tmp_path / "meetings.rq"
    q.write_text("PREFIX kg: <https://w3id.org/skjkg/ontology#>\n"
                 "CONSTRUCT { ?e kg:participant ?p } WHERE { ?e a kg:Meeting ; kg:participant ?p }\n")
    runner = CliRunner()
    r = runner.invoke(cli, ["viz", str(g), "--graphml", str(tmp_path / "g.graphml"), "--gexf",
                            str(tmp_path / "g.gexf"), "--timeline", str(tmp_path / "t.html")])
    assert r.exit_code == 0, r.output
    assert f"14 nodes, 23 links -> {tmp_path / 'graph.html'}" in r.output
    for name in ("graph.html", "g.graphml", "g.gexf", "t.html"):
        assert (tmp_path / name).stat().st_size > 1000, name
    r = runner.invoke(cli, ["viz", str(g), "-o", str(tmp_path / "k.html"), "--focus", "Kim Dae-jung", "--hops", "1",
                            "--types", "Person,Event", "--since", "1990", "--budget", "1"])
    assert r.exit_code == 0, r.output
    assert "--focus 'Kim Dae-jung' --hops 1 --since 1990 --types Person,Event --budget 2" in r.output
    r = runner.invoke(cli, ["viz", str(g), "-o", str(tmp_path / "q.html"), "--query", str(q)])
    assert r.exit_code == 0 and "3 nodes, 2 links" in r.output, r.output
    for bad, message in ((["--focus", "Nobody"], "no node is named 'Nobody'"),
                         (["--since", "2025-13"], "not a date"),
                         (["--types", "Treaty"], "unknown class"),
                         (["--query", str(tmp_path / "none.rq")], "cannot read the query")):
        r = runner.invoke(cli, ["viz", str(g), "-o", str(tmp_path / "x.html"), *bad])
        assert r.exit_code == 2 and message in r.output and "Traceback" not in r.output, (bad, r.output)
    r = runner.invoke(cli, ["viz", str(tmp_path / "missing.ttl")])
    assert r.exit_code == 2 and "no such file" in r.output


def test_timeline_renders_offline_escaped_and_deterministic(tmp_path):
    page = timeline.render(hostile_graph(), title=P3)
    assert page == timeline.render(hostile_graph(), title=P3)
    for p in (P1, P2, P3, "<!--", "\u2028"):
        assert p not in page, p
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=", page, re.I)
    assert len(executable_scripts(page)) == 2
    fig = json_block(page, "kg-figure")
    names = [t.get("name") for t in fig["data"]]
    assert {"meeting", "summit", "visit", "Agreement", "Flare-up (event or agreement)"} <= set(names)
    flare = next(t for t in fig["data"] if t.get("name") == "Flare-up (event or agreement)")
    assert flare["y"] == [html.escape(P2, quote=False)]  # the dispute's row, escaped for plotly's text markup
    data = timeline.collect(hostile_graph())
    assert [e.date for e in data.events] == ["1998-10-08", "2025-01", "2025-01-13"]
    path = timeline.write_timeline(tiny_graph(), tmp_path / "t.html")
    assert path.read_text().startswith("<!DOCTYPE html>")
    empty = timeline.render(Graph())
    assert "No dated events" in empty


def test_notebook_display_is_a_self_contained_iframe():
    shown = viz.show(tiny_graph(), height=500)
    markup = shown.data
    assert markup.startswith("<iframe srcdoc=") and 'sandbox="allow-scripts"' in markup
    assert "<script" not in markup  # the page is inside the attribute, escaped
    assert html.unescape(re.search(r'srcdoc="([^"]*)"', markup).group(1)) == viz.render(viz.prepare(tiny_graph()))


def test_templates_and_vendored_scripts_are_package_data():
    files = resources.files("kg").joinpath("templates")
    for name in ("graph.html.j2", "timeline.html.j2", "kg-view.js", "kg-view.css", "kg-timeline.js",
                 "vendor/vis-network-9.1.2/vis-network.min.js", "vendor/vis-network-9.1.2/vis-network.css"):
        assert files.joinpath(*name.split("/")).is_file(), name
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["kg"]
    assert {"templates/*.j2", "templates/*.js", "templates/*.css", "templates/vendor/vis-network-9.1.2/*"} <= set(data)
