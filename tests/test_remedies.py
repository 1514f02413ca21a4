"""Computed remedies keep their word: applied to the file, each one gives the status it names.

The oracle (`remedy_problems`) reads a remedy as a report's reader does, from its JSON form
(`key`, `op`, `value`, or `all` of them): it writes the change into a copy of the project file
(a strict bound just past it, a declaration as some text), checks the changed file with the same
checker, and requires the rule's status to be the one the remedy names and better than before,
and every other rule whose status that change made worse to be named among its `effects`. A
remedy for missing information names exactly the keys asked for; "no change helps" changes
nothing. Every number a remedy prints is one of its bounds, exactly. It runs on every sample in
`projects/`, every case of every rule, and random projects (`strategies.projects()`), in the
quick and long Hypothesis profiles (tests/README.md).
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import os
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings

from checker import remedies
from checker.errors import InputError
from checker.input.source import SourceDocument, parse_document, read_document
from checker.input.validation import validate_document
from checker.project.model import Project
from checker.remedies.solve import RANK
from checker.reports.formats import render
from checker.reports.remedy_words import exact, remedy_json, remedy_text
from tests.support import REPO
from tests.support.casebook import load_cases, write_case
from tests.support.checkers import checker_on
from tests.support.strategies import dump, near_limit_projects, projects

AS_OF = dt.date(2026, 1, 1)
SAMPLES = sorted((REPO / "projects").glob("*.yaml"))
GOLDEN = REPO / "tests" / "golden" / "remedies"
CASES = load_cases()

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _put(data: dict[str, Any], key: str, value: Any) -> None:
    """Write `value` at a key path of the file's data (`project.products[0].unit_energy_kgce`)."""
    steps = [int(index) if index else name for name, index in _PART.findall(key)]
    node: Any = data
    for part, following in itertools.pairwise(steps):
        if isinstance(part, int):
            node = node[part]
        else:
            if node.get(part) is None:
                node[part] = [] if isinstance(following, int) else {}
            node = node[part]
    node[steps[-1]] = value


def _written(entry: dict[str, Any]) -> Any:
    """What a reader writes into the file for one change of a remedy."""
    value = entry["value"]
    if entry["op"] == "present":
        return "已取得(文号见附件)"
    if entry["op"] in ("lt", "gt"):
        step = max(abs(value), 1.0) * 1e-9
        return value - step if entry["op"] == "lt" else value + step
    return value


def _recheck(result, checker, entries: list[dict[str, Any]]):
    data = copy.deepcopy(result.document.data)
    for entry in entries:
        _put(data, entry["key"], _written(entry))
    doc = SourceDocument(path=result.document.path, data=data, sha256="")
    return checker.check(doc, validate_document(doc, Project))


_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")


def _printed_problems(remedy, message: str, lang: str) -> list[str]:
    """Every number the remedy's sentence prints is one of its bounds, printed exactly."""
    allowed = set()
    text = message
    for change in remedy.changes:
        text = text.replace(change.key, " ")
        if change.label is not None:
            text = text.replace(change.label[0 if lang == "zh" else 1], " ")
        if change.via is not None:
            text = text.replace(change.via.label_zh if lang == "zh" else change.via.label_en, " ")
            allowed.add(exact(change.via.value))
        if change.against is not None:
            text = text.replace(change.against[0 if lang == "zh" else 1], " ")
            allowed.add(exact(change.against[2]))
        if not isinstance(change.value, bool | str) and change.value is not None:
            allowed.add(exact(change.value))
            symbol = {"lt": "<", "lte": "≤", "gt": ">", "gte": "≥", "eq": "="}[change.op]
            if f"{symbol} {exact(change.value)}" not in message:
                return [f"{remedy.rule}: {change.key} {change.op} {change.value!r} is not printed as the bound"]
    text = re.sub(r"[A-Z]{2}-\d{3}", " ", text)  # rule IDs
    text = text.replace("10 000", " ").replace("CO2", " ").replace("10k", " ")  # words of labels and units
    if remedy.note is not None:
        text = text.replace(getattr(remedy.note, lang), " ")
    stray = [n for n in _NUMBER.findall(text) if n not in allowed]
    return [f"{remedy.rule}: prints {stray} beside the bounds {sorted(allowed)}: {message}"] if stray else []


