"""Reference knowledge: known actors, offices, agreements and disputes, read from YAML.

The files live in `ontology/reference/` (schema in its README) and
`ontology/patterns/offices.yaml`. Nothing here is keyed to an article.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from . import resources
from .errors import ReferenceDataError
from .model import COUNTRY, ORGANIZATION, PERSON, PLACE

EAST_ASIAN_FAMILY_FIRST = {"south-korea", "north-korea", "china", "taiwan"}
EAST_ASIAN_FAMILY_LAST = {"japan"}


@dataclass(frozen=True, slots=True)
class Office:
    office: str  # key of offices.yaml
    country: str | None
    start: str | None
    end: str | None
    acting: bool = False


@dataclass(frozen=True, slots=True)
class OfficeType:
    key: str
    label: str
    leader: bool
    titles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RefEntity:
    id: str
    kind: str
    name: str
    aliases: tuple[str, ...] = ()
    case_sensitive_aliases: tuple[str, ...] = ()
    country: str | None = None
    offices: tuple[Office, ...] = ()
    demonyms: tuple[str, ...] = ()
    capital: str | None = None
    subkind: str | None = None  # organization or place kind
    family: str | None = None  # a person's family name


@dataclass(frozen=True, slots=True)
class RefAgreement:
    id: str
    name: str
    aliases: tuple[str, ...]
    kind: str | None
    date: str | None
    signatories: tuple[str, ...]
    parties: tuple[str, ...]
    concerns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RefDispute:
    id: str
    name: str
    aliases: tuple[str, ...]
    parties: tuple[str, ...]


def _strs(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value if v is not None and str(v).strip())


def _date(value) -> str | None:
    return None if value is None else str(value)


def family_name(name: str, country: str | None) -> str:
    words = name.split()
    if len(words) < 2:
        return name
    if country in EAST_ASIAN_FAMILY_FIRST:
        return words[0]
    return words[-1]


def name_variants(name: str, country: str | None) -> set[str]:
    """Spellings of a person's name kg should also recognise: the other name order
    for East Asian names ("Obuchi Keizo"), and Western order for Korean names
    ("Jae-myung Lee")."""
    words = name.split()
    out = {name}
    if len(words) >= 2 and (country in EAST_ASIAN_FAMILY_FIRST or country in EAST_ASIAN_FAMILY_LAST):
        if country in EAST_ASIAN_FAMILY_LAST:
            out.add(" ".join([words[-1]] + words[:-1]))
        else:
            out.add(" ".join(words[1:] + [words[0]]))
    return out


class ReferenceKB:
    """Indexes over the reference files."""

    def __init__(self, entities, agreements, disputes, offices):
        self.entities: dict[str, RefEntity] = {e.id: e for e in entities}
        self.agreements: dict[str, RefAgreement] = {a.id: a for a in agreements}
        self.disputes: dict[str, RefDispute] = {d.id: d for d in disputes}
        self.offices: dict[str, OfficeType] = {o.key: o for o in offices}
        ids = list(self.entities) + list(self.agreements) + list(self.disputes)
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ReferenceDataError(f"reference ids used twice: {', '.join(sorted(dup))}")
        self.demonyms: dict[str, str] = {}
        for e in entities:
            for d in e.demonyms:
                self.demonyms.setdefault(d, e.id)
        self.by_family: dict[str, list[str]] = {}
        for e in entities:
            if e.kind == PERSON and e.family:
                self.by_family.setdefault(e.family.lower(), []).append(e.id)
        self.title_index: dict[str, str] = {}
        for o in offices:
            for t in o.titles:
                self.title_index.setdefault(t.lower(), o.key)

    # -- lookups -----------------------------------------------------------
    def get(self, ref_id: str) -> RefEntity | None:
        return self.entities.get(ref_id)

    def holders(self, office: str, country: str | None, date: str | None) -> list[str]:
        """Persons who held `office` (of `country`) at `date` (any precision)."""
        out = []
        for e in self.entities.values():
            for o in e.offices:
                if o.office != office or (country and o.country != country):
                    continue
                if date is None or _within(date, o.start, o.end):
                    out.append(e.id)
                    break
        return out

    def offices_at(self, person: str, date: str | None) -> list[Office]:
        e = self.entities.get(person)
        if not e:
            return []
        return [o for o in e.offices if date is None or _within(date, o.start, o.end)]

    def is_leader(self, person: str, date: str | None) -> bool:
        return any(self.offices[o.office].leader for o in self.offices_at(person, date) if o.office in self.offices)


def _within(date: str, start: str | None, end: str | None) -> bool:
    """Does the period named by `date` overlap [start, end]? Compares at shared precision."""
    def cmp(a: str, b: str) -> int:
        n = min(len(a), len(b))
        return (a[:n] > b[:n]) - (a[:n] < b[:n])
    if start and cmp(date, start) < 0:
        return False
    if end and cmp(date, end) > 0:
        return False
    return True


def _load_list(name: str) -> list[dict]:
    data = resources.load_yaml("reference", name) or []
    if not isinstance(data, list):
        raise ReferenceDataError(f"reference/{name}: expected a list of records")
    for rec in data:
        if not isinstance(rec, dict) or "id" not in rec or "name" not in rec:
            raise ReferenceDataError(f"reference/{name}: every record needs an id and a name: {rec!r}")
    return data


@lru_cache(maxsize=1)
def load() -> ReferenceKB:
    entities = []
    for fname, kind in (("countries.yaml", COUNTRY), ("persons.yaml", PERSON),
                        ("organizations.yaml", ORGANIZATION), ("places.yaml", PLACE)):
        for r in _load_list(fname):
            offices = tuple(
                Office(office=str(o["office"]), country=o.get("country") or r.get("country"),
                       start=_date(o.get("start")), end=_date(o.get("end")), acting=bool(o.get("acting")))
                for o in (r.get("offices") or [])
            )
            country = r.get("country") if kind != COUNTRY else r["id"]
            entities.append(RefEntity(
                id=str(r["id"]), kind=kind, name=str(r["name"]),
                aliases=_strs(r.get("aliases")),
                case_sensitive_aliases=_strs(r.get("case_sensitive_aliases")),
                country=country, offices=offices, demonyms=_strs(r.get("demonyms")),
                capital=r.get("capital"), subkind=r.get("kind"),
                family=family_name(str(r["name"]), country) if kind == PERSON else None,
            ))
    agreements = [
        RefAgreement(id=str(r["id"]), name=str(r["name"]), aliases=_strs(r.get("aliases")), kind=r.get("kind"),
                     date=_date(r.get("date")), signatories=_strs(r.get("signatories")),
                     parties=_strs(r.get("parties")), concerns=_strs(r.get("concerns")))
        for r in _load_list("agreements.yaml")
    ]
    disputes = [
        RefDispute(id=str(r["id"]), name=str(r["name"]), aliases=_strs(r.get("aliases")),
                   parties=_strs(r.get("parties")))
        for r in _load_list("disputes.yaml")
    ]
    offices = []
    for key, spec in (resources.load_yaml("patterns", "offices.yaml") or {}).items():
        offices.append(OfficeType(key=key, label=spec.get("label", key), leader=bool(spec.get("leader")),
                                  titles=_strs(spec.get("titles"))))
    return ReferenceKB(entities, agreements, disputes, offices)


_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    import unicodedata
    t = unicodedata.normalize("NFKD", text)
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    return _SLUG.sub("-", t).strip("-") or "x"
