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
import os
import re
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
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
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from checker import __version__
from checker.check import CheckResult
from checker.digests import canonical_json, params_body, sha256_text
from checker.errors import LedgerError, shown
from checker.evaluation.decision import fired
from checker.input.source import MAX_FILE_BYTES
from checker.rules.packs import Pack, chain_files, chain_sha256, pack_chain, read_pack
from checker.rules.parameters import Localised, ParameterSet, ParameterValue
from checker.rules.ruleset import Ruleset, load_ruleset
from checker.verdict.findings import Finding

GENESIS = "0" * 64
# a ledger of schema version 1 (before waiver registers) is read as it is: it has no register tables
SQLITE_BUSY_TIMEOUT_S = 60
# PostgreSQL: a server that accepts a connection and never answers must not hang a check, a batch
# or a verify. Defaults, overridable by the environment or by the URL's own query
# (`?connect_timeout=5`, `?options=-c%20statement_timeout%3D120000`), which wins.
PG_CONNECT_TIMEOUT_S = 10  # libpq's connect_timeout: the whole connection and its handshake
PG_STATEMENT_TIMEOUT_S = 120  # server side: a statement, or the writers' table lock, waits no longer
PG_CONNECT_TIMEOUT_VARIABLE = "NM_PROJECT_CHECKER_PG_CONNECT_TIMEOUT"
PG_STATEMENT_TIMEOUT_VARIABLE = "NM_PROJECT_CHECKER_PG_STATEMENT_TIMEOUT"
# Decompressing what a ledger holds is bounded: a zlib bomb of 1 MB inflates to gigabytes. A
# stored input is at most what `check --max-bytes` allowed; verify's bound is the larger of this
# and its own --max-bytes. A ruleset snapshot (some hundred small YAML files) is bounded apart.
MAX_STORED_INPUT_BYTES = MAX_FILE_BYTES
MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024

metadata = MetaData()

schema_versions = Table(
    "ledger_schema",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", String(40), nullable=False),
)
parameter_sets = Table(
    "parameter_sets",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("body", Text, nullable=False),  # canonical JSON of every ParameterValue's fields
)
rulesets = Table(
    "rulesets",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("version", Text, nullable=False),
    Column("archive", LargeBinary, nullable=False),  # zlib(JSON {relative path: file text})
)
entries = Table(
    "entries",
    metadata,
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
    "waiver_registers",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("authority", Text, nullable=False),
    Column("body_zlib", LargeBinary, nullable=False),  # the register file's bytes, zlib
)
entry_waivers = Table(
    "entry_waivers",
    metadata,
    Column("seq", Integer, ForeignKey("entries.seq"), primary_key=True, autoincrement=False),
    Column("register_sha256", String(64), ForeignKey("waiver_registers.sha256"), nullable=False),
    Column("register_path", Text, nullable=False),
    Column("waivers_applied", Text, nullable=False),  # canonical JSON of the entries naming the project
)

# The fields an entry's hash covers, in the order they are listed (the serialisation sorts keys).
HASHED_FIELDS = (
    "seq",
    "recorded_at",
    "checker_version",
    "project_id",
    "project_name",
    "league_city",
    "input_path",
    "input_sha256",
    "ruleset_version",
    "ruleset_sha256",
    "params_sha256",
    "as_of",
    "policy_path",
    "verdict",
    "findings",
    "prev_hash",
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
            name=raw["name"],
            value=raw["value"],
            unit=raw["unit"],
            effective_from=dt.date.fromisoformat(raw["effective_from"]),
            effective_to=dt.date.fromisoformat(raw["effective_to"]) if raw["effective_to"] else None,
            source=raw["source"],
            verified=raw["verified"],
            origin=raw["origin"],
            description=Localised(**raw["description"]),
            verified_entries=tuple(raw.get("verified_entries", ())),
            provenance=raw.get("provenance"),
            provenance_entries=tuple(raw.get("provenance_entries", {}).items()),
        )
        for name, raw in json.loads(body).items()
    }
    return ParameterSet(as_of=as_of, values=values, policy_path=policy_path)


