from pathlib import Path

from click.testing import CliRunner
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

import kg
from kg.cli import cli
from kg.terms import KG
from kg.validate import validate

ROOT = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/skjkg/id/"


def broken_graph() -> Graph:
    g = Graph()
    g.parse(ROOT / "ontology" / "kg.ttl")
    art = URIRef(ID + "article/a")
    g.add((art, RDF.type, KG.Article))
    ev = URIRef(ID + "event/bad")
    g.add((ev, RDF.type, KG.Meeting))
    g.add((ev, RDFS.label, Literal("A meeting that ends before it starts")))
    g.add((ev, KG.date, Literal("2025-01-13", datatype=XSD.date)))
    g.add((ev, KG.endDate, Literal("2025-01-10", datatype=XSD.date)))
    g.add((ev, KG.mentionedIn, art))
    empty = URIRef(ID + "event/empty")
    g.add((empty, RDF.type, KG.Visit))
    g.add((empty, RDFS.label, Literal("nothing known")))
    g.add((empty, KG.date, Literal("13 January", datatype=XSD.string)))
    both = URIRef(ID + "person/both")
    g.add((both, RDF.type, KG.Person))
    g.add((both, RDF.type, KG.Summit))
    agreement = URIRef(ID + "agreement/unlabelled")
    g.add((agreement, RDF.type, KG.Agreement))
    return g


def test_seed_graph_conforms(tmp_path):
    result = kg.build([ROOT / "seeds"], out=tmp_path, reasoning=False)
    assert result.validation.conforms, result.validation.text()
    assert (tmp_path / "validation.txt").read_text().startswith("validation: conforms")


def test_broken_graph_reports_each_problem():
    report = validate(broken_graph())
    assert not report.conforms
    text = report.text()
    assert "end date 2025-01-10 is before the date 2025-01-13" in text
    assert "kg:date must be xsd:date, xsd:gYearMonth or xsd:gYear" in text
    assert "typed as kg:Person and as a disjoint class" in text
    assert "an agreement needs a label" in text
    assert "no provenance" in text
    assert 'node: <https://w3id.org/skjkg/id/event/bad> "A meeting that ends before it starts"' in text


def test_validate_command_exit_codes(tmp_path):
    bad = tmp_path / "bad.ttl"
    broken_graph().serialize(bad, format="turtle")
    runner = CliRunner()
    r = runner.invoke(cli, ["validate", str(bad)])
    assert r.exit_code == 1 and "VIOLATION" in r.output
    good = tmp_path / "out"
    kg.build([ROOT / "seeds"], out=good, reasoning=False, validation=False)
    assert runner.invoke(cli, ["validate", str(good / "graph.ttl")]).exit_code == 0
    missing = runner.invoke(cli, ["validate", str(tmp_path / "nope.ttl")])
    assert missing.exit_code == 2 and "nope.ttl" in missing.output
    junk = tmp_path / "junk.ttl"
    junk.write_text("this is not turtle {")
    assert runner.invoke(cli, ["validate", str(junk)]).exit_code == 2


def test_conflicting_dates_between_sources_are_reported_and_kept(tmp_path):
    arts = tmp_path / "arts"
    arts.mkdir()
    (arts / "a.txt").write_text("---\npublished: 2025-01-20\ntitle: A\n---\n"
                                "Cho Tae-yul and Takeshi Iwaya met in Seoul on Jan. 13.\n")
    (arts / "b.txt").write_text("---\npublished: 2025-01-20\ntitle: B\n---\n"
                                "Cho Tae-yul and Takeshi Iwaya met in Seoul on Jan. 14.\n")
    result = kg.build([arts], out=tmp_path / "out", reasoning=False)
    conflicts = result.validation.conflicts
    assert len(conflicts) == 1 and conflicts[0].rule == "event-date"
    assert {s.article for s in conflicts[0].sources} == {"A (a)", "B (b)"}
    meetings = [e for e in result.resolved.events if e.cls == "Meeting"]
    assert sorted(e.date for e in meetings) == ["2025-01-13", "2025-01-14"]


def test_reason_command_writes_only_new_triples(tmp_path):
    out = tmp_path / "b"
    kg.build([ROOT / "seeds"], out=out, reasoning=False, validation=False)
    r = CliRunner().invoke(cli, ["reason", str(out / "graph.ttl"), "--out", str(tmp_path / "inf.ttl")])
    assert r.exit_code == 0, r.output
    inferred = Graph().parse(tmp_path / "inf.ttl")
    asserted = Graph().parse(out / "graph.ttl")
    assert len(inferred) > 0 and not any(t in asserted for t in inferred)


def test_one_person_two_offices_at_one_date_is_a_conflict(tmp_path):
    arts = tmp_path / "arts"
    arts.mkdir()
    (arts / "x.txt").write_text("---\npublished: 2025-01-13\ntitle: X\n---\n"
                                "Japanese Foreign Minister Takeshi Iwaya met Cho Tae-yul in Seoul on Monday.\n")
    (arts / "y.txt").write_text("---\npublished: 2025-01-13\ntitle: Y\n---\n"
                                "Japanese Defense Minister Takeshi Iwaya visited Seoul on Monday.\n")
    result = kg.build([arts], out=tmp_path / "out", reasoning=False)
    (c,) = [f for f in result.validation.conflicts if f.rule == "office"]
    assert "Defense Minister" in c.message and "Foreign Minister" in c.message
    assert {s.article for s in c.sources} == {"X (x)", "Y (y)"}
    # both claims stay in the graph with their sentences
    roles = {str(o) for o in result.graph.objects(None, KG.role)}
    assert {"Foreign Minister", "Defense Minister"} <= roles


def test_past_bare_titles_are_not_conflicts(tmp_path):
    arts = tmp_path / "arts"
    arts.mkdir()
    (arts / "z.txt").write_text("---\npublished: 2022-05-11\ntitle: Z\n---\n"
                                "Japanese Prime Minister Fumio Kishida met a delegation. "
                                "Prime Minister Keizo Obuchi once signed a declaration with Kim Dae-jung.\n")
    result = kg.build([arts], out=tmp_path / "out", reasoning=False)
    assert result.validation.conflicts == []
