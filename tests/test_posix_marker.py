"""The tests of what only POSIX systems have (marked `posix`) skip on Windows, where the
project's workflow also runs the suite; everywhere else they run."""

from __future__ import annotations

import tests.conftest as conftest


class _Item:
    def __init__(self, posix: bool):
        self.posix, self.markers = posix, []

    def get_closest_marker(self, name):
        return object() if name == "posix" and self.posix else None

    def add_marker(self, marker):
        self.markers.append(marker)


def test_posix_tests_skip_on_windows_only(monkeypatch):
    marked, plain = _Item(True), _Item(False)
    conftest.pytest_collection_modifyitems(None, [marked, plain])
    assert marked.markers == [] and plain.markers == []       # here: they run
    monkeypatch.setattr(conftest.os, "name", "nt")
    conftest.pytest_collection_modifyitems(None, [marked, plain])
    assert [m.name for m in marked.markers] == ["skip"] and plain.markers == []
