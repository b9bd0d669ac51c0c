from hypothesis import given, settings
from hypothesis import strategies as st
from kg.model import COUNTRY, ORGANIZATION, PERSON, PLACE


def keys(x, kind=None):
    return [m.key for m in x.mentions if kind is None or m.kind == kind]


def test_aliases_and_name_orders_resolve_to_one_person(run):
    x = run("Yoon Suk Yeol met aides. Yoon Seok-yeol later spoke. Yoon Suk-yeol left. "
            "Prime Minister Obuchi Keizo and Keizo Obuchi are one man.")
    persons = keys(x, PERSON)
    assert set(persons) == {"ref:yoon-suk-yeol", "ref:keizo-obuchi"}
    assert persons.count("ref:yoon-suk-yeol") == 3


def test_surname_takes_the_nearest_full_name(run):
    x = run("President Lee Jae-myung met former President Lee Myung-bak. Lee Jae-myung spoke first. "
            "Later, Lee said the talks went well.")
    lees = [m for m in x.mentions if m.text == "Lee"]
    assert lees and all(m.key == "ref:lee-jae-myung" for m in lees)


def test_surname_with_title_resolves_by_office_at_publication(run):
    x = run("President Trump and former Prime Minister Abe were mentioned.", published="2019-06-01")
    assert "ref:donald-trump" in keys(x, PERSON)
    assert "ref:shinzo-abe" in keys(x, PERSON)


def test_unknown_people_from_titles_and_roles(run):
    x = run("SSDP Chairman Masahiro Akiyama wrote the foreword. "
            "Tsuneo Watanabe (Senior Fellow, Sasakawa Peace Foundation) discussed it. "
            "\"It matters,\" said Jane Roe, a professor at Keio University.")
    names = {m.name for m in x.mentions if m.kind == PERSON}
    assert {"Masahiro Akiyama", "Tsuneo Watanabe", "Jane Roe"} <= names
    akiyama = next(m for m in x.mentions if m.name == "Masahiro Akiyama")
    assert akiyama.role == "Chairman"


def test_role_and_country_from_the_text(run):
    x = run("Japanese Foreign Minister Takeshi Iwaya arrived.")
    m = next(m for m in x.mentions if m.kind == PERSON)
    assert m.key == "ref:takeshi-iwaya"
    assert m.role == "Foreign Minister"
    assert m.country == "ref:japan"


def test_organizations_from_name_patterns_and_acronyms(run):
    x = run("Japan's Society of Security and Diplomatic Policy Studies (SSDP) met. Later the SSDP published. "
            "Hankook Research polled 1,000 people. The Korea-Japan Business Conference convened.")
    orgs = {m.name for m in x.mentions if m.kind == ORGANIZATION}
    assert "Society of Security and Diplomatic Policy Studies" in orgs
    assert "Korea-Japan Business Conference" in orgs
    ssdp = [m for m in x.mentions if m.text == "SSDP"]
    assert len(ssdp) == 2 and len({m.key for m in ssdp}) == 1


def test_places_and_countries(run):
    x = run("They met in Seoul, then flew to Kananaskis, Canada, and Osaka. North Korea and South Korea watched.")
    assert {"ref:seoul", "ref:osaka"} <= set(keys(x, PLACE))
    assert any(m.name == "Kananaskis" for m in x.mentions if m.kind == PLACE)
    assert {"ref:north-korea", "ref:south-korea"} <= set(keys(x, COUNTRY))


def test_names_containing_places_are_organizations(run):
    x = run("She studied at the University of Vienna and the University of Michigan.")
    assert not [m for m in x.mentions if m.kind == PLACE]


def test_lower_case_words_are_not_names(run):
    x = run("the national assembly and the supreme court debated, as did the Diet.")
    assert "ref:national-assembly" not in keys(x)


def test_authors_and_publisher_come_from_metadata(run):
    x = run("Text about Seoul.", authors=["Choi Eunmi"], publisher="Yeosijae (Taejae Future Consensus Institute)")
    assert x.authors == ("new:person:choi-eunmi",)
    assert x.publisher is not None


def test_bylines_and_leader_pairs(run):
    x = run("By Jane Roe and John Doe\nThe 2018 Moon-Abe meeting in Tokyo produced warm words.", published="2025-11-01")
    names = {m.name for m in x.mentions if m.kind == PERSON}
    assert {"Jane Roe", "John Doe", "Moon Jae-in", "Shinzo Abe"} <= names


def test_places_by_pattern(run):
    x = run("Kishida landed at Seoul Air Base and later toured the Ginza district. Roh went to Ibusuki.")
    names = {m.name for m in x.mentions if m.kind == PLACE}
    assert {"Seoul Air Base", "Ginza", "Ibusuki"} <= names


