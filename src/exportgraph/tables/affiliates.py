"""The 50% rule of ``queries/coverage/`` computed on the columnar tables.

The SPARQL updates stay the rule's definition (and the engine for remote stores and for data the
tables refuse); this module writes the same nodes into the coverage graph: the same IRIs, statuses,
depths, sums, labels, explanations, covering stakes, lists and ultimate parents, each step below
naming the update it follows. ``tests/test_coverage_tables.py`` compares the two on generated
worlds and on the bundled graph. The rounds are the updates' rounds: a party reached in round
``d`` is reached by owners of earlier rounds only, so depths and explanations agree.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from ..dates import lexical
from ..namespaces import ONTOLOGY_IRI
from .columns import HUNDRED, Percent, Tables, canonical

EG = ONTOLOGY_IRI + "#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
XSD = "http://www.w3.org/2001/XMLSchema#"
ID = "https://w3id.org/exportgraph/id/"
LISTED, COVERED, POSSIBLY = "Listed", "Covered", "PossiblyCovered"
REVIEW = " (50% or more only if the unknown stakes or ranges are high enough)"


@dataclass
class Node:
    status: str
    depth: int
    stakes: list[int] = field(default_factory=list)  # the stakes that add up (steps 2 and 3)
    total: Decimal = Decimal(0)
    integer: bool = True  # every addend an xsd:integer: the sum is one too
    facts: list[str] = field(default_factory=list)  # a listed party's entries (step 1)

    @property
    def total_text(self) -> str:
        """The sum as STR() writes it: an xsd:integer's digits, else the canonical decimal."""
        return str(int(self.total)) if self.integer else canonical(self.total)


def eg(name: str) -> str:
    return f"<{EG}{name}>"


def literal(text: str, datatype: str | None = None) -> str:
    quoted = json.dumps(text, ensure_ascii=False)  # JSON's string escapes are N-Triples' (ECHAR, UCHAR)
    return quoted if datatype is None else f"{quoted}^^<{XSD}{datatype}>"


def md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


