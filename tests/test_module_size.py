"""No module of cap over 700 lines: a module that grows past it is split by concern
(as cap/loader.py gave cap/modelproblems.py, and cap/checks.py gave cap/filechecks.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

CAP = Path(__file__).resolve().parent.parent / "cap"
MOST = 700


def modules() -> list[Path]:
    return sorted(CAP.rglob("*.py"))


def test_there_are_modules_to_measure():
    assert len(modules()) > 20 and CAP / "loader.py" in modules() and CAP / "cli" / "__init__.py" in modules()


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(CAP.parent)))
def test_no_module_is_over_700_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MOST, (
        f"{path.relative_to(CAP.parent)} has {lines} lines (at most {MOST}): split it by concern "
        "into a well-named module of its own"
    )
