"""The verdict ledger: an append-only, hash-chained record of every check, for re-verification.

An auditor reading a decision a year later must be able to tell that the record was not edited and
that the verdict really follows from the input, the rules and the parameters then in force. So each
entry keeps the input bytes (compressed), the ruleset's hash (and, once per ruleset, a snapshot of
its files), the parameters (each distinct set once, keyed by its hash), the verdict and findings,
and a hash over all of that plus the previous entry's hash: any edit or deletion breaks the chain.

SQLAlchemy Core, so the same code writes SQLite (a file path, the default) and PostgreSQL (a
`postgresql://` URL). Appends are serialised by a write lock taken before the last entry is read
(SQLite: BEGIN IMMEDIATE; PostgreSQL: LOCK TABLE ... IN EXCLUSIVE MODE), so concurrent writers in
separate processes link their entries one after another instead of forking the chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    insert,
    select,
    text,
)
from sqlalchemy.exc import SQLAlchemyError

from checker import __version__
from checker.check import CheckResult
from checker.digests import canonical_json, params_body, sha256_text
from checker.errors import LedgerError
from checker.parameters import Localised, ParameterSet, ParameterValue
from checker.resources import rules_dir, templates_dir
from checker.ruleset import Ruleset
from checker.verdict import Finding

GENESIS = "0" * 64
# a ledger of schema version 1 (before waiver registers) is read as it is: it has no register tables
SQLITE_BUSY_TIMEOUT_S = 60

metadata = MetaData()

schema_versions = Table(
    "ledger_schema", metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", String(40), nullable=False),
)
parameter_sets = Table(
    "parameter_sets", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("body", Text, nullable=False),  # canonical JSON of every ParameterValue's fields
)
rulesets = Table(
    "rulesets", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("version", Text, nullable=False),
    Column("archive", LargeBinary, nullable=False),  # zlib(JSON {relative path: file text})
)
entries = Table(
    "entries", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("recorded_at", String(40), nullable=False),
    Column("checker_version", Text, nullable=False),
    Column("project_id", Text, index=True),
    Column("project_name", Text, nullable=False),
    Column("league_city", Text, nullable=False),
    Column("input_path", Text, nullable=False),
    Column("input_sha256", String(64), nullable=False),
    Column("input_zlib", LargeBinary, nullable=False),
    Column("ruleset_version", Text, nullable=False),
    Column("ruleset_sha256", String(64), nullable=False),
    Column("params_sha256", String(64), ForeignKey("parameter_sets.sha256"), nullable=False),
    Column("as_of", String(10), nullable=False),
    Column("policy_path", Text),
    Column("verdict", String(40), nullable=False),
    Column("findings", Text, nullable=False),  # canonical JSON
    Column("prev_hash", String(64), nullable=False),
    Column("entry_hash", String(64), nullable=False, unique=True),
)

# The review authority's waiver registers an entry was checked with, each stored once by the sha256
# of its bytes, and per entry the register used and the register entries that named the project.
# A table of its own rather than columns of `entries`: entries recorded before it stay as they were.
waiver_registers = Table(
    "waiver_registers", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("authority", Text, nullable=False),
    Column("body_zlib", LargeBinary, nullable=False),  # the register file's bytes, zlib
)
entry_waivers = Table(
    "entry_waivers", metadata,
    Column("seq", Integer, ForeignKey("entries.seq"), primary_key=True, autoincrement=False),
    Column("register_sha256", String(64), ForeignKey("waiver_registers.sha256"), nullable=False),
    Column("register_path", Text, nullable=False),
    Column("waivers_applied", Text, nullable=False),  # canonical JSON of the entries naming the project
)

# The fields an entry's hash covers, in the order they are listed (the serialisation sorts keys).
HASHED_FIELDS = (
    "seq", "recorded_at", "checker_version", "project_id", "project_name", "league_city",
    "input_path", "input_sha256", "ruleset_version", "ruleset_sha256", "params_sha256", "as_of",
    "policy_path", "verdict", "findings", "prev_hash",
)
# Hashed too when the entry was checked with a waiver register (only then: the hashes of entries
# without one are those they were recorded with).
REGISTER_FIELDS = ("waiver_register_sha256", "waiver_register_path", "waivers_applied")


def _migration_1(conn: Connection) -> None:
    """The first schema: parameter sets, ruleset snapshots, entries."""
    metadata.create_all(conn, tables=[parameter_sets, rulesets, entries])


def _migration_2(conn: Connection) -> None:
    """Waiver registers, and the register each entry was checked with."""
    metadata.create_all(conn, tables=[waiver_registers, entry_waivers])


# Versioned migrations, applied in order to bring a ledger up to SCHEMA_VERSION. Append, never edit:
# a later version alters the tables with its own DDL (and updates the Table objects above).
MIGRATIONS: list[tuple[int, Callable[[Connection], None]]] = [(1, _migration_1), (2, _migration_2)]
SCHEMA_VERSION = MIGRATIONS[-1][0]
_OLDEST_READABLE = 1  # reading never migrates; these versions are read without migrating


# --- canonical forms and hashes -------------------------------------------------------------


def params_from_body(body: str, as_of: dt.date, policy_path: str | None) -> ParameterSet:
    """Rebuild the ParameterSet an entry was checked under from its stored JSON."""
    values = {
        name: ParameterValue(
            name=raw["name"], value=raw["value"], unit=raw["unit"],
            effective_from=dt.date.fromisoformat(raw["effective_from"]),
            effective_to=dt.date.fromisoformat(raw["effective_to"]) if raw["effective_to"] else None,
            source=raw["source"], verified=raw["verified"], origin=raw["origin"],
            description=Localised(**raw["description"]),
            verified_entries=tuple(raw.get("verified_entries", ())),
            provenance=raw.get("provenance"),
            provenance_entries=tuple(raw.get("provenance_entries", {}).items()),
        )
        for name, raw in json.loads(body).items()
    }
    return ParameterSet(as_of=as_of, values=values, policy_path=policy_path)


def finding_record(finding: Finding) -> dict[str, Any]:
    """What an entry keeps of a finding: enough to confirm a re-run reproduces it exactly."""
    record: dict[str, Any] = {
        "rule": finding.id, "status": finding.status, "binding": finding.binding,
        "facts": {name: reading.value for name, reading in finding.facts.items()},
        "parameters": {name: p.to_json() for name, p in finding.parameters.items()},
    }
    if finding.original_status:
        record["original_status"] = finding.original_status
    if finding.claimed_status:  # a waiver the project file claims sent the finding to review
        record["claimed_status"] = finding.claimed_status
    if finding.items:
        record["items"] = [
            {"index": item.index, "status": item.status,
             "facts": {name: r.value for name, r in item.facts.items()}}
            for item in finding.items
        ]
    return record


def findings_json(findings: list[Finding]) -> str:
    return canonical_json([finding_record(f) for f in findings])


def entry_hash(fields: dict[str, Any]) -> str:
    """The hash of an entry: over every hashed field, the previous entry's hash included, and the
    waiver register's fields when it was checked with one."""
    names = HASHED_FIELDS + (REGISTER_FIELDS if fields.get("waiver_register_sha256") else ())
    return sha256_text(canonical_json({name: fields[name] for name in names}))


