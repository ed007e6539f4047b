"""The append-only event log: envelope, chain, triggers, verification, backup."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from sop_tui.events.canonical import GENESIS_HASH, chain_hash
from sop_tui.events.log import EventLog, LogError
from sop_tui.events.schema import APPEND_ONLY
from sop_tui.events.types import PayloadError


def _assume(log: EventLog, text: str = "Two OEM programs ramp from March") -> int:
    return log.append("AssumptionRecorded", {"text": text, "owner": "Dana"},
                      cycle="2026-12", meeting="demand", actor="tester").seq


def test_appends_are_gap_free_and_chained(log: EventLog) -> None:
    for i in range(5):
        _assume(log, f"assumption {i}")
    events = log.events()
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == GENESIS_HASH
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
        assert after.hash == chain_hash(before.hash, after.envelope())
    assert log.head().count == 5 and log.head().hash == events[-1].hash


def test_envelope_fields(log: EventLog) -> None:
    e = log.append("AssumptionRecorded", {"text": "t", "owner": "o", "family": "BRG-01"},
                   cycle="2026-12", meeting="demand", actor="dana")
    assert (e.cycle, e.meeting, e.type, e.actor) == ("2026-12", "demand", "AssumptionRecorded",
                                                     "dana")
    assert e.at == "2026-12-01T09:00:00.000000Z"
    assert len(e.event_id) == 36
    assert e.payload == {"text": "t", "owner": "o", "family": "BRG-01"}


def test_pragmas_read_back(log: EventLog) -> None:
    p = log.pragmas()
    if "server_version" in p:  # PostgreSQL: a commit returns once it is flushed
        assert p["synchronous_commit"] == "on"
        assert p["transaction_isolation"] == "read committed"
        return
    assert p["synchronous"] == 2  # FULL
    assert p["busy_timeout"] >= 5000
    assert p["recursive_triggers"] == 1
    if log.path is not None:
        assert p["journal_mode"] == "wal"


def test_bad_payload_writes_nothing_and_names_fields(log: EventLog) -> None:
    with pytest.raises(PayloadError) as err:
        log.append("AssumptionRecorded", {"text": "  "}, cycle="2026-12")
    assert "text" in err.value.problems and err.value.problems["owner"] == "required"
    assert log.head().count == 0


def test_batch_is_all_or_nothing(log: EventLog) -> None:
    from sop_tui.events.log import NewEvent

    good = NewEvent("AssumptionRecorded", {"text": "a", "owner": "b"}, "2026-12")
    bad = NewEvent("AssumptionRecorded", {"text": "a"}, "2026-12")
    with pytest.raises(PayloadError):
        log.append_all([good, bad])
    assert log.head().count == 0


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE events SET actor = 'mallory' WHERE seq = 1",
        "DELETE FROM events WHERE seq = 2",
        "INSERT OR REPLACE INTO events SELECT * FROM events WHERE seq = 2",
        "REPLACE INTO events SELECT * FROM events WHERE seq = 1",
    ],
)
def test_sqlite_shell_cannot_rewrite_history(file_log: EventLog, sql: str) -> None:
    for i in range(3):
        _assume(file_log, f"a{i}")
    path = file_log.path
    con = sqlite3.connect(path)  # a plain connection, as the sqlite3 shell would have
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute(sql)
    con.close()
    assert file_log.verify().ok and file_log.head().count == 3


def test_insert_that_does_not_extend_the_chain_is_refused(file_log: EventLog) -> None:
    _assume(file_log)
    con = sqlite3.connect(str(file_log.path))
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute(
            "INSERT INTO events (seq, event_id, cycle, meeting, type, actor, at, payload,"
            " prev_hash, hash) VALUES (5, 'x', '2026-12', NULL, 'T', 'a', 'now', '{}', ?, 'h')",
            (file_log.head().hash,),
        )
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute(
            "INSERT INTO events (seq, event_id, cycle, meeting, type, actor, at, payload,"
            " prev_hash, hash) VALUES (2, 'x', '2026-12', NULL, 'T', 'a', 'now', '{}', ?, 'h')",
            (GENESIS_HASH,),
        )
    con.close()


def _tamper(path: Path, sql: str) -> None:
    con = sqlite3.connect(path)
    for name in ("events_no_update", "events_no_delete", "events_append_only"):
        con.execute(f"DROP TRIGGER {name}")
    con.execute(sql)
    con.commit()
    con.close()


def test_verify_names_the_edited_event(file_log: EventLog) -> None:
    for i in range(5):
        _assume(file_log, f"a{i}")
    assert file_log.verify().ok
    _tamper(file_log.path,
            """UPDATE events SET payload = '{"owner":"Dana","text":"a different story"}'
               WHERE seq = 3""")
    report = file_log.verify()
    assert not report.ok and report.seq == 3 and "content changed" in (report.reason or "")


def test_verify_names_a_gap(file_log: EventLog) -> None:
    for i in range(4):
        _assume(file_log, f"a{i}")
    _tamper(file_log.path, "DELETE FROM events WHERE seq = 2")
    report = file_log.verify()
    assert not report.ok and report.seq == 3 and "gap" in (report.reason or "")


def test_verify_catches_reordering(file_log: EventLog) -> None:
    for i in range(3):
        _assume(file_log, f"a{i}")
    # swap the contents of 2 and 3 while keeping the seq numbers: the links break
    _tamper(file_log.path, """
        UPDATE events SET prev_hash = (SELECT hash FROM events WHERE seq = 1) || 'x'
        WHERE seq = 2""")
    report = file_log.verify()
    assert not report.ok and report.seq == 2 and "order" in (report.reason or "")


def test_verify_names_a_repeated_event_id(file_log: EventLog) -> None:
    from sop_tui.events.envelope import Event
    from sop_tui.events.verify import walk_chain

    for i in range(3):
        _assume(file_log, f"a{i}")
    con = sqlite3.connect(file_log.path)
    rows = con.execute("SELECT * FROM events ORDER BY seq").fetchall()
    con.close()
    # a forger who re-hashes the chain can give event 3 event 1's id: only the walk sees it
    r3 = list(rows[2])
    r3[1] = rows[0][1]
    ev = Event(*r3[:7], json.loads(r3[7]), r3[8], "")
    r3[9] = chain_hash(r3[8], ev.envelope())
    report = walk_chain([rows[0], rows[1], tuple(r3)], {})
    assert not report.ok and report.seq == 3 and report.count == 2
    assert report.reason == "duplicate: its event_id is event 1's"
    assert walk_chain(rows, {}).ok


def test_seq_is_the_only_key_of_a_new_store(file_log: EventLog) -> None:
    # every index is a page each durable append writes and flushes (see EventRow)
    con = sqlite3.connect(file_log.path)
    indexes = con.execute("PRAGMA index_list(events)").fetchall()
    con.close()
    assert indexes == []


def test_verify_empty_log(log: EventLog) -> None:
    r = log.verify()
    assert r.ok and r.count == 0 and r.head_hash == GENESIS_HASH


def test_backup_is_a_verified_copy(file_log: EventLog, tmp_path: Path) -> None:
    for i in range(10):
        _assume(file_log, f"a{i}")
    done = file_log.backup(tmp_path / "copy" / "backup.db")
    copy = EventLog(f"sqlite:///{done.path}")
    assert copy.head() == file_log.head() and copy.verify().ok
    assert (done.count, done.head_hash) == (10, copy.head().hash)
    with pytest.raises(LogError, match="exists"):
        file_log.backup(done.path)


def test_read_only_log_refuses_appends(file_log: EventLog) -> None:
    _assume(file_log)
    ro = EventLog(file_log.url, read_only=True)
    assert ro.head().count == 1
    with pytest.raises(LogError):
        ro.append("AssumptionRecorded", {"text": "t", "owner": "o"}, cycle="2026-12")
    assert file_log.head().count == 1


def test_filters(log: EventLog) -> None:
    log.append("AssumptionRecorded", {"text": "a", "owner": "o"}, cycle="2026-11",
               meeting="demand")
    log.append("AssumptionRecorded", {"text": "b", "owner": "o"}, cycle="2026-12",
               meeting="supply")
    log.append("CycleOpened", {"cycle": "2026-12"}, cycle="2026-12")
    assert [e.payload.get("text") for e in log.events(cycle="2026-12")] == ["b", None]
    assert [e.seq for e in log.events(meeting="demand")] == [1]
    assert [e.seq for e in log.events(types=["CycleOpened"])] == [3]


def test_append_only_message_is_the_documented_one() -> None:
    assert "append-only" in APPEND_ONLY


def test_format_at_is_utc_with_microseconds() -> None:
    from datetime import UTC, datetime, timedelta, timezone

    from sop_tui.events.log import format_at

    moment = datetime(2026, 12, 1, 10, 0, 0, 5, tzinfo=timezone(timedelta(hours=1)))
    assert format_at(moment) == "2026-12-01T09:00:00.000005Z"
    assert format_at(datetime(2026, 12, 1, 9, 0, tzinfo=UTC)) == "2026-12-01T09:00:00.000000Z"


def test_events_read_for_folding_leave_the_chain_out(log: EventLog) -> None:
    from sop_tui.cycle.workspace import Workspace

    for i in range(3):
        log.append("AssumptionRecorded", {"text": f"a{i}", "owner": "o"}, cycle="2026-12",
                   meeting="demand")
    full = log.events()
    bare = list(log.iter_events(hashes=False))
    assert [e._replace(prev_hash="", hash="") for e in full] == bare
    assert all(len(e.hash) == 64 for e in full)
    # the workspace's state is folded from the bare events; the log still has the chain
    rec = Workspace(log).state().by_seq[2]
    assert rec.event.hash == "" and rec.event.event_id == full[1].event_id
    assert log.get(2) == full[1]


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_the_create_statements_match_the_sqlmodel_declaration(dialect: str) -> None:
    from sop_tui.events.ddl import POSTGRES_TABLES, SQLITE_TABLES, compiled

    def words(sql: str) -> list[str]:
        return sql.replace("(", " ( ").replace(")", " ) ").replace(",", " , ").split()

    ours = SQLITE_TABLES if dialect == "sqlite" else POSTGRES_TABLES
    assert [words(s) for s in ours] == [words(s) for s in compiled(dialect)]
