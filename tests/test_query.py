"""The query library: packaged queries and their answers on the seed graph, parameters
(labels, typed dates, injection attempts), output formats, errors and `kg query`."""
from __future__ import annotations

import csv
import io
import json
import logging
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.sparql import prepareQuery

import kg
from kg import query as Q
from kg.cli import cli
from kg.errors import InputError, QueryError

ROOT = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/skjkg/id/"
ASAN = "002-eec6c0e31870f826"
# tests/golden/gold/002.yaml: the disputes the 2022 Asan brief names (required, optional),
# as the graph's dispute slugs
ASAN_DISPUTES = {"forced-labor", "comfort-women", "export-controls-2019", "gsomia-dispute",
                 "fukushima-treated-water", "sado-mine-listing"}
ASAN_OPTIONAL = {"historical-issues"}


def reasoned_files(out: Path) -> list[Path]:
    """graph.ttl and inferred.ttl, and summary.ttl when the build wrote it; the closure is
    computed here with owlrl when the build did not write it."""
    inferred = out / "inferred.ttl"
    if not inferred.exists():
        import owlrl
        g = Graph().parse(out / "graph.ttl")
        base = set(g)
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g)
        inf = Graph()
        for t in set(g) - base:
            if not isinstance(t[0], Literal):
                inf.add(t)
        inf.serialize(inferred, format="turtle")
    summary = out / "summary.ttl"
    return [out / "graph.ttl", inferred] + ([summary] if summary.exists() else [])


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    out = tmp_path_factory.mktemp("seed")
    kg.build([ROOT / "seeds"], out=out)
    files = reasoned_files(out)
    return {"out": out, "files": files,
            "reasoned": Q.GraphSource(Q.load_graph(files), files),
            "raw": Q.GraphSource(Q.load_graph(files[:1]), files[:1])}


def run(seed, name, which="reasoned", **params):
    return Q.run(name, params, source=seed[which])


def example_params(spec: Q.QuerySpec) -> dict[str, str]:
    args = shlex.split(spec.example)
    assert args[:3] == ["kg", "query", spec.name], spec.example
    rest = args[3:]
    assert all(a in ("--param", "-p") for a in rest[0::2]), spec.example
    return Q.parse_param_args(rest[1::2])


# --------------------------------------------------------------------------- the packaged queries

SPECS = Q.list_queries()
NAMES = [s.name for s in SPECS]


def test_library_covers_the_issue():
    assert len(SPECS) >= 12
    for needed in ("timeline", "who-met-whom", "last-meeting-before", "agreements", "disputes",
                   "actor-profile", "sources", "events-in-range", "actors-by-country",
                   "dispute-articles", "most-connected", "meetings-of-actor"):
        assert needed in NAMES
    assert any(s.requires == "reasoning" for s in SPECS)


@pytest.mark.parametrize("name", NAMES)
def test_header_and_syntax(name):
    spec = Q.load_query(name)
    assert spec.title and len(spec.answers) > 40 and spec.example
    assert spec.text.lstrip().startswith("# title:")
    params = example_params(spec)
    assert set(params) <= {p.name for p in spec.params}
    assert {p.name for p in spec.params if not p.optional} <= set(params)
    variables = Q.query_variables(spec.text)
    assert all(p.name in variables for p in spec.params if not (spec.page and p.name in Q.PAGE_PARAMS))
    prepareQuery(spec.text)                       # rdflib's parser
    import pyoxigraph
    pyoxigraph.Store().query(spec.text)           # Oxigraph's parser (empty store)


@pytest.mark.parametrize("name", NAMES)
def test_example_answers_on_the_reasoned_graph(seed, name):
    spec = Q.load_query(name)
    result = Q.run(spec, example_params(spec), source=seed["reasoned"])
    assert len(result) >= 1, name
    assert len(set(result.rows)) == len(result.rows), f"{name} repeats rows"


def test_timeline(seed):
    rows = run(seed, "timeline").dicts()
    dated = [r["date"] for r in rows if r["date"]]
    assert dated == sorted(dated)
    assert all(r["kind"] in ("meeting", "summit") for r in rows)
    cho = [r for r in rows if r["date"] == "2025-01-13" and "Cho Tae-yul" in r["participants"]]
    assert len(cho) == 1
    assert "Takeshi Iwaya" in cho[0]["participants"] and cho[0]["place"] == "Seoul"
    # the Lee-Ishiba summit is Korea-Japan through its participants' countries
    assert any(r["kind"] == "summit" and "Shigeru Ishiba" in r["participants"] for r in rows)
    # a coarse bound keeps what lies inside it; dates are typed
    jan = run(seed, "timeline", **{"from": "2025-01", "to": "2025-01"})
    assert {str(d)[:7] for d in jan.column("date")} == {"2025-01"}
    assert all(d.datatype == XSD.date for d in jan.column("date"))
    assert len(jan) < len(rows)


