"""The verdict ledger: record → verify round trip, tampering caught, concurrent writers, history.

Every test runs against SQLite and against a real throwaway PostgreSQL server (skipped only when
the PostgreSQL binaries are not installed), through the same library and CLI code.
"""

from __future__ import annotations

import datetime as dt
import itertools
import multiprocessing
import shutil
import zlib
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from checker import __version__
from checker.audit.ledger import (
    SCHEMA_VERSION,
    Ledger,
    canonical_json,
    entries,
    entry_hash,
    entry_waivers,
    ledger_url,
    parameter_sets,
    rulesets,
    schema_versions,
    snapshot_files,
    snapshot_sha256,
    waiver_registers,
)
from checker.audit.verify import check_chain, verify
from checker.check import Checker
from checker.cli.app import check_main, checker_main
from checker.errors import LedgerError
from checker.rules.parameters import resolve
from checker.rules.ruleset import load_ruleset
from tests.support import REPO
from tests.support.pgserver import start_server

AS_OF = "2026-01-01"
SAMPLES = [
    "ordos-calcium-carbide.yaml",
    "kubuqi-desert-pv.yaml",
    "chifeng-coal-chp-exemption.yaml",
    "hohhot-data-centre.yaml",
]


@pytest.fixture(scope="session")
def pg_server():
    try:
        server = start_server()
    except RuntimeError as exc:
        pytest.fail(f"PostgreSQL is installed but could not be started: {exc}")
    if server is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    yield server
    server.stop()