def _direction_problems(result, checker, rule: str, entries, near, stated: dict[str, Any]) -> list[str]:
    """A bound stated with `≥`, `>`, `≤` or `<` holds beyond it too: the file gives what the
    remedy says (the rule's status or a better one, no other rule worse than before or than its
    effects say) at the other end of a two-sided bound, and, for a one-sided bound, at the key's
    end (its maximum or 1e15 upwards, its minimum or nought downwards) or, where the format
    refuses the end, ten times as far from nought in its direction (one, from nought), each
    checked with the other changes as stated. A value the format refuses is no value of the
    bound."""
    from checker.remedies import keys

    problems: list[str] = []
    wanted = RANK[stated["status"]]
    before = {f.id: f.status for f in result.findings}
    allowed = {**before, **{effect["rule"]: effect["to"] for effect in stated["effects"]}}
    for entry in near:
        if entry["op"] not in ("gt", "gte", "lt", "lte") or isinstance(entry["value"], bool):
            continue
        other = next((e for e in entries if e["key"] == entry["key"] and e is not entry), None)
        value, up = entry["value"], entry["op"] in ("gt", "gte")
        spec = keys.field(entry["key"])
        if other is not None:
            beyond = [other["value"]]
        elif up:
            end = spec.maximum if spec.maximum is not None else 1e15
            beyond = [end, min(value * 10 if value > 0 else 1.0, end)]
        else:
            end = spec.minimum if spec.minimum is not None else 0.0
            beyond = [end, max(value / 10, end)] if value > end else []
        for far in beyond:
            moved = [{**e, "op": "eq", "value": far} if e is entry else e for e in near]
            try:
                now = {f.id: f.status for f in _recheck(result, checker, moved).findings}
            except InputError:
                continue  # the key's own limit: a value the format refuses is no value of the bound
            worse = sorted(r for r in now if r != rule and RANK[now[r]] < RANK[allowed[r]])
            if RANK[now[rule]] < wanted or worse:
                problems.append(
                    f"{rule}: {stated['message']}, but {entry['key']} = {far!r} gives {now[rule]}"
                    + (f" and makes {worse} worse" if worse else "")
                )
            break  # the first value the format takes is the one checked
    return problems


def _slack(result, checker, rule: str, remedy, stated: dict[str, Any]) -> list[str]:
    """A bound the checker computed (a derived figure inverted to a key, a bound from another
    figure) is tight: half a percent of it back towards the file's value no longer gives the
    status it was derived for (it is rounded to four significant digits at most, towards the
    safe side)."""
    if len(remedy.changes) != 1 or remedy.goal != stated["status"]:
        return []  # a change that reached a better status than it aimed at is not its smallest
    change = remedy.changes[0]
    if (change.via is None and change.against is None) or change.op not in ("lte", "gte", "lt", "gt"):
        return []
    old = _get(result.document.data, change.key)
    if not isinstance(old, int | float) or isinstance(old, bool) or change.value == 0:
        return []
    back = change.value + (0.005 * abs(change.value) if old > change.value else -0.005 * abs(change.value))
    if (old - back) * (old - change.value) <= 0:  # the file's value is that close: nothing to test
        return []
    entry = {"key": change.key, "op": "eq", "value": back}
    now = {f.id: f.status for f in _recheck(result, checker, [entry]).findings}[rule]
    if RANK[now] >= RANK[stated["status"]]:
        return [f"{rule}: {stated['message']}: {back} gives {now} too; the bound is not the smallest change"]
    return []


def _get(data: Any, key: str) -> Any:
    node = data
    for name, index in _PART.findall(key):
        node = node[int(index)] if index else (node.get(name) if isinstance(node, dict) else None)
        if node is None:
            return None
    return node


