"""The plan period: which plan the rules implement, and what a check dated outside it is told.

The shipped rules implement the Inner Mongolia 14th Five-Year Plan, 2021-01-01 to 2025-12-31
(`plan:` in the pack's `pack.yaml`). Its parameters start with the period, so a check dated before it has nothing
to compare against and is refused. A check dated after it still runs those rules, which a reviewer
must be told: the verdict carries the notice `outside_plan_period` (catalogue amendment 10).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from checker.errors import UsageError
from checker.project.model import CalendarDate
from checker.rules.parameters import Localised

OUTSIDE_PLAN_PERIOD = "outside_plan_period"


class PlanFile(BaseModel):
    """The `plan:` of a pack's `pack.yaml`."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)

    title: Localised  # the plan's official title
    name: Localised  # how a sentence names it: “十四五”规划
    start: CalendarDate = Field(alias="from")
    end: CalendarDate = Field(alias="to")

    @model_validator(mode="after")
    def _dates_in_order(self) -> PlanFile:
        if self.end < self.start:
            raise ValueError("`to` is before `from`")
        return self

    def to_json(self) -> dict[str, str]:
        """`ruleset.plan` of the JSON verdict: the official (Chinese) title and the period."""
        return {"title": self.title.zh, "from": self.start.isoformat(), "to": self.end.isoformat()}


@dataclass(frozen=True)
class Notice:
    """Something a reviewer must know about the whole check, not about one rule.

    `values` fill the notice's sentence (`templates/terms.yaml`, table `notice`)."""

    code: str
    values: dict[str, Any] = field(default_factory=dict)


def refuse_before(plan: PlanFile | None, as_of: dt.date) -> None:
    """A check dated before the plan period is a usage error: the rules did not yet exist."""
    if plan is not None and as_of < plan.start:
        raise UsageError(
            f"check date {as_of.isoformat()} is before the period of the rules' plan, "
            f"{plan.title.zh} ({plan.start.isoformat()} to {plan.end.isoformat()}); "
            "choose an --as-of date within or after it"
        )


def notices(plan: PlanFile | None, as_of: dt.date) -> tuple[Notice, ...]:
    """The run-level notices of a check on `as_of` under `plan`: none inside the period."""
    if plan is None or as_of <= plan.end:
        return ()
    return (
        Notice(
            OUTSIDE_PLAN_PERIOD,
            {
                "as_of": as_of.isoformat(),
                "start": plan.start.isoformat(),
                "end": plan.end.isoformat(),
                "title": plan.title,
                "name": plan.name,
            },
        ),
    )
