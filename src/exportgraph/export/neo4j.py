"""CSV files for ``neo4j-admin database import full``: nodes.csv (``:ID``, ``:LABEL``) and
relationships.csv (``:START_ID``, ``:END_ID``, ``:TYPE``), typed property columns, and import.sh."""

from __future__ import annotations

import csv
from pathlib import Path

from .view import EDGE_ATTRS, NODE_ATTRS, View

_TYPES = {str: "", bool: ":boolean", float: ":double", int: ":long"}
LABELS = {
    "organisation": "Organisation",
    "person": "Person",
    "country": "Country",
    "item": "Item",
    "list-entry": "ListEntry",
}


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write(view: View, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    nodes, rels, script = directory / "nodes.csv", directory / "relationships.csv", directory / "import.sh"
    with nodes.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["iri:ID", ":LABEL", *(f"{k}{_TYPES[t]}" for k, t in NODE_ATTRS.items() if k != "iri")])
        for n in view.nodes.values():
            w.writerow(
                [
                    n.id,
                    LABELS.get(str(n.attrs["kind"]), "Node"),
                    *(_cell(n.attrs.get(k)) for k in NODE_ATTRS if k != "iri"),
                ]
            )
    with rels.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(
            [":START_ID", ":END_ID", ":TYPE", "id", *(f"{k}{_TYPES[t]}" for k, t in EDGE_ATTRS.items() if k != "type")]
        )
        for e in view.edges:
            w.writerow(
                [
                    e.source,
                    e.target,
                    str(e.attrs["type"]).upper(),
                    e.id,
                    *(_cell(e.attrs.get(k)) for k in EDGE_ATTRS if k != "type"),
                ]
            )
    script.write_text(
        "#!/bin/sh\n# Load these files into a new, empty Neo4j database named exportgraph (Neo4j 5):\n"
        "neo4j-admin database import full --nodes=nodes.csv --relationships=relationships.csv "
        "--multiline-fields=true --overwrite-destination exportgraph\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return [nodes, rels, script]
