"""The benchmark script (bench/run.py) end to end on a small plan: no timings are asserted."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

from cap.cli import app
from cap.loader import load_plan
from tests.conftest import ROOT

# Real processes end to end (the benchmark script, run once: the module fixture `results`).
pytestmark = pytest.mark.slow

SCRIPT = ROOT / "bench" / "run.py"
WHOLE_PLAN = ["list-json", "list-overdue", "list-table", "list-theme-overdue", "validate", "report-html",
              "report-xlsx", "report-docx"]
COMMANDS = [
    "baseline-import-typer", "baseline-import-stack", "baseline-pydantic-model", "baseline-typer-app", "baseline-parse",
    "help", "version",
    *WHOLE_PLAN, *(f"{name}-cold" for name in WHOLE_PLAN), "show", "progress",
]
#: The commands the benchmark may skip, and the cap subcommand each needs.
OPTIONAL = {"progress": "progress", "validate": "validate",
            **{name: "report" for name in WHOLE_PLAN if name.startswith("report-")},
            "validate-cold": "validate", **{f"{name}-cold": "report" for name in WHOLE_PLAN if name.startswith("report-")}}


def bench_module():
    spec = importlib.util.spec_from_file_location("cap_bench_run", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it runs
    spec.loader.exec_module(module)
    return module


def existing_commands() -> set[str]:
    return {c.name or c.callback.__name__ for c in app.registered_commands}


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("bench") / "results.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--sizes", "50", "--runs", "1", "--warmup", "0", "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "50 actions" in done.stdout and "baseline-parse" in done.stdout  # the printed table
    return json.loads(out.read_text("utf-8"))


def test_every_command_is_in_the_results(results):
    (size,) = results["sizes"]
    assert size["actions"] == 50
    assert [row["name"] for row in size["commands"]] == COMMANDS
    assert results["meta"]["runs"] == 1 and results["meta"]["cap"].startswith("cap ")


def test_commands_that_exist_ran_and_succeeded(results):
    have = existing_commands()
    for row in results["sizes"][0]["commands"]:
        needed = OPTIONAL.get(row["name"])
        if needed is None or needed in have:
            assert row["status"] == "ok", row
        else:
            assert row["status"] == "skipped" and needed in row["note"], row


def test_numbers_are_sane(results):
    rows = {row["name"]: row for row in results["sizes"][0]["commands"]}
    medians = {}
    for name, row in rows.items():
        if row["status"] != "ok":
            continue
        assert len(row["runs_s"]) == 1
        assert 0 < row["min_s"] <= row["median_s"] < 120
        assert results["meta"]["rss_floor_mb"] < row["max_rss_mb"] < 4000
        medians[name] = row["median_s"]
        if row["baseline"]:
            expected = row["median_s"] / medians[row["baseline"]]
            assert row["ratio"] == pytest.approx(expected, rel=0.05, abs=0.02)
            assert row["ratio_min"] > 0
            assert isinstance(row["target_met"], bool) or row["target_ratio"] is None
    assert rows["list-json"]["records"] == 50  # the command did the real work
    assert rows["list-json-cold"]["records"] == 50
    assert all(rows[name]["target_rss_mb"] == 120 for name in WHOLE_PLAN)
    assert rows["list-json"]["target_ratio"] == 0.6 and rows["list-json-cold"]["target_ratio"] == 1.3
    assert rows["validate-cold"]["target_ratio"] == 1.5 and rows["validate-cold"]["baseline"] == "baseline-parse"
    assert rows["list-table"]["target_ratio"] == 2.0 and rows["show"]["baseline"] == "baseline-import-stack"
    assert rows["help"]["baseline"] == "baseline-import-typer"


def test_generated_plan_is_valid_and_consistent(tmp_path):
    bench = bench_module()
    plan = bench.generate(tmp_path / "data", 120, seed=3)
    loaded, problems = load_plan(plan.data_dir)
    assert problems == []
    assert len(loaded.actions) == 120
    assert {a.theme for a in loaded.actions} == {t["id"] for t in bench.THEMES}
    assert {s for a in loaded.actions for s in a.scrs} == {s.id for s in loaded.scrs}  # every case cited
    assert {a.status for a in loaded.actions} == set(bench.STATUS_WEIGHTS)
    assert any(a.target_history for a in loaded.actions)
    for action in loaded.actions:
        assert 1 <= len(action.progress) <= 10
        assert [e.date for e in action.progress] == sorted(e.date for e in action.progress)
        assert all(e.date <= bench.AS_OF for e in action.progress)
        assert (action.signed_off is not None) == (action.status == "closed")
        assert (action.withdrawn_reason is not None) == (action.status == "withdrawn")
        if action.target_history:
            assert action.target_history[-1].to == action.target_date
            for before, after in zip(action.target_history, action.target_history[1:]):
                assert before.to == after.from_
    show = next(a for a in loaded.actions if a.ref == plan.show_ref)
    assert show.status == "in-progress"


def test_the_same_seed_gives_the_same_plan(tmp_path):
    bench = bench_module()
    first = bench.generate(tmp_path / "a", 30, seed=5)
    second = bench.generate(tmp_path / "b", 30, seed=5)
    names = sorted(p.name for p in (first.data_dir / "actions").iterdir())
    assert names == sorted(p.name for p in (second.data_dir / "actions").iterdir())
    for name in names:
        assert (first.data_dir / "actions" / name).read_bytes() == (second.data_dir / "actions" / name).read_bytes()


def test_bad_sizes_are_a_usage_error():
    done = subprocess.run([sys.executable, str(SCRIPT), "--sizes", "many"], capture_output=True, text=True)
    assert done.returncode == 2 and "--sizes" in done.stderr
