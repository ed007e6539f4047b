"""The tables of the event log (SQLModel) and the SQLite triggers that keep them append-only."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from sop_tui.events.triggers import APPEND_ONLY, SQLITE_TRIGGERS

__all__ = ["APPEND_ONLY", "SQLITE_TRIGGERS", "DatasetRow", "EventRow"]


class EventRow(SQLModel, table=True):
    """One row per event; ``seq`` is assigned by the log, gap-free, from 1."""

    __tablename__ = "events"

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    event_id: str = Field(unique=True)
    cycle: str = Field(index=True)
    meeting: str | None = None
    type: str = Field(index=True)
    actor: str
    at: str
    payload: str
    prev_hash: str
    hash: str = Field(unique=True)


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
