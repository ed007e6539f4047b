"""What the event log needs from a database: the :class:`Backend` protocol.

:class:`~sop_tui.events.log.EventLog` keeps the chain (sealing, hashing, walking it); a
backend keeps the rows — SQLite (:mod:`sop_tui.events.sqlite_backend`, the embedded default)
or PostgreSQL (:mod:`sop_tui.events.pg_backend`). Rows cross the boundary as tuples in the
order of :data:`EVENT_COLUMNS`, the payload as its canonical JSON text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

#: The columns of an event row, in the order every backend reads and writes them.
EVENT_COLUMNS: tuple[str, ...] = ("seq", "event_id", "cycle", "meeting", "type", "actor", "at",
                                  "payload", "prev_hash", "hash")

#: An event row (the values of :data:`EVENT_COLUMNS`) and, for an import, its data block.
RowToWrite = tuple[tuple[Any, ...], "DatasetBlock | None"]


@dataclass(frozen=True, slots=True)
class DatasetBlock:
    """The immutable data of one import, written beside its ``DatasetImported`` event."""

    kind: str
    rows: int
    content_sha256: str
    content: bytes


@dataclass(frozen=True, slots=True)
class RowFilter:
    """Which events to read: ``since < seq <= until`` and optional equality filters."""

    since: int = 0
    until: int | None = None
    cycle: str | None = None
    meeting: str | None = None
    types: tuple[str, ...] | None = None

    def select(self, *, hashes: bool, mark: str) -> tuple[str, list[Any]]:
        """The ``SELECT`` of the events this filter takes, and its arguments.

        Args:
            hashes: read the chain's columns (else they come back empty).
            mark: the driver's parameter placeholder (``?`` for sqlite3, ``%s`` for psycopg).
        """
        clauses = [f"seq > {mark}"]
        args: list[Any] = [self.since]
        for column, value in (("seq <=", self.until), ("cycle =", self.cycle),
                              ("meeting =", self.meeting)):
            if value is not None:
                clauses.append(f"{column} {mark}")
                args.append(value)
        if self.types is not None:
            clauses.append(f"type IN ({', '.join([mark] * len(self.types))})")
            args.extend(self.types)
        chain = "prev_hash, hash" if hashes else "'', ''"
        return (f"SELECT seq, event_id, cycle, meeting, type, actor, at, payload, {chain}"
                f" FROM events WHERE {' AND '.join(clauses)} ORDER BY seq", args)


@dataclass(frozen=True, slots=True)
class SchemaReport:
    """What a backend found of the log's schema (tables and append-only guards)."""

    missing_tables: tuple[str, ...]
    missing_guards: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CopyReport:
    """A copy of the log (``sop backup``): where, and what the copy itself holds."""

    target: str
    count: int
    head_hash: str


#: Builds the rows of an append from the head it extends: ``(head seq, head hash) -> rows``.
RowBuilder = Callable[[int, str], Sequence[RowToWrite]]


class Backend(Protocol):
    """A database holding the log's rows. Each method raises ``LogError`` with a sentence."""

    read_only: bool
    #: The store itself cannot be written (read-only media, an immutable URI): nothing may be
    #: written beside it either, caches included.
    media_read_only: bool

    def describe(self) -> str:
        """Where the log is, for messages (a path, or a URL without its password)."""
        ...

    def exists(self) -> bool:
        """Whether the log has been created (a new store has not, until its first append)."""
        ...

    def schema(self) -> SchemaReport:
        """The tables and guards (triggers) the log needs that are missing."""
        ...

    def create(self) -> None:
        """Create the tables and guards of a new log (refused where any table exists)."""
        ...

    def repair(self) -> tuple[str, ...]:
        """Re-create missing guards (never tables); return the names re-created."""
        ...

    def append(self, build: RowBuilder) -> None:
        """One serialised transaction: read the head, write what ``build`` returns, commit."""
        ...

    def rows(self, where: RowFilter, *, hashes: bool) -> list[tuple[Any, ...]]:
        """Event rows in seq order; without ``hashes`` the two hash columns are ``''``."""
        ...

    def data_version(self) -> int:
        """A number that changes when another connection has committed (see EventLog)."""
        ...

    def head(self) -> tuple[int, str] | None:
        """The newest event's seq and hash (``None`` for an empty log)."""
        ...

    def dataset_content(self, import_seq: int) -> bytes | None:
        ...

    def dataset_digests(self) -> dict[int, str]:
        """The sha256 of every stored data block, by its import's seq."""
        ...

    def checkpoint(self) -> None:
        """Give back what the database keeps beside the log (SQLite's WAL); no-op elsewhere."""
        ...

    def settings(self) -> dict[str, Any]:
        """The connection settings the log relies on, read back (for tests and doctors)."""
        ...

    def copy_to(self, target: Path) -> CopyReport:
        """A consistent copy of the log in a new SQLite file (``sop backup``)."""
        ...

    def close(self) -> None:
        ...
