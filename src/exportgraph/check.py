"""Checking orders against the export restrictions of ``shapes/restrictions/`` (one file per rule id).

This module reads orders (CSV or RDF), resolves their parties, items, countries and end uses
against the graph, and turns SHACL results into verdicts. The rules are in the shapes and in
``queries/coverage/``; nothing here decides what is restricted.

Three engines evaluate the shapes and must agree (a test compares them):

- ``store`` (default): each shape's SPARQL constraint runs once over all orders inside the store,
  with ``$this`` as an ordinary variable joined to the shape's target class. It is the bulk form of
  SHACL-SPARQL validation and needs no copy of the graph, so it scales with the store.
- ``turbo``: pyshacl-turbo (Rust) on a copy of the graph.
- ``pyshacl``: the reference implementation, on a copy of the graph (slow; for cross-checks).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from . import ids, paths
from .dates import parse_date
from .errors import AmbiguousError, InputError
from .limits import checkpoint
from .model import Footnote, InForce, LicenseException, Reason, Verdict
from .namespaces import DCTERMS, EG, RDF, RDFS, SH
from .sources.common import csv_rows
from .store import Row, Store
from .store.embedded import IRI

ORDERS_GRAPH = "https://w3id.org/exportgraph/id/graph/orders"
COLUMNS = [
    "order_id",
    "date",
    "item",
    "quantity",
    "seller",
    "buyer",
    "consignee",
    "end_user",
    "intermediaries",
    "destination",
    "end_use",
]
SEPARATOR = "␞"
ENGINES = ("store", "turbo", "pyshacl")
LICENSE_REQUIRED, NO_LICENSE_REQUIRED, NEEDS_REVIEW = "license_required", "no_license_required", "needs_review"


@dataclass(frozen=True)
class Result:
    """One SHACL validation result, reduced to what every engine reports alike."""

    shape: str
    focus: str
    value: str | None
    severity: str
    message: str


# -- the shapes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    iri: str
    rule: str
    severity: str
    target: str
    select: str
    message: str
    prefixes: str


@cache
def shapes_graph() -> Graph:
    g = Graph()
    for path in paths.restriction_files():
        g.parse(path, format="turtle")
    return g


@cache
def shapes() -> tuple[Shape, ...]:
    g = shapes_graph()
    out = []
    for node in sorted(g.subjects(RDF.type, SH.NodeShape), key=str):
        if (node, SH.deactivated, None) in g and str(g.value(node, SH.deactivated)) == "true":
            continue
        for c in g.objects(node, SH.sparql):
            decl = g.value(c, SH.prefixes)
            prefixes = "".join(
                f"PREFIX {g.value(d, SH.prefix)}: <{g.value(d, SH.namespace)}>\n" for d in g.objects(decl, SH.declare)
            )
            out.append(
                Shape(
                    iri=str(node),
                    rule=str(g.value(node, DCTERMS.identifier)),
                    severity=str(g.value(node, SH.severity) or SH.Violation).rsplit("#", 1)[-1],
                    target=str(g.value(node, SH.targetClass)),
                    select=str(g.value(c, SH.select)),
                    message=str(g.value(c, SH.message)),
                    prefixes=prefixes,
                )
            )
    return tuple(out)


def rule_ids() -> list[str]:
    return sorted({s.rule for s in shapes()})


_PLACEHOLDER = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")
_GROUP = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def _bulk_query(shape: Shape) -> str:
    """The shape's SELECT over every focus node at once: ``$this`` becomes a variable bound by the
    target class (with subclasses), as SHACL's targets define it."""
    text = shape.select.replace("$this", "?this")
    m = _GROUP.search(text)
    if m is None:
        raise InputError(f"shape {shape.iri}: its SELECT has no WHERE clause")
    target = f" ?this <{RDF.type}>/<{RDFS.subClassOf}>* <{shape.target}> . "
    return shape.prefixes + text[: m.end()] + target + text[m.end() :]


