"""Property-based tests of the small functions every fact passes through (IRI minting, literal
escaping, name keys, dates), and a fuzz test that mutates seed articles and runs the whole
per-article pipeline (read, extract, resolve, map, serialize) on each mutant."""
from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from kg.articles import decode, parse_article, sniff_binary
from kg.errors import ArticleError
from kg.extract import extract
from kg.extract.actors import norm_key, new_key
from kg.extract.dates import find_dates
from kg.model import ORGANIZATION, PERSON, PLACE
from kg.rdf import Minter, clean_literal, to_graph
from kg.reference import slug
from kg.resolve import resolve
from kg.terms import DATA

ROOT = Path(__file__).resolve().parent.parent
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# anything a serializer must escape, and what people put in names and titles
NASTY = st.text(alphabet=st.sampled_from(list("\"'<>\\\n\r\t#{}|^`@:;,.()[]/?&=%+ _-")
                                          + ["é", "ü", "ß", "İ", "ﬁ", "조", "岩", "\U0001f1f0", "😀", "\u200b", "\x00",
                                             "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\ufeff", "a", "Z", "0"]),
                max_size=40)
ANY_TEXT = st.one_of(st.text(max_size=60), NASTY)


def turtle_roundtrip(triples) -> Graph:
    g = Graph()
    for t in triples:
        g.add(t)
    data = g.serialize(format="turtle")
    back = Graph().parse(data=data, format="turtle")
    pyoxigraph.parse(data.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE)  # a second, strict parser
    return back


# ---------------------------------------------------------------------------- IRIs

@given(ANY_TEXT)
@example("İstanbul")
@example("")
@example("---")
def test_slug_is_iri_safe_and_idempotent(text):
    s = slug(text)
    assert SLUG.match(s) or s == "x"
    assert slug(s) == s


@given(st.lists(st.tuples(st.sampled_from([PERSON, ORGANIZATION, PLACE]), st.sampled_from(["ref", "new"]), ANY_TEXT),
                max_size=25))
def test_minter_gives_one_valid_iri_per_key(keys):
    m = Minter()
    minted: dict[tuple, URIRef] = {}
    for kind, scheme, name in keys:
        key = f"ref:{name}" if scheme == "ref" else f"new:{kind}:{name}"
        iri = m.entity(kind, key)
        pyoxigraph.NamedNode(str(iri))  # raises on an invalid IRI
        assert str(iri).startswith(str(DATA) + f"{kind}/")
        assert minted.setdefault((kind, key), iri) == iri  # the same key, the same IRI
    by_iri: dict[URIRef, tuple] = {}
    for k, iri in minted.items():
        assert by_iri.setdefault(iri, k) == k  # never one IRI for two keys
    for kind, key in minted:
        assert m.entity(kind, key) == minted[(kind, key)]  # stable after the fact


@given(st.lists(ANY_TEXT, max_size=10))
def test_event_agreement_and_dispute_iris_are_valid_and_distinct(keys):
    m = Minter()
    seen = {}
    for k in keys:
        for iri in (m.event(k), m.agreement(f"new:agreement:{k}"), m.dispute(f"ref:{k}")):
            pyoxigraph.NamedNode(str(iri))
            assert seen.setdefault(iri, (k, str(iri).split("/id/")[1].split("/")[0])) == \
                (k, str(iri).split("/id/")[1].split("/")[0])


# ---------------------------------------------------------------------------- literals

@given(ANY_TEXT)
@example('He said "no" <b> \\ # > \n next line \x00\x1f\x7f\x9f 😀')
def test_clean_literal_keeps_every_printable_character_and_survives_turtle(text):
    cleaned = clean_literal(text)
    assert cleaned == "".join(ch for ch in text if ch in "\t\n" or not (ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0))
    assert clean_literal(cleaned) == cleaned
    back = turtle_roundtrip([(URIRef("urn:x"), RDFS.label, Literal(cleaned))])
    assert [str(o) for o in back.objects()] == [cleaned]


