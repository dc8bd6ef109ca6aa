"""Every IRI constant and prefix of exportgraph, and nothing else.

``EG`` holds the ontology's terms; it is a ``DefinedNamespace`` with ``_fail = True``, so a typo
(``EG.subsidaryOf``) raises at import time instead of minting a term the ontology does not have.
A test checks this list against ``ontology/`` both ways and names any term missing on either side.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

ONTOLOGY_IRI = "https://w3id.org/exportgraph/ontology"
ID = Namespace("https://w3id.org/exportgraph/id/")
SCHEMA = Namespace("https://schema.org/")
SH = Namespace("http://www.w3.org/ns/shacl#")
# GLEIF's own vocabulary, read (never written) by the `gleif` importer (GLEIF-IT/lei-rdf)
GLEIF_BASE = Namespace("https://www.gleif.org/ontology/Base/")
GLEIF_L1 = Namespace("https://www.gleif.org/ontology/L1/")
GLEIF_L2 = Namespace("https://www.gleif.org/ontology/L2/")


class EG(DefinedNamespace):
    """The exportgraph ontology (``ontology/*.ttl``)."""

    _NS = Namespace(ONTOLOGY_IRI + "#")
    _fail = True

    AIAccelerator: URIRef
    AIDiffusionTier: URIRef
    AccountingConsolidation: URIRef
    Address: URIRef
    AffiliateCoverage: URIRef
    AllItemsScope: URIRef
    CclItemsScope: URIRef
    ClassificationCriterion: URIRef
    Company: URIRef
    Computer: URIRef
    ConditionalScope: URIRef
    Confidence: URIRef
    Confirmed: URIRef
    ControlWithoutEquity: URIRef
    Country: URIRef
    CountryGroup: URIRef
    CoverageStatus: URIRef
    Covered: URIRef
    Dataset: URIRef
    DatasetRow: URIRef
    Derived: URIRef
    DifferentOrganisations: URIRef
    ECCN: URIRef
    EndUse: URIRef
    Equity: URIRef
    FederalRegisterCitation: URIRef
    Footnote: URIRef
    GovernmentBody: URIRef
    GroupMembership: URIRef
    Import: URIRef
    IntegratedCircuit: URIRef
    Item: URIRef
    Judgement: URIRef
    LicenseExceptionNote: URIRef
    LicenseScope: URIRef
    ListEntry: URIRef
    Listed: URIRef
    ManufacturingEquipment: URIRef
    ModelWeights: URIRef
    NewsArticle: URIRef
    OfficialPage: URIRef
    Order: URIRef
    CheckDay: URIRef
    Organization: URIRef
    OwnershipStake: URIRef
    Party: URIRef
    Person: URIRef
    PossiblyCovered: URIRef
    Provision: URIRef
    ResearchInstitute: URIRef
    RestrictionList: URIRef
    Rule: URIRef
    SameOrganisation: URIRef
    ShipmentLeg: URIRef
    OrderRole: URIRef
    Source: URIRef
    StakeKind: URIRef
    SupplyRelation: URIRef
    ThroughputFigure: URIRef
    UltimateParentage: URIRef
    University: URIRef
    Unverified: URIRef
    Voting: URIRef
    addressCountry: URIRef
    addressKey: URIRef
    addressText: URIRef
    aggregatePercent: URIRef
    aggregatePercentMax: URIRef
    alias: URIRef
    alpha2: URIRef
    alpha3: URIRef
    amends: URIRef
    appliesTo: URIRef
    appliesToCountry: URIRef
    appliesToGroup: URIRef
    appliesToItem: URIRef
    appliesWorldwide: URIRef
    authorises: URIRef
    availability: URIRef
    bitLength: URIRef
    buyer: URIRef
    cfrParagraph: URIRef
    citation: URIRef
    citationText: URIRef
    classifiedAs: URIRef
    classifiedUnder: URIRef
    orderRole: URIRef
    roleParty: URIRef
    roleName: URIRef
    ruleInForce: URIRef
    orderDay: URIRef
    dayDate: URIRef
    complianceDate: URIRef
    concernsEndUse: URIRef
    concernsList: URIRef
    confidence: URIRef
    consignee: URIRef
    consigneeTppYearToDate: URIRef
    controlsEccn: URIRef
    country: URIRef
    coverageDepth: URIRef
    coverageStatus: URIRef
    coveredParty: URIRef
    coveredThrough: URIRef
    coveredVia: URIRef
    coveringStake: URIRef
    criterion: URIRef
    customer: URIRef
    datacenterDesigned: URIRef
    dataStamp: URIRef
    dataset: URIRef
    dateAdded: URIRef
    dateRemoved: URIRef
    declaredEndUse: URIRef
    denseTops: URIRef
    derived: URIRef
    destination: URIRef
    dieArea: URIRef
    dramBandwidth: URIRef
    dramBandwidthBelow: URIRef
    eccn: URIRef
    eccnScheme: URIRef
    effective: URIRef
    endUseScheme: URIRef
    endUser: URIRef
    exceptGroup: URIRef
    exceptList: URIRef
    exceptionCode: URIRef
    exceptionNote: URIRef
    explanation: URIRef
    fdpFootnote: URIRef
    fileName: URIRef
    fileSha256: URIRef
    footnoteNumber: URIRef
    foundingDate: URIRef
    foundry: URIRef
    frDocument: URIRef
    frFirstPage: URIRef
    frLastPage: URIRef
    frPage: URIRef
    frVolume: URIRef
    group: URIRef
    groupCode: URIRef
    hasAddress: URIRef
    headquarteredIn: URIRef
    importKind: URIRef
    incorporatedIn: URIRef
    initialised: URIRef
    inputProblem: URIRef
    interconnectBandwidth: URIRef
    interconnectMin: URIRef
    issuedBy: URIRef
    issuingBody: URIRef
    item: URIRef
    itemEccn: URIRef
    jurisdiction: URIRef
    leg: URIRef
    legCountry: URIRef
    legIndex: URIRef
    legParty: URIRef
    legalSource: URIRef
    lei: URIRef
    licenseHeld: URIRef
    licenseRequirement: URIRef
    licenseScope: URIRef
    manufacturer: URIRef
    mayBeSubsidiaryOf: URIRef
    mayMeetCriterion: URIRef
    measuresStoppedOn: URIRef
    measuresSuspendedFrom: URIRef
    measuresSuspendedTo: URIRef
    meetsCriterion: URIRef
    member: URIRef
    mergedInto: URIRef
    name: URIRef
    nativeName: URIRef
    note: URIRef
    numericCode: URIRef
    onList: URIRef
    orderDate: URIRef
    orderId: URIRef
    orderItemText: URIRef
    owned: URIRef
    owner: URIRef
    parentageOf: URIRef
    parentageTop: URIRef
    parentageUncertain: URIRef
    partOfRule: URIRef
    party: URIRef
    pdBelow: URIRef
    pdMin: URIRef
    percent: URIRef
    percentMax: URIRef
    percentMin: URIRef
    performanceDensity: URIRef
    precision: URIRef
    processNode: URIRef
    provisionFor: URIRef
    provisionOf: URIRef
    published: URIRef
    quantity: URIRef
    rank: URIRef
    reachesAnyItem: URIRef
    record: URIRef
    recordName: URIRef
    recordsRead: URIRef
    releaseDate: URIRef
    reportedAsOf: URIRef
    requiresDatacenter: URIRef
    rescindedOn: URIRef
    reviewPolicy: URIRef
    reviewPolicyCfr: URIRef
    rowKey: URIRef
    ruleId: URIRef
    sameAs: URIRef
    scopeCountry: URIRef
    scopeExceptGroup: URIRef
    scopeGroup: URIRef
    scopeItem: URIRef
    seller: URIRef
    sharesAddressWith: URIRef
    shortName: URIRef
    sourceGraph: URIRef
    stakeKind: URIRef
    subsidiaryOf: URIRef
    suppliedItemText: URIRef
    supplier: URIRef
    suspendedBy: URIRef
    suspendedFrom: URIRef
    suspendedTo: URIRef
    throughput: URIRef
    tpp: URIRef
    tppBelow: URIRef
    tppCap: URIRef
    tppMin: URIRef
    trainingOps: URIRef
    trainingOpsMin: URIRef
    triplesImported: URIRef
    ultimateParent: URIRef
    uscc: URIRef
    validFrom: URIRef
    validTo: URIRef
    viaRecord: URIRef
    website: URIRef


PREFIXES: dict[str, str] = {
    "eg": str(EG._NS),
    "egid": str(ID),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dct": str(DCTERMS),
    "prov": str(PROV),
    "org": str(ORG),
    "foaf": str(FOAF),
    "schema": str(SCHEMA),
    "sh": str(SH),
}

__all__ = [
    "EG",
    "ID",
    "SCHEMA",
    "SH",
    "GLEIF_BASE",
    "GLEIF_L1",
    "GLEIF_L2",
    "ONTOLOGY_IRI",
    "PREFIXES",
    "DCTERMS",
    "FOAF",
    "ORG",
    "OWL",
    "PROV",
    "RDF",
    "RDFS",
    "SKOS",
    "XSD",
]