class Period:
    """One period's coverage and ultimate parents, as N-Triples for the coverage graph."""

    def __init__(self, tables: Tables, start, end, day, max_rounds: int) -> None:
        self.t, self.s, self.e = tables, tables.stakes, tables.entries
        self.on = day.toordinal()
        self.hold = tables.stakes.holding(self.on)  # the stakes that count on the day at all
        self.max_rounds = max_rounds
        self.start10 = start.isoformat()
        period = [f"{eg('validFrom')} {literal(lexical(start), 'dateTime')}"]
        if end is not None:
            period.append(f"{eg('validTo')} {literal(lexical(end), 'dateTime')}")
        self.period = period
        self.nodes: dict[int, Node] = {}
        self.depth = 0

    def run(self) -> tuple[bytes, int]:
        self.listed()
        self.depth = self.fixpoint(COVERED, self.depth, [p for p in self.nodes])
        self.depth = self.fixpoint(POSSIBLY, self.depth, list(self.nodes))
        lines = self.coverage_lines() + self.parentage_lines()
        return ("\n".join(lines) + "\n").encode("utf-8"), self.depth

    # 01-listed.ru
    def listed(self) -> None:
        for p, rows in self.e.by_party.items():
            facts = set()
            for i in rows:
                if not self.e.holds(i, self.on):
                    continue
                since = f" since {self.e.added_text[i]}" if self.e.added_text[i] else ""
                cites = f", {self.e.cites[i]}" if self.e.cites[i] else ""
                facts |= {f"on the {label}{since}{cites}" for label in self.t.list_labels.get(self.e.list_iri[i], [])}
            if facts:
                self.nodes[p] = Node(LISTED, 0, facts=sorted(facts))

    # 02-covered.ru and 03-possibly-covered.ru, round by round
    def fixpoint(self, status: str, depth: int, frontier: list[int]) -> int:
        sums: dict[int, Node] = {}
        for _ in range(self.max_rounds):
            depth += 1
            touched = set()
            for owner in frontier:
                for i in self.s.by_owner.rows(owner):
                    owned = int(self.s.owned[i])
                    if owned in self.nodes or not self.hold[i]:
                        continue
                    share = self.share(i, status)
                    if share is None:
                        continue
                    node = sums.setdefault(owned, Node(status, 0))
                    node.stakes.append(i)
                    node.total += share.value
                    node.integer = node.integer and share.integer
                    touched.add(owned)
            frontier = [p for p in touched if sums[p].total >= 50]
            if not frontier:
                return depth - 1
            for p in frontier:
                self.nodes[p] = sums.pop(p)
                self.nodes[p].depth = depth
        raise RuntimeError(f"the 50% rule did not settle in {self.max_rounds} rounds")

    def share(self, i: int, status: str) -> Percent | None:
        """What stake ``i`` adds: its lower bound (step 2: none for votes alone or a zero bound), or
        its upper bound (step 3: an unknown stake as 100)."""
        s = self.s
        if status == COVERED:
            if s.voting_only[i]:
                return None
            low = s.percent("pc", i) or s.percent("pmin", i)
            return low if low is not None and low.value > 0 else None
        return s.percent("pc", i) or s.percent("pmax", i) or HUNDRED

    def iri(self, p: int) -> str:
        return f"<{ID}coverage/{self.start10}/{md5(self.t.parties[p])}>"

    def coverage_lines(self) -> list[str]:
        labels = self.t.labels(self.nodes)
        explanation: dict[int, str] = {}
        for p, node in sorted(self.nodes.items(), key=lambda kv: kv[1].depth):
            explanation[p] = self.explain(p, node, labels, explanation)
        lines = []
        for p, node in self.nodes.items():
            cov = self.iri(p)
            facts = [
                f"{RDF_TYPE} {eg('AffiliateCoverage')}",
                f"{eg('coveredParty')} <{self.t.parties[p]}>",
                f"{eg('coverageStatus')} {eg(node.status)}",
                f"{eg('coverageDepth')} {literal(str(node.depth), 'integer')}",
                f"{LABEL} {labels[p][0]}",
                f"{eg('explanation')} {literal(explanation[p])}",
                *self.period,
            ]
            if node.status != LISTED:
                total = node.total_text
                key = "aggregatePercent" if node.status == COVERED else "aggregatePercentMax"
                facts.append(f"{eg(key)} {literal(total, 'integer' if node.integer else 'decimal')}")
            lines += [f"{cov} {fact} ." for fact in facts]
        through, stakes = self.through()
        lines += [f"{self.iri(p)} {eg('coveredThrough')} {self.iri(o)} ." for p, os in through.items() for o in os]
        lines += [f"{self.iri(p)} {eg('coveringStake')} <{self.s.iri[i]}> ." for p, i in stakes]
        return lines + self.via_lines(through)

    def explain(self, p: int, node: Node, labels: dict, explanation: dict[int, str]) -> str:
        name = labels[p][1]
        if node.status == LISTED:
            return f"{name} {'; '.join(node.facts)}"
        s = self.s
        steps, aboves = [], []
        for i in node.stakes:
            owner = labels[int(s.owner[i])][1]
            pc, pmin, pmax = s.percent("pc", i), s.percent("pmin", i), s.percent("pmax", i)
            if node.status == COVERED:
                steps.append(f"{pc.text if pc else 'at least ' + pmin.text}% owned by {owner}")  # type: ignore[union-attr]
            elif pc is not None:
                steps.append(f"{pc.text}% owned by {owner}")
            elif pmin is not None or pmax is not None:
                steps.append(f"{pmin.text if pmin else '0'}-{pmax.text if pmax else '100'}% owned by {owner}")
            else:
                steps.append(f"an unknown share owned by {owner}")
            aboves.append(explanation[int(s.owner[i])])
        if node.status == POSSIBLY:
            middle = REVIEW
        elif len(node.stakes) > 1:
            middle = f" ({node.total_text}% in aggregate)"
        else:
            middle = ""
        return f"{name} {', '.join(steps)}{middle} -> {'; '.join(aboves)}"

    # 04-covering-stakes.ru
    def through(self) -> tuple[dict[int, set[int]], list[tuple[int, int]]]:
        """For each covered or possibly covered party, the parties whose coverage it rests on, and
        the (party, stake) pairs of the stakes that count."""
        s, through, stakes = self.s, defaultdict(set), []
        for p, node in self.nodes.items():
            if node.status == LISTED:
                continue
            for i in s.by_owned.rows(p):
                owner = int(s.owner[i])
                above = self.nodes.get(owner)
                if above is None or not self.hold[i]:
                    continue
                if node.status != POSSIBLY and (above.status == POSSIBLY or s.voting_only[i]):
                    continue
                through[p].add(owner)
                stakes.append((p, int(i)))
        return through, stakes

    # 05-covered-via.ru
    def via_lines(self, through: dict[int, set[int]]) -> list[str]:
        via: dict[int, set[str]] = {}
        for p, node in self.nodes.items():
            if node.status == LISTED:
                via[p] = {self.e.list_iri[i] for i in self.e.by_party[p] if self.e.holds(i, self.on)}
        reach: dict[int, set[str]] = {p: set() for p in through}
        changed = True
        while changed:  # the lists of the listed parties each coverage reaches through coveredThrough+
            changed = False
            for p, owners in through.items():
                got = set().union(*(via.get(o, set()) | reach.get(o, set()) for o in owners))
                if not got <= reach[p]:
                    reach[p] |= got
                    changed = True
        via.update(reach)
        return [f"{self.iri(p)} {eg('coveredVia')} <{lst}> ." for p, lists in via.items() for lst in sorted(lists)]

    # 06-parent-links.ru and 07-ultimate-parents.ru
    def parentage_lines(self) -> list[str]:
        s = self.s
        sure: dict[int, set[int]] = defaultdict(set)
        maybe: dict[int, set[int]] = defaultdict(set)
        for owned, owner in self.t.subsidiary:
            sure[owned].add(owner)
        sure_link, maybe_link = s.links
        counts = self.hold & s.typed & (s.owned != s.owner)
        for link, to in ((sure_link, sure), (maybe_link, maybe)):
            for i in np.flatnonzero(counts & link):
                to[int(s.owned[i])].add(int(s.owner[i]))
        either = {x: sure.get(x, set()) | maybe.get(x, set()) for x in set(sure) | set(maybe)}
        certain = tops(sure)
        lines = []
        for pairs, uncertain in ((certain, False), (tops(either) - certain, True)):
            for x, top in sorted(pairs):
                ix, itop = self.t.parties[x], self.t.parties[top]
                node = f"<{ID}parentage/{self.start10}/{md5(ix + ' ' + itop)}>"
                facts = [
                    f"{RDF_TYPE} {eg('UltimateParentage')}",
                    f"{eg('parentageOf')} <{ix}>",
                    f"{eg('parentageTop')} <{itop}>",
                    *self.period,
                ]
                if uncertain:
                    facts.append(f"{eg('parentageUncertain')} {literal('true', 'boolean')}")
                lines += [f"{node} {fact} ." for fact in facts]
        return lines


def tops(parents: dict[int, set[int]]) -> set[tuple[int, int]]:
    """The (party, top) pairs of a set of parent links: ``top`` is reached from ``party`` through
    one link or more and has no parent itself; none where a chain only loops."""
    children: dict[int, list[int]] = defaultdict(list)
    for x, ps in parents.items():
        for p in ps:
            children[p].append(x)
    pairs = set()
    for top in children:
        if parents.get(top):
            continue
        seen, todo = set(), [top]
        while todo:
            for x in children.get(todo.pop(), ()):
                if x not in seen:
                    seen.add(x)
                    todo.append(x)
        pairs |= {(x, top) for x in seen if x != top}
    return pairs
