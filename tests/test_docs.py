"""Docs checked like code.

- docs/reference.md is what docs/generate_reference.py makes from the command line now;
- every command of `cap --help` has its section in the reference and an example in the guide;
- every example runs: each page's `cap ...` lines (README.md and docs/*.md, not the generated
  reference), in the order they appear, in one fresh copy of the repository per page with a
  short git history (tests/docs_repo.py), each with exit status 0 or the status its comment
  says (`# exit 1`). A line ending `# needs: WHAT` needs something a copy lacks and is skipped.

What counts as an example line: a line in a fenced code block starting `cap ` or `$ cap `
(a line ending with a backslash continues on the next). Each runs with bash in the copy,
with this environment's `cap` first on PATH, so `>`, `&&` and `$(...)` work as they would
for a reader. Only exit statuses are checked, never outputs: no assertion depends on the
real date.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer.main

from cap.cli import app
from tests.docs_repo import git_environment, make_docs_repo

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
REFERENCE = DOCS / "reference.md"
GUIDE = DOCS / "guide.md"
#: The pages whose examples run: the README and every docs page but the generated reference.
PAGES = [ROOT / "README.md", *sorted(p for p in DOCS.glob("*.md") if p != REFERENCE)]

FENCE = re.compile(r"^\s*(```|~~~)")
EXPECTED_EXIT = re.compile(r"#.*\bexit (?:status )?(\d+)\b")
NEEDS = re.compile(r"#\s*needs:\s*\S.*$")


@dataclass
class Example:
    page: str
    line: int
    command: str
    expected: int
    needs: str | None

    def __str__(self) -> str:
        return f"{self.page}:{self.line}: {self.command}"


def examples(page: Path) -> list[Example]:
    """The page's `cap ...` lines in fenced code blocks, in order."""
    found: list[Example] = []
    in_fence = False
    lines = page.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        text, number = lines[i], i + 1
        i += 1
        if FENCE.match(text):
            in_fence = not in_fence
            continue
        if not in_fence:
            continue
        command = text.strip()
        if re.match(r"\$ cd [\w./-]+\s*(#.*)?$", command):  # the examples after it run in that folder
            found.append(Example(page=str(page.relative_to(ROOT)) if page.is_relative_to(ROOT) else page.name,
                                 line=number, command=command, expected=0, needs=None))
            continue
        if command.startswith("$ "):
            command = command[2:].lstrip()
        if not command.startswith("cap "):
            continue
        while command.endswith("\\") and i < len(lines):
            command = command[:-1] + " " + lines[i].strip()
            i += 1
        needs = NEEDS.search(command)
        expected = EXPECTED_EXIT.search(command)
        found.append(Example(
            page=str(page.relative_to(ROOT)) if page.is_relative_to(ROOT) else page.name, line=number, command=command,
            expected=int(expected.group(1)) if expected else 0,
            needs=needs.group(0) if needs else None,
        ))
    return found


def commands() -> list[str]:
    """The commands `cap --help` lists."""
    group = typer.main.get_command(app)
    return group.list_commands(group.context_class(group, info_name="cap"))


# ----------------------------------------------------------------------- the generated reference


