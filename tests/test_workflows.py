"""The project's own GitHub workflows: the tests on Linux, Windows and macOS, the data checked."""

from __future__ import annotations

import yaml

from tests.conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"


def test_the_suite_runs_on_three_systems_with_the_two_newest_pythons():
    workflow = yaml.safe_load((WORKFLOWS / "tests.yml").read_text(encoding="utf-8"))
    assert {"pull_request", "push"} <= set(workflow[True])  # YAML 1.1 reads the key `on` as true
    job = workflow["jobs"]["tests"]
    matrix = job["strategy"]["matrix"]
    assert sorted(matrix["os"]) == ["macos-latest", "ubuntu-latest", "windows-latest"]
    assert matrix["python-version"] == ["3.12", "3.13"]
    assert job["strategy"]["fail-fast"] is False and job["runs-on"] == "${{ matrix.os }}"
    runs = [step.get("run", "") for step in job["steps"]]
    assert "pip install -e \".[test]\"" in runs and runs[-1] == "pytest"  # the README's test command
    setup = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["python-version"] == "${{ matrix.python-version }}"


def test_the_data_check_is_still_there_and_ci_run_stays_linux():
    validate = yaml.safe_load((WORKFLOWS / "validate.yml").read_text(encoding="utf-8"))
    assert validate["jobs"]["validate"]["runs-on"] == "ubuntu-latest"
    assert "apt-get" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
