from kg.extract import extract
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
