"""The event log on SQLite: the embedded default (``sqlite:///path/to/sop.db``).

One connection per thread (an in-memory database: one shared connection), WAL, a
``synchronous=FULL`` commit per append, and triggers that refuse UPDATE, DELETE and any INSERT
that does not extend the chain (:mod:`sop_tui.events.triggers`).

Opening never changes a store that exists: the tables are created only for a new store, on its
first append. A store that cannot be written (read-only media, no permission, or a URL with
``?mode=ro`` / ``?immutable=1``) is opened read-only through SQLite's URI, ``immutable=1``
where SQLite could not even keep its shared-memory file there, so reading it creates nothing.

Writers are served in turn: ``BEGIN IMMEDIATE`` is retried in short, jittered steps rather than
through SQLite's busy handler, whose waits grow to 100 ms each and so let a busy writer take
the lock again and again while another waits (seconds, with two writers started at once).
"""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from sop_tui.events.backend import (
    EVENT_COLUMNS,
    CopyReport,
    RowBuilder,
    RowFilter,
    SchemaReport,
)
from sop_tui.events.canonical import GENESIS_HASH
from sop_tui.events.ddl import SQLITE_TABLES
from sop_tui.events.errors import LogError
from sop_tui.events.triggers import SQLITE_TRIGGERS, TRIGGER_NAMES

BUSY_TIMEOUT_MS = 30_000
#: After a checkpoint, SQLite truncates the WAL file to this size (it keeps its largest size
#: otherwise: an import of the demo left a WAL of tens of megabytes until the last close).
JOURNAL_SIZE_LIMIT = 4 * 1024 * 1024
TABLES = ("events", "datasets")
_SCHEMES = ("sqlite", "sqlite+pysqlite")
_INSERT_EVENT = (f"INSERT INTO events ({', '.join(EVENT_COLUMNS)})"
                 f" VALUES ({','.join('?' * len(EVENT_COLUMNS))})")
_INSERT_DATA = ("INSERT INTO datasets (import_seq, kind, rows, content_sha256, content)"
                " VALUES (?,?,?,?,?)")


@dataclass(frozen=True, slots=True)
class SqliteUrl:
    """An SQLite URL taken apart: the file (``None`` in memory) and its read-only options."""

    path: Path | None
    read_only: bool = False
    immutable: bool = False


def is_sqlite_url(url: str) -> bool:
    return urlsplit(url).scheme in _SCHEMES


