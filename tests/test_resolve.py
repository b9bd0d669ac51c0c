import random

from hypothesis import given, settings
from hypothesis import strategies as st

import kg.resolve as resolve_module
from kg.extract import extract
from kg.model import Article, ArticleMeta, EventRecord, Extraction, Span
from kg.resolve import resolve

from .conftest import make_article


def build(kb, *bodies, published="2025-01-13"):
    xs = [extract(make_article(b, published=published, name=f"a{i}.txt"), kb=kb) for i, b in enumerate(bodies)]
    return resolve(xs, kb=kb)


def test_one_node_per_person_across_articles(kb):
    r = build(kb, "CHOI Eunmi wrote this. Dr. Choi Eunmi (Research Fellow, Asan Institute) added more.",
              "Eunmi Choi is a research fellow at the Asan Institute for Policy Studies.")
    persons = [e for e in r.entities if e.kind == "person"]
    assert len(persons) == 1
    assert {s.article for s in persons[0].spans} == {"a0", "a1"}


def test_same_event_in_two_articles_is_one_node(kb):
    r = build(kb, "President Yoon Suk Yeol declared martial law on Dec. 3.",
              "Yoon's martial law declaration on Dec. 3 shocked Seoul.")
    ml = [e for e in r.events if e.kind == "martial-law"]
    assert len(ml) == 1 and len({s.article for s in ml[0].spans}) == 2


def test_different_meetings_stay_apart(kb):
    r = build(kb, "Takeshi Iwaya met Cho Tae-yul in Seoul on Monday. Iwaya met Woo Won-shik on Tuesday.")
    meetings = [e for e in r.events if e.cls == "Meeting"]
    assert len(meetings) == 2


def test_surname_is_not_an_alternative_label(kb):
    r = build(kb, "President Lee Jae-myung spoke. Lee left.")
    lee = next(e for e in r.entities if e.key == "ref:lee-jae-myung")
    assert "Lee" not in lee.alt_labels


def test_resolution_is_order_independent(kb):
    a = "Cho Tae-yul and Takeshi Iwaya met in Seoul on Monday."
    b = "Iwaya and Cho held talks in Seoul on Monday."
    r1, r2 = build(kb, a, b), build(kb, b, a)
    assert [e.key for e in r1.events] == [e.key for e in r2.events]


# ---------------------------------------------------------------- events across articles
# Each report is one article's event record, built directly, so that these tests exercise
# the merging rules and not the extractor.

KISHIDA, YUN, KERRY = "ref:fumio-kishida", "ref:yun-byung-se", "ref:john-kerry"
ABE, PARK = "ref:shinzo-abe", "ref:park-geun-hye"
JAPAN, KOREA, CHINA = "ref:japan", "ref:south-korea", "ref:china"
SEOUL, TOKYO = "ref:seoul", "ref:tokyo"


def report(article, *participants, date=None, end=None, place=None, cls="Meeting", key="meeting",
           published="2015-03-31", at=0):
    return Extraction(
        article=Article(id=article, path=f"{article}.txt", body="", meta=ArticleMeta(published=published), sha256=article),
        sentences=(), mentions=(), agreements=(), disputes=(),
        events=(EventRecord(cls=cls, key=key, label=key, participants=tuple(participants), date=date, end_date=end,
                            location=place, spans=(Span(article, at, at * 100, at * 100 + 10),)),))


def merged(kb, *extractions):
    """The events, each as the set of articles reporting it."""
    r = resolve(list(extractions), kb=kb)
    return sorted(((sorted({s.article for s in e.spans}), e) for e in r.events), key=lambda t: (t[0], t[1].key))


def groups(kb, *extractions):
    return sorted(arts for arts, _e in merged(kb, *extractions))


