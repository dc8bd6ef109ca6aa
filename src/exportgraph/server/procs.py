"""Child processes: the Oxigraph binary, started from one long-lived thread with the parent-death
signal armed, on a free loopback port; and the temporary databases a killed server left behind."""

from __future__ import annotations

import ctypes
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import ExportGraphError

STORE_PREFIX = "exportgraph-store-"
OWNER_FILE = "owner.pid"


def _parent_death_signal() -> Callable[[], None] | None:
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

    def popen(self, args: list[str], **kwargs: Any) -> subprocess.Popen:
        done: queue.Queue = queue.Queue(maxsize=1)
        self.jobs.put((args, {**kwargs, "preexec_fn": _parent_death_signal()}, done))
        proc, exc = done.get()
        if exc is not None:
            raise exc
        return proc


_SPAWNER: _Spawner | None = None
_SPAWNER_LOCK = threading.Lock()


def spawn(args: list[str], **kwargs: Any) -> subprocess.Popen:
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
