"""The append-only event log: appending, reading, verifying and backing up.

Every append is one ``BEGIN IMMEDIATE`` transaction: it takes SQLite's write lock first, then
reads the head, so two processes appending at once queue behind each other (the busy timeout)
instead of failing with "database is locked", and neither can build on a stale head.

The tables are declared with SQLModel (:mod:`sop_tui.events.schema`) and created from that
declaration; the log itself talks to SQLite through the standard library's DBAPI driver, one
connection per thread. SQLAlchemy's per-statement machinery cost more than the durable commit
itself, and importing it costs a third of a second the app would rather spend painting.
The URL is an SQLAlchemy-style SQLite URL (``sqlite:///path``, ``sqlite:////abs/path``,
``sqlite://`` for memory); the triggers and the locking are SQLite's, so other databases are
refused with a message rather than run without those guarantees.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import orjson

from sop_tui.events.canonical import GENESIS_HASH, canonical_json, envelope_hash
from sop_tui.events.envelope import Event
from sop_tui.events.verify import VerifyReport, walk_chain
from sop_tui.gcpause import paused_gc

BUSY_TIMEOUT_MS = 30_000

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def format_at(moment: datetime) -> str:
    """UTC timestamp with microseconds, ``2026-12-01T09:00:00.000000Z``."""
    # isoformat is several times quicker than strftime, and this runs once per append
    return moment.astimezone(UTC).isoformat(timespec="microseconds")[:-6] + "Z"


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


class LogError(RuntimeError):
    """The log refused an operation; the message says why."""


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL (``None`` for an in-memory database).

    Raises:
        LogError: the URL is not an SQLite URL.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("sqlite", "sqlite+pysqlite"):
        raise LogError(
            f"{url!r}: the event log runs on SQLite (sqlite:///path/to/sop.db); its append-only "
            "triggers and write locking are SQLite's"
        )
    raw = unquote(url.split("://", 1)[1].split("?", 1)[0])
    if raw in ("", "/", "/:memory:"):
        return None
    # sqlite:///relative/path -> "/relative/path"; sqlite:////abs/path -> "//abs/path"
    path = raw[1:] if raw.startswith("/") else raw
    if parse_qs(parts.query).get("mode") == ["memory"]:
        return None
    return Path(path)


class EventLog:
    """The event log of one SQLite database.

    Args:
        url: ``sqlite:///store/sop.db`` (relative), ``sqlite:////abs/sop.db``, ``sqlite://``.
        clock: returns the current UTC time; injected so tests are deterministic.
        read_only: open the database read-only (``sop review``): appends are refused by SQLite.
    """

    def __init__(self, url: str, *, clock: Clock = utc_now, read_only: bool = False) -> None:
        self.url = url
        self.path = sqlite_path(url)
        self.clock = clock
        self.read_only = read_only
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._guard = threading.Lock()
        # An in-memory database exists in one connection only: every thread shares it.
        self._shared: sqlite3.Connection | None = None
        self._shared_lock = threading.RLock()
        if self.path is not None:
            if read_only and not self.path.exists():
                raise LogError(f"no event log at {self.path}")
            if not read_only:
                self.path.parent.mkdir(parents=True, exist_ok=True)
        if not read_only:
            self._ensure_schema()

    # -- connections -------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self.path is None:
            con = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        elif self.read_only:
            con = sqlite3.connect(f"file:{self.path.resolve()}?mode=ro", uri=True,
                                  isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000,
                                  check_same_thread=False)
        else:
            # Each thread uses its own connection; check_same_thread is off only so that
            # close() may close them all from whichever thread ends the log.
            con = sqlite3.connect(self.path, isolation_level=None,
                                  timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        # isolation_level=None: we issue BEGIN ourselves (pysqlite's own BEGIN is DEFERRED).
        if not self.read_only and self.path is not None:
            con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=FULL")
        con.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        con.execute("PRAGMA recursive_triggers=ON")
        con.execute("PRAGMA foreign_keys=ON")
        with self._guard:
            self._all.append(con)
        return con

    def _con(self) -> sqlite3.Connection:
        """This thread's connection (the shared one for an in-memory database)."""
        if self.path is None:
            with self._shared_lock:
                if self._shared is None:
                    self._shared = self._connect()
            return self._shared
        con: sqlite3.Connection | None = getattr(self._local, "con", None)
        if con is None:
            con = self._local.con = self._connect()
        return con

    def _lock(self) -> Any:
        return self._shared_lock if self.path is None else _NO_LOCK

    def _ensure_schema(self) -> None:
        """Create the tables (from the SQLModel declaration) and triggers where missing."""
        from sop_tui.events.triggers import TRIGGER_NAMES

        con = self._con()
        with self._lock():
            marks = ",".join("?" * len(TRIGGER_NAMES))
            have = con.execute(
                "SELECT count(*) FROM sqlite_master WHERE (type = 'table' AND name IN"
                f" ('events', 'datasets')) OR (type = 'trigger' AND name IN ({marks}))",
                TRIGGER_NAMES,
            ).fetchone()[0]
            if have == 2 + len(TRIGGER_NAMES):
                return  # an existing store: no need to load SQLModel at all
            ddl = _schema_ddl()
            con.execute("BEGIN IMMEDIATE")
            try:
                for stmt in ddl:
                    con.execute(stmt)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    def pragmas(self) -> dict[str, Any]:
        """Read back the connection settings the log relies on."""
        con = self._con()
        with self._lock():
            return {
                name: con.execute(f"PRAGMA {name}").fetchone()[0]
                for name in (
                    "journal_mode",
                    "synchronous",
                    "busy_timeout",
                    "recursive_triggers",
                    "foreign_keys",
                )
            }

    def close(self) -> None:
        with self._guard:
            for con in self._all:
                con.close()
            self._all.clear()
        self._local = threading.local()
        self._shared = None

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
        from sop_tui.events.types import validate_payload  # pydantic: loaded on first write

        checked = [(d, validate_payload(d.type, d.payload)) for d in drafts]
        for d, _ in checked:
            if d.type == "DatasetImported" and d.content is None:
                raise LogError("a DatasetImported event needs its data block")
        recorded: list[Event] = []
        con = self._con()
        with self._lock():
            cur = con.cursor()
            try:
                cur.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise LogError(f"could not append to {self.describe()}: {exc}") from exc
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
            except BaseException as exc:
                if con.in_transaction:
                    cur.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise LogError(f"could not append to {self.describe()}: {exc}") from exc
                raise
        return recorded

    @staticmethod
    def _seal(
        seq: int, d: NewEvent, payload: dict[str, Any], at: str, prev: str
    ) -> tuple[Event, str]:
        """The event with its hash, and its payload's canonical JSON (what is stored)."""
        event_id = str(uuid.uuid4())
        payload_json = canonical_json(payload)
        envelope = {"seq": seq, "event_id": event_id, "cycle": d.cycle, "meeting": d.meeting,
                    "type": d.type, "actor": d.actor, "at": at, "prev_hash": prev}
        sealed = Event(seq, event_id, d.cycle, d.meeting, d.type, d.actor, at, payload, prev,
                       envelope_hash(prev, envelope, payload_json))
        return sealed, payload_json

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
        hashes: bool = True,
    ) -> Iterator[Event]:
        """The events in seq order, optionally filtered.

        ``hashes=False`` leaves ``prev_hash`` and ``hash`` empty, for a reader that needs no
        chain (a fifth less time at 100,000 events). The state is folded from
        :meth:`fold_rows`, which does not decode the payloads either.
        """
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
        chain = "prev_hash, hash" if hashes else "'', ''"
        sql = (
            f"SELECT seq, event_id, cycle, meeting, type, actor, at, payload, {chain}"
            f" FROM events WHERE {' AND '.join(where)} ORDER BY seq"
        )
        loads = orjson.loads  # decoding only: the canonical encoding stays the stdlib's
        new = tuple.__new__
        con = self._con()
        with paused_gc(), self._lock():
            rows = con.execute(sql, tuple(args)).fetchall()
            # tuple.__new__ builds the named tuple in C; Event(...) would run its Python
            # __new__ once per row (a tenth of the read at 100,000 events)
            events = [new(Event, (r[0], r[1], r[2], r[3], r[4], r[5], r[6], loads(r[7]), r[8],
                                  r[9]))
                      for r in rows]
        return iter(events)

    def fold_rows(self, *, since: int = 0) -> list[tuple[Any, ...]]:
        """The events after ``since`` as rows, for folding state: Event's fields in order, the
        payload still JSON text and the two hashes empty.

        The fold decodes a payload only where it needs one (a correction's target, a
        meeting's name); a captured record keeps its row and decodes on first use (see
        ``state.Record``). Most records of a long log are never shown, so most payloads are
        never decoded: a quarter of reading 100,000 events.
        """
        con = self._con()
        with paused_gc(), self._lock():
            return con.execute(
                "SELECT seq, event_id, cycle, meeting, type, actor, at, payload, '', ''"
                " FROM events WHERE seq > ? ORDER BY seq", (since,),
            ).fetchall()

    def get(self, seq: int) -> Event | None:
        found = self.events(since=seq - 1, until=seq)
        return found[0] if found else None

    def _one(self, sql: str, args: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
        con = self._con()
        with self._lock():
            row: tuple[Any, ...] | None = con.execute(sql, args).fetchone()
        return row

    def data_version(self) -> int:
        """A number that changes when another connection — another process, or another thread
        of this one — has committed to the log since this thread last asked.

        SQLite's ``PRAGMA data_version``: it reads no table, so screens poll it every fraction
        of a second to follow writes made elsewhere. This thread's own appends do not change it.
        """
        row = self._one("PRAGMA data_version")
        return int(row[0]) if row else 0

    def head(self) -> Head:
        row = self._one("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
        return Head(row[0], row[1]) if row else Head(0, GENESIS_HASH)

    def dataset_content(self, import_seq: int) -> bytes:
        row = self._one("SELECT content FROM datasets WHERE import_seq = ?", (import_seq,))
        if row is None:
            raise LogError(f"event {import_seq} has no imported data")
        return bytes(row[0])

    # -- verification and backup -------------------------------------------------------------

    def verify(self) -> VerifyReport:
        """Walk the chain from the first event; name the first one that does not hold."""
        con = self._con()
        with self._lock():
            digests = {
                r[0]: hashlib.sha256(r[1]).hexdigest()
                for r in con.execute("SELECT import_seq, content FROM datasets")
            }
            rows = con.execute(
                "SELECT seq, event_id, cycle, meeting, type, actor, at, payload, prev_hash, hash"
                " FROM events ORDER BY seq"
            ).fetchall()
        return walk_chain(rows, digests)

    def backup(self, target: Path) -> Path:
        """Copy the database through SQLite's online backup API (safe while others write)."""
        target = Path(target)
        if target.exists():
            raise LogError(f"{target} exists; choose a new file name")
        target.parent.mkdir(parents=True, exist_ok=True)
        dest = sqlite3.connect(target)
        try:
            with self._lock():
                self._con().backup(dest)
        finally:
            dest.close()
        return target

    def describe(self) -> str:
        return str(self.path) if self.path is not None else "an in-memory log"


class _NoLock:
    """A lock that is not one: file databases give each thread its own connection."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


_NO_LOCK = _NoLock()


def _schema_ddl() -> list[str]:
    """CREATE statements for the SQLModel tables, their indexes, and the triggers."""
    from sqlalchemy.dialects import sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable

    from sop_tui.events.schema import SQLITE_TRIGGERS, DatasetRow, EventRow

    dialect = sqlite.dialect()
    out: list[str] = []
    for model in (EventRow, DatasetRow):
        table = model.__table__  # type: ignore[attr-defined]
        out.append(str(CreateTable(table, if_not_exists=True).compile(dialect=dialect)))
        out.extend(
            str(CreateIndex(ix, if_not_exists=True).compile(dialect=dialect))
            for ix in table.indexes
        )
    out.extend(SQLITE_TRIGGERS)
    return out
