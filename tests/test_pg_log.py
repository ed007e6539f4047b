"""Issue 17: the event log on PostgreSQL — append-only in the database and by role, two
writers serialised, readers never blocking, `sop` commands on `--db postgresql+psycopg://…`,
and `sop migrate` from SQLite. The server is the session's own (tests/pg_server.py); these
tests are skipped, saying so, where no PostgreSQL binaries exist."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from pg_server import PgServer

from sop_tui.cli.app import build
from sop_tui.events.log import EventLog, LogError
from sop_tui.events.pg_backend import PG_GUARDS

cli = build()


@pytest.fixture
def db_url(pg_server: PgServer) -> str:
    return pg_server.new_database()


def run(*args: str) -> tuple[int, str]:
    r = CliRunner().invoke(cli, ["--actor", "lead", *args])
    return r.exit_code, r.output


def _psql(server: PgServer, url: str, user: str, sql: str) -> subprocess.CompletedProcess[str]:
    db = url.rsplit("/", 1)[1]
    return subprocess.run([str(server.bindir / "psql"), "-h", "127.0.0.1", "-p",
                           str(server.port), "-U", user, "-d", db, "-v", "ON_ERROR_STOP=1",
                           "-c", sql], capture_output=True, text=True)


def test_psql_as_the_apps_role_cannot_update_delete_or_truncate(pg_server: PgServer,
                                                                db_url: str,
                                                                tmp_path: Path) -> None:
    _psql(pg_server, db_url, "postgres", "CREATE ROLE sop_app LOGIN")
    src = tmp_path / "sop.db"
    log = EventLog(f"sqlite:///{src}")
    log.append("CycleOpened", {"cycle": "2026-12"}, cycle="2026-12")
    log.close()
    code, out = run("migrate", "--from", f"sqlite:///{src}", "--to", db_url, "--grant",
                    "sop_app")
    assert code == 0, out
    app_url = db_url.replace("postgres@", "sop_app@", 1)
    app = EventLog(app_url)
    app.append("AssumptionRecorded", {"text": "by the app's role", "owner": "o"},
               cycle="2026-12")
    assert app.head().count == 2 and app.verify().ok
    app.close()
    for sql in ("UPDATE events SET actor = 'mallory' WHERE seq = 1",
                "DELETE FROM events WHERE seq = 2", "TRUNCATE datasets",
                "ALTER TABLE events DISABLE TRIGGER events_no_update",
                "DROP TRIGGER events_no_update ON events"):
        r = _psql(pg_server, db_url, "sop_app", sql)
        assert r.returncode != 0, sql
        assert "permission denied" in r.stderr or "must be owner" in r.stderr, r.stderr
    # and the owner, who holds those rights, is refused by the triggers
    for sql in ("UPDATE events SET actor = 'mallory' WHERE seq = 1",
                "DELETE FROM events WHERE seq = 2", "TRUNCATE datasets"):
        r = _psql(pg_server, db_url, "postgres", sql)
        assert r.returncode != 0 and "append-only" in r.stderr, (sql, r.stderr)
    assert EventLog(db_url, read_only=True).verify().count == 2


def test_an_insert_that_does_not_extend_the_chain_is_refused(pg_server: PgServer,
                                                              db_url: str) -> None:
    log = EventLog(db_url)
    log.append("CycleOpened", {"cycle": "2026-12"}, cycle="2026-12")
    r = _psql(pg_server, db_url, "postgres",
              "INSERT INTO events VALUES (5, 'x', '2026-12', NULL, 'T', 'a', 'now', '{}',"
              " 'h', 'h')")
    assert r.returncode != 0 and "extend the chain" in r.stderr


def test_dropped_guards_are_tampering_until_repair(pg_server: PgServer, db_url: str) -> None:
    log = EventLog(db_url)
    log.append("CycleOpened", {"cycle": "2026-12"}, cycle="2026-12")
    log.close()
    _psql(pg_server, db_url, "postgres", "DROP TRIGGER events_no_delete ON events")
    code, out = run("--db", db_url, "verify")
    assert code == 1 and "tampering" in out and "events_no_delete" in out
    code, out = run("--db", db_url, "repair")
    assert code == 0 and "events_no_delete" in out
    assert EventLog(db_url, read_only=True).verify().ok


WRITER = """
import sys
from sop_tui.events.log import EventLog
log = EventLog(sys.argv[1])
for i in range(int(sys.argv[3])):
    e = log.append("AssumptionRecorded", {"text": f"{sys.argv[2]} {i}", "owner": "o"},
                   cycle="2026-12", actor=sys.argv[2])
    print(e.seq, flush=True)
