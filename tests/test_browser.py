"""The pages in a real browser: Debian's Chromium, headless, driven by Playwright (no
browser is downloaded). The seed graph's page and timeline load with no console error and
no network request, show as many nodes and links as the NetworkX graph has, draw a picture,
show the Kim–Obuchi declaration's provenance on hover and click, filter like
graphexport.narrow, and lay out the same way twice; the hostile corpus runs nothing.

Skipped, with the reason, only where /usr/bin/chromium is not installed."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import sync_playwright
from rdflib import Graph

import kg
from kg import graphexport as gx
from kg import timeline, viz
from kg.cli import cli

from .test_graphexport import DECL, KIM
from .test_viz import HOSTILE_SENTENCE, P1, P2, P3, hostile_graph

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
KIM_OBUCHI = "https://w3id.org/skjkg/id/agreement/kim-obuchi-declaration"

pytestmark = pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK),
                                reason=f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    """The seeds built, then drawn by `kg viz` with the reasoned links and the timeline."""
    out = tmp_path_factory.mktemp("seeds")
    result = kg.build([ROOT / "seeds"], out=out)
    r = CliRunner().invoke(cli, ["viz", str(out / "graph.ttl"), "--inferred", str(out / "inferred.ttl"),
                                 "--out", str(out / "graph.html"), "--timeline", str(out / "timeline.html")])
    assert r.exit_code == 0, r.output
    graph = Graph().parse(out / "graph.ttl")
    inferred = Graph().parse(out / "inferred.ttl")
    return {"out": out, "graph": graph, "inferred": inferred, "result": result,
            "view": viz.prepare(graph, inferred=inferred)}


class Watched:
    """A page with its console errors, uncaught errors, dialogs and requests recorded;
    every request that is not the page file itself is refused."""

    def __init__(self, browser, url: str):
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.page = self.context.new_page()
        self.errors, self.dialogs, self.requests = [], [], []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.context.route("**/*", self._route)
        self.url = url
        self.page.goto(url)
        self.page.wait_for_selector("body[data-kg-ready=true]", state="attached", timeout=60_000)

    def _route(self, route):
        self.requests.append(route.request.url)
        if route.request.url == self.url:
            route.continue_()
        else:
            route.abort()

    def foreign_requests(self) -> list[str]:
        resources = self.page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)")
        return [u for u in self.requests if u != self.url] + resources

    def node_point(self, node_id: str) -> dict:
        """Zoom to a node and return its place in the page's coordinates."""
        return self.page.evaluate("""(id) => {
            const net = kgView.network;
            net.focus(id, {scale: 1.6, animation: false});
            const p = net.canvasToDOM(net.getPositions([id])[id]);
            const box = document.getElementById('kg-network').getBoundingClientRect();
            return {x: box.left + p.x, y: box.top + p.y, at: net.getNodeAt(p) ?? null};
        }""", node_id)

    def close(self):
        self.context.close()


@pytest.fixture(scope="module")
def seed_window(browser, seeds):
    w = Watched(browser, (seeds["out"] / "graph.html").as_uri())
    yield w
    w.close()


@pytest.fixture
def seed_page(seed_window):
    """The seed page, loaded once; each test starts with no filter, selection or search."""
    seed_window.page.click("#kg-reset")
    seed_window.page.fill("#kg-search", "")
    seed_window.page.evaluate("""() => {
        const close = document.querySelector('#kg-details .kg-close');
        if (close) close.click();
        kgView.network.unselectAll();
        kgView.network.fit({animation: false});
    }""")
    seed_window.page.mouse.move(5, 5)  # over the header, away from any node
    return seed_window


def test_seed_page_loads_offline_without_errors(seed_page):
    assert seed_page.errors == []
    assert seed_page.foreign_requests() == []
    assert seed_page.dialogs == []


def test_page_shows_the_networkx_graph(seed_page, seeds):
    G = seeds["view"].graph
    asserted = sum(1 for *_, d in G.edges(data=True) if not d["inferred"])
    counts = seed_page.page.evaluate("""() => ({
        nodes: kgView.nodes.length, edges: kgView.edges.length,
        drawnNodes: kgView.network.body.nodeIndices.length,
        shownEdges: kgView.edges.get({filter: e => !e.hidden}).length,
        ids: kgView.nodes.getIds()})""")
    assert counts["nodes"] == G.number_of_nodes() and counts["edges"] == G.number_of_edges()
    assert counts["drawnNodes"] == G.number_of_nodes()
    assert counts["shownEdges"] == asserted  # reasoned links start hidden
    assert counts["ids"] == list(G.nodes)
    assert G.number_of_nodes() > 100 and asserted > 100
    header = seed_page.page.inner_text("#kg-coverage")
    assert header.startswith("5 articles") and f"{G.number_of_nodes()} nodes" in header
    legend = seed_page.page.inner_text("#kg-legend")
    assert "Agreement" in legend and "Person" in legend