def test_one_event_reported_at_a_day_a_month_and_a_year(kb):
    out = merged(kb, report("a", KISHIDA, YUN, date="2015-03-21", place=SEOUL),
                 report("b", KISHIDA, KOREA, date="2015-03"),
                 report("c", YUN, JAPAN, date="2015"))
    assert [arts for arts, _ in out] == [["a", "b", "c"]]
    e = out[0][1]
    assert e.date == "2015-03-21" and e.location == SEOUL
    assert {KISHIDA, YUN} <= set(e.participants)


def test_same_people_a_month_apart_are_two_events(kb):
    assert groups(kb, report("a", KISHIDA, YUN, date="2015-03-21"),
                  report("b", KISHIDA, YUN, date="2015-04-21"),
                  report("c", KISHIDA, YUN, date="2015-04", published="2015-04-30")) == [["a"], ["b", "c"]]


def test_a_day_is_not_another_day_of_the_same_month(kb):
    assert groups(kb, report("a", KISHIDA, YUN, date="2015-03-21"),
                  report("b", KISHIDA, YUN, date="2015-03-22")) == [["a"], ["b"]]


def test_a_day_inside_a_visit_s_range(kb):
    out = groups(kb, report("a", ABE, date="2015-11-01", end="2015-11-03", place=SEOUL, cls="Visit", key="visit"),
                 report("b", ABE, date="2015-11-02", place=SEOUL, cls="Visit", key="visit"),
                 report("c", ABE, date="2015-11-05", place=SEOUL, cls="Visit", key="visit"))
    assert out == [["a", "b"], ["c"]]


def test_a_visit_and_the_summit_during_it_are_two_events(kb):
    out = merged(kb, report("a", ABE, date="2015-11-01", end="2015-11-03", place=SEOUL, cls="Visit", key="visit"),
                 report("b", PARK, ABE, date="2015-11-02", place=SEOUL, cls="Summit", key="summit"))
    assert sorted(e.cls for _a, e in out) == ["Summit", "Visit"]


def test_countries_stand_for_their_people(kb):
    # "Japan and South Korea held talks" is the ministers' meeting that day; Japan and China's is not
    assert groups(kb, report("a", KISHIDA, YUN, date="2015-03-21"),
                  report("b", JAPAN, KOREA, date="2015-03-21"),
                  report("c", JAPAN, CHINA, date="2015-03-21")) == [["a", "b"], ["c"]]


def test_a_bilateral_is_not_the_trilateral_of_the_same_day(kb):
    assert groups(kb, report("a", KISHIDA, YUN, date="2015-03-21", place=SEOUL),
                  report("b", KISHIDA, YUN, KERRY, date="2015-03-21", place=SEOUL)) == [["a"], ["b"]]
    # one report naming one minister and the other's country is the bilateral
    assert groups(kb, report("a", KISHIDA, YUN, date="2015-03-21"),
                  report("b", KISHIDA, KOREA, date="2015-03-21")) == [["a", "b"]]


def test_a_contradicting_place_keeps_reports_apart(kb):
    assert groups(kb, report("a", KISHIDA, YUN, date="2015-03-21", place=SEOUL),
                  report("b", KISHIDA, YUN, date="2015-03", place=TOKYO)) == [["a"], ["b"]]
    # a city inside the country the other report names is no contradiction
    assert groups(kb, report("a", KISHIDA, YUN, date="2015-03-21", place=SEOUL),
                  report("b", KISHIDA, YUN, date="2015-03", place=KOREA)) == [["a", "b"]]


def test_same_people_same_day_different_cities_is_one_event(kb):
    # phone talks reported under a Seoul and a Tokyo dateline: the city is the report's, not the event's
    out = merged(kb, report("a", KISHIDA, YUN, date="2015-03-21", place=SEOUL),
                 report("b", KISHIDA, YUN, date="2015-03-21", place=TOKYO),
                 report("c", KISHIDA, YUN, date="2015-03-21", place=TOKYO))
    assert [arts for arts, _ in out] == [["a", "b", "c"]]
    assert out[0][1].location == TOKYO  # the place most reports give


