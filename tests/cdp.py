"""Headless Chromium driven through the DevTools protocol over a pipe, with no Python dependency.

    with Browser(exe, profile) as browser:
        page = browser.open(path)              # waits for the load event
        page.problems()                         # console errors, exceptions, failed requests
        page.evaluate("document.title")

Chromium started with `--remote-debugging-pipe` reads protocol messages (JSON, each
ended by a NUL byte) on its file descriptor 3 and writes on 4. Everything a page logs
or fails to load is collected from the protocol's events: `Runtime.consoleAPICalled`,
`Runtime.exceptionThrown`, `Log.entryAdded` (CSP refusals, failed loads) and
`Network.loadingFailed`.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import time
from pathlib import Path
from typing import Any

from tests.chromium import FLAGS, environment, home


class ProtocolError(AssertionError):
    pass


class Browser:
    def __init__(self, exe: str, profile: Path | None = None, size: tuple[int, int] = (1280, 900)):
        if os.name != "posix":  # (fds 3 and 4 and preexec_fn are Unix only; the other browser tests run)
            import pytest

            pytest.skip("the DevTools pipe needs Unix file descriptors")
        import fcntl

        # Its profile, HOME and temporary folder in a short folder of its own (tests/chromium.py:
        # `home`; `profile` is not used): a long TMPDIR would leave Chromium no room for its socket.
        self._home = home()
        folder = self._home.__enter__()
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def wire() -> None:  # in the child: the pipe ends on fds 3 and 4 (moved out of the way first)
            high_r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
            high_w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        flags = [f for f in FLAGS if not f.startswith(("--enable-logging", "--v="))]
        self.proc = subprocess.Popen(
            [exe, *flags, "--remote-debugging-pipe", f"--user-data-dir={folder / 'profile'}",
             f"--window-size={size[0]},{size[1]}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=wire, pass_fds=(3, 4),
            env=environment(folder),
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    # ---------------------------------------------------------------- the wire

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ProtocolError("chromium did not answer in time")
            ready, _, _ = select.select([self._from_chrome], [], [], left)
            if ready:
                chunk = os.read(self._from_chrome, 1 << 16)
                if not chunk:
                    raise ProtocolError("chromium closed the pipe")
                self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(raw)

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = 60) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise ProtocolError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, method: str, session: str, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        for i, event in enumerate(self.events):
            if event.get("method") == method and event.get("sessionId") == session:
                return self.events.pop(i)
        while True:
            message = self._read_message(deadline)
            if message.get("method") == method and message.get("sessionId") == session:
                return message
            if "method" in message:
                self.events.append(message)

    def pump(self, seconds: float) -> None:
        """Collect events for a moment (late console messages, late failed loads)."""
        deadline = time.monotonic() + seconds
        try:
            while True:
                message = self._read_message(deadline)
                if "method" in message:
                    self.events.append(message)
        except ProtocolError:
            pass

    # ---------------------------------------------------------------- pages

    def open(self, path: Path | str) -> "Tab":
        url = path if isinstance(path, str) else Path(path).resolve().as_uri()
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=session)
        tab = Tab(self, target, session)
        tab.navigate(url)
        return tab

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=10)
        except (ProtocolError, OSError):
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._to_chrome, self._from_chrome):
            try:
                os.close(fd)
            except OSError:
                pass
        self._home.__exit__(None, None, None)

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Tab:
    def __init__(self, browser: Browser, target: str, session: str):
        self.browser = browser
        self.target = target
        self.session = session

    def navigate(self, url: str) -> None:
        self.browser.events = [e for e in self.browser.events if e.get("sessionId") != self.session]
        self.send("Page.navigate", {"url": url})
        self.browser.wait_for("Page.loadEventFired", self.session)
        self.browser.pump(0.2)

    def send(self, method: str, params: dict | None = None) -> dict[str, Any]:
        return self.browser.send(method, params, self.session)

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                 "awaitPromise": True})
        if "exceptionDetails" in result:
            raise ProtocolError(f"{expression[:60]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def type(self, selector: str, text: str) -> None:
        """Focus a field and type into it, as a person would (input events fire)."""
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        for char in text:
            self.send("Input.dispatchKeyEvent", {"type": "keyDown", "text": char, "key": char,
                                                 "unmodifiedText": char})
            self.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": char})

    def problems(self) -> list[str]:
        """Console messages, exceptions, refused or failed loads, since the page was opened."""
        self.browser.pump(0.1)
        found = []
        for event in self.browser.events:
            if event.get("sessionId") != self.session:
                continue
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.consoleAPICalled":
                found.append(f"console.{params['type']}: "
                             + " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"]))
            elif method == "Runtime.exceptionThrown":
                found.append(f"exception: {params['exceptionDetails'].get('text')}")
            elif method == "Log.entryAdded":
                entry = params["entry"]
                found.append(f"log {entry['level']} ({entry['source']}): {entry['text']} {entry.get('url', '')}")
            elif method == "Network.loadingFailed":
                found.append(f"failed request: {params.get('errorText')} {params.get('blockedReason', '')}")
        return found