@given(ANY_TEXT, ANY_TEXT, ANY_TEXT)
def test_front_matter_text_reaches_the_graph_as_written(title, author, body):
    """Whatever a title or author holds, the article parses or is refused with an
    ArticleError, and its labels survive Turtle exactly as the reader cleaned them."""
    fm = f"---\ntitle: {_yaml_str(title)}\nauthors: [{_yaml_str(author)}]\npublished: 2025-01-13\n---\n"
    try:
        art = parse_article(fm + "Cho Tae-yul met Takeshi Iwaya in Seoul. " + body, "t.txt")
    except ArticleError:
        return
    art.body.encode("utf-8")
    triples = [(URIRef("urn:a"), RDFS.label, Literal(clean_literal(art.meta.title or "")))]
    triples += [(URIRef("urn:a"), RDFS.comment, Literal(clean_literal(a))) for a in art.meta.authors]
    back = turtle_roundtrip(triples)
    assert {str(o) for o in back.objects()} == {str(t[2]) for t in triples}


def _yaml_str(s: str) -> str:
    return '"' + "".join(c if c.isprintable() and c not in '"\\' else f"\\U{ord(c):08x}" for c in s) + '"'


# ---------------------------------------------------------------------------- names

ASCII_NAME = st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8), min_size=1, max_size=4)


@given(ANY_TEXT)
def test_norm_key_is_idempotent_and_has_no_separators(text):
    k = norm_key(text)
    assert norm_key(k) == k
    assert not re.search(r"[\s\-'.’]", k)


@given(ASCII_NAME, st.lists(st.sampled_from([" ", "-", "  ", " - ", "'", ".", "’"]), min_size=3, max_size=3))
def test_norm_key_ignores_case_spacing_hyphens_and_apostrophes(words, seps):
    plain = " ".join(words)
    varied = "".join(w.upper() if i % 2 else w.capitalize()
                     for i, w in enumerate(words)) if len(words) == 1 else \
        seps[0].join(w.upper() if i % 2 else w.capitalize() for i, w in enumerate(words))
    assert norm_key(plain) == norm_key(varied)


@given(ASCII_NAME, st.randoms())
def test_new_key_ignores_word_order_for_people_only(words, rnd):
    shuffled = words[:]
    rnd.shuffle(shuffled)
    assert new_key(PERSON, " ".join(words)) == new_key(PERSON, " ".join(shuffled))
    assert new_key(PERSON, " ".join(words).upper()) == new_key(PERSON, " ".join(words))
    if shuffled != words and len(set(words)) == len(words):
        assert new_key(ORGANIZATION, " ".join(words)) != new_key(ORGANIZATION, " ".join(shuffled))


@given(st.sampled_from([PERSON, ORGANIZATION, PLACE]), ANY_TEXT)
def test_new_key_mints_a_valid_iri(kind, name):
    k = new_key(kind, name)
    assert k.startswith(f"new:{kind}:")
    pyoxigraph.NamedNode(str(Minter().entity(kind, k)))


# ---------------------------------------------------------------------------- dates

DAYS = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31))
MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December"]
ABBREV = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]


@given(DAYS, st.sampled_from(["mdy", "mdy_abbrev", "dmy", "iso"]), st.sampled_from([None, "2025-01-13", "2010-06"]))
def test_a_full_date_resolves_to_itself(day, style, published):
    text = {"mdy": f"{MONTH_NAMES[day.month - 1]} {day.day}, {day.year}",
            "mdy_abbrev": f"{ABBREV[day.month - 1]} {day.day}, {day.year}",
            "dmy": f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}",
            "iso": day.isoformat()}[style]
    sentence = f"The two ministers met in Seoul on {text} to discuss trade."
    found = find_dates(sentence, published)
    assert [d.value for d in found] == [day.isoformat()], found


@given(DAYS, st.sampled_from(list(range(7))))
def test_a_weekday_resolves_within_a_week_of_publication(published, weekday):
    name = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][weekday]
    found = find_dates(f"The ministers met in Seoul on {name}.", published.isoformat())
    assert len(found) == 1
    value = dt.date.fromisoformat(found[0].value)
    assert value.weekday() == weekday
    assert abs((value - published).days) <= 7