def finding_record(finding: Finding, outcome: bool = True) -> dict[str, Any]:
    """What an entry keeps of a finding: enough to confirm a re-run reproduces it exactly, and
    which branch of the rule decided (`outcome`, `decision.fired`). Entries recorded before the
    branch was kept have none: their re-run is compared without it (`outcome=False`)."""
    record: dict[str, Any] = {
        "rule": finding.id,
        "status": finding.status,
        "binding": finding.binding,
        "facts": {name: reading.value for name, reading in finding.facts.items()},
        "parameters": {name: p.to_json() for name, p in finding.parameters.items()},
    }
    if outcome:
        record["outcome"] = fired(finding.rule, finding.decision)
    if finding.original_status:
        record["original_status"] = finding.original_status
    if finding.claimed_status:  # a waiver the project file claims sent the finding to review
        record["claimed_status"] = finding.claimed_status
    if finding.items:
        record["items"] = [
            {
                "index": item.index,
                "status": item.status,
                "facts": {name: r.value for name, r in item.facts.items()},
                **({"outcome": fired(finding.rule, item.decision)} if outcome else {}),
            }
            for item in finding.items
        ]
    return record


def findings_json(findings: list[Finding], outcome: bool = True) -> str:
    return canonical_json([finding_record(f, outcome) for f in findings])


def records_outcome(stored: str) -> bool:
    """Whether stored findings keep which branch decided: false for entries recorded before it was
    kept (and for an entry with no findings, where it makes no difference)."""
    try:
        records = json.loads(stored)
    except ValueError:
        return True
    return isinstance(records, list) and any(isinstance(r, dict) and "outcome" in r for r in records)


def entry_hash(fields: dict[str, Any]) -> str:
    """The hash of an entry: over every hashed field, the previous entry's hash included, and the
    waiver register's fields when it was checked with one."""
    names = HASHED_FIELDS + (REGISTER_FIELDS if fields.get("waiver_register_sha256") else ())
    return sha256_text(canonical_json({name: fields[name] for name in names}))


def waivers_applied_json(result: CheckResult) -> str:
    """The register entries that named the project, applied or not, as an entry records them."""
    from checker.verdict.waivers import register_entries_json

    return canonical_json(register_entries_json(result.findings))


# --- ruleset snapshots ----------------------------------------------------------------------


def snapshot_files(ruleset: Ruleset | None = None) -> dict[str, str]:
    """The files a ruleset's hash covers, by `pack/<position in the chain>/<path in the pack>`:
    every pack of the chain, base first (the shipped pack alone by default)."""
    chain = pack_chain() if ruleset is None else tuple(read_pack(Path(root), root) for root in ruleset.packs)
    return {f"pack/{index}/{relative}": content.decode("utf-8") for index, relative, content in chain_files(chain)}


def snapshot_sha256(files: dict[str, str]) -> str:
    """The ruleset hash of a snapshot, computed as `ruleset.load_ruleset` computes it (or, for a
    snapshot recorded before rule packs, as it was computed then)."""
    if is_legacy_snapshot(files):
        return _legacy_sha256(files)
    return chain_sha256(_snapshot_entries(files))


# --- snapshots recorded before rule packs: rules/<CAT>/<ID>.yaml and templates/messages/<ID>.<lang>.j2


def is_legacy_snapshot(files: dict[str, str]) -> bool:
    return any(name.startswith(("rules/", "templates/")) for name in files)


def _legacy_sha256(files: dict[str, str]) -> str:
    """The ruleset hash as it was computed before rule packs: the rule data files by their path
    under rules/, then the message templates by name."""
    digest = hashlib.sha256()
    rule_files = sorted(
        (n for n in files if n.startswith("rules/") and n.endswith(".yaml")), key=lambda n: n.split("/")
    )
    for name in rule_files:
        digest.update(name.removeprefix("rules/").encode() + b"\0" + files[name].encode("utf-8") + b"\0")
    for name in sorted(n for n in files if n.startswith("templates/messages/")):
        digest.update(name.rsplit("/", 1)[1].encode() + b"\0" + files[name].encode("utf-8") + b"\0")
    return digest.hexdigest()


