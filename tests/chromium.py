"""Driving Debian's headless `chromium` from the tests, with no Python dependency.

`dump_dom` gives the DOM after the page has loaded (and any script would have run) plus
Chromium's log, in which every console message is a line holding `CONSOLE`;
`screenshot` writes a PNG, `print_pdf` a PDF; `read_png` decodes a screenshot.

Every run has a profile of its own in a fresh folder with a short path (`home`), also the
browser's HOME and temporary folder, removed after the run: Chromium keeps a Unix socket
under them, and a socket's path holds at most about 104 bytes (macOS; 108 on Linux). Under
pytest's `tmp_path` in a long `TMPDIR` (macOS's `/var/folders/...`, or any nested one) the
browser could not make it and "closed the pipe" at once.

Without a `chromium` on PATH (or `$CAP_CHROMIUM`) the tests that need it skip, except
in CI (`CI=true`), where a missing browser is a failure.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator

import pytest

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-default-apps", "--hide-scrollbars", "--mute-audio",
    "--force-device-scale-factor=1", "--force-color-profile=srgb",
    "--enable-logging=stderr", "--v=0",
)
#: `[pid:tid:time:INFO:CONSOLE:2] "message", source: file:///... (2)` (older builds: `CONSOLE(2)`).
CONSOLE = re.compile(r":CONSOLE[:(]\d*\)?\]\s*(.*)")


def find() -> str | None:
    wanted = os.environ.get("CAP_CHROMIUM")
    if wanted:
        return shutil.which(wanted) or (wanted if os.path.exists(wanted) else None)
    return next((path for path in map(shutil.which, NAMES) if path), None)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def require() -> str:
    """The browser's path; skip when there is none, unless in CI, where that fails."""
    exe = find()
    if exe is None:
        if in_ci():
            pytest.fail("chromium is not installed, and CI must run the browser tests (.ci/run installs it)")
        pytest.skip("chromium is not installed (apt-get install chromium); these tests run in CI")
    return exe


#: The most bytes of a Unix socket's path (sockaddr_un.sun_path: 104 on macOS and the BSDs, 108 on Linux).
SOCKET_PATH_MOST = 104
#: What Chromium adds under its temporary folder for its socket: `.org.chromium.Chromium.XXXXXX/SingletonSocket`.
SOCKET_TAIL = len("/.org.chromium.Chromium.XXXXXX/SingletonSocket")


def short_base() -> Path:
    """Where the browser's folders are made: `/tmp` on Unix (short on Linux and macOS alike,
    whatever `TMPDIR` says), else the system's temporary folder (Windows has no such sockets)."""
    if os.name == "posix" and os.path.isdir("/tmp") and os.access("/tmp", os.W_OK | os.X_OK):
        return Path("/tmp")
    return Path(tempfile.gettempdir())


@contextlib.contextmanager
def home() -> Iterator[Path]:
    """A fresh folder with a short path for one browser: its profile, HOME and temporary
    folder; removed afterwards, so nothing is left in /tmp."""
    folder = Path(tempfile.mkdtemp(prefix="cap-cr-", dir=short_base()))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def environment(folder: Path) -> dict[str, str]:
    """The browser's environment: ours, with HOME and the temporary folder in `folder`."""
    return {**os.environ, "HOME": str(folder), "TMPDIR": str(folder), "TEMP": str(folder), "TMP": str(folder)}


def run(exe: str, page: Path, profile: Path | None, *args: str) -> subprocess.CompletedProcess:
    """Run headless Chromium on a local page with a throwaway profile of its own (`home`).

    `profile` is not used (kept so callers written before need no change): the profile
    is made where its path is short enough on every platform.
    """
    with home() as folder:
        return subprocess.run(
            [exe, *FLAGS, f"--user-data-dir={folder / 'profile'}", *args, Path(page).resolve().as_uri()],
            capture_output=True, text=True, timeout=180, env=environment(folder),
        )


def dump_dom(exe: str, page: Path, profile: Path | None = None) -> tuple[str, list[str]]:
    """The serialised DOM after load, and the console messages logged while loading."""
    done = run(exe, page, profile, "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, console_messages(done.stderr)


def screenshot(exe: str, page: Path, png: Path, profile: Path | None, size: tuple[int, int]) -> list[str]:
    done = run(exe, page, profile, f"--screenshot={png}", f"--window-size={size[0]},{size[1]}")
    assert done.returncode == 0 and png.is_file(), done.stderr[-2000:]
    return console_messages(done.stderr)


def print_pdf(exe: str, page: Path, pdf: Path, profile: Path | None = None) -> None:
    done = run(exe, page, profile, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    assert done.returncode == 0 and pdf.is_file(), done.stderr[-2000:]


def console_messages(log: str) -> list[str]:
    return [m.group(1) for m in map(CONSOLE.search, log.splitlines()) if m]


class Page(HTMLParser):
    """A parsed DOM: every element with its attributes, each element's text, the visible text."""

    HIDDEN = {"style", "title", "script", "head", "desc"}
    VOID = {"meta", "link", "br", "img", "col", "input", "hr", "area", "base", "source", "wbr"}

    def __init__(self, dom: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.closed: list[tuple[str, dict, str]] = []   # (tag, attributes, its whole text), in closing order
        self._open: list[tuple[str, dict, list[str]]] = []
        self._visible: list[str] = []
        self.feed(dom)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self._open.append((tag, dict(attrs), []))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if any(name == tag for name, _, _ in self._open):
            while self._open:
                name, attrs, parts = self._open.pop()
                text = "".join(parts)
                self.closed.append((name, attrs, " ".join(text.split())))
                if self._open:
                    self._open[-1][2].append(text)
                if name == tag:
                    break

    def handle_data(self, data):
        if self._open:
            self._open[-1][2].append(data)
        if not self.HIDDEN & {name for name, _, _ in self._open}:
            self._visible.append(data)

    @property
    def text(self) -> str:
        """The visible text, whitespace collapsed."""
        return " ".join(" ".join(self._visible).split())

    def tags(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.elements if tag == name]

    def texts(self, tag: str, cls: str | None = None) -> list[str]:
        """The text of every `tag` element (of class `cls`), whitespace collapsed, in closing order."""
        return [text for name, attrs, text in self.closed
                if name == tag and (cls is None or cls in (attrs.get("class") or "").split())]


def read_png(path: Path) -> tuple[int, int, list[bytes]]:
    """(width, height, rows of RGB bytes) of an 8-bit, non-interlaced RGB or RGBA PNG."""
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        elif kind == b"IEND":
            break
    width, height, depth, colour, _c, _f, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, f"unsupported PNG {header}"
    channels = 3 if colour == 2 else 4
    stride = width * channels
    raw = zlib.decompress(idat)
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        previous = line
        rows.append(bytes(line) if channels == 3 else bytes(b for j in range(0, stride, 4) for b in line[j:j + 3]))
    return width, height, rows


def count_colour(rows: list[bytes], hex_colour: str) -> int:
    """How many pixels are exactly this colour (`#5b3f8c`)."""
    want = bytes.fromhex(hex_colour.lstrip("#"))
    count = 0
    for row in rows:
        at = row.find(want)
        while at != -1:
            count += at % 3 == 0
            at = row.find(want, at + 1)
    return count
