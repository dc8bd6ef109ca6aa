"""The endpoint, started for real on a free loopback port and queried over HTTP with SPARQLWrapper
(the client the design names) and urllib: every result format, refused updates, a hostile query
stopped at the time limit while others are answered, named queries and the jobs."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from SPARQLWrapper import CSV, JSON, JSONLD, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from exportgraph import ExportGraph
from exportgraph.server import make_app, make_server

COUNT = """PREFIX eg: <https://w3id.org/exportgraph/ontology#>
SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e eg:onList/eg:shortName "entity-list" }"""
INSPUR = """PREFIX eg: <https://w3id.org/exportgraph/ontology#>
CONSTRUCT { ?p eg:name ?n ; eg:country ?c } WHERE {
  VALUES ?p { <https://w3id.org/exportgraph/id/party/inspur-taiwan> } ?p eg:name ?n ; eg:country ?c }"""
HOSTILE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def _start(app):
    server = make_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.server_port}"


_APPS: dict = {}


@pytest.fixture(scope="module")
def served(bundled):
    app = make_app(graph=bundled, workers=2, timeout=2.0, max_bytes=2_000_000)
    server, url = _start(app)
    _APPS[url] = app
    yield url, bundled
    server.shutdown()
    server.server_close()
    app.close()


def get(url: str, accept: str | None = None, data: bytes | None = None, ctype: str | None = None):
    req = urllib.request.Request(
        url, data=data, headers={k: v for k, v in (("Accept", accept), ("Content-Type", ctype)) if v}
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def sw(url: str, query: str, fmt):
    client = SPARQLWrapper(url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client.query()


def expected_count(graph: ExportGraph) -> int:
    return int(graph.store.select(COUNT)[0]["n"])


def test_select_in_every_result_format(served):
    url, graph = served
    n = expected_count(graph)
    assert n > 3000
    assert int(sw(url, COUNT, JSON).convert()["results"]["bindings"][0]["n"]["value"]) == n
    doc = sw(url, COUNT, XML).convert()  # a DOM document of SPARQL XML results
    assert int(doc.getElementsByTagName("literal")[0].firstChild.data) == n
    rows = list(csv.reader(io.StringIO(sw(url, COUNT, CSV).convert().decode())))
    assert rows == [["n"], [str(n)]]
    tsv = sw(url, COUNT, TSV).convert().decode().splitlines()
    assert tsv == ["?n", str(n)]


def test_construct_in_turtle_and_json_ld(served):
    url, _ = served
    turtle = sw(url, INSPUR, TURTLE).convert()  # the Turtle text
    triples = list(ox.parse(turtle, ox.RdfFormat.TURTLE))
    assert {str(t.object.value) for t in triples} == {"Inspur Taiwan", "https://w3id.org/exportgraph/id/country/TW"}
    graph = sw(url, INSPUR, JSONLD).convert()  # SPARQLWrapper parses JSON-LD into an rdflib graph
    assert {str(o) for o in graph.objects()} == {"Inspur Taiwan", "https://w3id.org/exportgraph/id/country/TW"}
    for accept, fmt in (
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ):
        status, ctype, body = get(url + "/sparql?" + urllib.parse.urlencode({"query": INSPUR}), accept)
        assert status == 200 and ctype.startswith(accept)
        assert len(list(ox.parse(body, fmt))) == 2


def test_protocol_errors_and_service_description(served):
    url, _ = served
    status, ctype, body = get(url + "/sparql?" + urllib.parse.urlencode({"query": "SELEC ?x"}))
    assert status == 400 and body
    status, _, _ = get(url + "/sparql?" + urllib.parse.urlencode({"query": INSPUR}), "application/sparql-results+json")
    assert status == 406
    status, ctype, body = get(url + "/sparql")
    assert status == 200 and ctype.startswith("text/turtle")
    assert any(str(t.object.value).endswith("#Service") for t in ox.parse(body, ox.RdfFormat.TURTLE, base_iri=url))
    status, _, _ = get(url + "/sparql", data=b"SELECT * {}", ctype="text/plain")
    assert status == 415
    status, _, body = get(
        url + "/sparql", data=COUNT.encode(), ctype="application/sparql-query", accept="application/sparql-results+json"
    )
    assert status == 200 and json.loads(body)["results"]["bindings"]


def test_update_is_refused_by_default(served):
    url, graph = served
    client = SPARQLWrapper(url + "/sparql", updateEndpoint=url + "/sparql")
    client.setMethod("POST")
    client.setQuery("INSERT DATA { <urn:x> <urn:y> <urn:z> }")
    with pytest.raises((SPARQLWrapperException, urllib.error.HTTPError)) as caught:
        client.query()
    assert "403" in str(caught.value) or "disabled" in str(caught.value)
    status, _, body = get(
        url + "/sparql", data=b"INSERT DATA { <urn:x> <urn:y> <urn:z> }", ctype="application/sparql-update"
    )
    assert status == 403 and b"--allow-update" in body
    assert sw(url, "ASK { <urn:x> ?p ?o }", JSON).convert()["boolean"] is False


def test_hostile_query_is_stopped_while_a_simple_one_is_answered(served):
    url, graph = served
    out = {}

    def hostile():
        t0 = time.monotonic()
        out["status"], _, out["body"] = get(url + "/sparql?" + urllib.parse.urlencode({"query": HOSTILE}))
        out["seconds"] = time.monotonic() - t0

    thread = threading.Thread(target=hostile)
    thread.start()
    time.sleep(0.3)
    t0 = time.monotonic()
    assert int(sw(url, COUNT, JSON).convert()["results"]["bindings"][0]["n"]["value"]) == expected_count(graph)
    assert time.monotonic() - t0 < 1.5  # answered while the hostile query runs
    thread.join(timeout=30)
    assert out["status"] == 503 and b"time limit of 2 s" in out["body"]
    assert out["seconds"] < 6
    # the engine that ran it was replaced; queries keep working
    for _ in range(4):
        assert sw(url, "ASK { ?s ?p ?o }", JSON).convert()["boolean"] is True


def test_result_size_cap(served):
    url, _ = served
    status, _, body = get(url + "/sparql?" + urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"}))
    assert status == 413 and b"LIMIT" in body


def test_named_queries_and_jobs_return_the_cli_json(served):
    url, graph = served
    status, _, body = get(url + "/queries")
    names = {q["name"]: q for q in json.loads(body)}
    assert status == 200 and "chips-by-eccn" in names and names["chips-by-eccn"]["params"][0]["name"] == "eccn"
    status, _, body = get(url + "/queries/chips-by-eccn?eccn=3A090.a")
    rows = json.loads(body)["rows"]
    assert status == 200 and len(rows) == len(graph.query("chips-by-eccn", eccn="3A090.a").rows) > 10
    assert get(url + "/queries/chips-by-eccn")[0] == 400  # missing parameter
    assert get(url + "/queries/no-such-query")[0] == 404

    orders = open("examples/orders.csv", "rb").read()
    status, _, body = get(url + "/check", data=orders, ctype="text/csv")
    assert status == 200
    assert json.loads(body) == json.loads(
        json.dumps([v.to_dict() for v in graph.check("examples/orders.csv")], default=str)
    )
    status, _, body = get(url + "/check", data=b"order_id,date\n1,2025-01-01\n", ctype="text/csv")
    assert status == 400 and b"request body" in body

    status, _, body = get(
        url + "/screen?as_of=2025-10-01", data=json.dumps(["IEIT Systems"]).encode(), ctype="application/json"
    )
    [result] = json.loads(body)
    assert result["matches"][0]["name"] == "Inspur Electronic Information Industry Co., Ltd."

    status, _, body = get(url + "/exposure?name=" + urllib.parse.quote("Inspur Taiwan") + "&as_of=2025-10-01")
    assert status == 200 and json.loads(body)["ultimate_parent"]["headquarters"] == ["CN"]
    assert get(url + "/exposure?name=No+Such+Party+Ltd")[0] == 404
    status, ctype, body = get(url + "/")
    assert status == 200 and ctype.startswith("text/html") and b"/sparql" in body


def raw(port: int, data: bytes) -> bytes:
    """Send bytes as they are on one connection; everything that comes back within a second."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(data)
        sock.settimeout(1)
        out = b""
        try:
            while chunk := sock.recv(65536):
                out += chunk
        except TimeoutError:
            pass
    return out


def test_bodies_are_read_whole_and_bad_requests_answered(served):
    url, _ = served
    port = int(url.rsplit(":", 1)[1])
    smuggled = b"GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
    reply = raw(port, b"POST /nothere HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(smuggled) + smuggled)
    assert reply.count(b"HTTP/1.1 404") == 1 and b"smuggled" not in reply  # the body was not a request
    reply = raw(port, b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nASK{}\r\n0\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 400") and reply.count(b"HTTP/1.1") == 1
    assert raw(port, b"POST /check HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n").startswith(b"HTTP/1.1 400")
    assert get(url + "/queries/chips?name=x")[0] == 400  # not a parameter of the query
    assert get(url + "/queries/party-facts?party=not%20an%20iri")[0] == 400
    assert get(url + "/check", data=b"[1, 2]", ctype="application/json")[0] == 400
    assert get(url + "/screen", data=b"[[1]]", ctype="application/json")[0] == 400
    assert get(url + "/screen?threshold=abc", data=b'["BAAI"]', ctype="application/json")[0] == 400
    req = urllib.request.Request(url + "/queries", method="HEAD")
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.status == 200 and resp.read() == b""


def test_an_engine_that_dies_is_replaced(served):
    url, graph = served
    app_pool = _APPS[url].pool
    for b in app_pool.backends:
        b.proc.kill()
        b.proc.wait()
    deadline = time.monotonic() + 60
    while True:
        status, _, body = get(
            url + "/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}), "application/sparql-results+json"
        )
        if status == 200:
            assert json.loads(body)["boolean"] is True
            break
        assert status == 502 and time.monotonic() < deadline, (status, body)
        time.sleep(0.2)


def test_updates_with_the_flag_need_the_token(bundled):
    app = make_app(graph=bundled, workers=1, timeout=5.0, allow_update=True, token="s3cret")
    server, url = _start(app)
    try:
        update = b"INSERT DATA { <urn:x> <urn:y> <urn:z> }"
        assert get(url + "/sparql", data=update, ctype="application/sparql-update")[0] == 401
        req = urllib.request.Request(
            url + "/sparql",
            data=update,
            headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer s3cret"},
        )
        with urllib.request.urlopen(req, timeout=30) as resp:
            assert resp.status in (200, 204)
        assert sw(url, "ASK { <urn:x> <urn:y> <urn:z> }", JSON).convert()["boolean"] is True
    finally:
        server.shutdown()
        server.server_close()
        app.close()


NEW_ENTRY = """PREFIX eg: <https://w3id.org/exportgraph/ontology#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
INSERT DATA {
  <https://w3id.org/exportgraph/id/party/zyxwv-quantum> a eg:Party, eg:Company ;
    eg:name "Zyxwv Quantum Widgets Ltd" ; eg:country <https://w3id.org/exportgraph/id/country/CN> .
  <https://w3id.org/exportgraph/id/listing/entity-list/zyxwv-quantum/cn> a eg:ListEntry ;
    eg:party <https://w3id.org/exportgraph/id/party/zyxwv-quantum> ;
    eg:onList <https://w3id.org/exportgraph/id/list/entity-list> ; eg:dateAdded "2025-01-15"^^xsd:date ;
    eg:licenseScope eg:AllItemsScope ; eg:reviewPolicy "presumption of denial" .
}"""


def test_the_jobs_answer_on_what_an_update_changed(bundled):
    """The jobs and /sparql read the same facts: after an update lands, /exposure and /screen see
    the new list entry (and the graph the server was given is not changed)."""
    app = make_app(graph=bundled, workers=1, timeout=10.0, allow_update=True, token="s3cret")
    server, url = _start(app)
    exposure = url + "/exposure?" + urllib.parse.urlencode({"name": "Zyxwv Quantum Widgets Ltd", "as_of": "2025-06-01"})
    names = json.dumps(["Zyxwv Quantum Widgets Ltd"]).encode()
    try:
        assert get(exposure)[0] == 404
        req = urllib.request.Request(
            url + "/sparql",
            data=NEW_ENTRY.encode(),
            headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer s3cret"},
        )
        with urllib.request.urlopen(req, timeout=30) as resp:
            assert resp.status in (200, 204)
        status, _, body = get(exposure)
        assert status == 200, body
        listings = json.loads(body)["listings"]
        assert [li["entry"] for li in listings] == [
            "https://w3id.org/exportgraph/id/listing/entity-list/zyxwv-quantum/cn"
        ], listings
        status, _, body = get(url + "/screen?as_of=2025-06-01", data=names, ctype="application/json")
        assert status == 200 and json.loads(body)[0]["matches"], body
    finally:
        server.shutdown()
        server.server_close()
        app.close()
    with pytest.raises(Exception, match="Zyxwv"):
        bundled.exposure("Zyxwv Quantum Widgets Ltd")


def test_serving_a_store_that_import_wrote(store):
    """`serve --store DIR` on a store the other verbs wrote: the jobs answer on it, and SPARQL sees
    each imported fact once (the per-source copies the imports keep are not served)."""
    from conftest import cli, info

    from exportgraph.errors import InputError

    fixtures = Path(__file__).parent / "fixtures" / "csv"
    for name in ("parties", "ownership", "listings"):
        done = cli("import", "csv", str(fixtures / f"{name}.csv"), "--store", str(store))
        assert done.returncode == 0, done.stderr
    before = info(store)
    with pytest.raises(InputError, match="--allow-update would only change a temporary copy"):
        make_app(store_dir=store, workers=1, allow_update=True, token="t")
    app = make_app(store_dir=store, workers=1, timeout=10.0)
    server, url = _start(app)
    try:
        query = (
            "PREFIX eg: <https://w3id.org/exportgraph/ontology#> SELECT ?p WHERE "
            '{ ?p eg:name "Example Trading (HK) Ltd" }'
        )
        status, _, body = get(
            url + "/sparql?" + urllib.parse.urlencode({"query": query}), "application/sparql-results+json"
        )
        assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 1  # once, not twice
        status, _, body = get(
            url + "/exposure?" + urllib.parse.urlencode({"name": "Example Trading (HK) Ltd", "as_of": "2025-11-01"})
        )
        assert status == 200 and json.loads(body)["owners"], body
    finally:
        server.shutdown()
        server.server_close()
        app.close()
    assert app.location != store and not app.location.exists()  # the engines' copy is gone
    __import__("gc").collect()
    assert info(store) == before  # and the store is as it was