_databases = iter(range(1, 10_000))


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, tmp_path):
    """A fresh, empty ledger location on each backend."""
    if request.param == "sqlite":
        yield str(tmp_path / "ledger.db")
        return
    server = request.getfixturevalue("pg_server")
    name = f"ledger_{next(_databases)}"
    admin = sa.create_engine(ledger_url(server.url()), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    yield server.url(name)
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture
def inputs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in SAMPLES:
        shutil.copy(REPO / "projects" / name, folder / name)
    return folder


def record_all(target: str, folder: Path, *extra: str) -> None:
    for name in SAMPLES:
        result = CliRunner().invoke(
            check_main, [str(folder / name), "--record", target, "--as-of", AS_OF, "--format", "json", *extra]
        )
        assert result.exit_code in (0, 1, 3), result.output


def verify_cli(target: str, *args: str):
    return CliRunner().invoke(checker_main, ["verify", target, *args], catch_exceptions=False)


def execute(target: str, statement) -> None:
    engine = sa.create_engine(ledger_url(target))
    with engine.begin() as conn:
        conn.execute(statement)
    engine.dispose()


def fetch(target: str, statement) -> list:
    engine = sa.create_engine(ledger_url(target))
    with engine.connect() as conn:
        rows = list(conn.execute(statement))
    engine.dispose()
    return rows


# --- round trip -----------------------------------------------------------------------------


def test_record_then_verify_passes_and_links_every_entry(target, inputs):
    record_all(target, inputs)
    result = verify_cli(target)
    assert result.exit_code == 0, result.output
    assert "4 entries checked: 4 verified, 0 tampered, 0 differ, 0 not re-runnable" in result.stdout
    rows = fetch(
        target,
        sa.select(entries.c.seq, entries.c.prev_hash, entries.c.entry_hash, entries.c.verdict).order_by(entries.c.seq),
    )
    assert [r.seq for r in rows] == [1, 2, 3, 4]
    assert rows[0].prev_hash == "0" * 64
    assert all(later.prev_hash == earlier.entry_hash for earlier, later in itertools.pairwise(rows))
    assert [r.verdict for r in rows] == ["rejected", "approved", "rejected", "approved"]  # Chifeng: WA-001


def test_each_parameter_set_and_ruleset_is_stored_once(target, inputs, tmp_path):
    policy = tmp_path / "tight.yaml"
    policy.write_text("format: 1\nparameters:\n  max_energy_intensity_tce_per_10k_yuan: 0.5\n")
    record_all(target, inputs)
    record_all(target, inputs, "--params", str(policy))
    assert len(fetch(target, sa.select(parameter_sets.c.sha256))) == 2
    stored = fetch(target, sa.select(rulesets.c.sha256))
    assert [r.sha256 for r in stored] == [load_ruleset().sha256]
    assert verify_cli(target).exit_code == 0


def test_the_schema_is_versioned_and_reopening_does_not_migrate_again(target, inputs):
    record_all(target, inputs)
    Ledger(target).close()
    versions = fetch(target, sa.select(schema_versions.c.version))
    assert [v.version for v in versions] == list(range(1, SCHEMA_VERSION + 1)) == [1, 2]


def test_a_ledger_from_a_newer_checker_is_refused(target, inputs):
    record_all(target, inputs)
    execute(target, sa.insert(schema_versions).values(version=SCHEMA_VERSION + 1, applied_at="later"))
    with pytest.raises(LedgerError, match="newer than this checker"):
        Ledger(target)
    result = verify_cli(target)
    assert result.exit_code == 2
    assert f"schema version {SCHEMA_VERSION + 1}" in result.stderr


def test_verify_of_a_missing_or_foreign_file_is_a_usage_error(tmp_path):
    result = verify_cli(str(tmp_path / "none.db"))
    assert result.exit_code == 2 and "no ledger at" in result.stderr
    assert not (tmp_path / "none.db").exists()
    foreign = tmp_path / "foreign.db"
    foreign.write_text("this is not a database, just text long enough to look like a header" * 20)
    assert verify_cli(str(foreign)).exit_code == 2


# --- tampering ------------------------------------------------------------------------------


def test_a_changed_verdict_is_caught(target, inputs):
    record_all(target, inputs)
    execute(target, sa.update(entries).where(entries.c.seq == 2).values(verdict="rejected"))
    result = verify_cli(target)
    assert result.exit_code == 1
    assert "entry 2 (NM-2025-0107): TAMPERED: its contents do not match its hash" in result.stdout
    assert "entry 2 (NM-2025-0107): DIFFERS: verdict recorded rejected, re-run gives approved" in result.stdout
    assert "entry 1 " not in result.stdout and "entry 3 " not in result.stdout


def test_a_deleted_entry_is_caught(target, inputs):
    record_all(target, inputs)
    execute(target, sa.delete(entries).where(entries.c.seq == 2))
    result = verify_cli(target)
    assert result.exit_code == 1
    assert "entry 3 (NM-2025-0215): TAMPERED: entry 2 before it is missing" in result.stdout
    assert "entry 3 (NM-2025-0215): TAMPERED: its link to the previous entry is broken" in result.stdout
    assert "3 entries checked: 2 verified, 1 tampered" in result.stdout


def test_an_altered_input_is_caught(target, inputs):
    record_all(target, inputs)
    raw = (inputs / SAMPLES[3]).read_bytes().replace(b"pue: 1.18", b"pue: 1.19")
    execute(target, sa.update(entries).where(entries.c.seq == 4).values(input_zlib=zlib.compress(raw)))
    result = verify_cli(target)
    assert result.exit_code == 1
    assert "entry 4 (NM-2025-0330): TAMPERED: its stored input does not hash" in result.stdout


def test_a_chain_rewritten_with_a_forged_verdict_is_caught_by_the_re_run(target, inputs, monkeypatch):
    """An attacker who recomputes every hash after the edit keeps the chain intact: the re-run does not."""
    record_all(target, inputs)
    monkeypatch.setattr("checker.audit.verify.__version__", "9.9.9")
    rows = fetch(target, sa.select(entries).order_by(entries.c.seq))
    previous = "0" * 64
    for row in rows:
        fields = dict(row._mapping)
        if fields["seq"] == 1:
            fields["verdict"] = "approved"
        fields["prev_hash"] = previous
        fields["entry_hash"] = previous = entry_hash(fields)
        execute(
            target,
            sa.update(entries)
            .where(entries.c.seq == fields["seq"])
            .values(verdict=fields["verdict"], prev_hash=fields["prev_hash"], entry_hash=fields["entry_hash"]),
        )
    result = verify_cli(target)
    assert result.exit_code == 1
    assert "TAMPERED" not in result.stdout
    assert "entry 1 (NM-2025-0042): DIFFERS: verdict recorded approved, re-run gives rejected" in result.stdout
    assert f"entry 1 (NM-2025-0042): DIFFERS: recorded by checker {__version__}, re-run by 9.9.9" in result.stdout
    assert "1 differ" in result.stdout


def test_an_altered_parameter_set_is_caught(target, inputs):
    record_all(target, inputs)
    (row,) = fetch(target, sa.select(parameter_sets))
    execute(target, sa.update(parameter_sets).values(body=row.body.replace('"value":1.3', '"value":13')))
    result = verify_cli(target)
    assert result.exit_code == 1
    assert result.stdout.count("parameter set") == 4 and "was altered" in result.stdout


def test_verify_one_entry(target, inputs):
    record_all(target, inputs)
    execute(target, sa.update(entries).where(entries.c.seq == 4).values(verdict="rejected"))
    ok = verify_cli(target, "--entry", "2")
    assert ok.exit_code == 0, ok.output
    assert "1 entries checked: 1 verified" in ok.stdout
    assert verify_cli(target, "--entry", "4").exit_code == 1
    assert verify_cli(target, "--entry", "9").exit_code == 2


# --- ruleset snapshots ----------------------------------------------------------------------


@pytest.fixture
def stricter_rules(tmp_path):
    """The shipped rules with EC-001's cap written into the rule as 0.5: the data centre fails it."""
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)
    path = rules / "EC" / "EC-001" / "rule.yaml"
    text = path.read_text(encoding="utf-8")
    old = "gt: {param: max_energy_intensity_tce_per_10k_yuan}"
    assert old in text
    path.write_text(text.replace(old, "gt: 0.5"), encoding="utf-8")
    load_ruleset.cache_clear()
    yield rules
    load_ruleset.cache_clear()


