"""The browser of the tests runs whatever the temporary folder's path (tests/chromium.py: `home`).

Chromium keeps a Unix socket under its profile and temporary folders; a socket's path holds
at most about 104 bytes (macOS; 108 on Linux). Under a long TMPDIR, as macOS's
`/var/folders/...` or a nested one, a profile made under pytest's `tmp_path` left it no room,
and the browser "closed the pipe" at once.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests import chromium


@pytest.fixture
def long_temp(tmp_path, monkeypatch) -> Path:
    """A TMPDIR (and Python's temporary folder) whose path is far past any socket's room."""
    folder = tmp_path / ("t" * 60) / ("m" * 60)
    folder.mkdir(parents=True)
    assert len(str(folder)) + chromium.SOCKET_TAIL > 108
    for name in ("TMPDIR", "TEMP", "TMP"):
        monkeypatch.setenv(name, str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.mark.skipif(os.name != "posix", reason="Unix sockets: Windows's browser uses named pipes")
def test_the_browser_folder_is_short_whatever_tmpdir_says_and_is_removed(long_temp):
    with chromium.home() as folder:
        assert folder.is_dir() and not folder.is_relative_to(long_temp)
        assert len(str(folder)) + chromium.SOCKET_TAIL < chromium.SOCKET_PATH_MOST
        (folder / "profile").mkdir()
        env = chromium.environment(folder)
        assert env["TMPDIR"] == env["HOME"] == str(folder)
    assert not folder.exists()


@pytest.mark.slow
def test_the_browser_runs_under_a_long_tmpdir(long_temp, tmp_path):
    exe = chromium.require()
    page = tmp_path / "page.html"
    page.write_text("<!doctype html><title>t</title><p id=p>Hello</p><script>p.textContent += ' there'</script>",
                    encoding="utf-8")
    dom, console = chromium.dump_dom(exe, page)
    assert "Hello there" in chromium.Page(dom).text and console == []
    png = tmp_path / "page.png"
    chromium.screenshot(exe, page, png, None, (400, 300))
    assert chromium.read_png(png)[:2] == (400, 300)
    if os.name == "posix":  # the DevTools pipe (fds 3 and 4) is Unix only
        from tests import cdp

        with cdp.Browser(exe) as browser:
            assert browser.open(page).evaluate("document.getElementById('p').textContent") == "Hello there"
    assert sorted(p.name for p in long_temp.iterdir()) == []  # the browser kept nothing there
