"""The batch's one-line JSON verdict, with what no project changes serialised once per process,
and the compact verdict line of `--format jsonl`.

A batch prints `json.dumps(verdict_json(result, lang))` in compact form for every project: ~45 kB,
two thirds of it the parameters each finding compared against (value, source, dates) and the
plan basis it cites, which are the same for every project checked under one set of parameters.
Encoding them again per project costs more than rendering the findings' messages.

Compact JSON is a plain concatenation of its members, so the line is assembled from pieces: the
parts that depend on the project are encoded with the same encoder, the rest is encoded once per
rule and per parameter and reused. `verdict_json` stays the one definition of the contract; the
line must equal its compact dump byte for byte (tests/test_report_line.py checks every fixture).
"""

from __future__ import annotations

import json
import json.encoder
import math
from collections.abc import Callable
from typing import Any

from checker.check import CheckResult
from checker.digests import parameters_sha256
from checker.remedies import attach
from checker.reports.render import (
    audit_identity,
    claims_view,
    finding_basis,
    finding_facts,
    finding_json_tail,
    finding_opening,
    finding_parameter_values,
    finding_state,
    parameters_in_force,
    remedies_json,
    render_bare_message,
    render_message,
    verdict_head,
    waivers_view,
)
from checker.rules.parameters import ParameterValue
from checker.rules.ruleset import Rule
from checker.verdict.findings import Finding
from checker.verdict.waivers import claim_sentence


def _compact_encoder() -> Callable[[Any], str]:
    """The C encoder `json.dumps(..., ensure_ascii=False, separators=(",", ":"))` uses, built once.

    `JSONEncoder.encode` builds it again on every call (~2 µs, and a line takes ~40 calls). No
    circular-reference markers: the values are fresh dicts and lists from the verdict, never shared
    with themselves. The bytes are those of `json.dumps`.
    """
    base = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    make = json.encoder.c_make_encoder  # type: ignore[attr-defined]  # CPython's C encoder: not in typeshed
    if make is None:  # pragma: no cover - a Python built without the _json accelerator
        return base.encode
    # allow_nan=False: an infinity or NaN is a bug to report (exit 70), never `Infinity` in a line
    chunks = make(None, base.default, json.encoder.encode_basestring, None, ":", ",", False, False, False)
    return lambda value: "".join(chunks(value, 0))


_encode = _compact_encoder()
_encode_text = json.encoder.encode_basestring  # a str as `_encode` writes it (ensure_ascii=False)

# Pieces keyed by the identity of the objects they encode. Each entry keeps its object, so the
# id cannot be reused by another object while the entry lives; cleared when full (tests and
# long-lived processes build many rulesets and parameter sets).
_CACHE_MAX = 4096
_rule_pieces: dict[tuple[int, str], tuple[Rule, str, str]] = {}
_param_pieces: dict[tuple[str, int], tuple[ParameterValue, str]] = {}


# Rendered messages keyed by everything their template reads (see `_message`), per rule while it
# pays: a rule whose inputs differ in nearly every project stops being remembered.
_MESSAGES_MAX = 2048  # ~1.5 MB a process at most: the memory target counts every worker
# (rule, parameters, text, the text as JSON, the facts read as JSON)
_messages: dict[tuple[Any, ...], tuple[Rule, tuple[ParameterValue, ...], str, str, str]] = {}
_values_pieces: dict[tuple[Any, ...], tuple[Rule, tuple[ParameterValue, ...], str]] = {}
_states: dict[tuple[str, bool], str] = {}
# a compact finding's tail by (rule, branch, missing keys): see `_tail`
_tails: dict[tuple[Any, ...], tuple[Rule, str]] = {}
_MEMO_PROBE = 128  # lookups of a rule before deciding whether remembering it pays
_memo_use: dict[tuple[int, str], list[Any]] = {}  # (id(rule), lang) → [rule, lookups, hits, on]


def _value_key(value: Any) -> tuple[Any, ...]:
    """A fact value as a memo key: with its type (True, 1 and 1.0 are equal keys but print
    differently) and, for a float zero, its sign (-0.0 == 0.0)."""
    kind = type(value)
    if kind is float and value == 0.0:
        return (kind, value, math.copysign(1.0, value))
    return (kind, value)


def _message(finding: Finding, lang: str) -> str:
    """`_encode(render_message(finding, lang))`: the message as a JSON string, remembered for
    findings whose template inputs repeat (`_message_and_facts`)."""
    return _message_and_facts(finding, lang)[0]


