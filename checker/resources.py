"""Where the shipped data lives: inside the wheel, or at the top of a source checkout.

Rules, parameters, templates and plan texts are data files, not Python; a wheel carries them under
`checker/_data/`, and a checkout (or editable install) reads them from the repository's top level.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_root() -> Path:
    """The folder that holds `rules/` and `templates/`."""
    bundled = _PACKAGE / "_data"
    if (bundled / "rules").is_dir():
        return bundled
    return _PACKAGE.parent


def rules_dir() -> Path:
    return data_root() / "rules"


def templates_dir() -> Path:
    return data_root() / "templates"


def plan_dir() -> Path:
    return rules_dir() / "plan"