_LEGACY_RULE = re.compile(r"rules/([A-Z]{2})/([A-Z]{2}-[0-9]{3})\.yaml")
_LEGACY_MESSAGE = re.compile(r"templates/messages/(([A-Z]{2})-[0-9]{3})\.(zh|en)\.j2")


def extract_legacy_snapshot(files: dict[str, str], root: Path) -> tuple[Pack, ...]:
    """A snapshot recorded before rule packs, written under `root` as the one pack it was: each
    rule and its messages in the rule's folder, rules/plan.yaml as the pack's plan."""
    pack = root / "pack"
    plan = None
    for name, content in files.items():
        rule, message = _LEGACY_RULE.fullmatch(name), _LEGACY_MESSAGE.fullmatch(name)
        if name == "rules/plan.yaml":
            plan = yaml.safe_load(content)
            continue
        if rule:
            relative = f"{rule.group(1)}/{rule.group(2)}/rule.yaml"
        elif message:
            relative = f"{message.group(2)}/{message.group(1)}/message.{message.group(3)}.j2"
        elif name.startswith("rules/"):
            relative = name.removeprefix("rules/")
        else:
            raise LedgerError(f"ruleset snapshot holds an unexpected file {name!r}")
        target = (pack / relative).resolve()
        if pack.resolve() not in target.parents or ".." in Path(relative).parts:
            raise LedgerError(f"ruleset snapshot holds an unsafe path {name!r}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode("utf-8"))
    body: dict[str, Any] = {"format": 1, "name": "nm-14th-fyp"}
    if plan is not None:
        body["plan"] = plan
    pack.mkdir(parents=True, exist_ok=True)
    (pack / "pack.yaml").write_text(yaml.safe_dump(body, allow_unicode=True), encoding="utf-8")
    return (read_pack(pack, "pack/0"),)


def _snapshot_entries(files: dict[str, str]) -> list[tuple[int, str, bytes]]:
    """A snapshot's files as `(position in the chain, path in the pack, bytes)`, as the ruleset
    hash takes them (`packs.chain_sha256`, which puts them in its order)."""
    entries = []
    for name, content in files.items():
        parts = name.split("/", 2)
        if len(parts) != 3 or parts[0] != "pack" or not parts[1].isdigit():
            raise LedgerError(f"ruleset snapshot holds a file outside a pack {name!r}")
        entries.append((int(parts[1]), parts[2], content.encode("utf-8")))
    return entries


def pack_snapshot(files: dict[str, str]) -> bytes:
    return zlib.compress(canonical_json(files).encode("utf-8"), 9)


class TooLarge(ValueError):
    """Stored data that would inflate beyond its bound (a zlib bomb, or a larger input limit)."""


def inflate(blob: bytes, limit: int) -> bytes:
    """`zlib.decompress(blob)`, refusing (TooLarge) to produce more than `limit` bytes: memory
    stays bounded by the limit, whatever the compressed data claims."""
    inflater = zlib.decompressobj()
    out = inflater.decompress(blob, limit + 1)
    if len(out) > limit or inflater.unconsumed_tail:
        raise TooLarge(f"it inflates to more than {limit} bytes")
    out += inflater.flush(limit + 1 - len(out))
    if len(out) > limit:
        raise TooLarge(f"it inflates to more than {limit} bytes")
    if not inflater.eof:
        raise zlib.error("incomplete or truncated stream")
    return out


def unpack_snapshot(archive: bytes) -> dict[str, str]:
    files: dict[str, str] = json.loads(inflate(archive, MAX_SNAPSHOT_BYTES).decode("utf-8"))
    return files


def extract_snapshot(files: dict[str, str], root: Path) -> tuple[Pack, ...]:
    """Write a snapshot under `root`; return its chain of packs, base first (each pack's
    `extends` is not followed: the snapshot holds the very packs the entry was made with)."""
    _snapshot_entries(files)  # every name is a pack's file
    for name, content in files.items():
        target = (root / name).resolve()
        if root.resolve() not in target.parents or ".." in Path(name).parts:
            raise LedgerError(f"ruleset snapshot holds an unsafe path {name!r}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode("utf-8"))
    folders = sorted((p for p in (root / "pack").iterdir() if p.is_dir()), key=lambda p: int(p.name))
    if [int(p.name) for p in folders] != list(range(len(folders))) or not folders:
        raise LedgerError("ruleset snapshot holds no chain of packs")
    return tuple(read_pack(folder, f"pack/{folder.name}") for folder in folders)


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


def sqlite_file(target: str) -> str | None:
    """The file a SQLite ledger target names (a path, or a `sqlite:///…` URL); None for a server.

    LedgerError for a target that names no file at all (`''`, `sqlite://`, `sqlite:///:memory:`):
    an entry recorded there would vanish with the process, and an audit trail must not.
    """
    if not target.strip():
        raise LedgerError("--record: the ledger name is empty (give a file path or a postgresql:// URL)")
    if "://" not in target:
        return target
    scheme, rest = target.split("://", 1)
    if not scheme.lower().startswith("sqlite"):
        return None
    database = rest[1:].split("?", 1)[0] if rest.startswith("/") else ""
    if database in ("", ":memory:") or database.startswith("file::memory:"):
        raise LedgerError(f"--record {shown(target)}: the URL names no ledger file (write sqlite:///path/to/ledger.db)")
    return database


def ledger_url(target: str) -> str:
    """A `postgresql://…` (or any SQLAlchemy) URL; anything else is a SQLite file path.

    A plain `postgresql://` URL is pinned to psycopg2 (the `postgres` extra): SQLAlchemy 2.1 would
    otherwise pick psycopg 3, which the checker does not depend on. A target naming no file is
    refused (`sqlite_file`).
    """
    sqlite_file(target)
    for plain in ("postgresql://", "postgres://"):
        if target.startswith(plain):
            return "postgresql+psycopg2://" + target.removeprefix(plain)
    if "://" in target:
        return target
    try:
        return "sqlite:///" + str(Path(target).expanduser().resolve())
    except (FileNotFoundError, RuntimeError) as exc:  # a deleted working directory, a link loop
        detail = "the working directory no longer exists" if isinstance(exc, FileNotFoundError) else str(exc)
        raise LedgerError(f"--record {shown(target)}: {detail} (give an absolute path)") from None


def _named(target: str) -> str:
    """The ledger as the user named it, without a server password: a message ends up in CI logs."""
    if "://" in target:
        try:
            return shown(make_url(target).render_as_string(hide_password=True))
        except (ArgumentError, ValueError):
            return shown(target.split("://", 1)[0] + "://…")
    return shown(target)


def _driver_reason(exc: SQLAlchemyError) -> str:
    """What the database driver said, as one line without exception class names.

    SQLAlchemy's text opens with the driver's class (`(psycopg2.OperationalError) …`) and ends
    with a link to its documentation, and libpq's runs over tab-indented lines; an error line of
    the checker is one line naming what is wrong, so only the driver's words are kept."""
    original = getattr(exc, "orig", None)
    raw = str(original) if original is not None else str(exc.args[0] if exc.args else "")
    raw = re.sub(r"^\([\w.]+\)\s*", "", raw).split("(Background on this error", 1)[0]
    return " ".join(raw.split()) or "the database refused the operation"


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})

        @event.listens_for(engine, "connect")
        def _manual_transactions(dbapi_connection: Any, record: Any) -> None:
            # Let SQLAlchemy's begin event, not the sqlite3 module, open transactions.
            dbapi_connection.isolation_level = None
            # a byte that is not UTF-8 in a stored text (an edited file) reads as U+FFFD: the
            # entry's hash then fails and verify names the entry, instead of failing the whole read
            dbapi_connection.text_factory = lambda raw: raw.decode("utf-8", "replace")
            dbapi_connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_S * 1000}")
            dbapi_connection.execute("PRAGMA foreign_keys = ON")

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            write = conn.get_execution_options().get("ledger_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    if url.startswith("postgresql"):
        return create_engine(url, pool_pre_ping=True, connect_args=_pg_connect_args(url))
    return create_engine(url, pool_pre_ping=True)


def _seconds(variable: str, default: int) -> int:
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise LedgerError(f"{variable}={raw!r}: must be a whole number of seconds") from None
    if value < 1:
        raise LedgerError(f"{variable}={raw!r}: must be at least 1 second")
    return value


def _pg_connect_args(url: str) -> dict[str, Any]:
    """libpq's timeouts and keepalives, unless the URL's query sets them itself."""
    query = make_url(url).query
    args: dict[str, Any] = {}
    if "connect_timeout" not in query:
        args["connect_timeout"] = _seconds(PG_CONNECT_TIMEOUT_VARIABLE, PG_CONNECT_TIMEOUT_S)
    if "options" not in query:
        statement = _seconds(PG_STATEMENT_TIMEOUT_VARIABLE, PG_STATEMENT_TIMEOUT_S)
        args["options"] = f"-c statement_timeout={statement * 1000}"
    # a server that stops answering mid-statement: the kernel gives up on the connection
    for key, value in (("keepalives", 1), ("keepalives_idle", 10), ("keepalives_interval", 5), ("keepalives_count", 3)):
        if key not in query:
            args[key] = value
    return args


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
            raise LedgerError(f"cannot use the ledger {_named(self.target)}: {_driver_reason(exc)}") from None

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
                    conn.execute(insert(schema_versions).values(version=version, applied_at=_now()))

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
        self,
        result: CheckResult,
        raw: bytes,
        recorded_at: str | None = None,
        ruleset_files: dict[str, str] | None = None,
        register_raw: bytes | None = None,
    ) -> Entry:
        """Append one checked project; `raw` are the input bytes the result was computed from,
        `register_raw` those of the waiver register it was checked with (if any).

        The ruleset is snapshotted when it is the shipped one, or from `ruleset_files` (see
        `snapshot_files`) for rules loaded from elsewhere; those must hash to the ruleset's sha256.
        """
        return self.append_prepared(prepare_entry(result, raw, ruleset_files, register_raw), recorded_at)

    def append_prepared(self, pending: PendingEntry, recorded_at: str | None = None) -> Entry:
        """Append an entry prepared by `prepare_entry` (perhaps in another process): its place in
        the chain, its time and its hash are fixed here, in the one write transaction."""
        snapshot = pending.snapshot
        if snapshot is None:
            shipped_sha, shipped = _shipped_snapshot()
            snapshot = shipped if shipped_sha == pending.fields["ruleset_sha256"] else None
        with self._transaction(write=True) as conn:
            self._lock(conn)
            last = conn.execute(
                select(entries.c.seq, entries.c.entry_hash).order_by(entries.c.seq.desc()).limit(1)
            ).first()
            params_sha = pending.fields["params_sha256"]
            known = select(parameter_sets.c.sha256).where(parameter_sets.c.sha256 == params_sha)
            if conn.execute(known).first() is None:
                conn.execute(insert(parameter_sets).values(sha256=params_sha, body=pending.params_body))
            ruleset_sha = pending.fields["ruleset_sha256"]
            if (
                snapshot is not None
                and conn.execute(select(rulesets.c.sha256).where(rulesets.c.sha256 == ruleset_sha)).first() is None
            ):
                conn.execute(
                    insert(rulesets).values(
                        sha256=ruleset_sha, version=pending.fields["ruleset_version"], archive=snapshot
                    )
                )
            fields: dict[str, Any] = {
                "seq": 1 if last is None else last.seq + 1,
                "recorded_at": recorded_at or _now(),
                **pending.fields,
                "prev_hash": GENESIS if last is None else last.entry_hash,
            }
            register_fields = pending.register_fields or {}
            fields["entry_hash"] = entry_hash({**fields, **register_fields})
            conn.execute(insert(entries).values(**fields, input_zlib=pending.input_zlib))
            if pending.register_fields is not None:
                assert pending.register_zlib is not None and pending.register_authority is not None
                self._store_register(
                    conn, fields["seq"], pending.register_fields, pending.register_authority, pending.register_zlib
                )
        return Entry(**fields, **register_fields)

    def _store_register(
        self, conn: Connection, seq: int, fields: dict[str, Any], authority: str, body_zlib: bytes
    ) -> None:
        """The register's bytes once per sha256, and the entry's link to it with what it applied."""
        sha = fields["waiver_register_sha256"]
        if conn.execute(select(waiver_registers.c.sha256).where(waiver_registers.c.sha256 == sha)).first() is None:
            conn.execute(insert(waiver_registers).values(sha256=sha, authority=_text(authority), body_zlib=body_zlib))
        conn.execute(
            insert(entry_waivers).values(
                seq=seq,
                register_sha256=sha,
                register_path=fields["waiver_register_path"],
                waivers_applied=fields["waivers_applied"],
            )
        )

    def entries(self, up_to: int | None = None, project_id: str | None = None) -> list[Entry]:
        """Entries in chain order (optionally up to seq `up_to`, or for one project).

        Read at once, not streamed: a long-held read transaction would stall SQLite writers.
        """
        query = select(*_ENTRY_COLUMNS).order_by(entries.c.seq)
        if self.schema_version >= 2:
            query = query.add_columns(*_REGISTER_COLUMNS).select_from(
                entries.outerjoin(entry_waivers, entry_waivers.c.seq == entries.c.seq)
            )
        if up_to is not None:
            query = query.where(entries.c.seq <= up_to)
        if project_id is not None:
            query = query.where(entries.c.project_id == project_id)
        with self._transaction(write=False) as conn:
            return [Entry(**row._mapping) for row in conn.execute(query)]

    def input_bytes(self, seq: int, limit: int = MAX_STORED_INPUT_BYTES) -> bytes | None:
        """The stored input of entry `seq`, decompressed (None if it cannot be decompressed;
        TooLarge if it would inflate beyond `limit` bytes)."""
        with self._transaction(write=False) as conn:
            blob = conn.execute(select(entries.c.input_zlib).where(entries.c.seq == seq)).scalar()
        try:
            return inflate(blob, limit) if blob is not None else None
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
            blob = conn.execute(select(waiver_registers.c.body_zlib).where(waiver_registers.c.sha256 == sha)).scalar()
        try:
            return zlib.decompress(blob) if blob is not None else None
        except zlib.error:
            return None

    def ruleset_archive(self, sha: str) -> bytes | None:
        with self._transaction(write=False) as conn:
            return conn.execute(select(rulesets.c.archive).where(rulesets.c.sha256 == sha)).scalar()


