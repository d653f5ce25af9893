"""cap: a Serious Case Review composite action plan kept as plain text under git.

The package is a library first; `cap.cli` is a thin Typer layer over it.

    >>> from cap.loader import load_plan
    >>> plan, problems = load_plan("data")        # doctest: +SKIP
"""

__version__ = "0.1.0"
