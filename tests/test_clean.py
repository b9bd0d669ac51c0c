from kg.extract.clean import clean


def test_cleaning_keeps_offsets():
    body = "Home > News\nShare\nPrint\nThe ministers met on Monday.\nAdvertisement\nThey agreed.\n"
    out = clean(body)
    assert len(out) == len(body)
    i = body.index("The ministers")
    assert out[i:i + 28] == body[i:i + 28]
    assert "Home" not in out and "Advertisement" not in out and "Share" not in out


def test_inline_boilerplate_is_masked_even_when_glued():
    body = "Article continues after this advertisementIwaya said so.\n"
    out = clean(body)
    assert out.strip() == "Iwaya said so."
    assert out.index("Iwaya") == body.index("Iwaya")


def test_hard_wrapped_lines_are_joined():
    para = ("Japanese Prime Minister Shigeru\nIshiba announced his resignation on\nSeptember 8, putting a "
            "hold on recent\nmomentum to strengthen relations with\nSeoul after a summit in August.\n")
    out = clean(para * 2)
    assert "Shigeru Ishiba" in out
    assert "on September 8" in out


def test_paragraphs_of_long_lines_are_not_joined():
    body = ("This is a complete paragraph that is long enough to look like prose and ends with a period.\n"
            "Trilateral cooperation\n"
            "Another complete paragraph that is long enough to look like prose and also ends properly.\n") * 2
    out = clean(body)
    assert "\nTrilateral cooperation\n" in out


def test_comments_tail_is_dropped():
    body = "Real text here that matters a lot.\n" * 3 + "Comments\nnice article\n"
    out = clean(body)
    assert "nice article" not in out