@dataclass(frozen=True)
class PendingEntry:
    """A checked project made ready for the ledger, but not yet in it: everything but its place
    in the chain, its time and its hash. Small and picklable, so a batch's worker prepares it and
    the parent appends it once the project's output has been written."""

    fields: dict[str, Any]
    params_body: str
    input_zlib: bytes
    snapshot: bytes | None = None  # None: the shipped ruleset's, if the ruleset is the shipped one
    # the waiver register the project was checked with (None without one): the fields the entry
    # hash covers, the register's keeper and its bytes (zlib), stored once per sha256
    register_fields: dict[str, Any] | None = None
    register_authority: str | None = None
    register_zlib: bytes | None = None


def prepare_entry(
    result: CheckResult,
    raw: bytes,
    ruleset_files: dict[str, str] | None = None,
    register_raw: bytes | None = None,
) -> PendingEntry:
    """What `Ledger.append` records for `result`; LedgerError if `raw` (or `register_raw`, the
    waiver register's bytes, read from the result when not given) is not what was checked."""
    if hashlib.sha256(raw).hexdigest() != result.document.sha256:
        raise LedgerError(f"{shown(result.document.path)}: the bytes to record are not the bytes checked")
    register = result.register
    register_fields: dict[str, Any] | None = None
    register_zlib: bytes | None = None
    if register is not None:
        if register_raw is None:
            register_raw = register.raw
        if register_raw is None or hashlib.sha256(register_raw).hexdigest() != register.sha256:
            raise LedgerError(f"{shown(register.path)}: the register bytes to record are not those checked with")
        register_fields = {
            "waiver_register_sha256": register.sha256,
            "waiver_register_path": _text(register.path),
            "waivers_applied": waivers_applied_json(result),
        }
        register_zlib = zlib.compress(register_raw, 9)
    body = params_body(result.params)
    snapshot: bytes | None = None
    if ruleset_files is None and result.ruleset.sha256 != load_ruleset().sha256:
        ruleset_files = snapshot_files(result.ruleset)  # a pack given with --rules: stored as it was used
    if ruleset_files is not None:
        if snapshot_sha256(ruleset_files) != result.ruleset.sha256:
            raise LedgerError("the ruleset files given do not hash to the ruleset that was used")
        snapshot = pack_snapshot(ruleset_files)
    info = result.project.project
    fields: dict[str, Any] = {
        "checker_version": __version__,
        "project_id": _text(info.id),
        "project_name": _text(info.name),
        "league_city": _text(info.league_city),
        "input_path": _text(result.document.path),
        "input_sha256": result.document.sha256,
        "ruleset_version": result.ruleset.version,
        "ruleset_sha256": result.ruleset.sha256,
        "params_sha256": sha256_text(body),
        "as_of": result.params.as_of.isoformat(),
        "policy_path": _text(result.params.policy_path),
        "verdict": result.verdict,
        "findings": findings_json(result.findings),
    }
    return PendingEntry(
        fields=fields,
        params_body=body,
        input_zlib=zlib.compress(raw, 9),
        snapshot=snapshot,
        register_fields=register_fields,
        register_authority=register.authority if register else None,
        register_zlib=register_zlib,
    )


