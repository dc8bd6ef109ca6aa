"""``exportgraph serve``: a SPARQL 1.1 endpoint, the named queries and the main jobs over HTTP.

How it is put together:

- The graph (ontology, bundled graph, ``--data``, derived facts) is opened once, dumped as N-Quads
  and bulk-loaded into an Oxigraph database directory (``--store DIR`` keeps it; a directory that
  already holds a database is served as it is).
- ``/sparql`` is answered by a small pool of Oxigraph servers (``oxigraph serve-read-only``, pip
  ``oxigraph``) on private loopback ports, over that directory. They do the SPARQL 1.1 Protocol:
  content negotiation, 406, service description. This front end forwards each query to the least
  busy one. A query still running at ``--timeout`` is *stopped*: its Oxigraph process is killed
  (Oxigraph's own timeout does not interrupt an aggregate over a cartesian product) and replaced;
  the other queries it was serving are sent again to another process (queries do not change
  anything, so that is safe) and the client gets 503 with a message. Results larger than
  ``--max-bytes`` are refused (413).
- SPARQL Update is refused (403) unless the server is started with ``--allow-update`` and a
  ``--token``; then one read-write Oxigraph process serves, and an update needs
  ``Authorization: Bearer TOKEN``. The jobs below keep answering on the graph as it was loaded.
- ``/queries``, ``/queries/{name}``, ``/check``, ``/screen`` and ``/exposure`` run on the
  ``ExportGraph`` in this process (one at a time) and return the CLI's JSON.
- ``/`` is a query page.

``make_server(...)`` builds it (the CLI and the tests share it); ``serve_forever()`` runs it.
"""

from __future__ import annotations

import datetime as dt
import hmac
import http.client
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from .errors import AmbiguousError, ExportGraphError, InputError, NotFoundError

DEFAULT_TIMEOUT = 5.0
DEFAULT_MAX_BYTES = 50_000_000
MAX_BODY = 20_000_000  # largest request body (an orders CSV, a names list, a query)
FORWARD_HEADERS = ("Accept", "Content-Type")
BACKEND_START = 60.0  # seconds an Oxigraph process may take to listen


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str:
    """The ``oxigraph`` server that pip's ``oxigraph`` package installs beside this Python."""
    candidate = Path(sys.executable).parent / "oxigraph"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise ExportGraphError("the Oxigraph server binary is missing: pip install oxigraph")


class _Connection(http.client.HTTPConnection):
    def connect(self) -> None:
        super().connect()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no 40 ms delayed-ACK stalls


