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
- ``/`` is a query page; ``/openapi.json`` describes the jobs and the named queries; ``/store`` is the
  read-only SPARQL 1.1 Graph Store Protocol (``GET /store?default``, ``GET /store?graph=IRI``).

What is refused, so that no client can make the server reach elsewhere, run without end or fall
over (the README's "Limits" lists the defaults):

- ``SERVICE`` anywhere in a query and ``LOAD`` in an update: 400, unless ``--allow-service`` names
  the endpoint (``guard.py`` reads the text with a SPARQL parser).
- A job runs under the job time limit and stops at its next checkpoint after it (503); orders and
  names per request are capped (413, the cap in the message); jobs do not wait for one another,
  except two ``/check`` runs, which share the graph of orders.
- The request head and body must arrive within their deadlines; one ``Content-Length`` of ASCII
  digits; at most ``--max-connections`` connections at once (503 beyond); JSON nested too deeply
  or of the wrong types is a 400 naming the item and field.
- The Oxigraph processes get SIGKILL when the server goes, however it goes (the parent-death signal),
  and a temporary database a killed server left behind is removed at the next start.

``make_server(...)`` builds it (the CLI and the tests share it); ``serve_forever()`` runs it.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import hmac
import http.client
import json
import math
import os
import queue
import re
import shutil
import signal
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

from . import limits
from .errors import AmbiguousError, ExportGraphError, InputError, NotFoundError
from .guard import outbound
from .present import exposure_json, plain, screening_json

DEFAULT_TIMEOUT = 5.0
DEFAULT_MAX_BYTES = 50_000_000
MAX_BODY = 20_000_000  # largest request body (an orders CSV, a names list, a query)
FORWARD_HEADERS = ("Accept", "Content-Type")
BACKEND_START = 60.0  # seconds an Oxigraph process may take to listen
DEFAULT_JOB_TIMEOUT = 180.0  # seconds a job (/check, /screen, /exposure, /queries/*) may run
MAX_ORDERS = 10_000  # orders per POST /check
MAX_NAMES = 100_000  # names per POST /screen
MAX_CONNECTIONS = 64  # connections served at once; more get 503
HEAD_TIMEOUT = 20.0  # seconds for a request line and headers to arrive (and a kept-alive connection to idle)
BODY_TIMEOUT = 60.0  # seconds for a request body to arrive
MAX_LENGTH_DIGITS = 10
STORE_PREFIX = "exportgraph-store-"
OWNER_FILE = "owner.pid"


def _parent_death_signal():
    """A function for ``Popen(preexec_fn=...)`` that makes the child get SIGKILL when this process
    ends however it ends (Linux); None elsewhere. The libc handle is made before any fork."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    parent = os.getpid()

    def arm() -> None:
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent went before the signal was armed
            os._exit(1)

    return arm


class _Spawner:
    """Starts child processes from one long-lived thread: the parent-death signal fires when the
    *thread* that forked ends, so a short-lived thread must never be the one that starts a child."""

    def __init__(self) -> None:
        self.jobs: queue.Queue = queue.Queue()
        threading.Thread(target=self._run, daemon=True, name="exportgraph-spawner").start()

    def _run(self) -> None:
        while True:
            args, kwargs, done = self.jobs.get()
            try:
                done.put((subprocess.Popen(args, **kwargs), None))
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                done.put((None, exc))

    def popen(self, args: list[str], **kwargs) -> subprocess.Popen:
        done: queue.Queue = queue.Queue(maxsize=1)
        self.jobs.put((args, {**kwargs, "preexec_fn": _parent_death_signal()}, done))
        proc, exc = done.get()
        if exc is not None:
            raise exc
        return proc


_SPAWNER: _Spawner | None = None
_SPAWNER_LOCK = threading.Lock()


def spawn(args: list[str], **kwargs) -> subprocess.Popen:
    global _SPAWNER
    with _SPAWNER_LOCK:
        if _SPAWNER is None:
            _SPAWNER = _Spawner()
    return _SPAWNER.popen(args, **kwargs)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_stores(base: Path | None = None) -> list[Path]:
    """Remove the temporary databases of servers that are no longer running (a killed server cannot
    remove its own); the ones removed."""
    removed = []
    for d in Path(base or tempfile.gettempdir()).glob(STORE_PREFIX + "*"):
        try:
            pid = int((d / OWNER_FILE).read_text().strip())
        except (OSError, ValueError):
            continue  # not one of ours, or still being set up
        if pid != os.getpid() and not _alive(pid):
            shutil.rmtree(d, ignore_errors=True)
            removed.append(d)
    return removed


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
        self.proc = spawn(
            [
                oxigraph_binary(),
                verb,
                "--location",
                str(self.location),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--union-default-graph",
            ],
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
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

    def forward(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str], deadline: float
    ) -> tuple[int, dict[str, str], bytes]:
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
                    if resp.length == 0:  # read1 never closes a response with a Content-Length
                        resp.read()  # ...read() does, so the connection can carry the next request
                        break
                    chunk = resp.read1(65536)
                    if not chunk:
                        break
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > self.max_bytes:
                        b.drop_connection()
                        return (
                            413,
                            text,
                            (
                                f"the result is larger than the server's cap of {self.max_bytes} bytes; add a LIMIT"
                            ).encode(),
                        )
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

    def __init__(
        self,
        graph,
        pool: Pool,
        *,
        timeout: float,
        allow_update: bool,
        token: str | None,
        location: Path,
        owns_location: bool,
        job_timeout: float = DEFAULT_JOB_TIMEOUT,
        allow_service: frozenset[str] = frozenset(),
        cors: str | None = None,
        max_connections: int = MAX_CONNECTIONS,
        max_orders: int = MAX_ORDERS,
        max_names: int = MAX_NAMES,
    ) -> None:
        self.graph, self.pool, self.timeout = graph, pool, timeout
        self.allow_update, self.token = allow_update, token
        self.location, self.owns_location = location, owns_location
        self.job_timeout, self.allow_service, self.cors = job_timeout, allow_service, cors
        self.max_connections, self.max_orders, self.max_names = max_connections, max_orders, max_names
        self.orders = threading.Lock()  # checks share the graph of orders; other jobs wait for nothing
        self.head_timeout, self.body_timeout = HEAD_TIMEOUT, BODY_TIMEOUT

    def close(self) -> None:
        self.pool.close()
        self.graph = None  # a --store it opened is free for the next process
        if self.owns_location:
            shutil.rmtree(self.location.parent, ignore_errors=True)


def build_store(graph, location: Path) -> None:
    """Bulk-load the graph (default graph and named graphs) into an Oxigraph directory."""
    with tempfile.NamedTemporaryFile(suffix=".nq", dir=location.parent) as fh:
        graph.store.write_nquads(fh)
        fh.flush()
        done = subprocess.run(
            [oxigraph_binary(), "load", "--location", str(location), "--file", fh.name], capture_output=True, text=True
        )
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
        return any(
            isinstance(g, ox.NamedNode) and (g.value == META or g.value.startswith(SOURCES))
            for g in store.named_graphs()
        )
    finally:
        del store


def make_app(
    data=(),
    *,
    store_dir: str | Path | None = None,
    workers: int = 2,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allow_update: bool = False,
    token: str | None = None,
    graph=None,
    job_timeout: float = DEFAULT_JOB_TIMEOUT,
    allow_service=(),
    cors: str | None = None,
    max_connections: int = MAX_CONNECTIONS,
    max_orders: int = MAX_ORDERS,
    max_names: int = MAX_NAMES,
) -> App:
    """Open the graph, build or reuse the Oxigraph directory, start the pool."""
    from .api import ExportGraph

    if allow_update and not token:
        raise InputError("--allow-update needs --token (clients send Authorization: Bearer TOKEN)")
    limits_given = (timeout, max_bytes, workers, job_timeout, max_connections, max_orders, max_names)
    if not all(math.isfinite(x) and x > 0 for x in limits_given):
        raise InputError(
            "--timeout, --job-timeout, --max-bytes, --workers, --max-connections, --max-orders "
            "and --max-names must be positive"
        )
    for url in allow_service:
        if not re.fullmatch(r"https?://[^\s<>\"{}|^`\\]+", url):
            raise InputError(f"--allow-service {url!r} is not an http(s) IRI")
    if cors is not None and cors != "*" and not re.fullmatch(r"https?://[^/\s]+", cors):
        raise InputError(f"--cors {cors!r}: give an origin (scheme://host[:port]) or *")
    remove_stale_stores()
    if graph is None and store_dir and is_exportgraph_store(Path(store_dir)):
        # a store that `--store` verbs and `import` write: the jobs answer on it, and the SPARQL
        # engines get what its queries see (not its per-source copies) in a database of their own
        if allow_update:
            raise InputError(
                f"{store_dir} is a store that `import` writes: change it with `exportgraph "
                "import`; --allow-update would only change a temporary copy"
            )
        graph, store_dir = ExportGraph.open(data, store=store_dir), None
    graph = graph or ExportGraph.open(data)
    owns = store_dir is None
    if owns:  # <tmp>/exportgraph-store-XXXX/{owner.pid, db/}: the next start removes it if this process is killed
        base = Path(tempfile.mkdtemp(prefix=STORE_PREFIX))
        (base / OWNER_FILE).write_text(str(os.getpid()))
        location = base / "db"
    else:
        assert store_dir is not None
        location = Path(store_dir)
    try:
        if not (location / "CURRENT").exists():
            location.mkdir(parents=True, exist_ok=True)
            build_store(graph, location)
        pool = Pool(location, workers, allow_update, timeout, max_bytes)
    except BaseException:
        if owns:
            shutil.rmtree(location.parent, ignore_errors=True)
        raise
    return App(
        graph,
        pool,
        timeout=timeout,
        allow_update=allow_update,
        token=token,
        location=location,
        owns_location=owns,
        job_timeout=job_timeout,
        allow_service=frozenset(allow_service),
        cors=cors,
        max_connections=max_connections,
        max_orders=max_orders,
        max_names=max_names,
    )


class Watchdog:
    """Closes connections whose request head or body is still arriving at its deadline (a client
    that sends a header line every few seconds would otherwise hold a thread for good)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.deadlines: dict[socket.socket, float] = {}
        self.stopped = threading.Event()
        threading.Thread(target=self._run, daemon=True, name="exportgraph-watchdog").start()

    def arm(self, sock: socket.socket, seconds: float) -> None:
        with self.lock:
            self.deadlines[sock] = time.monotonic() + seconds

    def disarm(self, sock: socket.socket) -> None:
        with self.lock:
            self.deadlines.pop(sock, None)

    def _run(self) -> None:
        while not self.stopped.wait(0.25):
            now = time.monotonic()
            with self.lock:
                late = [s for s, d in self.deadlines.items() if d < now]
                for s in late:
                    del self.deadlines[s]
            for s in late:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class Server(ThreadingHTTPServer):
    """The HTTP server: a thread per connection, at most ``app.max_connections`` of them."""

    daemon_threads = True
    app: App

    def __init__(self, address, handler, app: App) -> None:
        self.app = app
        self.slots = threading.BoundedSemaphore(app.max_connections)
        self.watchdog = Watchdog()
        super().__init__(address, handler)

    def process_request(self, request, client_address) -> None:
        if not self.slots.acquire(blocking=False):
            body = (
                f"the server is serving its maximum of {self.app.max_connections} connections; try again shortly\n"
            ).encode()
            try:
                request.sendall(
                    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    b"Retry-After: 1\r\nConnection: close\r\nContent-Length: "
                    + str(len(body)).encode()
                    + b"\r\n\r\n"
                    + body
                )
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.watchdog.disarm(request)
            self.slots.release()

    def handle_error(self, request, client_address) -> None:
        """One line, not a traceback: a client that went away is not the server's fault."""
        exc = sys.exc_info()[1]
        host = ":".join(str(x) for x in client_address) if isinstance(client_address, tuple) else client_address
        print(f"exportgraph: {host}: {type(exc).__name__}: {exc}", file=sys.stderr)

    def server_close(self) -> None:
        self.watchdog.stopped.set()
        super().server_close()


def make_server(app: App, host: str = "127.0.0.1", port: int = 7878) -> Server:
    handler = type("Handler", (Handler,), {"app": app})
    return Server((host, port), handler, app)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "exportgraph"
    disable_nagle_algorithm = True  # else a keep-alive client waits ~40 ms for each delayed ACK
    timeout = 60  # seconds a client may take to send a request; a stalled one does not hold a thread
    app: App
    server: Server
    body: bytes = b""

    def log_message(self, format, *args) -> None:  # noqa: A002 - the base class's name
        pass

    def handle_one_request(self) -> None:
        self.server.watchdog.arm(self.connection, self.app.head_timeout)  # the head must arrive by then
        try:
            super().handle_one_request()
        finally:
            self.server.watchdog.disarm(self.connection)

    def send_error(self, code, message=None, explain=None) -> None:
        """The base class's errors (a request line too long: 414; bad headers: 400) in plain text."""
        self.close_connection = True
        try:
            self._error(code, message or http.HTTPStatus(code).phrase)
        except OSError:
            pass

    def end_headers(self) -> None:
        headers = getattr(self, "headers", None)
        origin = headers.get("Origin") if headers else None
        if self.app.cors and origin:
            self.send_header("Access-Control-Allow-Origin", "*" if self.app.cors == "*" else self.app.cors)
            if self.app.cors != "*":
                self.send_header("Vary", "Origin")
        super().end_headers()

    # -- plumbing -----------------------------------------------------------------------------

    def _send(
        self, status: int, body: bytes, content_type: str = "application/json", extra: dict[str, str] | None = None
    ) -> None:
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

    def _read_body(self) -> tuple[int, str] | None:
        """Read the whole body before anything else, so a keep-alive connection never parses a body
        as the next request; the status and reason it cannot be read, or None."""
        self.body = b""
        if self.headers.get("Transfer-Encoding"):
            return 400, "send the body with a Content-Length (chunked transfer encoding is not accepted)"
        lengths = self.headers.get_all("Content-Length") or []
        if len(lengths) > 1:
            return 400, "the request has more than one Content-Length"
        raw = (lengths[0] if lengths else "0").strip()
        if not re.fullmatch(rf"[0-9]{{1,{MAX_LENGTH_DIGITS}}}", raw):
            return 400, f"Content-Length {raw[:20]!r} is not a length (ASCII digits, at most {MAX_LENGTH_DIGITS})"
        length = int(raw)
        if length > MAX_BODY:
            return 413, f"the request body is over {MAX_BODY} bytes"
        self.server.watchdog.arm(self.connection, self.app.body_timeout)
        try:
            self.body = self.rfile.read(length)
        finally:
            self.server.watchdog.disarm(self.connection)
        if len(self.body) < length:
            return 400, f"the request body is shorter than its Content-Length, or took over {self.app.body_timeout:g} s"
        return None

    def _route(self) -> None:
        problem = self._read_body()
        if problem:
            self.close_connection = True
            return self._error(*problem)
        if any(not 33 <= ord(c) <= 126 for c in self.path):
            return self._error(
                400, "the request target has a byte that is not printable ASCII; percent-encode it (RFC 3986)"
            )
        try:
            self._dispatch()
        except (NotFoundError, AmbiguousError) as exc:
            self._error(404, str(exc))
        except limits.TimeLimit as exc:
            self._error(503, str(exc))
        except TooMany as exc:
            self._error(413, str(exc))
        except (InputError, ValueError, TypeError) as exc:
            self._error(400, str(exc))
        except RecursionError:
            self._error(400, "the request is nested too deeply")
        except Exception as exc:  # noqa: BLE001 - a server answers; it does not drop the connection
            self._error(500, f"{type(exc).__name__}: {exc}")

    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        params = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        get = self.command in ("GET", "HEAD")
        if url.path == "/sparql":
            return self._sparql(url.query)
        if url.path == "/store":
            return self._store(url.query)
        if url.path == "/" and get:
            return self._send(200, PAGE.encode(), "text/html; charset=utf-8")
        if url.path == "/openapi.json" and get:
            return self._json(openapi(self.app))
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

    do_PUT = do_DELETE = do_PATCH = _not_allowed

    def do_OPTIONS(self) -> None:  # noqa: N802 - the base class's naming
        """A CORS preflight, when --cors allows the origin; 405 otherwise."""
        if not (self.app.cors and self.headers.get("Origin")):
            return self._not_allowed()
        if self._read_body():
            self.close_connection = True
        self.send_response(204)
        self.send_header("Access-Control-Allow-Methods", "GET, POST, HEAD, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Accept, Content-Type, Authorization")
        self.send_header("Access-Control-Max-Age", "600")
        self.send_header("Content-Length", "0")
        self.end_headers()

    # -- SPARQL --------------------------------------------------------------------------------

    def _sparql(self, query_string: str) -> None:
        body = self._body() if self.command == "POST" else b""
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        form = parse_qs(query_string)
        if ctype == "application/x-www-form-urlencoded":
            form.update(parse_qs(body.decode("utf-8", errors="replace")))
        is_update = "update" in form or ctype == "application/sparql-update"
        if is_update:
            return self._update(body, ctype, query_string, form)
        if self.command == "POST" and ctype not in ("application/sparql-query", "application/x-www-form-urlencoded"):
            return self._error(415, "POST a query as application/sparql-query or as a form (query=...)")
        texts = form.get("query", [])
        if self.command == "POST" and ctype == "application/sparql-query":
            texts = [body.decode("utf-8", errors="replace")]
        for text in texts:
            refused = outbound(text, allowed=self.app.allow_service)
            if refused:
                return self._error(400, refused)
        headers = {k: self.headers[k] for k in FORWARD_HEADERS if self.headers.get(k)}
        if self.command == "POST" and ctype == "application/sparql-query":
            path = "/query" + (f"?{query_string}" if query_string else "")
            status, out, data = self.app.pool.forward("POST", path, body, headers, self._deadline())
        elif self.command == "POST":
            status, out, data = self.app.pool.forward("POST", "/query", body, headers, self._deadline())
        elif "query" in form:  # sent on as a form: a long query never meets the engine's header limit
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            status, out, data = self.app.pool.forward(
                "POST", "/query", query_string.encode("ascii"), headers, self._deadline()
            )
        else:
            return self._send(200, SERVICE_DESCRIPTION.encode(), "text/turtle; charset=utf-8")
        self._send(status, data, out.get("Content-Type", out.get("content-type", "text/plain")))

    def _deadline(self) -> float:
        return time.monotonic() + self.app.timeout

    def _update(self, body: bytes, ctype: str, query_string: str, form: dict[str, list[str]]) -> None:
        if not self.app.allow_update:
            return self._error(
                403, "SPARQL Update is disabled on this server; start it with --allow-update and --token to allow it"
            )
        if not hmac.compare_digest(self.headers.get("Authorization", "").encode(), f"Bearer {self.app.token}".encode()):
            return self._error(401, "SPARQL Update needs Authorization: Bearer TOKEN")
        if self.command != "POST":
            return self._error(405, "SPARQL Update must be POSTed")
        texts = (
            [body.decode("utf-8", errors="replace")] if ctype == "application/sparql-update" else form.get("update", [])
        )
        for text in texts:
            refused = outbound(text, update=True, allowed=self.app.allow_service)
            if refused:
                return self._error(400, refused)
        headers = {"Content-Type": self.headers.get("Content-Type") or ctype}
        path = "/update" + (f"?{query_string}" if query_string else "")
        status, out, data = self.app.pool.forward("POST", path, body, headers, self._deadline())
        self._send(status, data, out.get("Content-Type", "text/plain"))

    def _store(self, query_string: str) -> None:
        """The read-only Graph Store Protocol: GET or HEAD /store?default or /store?graph=IRI."""
        if self.command not in ("GET", "HEAD"):
            return self._error(405, "the graph store is read-only here: GET /store?default or /store?graph=IRI")
        form = parse_qs(query_string, keep_blank_values=True)
        if set(form) - {"default", "graph"} or len(form) != 1 or len(form.get("graph", [""])) != 1:
            return self._error(400, "GET /store?default or /store?graph=IRI (one of them)")
        headers = {k: self.headers[k] for k in ("Accept",) if self.headers.get(k)}
        status, out, data = self.app.pool.forward("GET", f"/store?{query_string}", None, headers, self._deadline())
        self._send(status, data, out.get("Content-Type", out.get("content-type", "text/plain")))

    # -- named queries and jobs ----------------------------------------------------------------

    def _job(self):
        """The time limit every job runs under."""
        return limits.deadline(self.app.job_timeout)

    def _queries(self) -> None:
        self._json(
            [
                {
                    "name": n,
                    "summary": q.summary,
                    "source": q.source,
                    "returns": list(q.returns),
                    "params": [
                        {"name": p.name, "type": p.type, "example": p.example, "required": p.required} for p in q.params
                    ],
                    "text": q.text,
                }
                for n, q in sorted(self.app.graph.queries.items())
            ]
        )

    def _named(self, name: str, params: dict[str, str]) -> None:
        if name not in self.app.graph.queries:
            raise NotFoundError(f"no query named {name!r}")
        if "as_of" in params:  # the spelling of every other call; the query's own name is asOf
            if "asOf" in params:
                raise InputError("give as_of or asOf, not both")
            params["asOf"] = params.pop("as_of")
        with self._job():
            result = self.app.graph.run_query(name, params)
        self._json(
            {"columns": list(result.columns), "rows": [{k: plain(v) for k, v in r.items()} for r in result.rows]}
        )

    def _as_of(self, params: dict[str, str]) -> dt.date | None:
        from .dates import parse_date

        return parse_date(params["as_of"], column="as_of") if params.get("as_of") else None

    def _check(self, params: dict[str, str]) -> None:
        body = self._body()
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        as_of = self._as_of(params)
        if ctype == "application/json":
            orders = _orders_json(body, self.app.max_orders)
            with self._job(), self._orders_lock():
                verdicts = self.app.graph.check(orders, as_of=as_of)
        elif ctype in ("text/csv", "text/plain", ""):
            _count_csv_rows(body, self.app.max_orders)
            with tempfile.NamedTemporaryFile(suffix=".csv") as fh, self._job(), self._orders_lock():
                fh.write(body)
                fh.flush()
                try:
                    verdicts = self.app.graph.check(fh.name, as_of=as_of)
                except InputError as exc:
                    raise InputError(str(exc).replace(fh.name, "request body")) from None
        else:
            raise InputError("POST orders as text/csv (the check columns) or application/json (a list of objects)")
        self._json([v.to_dict() for v in verdicts])

    def _orders_lock(self):
        """The graph of orders, which two checks cannot share; waiting counts against the time limit."""
        app = self.app

        class Held:
            def __enter__(self):
                left = limits.remaining()
                if not app.orders.acquire(timeout=max(0.0, left) if left is not None else -1):
                    raise limits.TimeLimit(
                        f"another check held the graph of orders past the time limit of "
                        f"{app.job_timeout:g} s; try again"
                    )

            def __exit__(self, *exc):
                app.orders.release()

        return Held()

    def _screen(self, params: dict[str, str]) -> None:
        names = _names_json(self._body(), self.app.max_names)
        try:
            threshold = int(params["threshold"]) if params.get("threshold") else None
        except ValueError:
            raise InputError(f"threshold {params['threshold']!r} is not a whole number") from None
        with self._job():
            results = self.app.graph.screen(names, threshold=threshold, as_of=self._as_of(params))
        self._json([screening_json(r) for r in results])

    def _exposure(self, params: dict[str, str]) -> None:
        if not params.get("name"):
            raise InputError("GET /exposure?name=NAME_OR_IRI[&as_of=YYYY-MM-DD]")
        with self._job():
            e = self.app.graph.exposure(params["name"], self._as_of(params))
        self._json(exposure_json(e))


class TooMany(ExportGraphError):
    """More items in one request than the server takes (413)."""


MAX_JSON_DEPTH = 8  # the jobs take a list of objects of scalars: anything deeper is refused before parsing
_JSON_TYPES = {
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "true or false",
    type(None): "null",
    list: "a list",
    dict: "an object",
}


def _json_depth_ok(body: bytes) -> bool:
    """Whether brackets outside strings nest at most MAX_JSON_DEPTH deep (checked before parsing,
    so that a body of 20,000 '[' is a 400, not a RecursionError)."""
    depth = 0
    for m in re.finditer(rb'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]', body):
        tok = m.group()
        if tok in (b"[", b"{"):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return False
        elif tok in (b"]", b"}"):
            depth -= 1
    return True


def _json_list(body: bytes, what: str) -> list:
    if not _json_depth_ok(body):
        raise InputError(f"the request body nests lists or objects over {MAX_JSON_DEPTH} deep; POST a list of {what}")

    def constant(name: str):
        raise InputError(f"the request body has {name}, which is not a JSON number")

    try:
        value = json.loads(body or b"null", parse_constant=constant)
    except ValueError as exc:
        raise InputError(f"the request body is not JSON: {exc}") from None
    if not isinstance(value, list):
        raise InputError(f"POST a JSON list of {what}")
    return value


def _kind(value) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _orders_json(body: bytes, cap: int) -> list[dict[str, str]]:
    """A JSON list of orders: objects whose values are strings or numbers (as the CSV's cells)."""
    value = _json_list(body, "orders")
    if len(value) > cap:
        raise TooMany(
            f"{len(value)} orders in one request; this server checks at most {cap} (--max-orders): send them in parts"
        )
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise InputError(f"order {i}: {_kind(item)}; expected an object with the check columns")
        row = {}
        for k, v in item.items():
            if isinstance(v, bool) or not isinstance(v, (str, int, float, type(None))):
                raise InputError(f"order {i}, field {k!r}: {_kind(v)}; expected a string")
            row[k] = "" if v is None else str(v)
        out.append(row)
    return out


def _names_json(body: bytes, cap: int) -> list:
    """A JSON list of names: strings, or objects with string ``name``, ``country`` and ``id``."""
    value = _json_list(body, "names")
    if len(value) > cap:
        raise TooMany(
            f"{len(value)} names in one request; this server screens at most {cap} (--max-names): send them in parts"
        )
    for i, item in enumerate(value):
        if isinstance(item, dict):
            for k, v in item.items():
                if not isinstance(v, (str, type(None))):
                    raise InputError(f"name {i}, field {k!r}: {_kind(v)}; expected a string")
        elif not isinstance(item, str):
            raise InputError(f"name {i}: {_kind(item)}; expected a string or an object with a name")
    return value


def _count_csv_rows(body: bytes, cap: int) -> None:
    """Refuse an orders CSV of more rows than the cap before any work (the header is not an order)."""
    import csv
    import io

    try:
        rows = sum(1 for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) if any(c.strip() for c in row))
    except (UnicodeDecodeError, csv.Error):
        return  # the reader that checks reports it, with the line
    if rows - 1 > cap:
        raise TooMany(
            f"{rows - 1} orders in one request; this server checks at most {cap} (--max-orders): send them in parts"
        )


