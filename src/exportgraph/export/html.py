"""The picture of an ownership neighbourhood: the view's parties and ownership edges, laid out in
layers (owners above, subsidiaries below), as the data that ``picture.render_html`` draws."""

from __future__ import annotations

import functools

from .view import OWNERSHIP, View

LIST_NAMES = {
    "entity-list": "Entity List",
    "meu-list": "MEU List",
    "unverified-list": "Unverified List",
    "mieu-list": "MIEU List",
    "sdn": "SDN List",
    "dod-1260h": "DoD 1260H List",
    "mofcom-uel": "MOFCOM Unreliable Entity List",
    "mofcom-ecl": "MOFCOM Export Control List",
}


def layout(view: View) -> dict[str, tuple[float, float]]:
    """Layer = ownership distance from the focus (owners negative, subsidiaries positive, first
    reached wins); within a layer, parties are ordered by the mean position of their neighbours in
    the layer above, then below (two sweeps), to keep stake lines from crossing."""
    parties = [n for n, node in view.nodes.items() if node.attrs["kind"] in ("organisation", "person")]
    edges = [(e.source, e.target) for e in view.edges if e.attrs["type"] in OWNERSHIP]
    start = view.focus if view.focus in parties else (parties[0] if parties else None)
    layer: dict[str, int] = {}
    order: list[str] = []
    for seed in ([start] if start else []) + sorted(parties):
        if seed in layer:
            continue
        layer[seed] = 0
        queue = [seed]
        while queue:
            n = queue.pop(0)
            order.append(n)
            for s, t in edges:
                for other, step in ((t, 1), (s, -1)):
                    if (s if step == 1 else t) == n and other not in layer:
                        layer[other] = layer[n] + step
                        queue.append(other)
    rows: dict[int, list[str]] = {}
    for n in order:
        rows.setdefault(layer[n], []).append(n)
    pos = {n: float(i) for r in rows.values() for i, n in enumerate(r)}
    neighbours: dict[str, list[str]] = {}
    for s, t in edges:
        neighbours.setdefault(s, []).append(t)
        neighbours.setdefault(t, []).append(s)

    def centre(n: str, towards: int) -> float:
        near = [pos[m] for m in neighbours.get(n, ()) if layer[m] == layer[n] - towards]
        return sum(near) / len(near) if near else pos[n]

    for direction in (1, -1, 1):
        for level in sorted(rows, reverse=direction < 0):
            rows[level].sort(key=functools.partial(centre, towards=direction))
            pos.update({n: float(i) for i, n in enumerate(rows[level])})
    return {n: (pos[n] - (len(rows[layer[n]]) - 1) / 2, float(layer[n])) for n in layer}


def picture(view: View, title: str) -> dict:
    """The data contract of ``picture.render_html``."""
    places = layout(view)
    entries: dict[str, list] = {}
    for e in view.edges:
        if e.attrs["type"] == "listing":
            entries.setdefault(e.source, []).append(view.nodes[e.target])
    nodes = []
    for n, (x, y) in places.items():
        a = view.nodes[n].attrs
        facts: list[list[str]] = [["type", str(a.get("type", ""))]]
        if a.get("country"):
            facts.append(["country", str(a["country"])])
        for entry in entries.get(n, []):
            ea = entry.attrs
            facts.append(
                [
                    LIST_NAMES.get(str(ea.get("list")), str(ea.get("list"))),
                    f"added {ea.get('date_added', 'date unknown')}"
                    + (f", removed {ea['date_removed']}" if ea.get("date_removed") else ""),
                ]
            )
        if a.get("coverage"):
            facts.append(["50% rule", str(a["coverage"])])
        # the page adds the ultimate parent and the IRI itself
        cites = [*view.citations.get(n, [])]
        cites += [c for entry in entries.get(n, []) for c in view.citations.get(entry.id, [])]
        nodes.append(
            {
                "id": n,
                "label": str(a["label"]),
                "x": x,
                "y": y,
                "kind": a["kind"],
                "type": a.get("type", ""),
                "countries": str(a.get("country", "")).split(),
                "status": a.get("coverage", ""),
                "lists": str(a.get("lists", "")).split(),
                "ultimate_parent_name": a.get("ultimate_parent_name", ""),
                "facts": facts,
                "citations": [{"label": lbl, "url": url} for lbl, url in dict.fromkeys(cites)],
            }
        )
    edges = [
        {
            "id": e.id,
            "source": e.source,
            "target": e.target,
            "type": e.attrs["type"],
            "label": e.attrs.get("label", ""),
            "valid_from": e.attrs.get("valid_from", ""),
            "valid_to": e.attrs.get("valid_to", ""),
            "citations": [{"label": lbl, "url": url} for lbl, url in view.citations.get(str(e.attrs.get("iri")), [])],
        }
        for e in view.edges
        if e.attrs["type"] in OWNERSHIP and e.source in places and e.target in places
    ]
    return {"title": title, "focus": view.focus, "as_of": view.as_of.isoformat(), "nodes": nodes, "edges": edges}
