"""The search that inverts a derived figure stops once the bound it says is settled, and says the same;
a re-check the engine refuses is no remedy.

`_boundary` narrows a key's value between one that meets a bound and one that does not; the
change a remedy states is the key rounded to 4 digits (or more) on the safe side, so the search
may stop as soon as every value still in between rounds to the same first try and that try meets
the bound (`_settled`). These tests hold that stop to what the full search gives, on figures
whose bound is hit exactly (a round value: the case where the full search took thirty figures
more) and on figures whose bound is not.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

import pytest

from checker import remedies
from checker.errors import EngineError
from checker.remedies.solve import _INVERTED_DIGITS, _boundary, _nearest, _rounded, _settled
from checker.remedies.workspace import Workspace
from tests.support import REPO
from tests.support.checkers import checker_on

LOW, HIGH = 0.0, 1e15


def _search(figure: Callable[[float], float], bound: float, good: float, bad: float, stop: bool) -> tuple[float, int]:
    """The value `_boundary` returns and how many figures were computed, with or without the
    stop, counting the first value `_invert_key` then tries (the stop may have computed it)."""
    seen: dict[float, float] = {}

    def counted(x: float) -> float:
        if x not in seen:
            seen[x] = figure(x)
        return seen[x]

    def meets(x: float) -> bool:
        return counted(x) <= bound if good < bad else counted(x) >= bound

    settled = (lambda near, far: _settled(near, far, LOW, HIGH, bad, abs(good - bad), meets)) if stop else None
    found = _boundary(counted, meets, bound, good, bad, settled)
    meets(_first_try(found))
    return found, len(seen)


def _first_try(value: float) -> float:
    return min(max(_nearest(value, _INVERTED_DIGITS), LOW), HIGH)


@pytest.mark.parametrize(
    ("figure", "bound", "good", "bad"),
    [
        (lambda x: x / 16, 20.0, 100.0, 1000.0),  # an energy total hit exactly at 320
        (lambda x: x * 20.0 / 311300.0, 20.0, 194989.0, 389978.0),  # a total exactly at 311 300
        (lambda x: 6.0e5 / x, 20.0, 60000.0, 15000.0),  # an intensity in its value added, exactly at 30 000
        (lambda x: 0.1229 * x / 1000 + 35.7, 40.0, 100.0, 1e6),  # electricity into a total: no round hit
        (lambda x: 1234.5678 / x, 0.75, 5000.0, 10.0),
    ],
)
def test_a_settled_search_says_the_same_bound_with_fewer_figures(figure, bound, good, bad) -> None:
    full, full_count = _search(figure, bound, good, bad, stop=False)
    stopped, stopped_count = _search(figure, bound, good, bad, stop=True)
    assert _first_try(stopped) == _first_try(full)
    assert stopped_count <= full_count


def test_an_exact_hit_no_longer_takes_thirty_more_figures() -> None:
    full, full_count = _search(lambda x: x / 16, 20.0, 100.0, 1000.0, stop=False)
    stopped, stopped_count = _search(lambda x: x / 16, 20.0, 100.0, 1000.0, stop=True)
    assert full == stopped == 320.0
    assert full_count >= 30
    assert stopped_count <= full_count - 15


def test_not_settled_while_the_ends_round_apart_or_the_first_try_fails() -> None:
    def meets(x: float) -> bool:
        return x <= 320.0

    assert _settled(320.0, 320.01, LOW, HIGH, 1000.0, 900.0, meets)
    assert not _settled(320.0, 321.0, LOW, HIGH, 1000.0, 900.0, meets)  # 320.0 and 321.0 apart
    assert not _settled(319.99, 320.02, LOW, HIGH, 1000.0, 900.0, lambda x: x <= 319.99)  # 320 fails


def test_not_settled_near_the_least_value_where_any_value_above_it_is_said() -> None:
    # searching down towards nought (the value that does not meet is the least one): a bound met
    # just above it is said as "more than 0", which only the full search decides
    def above_nought(x: float) -> bool:
        return x > 0

    assert not _settled(5.00001e-10, 4.99999e-10, LOW, HIGH, LOW, 1000.0, above_nought)
    assert _settled(5.00001e-10, 4.99999e-10, LOW, HIGH, 1.0, 1000.0, above_nought)


def test_a_changed_file_the_engine_refuses_is_no_remedy_not_a_failed_report(monkeypatch) -> None:
    """A re-check the engine refuses (`EngineError`, a `CheckerError`) offers no remedy, as a
    changed file that is invalid input does; the report of the file as given is still made."""

    def refused(self, state):
        raise EngineError("the core refused the facts")

    checker = checker_on(dt.date(2026, 1, 1))
    result = checker.check_path(REPO / "projects" / "ordos-calcium-carbide.yaml")
    assert any(f.status == "fail" for f in result.findings)
    monkeypatch.setattr(Workspace, "_statuses", refused)
    remedies.attach(result)
    offered = [r for f in result.findings for r in (f.remedies or ()) if r.kind == "change"]
    assert offered == []
    assert all(f.remedies is not None for f in result.findings)


@pytest.mark.parametrize(
    "value", [5e-324, 2.2e-308, 1.5e-301, -7.3e-310, 1.7976931348623157e308, 3.1e301, 0.1, 0.3, 123.456, 9.9995e3]
)
@pytest.mark.parametrize("up", [True, False])
def test_a_computed_bound_is_rounded_to_the_safe_side_however_small_or_large(value: float, up: bool):
    """A bound of 5e-324 (a subnormal storage power over 9e12 hours) once divided by a power of
    ten that is 0.0 as a float; any finite bound now rounds, and never past itself."""
    rounded = _rounded(value, up=up, digits=4)
    assert math.isfinite(rounded) or abs(value) > 1e308
    assert (rounded >= value) if up else (rounded <= value)
    if rounded != value and math.isfinite(rounded) and not 1e15 < abs(value) < 1e303:
        digits = repr(abs(rounded)).split("e")[0].replace(".", "").strip("0")
        assert len(digits) <= 4, rounded


def test_a_figure_clamped_at_nought_is_narrowed_to_its_bound():
    """Net new coal is max(coal − replacement, 0): beyond the bound the figure is flat, and the
    secant once crept from the far end for all 80 steps, stopping 0.8 % past the bound (a
    replacement of 3.222e12 t said where 3.197e12 t was enough)."""
    coal = 3196923947699.304

    def figure(x: float) -> float:
        return max(coal - x, 0.0)

    found = _boundary(figure, lambda x: figure(x) <= 10000.0, 10000.0, 1e13, 1e12)
    assert figure(found) <= 10000.0
    assert found - (coal - 10000.0) <= 1e-6 * coal
