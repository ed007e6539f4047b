"""The event log on PostgreSQL 15+ (``postgresql+psycopg://user:password@host:port/db``).

The same guarantees as on SQLite, kept by the server:
- append-only: triggers refuse UPDATE, DELETE and TRUNCATE on both tables and any INSERT that
  does not extend the chain (:data:`PG_GUARDS`); the app's role holds only SELECT and INSERT
  (``sop migrate --grant ROLE`` grants them), so it could not even disable the triggers;
- writers serialised: each append takes a transaction-scoped advisory lock before reading the
  head (``LOCK TABLE … EXCLUSIVE`` would need UPDATE rights, which the app's role lacks), so
  no seq is lost or taken twice; readers take no lock at all (MVCC), so they never block one;
- durable: a commit returns once the server has flushed it (``synchronous_commit`` on).

One connection per thread, in autocommit mode; an append is one explicit transaction. A
read-only log sets ``default_transaction_read_only`` on its connections: the server itself
refuses any write. Payloads are stored as the canonical JSON *text* the chain hashed (``jsonb``
would reorder keys and change the bytes).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

from sop_tui.events.backend import (
    EVENT_COLUMNS,
    CopyReport,
    DatasetBlock,
    RowBuilder,
    RowFilter,
    RowToWrite,
    SchemaReport,
)
from sop_tui.events.canonical import GENESIS_HASH
from sop_tui.events.ddl import POSTGRES_TABLES
from sop_tui.events.errors import LogError
from sop_tui.events.sqlite_backend import SqliteBackend
from sop_tui.events.triggers import APPEND_ONLY

TABLES = ("events", "datasets")
#: The advisory lock every writer holds for its transaction ("sop" "log" in ASCII).
APPEND_LOCK = 0x736F70_6C6F67

_REFUSE = f"""CREATE OR REPLACE FUNCTION sop_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$"""
_EVENTS_EXTEND = f"""CREATE OR REPLACE FUNCTION sop_events_extend() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.seq IS DISTINCT FROM (SELECT COALESCE(MAX(seq), 0) + 1 FROM events)
     OR NEW.prev_hash IS DISTINCT FROM COALESCE(
          (SELECT hash FROM events ORDER BY seq DESC LIMIT 1), '{GENESIS_HASH}') THEN
    RAISE EXCEPTION '{APPEND_ONLY} (an insert must extend the chain)';
  END IF;
  RETURN NEW;
END $$"""
_DATASETS_EXTEND = f"""CREATE OR REPLACE FUNCTION sop_datasets_extend() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM datasets WHERE import_seq = NEW.import_seq)
     OR NOT EXISTS (SELECT 1 FROM events WHERE seq = NEW.import_seq
                    AND type = 'DatasetImported') THEN
    RAISE EXCEPTION '{APPEND_ONLY}: data belongs to a new DatasetImported event';
  END IF;
  RETURN NEW;
