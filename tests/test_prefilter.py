import re

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract import dates, events
from kg.extract.prefilter import DIGIT, Prefilter, lower


def need(p, flags=0):
    return Prefilter(re.compile(p, flags)).need


def test_the_words_a_pattern_needs():
    assert need(r"\b(?:summits?|leaders'? meetings?)\b") == {"summit", " meeting"}
    assert need(r"(?i)\bmet(?=\s+with)") == {"met"}  # lookarounds take no text
    assert need(r"(?:state|official) visit") == {"state visit", "official visit"}
    assert need(r"Summit") == {"summit"}  # the test is on lowercased text
    assert need(r"(?P<y>\d{4})-\d\d") in ({"-"}, {DIGIT})
    assert need(r"\w+ed\b") == {"ed"}


def test_no_pretest_where_a_pattern_needs_no_word():
    assert need(r"(?:talks|\w+)") is None
    assert need(r"\w+\s\w") is None
    assert Prefilter(re.compile(r"\w+\s\w")).may_match("anything")


def test_may_match_says_no_only_without_the_words():
    f = Prefilter(re.compile(r"(?i)\b(?:held|hold) talks\b"))
    assert f.may_match(lower("They HELD TALKS on Monday"))
    assert not f.may_match(lower("They talked on Monday"))
    d = Prefilter(re.compile(r"\d+"))
    assert d.may_match(lower("in 3 days")) and not d.may_match(lower("in three days"))


def _actor_patterns():
    from kg.extract import actors
    from kg.extract.agreements import AgreementFinder
    from kg.reference import load
    kb = load()
    f = actors.ActorFinder(kb)
    return [f.pp.title_regex, f.pp.speech, f.pp.envoy, f.plp.venue, f.plp.district, f.op.regex, actors._SPOUSES,
            actors._VISIT_TO, actors._MINISTRY, actors._EMBASSY, AgreementFinder(kb).generic]


_PATTERNS = ([events.patterns().anaphoric] + [t.regex for t in events.patterns().triggers]
             + [rx for _k, rx in dates._PATTERNS] + [dates._MAYBE_DATE] + _actor_patterns())
_WORDS = sorted({w for p in _PATTERNS for w in (Prefilter(p).need or ()) if w != DIGIT})
_PIECES = _WORDS + [" ", "  ", ", ", ".", "-", "\n", "'", '"', "x", "Seoul", "Kishida", "7", "2025", "MET", "Summit",
                    "ſ", "İ", "Jan.", "with", "the", "He", "Visited", "on", "Jane Roe", "Foreign", "Minister", "Korea",
                    "Japan's", "Institute", "University", "of", "Lee Jae-myung", "said", "Embassy", "Ministry"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14), st.sampled_from(_PATTERNS))
def test_the_pretest_never_hides_a_match(pieces, rx):
    from kg.extract.prefilter import prefilter
    text = "".join(pieces)
    if rx.search(text):
        # (prefilter(): the pre-test extraction uses, read from a plainer pattern for some)
        assert Prefilter(rx).may_match(lower(text)) and prefilter(rx).may_match(lower(text)), (rx.pattern[:80], text)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14))
def test_no_date_pattern_matches_where_the_first_date_pretest_says_no(pieces):
    """find_dates returns at once when _MAYBE_DATE's pre-test says no: no date pattern may
    match such a text."""
    from kg.extract.prefilter import prefilter
    text = "".join(pieces)
    if any(rx.search(text) for _k, rx in dates._PATTERNS):
        assert prefilter(dates._MAYBE_DATE).may_match(lower(text)), text


def test_the_pretest_of_one_of_several_patterns():
    both = Prefilter.any_of([Prefilter(re.compile(r"\bsummit\b")), Prefilter(re.compile(r"(?i)held talks"))])
    assert both.need == {"summit", "held talks"}
    assert both.may_match(lower("They held talks")) and not both.may_match(lower("They talked"))
    assert Prefilter.any_of([Prefilter(re.compile(r"summit")), Prefilter(re.compile(r"\w+\s\w"))]).need is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["summit", "summits", "talks", "met", "meeting", "visit", "visited", "call",
                                 "phone call", "sum", "meet", "a b"]), min_size=1, max_size=12, unique=True),
       st.text(alphabet="summitalkseg bvpho", max_size=40))
def test_many_words_in_one_pass_say_what_a_search_for_each_says(words, text):
    """Over eight words, may_match searches for all of them as one tree-shaped regex."""
    from kg.extract.prefilter import _FEW_WORDS, Prefilter
    pre = Prefilter("|".join(words))
    assert (pre._any is not None) == (len(pre._words) > _FEW_WORDS)
    assert pre.may_match(text) == any(w in text for w in words)


_MIN = re.compile(r"(?<![\w'])(?!(?i:the|a)\b)(?P<port>[a-z]+(?:[ \t][a-z]+)?|[A-Z][a-z]+(?:[ \t][A-Z][a-z]+)?)"
                  r"[ \t]+(?i:ministry)\b")
_VENUES = r"(?:Air Base|Base|Convention Center|Center|Air)"
_VENUE = re.compile(rf"(?<![\w-])(?:[A-Z][\w.'&-]*[ \t]+){{1,4}}{_VENUES}(?![\w])")


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["ministry", "Ministry", "ministrys", "the", "a", "foreign", "Foreign", "Defense",
                                 "trade", "Air", "Base", "Osan", "Convention", "Center", "Centers", "-", " ", " ",
                                 "\t", "'", ".", "x", "ministry ministry"]), max_size=18),
       st.sampled_from([(_MIN, r"(?i:ministry)\b"), (_VENUE, _VENUES + r"(?![\w])")]))
def test_matches_found_from_their_ending_are_the_matches(pieces, case):
    from kg.extract.prefilter import finditer_ending
    text = "".join(pieces)
    pattern, ending = case
    assert [m.span() for m in finditer_ending(pattern, re.compile(ending), text)] == \
        [m.span() for m in pattern.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aZ ’‘“”–—‐‑\u00a0ſıKﬅﬆİ.é", max_size=30))
def test_folding_by_replace_is_folding_by_table(text):
    """match_text and lower replace the few characters they fold one by one (faster than
    str.translate); the result is the table's."""
    from kg.extract.actors import _TRANS, match_text
    from kg.extract.prefilter import _FOLD
    assert match_text(text) == text.translate(_TRANS)
    assert lower(text) == text.lower().translate(_FOLD)
