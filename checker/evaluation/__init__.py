"""Evaluation: from a project's flat facts to one decision per rule and subject.

An engine only says which conditions of each rule held for each subject (`protocol.Evaluator`);
everything else is the same whatever the engine: the rules in dependency stages, the statuses of
one stage handed to the next as facts, the dates a rule is in force, and the decision of each
subject, made once (`stages.Evaluation`). Two engines evaluate the rule language:

- `durable`, the default: rules compiled to durable_rules rulesets (`checker.evaluation.durable`, the only
  module that imports the engine);
- `reference`: a pure-Python evaluator written from the language's documented meaning
  (`checker.evaluation.reference`), the oracle the differential tests hold the other against.

Both give identical findings; `--engine` chooses one for a run. This module stays small: the
command line imports it to read the option before it knows whether it will check anything.
"""

from __future__ import annotations

ENGINES = ("durable", "reference")
DEFAULT_ENGINE = "durable"

_selected: list[str] = [DEFAULT_ENGINE]


def select(name: str | None) -> None:
    """Choose the engine of this process's checks (`--engine`); None keeps the default."""
    name = name or DEFAULT_ENGINE
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}: one of {', '.join(ENGINES)}")
    _selected[0] = name


def selected() -> str:
    """The engine chosen for this process (worker processes are told it: `batch.Settings`)."""
    return _selected[0]