def test_picture_is_not_blank(seed_page, seeds):
    stats = seed_page.page.evaluate("""() => {
        const c = document.querySelector('#kg-network canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let ink = 0; const colours = new Set();
        for (let i = 0; i < d.length; i += 16) {
            if (d[i + 3] > 0 && (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235)) ink++;
            colours.add(d[i] + ',' + d[i + 1] + ',' + d[i + 2]);
        }
        return {ink: ink / (d.length / 16), colours: colours.size};
    }""")
    assert stats["ink"] > 0.01 and stats["colours"] > 20, stats
    shot = seed_page.page.locator("#kg-network").screenshot()
    (seeds["out"] / "graph.png").write_bytes(shot)
    assert len(shot) > 20_000


def expected_sentences(seeds) -> list[str]:
    return [e["text"] for e in seeds["view"].graph.nodes[KIM_OBUCHI]["evidence"]]


def test_hover_and_click_show_the_provenance(seed_page, seeds):
    sentences = expected_sentences(seeds)
    assert any("Kim-Obuchi Joint Declaration in 1998" in s for s in sentences)
    page = seed_page.page
    point = seed_page.node_point(KIM_OBUCHI)
    assert point["at"] == KIM_OBUCHI
    page.mouse.move(point["x"] - 40, point["y"] - 40)
    page.mouse.move(point["x"], point["y"], steps=4)
    page.wait_for_selector("#kg-tooltip:not([hidden])", timeout=5000)
    tip = page.inner_text("#kg-tooltip")
    assert "Agreement" in tip and "1998-10-08" in tip
    assert sentences[0] in tip  # the first supporting sentence, with its article
    assert "Resolving political turmoil swiftly key to revitalizing Korea-Japan relations" in tip
    assert f"and {len(sentences) - 2} more" in tip
    page.mouse.click(point["x"], point["y"])
    page.wait_for_selector("#kg-details:not([hidden])", timeout=5000)
    details = page.inner_text("#kg-details")
    for s in sentences:
        assert s in details
    assert "Kim-Obuchi Declaration" in details and KIM_OBUCHI in details  # aliases, IRI
    assert seed_page.errors == []


def test_search_finds_a_node_by_alias(seed_page):
    page = seed_page.page
    page.fill("#kg-search", "kim-obuchi declaration")
    page.press("#kg-search", "Enter")
    page.wait_for_selector("#kg-details:not([hidden])", timeout=5000)
    assert page.evaluate("() => kgView.network.getSelectedNodes()") == [KIM_OBUCHI]
    assert "Japan–Republic of Korea Joint Declaration" in page.inner_text("#kg-details")
    page.fill("#kg-search", "no such name at all")
    page.press("#kg-search", "Enter")
    assert page.inner_text("#kg-search-status") == "No node is called that."


def visible(page) -> set[str]:
    return set(page.evaluate("() => kgView.nodes.get({filter: n => !n.hidden}).map(n => n.id)"))


def test_filters_match_the_library(seed_page, seeds):
    page = seed_page.page
    G = seeds["view"].graph
    page.fill("#kg-since", "2025")
    page.fill("#kg-until", "2025-06")
    page.dispatch_event("#kg-until", "change")
    assert visible(page) == set(gx.narrow(G, since="2025", until="2025-06"))
    page.click("#kg-reset")
    assert visible(page) == set(G)
    page.uncheck(".kg-class-filter[data-class=Organization]")
    assert visible(page) == {n for n, d in G.nodes(data=True) if d["type"] != "Organization"}
    orgs = {n for n, d in G.nodes(data=True) if d["type"] == "Organization"}
    shown = page.evaluate("() => kgView.edges.get({filter: e => !e.hidden}).length")
    assert shown == sum(1 for u, v, d in G.edges(data=True) if not d["inferred"] and u not in orgs and v not in orgs)
    page.check("#kg-inferred")
    shown = page.evaluate("() => kgView.edges.get({filter: e => !e.hidden && e.kgInferred}).length")
    assert shown == sum(1 for u, v, d in G.edges(data=True) if d["inferred"] and u not in orgs and v not in orgs)
    assert seed_page.errors == []


def test_layout_is_the_same_on_every_load(browser, seeds, seed_page):
    first = seed_page.page.evaluate("() => kgView.network.getPositions()")
    w = Watched(browser, (seeds["out"] / "graph.html").as_uri())
    try:
        assert w.page.evaluate("() => kgView.network.getPositions()") == first
    finally:
        w.close()


def test_timeline_loads_offline(browser, seeds):
    w = Watched(browser, (seeds["out"] / "timeline.html").as_uri())
    try:
        assert w.errors == [] and w.foreign_requests() == [] and w.dialogs == []
        text = w.page.inner_text("#kg-timeline")
        assert "Events per year, by kind" in text and "Agreements" in text
        assert w.page.locator("#kg-timeline .barlayer .point").count() > 5  # bars drawn
        assert w.page.locator("#kg-timeline .scatterlayer .point").count() > 5  # agreements, flare-ups
    finally:
        w.close()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    out = tmp_path_factory.mktemp("hostile")
    g = hostile_graph()
    viz.write_html(g, out / "graph.html", articles=True, title=P3)
    timeline.write_timeline(g, out / "timeline.html", title=P3)
    return out