def test_cho_iwaya_meeting_in_seoul(seed):
    res = run(seed, "events-in-range", **{"from": "2025-01-13", "to": "2025-01-13", "kind": "meeting"})
    events = dict(zip(res.column("event"), res.dicts()))
    cho = events[URIRef(ID + "event/2025-01-13-meeting-cho-tae-yul-takeshi-iwaya")]
    assert cho["place"] == "Seoul" and cho["eventKind"] == "meeting"
    assert all(r["date"] == "2025-01-13" for r in res.dicts())
    visits = run(seed, "events-in-range", **{"from": "2025-01-13", "to": "2025-01-13", "kind": "VISIT"})
    assert visits.dicts() and all(r["eventKind"] == "visit" for r in visits.dicts())
    us = run(seed, "events-in-range", country="United States")
    assert us.dicts() and not any("Cho Tae-yul" in r["eventName"] for r in us.dicts())


def test_kim_obuchi_declaration(seed):
    rows = {r["agreement"]: r for r in run(seed, "agreements").dicts()}
    ko = rows[ID + "agreement/kim-obuchi-declaration"]
    assert ko["date"].startswith("1998")
    assert ko["signatories"] == "Keizo Obuchi, Kim Dae-jung"
    assert ko["parties"] == "Japan, South Korea"
    dates = [r["date"] for r in run(seed, "agreements").dicts() if r["date"]]
    assert dates == sorted(dates)
    mine = run(seed, "agreements", actor="Kim Dae-jung").dicts()
    assert [r["agreement"] for r in mine] == [ID + "agreement/kim-obuchi-declaration"]


def test_who_met_whom(seed):
    rows = run(seed, "who-met-whom").dicts()
    pair = [r for r in rows if {r["actor1"], r["actor2"]} == {"Cho Tae-yul", "Takeshi Iwaya"}]
    assert len(pair) == 1 and int(pair[0]["meetings"]) >= 1
    assert pair[0]["first"] == "2025-01-13" and pair[0]["last"] >= "2025-01-13"
    assert not any("Japan" in (r["actor1"], r["actor2"]) for r in rows)  # countries are sides
    counts = [int(r["meetings"]) for r in rows]
    assert counts == sorted(counts, reverse=True)
    iwaya = run(seed, "who-met-whom", actor="Takeshi Iwaya").dicts()
    assert iwaya and all("Takeshi Iwaya" in (r["actor1"], r["actor2"]) for r in iwaya)


def test_last_meeting_before_gives_the_years_since(seed):
    # "the first joint press conference ... in over 13 years, last held in October 2011"
    r = run(seed, "last-meeting-before", actor1="Koichiro Gemba", actor2="Kim Sung-hwan",
            before="2025-01-13").dicts()
    assert len(r) == 1 and r[0]["date"] == "2011-10" and r[0]["yearsBefore"] == "14"
    # Yoon and Kishida: the 2022 meeting, before a year given as xsd:gYear
    r = run(seed, "last-meeting-before", actor1="Yoon Suk Yeol", actor2="Fumio Kishida", before="2025").dicts()
    assert r[0]["date"] == "2022-04-24" and r[0]["yearsBefore"] == "3"
    # Cho and Iwaya first met on 2025-01-13: nothing before, and that meeting without a bound
    assert not run(seed, "last-meeting-before", actor1="Cho Tae-yul", actor2="Takeshi Iwaya",
                   before="2025-01-13").rows
    r = run(seed, "last-meeting-before", actor1="Cho Tae-yul", actor2="Takeshi Iwaya").dicts()
    assert r[0]["date"] == "2025-01-13" and r[0]["yearsBefore"] is None
    # a country stands for its people: Japan and South Korea met before 2025-01-13
    r = run(seed, "last-meeting-before", actor1="Japan", actor2="South Korea", before="2025-01-13").dicts()
    assert r and r[0]["date"] < "2025-01-13"


def test_asan_brief_disputes(seed):
    res = run(seed, "dispute-articles", article=ID + f"article/{ASAN}")
    slugs = {str(d).rsplit("/", 1)[1] for d in res.column("dispute")}
    assert ASAN_DISPUTES <= slugs <= ASAN_DISPUTES | ASAN_OPTIONAL
    assert {str(a) for a in res.column("article")} == {ID + f"article/{ASAN}"}
    assert all(int(n) >= 1 for n in res.column("sentences"))
    # the same by title and by CURIE
    title = next(iter(res.column("title")))
    assert run(seed, "dispute-articles", article=str(title)).rows == res.rows
    assert run(seed, "dispute-articles", article=f"kgr:article/{ASAN}").rows == res.rows
    # and from the dispute's side
    forced = run(seed, "dispute-articles", dispute=ID + "dispute/forced-labor").dicts()
    assert ASAN in {r["article"].rsplit("/", 1)[1] for r in forced}


