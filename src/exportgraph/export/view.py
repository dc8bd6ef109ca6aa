"""The one property-graph view that every export renders.

Its facts come from three queries, ``queries/export/nodes.rq``, ``edges.rq`` and ``citations.rq``;
this module only selects from their rows (the neighbourhood of a focus organisation, the kinds of
node and edge asked for) and names the attributes. No exporter derives a fact of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from ..errors import InputError

# What --include may name, and which edge types each brings. owners/subsidiaries walk the ownership
# edges from the focus (up and down); without a focus either brings every ownership edge.
INCLUDE = {
    "owners": ("stake", "subsidiary"),
    "subsidiaries": ("stake", "subsidiary"),
    "listings": ("listing",),
    "countries": ("country",),
    "chips": ("manufacturer",),
    "orders": ("order",),
    "routes": ("leg", "supply"),
}
DEFAULT_INCLUDE = tuple(INCLUDE)
OWNERSHIP = ("stake", "subsidiary")

# Attribute names and types, shared by every format (GraphML and GEXF declare them; Neo4j types them).
NODE_ATTRS: dict[str, type] = {
    "label": str,
    "kind": str,
    "type": str,
    "iri": str,
    "country": str,
    "listed": bool,
    "lists": str,
    "coverage": str,
    "covered": bool,
    "ultimate_parent": str,
    "ultimate_parent_name": str,
    "alpha2": str,
    "eccn": str,
    "tpp": float,
    "list": str,
    "party": str,
    "date_added": str,
    "date_removed": str,
    "in_force": bool,
    "citations": str,
}
EDGE_ATTRS: dict[str, type] = {
    "type": str,
    "label": str,
    "iri": str,
    "percent": float,
    "percent_min": float,
    "percent_max": float,
    "stake_kind": str,
    "valid_from": str,
    "valid_to": str,
    "citations": str,
}


@dataclass
class Node:
    id: str
    attrs: dict[str, object]


@dataclass
class Edge:
    id: str
    source: str
    target: str
    attrs: dict[str, object]


@dataclass
class View:
    """Nodes by id (the IRI), edges (owner to owned, party to entry, ...), and the cited sources
    per resource as (label, url) pairs."""

    as_of: dt.date
    focus: str | None
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    citations: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def resources(self) -> list[str]:
        """The IRIs behind the view: its nodes and the resources its edges stand for."""
        out = dict.fromkeys(self.nodes)
        out.update(dict.fromkeys(str(e.attrs["iri"]) for e in self.edges if e.attrs.get("iri")))
        return [r for r in out if not r.startswith("_:")]


def parse_include(text: str | None) -> tuple[str, ...]:
    if text is None or not text.strip():
        return DEFAULT_INCLUDE
    parts = tuple(dict.fromkeys(p.strip().lower() for p in text.split(",") if p.strip()))
    unknown = [p for p in parts if p not in INCLUDE]
    if unknown:
        raise InputError(f"--include: unknown {', '.join(unknown)}; expected some of {', '.join(INCLUDE)}")
    return parts


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _number(value) -> float | None:
    return None if value is None else float(value) if isinstance(value, Decimal | int | float) else float(str(value))


def _node(row: dict) -> Node:
    kind = str(row["kind"])
    lists = str(row["lists"]) if row.get("lists") else ""
    attrs: dict[str, object] = {
        "label": str(row.get("name") or row["node"]),
        "kind": kind,
        "type": _text(row.get("type")),
        "iri": str(row["node"]),
    }
    if kind in ("organisation", "person"):
        coverage = str(row.get("coverage") or "")
        # listed: on any list on the date; coverage: standing under the 50% rule (Entity List and
        # MEU List parties and what they own); covered: the rule's restrictions apply (as exposure says)
        attrs.update(
            country=_text(row.get("countries")),
            listed=bool(lists),
            lists=lists or None,
            coverage=coverage or None,
            covered=coverage in ("listed", "covered"),
            ultimate_parent=_text(row.get("ultimateParent")),
        )
    elif kind == "country":
        attrs.update(alpha2=_text(row.get("alpha2")))
    elif kind == "item":
        attrs.update(eccn=_text(row.get("eccn")), tpp=_number(row.get("tpp")))
    elif kind == "list-entry":
        attrs.update(
            list=_text(row.get("list")),
            party=_text(row.get("party")),
            date_added=_text(row.get("dateAdded")),
            date_removed=_text(row.get("dateRemoved")),
            in_force=bool(row.get("inForce")),
        )
    return Node(str(row["node"]), {k: v for k, v in attrs.items() if v is not None})


def _edge(row: dict, seen: dict[str, int]) -> Edge:
    kind, source, target = str(row["type"]), str(row["source"]), str(row["target"])
    iri = _text(row.get("edge"))
    # an edge's id is the resource it stands for (a stake, an order, a supply relation), unless
    # that resource is a node as well (a list entry) or stands for two edges (the last leg of a route
    # also leads on to the consignee); ids are unique across nodes and edges
    if iri and kind in ("stake", "order", "supply"):
        base = iri
    elif iri and kind == "leg":
        base = f"{iri}->{target}"
    else:
        base = f"{kind}:{source}->{target}"
    seen[base] = seen.get(base, 0) + 1
    edge_id = base if seen[base] == 1 else f"{base}#{seen[base]}"
    attrs: dict[str, object] = {
        "type": kind,
        "label": _text(row.get("label")),
        "iri": iri,
        "percent": _number(row.get("percent")),
        "percent_min": _number(row.get("percentMin")),
        "percent_max": _number(row.get("percentMax")),
        "stake_kind": _text(row.get("stakeKind")),
        "valid_from": _text(row.get("validFrom")),
        "valid_to": _text(row.get("validTo")),
    }
    return Edge(edge_id, source, target, {k: v for k, v in attrs.items() if v is not None})


def build(
    node_rows: list[dict],
    edge_rows: list[dict],
    citation_rows: list[dict] | Callable[[list[str]], list[dict]],
    *,
    as_of: dt.date,
    focus: str | None = None,
    depth: int = 2,
    include: tuple[str, ...] = DEFAULT_INCLUDE,
) -> View:
    """The view from the three queries' rows: the whole graph, or the neighbourhood of ``focus``
    (owners up to ``depth`` levels up, subsidiaries down, then what ``include`` attaches to them).
    ``citation_rows``: the citations query's rows, or a function that asks it for the view's
    resources only (a neighbourhood cites a handful of the graph's 20,000 sources)."""
    if depth < 0:
        raise InputError(f"--depth must be 0 or more, not {depth}")
    all_nodes = {str(r["node"]): r for r in node_rows}
    seen: dict[str, int] = {}
    types = {t for name in include for t in INCLUDE[name]}
    edges = [_edge(r, seen) for r in edge_rows if str(r["type"]) in types]

    if focus is None:  # every party, and what the included edges attach to them
        chosen = {n for n, r in all_nodes.items() if str(r["kind"]) in ("organisation", "person")}
        chosen |= {end for e in edges for end in (e.source, e.target)}
    else:
        if focus not in all_nodes:
            raise InputError(f"--focus: <{focus}> is not a node of the view")
        chosen = _neighbourhood(focus, edges, include, depth)
    edges = [e for e in edges if e.source in chosen and e.target in chosen]
    view = View(as_of, focus)
    for n in sorted(chosen):
        if n in all_nodes:
            view.nodes[n] = _node(all_nodes[n])
    view.edges = [e for e in edges if e.source in view.nodes and e.target in view.nodes]
    for node in view.nodes.values():
        up = node.attrs.get("ultimate_parent")
        if up in all_nodes and all_nodes[up].get("name"):
            node.attrs["ultimate_parent_name"] = str(all_nodes[up]["name"])
    _cite(view, citation_rows(sorted(view.resources())) if callable(citation_rows) else citation_rows)
    return view


def _neighbourhood(focus: str, edges: list[Edge], include: tuple[str, ...], depth: int) -> set[str]:
    """The focus, its owners up to ``depth`` levels up and subsidiaries down (as ``include`` asks),
    and what the other included edges attach to those parties."""
    chosen = {focus}
    owned_by: dict[str, list[str]] = {}
    owners_of: dict[str, list[str]] = {}
    for e in edges:
        if e.attrs["type"] in OWNERSHIP:
            owned_by.setdefault(e.source, []).append(e.target)
            owners_of.setdefault(e.target, []).append(e.source)
    for name, step in (("owners", owners_of), ("subsidiaries", owned_by)):
        if name not in include:
            continue
        reached, frontier = {focus}, {focus}  # each direction walks on its own (stakes can form cycles)
        for _ in range(depth):
            frontier = {n for f in frontier for n in step.get(f, ())} - reached
            reached |= frontier
        chosen |= reached
    parties = set(chosen)
    for e in edges:  # what the included kinds attach to the parties: entries, countries, chips, counterparties
        if e.attrs["type"] not in OWNERSHIP and (e.source in parties or e.target in parties):
            chosen |= {e.source, e.target}
    return chosen


def _cite(view: View, citation_rows: list[dict]) -> None:
    """The cited sources of the view's resources, and each node's and edge's ``citations`` attribute."""
    wanted = set(view.resources())
    for r in citation_rows:
        if str(r["subject"]) in wanted:
            view.citations.setdefault(str(r["subject"]), []).append((str(r["label"]), str(r.get("url") or "")))
    items: list[Node | Edge] = [*view.nodes.values(), *view.edges]
    for item in items:
        key = item.id if isinstance(item, Node) else item.attrs.get("iri")
        cites = view.citations.get(str(key), []) if key else []
        if cites:
            item.attrs["citations"] = "; ".join(dict.fromkeys(label for label, _ in cites))
