import re

import yaml

from kg import resources
from kg.model import PERSON


def test_ids_unique_and_references_exist(kb):
    ids = set(kb.entities) | set(kb.agreements) | set(kb.disputes)
    for a in kb.agreements.values():
        assert set(a.parties) <= ids and set(a.signatories) <= ids and set(a.concerns) <= ids, a.id
    for e in kb.entities.values():
        assert e.country is None or e.country in kb.entities, e.id
        for o in e.offices:
            assert o.office in kb.offices, (e.id, o.office)


def test_dates_are_well_formed(kb):
    rx = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
    for e in kb.entities.values():
        for o in e.offices:
            for d in (o.start, o.end):
                assert d is None or rx.match(d), (e.id, d)
            if o.start and o.end:
                assert o.start[:len(o.end)] <= o.end[:len(o.start)], e.id


def holders(kb, office, country):
    return {e.name for e in kb.entities.values() if e.kind == PERSON
            for o in e.offices if o.office == office and o.country == country}


def test_coverage_of_leaders(kb):
    presidents = holders(kb, "president", "south-korea")
    assert {"Syngman Rhee", "Park Chung-hee", "Kim Dae-jung", "Roh Moo-hyun", "Moon Jae-in", "Yoon Suk Yeol",
            "Lee Jae-myung"} <= presidents
    pms = holders(kb, "prime-minister", "japan")
    assert len(pms) >= 30 and {"Shigeru Yoshida", "Tomiichi Murayama", "Keizo Obuchi", "Shinzo Abe",
                               "Fumio Kishida", "Shigeru Ishiba", "Sanae Takaichi"} <= pms
    assert {"Antony Blinken", "Hillary Clinton"} <= holders(kb, "secretary-of-state", "united-states")
    assert {"Kim Il-sung", "Kim Jong-il", "Kim Jong-un"} <= holders(kb, "supreme-leader", "north-korea")


def test_coverage_of_agreements_and_disputes(kb):
    names = " | ".join(a.name + " " + " ".join(a.aliases) for a in kb.agreements.values()).lower()
    for needle in ("basic relations", "claims", "kono", "murayama", "obuchi", "pyongyang declaration",
                   "comfort women", "general security of military information", "camp david"):
        assert needle in names, needle
    dnames = " | ".join(d.name + " " + " ".join(d.aliases) for d in kb.disputes.values()).lower()
    for needle in ("dokdo", "comfort women", "forced labor", "textbook", "yasukuni", "east sea", "export controls",
                   "gsomia", "treated water", "sado", "radar", "rising sun", "abduct"):
        assert needle in dnames, needle


def test_pattern_files_load():
    for name in ("events.yaml", "agreements.yaml", "boilerplate.yaml", "offices.yaml", "persons.yaml",
                 "organizations.yaml", "places.yaml"):
        assert yaml.safe_load(resources.path("patterns", name).read_text())
