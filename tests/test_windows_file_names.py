"""Every file cap names after an agency is valid on Windows: agency packs, the site's agency
pages and the round's return forms all take the one slug rule (cap/slugs.py), even for
leads named like a device (`CON`, `Aux.`), with characters Windows refuses, or very long."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cap.slugs import MAX_LEN, file_slug
from tests.conftest import DATA, Cap
from tests.gitrepo import GitRepo, git_env  # noqa: F401  (no git settings from the machine)

LEADS = ["CON", "Aux.", "Health: North/South?", "Children's Services <Early Help>", "nul ", "Ω " + "Board " * 30]
RESERVED = re.compile(r"^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$", re.I)


def valid_on_windows(name: str) -> bool:
    return (bool(name) and not RESERVED.match(name) and not re.search(r'[<>:"/\\|?*\x00-\x1f]', name)
            and not name.endswith((".", " ")) and len(name) <= 255)


@pytest.fixture
def plan(tmp_path) -> Path:
    repo = GitRepo(tmp_path / "plan", data=DATA)
    for path, lead in zip(sorted((repo.data / "actions").glob("*.yaml")), LEADS):  # an open action led by each
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"(?ms)^lead:\n(- .*?\n)+", lambda _: f"lead:\n- {json.dumps(lead)}\n", text, count=1)
        text = re.sub(r"(?m)^status: .*$", "status: open", text, count=1)
        path.write_text(text, encoding="utf-8")
    repo.commit("January plan", "2017-01-31")
    assert Cap(repo.data)("validate", "--as-of", "2017-07-01").exit_code in (0, 1)
    return repo.data


def names_under(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*")]


@pytest.mark.slow
def test_agency_packs_site_pages_and_round_forms_are_valid_windows_names(plan, tmp_path):
    wanted = {file_slug(lead) for lead in LEADS}
    assert all(valid_on_windows(s) and len(s) <= MAX_LEN for s in wanted), wanted

    packs = tmp_path / "packs"
    result = Cap(plan)("report", "--kind", "agency", "--each", "--as-of", "2017-07-01", "-o", str(packs))
    assert result.exit_code == 0, result.output
    site = tmp_path / "site"
    result = Cap(plan)("site", "--as-of", "2017-07-01", "-o", str(site))
    assert result.exit_code == 0, result.output
    forms = tmp_path / "forms"
    result = Cap(plan)("round", "start", "--due", "14/07/17", "--as-of", "2017-07-01", "-o", str(forms))
    assert result.exit_code == 0, result.output

    for folder in (packs, site, forms, plan / "rounds"):
        names = names_under(folder)
        assert names, folder
        bad = [n for n in names if not valid_on_windows(n)]
        assert not bad, (folder, bad)
    # each of those leads got its file in each place, named by the one rule
    for folder in (packs, forms):
        stems = {Path(n).stem for n in names_under(folder)}
        assert wanted <= stems, (folder, wanted - stems)
    site_stems = {p.stem for p in site.rglob("*.html")}
    assert wanted <= site_stems, wanted - site_stems
