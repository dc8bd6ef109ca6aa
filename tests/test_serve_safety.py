"""`exportgraph serve` under hostile input, started for real on loopback: no outbound request
(SERVICE, LOAD), bounded jobs that do not wait for one another, strict HTTP parsing, bounded
connections and request heads, CORS, the read-only Graph Store Protocol, OpenAPI, and engines that
die with the server."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import serving

from exportgraph.server import make_app, make_server, remove_stale_stores

TOKEN = "s3cret"


class Listener:
    """A loopback TCP listener that counts the connections it is sent (and answers none)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            conn.close()


@pytest.fixture(scope="module")
def listener():
    ln = Listener()
    yield ln
    ln.sock.close()


@pytest.fixture(scope="module")
def hardened(bundled, listener):
    """A server with small limits: 2 s per job, 50 orders, 60,000 names, 8 connections, CORS for
    any origin, updates with a token, and one allowed SERVICE endpoint (the listener's)."""
    allowed = f"http://127.0.0.1:{listener.port}/sparql"
    app = make_app(
        graph=bundled,
        workers=1,
        timeout=3.0,
        job_timeout=2.0,
        max_orders=50,
        max_names=60_000,
        max_connections=8,
        cors="*",
        allow_update=True,
        token=TOKEN,
        allow_service=[allowed],
    )
    app.head_timeout = 1.5
    server = make_server(app, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", server.server_port, app, allowed
    server.shutdown()
    server.server_close()
    app.close()


def call(
    url: str, data: bytes | None = None, headers: dict | None = None, method: str | None = None, timeout: float = 60
):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def raw(port: int, data: bytes, timeout: float = 20) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
        return out


SERVICE_QUERIES = [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:{port}/svc> { ?s ?p ?o } }",
    "select * where { service silent <http://127.0.0.1:{port}/svc> { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:{port}/svc> { ?s ?p ?o } }",
    "SELECT * WHERE { ?x ?y ?z FILTER EXISTS { SERVICE ?endpoint { ?s ?p ?o } } } LIMIT 1",
    "PREFIX x: <http://127.0.0.1:{port}/> SELECT * WHERE { { SELECT ?s WHERE { SERVICE x:svc { ?s ?p ?o } } } }",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o < '>') SERVICE <http://127.0.0.1:{port}/svc> { ?a ?b ?c } FILTER(?o = 'x') }",
]