def run_store(store: Store) -> list[Result]:
    out = []
    for shape in shapes():
        checkpoint()  # a time limit (the server's) stops a check between shapes
        for row in store.select(_bulk_query(shape)):

            def fill(m: re.Match[str], r: Row = row) -> str:
                return "" if r.get(m.group(1)) is None else str(r[m.group(1)])

            message = _PLACEHOLDER.sub(fill, shape.message)
            value = row.get("value")
            out.append(
                Result(shape.iri, str(row["this"]), None if value is None else str(value), shape.severity, message)
            )
    return out


def run_shacl(data: bytes, engine: str) -> list[Result]:
    """pyshacl-turbo or pyshacl on an N-Triples copy of the graph."""
    if engine == "turbo":
        from pyshacl_turbo import validate as run

        conforms, report, _ = run(
            data,
            data_graph_format="nt",
            shacl_graph=shapes_graph(),
            inference="none",
            advanced=True,
            allow_warnings=True,
        )
    else:
        from pyshacl import validate as run

        conforms, report, _ = run(
            Graph().parse(data=data, format="nt"),
            shacl_graph=shapes_graph(),
            inference="none",
            advanced=True,
            allow_warnings=True,
        )
    if not isinstance(report, Graph):  # the engine could not run a shape: never read that as "no results"
        raise RuntimeError(f"{engine} could not validate the orders: {report}")
    out = []
    for r in report.subjects(SH.resultSeverity, None):
        value = report.value(r, SH.value)
        out.append(
            Result(
                str(report.value(r, SH.sourceShape)),
                str(report.value(r, SH.focusNode)),
                None if value is None else str(value),
                str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
                str(report.value(r, SH.resultMessage) or ""),
            )
        )
    return out


def verdicts(orders: list[tuple[str, str, dt.date]], results: Iterable[Result]) -> list[Verdict]:
    """Verdicts for ``orders`` (IRI, order id, date) in their order, from the shapes' results."""
    rule_of = {s.iri: s.rule for s in shapes()}
    grouped: dict[str, dict[tuple, list[Reason]]] = {}
    for r in results:
        message, citation, policy, path, basis = (r.message.split(SEPARATOR) + ["", "", "", "", ""])[:5]
        effect = LICENSE_REQUIRED if r.severity == "Violation" else NEEDS_REVIEW
        reason = Reason(
            rule_of.get(r.shape, r.shape),
            effect,
            message.strip(),
            citation.strip(),
            policy.strip() or None,
            tuple(s.strip() for s in path.split(" -> ") if s.strip()),
            r.value,
            (basis.strip(),) if basis.strip() else (),
        )
        grouped.setdefault(r.focus, {}).setdefault((reason.rule, reason.effect, reason.message), []).append(reason)
    # One reason per rule and message: a fact with several citations (an entry cited twice, an end
    # use with three CFR sections) yields one result per citation; they are joined here, sorted.
    by_focus: dict[str, list[Reason]] = {}
    for focus, groups in grouped.items():
        for same in groups.values():
            same.sort(key=lambda x: (x.citation, x.path))
            cites = ", ".join(dict.fromkeys(c for x in same for c in [x.citation] if c))
            bases = tuple(sorted({b for x in same for b in x.basis}))
            by_focus.setdefault(focus, []).append(
                Reason(
                    same[0].rule,
                    same[0].effect,
                    same[0].message,
                    cites,
                    same[0].review_policy,
                    same[0].path,
                    same[0].value,
                    bases,
                )
            )
    out = []
    for iri, order_id, day in orders:
        reasons = sorted(
            by_focus.get(iri, []), key=lambda x: (x.effect != LICENSE_REQUIRED, x.rule, x.message, x.citation)
        )
        effects = {x.effect for x in reasons}
        verdict = LICENSE_REQUIRED if LICENSE_REQUIRED in effects else NEEDS_REVIEW if effects else NO_LICENSE_REQUIRED
        out.append(Verdict(order_id, day, verdict, tuple(sorted({x.rule for x in reasons})), tuple(reasons)))
    return out


