import re

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract.actors import alias_regex
from kg.extract.trie import alternation

_WORDS = ["minister", "Minister", "prime minister", "min", "mi", "foreign minister", "president", "pres",
          "co-chair", "cochair", "chair", "o'neil", "oneil", "vice president", "vice", "m"]


def _plain(words, char, fold):
    words = {w.lower() if fold else w for w in words}
    return "|".join("".join(char(c) for c in w) for w in sorted(words, key=lambda w: (-len(w), w)))


def test_an_empty_list_matches_nothing():
    assert re.compile(alternation([])).search("anything") is None


def test_shared_prefixes_are_written_once():
    rx = alternation(["prime minister", "president", "pres"])
    assert rx.count("p") == 1 and re.fullmatch(rx, "president") and re.fullmatch(rx, "pres")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=8),
       st.lists(st.sampled_from(_WORDS + [" ", "-", "x", "'", "s", ". "]), max_size=12),
       st.sampled_from([(re.escape, False), (alias_regex, False), (alias_regex, True)]))
def test_the_tree_matches_what_the_longest_first_alternation_matches(words, pieces, how):
    char, fold = how
    text = "".join(pieces)
    flags = re.I if fold else 0
    tree = re.compile(r"\b(?:" + alternation(words, char=char, fold=fold) + r")\b", flags)
    plain = re.compile(r"\b(?:" + _plain(words, char, fold) + r")\b", flags)
    assert [m.span() for m in tree.finditer(text)] == [m.span() for m in plain.finditer(text)]