def _generator():
    spec = importlib.util.spec_from_file_location("generate_reference", DOCS / "generate_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_reference_is_generated_from_the_cli_and_up_to_date():
    generator = _generator()
    current = REFERENCE.read_text(encoding="utf-8") if REFERENCE.exists() else ""
    assert current == generator.render(), (
        f"docs/reference.md is out of date: run `{generator.REGENERATE}` and commit the result"
    )


def test_reference_does_not_depend_on_the_terminal(monkeypatch):
    generator = _generator()
    monkeypatch.setenv("COLUMNS", "40")
    narrow = generator.render()
    monkeypatch.setenv("COLUMNS", "300")
    assert generator.render() == narrow


def test_generator_check_mode_names_the_command_that_regenerates(tmp_path, monkeypatch, capsys):
    generator = _generator()
    monkeypatch.setattr(generator, "REFERENCE", tmp_path / "reference.md")
    (tmp_path / "reference.md").write_text("# stale\n", encoding="utf-8")
    assert generator.main(["--check"]) == 1
    assert "run `python docs/generate_reference.py`" in capsys.readouterr().err
    assert generator.main([]) == 0
    assert generator.main(["--check"]) == 0


def test_cap_is_not_importing_the_docs_generator():
    """The generator stays out of the runtime: no module of cap imports it."""
    for path in (ROOT / "cap").rglob("*.py"):
        assert "generate_reference" not in path.read_text(encoding="utf-8"), path


# ----------------------------------------------------------------------- every command documented


@pytest.mark.parametrize("name", commands())
def test_every_command_is_in_the_reference_and_has_an_example_in_the_guide(name):
    reference = REFERENCE.read_text(encoding="utf-8")
    assert re.search(rf"^## cap {re.escape(name)}$", reference, re.M), f"no section `## cap {name}` in docs/reference.md"
    guide = [e.command for e in examples(GUIDE)]
    assert any(re.match(rf"cap (--data \S+ )?{re.escape(name)}(\s|$)", c) for c in guide), (
        f"docs/guide.md has no example of `cap {name}` (a line `cap {name} ...` in a code block)"
    )


def test_example_lines_are_found_with_their_expected_status(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "Prose with cap list in it.\n\n```sh\ncap list --overdue\n$ cap validate   # exit 1\n"
        "cap changes --since my-tag   # needs: a tag of your own\ncap add --theme curiosity \\\n"
        "  --lead NSCB\npip install cap\n```\n\n```console\n$ cap stats\n20 of 22\n```\n",
        encoding="utf-8",
    )
    found = [(e.command, e.expected, e.needs) for e in examples(page)]
    assert found == [
        ("cap list --overdue", 0, None),
        ("cap validate   # exit 1", 1, None),
        ("cap changes --since my-tag   # needs: a tag of your own", 0, "# needs: a tag of your own"),
        ("cap add --theme curiosity  --lead NSCB", 0, None),
        ("cap stats", 0, None),
    ]


# ----------------------------------------------------------------------- links


LINK = re.compile(r"\]\(([^)\s]+)\)")


def anchors(page: Path) -> set[str]:
    """GitHub's anchors for a page's headings: lower case, punctuation dropped, spaces to hyphens."""
    found, in_fence = set(), False
    for text in page.read_text(encoding="utf-8").splitlines():
        if FENCE.match(text):
            in_fence = not in_fence
        elif not in_fence and (m := re.match(r"#{1,6}\s+(.*)", text)):
            found.add(re.sub(r"[^\w\- ]", "", m.group(1).strip().lower()).replace(" ", "-"))
    return found


@pytest.mark.parametrize("page", [*PAGES, REFERENCE], ids=lambda p: str(p.relative_to(ROOT)))
def test_links_between_pages_lead_somewhere(page):
    """Every relative link names a file of the repository, and its #anchor a heading there."""
    broken = []
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):
            continue  # https:, mailto: - not checked here
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        if not linked.exists():
            broken.append(f"{target}: no such file")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            broken.append(f"{target}: no heading with that anchor in {linked.name}")
    assert not broken, f"{page.relative_to(ROOT)}: " + "; ".join(broken)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_few_examples_are_skipped(page):
    """`# needs:` is for what a reader has and a copy cannot (their own tag, their own tracker)."""
    skipped = [str(e) for e in examples(page) if e.needs]
    assert len(skipped) <= 4, (
        f"{len(skipped)} examples of {page.name} are skipped (`# needs:`); make them run in the copy "
        f"(create what they need with the cap commands before them): " + "; ".join(skipped)
    )