# -- reading orders -----------------------------------------------------------------------------


def read_csv(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The rows of an orders CSV with their line numbers; a malformed file is an ``InputError``."""
    header, lines = csv_rows(path)
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError(
            "orders CSV lacks the columns " + ", ".join(missing) + "; expected " + ",".join(COLUMNS),
            source=str(path),
            line=1,
        )
    rows: list[tuple[int, dict[str, str]]] = []
    seen: dict[str, int] = {}
    for line, row in lines:
        oid = row["order_id"] or f"line-{line}"
        if oid in seen:
            raise InputError(
                f"order id {oid!r} repeats the one on line {seen[oid]}", source=str(path), line=line, column="order_id"
            )
        seen[oid] = line
        row["order_id"] = oid
        rows.append((line, row))
    return rows


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def prefer_names(rows: list[dict]) -> list[dict]:
    """Of the parties a string names (rows with ``kind`` name or alias and ``listed``), those whose
    name it is, unless only parties that have it as an alias are on a list: a user's own party of
    that name must not hide a listed party (the string then stays ambiguous)."""
    names = [r for r in rows if r["kind"] == "name"]
    aliases = [r for r in rows if r["kind"] != "name"]
    if names and not (any(r["listed"] for r in aliases) and not any(r["listed"] for r in names)):
        return names
    return rows


class Resolver:
    """Finds what an order names: parties (user ids, names, aliases), items, ECCNs, countries,
    end uses. Lookups are batched and cached, so a large file costs a few queries."""

    def __init__(self, store: Store, resolve_name: Callable[[str], str | None]) -> None:
        self.store = store
        self.resolve_name = resolve_name
        self.countries = {
            str(r["code"]): str(r["c"])
            for r in store.select("SELECT ?c ?code WHERE { ?c a eg:Country ; eg:alpha2 ?code }")
        }
        self.end_uses = {
            str(r["code"]): str(r["u"])
            for r in store.select("SELECT ?u ?code WHERE { ?u a eg:EndUse ; skos:notation ?code }")
        }
        self.eccns = {
            _key(str(r["code"])): str(r["e"])
            for r in store.select("SELECT ?e ?code WHERE { ?e a eg:ECCN ; skos:notation ?code }")
        }
        self.items: dict[str, set[str]] = {}
        self.item_names: dict[str, str] = {}
        for r in store.select(
            "SELECT ?i ?n ?label WHERE { ?i a/rdfs:subClassOf* eg:Item ; eg:name ?label ; eg:name|eg:alias ?n }"
        ):
            self.items.setdefault(_key(str(r["n"])), set()).add(str(r["i"]))
            self.item_names[str(r["i"])] = str(r["label"])
        self.parties: dict[str, str | list[str] | None] = {}

    def prepare_parties(self, refs: Iterable[str]) -> None:
        todo = sorted({r for r in refs if r and r not in self.parties})
        for chunk in _chunks(todo, 2000):
            # a user's party merged into its cluster's party (queries/derive/00-clusters.ru) is that party
            found = {
                str(r["p"]): str(r["c"] or r["p"])
                for r in self.store.select(
                    "SELECT DISTINCT ?p ?c WHERE { { ?p a ?type } UNION { ?p eg:mergedInto ?c } }",
                    [{"p": IRI(str(ids.user_party(x)))} for x in chunk],
                )
            }
            for x in chunk:
                if str(ids.user_party(x)) in found:
                    self.parties[x] = found[str(ids.user_party(x))]
        todo = [x for x in todo if x not in self.parties]
        for chunk in _chunks(todo, 2000):
            rows: dict[str, list[dict]] = {}
            for r in self.store.select(
                "SELECT ?query ?party ?p ?listed WHERE { ?party ?p ?query . "
                "FILTER(?p IN (eg:name, eg:alias)) ?party a/rdfs:subClassOf* eg:Party "
                "BIND(EXISTS { ?e eg:party ?party ; eg:onList ?l } AS ?listed) }",
                [{"query": x} for x in chunk],
            ):
                rows.setdefault(str(r["query"]), []).append(
                    {
                        "party": str(r["party"]),
                        "kind": "name" if str(r["p"]) == str(EG.name) else "alias",
                        "listed": r["listed"],
                    }
                )
            for x, hits in rows.items():
                found_parties = sorted({r["party"] for r in prefer_names(hits)})
                self.parties[x] = found_parties if len(found_parties) > 1 else found_parties[0]

    def party(self, ref: str) -> tuple[str | None, str | None]:
        """(IRI, problem): a party by user id, exact name or alias, or name ignoring case."""
        if ref not in self.parties:
            try:
                self.parties[ref] = self.resolve_name(ref)
            except AmbiguousError as exc:
                self.parties[ref] = [c[0] for c in exc.candidates]
        found = self.parties[ref]
        if found is None:
            return None, f"no party with id or name {ref!r} in the graph"
        if isinstance(found, list):
            return None, f"{ref!r} names {len(found)} parties; give a party id"
        return found, None

    def item(self, text: str) -> tuple[str | None, str | None, str | None]:
        """(item IRI, ECCN IRI, problem) for a chip name (matched forgivingly) or an ECCN code."""
        key = _key(text)
        if not key:
            return None, None, "no item given"
        if key in self.eccns:
            return None, self.eccns[key], None
        for test in (lambda k: k == key, lambda k: k.endswith(key), lambda k: k.startswith(key), lambda k: key in k):
            found = set().union(*(v for k, v in self.items.items() if test(k)))
            if len(found) == 1:
                return next(iter(found)), None, None
            if found:
                names = sorted(self.item_names.get(i, i) for i in found)
                return None, None, f"item {text!r} matches {len(found)} items ({', '.join(names[:5])})"
        return None, None, f"no item or ECCN {text!r} in the graph"


def _chunks(seq: list[str], n: int) -> Iterable[list[str]]:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


def _lit(text: str) -> str:
    return str(ox.Literal(text))


def _date_lit(day: dt.date) -> str:
    return f'"{day.isoformat()}T00:00:00"^^<http://www.w3.org/2001/XMLSchema#dateTime>'


def orders_to_ntriples(
    rows: list[tuple[int, dict[str, str]]], resolver: Resolver, default_day: dt.date, source: str
) -> tuple[bytes, list[tuple[str, str, dt.date]]]:
    """The orders as N-Triples in the ontology's terms, and (IRI, order id, date) per order.

    Whatever cannot be resolved becomes an ``eg:inputProblem`` of its order, never a silent gap.
    """
    roles = {"seller": EG.seller, "buyer": EG.buyer, "consignee": EG.consignee, "end_user": EG.endUser}
    refs = [row[c] for _, row in rows for c in roles if row.get(c)]
    refs += [_leg_parts(x)[0] for _, row in rows for x in row["intermediaries"].split(";") if x.strip()]
    resolver.prepare_parties(refs)
    lines: list[str] = []
    orders = []

    def add(s: str, p: URIRef, o: str) -> None:
        lines.append(f"<{s}> <{p}> {o} .")

    for line, row in rows:
        oid = row["order_id"]
        node = str(ids.order(oid))
        problems = []
        day = default_day
        if row["date"]:
            try:
                day = parse_date(row["date"], source=source, line=line, column="date")
            except InputError:
                problems.append(f"bad date {row['date']!r} (expected YYYY-MM-DD); checked as of {default_day}")
        orders.append((node, oid, day))
        add(node, RDF.type, f"<{EG.Order}>")
        add(node, EG.orderId, _lit(oid))
        add(node, EG.orderDate, _date_lit(day))
        add(node, DCTERMS.source, f"<{ids.user_row(Path(source).name, line, 'order')}>")
        if row["item"]:
            add(node, EG.orderItemText, _lit(row["item"]))
        item, eccn, problem = resolver.item(row["item"])
        if item:
            add(node, EG.item, f"<{item}>")
        if eccn:
            add(node, EG.itemEccn, f"<{eccn}>")
        if problem:
            problems.append(problem)
        if row["quantity"]:
            if re.fullmatch(r"[0-9]{1,18}", row["quantity"]):  # (isdigit takes "²"; int() 4,300 digits at most)
                add(node, EG.quantity, f'"{int(row["quantity"])}"^^<http://www.w3.org/2001/XMLSchema#integer>')
            else:
                problems.append(f"quantity {row['quantity'][:40]!r} is not a whole number (up to 18 digits)")
        for column, prop in roles.items():
            if row.get(column):
                party, problem = resolver.party(row[column])
                if party:
                    add(node, prop, f"<{party}>")
                else:
                    problems.append(f"{column.replace('_', ' ')}: {problem}")
        for index, text in enumerate((x for x in row["intermediaries"].split(";") if x.strip()), start=1):
            ref, cc = _leg_parts(text)
            leg = str(ids.leg(oid, index))
            add(node, EG.leg, f"<{leg}>")
            add(leg, RDF.type, f"<{EG.ShipmentLeg}>")
            add(leg, EG.legIndex, f'"{index}"^^<http://www.w3.org/2001/XMLSchema#integer>')
            if cc:
                if cc in resolver.countries:
                    add(leg, EG.legCountry, f"<{resolver.countries[cc]}>")
                else:
                    problems.append(f"intermediary {index}: unknown country code {cc!r}")
            if ref:
                party, problem = resolver.party(ref)
                if party:
                    add(leg, EG.legParty, f"<{party}>")
                else:
                    problems.append(f"intermediary {index}: {problem}")
        dest = row["destination"].upper()
        if dest in resolver.countries:
            add(node, EG.destination, f"<{resolver.countries[dest]}>")
        else:
            problems.append(
                f"unknown destination country code {row['destination']!r}" if dest else "no destination given"
            )
        if row["end_use"]:
            use = resolver.end_uses.get(row["end_use"].lower())
            if use:
                add(node, EG.declaredEndUse, f"<{use}>")
            else:
                problems.append(
                    f"unknown end use {row['end_use']!r}; expected one of " + ", ".join(sorted(resolver.end_uses))
                )
        for p in problems:
            add(node, EG.inputProblem, _lit(p))
    return ("\n".join(lines) + "\n").encode("utf-8"), orders


def _leg_parts(text: str) -> tuple[str, str | None]:
    """An intermediary is a party id or name, optionally ``@CC`` for the country the leg passes
    through; a bare two-letter code is a transit country without a named party."""
    text = text.strip()
    if "@" in text:
        ref, cc = text.rsplit("@", 1)
        return ref.strip(), cc.strip().upper()
    if re.fullmatch(r"[A-Za-z]{2}", text):
        return "", text.upper()
    return text, None


# -- scenarios ----------------------------------------------------------------------------------


def scenario_update(path: Path) -> str:
    """A scenario file as one SPARQL update. A ``.ru`` file is used as it is. A Turtle file
    overrides: each subject and predicate it mentions loses its old values and gets the new ones;
    an object ``rdf:nil`` only removes (e.g. ``rule:affiliates-2025-09 eg:suspendedFrom rdf:nil``)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read scenario: {exc.strerror}", source=str(path)) from None
    if path.suffix == ".ru":
        return text
    g = Graph()
    try:
        g.parse(data=text, format="turtle")
    except Exception as exc:  # rdflib raises many kinds for bad Turtle
        raise InputError(f"not valid Turtle: {exc}", source=str(path)) from None
    if not len(g):
        raise InputError("the scenario has no triples", source=str(path))
    deletes = sorted({(s, p) for s, p, _ in g})
    inserts = [(s, p, o) for s, p, o in g if o != RDF.nil]
    parts = [f"DELETE WHERE {{ {s.n3()} {p.n3()} ?o{i} }}" for i, (s, p) in enumerate(deletes)]
    if inserts:
        parts.append("INSERT DATA { " + " ".join(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in inserts) + " }")
    return " ;\n".join(parts)


# -- what a reason rests on -----------------------------------------------------------------------


def _day(value) -> dt.date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, dt.datetime) else value


