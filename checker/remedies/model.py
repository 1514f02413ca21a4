"""What a remedy is: changes to keys of the project file, and what checking the changed file gave.

A `Change` names one key, a comparison and its bound (`data_center.pue lte 1.2`), the key's unit,
and, when the key feeds a derived figure the rule compares, that figure and the bound it reaches
(`via`: electricity in kWh that brings the energy intensity, on the 等价值 basis, to its cap). A
`Remedy` is one way to improve one rule's status: its changes all together, the status the rule
then had when the changed file was checked, and any other rule whose status that change made worse.
A remedy with no changes says that no change of the file's figures improves the rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# comparisons a change states; `present`: the key must be declared (a permit, a document)
OPS = ("lt", "lte", "gt", "gte", "eq", "present")


@dataclass(frozen=True)
class Via:
    """The derived figure a change of an input key brings to a rule's bound."""

    fact: str
    op: str
    value: float
    unit: str
    label_zh: str
    label_en: str

    @property
    def basis(self) -> str | None:
        """The energy basis the figure is counted on, as its label says: 当量值 (calorific
        equivalent) or 等价值 (equal value), else None."""
        if "当量值" in self.label_zh:
            return "calorific"
        if "等价值" in self.label_zh:
            return "equal_value"
        return None


@dataclass(frozen=True)
class Change:
    key: str
    op: str
    value: Any
    unit: str = ""
    via: Via | None = None
    # the label of the fact read from the key (zh, en), when the fact catalogue has one
    label: tuple[str, str] | None = field(default=None, compare=False)
    # a bound computed from another fact: that fact's labels (zh, en) and the factor applied
    against: tuple[str, str, Any] | None = field(default=None, compare=False)
    # the change meets another rule's status a condition of this rule reads (HE-003 passing)
    for_rule: tuple[str, tuple[str, ...]] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        assert self.op in OPS, self.op


@dataclass(frozen=True)
class Effect:
    """Another rule whose status the change made worse when the changed file was checked."""

    rule: str
    before: str
    after: str


@dataclass(frozen=True)
class Remedy:
    """One way to improve a rule's status, tried by checking the changed file.

    `kind`: `change` (the changes, all together, gave `status`), `supply` (the keys a
    missing_info finding asks for, as `present` changes, no value known to decide it: `status`
    is None), or `none` (no change of the file's figures improves the rule; `note` may say why,
    from the rule)."""

    rule: str
    kind: str
    before: str
    changes: tuple[Change, ...] = ()
    status: str | None = None
    effects: tuple[Effect, ...] = ()
    note: Any = None  # the rule's own sentence (a Localised) when no change helps
    items: tuple[str, ...] = field(default=())  # labels of the products or boilers changed, if any
    # the status the changes were derived to reach; `status` may be better (a lower consumption
    # that also falls below a threshold): the bounds are the smallest change for the goal only
    goal: str | None = field(default=None, compare=False)
    # how far the changes move the file's figures (relative), to order alternatives of equal size
    cost: float = field(default=0.0, compare=False)