def test_a_vague_report_joins_the_event_nearest_its_article(kb):
    reports = [report("a", KISHIDA, YUN, date="2015-03-05"), report("b", KISHIDA, YUN, date="2015-03-25")]
    assert groups(kb, *reports, report("c", KISHIDA, YUN, date="2015-03", published="2015-03-27")) == [["a"], ["b", "c"]]
    assert groups(kb, *reports, report("c", KISHIDA, YUN, date="2015-03", published="2015-03-06")) == [["a", "c"], ["b"]]
    # equally near both: it stays apart rather than guess, and draws no other vague report
    assert groups(kb, *reports, report("c", KISHIDA, YUN, date="2015-03", published="2015-03-15"),
                  report("d", KISHIDA, YUN, date="2015-03", published="2015-03-15")) == [["a"], ["b"], ["c"], ["d"]]


def test_an_undated_report_joins_the_one_recent_event_of_its_people(kb):
    assert groups(kb, report("a", KISHIDA, YUN, date="2015-03-21"),
                  report("b", KISHIDA, KOREA, published="2015-03-31")) == [["a", "b"]]
    # two events of theirs that month: which one is unsaid, unless more reports tell of one
    two = [report("a", KISHIDA, YUN, date="2015-03-05"), report("b", KISHIDA, YUN, date="2015-03-21")]
    assert groups(kb, *two, report("c", KISHIDA, YUN, published="2015-03-31")) == [["a"], ["b"], ["c"]]
    assert groups(kb, *two, report("b2", KISHIDA, YUN, date="2015-03-21"),
                  report("c", KISHIDA, YUN, published="2015-03-31")) == [["a"], ["b", "b2", "c"]]
    # of several events of theirs long before the article, which one is unsaid
    assert groups(kb, report("a", KISHIDA, YUN, date="2014-03-21"), report("a2", KISHIDA, YUN, date="2014-09-21"),
                  report("b", KISHIDA, YUN, published="2015-03-31")) == [["a"], ["a2"], ["b"]]
    # but several long before and one recent: the recent one
    assert groups(kb, report("a", KISHIDA, YUN, date="2014-03-21"), report("a2", KISHIDA, YUN, date="2014-09-21"),
                  report("a3", KISHIDA, YUN, date="2015-03-21"),
                  report("b", KISHIDA, YUN, published="2015-03-31")) == [["a"], ["a2"], ["a3", "b"]]
    # undated, with no person in common: nothing ties them
    assert groups(kb, report("a", KISHIDA, YUN, date="2015-03-21"),
                  report("b", JAPAN, KOREA, published="2015-03-31")) == [["a"], ["b"]]


def test_an_undated_report_joins_the_only_event_of_its_people_at_any_date(kb):
    # "Abe and Park met in Tokyo", recalled in 2015 without a date: the one such meeting the corpus tells of
    out = merged(kb, report("a", ABE, PARK, date="1998-10", place=TOKYO, published="2015-01-02"),
                 report("b", ABE, PARK, place=TOKYO, published="2015-12-28"))
    assert [arts for arts, _ in out] == [["a", "b"]] and out[0][1].date == "1998-10"
    # the only one of its kind: their visit is another kind, their summit with Kerry other people
    assert groups(kb, report("a", ABE, PARK, date="1998-10", published="2015-01-02"),
                  report("v", ABE, PARK, date="2003-06", cls="Visit", key="visit"),
                  report("k", ABE, PARK, KERRY, date="2010-05"),
                  report("b", ABE, PARK, published="2015-12-28")) == [["a", "b"], ["k"], ["v"]]
    # of other people: Abe's talks with someone else are not the Abe-Park meeting recalled
    assert groups(kb, report("a", ABE, KOREA, date="1998-10", published="2015-01-02"),
                  report("b", ABE, PARK, published="2015-12-28")) == [["a"], ["b"]]


