"""The tables of the event log (SQLModel) and the SQLite triggers that keep them append-only."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from sop_tui.events.triggers import APPEND_ONLY, SQLITE_TRIGGERS

__all__ = ["APPEND_ONLY", "SQLITE_TRIGGERS", "DatasetRow", "EventRow", "SQLModel"]


class EventRow(SQLModel, table=True):
    """One row per event; ``seq`` is assigned by the log, gap-free, from 1.

    ``seq`` is the only key. Every other index costs each durable append a page written at a
    random place and flushed (unique indexes on ``event_id`` and ``hash`` and plain ones on
    ``cycle`` and ``type`` took a quarter of an append), and none is needed: the state is folded
    from a scan in ``seq`` order, a filtered ``sop log`` scans 100,000 rows in milliseconds, and
    uniqueness follows from the chain itself — each ``hash`` covers its ``seq`` and the hash
    before it, and ``verify`` checks that no ``event_id`` repeats.
    """

    __tablename__ = "events"

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    event_id: str
    cycle: str
    meeting: str | None = None
    type: str
    actor: str
    at: str
    payload: str
    prev_hash: str
    hash: str


class DatasetRow(SQLModel, table=True):
    """The immutable content of one import, keyed by its ``DatasetImported`` event.

    The rows are kept as one gzip-compressed canonical CSV block: a demo-sized import is half a
    million rows, which as separate SQL rows would cost seconds to write and read back, and the
    block's sha256 is in the event payload, so the hash chain covers the data too.
    """

    __tablename__ = "datasets"

    import_seq: int = Field(primary_key=True, foreign_key="events.seq")
    kind: str = Field(index=True)
    rows: int
    content_sha256: str
    content: bytes
