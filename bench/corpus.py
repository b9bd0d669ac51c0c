"""A synthetic corpus of wire copy about South Korea–Japan relations, with the facts a careful
annotator would mark in it, and a scorer that reads a built graph against those facts.

    python -m bench.corpus --articles 1000 --out /tmp/c1k [--seed 0]
    kg build /tmp/c1k/articles --out /tmp/b1k --no-html
    python -m bench.corpus --score /tmp/b1k/graph.ttl --expected /tmp/c1k/expected.json [-v] [--json OUT]

From Python:

    from bench.corpus import generate, score
    corpus = generate(1000, Path("/tmp/c1k"), seed=0)   # Corpus(folder, expected, articles, bytes, ...)
    result = score(Path("/tmp/b1k/graph.ttl"), corpus.expected)
    result["categories"]["events"]["f1"]

**The articles** (`out/articles/00001.txt` ...) look like wire copy and news pages: YAML front
matter (title, publisher, authors, published, url, kind), sometimes a menu line, the
headline, a byline, a dateline ("SEOUL, March 3 (Yonhap) --", "TOKYO --"), then about 6 KB
of prose on average. Most sentences are background, quotes and commentary that hold no
fact; 1-4 sentences per news report state one: meetings, summits, visits, phone talks,
agreements signed, summons and court rulings, each written with one of many templates
(active and passive, "held talks with", "met ... on the sidelines of", "arrived in ... for a
three-day visit", "spoke by phone", "signed", "agreed to"), dated "on Tuesday", "on March 3",
"March 3, 2024", "in March", "last October" and so on. Articles also name agreements and
disputes from the reference knowledge, quote analysts (invented names at real institutes),
and carry page boilerplate (menus, share buttons, "Advertisement", "READ:" links, related
headlines, copyright lines). A share of the articles is hard-wrapped at 72 columns and a
share states no fact at all. Actors, offices, places, agreements and disputes come from
`ontology/reference/*.yaml`; a person is given an office only at dates that the reference
tenures cover with certainty ("then-" or "former" when they no longer hold it at the
publication date). The events come from a fixed timeline of about 40 a year (2008-2025) at
rates like real Korea–Japan(–U.S.) diplomacy, so a larger corpus reports the same events
more often, in other words and at other date precisions, as real coverage does. Everything
is drawn from `random.Random(seed)`: the same seed gives byte-identical files. 10,000
articles (about 64 MB) take about 7 s of CPU.

**expected.json** holds:

- `entities`: every entity the facts name, `{id: {category, name, aliases}}`; reference
  entities keep their reference ids, invented people (analysts, bylines) and outlets get
  `synthetic-...` ids;
- `documents`: per article file, `mentions` and `optional` (category -> ids; optional
  entities are neither credited nor counted as false positives: datelines, metonymic
  "Seoul said", names inside boilerplate, the publisher, a place inside a dispute's name),
  `events` and `optional_events` (planned events, multilateral summits named as a
  backdrop), and `agreements`. Each event and agreement carries its type, date as precise
  as the article gives it, participants (or signatories and parties), location, the
  template and date style it was written with, and the sentence;
- `events`: the real-world events, once each, with the articles that report them.

**Scoring** reads the graph through local names only (Person, Country, Organization, Place,
Event ⊒ Meeting ⊒ Summit, Visit, Agreement, Dispute, Article; label / altLabel /
hiddenLabel, mentionedIn, sourceFile, participant, date, location, kind, signatory, party),
following rdfs:subClassOf and rdfs:subPropertyOf, like tests/golden/score.py. Names are
compared as tests/golden/score.py compares them (case, punctuation, accents and word order
folded). It uses pyoxigraph: a graph of 1M triples scores in about 8 s.

- `categories` (the headline): per article. An entity category counts (article, entity)
  pairs: a graph node of the class that is `kg:mentionedIn` the article and whose labels
  name an expected entity of the article is a true positive, one naming an optional entity
  is ignored, any other is a false positive. Events are matched per article like
  tests/golden/score.py matches them: event nodes mentioned in the article against the
  article's expected events, one to one, requiring a compatible type (Meeting and Summit
  are interchangeable, Event accepts any), a date compatible at the coarser precision and
  at least one shared participant. Agreements: a reference agreement by name; a new one
  (a memorandum signed at talks) by a compatible date and a shared signatory or party.
- `distinct`: the same over the whole corpus, as tests/golden/score.py counts it: each
  expected entity or real-world event once, each graph node once; a node that stands only
  for optional entities, or for optional events of the articles that mention it, is not counted.
- `event_attributes` (on matched events): date exact, participant F1 (graph participants of
  the categories the expected participants belong to), location, type exact.
- `by_template` and `by_date_style`: event recall per sentence template and date phrasing,
  which is where the extractor's weak spots show.
- `misses` and `false_positives`: the most frequent labels; `miss_examples`: sentences
  whose event was not found.
"""
from __future__ import annotations

import argparse
import bisect
import datetime as dt
import json
import random
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "ontology" / "reference"
FORMAT = "kg-bench-corpus/1"

CATEGORIES = ("persons", "countries", "organizations", "places", "agreements", "disputes")
ACTOR_CATEGORIES = CATEGORIES[:4]
LEADER_OFFICES = {"president", "acting-president", "prime-minister", "supreme-leader"}

FIRST_DAY = dt.date(2008, 3, 1)
LAST_DAY = dt.date(2025, 11, 15)

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
AP_MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


@dataclass(frozen=True)
class Corpus:
    """A generated corpus: the articles folder, the expected facts, and its size."""

    folder: Path
    expected: Path
    articles: int
    bytes: int
    events: int = 0
    agreements: int = 0
    seed: int = 0


# ============================================================================ reference data

def _load_yaml(name: str):
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(REFERENCE / name, encoding="utf-8") as f:
        return yaml.load(f, Loader=loader) or []


def _bound(text: str, *, latest: bool) -> dt.date:
    """The earliest (or latest) day a YYYY / YYYY-MM / YYYY-MM-DD string can mean."""
    parts = [int(p) for p in str(text).split("-")]
    y = parts[0]
    m = parts[1] if len(parts) > 1 else (12 if latest else 1)
    if len(parts) > 2:
        return dt.date(y, m, parts[2])
    if not latest:
        return dt.date(y, m, 1)
    nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


class Reference:
    """The reference knowledge the generator draws from (read straight from the YAML)."""

    def __init__(self):
        self.persons = {}
        self.tenures = defaultdict(list)  # (office, country) -> [(pid, first certain day, first day not certain)]
        for rec in _load_yaml("persons.yaml"):
            if rec["id"] in self.persons:
                continue
            self.persons[rec["id"]] = rec
            for o in rec.get("offices") or []:
                start = _bound(o["start"], latest=True) if o.get("start") else FIRST_DAY
                end = _bound(o["end"], latest=False) if o.get("end") else LAST_DAY + dt.timedelta(days=1)
                self.tenures[(o["office"], o["country"])].append((rec["id"], start, end))
        self.countries = self._by_id("countries.yaml")
        self.orgs = self._by_id("organizations.yaml")
        self.places = self._by_id("places.yaml")
        self.agreements = self._by_id("agreements.yaml")
        self.disputes = self._by_id("disputes.yaml")
        self.category = {}
        for cat, table in (("persons", self.persons), ("countries", self.countries),
                           ("organizations", self.orgs), ("places", self.places),
                           ("agreements", self.agreements), ("disputes", self.disputes)):
            for i in table:
                self.category.setdefault(i, cat)

    @staticmethod
    def _by_id(name):
        out = {}
        for rec in _load_yaml(name):
            out.setdefault(rec["id"], rec)
        return out

    def record(self, eid: str) -> dict:
        cat = self.category[eid]
        return {"persons": self.persons, "countries": self.countries, "organizations": self.orgs,
                "places": self.places, "agreements": self.agreements, "disputes": self.disputes}[cat][eid]

    def holders(self, office: str, country: str, day: dt.date) -> list[str]:
        return sorted({pid for pid, s, e in self.tenures.get((office, country), ()) if s <= day < e})

    def holder(self, office: str, country: str, day: dt.date) -> str | None:
        h = self.holders(office, country, day)
        return h[0] if len(h) == 1 else None

    def holds(self, pid: str, office: str, country: str, day: dt.date) -> bool:
        return any(p == pid and s <= day < e for p, s, e in self.tenures.get((office, country), ()))

    def leader(self, country: str, day: dt.date) -> tuple[str, str] | None:
        """(person, office) leading a country's government on a day, when certain."""
        if country == "south-korea":
            acting = self.holders("acting-president", country, day)
            if acting:
                return (acting[0], "acting-president") if len(acting) == 1 else None
            p = self.holder("president", country, day)
            return (p, "president") if p else None
        office = {"japan": "prime-minister", "united-states": "president"}[country]
        p = self.holder(office, country, day)
        return (p, office) if p else None

    def names(self, eid: str) -> list[str]:
        rec = self.record(eid)
        out = [rec["name"]] + list(rec.get("aliases") or []) + list(rec.get("case_sensitive_aliases") or [])
        return [str(x) for x in out]


_REF: Reference | None = None


def reference() -> Reference:
    global _REF
    if _REF is None:
        _REF = Reference()
    return _REF


# ============================================================================ name matching