def _message_and_facts(finding: Finding, lang: str) -> tuple[str, str]:
    """`_encode(render_message(finding, lang))` and `_facts(finding)`: the message and the facts
    read, as JSON, both remembered for findings whose template inputs repeat.

    A message template receives the status before any waiver, the outcome's reason, the facts the
    rule reads, the parameters it compares against, its items and the missing keys
    (`report._message_context`); the parameters are the same objects for every project of a
    Checker. Projects of a batch often give a rule the same inputs (a rule that does not apply,
    a flag), and rendering and encoding cost ~20 µs against ~2 µs for the key. Findings with
    items, and facts holding lists or mappings, are rendered every time. The claim sentence is
    added as `render_message` adds it, never remembered. The key holds every fact's value with its
    type and the sign of a zero, so the facts' JSON is the same for every finding of that key and
    is remembered beside the message.
    """
    rule = finding.rule
    use = _memo_use.get((id(rule), lang))
    if use is None or use[0] is not rule:
        if len(_memo_use) >= _CACHE_MAX:
            _memo_use.clear()
        use = _memo_use[(id(rule), lang)] = [rule, 0, 0, True]
    if not use[3] or finding.items:
        return _encode_text(render_message(finding, lang)), _facts(finding)
    params = tuple(finding.parameters.values())
    try:
        key = (
            id(rule),
            lang,
            finding.original_status or finding.claimed_status or finding.status,
            finding.decision,
            finding.as_of if finding.decision.branch == "effective" else None,
            finding.missing_keys,
            tuple(map(id, params)),
            tuple([(name, *_value_key(reading.value)) for name, reading in finding.facts.items()]),
        )
        entry = _messages.get(key)
    except TypeError:  # a list or mapping among the facts
        return _encode_text(render_message(finding, lang)), _facts(finding)
    use[1] += 1
    if entry is not None:
        use[2] += 1
        text, encoded, facts = entry[2], entry[3], entry[4]
    else:
        if use[1] >= _MEMO_PROBE and use[2] * 4 < use[1]:
            # its inputs rarely repeat: the key costs more than it saves, and what it holds
            # would only take the place of messages that are used again
            use[3] = False
            for stale in [k for k in _messages if k[0] == id(rule) and k[1] == lang]:
                del _messages[stale]
            return _encode_text(render_message(finding, lang)), _facts(finding)
        text = render_bare_message(finding, lang)
        encoded = _encode_text(text)
        facts = _facts(finding)
        if len(_messages) >= _MESSAGES_MAX:
            _messages.clear()
        # the entry keeps the rule and parameters alive: the ids in its key stay theirs
        _messages[key] = (rule, params, text, encoded, facts)
    claim = claim_sentence(finding, lang)
    return (_encode_text(text + " " + claim) if claim else encoded), facts


def _parameter_values(finding: Finding) -> str:
    """`{name: parameter.value, …}` of a finding, encoded once per rule and parameter set."""
    named = finding.parameters
    params = tuple(named.values())
    key = (id(finding.rule), tuple(named), tuple(map(id, params)))
    entry = _values_pieces.get(key)
    if entry is None:
        if len(_values_pieces) >= _CACHE_MAX:
            _values_pieces.clear()
        # the entry keeps the rule and parameters alive: the ids in its key stay theirs
        entry = _values_pieces[key] = (finding.rule, params, _encode(finding_parameter_values(finding)))
    return entry[2]


def _state(status: str, binding: bool) -> str:
    """`"status":…,"binding":…`, encoded once per pair."""
    piece = _states.get((status, binding))
    if piece is None:
        piece = _states[(status, binding)] = _encode(finding_state(status, binding))[1:-1]
    return piece


def verdict_line(result: CheckResult, lang: str) -> str:
    """`json.dumps(verdict_json(result, lang), ensure_ascii=False, separators=(",", ":"))`."""
    attach(result)
    head = _encode(verdict_head(result, lang))
    findings = ",".join([_finding(f, lang) for f in result.findings])
    return f'{head[:-1]},"findings":[{findings}],"audit":{_audit(result)}}}'


def _facts(finding: Finding) -> str:
    return _encode(finding_facts(finding))


