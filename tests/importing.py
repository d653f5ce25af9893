"""What the import tests share: a fresh `cap init` plan to import into, and `cap import`
run on it with a fixed progress date (so that no entry is dated today)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cap


@pytest.fixture
def repo(tmp_path) -> Path:
    assert Cap()("init", str(tmp_path / "repo")).exit_code == 0
    return tmp_path / "repo" / "data"


def run(data: Path, source: Path, *args: str):
    return Cap(data)("import", str(source), "--progress-date", "2017-01-31", *args)