END $$"""

#: The guards (triggers) by name, each with its CREATE statement.
PG_GUARDS: dict[str, str] = {}
for _table in TABLES:
    PG_GUARDS[f"{_table}_no_update"] = (
        f"CREATE TRIGGER {_table}_no_update BEFORE UPDATE ON {_table}"
        " FOR EACH ROW EXECUTE FUNCTION sop_refuse()")
    PG_GUARDS[f"{_table}_no_delete"] = (
        f"CREATE TRIGGER {_table}_no_delete BEFORE DELETE ON {_table}"
        " FOR EACH ROW EXECUTE FUNCTION sop_refuse()")
    PG_GUARDS[f"{_table}_no_truncate"] = (
        f"CREATE TRIGGER {_table}_no_truncate BEFORE TRUNCATE ON {_table}"
        " FOR EACH STATEMENT EXECUTE FUNCTION sop_refuse()")
    PG_GUARDS[f"{_table}_append_only"] = (
        f"CREATE TRIGGER {_table}_append_only BEFORE INSERT ON {_table}"
        f" FOR EACH ROW EXECUTE FUNCTION sop_{_table}_extend()")

_INSERT_EVENT = (f"INSERT INTO events ({', '.join(EVENT_COLUMNS)})"
                 f" VALUES ({', '.join(['%s'] * len(EVENT_COLUMNS))})")
_INSERT_DATA = ("INSERT INTO datasets (import_seq, kind, rows, content_sha256, content)"
                " VALUES (%s, %s, %s, %s, %s)")


def conninfo(url: str) -> str:
    """The libpq URL of a SQLAlchemy-style one (``postgresql+psycopg://`` → ``postgresql://``)."""
    parts = urlsplit(url)
    return urlunsplit(("postgresql", *parts[1:]))


def redacted(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit((parts.scheme, netloc, *parts[2:]))


class PgBackend:
    """The rows of the log in one PostgreSQL database (see the module docstring)."""

    def __init__(self, url: str, *, read_only: bool = False) -> None:
        self.url = url
        self.read_only = read_only
        self.media_read_only = False
        self._conninfo = conninfo(url)
        self._local = threading.local()
        self._all: list[psycopg.Connection[Any]] = []
        self._guard = threading.Lock()

    def describe(self) -> str:
        return redacted(self.url)

    # -- connections -------------------------------------------------------------------------

    def _connect(self) -> psycopg.Connection[Any]:
        try:
            con = psycopg.connect(self._conninfo, autocommit=True)
            if self.read_only:
                con.execute("SET default_transaction_read_only = on")
        except psycopg.Error as exc:
            raise LogError(f"cannot connect to the event log at {self.describe()}: "
                           f"{' '.join(str(exc).split())}") from None
        with self._guard:
            self._all.append(con)
        return con

    @contextmanager
    def _use(self) -> Iterator[psycopg.Connection[Any]]:
        con: psycopg.Connection[Any] | None = getattr(self._local, "con", None)
        if con is None or con.closed:
            con = self._local.con = self._connect()
        try:
            yield con
        except psycopg.Error as exc:
            raise LogError(f"the event log at {self.describe()}: "
                           f"{' '.join(str(exc).split())}") from None

    def close(self) -> None:
        with self._guard:
            for con in self._all:
                con.close()
            self._all.clear()
        self._local = threading.local()

    # -- schema ------------------------------------------------------------------------------

    def exists(self) -> bool:
        with self._use() as con:
            row = con.execute("SELECT to_regclass('events') IS NOT NULL"
                              " OR to_regclass('datasets') IS NOT NULL").fetchone()
        return bool(row and row[0])

    def schema(self) -> SchemaReport:
        with self._use() as con:
            tables = {t for t in TABLES if con.execute(
                "SELECT to_regclass(%s) IS NOT NULL", (t,)).fetchone() == (True,)}
            guards = {r[0] for r in con.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'"
                " AND tgrelid IN (SELECT to_regclass(t) FROM unnest(%s::text[]) AS t)",
                (list(TABLES),))}
        return SchemaReport(tuple(t for t in TABLES if t not in tables),
                            tuple(g for g in PG_GUARDS if g not in guards))

    def create(self) -> None:
        if self.read_only:
            raise LogError(f"{self.describe()} is opened read-only; it cannot be created")
        with self._use() as con, con.transaction():
            con.execute("SELECT pg_advisory_xact_lock(%s)", (APPEND_LOCK,))
            if con.execute("SELECT to_regclass('events') IS NOT NULL"
                           " OR to_regclass('datasets') IS NOT NULL").fetchone() == (True,):
                return  # another writer created it first
            for stmt in POSTGRES_TABLES:
                con.execute(stmt)
            for stmt in (_REFUSE, _EVENTS_EXTEND, _DATASETS_EXTEND, *PG_GUARDS.values()):
                con.execute(stmt)
            # Only the owner may change or remove rows; app roles are granted SELECT and
            # INSERT by name (sop migrate --grant ROLE).
            con.execute("REVOKE ALL ON events, datasets FROM PUBLIC")

    def repair(self) -> tuple[str, ...]:
        missing = self.schema().missing_guards
        if not missing:
            return ()
        with self._use() as con, con.transaction():
            for stmt in (_REFUSE, _EVENTS_EXTEND, _DATASETS_EXTEND):
                con.execute(stmt)
            for name in missing:
                table = name.split("_", 1)[0]
                con.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")  # a disabled one
                con.execute(PG_GUARDS[name])
        return missing

    def grant(self, role: str) -> None:
        """Give ``role`` what the app needs and nothing more: SELECT and INSERT."""
        with self._use() as con:
            con.execute(psycopg.sql.SQL("GRANT SELECT, INSERT ON events, datasets TO {}")
                        .format(psycopg.sql.Identifier(role)))

    # -- writing -----------------------------------------------------------------------------

    def append(self, build: RowBuilder) -> None:
        if self.read_only:
            raise LogError(f"{self.describe()} is opened read-only; nothing was recorded")
        with self._use() as con, con.transaction(), con.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (APPEND_LOCK,))
            row = cur.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
            head = (row[0], row[1]) if row else (0, GENESIS_HASH)
            rows: list[RowToWrite] = list(build(*head))
            if len(rows) == 1:  # the usual append: one round trip, not executemany's pipeline
                cur.execute(_INSERT_EVENT, rows[0][0])
            else:
                cur.executemany(_INSERT_EVENT, [values for values, _ in rows])
            blocks = [(values[0], b) for values, b in rows if b is not None]
            if blocks:
                cur.executemany(_INSERT_DATA, [_data_row(seq, b) for seq, b in blocks])

    # -- reading -----------------------------------------------------------------------------

    def rows(self, where: RowFilter, *, hashes: bool) -> list[tuple[Any, ...]]:
        sql, args = where.select(hashes=hashes, mark="%s")
        with self._use() as con:
            return con.execute(sql, args).fetchall()

    def data_version(self) -> int:
        with self._use() as con:
            row = con.execute("SELECT seq FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        return int(row[0]) if row else 0

    def head(self) -> tuple[int, str] | None:
        with self._use() as con:
            row = con.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        return (row[0], row[1]) if row else None

    def dataset_content(self, import_seq: int) -> bytes | None:
        with self._use() as con:
            row = con.execute("SELECT content FROM datasets WHERE import_seq = %s",
                              (import_seq,)).fetchone()
        return None if row is None else bytes(row[0])

    def dataset_digests(self) -> dict[int, str]:
        with self._use() as con:
            return {r[0]: r[1] for r in con.execute(
                "SELECT import_seq, encode(sha256(content), 'hex') FROM datasets")}

    # -- upkeep ------------------------------------------------------------------------------

    def checkpoint(self) -> None:
        """Nothing to give back: the server manages its own write-ahead log."""

    def settings(self) -> dict[str, Any]:
        with self._use() as con:
            return {name: con.execute(f"SHOW {name}").fetchone()[0]  # type: ignore[index]
                    for name in ("server_version", "synchronous_commit",
                                 "transaction_isolation", "default_transaction_read_only")}

    def copy_to(self, target: Path) -> CopyReport:
        """A new SQLite log at ``target`` holding every row of this one, verbatim."""
        rows = self.rows(RowFilter(), hashes=True)
        with self._use() as con:
            blocks = {r[0]: DatasetBlock(r[1], r[2], r[3], bytes(r[4])) for r in con.execute(
                "SELECT import_seq, kind, rows, content_sha256, content FROM datasets")}
        dest = SqliteBackend(f"sqlite:///{target}")
        try:
            dest.create()
            dest.append(lambda _seq, _prev: [(r, blocks.get(r[0])) for r in rows])
            head = dest.head()
        finally:
            dest.close()
        return CopyReport(str(target), head[0] if head else 0, head[1] if head else "")


def _data_row(seq: int, b: DatasetBlock) -> tuple[Any, ...]:
    return (seq, b.kind, b.rows, b.content_sha256, b.content)