def test_service_is_refused_in_every_form_and_the_listener_gets_nothing(hardened, listener):
    url, _, _, _ = hardened
    before = listener.accepted
    for text in SERVICE_QUERIES:
        q = text.replace("{port}", str(listener.port))
        for status, _, body in (
            call(f"{url}/sparql?" + urllib.parse.urlencode({"query": q})),
            call(f"{url}/sparql", q.encode(), {"Content-Type": "application/sparql-query"}),
            call(
                f"{url}/sparql",
                urllib.parse.urlencode({"query": q}).encode(),
                {"Content-Type": "application/x-www-form-urlencoded"},
            ),
        ):
            assert status == 400, (q, status, body)
            assert b"SERVICE" in body
    for update in (
        f"LOAD <http://127.0.0.1:{listener.port}/data.ttl>",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/svc> {{ ?s ?p ?o }} }}",
    ):
        status, _, body = call(
            f"{url}/sparql",
            update.encode(),
            {"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
        )
        assert status == 400, (update, body)
    time.sleep(0.5)
    assert listener.accepted == before  # not one connection was opened to it


def test_words_that_only_look_like_service_pass(hardened):
    url, _, _, _ = hardened
    q = (
        "PREFIX service: <http://example.org/service/> SELECT ?service WHERE { "
        "VALUES ?service { 'SERVICE <http://127.0.0.1:1/> {}' } } # SERVICE <x> { }"
    )
    status, _, body = call(
        f"{url}/sparql?" + urllib.parse.urlencode({"query": q}), headers={"Accept": "application/sparql-results+json"}
    )
    assert status == 200, body
    assert json.loads(body)["results"]["bindings"][0]["service"]["value"].startswith("SERVICE")


def test_an_allowed_endpoint_is_the_only_one_reached(hardened, listener):
    url, _, _, allowed = hardened
    before = listener.accepted
    q = f"SELECT * WHERE {{ SERVICE SILENT <{allowed}> {{ ?s ?p ?o }} }}"
    status, _, _ = call(f"{url}/sparql", q.encode(), {"Content-Type": "application/sparql-query"})
    assert status in (200, 502, 503)
    deadline = time.monotonic() + 5
    while listener.accepted == before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert listener.accepted > before  # allowed: the engine did connect (to the listener only)


def test_caps_on_orders_and_names_are_413_with_the_cap(hardened):
    url, _, _, _ = hardened
    orders = [{"order_id": f"o{i}", "date": "2025-06-01", "item": "EAR99", "destination": "DE"} for i in range(51)]
    status, _, body = call(f"{url}/check", json.dumps(orders).encode(), {"Content-Type": "application/json"})
    assert status == 413 and b"at most 50" in body
    text = io.StringIO()
    w = csv.writer(text)
    w.writerow(["order_id", "date", "item", "destination"])
    w.writerows([f"o{i}", "2025-06-01", "EAR99", "DE"] for i in range(20_000))
    status, _, body = call(f"{url}/check", text.getvalue().encode(), {"Content-Type": "text/csv"})
    assert status == 413 and b"20000 orders" in body and b"at most 50" in body
    names = ["x"] * 60_001
    status, _, body = call(f"{url}/screen", json.dumps(names).encode(), {"Content-Type": "application/json"})
    assert status == 413 and b"at most 60000" in body


def test_a_slow_job_is_stopped_and_does_not_delay_exposure(hardened):
    url, _, _, _ = hardened
    exposure = f"{url}/exposure?name=Huawei%20Technologies%20Co.%2C%20Ltd.&as_of=2025-06-01"
    call(exposure)  # warm
    t0 = time.monotonic()
    status, _, body = call(exposure)
    alone = time.monotonic() - t0
    assert status == 200, body
    names = json.dumps([f"Northwind Trading Company {i} Limited" for i in range(60_000)]).encode()
    result = {}

    def slow():
        t = time.monotonic()
        result["status"], _, result["body"] = call(f"{url}/screen", names, {"Content-Type": "application/json"})
        result["seconds"] = time.monotonic() - t

    th = threading.Thread(target=slow)
    th.start()
    time.sleep(0.5)
    t0 = time.monotonic()
    status, _, _ = call(exposure)
    during = time.monotonic() - t0
    exposure_done = not th.is_alive()
    th.join(60)
    assert status == 200
    assert not exposure_done  # the screening was still running when exposure answered
    assert during < alone + 1.5
    assert result["status"] == 503 and b"time limit of 2 s" in result["body"]
    assert result["seconds"] < 2.0 + 3.0  # stopped soon after its limit


def test_strict_http_parsing(hardened):
    _, port, _, _ = hardened
    head = b"POST /screen HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    for bad in ("\u00b2".encode("latin-1"), b"9" * 5001, b"-1", b"1e3"):
        reply = raw(port, head + b"Content-Length: " + bad + b"\r\n\r\n[]")
        assert reply.startswith(b"HTTP/1.1 400"), reply[:200]
        assert b"not a length" in reply
    reply = raw(port, head + b"Content-Length: 2\r\nContent-Length: 40\r\n\r\n[]")
    assert reply.startswith(b"HTTP/1.1 400") and b"more than one Content-Length" in reply
    for path in (b"/screen", b"/check"):
        body = b"[" * 20_000
        reply = raw(
            port,
            b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body) + body,
        )
        assert reply.startswith(b"HTTP/1.1 400") and b"deep" in reply and b"Recursion" not in reply
    body = b'[{"name": [1, 2]}]'
    reply = raw(port, head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
    assert reply.startswith(b"HTTP/1.1 400") and b"field 'name'" in reply
    body = b'[{"order_id": "a", "date": NaN}]'
    reply = raw(
        port,
        b"POST /check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n" % len(body) + body,
    )
    assert reply.startswith(b"HTTP/1.1 400") and b"NaN" in reply
    reply = raw(port, b"GET /sparql?query=ASK%7B%7D\xff HTTP/1.1\r\nHost: x\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 400") and b"ASCII" in reply and b"codec" not in reply
    reply = raw(port, b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 414")


def test_a_long_get_query_is_answered(hardened):
    url, _, _, _ = hardened
    values = " ".join(f"<urn:x:{i}>" for i in range(1_000))
    q = f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?x {{ {values} }} }}"
    target = f"{url}/sparql?" + urllib.parse.urlencode({"query": q})
    assert len(target) > 16_000
    status, _, body = call(target, headers={"Accept": "application/sparql-results+json"})
    assert status == 200, body[:300]
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "1000"


