"""The W3C SPARQL 1.1 Protocol tests (tests/fixtures/w3c-protocol/, from w3c/rdf-tests), run against
`exportgraph serve` on a loopback port: every request of every test, in order, with the manifest's
expected status class, result format and boolean.

The server is started with updates allowed (the update tests need them) and each request carries
the bearer token; that updates are refused without it is tested in tests/test_server.py.
"""

from __future__ import annotations

import http.client
import json
import threading
from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from exportgraph import ExportGraph
from exportgraph.server import make_app, make_server
from exportgraph.store import EmbeddedStore

HERE = Path(__file__).parent / "fixtures" / "w3c-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
TOKEN = "protocol-tests"
BOOLEAN_TYPES = ("application/sparql-results+json", "application/sparql-results+xml")
TABULAR_TYPES = BOOLEAN_TYPES + ("text/csv", "text/tab-separated-values")
RDF_TYPES = (
    "text/turtle",
    "application/n-triples",
    "application/rdf+xml",
    "application/ld+json",
    "application/n-quads",
    "application/trig",
)

MANIFEST = Graph().parse(HERE / "manifest.ttl", format="turtle", publicID="http://example.org/protocol/")
ENTRIES = list(Collection(MANIFEST, next(MANIFEST.objects(None, MF.entries))))


def _name(test: URIRef) -> str:
    return str(test).rsplit("#", 1)[-1]


@pytest.fixture(scope="module")
def endpoint():
    graph = ExportGraph(EmbeddedStore())
    for test in ENTRIES:
        for data in MANIFEST.objects(test, UT.graphData):
            path = Path(str(MANIFEST.value(data, UT.graph)).removeprefix("file://"))
            path = HERE / path.name
            graph.store.load(
                path.read_bytes(), "application/n-triples", name=path.name, graph=str(MANIFEST.value(data, RDFS.label))
            )
    app = make_app(graph=graph, workers=1, timeout=10.0, allow_update=True, token=TOKEN)
    server = make_server(app, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_port
    server.shutdown()
    server.server_close()
    app.close()


def test_the_manifest_is_read_whole():
    assert len(ENTRIES) == 34  # 20 query and update tests, 14 bad requests


@pytest.mark.parametrize("test", ENTRIES, ids=_name)
def test_w3c_protocol(endpoint, test):
    for req in Collection(MANIFEST, MANIFEST.value(MANIFEST.value(test, MF.action), HT.requests)):
        path = str(MANIFEST.value(req, HT.absolutePath)).replace("/sparql/", "/sparql", 1)
        body_node = MANIFEST.value(req, HT.body)
        body = None
        if body_node is not None:
            chars = str(MANIFEST.value(body_node, CNT.chars))
            encoding = str(MANIFEST.value(body_node, CNT.characterEncoding) or "UTF-8")
            body = chars.encode(encoding)
        headers = {"Authorization": f"Bearer {TOKEN}"}
        headers_list = MANIFEST.value(req, HT.headers)
        if headers_list is not None:
            for h in Collection(MANIFEST, headers_list):
                headers[str(MANIFEST.value(h, HT.fieldName))] = str(MANIFEST.value(h, HT.fieldValue))
        conn = http.client.HTTPConnection("127.0.0.1", endpoint, timeout=30)
        conn.request(str(MANIFEST.value(req, HT.methodName)), path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        expect = MANIFEST.value(req, HT.resp)
        classes = {str(s).removeprefix(HTS) for s in MANIFEST.objects(expect, MF.expectedStatus)}
        assert f"{resp.status // 100}xx" in classes, f"{_name(test)}: {resp.status} {data[:300]!r}"
        ctype = (resp.getheader("Content-Type") or "").split(";")[0].strip()
        fmt = MANIFEST.value(expect, MF.expectedFormat)
        if fmt is not None:
            allowed = {"boolean": BOOLEAN_TYPES, "tabular": TABULAR_TYPES, "RDF": RDF_TYPES}[str(fmt)]
            assert ctype in allowed, f"{_name(test)}: {ctype} is not {fmt}"
        boolean = MANIFEST.value(expect, MF.expectedBoolean)
        if boolean is not None:
            if ctype == "application/sparql-results+json":
                got = json.loads(data)["boolean"]
            else:
                got = b"<boolean>true</boolean>" in data
            assert got == boolean.toPython(), f"{_name(test)}: ASK gave {got}"
    assert MANIFEST.value(test, RDF.type) == MF.ProtocolTest
