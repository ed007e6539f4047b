"""`sop record`, `sop log`, `sop verify`, `sop backup` from the shell."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from sop_tui.cli.app import build
from sop_tui.events.log import EventLog

cli = build()


def run(store: Path, *args: str) -> tuple[int, str]:
    r = CliRunner().invoke(cli, ["--store", str(store), "--actor", "lead", *args])
    return r.exit_code, r.output


def _opened(tmp_path: Path) -> Path:
    store = tmp_path / "store"
    assert run(store, "cycle", "open", "2026-12")[0] == 0
    return store


def test_record_assumption_from_the_shell(tmp_path: Path) -> None:
    store = _opened(tmp_path)
    code, out = run(store, "record", "assumption", "--cycle", "2026-12", "--meeting", "demand",
                    "--text", "Two OEM programs ramp from March", "--owner", "Dana Ruiz",
                    "--months", "2027-03..2027-08", "--units", "4200", "--dollars", "189000")
    assert code == 0 and "event 2" in out
    (e,) = EventLog(f"sqlite:///{store / 'sop.db'}").events(types=["AssumptionRecorded"])
    assert e.actor == "lead" and e.meeting == "demand" and e.payload["units"] == 4200


def test_missing_or_bad_field_is_named_and_nothing_written(tmp_path: Path) -> None:
    store = _opened(tmp_path)
    code, out = run(store, "record", "assumption", "--text", "x")
    assert code == 2 and "--owner" in out
    code, out = run(store, "record", "action", "--text", "x", "--owner", "o", "--due", "soon")
    assert code == 2 and "due" in out and "nothing was written" in out
    code, out = run(store, "record", "assumption", "--text", "x", "--owner", "o",
                    "--units", "many")
    assert code == 2 and "--units" in out
    assert EventLog(f"sqlite:///{store / 'sop.db'}").head().count == 1


def test_every_record_kind(tmp_path: Path) -> None:
    store = _opened(tmp_path)
    steps = [
        ["record", "decision", "--meeting", "supply", "--question", "Second shift?",
         "--option", "yes", "--option", "no", "--chosen", "yes", "--rationale", "cheaper",
         "--decided-by", "COO", "--owner", "Plant", "--due", "2027-01-15",
         "--resource", "PRESS-2"],
        ["record", "action", "--text", "Hire", "--owner", "HR", "--due", "2027-01-31",
         "--decision", "2", "--dollars", "80000"],
        ["record", "complete", "--action", "3"],
        ["record", "amend", "--event", "2", "--set", "chosen=no", "--reason", "budget"],
        ["record", "retract", "--event", "3", "--reason", "duplicate"],
        ["record", "override", "--scenario", "consensus", "--by", "CFO", "--rationale", "Budget",
         "--gap-closed", "1200000", "--action", "Price increase|Sales VP|2027-02-01|700000"],
    ]
    for i, args in enumerate(steps, start=2):
        code, out = run(store, *args)
        assert code == 0, (args, out)
        assert f"event {i}" in out
    types = [e.type for e in EventLog(f"sqlite:///{store / 'sop.db'}").events()]
    assert types == ["CycleOpened", "DecisionRecorded", "ActionRecorded", "ActionCompleted",
                     "EventAmended", "EventRetracted", "PlanOverridden"]


def test_log_json_and_filters(tmp_path: Path) -> None:
    store = _opened(tmp_path)
    run(store, "record", "assumption", "--meeting", "demand", "--text", "a", "--owner", "o")
    run(store, "record", "assumption", "--meeting", "supply", "--text", "b", "--owner", "o")
    code, out = run(store, "log", "--json", "--meeting", "supply")
    lines = [json.loads(x) for x in out.splitlines()]
    assert code == 0 and len(lines) == 1
    assert set(lines[0]) == {"seq", "event_id", "cycle", "meeting", "type", "actor", "at",
                             "payload", "prev_hash", "hash"}
    code, out = run(store, "log", "--type", "CycleOpened")
    assert code == 0 and "CycleOpened" in out and "opened" in out


def test_verify_fails_on_an_edited_payload(tmp_path: Path) -> None:
    store = _opened(tmp_path)
    run(store, "record", "assumption", "--text", "honest", "--owner", "o")
    code, out = run(store, "verify")
    assert code == 0 and out.startswith("ok: 2 events, head ")
    con = sqlite3.connect(store / "sop.db")
    con.execute("DROP TRIGGER events_no_update")
    con.execute("""UPDATE events SET payload = '{"owner":"o","text":"edited"}' WHERE seq = 2""")
    con.commit()
    con.close()
    code, out = run(store, "verify")
    assert code == 1 and "event 2" in out and "content changed" in out


def test_backup(tmp_path: Path) -> None:
    store = _opened(tmp_path)
    code, out = run(store, "backup", str(tmp_path / "b.db"))
    assert code == 0 and EventLog(f"sqlite:///{tmp_path / 'b.db'}").verify().count == 1
    code, out = run(store, "backup", str(tmp_path / "b.db"))
    assert code == 2 and "exists" in out


def test_cycle_status_names_missing_data(tmp_path: Path) -> None:
    store = _opened(tmp_path)
    code, out = run(store, "cycle", "status", "--json")
    st = json.loads(out)
    assert code == 0 and st["cycle"] == "2026-12"
    assert st["data"]["needs"]["forecast"] == ["items", "actuals"]
    code, out = run(store, "metrics")
    assert code == 2 and "not been imported" in out and "forecast_history" in out
