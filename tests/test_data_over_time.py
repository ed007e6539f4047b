"""Data over time: each import adds to what is known; the data is the company's, not a cycle's.

Regression tests for the faults of issue 13: a month of new actuals replaced the whole kind
(142,270 rows became 6,726), and data imported before any cycle was open was filed under a
cycle that did not exist (``cycle open`` then said "nothing imported yet").
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_tui.cli.app import build
from sop_tui.cycle.describe import summary
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.workspace import Workspace
from sop_tui.data.imports import chains
from sop_tui.data.store import import_files, load
from sop_tui.events.log import EventLog
from tests.loop_fixtures import BASE, PRICES, actual, write_month, write_start

cli = build()


def run(store: Path, *args: str) -> tuple[int, str]:
    r = CliRunner().invoke(cli, ["--store", str(store), *args])
    return r.exit_code, r.output


def stdout(store: Path, *args: str) -> str:
    r = CliRunner().invoke(cli, ["--store", str(store), *args])
    assert r.exit_code == 0, r.output
    return r.stdout


def log_of(store: Path) -> EventLog:
    return EventLog(f"sqlite:///{store / 'sop.db'}")


@pytest.fixture
def company(tmp_path: Path) -> Path:
    """A store with the day-one files imported, before any cycle is open."""
    store = tmp_path / "store"
    code, out = run(store, "import", str(write_start(tmp_path / "start", "2026-12")))
    assert code == 0, out
    return store


def test_importing_a_month_of_actuals_keeps_every_earlier_row(company: Path,
                                                               tmp_path: Path) -> None:
    before = len(load(log_of(company)).frames["actuals"])
    assert before == 30 * len(PRICES)
    month = write_month(tmp_path / "m1", "2026-12") / "actuals.csv"
    code, out = run(company, "import", str(month))
    assert code == 0, out
    assert "4 added, 0 changed, 0 unchanged" in out
    acts = load(log_of(company)).frames["actuals"]
    assert len(acts) == before + len(PRICES)  # nothing lost, the month added
    assert set(acts["month"].astype(str)) >= {"2024-06", "2026-11", "2026-12"}
    (ev,) = [e for e in log_of(company).events(types=["DatasetImported"])
             if e.payload["file"] == "actuals.csv" and e.payload.get("added") == 4]
    assert (ev.payload["mode"], ev.payload["changed"], ev.payload["unchanged"]) == ("add", 0, 0)
    # the stored block holds the month, not the history again
    assert ev.payload["rows"] == 4


def test_a_changed_row_replaces_the_old_one_and_is_counted(company: Path,
                                                            tmp_path: Path) -> None:
    p = tmp_path / "actuals.csv"
    p.write_text("sku,month,units\n"
                 f"P-1,2026-11,{actual('P-1', '2026-11') + 7}\n"  # a correction
                 f"P-2,2026-11,{actual('P-2', '2026-11')}\n"  # the same again
                 "V-1,2026-12,5\n")  # new
    code, out = run(company, "import", str(p))
    assert code == 0 and "1 added, 1 changed, 1 unchanged" in out, out
    acts = load(log_of(company)).frames["actuals"]
    got = acts[(acts["sku"] == "P-1") & (acts["month"].astype(str) == "2026-11")]["units"]
    assert list(got) == [actual("P-1", "2026-11") + 7]
    assert len(acts) == 30 * len(PRICES) + 1
    out = stdout(company, "log", "--type", "DatasetImported", "--json")
    last = json.loads(out.splitlines()[-1])["payload"]
    assert (last["added"], last["changed"], last["unchanged"]) == (1, 1, 1)
    ev = log_of(company).events(types=["DatasetImported"])[-1]
    assert "(+1 added, 1 changed, 1 unchanged)" in summary(ev)  # what `sop log` shows


def test_replacing_a_kind_is_explicit(company: Path, tmp_path: Path) -> None:
    p = tmp_path / "actuals.csv"
    p.write_text("sku,month,units\nP-1,2026-11,1\n")
    code, out = run(company, "import", "--replace", str(p))
    assert code == 0 and "replaces what was known" in out, out
    assert len(load(log_of(company)).frames["actuals"]) == 1


def test_inventory_is_a_snapshot_by_its_count_date(company: Path, tmp_path: Path) -> None:
    month = write_month(tmp_path / "m1", "2026-12") / "inventory.csv"
    assert run(company, "import", str(month))[0] == 0
    data = load(log_of(company), "2027-01")
    inv = data.frames["inventory"]
    assert len(inv) == len(PRICES)  # the cycle reads one count per SKU: the newest
    assert set(inv["as_of"].dt.strftime("%Y-%m-%d")) == {"2026-12-28"}
    assert list(inv.sort_values("sku")["on_hand_units"]) == [2 * BASE[s] for s in sorted(PRICES)]
    ws = Workspace(log_of(company))
    ws.open_cycle("2027-01")
    snaps = CyclePlanning(ws).inventory_snapshots
    assert snaps is not None and len(snaps) == 2 * len(PRICES)  # both counts are kept


def test_data_imported_before_any_cycle_is_seen_by_the_cycle_opened_after(
        company: Path) -> None:
    events = log_of(company).events(types=["DatasetImported"])
    assert {e.cycle for e in events} == {""}  # filed under no cycle: the company's data
    code, out = run(company, "cycle", "open", "2026-12")
    assert code == 0, out
    code, out = run(company, "cycle", "status")
    assert code == 0 and "nothing imported yet" not in out, out
    assert "actuals (120 rows)" in out and "still needs" not in out
    out = stdout(company, "forecast", "--json")
    assert {r["key"] for r in json.loads(out)} == {"PUMP", "VALVE"}


def test_a_closed_cycle_reads_the_imports_it_was_decided_with(company: Path,
                                                              tmp_path: Path) -> None:
    ws = Workspace(log_of(company))
    ws.open_cycle("2026-12")
    for m in ("portfolio", "demand", "supply", "pre_sop", "executive"):
        ws.start_meeting(m)
        ws.close_meeting(m, missing=[])
    closed = ws.state().cycles["2026-12"].closed  # with the last of its five meetings
    assert closed is not None
    assert set(closed.payload["imports"]) >= {"actuals", "items", "inventory"}
    assert run(company, "import", str(write_month(tmp_path / "m1", "2026-12")))[0] == 0
    ws.open_cycle("2027-01")
    old, new = ws.data("2026-12"), ws.data("2027-01")
    assert len(old["actuals"]) == 30 * len(PRICES)
    assert len(new["actuals"]) == 31 * len(PRICES)
    assert CyclePlanning(ws, "2026-12").chains["actuals"] == old.chains["actuals"]
    # nothing more is recorded in a decided cycle
    code, out = run(company, "record", "assumption", "--cycle", "2026-12", "--text", "x",
                    "--owner", "y")
    assert code == 2 and "closed" in out


def test_imports_before_modes_replaced_their_kind(tmp_path: Path) -> None:
    """A store written before data over time: each import was the whole kind."""
    log = EventLog(f"sqlite:///{tmp_path / 'sop.db'}")
    folder = write_start(tmp_path / "start", "2026-12")
    import_files(log, [(folder / "items.csv", "items")], actor="t")
    import_files(log, [(folder / "actuals.csv", "actuals")], actor="t")
    legacy = [e._replace(payload={k: v for k, v in e.payload.items()
                                  if k not in ("mode", "added", "changed", "unchanged")})
              for e in log.events(types=["DatasetImported"])]
    assert [len(c) for c in chains(legacy + legacy).values()] == [1, 1]