def waivers_applied_json(result: CheckResult) -> str:
    """The register entries that named the project, applied or not, as an entry records them."""
    from checker.waivers import register_entries_json

    return canonical_json(register_entries_json(result.findings))


# --- ruleset snapshots ----------------------------------------------------------------------


def snapshot_files(rules: Path | None = None, templates: Path | None = None) -> dict[str, str]:
    """The files a ruleset's hash covers, by path relative to the data root (rules/…, templates/…)."""
    rules = rules or rules_dir()
    templates = templates or templates_dir()
    files: dict[str, str] = {}
    for path in sorted(p for p in rules.rglob("*") if p.is_file()):
        relative = path.relative_to(rules)
        if "plan" in relative.parts or not (path.suffix == ".yaml" or relative.as_posix() == "VERSION"):
            continue
        files[f"rules/{relative.as_posix()}"] = path.read_bytes().decode("utf-8")
    for path in sorted((templates / "messages").glob("*.j2")):
        files[f"templates/messages/{path.name}"] = path.read_bytes().decode("utf-8")
    return files


def snapshot_sha256(files: dict[str, str]) -> str:
    """The ruleset hash of a snapshot, computed as `ruleset.load_ruleset` computes it."""
    digest = hashlib.sha256()
    rule_files = sorted(
        (n for n in files if n.startswith("rules/") and n.endswith(".yaml")), key=lambda n: n.split("/")
    )
    for name in rule_files:
        digest.update(name.removeprefix("rules/").encode() + b"\0" + files[name].encode("utf-8") + b"\0")
    for name in sorted(n for n in files if n.startswith("templates/messages/")):
        digest.update(name.rsplit("/", 1)[1].encode() + b"\0" + files[name].encode("utf-8") + b"\0")
    return digest.hexdigest()


