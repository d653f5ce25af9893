"""`cap init`'s dev container: the plan opens in GitHub Codespaces or VS Code with cap installed."""

from __future__ import annotations

import json

from cap import devcontainer
from cap.devcontainer import install_spec, requirements_txt
from tests.conftest import Cap


def test_init_writes_a_dev_container_with_python_that_installs_cap(tmp_path):
    assert Cap()("init", str(tmp_path)).exit_code == 0
    config = json.loads((tmp_path / ".devcontainer" / "devcontainer.json").read_text(encoding="utf-8"))
    assert config["image"].startswith("mcr.microsoft.com/devcontainers/python:3.")
    command = config["postCreateCommand"]
    assert "pip install" in command and "-r .devcontainer/requirements.txt" in command and "cap --version" in command
    requirements = (tmp_path / ".devcontainer" / "requirements.txt").read_text(encoding="utf-8")
    assert requirements.startswith("# Where pip gets cap") and "CAP_INSTALL" in requirements


def test_the_requirements_name_where_this_cap_came_from_when_another_computer_can_reach_it():
    git = '{"url": "https://github.com/org/cap", "vcs_info": {"vcs": "git", "commit_id": "ab12cd"}}'
    assert install_spec(git) == "cap @ git+https://github.com/org/cap@ab12cd"
    tagged = '{"url": "https://github.com/org/cap", "vcs_info": {"vcs": "git", "requested_revision": "v0.1.0", "commit_id": "ab"}}'
    assert install_spec(tagged) == "cap @ git+https://github.com/org/cap@v0.1.0"
    assert install_spec('{"url": "https://example.org/cap-0.1.0.tar.gz", "archive_info": {}}') == \
        "cap @ https://example.org/cap-0.1.0.tar.gz"
    for local in ('{"url": "file:///home/ann/cap", "dir_info": {"editable": true}}', None, "", "not json", "{}", "[1]"):
        assert install_spec(local) is None
    lines = [ln for ln in requirements_txt("cap @ git+https://github.com/org/cap@v0.1.0").splitlines()
             if not ln.startswith("#")]
    assert lines == ["cap @ git+https://github.com/org/cap@v0.1.0"]
    assert all(ln.startswith("#") for ln in requirements_txt(None).splitlines())  # pip installs nothing, says so


def test_init_writes_the_spec_of_the_cap_running_it(tmp_path, monkeypatch):
    monkeypatch.setattr(devcontainer, "this_install_spec", lambda: "cap @ git+https://github.com/org/cap@v0.1.0")
    assert Cap()("init", str(tmp_path)).exit_code == 0
    text = (tmp_path / ".devcontainer" / "requirements.txt").read_text(encoding="utf-8")
    assert "\ncap @ git+https://github.com/org/cap@v0.1.0\n" in text