def test_a_day_inside_a_summit_s_range_is_an_event_of_its_own(kb):
    # the G7 summit of May 19-21 and the two leaders' talks on its sidelines on the 21st
    g7 = {"cls": "Summit", "key": "summit", "place": "ref:hiroshima"}
    days = [report("a", KISHIDA, YUN, "ref:g7", date="2023-05-19", end="2023-05-21", **g7),
            report("b", KISHIDA, YUN, date="2023-05-21", **g7),
            report("c", KISHIDA, YUN, "ref:g7", date="2023-05-19", end="2023-05-21", **g7)]
    assert groups(kb, *days) == [["a", "c"], ["b"]]
    assert groups(kb, *reversed(days)) == [["a", "c"], ["b"]]
    # a month still holds the day (and a visit's range its days: test_a_day_inside_a_visit_s_range)
    assert groups(kb, days[1], report("d", KISHIDA, YUN, date="2023-05", **g7)) == [["b", "d"]]
    # two single days never meet, not even through a range that holds both
    visit = {"cls": "Visit", "key": "visit", "place": SEOUL}
    assert groups(kb, report("a", ABE, date="2015-11-01", end="2015-11-03", **visit),
                  report("b", ABE, date="2015-11-01", **visit), report("c", ABE, date="2015-11-02", **visit)) == [["a", "b"], ["c"]]


def test_reports_in_two_parts_of_one_article_merge_by_the_same_rules(kb):
    # a very long article is extracted part by part: its parts' reports meet only here
    a = report("a", KISHIDA, YUN, date="2015-03")
    parts = report("a", KISHIDA, KOREA, date="2015-03-21", at=3).events + report("a", KISHIDA, YUN, date="2015-04-02", at=9).events
    long = Extraction(**{**{f: getattr(a, f) for f in a.__dataclass_fields__}, "events": a.events + parts})
    assert sorted(sorted(s.sentence for s in e.spans) for e in resolve([long], kb=kb).events) == [[0, 3], [9]]


def test_other_kinds_merge_by_the_same_rules(kb):
    ml = {"cls": "Event", "key": "martial-law"}
    assert groups(kb, report("a", "ref:yoon-suk-yeol", date="2024-12-03", **ml),
                  report("b", "ref:yoon-suk-yeol", KOREA, date="2024-12", **ml),
                  report("c", "ref:yoon-suk-yeol", date="2024-12-03", cls="Event", key="impeachment")) == [["a", "b"], ["c"]]


def _corpus():
    people = [(KISHIDA, YUN), (ABE, PARK), (KISHIDA, KOREA), (JAPAN, KOREA), (YUN, JAPAN), (ABE,)]
    dates = ["2015-03-21", "2015-03", "2015-03-22", "2015", None, "2015-04-02"]
    places = [SEOUL, None, TOKYO, None]
    out = []
    for i in range(18):
        out.append(report(f"r{i:02d}", *people[i % 6], date=dates[(i * 5) % 6], place=places[i % 4],
                          published=["2015-03-25", "2015-04-03"][i % 2]))
    return out


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False))
def test_events_do_not_depend_on_the_order_of_the_articles(kb, rnd):
    xs = _corpus()
    base = resolve(xs, kb=kb)
    shuffled = list(xs)
    rnd.shuffle(shuffled)
    again = resolve(shuffled, kb=kb)
    assert again.events == base.events


def test_merging_compares_only_reports_that_could_match(kb, monkeypatch):
    # 300 reports of different people in different years: no report is compared with all others
    calls = []
    real = resolve_module._fits
    monkeypatch.setattr(resolve_module, "_fits", lambda *a: calls.append(1) or real(*a))
    pairs = [(KISHIDA, YUN), (ABE, PARK), (KERRY, YUN), (ABE, KOREA), (PARK, JAPAN)]
    rnd = random.Random(7)
    xs = [report(f"r{i:03d}", *pairs[i % 5], date=f"{2000 + i % 20}-{1 + rnd.randrange(12):02d}-{1 + rnd.randrange(28):02d}")
          for i in range(300)]
    r = resolve(xs, kb=kb)
    assert len(r.events) > 100
    assert 0 < len(calls) < 300 * 300 / 20  # comparing every pair would take 300 * 299 / 2
