"""GLEIF's RDF (GLEIF-IT/lei-rdf, Turtle) read as golden-copy records: each legal entity and
relationship node becomes a row of the golden-copy CSV's columns, which ``gleif`` turns into triples."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError
from ..namespaces import GLEIF_BASE, GLEIF_L1, GLEIF_L2, RDF
from .gleif_files import CATEGORY, DIRECT, END, LEI, NAME, REGISTRATION, START, STATUS, TYPE, ULTIMATE, Record

# GLEIF's RDF: what each fact of lei-rdf's L1 and L2 ontologies is in the golden-copy CSV's columns
B, L1, L2 = str(GLEIF_BASE), str(GLEIF_L1), str(GLEIF_L2)
OTHER_NAMES = (
    L1 + "hasPreviousLegalName",
    L1 + "hasOtherEntityNames",
    L1 + "hasTradingOrOperatingName",
    L1 + "hasAlternativeLanguageLegalName",
)
TRANSLITERATED = (L1 + "hasPreferredASCIITransliteratedLegalName", L1 + "hasAutoASCIITransliteratedLegalName")
ADDRESSES = {
    L1 + "hasLegalAddress": "Entity.LegalAddress.",
    L1 + "hasHeadquartersAddress": "Entity.HeadquartersAddress.",
}
LINES = (B + "hasAddressLine2", B + "hasAddressLine3", B + "hasAddressLine4", B + "hasAdditionalAddressLine")
ADDRESS_PARTS = {
    B + "hasAddressNumber": "AddressNumber",
    B + "hasCity": "City",
    B + "hasSubdivision": "Region",
    B + "hasRegion": "Region",
    B + "hasPostalCode": "PostalCode",
    B + "hasCountry": "Country",
}
RELATIONSHIPS = {
    L2 + "DirectConsolidation": DIRECT,
    L2 + "UltimateConsolidation": ULTIMATE,
    L2 + "InternationalBranchRelationship": "IS_INTERNATIONAL_BRANCH_OF",
    L2 + "FundManagementRelationship": "IS_FUND-MANAGED_BY",
    L2 + "SubFundRelationship": "IS_SUBFUND_OF",
    L2 + "FeederMasterFundRelationship": "IS_FEEDER_TO",
}
GOVERNMENT = {
    L1 + "ResidentGovernmentEntity",
    L1 + "CentralGovernment",
    L1 + "StateGovernment",
    L1 + "LocalGovernment",
    L1 + "SocialSecurity",
}
RDF_TYPE = str(RDF.type)
KEPT = {
    RDF_TYPE,
    L1 + "hasLegalName",
    L1 + "LEI",
    L1 + "identifiesAndRecords",
    B + "hasRegistrationStatus",
    B + "hasLegalJurisdiction",
    B + "hasEntityCreationDate",
    B + "hasAddressLine1",
    B + "hasFirstAddressLine",
    L2 + "hasChild",
    L2 + "hasParent",
    L2 + "hasRelationshipStatus",
    L2 + "hasRelationshipPeriod",
    B + "hasStart",
    B + "hasEnd",
    B + "records",
    *OTHER_NAMES,
    *TRANSLITERATED,
    *ADDRESSES,
    *LINES,
    *ADDRESS_PARTS,
}


def _local(term) -> str:
    """A literal's text, or the last segment of an IRI (``.../ISO3166-1-CountryCodes-Adjunct/CH``)."""
    if isinstance(term, ox.Literal):
        return term.value.strip()
    return re.split(r"[/#]", term.value)[-1]


def _where(node: str) -> str:
    """A node as ``str(term)`` writes it (``<iri>``, ``_:b0``), without the brackets."""
    return node[1:-1] if node.startswith("<") else node


def _enum(term, kind: str) -> str:
    """``gleif-L2:RelationshipStatusActive`` as the CDF writes it: ``ACTIVE``."""
    name = _local(term).removeprefix(kind)
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).upper()


def _parse(path: Path) -> dict[str, dict[str, list]]:
    """The GLEIF facts of a Turtle file (``KEPT``): node -> predicate -> objects."""
    facts: dict[str, dict[str, list]] = {}
    try:
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if t.predicate.value in KEPT:
                if isinstance(t.object, ox.Triple) or isinstance(t.subject, ox.Triple):
                    raise InputError(
                        f"an RDF 1.2 triple term in a GLEIF fact ({t.predicate.value}): not GLEIF's RDF",
                        source=str(path),
                    )
                facts.setdefault(str(t.subject), {}).setdefault(t.predicate.value, []).append(t.object)
    except SyntaxError as exc:
        raise InputError(f"not valid Turtle: {exc.msg}", source=str(path), line=exc.lineno) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=str(path)) from None
    return facts