def remedy_problems(result, checker) -> list[str]:
    """What is wrong with the remedies of one checked project (empty when each keeps its word)."""
    statuses = {f.id: f.status for f in result.findings}
    verdict = result.verdict
    remedies.attach(result)
    problems: list[str] = []
    if result.verdict != verdict or {f.id: f.status for f in result.findings} != statuses:
        problems.append("attaching remedies changed the verdict or a status")
    for finding in result.findings:
        if finding.status not in remedies.IMPROVABLE:
            if finding.remedies:
                problems.append(f"{finding.id} ({finding.status}) has remedies")
            continue
        if not finding.remedies:
            problems.append(f"{finding.id} ({finding.status}) has no remedy, not even 'no change helps'")
        for remedy in finding.remedies or ():
            for lang in ("zh", "en"):
                stated = remedy_json(remedy, lang)
                problems += _printed_problems(remedy, stated["message"], lang)
            entries = stated.get("all") or [stated]
            if stated.get("op") == "none":
                if remedy.changes or stated["status"] is not None:
                    problems.append(f"{finding.id}: 'no change helps' changes something")
                continue
            if stated["status"] is None:  # the keys asked for, no value known to decide
                asked = [entry["key"] for entry in entries]
                if finding.status != "missing_info" or asked != list(finding.missing_keys):
                    problems.append(f"{finding.id}: asks for {asked}, the finding for {list(finding.missing_keys)}")
                continue
            # a key bounded from both sides (`≥ a` and `≤ b`) is the smallest change at its first
            # bound, where the status and the effects are stated, and keeps the status up to its
            # other end; a key bounded from one side keeps it further out in that direction
            near = [e for i, e in enumerate(entries) if not any(o["key"] == e["key"] for o in entries[:i])]
            try:
                after = _recheck(result, checker, near)
            except InputError as exc:
                problems.append(f"{finding.id}: {stated['message']} makes the file invalid: {exc}")
                continue
            problems += _direction_problems(result, checker, finding.id, entries, near, stated)
            now = {f.id: f.status for f in after.findings}
            if now[finding.id] != stated["status"]:
                problems.append(f"{finding.id}: {stated['message']}, but the check gives {now[finding.id]}")
            if RANK[now[finding.id]] <= RANK[finding.status]:
                problems.append(f"{finding.id}: {stated['message']} does not improve {finding.status}")
            problems += _slack(result, checker, finding.id, remedy, stated)
            worse = {rule for rule in now if rule != finding.id and RANK[now[rule]] < RANK[statuses[rule]]}
            named = {effect["rule"] for effect in stated["effects"]}
            if worse != named:
                problems.append(f"{finding.id}: {stated['message']} makes {sorted(worse)} worse, names {sorted(named)}")
    return problems


def check_data(data: dict, as_of: dt.date = AS_OF):
    doc = parse_document(dump(data), "project.yaml")
    return checker_on(as_of).check(doc, validate_document(doc, Project))


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.name for p in SAMPLES])
def test_every_remedy_of_a_sample_gives_the_status_it_names(sample: Path):
    assert remedy_problems(checker_on(AS_OF).check_path(sample), checker_on(AS_OF)) == []


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}: {c.name}" for c in CASES])
def test_every_remedy_of_a_rule_case_gives_the_status_it_names(case, tmp_path):
    result = checker_on(case.as_of).check_path(write_case(case, tmp_path))
    assert remedy_problems(result, checker_on(case.as_of)) == []


@given(data=projects())
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_every_remedy_of_a_random_project_gives_the_status_it_names(data):
    try:
        result = check_data(data)
    except InputError:
        assume(False)
        return
    assert remedy_problems(result, checker_on(AS_OF)) == []


def test_a_subnormal_storage_power_over_trillions_of_hours_gets_remedies_that_keep_their_word():
    """Hypothesis drew 5e-324 MW of storage for 9.1e12 hours: the bound computed for the power
    is so small that its power of ten is no float, and the remedies divided by zero."""
    data = read_document(REPO / "projects" / "ulanqab-wind-farm.yaml").data
    data["renewable_plant"].update(site_type="gobi", storage_mw=5e-324, storage_hours=9119606883847.553)
    assert remedy_problems(check_data(data), checker_on(AS_OF)) == []


@given(data=near_limit_projects())
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_every_remedy_of_a_project_at_its_limits_gives_the_status_it_names(data):
    try:
        result = check_data(data)
    except InputError:
        assume(False)
        return
    assert remedy_problems(result, checker_on(AS_OF)) == []


# ---------------------------------------------------------------- golden texts of the samples


