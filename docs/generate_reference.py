"""Write docs/reference.md from the command line itself: every command and option of `cap`.

    python docs/generate_reference.py            # rewrite docs/reference.md
    python docs/generate_reference.py --check    # exit 1 if docs/reference.md is out of date

It walks the Typer app's Click command objects (the same ones `cap ... --help` prints)
and renders each command's help at a fixed width, so the file is the same on any machine
and any terminal. tests/test_docs.py fails when the file is stale. This script is not part
of the `cap` package: nothing here is imported when `cap` runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "reference.md"
#: The width the help is rendered at, whatever the terminal: the file must not depend on it.
WIDTH = 79
REGENERATE = "python docs/generate_reference.py"

PREAMBLE = f"""\
# Command reference

<!-- Generated from the command line by `{REGENERATE}`: do not edit by hand. -->

Every command and option of `cap`, exactly as `cap COMMAND --help` prints it. For what
the commands are for and what their output looks like, read the [guide](guide.md); for
the files they read and write, the [data format](data-format.md).

Conventions every command shares:

- `--data DIR` goes before the command (`cap --data ../plan/data list`); without it cap
  uses `$CAP_DATA`, else the nearest `data/` folder holding `themes.yaml`, from the
  working directory upward.
- Dates are ISO (`2017-06-01`) or UK day-first (`01/06/17`, `1/6/2017`), never US
  month-first. `--as-of DATE` (default: today) moves the clock, not the data.
- Exit status: 0 success; 1 bad data, or a fault of the machine (a full disk); 2 a usage
  mistake, among them a ref, theme or case the plan does not have (the message names the
  nearest ones). Every error is one line on standard error, beginning `cap: error:`.
  Output is UTF-8 on every platform.

Environment variables:

| variable | does |
| --- | --- |
| `CAP_DATA` | the data folder, when `--data` is not given |
| `CAP_CACHE_DIR` | where the load cache lives (default: `$XDG_CACHE_HOME/cap`, else `~/.cache/cap`; `%LOCALAPPDATA%\\cap` on Windows) |
| `CAP_NO_CACHE=1` | read and check every file afresh (the cache is keyed on each file's bytes, so it is never stale; this only costs time) |
| `CAP_DEBUG=1` | show the traceback of an internal error (exit 70, a bug) instead of one line |
"""


def _click_command():
    """The Click command behind the Typer app (imported here, so only this script needs cap's CLI)."""
    sys.path.insert(0, str(ROOT))
    import typer.main

    from cap.cli import app

    return typer.main.get_command(app)


def _help(command, name: str, parent=None) -> str:
    settings = {**command.context_settings, "terminal_width": WIDTH, "max_content_width": WIDTH}
    ctx = command.context_class(command, info_name=name, parent=parent, **settings)
    return command.get_help(ctx), ctx


def render() -> str:
    """The whole of docs/reference.md, as text."""
    group = _click_command()
    top_help, top_ctx = _help(group, "cap")
    names = group.list_commands(top_ctx)
    parts = [PREAMBLE, "## Contents\n", "- [`cap`](#cap): the options every command takes"]
    for name in names:
        command = group.get_command(top_ctx, name)
        summary = command.get_short_help_str(limit=WIDTH)
        parts.append(f"- [`cap {name}`](#cap-{name}): {summary}")
    parts.append("")
    parts.append("## cap\n")
    parts.append(_block(top_help))
    for name in names:
        command = group.get_command(top_ctx, name)
        text, _ctx = _help(command, name, parent=top_ctx)
        parts.append(f"## cap {name}\n")
        parts.append(_block(text))
    return "\n".join(parts).rstrip("\n") + "\n"


def _block(text: str) -> str:
    lines = [line.rstrip() for line in text.strip("\n").splitlines()]
    return "```text\n" + "\n".join(lines) + "\n```\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = REFERENCE.read_text(encoding="utf-8") if REFERENCE.exists() else ""
        if current != text:
            print(f"docs/reference.md is out of date: run `{REGENERATE}`", file=sys.stderr)
            return 1
        return 0
    REFERENCE.write_text(text, encoding="utf-8")
    print(f"wrote {REFERENCE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