INJECTED = """() => ({
    images: document.querySelectorAll('img').length,
    handlers: Array.from(document.querySelectorAll('*')).filter(
        e => Array.from(e.attributes).some(a => a.name.startsWith('on'))).length,
    scripts: document.querySelectorAll('script').length,
    svgOnload: document.querySelectorAll('svg[onload]').length,
})"""


def test_hostile_names_show_as_text_and_run_nothing(browser, hostile):
    w = Watched(browser, (hostile / "graph.html").as_uri())
    page = w.page
    try:
        assert page.title() == P3 and page.inner_text("#kg-title") == P3
        before = page.evaluate(INJECTED)
        for node in (str(KIM), str(DECL)):
            point = w.node_point(node)
            page.mouse.move(point["x"], point["y"], steps=3)
            page.wait_for_selector("#kg-tooltip:not([hidden])", timeout=5000)
            page.mouse.click(point["x"], point["y"])
            page.wait_for_selector("#kg-details:not([hidden])", timeout=5000)
        details = page.inner_text("#kg-details")
        sentences = page.evaluate("() => Array.from(document.querySelectorAll('#kg-details .kg-sentence'), e => e.textContent)")
        assert HOSTILE_SENTENCE in sentences  # exactly, <!-- and line separators included
        assert P1 in details and P2 in details and P3 in details  # sentence and article title, literally
        page.fill("#kg-search", P2)
        page.press("#kg-search", "Enter")
        assert P2 in page.inner_text("#kg-details")
        labels = set(page.evaluate("() => kgView.nodes.map(n => n.label)"))
        assert {P1, P2, P3} <= labels  # drawn on the canvas as text
        after = page.evaluate(INJECTED)
        assert after == before and after["images"] == 0 and after["handlers"] == 0 and after["svgOnload"] == 0
        assert after["scripts"] == 6  # four JSON blocks and kg's two scripts
        assert w.dialogs == [] and w.errors == [] and w.foreign_requests() == []
    finally:
        w.close()


def test_hostile_timeline_runs_nothing(browser, hostile):
    w = Watched(browser, (hostile / "timeline.html").as_uri())
    try:
        assert w.page.title() == P3
        text = w.page.inner_text("#kg-timeline")
        assert P2 in text and P3 in text  # the dispute's row and the title, as text
        got = w.page.evaluate(INJECTED)
        assert got["images"] == 0 and got["handlers"] == 0 and got["svgOnload"] == 0
        assert w.dialogs == [] and w.errors == [] and w.foreign_requests() == []
    finally:
        w.close()


def test_notebook_iframe_draws_offline(browser):
    context = browser.new_context()
    page = context.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    try:
        page.set_content(viz.show(hostile_graph(), title=P3).data)
        frame = page.frame_locator("iframe")
        frame.locator("body[data-kg-ready=true]").wait_for(state="attached", timeout=60_000)
        assert frame.locator("#kg-title").inner_text() == P3
        assert [u for u in requests if not u.startswith(("about:", "data:"))] == [] and errors == []
    finally:
        context.close()


def test_large_graph_is_cut_to_the_budget_and_draws_quickly(browser, tmp_path):
    g = synthetic(people=500, events=1600)
    view = viz.write_html(g, tmp_path / "big.html")
    assert view.shrunk and view.nodes == viz.DEFAULT_BUDGET
    w = Watched(browser, (tmp_path / "big.html").as_uri())
    try:
        assert w.page.evaluate("() => kgView.nodes.length") == viz.DEFAULT_BUDGET
        assert "--budget" in w.page.inner_text(".kg-note")
        assert w.page.evaluate("() => kgView.meta.physics") is False  # drawn from the precomputed layout
        assert w.errors == [] and w.foreign_requests() == []
    finally:
        w.close()


def synthetic(people: int, events: int) -> Graph:
    import random

    from rdflib import RDF, RDFS, Literal
    from rdflib.namespace import XSD

    from kg.terms import DATA, KG
    r = random.Random(1)
    g = Graph()
    countries = [DATA[f"country/c{i}"] for i in range(6)]
    for i, c in enumerate(countries):
        g.add((c, RDF.type, KG.Country))
        g.add((c, RDFS.label, Literal(f"Country {i}")))
    persons = [DATA[f"person/p{i}"] for i in range(people)]
    for i, p in enumerate(persons):
        g.add((p, RDF.type, KG.Person))
        g.add((p, RDFS.label, Literal(f"Person {i}")))
        g.add((p, KG.country, r.choice(countries)))
    for i in range(events):
        e = DATA[f"event/e{i}"]
        g.add((e, RDF.type, r.choice([KG.Meeting, KG.Summit, KG.Visit])))
        g.add((e, RDFS.label, Literal(f"Event {i}")))
        g.add((e, KG.date, Literal(f"{r.randint(1965, 2025)}-0{r.randint(1, 9)}-1{r.randint(0, 9)}", datatype=XSD.date)))
        for p in r.sample(persons, 2):
            g.add((e, KG.participant, p))
    return g
