"""The same API and CLI over a remote SPARQL 1.1 store: a real Oxigraph server, started here on a
free loopback port, loaded through SPARQL Update, then checked, screened and queried."""

from __future__ import annotations

import datetime as dt
import json
import socket
import subprocess
import time

import pytest
from test_coverage_tables import parts

from exportgraph import ExportGraph
from exportgraph.cli import main
from exportgraph.server import free_port, oxigraph_binary


def start_oxigraph() -> tuple[subprocess.Popen, str]:
    """A real, empty, read-write Oxigraph server on a free loopback port; its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            assert time.monotonic() < deadline and proc.poll() is None, "the Oxigraph server did not start"
            time.sleep(0.05)


@pytest.fixture(scope="module")
def oxigraph():
    proc, base = start_oxigraph()
    yield ["--endpoint", base + "/query", "--update-endpoint", base + "/update"]
    proc.kill()
    proc.wait()


@pytest.fixture(scope="module")
def loaded(oxigraph):
    assert main(["load", *oxigraph, "--format", "json", "-o", "/dev/null"]) == 0
    return oxigraph


def test_an_empty_read_only_endpoint_is_an_error(oxigraph, capsys):
    assert main(["info", oxigraph[0], oxigraph[1]]) == 2  # no update endpoint, and nothing loaded yet
    assert "holds no triples" in capsys.readouterr().err


def test_same_verdicts_as_the_embedded_store(loaded, bundled, capsys):
    assert main(["check", "examples/orders.csv", *loaded, "--format", "json"]) == 0
    remote = json.loads(capsys.readouterr().out)
    local = json.loads(json.dumps([v.to_dict() for v in bundled.check("examples/orders.csv")], default=str))
    assert remote == local
    assert {v["verdict"] for v in remote} >= {"license_required", "no_license_required"}


def test_counts_screening_and_queries_agree(loaded, bundled, capsys):
    graph = ExportGraph.open(endpoint=loaded[1], update_endpoint=loaded[3])
    assert {k: v for k, v in graph.info().items() if k != "triples"} == {
        k: v for k, v in bundled.info().items() if k != "triples"
    }
    [r] = graph.screen(["IEIT Systems"])
    assert r.matches[0].name == "Inspur Electronic Information Industry Co., Ltd."
    assert graph.query("chips-by-eccn", eccn="3A090.a").rows == bundled.query("chips-by-eccn", eccn="3A090.a").rows
    # its header says "dateAdded": SPARQLWrapper must not take the query for an ADD update
    args = {"list": "entity-list", "from": "2025-03-01", "to": "2025-04-01"}
    assert graph.query("list-additions", **args).rows == bundled.query("list-additions", **args).rows
    e = graph.exposure("Inspur Taiwan")
    assert e.ultimate_parent["headquarters"] == ["CN"]


def test_read_only_use_and_errors(loaded, capsys):
    assert main(["query", "chips-by-eccn", "--param", "eccn=3A090.a", loaded[0], loaded[1], "--format", "csv"]) == 0
    assert "NVIDIA H100" in capsys.readouterr().out
    assert main(["check", "examples/orders.csv", loaded[0], loaded[1]]) == 2  # orders must be written
    assert "--update-endpoint" in capsys.readouterr().err
    assert main(["info", "--endpoint", f"http://127.0.0.1:{free_port()}/query"]) == 2
    assert "cannot reach" in capsys.readouterr().err
    assert main(["info", "--endpoint", "ftp://example.org/sparql"]) == 2


def test_writing_into_a_named_graph(bundled, capsys):
    """--graph: what belongs in the default graph goes into a named graph (for Virtuoso, whose
    default graph is the union of its graphs); an Oxigraph server with a union default graph
    must then answer exactly as before."""
    proc, base = start_oxigraph()
    try:
        args = [
            "--endpoint",
            base + "/query",
            "--update-endpoint",
            base + "/update",
            "--graph",
            "https://w3id.org/exportgraph/id/graph/main",
        ]
        assert main(["check", "examples/orders.csv", *args, "--format", "json"]) == 0
        remote = json.loads(capsys.readouterr().out)
        assert remote == json.loads(
            json.dumps([v.to_dict() for v in bundled.check("examples/orders.csv")], default=str)
        )
        graph = ExportGraph.open(endpoint=base + "/query")
        assert graph.store.ask("ASK { GRAPH <https://w3id.org/exportgraph/id/graph/main> { ?o a owl:Ontology } }")
        assert not graph.store.ask(
            "ASK { GRAPH ?g { ?s ?p ?o } FILTER(?g != <https://w3id.org/exportgraph/id/graph/main>"
            " && ?g != <https://w3id.org/exportgraph/id/graph/coverage>) }"
        )
    finally:
        proc.kill()
        proc.wait()


def test_graph_must_be_an_iri(capsys):
    assert main(["info", "--endpoint", "http://127.0.0.1:1/query", "--graph", "urn:g> } ; DROP ALL ; #"]) == 2
    assert "is not an absolute IRI" in capsys.readouterr().err


def test_export_runs_on_the_server_as_on_the_embedded_store(loaded, bundled, tmp_path):
    import datetime as dt

    day = dt.date(2025, 6, 1)
    graph = ExportGraph.open(endpoint=loaded[1], update_endpoint=loaded[3])
    remote = graph.graph_view("Inspur Group Co., Ltd.", as_of=day)
    local = bundled.graph_view("Inspur Group Co., Ltd.", as_of=day)
    assert {n: v.attrs for n, v in remote.nodes.items()} == {n: v.attrs for n, v in local.nodes.items()}
    assert [(e.id, e.attrs) for e in remote.edges] == [(e.id, e.attrs) for e in local.edges]
    assert (
        main(
            [
                "export",
                "--format",
                "turtle",
                "--focus",
                "Inspur Taiwan",
                "--as-of",
                "2025-06-01",
                *loaded,
                "-o",
                str(tmp_path / "t.ttl"),
            ]
        )
        == 0
    )
    assert "90 FR 14048" in (tmp_path / "t.ttl").read_text()
    # the view's "covered" needs the 50% rule of the date, computed on the server: an update URL
    assert main(["export", "--format", "dot", "--as-of", "2024-01-01", loaded[0], loaded[1]]) == 2


def standing(status) -> tuple:
    """An AffiliatesStatus without its explanation (compared by its parts)."""
    return (
        status.status,
        status.covered,
        status.rule_status,
        status.reach,
        status.aggregate_percent,
        status.aggregate_percent_max,
    )


def test_the_50_percent_rule_on_the_server_is_the_tables_answer(loaded, bundled):
    """The remote store runs the 50% rule's SPARQL updates; the embedded store the columnar tables
    (issue 17): the same covered sets, standings, covering stakes and screening matches."""
    graph = ExportGraph.open(endpoint=loaded[1], update_endpoint=loaded[3])
    assert graph.coverage.engine == "sparql" and bundled.coverage.engine == "tables"
    for day in (dt.date(2024, 6, 1), dt.date(2025, 10, 15)):
        remote = {r["party"]: r for r in graph.query("affiliates-status", as_of=day).rows}
        local = {r["party"]: r for r in bundled.query("affiliates-status", as_of=day).rows}
        assert remote.keys() == local.keys() and len(local) > 100
        labels = {str(r["explanation"]).split(" on the ")[0] for r in local.values()}
        for party, row in local.items():
            other = remote[party]
            assert {k: v for k, v in row.items() if k != "explanation"} == {
                k: v for k, v in other.items() if k != "explanation"
            }
            assert parts(str(row["explanation"]), labels) == parts(str(other["explanation"]), labels)
        covered = sorted(p for p, r in local.items() if r["status"] != "listed")[:4]
        assert covered, "the bundled graph has parties covered without being listed"
        for party in covered:
            here, there = bundled.exposure(party, day), graph.exposure(party, day)
            assert standing(here.affiliates_rule) == standing(there.affiliates_rule)
            key = lambda s: json.dumps(s, sort_keys=True, default=str)  # noqa: E731
            assert sorted(map(key, here.covering_stakes)) == sorted(map(key, there.covering_stakes))
        names = [bundled.exposure(p, day).entity.name for p in covered] + ["IEIT Systems"]
        for here, there in zip(bundled.screen(names, as_of=day), graph.screen(names, as_of=day), strict=True):
            assert [(m.party, m.score, standing(m.affiliates_rule)) for m in here.matches] == [
                (m.party, m.score, standing(m.affiliates_rule)) for m in there.matches
            ]
