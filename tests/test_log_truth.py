"""Issue 16: verify tells the truth, reading creates nothing, read-only stores read, the WAL
is given back, a backup reports its own count."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_tui.cli.app import build
from sop_tui.events.canonical import chain_hash
from sop_tui.events.envelope import Event
from sop_tui.events.log import EventLog, LogError, LogMissing, NewEvent
from sop_tui.events.triggers import TRIGGER_NAMES

cli = build()


def run(*args: str) -> tuple[int, str]:
    r = CliRunner().invoke(cli, ["--actor", "lead", *args])
    return r.exit_code, r.output


def _store(tmp_path: Path, n: int = 3) -> Path:
    store = tmp_path / "store"
    log = EventLog(f"sqlite:///{store / 'sop.db'}")
    log.append("CycleOpened", {"cycle": "2026-12"}, cycle="2026-12")
    for i in range(n - 1):
        log.append("AssumptionRecorded", {"text": f"a{i}", "owner": "o"}, cycle="2026-12")
    log.close()
    return store


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*")) if folder.exists() else []


# -- a missing store is never created by reading --------------------------------------------


def test_verify_on_a_mistyped_store_fails_and_creates_nothing(tmp_path: Path) -> None:
    typo = tmp_path / "stroe"
    code, out = run("--store", str(typo), "verify")
    assert code == 1 and "no event log at" in out and "ok" not in out
    assert not typo.exists()


def test_log_and_backup_on_a_missing_store_create_nothing(tmp_path: Path) -> None:
    typo = tmp_path / "nowhere"
    for args in (["log"], ["backup", str(tmp_path / "b.db")], ["cycle", "status"]):
        code, out = run("--store", str(typo), *args)
        assert not typo.exists(), args
    code, out = run("--store", str(typo), "log")
    assert code == 2 and "no event log at" in out


def test_a_writer_creates_the_store_on_its_first_append_only(tmp_path: Path) -> None:
    db = tmp_path / "new" / "sop.db"
    log = EventLog(f"sqlite:///{db}")
    assert log.head().count == 0 and log.events() == [] and log.verify().ok
    assert not db.parent.exists()
    log.append("CycleOpened", {"cycle": "2026-12"}, cycle="2026-12")
    assert db.exists() and log.head().count == 1


def test_a_reader_of_a_missing_store_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LogMissing, match="no event log"):
        EventLog(f"sqlite:///{tmp_path / 'sop.db'}", read_only=True)
    assert _files(tmp_path) == []


# -- a dropped table, dropped triggers -------------------------------------------------------


def test_verify_after_drop_table_fails_and_does_not_recreate_it(tmp_path: Path) -> None:
    store = _store(tmp_path)
    con = sqlite3.connect(store / "sop.db")
    con.execute("DROP TABLE datasets")
    con.execute("DROP TABLE events")
    con.commit()
    con.close()
    code, out = run("--store", str(store), "verify")
    assert code == 1 and "no events table" in out
    code, out = run("--store", str(store), "record", "assumption", "--text", "x", "--owner", "o")
    assert code != 0
    con = sqlite3.connect(store / "sop.db")
    tables = con.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    con.close()
    assert tables == []  # nobody re-created the history's table


def _drop_triggers(db: Path) -> None:
    con = sqlite3.connect(db)
    for name in ("events_no_update", "events_no_delete"):
        con.execute(f"DROP TRIGGER {name}")
    con.commit()
    con.close()


def _triggers(db: Path) -> set[str]:
    con = sqlite3.connect(db)
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    con.close()
    return names


def test_dropped_triggers_are_tampering_and_only_repair_recreates_them(tmp_path: Path) -> None:
    store = _store(tmp_path)
    db = store / "sop.db"
    _drop_triggers(db)
    code, out = run("--store", str(store), "verify")
    assert code == 1 and "tampering" in out and "events_no_update" in out
    assert "events_no_update" not in _triggers(db)  # verify changed nothing
    code, out = run("--store", str(store), "record", "assumption", "--text", "x", "--owner", "o")
    assert code == 2 and "guards" in out and "sop repair" in out
    assert EventLog(f"sqlite:///{db}", read_only=True).head().count == 3
    code, out = run("--store", str(store), "repair")
    assert code == 0 and "events_no_update" in out and "ok: 3 events" in out
    assert _triggers(db) == set(TRIGGER_NAMES)
    assert run("--store", str(store), "verify")[0] == 0
    code, out = run("--store", str(store), "repair")
    assert code == 0 and "nothing to repair" in out


# -- a re-chained log with a pack event ------------------------------------------------------


def _rechain(src: Path, dst: Path, change_seq: int) -> None:
    """Copy the rows with one payload changed and every hash after it recomputed."""
    con = sqlite3.connect(src)
    rows = con.execute("SELECT * FROM events ORDER BY seq").fetchall()
    con.close()
    out = []
    prev = rows[0][8]
    for r in rows:
        payload = json.loads(r[7])
        if r[0] == change_seq:
            payload["text"] = "a quieter assumption"
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        ev = Event(r[0], r[1], r[2], r[3], r[4], r[5], r[6], payload, prev, "")
        h = chain_hash(prev, ev.envelope())
        out.append((*r[:7], text, prev, h))
        prev = h
    log = EventLog(f"sqlite:///{dst}")
    log.append("CycleOpened", {"cycle": "2026-12"}, cycle="2026-12")  # makes the schema
    log.close()
    con = sqlite3.connect(dst)
    for name in TRIGGER_NAMES:
        con.execute(f"DROP TRIGGER {name}")
    con.execute("DELETE FROM events")
    con.executemany("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?)", out)
    con.commit()
    con.close()
    EventLog(f"sqlite:///{dst}").repair()


def test_verify_catches_a_rechained_log_through_its_pack_event(tmp_path: Path) -> None:
    log = EventLog(f"sqlite:///{tmp_path / 'a.db'}")
    log.append("CycleOpened", {"cycle": "2026-12"}, cycle="2026-12")
    log.append("AssumptionRecorded", {"text": "loud", "owner": "o"}, cycle="2026-12")
    head = log.head()
    log.append("PackRendered", {"sha256": "0" * 64, "file": "pack.pdf", "pages": 3,
                                "event_count": head.count, "head_hash": head.hash},
               cycle="2026-12")
    log.append("AssumptionRecorded", {"text": "after", "owner": "o"}, cycle="2026-12")
    assert log.verify().ok
    log.close()
    _rechain(tmp_path / "a.db", tmp_path / "b.db", change_seq=2)
    forged = EventLog(f"sqlite:///{tmp_path / 'b.db'}")
    report = forged.verify()
    assert not report.ok and report.seq == 3 and report.count == 2
    assert "pack" in (report.reason or "") and "rewritten" in (report.reason or "")


def test_a_pack_event_naming_a_later_event_fails(tmp_path: Path) -> None:
    log = EventLog("sqlite://")
    log.append("CycleOpened", {"cycle": "2026-12"}, cycle="2026-12")
    log.append("PackRendered", {"sha256": "0" * 64, "file": "p.pdf", "pages": 1,
                                "event_count": 5, "head_hash": "f" * 64}, cycle="2026-12")
    report = log.verify()
    assert not report.ok and report.seq == 2 and "saw 5 events" in (report.reason or "")


# -- read-only stores ------------------------------------------------------------------------


def _immutable_url(db: Path) -> str:
    return f"sqlite:///{db}?immutable=1"


def test_log_verify_backup_on_an_immutable_copy_write_nothing(tmp_path: Path) -> None:
    store = _store(tmp_path)
    before = _files(store)
    url = _immutable_url(store / "sop.db")
    code, out = run("--db", url, "verify")
    assert code == 0 and "ok: 3 events" in out
    code, out = run("--db", url, "log")
    assert code == 0 and "a0" in out
    code, out = run("--db", url, "backup", str(tmp_path / "copy.db"))
    assert code == 0 and "backed up 3 events" in out
    code, out = run("--db", url, "record", "assumption", "--text", "x", "--owner", "o")
    assert code == 2 and "read-only" in out and "Traceback" not in out
    assert _files(store) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through chmod; the URI test covers it")
def test_a_store_that_cannot_be_written_is_read_through_an_immutable_uri(tmp_path: Path) -> None:
    store = _store(tmp_path)
    before = _files(store)
    for p in (store / "sop.db", store):
        p.chmod(0o555)
    try:
        log = EventLog(f"sqlite:///{store / 'sop.db'}")
        assert log.read_only and log.verify().ok and log.head().count == 3
        with pytest.raises(LogError, match="read-only"):
            log.append("CycleOpened", {"cycle": "2027-01"}, cycle="2027-01")
        assert _files(store) == before
    finally:
        store.chmod(0o755)


# -- checkpoint and backup -------------------------------------------------------------------


def test_checkpoint_truncates_the_wal(tmp_path: Path) -> None:
    db = tmp_path / "sop.db"
    log = EventLog(f"sqlite:///{db}")
    log.append_all([NewEvent("AssumptionRecorded", {"text": "x" * 2000, "owner": "o"},
                             "2026-12") for _ in range(500)])
    wal = tmp_path / "sop.db-wal"
    assert wal.stat().st_size > 1_000_000
    log.checkpoint()
    assert wal.stat().st_size == 0
    assert log.head().count == 500 and log.verify().ok


def test_closing_the_last_writer_leaves_no_wal(tmp_path: Path) -> None:
    db = tmp_path / "sop.db"
    log = EventLog(f"sqlite:///{db}")
    log.append("CycleOpened", {"cycle": "2026-12"}, cycle="2026-12")
    log.close()
    wal = tmp_path / "sop.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0


def test_backup_reports_the_copys_own_count(tmp_path: Path) -> None:
    store = _store(tmp_path, n=4)
    code, out = run("--store", str(store), "backup", str(tmp_path / "b.db"))
    copy = EventLog(f"sqlite:///{tmp_path / 'b.db'}", read_only=True)
    assert code == 0 and f"backed up {copy.head().count} events" in out
    assert copy.head().count == 4


async def test_review_on_an_immutable_copy_shows_the_history_and_writes_nothing(
        tmp_path: Path) -> None:
    from sop_tui.cycle.workspace import Workspace
    from sop_tui.settings import Settings
    from sop_tui.tui.app import make_app
    from sop_tui.tui.screens.history import HistoryScreen

    store = _store(tmp_path)
    before = _files(store)
    url = _immutable_url(store / "sop.db")
    settings = Settings(store=store, db_url=url, actor="reader")
    ws = Workspace(EventLog(url, read_only=True), actor="reader")
    app = make_app(ws, settings, read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
    assert _files(store) == before


def test_an_unreachable_server_is_a_sentence_not_a_traceback() -> None:
    url = "postgresql+psycopg://sop:secret@127.0.0.1:1/sop"
    for args in ([], ["verify"], ["log"], ["cycle", "open", "2026-12"]):
        r = CliRunner().invoke(cli, ["--db", url, *args])
        assert r.exit_code in (1, 2), (args, r.output)
        assert r.exception is None or isinstance(r.exception, SystemExit), args
        assert "cannot connect to the event log" in r.output and "secret" not in r.output
