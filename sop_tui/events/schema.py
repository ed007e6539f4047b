"""The tables of the event log (SQLModel) and the SQLite triggers that keep them append-only."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

APPEND_ONLY = "sop: the event log is append-only; record a correction (retract or amend) instead"


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


# SQLite cannot put a computed value into RAISE(), so the messages are fixed texts.
SQLITE_TRIGGERS: tuple[str, ...] = (
    f"""CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
    # Any insert must extend the chain: the next seq, the head's hash as prev_hash, and no
    # clash with an existing row — so INSERT OR REPLACE can never overwrite history, even from a
    # shell where recursive_triggers is off and a REPLACE would not fire the delete trigger.
    f"""CREATE TRIGGER IF NOT EXISTS events_append_only BEFORE INSERT ON events
        WHEN NEW.seq IS NOT (SELECT COALESCE(MAX(seq), 0) + 1 FROM events)
          OR NEW.prev_hash IS NOT COALESCE(
               (SELECT hash FROM events ORDER BY seq DESC LIMIT 1), '{"0" * 64}')
          OR EXISTS (SELECT 1 FROM events WHERE event_id = NEW.event_id OR hash = NEW.hash)
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY} (an insert must extend the chain)'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS datasets_no_update BEFORE UPDATE ON datasets
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS datasets_no_delete BEFORE DELETE ON datasets
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS datasets_append_only BEFORE INSERT ON datasets
        WHEN EXISTS (SELECT 1 FROM datasets WHERE import_seq = NEW.import_seq)
          OR NOT EXISTS (SELECT 1 FROM events WHERE seq = NEW.import_seq
                         AND type = 'DatasetImported')
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}: data belongs to a new DatasetImported event');
        END""",
)
