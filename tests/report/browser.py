"""Open a page in headless Chromium with the network off, over the DevTools protocol on a
pipe (`--remote-debugging-pipe`: no websocket library, no chromedriver), and report what
happened: console errors, uncaught exceptions, attempted network requests, a JavaScript
value, and a full-page screenshot."""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--no-default-browser-check",
    "--disable-extensions", "--disable-sync", "--mute-audio", "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # no name resolves: the network is off
    "--remote-debugging-pipe",
]


def find_chromium() -> str | None:
    """The Chromium executable on PATH, if any."""
    return next((p for name in CANDIDATES if (p := shutil.which(name))), None)


@dataclass
class PageResult:
    """What loading a page produced."""

    console_errors: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    value: Any = None


class _Pipe:
    """DevTools messages over Chromium's fd 3 (commands in) and fd 4 (events out)."""

    def __init__(self, executable: str, profile: str) -> None:
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def wire() -> None:  # in the child: the pipe ends become fds 3 and 4
            # Move both ends above 3 and 4 first, so neither dup2 clobbers the other.
            high_r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD_CLOEXEC, 10)
            high_w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD_CLOEXEC, 10)
            os.dup2(high_r, 3)  # dup2 clears close-on-exec: Chromium inherits 3 and 4
            os.dup2(high_w, 4)

        self.proc = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            close_fds=False, preexec_fn=wire,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = 30) -> dict[str, Any]:
        """Send a command and wait for its result (events meanwhile are kept)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method,
                                   "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 30) -> dict[str, Any]:
        """Wait for an event (or find it among those already received)."""
        for event in self.events:
            if event.get("method") == method:
                return event
        deadline = time.monotonic() + timeout
        while True:
            event = self._read(deadline)
            self.events.append(event)
            if event.get("method") == method:
                return event

    def _read(self, deadline: float) -> dict[str, Any]:
        import select

        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_chrome], [], [], left)[0]:
                raise TimeoutError("no answer from Chromium")
            chunk = os.read(self._from_chrome, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def close(self) -> None:
        """Close the browser and the pipes."""
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            self.send("Browser.close", timeout=5)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_chrome)
        os.close(self._from_chrome)


def load_page(executable: str, page: Path, screenshot: Path, expression: str,
              width: int = 1280, settle_seconds: float = 0.5) -> PageResult:
    """Open `page` offline, wait for load, evaluate `expression`, save a full-page PNG."""
    result = PageResult()
    with tempfile.TemporaryDirectory(prefix="curate-chromium-") as profile:
        pipe = _Pipe(executable, profile)
        try:
            target = pipe.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = pipe.send("Target.attachToTarget",
                                {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Page", "Runtime", "Log", "Network"):
                pipe.send(f"{domain}.enable", session=session)
            pipe.send("Network.emulateNetworkConditions", {
                "offline": True, "latency": 0, "downloadThroughput": -1,
                "uploadThroughput": -1}, session=session)
            pipe.send("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False},
                session=session)
            pipe.send("Page.navigate", {"url": page.resolve().as_uri()}, session=session)
            pipe.wait_for("Page.loadEventFired", timeout=60)
            time.sleep(settle_seconds)  # plotly draws after load; let resizes settle
            value = pipe.send("Runtime.evaluate", {"expression": expression,
                                                   "returnByValue": True}, session=session)
            result.value = value.get("result", {}).get("value")
            # Grow the viewport to the whole page first: capturing beyond the viewport
            # resizes the window mid-capture, and plotly redraws while being captured.
            height = pipe.send("Runtime.evaluate", {
                "expression": "document.documentElement.scrollHeight",
                "returnByValue": True}, session=session)["result"]["value"]
            pipe.send("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": int(height), "deviceScaleFactor": 1,
                "mobile": False}, session=session)
            time.sleep(settle_seconds)
            shot = pipe.send("Page.captureScreenshot", {"format": "png"}, session=session)
            screenshot.write_bytes(base64.b64decode(shot["data"]))
            _collect(pipe.events, result)
        finally:
            pipe.close()
    return result


def _collect(events: list[dict[str, Any]], result: PageResult) -> None:
    """Sort the DevTools events into console errors, exceptions and network requests."""
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            result.console_errors.append(" ".join(
                str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            result.console_errors.append(params["entry"].get("text", ""))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            result.exceptions.append(
                details.get("exception", {}).get("description") or details.get("text", ""))
        elif method == "Network.requestWillBeSent":
            url = params.get("request", {}).get("url", "")
            if not url.startswith(("file:", "data:", "about:", "blob:")):
                result.requests.append(url)