def pack_snapshot(files: dict[str, str]) -> bytes:
    return zlib.compress(canonical_json(files).encode("utf-8"), 9)


def unpack_snapshot(archive: bytes) -> dict[str, str]:
    return json.loads(zlib.decompress(archive).decode("utf-8"))


def extract_snapshot(files: dict[str, str], root: Path) -> tuple[Path, Path]:
    """Write a snapshot under `root`; return its rules and templates folders."""
    for name, content in files.items():
        target = (root / name).resolve()
        if root.resolve() not in target.parents or ".." in Path(name).parts:
            raise LedgerError(f"ruleset snapshot holds an unsafe path {name!r}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode("utf-8"))
    (root / "rules").mkdir(exist_ok=True)
    (root / "templates" / "messages").mkdir(parents=True, exist_ok=True)
    return root / "rules", root / "templates"


@cache
def _shipped_snapshot() -> tuple[str, bytes]:
    files = snapshot_files()
    return snapshot_sha256(files), pack_snapshot(files)


def shipped_snapshot(ruleset: Ruleset) -> bytes | None:
    """The packed snapshot of `ruleset` if it is the shipped one (the shipped files hash to it)."""
    sha, packed = _shipped_snapshot()
    return packed if sha == ruleset.sha256 else None


# --- the ledger -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One stored entry as read back (the input bytes are fetched separately, on demand)."""

    seq: int
    recorded_at: str
    checker_version: str
    project_id: str | None
    project_name: str
    league_city: str
    input_path: str
    input_sha256: str
    ruleset_version: str
    ruleset_sha256: str
    params_sha256: str
    as_of: str
    policy_path: str | None
    verdict: str
    findings: str
    prev_hash: str
    entry_hash: str
    waiver_register_sha256: str | None = None  # the waiver register it was checked with, if any
    waiver_register_path: str | None = None
    waivers_applied: str | None = None

    def fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in (*HASHED_FIELDS, *REGISTER_FIELDS)}


_ENTRY_COLUMNS = [entries.c[name] for name in (*HASHED_FIELDS, "entry_hash")]
_REGISTER_COLUMNS = [
    entry_waivers.c.register_sha256.label("waiver_register_sha256"),
    entry_waivers.c.register_path.label("waiver_register_path"),
    entry_waivers.c.waivers_applied,
]