def _text(value: str | None) -> str | None:
    """A descriptive text both databases store: PostgreSQL refuses NUL, and file names may carry
    undecodable bytes. The exact input is kept byte for byte in the compressed copy."""
    if value is None:
        return None
    return value.replace("\0", "\ufffd").encode("utf-8", "backslashreplace").decode("utf-8")


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")


def append_result(ledger: Ledger, result: CheckResult) -> Entry:
    """Append `result` to an open ledger with the input bytes that were checked (`input_bytes`).

    Those are the bytes read for the check (a FIFO or a file replaced meanwhile is never read
    twice); a document built without them is re-read from disk, and the bytes must then hash to
    what was checked: a file replaced between check and record is refused.
    """
    return ledger.append(result, input_bytes(result), register_raw=register_bytes(result))


def prepare_recorded(result: CheckResult) -> PendingEntry:
    """What a batch worker prepares for the ledger: the entry of `result`, over the bytes checked."""
    return prepare_entry(result, input_bytes(result))


def input_bytes(result: CheckResult) -> bytes:
    """The bytes `result` was checked from: those read for the check (a FIFO or a file replaced
    meanwhile is never read twice), or, for a document built without them, the file re-read."""
    raw = result.document.raw
    if raw is None:
        try:
            raw = Path(result.document.path).read_bytes()
        except OSError as exc:
            raise LedgerError(
                f"{shown(result.document.path)}: cannot re-read the input to record it: {exc.strerror}"
            ) from None
    return raw


def register_bytes(result: CheckResult) -> bytes | None:
    """The bytes of the waiver register `result` was checked with (None without one): those read
    for the check, or, for a register built without them, the file re-read."""
    register = result.register
    if register is None:
        return None
    if register.raw is not None:
        return register.raw
    try:
        return Path(register.path).read_bytes()
    except OSError as exc:
        raise LedgerError(
            f"{shown(register.path)}: cannot re-read the waiver register to record it: {exc.strerror}"
        ) from None


def record(target: str, result: CheckResult) -> Entry:
    """Append `result` to the ledger at `target` (opened for this one entry)."""
    with Ledger(target) as ledger:
        return append_result(ledger, result)
