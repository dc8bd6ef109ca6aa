"""The HTTP server (a thread per connection, at most ``--max-connections``), the watchdog that
closes connections whose request is too slow to arrive, and the request handler: read the body,
find the route, send what it returns, or the status the error it raised carries."""

from __future__ import annotations

import http
import re
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .app import App
from .messages import Request, Response, error_response, text_response
from .routes import find

MAX_BODY = 20_000_000  # largest request body (an orders CSV, a names list, a query)
MAX_LENGTH_DIGITS = 10


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

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], app: App) -> None:
        self.app = app
        self.slots = threading.BoundedSemaphore(app.max_connections)
        self.watchdog = Watchdog()
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
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

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.watchdog.disarm(request)
            self.slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
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

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass

    def handle_one_request(self) -> None:
        self.server.watchdog.arm(self.connection, self.app.head_timeout)  # the head must arrive by then
        try:
            super().handle_one_request()
        finally:
            self.server.watchdog.disarm(self.connection)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The base class's errors (a request line too long: 414; bad headers: 400) in plain text."""
        self.close_connection = True
        try:
            self._send(text_response(code, message or http.HTTPStatus(code).phrase))
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

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

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
            return self._send(text_response(*problem))
        if any(not 33 <= ord(c) <= 126 for c in self.path):
            return self._send(
                text_response(
                    400, "the request target has a byte that is not printable ASCII; percent-encode it (RFC 3986)"
                )
            )
        try:
            response = self._dispatch()
        except Exception as exc:  # noqa: BLE001 - a server answers; it does not drop the connection
            response = error_response(exc)
        self._send(response)

    def _dispatch(self) -> Response:
        url = urlsplit(self.path)
        params = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        route = find(self.command, url.path)
        if route is None:
            return text_response(404, f"no such resource: {self.command} {url.path}")
        return route(self.app, Request(self.command, url.path, url.query, params, self.headers, self.body))

    def do_GET(self) -> None:  # noqa: N802 - the base class's naming
        self._route()

    do_POST = do_HEAD = do_GET

    def _not_allowed(self) -> None:
        if self._read_body():
            self.close_connection = True
        self._send(text_response(405, f"{self.command} is not allowed here; use GET or POST"))

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