def ledger_url(target: str) -> str:
    """A `postgresql://…` (or any SQLAlchemy) URL; anything else is a SQLite file path.

    A plain `postgresql://` URL is pinned to psycopg2 (the `postgres` extra): SQLAlchemy 2.1 would
    otherwise pick psycopg 3, which the checker does not depend on.
    """
    for plain in ("postgresql://", "postgres://"):
        if target.startswith(plain):
            return "postgresql+psycopg2://" + target.removeprefix(plain)
    if "://" in target:
        return target
    return "sqlite:///" + str(Path(target).expanduser().resolve())


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})

        @event.listens_for(engine, "connect")
        def _manual_transactions(dbapi_connection: Any, record: Any) -> None:
            # Let SQLAlchemy's begin event, not the sqlite3 module, open transactions.
            dbapi_connection.isolation_level = None
            dbapi_connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_S * 1000}")
            dbapi_connection.execute("PRAGMA foreign_keys = ON")

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            write = conn.get_execution_options().get("ledger_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True)


class Ledger:
    """An open ledger: append entries, read them back. Use as a context manager to close it."""

    def __init__(self, target: str, create: bool = True) -> None:
        self.target = target
        url = ledger_url(target)
        if url.startswith("sqlite:///") and not create and not Path(url.removeprefix("sqlite:///")).is_file():
            raise LedgerError(f"no ledger at {target}")
        try:
            self.engine = _make_engine(url)
        except ImportError as exc:
            raise LedgerError(
                f"cannot open the ledger {target}: {exc} (for PostgreSQL, install the `postgres` extra)"
            ) from None
        except (SQLAlchemyError, ValueError) as exc:
            raise LedgerError(f"cannot open the ledger {target}: {exc}") from None
        self.dialect = self.engine.dialect.name
        self.schema_version = SCHEMA_VERSION
        if create:
            self._migrate()
        else:
            self._check_schema()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _transaction(self, write: bool) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                conn = conn.execution_options(ledger_write=write)
                with conn.begin():
                    yield conn
        except SQLAlchemyError as exc:
            detail = exc.args[0] if exc.args else exc
            raise LedgerError(f"ledger {self.target}: {type(exc).__name__}: {detail}") from None

    def _lock(self, conn: Connection) -> None:
        """Serialise writers: the SQLite transaction is already IMMEDIATE; PostgreSQL locks the table."""
        if self.dialect == "postgresql":
            conn.execute(text("LOCK TABLE entries IN EXCLUSIVE MODE"))

    def _version(self, conn: Connection) -> int | None:
        if not self.engine.dialect.has_table(conn, schema_versions.name):
            return None
        return conn.execute(select(schema_versions.c.version).order_by(schema_versions.c.version.desc())).scalar()

    def _migrate(self) -> None:
        with self._transaction(write=True) as conn:
            if self.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(7346917)"))  # one migrator at a time
            metadata.create_all(conn, tables=[schema_versions])
            current = self._version(conn) or 0
            if current > SCHEMA_VERSION:
                raise LedgerError(
                    f"the ledger {self.target} has schema version {current}, newer than this checker "
                    f"({SCHEMA_VERSION}): upgrade the checker"
                )
            for version, migrate in MIGRATIONS:
                if version > current:
                    migrate(conn)
                    conn.execute(insert(schema_versions).values(
                        version=version, applied_at=_now()))

    def _check_schema(self) -> None:
        """Reading never migrates (an auditor may be given a read-only copy): a ledger of an older
        schema is read as it is; refuse what we cannot read."""
        with self._transaction(write=False) as conn:
            current = self._version(conn)
        if current is None:
            raise LedgerError(f"{self.target} is not a verdict ledger")
        if current < _OLDEST_READABLE:
            raise LedgerError(
                f"the ledger {self.target} has schema version {current}; this checker reads version "
                f"{SCHEMA_VERSION}" + (" (record one entry with it to migrate)" if current < SCHEMA_VERSION else "")
            )
        if current > SCHEMA_VERSION:
            raise LedgerError(
                f"the ledger {self.target} has schema version {current}, newer than this checker "
                f"({SCHEMA_VERSION}): upgrade the checker"
            )
        self.schema_version = current

    def append(
        self, result: CheckResult, raw: bytes, recorded_at: str | None = None,
        ruleset_files: dict[str, str] | None = None, register_raw: bytes | None = None,
    ) -> Entry:
        """Append one checked project; `raw` are the input bytes the result was computed from,
        `register_raw` those of the waiver register it was checked with (if any).

        The ruleset is snapshotted when it is the shipped one, or from `ruleset_files` (see
        `snapshot_files`) for rules loaded from elsewhere; those must hash to the ruleset's sha256.
        """
        if hashlib.sha256(raw).hexdigest() != result.document.sha256:
            raise LedgerError(f"{result.document.path}: the bytes to record are not the bytes checked")
        register = result.register
        if register is not None and (
            register_raw is None or hashlib.sha256(register_raw).hexdigest() != register.sha256
        ):
            raise LedgerError(f"{register.path}: the register bytes to record are not those checked with")
        body = params_body(result.params)
        params_sha = sha256_text(body)
        if ruleset_files is not None:
            if snapshot_sha256(ruleset_files) != result.ruleset.sha256:
                raise LedgerError("the ruleset files given do not hash to the ruleset that was used")
            snapshot: bytes | None = pack_snapshot(ruleset_files)
        else:
            snapshot = shipped_snapshot(result.ruleset)
        info = result.project.project
        with self._transaction(write=True) as conn:
            self._lock(conn)
            last = conn.execute(
                select(entries.c.seq, entries.c.entry_hash).order_by(entries.c.seq.desc()).limit(1)
            ).first()
            known = select(parameter_sets.c.sha256).where(parameter_sets.c.sha256 == params_sha)
            if conn.execute(known).first() is None:
                conn.execute(insert(parameter_sets).values(sha256=params_sha, body=body))
            if snapshot is not None and conn.execute(
                select(rulesets.c.sha256).where(rulesets.c.sha256 == result.ruleset.sha256)
            ).first() is None:
                conn.execute(insert(rulesets).values(
                    sha256=result.ruleset.sha256, version=result.ruleset.version, archive=snapshot))
            fields: dict[str, Any] = {
                "seq": 1 if last is None else last.seq + 1,
                "recorded_at": recorded_at or _now(),
                "checker_version": __version__,
                "project_id": _text(info.id), "project_name": _text(info.name),
                "league_city": _text(info.league_city),
                "input_path": _text(result.document.path), "input_sha256": result.document.sha256,
                "ruleset_version": result.ruleset.version, "ruleset_sha256": result.ruleset.sha256,
                "params_sha256": params_sha, "as_of": result.params.as_of.isoformat(),
                "policy_path": _text(result.params.policy_path), "verdict": result.verdict,
                "findings": findings_json(result.findings),
                "prev_hash": GENESIS if last is None else last.entry_hash,
            }
            register_fields: dict[str, Any] = {}
            if register is not None:
                register_fields = {
                    "waiver_register_sha256": register.sha256,
                    "waiver_register_path": _text(register.path),
                    "waivers_applied": waivers_applied_json(result),
                }
            fields["entry_hash"] = entry_hash({**fields, **register_fields})
            conn.execute(insert(entries).values(**fields, input_zlib=zlib.compress(raw, 9)))
            if register is not None:
                assert register_raw is not None
                self._store_register(conn, fields["seq"], register_fields, register.authority, register_raw)
        return Entry(**fields, **register_fields)

    def _store_register(
        self, conn: Connection, seq: int, fields: dict[str, Any], authority: str, raw: bytes
    ) -> None:
        """The register's bytes once per sha256, and the entry's link to it with what it applied."""
        sha = fields["waiver_register_sha256"]
        if conn.execute(select(waiver_registers.c.sha256).where(waiver_registers.c.sha256 == sha)).first() is None:
            conn.execute(insert(waiver_registers).values(
                sha256=sha, authority=_text(authority), body_zlib=zlib.compress(raw, 9)))
        conn.execute(insert(entry_waivers).values(
            seq=seq, register_sha256=sha, register_path=fields["waiver_register_path"],
            waivers_applied=fields["waivers_applied"]))

    def entries(self, up_to: int | None = None, project_id: str | None = None) -> list[Entry]:
        """Entries in chain order (optionally up to seq `up_to`, or for one project).

        Read at once, not streamed: a long-held read transaction would stall SQLite writers.
        """
        query = select(*_ENTRY_COLUMNS).order_by(entries.c.seq)
        if self.schema_version >= 2:
            query = query.add_columns(*_REGISTER_COLUMNS).select_from(
                entries.outerjoin(entry_waivers, entry_waivers.c.seq == entries.c.seq))
        if up_to is not None:
            query = query.where(entries.c.seq <= up_to)
        if project_id is not None:
            query = query.where(entries.c.project_id == project_id)
        with self._transaction(write=False) as conn:
            return [Entry(**row._mapping) for row in conn.execute(query)]

    def input_bytes(self, seq: int) -> bytes | None:
        """The stored input of entry `seq`, decompressed (None if it cannot be decompressed)."""
        with self._transaction(write=False) as conn:
            blob = conn.execute(select(entries.c.input_zlib).where(entries.c.seq == seq)).scalar()
        try:
            return zlib.decompress(blob) if blob is not None else None
        except zlib.error:
            return None

    def params_body(self, sha: str) -> str | None:
        with self._transaction(write=False) as conn:
            return conn.execute(select(parameter_sets.c.body).where(parameter_sets.c.sha256 == sha)).scalar()

    def register_bytes(self, sha: str) -> bytes | None:
        """The stored bytes of the waiver register `sha` (None if absent or not decompressible)."""
        if self.schema_version < 2:
            return None
        with self._transaction(write=False) as conn:
            blob = conn.execute(
                select(waiver_registers.c.body_zlib).where(waiver_registers.c.sha256 == sha)).scalar()
        try:
            return zlib.decompress(blob) if blob is not None else None
        except zlib.error:
            return None

    def ruleset_archive(self, sha: str) -> bytes | None:
        with self._transaction(write=False) as conn:
            return conn.execute(select(rulesets.c.archive).where(rulesets.c.sha256 == sha)).scalar()


def _text(value: str | None) -> str | None:
    """A descriptive text both databases store: PostgreSQL refuses NUL, and file names may carry
    undecodable bytes. The exact input is kept byte for byte in the compressed copy."""
    if value is None:
        return None
    return value.replace("\0", "\ufffd").encode("utf-8", "backslashreplace").decode("utf-8")


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")


def append_result(ledger: Ledger, result: CheckResult) -> Entry:
    """Append `result` to an open ledger, re-reading its input bytes from disk.

    The bytes must hash to what was checked: a file replaced between check and record is refused.
    """
    try:
        raw = Path(result.document.path).read_bytes()
    except OSError as exc:
        raise LedgerError(f"{result.document.path}: cannot re-read the input to record it: {exc.strerror}") from None
    register_raw = None
    if result.register is not None:
        try:
            register_raw = Path(result.register.path).read_bytes()
        except OSError as exc:
            raise LedgerError(
                f"{result.register.path}: cannot re-read the waiver register to record it: {exc.strerror}"
            ) from None
    return ledger.append(result, raw, register_raw=register_raw)


def record(target: str, result: CheckResult) -> Entry:
    """Append `result` to the ledger at `target` (opened for this one entry)."""
    with Ledger(target) as ledger:
        return append_result(ledger, result)


@dataclass(frozen=True)
class HistoryRow:
    """One entry of a project's history and what changed since that project's previous entry."""

    entry: Entry
    changed: tuple[str, ...]  # of: verdict, input, ruleset, parameters, check date, waiver register


_TRACKED = (
    ("verdict", "verdict"), ("input", "input_sha256"), ("ruleset", "ruleset_sha256"),
    ("parameters", "params_sha256"), ("check date", "as_of"),
    ("waiver register", "waiver_register_sha256"),
)


def project_history(entries_: list[Entry]) -> dict[str, list[HistoryRow]]:
    """Entries grouped by project (its id, or its file path when it has none), oldest first."""
    grouped: dict[str, list[HistoryRow]] = {}
    for entry in entries_:
        key = entry.project_id or f"(no id) {entry.input_path}"
        rows = grouped.setdefault(key, [])
        previous = rows[-1].entry if rows else None
        changed = () if previous is None else tuple(
            label for label, name in _TRACKED if getattr(previous, name) != getattr(entry, name)
        )
        rows.append(HistoryRow(entry, changed))
    return grouped