def test_disputes_with_what_concerns_them(seed):
    rows = {r["dispute"].rsplit("/", 1)[1]: r for r in run(seed, "disputes").dicts()}
    assert ASAN_DISPUTES <= set(rows)
    assert "Kim-Obuchi" not in (rows["historical-issues"]["concernedBy"] or "")
    assert "Joint Declaration" in rows["historical-issues"]["concernedBy"]
    assert "[1998-10-08]" in rows["historical-issues"]["concernedBy"]
    assert "comfort women" in rows["comfort-women"]["concernedBy"].lower()
    assert rows["comfort-women"]["parties"] == "Japan, South Korea"
    assert "The New Korean Government" in rows["comfort-women"]["articles"]


def test_actor_profile_with_sources(seed):
    rows = run(seed, "actor-profile", actor="Iwaya").dicts()   # a short name resolves
    facts = {}
    for r in rows:
        facts.setdefault(r["fact"], []).append(r)
    assert facts["name"][0]["value"] == "Takeshi Iwaya"
    assert [r["value"] for r in facts["country"]] == ["Japan"]
    assert any("Foreign Minister" in r["value"] for r in facts["office (as stated)"])
    meeting = [r for r in facts["took part in"] if r["date"] == "2025-01-13" and "Cho Tae-yul" in r["value"]]
    assert meeting and all(r["source"] and r["evidence"] for r in meeting)
    assert any("Seoul" in r["evidence"] for r in meeting)
    assert facts["mentioned in"] and all(r["source"] for r in facts["mentioned in"])
    obuchi = run(seed, "actor-profile", actor="Keizo Obuchi").dicts()
    assert any(r["fact"] == "signed" and r["value"].startswith("Japan–Republic of Korea Joint Declaration")
               and r["date"] == "1998-10-08" for r in obuchi)


def test_sources_of_a_fact(seed):
    res = run(seed, "sources", fact=ID + "agreement/kim-obuchi-declaration")
    rows = res.dicts()
    assert ASAN in {r["article"].rsplit("/", 1)[1] for r in rows}
    assert any("Kim-Obuchi" in r["text"] for r in rows)
    for r in rows:
        assert 0 <= int(r["start"]) < int(r["end"])
    by_label = run(seed, "sources", fact="Kim-Obuchi Declaration")   # an altLabel
    assert by_label.rows == res.rows
    cho = run(seed, "sources", fact=ID + "event/2025-01-13-meeting-cho-tae-yul-takeshi-iwaya").dicts()
    assert cho and all(r["publisher"] == "Korea Herald" for r in cho)


def test_actors_by_country_and_role(seed):
    rows = run(seed, "actors-by-country", country="Japan", role="foreign minister").dicts()
    names = {r["actorName"] for r in rows}
    assert {"Takeshi Iwaya", "Koichiro Gemba"} <= names and "Fumio Kishida" not in names
    assert {r["countryName"] for r in rows} == {"Japan"}
    everyone = run(seed, "actors-by-country").dicts()
    assert {r["type"] for r in everyone} == {"person", "organization"}
    assert everyone[-1]["countryName"] is None  # no known country: last


def test_most_connected(seed):
    rows = run(seed, "most-connected").dicts()
    assert len(rows) <= 20
    links = [int(r["links"]) for r in rows]
    assert links == sorted(links, reverse=True)
    assert {rows[0]["actorName"], rows[1]["actorName"]} == {"Japan", "South Korea"}
    people = run(seed, "most-connected", type="Person").dicts()
    assert people[0]["actorName"] == "Takeshi Iwaya"
    assert all(r["actor"].startswith(ID + "person/") for r in people)


def test_articles(seed):
    rows = run(seed, "articles").dicts()
    assert len(rows) == 5
    asan = next(r for r in rows if r["article"].endswith(ASAN))
    assert asan["authors"] == "CHOI Eunmi" and asan["issued"] == "2022-05-11"
    assert int(asan["disputes"]) >= len(ASAN_DISPUTES)


def test_reasoned_queries_need_the_inferred_triples(seed, caplog):
    lee = run(seed, "meetings-of-actor", actor="Lee Jae-myung").dicts()
    summit = [r for r in lee if r["kind"] == "summit"]          # a kg:Summit counts as a kg:Meeting
    assert summit and summit[0]["with"] == "Shigeru Ishiba"
    with caplog.at_level(logging.WARNING, logger="kg.query"):
        assert run(seed, "meetings-of-actor", "raw", actor="Lee Jae-myung").rows == []
    assert "needs the reasoned graph" in caplog.text
    places = {r["placeName"] for r in run(seed, "places").dicts()}
    raw_places = {r["placeName"] for r in run(seed, "places", "raw").dicts()}
    assert {"Japan", "Seoul"} <= places and "Seoul" in raw_places and "Japan" not in raw_places


