"""Build-time summaries of the graph: the aggregates that packaged queries would
otherwise recompute over every event at every call (`summary.ttl`, beside `inferred.ttl`).

    from kg.summary import summarize
    summary = summarize([graph, inferred])        # an rdflib.Graph of the summary triples

What is computed, in one pass over the triples of a few predicates (the ontology's
`rdfs:comment`s on these terms say the same):

- one `kg:ActorPair` node per pair of actors that took part in the same meeting (an event
  whose class is `kg:Meeting` or a subclass of it), countries left out: `kg:pairActor1`
  and `kg:pairActor2` (the one with the smaller IRI first), `kg:meetingCount`,
  `kg:firstMeetingDate` and `kg:lastMeetingDate` (the least and greatest of the meetings'
  `kg:date`s as text, the value kept with its datatype); used by `who-met-whom`;
- on every actor that is a participant, signatory or party: `kg:eventCount` (events it took part
  in), `kg:agreementCount` (agreements it signed or is party to), `kg:disputeCount`
  (disputes it is party to), `kg:linkCount` (their sum) and, when it has any,
  `kg:partnerCount` (distinct co-participants), and `kg:connectionRank`, the actor's place
  when they are sorted by links, then partners (both most first), then label: the order
  of `most-connected`, as a number a store sorts fast;
- on every article that some event, agreement or dispute is `kg:mentionedIn`:
  `kg:mentionedEventCount`, `kg:mentionedAgreementCount`, `kg:mentionedDisputeCount`;
  used by `articles`;
- lists, each the distinct values sorted and joined by ", " (what GROUP_CONCAT over a
  sorted sub-select gave): `kg:authorList` of an article (its authors' labels),
  `kg:signatoryList` and `kg:partyList` of an agreement or dispute (labels),
  `kg:roleList` of an actor (its `kg:role`s); used by `articles`, `agreements` and
  `actors-by-country`.

These are exactly the numbers the earlier formulations of those queries computed with
SPARQL aggregates (tests/test_summary.py compares them on generated graphs). Summary nodes
carry no class the scorer or the SHACL shapes count as things the articles name, and no
labels, so label look-ups never find them. The output depends only on the triples given,
never on their order.
"""
from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.stores.memory import SimpleMemory

from .rdf import adder, triples_with, without_gc
from .rules import reachable
from .terms import DATA, KG

log = logging.getLogger(__name__)

PAIR_NS = str(DATA) + "pair/"
#: what `summarize` reads, each indexed by its subject (True) or by its object (False)
_KEYED_BY_SUBJECT = {RDF.type: True, RDFS.subClassOf: True, KG.participant: True, KG.date: True,
                     KG.signatory: False, KG.party: False, KG.mentionedIn: False, RDFS.label: True,
                     KG.author: True, KG.role: True}
#: the predicates `summarize` reads; every other triple is skipped
PREDICATES = tuple(_KEYED_BY_SUBJECT)
#: summary properties, for telling a graph that has its summary from one that has not
PROPERTIES = (KG.pairActor1, KG.pairActor2, KG.meetingCount, KG.firstMeetingDate, KG.lastMeetingDate,
              KG.eventCount, KG.agreementCount, KG.disputeCount, KG.partnerCount, KG.linkCount, KG.connectionRank,
              KG.mentionedEventCount, KG.mentionedAgreementCount, KG.mentionedDisputeCount,
              KG.authorList, KG.signatoryList, KG.partyList, KG.roleList)


_INTEGER = XSD.integer


def _int(n: int) -> Literal:
    return Literal(n, datatype=_INTEGER)


def pair_iri(x, y) -> URIRef:
    """The summary node of the pair (x, y), x the one with the smaller IRI."""
    return URIRef(PAIR_NS + hashlib.sha1(f"{x}\n{y}".encode("utf-8")).hexdigest()[:20])


def _subclasses(sub: dict, top) -> set:
    """`top` and every class below it through rdfs:subClassOf (what `rdfs:subClassOf*` reaches)."""
    down = defaultdict(set)
    for c, supers in sub.items():
        for s in supers:
            down[s].add(c)
    return reachable(top, down)


def summarize(graphs: Iterable) -> Graph:
    """The summary triples of the union of `graphs` (rdflib graphs, or iterables of
    rdflib-term triples: only the triples of `PREDICATES` are read), as a graph on a
    SimpleMemory store (no named graphs; adds about twice as fast as the default store's)."""
    with without_gc():  # (see kg.rdf.without_gc: it allocates a set or a term for most triples read)
        return _summarize(graphs)


