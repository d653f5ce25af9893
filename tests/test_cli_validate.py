"""`cap validate` and `cap schema` through the CLI, the installed cap, and the CI files around them."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest
import yaml

from cap.yamlio import parse
from tests.conftest import DATA, ROOT, Cap, MINIMAL_SCRS, MINIMAL_THEMES, action_yaml, write_files
from tests.test_checks import BOMB, canonical_action
from tests.test_cli_show import run_cap


@pytest.fixture
def clean(tmp_path) -> Path:
    return write_files(
        tmp_path,
        {"data/themes.yaml": MINIMAL_THEMES, "data/scrs.yaml": MINIMAL_SCRS, "data/actions/1.1.yaml": canonical_action()},
    ) / "data"


@pytest.fixture
def broken(clean) -> Path:
    """One error (unknown status) and one warning (not canonical)."""
    write_files(clean.parent, {
        "data/actions/1.1.yaml": action_yaml(),
        "data/actions/1.2.yaml": canonical_action("1.2").replace("status: open", "status: done"),
    })
    return clean


ERROR = "data/actions/1.2.yaml:10:9: error: CAP104 unknown status 'done'; valid: open, in-progress, complete, closed, withdrawn"
WARNING = "data/actions/1.1.yaml:3:1: warning: CAP214 not in the canonical format (first difference at line 3); `cap fmt` rewrites it"


def test_real_data_passes(cap):
    result = cap("validate", "--as-of", "2017-07-01")
    assert result.exit_code == 0
    assert result.stdout == "22 actions checked, 0 errors, 0 warnings\n"


def test_as_of_defaults_to_today(cap, monkeypatch):
    from cap import dates

    monkeypatch.setattr(dates, "today", lambda: dt.date(2100, 1, 1))
    assert cap("validate", "--strict").stdout == "22 actions checked, 0 errors, 0 warnings\n"
    monkeypatch.setattr(dates, "today", lambda: dt.date(2017, 1, 30))  # the day before the narratives
    result = cap("validate")
    assert result.exit_code == 1 and "is in the future (as of 2017-01-30)" in result.stdout


def test_text_lists_every_problem_then_the_summary_and_exits_1(broken):
    result = Cap(broken)("validate", "--as-of", "2017-07-01")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [WARNING, ERROR, "2 actions checked, 1 error, 1 warning"]


def test_warnings_alone_pass_unless_strict(clean):
    write_files(clean.parent, {"data/actions/1.1.yaml": action_yaml()})
    relaxed = Cap(clean)("validate", "--as-of", "2017-07-01")
    assert relaxed.exit_code == 0 and relaxed.stdout.splitlines() == [WARNING, "1 action checked, 0 errors, 1 warning"]
    strict = Cap(clean)("validate", "--strict", "--as-of", "2017-07-01")
    assert strict.exit_code == 1
    assert strict.stdout.splitlines() == [
        WARNING.replace("warning:", "error:"),
        "1 action checked, 1 error, 0 warnings (--strict: warnings count as errors)",
    ]


def test_ignore_a_warning(clean):
    write_files(clean.parent, {"data/actions/1.1.yaml": action_yaml()})
    result = Cap(clean)("validate", "--strict", "--ignore", "CAP214", "--as-of", "2017-07-01")
    assert result.exit_code == 0 and result.stdout == "1 action checked, 0 errors, 0 warnings\n"


@pytest.mark.parametrize("code,says", [("CAP104", "an error; only warnings can be ignored"), ("CAP999", "not a code")])
def test_errors_cannot_be_ignored(clean, code, says):
    result = Cap(clean)("validate", "--ignore", code)
    assert result.exit_code == 2 and f"cap: error: --ignore {code}: {says}" in result.stderr


def test_github_annotations(broken):
    result = Cap(broken)("validate", "--format", "github", "--as-of", "2017-07-01")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "::warning file=data/actions/1.1.yaml,line=3,col=1,title=CAP214::not in the canonical format "
        "(first difference at line 3); `cap fmt` rewrites it",
        "::error file=data/actions/1.2.yaml,line=10,col=9,title=CAP104::unknown status 'done'; "
        "valid: open, in-progress, complete, closed, withdrawn",
        "2 actions checked, 1 error, 1 warning",
    ]


def test_json_is_a_list_of_problem_objects(broken):
    result = Cap(broken)("validate", "--format", "json", "--as-of", "2017-07-01")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)
    assert problems[1] == {
        "path": "data/actions/1.2.yaml", "line": 10, "col": 9, "severity": "error", "code": "CAP104",
        "message": "unknown status 'done'; valid: open, in-progress, complete, closed, withdrawn",
    }
    assert [p["severity"] for p in problems] == ["warning", "error"]


def test_json_of_clean_data_is_an_empty_list(cap):
    result = cap("validate", "--format", "json", "--as-of", "2017-07-01")
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_as_of_judges_future_dates(clean):
    progress = "\n- date: 2017-08-01\n  text: Done early?"
    write_files(clean.parent, {"data/actions/1.1.yaml": canonical_action(progress=progress)})
    assert Cap(clean)("validate", "--as-of", "01/08/17").exit_code == 0
    late = Cap(clean)("validate", "--as-of", "2017-07-31")
    assert late.exit_code == 1 and "CAP210 progress entry dated 2017-08-01 is in the future (as of 2017-07-31)" in late.stdout


@pytest.mark.parametrize("args", [["--format", "xml"], ["--as-of", "31/02/17"]])
def test_usage_mistakes_exit_2(cap, args):
    assert cap("validate", *args).exit_code == 2


def test_no_data_folder_is_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = Cap()("validate")
    assert result.exit_code == 1 and result.stderr.startswith("cap: error: no data folder found")


def test_installed_cap_validates_the_real_data():
    result = run_cap("validate", "--strict", "--as-of", "2017-07-01")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "22 actions checked, 0 errors, 0 warnings\n"


@pytest.mark.posix
def test_installed_cap_survives_hostile_files(clean, tmp_path):
    marker = tmp_path / "ran"
    write_files(tmp_path, {"outside.yaml": canonical_action("1.5")})
    write_files(clean.parent, {
        "data/actions/1.2.yaml": f"ref: !!python/object/apply:os.system ['touch {marker}']\n",
        "data/actions/1.3.yaml": BOMB,
        "data/actions/1.4.yaml": b"a: " + b"x" * 2_000_000,
        "data/actions/notes.txt": "call me",
        "data/actions/4.4.yml.bak": "ref: [",
    })
    os.symlink(tmp_path / "outside.yaml", clean / "actions" / "1.5.yaml")
    result = run_cap("validate", "--format", "json", "--as-of", "2017-07-01", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    found = [(p["path"].rsplit("/", 1)[1], p["code"]) for p in json.loads(result.stdout)]
    assert found == [
        ("1.2.yaml", "CAP007"), ("1.3.yaml", "CAP008"), ("1.4.yaml", "CAP001"), ("1.5.yaml", "CAP010"),
        ("4.4.yml.bak", "CAP011"), ("notes.txt", "CAP011"),
    ]
    assert not marker.exists()


# ------------------------------------------------------------------ cap schema


def as_json_value(value):
    """YAML data as a JSON document would hold it (dates become ISO text), for schema checks."""
    if isinstance(value, dict):
        return {k: as_json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json_value(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.mark.parametrize("kind,top", [("action", "ref"), ("themes", "themes"), ("scrs", "scrs")])
def test_schema_prints_json_schema(cap, kind, top):
    result = cap("schema", kind)
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/") and top in schema["required"]
    assert schema["additionalProperties"] is False


def test_schema_defaults_to_an_action_file(cap):
    schema = json.loads(cap("schema").stdout)
    assert schema["properties"]["status"]["enum"] == ["open", "in-progress", "complete", "closed", "withdrawn"]
    assert schema["properties"]["ref"]["type"] == "string"
    assert "from" in schema["$defs"]["TargetRevision"]["properties"]
    assert "quoted" in schema["properties"]["ref"]["description"]


def test_unknown_schema_is_a_usage_mistake(cap):
    result = cap("schema", "plan")
    assert result.exit_code == 2 and "choose from action, themes, scrs" in result.stderr


def test_the_schema_accepts_the_real_data_and_refuses_mistakes(cap):
    import jsonschema  # a test extra: the schema must really be checked, never skipped
    checker = jsonschema.Draft202012Validator(json.loads(cap("schema", "action").stdout), format_checker=jsonschema.FormatChecker())
    for path in sorted((DATA / "actions").glob("*.yaml")):
        assert list(checker.iter_errors(as_json_value(parse(path.read_text()).data))) == [], path
    good = as_json_value(parse(action_yaml()).data)
    for mistake in ({"targt_date": "2017-01-01"}, {"status": "done"}, {"ref": 4.1}, {"lead": "NSCB"}):
        assert list(checker.iter_errors({**good, **mistake})), mistake
    for kind, name in (("themes", "themes.yaml"), ("scrs", "scrs.yaml")):
        schema = json.loads(cap("schema", kind).stdout)
        assert list(jsonschema.Draft202012Validator(schema).iter_errors(parse((DATA / name).read_text()).data)) == []


# ------------------------------------------------------------------ pre-commit, GitHub Actions, .ci/run


def test_pre_commit_hook_runs_cap_validate_on_data_changes():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "cap-validate")
    assert hook["entry"] == "cap validate" and hook["language"] == "python"
    assert hook["pass_filenames"] is False and hook["files"] == "^data/"
    assert Cap(DATA)(*hook["entry"].split()[1:], "--as-of", "2017-07-01").exit_code == 0  # a real command


def test_github_workflow_installs_cap_and_annotates():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "validate.yml").read_text())
    assert "pull_request" in workflow[True]  # YAML 1.1 reads the key `on` as true
    runs = [s.get("run", "") for s in workflow["jobs"]["validate"]["steps"]]
    assert any(r.startswith("pip install") for r in runs)
    assert any(r.startswith("cap validate --format github") for r in runs)


def quick_start_blocks() -> list[str]:
    """The README's Quick start commands: its first two fenced code blocks (install and run; install and test)."""
    import re

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = re.search(r"^##\s+Quick start\s*$", text, re.M)
    assert start, "the README has a '## Quick start' section"
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", text[start.end():], re.M | re.S)[:2]
    assert len(blocks) == 2, "Quick start has two fenced code blocks"
    return [b.strip() for b in blocks]


def test_ci_runs_the_readmes_test_line_word_for_word_then_validates_strictly():
    """Docs checked like code: .ci/run runs the README's Quick start test command exactly."""
    _install_and_run, install_and_test = quick_start_blocks()
    assert install_and_test == "pip install -e '.[test]' && pytest"
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert install_and_test in lines
    assert lines.index(install_and_test) < lines.index("cap validate --strict")


@pytest.mark.parametrize("ending", ["action: >-\n", "lead:\n- >-\n"])
def test_a_file_ending_in_an_empty_block_is_a_located_error(clean, ending):
    # The quick reader (cap/canonical.py) met the end of the text where a block's lines
    # were due and raised: an internal error (exit 70) before; now libyaml reads it.
    write_files(clean.parent, {"data/actions/1.1.yaml": "ref: '1.1'\ntheme: curiosity\n" + ending})
    for command in (["validate"], ["list"]):
        result = Cap(clean)(*command)
        shown = result.stdout + (result.stderr or "")
        assert result.exit_code == 1 and "internal error" not in shown, shown
        assert re.search(r"^data/actions/1\.1\.yaml:\d+:\d+: error: CAP1\d\d ", shown, re.M), shown
