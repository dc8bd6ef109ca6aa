"""What an import changes: the entries a new copy of a source adds, removes and changes, compared
with the previous copy, and the ``Summary`` an import returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from ..namespaces import ID, ONTOLOGY_IRI

EG = ONTOLOGY_IRI + "#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LIST_ENTRY, DATE_REMOVED = ox.NamedNode(EG + "ListEntry"), ox.NamedNode(EG + "dateRemoved")
DATE_ADDED = ox.NamedNode(EG + "dateAdded")
DCT_SOURCE, ROW_SOURCES = "http://purl.org/dc/terms/source", str(ID) + "source/dataset/"


@dataclass(frozen=True)
class EntryChange:
    entry: str
    party: str
    name: str
    what: str  # added, removed, changed
    details: tuple[str, ...] = ()


@dataclass
class Summary:
    kind: str
    file: str
    sha256: str
    read: int = 0
    triples: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    unchanged: bool = False
    changes: list[EntryChange] = field(default_factory=list)
    generation: str | None = None  # the source graph this import wrote
    proposed: list = field(default_factory=list)  # dedupe.Candidate: possible links to listed parties
    new_records: int = 0  # party records in the new copy
    parties: list[str] | None = None  # the records the new copy types as parties (noted as it is written)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def _entries(triples: set) -> dict[str, dict[str, Any]]:
    """Each list entry of a source graph: its party, the party's name and its other facts."""
    by_subject: dict[str, set] = {}
    for t in triples:
        # which row of the file a fact came from is provenance, not a change: rows move between copies
        if t.predicate.value == DCT_SOURCE and t.object.value.startswith(ROW_SOURCES):
            continue
        by_subject.setdefault(t.subject.value, set()).add((t.predicate.value, t.object))
    out = {}
    for s, facts in by_subject.items():
        if (RDF_TYPE, LIST_ENTRY) not in facts:
            continue
        party = next((o.value for p, o in facts if p == EG + "party"), "")
        name = min((o.value for p, o in by_subject.get(party, ()) if p == EG + "name"), default=party)
        out[s] = {"party": party, "name": name, "facts": facts, "party_facts": by_subject.get(party, set())}
    return out


def _closure(old: set, new: set, entries: set[str]) -> set:
    """The old copy's triples about ``entries`` and about what they lead to (their party, its
    addresses, citations, sources), for each node the new copy does not describe itself."""
    by_subject: dict[str, list] = {}
    for t in old:
        by_subject.setdefault(t.subject.value, []).append(t)
    described = {t.subject.value for t in new}
    out, todo, seen = set(), list(entries), set(entries)
    while todo:
        node = todo.pop()
        if node in described and node not in entries:
            continue
        for t in by_subject.get(node, ()):
            out.add(t)
            target = t.object.value if isinstance(t.object, ox.NamedNode) else None
            if target in by_subject and target not in seen:
                seen.add(target)
                todo.append(target)
    return out


def _removed(facts: set) -> bool:
    return any(p == DATE_REMOVED.value for p, _ in facts)


def _changed(e: str, a: dict[str, Any], b: dict[str, Any]) -> EntryChange | None:
    """How an entry in both copies changed, if it did: taken off the list or back on it, or its
    facts or its party's facts differ."""
    if _removed(a["facts"]) != _removed(b["facts"]):  # taken off the list, or back on it
        return EntryChange(e, b["party"], b["name"], "removed" if _removed(b["facts"]) else "added")
    lost = {(p, o) for p, o in a["facts"] - b["facts"] if p != DATE_REMOVED.value}
    gained = {(p, o) for p, o in b["facts"] - a["facts"] if p != DATE_REMOVED.value}
    lost |= {("party " + p, o) for p, o in a["party_facts"] - b["party_facts"]}
    gained |= {("party " + p, o) for p, o in b["party_facts"] - a["party_facts"]}
    if not (lost or gained):
        return None
    details = tuple(
        sorted(f"- {p.rsplit('#', 1)[-1]} {o.value}" for p, o in lost)
        + sorted(f"+ {p.rsplit('#', 1)[-1]} {o.value}" for p, o in gained)
    )
    return EntryChange(e, b["party"], b["name"], "changed", details)


def diff(old: set, new: set) -> list[EntryChange]:
    """Entries added, removed (no longer in the new copy) and changed (their facts or their
    party's facts differ; removals recorded earlier are not changes)."""
    before, after = _entries(old), _entries(new)
    out = []
    for e in sorted(after.keys() - before.keys()):
        out.append(EntryChange(e, after[e]["party"], after[e]["name"], "added"))
    for e in sorted(before.keys() - after.keys()):  # (run() keeps these, removed: not reached from there)
        out.append(EntryChange(e, before[e]["party"], before[e]["name"], "removed"))
    for e in sorted(before.keys() & after.keys()):
        change = _changed(e, before[e], after[e])
        if change is not None:
            out.append(change)
    return out