@given(ANY_TEXT, st.sampled_from([None, "2025", "2025-01", "2025-01-13"]))
@example("Feb. 30, 2024 and 2024-02-30 and May 99", "2025-01-13")
def test_find_dates_never_fails_and_gives_real_dates_at_their_precision(text, published):
    for d in find_dates(text, published):
        assert text[d.start:d.end] == d.text
        for v in (d.value, d.end_value):
            if v is not None:
                assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", v), v
                y, m, day = (list(map(int, v.split("-"))) + [1, 1])[:3]
                dt.date(y, m, day)


# ---------------------------------------------------------------------------- reading bytes

@given(st.binary(max_size=300))
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_any_bytes_are_text_or_refused_with_a_reason(data):
    if sniff_binary(data):
        return
    try:
        text, _warnings = decode(data, "x.txt")
    except ArticleError as exc:
        assert "x.txt" in str(exc)
        return
    text.encode("utf-8")  # no lone surrogates


# ---------------------------------------------------------------------------- fuzzing articles

BOILERPLATE = ["Article continues after this advertisement", "Advertisement", "READ: Something else entirely",
               "Share this article", "Copyright 2025 The Daily. All rights reserved.", "Home > World > Asia",
               "Tags: Korea, Japan", "Photo: Yonhap", "Story continues below advertisement", "Back to top"]
CASES = 1000
EXCERPT_PARAGRAPHS = 3


@dataclass(frozen=True)
class Fact:
    kind: str  # "mention" or "event"
    key: tuple
    start: int  # body offsets: of the mention itself, or of the sentence that says the event
    end: int
    sentence: tuple[int, int]  # the body offsets of the sentence that says it


def seed_excerpts() -> list[str]:
    """A few paragraphs of each seed article, front matter kept: small enough to run a
    thousand times."""
    out = []
    for f in sorted((ROOT / "seeds").glob("*.txt")):
        text = f.read_text(encoding="utf-8")
        m = re.match(r"---\n.*?\n---\n", text, re.S)
        fm, body = text[:m.end()], text[m.end():]
        paras = [p for p in body.split("\n") if len(p.strip()) > 80][:EXCERPT_PARAGRAPHS]
        out.append(fm + "\n\n".join(paras) + "\n")
    return out


def facts(x) -> set[Fact]:
    """Context-free facts: people and places named in full from the reference knowledge,
    and dated events with their kind. Each with the sentence that says it."""
    sent = {s.index: s for s in x.sentences}
    out = set()
    for m in x.mentions:
        if m.via == "alias" and m.kind in (PERSON, PLACE) and len(m.text.split()) >= 2:
            s = sent[m.span.sentence]
            out.add(Fact("mention", (m.key, m.text), m.span.start, m.span.end, (s.start, s.end)))
    for e in x.events:
        if e.date:
            for sp in e.spans:
                s = sent[sp.sentence]
                out.add(Fact("event", (e.cls, e.key, e.date), s.start, s.end, (s.start, s.end)))
    return out