# --------------------------------------------------------------------------- parameters

def test_node_parameters_resolve_iris_curies_and_labels(seed):
    src = seed["reasoned"]
    iwaya = URIRef(ID + "person/takeshi-iwaya")
    for value in (str(iwaya), f"<{iwaya}>", "kgr:person/takeshi-iwaya", "Takeshi Iwaya", "takeshi IWAYA"):
        assert Q.resolve_node(src, value) == iwaya, value
    # a surname alone: whole words of a label, narrowed by the class (events have him in theirs)
    assert Q.resolve_node(src, "Iwaya", str(Q.KG.Person)) == iwaya
    with pytest.raises(InputError, match=r"'Iwaya' names \d+ nodes: .*give the IRI"):
        Q.resolve_node(src, "Iwaya")
    assert Q.resolve_node(src, "Kim-Obuchi Declaration") == URIRef(ID + "agreement/kim-obuchi-declaration")
    # a class narrows the lookup; no match is a clear error
    with pytest.raises(InputError, match="no node of class"):
        Q.resolve_node(src, "Takeshi Iwaya", str(Q.KG.Country))
    with pytest.raises(InputError, match="labelled 'Nobody Atall'"):
        Q.resolve_node(src, "Nobody Atall")


def test_an_ambiguous_label_is_an_error(tmp_path):
    f = tmp_path / "g.ttl"
    f.write_text('@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
                 '<http://x.org/a> rdfs:label "Kim" .\n<http://x.org/b> rdfs:label "Kim" .\n'
                 '<http://x.org/c> rdfs:label "Kim Dae-jung" .\n')
    src = Q.GraphSource(Q.load_graph([f]))
    with pytest.raises(InputError, match="names 2 nodes: http://x.org/a, http://x.org/b"):
        Q.resolve_node(src, "Kim")
    assert Q.resolve_node(src, "kim dae-jung") == URIRef("http://x.org/c")


def test_dates_are_typed_by_precision():
    assert Q.date_term("2025") == Literal("2025", datatype=XSD.gYear)
    assert Q.date_term("2025-01") == Literal("2025-01", datatype=XSD.gYearMonth)
    assert Q.date_term("2025-01-13") == Literal("2025-01-13", datatype=XSD.date)
    for bad in ("2025-13", "2025-02-30", "13 Jan 2025", "2025-1-3", ""):
        with pytest.raises(InputError, match="not a date"):
            Q.date_term(bad)


def test_parameter_errors(seed):
    src = seed["reasoned"]
    with pytest.raises(InputError, match="missing parameter.*actor1, actor2.*e.g. kg query"):
        Q.run("last-meeting-before", {}, source=src)
    with pytest.raises(InputError, match="no parameter 'who'.*it takes actor"):
        Q.run("who-met-whom", {"who": "x"}, source=src)
    with pytest.raises(InputError, match="param before: not a date"):
        Q.run("last-meeting-before", {"actor1": "Japan", "actor2": "South Korea", "before": "soon"}, source=src)
    with pytest.raises(InputError, match="given twice"):
        Q.parse_param_args(["a=1", "a=2"])
    with pytest.raises(InputError, match="NAME=VALUE"):
        Q.parse_param_args(["novalue"])
    assert Q.parse_param_args(["q=a=b", "d="]) == {"q": "a=b", "d": ""}


