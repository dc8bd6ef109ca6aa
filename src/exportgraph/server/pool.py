"""The Oxigraph processes behind ``/sparql``: each a server on a private loopback port over the
database directory; a query still running at the time limit is stopped by killing its process."""

from __future__ import annotations

import http.client
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ExportGraphError
from .procs import free_port, oxigraph_binary, spawn

BACKEND_START = 60.0  # seconds an Oxigraph process may take to listen

Answer = tuple[int, dict[str, str], bytes]


def _text() -> dict[str, str]:
    return {"Content-Type": "text/plain; charset=utf-8"}


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

    def _stopped(self) -> Answer:
        return 503, _text(), f"the query was stopped after the server's time limit of {self.timeout:g} s".encode()

    def forward(self, method: str, path: str, body: bytes | None, headers: dict[str, str], deadline: float) -> Answer:
        """Send the request to a backend and stop it at the deadline: the whole exchange, not each
        read, must end by then. A query (never an update) is sent once more to another process
        when the one it was on went away because of another query."""
        restarting = 502, _text(), b"the SPARQL engine is restarting; try again"
        retry = not path.startswith("/update")
        for attempt in range(2 if retry else 1):
            if deadline - time.monotonic() <= 0:
                return self._stopped()  # out of time before it ran anywhere: nothing to stop
            b = self._pick()
            generation = b.generation
            try:
                return self._exchange(b, method, path, body, headers, deadline)
            except TimeoutError:
                b.drop_connection()
                threading.Thread(target=self._restart, args=(b, generation), daemon=True).start()
                return self._stopped()
            except (ConnectionError, http.client.HTTPException, OSError):
                b.drop_connection()
                if attempt == 1 or not retry:
                    return restarting
                time.sleep(0.05)
            finally:
                with self.lock:
                    b.busy -= 1
        return restarting

    def _exchange(
        self, b: Backend, method: str, path: str, body: bytes | None, headers: dict[str, str], deadline: float
    ) -> Answer:
        """One request and its whole response, read before the deadline (TimeoutError after it)."""
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
                message = f"the result is larger than the server's cap of {self.max_bytes} bytes; add a LIMIT"
                return 413, _text(), message.encode()
        out = {k: v for k, v in resp.getheaders() if k.lower() == "content-type"}
        return resp.status, out, b"".join(chunks)
