"""A small real-browser harness over the Chrome DevTools Protocol, for testing the HTML picture.

Selenium and Playwright download their own browsers; this drives the system's headless Chromium
directly over a loopback websocket (``websocket-client``). Every wait has a deadline, so a hung
browser fails the test instead of hanging the run; the process group and its profile are removed
on exit.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import websocket

CANDIDATES = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome")
KEPT_EVENTS = {"Page.loadEventFired", "Runtime.exceptionThrown"}


class BrowserError(RuntimeError):
    """The browser failed, timed out or reported an error."""


class BrowserUnavailable(BrowserError):
    """No Chromium binary was found."""


def find_chromium() -> str | None:
    return next((path for name in CANDIDATES if (path := shutil.which(name))), None)


class Browser:
    """One headless Chromium with one page: ``with Browser() as b: b.open(path); b.eval("1 + 1")``."""

    def __init__(self, binary: str | None = None, *, timeout: float = 20.0, width: int = 1280, height: int = 900):
        self.binary = binary or find_chromium()
        if not self.binary:
            raise BrowserUnavailable(f"no Chromium found on PATH (looked for {', '.join(CANDIDATES)})")
        self.timeout = timeout
        self.size = (width, height)
        self._proc: subprocess.Popen | None = None
        self._ws: websocket.WebSocket | None = None
        self._tmp: Path | None = None
        self._log = None
        self._id = 0
        self._events: list[dict] = []

    def __enter__(self) -> Browser:
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> None:
        self._tmp = Path(tempfile.mkdtemp(prefix="exportgraph-chromium-"))
        profile = self._tmp / "profile"
        self._log = open(self._tmp / "chromium.log", "wb")
        self._proc = subprocess.Popen(
            [
                self.binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--remote-debugging-port=0",
                f"--user-data-dir={profile}",
                f"--window-size={self.size[0]},{self.size[1]}",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + self.timeout
        port = self._wait_port(profile / "DevToolsActivePort", deadline)
        url = self._page_socket(port, deadline)
        self._ws = websocket.create_connection(url, timeout=self.timeout, suppress_origin=True)
        self.send("Page.enable")
        self.send("Runtime.enable")
        width, height = self.size
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )

    def _failed(self, what: str) -> BrowserError:
        tail = (self._tmp / "chromium.log").read_text(errors="replace")[-2000:] if self._tmp else ""
        return BrowserError(f"{what}; chromium said:\n{tail}")

    def _wait_port(self, path: Path, deadline: float) -> int:
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise self._failed(f"chromium exited with status {self._proc.returncode}")
            lines = path.read_text().splitlines() if path.exists() else []
            if lines and lines[0].isdigit():
                return int(lines[0])
            time.sleep(0.05)
        raise self._failed(f"chromium did not open a DevTools port within {self.timeout} s")

    def _page_socket(self, port: int, deadline: float) -> str:
        no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        while time.monotonic() < deadline:
            try:
                with no_proxy.open(f"http://127.0.0.1:{port}/json", timeout=2) as reply:
                    targets = json.load(reply)
            except OSError:
                targets = []
            pages = [t for t in targets if t.get("type") == "page" and t.get("webSocketDebuggerUrl")]
            if pages:
                return pages[0]["webSocketDebuggerUrl"]
            time.sleep(0.05)
        raise self._failed(f"chromium listed no page target within {self.timeout} s")

    def _receive(self, deadline: float, waiting_for: str) -> dict:
        left = deadline - time.monotonic()
        if left <= 0:
            raise BrowserError(f"timed out after {self.timeout} s waiting for {waiting_for}")
        self._ws.settimeout(left)
        try:
            return json.loads(self._ws.recv())
        except websocket.WebSocketTimeoutException:
            raise BrowserError(f"timed out after {self.timeout} s waiting for {waiting_for}") from None
        except (websocket.WebSocketException, OSError) as e:
            raise self._failed(f"lost the DevTools connection waiting for {waiting_for}: {e}") from e

    def send(self, method: str, params: dict | None = None) -> dict:
        """Sends one DevTools command and returns its result, keeping the events that arrive meanwhile."""
        self._id += 1
        call = self._id
        self._ws.send(json.dumps({"id": call, "method": method, "params": params or {}}))
        deadline = time.monotonic() + self.timeout
        while True:
            message = self._receive(deadline, method)
            if message.get("id") == call:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error'].get('message')}")
                return message.get("result", {})
            if message.get("method") in KEPT_EVENTS:
                self._events.append(message)

    def _wait_event(self, name: str) -> dict:
        deadline = time.monotonic() + self.timeout
        while True:
            for i, event in enumerate(self._events):
                if event["method"] == name:
                    return self._events.pop(i)
            message = self._receive(deadline, name)
            if message.get("method") in KEPT_EVENTS:
                self._events.append(message)

    def open(self, target: str | os.PathLike) -> None:
        """Loads a URL or a local file and waits for its load event."""
        url = target if isinstance(target, str) and "://" in target else Path(target).resolve().as_uri()
        self._events.clear()
        result = self.send("Page.navigate", {"url": url})
        if result.get("errorText"):
            raise BrowserError(f"could not open {url}: {result['errorText']}")
        self._wait_event("Page.loadEventFired")

    def eval(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression in the page (promises are awaited)."""
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise BrowserError(details.get("exception", {}).get("description") or details.get("text"))
        return result["result"].get("value")

    def errors(self) -> list[str]:
        """Uncaught JavaScript exceptions seen since the last ``open``."""
        return [
            e["params"]["exceptionDetails"].get("exception", {}).get("description")
            or e["params"]["exceptionDetails"].get("text", "")
            for e in self._events
            if e["method"] == "Runtime.exceptionThrown"
        ]

    def _mouse(self, kind: str, x: float, y: float, **extra: Any) -> None:
        self.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, **extra})

    def click(self, x: float, y: float) -> None:
        """A real left click at viewport coordinates (CSS pixels)."""
        self._mouse("mouseMoved", x, y)
        self._mouse("mousePressed", x, y, button="left", buttons=1, clickCount=1)
        self._mouse("mouseReleased", x, y, button="left", buttons=0, clickCount=1)

    def drag(self, x0: float, y0: float, x1: float, y1: float, steps: int = 5) -> None:
        """Presses the left button at (x0, y0), moves to (x1, y1) and releases."""
        self._mouse("mouseMoved", x0, y0)
        self._mouse("mousePressed", x0, y0, button="left", buttons=1, clickCount=1)
        for i in range(1, steps + 1):
            self._mouse("mouseMoved", x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps, button="left", buttons=1)
        self._mouse("mouseReleased", x1, y1, button="left", buttons=0, clickCount=1)

    def wheel(self, x: float, y: float, delta_y: float) -> None:
        """A mouse-wheel turn at (x, y); negative ``delta_y`` scrolls up."""
        self._mouse("mouseMoved", x, y)
        self._mouse("mouseWheel", x, y, deltaX=0, deltaY=delta_y)

    def screenshot(self, path: str | os.PathLike) -> Path:
        """Saves a PNG of the viewport."""
        path = Path(path)
        path.write_bytes(base64.b64decode(self.send("Page.captureScreenshot", {"format": "png"})["data"]))
        return path

    def close(self) -> None:
        if self._ws is not None:
            try:
                self._ws.close()
            except (websocket.WebSocketException, OSError):
                pass
            self._ws = None
        if self._proc is not None:
            # SIGKILL after the grace period also reaps helper processes the browser left behind.
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.killpg(self._proc.pid, sig)
                except ProcessLookupError:
                    pass
                try:
                    self._proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass
            self._proc = None
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None
