"""Canonical JSON and the hashes taken over it: one definition for the ledger and the reports.

A ledger entry keys the parameters it was checked with by `parameters_sha256`; a compact verdict
line (`--format jsonl`) names the same set by the same hash, and `checker params --format json`
states it, so a line, a ledger entry and the parameter listing join on one value. Kept apart from
the ledger so that a check computes it without importing SQLAlchemy.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from checker.rules.parameters import ParameterSet


def canonical_json(value: Any) -> str:
    """One spelling per value: sorted keys, no spaces, UTF-8 kept; what every hash is taken over."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def sha256_text(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def params_body(params: ParameterSet) -> str:
    """Canonical JSON of every field of every ParameterValue in force (not the check date)."""
    return canonical_json(
        {
            name: {
                "name": p.name,
                "value": p.value,
                "unit": p.unit,
                "effective_from": p.effective_from.isoformat(),
                "effective_to": p.effective_to.isoformat() if p.effective_to else None,
                "source": p.source,
                "verified": p.verified,
                "origin": p.origin,
                "description": {"zh": p.description.zh, "en": p.description.en},
                # only when some entries are: the bodies of entries recorded before it stay the same
                **({"verified_entries": list(p.verified_entries)} if p.verified_entries else {}),
                # likewise: a body recorded before provenance existed re-runs without it
                **({"provenance": p.provenance} if p.provenance is not None else {}),
                **({"provenance_entries": dict(p.provenance_entries)} if p.provenance_entries else {}),
            }
            for name, p in params.values.items()
        }
    )


# one hash per parameter set: a batch checks thousands of projects against the same set. Each entry
# keeps its set, so the id cannot be reused by another object while the entry lives.
_params_hashes: dict[int, tuple[ParameterSet, str]] = {}
_CACHE_MAX = 64


def parameters_sha256(params: ParameterSet) -> str:
    """The hash of a parameter set: `sha256(params_body(params))`, the ledger's `params_sha256`."""
    entry = _params_hashes.get(id(params))
    if entry is None or entry[0] is not params:
        if len(_params_hashes) >= _CACHE_MAX:
            _params_hashes.clear()
        entry = _params_hashes[id(params)] = (params, sha256_text(params_body(params)))
    return entry[1]
