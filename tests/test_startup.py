"""What `cap` loads before it runs a command (issue 16: `cap show` near the import floor).

No timings here (bench/run.py measures them): these tests hold the things that make a
start fast, so that a later change cannot quietly undo them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from cap.cli import app, main as cli_main
from cap.cli.main import _only_command

#: Libraries only some commands need: importing the CLI must load none of them.
HEAVY = ("rich", "jinja2", "markupsafe", "openpyxl", "docx", "sqlite3", "pydantic", "pydantic_core", "yaml",
         "dateutil", "filelock", "csv", "zipfile", "xml")
#: cap's library modules: each is imported by the command that uses it, never by the CLI itself.
CAP_CORE = ("cap.models", "cap.loader", "cap.yamlio", "cap.checks", "cap.render", "cap.updates", "cap.store",
            "cap.cache", "cap.reports", "cap.site", "cap.templating", "cap.history", "cap.gitio", "cap.importer")


def _modules_after(code: str) -> set[str]:
    env = {k: v for k, v in os.environ.items() if not (k.startswith("_") and k.endswith("_COMPLETE"))}
    out = subprocess.run([sys.executable, "-c", f"{code}\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, env=env, timeout=60, check=True).stdout
    return set(json.loads(out.splitlines()[-1]))


def test_importing_the_cli_loads_no_heavy_library():
    # What the interpreter itself loads at start-up (an editable install's finder may load
    # zipfile, say) is not the CLI's doing.
    loaded = _modules_after("import cap.cli") - _modules_after("pass")
    heavy = sorted(m for m in loaded if m.split(".")[0] in HEAVY)
    assert heavy == [], f"importing cap.cli loads {heavy}: import them inside the command that needs them"
    core = sorted(m for m in loaded if m in CAP_CORE or m.startswith(tuple(f"{c}." for c in CAP_CORE)))
    assert core == [], f"importing cap.cli loads {core}: import them inside the command that needs them"


def test_checking_a_ref_loads_no_write_machinery():
    loaded = _modules_after("from cap.cli.common import check_ref\ncheck_ref('4.4')")
    assert "cap.updates" not in loaded and "cap.models" not in loaded


def test_the_console_script_looks_for_no_pydantic_plugins():
    """Through pydantic's documented switch, not a stand-in for its private loader (a
    pydantic that changed its internals would break every command)."""
    code = ("import os, sys\nsys.argv = ['cap', '--version']\nfrom cap.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(os.environ.get('PYDANTIC_DISABLE_PLUGINS'))")
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60, check=True)
    assert out.stdout.splitlines()[-1] == "__all__"
    kept = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**env, "PYDANTIC_DISABLE_PLUGINS": "logfire"}, timeout=60, check=True)
    assert kept.stdout.splitlines()[-1] == "logfire"


def _names(commands) -> list[str]:
    from typer.main import get_command_name

    return [c.name or get_command_name(c.callback.__name__) for c in commands]


@pytest.mark.parametrize(
    ("argv", "built"),
    [
        (["show", "4.4"], ["show"]),
        (["--data", "x", "progress", "4.4", "done"], ["progress"]),
        (["--data=x", "validate"], ["validate"]),
        (["report", "--help"], ["report"]),
        ([], None),
        (["--help"], None),
        (["--version"], None),
        (["shwo", "4.4"], None),  # a misspelt command: every command, for the suggestion
        (["--data"], None),
    ],
)
def test_only_the_command_named_is_built(argv, built, monkeypatch):
    for key in [k for k in os.environ if k.startswith("_") and k.endswith("_COMPLETE")]:
        monkeypatch.delenv(key)
    everything = app.registered_commands
    chosen = _only_command(argv, everything)
    assert _names(chosen) == (built if built is not None else _names(everything))


def test_a_shell_asking_for_completions_gets_every_command(monkeypatch):
    monkeypatch.setenv("_CAP_COMPLETE", "complete_bash")
    assert _only_command(["show", "4"], app.registered_commands) is app.registered_commands


def _run_main(argv, monkeypatch, capsys) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["cap", *argv])
    with pytest.raises(SystemExit) as exc:
        cli_main()
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def test_a_command_built_alone_helps_and_fails_as_among_the_others(monkeypatch, capsys):
    """Every command's help, a usage mistake and a bad ref read the same through the
    console script with only that command built as with every command built."""
    console = sys.modules["cap.cli.main"]  # (cap.cli.main the attribute is the function)

    everything = list(app.registered_commands)
    runs = [[name, "--help"] for name in _names(everything)]
    runs += [["show", "--no-such-option"], ["show", "x.y"], ["progress", "4.4"], ["--help"], ["list", "--status", "nope"]]
    for argv in runs:
        alone = _run_main(argv, monkeypatch, capsys)
        assert app.registered_commands == everything  # restored after the run
        with monkeypatch.context() as m:
            m.setattr(console, "_only_command", lambda args, commands: commands)
            among = _run_main(argv, monkeypatch, capsys)
        assert alone == among, argv
    assert _run_main(["show", "x.y"], monkeypatch, capsys)[0] == 2
