"""Helpers shared by the tests: checkers for a date, shipped samples, rule cases, strategies, goldens.

Imported as `tests.support.<module>`: pytest puts the repository root on `sys.path`
(`pythonpath = ["."]` in pyproject.toml), so no test edits `sys.path` itself.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