def _record_with(target: str, rules: Path, snapshot: bool) -> None:
    ruleset = load_ruleset(rules)
    result = Checker(ruleset, resolve(dt.date.fromisoformat(AS_OF))).check_path(REPO / "projects" / SAMPLES[3])
    assert result.verdict == "rejected"
    files = snapshot_files(ruleset) if snapshot else None
    with Ledger(target) as ledger:
        ledger.append(result, (REPO / "projects" / SAMPLES[3]).read_bytes(), ruleset_files=files)


def test_the_shipped_snapshot_hashes_like_the_loader():
    assert snapshot_sha256(snapshot_files()) == load_ruleset().sha256


def test_an_entry_made_with_other_rules_is_re_run_from_its_snapshot(target, stricter_rules):
    _record_with(target, stricter_rules, snapshot=True)
    result = verify_cli(target)
    assert result.exit_code == 0, result.output
    assert "1 verified" in result.stdout


def test_an_entry_made_with_other_rules_stores_them_without_being_given_them(target, stricter_rules):
    # a pack given with --rules is stored as the shipped pack is: nothing to pass by hand
    _record_with(target, stricter_rules, snapshot=False)
    assert [r.sha256 for r in fetch(target, sa.select(rulesets))] == [load_ruleset(stricter_rules).sha256]
    assert "1 verified" in verify_cli(target).stdout


def test_an_entry_whose_ruleset_is_gone_is_not_re_runnable_and_not_verified(target, stricter_rules):
    _record_with(target, stricter_rules, snapshot=False)
    execute(target, sa.delete(rulesets))
    result = verify_cli(target)
    assert result.exit_code == 1
    assert "entry 1 (NM-2025-0330): NOT RE-RUNNABLE" in result.stdout
    assert "0 verified" in result.stdout


