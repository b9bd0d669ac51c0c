from kg.extract.sentences import split


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