def _golden_scorer():
    """tests/golden/score.py, the scorer the seeds and the dev corpus are measured with: its
    name keys, date comparison and F1 are the ones used here."""
    import importlib.util
    path = Path(__file__).resolve().parent.parent / "tests" / "golden" / "score.py"
    spec = importlib.util.spec_from_file_location("kg_golden_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_SCORE = _golden_scorer()
norm = _SCORE.norm
name_keys = _SCORE.keys
_date_cmp = _SCORE.date_cmp
_f1 = _SCORE.f1


_TOKEN = re.compile(r"[A-Za-z0-9\u00C0-\u024F]+|[^\sA-Za-z0-9\u00C0-\u024F]")


class Gazetteer:
    """Every name, alias and demonym of the reference knowledge, found as whole token
    sequences, longest first. A form with a capital letter matches as written (or in
    capitals, as in a dateline); an all-lower-case form ("forced labor") in any case."""

    def __init__(self, ref: Reference):
        self.exact: dict[tuple, set[str]] = defaultdict(set)
        self.folded: dict[tuple, set[str]] = defaultdict(set)
        self.longest = 1
        for eid, cat in ref.category.items():
            rec = ref.record(eid)
            forms = [rec["name"], *(rec.get("aliases") or [])]
            if cat == "countries":
                forms += list(rec.get("demonyms") or [])
            for f in forms:
                self._add(str(f), eid, fold=True)
            for f in rec.get("case_sensitive_aliases") or []:
                self._add(str(f), eid, fold=False)

    def _add(self, form: str, eid: str, *, fold: bool):
        toks = tuple(_TOKEN.findall(form))
        if not toks:
            return
        self.longest = max(self.longest, len(toks))
        if fold and form == form.lower():
            self.folded[tuple(t.lower() for t in toks)].add(eid)
        else:
            self.exact[toks].add(eid)
            if fold:
                self.exact[tuple(t.upper() for t in toks)].add(eid)

    def find_all(self, text: str) -> set[str]:
        """Every entity any token sequence of the text names, nested and overlapping ones too."""
        toks = _TOKEN.findall(text)
        low = [t.lower() for t in toks]
        out: set[str] = set()
        for i in range(len(toks)):
            for n in range(1, min(self.longest, len(toks) - i) + 1):
                ids = self.exact.get(tuple(toks[i:i + n])) or self.folded.get(tuple(low[i:i + n]))
                if ids:
                    out |= ids
        return out

    def find(self, text: str) -> list[tuple[str, set[str]]]:
        toks = _TOKEN.findall(text)
        low = [t.lower() for t in toks]
        out = []
        i = 0
        while i < len(toks):
            for n in range(min(self.longest, len(toks) - i), 0, -1):
                key = tuple(toks[i:i + n])
                ids = self.exact.get(key) or self.folded.get(tuple(low[i:i + n]))
                if ids:
                    out.append((" ".join(key), set(ids)))
                    i += n
                    break
            else:
                i += 1
        return out


_GAZ: Gazetteer | None = None


def gazetteer() -> Gazetteer:
    global _GAZ
    if _GAZ is None:
        _GAZ = Gazetteer(reference())
    return _GAZ


# ============================================================================ word banks
# Banks of prose hold no entity name unless the entry says which ones it names: the test
# scans every generated article with the Gazetteer to keep it so.

COUNTRY_NAME = {"south-korea": "South Korea", "japan": "Japan", "united-states": "the United States",
                "north-korea": "North Korea", "china": "China"}
COUNTRY_DEMONYM = {"south-korea": ["South Korean"], "japan": ["Japanese"], "united-states": ["U.S."],
                   "north-korea": ["North Korean"], "china": ["Chinese"]}
COUNTRY_POSSESSIVE = {"south-korea": ["South Korea's"], "japan": ["Japan's"],
                      "united-states": ["the United States'"], "north-korea": ["North Korea's"]}
TITLE = {"president": "President", "acting-president": "acting President", "prime-minister": "Prime Minister",
         "foreign-minister": "Foreign Minister", "defense-minister": "Defense Minister",
         "chief-cabinet-secretary": "Chief Cabinet Secretary", "national-assembly-speaker": "National Assembly Speaker",
         "secretary-of-state": "Secretary of State", "emperor": "Emperor", "finance-minister": "Finance Minister",
         "trade-minister": "Trade Minister", "national-security-adviser": "National Security Adviser"}
TITLE_LC = {"president": "president", "acting-president": "acting president", "prime-minister": "prime minister",
            "foreign-minister": "foreign minister", "defense-minister": "defense minister",
            "chief-cabinet-secretary": "chief cabinet secretary",
            "national-assembly-speaker": "National Assembly speaker", "secretary-of-state": "secretary of state",
            "emperor": "emperor", "finance-minister": "finance minister", "trade-minister": "trade minister",
            "national-security-adviser": "national security adviser"}
PLURAL_LC = {"president": "leaders", "acting-president": "leaders", "prime-minister": "leaders",
             "foreign-minister": "foreign ministers", "defense-minister": "defense ministers"}

CITIES = {"south-korea": [("seoul", 12), ("busan", 3), ("jeju", 2), ("gyeongju", 1), ("incheon", 1)],
          "japan": [("tokyo", 12), ("osaka", 3), ("hiroshima", 2), ("fukuoka", 2), ("kyoto", 1), ("nagasaki", 1)],
          "united-states": [("washington-dc", 8), ("new-york-city", 3), ("san-francisco", 1)]}
CITY_TEXT = {"washington-dc": "Washington", "new-york-city": "New York"}
VENUES = ["in {city}", "in {city}", "in {city}", "in central {city}", "at a hotel in {city}",
          "at a government guesthouse in {city}", "at a hotel in central {city}"]

# multilateral gatherings: (org id, phrase, who attends, host cities, months it meets in)
FORUMS = [
    ("g20", "G20 summit", "leaders", ["new-delhi", "rome", "osaka", "jakarta", "lima"], (9, 10, 11)),
    ("apec", "APEC summit", "leaders", ["lima", "san-francisco", "bangkok", "hanoi", "gyeongju"], (11,)),
    ("g7", "G7 summit", "leaders", ["hiroshima", "kananaskis", "rome", "paris"], (5, 6)),
    ("nato", "NATO summit", "leaders", ["vilnius", "madrid", "the-hague", "brussels"], (6, 7)),
    ("un-general-assembly", "U.N. General Assembly", "both", ["new-york-city"], (9,)),
    ("asean", "ASEAN-related meetings", "ministers", ["vientiane", "jakarta", "phnom-penh", "kuala-lumpur", "manila"],
     (7, 8, 11)),
]

TOPICS = [("economic security", ()), ("supply chains for semiconductors", ()), ("regional security", ()),
          ("people-to-people exchanges", ()), ("energy cooperation", ()), ("ways to improve bilateral ties", ()),
          ("North Korea's nuclear and missile programs", ("north-korea",)),
          ("the situation on the Korean Peninsula", ("korean-peninsula",)),
          ("cooperation on artificial intelligence", ()), ("trade and investment", ()),
          ("the response to natural disasters", ()), ("climate change", ()), ("visa procedures for students", ()),
          ("North Korea's military cooperation with Russia", ("north-korea", "russia")),
          ("coordination on China", ("china",))]
GOALS = ["expand cooperation on economic security", "keep up the momentum of improved relations",
         "resume regular exchanges between their leaders", "strengthen security cooperation",
         "deepen exchanges between young people", "work together on supply chain resilience",
         "step up coordination on regional issues", "communicate closely at every level",
         "promote tourism and cultural exchanges", "launch a working-level consultative body on energy",
         "hold regular talks between their finance officials", "cooperate on hydrogen and critical minerals"]
MOU_TOPICS = ["hydrogen and ammonia supply chains", "critical minerals", "youth exchanges", "disaster response",
              "scientific research cooperation", "customs cooperation", "tourism promotion",
              "semiconductor supply chains", "cooperation in space exploration", "social security",
              "the exchange of patent information", "quantum technology research"]

# dispute phrases: (text, primary dispute, other primaries {category: ids}, first year it fits)
DISPUTE_PHRASES = [
    ("the territorial dispute over Dokdo", "dokdo-dispute", {}, 2008),
    ("the Dokdo issue", "dokdo-dispute", {"optional": ["dokdo"]}, 2008),
    ("Japan's claim to the Dokdo islets", "dokdo-dispute", {"countries": ["japan"], "places": ["dokdo"]}, 2008),
    ("the long-running Takeshima dispute", "dokdo-dispute", {"optional": ["dokdo"]}, 2008),
    ("the issue of comfort women", "comfort-women", {}, 2008),
    ("Japan's wartime sexual slavery", "comfort-women", {"countries": ["japan"]}, 2008),
    ("compensation for wartime forced labor", "forced-labor", {}, 2008),
    ("the forced labor issue", "forced-labor", {}, 2012),
    ("the history textbook issue", "history-textbooks", {}, 2008),
    ("the Yasukuni Shrine visit by a group of lawmakers", "yasukuni-visits",
     {"optional": ["yasukuni-shrine"], "event": [("Visit", "yasukuni-shrine")]}, 2008),
    ("the Yasukuni issue", "yasukuni-visits", {"optional": ["yasukuni-shrine"]}, 2008),
    ("the East Sea naming dispute", "sea-naming-dispute", {"optional": ["sea-of-japan"]}, 2008),
    ("Japan's 2019 export controls on chip materials", "export-controls-2019", {"countries": ["japan"]}, 2020),
    ("the 2019 trade dispute", "export-controls-2019", {}, 2020),
    ("the release of treated water from the Fukushima Daiichi plant", "fukushima-treated-water",
     {"places": ["fukushima-daiichi"]}, 2021),
    ("the Fukushima water release", "fukushima-treated-water", {"optional": ["fukushima"]}, 2023),
    ("the Sado mine listing", "sado-mine-listing", {"optional": ["sado-gold-mine", "sado-island"]}, 2022),
    ("the 2018 radar lock-on incident", "radar-incident-2018", {}, 2019),
    ("the Rising Sun flag controversy", "rising-sun-flag", {}, 2012),
    ("historical issues", "historical-issues", {}, 2008),
    ("historical grievances", "historical-issues", {}, 2008),
    ("the abduction issue", "abductions", {}, 2008),
]

# agreement phrases: (text, agreement id, other primaries, how it reads)
AGREEMENT_PHRASES = [
    ("the 1965 Treaty on Basic Relations", "treaty-on-basic-relations", {}),
    ("the Korea-Japan Basic Treaty", "treaty-on-basic-relations", {"countries": ["south-korea", "japan"]}),
    ("the 1965 Claims Agreement", "claims-agreement-1965", {}),
    ("the Kim-Obuchi Joint Declaration", "kim-obuchi-declaration", {"optional": ["kim-dae-jung", "keizo-obuchi"]}),
    ("the 1998 Kim-Obuchi Declaration", "kim-obuchi-declaration", {"optional": ["kim-dae-jung", "keizo-obuchi"]}),
    ("the 2015 comfort women agreement", "comfort-women-agreement-2015", {}),
    ("the General Security of Military Information Agreement", "gsomia", {}),
    ("the Kono Statement", "kono-statement", {"optional": ["yohei-kono", "taro-kono"]}),
    ("the 1995 Murayama Statement", "murayama-statement", {"optional": ["tomiichi-murayama"]}),
    ("the Washington Declaration", "washington-declaration-2023", {}),
    ("the Spirit of Camp David joint statement", "spirit-of-camp-david", {}),
    ("the Regional Comprehensive Economic Partnership", "rcep", {}),
    ("the Japan-DPRK Pyongyang Declaration", "pyongyang-declaration-2002", {"countries": ["japan", "north-korea"]}),
    ("the 1998 fisheries agreement", "fisheries-agreement-1998", {}),
    ("the third-party compensation plan", "third-party-compensation-plan", {}),
]

AGREEMENT_BACKGROUND = [
    "{X} remains the legal foundation of the relationship, officials in both capitals say.",
    "Both governments have said they uphold {X}.",
    "Critics argue that {X} left too many questions unanswered.",
    "The meeting came amid renewed debate over {X}.",
    "Supporters of {X} say it has served both sides well for years.",
    "Officials said the spirit of {X} should guide the next steps.",
    "Opposition lawmakers have demanded a review of {X}.",
]
DISPUTE_BACKGROUND = [
    "Relations between the two neighbors have long been strained by {X}.",
    "The two sides remain far apart on {X}, officials acknowledged.",
    "Public opinion in both countries remains sensitive to {X}.",
    "Diplomats said {X} was not expected to dominate the agenda.",
    "Analysts said {X} could still derail the recent thaw.",
    "Neither side gave ground on {X}, according to people familiar with the discussions.",
    "{X} has resurfaced repeatedly in recent years.",
]

NO_ARTICLE = {"seoul-national-university", "korea-university", "yonsei-university", "keio-university",
              "waseda-university"}
ANALYST_ROLES = ["professor of international relations", "senior fellow", "research fellow", "professor of political science",
                 "visiting scholar", "senior researcher", "professor of Japanese studies", "director of research",
                 "professor of economics", "nonresident fellow"]
ANALYST_ORGS = ["asan-institute", "sejong-institute", "kinu", "east-asia-institute", "seoul-national-university",
                "korea-university", "yonsei-university", "university-of-tokyo", "keio-university", "waseda-university",
                "jiia", "csis", "brookings-institution", "council-on-foreign-relations", "sasakawa-peace-foundation",
                "wilson-center", "kida", "ifans"]
KR_FAMILY = ["Kim", "Park", "Choi", "Jung", "Kang", "Jang", "Lim", "Oh", "Seo", "Kwon", "Hwang", "Song", "Yoo",
             "Hong", "Jeon", "Ko", "Moon", "Bae", "Baek", "Nam", "Shim", "Ha", "Gu", "Noh", "Jin"]
KR_GIVEN = ["Min", "Ji", "Seo", "Hyun", "Jun", "Woo", "Sung", "Eun", "Young", "Jae", "Hee", "Soo", "Dong", "Hye",
            "Jin", "Kyung", "Sang", "Won", "Ho", "Yeon", "Tae", "Na", "Bin", "Ah", "Gyu"]
JP_GIVEN = ["Haruka", "Kenta", "Yuki", "Daisuke", "Aya", "Shota", "Naoko", "Takumi", "Emi", "Ryo", "Kaori", "Hiroshi",
            "Mariko", "Kenji", "Sayaka", "Tomohiro", "Asako", "Yusuke", "Megumi", "Satoru"]
JP_FAMILY = ["Sasaki", "Yamada", "Inoue", "Kimura", "Shimizu", "Yamaguchi", "Ikeda", "Hashimoto", "Mori", "Ishikawa",
             "Ogawa", "Fujita", "Okada", "Goto", "Murakami", "Kondo", "Sakamoto", "Endo", "Aoki", "Nishimura"]
EN_GIVEN = ["Daniel", "Sarah", "Michael", "Emily", "Laura", "James", "Rachel", "Thomas", "Hannah", "Peter",
            "Claire", "Andrew", "Julia", "Mark", "Olivia"]
EN_FAMILY = ["Harper", "Whitfield", "Donovan", "Pryce", "Caldwell", "Lindqvist", "Morrow", "Ashby", "Fenwick",
             "Hollis", "Garrity", "Brennan", "Sheffield", "Talbot", "Winslow"]

PUBLISHERS = [
    # (name, reference org id or None, dateline tag, style, wire)
    ("Yonhap News Agency", "yonhap", "(Yonhap)", "ap", True),
    ("Kyodo News", "kyodo-news", "(Kyodo)", "ap", True),
    ("Eastbridge Wire", None, "(EBW)", "ap", True),
    ("The Seoul Ledger", None, None, "ap", False),
    ("Harbor City Times", None, None, "full", False),
    ("Northeast Asia Monitor", None, None, "full", False),
    ("Pacific Policy Review", None, None, "ap", False),
    ("Tokyo Business Dispatch", None, None, "full", False),
]
SECTIONS = ["Home > Politics > Diplomacy", "Home > National > Foreign Affairs", "Home > World > Region",
            "Politics | Diplomacy", "Home > News > North Korea & Diplomacy"]
SHARE_LINES = ["Share on Facebook | Share on X | Copy link", "Share", "Print", "Font size", "Email", "Comments",
               "[Facebook] | [Twitter] | [KakaoStory]", "Advertisement"]
RELATED_HEADLINES = [
    "Markets close higher as exporters rally", "Opinion: Why steady diplomacy matters", "Explainer: what the new visa rules mean",
    "Tourist numbers hit record high", "Semiconductor exports rebound for third month", "Editorial: Keep the momentum going",
    "Survey shows mixed views on neighbors", "Heat wave grips capital region", "Central bank holds rates steady",
    "Ruling bloc reshuffles party leadership", "Students head abroad in growing numbers", "Film festival opens to crowds",
]
RELATED_WITH_NAMES = [("Japan, S. Korea pledge closer ties", ["japan", "south-korea"]),
                      ("N. Korea fires missile into sea", ["north-korea"]),
                      ("Japan eyes new economic package", ["japan"]),
                      ("China urges restraint in region", ["china"])]
TAGS = ["Tags: diplomacy, security, trade", "Tags: foreign affairs", "Keywords: bilateral relations, summit",
        "Topics: Politics, Diplomacy"]

# --- filler prose (no names) ----------------------------------------------------------------
F_SUBJ = ["Officials", "Analysts", "Observers", "Business leaders", "Diplomatic sources", "Experts", "Critics",
          "Government officials", "Civic groups", "Some scholars", "Opposition lawmakers", "Market watchers",
          "Former diplomats", "Industry groups", "Security experts", "Local officials"]
F_VERB = ["said", "noted", "cautioned", "argued", "warned", "pointed out", "stressed", "suggested",
          "acknowledged", "observed", "contended", "told reporters", "wrote in a recent report"]
F_THING = ["the relationship", "bilateral ties", "public sentiment", "trade between the two neighbors",
           "security cooperation", "people-to-people exchanges", "the tourism boom", "the current policy",
           "the domestic political situation", "the economic partnership", "cooperation on supply chains",
           "the mood among young people", "coordination at the working level", "the regional security environment",
           "investment flows", "cultural exchanges"]
F_STATE = ["remained fragile", "had become more stable than a year ago", "remained vulnerable to domestic politics",
           "appeared to be on a firmer footing", "could be hostage to events beyond the control of either government",
           "had improved markedly", "still lacked an institutional anchor", "seemed likely to stay on course",
           "needed more than symbolic gestures", "would be tested in the months ahead",
           "depended heavily on the commitment of political leaders", "had gained momentum",
           "had reached a turning point", "still faced serious obstacles", "remained a work in progress"]
F_TAIL = ["", "", "", " despite recent progress", " amid rising regional tensions", " as the economy slows",
          " given the coming elections", " after years of friction", " as supply chains shift",
          " in an increasingly uncertain world", " at least for now", " as inflation weighs on households"]
F_STANDALONE = [
    "The meeting lasted about {n} minutes, officials said.",
    "Neither side released details of the discussion on sensitive issues.",
    "The atmosphere was described as cordial and constructive.",
    "Officials said follow-up consultations would take place at the working level.",
    "The two sides agreed to keep in close communication, according to a readout.",
    "Both delegations included senior officials in charge of economic affairs.",
    "Reporters were allowed in only for the opening remarks.",
    "The discussions covered a wide range of issues, a government official told reporters.",
    "Bilateral trade reached about {n} billion dollars last year, according to government data.",
    "More than {n} million tourists traveled between the two countries last year.",
    "A survey published last month found that {n} percent of respondents viewed the neighbor favorably.",
    "Exports of consumer electronics rose {n} percent from a year earlier.",
    "Young people in both countries increasingly consume each other's music, films and food.",
    "Local governments have expanded sister-city programs in recent years.",
    "Airlines have added dozens of weekly flights to meet rising demand.",
    "The government plans to publish a detailed implementation plan next month.",
    "Some business executives welcomed the move, saying it would reduce uncertainty.",
    "Others were more skeptical, noting that similar pledges had been made before.",
    "The issue is expected to come up again when parliament reconvenes.",
    "Officials declined to comment on the timing of the next round of consultations.",
    "The ministry said it would continue to monitor the situation closely.",
    "A spokesperson for the ministry said the government would respond calmly and firmly.",
    "Officials said the two sides would work out details through diplomatic channels.",
    "The stock market barely reacted to the news.",
    "Polls suggest that public trust in the government has slipped in recent months.",
    "The cabinet approved a supplementary budget earlier this year.",
    "Experts said the next few months would be critical.",
    "Security officials said intelligence sharing had become faster and more regular.",
    "Several civic groups staged rallies near the venue, calling for a sincere apology over the past.",
    "The central bank has kept interest rates on hold for several months.",
    "Shipbuilders and chipmakers are among the companies most exposed to the policy changes.",
    "Officials stressed that the door for dialogue remained open.",
    "The two sides have set up a hotline between their senior officials.",
    "Environmental groups have raised concerns about the long-term impact.",
    "Universities in both countries have expanded student exchange programs.",
    "The government has earmarked funds for a new exchange program for high school students.",
    "Prices of imported food have risen sharply this year, adding to pressure on households.",
    "The currency weakened against the dollar for a third straight session.",
    "Several regional airports have reported record passenger numbers.",
    "The number of foreign residents has more than doubled over the past decade.",
    "Major carmakers have shifted part of their production to reduce costs.",
    "Shipping rates have fallen from last year's peak, easing pressure on exporters.",
    "A growing number of companies are relocating regional offices to cut costs.",
    "Parliamentary hearings on the budget are scheduled to begin in the coming weeks.",
    "The ruling and opposition parties remain deadlocked over a package of reform bills.",
    "Rallies for and against the government drew thousands of people over the weekend.",
    "Household debt has become a major concern for policymakers.",
    "The unemployment rate among young people edged up last quarter.",
    "Demand for language courses has surged among university students.",
    "The coast guard stepped up patrols after a series of fishing boat incidents.",
    "Defense officials said they were closely watching military activity in the region.",
    "Public broadcasters aired special programs on the history of the relationship.",
    "The two governments have restored several consultative channels that had been suspended.",
    "Business lobbies have called for faster procedures for work visas.",
    "Cultural festivals in several cities drew large crowds this summer.",
    "Some lawmakers said the government had moved too quickly, without building public support.",
    "The presidential office declined to comment on the report.",
    "Ministry officials briefed reporters on the condition that they not be named.",
    "The two sides are also expected to discuss cooperation in advanced industries.",
    "Chipmakers have been racing to secure supplies of key materials.",
    "The government said it would hold public hearings before making a final decision.",
    "Several think tanks have published reports urging closer coordination on energy security.",
    "Local fishermen have voiced concern about the effect of the policy on their livelihoods.",
    "Experts noted that public attitudes among people in their twenties have changed markedly.",
    "The opposition accused the government of making concessions without getting anything in return.",
    "Government spokespeople in both capitals struck an upbeat tone.",
    "Officials also reviewed progress on earlier pledges to simplify customs procedures.",
    "The move is likely to be welcomed by companies that rely on cross-border supply chains.",
    "A poll conducted last week showed support for the government at its lowest level this year.",
    "The number of flights between the two countries has returned to pre-pandemic levels.",
    "Tour operators reported a surge in bookings for the autumn holiday season.",
    "Universities have signed dozens of new exchange arrangements over the past two years.",
    "Municipal governments are planning joint events to mark the occasion.",
    "The weather agency issued heavy rain warnings for much of the region.",
    "Food delivery and streaming services have expanded rapidly across borders.",
    "Market analysts expect exports to recover gradually in the second half.",
    "Some economists warned that the recovery remained uneven.",
    "The finance ministry is expected to announce its growth forecast next week.",
    "Officials said working-level consultations had continued throughout the year.",
    "Critics questioned whether the measures would survive a change of government.",
    "Former officials urged both sides to institutionalize their cooperation.",
    "Civic groups held a candlelight vigil in the capital on Saturday evening.",
]
F_QUOTES = ["We will continue to communicate closely", "There is still a long way to go",
            "This is an important step forward", "We cannot afford to go backward",
            "The relationship should not be held hostage to politics", "Trust is built one step at a time",
            "Both sides showed a strong willingness to cooperate", "The situation calls for calm and patience",
            "Our cooperation has never been more important", "We hope the momentum continues",
            "Much depends on how the public reacts", "The details still need to be worked out"]
F_QUOTE_SPEAKERS = ["a senior official said on condition of anonymity", "one diplomat said",
                    "a ministry spokesperson told reporters", "an official familiar with the talks said",
                    "a government source said", "a senior presidential aide told reporters",
                    "an official at the ministry said", "one participant said"]
HEADLINE_NOFACT = ["Experts urge patience as ties remain fragile", "Analysis: The limits of summit diplomacy",
                   "Analysis: Can the thaw last?", "Why the neighbors keep talking", "Lessons from a year of diplomacy",
                   "Analysis: Old wounds, new interests", "The long road back to trust",
                   "Young people drive new wave of exchanges", "Business groups call for steady relations",
                   "Opinion: Building trust takes time", "What the latest survey says about public views",
                   "Tourism boom reshapes neighborly ties", "Supply chain shifts test old partnerships"]


# ============================================================================ generation

PARAGRAPH_SENTENCES = (1, 1, 2, 2, 2, 2, 3, 3, 3, 4)  # sentences per paragraph, drawn uniformly


def _weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    r = rng.random() * total
    for item, w in pairs:
        r -= w
        if r < 0:
            return item
    return pairs[-1][0]


def _slug(text: str) -> str:
    t = unicodedata.normalize("NFKD", text)
    t = "".join(c for c in t if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", t.lower()).strip("-")


class _Doc:
    """One article being written: its paragraphs and what it names."""

    def __init__(self, gen: _Generator, published: dt.date, style: str, month_only: bool):
        self.gen = gen
        self.P = published
        self.style = style  # "ap" or "full" month names
        self.month_only = month_only
        self.mentions: dict[str, set] = defaultdict(set)
        self.optional: dict[str, set] = defaultdict(set)
        self.introduced: set[str] = set()
        self.surname_ok: set[str] = set()
        self.display: dict[str, str] = {}  # person id -> name as this article writes it
        self.events: list[dict] = []
        self.optional_events: list[dict] = []
        self.agreements: list[dict] = []
        self.used: set[str] = set()  # sentences already in the article

    def mention(self, cat: str, eid: str, *, optional: bool = False):
        if eid in self.gen.ref.category:
            self.gen.entity(eid)
        (self.optional if optional else self.mentions)[cat].add(eid)

    def phrase(self, text: str, primaries: dict[str, list[str]] | None = None, *, optional: bool = False) -> str:
        """Record the entities a phrase names: its primaries, and (as optional) whatever
        else a reference name inside it could be taken for."""
        prim = set()
        standalone = self.gen.standalone(text)
        for cat, ids in (primaries or {}).items():
            for i in ids:
                self.gen.entity(i)
                if cat == "optional":
                    self.mention(self.gen.ref.category[i], i, optional=True)
                elif cat == "countries" and i not in standalone:
                    # "the South Korean Foreign Ministry", "the Korea-Japan Basic Treaty": the
                    # country is named only inside another name; whether that counts is moot
                    self.mention(cat, i, optional=True)
                else:
                    self.mention(cat, i, optional=optional)
                prim.add(i)
        for eid in self.gen.secondary(text):
            if eid not in prim:
                self.mention(self.gen.ref.category[eid], eid, optional=True)
        return text


class _Generator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.seed = seed
        self.ref = reference()
        self.gaz = gazetteer()
        self._secondary: dict[str, tuple] = {}
        self._standalone: dict[str, frozenset] = {}
        self.entities: dict[str, dict] = {}
        self.events: dict[str, dict] = {}
        self._people()
        self._filler_pool()
        self._timeline()

    # ------------------------------------------------------------------ helpers
    def standalone(self, text: str) -> frozenset:
        """The entities a phrase names with a name of their own (longest match first)."""
        got = self._standalone.get(text)
        if got is None:
            got = frozenset(i for _, ids in self.gaz.find(text) for i in ids)
            self._standalone[text] = got
        return got

    def secondary(self, text: str) -> tuple:
        got = self._secondary.get(text)
        if got is None:
            got = tuple(sorted(self.gaz.find_all(text)))
            self._secondary[text] = got
        return got

    def entity(self, eid: str, category: str | None = None, name: str | None = None, aliases=()):
        if eid not in self.entities:
            if name is None:
                rec = self.ref.record(eid)
                names = self.ref.names(eid)
                self.entities[eid] = {"category": self.ref.category[eid], "name": rec["name"], "aliases": names[1:]}
            else:
                self.entities[eid] = {"category": category, "name": name, "aliases": list(aliases)}
        return eid

    def _people(self):
        """Invented analysts (each at a real institute) and bylines, fixed per seed."""
        rng = self.rng
        taken = set()
        for pid in self.ref.persons:
            for n in self.ref.names(pid):
                taken |= name_keys(n)
        surnames_ref = {self._surname_of(self.ref.persons[p]["name"], self.ref.persons[p].get("country")) for p in self.ref.persons}

        def make(kind):
            for _ in range(100):
                if kind == "kr":
                    fam = rng.choice(KR_FAMILY)
                    g1, g2 = rng.sample(KR_GIVEN, 2)
                    name = f"{fam} {g1}-{g2.lower()}"
                    sur = fam
                elif kind == "jp":
                    sur = rng.choice(JP_FAMILY)
                    name = f"{rng.choice(JP_GIVEN)} {sur}"
                else:
                    sur = rng.choice(EN_FAMILY)
                    name = f"{rng.choice(EN_GIVEN)} {sur}"
                keys = name_keys(name)
                if keys & taken or sur in surnames_ref or self.gaz.find_all(name.replace("-", " ")):
                    continue
                taken.update(keys)
                return name, sur, {"kr": "south-korea", "jp": "japan", "en": "united-states"}[kind]
            raise RuntimeError("could not invent a fresh name")

        self.analysts = []
        for _ in range(120):
            kind = _weighted(rng, [("kr", 5), ("jp", 3), ("en", 2)])
            name, sur, ctry = make(kind)
            org = rng.choice(ANALYST_ORGS)
            self.analysts.append({"id": "synthetic-person-" + _slug(name), "name": name, "surname": sur,
                                  "org": org, "role": rng.choice(ANALYST_ROLES)})
        # spokespeople and lawmakers: people the reference knowledge does not know, found (if
        # at all) by title and name patterns
        self.officials = []
        for j in range(60):
            ctry = "south-korea" if j % 3 else "japan"
            name, sur, _c = make("kr" if ctry == "south-korea" else "jp")
            self.officials.append({"id": "synthetic-person-" + _slug(name), "name": name, "surname": sur,
                                   "country": ctry, "role": "spokesperson" if j % 2 else "lawmaker"})
        self.bylines = {}
        for pub in PUBLISHERS:
            names = []
            for _ in range(6):
                kind = "jp" if "Tokyo" in pub[0] or pub[1] == "kyodo-news" else _weighted(rng, [("kr", 6), ("en", 2), ("jp", 1)])
                names.append(make(kind))
            self.bylines[pub[0]] = names

    @staticmethod
    def _surname_of(name: str, country: str | None) -> str:
        parts = name.split()
        if len(parts) == 1:
            return parts[0]
        return parts[0] if country in ("south-korea", "north-korea") else parts[-1]

    # ------------------------------------------------------------------ dates
    def month_day(self, doc: _Doc, d: dt.date) -> str:
        mon = AP_MONTHS[d.month - 1] if doc.style == "ap" else MONTHS[d.month - 1]
        return f"{mon} {d.day}"

    def date_phrase(self, doc: _Doc, E: dt.date, styles: list[tuple[str, int]]) -> tuple[str, str, str, str]:
        """(inline phrase, fronted phrase, ISO date as the text gives it, style)."""
        P = doc.P
        ok = []
        for st, w in styles:
            if st == "weekday" and (doc.month_only or not 0 <= (P - E).days <= 6):
                continue
            if st == "md" and ((P - E).days > 120
                               or not (E.year == P.year or (E.year == P.year - 1 and E.month > P.month))):
                continue
            if st == "md" and doc.month_only and E.year != P.year:
                continue
            if st == "month" and not (E.year == P.year and E.month < P.month
                                      or E.year == P.year - 1 and E.month > P.month):
                continue
            if st == "earlier_this_month" and (doc.month_only or not (E.year == P.year and E.month == P.month and E < P)):
                continue
            ok.append((st, w))
        st = _weighted(self.rng, ok) if ok else "mdy"
        full = E.isoformat()
        if st == "weekday":
            w = WEEKDAYS[E.weekday()]
            return f"on {w}", f"On {w},", full, st
        if st == "md":
            md = self.month_day(doc, E)
            return f"on {md}", f"On {md},", full, st
        if st == "mdy":
            md = self.month_day(doc, E)
            return f"on {md}, {E.year},", f"On {md}, {E.year},", full, st
        if st == "dmy":
            return f"on {E.day} {MONTHS[E.month - 1]} {E.year}", f"On {E.day} {MONTHS[E.month - 1]} {E.year},", full, st
        ym = f"{E.year}-{E.month:02d}"
        if st == "month":
            m = MONTHS[E.month - 1]
            if E.year == P.year:
                return f"in {m}", f"In {m},", ym, st
            return f"last {m}", f"Last {m},", ym, "last_month_name"
        if st == "earlier_this_month":
            return "earlier this month", "Earlier this month,", ym, st
        # month_year
        m = MONTHS[E.month - 1]
        return f"in {m} {E.year}", f"In {m} {E.year},", ym, "month_year"

    # ------------------------------------------------------------------ people in text
    def person_name(self, doc: _Doc, pid: str) -> str:
        if pid in doc.display:
            return doc.display[pid]
        rec = self.ref.persons[pid]
        name = rec["name"]
        r = self.rng.random()
        aliases = [a for a in rec.get("aliases") or [] if " " in a]
        if r < 0.04 and aliases:
            name = self.rng.choice(aliases)
        elif r < 0.08 and rec.get("country") == "japan" and len(name.split()) == 2:
            g, f = name.split()
            name = f"{f} {g}"
        doc.display[pid] = name
        return name

    def surname(self, doc: _Doc, pid: str) -> str:
        """The family name of a reference person as the article spells their name."""
        name = doc.display.get(pid) or self.ref.persons[pid]["name"]
        rec = self.ref.persons[pid]
        if name != rec["name"] and rec.get("country") == "japan" and name.split()[::-1] == rec["name"].split():
            return name.split()[0]
        return self._surname_of(name, rec.get("country"))

    def person_ref(self, doc: _Doc, pid: str, office: str, country: str, E: dt.date, *, appositive: bool) -> str:
        """A person as the article names them: full name with title at first mention, the
        surname (when no one else in the article shares it) afterwards."""
        self.entity(pid)
        doc.mention("persons", pid)
        if pid in doc.introduced:
            if pid in doc.surname_ok:
                return self.surname(doc, pid)
            return self.person_name(doc, pid)
        doc.introduced.add(pid)
        name = self.person_name(doc, pid)
        rng = self.rng
        title = TITLE[office]
        lc = TITLE_LC[office]
        now = self.ref.holds(pid, office, country, doc.P)
        dem = rng.choice(COUNTRY_DEMONYM[country])
        poss = rng.choice(COUNTRY_POSSESSIVE[country])
        cname = COUNTRY_NAME[country]
        if office == "emperor":
            forms = [(f"{title} {name}", 3, False), (f"{poss} {title} {name}", 1, True)]
        elif now:
            forms = [(f"{dem} {title} {name}", 10, True), (f"{title} {name}", 4, False),
                     (f"{title} {name} of {cname}", 2, True)]
            if appositive:
                forms.append((f"{name}, {poss} {lc},", 3, True))
                if office == "foreign-minister":
                    forms.append((f"{poss} top diplomat, {name},", 1, True))
        else:
            forms = [(f"then-{title} {name}", 3, False), (f"then-{dem} {title} {name}", 2, True),
                     (f"former {title} {name}", 2, False)]
        text, _w, names_country = _weighted(rng, [((t, w, c), w) for t, w, c in forms])
        prim = {"persons": [pid]}
        if names_country:
            prim["countries"] = [country]
        return doc.phrase(text, prim)

    def analyst_ref(self, doc: _Doc, a: dict, *, first_form: str) -> str:
        pid = a["id"]
        self.entity(pid, "persons", a["name"])
        doc.mention("persons", pid)
        if pid in doc.introduced:
            return a["surname"] if pid in doc.surname_ok else a["name"]
        doc.introduced.add(pid)
        oname = self.ref.orgs[a["org"]]["name"]
        oname_the = oname if a["org"] in NO_ARTICLE else "the " + oname
        doc.phrase(oname, {"organizations": [self.entity(a["org"])]})
        doc.phrase(a["role"])  # "professor of Japanese studies" names no country as an actor
        if first_form == "appositive":
            return f"{a['name']}, a {a['role']} at {oname_the},"
        if first_form == "of":
            return f"{a['name']} of {oname_the}"
        return f"{a['name']}, a {a['role']} at {oname_the}"

    # ------------------------------------------------------------------ places
    def city(self, doc: _Doc, pid: str, *, optional: bool = False) -> str:
        self.entity(pid)
        doc.mention("places", pid, optional=optional)
        return CITY_TEXT.get(pid) or self.ref.places[pid]["name"]

    # ------------------------------------------------------------------ events
    def _register_event(self, ev: dict) -> str:
        eid = f"{ev['date']}-{ev['kind']}-" + "-".join(_slug(p) for p in sorted(ev["participants"]))[:120]
        if eid in self.events:
            return eid
        self.events[eid] = dict(ev, id=eid, articles=[])
        return eid

    def _timeline(self):
        """The world the articles report on: about 40 events a year between 2008 and 2025,
        at rates like real Korea–Japan(–U.S.) diplomacy, fixed by the seed whatever the
        number of articles. A larger corpus reports the same events more often, in other
        words, as real coverage does."""
        rng = self.rng
        rates = [("summit", 3), ("fm", 5), ("dm", 1.5), ("phone", 5), ("visit", 5), ("us", 6), ("trilateral", 2.5),
                 ("sidelines", 4), ("agreement", 2), ("summons", 3), ("ruling", 0.8), ("speaker", 1)]
        span = (LAST_DAY - FIRST_DAY).days
        planned = []
        for kind, per_year in rates:
            for _ in range(int(per_year * span / 365.25 + 0.5)):
                planned.append((FIRST_DAY + dt.timedelta(days=rng.randrange(span + 1)), kind))
        planned.sort()
        for E, kind in planned:
            ev = self._make_event(kind, E)
            if ev is not None:
                self._register_event(ev)
                if ev.get("meet"):  # the meeting during a visit is an event of its own
                    visitor, host = ev["actors"][0], ev["meet"]
                    leaders = visitor[1] in LEADER_OFFICES and host[1] in LEADER_OFFICES
                    self._register_event({"kind": "visit-meeting", "date": ev["meet_date"],
                                          "type": "Summit" if leaders else "Meeting", "actors": [visitor, host],
                                          "participants": [visitor[0], host[0]], "location": ev["location"]})
        self.timeline = sorted(self.events.values(), key=lambda e: (e["date"], e["id"]))
        self.timeline_days = [dt.date.fromisoformat(e["date"]) for e in self.timeline]
        # leads: summits and visits make the news more often, and recent years more than early ones
        lead_weight = {"summit": 4, "visit": 3, "us": 3, "trilateral": 3, "sidelines": 2, "agreement": 2}
        cum, total = [], 0.0
        for e, day in zip(self.timeline, self.timeline_days):
            if e["kind"] == "visit-meeting":
                w = 0.0
            else:
                w = lead_weight.get(e["kind"], 1) * (1 if day.year < 2013 else 2 if day.year < 2019 else 4)
            total += w
            cum.append(total)
        self.lead_cum = cum

    def _lead_event(self) -> dict:
        return self.rng.choices(self.timeline, cum_weights=self.lead_cum)[0]

    def _past_event(self, P: dt.date, taken: set[str]) -> dict | None:
        """An earlier event of the timeline, a few days to about eleven months before P."""
        rng = self.rng
        back = _weighted(rng, [((3, 45), 5), ((45, 150), 3), ((150, 330), 2)])
        target = P - dt.timedelta(days=rng.randrange(*back))
        i = bisect.bisect_right(self.timeline_days, target) - 1
        for j in range(i, max(-1, i - 6), -1):
            e = self.timeline[j]
            if (P - self.timeline_days[j]).days > 330:
                break
            if e["id"] not in taken and e["kind"] != "visit-meeting":
                return e
        return None

    def _pair(self, office_kr: str, office_jp: str, E: dt.date):
        ref = self.ref
        if office_kr == "leader":
            a = ref.leader("south-korea", E)
            b = ref.leader("japan", E)
            if not a or not b:
                return None
            return [(a[0], a[1], "south-korea"), (b[0], b[1], "japan")]
        a = ref.holder(office_kr, "south-korea", E)
        b = ref.holder(office_jp, "japan", E)
        if not a or not b:
            return None
        return [(a, office_kr, "south-korea"), (b, office_jp, "japan")]

    def _make_event(self, kind: str, E: dt.date) -> dict | None:
        rng = self.rng
        ref = self.ref
        base = {"kind": kind, "date": E.isoformat()}
        if kind in ("summit", "fm", "dm", "phone", "agreement"):
            office = {"summit": "leader", "fm": "foreign-minister", "dm": "defense-minister"}.get(kind)
            if office is None:
                office = rng.choice(["leader", "foreign-minister"])
            pair = self._pair(office, office, E)
            if not pair:
                return None
            rng.shuffle(pair)
            is_leaders = all(o in LEADER_OFFICES for _, o, _ in pair)
            host = rng.choice(["south-korea", "japan"])
            loc = _weighted(rng, CITIES[host]) if kind != "phone" else None
            ev = dict(base, type="Summit" if is_leaders else "Meeting", actors=pair, location=loc,
                      participants=[p for p, _, _ in pair], host=host,
                      mins=rng.choice([30, 40, 45, 50, 60, 70, 80, 90, 100, 110, 120]))
            if kind == "agreement":  # what was signed is a fact of the event, the same in every report
                ev["agreement_kind"] = _weighted(rng, [("agreement", 3), ("joint-statement", 2)])
                ev["mou"] = rng.choice(MOU_TOPICS)
            return ev
        if kind == "speaker":
            a = ref.holder("national-assembly-speaker", "south-korea", E)
            b = ref.leader("japan", E)
            if not a or not b:
                return None
            pair = [(a, "national-assembly-speaker", "south-korea"), (b[0], b[1], "japan")]
            return dict(base, type="Meeting", actors=pair, location="tokyo", participants=[a, b[0]], host="japan")
        if kind == "us":
            side = rng.choice(["south-korea", "japan"])
            if rng.random() < 0.5:
                a = ref.leader(side, E)
                b = ref.leader("united-states", E)
                if not a or not b:
                    return None
                pair = [(a[0], a[1], side), (b[0], b[1], "united-states")]
                typ = "Summit"
            else:
                a = ref.holder("foreign-minister", side, E)
                b = ref.holder("secretary-of-state", "united-states", E)
                if not a or not b:
                    return None
                pair = [(a, "foreign-minister", side), (b, "secretary-of-state", "united-states")]
                typ = "Meeting"
            host = rng.choice([side, "united-states"])
            return dict(base, type=typ, actors=pair, location=_weighted(rng, CITIES[host]),
                        participants=[p for p, _, _ in pair], host=host)
        if kind == "trilateral":
            if rng.random() < 0.5:
                trio = [ref.leader(c, E) for c in ("south-korea", "japan", "united-states")]
                if not all(trio):
                    return None
                actors = [(t[0], t[1], c) for t, c in zip(trio, ("south-korea", "japan", "united-states"))]
                typ = "Summit"
            else:
                trio = [ref.holder("foreign-minister", "south-korea", E), ref.holder("foreign-minister", "japan", E),
                        ref.holder("secretary-of-state", "united-states", E)]
                if not all(trio):
                    return None
                actors = [(trio[0], "foreign-minister", "south-korea"), (trio[1], "foreign-minister", "japan"),
                          (trio[2], "secretary-of-state", "united-states")]
                typ = "Meeting"
            forums = [f for f in FORUMS if (f[2] != "ministers" or typ == "Meeting") and E.month in f[4]]
            if not forums:  # a stand-alone trilateral meeting in one of the three countries
                host = rng.choice(["south-korea", "japan", "united-states"])
                return dict(base, type=typ, actors=actors, location=_weighted(rng, CITIES[host]),
                            participants=[a[0] for a in actors], host=host)
            forum = rng.choice(forums)
            loc = rng.choice(forum[3])
            return dict(base, type=typ, actors=actors, location=loc, participants=[a[0] for a in actors],
                        forum=forum[0])
        if kind == "sidelines":
            forums = [f for f in FORUMS if E.month in f[4]]
            if not forums:
                return None
            forum = rng.choice(forums)
            office = {"leaders": "leader", "ministers": "foreign-minister"}.get(forum[2]) or rng.choice(["leader", "foreign-minister"])
            pair = self._pair(office, office, E)
            if not pair:
                return None
            rng.shuffle(pair)
            is_leaders = all(o in LEADER_OFFICES for _, o, _ in pair)
            return dict(base, type="Summit" if is_leaders else "Meeting", actors=pair, location=rng.choice(forum[3]),
                        participants=[p for p, _, _ in pair], forum=forum[0])
        if kind == "visit":
            side = rng.choice(["south-korea", "japan"])
            other = "japan" if side == "south-korea" else "south-korea"
            office = _weighted(rng, [("leader", 4), ("foreign-minister", 4), ("defense-minister", 1),
                                     ("national-assembly-speaker", 1)])
            if office == "leader":
                a = ref.leader(side, E)
            else:
                if office == "national-assembly-speaker" and side != "south-korea":
                    return None
                p = ref.holder(office, side, E)
                a = (p, office) if p else None
            if not a:
                return None
            loc = _weighted(rng, CITIES[other])
            ev = dict(base, type="Visit", actors=[(a[0], a[1], side)], location=loc, participants=[a[0]],
                      host=other, days=rng.choice([2, 2, 3, 3, 4]))
            # a meeting during the visit, with the host's counterpart
            host_office = "leader" if a[1] in LEADER_OFFICES or office == "national-assembly-speaker" else office
            hb = ref.leader(other, E) if host_office == "leader" else (
                (ref.holder(host_office, other, E), host_office) if ref.holder(host_office, other, E) else None)
            if hb and rng.random() < 0.5:
                ev["meet"] = (hb[0], hb[1], other)
                ev["meet_date"] = (E + dt.timedelta(days=rng.choice([0, 0, 1]))).isoformat()
            return ev
        if kind == "summons":
            side = rng.choice(["south-korea", "japan"])
            ministry = "ministry-of-foreign-affairs-korea" if side == "south-korea" else "ministry-of-foreign-affairs-japan"
            phrases = [p for p in DISPUTE_PHRASES if p[3] <= E.year and p[1] in
                       ("dokdo-dispute", "history-textbooks", "yasukuni-visits", "sea-naming-dispute", "rising-sun-flag",
                        "sado-mine-listing", "radar-incident-2018")]
            other = "japan" if side == "south-korea" else "south-korea"  # whose diplomat is summoned
            return dict(base, type="Event", actors=[], participants=[ministry, other], location=None, side=side,
                        dispute=rng.choice(phrases))
        if kind == "ruling":
            if E.year < 2013:
                return None
            firm = rng.choice(["nippon-steel", "mitsubishi-heavy-industries", "nachi-fujikoshi"])
            return dict(base, type="Event", actors=[], participants=["supreme-court-of-korea", firm], location=None)
        return None

    # ------------------------------------------------------------------ event sentences
    def render_event(self, doc: _Doc, ev: dict, *, lead: bool) -> list[str]:
        """The sentence(s) stating an event, and what they record in the article."""
        if ev["kind"] in ("summons", "ruling"):
            return _render_org_event(self, doc, ev, lead=lead)
        rng = self.rng
        E = dt.date.fromisoformat(ev["date"])
        styles = ([("weekday", 12), ("md", 5), ("mdy", 2), ("earlier_this_month", 1)] if lead else
                  [("weekday", 3), ("md", 5), ("mdy", 4), ("dmy", 1), ("month", 4), ("month_year", 3),
                   ("earlier_this_month", 1)])
        d, D, iso, dstyle = self.date_phrase(doc, E, styles)
        kind = ev["kind"]
        actors = ev["actors"]
        out: list[str] = []
        record = {"id": None, "type": ev["type"], "date": iso, "participants": list(ev["participants"]),
                  "location": None, "date_style": dstyle}

        def P(i, appositive=False):
            pid, office, country = actors[i]
            return self.person_ref(doc, pid, office, country, E, appositive=appositive)

        def loc_phrase():
            if not ev.get("location"):
                return ""
            venue = rng.choice(VENUES) if ev["location"] not in CITY_TEXT else "in {city}"  # not "central Washington"
            record["location"] = ev["location"]
            return venue.replace("{city}", self.city(doc, ev["location"]))

        def fill(tpl: str) -> str:
            def sub(m):
                k = m.group(1)
                if k == "A":
                    return P(0, appositive=True)
                if k == "a":
                    return P(0)
                if k == "B":
                    return P(1, appositive=True)
                if k == "b":
                    return P(1)
                if k == "c":
                    return P(2)
                if k == "d":
                    return d
                if k == "D":
                    return D
                if k == "loc":
                    return loc_phrase()
                if k == "city":
                    record["location"] = ev["location"]
                    return self.city(doc, ev["location"])
                if k == "topic":
                    text, ents = rng.choice(TOPICS)
                    cats = defaultdict(list)
                    for e in ents:
                        self.entity(e)
                        cats[self.ref.category[e]].append(e)
                    return doc.phrase(text, dict(cats))
                if k == "goal":
                    return rng.choice(GOALS)
                if k == "mins":
                    return str(ev.get("mins") or 60)
                if k == "mou":
                    return ev["mou"]
                if k == "days":
                    return NUMBER_WORDS[ev.get("days", 2)]
                if k == "pl":
                    offices = {o for _, o, _ in actors}
                    o = next(iter(offices)) if len(offices) == 1 else "president"
                    return PLURAL_LC.get(o, "officials")
                if k == "forum":
                    f = next(f for f in FORUMS if f[0] == ev["forum"])
                    self.entity(f[0])
                    doc.phrase(f[1], {"organizations": [f[0]]})
                    record["location"] = ev["location"]
                    return f"the {f[1]} in {self.city(doc, ev['location'])}"
                if k == "country":
                    record["location"] = ev["host"]
                    doc.mention("countries", self.entity(ev["host"]))
                    return COUNTRY_NAME[ev["host"]]
                raise KeyError(k)
            s = re.sub(r"\{(\w+)\}", sub, tpl)
            s = re.sub(r"\s+([,.])", r"\1", s)
            s = re.sub(r" {2,}", " ", s).replace(",,", ",").replace(",.", ".")
            return s[0].upper() + s[1:]

        group = self._template_group(ev)
        tpls = TEMPLATES[group]
        host = self.ref.places[ev["location"]].get("country") if ev.get("location") else None
        if not any(c == host for _, _, c in actors):
            tpls = [t for t in tpls if t[0] not in HOST_TEMPLATES]
        name, tpl = rng.choice(tpls)
        if name in HOST_TEMPLATES:  # the host (the first person of these templates) is at home
            actors = sorted(actors, key=lambda a: a[2] != host)
        sentence = fill(tpl)
        out.append(sentence)
        record.update(template=f"{group}/{name}", sentence=sentence)
        if name in IMPLIED_MEETING_TEMPLATES:
            # the agreement is the fact; that talks took place is only implied
            doc.optional_events.append(dict(record, id=ev["id"]))
        else:
            doc.events.append(dict(record, id=ev["id"]))
        if kind == "agreement":
            self._agreement_fact(doc, ev, iso, record, name)
        if kind == "sidelines" or ev.get("forum"):
            f = next(f for f in FORUMS if f[0] == ev["forum"])
            doc.optional_events.append({"id": f"forum-{ev['forum']}-{ev['date']}", "type": "Summit" if f[2] != "ministers" else "Meeting",
                                        "date": iso, "participants": [f[0]], "location": ev["location"],
                                        "template": "forum", "date_style": dstyle, "sentence": sentence})
        return out

    def _template_group(self, ev: dict) -> str:
        k = ev["kind"]
        if k == "trilateral" and not ev.get("forum"):
            return "trilateral-host"
        if k == "agreement":
            return "statement" if ev["agreement_kind"] == "joint-statement" else "agreement"
        if k in ("summit", "fm", "dm", "us", "speaker", "visit-meeting"):
            return "summit" if ev["type"] == "Summit" and self.rng.random() < 0.5 else "meeting"
        return k

    def _agreement_fact(self, doc: _Doc, ev: dict, iso: str, record: dict, tname: str):
        kind = ev["agreement_kind"]
        countries = sorted({c for _, _, c in ev["actors"]})
        doc.agreements.append({"id": f"new-{ev['id']}-{kind}", "ref": False, "kind": kind, "date": iso,
                               "signatories": list(ev["participants"]), "parties": countries,
                               "template": record["template"], "sentence": record["sentence"]})

    # ------------------------------------------------------------------ the article
    def article(self, index: int) -> tuple[str, dict]:
        rng = self.rng
        ref = self.ref
        kind = _weighted(rng, [("news report", 74), ("analysis", 14), ("commentary", 12)])
        lead_ev = None
        if kind == "news report":  # published the day of the lead event or a few days later
            lead_ev = self._lead_event()
            k = _weighted(rng, [(0, 30), (1, 45), (2, 8), (3, 7), (4, 5), (5, 3), (6, 2)])
            P = min(LAST_DAY, dt.date.fromisoformat(lead_ev["date"]) + dt.timedelta(days=k))
        else:  # publication date: recent years weigh more
            year = _weighted(rng, [(y, 1 if y < 2013 else 2 if y < 2019 else 4) for y in range(2008, 2026)])
            lo = max(FIRST_DAY, dt.date(year, 1, 1))
            hi = min(LAST_DAY, dt.date(year, 12, 31))
            P = lo + dt.timedelta(days=rng.randrange((hi - lo).days + 1))
        pub = _weighted(rng, [(p, 3 if p[4] else 1) for p in PUBLISHERS])
        pub_name, pub_org, tag, style, wire = pub
        month_only = kind != "news report" and rng.random() < 0.3
        doc = _Doc(self, P, style, month_only)

        # --- what the article states
        facts: list[dict] = [lead_ev] if lead_ev else []
        if kind != "commentary":
            n_more = _weighted(rng, [(0, 35), (1, 35), (2, 20), (3, 10)]) if kind == "news report" \
                else _weighted(rng, [(0, 3), (1, 4), (2, 2)])
            for _ in range(n_more):
                ev = self._past_event(P, {f["id"] for f in facts})
                if ev is not None:
                    facts.append(ev)

        # --- who is in it: decide whose surname alone is unambiguous
        analysts = rng.sample(self.analysts, _weighted(rng, [(0, 3), (1, 4), (2, 2)] if kind == "news report" else [(1, 2), (2, 3), (3, 1)]))
        people = [(pid, ref.persons[pid].get("country")) for ev in facts for pid, _, _ in ev["actors"]]
        people += [(ev["meet"][0], ev["meet"][2]) for ev in facts if ev.get("meet")]
        for pid, c in people:
            self.person_name(doc, pid)
        sur = Counter()
        for pid in {p for p, _ in people}:
            sur[self.surname(doc, pid)] += 1
        officials = [rng.choice(self.officials)]
        for a in analysts + officials:
            sur[a["surname"]] += 1
        doc.surname_ok = {pid for pid, _ in people if sur[self.surname(doc, pid)] == 1}
        doc.surname_ok |= {a["id"] for a in analysts + officials if sur[a["surname"]] == 1}

        # --- paragraphs
        paras: list[tuple[str, str]] = []  # (kind, text): kind "text" or "boiler"
        fact_paras: list[list[str]] = []
        for i, ev in enumerate(facts):
            sents = self.render_event(doc, ev, lead=(i == 0 and kind == "news report"))
            if ev["kind"] == "visit" and ev.get("meet") and rng.random() < 0.8:
                s = self._visit_meeting(doc, ev)
                if s:
                    sents.append(s)
            fact_paras.append(sents)
        follow = self._follow_ups(doc, facts)

        # headline
        title = self._headline(doc, facts, kind)
        # the dateline and lead
        dateline = ""
        if kind == "news report" and rng.random() < 0.85:
            city = rng.choice(["seoul", "tokyo"]) if not facts or not facts[0].get("location") or rng.random() < 0.3 \
                else facts[0]["location"]
            ctext = (CITY_TEXT.get(city) or ref.places[city]["name"]).upper()
            self.entity(city)
            doc.mention("places", city, optional=True)
            when = f", {self.month_day(doc, P)}" if rng.random() < 0.6 and not month_only else ""
            t = f" {tag}" if tag and rng.random() < 0.8 else ""
            dash = rng.choice(["--", "—", "–"])
            dateline = f"{ctext}{when}{t} {dash} "
        if fact_paras:
            lead_sents = fact_paras[0]
            lead_text = lead_sents[0]
            if dateline:
                lead_text = dateline + lead_text
            paras.append(("text", " ".join([lead_text] + lead_sents[1:])))
        else:
            lead = self._filler(doc)
            paras.append(("text", (dateline + lead) if dateline else lead))

        # the rest: filler, quotes, background, further facts and follow-ups
        target = int(min(14000, max(2500, rng.lognormvariate(8.62, 0.32))))  # ~6 KB on average
        pieces: list[list[str]] = []
        pieces += [[s] for s in follow]
        pieces += fact_paras[1:]
        pieces += [[self._analyst_quote(doc, a)] for a in analysts]
        if rng.random() < 0.4:
            pieces.append([self._official_quote(doc, officials[0])])
        for _ in range(_weighted(rng, [(0, 2), (1, 4), (2, 3), (3, 1)])):
            pieces.append([self._background(doc)])
        for _ in range(_weighted(rng, [(0, 5), (1, 3), (2, 1)])):
            s = self._distractor(doc, facts)
            if s:
                pieces.append([s])
        # facts and follow-ups go early, in order; the rest is shuffled in among filler
        early = pieces[:len(follow) + max(0, len(fact_paras) - 1)]
        rest = pieces[len(early):]
        rng.shuffle(rest)
        size = len(paras[0][1]) + len(title)
        queue = early + rest
        while queue or size < target:
            n = PARAGRAPH_SENTENCES[int(rng.random() * 10)]
            sents = []
            for _ in range(n):
                if queue and rng.random() < 0.45:
                    sents += queue.pop(0)
                else:
                    sents.append(self._filler(doc))
            text = " ".join(sents)
            paras.append(("text", text))
            size += len(text) + 2
            if rng.random() < 0.08:
                paras.append(("boiler", rng.choice(["Advertisement", "Share on Facebook | Share on X | Copy link",
                                                    "READ: " + self._related(doc)])))
            if size > target * 1.6:
                for q in queue:  # never drop a fact
                    paras.append(("text", " ".join(q)))
                queue = []
                break

        # --- assemble the file
        lines: list[str] = []
        if rng.random() < 0.35:
            lines.append(doc.phrase(rng.choice(SECTIONS), optional=True))
            lines.append("")
        lines.append(title)
        lines.append("")
        byline = self.bylines[pub_name][rng.randrange(6)] if (not wire or rng.random() < 0.3) else None
        authors = []
        if byline:
            name, _surname, _country = byline
            bid = "synthetic-person-" + _slug(name)
            self.entity(bid, "persons", name)
            doc.mention("persons", bid)
            authors = [name]
            if rng.random() < 0.5:
                lines.append(f"By {name}")
                lines.append("")
        if rng.random() < 0.3:
            lines.append(rng.choice(SHARE_LINES[:4]))
            lines.append("")
        wrapped = rng.random() < 0.25
        ad_glue = rng.random() < 0.15
        for j, (k, text) in enumerate(paras):
            if k == "text" and ad_glue and j == 2:
                text = "Article continues after this advertisement" + text
            lines.append(_wrap(text) if (wrapped and k == "text") else text)
            lines.append("")
        if rng.random() < 0.5:
            lines.append("Related articles")
            for _ in range(rng.randrange(2, 4)):
                lines.append(self._related(doc))
            lines.append("")
        if rng.random() < 0.4:
            lines.append(rng.choice(TAGS))
            lines.append("")
        lines.append(rng.choice([f"Copyright © {P.year} {pub_name}. All rights reserved.",
                                 f"© {P.year} {pub_name}. All rights reserved.",
                                 f"(c) {P.year} {pub_name}. All rights reserved.",
                                 "All rights reserved."]))
        doc.phrase(pub_name, optional=True)  # the publisher's own name ("Tokyo Business Dispatch")
        if rng.random() < 0.3:
            lines += ["", "Comments", "Log in to write comments"]
        body = "\n".join(lines).rstrip() + "\n"

        published = P.isoformat() if not month_only else f"{P.year}-{P.month:02d}"
        pub_id = self.entity(pub_org) if pub_org else self.entity("synthetic-org-" + _slug(pub_name), "organizations", pub_name)
        doc.mention("organizations", pub_id, optional=True)
        fname = f"{index:05d}.txt"
        front = ["---", f"title: {json.dumps(title, ensure_ascii=False)}", f"publisher: {json.dumps(pub_name)}",
                 f"authors: {json.dumps(authors, ensure_ascii=False)}", f"published: {published}",
                 f"url: https://example.org/{_slug(pub_name)}/{P.year}/{index:05d}", f"kind: {kind}", "---"]
        text = "\n".join(front) + "\n" + body

        for e in doc.events:
            self.events[e["id"]]["articles"].append(fname)
        for cat in list(doc.optional):
            doc.optional[cat] -= doc.mentions.get(cat, set())
        # the agreements the article names (mention level and, for reference ones, facts)
        for aid in sorted(doc.mentions.get("agreements", ())):
            if not any(a["id"] == aid for a in doc.agreements):
                rec = ref.agreements[aid]
                doc.agreements.append({"id": aid, "ref": True, "kind": rec.get("kind"), "date": str(rec.get("date") or ""),
                                       "signatories": list(rec.get("signatories") or []),
                                       "parties": list(rec.get("parties") or []), "template": "named", "sentence": None})
        meta = {
            "title": title, "published": published, "publisher": pub_name, "kind": kind,
            "wrapped": wrapped,
            "mentions": {c: sorted(doc.mentions.get(c, ())) for c in CATEGORIES},
            "optional": {c: sorted(doc.optional.get(c, ())) for c in CATEGORIES if doc.optional.get(c)},
            "events": doc.events, "optional_events": doc.optional_events,
            "agreements": sorted(doc.agreements, key=lambda a: a["id"]),
        }
        return fname, text, meta

    # ------------------------------------------------------------------ prose pieces
    def _filler_pool(self):
        """Sentences of background prose that state no fact (the bulk of every article),
        drawn once: half composed, three in ten stock sentences, two in ten quotes. Each is
        (key, text): an article never repeats a key (a sentence, or a quote whoever says it)."""
        rng = self.rng
        composed = {f"{rng.choice(F_SUBJ)} {rng.choice(F_VERB)} {rng.choice(F_THING)} {rng.choice(F_STATE)}"
                    f"{rng.choice(F_TAIL)}." for _ in range(6000)}
        composed = sorted(composed)
        rng.shuffle(composed)
        stock = [(t, t.replace("{n}", str(rng.randrange(2, 95)))) for t in F_STANDALONE for _ in range(8)]
        quotes = []
        for q in F_QUOTES:
            for who in F_QUOTE_SPEAKERS:
                quotes.append((q, f"\u201c{q},\u201d {who}." if rng.random() < 0.5 else f"\"{q},\" {who}."))
        pool = [(c, c) for c in composed[:2500]]
        pool += stock * (1500 // len(stock) + 1)
        pool += quotes * (1000 // len(quotes) + 1)
        self.fillers = pool

    def _filler(self, doc: _Doc) -> str:
        pool, rnd, used = self.fillers, self.rng.random, doc.used
        for _ in range(8):
            key, s = pool[int(rnd() * len(pool))]
            if key not in used:
                break
        used.add(key)
        return s

    def _analyst_quote(self, doc: _Doc, a: dict) -> str:
        rng = self.rng
        q = rng.choice(F_QUOTES)
        form = rng.choice(["appositive", "said", "of", "according"])
        if form == "said":
            return f"\"{q},\" said {self.analyst_ref(doc, a, first_form='said')}."
        if form == "of":
            return f"{self.analyst_ref(doc, a, first_form='of')} said {rng.choice(F_THING)} {rng.choice(F_STATE)}."
        if form == "according":
            return f"According to {self.analyst_ref(doc, a, first_form='of')}, {rng.choice(F_THING)} {rng.choice(F_STATE)}."
        return f"{self.analyst_ref(doc, a, first_form='appositive')} said {rng.choice(F_THING)} {rng.choice(F_STATE)}."

    def dispute_phrase(self, doc: _Doc, entry: tuple) -> str:
        """A phrase naming a dispute, recorded with what else it names."""
        text, did, extra, _year = entry
        prim = {"disputes": [did]}
        for cat, ids in extra.items():
            if cat == "event":  # "the Yasukuni Shrine visit by a group of lawmakers": who and when unsaid
                for typ, loc in ids:
                    doc.optional_events.append({"id": None, "type": typ, "date": None, "participants": [],
                                                "location": loc, "template": "dispute-phrase", "date_style": None,
                                                "sentence": None})
                continue
            prim.setdefault(cat, []).extend(ids)
        return doc.phrase(text, prim)

    def _official_quote(self, doc: _Doc, o: dict) -> str:
        """A named spokesperson or lawmaker: a person no reference list holds."""
        rng = self.rng
        self.entity(o["id"], "persons", o["name"])
        doc.mention("persons", o["id"])
        doc.introduced.add(o["id"])
        q = rng.choice(F_QUOTES)
        c = o["country"]
        if o["role"] == "spokesperson":
            ministry = "ministry-of-foreign-affairs-korea" if c == "south-korea" else "ministry-of-foreign-affairs-japan"
            mtext = "the South Korean Foreign Ministry" if c == "south-korea" else "the Japanese Foreign Ministry"
            doc.phrase(mtext, {"organizations": [ministry], "countries": [c]})
            return rng.choice([f"\"{q},\" {o['name']}, a spokesperson for {mtext}, told a regular briefing.",
                               f"{o['name']}, a spokesperson for {mtext}, said the government was watching closely."])
        P = doc.P
        parties = ([("democratic-party-of-korea", "the Democratic Party")] if P >= dt.date(2016, 3, 1) else []) + \
                  ([("people-power-party", "the People Power Party")] if P >= dt.date(2020, 10, 1) else []) \
            if c == "south-korea" else [("liberal-democratic-party", "the Liberal Democratic Party")]
        if not parties:
            parties = [("national-assembly", "the National Assembly")]
        pid, ptext = rng.choice(parties)
        doc.phrase(ptext, {"organizations": [pid]})
        return rng.choice([f"\"{q},\" said {o['name']}, a lawmaker from {ptext}.",
                           f"Rep. {o['name']} of {ptext} said the government should explain its position to the public."])

    def _background(self, doc: _Doc) -> str:
        rng = self.rng
        P = doc.P
        r = rng.random()
        if r < 0.4:
            cands = [p for p in DISPUTE_PHRASES if p[3] <= P.year]
            s = rng.choice(DISPUTE_BACKGROUND).replace("{X}", self.dispute_phrase(doc, rng.choice(cands)))
            return s[0].upper() + s[1:]
        if r < 0.7:
            cands = []
            for text, aid, extra in AGREEMENT_PHRASES:
                rec = self.ref.agreements[aid]
                if _bound(str(rec.get("date") or "1900"), latest=True) < P - dt.timedelta(days=30):
                    cands.append((text, aid, extra))
            text, aid, extra = rng.choice(cands)
            prim = {"agreements": [aid]}
            for cat, ids in extra.items():
                prim.setdefault(cat, []).extend(ids)
            s = rng.choice(AGREEMENT_BACKGROUND).replace("{X}", doc.phrase(text, prim))
            return s[0].upper() + s[1:]
        if r < 0.8:
            # metonymy: capitals standing for governments (neither places nor, on their own, countries)
            for c in ("seoul", "tokyo"):
                self.entity(c)
                doc.mention("places", c, optional=True)
            for c in ("south-korea", "japan"):
                self.entity(c)
                doc.mention("countries", c, optional=True)
            return rng.choice(["Seoul and Tokyo have sought to insulate economic ties from political disputes.",
                               "Officials in Seoul and Tokyo have kept in close contact in recent weeks.",
                               "Seoul and Tokyo remain at odds over how to address the past."])
        if r < 0.9:
            self.entity("north-korea")
            doc.mention("countries", "north-korea")
            return rng.choice(["North Korea has test-fired a series of ballistic missiles in recent months.",
                               "Concerns over North Korea's weapons programs have pushed the neighbors closer.",
                               "The threat from North Korea remains a shared concern."])
        y = rng.randrange(max(2005, P.year - 12), P.year)
        for c in ("south-korea", "japan"):
            self.entity(c)
            doc.mention("countries", c)
        return rng.choice([f"Relations between South Korea and Japan sank to a low point in {y}.",
                           f"South Korea and Japan have worked to repair ties since {y}.",
                           f"Trade between Japan and South Korea has grown steadily since {y}."])

    def _distractor(self, doc: _Doc, facts: list[dict]) -> str | None:
        """Sentences that look like facts but state none a careful annotator would mark."""
        rng = self.rng
        persons = [(pid, o, c) for ev in facts for pid, o, c in ev["actors"]]
        if not persons:
            return None
        pid, office, country = rng.choice(persons)
        if pid not in doc.introduced:
            return None
        r = rng.random()
        if r < 0.35 and not self.ref.holds(pid, office, country, doc.P):
            r = 0.5
        who = self.person_ref(doc, pid, office, country, doc.P, appositive=False)
        if r < 0.35:
            city_id = _weighted(rng, CITIES["japan" if country != "japan" else "south-korea"])
            city = self.city(doc, city_id)
            for typ in ("Visit", "Meeting"):  # a planned trip "for further talks": neither is a fact yet
                doc.optional_events.append({"id": None, "type": typ, "date": None, "participants": [pid],
                                            "location": city_id, "template": "planned", "date_style": None,
                                            "sentence": None})
            s = rng.choice([f"{who} is expected to visit {city} later this year, according to diplomatic sources.",
                            f"{who} plans to travel to {city} next month for further talks."])
        elif r < 0.65:
            s = rng.choice([f"{who} did not hold a separate meeting with opposition leaders during the trip.",
                            f"{who} has not held a formal summit with the neighbor's leader in years, officials noted.",
                            f"It was not immediately clear whether {who} would attend the ceremony."])
        else:
            s = rng.choice([f"\"We agreed to work closely together,\" {who} told reporters afterward.",
                            f"{who} said the two sides shared a sense of urgency.",
                            f"\"The relationship has entered a new phase,\" {who} said at a news conference."])
            if "news conference" in s:
                doc.optional_events.append({"id": None, "type": "Event", "date": None, "participants": [pid],
                                            "location": None, "template": "press", "date_style": None, "sentence": s})
        s = s[0].upper() + s[1:]
        if s in doc.used:
            return None
        doc.used.add(s)
        return s

    def _follow_ups(self, doc: _Doc, facts: list[dict]) -> list[str]:
        """Second references to the lead event: no new facts."""
        rng = self.rng
        if not facts or facts[0]["kind"] in ("summons", "ruling"):
            return []
        ev = facts[0]
        out = []
        if len(ev["actors"]) >= 2 and rng.random() < 0.7:
            offices = {o for _, o, _ in ev["actors"]}
            o = next(iter(offices)) if len(offices) == 1 else None
            who = f"the two {PLURAL_LC[o]}" if o in PLURAL_LC else "the two sides"
            out.append(rng.choice([f"During the talks, {who} also discussed ways to expand exchanges.",
                                   f"It was the latest in a series of meetings between {who}.",
                                   f"Officials said {who} had a candid exchange of views."]))
        pid, office, country = ev["actors"][0] if ev["actors"] else (None, None, None)
        if pid and pid in doc.introduced and rng.random() < 0.6:
            who = self.person_ref(doc, pid, office, country, doc.P, appositive=False)
            q = rng.choice(F_QUOTES)
            out.append(f"\"{q},\" {who} said.")
        return out

    def _visit_meeting(self, doc: _Doc, ev: dict) -> str | None:
        """A meeting with the host during a visit: a second event of the article."""
        rng = self.rng
        E = dt.date.fromisoformat(ev["meet_date"])
        if E > doc.P:
            return None
        visitor = ev["actors"][0]
        host = ev["meet"]
        leaders = visitor[1] in LEADER_OFFICES and host[1] in LEADER_OFFICES
        mev = {"kind": "visit-meeting", "date": E.isoformat(), "type": "Summit" if leaders else "Meeting",
               "actors": [visitor, host], "participants": [visitor[0], host[0]], "location": ev["location"]}
        mid = self._register_event(mev)
        mev = self.events[mid]
        d, D, iso, dstyle = self.date_phrase(doc, E, [("weekday", 5), ("md", 3), ("mdy", 1)])
        a = self.person_ref(doc, visitor[0], visitor[1], visitor[2], E, appositive=False)
        b = self.person_ref(doc, host[0], host[1], host[2], E, appositive=False)
        city = self.city(doc, ev["location"])
        name, tpl = rng.choice([
            ("during", "During the visit, {a} met {b} in {city} {d}."),
            ("later", "{a} later held talks with {b} {d} in {city}."),
            ("fronted", "{D} {a} sat down with {b} in {city} for talks."),
            ("scheduled", "{a} met {b} {d} at the start of the trip to {city}."),
        ])
        s = tpl.replace("{a}", a).replace("{b}", b).replace("{city}", city).replace("{d}", d).replace("{D}", D)
        s = re.sub(r"\s+([,.])", r"\1", s).replace(",.", ".")
        s = s[0].upper() + s[1:]
        doc.events.append({"id": mid, "type": mev["type"], "date": iso, "participants": list(mev["participants"]),
                           "location": ev["location"], "date_style": dstyle, "template": f"visit-meeting/{name}",
                           "sentence": s})
        return s

    def _headline(self, doc: _Doc, facts: list[dict], kind: str) -> str:
        rng = self.rng
        if not facts or kind != "news report":
            return rng.choice(HEADLINE_NOFACT)
        ev = facts[0]
        k = ev["kind"]
        cs = sorted({c for _, _, c in ev["actors"]})
        short = {"south-korea": "S. Korea", "japan": "Japan", "united-states": "U.S."}
        if k == "summons":
            c = ev["side"]
            for x in ("south-korea", "japan"):
                doc.mention("countries", self.entity(x))
            other = "Japanese" if c == "south-korea" else "S. Korean"
            return f"{short[c]} summons {other} diplomat in protest"
        if k == "ruling":
            return "Court orders firm to compensate wartime workers"
        names = [short[c] for c in cs]
        for c in cs:
            doc.mention("countries", self.entity(c))
        what = {"summit": "leaders hold summit", "fm": "foreign ministers hold talks", "dm": "defense chiefs meet",
                "phone": "hold phone talks", "visit": "official visits", "us": "hold talks", "trilateral": "hold trilateral talks",
                "sidelines": "meet on sidelines of forum", "agreement": "sign cooperation deal", "speaker": "hold talks",
                "visit-meeting": "hold talks"}[k]
        if k == "agreement" and ev["agreement_kind"] == "joint-statement":
            what = "issue joint statement"
        if k == "visit":
            doc.mention("countries", self.entity(ev["host"]))
            dem = {"south-korea": "S. Korean", "japan": "Japanese"}[cs[0]]
            return f"{dem} {TITLE_LC.get(ev['actors'][0][1], 'official')} visits {short[ev['host']]}"
        return f"{', '.join(names)} {what}"

    def _related(self, doc: _Doc) -> str:
        rng = self.rng
        if rng.random() < 0.3:
            text, ids = rng.choice(RELATED_WITH_NAMES)
            for i in ids:
                self.entity(i)
                doc.mention("countries", i, optional=True)
            return text
        return rng.choice(RELATED_HEADLINES)


_WRAP = re.compile(r"\S.{0,70}\S(?=\s|$)|\S+")  # at most 72 columns, cut at a space


def _wrap(text: str) -> str:
    """Hard-wrap a paragraph at 72 columns, as e-mailed wire copy is."""
    return "\n".join(_WRAP.findall(text))


HOST_TEMPLATES = {"hosted", "passive-received", "trilateral-hosted"}
# sentences that state an agreement but leave the talks it came from implicit
IMPLIED_MEETING_TEMPLATES = {"signed-passive"}

# --- event sentence templates: (name, template). {A}/{B}: a person where an appositive fits;
# {a}/{b}/{c}: a person in any other position; {d} inline date, {D} fronted date; {loc} a
# venue phrase; {city}; {country}; {topic}; {goal}; {mins}; {days}; {pl} "leaders", "foreign
# ministers"; {forum} "the G20 summit in New Delhi".
TEMPLATES: dict[str, list[tuple[str, str]]] = {
    "meeting": [
        ("held-talks", "{A} and {b} held talks {loc} {d}, agreeing to {goal}."),
        ("met-with", "{A} met with {b} {loc} {d} to discuss {topic}."),
        ("on-day-met", "{a} {d} met {b} {loc}, where the two discussed {topic}."),
        ("fronted-sat-down", "{D} {a} sat down with {b} {loc} for talks on {topic}."),
        ("passive-talks", "Talks between {a} and {b} were held {loc} {d}, officials said."),
        ("hosted", "{A} hosted {b} for talks {loc} {d}."),
        ("passive-received", "{B} was received by {a} {loc} {d}, and the two agreed to {goal}."),
        ("agreed-during", "{A} and {b} agreed {d} to {goal} during talks {loc}."),
        ("minute-meeting", "{A} held a {mins}-minute meeting with {b} {loc} {d}."),
        ("in-their-meeting", "In their meeting {loc} {d}, {a} and {b} reaffirmed their commitment to {goal}."),
        ("meeting-participle", "{A} and {b}, meeting {loc} {d}, pledged to {goal}."),
        ("conferred", "{A} conferred with {b} {loc} {d} on {topic}."),
        ("discussed-when-met", "{A} and {b} discussed {topic} when they met {loc} {d}."),
    ],
    "summit": [
        ("held-summit", "{A} and {b} held a summit {loc} {d}, agreeing to {goal}."),
        ("at-their-summit", "At their summit {loc} {d}, {a} and {b} agreed to {goal}."),
        ("summit-talks", "{A} and {b} held summit talks {loc} {d}."),
        ("on-day-summit-with", "{a} {d} held a summit with {b} {loc}, the latest in a series of meetings."),
        ("summit-passive", "A summit between {a} and {b} took place {loc} {d}."),
        ("summit-met", "{A} met {b} for a summit {loc} {d} to discuss {topic}."),
    ],
    "phone": [
        ("spoke-by-phone", "{A} spoke by phone with {b} {d}, agreeing to {goal}."),
        ("phone-talks", "{A} and {b} held phone talks {d} and discussed {topic}."),
        ("telephone-conversation", "In a telephone conversation {d}, {a} and {b} agreed to {goal}."),
        ("minute-call", "{A} held a {mins}-minute phone call with {b} {d}, officials said."),
        ("talked-by-phone", "{A} and {b} talked by phone {d} about {topic}."),
        ("received-call", "{B} received a phone call from {a} {d}."),
    ],
    "visit": [
        ("arrived-for-visit", "{A} arrived in {city} {d} for a {days}-day visit."),
        ("visited", "{A} visited {city} {d}, the first such trip in years."),
        ("began-official-visit", "{a} {d} began a {days}-day official visit to {country}."),
        ("flew-to", "{A} flew to {city} {d} for a series of meetings."),
        ("fronted-landed", "{D} {a} landed in {city} for a {days}-day trip."),
        ("during-a-visit", "During a visit to {city} {d}, {a} laid a wreath at a memorial."),
        ("paid-visit", "{A} paid an official visit to {country} {d}."),
        ("trip-that-began", "{A} is in {city} on a {days}-day trip that began {d}."),
    ],
    "trilateral-host": [
        ("trilateral-summit", "{a}, {b} and {c} held a trilateral meeting {loc} {d}."),
        ("trilateral-hosted", "{A} hosted {b} and {c} for trilateral talks {loc} {d}."),
        ("trilateral-fronted", "{D} {a} met {b} and {c} {loc} for their first trilateral talks in months."),
    ],
    "trilateral": [
        ("trilateral-meeting", "{a}, {b} and {c} held trilateral talks on the sidelines of {forum} {d}."),
        ("three-met", "{D} {a}, {b} and {c} met in a trilateral format during {forum}."),
        ("joined", "{a} joined {b} and {c} for a trilateral meeting {d} on the margins of {forum}."),
    ],
    "sidelines": [
        ("met-on-sidelines", "{A} met {b} on the sidelines of {forum} {d}."),
        ("fronted-sidelines", "On the sidelines of {forum}, {a} and {b} held talks {d} on {topic}."),
        ("sidelines-bilateral", "{A} and {b} held a bilateral meeting {d} on the margins of {forum}."),
        ("sidelines-passive", "A meeting between {a} and {b} was arranged on the sidelines of {forum} {d}."),
    ],
    "agreement": [
        ("mou-after-talks", "{A} and {b} signed a memorandum of understanding on {mou} after talks {loc} {d}."),
        ("signed-at-talks", "At their talks {loc} {d}, {a} and {b} signed an agreement on {mou}."),
        ("reached-agreement", "{A} and {b} reached an agreement {d} on {mou} during talks {loc}."),
        ("signed-passive", "An agreement on {mou} was signed by {a} and {b} {loc} {d}."),
    ],
    "statement": [
        ("statement-issued", "{A} and {b} issued a joint statement {d} after meeting {loc}."),
        ("statement-adopted", "{A} and {b} adopted a joint statement at their meeting {loc} {d}."),
        ("statement-fronted", "{D} {a} and {b} released a joint statement on {mou} following their talks {loc}."),
    ],
    "summons": [
        ("summoned-diplomat", "{MINISTRY} summoned a senior {OTHERDEM} diplomat {d} to protest {DISPUTE}."),
        ("summoned-over", "{MINISTRY} {d} summoned the {OTHERDEM} ambassador over {DISPUTE}."),
        ("lodged-protest", "{MINISTRY} lodged a protest {d}, summoning a {OTHERDEM} diplomat over {DISPUTE}."),
    ],
    "ruling": [
        ("ruled-that", "{COURT} ruled {d} that {FIRM} must compensate {n} victims of wartime forced labor."),
        ("upheld-ruling", "{COURT} {d} upheld a ruling ordering {FIRM} to compensate former workers for forced labor."),
        ("verdict", "In a verdict {d}, {COURT} ordered {FIRM} to pay damages to {n} plaintiffs over wartime forced labor."),
    ],
}


def _render_special(gen: _Generator, doc: _Doc, ev: dict, tpl: str, d: str, D: str) -> str:
    rng = gen.rng
    if ev["kind"] == "summons":
        side = ev["side"]
        other = "japan" if side == "south-korea" else "south-korea"
        ministry = ev["participants"][0]
        mtext = "South Korea's Foreign Ministry" if side == "south-korea" else rng.choice(
            ["Japan's Foreign Ministry", "The Japanese Foreign Ministry"])
        gen.entity(ministry)
        doc.phrase(mtext, {"organizations": [ministry], "countries": [side]})
        gen.entity(side)
        gen.entity(other)
        doc.mention("countries", other)
        dtext = gen.dispute_phrase(doc, ev["dispute"])
        s = (tpl.replace("{MINISTRY}", mtext).replace("{OTHERDEM}", COUNTRY_DEMONYM[other][0])
             .replace("{DISPUTE}", dtext).replace("{d}", d))
        return s
    court_text = rng.choice(["South Korea's Supreme Court", "The Supreme Court", "The Supreme Court of Korea"])
    firm = ev["participants"][1]
    gen.entity("supreme-court-of-korea")
    gen.entity(firm)
    doc.phrase(court_text, {"organizations": ["supreme-court-of-korea"],
                            "countries": ["south-korea"] if "South Korea" in court_text else []})
    ftext = gen.ref.orgs[firm]["name"]
    doc.phrase(ftext, {"organizations": [firm]})
    gen.entity("forced-labor")
    doc.mention("disputes", "forced-labor")
    s = (tpl.replace("{COURT}", court_text).replace("{FIRM}", ftext).replace("{d}", d)
         .replace("{n}", NUMBER_WORDS[rng.randrange(2, 11)]))
    return s


def _render_org_event(self: _Generator, doc: _Doc, ev: dict, *, lead: bool) -> list[str]:
    """Summons and court rulings: organizations act, not people."""
    E = dt.date.fromisoformat(ev["date"])
    styles = ([("weekday", 12), ("md", 5), ("mdy", 2)] if lead else [("md", 5), ("mdy", 4), ("month", 3), ("month_year", 3)])
    d, D, iso, dstyle = self.date_phrase(doc, E, styles)
    name, tpl = self.rng.choice(TEMPLATES[ev["kind"]])
    s = _render_special(self, doc, ev, tpl, d, D)
    s = re.sub(r"\s+([,.])", r"\1", s).replace(",.", ".").replace(",,", ",")
    s = s[0].upper() + s[1:]
    doc.events.append({"id": ev["id"], "type": "Event", "date": iso, "participants": list(ev["participants"]),
                       "location": None, "date_style": dstyle, "template": f"{ev['kind']}/{name}", "sentence": s})
    return [s]


# ============================================================================ generate()

def generate(n: int, out: Path, *, seed: int = 0) -> Corpus:
    """Write `n` articles to out/articles/00001.txt ... and the facts to out/expected.json."""
    out = Path(out)
    folder = out / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.txt"):
        old.unlink()
    gen = _Generator(seed)
    documents = {}
    total = 0
    for i in range(1, n + 1):
        fname, text, meta = gen.article(i)
        data = text.encode("utf-8")
        (folder / fname).write_bytes(data)
        total += len(data)
        documents[fname] = meta
    events = {}
    for eid in sorted(gen.events):
        ev = gen.events[eid]
        if not ev["articles"]:
            continue
        events[eid] = {"type": ev["type"], "date": ev["date"], "participants": sorted(ev["participants"]),
                       "location": ev.get("location"), "kind": ev["kind"], "articles": sorted(set(ev["articles"])),
                       "roles": {pid: [office, country] for pid, office, country in ev["actors"]}}
    expected = {
        "format": FORMAT, "seed": seed, "articles": n, "bytes": total,
        "entities": {k: gen.entities[k] for k in sorted(gen.entities)},
        "documents": documents,
        "events": events,
    }
    path = out / "expected.json"
    # compact, so that the C encoder writes it (10,000 articles give about 20 MB)
    path.write_text(json.dumps(expected, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n",
                    encoding="utf-8")
    n_agr = sum(len(d["agreements"]) for d in documents.values())
    return Corpus(folder=folder, expected=path, articles=n, bytes=total, events=len(events), agreements=n_agr, seed=seed)


# ============================================================================ score()

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
SUBPROP = "http://www.w3.org/2000/01/rdf-schema#subPropertyOf"
EQUIV = "http://www.w3.org/2002/07/owl#equivalentClass"
LABEL_NAMES = {"label", "prefLabel", "altLabel", "hiddenLabel", "name"}


def local(iri: str) -> str:
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]


class _GraphView:
    """What the scorer needs from the graph, read with pyoxigraph and SPARQL."""

    def __init__(self, paths: list[Path]):
        import pyoxigraph as ox
        self.ox = ox
        store = ox.Store()
        for p in paths:
            fmt = {".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}.get(
                Path(p).suffix, ox.RdfFormat.TURTLE)
            store.bulk_load(path=str(p), format=fmt)
        self.store = store
        self._union = any(Path(p).suffix in (".nq", ".trig") for p in paths)
        preds = [r[0].value for r in self._q("SELECT DISTINCT ?p WHERE { ?s ?p ?o }")]
        sup = defaultdict(set)
        for a, b in self._q(f"SELECT ?a ?b WHERE {{ ?a <{SUBPROP}> ?b }}"):
            sup[a.value].add(b.value)
        self.props: dict[str, list[str]] = defaultdict(list)  # local name -> predicate IRIs
        for p in preds:
            for q in self._closure(p, sup):
                self.props[local(q)].append(p)
        csup = defaultdict(set)
        for a, b in self._q(f"SELECT ?a ?b WHERE {{ ?a <{SUBCLASS}> ?b }}"):
            csup[a.value].add(b.value)
        for a, b in self._q(f"SELECT ?a ?b WHERE {{ ?a <{EQUIV}> ?b }}"):
            csup[a.value].add(b.value)
            csup[b.value].add(a.value)
        classes = [r[0].value for r in self._q(f"SELECT DISTINCT ?t WHERE {{ ?s <{RDF_TYPE}> ?t }}")
                   if isinstance(r[0], ox.NamedNode)]
        wanted = {"Person", "Country", "Organization", "Place", "Agreement", "Dispute", "Event", "Meeting", "Summit",
                  "Visit", "Article"}
        cls_names = {c: {local(x) for x in self._closure(c, csup)} & wanted for c in classes}
        self.types: dict[str, set[str]] = defaultdict(set)
        use = [c for c, names in cls_names.items() if names]
        if use:
            values = " ".join(f"<{c}>" for c in use)
            for s, t in self._q(f"SELECT ?s ?t WHERE {{ VALUES ?t {{ {values} }} ?s <{RDF_TYPE}> ?t }}"):
                if isinstance(s, ox.NamedNode):
                    self.types[s.value] |= cls_names[t.value]
        self.labels: dict[str, list[str]] = defaultdict(list)  # every name of a node
        self.label: dict[str, str] = {}  # its rdfs:label (or prefLabel), for display
        for name in sorted(LABEL_NAMES):
            for p in self.props.get(name, ()):
                for s, o in self._pairs(p):
                    if isinstance(o, ox.Literal):
                        self.labels[s].append(o.value)
                        if name in ("label", "prefLabel"):
                            self.label[s] = min(self.label.get(s, o.value), o.value)

    def _q(self, query: str):
        opts = {"use_default_graph_as_union": True} if self._union else {}
        return self.store.query(query, **opts)

    @staticmethod
    def _closure(x: str, sup: dict) -> set[str]:
        seen, stack = set(), [x]
        while stack:
            y = stack.pop()
            if y in seen:
                continue
            seen.add(y)
            stack += list(sup.get(y, ()))
        return seen

    def _pairs(self, pred: str):
        for s, o in self._q(f"SELECT ?s ?o WHERE {{ ?s <{pred}> ?o }}"):
            if isinstance(s, self.ox.NamedNode):
                yield s.value, o

    def values(self, name: str) -> dict[str, list]:
        """subject -> objects of the properties with this local name (or a sub-property)."""
        out: dict[str, list] = defaultdict(list)
        for p in self.props.get(name, ()):
            for s, o in self._pairs(p):
                out[s].append(o)
        return out


def _date_of(objs) -> str | None:
    for o in objs or ():
        m = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", str(getattr(o, "value", o)))
        if m:
            return "-".join(x for x in m.groups() if x)
    return None


def _prf(tp_gold: int, n_gold: int, tp_pred: int, n_pred: int) -> dict:
    r = tp_gold / n_gold if n_gold else 1.0
    p = tp_pred / n_pred if n_pred else (1.0 if not n_gold else 0.0)
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(_f1(p, r), 4),
            "expected": n_gold, "found": n_pred, "matched": tp_gold}


def score(graph_ttl: Path | list[Path], expected: Path) -> dict:
    """Precision, recall and F1 per category of a built graph against expected.json."""
    t0 = time.perf_counter()
    paths = [Path(p) for p in (graph_ttl if isinstance(graph_ttl, (list, tuple)) else [graph_ttl])]
    exp = json.loads(Path(expected).read_text(encoding="utf-8"))
    if exp.get("format") != FORMAT:
        raise ValueError(f"{expected}: not a {FORMAT} file")
    G = _GraphView(paths)
    t_load = time.perf_counter() - t0

    entities = exp["entities"]
    cat_of = {k: v["category"] for k, v in entities.items()}
    key_index: dict[str, set[str]] = defaultdict(set)
    for eid, e in entities.items():
        for n in [e["name"], *e.get("aliases", [])]:
            for k in name_keys(n):
                key_index[k].add(eid)
    node_ids_cache: dict[str, set[str]] = {}

    def node_ids(node: str) -> set[str]:
        got = node_ids_cache.get(node)
        if got is None:
            got = set()
            for lab in G.labels.get(node, ()):
                for k in name_keys(lab):
                    got |= key_index.get(k, set())
            node_ids_cache[node] = got
        return got

    # articles: graph article node -> file name of the corpus
    docs = exp["documents"]
    art_file = {}
    for s, objs in G.values("sourceFile").items():
        for o in objs:
            name = Path(str(o.value)).name
            if name in docs:
                art_file[s] = name
    mentioned = defaultdict(set)  # node -> files
    for s, objs in G.values("mentionedIn").items():
        for o in objs:
            f = art_file.get(getattr(o, "value", None))
            if f:
                mentioned[s].add(f)
    in_article = defaultdict(set)  # file -> nodes
    for node, files in mentioned.items():
        for f in files:
            in_article[f].add(node)

    def is_cat(node: str, cat: str) -> bool:
        t = G.types.get(node, ())
        if cat == "persons":
            return "Person" in t
        if cat == "countries":
            return "Country" in t
        if cat == "organizations":
            return "Organization" in t
        if cat == "places":
            return "Place" in t and "Country" not in t
        if cat == "agreements":
            return "Agreement" in t
        if cat == "disputes":
            return "Dispute" in t
        if cat == "events":
            return "Event" in t and not ({"Agreement", "Dispute", "Article"} & t)
        return False

    result: dict = {"categories": {}, "distinct": {}, "misses": {}, "false_positives": {}, "duplicates": {},
                    "miss_examples": {}, "fp_examples": {}}

    def label_of(node: str) -> str:
        labs = G.labels.get(node)
        return G.label.get(node) or (min(labs) if labs else node)

    def ename(eid: str) -> str:
        return entities.get(eid, {}).get("name", eid)

    # ---------------------------------------------------------------- entities, per article
    for cat in ("persons", "countries", "organizations", "places", "disputes"):
        n_gold = tp_gold = tp_pred = fp = 0
        misses, fps, dups = Counter(), Counter(), Counter()
        fp_ex = []
        for f in sorted(docs):
            d = docs[f]
            gold = set(d["mentions"].get(cat, ()))
            opt = set(d.get("optional", {}).get(cat, ()))
            found = defaultdict(list)
            for node in in_article.get(f, ()):
                if not is_cat(node, cat):
                    continue
                ids = {i for i in node_ids(node) if cat_of.get(i) == cat}
                hit = ids & gold
                if hit:
                    tp_pred += 1
                    for i in hit:
                        found[i].append(node)
                elif ids & opt:
                    continue
                else:
                    fp += 1
                    fps[label_of(node)] += 1
                    if len(fp_ex) < 20:
                        fp_ex.append({"article": f, "label": label_of(node)})
            n_gold += len(gold)
            tp_gold += len(found)
            for i in gold - set(found):
                misses[ename(i)] += 1
            for i, ns in found.items():
                if len(ns) > 1:
                    dups[ename(i)] += 1
        result["categories"][cat] = _prf(tp_gold, n_gold, tp_pred, tp_pred + fp)
        result["misses"][cat] = misses.most_common(15)
        result["false_positives"][cat] = fps.most_common(15)
        result["duplicates"][cat] = dups.most_common(10)
        result["fp_examples"][cat] = fp_ex

    # ---------------------------------------------------------------- agreements, per article
    kinds = G.values("kind")
    dates = G.values("date")
    sigs = G.values("signatory")
    parties = G.values("party")
    parts = G.values("participant")
    locs = G.values("location")

    def ids_of(objs) -> set[str]:
        out = set()
        for o in objs or ():
            if isinstance(o, G.ox.NamedNode):
                out |= node_ids(o.value)
        return out

    n_gold = tp_gold = tp_pred = fp = 0
    misses, fps = Counter(), Counter()
    miss_ex = []
    by_tpl_agr: dict[str, Counter] = defaultdict(Counter)
    agr_gold, agr_matched, agr_good, agr_seen, agr_ignored = set(), set(), set(), set(), set()
    for f in sorted(docs):
        d = docs[f]
        gold = d.get("agreements", [])
        ref_ids = {a["id"] for a in gold if a["ref"]}
        new = [a for a in gold if not a["ref"]]
        opt = set(d.get("optional", {}).get("agreements", ()))
        matched_ref, matched_new = set(), set()
        for node in sorted(in_article.get(f, ())):
            if not is_cat(node, "agreements"):
                continue
            ids = {i for i in node_ids(node) if cat_of.get(i) == "agreements"}
            agr_seen.add(node)
            if ids & ref_ids:
                tp_pred += 1
                matched_ref |= ids & ref_ids
                agr_good.add(node)
                continue
            nd = _date_of(dates.get(node))
            who = ids_of(sigs.get(node)) | ids_of(parties.get(node))
            hit = None
            for j, a in enumerate(new):
                if j in matched_new:
                    continue
                if not _date_cmp(a["date"], nd)[0]:
                    continue
                if set(a["signatories"]) & who or len(set(a["parties"]) & who) >= 2:
                    hit = j
                    break
            if hit is not None:
                matched_new.add(hit)
                tp_pred += 1
                agr_good.add(node)
            elif ids & opt:
                agr_ignored.add(node)
                continue
            else:
                fp += 1
                fps[label_of(node)] += 1
        n_gold += len(gold)
        tp_gold += len(matched_ref) + len(matched_new)
        for a in gold:
            ok = a["id"] in matched_ref if a["ref"] else new.index(a) in matched_new
            agr_gold.add(a["id"])
            if ok:
                agr_matched.add(a["id"])
            by_tpl_agr[a["template"]]["expected"] += 1
            by_tpl_agr[a["template"]]["matched"] += ok
            if not ok:
                misses[ename(a["id"]) if a["ref"] else f"(new {a['kind']})"] += 1
                if not a["ref"] and len(miss_ex) < 10:
                    miss_ex.append({"article": f, "sentence": a["sentence"]})
    result["categories"]["agreements"] = _prf(tp_gold, n_gold, tp_pred, tp_pred + fp)
    result["misses"]["agreements"] = misses.most_common(15)
    result["false_positives"]["agreements"] = fps.most_common(15)
    result["miss_examples"]["agreements"] = miss_ex

    # ---------------------------------------------------------------- events, per article
    ev_nodes = [n for n, t in G.types.items() if is_cat(n, "events")]
    views = {}
    for n in ev_nodes:
        views[n] = {"types": G.types[n], "date": _date_of(dates.get(n)), "parts": ids_of(parts.get(n)),
                    "locs": ids_of(locs.get(n)), "label": label_of(n)}

    def pair_score(ev, v):
        t = ev["type"]
        ok_type = (t == "Event" or t in v["types"] or (t == "Meeting" and "Summit" in v["types"])
                   or (t == "Summit" and "Meeting" in v["types"]))
        if not ok_type:
            return None
        comp, exact = _date_cmp(ev.get("date"), v["date"])
        if not comp:
            return None
        gp = set(ev.get("participants") or [])
        overlap = len(gp & v["parts"])
        if gp and not overlap:
            return None
        if not gp and ev.get("location") not in v["locs"]:
            return None
        return overlap * 2 + exact + (ev.get("location") in v["locs"]) + (t in v["types"]) * 0.5

    def assign(events: list[dict], nodes: list[str]) -> dict[int, str]:
        pairs = []
        for gi, ev in enumerate(events):
            for n in nodes:
                s = pair_score(ev, views[n])
                if s is not None:
                    pairs.append((-s, gi, n))
        pairs.sort()
        used_g, used_n, out = set(), set(), {}
        for _s, gi, n in pairs:
            if gi in used_g or n in used_n:
                continue
            used_g.add(gi)
            used_n.add(n)
            out[gi] = n
        return out

    def attrs(pairs_list):
        d_ok = p_sum = l_ok = l_n = t_ok = 0
        for ev, n in pairs_list:
            v = views[n]
            d_ok += _date_cmp(ev.get("date"), v["date"])[1]
            gp = set(ev.get("participants") or [])
            cats = {cat_of.get(p) for p in gp}
            pp = {p for p in v["parts"] if cat_of.get(p) in cats}
            p_sum += _f1(len(gp & pp) / len(pp) if pp else 0.0, len(gp & pp) / len(gp)) if gp else 1.0
            if ev.get("location"):
                l_n += 1
                l_ok += ev["location"] in v["locs"]
            t_ok += ev["type"] in v["types"]
        k = max(len(pairs_list), 1)
        return {"date_exact": round(d_ok / k, 4), "participant_f1": round(p_sum / k, 4),
                "location": round(l_ok / l_n, 4) if l_n else None, "type_exact": round(t_ok / k, 4)}

    n_gold = tp = n_pred = 0
    matched_pairs = []
    optional_nodes: set[str] = set()  # nodes that stand for an optional event of some article
    by_tpl: dict[str, Counter] = defaultdict(Counter)
    by_style: dict[str, Counter] = defaultdict(Counter)
    misses, fps = Counter(), Counter()
    miss_ex, fp_ex = [], []
    for f in sorted(docs):
        d = docs[f]
        gold = d.get("events", [])
        optional = [e for e in d.get("optional_events", []) if e.get("participants") or e.get("location")]
        nodes = sorted(n for n in in_article.get(f, ()) if n in views)
        m = assign(gold, nodes)
        rest = [n for n in nodes if n not in m.values()]
        om = assign(optional, rest)
        optional_nodes.update(om.values())
        n_gold += len(gold)
        tp += len(m)
        n_pred += len(nodes) - len(om)
        for gi, ev in enumerate(gold):
            ok = gi in m
            by_tpl[ev["template"]]["expected"] += 1
            by_tpl[ev["template"]]["matched"] += ok
            by_style[ev["date_style"]]["expected"] += 1
            by_style[ev["date_style"]]["matched"] += ok
            if ok:
                matched_pairs.append((ev, m[gi]))
            else:
                misses[ev["template"]] += 1
                if len(miss_ex) < 40:
                    miss_ex.append({"article": f, "template": ev["template"], "type": ev["type"], "date": ev["date"],
                                    "participants": [ename(p) for p in ev["participants"]], "sentence": ev["sentence"]})
        for n in rest:
            if n in om.values():
                continue
            v = views[n]
            kind_vals = kinds.get(n) or []
            fps[str(kind_vals[0].value) if kind_vals else "?"] += 1
            if len(fp_ex) < 40:
                fp_ex.append({"article": f, "label": v["label"], "date": v["date"]})
    result["categories"]["events"] = _prf(tp, n_gold, tp, n_pred)
    result["event_attributes"] = attrs(matched_pairs)
    result["misses"]["events"] = misses.most_common(20)
    result["false_positives"]["events"] = fps.most_common(15)
    result["miss_examples"]["events"] = miss_ex
    result["fp_examples"]["events"] = fp_ex

    def rates(table):
        return {k: {"expected": c["expected"], "matched": c["matched"],
                    "recall": round(c["matched"] / c["expected"], 4) if c["expected"] else None}
                for k, c in sorted(table.items())}

    result["by_template"] = rates(by_tpl)
    result["by_date_style"] = rates(by_style)
    result["agreements_by_template"] = rates(by_tpl_agr)

    # ---------------------------------------------------------------- distinct, corpus level
    corpus_nodes = set(mentioned)
    n_bad = len(agr_seen - agr_good - agr_ignored)
    result["distinct"]["agreements"] = _prf(len(agr_matched), len(agr_gold), len(agr_good), len(agr_good) + n_bad)
    for cat in ("persons", "countries", "organizations", "places", "disputes"):
        gold = set().union(*[set(d["mentions"].get(cat, ())) for d in docs.values()]) if docs else set()
        opt = set().union(*[set(d.get("optional", {}).get(cat, ())) for d in docs.values()]) if docs else set()
        opt -= gold
        matched, tp_pred, fp = set(), 0, 0
        for node in corpus_nodes:
            if not is_cat(node, cat):
                continue
            ids = {i for i in node_ids(node) if cat_of.get(i) == cat}
            if ids & gold:
                tp_pred += 1
                matched |= ids & gold
            elif ids & opt:
                continue
            else:
                fp += 1
        result["distinct"][cat] = _prf(len(matched), len(gold), tp_pred, tp_pred + fp)
    # events: each real-world event once against every event node, blocked by participant and year
    gold_ev = exp["events"]
    index = defaultdict(list)
    for n, v in views.items():
        y = v["date"][:4] if v["date"] else None
        for p in v["parts"]:
            index[(p, y)].append(n)
    pairs = []
    for gid in sorted(gold_ev):
        ev = gold_ev[gid]
        cands = set()
        for p in ev["participants"]:
            cands.update(index.get((p, ev["date"][:4]), ()))
            cands.update(index.get((p, None), ()))
        for n in cands:
            s = pair_score(ev, views[n])
            if s is not None:
                pairs.append((-s, gid, n))
    pairs.sort()
    used_g, used_n = set(), set()
    for _s, gid, n in pairs:
        if gid in used_g or n in used_n:
            continue
        used_g.add(gid)
        used_n.add(n)
    # a node that stands for an optional event (a planned visit, a multilateral summit named as
    # a backdrop) and for no real-world event is ignored, as per article and as optional entities are
    corpus_events = [n for n in views if n in corpus_nodes and (n in used_n or n not in optional_nodes)]
    result["distinct"]["events"] = _prf(len(used_g), len(gold_ev), len(used_g), len(corpus_events))

    cats = result["categories"]
    result["macro_f1"] = round(sum(c["f1"] for c in cats.values()) / len(cats), 4)
    result["counts"] = {
        "articles_expected": len(docs), "articles_in_graph": len(set(art_file.values())),
        "expected": {c: cats[c]["expected"] for c in cats}, "found": {c: cats[c]["found"] for c in cats},
        "graph_nodes": {c: sum(1 for n in G.types if is_cat(n, c)) for c in (*ACTOR_CATEGORIES, "agreements", "disputes", "events")},
        "real_world_events": len(gold_ev),
    }
    result["seconds"] = {"load": round(t_load, 2), "total": round(time.perf_counter() - t0, 2)}
    return result


def render(result: dict, *, verbose: bool = False) -> str:
    lines = ["| category | precision | recall | F1 | expected | found |", "|---|---|---|---|---|---|"]
    for cat, c in result["categories"].items():
        lines.append(f"| {cat} | {c['precision']:.3f} | {c['recall']:.3f} | {c['f1']:.3f} | {c['expected']} | {c['found']} |")
    lines.append(f"\nmacro F1 {result['macro_f1']:.3f} (per article); corpus level (distinct):")
    for cat, c in result["distinct"].items():
        lines.append(f"  {cat}: P {c['precision']:.3f} R {c['recall']:.3f} F1 {c['f1']:.3f} "
                     f"({c['expected']} expected, {c['found']} found)")
    ea = result["event_attributes"]
    lines.append(f"event attributes on matched events: date exact {ea['date_exact']}, participant F1 "
                 f"{ea['participant_f1']}, location {ea['location']}, type exact {ea['type_exact']}")
    lines.append("event recall by date style: " + ", ".join(
        f"{k} {v['recall']:.2f} ({v['expected']})" for k, v in result["by_date_style"].items() if v["expected"]))
    if verbose:
        lines.append("\nevent recall by template:")
        for k, v in sorted(result["by_template"].items(), key=lambda kv: (kv[1]["recall"] or 0, kv[0])):
            lines.append(f"  {v['recall']:.2f}  {k} ({v['expected']})")
        lines.append("agreement recall by template: " + ", ".join(
            f"{k} {v['recall']:.2f} ({v['expected']})" for k, v in result["agreements_by_template"].items()))
        for cat in result["misses"]:
            if result["misses"][cat]:
                lines.append(f"missed {cat}: " + "; ".join(f"{k} ×{n}" for k, n in result["misses"][cat]))
            if result["false_positives"].get(cat):
                lines.append(f"false positive {cat}: " + "; ".join(f"{k} ×{n}" for k, n in result["false_positives"][cat]))
        for ex in result["miss_examples"].get("events", [])[:12]:
            lines.append(f"  missed [{ex['template']}] {ex['article']}: {ex['sentence']}")
        for ex in result["fp_examples"].get("events", [])[:12]:
            lines.append(f"  extra event {ex['article']}: {ex['label']}")
    lines.append(f"scored in {result['seconds']['total']} s")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, help="generate this many articles")
    ap.add_argument("--out", type=Path, help="folder for articles/ and expected.json")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--score", type=Path, nargs="+", metavar="GRAPH", help="score these graph files")
    ap.add_argument("--expected", type=Path, help="expected.json of the corpus the graph was built from")
    ap.add_argument("--json", type=Path, help="also write the scores as JSON here")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    if args.score:
        if not args.expected:
            ap.error("--score needs --expected")
        result = score(args.score if len(args.score) > 1 else args.score[0], args.expected)
        print(render(result, verbose=args.verbose))
        if args.json:
            args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return 0
    if args.articles is None or args.out is None:
        ap.error("give --articles N --out DIR to generate, or --score GRAPH --expected FILE to score")
    t0 = time.perf_counter()
    c = generate(args.articles, args.out, seed=args.seed)
    dt_s = time.perf_counter() - t0
    print(f"{c.articles} articles, {c.bytes / 1e6:.1f} MB ({c.bytes / max(c.articles, 1) / 1000:.1f} KB each), "
          f"{c.events} real-world events, {c.agreements} agreement mentions -> {c.folder}, {c.expected} "
          f"in {dt_s:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
