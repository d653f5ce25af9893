"""cap/agencies.py: the agencies file's model, loading, writing, schema and lead matching."""

from __future__ import annotations

import json

import pytest

from cap.agencies import (
    EMPTY_HEADER, AgenciesFile, Agency, Contact, Lead, agencies_from_leads, agencies_text, agency_for_action,
    group_by_lead, load_agencies, match_lead, new_agency_id, save_agencies, unmatched_leads,
)
from cap.loader import load_plan
from cap.models import Action
from cap.schema import json_schema
from cap.yamlio import header_comment
from conftest import DATA, write_files


def _action(ref: str, *lead: str, status: str = "in-progress") -> Action:
    return Action(ref=ref, theme="t", action="Do it.", lead=list(lead), target_date="ongoing", status=status)


HEALTH = Agency(id="health", name="Health", aliases=["NHS Kernow", "CCG"],
                contacts=[Contact(role="Designated nurse", email="nurse@example.nhs.uk")])
POLICE = Agency(id="police", name="Police")


def test_a_lead_names_an_agency_by_id_name_or_alias_whole_any_case_and_spacing():
    assert match_lead("Health", [HEALTH, POLICE]) is HEALTH
    assert match_lead("  nhs   KERNOW ", [HEALTH, POLICE]) is HEALTH
    assert match_lead("ccg", [HEALTH, POLICE]) is HEALTH
    assert match_lead("police", [HEALTH, POLICE]) is POLICE
    assert match_lead("Heal", [HEALTH, POLICE]) is None  # never a prefix: a lead is named whole
    assert match_lead("Health visiting", [HEALTH]) is None
    assert match_lead("Health", []) is None


def test_agency_for_action_gives_each_lead_once_in_lead_order_with_unmatched_texts_as_they_are():
    action = _action("1.1", "CCG", "Housing", "Health", "Police")
    leads = agency_for_action(action, [HEALTH, POLICE])
    assert [(lead.name, lead.agency.id if lead.agency else None) for lead in leads] == [
        ("Health", "health"), ("Housing", None), ("Police", "police")
    ]
    assert leads[0].emails == ["nurse@example.nhs.uk"] and leads[1].emails == []
    assert leads[1].key == "Housing" and leads[0].key == "health"


def test_group_by_lead_lists_file_agencies_in_file_order_then_unmatched_texts_by_name():
    actions = [_action("1.1", "Police"), _action("1.2", "zebra trust", "NHS Kernow"), _action("1.3", "Alpha"),
               _action("1.4", "Health")]
    groups = group_by_lead(actions, [HEALTH, POLICE])
    assert [(lead.key, [a.ref for a in acts]) for lead, acts in groups.items()] == [
        ("health", ["1.2", "1.4"]), ("police", ["1.1"]), ("Alpha", ["1.3"]), ("zebra trust", ["1.2"]),
    ]
    assert unmatched_leads(actions, [HEALTH, POLICE]) == ["Alpha", "zebra trust"]


def test_a_lead_text_equal_to_an_agency_id_is_not_the_same_group_as_the_agency_by_accident():
    # An unmatched text and an agency never compare equal, even with the same key.
    assert Lead("health") != Lead("Health", HEALTH)
    assert Lead("Health", HEALTH) == Lead("Other name", HEALTH)


def test_the_file_round_trips_in_its_canonical_form_and_keeps_its_header(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    save_agencies(data, [HEALTH, POLICE], header="# our agencies\n")
    text = (data / "agencies.yaml").read_text()
    assert text.startswith("# our agencies\nagencies:\n- id: health\n  name: Health\n  aliases:\n  - NHS Kernow\n")
    agencies, problems = load_agencies(data)
    assert problems == [] and agencies == [HEALTH, POLICE]
    save_agencies(data, [POLICE])  # the header of the file stays
    assert (data / "agencies.yaml").read_text() == "# our agencies\nagencies:\n- id: police\n  name: Police\n"


def test_an_absent_file_is_none_and_an_empty_one_is_an_empty_list(tmp_path):
    assert load_agencies(tmp_path) == (None, [])
    write_files(tmp_path, {"agencies.yaml": EMPTY_HEADER + agencies_text([])})
    assert load_agencies(tmp_path) == ([], [])
    assert agencies_text([]) == "agencies: []\n"


@pytest.mark.parametrize(
    ("body", "line", "code", "words"),
    [
        ("agencies:\n- id: health\n  nmae: Health\n", 3, "CAP101", "did you mean `name`"),
        ("agencies:\n- id: health\n", 2, "CAP102", "`agencies.0.name`"),
        ("agencies:\n- id: Health Trust\n  name: Health\n", 2, "CAP103", "agencies.0.id"),
        ("agencies:\n- id: h\n  name: Health\n  contacts:\n  - email: not an address\n", 5, "CAP103", "email"),
        ("agencies:\n- id: h\n  name: Health\n  contacts:\n  - email: 'a@b.uk, c@d.uk'\n", 5, "CAP103", "email"),
        ("agencies:\n- id: h\n  name: Health\n  aliases: NHS\n", 4, "CAP103", "aliases"),
        ("agencies:\n- id: h\n  name: Health\n  name: Again\n", 4, "CAP006", "duplicate"),
    ],
)
def test_problems_in_the_file_are_values_with_its_path_and_line(tmp_path, body, line, code, words):
    data = write_files(tmp_path / "data", {"agencies.yaml": body})
    agencies, problems = load_agencies(data)
    assert agencies is None
    found = [p for p in problems if (p.path, p.line, p.code) == ("data/agencies.yaml", line, code)]
    assert found and words in found[0].message, problems


def test_the_shipped_plan_has_agencies_for_every_lead_and_no_contact_details():
    agencies, problems = load_agencies(DATA)
    assert problems == []
    plan, _ = load_plan(DATA)
    assert unmatched_leads(plan.actions, agencies) == []
    assert all(a.contacts == [] for a in agencies)  # no personal details in the shipped plan
    text = (DATA / "agencies.yaml").read_text()
    assert "@" not in text
    assert agencies_text(agencies, header_comment(text)) == text  # canonical


def test_new_agencies_from_leads_get_unique_ids_and_skip_what_the_file_names():
    added = agencies_from_leads(["Health", "Housing", "housing ", "Children's Services", "Police!"], [HEALTH])
    assert [(a.id, a.name) for a in added] == [
        ("housing", "Housing"), ("children-s-services", "Children's Services"), ("police", "Police!"),
    ]
    assert new_agency_id("Police", {"police", "Police-2"}) == "police-3"
    assert new_agency_id("***", set()) == "agency"


def test_the_json_schema_describes_the_file():
    schema = json_schema("agencies")
    assert schema["title"].endswith("data/agencies.yaml")
    assert schema["required"] == ["agencies"]
    agency = schema["$defs"]["Agency"]
    assert set(agency["required"]) == {"id", "name"}
    assert agency["additionalProperties"] is False
    json.dumps(schema)


def test_the_model_refuses_unknown_keys():
    with pytest.raises(ValueError):
        AgenciesFile.model_validate({"agencies": [{"id": "h", "name": "H", "phone": "1"}]})
