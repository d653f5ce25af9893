"""`--lead`: one rule (cap.query.resolve_lead) in list, stats, report (every kind, the packs)
and the site's agency pages; a lead that matches nothing is a usage mistake (exit 2)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from cap.agencies import Agency
from cap.models import Action
from cap.query import Filters, UnknownLead, resolve_lead, select
from tests.conftest import AS_OF, DATA, Cap

NSCB_ALL = ["1.1", "1.2", "1.3", "2.2", "2.3", "2.4", "3.2", "3.3", "4.1", "4.2", "4.6", "4.9", "4.10", "4.11"]
NSCB_ONLY = ["2.2", "2.3", "2.4", "3.2", "3.3", "4.1", "4.2", "4.6", "4.9", "4.10", "4.11"]


def _action(ref: str, *lead: str) -> Action:
    return Action(ref=ref, theme="t", action="Do it.", lead=list(lead), target_date="ongoing", status="open")


ACTIONS = [_action("1.1", "Health"), _action("1.2", "NHS Kernow", "Police"), _action("1.3", "Health visiting"),
           _action("1.4", "Education"), _action("1.5", "Early Help")]
HEALTH = Agency(id="health", name="Health", aliases=["NHS Kernow"])
YOUTH = Agency(id="yot", name="Youth Offending Team")


def refs(query: str, agencies=None) -> list[str]:
    texts = resolve_lead(query, ACTIONS, agencies).texts
    return [a.ref for a in select(ACTIONS, Filters(lead=query, lead_texts=texts), AS_OF)]


def test_a_whole_name_wins_over_a_prefix():
    assert refs("health") == ["1.1"]  # not "Health visiting": the whole name comes first
    assert refs("HEALTH  VISITING") == ["1.3"]


def test_an_agency_by_id_name_or_alias_selects_every_lead_naming_it():
    for query in ("health", "Health", "nhs kernow"):
        choice = resolve_lead(query, ACTIONS, [HEALTH])
        assert choice.names == ("Health",) and choice.texts == {"Health", "NHS Kernow"}
    assert refs("nhs kernow", [HEALTH]) == ["1.1", "1.2"]
    assert refs("NHS Kernow") == ["1.2"]  # without the file, the lead text alone


def test_otherwise_a_prefix_selects_every_lead_beginning_so():
    assert refs("heal") == ["1.1", "1.3"]
    assert refs("e") == ["1.4", "1.5"]
    assert refs("nhs", [HEALTH]) == ["1.1", "1.2"]  # a prefix of an alias chooses the agency


def test_an_agency_leading_nothing_is_no_mistake_it_selects_nothing():
    choice = resolve_lead("youth", ACTIONS, [HEALTH, YOUTH])
    assert choice.names == ("Youth Offending Team",) and choice.texts == frozenset()


@pytest.mark.parametrize(("query", "message"), [
    ("helth", "no lead agency matches 'helth'; did you mean: Health?"),
    ("Polise", "no lead agency matches 'Polise'; did you mean: Police?"),
    ("zzz", "no lead agency matches 'zzz'; lead agencies: Early Help, Education, Health, Health visiting, "
            "NHS Kernow, Police"),
    ("", "no lead agency matches ''; lead agencies: Early Help, Education, Health, Health visiting, NHS Kernow, Police"),
])
def test_a_lead_matching_nothing_names_the_nearest(query, message):
    with pytest.raises(UnknownLead) as caught:
        resolve_lead(query, ACTIONS)
    assert str(caught.value) == message and caught.value.exit_code == 2


def test_the_nearest_names_the_agency_not_its_alias():
    with pytest.raises(UnknownLead, match=r"did you mean: Health\?$"):
        resolve_lead("NHS Kernw", ACTIONS, [HEALTH])


def test_select_alone_resolves_the_lead_without_agencies():
    assert [a.ref for a in select(ACTIONS, Filters(lead="health"), AS_OF)] == ["1.1"]
    assert select(ACTIONS, Filters(lead="nobody"), AS_OF) == []


# ------------------------------------------------------------------ the commands, on the shipped plan


@pytest.fixture
def no_agencies(tmp_path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "agencies.yaml").unlink()
    return data


def list_refs(cap: Cap, *args: str) -> list[str]:
    result = cap("list", "--as-of", "2017-07-01", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return [a["ref"] for a in json.loads(result.stdout)]


def report_refs(cap: Cap, *args: str) -> list[str]:
    result = cap("report", "--as-of", "2017-07-01", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    return [a["ref"] for t in data["themes"] for a in t["actions"]] + [a["ref"] for a in data["withdrawn"]]


def test_list_report_and_stats_choose_the_same_actions_with_the_agencies_file():
    cap = Cap(DATA)
    assert list_refs(cap, "--lead", "nscb") == NSCB_ALL
    assert list_refs(cap, "--lead", "NSCB Business Manager") == NSCB_ALL  # an alias of the NSCB
    assert report_refs(cap, "--lead", "nscb") == NSCB_ALL
    assert report_refs(cap, "--kind", "agency", "--lead", "nscb") == NSCB_ALL
    stats = cap("stats", "--as-of", "2017-07-01", "--lead", "nscb")
    assert stats.exit_code == 0 and stats.stdout.startswith("6 of 14 actions overdue")
    assert "Selection: lead agency: NSCB" in stats.stdout
    agency = cap("report", "--kind", "agency", "--lead", "nscb", "--as-of", "2017-07-01")
    assert "Agency report: actions led by NSCB, as of 01/07/2017" in agency.stdout


def test_without_the_file_a_whole_lead_text_then_a_prefix(no_agencies):
    cap = Cap(no_agencies)
    assert list_refs(cap, "--lead", "nscb") == NSCB_ONLY
    assert report_refs(cap, "--lead", "nscb") == NSCB_ONLY
    assert list_refs(cap, "--lead", "NSCB B") == ["1.1", "1.3"]
    assert list_refs(cap, "--lead", "educ") == ["3.1", "4.7", "4.8"]


@pytest.mark.parametrize("command", [
    ["list"], ["stats"], ["report"], ["report", "--kind", "exceptions"], ["report", "--kind", "agency"],
    ["report", "--kind", "signoff"], ["report", "--kind", "annual", "--year", "2016-17"],
])
def test_a_lead_matching_nothing_is_exit_2_in_every_command(command):
    result = Cap(DATA)(*command, "--lead", "helth", "--as-of", "2017-07-01")
    assert result.exit_code == 2, result.output
    assert result.stderr == "cap: error: no lead agency matches 'helth'; did you mean: Health?\n"


def test_the_agency_packs_are_one_per_agency_of_the_file(tmp_path, no_agencies):
    result = Cap(DATA)("report", "--kind", "agency", "--each", "-o", str(tmp_path / "packs"), "--as-of", "2017-07-01")
    assert result.exit_code == 0, result.output
    assert "wrote " + str(tmp_path / "packs" / "nscb.html") + ": NSCB, 13 actions" in result.stdout
    assert sorted(p.name for p in (tmp_path / "packs").iterdir()) == [
        "all-partners.html", "childrens-services.html", "dasvb-partners.html", "education.html", "health.html", "mash.html",
        "nscb.html",
    ]
    result = Cap(no_agencies)("report", "--kind", "agency", "--each", "-o", str(tmp_path / "p2"), "--as-of", "2017-07-01")
    assert "nscb-business-manager.html" in {p.name for p in (tmp_path / "p2").iterdir()}


def _page_refs(page: Path) -> list[str]:
    from cap.models import natural_key

    found = set(re.findall(r'href="\.\./actions/([0-9.]+)\.html"', page.read_text()))
    return sorted(found, key=natural_key)


@pytest.mark.parametrize("with_file", [True, False])
def test_each_agency_page_of_the_site_lists_what_lead_selects(tmp_path, no_agencies, with_file):
    data = DATA if with_file else no_agencies
    cap = Cap(data)
    result = cap("site", "-o", str(tmp_path / "site"), "--as-of", "2017-07-01")
    assert result.exit_code == 0, result.output
    pages = sorted((tmp_path / "site" / "agencies").glob("*.html"))
    names = {"nscb", "health", "education"} if with_file else {"nscb", "nscb-business-manager", "health"}
    assert names <= {p.stem for p in pages}
    for page in pages:
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", page.read_text(), re.S).group(1).strip()
        lead = heading.removeprefix("Lead agency: ").replace("&#39;", "'").replace("&amp;", "&")
        assert _page_refs(page) == list_refs(cap, "--lead", lead), page.name
    if with_file:
        assert not (tmp_path / "site" / "agencies" / "nscb-business-manager.html").exists()


def test_the_round_chooses_its_agencies_by_the_same_rule():
    from cap.rounds.leads import Recipient, UnknownLead as RoundUnknown, choose

    groups = [(Recipient("health", "Health", names=("health", "Health", "NHS Kernow")), []),
              (Recipient("Health visiting", "Health visiting", names=("Health visiting",)), []),
              (Recipient("Education", "Education", names=("Education",)), [])]
    assert [g[0].key for g in choose(groups, ["health"])] == ["health"]  # whole, not also "Health visiting"
    assert [g[0].key for g in choose(groups, ["nhs"])] == ["health"]  # the start of an alias
    assert [g[0].key for g in choose(groups, ["heal"])] == ["health", "Health visiting"]
    assert [g[0].key for g in choose(groups, ["educ", "nhs kernow"])] == ["health", "Education"]
    with pytest.raises(RoundUnknown):
        choose(groups, ["cation"])  # a part of a name in the middle is not a prefix


def test_tab_completion_offers_the_agencies_names_and_aliases(no_agencies):
    from cap.names import leads

    assert leads(DATA, "norf") == [("Norfolk Safeguarding Children Board", "NSCB")]
    assert [n for n, _help in leads(DATA, "nscb")] == [
        "NSCB", "NSCB Business Manager", "NSCB Monitoring and Evaluation Officer (MEO)"]  # the id nscb once, as NSCB
    assert leads(no_agencies, "norf") == []


def test_the_counts_by_lead_agency_count_each_agency_once_by_its_name(tmp_path, no_agencies):
    stats = Cap(DATA)("stats", "--as-of", "2017-07-01").stdout
    assert "NSCB                       6  1.1, 1.2, 1.3, 2.2, 4.9, 4.11" in stats
    assert "NSCB Business Manager" not in stats
    assert "NSCB Business Manager" in Cap(no_agencies)("stats", "--as-of", "2017-07-01").stdout
    # An agency whose name no action writes (only its alias): its count links to its page.
    (no_agencies / "agencies.yaml").write_text(
        "agencies:\n- id: health\n  name: Health Trust\n  aliases:\n  - Health\n")
    result = Cap(no_agencies)("site", "-o", str(tmp_path / "site"), "--as-of", "2017-07-01")
    assert result.exit_code == 0, result.output
    home = (tmp_path / "site" / "index.html").read_text()
    assert '<a href="agencies/health-trust.html">Health Trust</a>' in home
    assert (tmp_path / "site" / "agencies" / "health-trust.html").exists()