def _finding(finding: Finding, lang: str) -> str:
    """One finding as `report._finding_json` builds it, in its key order."""
    start, basis = _rule(finding.rule, lang)
    tail = {**finding_json_tail(finding), **remedies_json(finding, lang)}
    rest = "," + _encode(tail)[1:-1] if tail else ""
    message, facts = _message_and_facts(finding, lang)
    return (
        f'{start},{_state(finding.status, finding.binding)},"message":{message},'
        f'"facts":{facts},"parameters":{_parameter_values(finding)},{basis}{rest}}}'
    )


def _rule(rule: Rule, lang: str) -> tuple[str, str]:
    """A finding's opening (`{"rule":…,"title":…,"subject":…,"category":…`) and its `"basis":[…]`
    member."""
    entry = _rule_pieces.get((id(rule), lang))
    if entry is None or entry[0] is not rule:
        start = _encode(finding_opening(rule, lang))
        basis = _encode({"basis": finding_basis(rule)})
        if len(_rule_pieces) >= _CACHE_MAX:
            _rule_pieces.clear()
        entry = _rule_pieces[(id(rule), lang)] = (rule, start[:-1], basis[1:-1])
    return entry[1], entry[2]


def _parameters(named: Any) -> str:
    """`{name: parameter.to_json(), …}` for (name, parameter) pairs, each member encoded once."""
    members = []
    for name, param in named:
        entry = _param_pieces.get((name, id(param)))
        if entry is None or entry[0] is not param:
            if len(_param_pieces) >= _CACHE_MAX:
                _param_pieces.clear()
            entry = _param_pieces[(name, id(param))] = (param, _encode({name: param.to_json()})[1:-1])
        members.append(entry[1])
    return "{" + ",".join(members) + "}"


def _audit(result: CheckResult) -> str:
    """`report.audit_block(result)`, in its key order."""
    head = _encode(audit_identity(result))
    parameters = _parameters((p.name, p) for p in parameters_in_force(result))
    return (
        f'{head[:-1]},"parameters":{parameters},"waivers":{_encode(waivers_view(result))},'
        f'"claims":{_encode(claims_view(result))}}}'
    )


def compact_line(result: CheckResult, lang: str) -> str:
    """One project's compact verdict (`--format jsonl`): only what varies from project to project.

    What is the same for every project of a run (rule titles and categories, plan quotes,
    parameter sources, dates and provenance) is named by reference: `ruleset.sha256` and
    `parameters_sha256`, which `checker rules --format json` and `checker params --format json`
    carry for the same `--as-of` and `--params`. A finding keeps what this project made of its
    rule: status, message, the facts read and the parameter values compared (name → value), the
    missing keys, per-item statuses, and the register entry or claim that touched it.
    """
    head = _encode(verdict_head(result, lang, {"parameters_sha256": parameters_sha256(result.params)}))
    findings = ",".join([_compact_finding(f, lang) for f in result.findings])
    return f'{head[:-1]},"findings":[{findings}]}}'


def _tail(finding: Finding) -> str:
    """`,` and the members of `finding_json_tail` (or nothing), encoded once per rule, branch and
    missing keys for a finding without items, waiver or claim: all that such a tail holds."""
    if finding.items or finding.waiver is not None or finding.claim is not None:
        tail = finding_json_tail(finding)
        return "," + _encode(tail)[1:-1] if tail else ""
    key = (id(finding.rule), finding.decision, finding.missing_keys)
    entry = _tails.get(key)
    if entry is None or entry[0] is not finding.rule:
        tail = finding_json_tail(finding)
        if len(_tails) >= _CACHE_MAX:
            _tails.clear()
        # the entry keeps the rule alive: the id in its key stays its own
        entry = _tails[key] = (finding.rule, "," + _encode(tail)[1:-1] if tail else "")
    return entry[1]


def _compact_finding(finding: Finding, lang: str) -> str:
    """`{"rule", "status", "binding", "message", "facts", "parameters"}` plus the finding's tail."""
    rest = _tail(finding)
    message, facts = _message_and_facts(finding, lang)
    return (
        f'{{"rule":{_encode_text(finding.id)},{_state(finding.status, finding.binding)},'
        f'"message":{message},"facts":{facts},"parameters":{_parameter_values(finding)}{rest}}}'
    )


def render_jsonl(result: CheckResult, lang: str) -> str:
    """`--format jsonl` for one project: its compact line, newline-terminated."""
    return compact_line(result, lang) + "\n"