def remedy_golden(result, lang: str) -> str:
    remedies.attach(result)
    lines = [f"# {result.document.path}: {result.verdict}"]
    for finding in result.findings:
        for remedy in finding.remedies or ():
            lines.append(f"{finding.id} [{finding.status}] {remedy_text(remedy, lang)}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("sample", SAMPLES, ids=[p.name for p in SAMPLES])
def test_the_remedies_of_a_sample_read_as_their_golden_file(sample: Path, lang: str):
    result = checker_on(AS_OF).check_path(sample.relative_to(REPO))
    rendered = remedy_golden(result, lang)
    golden = GOLDEN / f"{sample.stem}.{lang}.txt"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(rendered, encoding="utf-8")
    assert golden.is_file(), f"missing {golden}: run with UPDATE_GOLDEN=1 once"
    assert rendered == golden.read_text(encoding="utf-8")


# ---------------------------------------------------------------- remedies a reviewer named


def sample_data(name: str) -> dict[str, Any]:
    """A sample's data as the checker reads it (YAML 1.2: `1.2e9` is a number)."""
    return copy.deepcopy(read_document(REPO / "projects" / name).data)


def remedies_of(data: dict[str, Any], rule: str, lang: str = "en") -> list[dict[str, Any]]:
    result = check_data(data)
    remedies.attach(result)
    finding = next(f for f in result.findings if f.id == rule)
    return [remedy_json(r, lang) for r in finding.remedies]


def test_a_pue_above_the_cap_is_remedied_by_the_cap_itself():
    data = sample_data("hohhot-data-centre.yaml")
    data["data_center"]["pue"] = 1.35
    found = remedies_of(data, "EC-004")
    assert found[0]["key"] == "data_center.pue" and found[0]["op"] == "lte" and found[0]["value"] == 1.2
    assert found[0]["status"] == "pass"
    assert "data_center.pue (design power usage effectiveness (PUE)) ≤ 1.2" in found[0]["message"]


def test_an_energy_intensity_cap_is_inverted_to_the_electricity_or_value_added_that_reaches_it():
    data = sample_data("ordos-calcium-carbide.yaml")
    # value added can reach 299 700 only beside an output value that allows it (× 1.13 at most)
    data["output"]["annual_output_value_10k_yuan"] = 400000
    found = remedies_of(data, "EC-001")
    firsts = [entry["all"][0] if "all" in entry else entry for entry in found]
    assert {"energy.electricity_kwh", "output.annual_value_added_10k_yuan"} <= {first["key"] for first in firsts}
    for entry, first in zip(found, firsts, strict=True):
        assert first["via"]["fact"] == "energy_intensity_tce_per_10k_yuan"
        assert first["via"]["basis"] == "equal_value"  # the intensity is counted on the 等价值 basis
        assert first["via"]["value"] == 1.3 and entry["status"] == "pass"


def test_high_energy_review_needs_the_replacement_and_the_benchmark_together():
    (found,) = remedies_of(sample_data("ordos-calcium-carbide.yaml"), "HE-002", "zh")
    assert [entry["key"] for entry in found["all"]] == [
        "energy.energy_replacement_tce",
        "project.products[0].unit_energy_kgce",
    ]
    assert found["all"][0]["op"] == "gte" and found["all"][0]["value"] == 389580
    assert found["status"] == "review"
    assert "能耗减量置换量(energy.energy_replacement_tce) ≥ 389,580 tce" in found["message"]
    assert "使 HE-003 为“通过”" in found["message"]


def test_a_missing_permit_is_remedied_by_declaring_one():
    found = remedies_of(sample_data("ordos-calcium-carbide.yaml"), "WA-002")
    assert {"key": "water.water_permit", "op": "present", "value": None, "unit": ""}.items() <= found[0].items()


def test_land_inside_the_red_line_is_remedied_only_by_occupying_none():
    data = sample_data("kubuqi-desert-pv.yaml")
    data["land"]["ecological_red_line_ha"] = 3.5
    (found,) = remedies_of(data, "LA-003", "zh")
    assert (found["key"], found["op"], found["value"]) == ("land.ecological_red_line_ha", "eq", 0)
    assert "占用生态保护红线(land.ecological_red_line_ha) = 0 ha" in found["message"]


def test_a_prohibited_product_says_no_change_of_figures_can_help():
    data = sample_data("ordos-calcium-carbide.yaml")
    data["project"]["products"] = [{"product": "cryptocurrency_mining"}]
    (found,) = remedies_of(data, "HE-004", "zh")
    assert found["op"] == "none" and found["status"] is None
    assert "调整项目数据无法改善 HE-004 的结论" in found["message"] and "禁止类产品" in found["message"]


def test_missing_information_is_remedied_by_supplying_the_key_asked_for():
    found = remedies_of(sample_data("ordos-calcium-carbide.yaml"), "RE-001")
    assert found[0]["key"] == "energy.renewable_electricity_share" and found[0]["op"] == "gte"
    assert found[0]["status"] == "pass"


def test_where_the_project_is_is_never_proposed_for_change():
    for entry in remedies_of(sample_data("xilingol-wind-no-storage.yaml"), "RE-003"):
        for change in entry.get("all") or [entry]:
            assert change["key"] != "project.league_city"


def test_the_zone_of_the_site_is_not_proposed_for_change_though_an_outcome_compares_it():
    data = sample_data("ordos-calcium-carbide.yaml")
    data["land"].update({"area_ha": 500, "main_function_zone": "agricultural"})
    found = remedies_of(data, "LA-004")
    changed = {change["key"] for entry in found for change in entry.get("all") or [entry]}
    assert "land.main_function_zone" not in changed  # rule.yaml: remedy.fixed
    assert "land.area_ha" in changed


def test_the_json_verdict_carries_remedies_and_the_compact_line_does_not():
    import json

    result = checker_on(AS_OF).check_path(REPO / "projects" / "xilingol-wind-no-storage.yaml")
    verdict = json.loads(render(result, "json", "en"))
    finding = next(f for f in verdict["findings"] if f["rule"] == "RE-004")
    assert finding["remedies"][0]["all"][0]["key"] == "renewable_plant.storage_mw"
    assert verdict["verdict"] == "approved_with_warnings"  # the verdict of the file as given
    fresh = checker_on(AS_OF).check_path(REPO / "projects" / "xilingol-wind-no-storage.yaml")
    line = json.loads(render(fresh, "jsonl", "en"))
    assert all("remedies" not in f for f in line["findings"])
    assert all(f.remedies is None for f in fresh.findings)  # jsonl never pays for them


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_human_format_says_how_to_meet_it(lang):
    result = checker_on(AS_OF).check_path(REPO / "projects" / "xilingol-wind-no-storage.yaml")
    heading = "如何满足要求" if lang == "zh" else "How to meet it"
    for fmt in ("text", "markdown", "html", "junit", "github"):
        assert heading in render(result, fmt, lang), fmt
    assert heading in render(result, "text", lang, compact=True)
    sarif = render(result, "sarif", lang)
    assert '"fixes"' in sarif and "renewable_plant.storage_mw" in sarif
    assert "renewable_plant.storage_mw" in render(result, "csv", lang)


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        (389580.0, "389,580"),
        (0.806, "0.806"),
        (1e20, "100,000,000,000,000,000,000"),
        (1e-7, "0.0000001"),
        (1.2345678901234567e-10, "0.00000000012345678901234568"),
        (1234567.5, "1,234,567.5"),
        (5, "5"),
    ],
)
def test_a_bound_is_printed_with_every_digit_it_has_and_no_exponent(value, printed):
    assert exact(value) == printed
    assert float(printed.replace(",", "")) == value


