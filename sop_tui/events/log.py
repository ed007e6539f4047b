"""The append-only event log: appending, reading, verifying and backing up.

:class:`EventLog` keeps the chain — it seals each event (seq, id, time, ``prev_hash``, ``hash``)
and walks the chain to verify it — and hands rows to a backend that keeps them: SQLite, the
embedded default (:mod:`sop_tui.events.sqlite_backend`), or PostgreSQL for a team
(:mod:`sop_tui.events.pg_backend`). Every append is one serialised transaction on the backend:
it takes the write lock first, then reads the head, so two writers queue behind each other and
neither can build on a stale head.

Opening a log never creates or changes its schema. A writer creates the tables of a new store
on its first append; a reader (``read_only=True``) of a store that does not exist is refused
with :class:`LogMissing`, and so is any opening of a store whose tables are gone. Missing
append-only guards (triggers) are tampering: :meth:`EventLog.verify` reports them, appends are
refused, and only :meth:`EventLog.repair` (``sop repair``) re-creates them.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson

from sop_tui.events.backend import Backend, DatasetBlock, RowFilter, RowToWrite
from sop_tui.events.canonical import GENESIS_HASH, canonical_json, envelope_hash
from sop_tui.events.envelope import Event
from sop_tui.events.errors import LogError, LogMissing
from sop_tui.events.sqlite_backend import TABLES, SqliteBackend, is_sqlite_url
from sop_tui.events.verify import VerifyReport, walk_chain

__all__ = ["Backup", "EventLog", "Head", "LogError", "LogMissing", "NewEvent", "format_at",
           "utc_now"]

Clock = Callable[[], datetime]

#: What ``--db`` accepts, for messages.
ACCEPTED_URLS = ("sqlite:///path/to/sop.db (the default: the store's sop.db), or "
                 "postgresql+psycopg://user:password@host:port/database")


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


@dataclass(frozen=True, slots=True)
class Backup:
    """A backup of the log: the file, and the events the copy itself holds."""

    path: Path
    count: int
    head_hash: str


def open_backend(url: str, *, read_only: bool) -> Backend:
    """The backend for ``url``: SQLite for ``sqlite://…``, PostgreSQL for ``postgresql…``.

    Raises:
        LogError: a URL of another database, or a backend that cannot be loaded.
    """
    if is_sqlite_url(url):
        return SqliteBackend(url, read_only=read_only)
    scheme = urlsplit(url).scheme
    if scheme in ("postgresql", "postgresql+psycopg", "postgres"):
        # psycopg is slow to import (benchmarks/README.md): only a server log pays for it
        from sop_tui.events.pg_backend import PgBackend

        backend: Backend = PgBackend(url, read_only=read_only)
        return backend
    raise LogError(f"{url!r}: the event log runs on {ACCEPTED_URLS}")


class EventLog:
    """The event log of one database.

    Args:
        url: ``sqlite:///store/sop.db`` (relative), ``sqlite:////abs/sop.db``, ``sqlite://``
            (memory), an SQLite URL with ``?mode=ro`` or ``?immutable=1``, or
            ``postgresql+psycopg://user:password@host/database``.
        clock: returns the current UTC time; injected so tests are deterministic.
        read_only: only read (``sop review``, ``sop verify``): appends are refused, and a
            store that does not exist is an error rather than an empty log.

    Raises:
        LogMissing: a reader found no log there, or the log's tables are gone.
        LogError: the database cannot be opened.
    """

    def __init__(self, url: str, *, clock: Clock = utc_now, read_only: bool = False) -> None:
        self.url = url
        self.clock = clock
        self._backend = open_backend(url, read_only=read_only)
        self.read_only = self._backend.read_only
        #: The store cannot be written at all (read-only media, ``?immutable=1``, ``?mode=ro``):
        #: callers keep their caches out of it too.
        self.media_read_only = self._backend.media_read_only
        #: The SQLite file of the log (``None`` in memory or on a server).
        self.path: Path | None = getattr(self._backend, "path", None)
        self._created = False
        self._guarded = False  # the append-only guards were found in place
        if self._backend.exists():
            self._check_tables()
        elif self.read_only:
            raise LogMissing(f"no event log at {self.describe()}")

    def _check_tables(self) -> None:
        missing = self._backend.schema().missing_tables
        if missing:
            raise LogMissing(
                f"{self.describe()} has no {missing[0]} table: it is not an event log, or its "
                "history was removed (nothing was created or changed)")
        self._created = True

    def _ready(self) -> bool:
        """Whether the log exists yet (a new store has no tables until its first append)."""
        if not self._created and self._backend.exists():
            if set(self._backend.schema().missing_tables) >= set(TABLES):
                # another connection is creating it right now (SQLite's file already has its
                # header, the tables not yet): not created yet, rather than not a log
                return False
            self._check_tables()  # another process created it since
        return self._created

    def describe(self) -> str:
        return self._backend.describe()

    def pragmas(self) -> dict[str, Any]:
        """Read back the connection settings the log relies on."""
        return self._backend.settings()

    def close(self) -> None:
        """Close every connection (a writer on SQLite checkpoints its WAL first)."""
        self._backend.close()

    def checkpoint(self) -> None:
        """Fold SQLite's write-ahead log into the database and truncate it; never waits.

        The app calls this when it is idle: a WAL otherwise keeps its largest size until the
        last connection closes. A no-op on a read-only log and on PostgreSQL.
        """
        if self._created:
            self._backend.checkpoint()

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
            LogError: the log cannot be written (read-only, guards missing, database error).
        """
        return self.append_all([NewEvent(type, payload, cycle, meeting, actor)])[0]

    def append_all(self, drafts: Sequence[NewEvent]) -> list[Event]:
        """Append several events in one transaction: all of them are recorded, or none."""
        # pydantic is loaded on the first write, not when the app opens the log to paint
        from sop_tui.events.types import validate_payload

        checked = [(d, validate_payload(d.type, d.payload)) for d in drafts]
        for d, _ in checked:
            if d.type == "DatasetImported" and d.content is None:
                raise LogError("a DatasetImported event needs its data block")
        self._writable()
        recorded: list[Event] = []

        def build(seq: int, prev: str) -> list[RowToWrite]:
            recorded.clear()  # a retried transaction starts again from its head
            at = format_at(self.clock())
            out: list[RowToWrite] = []
            for d, payload in checked:
                seq += 1
                ev, payload_json = self._seal(seq, d, payload, at, prev)
                block = None
                if d.content is not None:
                    block = DatasetBlock(payload["kind"], payload["rows"],
                                         payload["content_sha256"], d.content)
                out.append(((ev.seq, ev.event_id, ev.cycle, ev.meeting, ev.type, ev.actor,
                             ev.at, payload_json, ev.prev_hash, ev.hash), block))
                recorded.append(ev)
                prev = ev.hash
            return out

        try:
            self._backend.append(build)
        except LogError as exc:
            raise LogError(f"could not append to {self.describe()}: {exc}") from None
        return list(recorded)

    def _writable(self) -> None:
        """Create a new store on its first append; refuse a store whose guards are gone."""
        if self.read_only:
            raise LogError(f"{self.describe()} is opened read-only; nothing was recorded")
        if not self._ready():
            self._backend.create()
            self._check_tables()
        if not self._guarded:
            missing = self._backend.schema().missing_guards
            if missing:
                raise LogError(
                    f"{self.describe()}: the append-only guards {', '.join(missing)} are "
                    "missing, so the history may have been edited; nothing was recorded. "
                    "Run `sop verify`, then `sop repair` once the log is trusted")
            self._guarded = True

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

    def repair(self) -> tuple[str, ...]:
        """Re-create missing append-only guards (never tables, never rows); return their names.

        ``sop repair`` calls this after a person has looked at ``sop verify``'s report: a
        missing guard is tampering, never silently undone by opening the log.
        """
        if self.read_only:
            raise LogError(f"{self.describe()} is opened read-only; nothing was repaired")
        if not self._ready():
            raise LogMissing(f"no event log at {self.describe()}")
        done = self._backend.repair()
        self._guarded = False
        return done

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
        chain. The state is folded from :meth:`fold_rows`, which does not decode the payloads
        either.
        """
        if not self._ready():
            return iter(())
        where = RowFilter(since, until, cycle, meeting,
                          tuple(types) if types is not None else None)
        rows = self._backend.rows(where, hashes=hashes)
        loads = orjson.loads  # decoding only: the canonical encoding stays the stdlib's
        new = tuple.__new__
        # tuple.__new__ builds the named tuple in C; Event(...) would run its Python __new__
        # once per row (a tenth of the read of a long log)
        return iter([new(Event, (r[0], r[1], r[2], r[3], r[4], r[5], r[6], loads(r[7]), r[8],
                                 r[9])) for r in rows])

    def fold_rows(self, *, since: int = 0) -> list[tuple[Any, ...]]:
        """The events after ``since`` as rows, for folding state: Event's fields in order, the
        payload still JSON text and the two hashes empty.

        The fold decodes a payload only where it needs one (a correction's target, a
        meeting's name); a captured record keeps its row and decodes on first use (see
        ``state.Record``). Most records of a long log are never shown, so most payloads are
        never decoded.
        """
        if not self._ready():
            return []
        return self._backend.rows(RowFilter(since), hashes=False)

    def get(self, seq: int) -> Event | None:
        found = self.events(since=seq - 1, until=seq)
        return found[0] if found else None

    def data_version(self) -> int:
        """A number that changes when another connection — another process, or another thread
        of this one — has committed to the log since this thread last asked.

        On SQLite, ``PRAGMA data_version``: it reads no table, so screens poll it every
        fraction of a second to follow writes made elsewhere; this thread's own appends do not
        change it. On PostgreSQL, the newest seq (one index probe). ``-1`` while a new store
        has not been created yet.
        """
        return self._backend.data_version() if self._ready() else -1

    def head(self) -> Head:
        found = self._backend.head() if self._ready() else None
        return Head(found[0], found[1]) if found else Head(0, GENESIS_HASH)

    def dataset_content(self, import_seq: int) -> bytes:
        content = self._backend.dataset_content(import_seq) if self._ready() else None
        if content is None:
            raise LogError(f"event {import_seq} has no imported data")
        return content

    # -- copying between databases ----------------------------------------------------------

    def export_rows(self) -> list[RowToWrite]:
        """Every event row as stored (payload text and hashes included), each import with its
        data block: what :meth:`append_verbatim` takes (``sop migrate``)."""
        if not self._ready():
            return []
        out: list[RowToWrite] = []
        for r in self._backend.rows(RowFilter(), hashes=True):
            block = None
            if r[4] == "DatasetImported":
                p = orjson.loads(r[7])
                block = DatasetBlock(p["kind"], p["rows"], p["content_sha256"],
                                     self.dataset_content(r[0]))
            out.append((tuple(r), block))
        return out

    def append_verbatim(self, rows: Sequence[RowToWrite]) -> None:
        """Write rows sealed by another log into this empty one, unchanged, in one transaction.

        The rows must form a chain that verifies from the genesis hash (checked here, and by
        the database's own guards as each row is inserted).

        Raises:
            LogError: this log is not empty, or the rows do not verify (nothing is written).
        """
        digests = {r[0]: hashlib.sha256(b.content).hexdigest() for r, b in rows if b is not None}
        report = walk_chain([r for r, _ in rows], digests)
        if not report.ok:
            raise LogError(f"the rows to copy do not verify at event {report.seq}: "
                           f"{report.reason}; nothing was written")
        self._writable()

        def build(seq: int, _prev: str) -> Sequence[RowToWrite]:
            if seq:
                raise LogError(f"{self.describe()} already holds {seq} events; nothing was "
                               "written")
            return rows

        self._backend.append(build)

    def grant(self, role: str) -> None:
        """Give ``role`` the rights the app needs on a PostgreSQL log: SELECT and INSERT only."""
        grant = getattr(self._backend, "grant", None)
        if grant is None:
            raise LogError("roles are granted on a PostgreSQL log only; SQLite has no roles")
        grant(role)

    # -- verification and backup -------------------------------------------------------------

    def verify(self) -> VerifyReport:
        """Walk the chain from the first event; name the first one that does not hold.

        Also reports what the walk cannot see in the rows: a missing table, missing
        append-only guards, and a recorded pack whose head hash the chain no longer has.
        """
        if not self._ready():
            return VerifyReport(True, 0, GENESIS_HASH)
        schema = self._backend.schema()
        if schema.missing_tables:
            return VerifyReport(False, 0, GENESIS_HASH, None,
                                f"the {schema.missing_tables[0]} table is missing")
        digests = self._backend.dataset_digests()
        report = walk_chain(self._backend.rows(RowFilter(), hashes=True), digests)
        if schema.missing_guards:
            guards = (f"tampering: the append-only guards {', '.join(schema.missing_guards)} "
                      "are missing (`sop repair` re-creates them once the log is trusted)")
            reason = guards if report.ok else f"{report.reason}; and {guards}"
            return VerifyReport(False, report.count, report.head_hash, report.seq, reason)
        return report

    def backup(self, target: Path) -> Backup:
        """Copy the log to a new SQLite file (online: safe while others write).

        Returns the copy's own count and head, read back from the copy.
        """
        target = Path(target)
        if target.exists():
            raise LogError(f"{target} exists; choose a new file name")
        if not self._ready():
            raise LogMissing(f"no event log at {self.describe()}")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LogError(f"cannot write {target}: {exc.strerror or exc}") from None
        report = self._backend.copy_to(target)
        return Backup(target, report.count, report.head_hash or GENESIS_HASH)
