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


# ---------------------------------------------------------------------------- saved web pages

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Cho, Iwaya pledge closer ties | The Korea Herald</title>
<meta property="og:title" content="Cho, Iwaya pledge closer ties despite crisis">
<meta property="og:site_name" content="The Korea Herald">
<meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2025-01-13T10:00:00+09:00">
<link rel="canonical" href="https://example.org/news/123">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li><li>Share on Facebook</li></ul></nav>
<header><h1>Cho, Iwaya pledge closer ties despite crisis</h1><p class="byline">By Jane Roe</p></header>
<article>
<p>The top diplomats of South Korea and Japan on Monday pledged to keep improving ties. South Korean Foreign
Minister Cho Tae-yul and his Japanese counterpart Takeshi Iwaya met in Seoul.</p>
<p>Iwaya arrived in Seoul on Sunday for a two-day visit, the first by a Japanese foreign minister in seven
years &amp; a sign of &quot;warming&quot; ties.</p>
<p>The two sides agreed to mark the 60th anniversary of the 1965 normalization treaty this year.</p>
</article>
<aside><h3>Most read</h3><ul><li><a href="/x">Celebrity wedding draws crowds in Busan</a></li></ul></aside>
<footer>Copyright 2025 The Korea Herald. All rights reserved.</footer>
</body></html>
"""


def test_html_page_gives_main_text_and_metadata(tmp_path):
    f = tmp_path / "herald.html"
    f.write_text(PAGE, encoding="utf-8")
    a = read_article(f)
    assert a.meta.title == "Cho, Iwaya pledge closer ties despite crisis"
    assert a.meta.publisher == "The Korea Herald"
    assert a.meta.authors == ("Jane Roe",)
    assert a.meta.published == "2025-01-13"
    assert a.meta.url == "https://example.org/news/123"
    assert "Takeshi Iwaya met in Seoul" in a.body and '"warming"' in a.body
    for junk in ("Politics", "Share on Facebook", "Celebrity wedding", "All rights reserved", "<p>"):
        assert junk not in a.body
    assert a.path == str(f) and a.id == "herald"


def test_front_matter_then_sidecar_override_the_page(tmp_path):
    page = tmp_path / "p.html"
    page.write_text(PAGE, encoding="utf-8")
    (tmp_path / "p.yaml").write_text("publisher: Sidecar Daily\npublished: 2025-01-12\nkind: news report\n")
    a = read_article(page)
    assert (a.meta.publisher, a.meta.published, a.meta.kind) == ("Sidecar Daily", "2025-01-12", "news report")
    assert a.meta.title == "Cho, Iwaya pledge closer ties despite crisis"  # not in the sidecar: from the page
    # NAME.html.yaml is looked for first
    (tmp_path / "p.html.yaml").write_text("title: From the exact sidecar\n")
    assert read_article(page).meta.title == "From the exact sidecar"
    assert read_article(page).meta.publisher == "The Korea Herald"  # p.yaml is no longer used
    # front matter at the top of the page wins over both
    page.write_text("---\ntitle: Front matter title\n---\n" + PAGE, encoding="utf-8")
    assert read_article(page).meta.title == "Front matter title"


def test_sidecar_applies_to_text_articles_and_reports_its_own_errors(tmp_path):
    f = tmp_path / "note.txt"
    f.write_text("Cho Tae-yul met Takeshi Iwaya in Seoul on Monday.\n")
    (tmp_path / "note.yaml").write_text("published: 2025-01-13\ncolour: red\n")
    a = read_article(f)
    assert a.meta.published == "2025-01-13"
    assert not any("no front matter" in w for w in a.warnings)
    assert any("note.yaml" in w and "colour" in w for w in a.warnings)


def test_html_offsets_index_the_extracted_text(tmp_path, kb):
    from kg.extract import extract
    f = tmp_path / "herald.html"
    f.write_text(PAGE, encoding="utf-8")
    a = read_article(f)
    x = extract(a, kb=kb)
    assert x.sentences
    for s in x.sentences:
        assert " ".join(a.body[s.start:s.end].split()) == " ".join(s.text.split())
    names = {m.key for m in x.mentions}
    assert {"ref:cho-tae-yul", "ref:takeshi-iwaya", "ref:seoul"} <= names


def test_a_page_without_article_text_is_refused(tmp_path):
    f = tmp_path / "menu.html"
    f.write_text("<html><head><title></title></head><body><img src='x.png'></body></html>")
    with pytest.raises(ArticleError, match="menu.html: no article text found in the HTML page"):
        read_article(f)


def test_find_articles_takes_html_and_leaves_sidecars(tmp_path):
    for name in ("a.html", "b.htm", "a.yaml", "c.txt", "c.txt.yaml", "d.pdf"):
        (tmp_path / name).write_text("x")
    assert [p.name for p in find_articles([tmp_path])] == ["a.html", "b.htm", "c.txt"]


# ---------------------------------------------------------------------------- bad bytes

def _refused(path, data: bytes) -> str:
    path.write_bytes(data)
    with pytest.raises(ArticleError) as info:
        read_article(path)
    message = str(info.value)
    assert str(path) in message and "\n" not in message
    return message


def test_empty_whitespace_image_and_pdf_are_refused_with_the_reason(tmp_path):
    assert "the file is empty" in _refused(tmp_path / "empty.txt", b"")
    assert "only whitespace" in _refused(tmp_path / "blank.txt", b" \n\t\r\n  \n")
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    assert "a PNG image, not text" in _refused(tmp_path / "photo.txt", png)
    assert "a JPEG image, not text" in _refused(tmp_path / "photo.md", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    assert "a PDF document, not text" in _refused(tmp_path / "report.txt", pdf)
    assert "a ZIP archive" in _refused(tmp_path / "memo.txt", b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)))
    assert "binary data, not text" in _refused(tmp_path / "noise.txt", bytes(range(256)) * 8)


ENCODED = [
    ("cp1252", "Foreign Minister Cho Tae-yul said Korea\u2019s \u201cfuture-oriented\u201d ties with Japan matter "
               "\u2014 at a caf\u00e9 in Seoul on Monday.\n"),
    ("euc-kr", "조태열 외교부 장관과 이와야 다케시 일본 외무상이 13일 서울에서 회담을 가졌다. 양국은 관계 개선을 약속했다.\n"),
    ("cp949", "똠방각하: 조태열 외교부 장관은 일본과의 관계 개선이 중요하다고 말했다. 회담은 서울에서 열렸다.\n"),
    ("shift_jis", "岩屋毅外相は13日、ソウルで趙兌烈外交部長官と会談した。両国は関係改善を確認した。\n"),
]


@pytest.mark.parametrize("encoding,text", ENCODED, ids=[e for e, _ in ENCODED])
def test_legacy_encodings_are_detected_and_decoded(tmp_path, encoding, text):
    f = tmp_path / "legacy.txt"
    f.write_bytes(("---\npublished: 2025-01-13\n---\n" + text * 2).encode(encoding))
    a = read_article(f)
    assert a.body == text * 2
    assert any("not UTF-8; read as" in w for w in a.warnings)


def test_an_ambiguous_encoding_is_refused_not_guessed(tmp_path):
    f = tmp_path / "short.txt"
    f.write_bytes("岩屋外相\n".encode("shift_jis"))
    message = _refused(f, f.read_bytes())
    assert "cannot be detected reliably" in message and "UTF-8" in message and "--encoding" in message
    # the user can say what it is
    assert read_article(f, encoding="shift_jis").body == "岩屋外相\n"


def test_utf8_with_a_damaged_byte_stays_utf8(tmp_path):
    text = "Korea\u2019s \u201cties\u201d with Japan \u2014 Cho Tae-yul met Takeshi Iwaya in Seoul.\n"
    data = bytearray(("---\npublished: 2025-01-13\n---\n" + text).encode("utf-8"))
    data[40] = 0xFF
    f = tmp_path / "damaged.txt"
    f.write_bytes(bytes(data))
    a = read_article(f)
    assert "\u2019" in a.body and "\u201d" in a.body and "\u2014" in a.body  # no mojibake
    assert a.body.count("\ufffd") >= 1  # the damage marked
    assert any("replaced with U+FFFD" in w for w in a.warnings)


def test_utf16_and_byte_order_marks(tmp_path):
    text = "---\npublished: 2025-01-13\n---\nCho Tae-yul met Takeshi Iwaya in Seoul.\n"
    for enc, data in (("utf-8-sig", text.encode("utf-8-sig")), ("utf-16", text.encode("utf-16")),
                      ("utf-16-le", text.encode("utf-16-le"))):
        f = tmp_path / f"{enc}.txt"
        f.write_bytes(data)
        a = read_article(f)
        assert a.body == "Cho Tae-yul met Takeshi Iwaya in Seoul.\n", enc
        assert a.meta.published == "2025-01-13", enc


def test_control_characters_become_spaces_and_offsets_stay(tmp_path):
    a = parse_article("---\ntitle: \"A\\x07B\"\n---\nCho\x00 met\x1b Iwaya.\n", "c.txt")
    assert a.body == "Cho  met  Iwaya.\n"
    assert a.meta.title == "A B"


# ---------------------------------------------------------------------------- malformed front matter

def test_unquoted_impossible_date_names_the_field_and_keeps_the_rest():
    a = parse_article("---\ntitle: T\npublished: 2025-13-45\n---\nText.\n", "d.txt")
    assert a.meta.title == "T" and a.meta.published is None
    assert any("d.txt" in w and "'published'" in w and "2025-13-45" in w for w in a.warnings)


def test_bad_yaml_keeps_the_fields_that_parse_and_names_the_one_that_does_not():
    a = parse_article("---\ntitle: [unclosed\npublisher: P\nauthors:\n- A B\n- C D\npublished: 2025-01-13\n---\n"
                      "Text.\n", "y.txt")
    assert (a.meta.publisher, a.meta.authors, a.meta.published) == ("P", ("A B", "C D"), "2025-01-13")
    assert a.meta.title is None
    assert any("y.txt" in w and "field 'title' is not valid YAML" in w for w in a.warnings)


@pytest.mark.parametrize("front,field", [
    ("title: {a: 1}", "title"), ("authors: {a: 1}", "authors"), ("url: not a url", "url"),
    ("published: [2025]", "published"),
])
def test_fields_of_the_wrong_shape_are_named(front, field):
    a = parse_article(f"---\n{front}\n---\nText.\n", "w.txt")
    assert any("w.txt" in w and f"'{field}'" in w for w in a.warnings), a.warnings


def test_an_article_with_nothing_valid_is_refused():
    with pytest.raises(ArticleError, match="n.txt: the article has no text"):
        parse_article("---\ntitle: [unclosed\n---\n\n   \n", "n.txt")


def test_a_page_in_its_declared_charset(tmp_path):
    page = PAGE.replace('<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">')
    page = page.replace("<p>The two sides", "<p>조태열 장관과 이와야 외무상. The two sides")
    f = tmp_path / "kr.html"
    f.write_bytes(page.encode("euc-kr"))
    a = read_article(f)
    assert "조태열 장관과 이와야 외무상." in a.body
