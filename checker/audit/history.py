"""`checker history`: a project's entries in the ledger, oldest first, with what changed between
one and the next (verdict, input, rules, parameters, check date, waiver register)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checker.audit.ledger import Entry


@dataclass(frozen=True)
class HistoryRow:
    """One entry of a project's history and what changed since that project's previous entry."""

    entry: Entry
    changed: tuple[str, ...]  # of: verdict, input, ruleset, parameters, check date, waiver register


_TRACKED = (
    ("verdict", "verdict"),
    ("input", "input_sha256"),
    ("ruleset", "ruleset_sha256"),
    ("parameters", "params_sha256"),
    ("check date", "as_of"),
    ("waiver register", "waiver_register_sha256"),
)


def project_history(entries_: list[Entry]) -> dict[str, list[HistoryRow]]:
    """Entries grouped by project (its id, or its file path when it has none), oldest first."""
    grouped: dict[str, list[HistoryRow]] = {}
    for entry in entries_:
        key = entry.project_id or f"(no id) {entry.input_path}"
        rows = grouped.setdefault(key, [])
        previous = rows[-1].entry if rows else None
        changed = (
            ()
            if previous is None
            else tuple(label for label, name in _TRACKED if getattr(previous, name) != getattr(entry, name))
        )
        rows.append(HistoryRow(entry, changed))
    return grouped


def history_json(rows: list[HistoryRow]) -> list[dict[str, Any]]:
    """A project's entries as `checker history --format json` and the workbench's API list them."""
    return [
        {
            "entry": row.entry.seq,
            "recorded_at": row.entry.recorded_at,
            "as_of": row.entry.as_of,
            "verdict": row.entry.verdict,
            "input_sha256": row.entry.input_sha256,
            "ruleset_sha256": row.entry.ruleset_sha256,
            "params_sha256": row.entry.params_sha256,
            "waiver_register_sha256": row.entry.waiver_register_sha256,
            "changed": list(row.changed),
        }
        for row in rows
    ]
