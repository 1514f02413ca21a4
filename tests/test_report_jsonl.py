"""`--format jsonl`: one compact line per project, joined to the rules and parameters by hash.

The line keeps what varies per project and nothing the run shares (titles, plan quotes, parameter
sources and provenance); `checker rules --format json` and `checker params --format json` with the
same `--as-of` and `--params` carry the `ruleset` and `parameters_sha256` it names, as does the
ledger. The jq example of docs/reports.md is run as written.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli.app import check_main, checker_main
from checker.reports.line import compact_line
from checker.reports.render import verdict_json
from tests.support import REPO

PROJECTS = REPO / "projects"
AS_OF = "2026-01-01"
FINDING_KEYS = {"rule", "status", "binding", "message", "facts", "parameters", "outcome"}
OPTIONAL_KEYS = {"missing", "items", "waiver", "original_status", "claim"}
SHARED_TEXTS = ("title", "basis", "category", "source", "provenance", "quote")


def invoke(*args: str, main=check_main):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def lines_of(text: str) -> list[dict]:
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def test_one_file_gives_one_compact_line_with_what_varies():
    path = str(PROJECTS / "ordos-calcium-carbide.yaml")
    result = invoke(path, "--format", "jsonl", "--as-of", AS_OF)
    assert result.exit_code == 1
    (line,) = lines_of(result.stdout)
    full = json.loads(invoke(path, "--format", "json", "--as-of", AS_OF).stdout)
    for key in (
        "checker_version",
        "ruleset",
        "input",
        "project",
        "as_of",
        "verdict",
        "exit_code",
        "notices",
        "counts",
        "metrics",
    ):
        assert line[key] == full[key], key
    assert re.fullmatch(r"[0-9a-f]{64}", line["parameters_sha256"])
    assert "audit" not in line
    assert [f["rule"] for f in line["findings"]] == [f["rule"] for f in full["findings"]]
    for compact, whole in zip(line["findings"], full["findings"], strict=True):
        assert FINDING_KEYS <= set(compact) <= FINDING_KEYS | OPTIONAL_KEYS
        assert not set(compact) & set(SHARED_TEXTS)
        assert {k: compact[k] for k in compact} == {k: whole[k] for k in compact}
    he002 = next(f for f in line["findings"] if f["rule"] == "HE-002")
    assert he002["parameters"]["high_energy_project_threshold_tce"] == 10000
    quotes = {b["quote"] for f in full["findings"] for b in f["basis"]}
    assert quotes and not any(quote in result.stdout for quote in quotes)


def test_the_full_json_states_each_parameter_once_and_findings_by_value():
    result = json.loads(
        invoke(str(PROJECTS / "ordos-calcium-carbide.yaml"), "--format", "json", "--as-of", AS_OF).stdout
    )
    audit = result["audit"]["parameters"]
    for finding in result["findings"]:
        assert finding["parameters"] == {name: audit[name]["value"] for name in finding["parameters"]}
    assert {"source", "provenance", "effective_from"} <= set(audit["high_energy_project_threshold_tce"])


def test_a_batch_line_is_the_single_file_line_and_does_not_depend_on_jobs(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(PROJECTS, folder)
    (folder / "broken.yaml").write_text("format: 1\nproject: [\n", encoding="utf-8")
    outputs = []
    for jobs in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-m", "checker", str(folder), "--format", "jsonl", "--as-of", AS_OF, "-j", jobs],
            capture_output=True,
            check=False,
        )
        assert done.returncode == 2, done.stderr  # the broken file
        assert done.stderr == b""
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    lines = outputs[0].decode("utf-8").splitlines()
    paths = sorted(str(p) for p in folder.glob("*.yaml"))
    assert len(lines) == len(paths)
    for path, line in zip(paths, lines, strict=True):
        if path.endswith("broken.yaml"):
            assert json.loads(line)["input"] == path and "error" in json.loads(line)
            continue
        alone = invoke(path, "--format", "jsonl", "--as-of", AS_OF).stdout.encode("utf-8")
        assert line.encode("utf-8") + b"\n" == alone


def test_output_file_by_extension(tmp_path):
    target = tmp_path / "verdict.jsonl"
    path = str(PROJECTS / "kubuqi-desert-pv.yaml")
    result = invoke(path, "--output", str(target), "--as-of", AS_OF)
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text(encoding="utf-8") == invoke(path, "--format", "jsonl", "--as-of", AS_OF).stdout


def _policy(tmp_path: Path) -> Path:
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "format: 1\nsource: 测试口径\nparameters:\n  max_energy_intensity_tce_per_10k_yuan: 0.5\n", encoding="utf-8"
    )
    return policy


@pytest.mark.parametrize("with_policy", [False, True], ids=["shipped", "policy"])
def test_rules_params_and_ledger_carry_the_keys_a_line_names(tmp_path, with_policy):
    options = ["--as-of", "2022-06-01"] + (["--params", str(_policy(tmp_path))] if with_policy else [])
    ledger = tmp_path / "ledger.sqlite"
    path = str(PROJECTS / "hohhot-data-centre.yaml")
    (line,) = lines_of(invoke(path, "--format", "jsonl", "--record", str(ledger), *options).stdout)
    rules = json.loads(invoke("rules", "--format", "json", *options, main=checker_main).stdout)
    params = json.loads(invoke("params", "--format", "json", *options, main=checker_main).stdout)
    assert isinstance(rules, list)  # the listing stays a list of rule objects, with keys added
    assert {json.dumps(r["ruleset"]) for r in rules} == {json.dumps(line["ruleset"])}
    assert {r["parameters_sha256"] for r in rules} == {line["parameters_sha256"]}
    assert params["parameters_sha256"] == line["parameters_sha256"]
    history = json.loads(invoke("history", str(ledger), "--format", "json", main=checker_main).stdout)
    (entries,) = history.values()
    assert entries[-1]["params_sha256"] == line["parameters_sha256"]


def test_another_parameter_set_has_another_hash(tmp_path):
    path = str(PROJECTS / "hohhot-data-centre.yaml")
    shipped = lines_of(invoke(path, "--format", "jsonl", "--as-of", AS_OF).stdout)[0]
    policy = lines_of(invoke(path, "--format", "jsonl", "--as-of", AS_OF, "--params", str(_policy(tmp_path))).stdout)[0]
    earlier = lines_of(invoke(path, "--format", "jsonl", "--as-of", "2022-06-01").stdout)[0]
    assert len({shipped["parameters_sha256"], policy["parameters_sha256"], earlier["parameters_sha256"]}) == 3


def test_compact_line_matches_the_full_verdict_for_every_sample():
    import datetime as dt

    from tests.support.checkers import checker_on

    for sample in sorted(PROJECTS.glob("*.yaml")):
        result = checker_on(dt.date(2022, 6, 1)).check_path(sample)
        line = json.loads(compact_line(result, "en"))
        full = verdict_json(result, "en")
        assert line["counts"] == full["counts"] and line["verdict"] == full["verdict"]
        for compact, whole in zip(line["findings"], full["findings"], strict=True):
            assert {k: whole[k] for k in compact} == compact


def _documented_jq() -> tuple[list[str], str]:
    """The commands and the jq program of the example in docs/reports.md."""
    text = (REPO / "docs" / "reports.md").read_text(encoding="utf-8")
    block = text.split("<!-- jq-join-example -->", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    program = block.split("jq -c --slurpfile rules rules.json '", 1)[1].rsplit("' lines.jsonl", 1)[0]
    return block.splitlines()[:2], program


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed (.ci/run installs it)")
def test_the_documented_jq_join_works(tmp_path):
    commands, program = _documented_jq()
    assert commands[0].startswith("check applications/ --format jsonl --as-of 2026-01-01")
    assert commands[1].startswith("checker rules --format json --as-of 2026-01-01")
    lines = invoke(str(PROJECTS), "--format", "jsonl", "--as-of", AS_OF, "-j", "1").stdout
    (tmp_path / "lines.jsonl").write_text(lines, encoding="utf-8")
    (tmp_path / "rules.json").write_text(
        invoke("rules", "--format", "json", "--as-of", AS_OF, main=checker_main).stdout, encoding="utf-8"
    )
    done = subprocess.run(
        ["jq", "-c", "--slurpfile", "rules", "rules.json", program, "lines.jsonl"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    joined = [json.loads(row) for row in done.stdout.splitlines()]
    expected = [
        (json.loads(line)["project"]["id"], f["rule"])
        for line in lines.splitlines()
        for f in json.loads(line)["findings"]
        if f["status"] == "fail"
    ]
    assert expected and [(row["project"], row["rule"]) for row in joined] == expected
    rules = {r["id"]: r for r in json.loads((tmp_path / "rules.json").read_text(encoding="utf-8"))}
    for row in joined:
        assert row["title"] == rules[row["rule"]]["title"]["en"]
        assert row["basis"] and row["basis"] == [b["document_title"] for b in rules[row["rule"]]["basis"]]
    # a line checked against other rules stops the join
    other = lines.splitlines()[0].replace(json.loads(lines.splitlines()[0])["ruleset"]["sha256"], "0" * 64)
    (tmp_path / "lines.jsonl").write_text(other + "\n", encoding="utf-8")
    stopped = subprocess.run(
        ["jq", "-c", "--slurpfile", "rules", "rules.json", program, "lines.jsonl"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert stopped.returncode != 0 and "other rules" in stopped.stderr