def _ranked(rows: list[dict]) -> list[dict]:
    """The rows of the highest rank (the most specific provisions)."""
    if not rows:
        return []
    top = max(int(r["rank"] or 0) for r in rows)
    return [r for r in rows if int(r["rank"] or 0) == top]


_FOOTNOTE_UNKNOWN = "not recorded in the graph: read the footnote under Supp. No. 4 to part 744"


def details(store: Store, queries: dict, orders: list[tuple[str, str, dt.date]], found: list[Verdict]) -> list[Verdict]:
    """Each reason completed with what an officer files: the CFR paragraph, the review policy for
    the destination and date, the licence exceptions allowed or excluded, the Entity List footnotes
    spelled out, and the period in force of the rule it rests on. All of it is read from the graph
    (``eg:Provision``s, list entries, rules) by ``queries/check/reason-*.rq``; nothing here decides."""
    iri_of = {oid: iri for iri, oid, _ in orders}
    wanted = {(iri_of[v.order_id], r.rule, b) for v in found for r in v.reasons for b in (r.basis or ("",))}
    provisions: dict[tuple[str, str], list[dict]] = {}
    if wanted:
        for row in store.select(
            queries["check/reason-provisions"].text,
            [{"order": IRI(o), "ruleId": rid, "basis": b} for o, rid, b in sorted(wanted)],
        ):
            provisions.setdefault((str(row["order"]), str(row["ruleId"])), []).append(row)
    chosen = {k: _ranked(v) for k, v in provisions.items()}
    names = sorted({str(p["provision"]) for rows in chosen.values() for p in rows})
    exceptions: dict[str, list[LicenseException]] = {}
    if names:
        for row in store.select(queries["check/reason-exceptions"].text, [{"provision": IRI(n)} for n in names]):
            exceptions.setdefault(str(row["provision"]), []).append(
                LicenseException(
                    str(row["exception"]), str(row["status"]), str(row["cfr"]), row["note"] and str(row["note"])
                )
            )
    listed = {
        (iri_of[v.order_id], r.value, r.rule)
        for v in found
        for r in v.reasons
        if r.rule in ("entity-list", "affiliates-50") and r.value
    }
    entries: dict[tuple[str, str, str], list[dict]] = {}
    for rid, name in (("entity-list", "check/reason-listings"), ("affiliates-50", "check/reason-owner-listings")):
        todo = sorted((o, p) for o, p, r in listed if r == rid)
        if todo:
            for row in store.select(queries[name].text, [{"order": IRI(o), "party": IRI(p)} for o, p in todo]):
                entries.setdefault((str(row["order"]), str(row["party"]), rid), []).append(row)
    rules = {b for v in found for r in v.reasons for b in r.basis}
    rules |= {str(e["rule"]) for rows in entries.values() for e in rows if e["rule"]}
    periods: dict[str, InForce] = {}
    if rules:
        by_rule: dict[str, list[dict]] = {}
        for row in store.select(queries["check/rule-periods"].text, [{"rule": IRI(x)} for x in sorted(rules)]):
            by_rule.setdefault(str(row["rule"]), []).append(row)
        for rule, rows in by_rule.items():
            first = rows[0]
            rescinded = _day(first["rescinded"])
            periods[rule] = InForce(
                str(first["ruleId"] or rule.rsplit("/", 1)[-1]),
                first["citation"] and str(first["citation"]),
                _day(first["start"]),
                rescinded and rescinded - dt.timedelta(days=1),
                tuple(
                    sorted(
                        {
                            (start, end)
                            for r in rows
                            # a suspension has both ends (the rule shape of data-quality.ttl)
                            if (start := _day(r["suspendedFrom"])) is not None
                            and (end := _day(r["suspendedTo"])) is not None
                        }
                    )
                ),
            )
    out = []
    for v in found:
        order = iri_of[v.order_id]
        reasons = []
        for r in v.reasons:
            rows = chosen.get((order, r.rule), [])
            cfr = "; ".join(dict.fromkeys(str(p["cfr"]) for p in rows if p["cfr"])) or None
            policy = "; ".join(dict.fromkeys(str(p["policy"]) for p in rows if p["policy"])) or None
            policy_cfr = "; ".join(dict.fromkeys(str(p["policyCfr"]) for p in rows if p["policyCfr"])) or None
            notes = tuple(dict.fromkeys(str(p["note"]) for p in rows if p["note"]))
            excs = tuple(
                sorted(
                    {x for p in rows for x in exceptions.get(str(p["provision"]), [])},
                    key=lambda x: (x.status, x.exception),
                )
            )
            footnotes: tuple[Footnote, ...] = ()
            in_force = tuple(periods[b] for b in r.basis if b in periods)
            own = entries.get((order, r.value or "", r.rule), [])
            if own:
                footnotes = tuple(
                    sorted(
                        {
                            Footnote(
                                int(e["footnote"]),
                                str(e["meaning"] or _FOOTNOTE_UNKNOWN),
                                str(e["footnoteCfr"] or "Supp. No. 4 to part 744"),
                            )
                            for e in own
                            if e["footnote"] is not None
                        },
                        key=lambda f: f.footnote,
                    )
                )
                policies = sorted({(str(e["ownerName"] or e["owner"]), str(e["policy"])) for e in own if e["policy"]})
                unknown = sorted(
                    {str(e["ownerName"] or e["owner"]) for e in own if not e["policy"]} - {who for who, _ in policies}
                )
                if unknown:
                    notes += (
                        f"The review policy of the entry of {', '.join(unknown)} is not recorded in the graph: "
                        "read it in the entry (Supp. No. 4 to part 744, or the party's own list).",
                    )
                if r.rule == "affiliates-50" and policies:
                    # the most restrictive owner's policy is the affiliate's: name each owner's
                    policy = "; ".join(f"{p} (as for {who}, whose entry it is)" for who, p in policies)
                elif policies:
                    policy = "; ".join(dict.fromkeys(p for _, p in policies))
                added: dict[str, list] = {}
                for e in own:
                    if e["rule"] and str(e["rule"]) in periods:
                        added.setdefault(str(e["owner"]), []).append((_day(e["added"]), periods[str(e["rule"])]))
                for options in added.values():
                    # the rule that added the entry: the one in force from the listing's first day
                    day = options[0][0]
                    same = [p for a, p in options if p.start == day] or sorted(
                        (p for _, p in options), key=lambda p: p.start or dt.date.min
                    )[:1]
                    in_force += tuple(x for x in dict.fromkeys(same) if x not in in_force)
            reasons.append(
                Reason(
                    r.rule,
                    r.effect,
                    r.message,
                    r.citation,
                    policy or r.review_policy,
                    r.path,
                    r.value,
                    r.basis,
                    cfr,
                    policy_cfr,
                    excs,
                    footnotes,
                    in_force,
                    notes,
                )
            )
        out.append(Verdict(v.order_id, v.date, v.verdict, v.rules, tuple(reasons)))
    return out