def test_the_map_of_the_code_names_every_module():
    """docs/layout.md: a module added to cap/ gets its line in the map."""
    layout = (DOCS / "layout.md").read_text(encoding="utf-8")
    missing = [
        str(path.relative_to(ROOT)) for path in sorted((ROOT / "cap").rglob("*.py"))
        if path.name not in ("__init__.py", "__main__.py") and not re.search(rf"\b{re.escape(path.name)}\b", layout)
    ]
    assert not missing, f"docs/layout.md does not name: {', '.join(missing)} (one line each, where data flows through them)"


def test_the_readme_stays_short():
    """The README is for the business manager; reference material goes in docs/."""
    lines = len((ROOT / "README.md").read_text(encoding="utf-8").splitlines())
    assert lines <= 220, f"README.md has {lines} lines (at most about 200): move detail to a page in docs/"


def test_the_guides_contents_list_every_section():
    """A task added to the guide (a `## ` section) is listed in its contents, by its anchor."""
    text = GUIDE.read_text(encoding="utf-8")
    listed = set(re.findall(r"^- \[[^\]]*\]\(#([^)]+)\)", text, re.M))
    sections, in_fence = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and line.startswith("## "):
            sections.append(re.sub(r"[^\w\- ]", "", line[3:].strip().lower()).replace(" ", "-"))
    missing = [s for s in sections if s not in listed]
    assert not missing, f"docs/guide.md: add to its Contents: {', '.join('#' + m for m in missing)}"


# ----------------------------------------------------------------------- every example runs


@pytest.mark.slow
@pytest.mark.parametrize(
    "page", [p for p in PAGES if any(e.needs is None for e in examples(p))], ids=lambda p: str(p.relative_to(ROOT))
)
def test_the_examples_of_each_page_run_in_order(page, tmp_path):
    runnable = [e for e in examples(page) if e.needs is None]
    env = git_environment()
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env["COLUMNS"] = "100"
    env["NO_COLOR"] = "1"
    repo = make_docs_repo(tmp_path / "repo", env)
    failures = []
    cwd, moved = repo, _run_examples().moved
    for example in runnable:
        there = moved(cwd, repo, example.command)
        if there is not None:
            cwd = there
            continue
        result = subprocess.run(
            ["bash", "-c", example.command], cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
        )
        if result.returncode != example.expected:
            failures.append(
                f"{example}\n    exit {result.returncode}, expected {example.expected}\n"
                f"    stderr: {result.stderr.strip()[-500:]}"
            )
    assert not failures, "examples that did not run as documented:\n" + "\n".join(failures)


# ----------------------------------------------------------------------- docs/run_examples.py


def _run_examples():
    spec = importlib.util.spec_from_file_location("run_examples", DOCS / "run_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_run_examples_matches_elisions_and_commit_ids():
    matches = _run_examples()._matches
    assert matches(["a", "...", "z"], ["a", "b", "c", "z"])
    assert matches(["from 1234abc to x"], ["from 9f9f9f9 to x"])
    assert not matches(["a", "z"], ["a", "b", "z"])
    assert not matches(["a"], ["b"])


@pytest.mark.slow
def test_run_examples_checks_and_updates_a_pages_outputs(tmp_path, capsys):
    run_examples = _run_examples()
    page = tmp_path / "page.md"
    page.write_text(
        "# A page\n\n```console\n$ cap validate --as-of 2017-07-01\nall wrong\n$ cap show 9.9   # exit 2\n"
        "cap: error: unknown ref '9.9': there is no data/actions/9.9.yaml; did you mean 4.9?\n```\n",
        encoding="utf-8",
    )
    assert run_examples.run_page(page, update=False) == 1  # only the first output differs
    assert "all wrong" in page.read_text(encoding="utf-8")
    assert run_examples.run_page(page, update=True) == 1
    assert "22 actions checked, 0 errors, 0 warnings\n$ cap show 9.9" in page.read_text(encoding="utf-8")
