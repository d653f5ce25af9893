"""Shared fixtures: the real data, copies of it in tmp_path, small fixture repos, a fixed date."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cap.cli import app

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SOURCE = Path(__file__).resolve().parent / "source-norfolk-scr-composite-action-plan-2017-01.txt"
#: A fixed as-of date for tests: no test may depend on the real date.
AS_OF = dt.date(2017, 7, 1)


#: The system's temporary folder, before the suite moves it (`_private_temp_folder`).
SYSTEM_TEMP = Path(tempfile.gettempdir())


@pytest.fixture(autouse=True, scope="session")
def _private_temp_folder(tmp_path_factory):
    """Everything the suite and the cap processes it starts put in "the system's temporary
    folder" (the write locks, cap-*.lock, one per data folder) goes into a folder of the
    session's own, which pytest removes: the suite leaves nothing in the real one."""
    folder = tmp_path_factory.mktemp("system-temp")
    saved = {name: os.environ.get(name) for name in ("TMPDIR", "TEMP", "TMP")}
    os.environ.update(TMPDIR=str(folder), TEMP=str(folder), TMP=str(folder))
    tempfile.tempdir = str(folder)
    yield folder
    tempfile.tempdir = None
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(autouse=True)
def _stable_environment(monkeypatch, tmp_path_factory):
    """Same terminal width, no colour, and no data folder from the environment."""
    monkeypatch.setenv("COLUMNS", "160")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("CAP_DATA", raising=False)
    monkeypatch.delenv("CAP_DEBUG", raising=False)
    # The load cache of every test (and of the cap processes it starts) in its own folder.
    monkeypatch.setenv("CAP_CACHE_DIR", str(tmp_path_factory.mktemp("cap-cache")))
    # ... and the secret that seals its entries in a folder of the session's own (never the
    # user's configuration folder, never beside the cache).
    monkeypatch.setenv("CAP_CACHE_KEY_FILE", str(tmp_path_factory.getbasetemp() / "cap-cache.key"))
    monkeypatch.delenv("CAP_CACHE_KEY", raising=False)
    monkeypatch.delenv("CAP_NO_CACHE", raising=False)


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write {relative path: text or bytes} under root; returns root."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A writable copy of the real data folder: tmp_path/data."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


MINIMAL_THEMES = """\
themes:
- id: curiosity
  number: 1
  title: Professional curiosity
  aliases:
  - professional-curiosity
- id: accountability
  number: 4
  title: 'Ownership and accountability: management grip'
"""

MINIMAL_SCRS = """\
scrs:
- id: A
  title: Case A
"""


def action_yaml(ref: str = "1.1", **fields: str) -> str:
    """A small valid action file; keyword fields replace lines (raw YAML values)."""
    values = {
        "ref": f"'{ref}'",
        "theme": "curiosity",
        "scrs": "[A]",
        "all_scrs": "false",
        "action": "Do the thing.",
        "lead": "[NSCB]",
        "target_date": "2017-06-01",
        "status": "open",
        "progress": "[]",
    }
    values.update(fields)
    return "".join(f"{k}: {v}\n" for k, v in values.items() if v is not None)


@pytest.fixture
def small_data(tmp_path) -> Path:
    """A tiny valid data folder with two themes, one SCR and one action (1.1)."""
    return write_files(
        tmp_path,
        {
            "data/themes.yaml": MINIMAL_THEMES,
            "data/scrs.yaml": MINIMAL_SCRS,
            "data/actions/1.1.yaml": action_yaml(),
        },
    ) / "data"


class Cap:
    """Run `cap` in-process through Typer's CliRunner."""

    def __init__(self, data: Path | None = None):
        self.runner = CliRunner()
        self.data = data

    def __call__(self, *args: str, data: Path | None = None, input: str | None = None):
        folder = data or self.data
        prefix = ["--data", str(folder)] if folder is not None else []
        return self.runner.invoke(app, [*prefix, *args], input=input, catch_exceptions=False)


@pytest.fixture
def cap() -> Cap:
    """`cap(...)` against the real data folder."""
    return Cap(DATA)


def pytest_collection_modifyitems(config, items):
    """On Windows, the tests marked `posix` (named pipes, links, resource limits, a pty) skip."""
    if os.name != "nt":
        return
    skip = pytest.mark.skip(reason="POSIX only: a named pipe, a link, a resource limit or a pty")
    for item in items:
        if item.get_closest_marker("posix"):
            item.add_marker(skip)


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden", action="store_true", default=False,
        help="Rewrite the report golden files in tests/golden/ (and docs/report.png) from the current output.",
    )


@pytest.fixture
def fixed_today(monkeypatch) -> dt.date:
    """`cap.dates.today()` is AS_OF (2017-07-01) for commands that default to today."""
    import cap.dates

    monkeypatch.setattr(cap.dates, "today", lambda: AS_OF)
    return AS_OF