def test_a_bound_that_turns_worse_further_out_is_bounded_from_both_sides(tmp_path):
    """A rare-earth plant without electricity: declaring electricity completes its balance, and
    CB-001 passes from the energy-review threshold (5 000 000 kWh) up; but more electricity
    raises the carbon intensity above its cap, and fails HE-002 (the high-energy threshold)
    sooner. The remedy once said `≥ 5,000,000 kWh`; it now names the upper end too, below which
    no other rule turns worse, and that end is checked."""
    data = read_document(REPO / "projects" / "baotou-rare-earth-separation.yaml").data
    del data["energy"]["electricity_kwh"]
    path = tmp_path / "no-electricity.yaml"
    path.write_bytes(dump(data))
    checker = checker_on(dt.date(2025, 6, 1))
    result = checker.check_path(path)
    assert remedy_problems(result, checker) == []
    finding = next(f for f in result.findings if f.id == "CB-001")
    ranged = [r for r in finding.remedies if [c.key for c in r.changes] == ["energy.electricity_kwh"] * 2]
    assert len(ranged) == 1
    low, high = ranged[0].changes
    assert (low.op, low.value, high.op) == ("gte", 5_000_000, "lte")
    assert 5_000_000 < high.value < 60_000_000 and ranged[0].effects == ()
    assert "≥ 5,000,000 kWh and ≤ " in remedy_text(ranged[0], "en")
