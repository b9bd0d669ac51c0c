"""A synthetic graph shaped like kg's, of any size, for timing queries.

The seed graph (graph.ttl and inferred.ttl of a `kg build` of seeds/) comes first, so the
packaged queries' example parameters resolve as they do on the seeds; then synthetic
articles follow, each with what a real article gives: about 25 supporting sentences,
6 events (meetings, summits, visits, political events) whose participants are drawn from
shared pools of people, organizations and countries with a heavy-tailed popularity (a few
actors are in many events, most in few), dates at mixed precision, places, an agreement,
mentions of recurring disputes, tenures of office, labels and alternative labels, and
the provenance links (kg:mentionedIn, kg:evidence). Every synthetic name is unique, so
label look-ups stay unambiguous. The inferred part mirrors what OWL 2 RL reasoning adds
to kg's data (superclasses, kg:participatedIn, kg:signed, the SEM / schema.org / PROV-O
alignments).

    python -m bench.synthetic --triples 1000000 --out /tmp/synth     # graph.nt, inferred.nt, summary.nt

summary.nt is what `kg build` writes as summary.ttl: kg.summary run on the other two.

Deterministic for a given --seed.
"""
from __future__ import annotations

import argparse
import hashlib
import random
import tempfile
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
KG = "https://w3id.org/skjkg/ontology#"
ID = "https://w3id.org/skjkg/id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
HIDDEN = "http://www.w3.org/2004/02/skos/core#hiddenLabel"
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
SCHEMA = "https://schema.org/"
SEM = "http://semanticweb.cs.vu.nl/2009/11/sem/"
PROV = "http://www.w3.org/ns/prov#"
FOAF = "http://xmlns.com/foaf/0.1/"
ORG = "http://www.w3.org/ns/org#"

EVENT_KINDS = [("Meeting", "meeting", 40), ("Summit", "summit", 12), ("Visit", "visit", 20),
               ("Event", "inauguration", 6), ("Event", "election", 6), ("Event", "ruling", 4),
               ("Event", "impeachment", 3), ("Event", "resignation", 4), ("Event", "martial-law", 1),
               ("Event", "expo", 4)]
ROLES = ["President", "Prime Minister", "Foreign Minister", "Defense Minister", "Ambassador",
         "National Assembly Speaker", "Chief Cabinet Secretary", "Trade Minister", "former Prime Minister"]
WORDS = ("relations cooperation summit minister talks agreement history dispute security trade "
         "alliance visit pledged bilateral trilateral leaders government officials regional economic "
         "future-oriented partnership normalization anniversary apology compensation export water "
         "island court ruling labor press conference delegation shuttle diplomacy").split()
FIRST = "Min Ji Hyun Seo Jun Woo Yuki Haruto Sora Ren Kenji Taro Akira Hana Mei Jae Sung Hye".split()
LAST = "Park Kim Lee Choi Jung Kang Cho Yoon Jang Lim Sato Suzuki Takahashi Tanaka Watanabe Ito " \
       "Yamamoto Nakamura Kobayashi Kato".split()


def iri(x: str) -> str:
    return f"<{x}>"


def lit(text: str, dt: str | None = None) -> str:
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{body}"^^<{dt}>' if dt else f'"{body}"'


def date_lit(rng: random.Random, lo: int = 1965, hi: int = 2025) -> tuple[str, str]:
    y = rng.randint(lo, hi)
    r = rng.random()
    if r < 0.7:
        return f"{y}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", XSD + "date"
    if r < 0.9:
        return f"{y}-{rng.randint(1, 12):02d}", XSD + "gYearMonth"
    return str(y), XSD + "gYear"


class Writer:
    def __init__(self, asserted, inferred):
        self.a, self.i = asserted, inferred
        self.na = self.ni = 0

    def add(self, s, p, o):
        self.a.write(f"{s} {iri(p)} {o} .\n")
        self.na += 1

    def infer(self, s, p, o):
        self.i.write(f"{s} {iri(p)} {o} .\n")
        self.ni += 1

    def typed(self, s, cls: str, supers: list[str]):
        self.add(s, RDF_TYPE, iri(KG + cls))
        for sup in supers:
            self.infer(s, RDF_TYPE, iri(sup))


