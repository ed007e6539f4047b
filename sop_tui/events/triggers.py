"""The SQLite triggers that keep the log's tables append-only (plain SQL: cheap to import)."""

from __future__ import annotations

import re

APPEND_ONLY = "sop: the event log is append-only; record a correction (retract or amend) instead"

# SQLite cannot put a computed value into RAISE(), so the messages are fixed texts.
SQLITE_TRIGGERS: tuple[str, ...] = (
    f"""CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
    # Any insert must extend the chain: the next seq and the head's hash as prev_hash. seq is
    # the table's only key, so an insert that passes cannot clash with an existing row and
    # INSERT OR REPLACE can never overwrite history, even from a shell where
    # recursive_triggers is off and a REPLACE would not fire the delete trigger. (Older stores
    # also keep unique indexes on event_id and hash, and a trigger that checks them too; both
    # versions refuse the same rewrites.)
    f"""CREATE TRIGGER IF NOT EXISTS events_append_only BEFORE INSERT ON events
        WHEN NEW.seq IS NOT (SELECT COALESCE(MAX(seq), 0) + 1 FROM events)
          OR NEW.prev_hash IS NOT COALESCE(
               (SELECT hash FROM events ORDER BY seq DESC LIMIT 1), '{"0" * 64}')
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


#: The triggers' names, to check that a database still has all of them.
TRIGGER_NAMES: tuple[str, ...] = tuple(
    m.group(1) for t in SQLITE_TRIGGERS if (m := re.search(r"IF NOT EXISTS (\w+)", t))
)
