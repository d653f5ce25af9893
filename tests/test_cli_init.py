"""`cap init`: a new repository that loads cleanly, its templates, and refusing to overwrite."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from cap.loader import load_plan
from tests.conftest import DATA, Cap
from tests.test_cli_show import run_cap

FILES = [
    ".devcontainer/devcontainer.json",
    ".devcontainer/requirements.txt",
    ".gitattributes",
    ".github/workflows/cap-site.yml",
    ".github/workflows/cap-validate.yml",
    ".gitignore",
    ".pre-commit-config.yaml",
    "README.md",
    "data/actions/.gitkeep",  # so a clone has the actions folder before the first action
    "data/agencies.yaml",
    "data/scrs.yaml",
    "data/themes.yaml",
]


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_init_makes_a_repository_that_loads_and_lists(tmp_path):
    result = Cap()("init", str(tmp_path / "plan"))
    assert result.exit_code == 0, result.output
    root = tmp_path / "plan"
    assert sorted(tree(root)) == FILES
    assert [p.name for p in (root / "data" / "actions").iterdir()] == [".gitkeep"]
    assert (root / "data" / "themes.yaml").read_bytes() == (DATA / "themes.yaml").read_bytes()
    assert (root / "data" / "scrs.yaml").read_text() == "scrs: []\n"
    plan, problems = load_plan(root / "data")
    assert problems == [] and len(plan.themes) == 4 and plan.actions == []
    listed = Cap(root / "data")("list")
    assert listed.exit_code == 0 and "0 of 0 actions" in listed.stdout
    assert "created data/themes.yaml" in result.stdout


def test_init_blank_has_no_themes(tmp_path):
    assert Cap()("init", "--blank", str(tmp_path)).exit_code == 0
    assert (tmp_path / "data" / "themes.yaml").read_text() == "themes: []\n"
    plan, problems = load_plan(tmp_path / "data")
    assert problems == [] and plan.themes == []


def test_init_defaults_to_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert Cap()("init").exit_code == 0
    assert sorted(tree(tmp_path)) == FILES
    assert Cap()("list").exit_code == 0  # found as the nearest data/ folder


def test_init_refuses_an_existing_data_folder_and_writes_nothing(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "notes.txt").write_text("mine")
    before = tree(tmp_path)
    result = Cap()("init", str(tmp_path))
    assert result.exit_code == 1
    assert "already exists: cap init never overwrites a data folder" in result.stderr
    assert tree(tmp_path) == before and not (tmp_path / "README.md").exists()


def test_init_twice_is_refused(tmp_path):
    assert Cap()("init", str(tmp_path)).exit_code == 0
    before = tree(tmp_path)
    assert Cap()("init", "--blank", str(tmp_path)).exit_code == 1
    assert tree(tmp_path) == before


def test_init_refuses_a_file(tmp_path):
    (tmp_path / "f").write_text("x")
    result = Cap()("init", str(tmp_path / "f"))
    assert result.exit_code == 1 and "is a file, not a folder" in result.stderr


def test_init_keeps_files_that_exist(tmp_path):
    (tmp_path / "README.md").write_text("# Our own readme\n")
    result = Cap()("init", str(tmp_path))
    assert result.exit_code == 0
    assert "kept README.md (it exists already)" in result.stdout
    assert (tmp_path / "README.md").read_text() == "# Our own readme\n"
    assert (tmp_path / ".gitattributes").exists()


def test_pre_commit_config_uses_the_local_cap_validate_hook(tmp_path):
    Cap()("init", str(tmp_path))
    config = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text())
    (repo,) = config["repos"]
    assert repo["repo"] == "local"
    (hook,) = repo["hooks"]
    assert hook["id"] == "cap-validate" and hook["entry"] == "cap validate"
    assert hook["language"] == "system" and hook["pass_filenames"] is False


def test_workflow_runs_cap_validate_for_github(tmp_path):
    Cap()("init", str(tmp_path))
    workflow = yaml.safe_load((tmp_path / ".github/workflows/cap-validate.yml").read_text())
    runs = [step.get("run", "") for step in workflow["jobs"]["validate"]["steps"]]
    assert "cap validate --format github --strict" in runs
    assert any("pip install" in r for r in runs)
    assert True in workflow and "pull_request" in workflow[True]  # `on:` reads as true in YAML 1.1


def test_pages_workflow_builds_the_site_with_history_and_deploys_on_main(tmp_path):
    Cap()("init", str(tmp_path))
    text = (tmp_path / ".github/workflows/cap-site.yml").read_text()
    workflow = yaml.safe_load(text)
    assert workflow[True]["push"]["branches"] == ["main"]            # `on:` reads as true in YAML 1.1
    build = workflow["jobs"]["build"]["steps"]
    assert build[0]["uses"].startswith("actions/checkout@") and build[0]["with"]["fetch-depth"] == 0
    assert "cap site -o public" in [step.get("run") for step in build]
    assert {"uses": "actions/upload-pages-artifact@v3", "with": {"path": "public"}} in build
    assert workflow["jobs"]["deploy"]["needs"] == "build"
    assert workflow["jobs"]["deploy"]["steps"][0]["uses"].startswith("actions/deploy-pages@")
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert "WARNING" in text and "private" in text


def test_readme_shows_the_gitlab_pages_job_and_warns_before_publishing(tmp_path):
    import re

    Cap()("init", str(tmp_path))
    readme = (tmp_path / "README.md").read_text()
    (block,) = re.findall(r"```yaml\n(.*?)```", readme, re.S)
    job = yaml.safe_load(block)["pages"]
    assert "cap site -o public" in job["script"] and job["artifacts"]["paths"] == ["public"]
    assert job["variables"]["GIT_DEPTH"] == "0" and "main" in job["rules"][0]["if"]
    assert "{gitlab_pages_job}" not in readme
    assert "a published site publishes the plan" in readme and "Only Project Members" in readme
    assert "even when the repository is private" in readme


def test_workflow_keeps_the_load_cache_between_runs(tmp_path):
    Cap()("init", str(tmp_path))
    steps = yaml.safe_load((tmp_path / ".github/workflows/cap-validate.yml").read_text())["jobs"]["validate"]["steps"]
    names = [step.get("uses", step.get("run", "")) for step in steps]
    (kept,) = [step for step in steps if step.get("uses", "").startswith("actions/cache@")]
    validate = next(step for step in steps if step.get("run") == "cap validate --format github --strict")
    assert names.index(kept["uses"]) < names.index(validate["run"])  # restored before it is used
    assert validate["env"]["CAP_CACHE_DIR"] == kept["with"]["path"]
    # a new plan saves a new cache; any earlier one (safe: content-keyed) is restored meanwhile
    assert "hashFiles('data/**')" in kept["with"]["key"] and "vars.CAP_INSTALL" in kept["with"]["key"]
    assert all(kept["with"]["key"].startswith(prefix) for prefix in kept["with"]["restore-keys"].splitlines())


def test_merge_driver_attribute_and_config_line(tmp_path):
    Cap()("init", str(tmp_path))
    assert "data/actions/*.yaml merge=cap\n" in (tmp_path / ".gitattributes").read_text()
    readme = (tmp_path / "README.md").read_text()
    assert 'git config merge.cap.driver "cap merge-driver %O %A %B"' in readme
    assert "{merge_config}" not in readme and "cap import" in readme


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_reads_the_merge_attribute(tmp_path):
    Cap()("init", str(tmp_path))
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    out = subprocess.run(
        ["git", "check-attr", "merge", "data/actions/4.10.yaml", "data/themes.yaml"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout
    assert out.splitlines() == ["data/actions/4.10.yaml: merge: cap", "data/themes.yaml: merge: unspecified"]


@pytest.mark.slow
def test_installed_cap_init_ships_its_templates(tmp_path):
    """The real process, from a folder outside the project: the templates are in the package."""
    result = run_cap("init", "board", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(tree(tmp_path / "board")) == FILES
    again = run_cap("init", "board", cwd=tmp_path)
    assert again.returncode == 1 and "Traceback" not in again.stderr


def test_help_has_examples():
    result = Cap()("init", "--help")
    assert result.exit_code == 0 and "cap init norfolk-cap" in result.stdout


def test_a_fresh_repository_passes_fmt_check_and_strict_validate(tmp_path):
    for blank in ([], ["--blank"]):
        root = tmp_path / ("blank" if blank else "framework")
        assert Cap()("init", str(root), *blank).exit_code == 0
        data = root / "data"
        assert (data / "scrs.yaml").read_text() == "scrs: []\n"
        fmt = Cap(data)("fmt", "--check")
        assert fmt.exit_code == 0, fmt.output
        result = Cap(data)("validate", "--strict", "--as-of", "2017-07-01")
        assert result.exit_code == 0, result.output
