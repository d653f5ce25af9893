"""cap.slugs: the one agency file name, valid on Windows, bounded, never empty, unique in a set."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cap.slugs import MAX_LEN, RESERVED, file_slug, is_reserved, unique_slug, unique_slugs

WINDOWS_BAD = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def windows_valid(stem: str, ext: str = ".html") -> bool:
    name = stem + ext
    return (bool(stem) and not WINDOWS_BAD.search(name) and not name.endswith((".", " "))
            and not is_reserved(name) and len(name) < 255)


def test_examples():
    assert file_slug("Children's Services") == "childrens-services"
    assert file_slug("Children\u2019s Services") == "childrens-services"
    assert file_slug("NSCB Monitoring and Evaluation Officer (MEO)") == "nscb-monitoring-and-evaluation-officer-meo"
    assert file_slug("Santé publique / Norfolk") == "sante-publique-norfolk"
    assert file_slug("!!!") == file_slug("") == file_slug("   ") == file_slug("...") == "agency"
    assert file_slug("Служба") == "agency"


def test_reserved_device_names_in_any_case_and_with_an_extension():
    for name in ["CON", "con", "Prn", "AUX", "nul", "COM1", "com9", "LPT1", "lpt9", "NUL.", " nul ", "Aux:"]:
        stem = file_slug(name)
        assert not is_reserved(stem) and stem.endswith("-agency"), (name, stem)
    assert is_reserved("NUL.txt") and is_reserved("com1.tar.gz") and is_reserved("CON") and not is_reserved("cons")
    assert file_slug("con.txt") == "con-txt"  # a dot becomes a hyphen: no extension is left to hide behind
    assert "com1" in RESERVED and "lpt9" in RESERVED


def test_length_is_bounded_and_cut_between_words():
    long = "Norfolk and Suffolk NHS Foundation Trust Mental Health Services for Children and Young People"
    stem = file_slug(long)
    assert len(stem) <= MAX_LEN and long.lower().replace(" ", "-").startswith(stem)
    assert not stem.endswith("-") and long.lower().split()[len(stem.split("-")) - 1] == stem.split("-")[-1]
    assert len(file_slug("x" * 500)) == MAX_LEN


def test_unique_in_a_set_whatever_the_order():
    names = ["Children's Services", "children's services!", "CHILDRENS SERVICES", "Health"]
    first = unique_slugs(names)
    assert first == unique_slugs(reversed(names))
    assert len(set(first.values())) == len(names)
    assert first["Children's Services"] == "childrens-services" and first["Health"] == "health"
    assert sorted(first[n] for n in names[:3]) == ["childrens-services", "childrens-services-2", "childrens-services-3"]
    long = ["A" * 80 + " one", "A" * 80 + " two"]
    both = unique_slugs(long)
    assert len(set(both.values())) == 2 and all(len(v) <= MAX_LEN for v in both.values())
    taken = {"health"}
    assert unique_slug("Health", taken) == "health-2" and "health-2" in taken


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_name_gives_a_windows_valid_deterministic_name(name):
    stem = file_slug(name)
    assert windows_valid(stem) and len(stem) <= MAX_LEN and stem == file_slug(name)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", stem)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=12))
def test_any_set_of_names_gives_distinct_valid_names(names):
    slugs = unique_slugs(names)
    assert set(slugs) == set(names)
    assert len(set(slugs.values())) == len(slugs)
    assert all(windows_valid(s) and len(s) <= MAX_LEN for s in slugs.values())


def test_an_agency_has_one_file_name_in_packs_site_and_round_forms(data_copy, tmp_path, fixed_today):
    """Children's Services is childrens-services everywhere: its pack, its site page, its return form."""
    from tests.conftest import Cap

    cap = Cap(data_copy)
    assert cap("report", "--kind", "agency", "--each", "--as-of", "2017-07-01", "-o", str(tmp_path / "packs")).exit_code == 0
    assert cap("site", "-o", str(tmp_path / "site"), "--as-of", "2017-07-01").exit_code == 0
    started = cap("round", "start", "--due", "14/07/17", "--as-of", "2017-07-01", "-o", str(tmp_path / "forms"))
    assert started.exit_code == 0, started.output
    packs = {p.stem for p in (tmp_path / "packs").iterdir()}
    pages = {p.stem for p in (tmp_path / "site" / "agencies").iterdir()}
    forms = {p.stem for p in (tmp_path / "forms").iterdir() if p.suffix == ".xlsx"}
    assert "childrens-services" in packs & pages & forms
    assert packs <= pages and forms <= pages
    assert all(file_slug(stem) == stem for stem in packs | pages | forms)