def mutate(body: str, rnd: random.Random) -> tuple[str, int, int, int, str]:
    """(new body, start, end of the changed region in the old body, its length change, what)."""
    op = rnd.choice(["insert", "delete", "flip", "boilerplate", "boilerplate_inline", "duplicate_line"])
    n = len(body)
    if op == "insert":
        i = rnd.randrange(n + 1)
        piece = rnd.choice(["", " ", "\n", "\n\n", ".", "“", "\"", "<b>", "\\", "#", ">", "😀", "\x00", "\x1f",
                            "Mr.", " said ", " on Monday", " 2025-13-45 ", "조태열", "\ufeff"]) * rnd.randint(1, 3)
        return body[:i] + piece + body[i:], i, i, len(piece), op
    if op == "delete":
        i = rnd.randrange(n)
        j = min(n, i + rnd.randint(1, 40))
        return body[:i] + body[j:], i, j, i - j, op
    if op == "flip":
        raw = bytearray(body.encode("utf-8"))
        k = rnd.randrange(len(raw))
        raw[k] ^= 1 << rnd.randrange(8)
        # the damaged character's place in the text: count the characters before byte k
        i = len(bytes(raw[:k]).decode("utf-8", errors="ignore"))
        return raw, max(0, i - 2), min(n, i + 4), 0, op
    if op in ("boilerplate", "duplicate_line"):
        starts = [0] + [m.end() for m in re.finditer(r"\n", body)]
        i = rnd.choice(starts)
        line = rnd.choice(BOILERPLATE) if op == "boilerplate" else "Advertisement"
        piece = line + "\n"
        return body[:i] + piece + body[i:], i, i, len(piece), op
    # an inline phrase at a sentence end
    ends = [m.end() for m in re.finditer(r"[.!?]\s", body)] or [n]
    i = rnd.choice(ends)
    piece = rnd.choice(["Article continues after this advertisement ", "(Yonhap) ", "Continue reading below "])
    return body[:i] + piece + body[i:], i, i, len(piece), op


def _quotes(text: str) -> int:
    return sum(text.count(q) for q in '"“”')


def run_case(text_or_bytes, name: str, kb):
    """The per-article pipeline: decode, parse, extract, resolve, map, serialize, parse back."""
    if isinstance(text_or_bytes, (bytes, bytearray)):
        data = bytes(text_or_bytes)
        if sniff_binary(data):
            return None, None
        try:
            text, warnings = decode(data, name)
        except ArticleError:  # refused with its reason: what a reader of bad bytes should do
            return None, None
    else:
        text, warnings = text_or_bytes, []
    try:
        art = parse_article(text, name, warnings=warnings)
    except ArticleError:
        return None, None
    x = extract(art, kb=kb)
    g = to_graph(resolve([x], kb=kb), kb=kb, include_ontology=False)
    data = g.serialize(format="turtle").encode("utf-8")
    n = sum(1 for _ in pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.TURTLE))
    assert n == len(g)
    return art, x


def test_fuzzed_seed_articles_never_crash_stay_valid_turtle_and_keep_untouched_facts(kb):
    rnd = random.Random(20250113)
    excerpts = seed_excerpts()
    baselines = []
    for i, text in enumerate(excerpts):
        art, x = run_case(text, f"seed{i}.txt", kb)
        baselines.append((text, art, facts(x)))
    assert sum(len(f) for _, _, f in baselines) >= 10  # the excerpts do hold facts to keep
    ran, kept, checked = 0, 0, 0
    for case in range(CASES):
        text, art, base = baselines[case % len(baselines)]
        fm_len = len(text) - len(art.body)
        mutated, start, end, delta, op = mutate(art.body, rnd)
        if isinstance(mutated, bytearray):
            source = text[:fm_len].encode("utf-8") + bytes(mutated)
        else:
            source = text[:fm_len] + mutated
        new_art, x = run_case(source, f"case{case}.txt", kb)
        ran += 1
        if new_art is None:
            continue
        if op == "flip":  # a damaged multi-byte character may decode to more characters
            delta = len(new_art.body) - len(art.body)
        if _quotes(art.body) != _quotes(new_art.body):
            # a quotation mark added or removed changes what is quoted up to the paragraph's
            # end (quotes may run over several sentences): that is all touched
            para_end = art.body.find("\n", end)
            end = len(art.body) if para_end == -1 else para_end
        got = facts(x)
        for f in base:
            s_start, s_end = f.sentence
            # a sentence the mutation did not reach, with a margin: a removed full stop or an
            # inserted one moves the sentence's neighbour's boundary
            if not (s_end + 1 < start or s_start > end + 1):
                continue
            shift = 0 if s_end < start else delta
            checked += 1
            assert any(g.kind == f.kind and g.key == f.key and abs(g.start - (f.start + shift)) <= 2
                       and abs(g.end - (f.end + shift)) <= 2 for g in got), (case, op, f, start, end, delta)
            kept += 1
    assert ran == CASES
    assert checked > CASES  # the assertion above did real work
