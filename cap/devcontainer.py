"""The dev container `cap init` writes: the plan opens in a browser-based editor (GitHub
Codespaces) or in VS Code with cap installed, so a manager with no Python on her own
computer can work on the plan.

`.devcontainer/devcontainer.json` names a Python image and, once the container is made,
installs what `.devcontainer/requirements.txt` lists: where pip gets cap (one line, as the
`CAP_INSTALL` variable of the CI workflows). `cap init` writes that line itself when the cap
that runs it came from a place another computer can reach (a git or https URL, as pip
recorded it); otherwise the file says what to write there.

    >>> install_spec('{"url": "https://github.com/org/cap", "vcs_info": {"vcs": "git", "requested_revision": "v0.1.0", "commit_id": "ab12"}}')
    'cap @ git+https://github.com/org/cap@v0.1.0'
    >>> install_spec('{"url": "file:///home/me/cap", "dir_info": {"editable": true}}') is None
    True
"""

from __future__ import annotations

import json

#: The dev container's image: Microsoft's Python dev container image (git included).
IMAGE = "mcr.microsoft.com/devcontainers/python:3.12"
REQUIREMENTS = ".devcontainer/requirements.txt"


def install_spec(direct_url: str | None) -> str | None:
    """What pip installs this cap from elsewhere, from pip's record of where it came from
    (`direct_url.json`, PEP 610), or None (a local folder, an index, no record)."""
    if not direct_url:
        return None
    try:
        record = json.loads(direct_url)
        url = record["url"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(url, str) or not url.startswith(("https://", "http://", "ssh://", "git@")):
        return None
    vcs = record.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs"):
        revision = vcs.get("requested_revision") or vcs.get("commit_id")
        return f"cap @ {vcs['vcs']}+{url}" + (f"@{revision}" if revision else "")
    return f"cap @ {url}"


def this_install_spec() -> str | None:
    """`install_spec` of the cap running now."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        return install_spec(distribution("cap").read_text("direct_url.json"))
    except (PackageNotFoundError, OSError):
        return None


def devcontainer_json() -> str:
    config = {
        "name": "Composite action plan (cap)",
        "image": IMAGE,
        "postCreateCommand": f"python -m pip install --user -r {REQUIREMENTS} && cap --version",
        "customizations": {"vscode": {"extensions": ["redhat.vscode-yaml"]}},
    }
    return json.dumps(config, indent=2) + "\n"


def requirements_txt(spec: str | None) -> str:
    head = (
        "# Where pip gets cap in the dev container (GitHub Codespaces, VS Code): one line, the\n"
        "# same as the CAP_INSTALL variable of the CI workflows, for example\n"
        "# cap @ git+https://github.com/ORG/cap@v0.1.0\n"
    )
    return head + (f"{spec}\n" if spec else "# (cap init did not know it: write the line here, then rebuild the container)\n")


def devcontainer_files(spec: str | None) -> dict[str, str]:
    """The dev container's files, by path from the repository's top."""
    return {".devcontainer/devcontainer.json": devcontainer_json(), REQUIREMENTS: requirements_txt(spec)}
