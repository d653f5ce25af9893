"""The `cap` benchmark: synthetic plans of 1,000 and 10,000 actions (50,000 on request), each command timed as a process.

    python bench/run.py                                  # 1,000 and 10,000 actions, 5 runs each
    python bench/run.py --sizes 1000,10000,50000 --runs 3   # and the linearity check at 50,000
    python bench/run.py --sizes 2000 --runs 3 --out /tmp/r.json
    python bench/run.py --keep /tmp/cap-bench            # reuse the generated plans next time
    python bench/run.py --compare bench/results.json     # show the change against an earlier run
    python bench/run.py --sizes '' --round --runs 3      # the update round alone (bench/round_bench.py)

For each size it writes a realistic plan (the four real themes, hundreds of cases, many lead
agencies, 1-10 progress entries, target revisions, sign-offs, withdrawals, all through the
canonical writer) into a temporary folder, then runs every command as a whole process: the
`cap` beside this Python (or `--cap PATH`), a warm-up run, then `--runs` timed runs taken in
rounds (every command once per round, so a drift of the machine hits all alike). Every
whole-plan command is measured twice: warm (its load cache, in a folder of its own, filled
by the warm-up) and `-cold` (the cache folder emptied before every run, as on a CI runner
that kept none). Reported: median and min wall time, peak memory (max RSS of the child) and
the ratio of the median to its baseline, against the targets of issue 16 (bench/README.md):

    baseline `parse`          a bare Python that reads every file and parses it with
                              yaml.CSafeLoader, nothing else: the floor for this format
    baseline `import-typer`   `python -c "import typer"`: the floor for start-up
    baseline `import-stack`   `python -c "import typer, pydantic, yaml"`: the floor for a
                              command that reads one action (show, progress)
    `baseline-pydantic-model` the same, then one two-field pydantic model defined and one dict
                              validated (no plugin lookup, as cap runs): what validating
                              anything through pydantic adds to import-stack (reported as a
                              ratio to it, no target)
    `baseline-typer-app`      the smallest Typer app that takes a ref, run as `show REF`: what
                              any Typer command that takes an argument costs (Typer checks
                              parameters through pydantic); a ratio to import-stack, no target

Commands that do not exist yet (validate, report, progress on an early branch) are reported as
skipped. Only the standard library and cap's own dependencies are used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable


HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:  # run as `python bench/run.py` from a checkout
    sys.path.insert(0, str(ROOT))

#: Bump when the generator changes, so `--keep` never reuses a plan made by an older one.
GENERATOR_VERSION = 1
#: The day the synthetic plan is judged on (`--as-of`): every generated date is on or before it.
AS_OF = dt.date(2025, 6, 30)
FIRST_DAY = dt.date(2010, 1, 1)

# --------------------------------------------------------------------------- the plan

THEMES = [
    {"id": "curiosity", "number": 1, "title": "Professional curiosity", "aliases": ["professional-curiosity"]},
    {"id": "information-sharing", "number": 2, "title": "Fora for discussion and information-sharing",
     "aliases": ["fora", "info-sharing"]},
    {"id": "collaboration", "number": 3, "title": "Collaborative working, decision-making and planning",
     "aliases": ["collaborative-working", "decision-making", "planning"]},
    {"id": "accountability", "number": 4, "title": "Ownership and accountability: management grip",
     "aliases": ["ownership", "management-grip"]},
]
THEME_WEIGHTS = [0.22, 0.24, 0.2, 0.34]

LEADS = [
    "NSCB", "NSCB Business Manager", "Children's Services", "Norfolk Constabulary", "Health", "CCG",
    "NCHC", "NSFT", "Education", "Early Help", "Adult Social Care", "Probation", "CRC",
    "Designated Nurse", "Named GP", "Public Health", "Housing", "Youth Offending Team",
    "Workforce Development Group", "MASH", "Ambulance Service", "Acute Trusts", "Schools Forum",
    "Domestic Abuse Partnership", "Learning and Improvement Sub-group",
]
OWNERS = ["Head of Safeguarding", "Designated Doctor", "MASH Manager", "Training Coordinator",
          "Quality Assurance Lead", "Named Nurse", "Detective Inspector, Safeguarding"]
SIGNERS = ["SCR Review Group", "NSCB Board", "Learning and Improvement Sub-group"]

SUBJECTS = [
    "NSCB", "All partner agencies", "Children's Services", "Health providers", "The MASH",
    "Norfolk Constabulary", "Schools", "Early Help hubs", "The Workforce Development Group",
    "Commissioners", "Primary care", "Adult services",
]
VERBS = [
    "to develop guidance for professionals on", "to ensure that practitioners routinely consider",
    "to review the arrangements for", "to strengthen the escalation process for",
    "to audit the quality of", "to deliver multi-agency training on", "to embed learning about",
    "to establish a core standard for", "to evaluate the impact of", "to agree a protocol for",
]
TOPICS = [
    "parental responsibility and consent", "disguised compliance", "professional challenge",
    "neglect and its cumulative impact", "the voice of the child", "domestic abuse in households with children",
    "information sharing between universal services", "strategy discussions", "children missing education",
    "supervision in respect of safeguarding children", "assessments of fathers and other men in the household",
    "parental mental health and substance misuse", "pre-birth assessments", "transitions between services",
    "case closure and step-down", "re-evaluating opinions in the light of new information",
    "the use of chronologies", "children with disabilities", "child sexual exploitation",
    "thresholds for referral to the MASH",
]
CLAUSES = [
    "which includes the need for professionals to explore these issues routinely in each case",
    "so that it is used effectively and routinely across the partnership",
    "and report progress to the Board every six months",
    "with findings shared through the Learning and Improvement Sub-group",
    "taking account of the learning from the thematic review",
    "and test its impact through multi-agency audit",
    "including single agency training under validation",
    "ensuring that the lived experience of the child is recorded",
]
PROGRESS = [
    "Best practice workshops covering each of the key themes are planned for the year.",
    "Multi-agency audit completed; findings presented to the Learning and Improvement Sub-group.",
    "Draft guidance circulated to partner agencies for comment; responses due next month.",
    "Sub-group of the Workforce Development Group established to take this forward.",
    "Section 11 self-assessment returns analysed; three agencies asked for further assurance.",
    "Training delivered to frontline staff across the partnership, with positive evaluations.",
    "Awaiting the outcome of the regional review before the protocol is finalised.",
    "Escalation policy revised and published on the Board's website.",
    "Learning briefing issued and discussed at team meetings in every agency.",
    "Progress delayed by staffing changes; a new lead officer has been identified.",
    "Dip sample of cases shows improved recording of the child's views.",
    "Update received from the lead agency and reviewed by the Business Manager.",
]
REASONS = [
    "Awaiting the findings of the multi-agency audit.", "Lead officer changed; new timescale agreed.",
    "Dependent on the regional procedures review.", "Extended to include learning from a later review.",
    "Capacity in the training team.",
]
WITHDRAWN = [
    "Superseded by the regional protocol.", "Merged into a later action of the same theme.",
    "No longer applicable after the service was recommissioned.",
]


def _text(rng: random.Random, parts: list[str], low: int, high: int) -> str:
    """Sentences from `parts` until the text is between about `low` and `high` characters."""
    want = rng.randint(low, high)
    order = rng.sample(parts, len(parts))
    out = order.pop()
    while len(out) < want and order:
        out += " " + order.pop()
    return out


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def scr_ids(count: int) -> list[str]:
    """The real plan's case letters, then pooled cases `A-2010`, `B-2010`, ..."""
    ids = ["D", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S"]
    year = 2010
    while len(ids) < count:
        ids += [f"{chr(ord('A') + i)}-{year}" for i in range(26)]
        year += 1
    return ids[:count]


def make_action(rng: random.Random, ref: str, theme: str, scrs: list[str], status: str) -> dict[str, Any]:
    """One action as data, consistent with its status (sign-off, reason, dated history)."""
    created = _day(rng, FIRST_DAY, AS_OF - dt.timedelta(days=120))
    subject, verb, topic = rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(TOPICS)
    action = f"{subject} {verb} {topic}, " + ", ".join(rng.sample(CLAUSES, rng.randint(1, 3))) + "."
    data: dict[str, Any] = {
        "ref": ref,
        "theme": theme,
        "scrs": scrs,
        "all_scrs": rng.random() < 0.1,
        "action": action,
        "lead": rng.sample(LEADS, rng.choice([1, 1, 1, 2, 2, 3])),
    }
    # progress first: the target history and sign-off are dated around it
    entries = rng.randint(1, 10)
    days = sorted(_day(rng, created, AS_OF) for _ in range(entries))
    progress = []
    for i, day in enumerate(days):
        text = _text(rng, PROGRESS, 60, 600)
        if status == "complete" and i == len(days) - 1:
            text = "Complete. " + text
        entry: dict[str, Any] = {"date": day, "text": text}
        if rng.random() < 0.5:
            entry["author"] = rng.choice(OWNERS)
        progress.append(entry)
    if rng.random() < 0.06 and status in ("open", "in-progress"):
        target: dt.date | str = "ongoing"
        data["review_date"] = _day(rng, AS_OF, AS_OF + dt.timedelta(days=365))
    elif status in ("open", "in-progress"):  # about half of them overdue as of AS_OF
        target = _day(rng, created + dt.timedelta(days=30), AS_OF + dt.timedelta(days=540))
    else:
        target = _day(rng, created + dt.timedelta(days=30), days[-1] + dt.timedelta(days=200))
    history = []
    if target != "ongoing" and rng.random() < 0.2:
        revisions = rng.randint(1, 3)
        span = (target - created).days - 14  # the original target is after the action was made
        delta = min(60 * revisions + rng.randint(0, 90), span)
        revisions = min(revisions, max(1, delta // 2))
        original = target - dt.timedelta(days=delta)
        when = sorted(_day(rng, created, min(AS_OF, target)) for _ in range(revisions))
        steps = [original] + sorted(
            original + dt.timedelta(days=rng.randint(1, (target - original).days - 1)) for _ in range(revisions - 1)
        ) + [target]
        for i in range(revisions):
            history.append({"date": when[i], "from": steps[i], "to": steps[i + 1], "reason": rng.choice(REASONS)})
    data["target_date"] = target
    data["status"] = status
    if rng.random() < 0.4:
        data["owner"] = rng.choice(OWNERS)
    if rng.random() < 0.3:
        data["outcome"] = "Practitioners " + rng.choice(VERBS).removeprefix("to ") + " " + rng.choice(TOPICS) + "."
    if rng.random() < 0.2:
        data["evidence"] = [
            f"Audit report {rng.randint(2011, 2025)}-{rng.randint(1, 12):02d}" for _ in range(rng.randint(1, 3))
        ]
    if status == "withdrawn":
        data["withdrawn_reason"] = rng.choice(WITHDRAWN)
    if status == "closed":
        data["signed_off"] = {"date": _day(rng, days[-1], AS_OF), "by": rng.choice(SIGNERS)}
    if history:
        data["target_history"] = history
    data["progress"] = progress
    return data


def _unshared(value: Any) -> Any:
    """A copy in which no date object appears twice.

    PyYAML's dumper gives an object met twice an anchor (`&id001`) and an alias, and dates
    are not exempt; the canonical writer then refuses its own text. (Reported as a writer
    bug: `_CanonicalDumper.ignore_aliases` should always be true.)
    """
    if isinstance(value, dict):
        return {k: _unshared(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unshared(v) for v in value]
    if isinstance(value, dt.date):
        return dt.date.fromordinal(value.toordinal())
    return value


STATUS_WEIGHTS = {"open": 0.15, "in-progress": 0.4, "complete": 0.12, "closed": 0.27, "withdrawn": 0.06}


@dataclass
class GeneratedPlan:
    data_dir: Path
    actions: int
    show_ref: str  # an in-progress action with several progress entries
    theme: str  # for `list --theme X --overdue`
    seconds: float
    bytes: int


def generate(data_dir: Path, count: int, seed: int = 7) -> GeneratedPlan:
    """Write a valid plan of `count` actions into `data_dir` (which must not exist yet)."""
    from cap.models import Action, ScrsFile, ThemesFile
    from cap.store import canonical_text

    started = time.perf_counter()
    rng = random.Random(f"{seed}:{count}")
    actions_dir = data_dir / "actions"
    actions_dir.mkdir(parents=True)
    scrs = scr_ids(max(12, count // 25))
    themes = ThemesFile.model_validate({"themes": THEMES})
    cases = ScrsFile.model_validate({"scrs": [{"id": s, "title": f"Case {s}"} for s in scrs]})
    (data_dir / "themes.yaml").write_text(canonical_text(themes), encoding="utf-8", newline="\n")
    (data_dir / "scrs.yaml").write_text(canonical_text(cases), encoding="utf-8", newline="\n")
    numbers = [0] * len(THEMES)
    statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    show_ref, best = "", -1
    uncited = list(scrs)  # every declared case is cited at least once (else validate warns)
    rng.shuffle(uncited)
    total = 0
    for _ in range(count):
        t = rng.choices(range(len(THEMES)), THEME_WEIGHTS)[0]
        numbers[t] += 1
        ref = f"{THEMES[t]['number']}.{numbers[t]}"
        cited = {uncited.pop()} if uncited else set()
        cited |= set(rng.sample(scrs, rng.choice([0, 1, 1, 2, 3])))
        status = rng.choices(statuses, weights)[0]
        data = make_action(rng, ref, THEMES[t]["id"], sorted(cited), status)
        text = canonical_text(Action.model_validate(_unshared(data)))
        (actions_dir / f"{ref}.yaml").write_text(text, encoding="utf-8", newline="\n")
        total += len(text.encode())
        if status == "in-progress" and len(data["progress"]) > best:
            show_ref, best = ref, len(data["progress"])
    return GeneratedPlan(data_dir, count, show_ref, "curiosity", time.perf_counter() - started, total)


def prepared(keep: Path | None, work: Path, count: int, seed: int) -> GeneratedPlan:
    """A generated plan, reused from `--keep DIR` when one made the same way is there.

    The plan is generated by a child process, so this process never imports cap or
    pydantic: on Linux a child's peak RSS includes its parent's at the moment of the fork,
    and a lean parent keeps that floor (about 10 MB) below every measured command.
    """
    folder = (keep or work) / f"plan-{count}-seed{seed}-v{GENERATOR_VERSION}"
    manifest = folder / "manifest.json"
    if not manifest.is_file():
        if folder.exists():
            shutil.rmtree(folder)
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--generate-into", str(folder),
                        "--sizes", str(count), "--seed", str(seed)], check=True)
    m = json.loads(manifest.read_text("utf-8"))
    return GeneratedPlan(folder / "data", count, m["show_ref"], m["theme"], m["seconds"], m["bytes"])


def generate_into(folder: Path, count: int, seed: int) -> None:
    """The `--generate-into` child: the plan in folder/data and its manifest.json."""
    plan = generate(folder / "data", count, seed)
    (folder / "manifest.json").write_text(json.dumps({"show_ref": plan.show_ref, "theme": plan.theme,
                                                      "seconds": plan.seconds, "bytes": plan.bytes}), "utf-8")


# --------------------------------------------------------------------------- running

#: The parse baseline: read every file, parse it with libyaml's safe loader, nothing else.
PARSE_BASELINE = """\
import os, sys, yaml
d = sys.argv[1]
paths = [os.path.join(d, 'themes.yaml'), os.path.join(d, 'scrs.yaml')]
a = os.path.join(d, 'actions')
paths += [os.path.join(a, n) for n in sorted(os.listdir(a)) if n.endswith('.yaml')]
for p in paths:
    with open(p, 'rb') as f:
        yaml.load(f.read().decode('utf-8'), Loader=yaml.CSafeLoader)
"""

#: The pydantic-model baseline: the stack imported, one small model built and used. `import
#: pydantic` alone leaves pydantic's model machinery unloaded; a command that validates a record
#: loads it (and pydantic's plugin loader, with importlib.metadata) whatever else it does.
PYDANTIC_MODEL_BASELINE = """\
import typer, pydantic, yaml
class Record(pydantic.BaseModel):
    ref: str
    lead: list[str]
Record.model_validate({"ref": "4.4", "lead": ["NSCB"]})
"""


#: The typer-app baseline: the smallest Typer app that takes a ref, as `cap show` does (two
#: commands, one argument, one option), run as `show 4.4`. Typer 0.29 and later check every
#: parameter through a pydantic TypeAdapter, so running any command that takes an argument
#: loads pydantic's model machinery: this is the floor for any command of a Typer app.
TYPER_APP_BASELINE = """\
from typing import Annotated
import typer, pydantic, yaml
app = typer.Typer()
@app.command()
def show(ref: Annotated[str, typer.Argument()], format: Annotated[str, typer.Option("--format")] = "text") -> None:
    print(ref, format)
@app.command()
def other() -> None:
    pass
app()
"""


@dataclass
class Command:
    name: str
    argv: list[str]
    baseline: str | None  # the name of the command whose median is the denominator
    target: float | None  # the issue's maximum ratio (at 10,000 actions)
    needs: str | None = None  # a cap subcommand that may not exist yet
    target_rss_mb: float | None = None
    fresh: Callable[[], None] | None = None  # called before each run (not timed)
    env: dict[str, str] | None = None  # what this command's environment adds or changes


@dataclass
class Run:
    seconds: float
    max_rss_mb: float | None
    returncode: int
    stdout_bytes: int
    stderr: str


def _rss_mb(ru_maxrss: int) -> float:
    """ru_maxrss is in KiB on Linux and the BSDs, in bytes on macOS."""
    return ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else ru_maxrss / 1024


#: The launcher: a lean Python (-I -S: no site, about 8 MB) that forks the measured command,
#: waits for it with wait4 and prints `seconds returncode ru_maxrss`. It exists because on
#: Linux a child's peak RSS starts from its parent's peak at the fork/exec, so measuring
#: from this (bigger) process would put a floor of its own size under every figure.
LAUNCHER = """\
import os, sys, time
out = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
err = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
null = os.open(os.devnull, os.O_RDONLY)
argv = sys.argv[3:]
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.dup2(null, 0); os.dup2(out, 1); os.dup2(err, 2)
        os.execv(argv[0], argv)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - started
print(seconds, os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def run_once(argv: list[str], cwd: Path, env: dict[str, str], out_path: Path) -> Run:
    """Run one process, stdout to a file (not a terminal); time it and take its peak RSS."""
    err_path = out_path.with_suffix(".err")
    if hasattr(os, "fork") and hasattr(os, "wait4"):
        launched = subprocess.run([sys.executable, "-I", "-S", "-c", LAUNCHER, str(out_path), str(err_path), *argv],
                                  cwd=cwd, env=env, capture_output=True, text=True, check=True)
        seconds_text, code_text, rss_text = launched.stdout.split()
        seconds, returncode, rss = float(seconds_text), int(code_text), _rss_mb(int(rss_text))
    else:  # pragma: no cover - Windows: no fork, and no per-child peak memory from the stdlib
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            started = time.perf_counter()
            returncode = subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                        stderr=err).returncode
            seconds, rss = time.perf_counter() - started, None
    stderr = err_path.read_text("utf-8", "replace")
    return Run(seconds, rss, returncode, out_path.stat().st_size, stderr)


def find_cap(explicit: str | None) -> str:
    if explicit:
        return explicit
    beside = Path(sys.executable).parent / ("cap.exe" if os.name == "nt" else "cap")
    if beside.exists():
        return str(beside)
    found = shutil.which("cap")
    if not found:
        sys.exit("bench: no `cap` beside this Python and none on PATH (pip install -e . first, or --cap PATH)")
    return found


def available(cap: str, name: str, env: dict[str, str], cwd: Path) -> bool:
    """Does `cap NAME` exist? (`cap NAME --help` exits 2 with "No such command" when not.)"""
    result = subprocess.run([cap, name, "--help"], cwd=cwd, env=env, capture_output=True, text=True)
    return result.returncode == 0


#: Peak memory allowed to any whole-plan command at 10,000 actions, cold or warm (issue 16).
WHOLE_PLAN_RSS_MB = 120
#: Cold targets (no load cache: a fresh CI runner), as ratios to the parse baseline (issue 16).
COLD_TARGETS = {"list-json": 1.3, "list-overdue": 1.3, "report-html": 1.3, "validate": 1.5}


def commands(cap: str, plan: GeneratedPlan, work: Path) -> list[Command]:
    """Every measured command. Whole-plan commands run twice: warm (the load cache, in its
    own folder, filled by the warm-up run) and `-cold` (an empty cache folder before
    every run: what a CI runner without a kept cache pays, writing the cache included)."""
    py, data, as_of = sys.executable, str(plan.data_dir), ["--as-of", AS_OF.isoformat()]
    copy = work / f"copy-{plan.actions}" / "data"  # `cap progress` writes: it gets its own copy
    warm_env = {"CAP_CACHE_DIR": str(work / f"cache-warm-{plan.actions}")}
    cold_dir = work / f"cache-cold-{plan.actions}"

    def fresh_copy() -> None:
        if not copy.exists():
            shutil.copytree(plan.data_dir, copy)

    def no_cache() -> None:
        shutil.rmtree(cold_dir, ignore_errors=True)

    ref = plan.show_ref
    rss = WHOLE_PLAN_RSS_MB
    whole = [
        Command("list-json", [cap, "--data", data, "list", "--format", "json", *as_of], "baseline-parse", 0.6,
                target_rss_mb=rss),
        Command("list-overdue", [cap, "--data", data, "list", "--overdue", *as_of], "baseline-parse", 1.5,
                target_rss_mb=rss),
        Command("list-table", [cap, "--data", data, "list", *as_of], "baseline-parse", 2.0, target_rss_mb=rss),
        Command("list-theme-overdue", [cap, "--data", data, "list", "--theme", plan.theme, "--overdue", *as_of],
                "baseline-parse", 1.5, target_rss_mb=rss),
        Command("validate", [cap, "--data", data, "validate"], "baseline-parse", 0.6, needs="validate",
                target_rss_mb=rss),
        Command("report-html", [cap, "--data", data, "report", "--format", "html", *as_of], "baseline-parse", None,
                needs="report", target_rss_mb=rss),
        Command("report-xlsx", [cap, "--data", data, "report", "--format", "xlsx", *as_of], "baseline-parse", None,
                needs="report", target_rss_mb=rss),
        Command("report-docx", [cap, "--data", data, "report", "--format", "docx", *as_of], "baseline-parse", None,
                needs="report", target_rss_mb=rss),
    ]
    for cmd in whole:
        cmd.env = warm_env
    cold = [
        Command(f"{c.name}-cold", c.argv, c.baseline, COLD_TARGETS.get(c.name), needs=c.needs,
                target_rss_mb=rss, fresh=no_cache, env={"CAP_CACHE_DIR": str(cold_dir)})
        for c in whole
    ]
    return [
        Command("baseline-import-typer", [py, "-c", "import typer"], None, None),
        Command("baseline-import-stack", [py, "-c", "import typer, pydantic, yaml"], None, None),
        Command("baseline-pydantic-model", [py, "-c", PYDANTIC_MODEL_BASELINE], "baseline-import-stack", None,
                env={"PYDANTIC_DISABLE_PLUGINS": "__all__"}),  # as cap's console script sets it
        Command("baseline-typer-app", [py, "-c", TYPER_APP_BASELINE, "show", ref], "baseline-import-stack", None),
        Command("baseline-parse", [py, "-c", PARSE_BASELINE, data], None, None),
        Command("help", [cap, "--help"], "baseline-import-typer", 1.5),
        Command("version", [cap, "--version"], "baseline-import-typer", 1.5),
        *whole,
        *cold,
        Command("show", [cap, "--data", data, "show", ref, *as_of], "baseline-import-stack", 1.3, env=warm_env),
        Command("progress", [cap, "--data", str(copy), "progress", ref, "Benchmark entry: update received."],
                "baseline-import-stack", 1.3, needs="progress", fresh=fresh_copy, env=warm_env),
    ]


def child_env() -> dict[str, str]:
    """The user's environment, minus what would change what cap does (a fixed 80-column pipe).

    Without PYTHONDONTWRITEBYTECODE: an installed cap runs from the bytecode pip compiled,
    and an editable one from what its first run wrote (here the warm-up run). With it, every
    run would compile cap's modules from source again (about 60 ms, a third of a `cap show`),
    a cost no installation pays."""
    env = dict(os.environ)
    for key in ("CAP_DATA", "CAP_DEBUG", "COLUMNS", "LINES", "FORCE_COLOR", "CAP_NO_CACHE", "CAP_CACHE_DIR",
                "PYTHONDONTWRITEBYTECODE"):
        env.pop(key, None)
    return env


def measure(
    cmds: list[Command], cap: str, runs: int, warmup: int, work: Path, log: Callable[[str], None]
) -> list[dict]:
    env = child_env()
    out_dir = work / "out"
    out_dir.mkdir(exist_ok=True)
    skipped: dict[str, str] = {}
    for cmd in cmds:
        if cmd.needs and not available(cap, cmd.needs, env, work):
            skipped[cmd.name] = f"`cap {cmd.needs}` does not exist on this version"
    todo = [c for c in cmds if c.name not in skipped]
    results: dict[str, list[Run]] = {c.name: [] for c in todo}
    for round_ in range(warmup + runs):
        for cmd in todo:
            if cmd.name in skipped:
                continue
            if cmd.fresh:
                cmd.fresh()
            run = run_once(cmd.argv, work, {**env, **(cmd.env or {})}, out_dir / f"{cmd.name}.out")
            if run.returncode == 2:  # a usage error: this version's command takes other options
                first = next((line for line in run.stderr.splitlines() if line.strip().startswith("Error")),
                             run.stderr.strip().splitlines()[-1] if run.stderr.strip() else "exit 2")
                skipped[cmd.name] = f"usage error (exit 2): {first.strip()}"
                continue
            if round_ >= warmup:
                results[cmd.name].append(run)
        log(f"  round {round_ + 1}/{warmup + runs} done" + (" (warm-up)" if round_ < warmup else ""))
    rows = []
    medians = {name: statistics.median(r.seconds for r in rs) for name, rs in results.items() if rs}
    for cmd in cmds:
        row: dict[str, Any] = {"name": cmd.name, "argv": _shown_argv(cmd.argv, work), "baseline": cmd.baseline,
                               "target_ratio": cmd.target, "target_rss_mb": cmd.target_rss_mb}
        if cmd.name in skipped or not results.get(cmd.name):
            row.update(status="skipped", note=skipped.get(cmd.name, "not run"))
            rows.append(row)
            continue
        rs = results[cmd.name]
        rss = [r.max_rss_mb for r in rs if r.max_rss_mb is not None]
        failed = [r for r in rs if r.returncode != 0]
        row.update(
            status="failed" if failed else "ok",
            runs_s=[round(r.seconds, 4) for r in rs],
            median_s=round(medians[cmd.name], 4),
            min_s=round(min(r.seconds for r in rs), 4),
            max_rss_mb=round(max(rss), 1) if rss else None,
            returncodes=sorted({r.returncode for r in rs}),
            stdout_bytes=rs[-1].stdout_bytes,
        )
        if failed:
            last = failed[-1].stderr.strip()
            row["note"] = last.splitlines()[-1][:300] if last else "non-zero exit"
        if cmd.name in ("list-json", "list-json-cold") and not failed:
            row["records"] = count_records(out_dir / f"{cmd.name}.out")
        base = medians.get(cmd.baseline) if cmd.baseline else None
        if base:
            row["ratio"] = round(medians[cmd.name] / base, 2)
            # min over min: the steadier figure on a machine that other work shares
            row["ratio_min"] = round(row["min_s"] / min(r.seconds for r in results[cmd.baseline]), 2)
        verdicts = []
        if cmd.target is not None and "ratio" in row:
            verdicts.append(row["ratio"] <= cmd.target)
        if cmd.target_rss_mb is not None and row["max_rss_mb"] is not None:
            verdicts.append(row["max_rss_mb"] < cmd.target_rss_mb)
        row["target_met"] = all(verdicts) if verdicts and not failed else (False if failed else None)
        rows.append(row)
    return rows


def count_records(path: Path) -> int | None:
    """How many objects `cap list --format json` printed (parsed in a child: keeps this process lean)."""
    code = "import json, sys; print(len(json.load(open(sys.argv[1], encoding='utf-8'))))"
    result = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True)
    return int(result.stdout) if result.returncode == 0 else None


def _shown_argv(argv: list[str], work: Path) -> list[str]:
    """The command as a person would type it: `cap`, `python`, paths relative to the work folder."""
    shown = []
    for i, arg in enumerate(argv):
        if i == 0:
            arg = "python" if arg == sys.executable else "cap"
        elif arg == PARSE_BASELINE:
            arg = "<read and CSafeLoader-parse every file>"
        elif arg == PYDANTIC_MODEL_BASELINE:
            arg = "<one pydantic model validated>"
        elif arg == TYPER_APP_BASELINE:
            arg = "<a two-command Typer app>"
        elif arg.startswith(str(work)):
            arg = "$WORK" + arg[len(str(work)):]
        shown.append(arg)
    return shown


# --------------------------------------------------------------------------- reporting


def _target_text(row: dict) -> str:
    parts = []
    if row.get("target_ratio") is not None:
        parts.append(f"<={row['target_ratio']:g}x")
    if row.get("target_rss_mb") is not None:
        parts.append(f"<{row['target_rss_mb']:g}MB")
    return " ".join(parts) or "-"


def table(size: dict, before: dict[str, dict] | None = None) -> str:
    head = ["command", "median s", "min s", "max RSS MB", "ratio", "min ratio", "to", "target", "result"]
    if before is not None:
        head.append("before s")
    lines = []
    for row in size["commands"]:
        if row["status"] == "skipped":
            cells = [row["name"], "-", "-", "-", "-", "-", "", _target_text(row), "skipped: " + row["note"]]
        else:
            met = row.get("target_met")
            result = {True: "pass", False: "FAIL", None: "-"}[met]
            if row["status"] == "failed":
                result = f"FAILED (exit {row['returncodes']}): {row.get('note', '')}"
            cells = [
                row["name"], f"{row['median_s']:.3f}", f"{row['min_s']:.3f}",
                "-" if row["max_rss_mb"] is None else f"{row['max_rss_mb']:.0f}",
                f"{row['ratio']:.2f}x" if "ratio" in row else "",
                f"{row['ratio_min']:.2f}x" if "ratio_min" in row else "",
                (row["baseline"] or "").replace("baseline-", ""), _target_text(row), result,
            ]
        if before is not None:
            old = before.get(row["name"], {})
            cells.append(f"{old['median_s']:.3f}" if "median_s" in old else "-")
        lines.append(cells)
    widths = [max(len(str(c)) for c in col) for col in zip(head, *lines)]
    widths[-1] = len(head[-1])  # the last column is free text
    fmt = "  ".join("{:<%d}" % w for w in widths)
    return "\n".join(fmt.format(*r).rstrip() for r in [head, *lines])


def meta(cap: str, runs: int, warmup: int, seed: int) -> dict[str, Any]:
    version = subprocess.run([cap, "--version"], capture_output=True, text=True).stdout.strip()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return {
        "cap": version,
        "commit": commit.stdout.strip() if commit.returncode == 0 else None,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "runs": runs,
        "warmup": warmup,
        "seed": seed,
        "as_of": AS_OF.isoformat(),
        "generator": GENERATOR_VERSION,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000",
                        help="comma-separated plan sizes (default 1000,10000; add 50000 for the linearity check)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each command (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs first (default 1)")
    parser.add_argument("--out", type=Path, default=HERE / "results.json",
                        help="JSON results (default bench/results.json)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep the generated plans in DIR and reuse them")
    parser.add_argument("--only", metavar="NAMES", help="comma-separated command names (the baselines always run)")
    parser.add_argument("--cap", metavar="PATH", help="the cap executable (default: the one beside this Python)")
    parser.add_argument("--compare", type=Path, metavar="JSON", help="an earlier results file to show beside this run")
    parser.add_argument("--generate-into", type=Path, help=argparse.SUPPRESS)  # the generating child
    parser.add_argument("--site", action="store_true", help="also time `cap site` on a generated history")
    parser.add_argument("--site-generate-into", type=Path, help=argparse.SUPPRESS)  # the generating child
    parser.add_argument("--round", action="store_true",
                        help="also time the update round (cap round start and collect, bench/round_bench.py)")
    parser.add_argument("--round-generate-into", type=Path, help=argparse.SUPPRESS)  # the generating child
    args = parser.parse_args(argv)
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes must be numbers separated by commas, not {args.sizes!r}")
    if args.site_generate_into:
        site_generate_into(args.site_generate_into, args.seed)
        return 0
    if args.round_generate_into:
        from round_bench import round_generate_into

        round_generate_into(args.round_generate_into, args.seed)
        return 0
    if (not sizes and not args.site and not args.round) or min(sizes, default=1) < 1 or args.runs < 1 or args.warmup < 0:
        parser.error("--sizes must be positive, --runs at least 1, --warmup at least 0")
    if args.generate_into:
        generate_into(args.generate_into, sizes[0], args.seed)
        return 0
    cap = find_cap(args.cap)
    log = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    earlier = json.loads(args.compare.read_text("utf-8")) if args.compare else None
    result: dict[str, Any] = {"meta": meta(cap, args.runs, args.warmup, args.seed), "sizes": []}
    with tempfile.TemporaryDirectory(prefix="cap-bench-") as tmp:
        work = Path(tmp)
        # the smallest peak RSS this method can report: the launcher's own (a bare `python -I -S`)
        floor = run_once([sys.executable, "-I", "-S", "-c", "pass"], work, child_env(), work / "floor.out")
        result["meta"]["rss_floor_mb"] = None if floor.max_rss_mb is None else round(floor.max_rss_mb, 1)
        for count in sizes:
            log(f"generating {count:,} actions ...")
            plan = prepared(args.keep, work, count, args.seed)
            log(f"  {plan.bytes / 1e6:.1f} MB in {plan.seconds:.1f} s; show/progress ref {plan.show_ref}")
            cmds = commands(cap, plan, work)
            if args.only:
                wanted = {n.strip() for n in args.only.split(",")}
                unknown = wanted - {c.name for c in cmds}
                if unknown:
                    parser.error(f"unknown command name(s) {', '.join(sorted(unknown))}; "
                                 f"choose from {', '.join(c.name for c in cmds)}")
                cmds = [c for c in cmds if c.name in wanted or c.name.startswith("baseline-")
                        or any(o.baseline == c.name for o in cmds if o.name in wanted)]
            rows = measure(cmds, cap, args.runs, args.warmup, work, log)
            size = {"actions": count, "data_bytes": plan.bytes, "generate_s": round(plan.seconds, 1),
                    "show_ref": plan.show_ref, "theme": plan.theme, "commands": rows}
            result["sizes"].append(size)
            before = None
            if earlier is not None:
                old = next((s for s in earlier.get("sizes", []) if s.get("actions") == count), {})
                before = {r["name"]: r for r in old.get("commands", [])}
            print(f"\n{count:,} actions ({plan.bytes / 1e6:.1f} MB), median of {args.runs} runs, "
                  f"{result['meta']['cpus']} CPUs, {result['meta']['cap']}:")
            print(table(size, before), flush=True)
        if args.site:
            result["site"] = bench_site(cap, args.runs, args.warmup, work, args.keep, args.seed, log)
        if args.round:
            from round_bench import bench_round

            result["round"] = bench_round(cap, args.runs, args.warmup, work, args.keep, args.seed, log)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print("\nratio: median over the baseline's median (pass/fail is judged on it); min ratio: min over min."
          "\ntargets: issue 16's, set for 10,000 actions; `to` names the baseline; -cold: no load cache.")
    print(f"written {args.out}")
    return 0


# --------------------------------------------------------------------------- cap site: a plan with history
#
# `python bench/run.py --site` (alone: `--sizes ''`) generates a git repository of SITE_ACTIONS actions
# and SITE_COMMITS commits over SITE_YEARS years with `git fast-import` (one process, no checkout per
# commit), then times `cap site` on it as a process. Issue 15's target: a full build under 10 s.

SITE_ACTIONS, SITE_COMMITS, SITE_YEARS = 1000, 1000, 5
SITE_TARGET_S = 10.0
SITE_GENERATOR_VERSION = 1


def generate_history(root: Path, actions: int = SITE_ACTIONS, commits: int = SITE_COMMITS,
                     years: int = SITE_YEARS, seed: int = 7) -> dict[str, Any]:
    """A repository in `root` whose history grows a plan to `actions` actions in `commits` commits.

    The first commit holds a fifth of the actions; every later one adds a few more (until all
    are there) and updates one to three: a progress entry, a status step (open, in progress,
    complete, closed with a sign-off, now and then withdrawn), or a revised target date.
    Every file is the canonical writer's text, so each version loads.
    """
    from cap.models import Action, ProgressEntry, ScrsFile, SignOff, TargetRevision, ThemesFile
    from cap.store import canonical_text

    started = time.perf_counter()
    rng = random.Random(f"site:{seed}:{actions}:{commits}")
    end = AS_OF
    start = dt.date(end.year - years, end.month, end.day)
    span = (end - start).days
    days = sorted(start + dt.timedelta(days=round(span * i / (commits - 1))) for i in range(commits))
    scrs = scr_ids(max(12, actions // 25))
    themes = canonical_text(ThemesFile.model_validate({"themes": THEMES}))
    cases = canonical_text(ScrsFile.model_validate({"scrs": [{"id": s, "title": f"Case {s}"} for s in scrs]}))
    numbers = [0] * len(THEMES)
    plan: dict[str, Action] = {}

    def new_action(day: dt.date) -> Action:
        t = rng.choices(range(len(THEMES)), THEME_WEIGHTS)[0]
        numbers[t] += 1
        ref = f"{THEMES[t]['number']}.{numbers[t]}"
        return Action(ref=ref, theme=THEMES[t]["id"], scrs=sorted(set(rng.sample(scrs, rng.choice([1, 1, 2, 3])))),
                      action=_text(rng, SUBJECTS, 1, 1) + " " + _text(rng, VERBS, 1, 1) + " "
                      + _text(rng, TOPICS, 1, 1) + ".",
                      lead=sorted(set(rng.sample(LEADS, rng.choice([1, 1, 1, 2])))),
                      target_date=day + dt.timedelta(days=rng.randint(60, 720)), status="open")

    def update(action: Action, day: dt.date) -> Action:
        data = action.model_copy(deep=True)
        roll = rng.random()
        if data.status in ("closed", "withdrawn"):
            data.progress.append(ProgressEntry(date=day, text=rng.choice(PROGRESS)))
        elif roll < 0.5 or data.status == "complete" and roll < 0.6:
            data.progress.append(ProgressEntry(date=day, text=rng.choice(PROGRESS), author=rng.choice(OWNERS)))
            if data.status == "open":
                data.status = "in-progress"
        elif roll < 0.7 and isinstance(data.target_date, dt.date):
            new = max(data.target_date, day) + dt.timedelta(days=rng.randint(30, 240))
            data.target_history.append(TargetRevision(date=day, from_=data.target_date, to=new,
                                                      reason=rng.choice(REASONS)))
            data.target_date = new
        elif roll < 0.75 and data.status in ("open", "in-progress"):
            data.status, data.withdrawn_reason = "withdrawn", rng.choice(WITHDRAWN)
        else:
            step = {"open": "in-progress", "in-progress": "complete", "complete": "closed"}[data.status]
            data.status = step
            if step == "closed":
                data.signed_off = SignOff(date=day, by=rng.choice(SIGNERS))
        return Action.model_validate(data.model_dump(by_alias=True))

    out = bytearray()
    mark = 0

    def blob(text: str) -> int:
        nonlocal mark
        mark += 1
        raw = text.encode("utf-8")
        out.extend(b"blob\nmark :%d\ndata %d\n" % (mark, len(raw)) + raw + b"\n")
        return mark

    first_batch = actions // 5
    per_commit = -(-(actions - first_batch) // max(commits - 1, 1))
    previous = None
    for i, day in enumerate(days):
        changed: dict[str, Action] = {}
        for _ in range(first_batch if i == 0 else min(per_commit, actions - len(plan))):
            a = new_action(day)
            changed[a.ref] = plan[a.ref] = a
        for ref in rng.sample(sorted(plan), min(len(plan), rng.randint(1, 3))) if i else []:
            changed[ref] = plan[ref] = update(plan[ref], day)
        files = {f"data/actions/{ref}.yaml": blob(canonical_text(a)) for ref, a in changed.items()}
        if i == 0:
            files["data/themes.yaml"] = blob(themes)
            files["data/scrs.yaml"] = blob(cases)
        mark += 1
        when = int(dt.datetime.combine(day, dt.time(12), dt.timezone.utc).timestamp())
        message = f"Update of {day.isoformat()}".encode()
        who = rng.choice(["Ann Manager <ann@example.org>", "Pat Police <pat@example.org>"]).encode()
        out.extend(b"commit refs/heads/main\nmark :%d\nauthor %s %d +0000\ncommitter %s %d +0000\n"
                   b"data %d\n%s\n" % (mark, who, when, who, when, len(message), message))
        if previous:
            out.extend(b"from :%d\n" % previous)
        for path, blob_mark in sorted(files.items()):
            out.extend(b"M 100644 :%d %s\n" % (blob_mark, path.encode()))
        out.extend(b"\n")
        previous = mark
    root.mkdir(parents=True)
    git = ["git", "-c", "init.defaultBranch=main", "-c", "core.autocrlf=false"]
    subprocess.run([*git, "init", "-q"], cwd=root, check=True)
    subprocess.run([*git, "fast-import", "--quiet"], cwd=root, input=bytes(out), check=True)
    subprocess.run([*git, "symbolic-ref", "HEAD", "refs/heads/main"], cwd=root, check=True)
    subprocess.run([*git, "reset", "-q", "--hard", "main"], cwd=root, check=True)
    return {"actions": len(plan), "commits": commits, "first": days[0].isoformat(), "last": days[-1].isoformat(),
            "seconds": round(time.perf_counter() - started, 1)}


def bench_site(cap: str, runs: int, warmup: int, work: Path, keep: Path | None, seed: int,
               log: Callable[[str], None]) -> dict[str, Any]:
    """`cap site` on the generated history: median and min of `runs` full builds into an empty folder."""
    folder = (keep or work) / f"site-history-{SITE_ACTIONS}x{SITE_COMMITS}-seed{seed}-v{SITE_GENERATOR_VERSION}"
    manifest = folder / "manifest.json"
    if not manifest.is_file():
        if folder.exists():
            shutil.rmtree(folder)
        log(f"generating a history of {SITE_ACTIONS:,} actions in {SITE_COMMITS:,} commits ...")
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--site-generate-into", str(folder),
                        "--seed", str(seed)], check=True)
    made = json.loads(manifest.read_text("utf-8"))
    env = child_env()
    timings: list[Run] = []
    for i in range(warmup + runs):
        out = work / "site-out"
        if out.exists():
            shutil.rmtree(out)
        argv = [cap, "--data", str(folder / "repo" / "data"), "site", "-o", str(out), "--as-of", AS_OF.isoformat()]
        run = run_once(argv, work, env, work / "site.out")
        if run.returncode != 0:
            raise SystemExit(f"bench: cap site failed: {run.stderr.strip()[-500:]}")
        if i >= warmup:
            timings.append(run)
    seconds = [r.seconds for r in timings]
    pages = sum(1 for _ in (work / "site-out").rglob("*.html"))
    row = {"actions": made["actions"], "commits": made["commits"], "history": f"{made['first']} to {made['last']}",
           "pages": pages, "runs_s": [round(s, 3) for s in seconds], "median_s": round(statistics.median(seconds), 3),
           "min_s": round(min(seconds), 3), "max_rss_mb": max((r.max_rss_mb or 0) for r in timings) or None,
           "target_s": SITE_TARGET_S}
    row["target_met"] = row["median_s"] < SITE_TARGET_S
    print(f"\ncap site: {row['actions']:,} actions, {row['commits']:,} commits ({row['history']}), "
          f"{pages:,} pages: median {row['median_s']:.2f} s, min {row['min_s']:.2f} s, "
          f"peak {row['max_rss_mb'] or 0:.0f} MB (target < {SITE_TARGET_S:.0f} s: "
          f"{'met' if row['target_met'] else 'NOT met'})", flush=True)
    return row


def site_generate_into(folder: Path, seed: int) -> None:
    """The `--site-generate-into` child: the repository in folder/repo and its manifest.json."""
    made = generate_history(folder / "repo", seed=seed)
    (folder / "manifest.json").write_text(json.dumps(made), "utf-8")


if __name__ == "__main__":
    sys.exit(main())
