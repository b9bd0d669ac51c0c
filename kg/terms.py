"""The ontology's terms as a closed namespace: a misspelt term raises instead of
minting a wrong IRI. `tests/test_terms.py` checks that every term here is declared in
`ontology/kg.ttl` and the other way round."""
from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace

BASE = "https://w3id.org/skjkg/"
ONTOLOGY_IRI = URIRef(BASE + "ontology")
DATA = Namespace(BASE + "id/")


class KG(DefinedNamespace):
    _NS = Namespace(BASE + "ontology#")
    _fail = True

    # classes
    Actor: URIRef
    Person: URIRef
    Country: URIRef
    Organization: URIRef
    Place: URIRef
    Event: URIRef
    Meeting: URIRef
    Summit: URIRef
    Visit: URIRef
    Agreement: URIRef
    Dispute: URIRef
    Article: URIRef
    Sentence: URIRef
    Office: URIRef
    Tenure: URIRef
    RoleClaim: URIRef
    ActorPair: URIRef
    # object properties
    participant: URIRef
    participatedIn: URIRef
    signed: URIRef
    location: URIRef
    signatory: URIRef
    party: URIRef
    outcome: URIRef
    concerns: URIRef
    country: URIRef
    mentionedIn: URIRef
    evidence: URIRef
    inArticle: URIRef
    author: URIRef
    publisher: URIRef
    holder: URIRef
    heldOffice: URIRef
    office: URIRef
    claimOf: URIRef
    # datatype properties
    date: URIRef
    endDate: URIRef
    startDate: URIRef
    acting: URIRef
    asOf: URIRef
    role: URIRef
    kind: URIRef
    text: URIRef
    startOffset: URIRef
    endOffset: URIRef
    sentenceIndex: URIRef
    sourceFile: URIRef
    contentHash: URIRef
    # build-time summaries (kg/summary.py)
    pairActor1: URIRef
    pairActor2: URIRef
    meetingCount: URIRef
    firstMeetingDate: URIRef
    lastMeetingDate: URIRef
    eventCount: URIRef
    agreementCount: URIRef
    disputeCount: URIRef
    linkCount: URIRef
    partnerCount: URIRef
    connectionRank: URIRef
    mentionedEventCount: URIRef
    mentionedAgreementCount: URIRef
    mentionedDisputeCount: URIRef
    authorList: URIRef
    signatoryList: URIRef
    partyList: URIRef
    roleList: URIRef