@dataclass
class Backend:
    """One Oxigraph server process on a private loopback port."""

    location: Path
    writable: bool
    port: int = 0
    proc: subprocess.Popen | None = None
    busy: int = 0
    generation: int = 0
    restarting: bool = False
    local: threading.local = field(default_factory=threading.local)

    def start(self) -> None:
        self.port = free_port()
        verb = "serve" if self.writable else "serve-read-only"
        log = tempfile.TemporaryFile()  # not a pipe: a chatty process must never block on a full one
        self.proc = subprocess.Popen(
            [oxigraph_binary(), verb, "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}",
             "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=log)
        self.generation += 1
        deadline = time.monotonic() + BACKEND_START
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                log.seek(0)
                err = log.read().decode(errors="replace")
                raise ExportGraphError(f"the Oxigraph server did not start: {err.strip()[:500]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise ExportGraphError(f"the Oxigraph server did not listen within {BACKEND_START:.0f} s")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def connection(self, timeout: float) -> http.client.HTTPConnection:
        conn = getattr(self.local, "conn", None)
        if conn is None or getattr(self.local, "generation", None) != self.generation:
            conn = _Connection("127.0.0.1", self.port, timeout=timeout)
            self.local.conn, self.local.generation = conn, self.generation
        conn.timeout = timeout
        if conn.sock is not None:
            conn.sock.settimeout(timeout)
        return conn

    def drop_connection(self) -> None:
        conn = getattr(self.local, "conn", None)
        if conn is not None:
            conn.close()
        self.local.conn = None


class Pool:
    """The Oxigraph processes behind ``/sparql``; stops a query at the time limit by killing the
    process that runs it and starting another."""

    def __init__(self, location: Path, workers: int, writable: bool, timeout: float, max_bytes: int) -> None:
        self.timeout, self.max_bytes = timeout, max_bytes
        self.lock = threading.Lock()
        self.backends = [Backend(location, writable) for _ in range(1 if writable else max(1, workers))]
        try:
            for b in self.backends:
                b.start()
        except BaseException:
            self.close()  # no process is left behind when one fails to start
            raise

    def close(self) -> None:
        for b in self.backends:
            b.stop()

    def _pick(self) -> Backend:
        with self.lock:
            for b in self.backends:  # a process that died (crash, OOM kill) is replaced
                if not b.restarting and b.proc is not None and b.proc.poll() is not None:
                    threading.Thread(target=self._restart, args=(b, b.generation), daemon=True).start()
            live = [b for b in self.backends if not b.restarting and b.proc and b.proc.poll() is None]
            b = min(live or self.backends, key=lambda x: x.busy)
            b.busy += 1
            return b

    def _restart(self, b: Backend, generation: int) -> None:
        """Kill the process (stopping the query it runs) and start another; the others serve meanwhile."""
        with self.lock:
            if b.generation != generation or b.restarting:
                return  # restarted already
            b.restarting = True
        try:
            b.stop()
            b.start()
        except ExportGraphError:
            pass  # the next request's _pick tries again
        finally:
            with self.lock:
                b.restarting = False

    def forward(self, method: str, path: str, body: bytes | None, headers: dict[str, str],
                deadline: float) -> tuple[int, dict[str, str], bytes]:
        """Send the request to a backend and stop it at the deadline: the whole exchange, not each
        read, must end by then. A query (never an update) is sent once more to another process
        when the one it was on went away because of another query."""
        text = {"Content-Type": "text/plain; charset=utf-8"}
        stopped = 503, text, f"the query was stopped after the server's time limit of {self.timeout:g} s".encode()
        retry = not path.startswith("/update")
        for attempt in range(2 if retry else 1):
            if deadline - time.monotonic() <= 0:
                return stopped  # out of time before it ran anywhere: nothing to stop
            b = self._pick()
            generation = b.generation
            try:
                conn = b.connection(deadline - time.monotonic())
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                chunks, size = [], 0
                while True:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise TimeoutError
                    conn.sock.settimeout(left)
                    chunk = resp.read1(65536)
                    if not chunk:
                        break
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > self.max_bytes:
                        b.drop_connection()
                        return 413, text, (f"the result is larger than the server's cap of {self.max_bytes} bytes; "
                                           "add a LIMIT").encode()
                out = {k: v for k, v in resp.getheaders() if k.lower() == "content-type"}
                return resp.status, out, b"".join(chunks)
            except TimeoutError:
                b.drop_connection()
                threading.Thread(target=self._restart, args=(b, generation), daemon=True).start()
                return stopped
            except (ConnectionError, http.client.HTTPException, OSError):
                b.drop_connection()
                if attempt == 1 or not retry:
                    return 502, text, b"the SPARQL engine is restarting; try again"
                time.sleep(0.05)
            finally:
                with self.lock:
                    b.busy -= 1
        return 502, text, b"the SPARQL engine is restarting; try again"


class App:
    """The endpoint's state: the graph for jobs, the Oxigraph pool for SPARQL, the settings."""

    def __init__(self, graph, pool: Pool, *, timeout: float, allow_update: bool, token: str | None,
                 location: Path, owns_location: bool) -> None:
        self.graph, self.pool, self.timeout = graph, pool, timeout
        self.allow_update, self.token = allow_update, token
        self.location, self.owns_location = location, owns_location
        self.jobs = threading.Lock()

    def close(self) -> None:
        self.pool.close()
        self.graph = None  # a --store it opened is free for the next process
        if self.owns_location:
            shutil.rmtree(self.location, ignore_errors=True)


def build_store(graph, location: Path) -> None:
    """Bulk-load the graph (default graph and named graphs) into an Oxigraph directory."""
    with tempfile.NamedTemporaryFile(suffix=".nq") as fh:
        graph.store.write_nquads(fh)
        fh.flush()
        done = subprocess.run([oxigraph_binary(), "load", "--location", str(location), "--file", fh.name],
                              capture_output=True, text=True)
    if done.returncode != 0:
        raise ExportGraphError(f"loading the graph into {location} failed: {done.stderr.strip()[:500]}")


def is_exportgraph_store(location: Path) -> bool:
    """Whether a directory holds a store written by the `--store` verbs (``ExportGraph.open(store=)``),
    rather than the SPARQL engines' database that ``serve --store`` keeps."""
    import pyoxigraph as ox

    from .imports import META, SOURCES

    if not (location / "CURRENT").exists():
        return False
    try:
        store = ox.Store.read_only(str(location))
    except OSError as exc:
        raise InputError(f"cannot open the store in {location}: {exc}") from None
    try:  # its bookkeeping graph, there from the first open on (even one cut short)
        return any(isinstance(g, ox.NamedNode) and (g.value == META or g.value.startswith(SOURCES))
                   for g in store.named_graphs())
    finally:
        del store


def make_app(data=(), *, store_dir: str | Path | None = None, workers: int = 2, timeout: float = DEFAULT_TIMEOUT,
             max_bytes: int = DEFAULT_MAX_BYTES, allow_update: bool = False, token: str | None = None,
             graph=None) -> App:
    """Open the graph, build or reuse the Oxigraph directory, start the pool."""
    from .api import ExportGraph

    if allow_update and not token:
        raise InputError("--allow-update needs --token (clients send Authorization: Bearer TOKEN)")
    if timeout <= 0 or max_bytes <= 0 or workers < 1:
        raise InputError("--timeout, --max-bytes and --workers must be positive")
    if graph is None and store_dir and is_exportgraph_store(Path(store_dir)):
        # a store that `--store` verbs and `import` write: the jobs answer on it, and the SPARQL
        # engines get what its queries see (not its per-source copies) in a database of their own
        if allow_update:
            raise InputError(f"{store_dir} is a store that `import` writes: change it with `exportgraph "
                             "import`; --allow-update would only change a temporary copy")
        graph, store_dir = ExportGraph.open(data, store=store_dir), None
    graph = graph or ExportGraph.open(data)
    owns = store_dir is None
    location = Path(store_dir) if store_dir else Path(tempfile.mkdtemp(prefix="exportgraph-store-"))
    try:
        if not (location / "CURRENT").exists():
            location.mkdir(parents=True, exist_ok=True)
            build_store(graph, location)
        pool = Pool(location, workers, allow_update, timeout, max_bytes)
    except BaseException:
        if owns:
            shutil.rmtree(location, ignore_errors=True)
        raise
    return App(graph, pool, timeout=timeout, allow_update=allow_update, token=token, location=location,
               owns_location=owns)


def make_server(app: App, host: str = "127.0.0.1", port: int = 7878) -> ThreadingHTTPServer:
    handler = type("Handler", (Handler,), {"app": app})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "exportgraph"
    disable_nagle_algorithm = True  # else a keep-alive client waits ~40 ms for each delayed ACK
    timeout = 60  # seconds a client may take to send a request; a stalled one does not hold a thread
    app: App
    body: bytes = b""

    def log_message(self, format, *args) -> None:  # noqa: A002 - the base class's name
        pass

    # -- plumbing -----------------------------------------------------------------------------

    def _send(self, status: int, body: bytes, content_type: str = "application/json",
              extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, value, status: int = 200) -> None:
        self._send(status, (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode())

    def _error(self, status: int, message: str) -> None:
        self._send(status, (message + "\n").encode(), "text/plain; charset=utf-8")

    def _body(self) -> bytes:
        return self.body

    def _read_body(self) -> str | None:
        """Read the whole body before anything else, so a keep-alive connection never parses a body
        as the next request; the reason it cannot be read, or None."""
        self.body = b""
        if self.headers.get("Transfer-Encoding"):
            return "send the body with a Content-Length (chunked transfer encoding is not accepted)"
        raw = self.headers.get("Content-Length") or "0"
        if not raw.isdigit():
            return f"Content-Length {raw!r} is not a length"
        length = int(raw)
        if length > MAX_BODY:
            return f"the request body is over {MAX_BODY} bytes"
        self.body = self.rfile.read(length)
        if len(self.body) < length:
            return "the request body is shorter than its Content-Length"
        return None

    def _route(self) -> None:
        problem = self._read_body()
        if problem:
            self.close_connection = True
            return self._error(413 if "over" in problem else 400, problem)
        try:
            self._dispatch()
        except (NotFoundError, AmbiguousError) as exc:
            self._error(404, str(exc))
        except (InputError, ValueError, TypeError) as exc:
            self._error(400, str(exc))
        except Exception as exc:  # noqa: BLE001 - a server answers; it does not drop the connection
            self._error(500, f"{type(exc).__name__}: {exc}")

    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        params = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        get = self.command in ("GET", "HEAD")
        if url.path == "/sparql":
            return self._sparql(url.query)
        if url.path == "/" and get:
            return self._send(200, PAGE.encode(), "text/html; charset=utf-8")
        if url.path == "/queries" and get:
            return self._queries()
        if url.path.startswith("/queries/") and get:
            return self._named(url.path.removeprefix("/queries/"), params)
        if url.path == "/check" and self.command == "POST":
            return self._check(params)
        if url.path == "/screen" and self.command == "POST":
            return self._screen(params)
        if url.path == "/exposure" and get:
            return self._exposure(params)
        return self._error(404, f"no such resource: {self.command} {url.path}")

    do_GET = do_POST = do_HEAD = lambda self: self._route()  # noqa: E731

    def _not_allowed(self) -> None:
        if self._read_body():
            self.close_connection = True
        self._error(405, f"{self.command} is not allowed here; use GET or POST")

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_allowed

    # -- SPARQL --------------------------------------------------------------------------------

    def _sparql(self, query_string: str) -> None:
        body = self._body() if self.command == "POST" else b""
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        form = parse_qs(query_string)
        if ctype == "application/x-www-form-urlencoded":
            form.update(parse_qs(body.decode("utf-8", errors="replace")))
        is_update = "update" in form or ctype == "application/sparql-update"
        if is_update:
            return self._update(body, ctype, query_string)
        if self.command == "POST" and ctype not in ("application/sparql-query", "application/x-www-form-urlencoded"):
            return self._error(415, "POST a query as application/sparql-query or as a form (query=...)")
        headers = {k: self.headers[k] for k in FORWARD_HEADERS if self.headers.get(k)}
        if self.command == "POST" and ctype == "application/sparql-query":
            path = "/query" + (f"?{query_string}" if query_string else "")
            status, out, data = self.app.pool.forward("POST", path, body, headers, self._deadline())
        elif self.command == "POST":
            status, out, data = self.app.pool.forward("POST", "/query", body, headers, self._deadline())
        elif "query" in form:
            status, out, data = self.app.pool.forward("GET", f"/query?{query_string}", None, headers,
                                                      self._deadline())
        else:
            return self._send(200, SERVICE_DESCRIPTION.encode(), "text/turtle; charset=utf-8")
        self._send(status, data, out.get("Content-Type", out.get("content-type", "text/plain")))

    def _deadline(self) -> float:
        return time.monotonic() + self.app.timeout

    def _update(self, body: bytes, ctype: str, query_string: str) -> None:
        if not self.app.allow_update:
            return self._error(403, "SPARQL Update is disabled on this server; start it with --allow-update "
                                    "and --token to allow it")
        if not hmac.compare_digest(self.headers.get("Authorization", "").encode(), f"Bearer {self.app.token}".encode()):
            return self._error(401, "SPARQL Update needs Authorization: Bearer TOKEN")
        if self.command != "POST":
            return self._error(405, "SPARQL Update must be POSTed")
        headers = {"Content-Type": self.headers.get("Content-Type") or ctype}
        path = "/update" + (f"?{query_string}" if query_string else "")
        status, out, data = self.app.pool.forward("POST", path, body, headers, self._deadline())
        self._send(status, data, out.get("Content-Type", "text/plain"))

    # -- named queries and jobs ----------------------------------------------------------------

    def _queries(self) -> None:
        self._json([{"name": n, "summary": q.summary, "source": q.source, "returns": list(q.returns),
                     "params": [{"name": p.name, "type": p.type, "example": p.example, "required": p.required}
                                for p in q.params], "text": q.text}
                    for n, q in sorted(self.app.graph.queries.items())])

    def _named(self, name: str, params: dict[str, str]) -> None:
        from .cli import _plain

        if name not in self.app.graph.queries:
            raise NotFoundError(f"no query named {name!r}")
        with self.app.jobs:
            result = self.app.graph.query(name, **params)
        self._json({"columns": list(result.columns),
                    "rows": [{k: _plain(v) for k, v in r.items()} for r in result.rows]})

    def _as_of(self, params: dict[str, str]) -> dt.date | None:
        from .dates import parse_date

        return parse_date(params["as_of"], column="as_of") if params.get("as_of") else None

    def _check(self, params: dict[str, str]) -> None:
        body = self._body()
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        as_of = self._as_of(params)
        if ctype == "application/json":
            orders = _json_list(body, "orders")
            with self.app.jobs:
                verdicts = self.app.graph.check(orders, as_of=as_of)
        elif ctype in ("text/csv", "text/plain", ""):
            with tempfile.NamedTemporaryFile(suffix=".csv") as fh, self.app.jobs:
                fh.write(body)
                fh.flush()
                try:
                    verdicts = self.app.graph.check(fh.name, as_of=as_of)
                except InputError as exc:
                    raise InputError(str(exc).replace(fh.name, "request body")) from None
        else:
            raise InputError("POST orders as text/csv (the check columns) or application/json (a list of objects)")
        self._json([v.to_dict() for v in verdicts])

    def _screen(self, params: dict[str, str]) -> None:
        from .cli import _screening

        names = _json_list(self._body(), "names", (str, dict))
        try:
            threshold = int(params["threshold"]) if params.get("threshold") else None
        except ValueError:
            raise InputError(f"threshold {params['threshold']!r} is not a whole number") from None
        with self.app.jobs:
            results = self.app.graph.screen(names, threshold=threshold, as_of=self._as_of(params))
        self._json([_screening(r) for r in results])

    def _exposure(self, params: dict[str, str]) -> None:
        from .cli import exposure_json

        if not params.get("name"):
            raise InputError("GET /exposure?name=NAME_OR_IRI[&as_of=YYYY-MM-DD]")
        with self.app.jobs:
            e = self.app.graph.exposure(params["name"], self._as_of(params))
        self._json(exposure_json(e))


def _json_list(body: bytes, what: str, kinds: tuple[type, ...] = (dict,)) -> list:
    try:
        value = json.loads(body or b"null")
    except ValueError as exc:
        raise InputError(f"the request body is not JSON: {exc}") from None
    if not isinstance(value, list):
        raise InputError(f"POST a JSON list of {what}")
    for i, item in enumerate(value):
        if not isinstance(item, kinds):
            raise InputError(f"item {i} of the list is a {type(item).__name__}; expected "
                             + " or ".join("an object" if k is dict else "a string" for k in kinds))
    return value


SERVICE_DESCRIPTION = """@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix dct: <http://purl.org/dc/terms/> .

[] a sd:Service ;
    sd:endpoint <sparql> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_JSON> ,
        <http://www.w3.org/ns/formats/SPARQL_Results_XML> ,
        <http://www.w3.org/ns/formats/SPARQL_Results_CSV> , <http://www.w3.org/ns/formats/SPARQL_Results_TSV> ,
        <http://www.w3.org/ns/formats/Turtle> , <http://www.w3.org/ns/formats/N-Triples> ,
        <http://www.w3.org/ns/formats/JSON-LD> , <http://www.w3.org/ns/formats/RDF_XML> ;
    sd:feature sd:UnionDefaultGraph ;
    sd:defaultDataset [ a sd:Dataset ;
        sd:defaultGraph [ a void:Dataset ;
            dct:title "exportgraph: a knowledge graph of AI-chip export controls" ;
            void:vocabulary <https://w3id.org/exportgraph/ontology#> ;
            void:uriSpace "https://w3id.org/exportgraph/id/" ] ] .
"""

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>exportgraph SPARQL</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;max-width:80em}
textarea{width:100%;height:14em;font:13px monospace}
table{border-collapse:collapse;margin-top:1em}
td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}
#status{margin-left:1em;color:#555}select{max-width:40em}
</style></head><body>
<h1>exportgraph SPARQL endpoint</h1>
<p>SPARQL 1.1 at <code>/sparql</code> (read-only); named queries at <code>/queries</code>; jobs at
<code>POST /check</code>, <code>POST /screen</code>, <code>GET /exposure?name=</code>.</p>
<label>Example: <select id="examples"><option value="">choose a named query</option></select></label>
<textarea id="q">PREFIX eg: <https://w3id.org/exportgraph/ontology#>
SELECT ?party ?name WHERE { ?e eg:onList/eg:shortName "entity-list" ; eg:party ?party . ?party eg:name ?name }
LIMIT 20</textarea>
<button id="run">Run</button><span id="status"></span>
<div id="out"></div>
<script>
const PREFIXES = "PREFIX eg: <https://w3id.org/exportgraph/ontology#>\\n" +
  "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\\n" +
  "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\\nPREFIX dct: <http://purl.org/dc/terms/>\\nPREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\\n";
const ex = document.getElementById("examples"), q = document.getElementById("q");
fetch("queries").then(r => r.json()).then(list => list.forEach(item => {
  const o = document.createElement("option"); o.textContent = item.name + ": " + item.summary.slice(0, 90);
  let text = item.text.split("\\n").filter(l => !l.startsWith("#")).join("\\n");
  for (const p of item.params) {
    const v = p.type === "iri" ? "<" + p.example + ">"
      : p.type === "date" ? '"' + p.example + 'T00:00:00"^^xsd:dateTime'
      : p.type === "integer" || p.type === "decimal" ? p.example : JSON.stringify(p.example);
    text = text.replace(/\\bWHERE\\s*\\{/, m => m + " VALUES ?" + p.name + " { " + v + " }");
  }
  o.value = PREFIXES + text; ex.appendChild(o); }));
ex.onchange = () => { if (ex.value) q.value = ex.value; };
function cell(t) { if (!t) return ""; return t.type === "uri" ? "<" + t.value + ">" : t.value; }
document.getElementById("run").onclick = async () => {
  const st = document.getElementById("status"), out = document.getElementById("out");
  st.textContent = "running..."; out.textContent = ""; const t0 = performance.now();
  const r = await fetch("sparql", {method: "POST", headers: {"Content-Type": "application/sparql-query",
    "Accept": "application/sparql-results+json, text/turtle;q=0.9"}, body: q.value});
  const text = await r.text(); st.textContent = r.status + " in " + Math.round(performance.now() - t0) + " ms";
  if (!r.ok || !(r.headers.get("Content-Type") || "").includes("json")) { const pre = document.createElement("pre");
    pre.textContent = text; out.appendChild(pre); return; }
  const j = JSON.parse(text);
  if ("boolean" in j) { out.textContent = String(j.boolean); return; }
  const table = document.createElement("table"), head = table.insertRow();
  for (const v of j.head.vars) { const th = document.createElement("th"); th.textContent = v; head.appendChild(th); }
  for (const b of j.results.bindings) {
    const tr = table.insertRow();
    for (const v of j.head.vars) tr.insertCell().textContent = cell(b[v]);
  }
  out.appendChild(table); st.textContent += ", " + j.results.bindings.length + " rows";
};
</script></body></html>
"""
