"""cap.nearest: names the plan does not have, in one line with the nearest ones."""

from cap.nearest import LISTED, nearest, unknown


def test_nearest_any_case_as_written():
    assert nearest("CURIOUSITY", ["curiosity", "fora"]) == ["curiosity"]
    assert nearest("zzz", ["curiosity", "fora"]) == []
    assert nearest("4.99", ["4.9", "1.1", "2.2"]) == ["4.9"]


def test_unknown_lists_few_names_and_guesses():
    assert unknown("theme", "froa", ["fora", "curiosity"]) == "unknown theme 'froa'; did you mean fora? (themes: fora, curiosity)"
    assert unknown("SCR", "Z", [], plural="cases") == "unknown SCR 'Z' (the plan has no cases)"
    assert unknown("ref", "9.9", ["1.1"], detail="there is no x") == "unknown ref '9.9': there is no x (refs: 1.1)"


def test_unknown_among_many_names_only_the_nearest():
    refs = [f"1.{n}" for n in range(1, LISTED + 5)]
    assert unknown("ref", "1.100", refs) == "unknown ref '1.100'; did you mean 1.10, 1.1 or 1.16?"
    assert unknown("ref", "zz", refs) == f"unknown ref 'zz' ({len(refs)} refs, from 1.1 to 1.16)"
