"""The append-only event log: appending, reading, verifying and backing up.

Every append is one ``BEGIN IMMEDIATE`` transaction: it takes SQLite's write lock first, then
reads the head, so two processes appending at once queue behind each other (the busy timeout)
instead of failing with "database is locked", and neither can build on a stale head.
"""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import SQLModel

from sop_tui.events.canonical import GENESIS_HASH, canonical_json, chain_hash
from sop_tui.events.schema import SQLITE_TRIGGERS, DatasetRow, EventRow
from sop_tui.events.types import Event, validate_payload

BUSY_TIMEOUT_MS = 30_000

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def format_at(moment: datetime) -> str:
    """UTC timestamp with microseconds, ``2026-12-01T09:00:00.000000Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event to append: the log assigns seq, id, time and hashes."""

    type: str
    payload: dict[str, Any]
    cycle: str
    meeting: str | None = None
    actor: str = "sop"
    content: bytes | None = None  # the data block of a DatasetImported event


@dataclass(frozen=True, slots=True)
class Head:
    count: int
    hash: str


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The outcome of walking the chain; ``seq``/``reason`` name the first event that fails."""

    ok: bool
    count: int
    head_hash: str
    seq: int | None = None
    reason: str | None = None


class LogError(RuntimeError):
    """The log refused an operation; the message says why."""


def _is_memory(url: sa.URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


class EventLog:
    """The event log of one database.

    Args:
        url: an SQLAlchemy URL (``sqlite:///store/sop.db`` by default elsewhere).
        clock: returns the current UTC time; injected so tests are deterministic.
        read_only: open the database read-only (``sop review``): appends are refused by SQLite.
    """

    def __init__(self, url: str, *, clock: Clock = utc_now, read_only: bool = False) -> None:
        self.url = sa.make_url(url)
        self.clock = clock
        self.read_only = read_only
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self.engine = self._make_engine()
        if not read_only:
            self._create_schema()

    # -- connections -------------------------------------------------------------------------

    def _make_engine(self) -> Engine:
        url = self.url
        kwargs: dict[str, Any] = {}
        if self.is_sqlite:
            if _is_memory(url):
                kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
            else:
                path = Path(url.database or "")
                if not self.read_only:
                    path.parent.mkdir(parents=True, exist_ok=True)
                elif not path.exists():
                    raise LogError(f"no event log at {path}")
                if self.read_only:
                    url = url.set(
                        database=f"file:{path.resolve()}", query={"mode": "ro", "uri": "true"}
                    )
                kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        engine = sa.create_engine(url, **kwargs)
        if self.is_sqlite:
            sa.event.listen(engine, "connect", self._on_connect)
            sa.event.listen(engine, "begin", self._on_begin)
        return engine

    def _on_connect(self, dbapi_conn: sqlite3.Connection, _record: object) -> None:
        # Hand transaction control to us (pysqlite's own BEGIN is always DEFERRED).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if not self.read_only:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA recursive_triggers=ON")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @staticmethod
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    def _writer(self) -> Connection:
        return self.engine.connect().execution_options(sqlite_begin="IMMEDIATE")

    def _create_schema(self) -> None:
        with self._writer() as conn, conn.begin():
            SQLModel.metadata.create_all(conn, tables=[EventRow.__table__, DatasetRow.__table__])  # type: ignore[list-item]
            if self.is_sqlite:
                for ddl in SQLITE_TRIGGERS:
                    conn.exec_driver_sql(ddl)

    def pragmas(self) -> dict[str, Any]:
        """Read back the connection settings the log relies on."""
        if not self.is_sqlite:
            return {}
        with self.engine.connect() as conn:
            return {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in (
                    "journal_mode",
                    "synchronous",
                    "busy_timeout",
                    "recursive_triggers",
                    "foreign_keys",
                )
            }

    def close(self) -> None:
        self.engine.dispose()

    # -- appending ---------------------------------------------------------------------------

    def append(
        self,
        type: str,
        payload: dict[str, Any],
        *,
        cycle: str,
        meeting: str | None = None,
        actor: str = "sop",
    ) -> Event:
        """Validate and append one event; return it as recorded.

        Raises:
            PayloadError: the payload does not hold (nothing is written).
        """
        return self.append_all([NewEvent(type, payload, cycle, meeting, actor)])[0]

    def append_all(self, drafts: Sequence[NewEvent]) -> list[Event]:
        """Append several events in one transaction: all of them are recorded, or none."""
        checked = [(d, validate_payload(d.type, d.payload)) for d in drafts]
        for d, _ in checked:
            if d.type == "DatasetImported" and d.content is None:
                raise LogError("a DatasetImported event needs its data block")
        recorded: list[Event] = []
        # The hot path talks DBAPI directly: SQLAlchemy's per-statement machinery cost more than
        # the durable commit itself (the connection still comes from the engine's pool, with the
        # pragmas of _on_connect applied).
        raw = self.engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                row = cur.execute(
                    "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1"
                ).fetchone()
                seq, prev = (row[0], row[1]) if row else (0, GENESIS_HASH)
                at = format_at(self.clock())
                for d, payload in checked:
                    seq += 1
                    ev, payload_json = self._seal(seq, d, payload, at, prev)
                    cur.execute(
                        "INSERT INTO events (seq, event_id, cycle, meeting, type, actor, at,"
                        " payload, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?)",
                        (ev.seq, ev.event_id, ev.cycle, ev.meeting, ev.type, ev.actor, ev.at,
                         payload_json, ev.prev_hash, ev.hash),
                    )
                    if d.content is not None:
                        cur.execute(
                            "INSERT INTO datasets (import_seq, kind, rows, content_sha256, content)"
                            " VALUES (?,?,?,?,?)",
                            (ev.seq, payload["kind"], payload["rows"],
                             payload["content_sha256"], d.content),
                        )
                    recorded.append(ev)
                    prev = ev.hash
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise LogError(f"could not append to {self.describe()}: {exc}") from exc
        finally:
            raw.close()
        return recorded

    @staticmethod
    def _seal(
        seq: int, d: NewEvent, payload: dict[str, Any], at: str, prev: str
    ) -> tuple[Event, str]:
        """The event with its hash, and its payload's canonical JSON (what is stored)."""
        draft = Event(
            seq=seq,
            event_id=str(uuid.uuid4()),
            cycle=d.cycle,
            meeting=d.meeting,
            type=d.type,
            actor=d.actor,
            at=at,
            payload=payload,
            prev_hash=prev,
            hash="",
        )
        sealed = draft._replace(hash=chain_hash(prev, draft.envelope()))
        return sealed, canonical_json(payload)

    # -- reading -----------------------------------------------------------------------------

    def events(
        self,
        *,
        cycle: str | None = None,
        meeting: str | None = None,
        types: Iterable[str] | None = None,
        since: int = 0,
        until: int | None = None,
    ) -> list[Event]:
        """The events in seq order, optionally filtered."""
        return list(self.iter_events(cycle=cycle, meeting=meeting, types=types, since=since,
                                     until=until))

    def iter_events(
        self,
        *,
        cycle: str | None = None,
        meeting: str | None = None,
        types: Iterable[str] | None = None,
        since: int = 0,
        until: int | None = None,
    ) -> Iterator[Event]:
        where = ["seq > ?"]
        args: list[Any] = [since]
        if until is not None:
            where.append("seq <= ?")
            args.append(until)
        if cycle is not None:
            where.append("cycle = ?")
            args.append(cycle)
        if meeting is not None:
            where.append("meeting = ?")
            args.append(meeting)
        if types is not None:
            ts = list(types)
            where.append(f"type IN ({','.join('?' * len(ts))})")
            args.extend(ts)
        sql = (
            "SELECT seq, event_id, cycle, meeting, type, actor, at, payload, prev_hash, hash"
            f" FROM events WHERE {' AND '.join(where)} ORDER BY seq"
        )
        loads = orjson.loads  # decoding only: the canonical encoding stays the stdlib's
        raw = self.engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute(sql, tuple(args))
            while rows := cur.fetchmany(2000):
                for r in rows:
                    yield Event(r[0], r[1], r[2], r[3], r[4], r[5], r[6], loads(r[7]), r[8],
                                r[9])
        finally:
            raw.close()

    def get(self, seq: int) -> Event | None:
        found = self.events(since=seq - 1, until=seq)
        return found[0] if found else None

    def head(self) -> Head:
        with self.engine.connect() as conn:
            row = conn.exec_driver_sql(
                "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1"
            ).first()
        return Head(row[0], row[1]) if row else Head(0, GENESIS_HASH)

    def dataset_content(self, import_seq: int) -> bytes:
        with self.engine.connect() as conn:
            row = conn.exec_driver_sql(
                "SELECT content FROM datasets WHERE import_seq = ?", (import_seq,)
            ).first()
        if row is None:
            raise LogError(f"event {import_seq} has no imported data")
        return bytes(row[0])

    # -- verification and backup -------------------------------------------------------------

    def verify(self) -> VerifyReport:
        """Walk the chain from the first event; name the first one that does not hold."""
        import json

        expected_seq, prev = 1, GENESIS_HASH
        sql = (
            "SELECT seq, event_id, cycle, meeting, type, actor, at, payload, prev_hash, hash"
            " FROM events ORDER BY seq"
        )
        with self.engine.connect() as conn:
            blobs = {
                r[0]: r[1]
                for r in conn.exec_driver_sql("SELECT import_seq, content FROM datasets")
            }
            for r in conn.exec_driver_sql(sql):
                seq = r[0]
                if seq != expected_seq:
                    reason = (
                        f"gap: event {expected_seq} is missing" if seq > expected_seq
                        else f"order: seq {seq} appears where {expected_seq} was expected"
                    )
                    return VerifyReport(False, expected_seq - 1, prev, seq, reason)
                if r[8] != prev:
                    return VerifyReport(
                        False, seq - 1, prev, seq,
                        "order: its prev_hash is not the hash of the event before it",
                    )
                try:
                    payload = json.loads(r[7])
                    canonical = canonical_json(payload) == r[7]
                except ValueError:
                    canonical = False
                ev = Event(r[0], r[1], r[2], r[3], r[4], r[5], r[6], payload if canonical else {},
                           r[8], r[9])
                if not canonical or chain_hash(prev, ev.envelope()) != r[9]:
                    return VerifyReport(
                        False, seq - 1, prev, seq,
                        "content changed: its hash does not match its contents",
                    )
                if r[4] == "DatasetImported":
                    blob = blobs.get(seq)
                    if blob is None or hashlib.sha256(blob).hexdigest() != payload.get(
                        "content_sha256"
                    ):
                        return VerifyReport(
                            False, seq - 1, prev, seq,
                            "content changed: its imported data does not match its sha256",
                        )
                prev = r[9]
                expected_seq += 1
        return VerifyReport(True, expected_seq - 1, prev)

    def backup(self, target: Path) -> Path:
        """Copy the database through SQLite's online backup API (safe while others write)."""
        if not self.is_sqlite:
            raise LogError("backup is only available for SQLite databases")
        target = Path(target)
        if target.exists():
            raise LogError(f"{target} exists; choose a new file name")
        target.parent.mkdir(parents=True, exist_ok=True)
        raw = self.engine.raw_connection()
        try:
            dest = sqlite3.connect(target)
            try:
                raw.driver_connection.backup(dest)  # type: ignore[union-attr]
            finally:
                dest.close()
        finally:
            raw.close()
        return target

    def describe(self) -> str:
        if self.is_sqlite and not _is_memory(self.url):
            return str(self.url.database)
        return self.url.render_as_string(hide_password=True)