_PARAM_SCHEMA = {
    "iri": {"type": "string", "format": "iri"},
    "date": {"type": "string", "format": "date"},
    "integer": {"type": "integer"},
    "decimal": {"type": "number"},
}


def openapi(app: App) -> dict:
    """An OpenAPI 3.1 description of the jobs, the named queries and the SPARQL endpoint."""
    from . import __version__

    text = {"text/plain": {"schema": {"type": "string"}}}

    def answers(ok: str, *extra: int) -> dict:
        out = {
            "200": {"description": ok},
            "400": {"description": "bad input; the message names the place", "content": text},
        }
        notes = {
            404: "no such party or query",
            413: "more items than the server's cap (the cap is in the message)",
            503: f"stopped at the time limit ({app.job_timeout:g} s for jobs, {app.timeout:g} s for SPARQL)",
        }
        for code in extra:
            out[str(code)] = {"description": notes[code], "content": text}
        return out

    as_of = {
        "name": "as_of",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "format": "date"},
        "description": "the day the answer is for (default: today, or each order's date)",
    }
    paths: dict = {
        "/check": {
            "post": {
                "summary": "verdicts for orders (the CLI's `check --format json`)",
                "parameters": [as_of],
                "requestBody": {
                    "required": True,
                    "content": {
                        "text/csv": {"schema": {"type": "string", "description": "the check columns (README)"}},
                        "application/json": {
                            "schema": {
                                "type": "array",
                                "maxItems": app.max_orders,
                                "items": {
                                    "type": "object",
                                    "additionalProperties": {"type": ["string", "number", "null"]},
                                },
                            }
                        },
                    },
                },
                "responses": answers("a list of verdicts", 413, 503),
            }
        },
        "/screen": {
            "post": {
                "summary": "names screened against every name and alias (the CLI's `screen --format json`)",
                "parameters": [
                    as_of,
                    {
                        "name": "threshold",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "integer", "minimum": 0, "maximum": 100},
                    },
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "array",
                                "maxItems": app.max_names,
                                "items": {
                                    "oneOf": [
                                        {"type": "string"},
                                        {
                                            "type": "object",
                                            "properties": {
                                                "name": {"type": "string"},
                                                "country": {"type": "string"},
                                                "id": {"type": "string"},
                                            },
                                        },
                                    ]
                                },
                            }
                        }
                    },
                },
                "responses": answers("a list of screenings", 413, 503),
            }
        },
        "/exposure": {
            "get": {
                "summary": "an organisation's owners, subsidiaries and standing under the 50% rule",
                "parameters": [{"name": "name", "in": "query", "required": True, "schema": {"type": "string"}}, as_of],
                "responses": answers("the exposure (the CLI's `exposure --format json`)", 404, 503),
            }
        },
        "/queries": {
            "get": {
                "summary": "the named queries with their parameters and text",
                "responses": {"200": {"description": "a list of queries"}},
            }
        },
        "/sparql": {
            "get": {
                "summary": "SPARQL 1.1 Protocol (read-only; SERVICE refused)",
                "parameters": [{"name": "query", "in": "query", "required": False, "schema": {"type": "string"}}],
                "responses": answers("results in the negotiated format", 413, 503),
            },
            "post": {
                "summary": "SPARQL 1.1 Protocol: a query as application/sparql-query or a form",
                "responses": answers("results in the negotiated format", 413, 503),
            },
        },
        "/store": {
            "get": {
                "summary": "SPARQL 1.1 Graph Store Protocol, read-only",
                "parameters": [
                    {
                        "name": "default",
                        "in": "query",
                        "required": False,
                        "allowEmptyValue": True,
                        "schema": {"type": "string"},
                    },
                    {"name": "graph", "in": "query", "required": False, "schema": {"type": "string", "format": "iri"}},
                ],
                "responses": answers("the graph in the negotiated RDF format", 413, 503),
            }
        },
    }
    for name, q in sorted(app.graph.queries.items()):
        paths[f"/queries/{name}"] = {
            "get": {
                "summary": q.summary,
                "operationId": "query-" + re.sub(r"[^A-Za-z0-9]+", "-", name),
                "parameters": [
                    {
                        "name": p.name,
                        "in": "query",
                        "required": p.required,
                        "schema": {
                            **_PARAM_SCHEMA.get(p.type, {"type": "string"}),
                            **({"examples": [p.example]} if p.example else {}),
                        },
                    }
                    for p in q.params
                ],
                "responses": answers("columns and rows", 404, 503),
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "exportgraph",
            "version": __version__,
            "description": "Jobs and named queries over a knowledge graph of AI-chip export controls.",
        },
        "paths": paths,
    }


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