def test_a_slow_request_head_is_cut_off(hardened):
    _, port, app, _ = hardened
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET / HTTP/1.1\r\n")
        t0 = time.monotonic()
        closed = False
        for i in range(20):  # a header line every 0.4 s: each read is quick, the whole head is not
            try:
                s.sendall(b"X-Slow-%d: 1\r\n" % i)
                s.settimeout(0.4)
                if s.recv(100) == b"":
                    closed = True
                    break
            except TimeoutError:
                continue
            except OSError:
                closed = True
                break
        assert closed and time.monotonic() - t0 < app.head_timeout + 2


def test_connections_beyond_the_cap_get_503(hardened):
    url, port, app, _ = hardened
    held = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(app.max_connections)]
    try:
        time.sleep(0.2)
        with socket.create_connection(("127.0.0.1", port), timeout=5) as extra:
            reply = extra.recv(4096)
        assert reply.startswith(b"HTTP/1.1 503") and b"maximum of 8 connections" in reply
    finally:
        for s in held:
            s.close()
    time.sleep(0.3)
    assert call(f"{url}/queries")[0] == 200  # the slots came back


def test_cors_on_request_and_preflight(hardened, served_default):
    url, _, _, _ = hardened
    status, headers, _ = call(f"{url}/sparql?query=ASK%7B%7D", headers={"Origin": "https://yasgui.example"})
    assert status == 200 and headers.get("Access-Control-Allow-Origin") == "*"
    status, headers, _ = call(
        f"{url}/sparql",
        method="OPTIONS",
        headers={
            "Origin": "https://yasgui.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert status == 204 and "POST" in headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in headers["Access-Control-Allow-Headers"]
    status, headers, _ = call(f"{served_default}/sparql?query=ASK%7B%7D", headers={"Origin": "https://yasgui.example"})
    assert status == 200 and "Access-Control-Allow-Origin" not in headers  # off by default
    assert call(f"{served_default}/sparql", method="OPTIONS", headers={"Origin": "https://a.example"})[0] == 405


@pytest.fixture(scope="module")
def served_default(bundled):
    with serving(make_app(graph=bundled, workers=1)) as url:
        yield url


def test_graph_store_protocol_is_read_only(hardened):
    url, _, _, _ = hardened
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    _, _, body = call(
        f"{url}/sparql?" + urllib.parse.urlencode({"query": q}), headers={"Accept": "application/sparql-results+json"}
    )
    n = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
    status, headers, body = call(f"{url}/store?default", headers={"Accept": "application/n-triples"})
    assert status == 200 and headers["Content-Type"].startswith("application/n-triples")
    lines = body.decode().splitlines()
    assert 100_000 < len(lines) <= n  # the default graph (the union also holds derived named graphs)
    ent = "<https://w3id.org/exportgraph/id/list/entity-list>"
    assert f'{ent} <https://w3id.org/exportgraph/ontology#shortName> "entity-list" .' in lines
    assert call(f"{url}/store?graph=urn:exportgraph:no-such-graph")[0] == 404
    assert (
        call(
            f"{url}/store?graph=urn:x",
            data=b"<a:b> <a:c> <a:d> .",
            method="POST",
            headers={"Content-Type": "application/n-triples"},
        )[0]
        == 405
    )
    assert call(f"{url}/store?graph=urn:x", method="DELETE")[0] == 405
    assert call(f"{url}/store?whatever=1")[0] == 400


def test_openapi_describes_the_jobs_and_every_named_query(hardened):
    from openapi_spec_validator import validate

    url, _, app, _ = hardened
    status, _, body = call(f"{url}/openapi.json")
    assert status == 200
    doc = json.loads(body)
    validate(doc)
    for path in ("/check", "/screen", "/exposure", "/sparql", "/store"):
        assert path in doc["paths"]
    names = [q["name"] for q in json.loads(call(f"{url}/queries")[2])]
    assert names and all(f"/queries/{n}" in doc["paths"] for n in names)
    q = app.graph.queries[names[0]]
    assert [p["name"] for p in doc["paths"][f"/queries/{names[0]}"]["get"]["parameters"]] == [p.name for p in q.params]
    assert doc["paths"]["/check"]["post"]["requestBody"]["content"]["application/json"]["schema"]["maxItems"] == 50


def test_backend_connections_are_reused_and_requests_sent_once(hardened):
    _, _, app, _ = hardened
    pool = app.pool
    import time as _t

    sockets = set()
    for _ in range(30):
        status, _, _ = pool.forward(
            "GET", "/query?query=ASK%7B%7D", None, {"Accept": "application/sparql-results+json"}, _t.monotonic() + 5
        )
        assert status == 200
        b = pool.backends[0]
        sockets.add(id(b.local.conn.sock))
    assert len(sockets) == 1  # one connection for all 30: none failed, none was sent twice


def test_one_line_for_a_client_that_went_away(hardened, capsys):
    _, port, _, _ = hardened
    from exportgraph.server import Server

    try:
        raise BrokenPipeError(32, "Broken pipe")
    except BrokenPipeError:
        Server.handle_error(None, None, ("127.0.0.1", 5555))
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "BrokenPipeError" in err and "Traceback" not in err


def test_the_engines_die_with_a_killed_server_and_its_store_is_removed_next_time(tmp_path):
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "exportgraph", "serve", "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            assert proc.poll() is None, proc.stderr.read().decode()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/queries", timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        children = _children(proc.pid)
        assert len(children) == 2, children  # the two engines
        stores = list(tmp_path.glob("exportgraph-store-*"))
        assert len(stores) == 1
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        deadline = time.monotonic() + 10
        while any(_running(c) for c in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_running(c) for c in children)
        assert stores[0].exists()  # a killed server cannot tidy up...
        assert remove_stale_stores(tmp_path) == stores  # ...the next start does
        assert not stores[0].exists()
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stderr.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        out += [int(x) for x in text]
    return out


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("option", ["timeout", "job_timeout", "max_orders", "max_connections"])
@pytest.mark.parametrize("value", [float("nan"), float("inf"), 0])
def test_limits_must_be_finite_and_positive(bundled, option, value):
    from exportgraph.errors import InputError

    with pytest.raises(InputError, match="must be positive"):
        make_app(graph=bundled, **{option: value})


def test_service_and_cors_options_are_checked(bundled):
    from exportgraph.errors import InputError

    with pytest.raises(InputError, match="allow-service"):
        make_app(graph=bundled, allow_service=["file:///etc/passwd"])
    with pytest.raises(InputError, match="cors"):
        make_app(graph=bundled, cors="yasgui.example/path")


def test_a_check_past_its_time_limit_stops_and_leaves_no_orders_behind(bundled):
    from exportgraph import limits

    orders = [{"order_id": "t1", "date": "2025-06-01", "item": "NVIDIA H100 SXM", "destination": "CN"}]
    with limits.deadline(1e-9), pytest.raises(limits.TimeLimit, match="time limit"):
        bundled.check(orders)
    assert not bundled.store.ask("ASK { GRAPH <https://w3id.org/exportgraph/id/graph/orders> { ?s ?p ?o } }")
    assert bundled.check(orders)[0].verdict == "license_required"  # no deadline outside the server
