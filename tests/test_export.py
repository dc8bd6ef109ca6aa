"""Exports of the one property-graph view, each read back by the real reader of its format:
networkx and igraph (GraphML), networkx (GEXF), jsonschema (Cytoscape.js elements),
Graphviz (DOT to SVG), rdflib (JSON-LD and Turtle round trips), and the headers neo4j-admin needs."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import igraph
import jsonschema
import networkx as nx
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from exportgraph import ExportGraph
from exportgraph.cli import main
from exportgraph.export.view import EDGE_ATTRS as EDGE_KEYS
from exportgraph.ids import user_party

pytestmark = pytest.mark.usefixtures("cli_bundled")  # in-process CLI calls share the bundled graph

FIXTURES = Path(__file__).parent / "fixtures"
P = "https://w3id.org/exportgraph/id/party/"
INSPUR, TAIWAN = P + "inspur-group-co-ltd", P + "inspur-taiwan"
DAY = dt.date(2025, 6, 1)


@pytest.fixture(scope="module")
def inspur(bundled):
    return bundled.graph_view("Inspur Group Co., Ltd.", depth=2, as_of=DAY)


@pytest.fixture(scope="module")
def world() -> ExportGraph:
    return ExportGraph.open([FIXTURES / "world.ttl"], bundled=False)


def export(graph: ExportGraph, fmt: str, path: Path, **kw) -> Path:
    graph.export(fmt, path, as_of=DAY, **kw)
    return path


def expected(view) -> tuple[dict, dict]:
    nodes = {n.id: n.attrs for n in view.nodes.values()}
    edges = {e.id: {"source": e.source, "target": e.target, **e.attrs} for e in view.edges}
    return nodes, edges


def test_the_view_around_inspur(inspur):
    nodes, edges = expected(inspur)
    parties = {n for n, a in nodes.items() if a["kind"] == "organisation"}
    assert {INSPUR, TAIWAN} <= parties and len(parties) == 7  # the group and the six units listed in March 2025
    assert nodes[TAIWAN]["listed"] is True and nodes[TAIWAN]["lists"] == "entity-list"
    assert nodes[TAIWAN]["ultimate_parent"] == INSPUR and nodes[TAIWAN]["country"] == "TW"
    stakes = [e for e in edges.values() if e["type"] == "stake"]
    assert len(stakes) == 6 and all(e["source"] == INSPUR and e["label"] == "stake unknown" for e in stakes)
    assert not any("percent" in e for e in stakes)  # unknown stays unknown: no invented figure
    [listing] = [e for e in edges.values() if e["type"] == "listing" and e["source"] == TAIWAN]
    assert listing["valid_from"] == "2025-03-25" and "90 FR 14048" in nodes[listing["target"]]["citations"]
    assert {n["kind"] for n in nodes.values()} == {"organisation", "list-entry", "country"}


def test_as_of_decides_what_is_listed(bundled):
    before = bundled.graph_view("Inspur Taiwan", depth=0, as_of=dt.date(2025, 3, 1))
    after = bundled.graph_view("Inspur Taiwan", depth=0, as_of=dt.date(2025, 4, 1))
    assert before.nodes[TAIWAN].attrs["listed"] is False and "lists" not in before.nodes[TAIWAN].attrs
    assert after.nodes[TAIWAN].attrs["listed"] is True
    assert not [e for e in before.edges if e.attrs["type"] == "listing"]
    assert [e for e in after.edges if e.attrs["type"] == "listing"]


def test_depth_and_include_choose_the_neighbourhood(bundled):
    up_only = bundled.graph_view("Inspur Taiwan", depth=1, as_of=DAY, include="owners")
    assert set(up_only.nodes) == {TAIWAN, INSPUR}
    down_only = bundled.graph_view("Inspur Taiwan", depth=3, as_of=DAY, include=["subsidiaries"])
    assert set(down_only.nodes) == {TAIWAN}
    assert len(bundled.graph_view("Inspur Group Co., Ltd.", depth=1, as_of=DAY, include="subsidiaries").nodes) == 7


def test_percentages_where_known(world, tmp_path):
    view = world.graph_view("Inspur Taiwan", depth=1, as_of=DAY, include="subsidiaries")
    [stake] = [e for e in view.edges if e.attrs["type"] == "stake"]
    assert stake.attrs["percent"] == 100.0 and stake.attrs["label"] == "100%"
    g = nx.read_graphml(
        export(world, "graphml", tmp_path / "w.graphml", focus="Inspur Taiwan", depth=1, include="subsidiaries")
    )
    assert g.edges[stake.source, stake.target]["percent"] == 100.0


def test_orders_and_route_legs_hop_by_hop():
    graph = ExportGraph.open([FIXTURES / "world.ttl", FIXTURES / "export" / "orders.ttl"], bundled=False)
    view = graph.graph_view("Fixture Cloud Ltd.", depth=0, as_of=DAY, include="orders,routes")
    hops = sorted(
        (e.source.rsplit("/", 1)[-1], e.target.rsplit("/", 1)[-1]) for e in view.edges if e.attrs["type"] == "leg"
    )
    # seller -> leg 1 -> (leg 2 is only a country) -> leg 3 -> consignee
    assert hops == [("fixture-cloud-ltd", "inspur-hk-electronics-co-ltd"), ("nvidia-corporation", "fixture-cloud-ltd")]
    whole = graph.graph_view(as_of=DAY, include="orders,routes")
    legs = sorted(
        (e.source.rsplit("/", 1)[-1], e.target.rsplit("/", 1)[-1]) for e in whole.edges if e.attrs["type"] == "leg"
    )
    assert legs == [
        ("fixture-cloud-ltd", "inspur-hk-electronics-co-ltd"),
        ("inspur-hk-electronics-co-ltd", "inspur-taiwan"),
        ("nvidia-corporation", "fixture-cloud-ltd"),
    ]
    [order] = [e for e in whole.edges if e.attrs["type"] == "order"]
    assert (order.source, order.target) == (P + "nvidia-corporation", TAIWAN)
    assert order.attrs["valid_from"] == "2025-05-01"
    assert len({e.id for e in whole.edges}) == len(whole.edges)
    before = graph.graph_view(as_of=dt.date(2025, 4, 30), include="orders,routes")
    assert not [e for e in before.edges if e.attrs["type"] in ("order", "leg")]  # not yet ordered


def test_a_cycle_of_stakes_loses_nobody(tmp_path):
    parties = tmp_path / "parties.csv"
    parties.write_text(
        "id,name,country,aliases,kind\na,Alpha Holdings,SG,,company\nb,Beta Industries,SG,,company\n"
        "d,Delta Sub,SG,,company\n"
    )
    stakes = tmp_path / "ownership.csv"
    stakes.write_text(
        "owner,owned,percent,percent_min,percent_max,valid_from,valid_to,source\n"
        "a,b,60,,,,,test\nb,a,20,,,,,test\nb,d,100,,,,,test\n"
    )
    graph = ExportGraph.open([FIXTURES / "world.ttl", parties, stakes], bundled=False)
    names = {
        n.attrs["label"]
        for n in graph.graph_view("Alpha Holdings", depth=2, as_of=DAY, include="owners,subsidiaries").nodes.values()
    }
    assert names == {"Alpha Holdings", "Beta Industries", "Delta Sub"}
    page = tmp_path / "cycle.html"
    graph.view("Alpha Holdings", page)
    assert "Delta Sub" in page.read_text()


def test_graphml_reads_back_in_networkx_and_igraph(bundled, inspur, tmp_path):
    path = export(bundled, "graphml", tmp_path / "inspur.graphml", focus="Inspur Group Co., Ltd.", depth=2)
    nodes, edges = expected(inspur)
    g = nx.read_graphml(path, force_multigraph=True)
    assert dict(g.nodes(data=True)) == nodes
    assert "Inspur Taiwan" in {a["label"] for a in nodes.values()}
    read = {
        k: {"source": s, "target": t, **{a: v for a, v in d.items() if a != "id"}}
        for s, t, k, d in g.edges(keys=True, data=True)
    }
    assert read == edges
    ig = igraph.Graph.Read_GraphML(str(path))
    assert ig.vcount() == len(nodes) and ig.ecount() == len(edges) and ig.is_directed()
    by_id = {v["id"]: v for v in ig.vs}
    assert by_id[TAIWAN]["label"] == "Inspur Taiwan" and by_id[TAIWAN]["listed"] is True
    assert sorted(e["type"] for e in ig.es) == sorted(e["type"] for e in edges.values())


def test_gexf_reads_back_in_networkx(bundled, inspur, tmp_path):
    path = export(bundled, "gexf", tmp_path / "inspur.gexf", focus="Inspur Group Co., Ltd.", depth=2)
    nodes, edges = expected(inspur)
    g = nx.read_gexf(path)
    assert set(g.nodes) == set(nodes)
    for n, a in g.nodes(data=True):
        assert a["label"] == nodes[n]["label"]
        assert {k: v for k, v in a.items() if k != "label"} == {k: v for k, v in nodes[n].items() if k != "label"}
    assert g.number_of_edges() == len(edges)
    for s, t, a in g.edges(data=True):
        e = edges[a["id"]]
        assert (s, t) == (e["source"], e["target"])
        assert {k: v for k, v in a.items() if k in EDGE_KEYS} == {k: v for k, v in e.items() if k in EDGE_KEYS}


def test_cytoscape_json_validates_and_reads_back(bundled, inspur, tmp_path):
    path = export(bundled, "cytoscape", tmp_path / "inspur.cyjs", focus="Inspur Group Co., Ltd.", depth=2)
    doc = json.loads(path.read_text())
    schema = json.loads((FIXTURES / "cytoscape" / "elements.schema.json").read_text())
    jsonschema.validate(doc, schema)
    ids = [e["data"]["id"] for group in ("nodes", "edges") for e in doc["elements"][group]]
    assert len(ids) == len(set(ids))
    node_ids = {n["data"]["id"] for n in doc["elements"]["nodes"]}
    assert all({e["data"]["source"], e["data"]["target"]} <= node_ids for e in doc["elements"]["edges"])
    assert node_ids == set(inspur.nodes) and len(doc["elements"]["edges"]) == len(inspur.edges)
    taiwan = next(n["data"] for n in doc["elements"]["nodes"] if n["data"]["id"] == TAIWAN)
    assert taiwan["label"] == "Inspur Taiwan" and taiwan["listed"] is True
    bad = {"elements": {"nodes": [{"data": {"name": "no id"}}], "edges": []}}
    with pytest.raises(jsonschema.ValidationError):  # the schema can say no
        jsonschema.validate(bad, schema)


@pytest.mark.needs("dot")
def test_dot_renders_in_graphviz_and_svg_export(bundled, tmp_path):
    dot = export(bundled, "dot", tmp_path / "inspur.dot", focus="Inspur Group Co., Ltd.", depth=2)
    done = subprocess.run(["dot", "-Tsvg", str(dot)], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert b"Inspur Taiwan" in done.stdout and b"<svg" in done.stdout
    svg = export(bundled, "svg", tmp_path / "inspur.svg", focus="Inspur Group Co., Ltd.", depth=2)
    text = svg.read_text()
    assert text.count('class="node"') == len(bundled.graph_view("Inspur Group Co., Ltd.", as_of=DAY).nodes)


def test_jsonld_and_turtle_round_trip_through_rdflib(bundled, inspur, tmp_path):
    jsonld = export(bundled, "jsonld", tmp_path / "inspur.jsonld", focus="Inspur Group Co., Ltd.", depth=2)
    turtle = export(bundled, "turtle", tmp_path / "inspur.ttl", focus="Inspur Group Co., Ltd.", depth=2)
    source = Graph().parse(
        data=bundled.store.construct(
            bundled.queries["export/describe"].text,
            [{"resource": r, "asOf": DAY} for r in map(_iri, inspur.resources())],
        ),
        format="nt",
    )
    a, b = Graph().parse(jsonld, format="json-ld"), Graph().parse(turtle, format="turtle")
    assert len(source) > 100 and isomorphic(a, source) and isomorphic(b, source)
    subjects = {str(s) for s in a.subjects()}
    assert set(inspur.resources()) <= subjects  # every node and stake is described
    assert "https://w3id.org/exportgraph/id/source/fr/90-14048" in subjects  # and the sources they cite
    eg = "https://w3id.org/exportgraph/ontology#"
    standing = {
        str(o)
        for c in a.subjects(URIRef(eg + "coveredParty"), URIRef(TAIWAN))
        for o in a.objects(c, URIRef(eg + "coverageStatus"))
    }
    assert standing == {eg + "Listed"}  # the view's 50% standing on the date is in the RDF too


def _iri(text: str):
    from exportgraph.store.embedded import IRI

    return IRI(text)


def test_neo4j_csv_has_the_admin_import_headers(bundled, inspur, tmp_path):
    out = tmp_path / "neo4j"
    bundled.export("neo4j", out, focus="Inspur Group Co., Ltd.", as_of=DAY)
    with (out / "nodes.csv").open(newline="") as f:
        nodes = list(csv.reader(f))
    with (out / "relationships.csv").open(newline="") as f:
        rels = list(csv.reader(f))
    assert nodes[0][:2] == ["iri:ID", ":LABEL"] and "listed:boolean" in nodes[0] and "tpp:double" in nodes[0]
    assert rels[0][:3] == [":START_ID", ":END_ID", ":TYPE"] and "percent:double" in rels[0]
    ids = {row[0] for row in nodes[1:]}
    assert ids == set(inspur.nodes)
    assert all(r[0] in ids and r[1] in ids for r in rels[1:]) and len(rels) - 1 == len(inspur.edges)
    assert {r[2] for r in rels[1:]} == {"STAKE", "LISTING", "COUNTRY"}
    label = dict(zip(nodes[0], next(r for r in nodes[1:] if r[0] == TAIWAN), strict=True))
    assert label[":LABEL"] == "Organisation" and label["listed:boolean"] == "true"
    assert "neo4j-admin database import full" in (out / "import.sh").read_text()


def test_whole_graph(bundled, tmp_path):
    view = bundled.graph_view(as_of=DAY)
    kinds = {}
    for n in view.nodes.values():
        kinds[n.attrs["kind"]] = kinds.get(n.attrs["kind"], 0) + 1
    assert kinds["organisation"] + kinds.get("person", 0) >= 3000 and kinds["item"] > 30
    # every party; of the rest, what an edge valid on the date attaches: entries in force, countries of parties
    assert kinds["list-entry"] == len([e for e in view.edges if e.attrs["type"] == "listing"])
    assert kinds["country"] == len({e.target for e in view.edges if e.attrs["type"] == "country"}) > 50
    touched = {end for e in view.edges for end in (e.source, e.target)}
    assert all(n in touched for n, node in view.nodes.items() if node.attrs["kind"] not in ("organisation", "person"))
    assert len({e.id for e in view.edges}) == len(view.edges)
    g = nx.read_graphml(export(bundled, "graphml", tmp_path / "all.graphml"), force_multigraph=True)
    assert g.number_of_nodes() == len(view.nodes) and g.number_of_edges() == len(view.edges)


def test_cli_export_and_its_errors(tmp_path, capsys):
    out = tmp_path / "inspur.graphml"
    assert (
        main(
            [
                "export",
                "--format",
                "graphml",
                "--focus",
                "Inspur Group Co., Ltd.",
                "--depth",
                "2",
                "-o",
                str(out),
                "--as-of",
                "2025-06-01",
            ]
        )
        == 0
    )
    assert "Inspur Taiwan" in {d["label"] for _, d in nx.read_graphml(out).nodes(data=True)}
    assert main(["export", "--format", "dot", "--focus", "Inspur Taiwan", "--depth", "0", "--include", "owners"]) == 0
    assert '"https://w3id.org/exportgraph/id/party/inspur-taiwan"' in capsys.readouterr().out
    assert main(["export", "--format", "graphml", "--include", "owners,cousins"]) == 2
    assert "unknown cousins" in capsys.readouterr().err
    assert main(["export", "--format", "graphml", "--focus", "No Such Company Anywhere"]) == 3
    assert main(["export", "--format", "png"]) == 2
    assert "give -o FILE.png" in capsys.readouterr().err
    assert main(["export", "--format", "neo4j"]) == 2
    assert main(["export", "--format", "graphml", "--depth", "-1", "--focus", "Inspur Taiwan"]) == 2
    missing = tmp_path / "no" / "such" / "dir.graphml"
    assert main(["export", "--format", "graphml", "-o", str(missing)]) == 2
    assert "does not exist" in capsys.readouterr().err and not missing.parent.exists()
    assert main(["export", "--format", "graphml", "-o", str(tmp_path)]) == 2  # a directory is not a file
    assert "is a directory" in capsys.readouterr().err
    assert main(["view", "Inspur Taiwan", "-o", str(tmp_path)]) == 2
    assert main(["export", "--format", "neo4j", "-o", str(out)]) == 2  # neo4j writes a directory, not over a file
    assert out.read_text().startswith("<?xml")
    assert list(tmp_path.glob(".exportgraph-*")) == []  # no temporary file left behind


def test_hostile_names_stay_readable(tmp_path):
    """Quotes, backslashes, markup, newlines and the control characters XML forbids, in a user's names."""
    name = 'Bad "Name" \\ <b>&</b> ]]> -->\nsecond line\x0bend\x1fmore'
    parties = tmp_path / "parties.csv"
    with parties.open("w", newline="") as f:
        csv.writer(f).writerows([["id", "name", "country", "aliases", "kind"], ["h", name, "SG", "", "company"]])
    graph = ExportGraph.open([FIXTURES / "world.ttl", parties], bundled=False)
    h = str(user_party("h"))
    for fmt in ("graphml", "gexf"):
        path = export(graph, fmt, tmp_path / f"h.{fmt}", focus=h, include="countries")
        g = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
        [label] = [d["label"] for _, d in g.nodes(data=True) if d.get("kind") == "organisation"]
        assert label == name.replace("\x0b", "\ufffd").replace("\x1f", "\ufffd")
    if shutil.which("dot"):
        dot = export(graph, "dot", tmp_path / "h.dot", focus=h)
        assert subprocess.run(["dot", "-Tsvg", str(dot)], capture_output=True, timeout=60).returncode == 0
    graph.export("neo4j", tmp_path / "neo", focus=h)
    with (tmp_path / "neo" / "nodes.csv").open(newline="") as f:
        assert name in {row[2] for row in csv.reader(f)}
    script = tmp_path / "neo" / "import.sh"
    assert "--multiline-fields=true" in script.read_text() and script.stat().st_mode & 0o111


def test_a_failed_write_leaves_the_old_file(bundled, tmp_path, monkeypatch):
    from exportgraph.export import dot

    out = tmp_path / "kept.svg"
    out.write_text("the previous export")

    def half_rendered(view, fmt, path, engine=None):
        path.write_text("<svg>half")
        raise RuntimeError("Graphviz was killed")

    monkeypatch.setattr(dot, "render", half_rendered)
    with pytest.raises(RuntimeError, match="killed"):
        bundled.export("svg", out, focus="Inspur Taiwan", depth=0)
    assert out.read_text() == "the previous export" and list(tmp_path.glob(".exportgraph-*")) == []