"""


def test_two_writers_are_serialised_without_lost_or_repeated_seq(db_url: str) -> None:
    EventLog(db_url).append("CycleOpened", {"cycle": "2026-12"}, cycle="2026-12")
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, db_url, name, "150"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name in ("alice", "bob")]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1] for o in outs]
    acked = sorted(int(x) for out, _ in outs for x in out.split())
    assert acked == list(range(2, 302))
    log = EventLog(db_url, read_only=True)
    assert [e.seq for e in log.events()] == list(range(1, 302)) and log.verify().ok


def test_a_reader_in_a_long_transaction_never_blocks_a_writer(db_url: str) -> None:
    log = EventLog(db_url)
    log.append("CycleOpened", {"cycle": "2026-12"}, cycle="2026-12")
    reader = psycopg.connect(db_url.replace("+psycopg", ""))
    reader.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    assert reader.execute("SELECT count(*) FROM events").fetchone() == (1,)
    done = threading.Event()

    def write() -> None:
        for i in range(20):
            log.append("AssumptionRecorded", {"text": f"a{i}", "owner": "o"}, cycle="2026-12")
        done.set()

    t = threading.Thread(target=write)
    t.start()
    assert done.wait(timeout=60), "the writer waited on the reader"
    # the reader's snapshot still shows what it saw; its transaction is still open
    assert reader.execute("SELECT count(*) FROM events").fetchone() == (1,)
    assert reader.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
    reader.close()
    t.join()
    assert log.head().count == 21


def test_read_only_log_is_refused_writes_by_the_server(db_url: str) -> None:
    EventLog(db_url).append("CycleOpened", {"cycle": "2026-12"}, cycle="2026-12")
    ro = EventLog(db_url, read_only=True)
    with pytest.raises(LogError, match="read-only"):
        ro.append("CycleOpened", {"cycle": "2027-01"}, cycle="2027-01")
    assert ro.pragmas()["default_transaction_read_only"] == "on"


def test_a_missing_database_log_is_reported_not_created(db_url: str) -> None:
    code, out = run("--db", db_url, "verify")
    assert code == 1 and "no event log at" in out and ":***@" not in out
    assert EventLog(db_url).head().count == 0  # still nothing there


def test_commands_run_on_postgresql(db_url: str, tmp_path: Path) -> None:
    assert run("--db", db_url, "cycle", "open", "2026-12")[0] == 0
    code, out = run("--db", db_url, "record", "assumption", "--meeting", "demand", "--text",
                    "Two OEM programs ramp from March", "--owner", "Dana")
    assert code == 0 and "event 2" in out
    code, out = run("--db", db_url, "log")
    assert code == 0 and "March — Dana" in out
    code, out = run("--db", db_url, "verify")
    assert code == 0 and out.startswith("ok: 2 events")
    code, out = run("--db", db_url, "backup", str(tmp_path / "b.db"))
    assert code == 0 and "backed up 2 events" in out
    assert EventLog(f"sqlite:///{tmp_path / 'b.db'}", read_only=True).verify().count == 2


def test_migrate_copies_the_chain_verbatim_with_its_data(db_url: str, tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run("--store", str(store), "cycle", "open", "2026-12")[0] == 0
    csv = tmp_path / "targets.csv"
    csv.write_text("month,revenue_target\n2027-01,100\n2027-02,120\n", encoding="utf-8")
    assert run("--store", str(store), "import", str(csv))[0] == 0
    code, out = run("migrate", "--from", f"sqlite:///{store / 'sop.db'}", "--to", db_url)
    assert code == 0 and "copied 2 events" in out and "1 data block" in out, out
    src = EventLog(f"sqlite:///{store / 'sop.db'}", read_only=True).events()
    dst = EventLog(db_url, read_only=True)
    assert dst.events() == src and dst.verify().ok
    assert dst.dataset_content(2) == EventLog(f"sqlite:///{store / 'sop.db'}").dataset_content(2)
    code, out = run("migrate", "--from", f"sqlite:///{store / 'sop.db'}", "--to", db_url)
    assert code == 2 and "already holds 2 events" in out


def test_every_guard_is_created(db_url: str) -> None:
    log = EventLog(db_url)
    log.append("CycleOpened", {"cycle": "2026-12"}, cycle="2026-12")
    assert log.verify().ok
    with psycopg.connect(db_url.replace("+psycopg", "")) as con:
        names = {r[0] for r in con.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")}
    assert set(PG_GUARDS) <= names


async def test_the_app_opens_on_postgresql_and_shows_the_history(db_url: str) -> None:
    from sop_tui.cycle.workspace import Workspace
    from sop_tui.settings import Settings
    from sop_tui.tui.app import make_app
    from sop_tui.tui.screens.history import HistoryScreen, HistoryTable

    writer = Workspace(EventLog(db_url), actor="lead")
    writer.open_cycle("2026-12")
    writer.record_assumption(text="Retailer adds 40 doors", owner="Sales")
    ws = Workspace(EventLog(db_url, read_only=True), actor="reader")
    app = make_app(ws, Settings(db_url=db_url, actor="reader"), read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        rows = app.screen.query_one(HistoryTable).rows
        assert [r.seq for r in rows] == [2, 1]