def _summarize(graphs: Iterable) -> Graph:
    index = {p: defaultdict(set) for p in PREDICATES}
    for g in graphs:
        triples = (t for p in PREDICATES for t in triples_with(g, p)) if isinstance(g, Graph) else g
        for s, p, o in triples:
            into = index.get(p)
            if into is not None:
                if _KEYED_BY_SUBJECT[p]:
                    into[s].add(o)
                else:
                    into[o].add(s)
    types, sub, labels = index[RDF.type], index[RDFS.subClassOf], index[RDFS.label]
    participants = index[KG.participant]  # event -> actors
    dates = index[KG.date]                # event -> kg:date values
    signs = index[KG.signatory]           # actor -> things it signed
    parties = index[KG.party]             # actor -> things it is party to
    mentions = index[KG.mentionedIn]      # article -> things mentioned in it
    authors = index[KG.author]            # article -> its authors
    roles = index[KG.role]                # actor -> kg:role values

    def of_class(classes: set):
        return {x for x, ts in types.items() if ts & classes}

    meetings = of_class(_subclasses(sub, KG.Meeting))
    events = of_class(_subclasses(sub, KG.Event))
    agreements = of_class({KG.Agreement})
    disputes = of_class({KG.Dispute})
    countries = of_class({KG.Country})

    out = Graph(store=SimpleMemory())
    add = adder(out)
    integers: dict[int, Literal] = {}

    def count(n: int) -> Literal:  # _int(n), made once for each number
        t = integers.get(n)
        if t is None:
            t = integers[n] = _int(n)
        return t

    # who met whom: pairs of non-country participants of a meeting
    pairs: dict = defaultdict(set)
    for e in meetings:
        ps = sorted((p for p in participants.get(e, ()) if p not in countries), key=str)
        for i, x in enumerate(ps):
            for y in ps[i + 1:]:
                if str(x) < str(y):
                    pairs[(x, y)].add(e)
    for (x, y), evs in pairs.items():
        node = pair_iri(x, y)
        add((node, RDF.type, KG.ActorPair))
        add((node, KG.pairActor1, x))
        add((node, KG.pairActor2, y))
        add((node, KG.meetingCount, count(len(evs))))
        ds = [d for e in evs for d in dates.get(e, ())]
        if ds:
            add((node, KG.firstMeetingDate, min(ds, key=lambda d: (str(d), _dkey(d)))))
            add((node, KG.lastMeetingDate, max(ds, key=lambda d: (str(d), _dkey(d)))))
    # actors: events, agreements, disputes, partners
    took_part = defaultdict(set)
    partners = defaultdict(set)
    for e, ps in participants.items():
        for a in ps:
            took_part[a].add(e)
            partners[a].update(o for o in ps if o != a)
    actors = set(took_part) | set(signs) | set(parties)
    ranked = []
    for a in actors:
        n_agr = len((signs.get(a, set()) | parties.get(a, set())) & agreements)
        n_dis = len(parties.get(a, set()) & disputes)
        n_ev = len(took_part.get(a, ()))
        if not (n_ev or n_agr or n_dis):
            continue
        add((a, KG.eventCount, count(n_ev)))
        add((a, KG.agreementCount, count(n_agr)))
        add((a, KG.disputeCount, count(n_dis)))
        add((a, KG.linkCount, count(n_ev + n_agr + n_dis)))
        if partners.get(a):
            add((a, KG.partnerCount, count(len(partners[a]))))
        names = sorted(str(x) for x in labels.get(a, ()))
        ranked.append((-(n_ev + n_agr + n_dis), -len(partners.get(a, ())), not names, names[:1], str(a), a))
    # most connected first: links, then partners, then the label (then the IRI)
    for i, key in enumerate(sorted(ranked), 1):
        add((key[-1], KG.connectionRank, count(i)))
    # articles: what they mention
    for art, things in mentions.items():
        n_ev, n_agr, n_dis = len(things & events), len(things & agreements), len(things & disputes)
        if n_ev or n_agr or n_dis:
            add((art, KG.mentionedEventCount, count(n_ev)))
            add((art, KG.mentionedAgreementCount, count(n_agr)))
            add((art, KG.mentionedDisputeCount, count(n_dis)))
    # lists: the distinct labels of a node's authors, signatories, parties; its roles
    def listed(node, prop, values) -> None:
        if values:
            add((node, prop, Literal(", ".join(sorted(str(v) for v in values)))))

    for art, who in authors.items():
        listed(art, KG.authorList, {n for a in who for n in labels.get(a, ())})
    for actor_things, prop in ((signs, KG.signatoryList), (parties, KG.partyList)):
        by_thing = defaultdict(set)
        for a, things in actor_things.items():
            for t in things:
                by_thing[t].add(a)
        for t, who in by_thing.items():
            listed(t, prop, {n for a in who for n in labels.get(a, ())})
    for a, rs in roles.items():
        listed(a, KG.roleList, rs)
    log.info("summary: %d actor pairs, %d actors, %d articles, %d triples",
             len(pairs), len(actors), len(mentions), len(out))
    return out


def _dkey(d) -> str:
    """A tie-break between values of the same text (never happens for kg's dates)."""
    return str(getattr(d, "datatype", "") or "")


def has_summary(graph: Graph) -> bool:
    """Whether `graph` holds summary triples (or has nothing to summarize)."""
    return any(True for p in (KG.meetingCount, KG.linkCount, KG.mentionedEventCount)
               for _ in graph.triples((None, p, None)))