class _Facts:
    """The parsed facts, with the registry record (``identifiesAndRecords``, ``records``) of each node."""

    def __init__(self, facts: dict[str, dict[str, list]]) -> None:
        self.facts = facts
        self.registered: dict[str, str] = {}  # entity or relationship node -> its registry record's node
        for node, f in facts.items():
            for target in f.get(L1 + "identifiesAndRecords", []) + f.get(B + "records", []):
                self.registered[str(target)] = node

    def one(self, node: str, pred: str) -> str:
        values = self.all_(node, pred)
        return values[0] if values else ""

    def all_(self, node: str, pred: str) -> list[str]:
        return sorted(_local(v) for v in self.facts.get(node, {}).get(pred, []))

    def registration(self, node: str) -> str:
        """The registration status of the node's registry record, as the CDF writes it."""
        reg = self.facts.get(self.registered.get(node, ""), {})
        return (
            _enum(reg[B + "hasRegistrationStatus"][0], "RegistrationStatus")
            if B + "hasRegistrationStatus" in reg
            else ""
        )


def _entity_row(facts: _Facts, node: str) -> dict[str, str]:
    """A legal entity node as the golden-copy CSV's Level 1 columns."""
    one, f = facts.one, facts.facts[node]
    reg = facts.registered.get(node, "")
    row = {
        LEI: one(reg, L1 + "LEI") or re.split(r"[/#]", _where(node))[-1].removeprefix("L-"),
        NAME: one(node, L1 + "hasLegalName"),
        "Entity.LegalJurisdiction": one(node, B + "hasLegalJurisdiction"),
        "Entity.EntityCreationDate": one(node, B + "hasEntityCreationDate"),
        REGISTRATION: facts.registration(node),
        CATEGORY: "RESIDENT_GOVERNMENT_ENTITY" if GOVERNMENT & {t.value for t in f.get(RDF_TYPE, [])} else "",
    }
    for column, preds in (
        ("Entity.OtherEntityNames.OtherEntityName", OTHER_NAMES),
        ("Entity.TransliteratedOtherEntityNames.TransliteratedOtherEntityName", TRANSLITERATED),
    ):
        names = [v for p in preds for v in facts.all_(node, p)]
        row |= {f"{column}.{i}": v for i, v in enumerate(names, 1)}
    for pred, prefix in ADDRESSES.items():
        for addr in f.get(pred, [])[:1]:
            a = str(addr)
            row[prefix + "FirstAddressLine"] = one(a, B + "hasAddressLine1") or one(a, B + "hasFirstAddressLine")
            lines = [v for p in LINES for v in facts.all_(a, p)]
            row |= {f"{prefix}AdditionalAddressLine.{i}": v for i, v in enumerate(lines, 1)}
            for p, part in ADDRESS_PARTS.items():
                row[prefix + part] = row.get(prefix + part) or one(a, p)
    return row


def _relationship_row(facts: _Facts, node: str) -> dict[str, str]:
    """A relationship node as the golden-copy CSV's relationship record columns."""
    one, f = facts.one, facts.facts[node]
    kinds = sorted(t.value for t in f.get(RDF_TYPE, []))
    ends = {}
    for side, pred in ((START, L2 + "hasChild"), (END, L2 + "hasParent")):
        target = str(f[pred][0])
        ends[side] = one(facts.registered.get(target, ""), L1 + "LEI") or _local(f[pred][0]).removeprefix("L-")
    row = {
        **ends,
        TYPE: next(
            (RELATIONSHIPS[k] for k in kinds if k in RELATIONSHIPS),
            re.split(r"[/#]", kinds[0])[-1] if kinds else "",
        ),
        STATUS: _enum(f[L2 + "hasRelationshipStatus"][0], "RelationshipStatus")
        if L2 + "hasRelationshipStatus" in f
        else "",
        REGISTRATION: facts.registration(node),
    }
    for period in f.get(L2 + "hasRelationshipPeriod", [])[:1]:
        row |= {
            "Relationship.Period.1.startDate": one(str(period), B + "hasStart"),
            "Relationship.Period.1.endDate": one(str(period), B + "hasEnd"),
            "Relationship.Period.1.periodType": "RELATIONSHIP_PERIOD",
        }
    return row


def read_turtle(path: Path) -> Iterator[Record]:
    facts = _Facts(_parse(path))
    found = 0
    for node in sorted(n for n, f in facts.facts.items() if L1 + "hasLegalName" in f):
        found += 1
        yield Record(_entity_row(facts, node), _where(node))
    for node in sorted(n for n, f in facts.facts.items() if L2 + "hasChild" in f and L2 + "hasParent" in f):
        found += 1
        yield Record(_relationship_row(facts, node), _where(node))
    if not found:
        raise InputError(
            "no GLEIF legal entities (gleif-L1:hasLegalName) or relationships "
            "(gleif-L2:hasChild, gleif-L2:hasParent) in the file",
            source=str(path),
        )
