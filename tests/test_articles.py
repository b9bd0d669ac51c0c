from pathlib import Path

import pytest

from kg.articles import find_articles, parse_article, read_article
from kg.errors import ArticleError, InputError


def test_front_matter_is_read():
    a = parse_article("---\ntitle: T\npublisher: P\nauthors: [A B, C D]\npublished: 2025-01-13\nkind: news report\n---\nBody.\n", "x.txt")
    assert a.meta.title == "T"
    assert a.meta.authors == ("A B", "C D")
    assert a.meta.published == "2025-01-13"
    assert a.body == "Body.\n"
    assert a.warnings == ()


def test_no_front_matter_still_loads_with_a_warning():
    a = parse_article("Just text.\n", "plain.txt")
    assert a.body == "Just text.\n"
    assert a.meta.published is None
    assert any("no front matter" in w for w in a.warnings)


@pytest.mark.parametrize("value", ["2025-13-45", "January 2025", "25-01-01"])
def test_bad_published_is_a_warning_naming_the_field(value):
    a = parse_article(f"---\npublished: '{value}'\n---\nText.\n", "bad.txt")
    assert a.meta.published is None
    assert any("bad.txt" in w and "published" in w for w in a.warnings)


def test_precision_of_published_is_kept():
    for value in ("2025", "2025-01", "2025-01-13"):
        a = parse_article(f"---\npublished: '{value}'\n---\nText.\n", "p.txt")
        assert a.meta.published == value


def test_unknown_keys_and_bad_yaml_are_reported():
    a = parse_article("---\ntitle: T\ncolour: red\n---\nText.\n", "u.txt")
    assert any("colour" in w for w in a.warnings)
    b = parse_article("---\ntitle: [unclosed\n---\nText.\n", "y.txt")
    assert any("not valid YAML" in w for w in b.warnings)
    assert b.body == "Text.\n"


def test_empty_and_binary_files_are_refused(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    with pytest.raises(ArticleError, match="empty"):
        read_article(empty)
    binary = tmp_path / "img.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(ArticleError, match="binary"):
        read_article(binary)


def test_find_articles_is_sorted_and_checks_paths(tmp_path):
    (tmp_path / "b.txt").write_text("b")
    (tmp_path / "a.md").write_text("a")
    (tmp_path / "skip.pdf").write_text("x")
    assert [p.name for p in find_articles([tmp_path])] == ["a.md", "b.txt"]
    with pytest.raises(InputError):
        list(find_articles([tmp_path / "missing"]))


def test_article_id_is_stable():
    a = parse_article("x", "dir/000_E798 c8.txt")
    assert a.id == "000-e798-c8"
    assert parse_article("x", str(Path("other") / "000_E798 c8.txt")).id == a.id
