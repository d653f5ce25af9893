"""`cap validate` and data/agencies.yaml (cap/checks_agencies.py), `cap init`'s empty file, `cap fmt`."""

from __future__ import annotations

from pathlib import Path

import pytest

from cap.checks import validate
from cap.models import Action
from cap.store import canonical_text
from cap.yamlio import parse
from tests.conftest import AS_OF, MINIMAL_SCRS, MINIMAL_THEMES, Cap, action_yaml, write_files

AGENCIES = """\
agencies:
- id: health
  name: Health
  aliases:
  - NHS Kernow
- id: nscb
  name: NSCB
"""


def _action(ref: str, lead: str) -> str:
    return canonical_text(Action.model_validate(parse(action_yaml(ref, lead=lead)).data))


@pytest.fixture
def plan(tmp_path) -> Path:
    return write_files(tmp_path, {
        "data/themes.yaml": MINIMAL_THEMES,
        "data/scrs.yaml": MINIMAL_SCRS,
        "data/actions/1.1.yaml": _action("1.1", "[nhs kernow, NSCB]"),
        "data/actions/1.2.yaml": _action("1.2", "[Helth, Police]"),
    }) / "data"


def problems(data: Path, **options) -> list[str]:
    return [p.text() for p in validate(data, AS_OF, **options).problems]


def test_without_the_file_no_lead_is_questioned(plan):
    assert problems(plan) == []


def test_an_empty_list_questions_nothing_yet(plan):
    write_files(plan, {"agencies.yaml": "agencies: []\n"})
    assert problems(plan) == []


def test_a_lead_naming_no_agency_is_a_warning_at_its_line_with_the_nearest_names(plan):
    write_files(plan, {"agencies.yaml": AGENCIES})
    assert problems(plan) == [
        "data/actions/1.2.yaml:8:3: warning: CAP231 lead 'Helth' names no agency of data/agencies.yaml; "
        "did you mean: Health?",
        "data/actions/1.2.yaml:9:3: warning: CAP231 lead 'Police' names no agency of data/agencies.yaml; "
        "add it to data/agencies.yaml, as an agency or as another agency's alias",
    ]
    assert problems(plan, ignore=["CAP231"]) == []
    assert all(" error: " in p for p in problems(plan, strict=True))


def test_a_name_used_by_two_agencies_is_an_error(plan):
    write_files(plan, {"agencies.yaml": AGENCIES + "- id: kernow\n  name: NHS kernow\n"})
    assert [p for p in problems(plan) if "CAP230" in p] == [
        "data/agencies.yaml:9:9: error: CAP230 `NHS kernow` already names agency `health` (line 5): "
        "a lead must name one agency only"
    ]


def test_a_broken_file_is_reported_with_its_line_and_a_non_canonical_one_warned(plan):
    write_files(plan, {"agencies.yaml": "agencies:\n- id: health\n  nam: Health\n"})
    assert any(p.startswith("data/agencies.yaml:3:3: error: CAP101 unknown key `agencies.0.nam`") for p in problems(plan))
    write_files(plan, {"agencies.yaml": "agencies:\n  - {id: health, name: Health}\n- {id: x}\n"})
    assert any("data/agencies.yaml" in p and "CAP003" in p for p in problems(plan))
    write_files(plan, {"agencies.yaml": "agencies:\n- {id: health, name: Health}\n"})
    assert [p for p in problems(plan) if p.startswith("data/agencies.yaml")] == [
        "data/agencies.yaml:2:1: warning: CAP214 not in the canonical format (first difference at line 2); "
        "`cap fmt` rewrites it"
    ]
    cap = Cap(plan)
    assert cap("fmt").exit_code == 0
    assert (plan / "agencies.yaml").read_text() == "agencies:\n- id: health\n  name: Health\n"


def test_cap_init_writes_an_empty_commented_agencies_file_that_validates(tmp_path):
    assert Cap()("init", str(tmp_path / "plan")).exit_code == 0
    text = (tmp_path / "plan" / "data" / "agencies.yaml").read_text()
    assert text.startswith("# The partnership's agencies") and text.endswith("\nagencies: []\n")
    data = tmp_path / "plan" / "data"
    assert Cap(data)("fmt", "--check").exit_code == 0
    result = Cap(data)("validate", "--strict", "--as-of", "2017-07-01")
    assert result.exit_code == 0, result.output


def test_the_schema_command_prints_the_agencies_schema():
    result = Cap()("schema", "agencies")
    assert result.exit_code == 0 and '"AgenciesFile"' not in result.stdout
    assert "data/agencies.yaml" in result.stdout and '"contacts"' in result.stdout