def seed_files(build: Path | None) -> list[Path]:
    """graph.ttl and inferred.ttl of the seeds, building them if no folder is given."""
    if build is None:
        import kg
        build = Path(tempfile.mkdtemp(prefix="kg-seed-"))
        kg.build([ROOT / "seeds"], out=build)
    return [p for p in (build / "graph.ttl", build / "inferred.ttl") if p.exists()]


def generate(out: Path, triples: int, *, seed: int = 7, seed_build: Path | None = None) -> tuple[int, int]:
    """Write out/graph.nt and out/inferred.nt with about `triples` triples in all; returns
    the asserted and inferred counts."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    files = seed_files(seed_build)
    with open(out / "graph.nt", "w", encoding="utf-8") as fa, open(out / "inferred.nt", "w", encoding="utf-8") as fi:
        w = Writer(fa, fi)
        for f, dest in zip(files, (fa, fi)):
            data = ox.serialize(ox.parse(path=str(f), format=ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES)
            dest.write(data.decode("utf-8"))
            n = data.count(b"\n")
            if dest is fa:
                w.na += n
            else:
                w.ni += n
        per_article = 570           # about what one synthetic article adds, its share of the pools included
        n_articles = max(1, (triples - w.na - w.ni) // per_article)
        pools = _pools(w, rng, n_articles)
        k = 0
        while w.na + w.ni < triples:
            _article(w, rng, k, pools)
            k += 1
    write_summary(out, [out / "graph.nt", out / "inferred.nt"])
    return w.na, w.ni


def write_summary(out: Path, files: list[Path]) -> int:
    """out/summary.nt: kg.summary of the triples in `files` (N-Triples), as `kg build`
    computes summary.ttl; returns its number of triples."""
    from kg.store import to_oxigraph, to_rdflib
    from kg.summary import PREDICATES, summarize

    wanted = {ox.NamedNode(str(p)) for p in PREDICATES}
    triples = []
    for f in files:
        for t in ox.parse(path=str(f), format=ox.RdfFormat.N_TRIPLES):
            if t.predicate in wanted:
                triples.append((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    summary = summarize([triples])
    memo: dict = {}
    lines = sorted(f"{to_oxigraph(s, memo)} {to_oxigraph(p, memo)} {to_oxigraph(o, memo)} ." for s, p, o in summary)
    (out / "summary.nt").write_text("".join(x + "\n" for x in lines), encoding="utf-8")
    return len(lines)


def _zipf(rng: random.Random, pool: list, s: float = 1.0):
    """An element of `pool`, early ones far more often: the index is log-uniform (s=1), a
    heavy tail like the few leaders and two countries that most events involve."""
    n = len(pool)
    return pool[min(n - 1, int((n + 1) ** (rng.random() ** s)) - 1)]


def _pools(w: Writer, rng: random.Random, n_articles: int) -> dict:
    countries, persons, orgs, places, disputes, offices = [], [], [], [], [], []
    for c in range(40):
        s = iri(f"{ID}country/synthetic-country-{c}")
        w.typed(s, "Country", [KG + "Actor", KG + "Place", SEM + "Actor", SEM + "Place",
                               SCHEMA + "Country", SCHEMA + "Place"])
        w.add(s, LABEL, lit(f"Synthetic Country {c}"))
        w.add(s, ALT, lit(f"SC{c}"))
        countries.append(s)
    for c in range(60):
        s = iri(f"{ID}office/synthetic-office-{c}")
        w.add(s, RDF_TYPE, iri(KG + "Office"))
        w.add(s, LABEL, lit(f"{ROLES[c % len(ROLES)]} of Synthetic Country {c % 40}"))
        w.infer(s, RDF_TYPE, iri(ORG + "Role"))
        offices.append(s)
    for p in range(max(50, n_articles * 3)):
        s = iri(f"{ID}person/synthetic-person-{p}")
        name = f"{rng.choice(FIRST)} {rng.choice(FIRST).lower()} {rng.choice(LAST)} {p}"
        w.typed(s, "Person", [KG + "Actor", SEM + "Actor", SCHEMA + "Person", FOAF + "Person"])
        w.add(s, LABEL, lit(name))
        w.add(s, ALT, lit(f"{name.split()[-2]} {p}"))
        w.add(s, "https://w3id.org/skjkg/ontology#country", _zipf(rng, countries, 0.6))
        if rng.random() < 0.4:
            w.add(s, KG + "role", lit(rng.choice(ROLES)))
        if rng.random() < 0.25:
            t = iri(f"{ID}tenure/synthetic-person-{p}/0")
            w.add(t, RDF_TYPE, iri(KG + "Tenure"))
            w.add(t, KG + "holder", s)
            w.add(t, KG + "office", rng.choice(offices))
            d, dt = date_lit(rng)
            w.add(t, KG + "startDate", lit(d, dt))
            w.add(t, DCT + "source", iri(ID + "source/reference-knowledge"))
            w.infer(s, KG + "heldOffice", t)
            w.infer(t, RDF_TYPE, iri(ORG + "Membership"))
            w.infer(t, ORG + "member", s)
        persons.append(s)
    for o in range(max(30, n_articles * 2)):
        s = iri(f"{ID}organization/synthetic-organization-{o}")
        w.typed(s, "Organization", [KG + "Actor", SEM + "Actor", SCHEMA + "Organization",
                                    FOAF + "Organization", ORG + "Organization"])
        w.add(s, LABEL, lit(f"Synthetic Institute {o}"))
        w.add(s, HIDDEN, lit(f"SI-{o}"))
        w.add(s, KG + "country", _zipf(rng, countries, 0.6))
        w.add(s, KG + "kind", lit(rng.choice(["think-tank", "newspaper", "ministry", "party", "court"])))
        orgs.append(s)
    for pl in range(max(20, n_articles // 2)):
        s = iri(f"{ID}place/synthetic-place-{pl}")
        w.typed(s, "Place", [SEM + "Place", SCHEMA + "Place"])
        w.add(s, LABEL, lit(f"Synthetic City {pl}"))
        w.add(s, KG + "country", _zipf(rng, countries, 0.6))
        places.append(s)
    for d in range(60):
        s = iri(f"{ID}dispute/synthetic-dispute-{d}")
        w.add(s, RDF_TYPE, iri(KG + "Dispute"))
        w.add(s, LABEL, lit(f"Synthetic dispute {d}"))
        w.add(s, ALT, lit(f"dispute number {d}"))
        for c in rng.sample(countries[:10], 2):
            w.add(s, KG + "party", c)
        disputes.append(s)
    return {"countries": countries, "persons": persons, "orgs": orgs, "places": places, "disputes": disputes}


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(14, 30))).capitalize() + "."


def _article(w: Writer, rng: random.Random, k: int, pools: dict) -> None:
    art_id = f"synthetic-{k:06d}"
    a = iri(f"{ID}article/{art_id}")
    w.add(a, RDF_TYPE, iri(KG + "Article"))
    w.infer(a, RDF_TYPE, iri(SCHEMA + "NewsArticle"))
    w.infer(a, RDF_TYPE, iri(PROV + "Entity"))
    title = f"Synthetic report {k}: " + " ".join(rng.choice(WORDS) for _ in range(6))
    w.add(a, LABEL, lit(title))
    w.add(a, DCT + "title", lit(title))
    d, dt = date_lit(rng, 1990)
    w.add(a, DCT + "issued", lit(d, dt))
    w.add(a, KG + "kind", lit(rng.choice(["news report", "op-ed", "issue brief", "essay"])))
    w.add(a, KG + "sourceFile", lit(f"articles/{art_id}.txt"))
    w.add(a, KG + "contentHash", lit(hashlib.sha256(art_id.encode()).hexdigest()))
    pub = _zipf(rng, pools["orgs"], 1.5)
    w.add(a, KG + "publisher", pub)
    w.infer(a, DCT + "publisher", pub)
    w.infer(a, SCHEMA + "publisher", pub)
    author = rng.choice(pools["persons"])
    w.add(a, KG + "author", author)
    w.infer(a, DCT + "creator", author)
    w.infer(a, SCHEMA + "author", author)
    sentences = []
    offset = 0
    for n in range(25):
        s = iri(f"{ID}article/{art_id}/sentence/{n}")
        text = _sentence(rng)
        w.add(s, RDF_TYPE, iri(KG + "Sentence"))
        w.infer(s, RDF_TYPE, iri(PROV + "Entity"))
        w.add(s, KG + "inArticle", a)
        w.infer(s, DCT + "isPartOf", a)
        w.add(s, KG + "text", lit(text))
        w.add(s, KG + "sentenceIndex", lit(str(n), XSD + "integer"))
        w.add(s, KG + "startOffset", lit(str(offset), XSD + "integer"))
        w.add(s, KG + "endOffset", lit(str(offset + len(text)), XSD + "integer"))
        offset += len(text) + 1
        sentences.append(s)

    def provenance(node, all_sentences: int):
        w.add(node, KG + "mentionedIn", a)
        w.infer(node, PROV + "wasDerivedFrom", a)
        for s in rng.sample(sentences, all_sentences):
            w.add(node, KG + "evidence", s)
            w.infer(node, PROV + "wasDerivedFrom", s)

    actors = set()
    kinds = [k for k in EVENT_KINDS for _ in range(k[2])]
    for e in range(6):
        cls, kind, _ = rng.choice(kinds)
        d, dt = date_lit(rng)
        ev = iri(f"{ID}event/{d}-{kind}-synthetic-{k}-{e}")
        supers = {"Summit": [KG + "Meeting", KG + "Event"], "Meeting": [KG + "Event"], "Visit": [KG + "Event"],
                  "Event": []}[cls] + [SEM + "Event", SCHEMA + "Event"]
        w.typed(ev, cls, supers)
        w.add(ev, KG + "kind", lit(kind))
        w.add(ev, KG + "date", lit(d, dt))
        w.infer(ev, SEM + "hasTimeStamp", lit(d, dt))
        w.infer(ev, SCHEMA + "startDate", lit(d, dt))
        people = [_zipf(rng, pools["persons"]) for _ in range(rng.randint(1, 3))]
        others = [_zipf(rng, pools["countries"], 0.6) for _ in range(rng.randint(0, 2))]
        if rng.random() < 0.3:
            others.append(_zipf(rng, pools["orgs"]))
        names = []
        for p in dict.fromkeys(people + others):
            w.add(ev, KG + "participant", p)
            w.infer(p, KG + "participatedIn", ev)
            w.infer(ev, SEM + "hasActor", p)
            w.infer(ev, SCHEMA + "attendee", p)
            actors.add(p)
            names.append(p.rsplit("/", 1)[1][:-1])
        w.add(ev, LABEL, lit(f"{kind.capitalize()} of {', '.join(names)} ({d})"))
        if rng.random() < 0.6:
            loc = _zipf(rng, pools["places"]) if rng.random() < 0.8 else _zipf(rng, pools["countries"], 0.6)
            w.add(ev, KG + "location", loc)
            w.infer(ev, SEM + "hasPlace", loc)
            w.infer(ev, SCHEMA + "location", loc)
        if rng.random() < 0.1:
            w.add(ev, KG + "concerns", _zipf(rng, pools["disputes"]))
        provenance(ev, 3)
    ag = iri(f"{ID}agreement/synthetic-agreement-{k}")
    w.add(ag, RDF_TYPE, iri(KG + "Agreement"))
    w.add(ag, LABEL, lit(f"Synthetic joint statement {k}"))
    w.add(ag, ALT, lit(f"statement {k}"))
    w.add(ag, KG + "kind", lit(rng.choice(["agreement", "joint-statement", "treaty"])))
    d, dt = date_lit(rng)
    w.add(ag, KG + "date", lit(d, dt))
    for c in rng.sample(pools["countries"][:12], 2):
        w.add(ag, KG + "party", c)
    for p in rng.sample(pools["persons"], rng.randint(0, 2)):
        w.add(ag, KG + "signatory", p)
        w.infer(p, KG + "signed", ag)
    if rng.random() < 0.5:
        w.add(ag, KG + "concerns", _zipf(rng, pools["disputes"]))
    provenance(ag, 2)
    for dsp in {_zipf(rng, pools["disputes"]) for _ in range(2)}:
        provenance(dsp, 1)
    for act in actors:
        provenance(act, 1)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--triples", type=int, default=1_000_000, help="about how many triples in all")
    ap.add_argument("--out", type=Path, required=True, help="folder for graph.nt, inferred.nt and summary.nt")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--seed-build", type=Path, help="a kg build of seeds/ to start from (default: build one)")
    args = ap.parse_args(argv)
    na, ni = generate(args.out, args.triples, seed=args.seed, seed_build=args.seed_build)
    print(f"{na} asserted + {ni} inferred = {na + ni} triples -> {args.out}/graph.nt, {args.out}/inferred.nt"
          f" (and {args.out}/summary.nt)")


if __name__ == "__main__":
    main()