PAYLOADS = [
    'meeting") || true || ("',
    "meeting' || true || '",
    '"} UNION { ?event ?p ?o } #',
    '} UNION { ?event a ?x } FILTER(true) {',
    'x"""\n} UNION {\n?s ?p ?o }',
    'a\\" . } UNION { ?s ?p ?o . #',
    '\\u0022) || true || ("',
    'meeting"^^<http://www.w3.org/2001/XMLSchema#string> ) || (true',
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_injection_through_a_string_parameter_changes_nothing(seed, payload):
    res = run(seed, "events-in-range", kind=payload)
    assert res.rows == []          # no event has that kind, and the query stayed the query
    assert len(run(seed, "events-in-range", kind="meeting")) > 0


@pytest.mark.parametrize("payload", PAYLOADS)
def test_injection_through_a_node_parameter_finds_no_node(seed, payload):
    with pytest.raises(InputError, match="no node"):
        run(seed, "who-met-whom", actor=payload)
    with pytest.raises(InputError, match="not an absolute IRI"):
        run(seed, "who-met-whom", actor=f"http://x.org/a> . }} UNION {{ ?s ?p ?o . <{payload}")


def test_values_block_holds_the_payload_as_one_literal():
    text = Q.load_query("events-in-range").text
    for payload in PAYLOADS:
        full, inserts = Q.with_values(text, {"kind": Literal(payload), "from": Q.date_term("2025")})
        parsed = prepareQuery(full)
        assert Q.query_variables(full) == Q.query_variables(text)
        # taking the inserted blocks out gives the query back
        kept = full
        for at, n in sorted(inserts):          # offsets in `text`: the earlier ones are out already
            kept = kept[:at] + kept[at + n:]
        assert kept == text
        # rdflib reads each block back as exactly the bound terms (the top one has both)
        bound = {"kind": Literal(payload), "from": Literal("2025", datatype=XSD.gYear)}
        values = _values_in(parsed.algebra)
        assert bound in values, payload
        assert all(v == {k: bound[k] for k in v} for v in values), payload


def _values_in(node):
    found = []
    if hasattr(node, "name") and node.name == "values":
        return [{str(k): v for k, v in row.items()} for row in node.res]
    if isinstance(node, dict):
        for v in node.values():
            found += _values_in(v)
    elif isinstance(node, (list, tuple)):
        for v in node:
            found += _values_in(v)
    return found


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_any_string_round_trips_through_the_values_block(value):
    import pyoxigraph
    full, _ = Q.with_values("SELECT ?v WHERE { FILTER(true) }", {"v": Literal(value)})
    got = [s["v"].value for s in pyoxigraph.Store().query(full)]
    assert got == [value]


def test_sparql_term_refuses_what_cannot_be_written():
    with pytest.raises(InputError):
        Q.sparql_term(URIRef("http://x.org/a b"))
    with pytest.raises(InputError):
        Q.sparql_term(URIRef("http://x.org/a>"))
    assert Q.sparql_term(Literal("a\"b\\c\nd")) == '"a\\"b\\\\c\\nd"'
    assert Q.sparql_term(Literal("2025", datatype=XSD.gYear)) == f'"2025"^^<{XSD.gYear}>'
    assert Q.sparql_term(Literal("x", lang="en")) == '"x"@en'


def test_values_go_into_the_where_group():
    cases = {
        "SELECT * { ?s ?p ?o }": "SELECT * { VALUES",
        "SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s": "WHERE { VALUES",
        "ASK WHERE { ?s ?p ?o }": "ASK WHERE { VALUES",
        "PREFIX x: <http://x.org/ns#> # a { comment\nSELECT ?s WHERE { ?s x:p '{' }": "WHERE { VALUES",
        "SELECT (CONCAT('{', \"}\") AS ?c) WHERE { ?s ?p ?o }": "WHERE { VALUES",
        "SELECT ?s WHERE { SELECT ?s WHERE { ?s ?p ?o } }": "WHERE { VALUES (?o) { (\"v\") } { SELECT",
    }
    for text, expect in cases.items():
        full, _ = Q.with_values(text, {"o": Literal("v")})
        assert expect in full, full
        prepareQuery(full)
    with pytest.raises(QueryError):
        Q.with_values("nonsense", {"o": Literal("v")})


def test_values_reach_the_subselects_that_project_them():
    text = ("SELECT * WHERE {\n"
            "  { SELECT ?a (COUNT(?e) AS ?n) WHERE { ?e <p> ?a } GROUP BY ?a }\n"        # projects ?a
            "  { SELECT ?e WHERE { ?e <q> ?a } }\n"                                       # its own ?a
            "  { SELECT ?a WHERE { ?a <r> ?o } LIMIT 5 }\n"                               # cut: untouched
            "  { SELECT * WHERE { ?a <s> ?z { SELECT ?z WHERE { ?z <t> ?a } } } }\n"      # star, then not
            "  FILTER(?a != ?b) }")
    full, inserts = Q.with_values(text, {"a": URIRef("http://x.org/v"), "b": Literal("w")})
    v = 'VALUES (?a) { (<http://x.org/v>) }'
    lines = full.splitlines()
    assert lines[0].startswith('SELECT * WHERE { VALUES (?a ?b) { (<http://x.org/v> "w") }')
    assert v in lines[1] and v not in lines[2] and v not in lines[3]
    assert lines[4].count(v) == 1 and lines[4].index(v) < lines[4].index("?a <s>")
    assert len(inserts) == 3
    prepareQuery(full.replace("<p>", "<x:p>").replace("<q>", "<x:q>").replace("<r>", "<x:r>")
                 .replace("<s>", "<x:s>").replace("<t>", "<x:t>"))


def test_error_positions_map_back_past_every_values_block():
    text = "SELECT ?s WHERE {\n  { SELECT ?s WHERE { ?s ?p ?o } }\n  ?s ?q ?r . FILTER(?s = ) }"
    full, inserts = Q.with_values(text, {"s": URIRef("http://x.org/v")})
    assert len(inserts) == 2
    for orig in (text.index("FILTER"), text.index("?p"), text.index("{ SELECT") + 2):
        line, col = Q.position(full, full.index(text[orig:orig + 8], orig))
        assert Q.map_back(text, full, line, col, inserts) == Q.position(text, orig)


# --------------------------------------------------------------------------- formats

def test_json_is_sparql_results_json(seed):
    res = run(seed, "agreements")
    data = json.loads(Q.to_json(res))
    assert data["head"]["vars"] == res.vars
    ko = next(b for b in data["results"]["bindings"] if b["agreement"]["value"].endswith("kim-obuchi-declaration"))
    assert ko["agreement"] == {"type": "uri", "value": ID + "agreement/kim-obuchi-declaration"}
    assert ko["date"] == {"type": "literal", "value": "1998-10-08", "datatype": str(XSD.date)}
    assert ko["signatories"] == {"type": "literal", "value": "Keizo Obuchi, Kim Dae-jung"}
    assert Q.from_json(data).rows == res.rows
    assert json.loads(Q.to_json(Q.Result(boolean=True))) == {"head": {}, "boolean": True}


def test_csv_and_tsv(seed):
    res = run(seed, "agreements")
    text = Q.to_csv(res)
    assert text.startswith(",".join(res.vars) + "\r\n")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(res) and any(r["date"] == "1998-10-08" for r in rows)
    tsv = Q.to_tsv(res).splitlines()
    assert tsv[0] == "\t".join("?" + v for v in res.vars)
    assert any(f'"1998-10-08"^^<{XSD.date}>' in line and f"<{ID}agreement/kim-obuchi-declaration>" in line
               for line in tsv[1:])
    assert len(tsv) == len(res) + 1


def test_table_fits_the_terminal(seed):
    res = run(seed, "sources", fact=ID + "agreement/kim-obuchi-declaration")
    wide = Q.to_table(res)
    assert wide.splitlines()[0].split() == res.vars
    assert wide.splitlines()[-1] == f"({len(res)} rows)"
    narrow = Q.to_table(res, width=120)
    assert all(Q.text_width(line) <= 120 for line in narrow.splitlines())
    assert len(narrow.splitlines()) > len(wide.splitlines())   # long text wrapped
    assert "kgr:article/" + ASAN in narrow        # IRIs stay whole when text can wrap
    assert Q.to_table(Q.Result(vars=["x"], rows=[])).endswith("(0 rows)")


# --------------------------------------------------------------------------- errors and sources

def test_a_malformed_query_names_line_and_column(seed, tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("# title: broken\nSELECT ?s WHERE {\n  ?s ?p \n}\n")
    with pytest.raises(QueryError) as err:
        Q.run(str(bad), source=seed["reasoned"])
    assert (err.value.line, err.value.column) == (3, 3)
    assert "bad.rq: syntax error near '?s ?p' at line 3, column 3" in str(err.value)
    prefix = tmp_path / "prefix.rq"
    prefix.write_text("SELECT ?s WHERE {\n  ?s foo:bar ?o }\n")
    with pytest.raises(QueryError, match="unknown prefix foo.*line 2, column 6"):
        Q.run(str(prefix), source=seed["reasoned"])
    construct = tmp_path / "c.rq"
    construct.write_text("CONSTRUCT WHERE { ?s ?p ?o }")
    with pytest.raises(QueryError, match="SELECT and ASK"):
        Q.run(str(construct), source=seed["reasoned"])


def test_query_files_and_undeclared_parameters(seed, tmp_path):
    f = tmp_path / "mine.rq"
    f.write_text("PREFIX kg: <https://w3id.org/skjkg/ontology#>\n"
                 "SELECT ?e WHERE { ?e kg:date ?d FILTER(STR(?d) = STR(?when)) }")
    res = Q.run(str(f), {"when": "2025-01-13"}, source=seed["reasoned"])
    assert URIRef(ID + "event/2025-01-13-meeting-cho-tae-yul-takeshi-iwaya") in res.column("e")
    with pytest.raises(InputError, match="no parameter 'nope'"):
        Q.run(str(f), {"nope": "1"}, source=seed["reasoned"])
    with pytest.raises(InputError, match="no packaged query or file named 'nothing-like-it'.*timeline"):
        Q.load_query("nothing-like-it")


def test_header_errors_are_reported(tmp_path):
    f = tmp_path / "h.rq"
    f.write_text("# title: t\n# param: x (colour) what\nSELECT ?x WHERE { ?x ?p ?o }")
    with pytest.raises(QueryError, match="unknown type 'colour'"):
        Q.load_query(str(f))
    f.write_text("# title: t\n# param: y (string) not used\nSELECT ?x WHERE { ?x ?p ?o }")
    with pytest.raises(QueryError, match="param y is not a variable"):
        Q.load_query(str(f))


def test_default_source_is_the_build_folder(seed, tmp_path):
    src = Q.open_source(build=seed["out"])
    assert [p.name for p in src.files] == ["graph.ttl", "inferred.ttl", "summary.ttl"]
    assert len(src.graph) == len(seed["reasoned"].graph)
    with pytest.raises(InputError, match="run `kg build` first"):
        Q.open_source(build=tmp_path)
    with pytest.raises(InputError, match="only one of"):
        Q.open_source(graphs=[seed["files"][0]], store="oxigraph:x")
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .")
    with pytest.raises(InputError, match="bad.ttl: not valid RDF"):
        Q.load_graph([bad])


# --------------------------------------------------------------------------- the command line

def test_cli_list_and_formats(seed):
    runner = CliRunner()
    listed = runner.invoke(cli, ["query", "--list"])
    assert listed.exit_code == 0
    for spec in SPECS:
        assert spec.name in listed.output and spec.title in listed.output
    graph = [a for f in seed["files"] for a in ("--graph", str(f))]
    out = runner.invoke(cli, ["query", "agreements", *graph, "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["head"]["vars"][0] == "date"
    out = runner.invoke(cli, ["query", "last-meeting-before", *graph, "-p", "actor1=Koichiro Gemba",
                              "-p", "actor2=Kim Sung-hwan", "-p", "before=2025-01-13"])
    assert out.exit_code == 0 and "2011-10" in out.output and "(1 row)" in out.output
    out = runner.invoke(cli, ["query", str(ROOT / "queries" / "timeline.rq"), *graph, "-f", "csv"])
    assert out.exit_code == 0 and out.output.startswith("date,kind,participants,place,event")


def test_cli_errors_are_one_line_with_exit_code_2(seed, tmp_path):
    runner = CliRunner()
    graph = ["--graph", str(seed["files"][0])]
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?s WHERE {\n  ?s ?p \n}\n")
    for args, needle in ((["query", str(bad), *graph], "line 2, column 3"),
                         (["query", "last-meeting-before", *graph], "missing parameter"),
                         (["query", "who-met-whom", *graph, "-p", "actor=Nobody Atall"], "no node"),
                         (["query", "timeline", *graph, "--store", "oxigraph:x"], "only one of"),
                         (["query", "timeline", "--graph", str(tmp_path / "none.ttl")], "no such graph file"),
                         (["query"], "give a query name"),
                         (["query", "timeline", "--list"], "either --list")):
        res = runner.invoke(cli, args)
        assert res.exit_code == 2, (args, res.output)
        assert needle in res.output, (args, res.output)
        assert "Traceback" not in res.output, res.output
        assert len([ln for ln in res.output.splitlines() if ln.startswith("Error")]) == 1, res.output


def test_values_reach_inner_groups_only_where_that_changes_nothing(tmp_path):
    text = ("PREFIX : <http://x.org/>\nSELECT ?a ?o ?x ?c ?v WHERE {\n"
            "  { ?a :p ?o } UNION { ?o :q ?a }\n"                                          # both bind ?a first
            "  { OPTIONAL { ?o :r ?a } ?a :s ?x } UNION { BIND(?a AS ?c) ?a :t ?c }\n"     # not first: untouched
            "  OPTIONAL { ?a :u ?v }\n"                                                    # binds it: pushed
            "  MINUS { ?a :w ?o }\n"                                                       # never
            "  FILTER NOT EXISTS { ?a :z ?o } }")
    value = URIRef("http://x.org/a1")
    full, inserts = Q.with_values(text, {"a": value})
    lines = full.splitlines()
    v = "VALUES (?a) { (<http://x.org/a1>) }"
    assert lines[1].count(v) == 1 and lines[2].count(v) == 2 and lines[3].count(v) == 0
    assert lines[4].count(v) == 1 and v not in lines[5] and v not in lines[6]
    # the same answers as with the block at the top only, on data where a wrong push shows
    f = tmp_path / "g.ttl"
    f.write_text("@prefix : <http://x.org/> .\n"
                 ":a1 :p :o1 ; :s :x1 ; :u :v1 , :v2 ; :t :a1 ; :w :o9 .\n"
                 ":o2 :q :a1 ; :r :a2 .\n:a2 :p :o2 ; :s :x2 ; :u :v3 .\n:a1 :z :o2 .\n")
    import pyoxigraph
    store = pyoxigraph.Store()
    store.load(path=str(f), format=pyoxigraph.RdfFormat.TURTLE)

    def rows(q):
        return sorted(str([s[n] for n in ("a", "o", "x", "c", "v")]) for s in store.query(q))

    top_only = text.replace("WHERE {", "WHERE { " + v, 1)
    naive = top_only.replace("{ OPTIONAL", "{ " + v + " OPTIONAL").replace("{ BIND", "{ " + v + " BIND")
    assert rows(full) == rows(top_only) and rows(full)
    assert rows(naive) != rows(top_only)
    prepareQuery(full)


# --------------------------------------------------------------------------- paging and summaries

def test_a_paged_query_gives_one_page_and_says_more_follow(seed):
    spec = Q.load_query("events-in-range")
    assert spec.page == 100 and {"limit", "offset"} <= {p.name for p in spec.params}
    every = run(seed, "events-in-range", limit="0")
    assert len(every) > 6 and not every.more
    first = run(seed, "events-in-range", limit="4")
    assert first.rows == every.rows[:4] and first.more
    assert Q.page_note(first) == ("(rows 1-4; more follow: the next page with --param offset=4, "
                                  "every row with --param limit=0)")
    second = run(seed, "events-in-range", limit="4", offset="4")
    assert second.rows == every.rows[4:8] and second.offset == 4
    last = run(seed, "events-in-range", limit="4", offset=str(len(every) - 2))
    assert last.rows == every.rows[-2:] and not last.more and Q.page_note(last) is None
    with pytest.raises(InputError, match="param limit: not a whole number"):
        run(seed, "events-in-range", limit="-1")
    with pytest.raises(InputError, match="no parameter 'limit'"):
        run(seed, "timeline", limit="5")                       # not paged


def test_page_header_errors(tmp_path):
    f = tmp_path / "q.rq"
    f.write_text("# title: t\n# page: many\nSELECT ?s WHERE { ?s ?p ?o }\n")
    with pytest.raises(QueryError, match="not a number of rows"):
        Q.load_query(f)
    f.write_text("# title: t\n# page: 10\nSELECT ?limit WHERE { ?limit ?p ?o }\n")
    with pytest.raises(QueryError, match="named limit"):
        Q.load_query(f)


def test_cli_says_how_to_get_the_next_page(seed):
    graph = [a for f in seed["files"] for a in ("--graph", str(f))]
    res = CliRunner().invoke(cli, ["query", "events-in-range", *graph, "-p", "limit=2"])
    assert res.exit_code == 0, res.output
    assert "(2 rows)" in res.output and "--param offset=2" in res.output


def test_a_graph_without_its_summary_gets_one_in_memory(seed):
    files = seed["files"][:2]                                    # graph.ttl, inferred.ttl
    src = Q.GraphSource(Q.load_graph(files), files)
    assert not list(src.graph.triples((None, Q.KG.linkCount, None)))
    rows = Q.run("most-connected", source=src).dicts()
    assert {rows[0]["actorName"], rows[1]["actorName"]} == {"Japan", "South Korea"}


def test_a_store_without_the_summary_is_warned_about(seed, tmp_path, caplog):
    from kg import store as S
    info = S.write_store(seed["files"][:2], f"oxigraph:{tmp_path / 'store'}")
    with caplog.at_level(logging.WARNING, logger="kg.query"):
        assert Q.run("who-met-whom", store=f"oxigraph:{info.path}").rows == []
    assert "summary.ttl" in caplog.text


def test_a_class_parameter_is_looked_up_among_the_classes(seed):
    src = seed["reasoned"]
    owl_class = Q.PREFIXES["owl"] + "Class"
    assert Q.resolve_node(src, "Person", owl_class) == Q.KG.Person
    assert Q.resolve_node(src, "organization", owl_class) == Q.KG.Organization
    with pytest.raises(InputError, match="no node of class"):
        Q.resolve_node(src, "Takeshi Iwaya", owl_class)


def test_values_reach_groups_whose_filters_test_the_parameter(tmp_path):
    """A UNION branch that tests the parameter gets its value, as under rdflib's
    initBindings: both sources then give the same rows, given the value or not."""
    text = ("PREFIX : <http://x.org/>\nSELECT ?s WHERE {\n"
            "  { { FILTER(BOUND(?o)) } ?s :p ?o } UNION { ?s :q ?w . FILTER(!BOUND(?o)) }\n} ORDER BY ?s")
    f = tmp_path / "g.ttl"
    f.write_text("@prefix : <http://x.org/> .\n:a :p :y .\n:b :p :z .\n:c :q :w .\n")
    spec = Q.spec_from_text(text, "t")
    from kg import store as S
    info = S.write_store([f], f"oxigraph:{tmp_path / 'store'}")
    graph = Q.GraphSource(Q.load_graph([f]), [f])
    store = S.open_store(f"oxigraph:{info.path}")
    for params, want in (({"o": "http://x.org/y"}, ["http://x.org/a"]), ({}, ["http://x.org/c"])):
        for src in (graph, store):
            assert [str(r[0]) for r in Q.run(spec, params, source=src).rows] == want, (params, src.name)
    full, _ = Q.with_values(text, {"o": URIRef("http://x.org/y")})
    assert full.count("VALUES (?o)") == 4          # the top, both branches, the filter's group