def test_an_altered_snapshot_is_not_used(target, stricter_rules):
    _record_with(target, stricter_rules, snapshot=True)
    assert len(fetch(target, sa.select(rulesets))) == 1
    files = snapshot_files(load_ruleset(stricter_rules))
    files["pack/0/EC/EC-001/rule.yaml"] = files["pack/0/EC/EC-001/rule.yaml"].replace("gt: 0.5", "gt: 50")
    execute(target, sa.update(rulesets).values(archive=zlib.compress(canonical_json(files).encode())))
    result = verify_cli(target)
    assert result.exit_code == 1
    assert "does not hash to the ruleset's sha256" in result.stdout


def test_snapshot_files_must_match_the_ruleset(target, stricter_rules):
    with pytest.raises(LedgerError, match="do not hash"):
        ruleset = load_ruleset(stricter_rules)
        result = Checker(ruleset, resolve(dt.date(2026, 1, 1))).check_path(REPO / "projects" / SAMPLES[3])
        with Ledger(target) as ledger:
            ledger.append(result, (REPO / "projects" / SAMPLES[3]).read_bytes(), ruleset_files=snapshot_files())


def test_a_name_with_a_nul_character_is_refused_and_nothing_recorded(target, tmp_path):
    # control characters in text are invalid input (they were recorded as U+FFFD before)
    text = (REPO / "projects" / SAMPLES[3]).read_text(encoding="utf-8")
    path = tmp_path / "nul.yaml"
    path.write_text(text.replace("name: 和林格尔新区绿色数据中心项目(一期)", 'name: "和林\\0格尔"'), encoding="utf-8")
    result = CliRunner().invoke(check_main, [str(path), "--record", target, "--as-of", AS_OF])
    assert result.exit_code == 2, result.output
    assert "project.name" in result.stderr and "U+0000" in result.stderr
    with Ledger(target) as ledger:
        assert ledger.entries() == []


def test_recording_bytes_other_than_those_checked_is_refused(target):
    result = Checker(load_ruleset(), resolve(dt.date(2026, 1, 1))).check_path(REPO / "projects" / SAMPLES[0])
    with Ledger(target) as ledger, pytest.raises(LedgerError, match="not the bytes checked"):
        ledger.append(result, b"format: 1\n")


# --- concurrency ----------------------------------------------------------------------------


def _append_many(target: str, path: str, count: int, barrier) -> None:
    result = Checker(load_ruleset(), resolve(dt.date(2026, 1, 1))).check_path(path)
    raw = Path(path).read_bytes()
    barrier.wait()
    with Ledger(target) as ledger:
        for _ in range(count):
            ledger.append(result, raw)