def parse_sqlite_url(url: str) -> SqliteUrl:
    """``sqlite:///relative/sop.db``, ``sqlite:////abs/sop.db``, ``sqlite://`` (memory);
    the query may say ``mode=ro`` or ``immutable=1`` (SQLite's own URI options).

    Raises:
        LogError: the URL is not an SQLite URL.
    """
    parts = urlsplit(url)
    if parts.scheme not in _SCHEMES:
        raise LogError(f"{url!r} is not an SQLite URL (sqlite:///path/to/sop.db)")
    query = parse_qs(parts.query)
    raw = unquote(url.split("://", 1)[1].split("?", 1)[0])
    if raw in ("", "/", "/:memory:") or query.get("mode") == ["memory"]:
        return SqliteUrl(None)
    # sqlite:///relative/path -> "/relative/path"; sqlite:////abs/path -> "//abs/path"
    path = Path(raw[1:] if raw.startswith("/") else raw)
    immutable = query.get("immutable") == ["1"]
    return SqliteUrl(path, read_only=immutable or query.get("mode") == ["ro"],
                     immutable=immutable)


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL (``None`` for an in-memory database)."""
    return parse_sqlite_url(url).path


def _writable(path: Path) -> bool:
    """Whether SQLite could write ``path`` and keep its WAL and shared memory beside it."""
    return os.access(path.parent, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


class SqliteBackend:
    """The rows of one SQLite database (see the module docstring).

    Args:
        url: an SQLite URL (:func:`parse_sqlite_url`).
        read_only: never write: open through ``mode=ro`` (or ``immutable=1`` where the folder
            cannot be written). A writer on a store that cannot be written becomes read-only too.
    """

    def __init__(self, url: str, *, read_only: bool = False) -> None:
        parsed = parse_sqlite_url(url)
        self.path = parsed.path
        self.read_only = read_only or parsed.read_only
        self.immutable = parsed.immutable
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._guard = threading.Lock()
        # An in-memory database exists in one connection only: every thread shares it.
        self._shared: sqlite3.Connection | None = None
        self._shared_lock = threading.RLock()
        if self.path is not None and self.exists() and not _writable(self.path):
            self.read_only = True  # read-only media: reads work, appends are refused
            self.immutable = self.immutable or not self._wal_left()
        self.media_read_only = self.path is not None and (
            parsed.read_only or (self.read_only and not _writable(self.path)))

    def _wal_left(self) -> bool:
        """Whether a WAL with content sits beside the database (immutable=1 would skip it)."""
        assert self.path is not None
        wal = self.path.with_name(self.path.name + "-wal")
        return wal.exists() and wal.stat().st_size > 0

    # -- connections -------------------------------------------------------------------------

    def describe(self) -> str:
        return str(self.path) if self.path is not None else "an in-memory log"

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: we issue BEGIN ourselves (pysqlite's own BEGIN is DEFERRED).
        # check_same_thread is off only so that close() may close every thread's connection.
        try:
            if self.path is None:
                con = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
            elif self.read_only:
                mode = "immutable=1" if self.immutable else "mode=ro"
                con = sqlite3.connect(f"file:{quote(str(self.path.resolve()))}?{mode}", uri=True,
                                      isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000,
                                      check_same_thread=False)
            else:
                con = sqlite3.connect(self.path, isolation_level=None,
                                      timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
            if not self.read_only and self.path is not None:
                con.execute("PRAGMA journal_mode=WAL")
                con.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT}")
            con.execute("PRAGMA synchronous=FULL")
            con.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            con.execute("PRAGMA recursive_triggers=ON")
            con.execute("PRAGMA foreign_keys=ON")
        except sqlite3.Error as exc:
            raise LogError(f"cannot open the event log at {self.describe()}: {exc}") from None
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

    @contextmanager
    def _use(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection, serialised where it is shared; SQLite errors named."""
        con = self._con()
        try:
            if self.path is None:
                with self._shared_lock:
                    yield con
            else:
                yield con
        except sqlite3.Error as exc:
            raise LogError(f"the event log at {self.describe()}: {exc}") from None

    def close(self) -> None:
        if not self.read_only and self.path is not None and self.exists():
            try:
                self.checkpoint()
            except LogError:
                pass  # another process holds it: the WAL is left for the last one out
        with self._guard:
            for con in self._all:
                con.close()
            self._all.clear()
        self._local = threading.local()
        self._shared = None

    # -- schema ------------------------------------------------------------------------------

    def exists(self) -> bool:
        if self.path is None:
            return self._shared is not None
        try:
            return self.path.stat().st_size > 0
        except OSError:
            return False

    def schema(self) -> SchemaReport:
        with self._use() as con:
            have = {
                name for (name,) in con.execute(
                    "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
            }
        return SchemaReport(tuple(t for t in TABLES if t not in have),
                            tuple(t for t in TRIGGER_NAMES if t not in have))

    def create(self) -> None:
        """Create a new store's tables and triggers; a store with any of them is left alone."""
        if self.read_only:
            raise LogError(f"{self.describe()} is opened read-only; it cannot be created")
        if self.path is not None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise LogError(f"cannot create the store at {self.path.parent}: "
                               f"{exc.strerror or exc}") from None
        with self._use() as con:
            self._begin(con)
            try:
                present = {name for (name,) in con.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'")}
                if not present & set(TABLES):
                    for stmt in (*SQLITE_TABLES, *SQLITE_TRIGGERS):
                        con.execute(stmt)
                con.execute("COMMIT")
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise

    def repair(self) -> tuple[str, ...]:
        missing = self.schema().missing_guards
        if not missing:
            return ()
        with self._use() as con:
            self._begin(con)
            try:
                for stmt in SQLITE_TRIGGERS:
                    con.execute(stmt)  # CREATE TRIGGER IF NOT EXISTS: only the missing ones
                con.execute("COMMIT")
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise
        return missing

    # -- writing -----------------------------------------------------------------------------

    @staticmethod
    def _begin(con: sqlite3.Connection) -> None:
        """``BEGIN IMMEDIATE``, retried every millisecond or so until the write lock is free."""
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        con.execute("PRAGMA busy_timeout=0")
        try:
            while True:
                try:
                    con.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:
                        raise
                    if time.monotonic() > deadline:
                        raise
                # jittered, so two waiters do not keep colliding with each other
                time.sleep(random.uniform(0.0002, 0.002))
        finally:
            con.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")

    def append(self, build: RowBuilder) -> None:
        if self.read_only:
            raise LogError(f"{self.describe()} is read-only (opened read-only, or on media "
                           "that cannot be written); nothing was recorded")
        with self._use() as con:
            cur = con.cursor()
            self._begin(con)
            try:
                row = cur.execute(
                    "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
                head = (row[0], row[1]) if row else (0, GENESIS_HASH)
                for values, block in build(*head):
                    cur.execute(_INSERT_EVENT, values)
                    if block is not None:
                        cur.execute(_INSERT_DATA, (values[0], block.kind, block.rows,
                                                   block.content_sha256, block.content))
                cur.execute("COMMIT")
            except BaseException:
                if con.in_transaction:
                    cur.execute("ROLLBACK")
                raise

    # -- reading -----------------------------------------------------------------------------

    def rows(self, where: RowFilter, *, hashes: bool) -> list[tuple[Any, ...]]:
        sql, args = where.select(hashes=hashes, mark="?")
        with self._use() as con:
            return con.execute(sql, tuple(args)).fetchall()

    def data_version(self) -> int:
        with self._use() as con:
            return int(con.execute("PRAGMA data_version").fetchone()[0])

    def head(self) -> tuple[int, str] | None:
        with self._use() as con:
            row = con.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        return (row[0], row[1]) if row else None

    def dataset_content(self, import_seq: int) -> bytes | None:
        with self._use() as con:
            row = con.execute("SELECT content FROM datasets WHERE import_seq = ?",
                              (import_seq,)).fetchone()
        return None if row is None else bytes(row[0])

    def dataset_digests(self) -> dict[int, str]:
        with self._use() as con:
            return {r[0]: hashlib.sha256(r[1]).hexdigest()
                    for r in con.execute("SELECT import_seq, content FROM datasets")}

    # -- upkeep ------------------------------------------------------------------------------

    def checkpoint(self) -> None:
        """Copy the WAL into the database and truncate it, if no reader needs it just now.

        Never waits: with a reader in the middle of the WAL, the checkpoint is left for later.
        """
        if self.read_only or self.path is None:
            return
        with self._use() as con:
            con.execute("PRAGMA busy_timeout=0")
            try:
                con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            finally:
                con.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")

    def settings(self) -> dict[str, Any]:
        with self._use() as con:
            return {name: con.execute(f"PRAGMA {name}").fetchone()[0]
                    for name in ("journal_mode", "synchronous", "busy_timeout",
                                 "recursive_triggers", "foreign_keys")}

    def copy_to(self, target: Path) -> CopyReport:
        """Copy through SQLite's online backup API (safe while others write), then count the
        copy itself: what it holds, not what the log holds a moment later."""
        dest = sqlite3.connect(target)
        try:
            with self._use() as con:
                con.backup(dest)
            row = dest.execute(
                "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        except sqlite3.Error as exc:
            raise LogError(f"cannot back up to {target}: {exc}") from None
        finally:
            dest.close()
        return CopyReport(str(target), row[0] if row else 0, row[1] if row else "")
