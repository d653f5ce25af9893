"""The checks of `cap validate` (cap/checks.py), each with a broken fixture, and the real data clean."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from cap.checks import CHECKS, WARNINGS, Context, check_refs_unique, validate
from cap.personaldata import personal_data
from cap.loader import Sources, SourceFile, load_sources
from cap.models import Action
from cap.problems import CODES
from cap.store import canonical_text
from cap.yamlio import parse
from tests.conftest import AS_OF, DATA, MINIMAL_SCRS, MINIMAL_THEMES, action_yaml, write_files


def canonical_action(ref: str = "1.1", **fields: str) -> str:
    """action_yaml(...) as `cap fmt` would write it, so only the planted fault is reported."""
    return canonical_text(Action.model_validate(parse(action_yaml(ref, **fields)).data))


@pytest.fixture
def clean(tmp_path) -> Path:
    """A tiny data folder with no problem at all (canonical files, every SCR cited)."""
    return write_files(
        tmp_path,
        {
            "data/themes.yaml": MINIMAL_THEMES,
            "data/scrs.yaml": MINIMAL_SCRS,
            "data/actions/1.1.yaml": canonical_action(),
        },
    ) / "data"


def found(data: Path, files: dict | None = None, as_of: dt.date = AS_OF, **options) -> list[str]:
    if files:
        write_files(data.parent, files)
    return [p.text() for p in validate(data, as_of, **options).problems]


def only(data: Path, files: dict, expected: str, **options) -> None:
    """Exactly one problem, starting with `expected`."""
    problems = found(data, files, **options)
    assert len(problems) == 1 and problems[0].startswith(expected), problems


# ------------------------------------------------------------------ the real data and a clean fixture


@pytest.mark.parametrize("day", [dt.date(2017, 1, 31), AS_OF, dt.date(2100, 1, 1)])
def test_the_real_data_is_clean_whatever_the_day(day):
    report = validate(DATA, day, strict=True)
    assert [p.text() for p in report.problems] == []
    assert report.summary() == "22 actions checked, 0 errors, 0 warnings"


def test_the_clean_fixture_is_clean(clean):
    assert found(clean) == []


def test_every_code_is_registered_and_every_warning_is_a_code():
    assert WARNINGS <= set(CODES)
    assert len(set(CODES.values())) == len(CODES)  # short names are unique too


# ------------------------------------------------------------------ loading problems reach the report


BOMB = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
) + "\n"


@pytest.mark.parametrize(
    "content,expected",
    [
        ("ref: '1.2'\naction: [oops\n", "data/actions/1.2.yaml:3:1: error: CAP003 YAML syntax error"),
        ("", "data/actions/1.2.yaml:1:1: error: CAP004 file is empty"),
        (b"ref: '1.2'\naction: caf\xe9\n", "data/actions/1.2.yaml:2:12: error: CAP002 not UTF-8 text"),
        ("- a list\n", "data/actions/1.2.yaml:1:1: error: CAP005 expected a mapping of keys, found a list"),
        (canonical_action("1.2") + "status: closed\n", "data/actions/1.2.yaml:11:1: error: CAP006 duplicate key 'status' (first at line 10)"),
        (action_yaml("1.2", action="!!python/object/apply:os.system ['echo hi']"), "data/actions/1.2.yaml:5:9: error: CAP007 tag !!python/object/apply:os.system is not allowed"),
        (BOMB, "data/actions/1.2.yaml:1:4: error: CAP008 anchors and aliases (&, *) are not allowed"),
        (action_yaml("1.2", targt_date="2017-01-01"), "data/actions/1.2.yaml:10:1: error: CAP101 unknown key `targt_date` (did you mean `target_date`?)"),
        (action_yaml("1.2", lead=None), "data/actions/1.2.yaml:1:1: error: CAP102 missing required key `lead`"),
        (action_yaml("1.2", lead="NSCB"), "data/actions/1.2.yaml:6:7: error: CAP103 `lead` is a list: write `- NSCB` on a line of its own under `lead:` (one `- ` line per item)"),
        (action_yaml("1.2", evidence="Minutes of the group"), "data/actions/1.2.yaml:10:11: error: CAP103 `evidence` is a list: write `- Minutes of the group` on a line of its own under `evidence:` (one `- ` line per item)"),
        (action_yaml("1.2", target_date="2017-02-30"), "data/actions/1.2.yaml:7:14: error: CAP103 '2017-02-30' is not a real date"),
        (action_yaml("1.2", status="done"), "data/actions/1.2.yaml:8:9: error: CAP104 unknown status 'done'; valid: open, in-progress, complete, closed, withdrawn"),
        (action_yaml("1.2").replace("'1.2'", "1.20"), "data/actions/1.2.yaml:1:6: error: CAP105 `ref: 1.20` is read as the number 1.2, not text; quote it: ref: '1.20'"),
        (action_yaml("1.3"), "data/actions/1.2.yaml:1:6: error: CAP106 ref '1.3' does not match the file name '1.2.yaml'"),
    ],
)
def test_each_loading_problem_is_located(clean, content, expected):
    problems = found(clean, {"data/actions/1.2.yaml": content})
    assert len(problems) == 1 and problems[0].startswith(expected), problems


def test_every_problem_in_one_run_in_file_order(clean):
    write_files(clean.parent, {
        "data/actions/1.10.yaml": action_yaml("1.10", status="done"),
        "data/actions/1.9.yaml": action_yaml("1.9", targt_date="2017-01-01", theme="nope"),
        "data/actions/1.2.yaml": canonical_action("1.2", theme="accountability"),
        "data/actions/notes.txt": "x",
    })
    report = validate(clean, AS_OF)
    assert [(p.path, p.code) for p in report.problems] == [
        ("data/actions/1.2.yaml", "CAP208"),
        ("data/actions/1.9.yaml", "CAP202"),  # theme (line 2) is checked though the file failed
        ("data/actions/1.9.yaml", "CAP101"),
        ("data/actions/1.10.yaml", "CAP104"),
        ("data/actions/notes.txt", "CAP011"),
    ]
    assert report.summary() == "4 actions checked, 3 errors, 2 warnings"
    assert not report.ok


# ------------------------------------------------------------------ hostile files


def test_a_python_tag_runs_nothing(clean, tmp_path):
    marker = tmp_path / "ran"
    problems = found(clean, {"data/actions/1.2.yaml": f"ref: !!python/object/apply:os.system ['touch {marker}']\n"})
    assert "CAP007" in problems[0] and not marker.exists()


def test_oversized_file_is_refused(clean):
    only(clean, {"data/actions/1.2.yaml": b"a: " + b"x" * 1_000_001}, "data/actions/1.2.yaml:1:1: error: CAP001 file is 1,000,004 bytes")


@pytest.mark.posix
def test_symlink_outside_the_data_folder_is_refused(clean, tmp_path):
    outside = write_files(tmp_path, {"secret.yaml": canonical_action("1.2")}) / "secret.yaml"
    os.symlink(outside, clean / "actions" / "1.2.yaml")
    only(clean, {}, "data/actions/1.2.yaml:1:1: error: CAP010 is a link leading outside the data folder")
    plan, _, _ = load_sources(clean)
    assert [a.ref for a in plan.actions] == ["1.1"]  # every command refuses it, not only validate


@pytest.mark.posix
def test_every_command_refuses_an_action_linked_from_outside(clean, tmp_path):
    from cap.loader import load_action_file

    outside = write_files(tmp_path, {"secret.yaml": canonical_action("1.2")}) / "secret.yaml"
    os.symlink(outside, clean / "actions" / "1.2.yaml")
    action, problems = load_action_file(clean / "actions" / "1.2.yaml", clean)
    assert action is None and [p.code for p in problems] == ["CAP010"]


@pytest.mark.posix
def test_symlink_to_themes_outside_is_refused(clean, tmp_path):
    outside = write_files(tmp_path, {"elsewhere/themes.yaml": MINIMAL_THEMES}) / "elsewhere" / "themes.yaml"
    (clean / "themes.yaml").unlink()
    os.symlink(outside, clean / "themes.yaml")
    assert any("data/themes.yaml:1:1: error: CAP010" in p for p in found(clean))


@pytest.mark.posix
def test_symlink_inside_the_data_folder_is_read(clean):
    write_files(clean.parent, {"data/drafts/1.2.yaml": canonical_action("1.2")})
    os.symlink(clean / "drafts" / "1.2.yaml", clean / "actions" / "1.2.yaml")
    assert found(clean) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
@pytest.mark.posix
def test_a_named_pipe_is_not_read(clean):
    os.mkfifo(clean / "actions" / "1.2.yaml")
    only(clean, {}, "data/actions/1.2.yaml:1:1: error: CAP009 cannot read: it is a pipe (FIFO), not a file")


@pytest.mark.parametrize(
    "name,says",
    [
        ("notes.txt", "actions/notes.txt is not an action file and is not read"),
        ("4.4.yml.bak", "actions/4.4.yml.bak is not an action file and is not read"),
        ("1.2.yml", "actions/1.2.yml is not read: action files end in .yaml (rename it 1.2.yaml)"),
    ],
)
def test_stray_files_are_warned_about_and_not_loaded(clean, name, says):
    only(clean, {f"data/actions/{name}": canonical_action("1.2")}, f"data/actions/{name}:1:1: warning: CAP011 {says}")
    plan, _, _ = load_sources(clean)
    assert [a.ref for a in plan.actions] == ["1.1"]


def test_a_folder_in_actions_is_a_stray(clean):
    only(clean, {"data/actions/old/1.2.yaml": canonical_action("1.2")}, "data/actions/old:1:1: warning: CAP011 actions/old is a folder")


def test_hidden_files_are_ignored(clean):
    assert found(clean, {"data/actions/.gitkeep": "", "data/actions/.1.1.yaml.swp": "x"}) == []


# ------------------------------------------------------------------ reference data


def test_unknown_theme_suggests_the_closest(clean):
    only(clean, {"data/actions/1.1.yaml": canonical_action(theme="curiousity")},
         "data/actions/1.1.yaml:2:8: error: CAP202 unknown theme `curiousity` (did you mean `curiosity`?)")


def test_an_alias_as_theme_names_the_id(clean):
    only(clean, {"data/actions/1.1.yaml": canonical_action(theme="professional-curiosity")},
         "data/actions/1.1.yaml:2:8: error: CAP202 unknown theme `professional-curiosity` (write the theme's id: theme: curiosity)")


def test_unknown_scr_lists_the_declared(clean):
    only(clean, {"data/actions/1.1.yaml": canonical_action(scrs="[A, Z]")},
         "data/actions/1.1.yaml:5:3: error: CAP203 SCR `Z` is not declared in scrs.yaml (declared: A)")


def test_duplicate_theme_id_and_alias(clean):
    themes = MINIMAL_THEMES + "- id: Curiosity\n  number: 2\n  title: Again\n  aliases:\n  - accountability\n"
    problems = found(clean, {"data/themes.yaml": themes})
    assert problems == [
        "data/themes.yaml:10:7: error: CAP204 theme name `Curiosity` is already used by theme `curiosity` (line 2)",
        "data/themes.yaml:14:5: error: CAP204 theme name `accountability` is already used by theme `accountability` (line 7)",
    ]


def test_duplicate_theme_number(clean):
    only(clean, {"data/themes.yaml": MINIMAL_THEMES.replace("number: 4", "number: 1")},
         "data/themes.yaml:8:11: error: CAP205 theme number 1 is already used by theme `curiosity`")


def test_duplicate_scr(clean):
    only(clean, {"data/scrs.yaml": MINIMAL_SCRS + "- id: a\n  title: Case A again\n"},
         "data/scrs.yaml:4:7: error: CAP206 SCR `a` is declared twice (first at line 2)")


def test_unused_scr_is_a_warning(clean):
    only(clean, {"data/scrs.yaml": MINIMAL_SCRS + "- id: B\n  title: Case B\n"},
         "data/scrs.yaml:4:7: warning: CAP207 SCR `B` is declared but no action cites it")


def test_an_scr_cited_by_a_broken_action_is_not_unused(clean):
    write_files(clean.parent, {"data/scrs.yaml": MINIMAL_SCRS + "- id: B\n  title: Case B\n"})
    problems = found(clean, {"data/actions/1.2.yaml": action_yaml("1.2", scrs="[B]", status="done")})
    assert [p.split(": ")[2].split()[0] for p in problems] == ["CAP104"]


def test_no_theme_checks_when_themes_yaml_is_broken(clean):
    problems = found(clean, {"data/themes.yaml": "themes:\n- id: curiosity\n"})
    assert {p.split(": ")[2].split()[0] for p in problems} == {"CAP102"}  # not a CAP202 per action


def test_ref_not_starting_with_the_theme_number_is_a_warning(clean):
    only(clean, {"data/actions/4.1.yaml": canonical_action("4.1")},
         "data/actions/4.1.yaml:1:6: warning: CAP208 ref 4.1 starts with 4 but theme `curiosity` is number 1")


def test_refs_unique(clean):
    # ref == file name makes a duplicate unreachable through files: check the rule itself.
    action = Action.model_validate(parse(action_yaml()).data)
    doc = parse(action_yaml())
    sources = Sources(actions=[SourceFile(Path(n), n, None, doc, action) for n in ("one.yaml", "two.yaml")])
    problems = list(check_refs_unique(Context(clean, AS_OF, None, sources)))
    assert [p.text() for p in problems] == ["two.yaml:1:6: error: CAP201 ref '1.1' is already used by one.yaml"]


# ------------------------------------------------------------------ within an action


PROGRESS = "\n- date: {0}\n  text: first\n- date: {1}\n  text: second"


def test_progress_out_of_date_order(clean):
    only(clean, {"data/actions/1.1.yaml": canonical_action(progress=PROGRESS.format("2017-03-01", "2017-02-01"))},
         "data/actions/1.1.yaml:14:9: error: CAP209 `progress` is not in date order: 2017-02-01 comes after 2017-03-01")


def test_progress_in_the_future_as_of(clean):
    files = {"data/actions/1.1.yaml": canonical_action(progress=PROGRESS.format("2017-03-01", "2017-07-02"))}
    assert found(clean, files, as_of=dt.date(2017, 7, 2)) == []
    only(clean, {}, "data/actions/1.1.yaml:14:9: error: CAP210 progress entry dated 2017-07-02 is in the future (as of 2017-07-01)")


def test_sign_off_in_the_future(clean):
    text = canonical_action(status="closed", signed_off="{date: 2018-01-01, by: Review group}")
    only(clean, {"data/actions/1.1.yaml": text}, "data/actions/1.1.yaml:12:9: error: CAP210 sign-off dated 2018-01-01 is in the future")


def test_closed_needs_a_sign_off(clean):
    only(clean, {"data/actions/1.1.yaml": canonical_action(status="closed")},
         "data/actions/1.1.yaml:10:9: error: CAP211 a closed action needs `signed_off`")


def test_withdrawn_needs_a_reason(clean):
    only(clean, {"data/actions/1.1.yaml": canonical_action(status="withdrawn")},
         "data/actions/1.1.yaml:10:9: error: CAP212 a withdrawn action needs `withdrawn_reason`")
    assert found(clean, {"data/actions/1.1.yaml": canonical_action(status="withdrawn", withdrawn_reason="Superseded by 4.2")}) == []


HISTORY = "\n- date: 2017-02-01\n  from: 2017-06-01\n  to: {0}\n  reason: Delayed\n- date: 2017-03-01\n  from: {1}\n  to: 2017-09-01\n  reason: Again"


def test_target_history_chains_to_the_target_date(clean):
    good = canonical_action(target_date="2017-09-01", target_history=HISTORY.format("2017-08-01", "2017-08-01"))
    assert found(clean, {"data/actions/1.1.yaml": good}) == []
    broken = canonical_action(target_date="2017-10-01", target_history=HISTORY.format("2017-08-01", "2017-07-01"))
    assert found(clean, {"data/actions/1.1.yaml": broken}) == [
        "data/actions/1.1.yaml:9:14: warning: CAP213 target_date is 2017-10-01 but the last target revision moved it to 2017-09-01 (change a target date with `cap retarget`)",
        "data/actions/1.1.yaml:17:9: warning: CAP213 target revision moves from 2017-07-01 but the revision before moved to 2017-08-01",
    ]


# ------------------------------------------------------------------ format


def test_non_canonical_file_names_the_first_different_line(clean):
    text = canonical_action().replace("scrs:\n- A\n", "scrs: [A]\n")
    only(clean, {"data/actions/1.1.yaml": text},
         "data/actions/1.1.yaml:3:1: warning: CAP214 not in the canonical format (first difference at line 3); `cap fmt` rewrites it")


def test_windows_line_endings_throughout_are_canonical_mixed_ones_are_not(clean):
    # A Windows checkout (core.autocrlf=true) has CRLF throughout: the same file (cap/lineends.py).
    text = canonical_action().replace("\n", "\r\n").encode()
    write_files(clean.parent, {"data/actions/1.1.yaml": text})
    assert validate(clean, as_of=AS_OF).problems == []
    only(clean, {"data/actions/1.1.yaml": text.replace(b"\r\n", b"\n", 1)},
         "data/actions/1.1.yaml:1:1: warning: CAP214 not in the canonical format (line endings, a byte-order mark or the last newline)")


def test_a_byte_order_mark_alone_is_not_canonical(clean):
    # The text after the mark is canonical (cap.canonical reads it the quick way): the mark is what differs.
    only(clean, {"data/actions/1.1.yaml": b"\xef\xbb\xbf" + canonical_action().encode()},
         "data/actions/1.1.yaml:1:1: warning: CAP214 not in the canonical format (line endings, a byte-order mark or the last newline)")


def test_keys_out_of_their_order_are_not_canonical(clean):
    # Read the quick way (each line as cap writes it), but the record's order is another.
    text = canonical_action()
    first, second, rest = text.split("\n", 2)
    only(clean, {"data/actions/1.1.yaml": "\n".join([second, first, rest])},
         "data/actions/1.1.yaml:1:1: warning: CAP214 not in the canonical format (first difference at line 1); `cap fmt` rewrites it")


def test_reference_files_are_format_checked(clean):
    only(clean, {"data/scrs.yaml": "scrs:\n  - id: A\n    title: Case A\n"}, "data/scrs.yaml:2:1: warning: CAP214")


def test_strict_makes_warnings_errors(clean):
    write_files(clean.parent, {"data/actions/1.1.yaml": action_yaml()})
    report = validate(clean, AS_OF)
    assert report.ok and [p.severity for p in report.problems] == ["warning"]
    strict = validate(clean, AS_OF, strict=True)
    assert not strict.ok and strict.summary() == "1 action checked, 1 error, 0 warnings"


def test_ignore_drops_warnings_only(clean):
    write_files(clean.parent, {"data/actions/1.1.yaml": action_yaml(), "data/actions/1.2.yaml": action_yaml("1.2", status="x")})
    codes = [p.code for p in validate(clean, AS_OF, ignore=["CAP214", "CAP104"]).problems]
    assert codes == ["CAP104"]


# ------------------------------------------------------------------ personal data


@pytest.mark.parametrize(
    "text,code",
    [
        ("NHS no 943 476 5919 on file", "CAP301"),
        ("ref 9434765919.", "CAP301"),
        ("AB 12 34 56 C", "CAP302"),
        ("ni: ab123456c", "CAP302"),
        ("lives at NR1 2DH now", "CAP303"),
        ("SW1A 1AA", "CAP303"),
        ("DOB 01/02/2010", "CAP304"),
        ("child born on 3 March 2012", "CAP304"),
        ("Date of birth recorded", "CAP304"),
        ("d.o.b. 1/2/10", "CAP304"),
        ("write to jane.doe@example.org", "CAP305"),
        ("call 01603 223 909", "CAP306"),
        ("mobile 07700 900123", "CAP306"),
        ("mobile +44 7700 900123", "CAP306"),
        ("(01603) 222333", "CAP306"),
    ],
)
def test_personal_data_is_found(text, code):
    assert [c for c, _what, _found in personal_data(text)] == [code]


@pytest.mark.parametrize(
    "text",
    [
        "C39ds [now CPIs] by the Norfolk Constabulary",
        "C39DS",
        "Any case with 3 CPIs in a 12-month period",
        "31/01/17", "2017-01-31", "01/06/2017",
        "9434765918",  # fails the modulus 11 check
        "1111111111",  # passes the check, but no NHS number is one digit repeated
        "0-19 Healthy Child Programme", "Section 11 audit", "S47 enquiries", "Working Together 2015",
        "unborn baby", "newborn", "to dob in a neighbour", "MASH", "Case Q", "NSCB/LSCB", "4.10",
    ],
)
def test_ordinary_plan_text_is_not_personal_data(text):
    assert list(personal_data(text)) == []


def test_the_real_data_has_no_personal_data_anywhere():
    _plan, _problems, sources = load_sources(DATA)
    from cap.personaldata import texts

    texts = [t for s in (sources.themes, sources.scrs, *sources.actions) for _loc, t in texts(s.doc.data)]
    assert len(texts) > 100
    assert [(t, list(personal_data(t))) for t in texts if list(personal_data(t))] == []


def test_personal_data_is_located_in_a_block_text_and_masked(clean):
    text = "Met the family at their home and wrote down the address, NR1 2DH, in the notes of the visit today."
    progress = f"\n- date: 2017-02-01\n  text: {text}"
    problems = found(clean, {"data/actions/1.1.yaml": canonical_action(progress=progress)})
    assert problems == [
        "data/actions/1.1.yaml:14:62: warning: CAP303 `progress.0.text` has what looks like a postcode (NR* ***): "
        "the plan is about cases, never children; remove it"
    ]


def test_personal_data_in_reference_files(clean):
    only(clean, {"data/scrs.yaml": "scrs:\n- id: A\n  title: Case A\n  note: Contact jo@example.org\n"},
         "data/scrs.yaml:4:17: warning: CAP305 `scrs.0.note` has what looks like an email address (jo@*******.***)")


def test_checks_are_listed_once():
    assert len(set(CHECKS)) == len(CHECKS)
    assert all(c.__name__.startswith("check_") for c in CHECKS)
