"""Run a page's examples and compare what they print with the output the page shows.

    python docs/run_examples.py docs/guide.md              # report outputs that differ
    python docs/run_examples.py --update docs/guide.md     # and paste the real ones in

The examples run as tests/test_docs.py runs them: each `cap ...` line of the page's
fenced code blocks, in order, in a fresh copy of the repository with a short git history
(tests/docs_repo.py), 100 columns wide. The output a page shows is the lines after a
`$ cap ...` line in a `console` block, up to the next `$ ` line or the end of the block.
In a shown output, a line `...` stands for any number of lines, and a 7-digit commit id
matches any (the copy's commits differ from one run to the next as the files do); the
folder cap is installed in is shown as /home/you/.venv/bin.
`--update` rewrites only outputs without `...`; the others it reports. A line `$ cd DIR`
in a block moves the examples after it into DIR, inside the copy (the guide
goes into the demonstration plan `cap init --demo demo` makes). The test checks exit
statuses only: run this after changing a command whose output a page shows.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.docs_repo import git_environment, make_docs_repo  # noqa: E402

FENCE = re.compile(r"^\s*(```|~~~)(\w*)")
NEEDS = re.compile(r"#\s*needs:\s*\S.*$")
SHA = re.compile(r"\b[0-9a-f]{7}\b")
CD = re.compile(r"^\$ cd ([\w./-]+)\s*(?:#.*)?$")


def moved(cwd: Path, repo: Path, line: str) -> Path | None:
    """The folder a `cd DIR` line moves the examples to (never out of the copy), or None."""
    m = CD.match(line.strip())
    if m is None:
        return None
    target = (cwd / m.group(1)).resolve()
    if not target.is_relative_to(repo.resolve()):
        raise ValueError(f"{line.strip()}: an example may not leave the copy of the repository")
    return target


def _matches(shown: list[str], actual: list[str]) -> bool:
    """Do the shown lines match the actual ones (`...` any lines; commit ids any)?"""
    if not shown:
        return not actual
    if shown[0].strip() == "...":
        return any(_matches(shown[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and SHA.sub("#######", shown[0]) == SHA.sub("#######", actual[0]) and _matches(
        shown[1:], actual[1:]
    )


def run_page(page: Path, update: bool) -> int:
    lines = page.read_text(encoding="utf-8").splitlines()
    env = git_environment()
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env.update(COLUMNS="100", NO_COLOR="1")
    differ = 0
    with tempfile.TemporaryDirectory() as tmp:
        env["CAP_CACHE_DIR"] = str(Path(tmp) / "cache")
        repo = make_docs_repo(Path(tmp) / "repo", env)
        cwd = repo
        out: list[str] = []
        fence = None
        i = 0
        while i < len(lines):
            text = lines[i]
            out.append(text)
            i += 1
            m = FENCE.match(text)
            if m:
                fence = None if fence is not None else m.group(2)
                continue
            if fence is None:
                continue
            there = moved(cwd, repo, text)
            if there is not None:
                cwd = there
                continue
            command = text.strip()
            prompt = command.startswith("$ ")
            if prompt:
                command = command[2:].lstrip()
            if not command.startswith("cap "):
                continue
            start = i - 1
            while command.endswith("\\") and i < len(lines):
                command = command[:-1] + " " + lines[i].strip()
                out.append(lines[i])
                i += 1
            if NEEDS.search(command):
                continue
            result = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, text=True,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
            if not (fence == "console" and prompt):
                continue
            shown_end = i
            while shown_end < len(lines) and not lines[shown_end].startswith("$ ") and not FENCE.match(lines[shown_end]):
                shown_end += 1
            shown = lines[i:shown_end]
            here = os.path.dirname(sys.executable)  # `cap git-setup` prints where cap is installed
            actual = [line.rstrip().replace(here, "/home/you/.venv/bin") for line in result.stdout.splitlines()]
            if _matches(shown, actual):
                out.extend(shown)
            else:
                differ += 1
                print(f"{page}:{start + 1}: {command}")
                for line in shown:
                    print(f"  - {line}")
                for line in actual:
                    print(f"  + {line}")
                elided = any(line.strip() == "..." for line in shown)
                out.extend(actual if update and not elided else shown)
                if update and elided:
                    print("  (not updated: the page shows part of it, with ...)")
            i = shown_end
    if update:
        page.write_text("\n".join(out) + "\n", encoding="utf-8")
    return differ


def main(argv: list[str]) -> int:
    update = "--update" in argv
    pages = [Path(a) for a in argv if a != "--update"]
    if not pages:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    differ = sum(run_page(page, update) for page in pages)
    print(f"{differ} output(s) differ" + (" (updated where whole)" if update and differ else ""))
    return 1 if differ and not update else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
