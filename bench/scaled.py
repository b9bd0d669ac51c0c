"""A graph shaped like kg's, at any size: the seed graph's data copied N times with fresh
IRIs (the ontology once), whole copies only, so the size is the first multiple past the target. Copies keep the real mix of classes, properties, literals and
provenance, so timings reflect what kg produces.

    python -m bench.scaled --triples 100000 --out /tmp/g100k.ttl
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.plugins.stores.memory import SimpleMemory

import kg
from kg.rdf import bind_prefixes, ontology_graph
from kg.terms import DATA

ROOT = Path(__file__).resolve().parent.parent


def seed_graph() -> Graph:
    with tempfile.TemporaryDirectory() as tmp:
        kg.build([ROOT / "seeds"], out=tmp, reasoning=False, validation=False)
        return Graph().parse(Path(tmp) / "graph.ttl")


def scaled(triples: int, base: Graph | None = None) -> Graph:
    base = base if base is not None else seed_graph()
    ont = ontology_graph()
    data = [t for t in base if t not in ont]
    prefix = str(DATA)
    out = Graph(store=SimpleMemory())  # the store kg.rdf.to_graph builds the graph in
    bind_prefixes(out)
    for t in ont:
        out.add(t)

    def renamed(term) -> bool:
        return isinstance(term, URIRef) and str(term).startswith(prefix)
    # the triples with a node of the data are new in every copy; the others are added once
    # (counted so, because SimpleMemory counts its triples by iterating them all)
    per_copy = sum(1 for s, _p, o in data if renamed(s) or renamed(o))
    size = len(out) + len(data) - per_copy
    copy = 0
    while size < triples:
        def rename(term):
            return URIRef(f"{term}-c{copy}") if renamed(term) else term
        for s, p, o in data:  # whole copies only, so every node keeps all its triples
            out.add((rename(s), p, rename(o)))
        size += per_copy
        copy += 1
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--triples", type=int, default=100_000)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    g = scaled(args.triples)
    g.serialize(args.out, format="nt")
    print(f"{len(g)} triples -> {args.out}")


if __name__ == "__main__":
    main()
