"""What `cap` loads before it runs a command (issue 16: `cap show` near the import floor).

No timings here (bench/run.py measures them): these tests hold the things that make a
start fast, so that a later change cannot quietly undo them.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys

import pytest

from cap.cli import app, main as cli_main
from cap.cli.main import _only_command
from tests.conftest import DATA

#: Libraries only some commands need: importing the CLI must load none of them.
HEAVY = ("rich", "jinja2", "markupsafe", "openpyxl", "docx", "sqlite3", "pydantic", "pydantic_core", "yaml",
         "dateutil", "filelock", "csv", "zipfile", "xml")
#: cap's library modules: each is imported by the command that uses it, never by the CLI itself.
CAP_CORE = ("cap.models", "cap.loader", "cap.yamlio", "cap.checks", "cap.render", "cap.updates", "cap.store",
            "cap.cache", "cap.reports", "cap.site", "cap.templating", "cap.history", "cap.gitio", "cap.importer")


def _modules_after(code: str) -> set[str]:
    env = {k: v for k, v in os.environ.items() if not (k.startswith("_") and k.endswith("_COMPLETE"))}
    # The list is taken before anything is imported to print it (json would count as loaded).
    out = subprocess.run([sys.executable, "-c", f"{code}\nimport sys\nloaded = sorted(sys.modules)\n"
                          "print('--modules--', *loaded, sep='\\n')"],
                         capture_output=True, text=True, env=env, timeout=60, check=True).stdout
    return set(out.split("--modules--\n")[-1].split())


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


@pytest.mark.parametrize("argv", [["--version"], ["show", "4.4"], ["show", "9.99"]], ids=["version", "show", "fails"])
def test_the_console_script_leaves_the_exit_nothing_to_collect(argv):
    """Python's exit runs the garbage collector over every live object, more than once (a
    sixth of a `cap show`): the console script sets them aside first (`gc.freeze`), when
    a command succeeds or fails."""
    code = ("import gc, sys\nsys.argv = ['cap', '--data', sys.argv[1], *sys.argv[2:]]\nfrom cap.cli import main\n"
            "gc.unfreeze()\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(gc.get_freeze_count() > 0, sum(gc.get_count()) < 100, file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code, str(DATA), *argv], capture_output=True, text=True, timeout=60)
    assert out.stderr.splitlines()[-1] == "True True", out.stderr


#: What `cap show` and `cap progress` do not need (issue 16: start-up near the import
#: floor). The pydantic plugin loader's importlib.metadata brings csv and zipfile, so
#: those are not listed; json is only for `--format json` and problem reports.
NOT_FOR_SHOW = ("json", "sqlite3", "filelock", "logging", "jinja2", "markupsafe", "openpyxl", "docx", "dateutil",
                "cap.updates", "cap.store", "cap.checks", "cap.personaldata", "cap.reports", "cap.site",
                "cap.templating", "cap.history", "cap.gitio", "cap.importer")
NOT_FOR_PROGRESS = ("json", "sqlite3", "rich", "jinja2", "markupsafe", "openpyxl", "docx", "dateutil",
                    "cap.render", "cap.reports", "cap.site", "cap.templating", "cap.history", "cap.gitio",
                    "cap.importer")


def _run_console_script(argv: list[str]) -> set[str]:
    """The modules loaded by one run of the console script, beyond the interpreter's own."""
    code = (f"import sys\nsys.argv = ['cap', *{argv!r}]\nfrom cap.cli import main\n"
            "try:\n    main()\nexcept SystemExit as exc:\n    assert exc.code in (0, None), exc.code")
    return _modules_after(code) - _modules_after("pass")


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    """Which of `names` (and their submodules) cap loaded, leaving out what the stack loads
    by itself when a model is validated (some pydantic_core versions import asyncio, which
    brings logging): that is not cap's to cut."""
    modules = modules - _stack_modules()
    return sorted(m for m in modules if m in names or m.startswith(tuple(f"{n}." for n in names)))


@functools.cache
def _stack_modules() -> frozenset[str]:
    code = ("import typer, yaml\nfrom pydantic import BaseModel\nclass M(BaseModel):\n    x: int\n"
            "M.model_validate({'x': 1})")
    return frozenset(_modules_after(code))


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_cap_show_loads_only_what_it_needs(fmt):
    loaded = _run_console_script(["--data", str(DATA), "show", "4.4", "--as-of", "2017-07-01", "--format", fmt])
    unneeded = NOT_FOR_SHOW if fmt == "text" else tuple(m for m in NOT_FOR_SHOW if m != "json") + ("rich",)
    assert _loaded(loaded, unneeded) == [], "cap show loads what it does not need"
    assert "cap.models" in loaded and "pydantic.main" in loaded  # what it shows is validated


@pytest.mark.slow
def test_cap_progress_loads_only_what_it_needs(tmp_path):
    shutil.copytree(DATA, tmp_path / "data")
    loaded = _run_console_script(["--data", str(tmp_path / "data"), "progress", "4.4", "Audit presented.",
                                  "--date", "2017-06-30"])
    assert _loaded(loaded, NOT_FOR_PROGRESS) == [], "cap progress loads what it does not need"
    assert {"cap.models", "cap.store", "filelock"} <= loaded  # validated, locked, atomic


def test_records_are_built_when_first_used():
    """pydantic's documented `defer_build`: importing cap.models builds no validator, and a
    list field's default is a Python function (pydantic parses a builtin's signature from
    its text, slowly). Validation itself is unchanged: it runs through the same models."""
    from pydantic import BaseModel

    from cap import models

    records = [v for v in vars(models).values() if isinstance(v, type) and issubclass(v, BaseModel)
               and v is not BaseModel]
    assert len(records) >= 10
    for record in records:
        assert record.model_config.get("defer_build") is True, record
        for name, info in record.model_fields.items():
            assert info.default_factory is not list, f"{record.__name__}.{name}"
    # `__pydantic_complete__`: pydantic's documented flag for a model whose validator is built.
    code = ("from cap import models\nbuilt = [n for n in ('Action', 'ProgressEntry', 'Theme', 'ThemesFile') "
            "if getattr(models, n).__pydantic_complete__]\nprint(built)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.split() == ["[]"]


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
        (["round", "status"], []),  # a group of commands (cap round): the group alone, no other command
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


@pytest.mark.slow
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
