from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract.sentences import split, starts


def test_abbreviations_do_not_end_sentences():
    text = "The Dec. 3 decree shocked the U.S. and S. Korea. Mr. Trump spoke on Jan. 20. He left."
    sents = [s.text for s in split(text)]
    assert sents == ["The Dec. 3 decree shocked the U.S. and S. Korea.", "Mr. Trump spoke on Jan. 20.", "He left."]


def test_offsets_point_into_the_text():
    text = "First one.  Second one?\n\nThird\nFourth."
    for s in split(text):
        assert text[s.start:s.end].split() == s.text.split()
    assert [s.text for s in split(text)] == ["First one.", "Second one?", "Third", "Fourth."]


def test_quotes_close_sentences():
    text = '“We agreed,” Cho said. “It matters.” Iwaya nodded.'
    assert len(split(text)) == 3


def _reference_starts(text: str) -> list[int]:
    """The rule applied to spaCy's tokens of the whole text, token by token (slow, plain)."""
    from kg.extract.sentences import _CLOSERS, _FINAL, _INITIAL, abbreviations, pipeline
    doc = pipeline()(text)
    n = len(doc)
    starts = {doc[0].idx} if n and not doc[0].is_space else set()
    for i, tok in enumerate(doc):
        after = None
        if tok.is_space and "\n" in tok.text:
            after = i
        elif tok.text in _FINAL or (tok.text.endswith(".") and len(tok.text) > 1 and tok.text not in abbreviations()
                                    and not _INITIAL.match(tok.text) and not tok.like_num):
            j = i + 1
            while j < n and doc[j].text in _CLOSERS:
                j += 1
            if j < n:
                nxt = doc[j].text
                if nxt[:1].isupper() or nxt[:1].isdigit() or nxt[:1] in "“\"'‘([" or doc[j].is_space:
                    after = j - 1
        if after is not None:
            k = after + 1
            while k < n and doc[k].is_space:
                k += 1
            if k < n:
                starts.add(doc[k].idx)
    if n and doc[0].is_space:
        first = next((t.idx for t in doc if not t.is_space), None)
        if first is not None:
            starts.add(first)
    return sorted(starts)


_PIECES = ["He said", ".", " ", "  ", "\n", "\n\n", "\t", "U.S.", "Dec.", "Mr.", "A.", "3.5", "2024.", '"', "”", "“",
           ")", "(", "?", "!", "…", "...", "talks", "Japan", "Seoul", "-", "'", "’", "e.g.", "No", "x"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_fast_splitter_matches_spacy_tokens(pieces):
    text = "".join(pieces)
    assert starts(text) == _reference_starts(text)
