import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.extract.dates import find_dates, tense


def values(text, published):
    return [(d.value, d.end_value) for d in find_dates(text, published)]


@pytest.mark.parametrize("text,published,expected", [
    ("The Dec. 3 martial law", "2025-01", [("2024-12-03", None)]),
    ("the inauguration on Jan. 20", "2025-01-13", [("2025-01-20", None)]),
    ("The ministers met on Monday.", "2025-01-13", [("2025-01-13", None)]),
    ("He is scheduled to visit on Tuesday.", "2025-01-13", [("2025-01-14", None)]),
    ("They spoke last Friday.", "2023-08-25", [("2023-08-18", None)]),
    ("yesterday", "2025-02-23", [("2025-02-22", None)]),
    ("Delegations went from April 3-11.", "2022-05-11", [("2022-04-03", "2022-04-11")]),
    ("the summit in Hiroshima from May 19 to 21", "2023-05-08", [("2023-05-19", "2023-05-21")]),
    ("March 16-17, 2023", None, [("2023-03-16", "2023-03-17")]),
    ("Kishida's cabinet took office last October", "2022-05-11", [("2021-10", None)]),
    ("the meeting last held in October 2011", "2025-01-13", [("2011-10", None)]),
    ("It happened in 2023.", "2025-09", [("2023", None)]),
    ("Earlier this year the row eased.", "2025-09", [("2025", None)]),
    ("We held a seminar in July", "2021-01-11", [("2020-07", None)]),
    ("on 16 March 2023", None, [("2023-03-16", None)]),
    ("2022.05.11", None, [("2022-05-11", None)]),
    ("mid-December", "2025-01-13", [("2024-12", None)]),
    ("the summit in August", "2025-09", [("2025-08", None)]),
    ("Two weeks ago in Gyeongju", "2025-11-13", [("2025-10", None)]),
    ("Ten years ago today", "2025-12-28", [("2015-12-28", None)]),
    ("On the 17th, Yoon is scheduled to attend", "2023-03-17", [("2023-03-17", None)]),
    ("They met last week.", "2023-03-03", [("2023-02", None)]),
])
def test_date_table(text, published, expected):
    assert values(text, published) == expected


def test_relative_days_count_from_the_right_anchor():
    nxt = find_dates("The next day she held phone talks.", "2023-09-23", anchor="2023-09-13")
    assert nxt[0].value == "2023-09-14"
    prev = find_dates("The previous day, Yoon joined a session.", "2023-05-22", anchor="2023-05-07",
                      story_day="2023-05-21")
    assert prev[0].value == "2023-05-20"


def test_that_evening_is_the_day_just_named():
    found = find_dates("That evening, the two leaders spoke by phone.", "2015-12-30", anchor="2015-12-28",
                       story_day="2015-12-29")
    assert [d.value for d in found] == ["2015-12-28"]


def test_paragraph_year_applies_to_month_and_day_only():
    assert find_dates("Kishida returned the visit on May 7.", "2024-09", context_year=2023)[0].value == "2023-05-07"
    assert find_dates("Lee's trip to Tokyo in August.", "2025-11", context_year=2023)[0].value == "2025-08"


@pytest.mark.parametrize("text", ["42.7 percent", "300 seats", "the 1990s", "2+2 talks", "the G7"])
def test_not_dates(text):
    assert find_dates(text, "2025-01-01") == []


def test_relative_dates_stay_unresolved_without_a_publication_date():
    found = find_dates("They met on Monday and again last October.", None)
    assert [d.text for d in found] == ["on Monday", "last October"]
    assert all(d.value is None for d in found)


def test_may_the_modal_is_not_a_month():
    assert find_dates("Both leaders May be passive.", "2022-05-11") == []
    assert values("They met on May 7.", "2023-05-08") == [("2023-05-07", None)]
    assert values("They agreed in May on a plan.", "2016-09-30") == [("2016-05", None)]
    assert values("He summoned a diplomat last May to protest.", "2020-04-08") == [("2019-05", None)]


def test_past_tense_month_is_the_most_recent_one_before_publication():
    assert values("The two ministers met in January.", "2022-11-20") == [("2022-01", None)]
    assert values("The two ministers met on January 26.", "2022-11-20") == [("2022-01-26", None)]
    assert values("The envoy was recalled in February.", "2022-12") == [("2022-02", None)]
    assert values("They will meet in January.", "2022-11-20") == [("2023-01", None)]


def test_tense():
    assert tense("He will visit Seoul.") == "future"
    assert tense("He visited Seoul.") == "past"


@given(st.dates(), st.sampled_from(["January", "March", "June", "Sept.", "Dec."]), st.integers(1, 28))
def test_month_day_resolves_within_a_year_of_publication(pub, month, day):
    found = find_dates(f"on {month} {day}", pub.isoformat())
    assert len(found) == 1
    value = found[0].value
    assert value is not None and len(value) == 10
    import datetime
    delta = abs((datetime.date.fromisoformat(value) - pub).days)
    assert delta <= 366