def test_two_processes_appending_at_once_keep_one_intact_chain(target):
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    workers = [
        context.Process(target=_append_many, args=(target, str(REPO / "projects" / name), 15, barrier))
        for name in (SAMPLES[0], SAMPLES[1])
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [w.exitcode for w in workers] == [0, 0]
    with Ledger(target, create=False) as ledger:
        stored = ledger.entries()
        assert [e.seq for e in stored] == list(range(1, 31))
        assert check_chain(stored) == {}
        assert sorted({e.project_id for e in stored}) == ["NM-2025-0042", "NM-2025-0107"]
        report = verify(ledger)
    assert report.ok and report.count("verified") == 30


# --- history --------------------------------------------------------------------------------


def test_history_names_what_changed_between_a_projects_entries(target, inputs, tmp_path):
    policy = tmp_path / "tight.yaml"
    policy.write_text("format: 1\nparameters:\n  max_energy_intensity_tce_per_10k_yuan: 0.5\n")
    data_centre = str(inputs / SAMPLES[3])
    runner = CliRunner()
    runner.invoke(check_main, [data_centre, "--record", target, "--as-of", AS_OF])
    runner.invoke(check_main, [data_centre, "--record", target, "--as-of", AS_OF])
    runner.invoke(check_main, [data_centre, "--record", target, "--as-of", AS_OF, "--params", str(policy)])
    runner.invoke(check_main, [str(inputs / SAMPLES[0]), "--record", target, "--as-of", AS_OF])
    edited = (inputs / SAMPLES[3]).read_text(encoding="utf-8").replace("pue: 1.18", "pue: 1.19")
    (inputs / SAMPLES[3]).write_text(edited, encoding="utf-8")
    runner.invoke(check_main, [data_centre, "--record", target, "--as-of", "2026-02-01"])
    result = runner.invoke(checker_main, ["history", target, "NM-2025-0330"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("NM-2025-0330 ")
    assert "#1 " in lines[1] and "approved — first entry" in lines[1]
    assert "#2 " in lines[2] and "approved — nothing changed" in lines[2]
    assert "#3 " in lines[3] and "rejected — changed: verdict, parameters" in lines[3]
    assert "#5 " in lines[4] and "approved — changed: verdict, input, parameters, check date" in lines[4]
    assert "NM-2025-0042" not in result.stdout
    everyone = runner.invoke(checker_main, ["history", target, "--format", "json"], catch_exceptions=False)
    assert '"NM-2025-0042"' in everyone.stdout
    missing = runner.invoke(checker_main, ["history", target, "NM-9999"])
    assert missing.exit_code == 2


def test_entries_checked_with_a_waiver_register_are_recorded_and_verified_on_each_backend(target, inputs, tmp_path):
    from tests.support.checkers import write_register

    register = write_register(
        tmp_path,
        [
            {
                "project": "NM-2025-0042",
                "rule": "WA-002",
                "reason": "取水许可已在办理",
                "approved_by": "鄂尔多斯市水利局",
                "document": "鄂水字〔2025〕3号",
                "expires": dt.date(2027, 12, 31),
            },
        ],
    )
    record_all(target, inputs, "--waivers", str(register))
    record_all(target, inputs)  # and the same projects without it, in the same chain
    links = entry_waivers.c
    stored = fetch(target, sa.select(links.seq, links.waivers_applied).order_by(links.seq))
    assert [row.seq for row in stored] == [1, 2, 3, 4]
    assert '"applied":true' in stored[0].waivers_applied and stored[1].waivers_applied == "[]"
    assert len(fetch(target, sa.select(waiver_registers.c.sha256))) == 1
    result = verify_cli(target)
    assert result.exit_code == 0, result.output
    assert "8 entries checked: 8 verified" in result.stdout


# --- hostile ledgers and servers ------------------------------------------------------------


def _zlib_bomb(size: int) -> bytes:
    """About 1 MB of zlib that inflates to `size` bytes."""
    deflater = zlib.compressobj(9)
    chunk = b"\0" * (1 << 20)
    parts = [deflater.compress(chunk) for _ in range(size >> 20)]
    return b"".join(parts) + deflater.flush()


def test_a_zlib_bomb_in_an_input_is_not_inflated_and_its_entry_is_named(target, inputs):
    import tracemalloc

    record_all(target, inputs)
    bomb = _zlib_bomb(1 << 30)  # 1 GB of zeros in about 1 MB
    assert len(bomb) < 2 << 20
    execute(target, sa.update(entries).where(entries.c.seq == 2).values(input_zlib=bomb))
    tracemalloc.start()
    try:
        with Ledger(target, create=False) as ledger:
            report = verify(ledger)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 << 20, f"verify used {peak >> 20} MB"
    (bad,) = [c for c in report.checks if c.status != "verified"]
    assert (bad.seq, bad.status) == (2, "not_rerunnable")
    assert "too large" in bad.problems[0][1]
    result = verify_cli(target)
    assert result.exit_code == 1
    assert "entry 2 (" in result.stdout and "NOT RE-RUNNABLE" in result.stdout


def test_a_stored_input_larger_than_the_limit_needs_max_bytes(target, inputs):
    record_all(target, inputs)
    assert "entry 1 (" in verify_cli(target, "--max-bytes", "100").stdout
    assert verify_cli(target, "--max-bytes", "100000").exit_code == 0


def test_a_zlib_bomb_as_a_ruleset_snapshot_is_refused(monkeypatch):
    from checker.audit import ledger as ledger_module

    monkeypatch.setattr(ledger_module, "MAX_SNAPSHOT_BYTES", 1 << 20)
    with pytest.raises(ValueError, match="inflates to more than"):
        ledger_module.unpack_snapshot(_zlib_bomb(8 << 20))


def test_a_byte_that_is_not_utf8_in_an_entry_names_the_entry(tmp_path, inputs):
    import sqlite3

    target = str(tmp_path / "ledger.db")
    record_all(target, inputs)
    with sqlite3.connect(target) as conn:
        conn.execute("UPDATE entries SET project_name = CAST(X'e5aea1ff' AS TEXT) WHERE seq = 3")
    result = verify_cli(target)
    assert result.exit_code == 1, result.output
    assert "entry 3 (" in result.stdout and "TAMPERED" in result.stdout
    history = CliRunner().invoke(checker_main, ["history", target])
    assert history.exit_code == 0, history.output


@pytest.fixture
def silent_server():
    """A TCP port that accepts connections (the kernel completes the handshake) and never answers."""
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    yield f"postgresql://checker@127.0.0.1:{sock.getsockname()[1]}/ledger"
    sock.close()


@pytest.mark.parametrize("command", ["check", "batch", "verify", "history"])
def test_a_server_that_never_answers_cannot_hang_the_checker(silent_server, tmp_path, command):
    import os
    import subprocess
    import sys
    import time

    sample = REPO / "projects" / SAMPLES[0]
    args = {
        "check": ["-m", "checker", str(sample), "--record", silent_server, "--as-of", AS_OF],
        "batch": [
            "-m",
            "checker",
            str(sample),
            str(REPO / "projects" / SAMPLES[1]),
            "-j",
            "2",
            "--record",
            silent_server,
            "--as-of",
            AS_OF,
            "--format",
            "json",
        ],
        "verify": ["-c", "from checker.cli.app import checker_main; checker_main()", "verify", silent_server],
        "history": ["-c", "from checker.cli.app import checker_main; checker_main()", "history", silent_server],
    }[command]
    env = {**os.environ, "NM_PROJECT_CHECKER_PG_CONNECT_TIMEOUT": "2"}
    started = time.monotonic()
    run = subprocess.run([sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert time.monotonic() - started < 30
    assert run.returncode == 2, (run.stdout, run.stderr)
    assert "Traceback" not in run.stderr
    assert "ledger" in run.stderr and "timeout" in run.stderr.lower()


def test_the_timeouts_come_from_the_url_first_then_the_environment(monkeypatch):
    from checker.audit.ledger import _pg_connect_args

    monkeypatch.delenv("NM_PROJECT_CHECKER_PG_CONNECT_TIMEOUT", raising=False)
    args = _pg_connect_args("postgresql+psycopg2://u@h/db")
    assert args["connect_timeout"] == 10 and args["options"] == "-c statement_timeout=120000"
    monkeypatch.setenv("NM_PROJECT_CHECKER_PG_CONNECT_TIMEOUT", "3")
    assert _pg_connect_args("postgresql+psycopg2://u@h/db")["connect_timeout"] == 3
    assert "connect_timeout" not in _pg_connect_args("postgresql+psycopg2://u@h/db?connect_timeout=7")
    monkeypatch.setenv("NM_PROJECT_CHECKER_PG_CONNECT_TIMEOUT", "soon")
    with pytest.raises(LedgerError, match="whole number of seconds"):
        _pg_connect_args("postgresql+psycopg2://u@h/db")


def _legacy_files() -> dict[str, str]:
    """The shipped rules as a ledger stored them before rule packs: rules/<CAT>/<ID>.yaml, the
    message templates under templates/messages/, rules/plan.yaml and rules/VERSION."""
    import yaml

    files: dict[str, str] = {}
    for name, text in snapshot_files().items():
        relative = name.split("/", 2)[2]
        parts = relative.split("/")
        if relative == "pack.yaml":
            plan = yaml.safe_load(text)["plan"]
            files["rules/plan.yaml"] = yaml.safe_dump(plan, allow_unicode=True)
        elif len(parts) == 3 and parts[2] == "rule.yaml":
            files[f"rules/{parts[0]}/{parts[1]}.yaml"] = text
        elif len(parts) == 3 and parts[2].startswith("message."):
            files[f"templates/messages/{parts[1]}.{parts[2].split('.')[1]}.j2"] = text
        elif "cases" not in parts and parts[0] != "bases":
            files[f"rules/{relative}"] = text
    return files


def test_an_entry_recorded_before_rule_packs_re_runs_from_its_old_snapshot(target):
    # its snapshot holds rules/<CAT>/<ID>.yaml and templates/messages/: laid out as a pack to re-run
    import dataclasses

    files = _legacy_files()
    legacy = dataclasses.replace(load_ruleset(), sha256=snapshot_sha256(files))
    assert legacy.sha256 != load_ruleset().sha256
    path = REPO / "projects" / SAMPLES[3]
    result = Checker(legacy, resolve(dt.date(2026, 1, 1))).check_path(path)
    with Ledger(target) as ledger:
        ledger.append(result, path.read_bytes(), ruleset_files=files)
    assert "1 verified" in verify_cli(target).stdout
    files["rules/EC/EC-004.yaml"] = files["rules/EC/EC-004.yaml"].replace("binding: true", "binding: false")
    execute(target, sa.update(rulesets).values(archive=zlib.compress(canonical_json(files).encode())))
    assert "does not hash to the ruleset's sha256" in verify_cli(target).stdout


# --- a ledger that cannot be used is refused before the report, on one line -------------------------

UNUSABLE = {"LC_MESSAGES": None, "LC_ALL": None, "LANG": None}  # messages in Chinese


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("many", [False, True], ids=["one", "batch"])
def test_a_sqlite_ledger_that_is_a_folder_is_refused_before_any_report(tmp_path, fmt, many):
    folder = tmp_path / "ledger"
    folder.mkdir()
    project = REPO / "projects" / "hohhot-data-centre.yaml"
    paths = [str(project), str(REPO / "projects" / "kubuqi-desert-pv.yaml")] if many else [str(project)]
    args = [*paths, "--record", f"{folder}/", "--as-of", AS_OF, "--format", fmt, "-j", "1"]
    result = CliRunner().invoke(check_main, args, env=UNUSABLE)
    assert result.exit_code == 2
    assert result.stdout == ""  # no report claiming an exit code the run does not end with
    assert result.stderr == f"错误: 无法使用台账 {folder}/: 无法打开数据库文件\n"
    english = CliRunner().invoke(check_main, [*args, "--lang", "en"])
    assert english.stderr == f"error: cannot use the ledger {folder}/: unable to open database file\n"


def test_an_unreachable_postgresql_ledger_is_one_line_without_class_names_or_password():
    url = "postgresql://nobody:secret@127.0.0.1:1/x"
    project = str(REPO / "projects" / "hohhot-data-centre.yaml")
    result = CliRunner().invoke(check_main, [project, "--record", url, "--as-of", AS_OF], env=UNUSABLE)
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("错误: 无法使用台账 postgresql://nobody:***@127.0.0.1:1/x: 连接服务器 "), line
    assert "Error" not in line and "psycopg2" not in line and "secret" not in line and "\t" not in result.stderr