def test_a_countrys_foreign_ministry_is_the_reference_ministry(run):
    x = run("South Korea's Foreign Ministry on Tuesday criticized the textbooks. "
            "Japan's Foreign Ministry declined to comment. Later the Foreign Ministry in Tokyo said it would respond.")
    orgs = keys(x, ORGANIZATION)
    assert orgs == ["ref:ministry-of-foreign-affairs-korea", "ref:ministry-of-foreign-affairs-japan",
                    "ref:ministry-of-foreign-affairs-japan"]
    assert not any(k.startswith("new:") for k in orgs)


def test_a_foreign_ministry_of_no_known_country_is_not_a_new_body(run):
    x = run("The Foreign Ministry said it would respond.")
    assert keys(x, ORGANIZATION) == []


def test_quoted_people_introduced_by_their_organization(run):
    x = run("According to Hana Seo of the Asan Institute, the mood improved. Kenji Mori of Keio University "
            "said exchanges were strong. Governor Rhee of the Bank of Korea said rates held. "
            "Minister of Foreign Affairs Cho spoke. Seo added that ties were fine.")
    persons = {m.key for m in x.mentions if m.kind == PERSON}
    assert {"new:person:hana-seo", "new:person:kenji-mori"} <= persons
    assert not any("bank" in k or "minister" in k or "affairs" in k for k in persons)
    assert [m.key for m in x.mentions if m.text == "Seo"] == ["new:person:hana-seo"]


def test_a_hyphenated_given_name_may_start_like_a_month(run):
    x = run('"Progress is slow," said Jang Jun-eun, a professor at Korea University.')
    assert any(m.kind == PERSON and m.name == "Jang Jun-eun" for m in x.mentions)


_WORDS = ["Kim", "kim", "Ki", "Lee", "Lee Jae", "Lees", "Jae-myung", "U.S.", "Abe", "abe's", "Japan", "Japan-Korea", "Seoul", "O'Neil"]


def _compile_alternation(aliases):
    """The one big regex Alternation stands for: every alias, longest first, whole words."""
    import re

    from kg.extract.actors import alias_regex
    uniq = sorted(set(aliases), key=lambda a: (-len(a), a))
    return re.compile(r"(?<![\w])(?:" + "|".join(alias_regex(a) for a in uniq) + r")(?![\w])", re.I)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=6),
       st.lists(st.sampled_from(_WORDS + [" ", "  ", ", ", ".", "-", "\n", "x", "Kimchi", "ABE"]), max_size=25))
def test_alternation_finds_what_the_one_big_regex_finds(aliases, pieces):
    from kg.extract.actors import _ANY_START, _CAPITAL_START, Alternation
    text = "".join(pieces)
    big = _compile_alternation(aliases)
    expected = [(m.start(), m.end()) for m in big.finditer(text)]
    for few in (0, 64):  # one tree-shaped regex of all aliases; one regex per alias
        alt = Alternation(aliases, starts=_ANY_START, few=few)
        assert [(m.start(), m.end()) for m in alt.finditer(text)] == expected
        # with `more` (tried place by place), as one alternation of all the lists
        for other in (["Kimchi"], ["Kimchi", "Lees", "U.S. Japan"]):
            for other_few in (0, 64):
                more = Alternation(other, starts=_ANY_START, few=other_few)
                assert [(m.start(), m.end()) for m in alt.finditer(text, more)] == \
                    [(m.start(), m.end()) for m in _compile_alternation([*aliases, *other]).finditer(text)]
        # from capitals only: each match is the big regex's match at that place, and every
        # match of the big regex that starts with a capital is found
        got = [(m.start(), m.end()) for m in Alternation(aliases, starts=_CAPITAL_START, few=few).finditer(text)]
        for s, e in got:
            m = big.match(text, s)
            assert not text[s].islower() and m is not None and m.end() == e
        assert {(s, e) for s, e in expected if not text[s].islower()} <= set(got)


def test_the_foreign_ministry_of_a_report_filed_from_a_capital(run):
    x = run("TOKYO -- The Foreign Ministry protested on Tuesday.")
    assert keys(x, ORGANIZATION) == ["ref:ministry-of-foreign-affairs-japan"]


def test_the_foreign_ministry_of_the_country_its_sentence_names(run):
    x = run("TOKYO -- The ministers met on Monday. In Seoul, a council set up by the foreign ministry met.")
    assert keys(x, ORGANIZATION) == ["ref:ministry-of-foreign-affairs-korea"]
