"""`sop demo --no-tui`: CSV under STORE/demo, imported the ordinary way, the cycle opened; with
--cycles, monthly cycles run through sop's own commands first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_tui.cli.app import build
from sop_tui.data.schema import KINDS
from sop_tui.events.log import EventLog

cli = build()


@pytest.mark.slow
def test_demo_builds_the_store_and_is_idempotent(tmp_path: Path) -> None:
    store = tmp_path / "store"
    r = CliRunner().invoke(cli, ["--store", str(store), "demo", "--cycles", "0", "--no-tui"])
    assert r.exit_code == 0, r.output
    assert "3,500 SKUs in 40 families" in r.stdout and "cycle 2026-12 is open" in r.stdout
    assert sorted(p.stem for p in (store / "demo").glob("*.csv")) == sorted(KINDS)
    log = EventLog(f"sqlite:///{store / 'sop.db'}")
    types = [e.type for e in log.events()]
    assert types[0] == "CycleOpened" and types.count("DatasetImported") == len(KINDS)
    assert log.verify().ok
    # the dashboard's views are computed with the data, so the first `sop` opens full
    from sop_tui.cycle.planning import CyclePlanning
    from sop_tui.cycle.warm import missing_views
    from sop_tui.cycle.workspace import Workspace

    assert missing_views(CyclePlanning(Workspace(log), cache_dir=store / "cache")) == []
    # A second run recognises every file: nothing is doubled.
    r = CliRunner().invoke(cli, ["--store", str(store), "demo", "--cycles", "0", "--no-tui"])
    assert r.exit_code == 0 and r.stdout.count("already imported") == len(KINDS)
    assert log.head().count == len(types)


@pytest.mark.slow
def test_the_monthly_demo_runs_its_cycles_through_sop(tmp_path: Path) -> None:
    store = tmp_path / "store"
    r = CliRunner().invoke(cli, ["--store", str(store), "demo", "--cycles", "2", "--no-tui"])
    assert r.exit_code == 0, r.output
    assert "2 monthly cycles run (2026-10 .. 2026-11); cycle 2026-12 is open" in r.stdout
    # each month arrived as files and went through the ordinary import
    assert sorted(p.name for p in (store / "demo").iterdir() if p.is_dir()) == [
        "2026-10", "2026-11"]
    log = EventLog(f"sqlite:///{store / 'sop.db'}")
    assert log.verify().ok
    closed = [e.payload["cycle"] for e in log.events(types=["CycleClosed"])]
    assert closed == ["2026-10", "2026-11"]
    # the first cycle's habits: an override, a meeting out of order, averaging
    assert [e.cycle for e in log.events(types=["PlanOverridden"])] == ["2026-10"]
    assert any(e.payload.get("out_of_order") for e in log.events(types=["MeetingStarted"]))
    # what it left is followed up, and the maturity reads the log
    f = json.loads(CliRunner().invoke(cli, ["--store", str(store), "followup", "--json"]).stdout)
    assert {a["verdict"] for a in f["assumptions"]} <= {"held", "missed", "pending"}
    assert f["assumptions"]
    m = json.loads(CliRunner().invoke(cli, ["--store", str(store), "maturity", "--json"]).stdout)
    assert m["cycles"] == ["2026-10", "2026-11"] and 1 <= m["stage"] <= 5
    # a second run writes nothing
    before = log.head().count
    r = CliRunner().invoke(cli, ["--store", str(store), "demo", "--cycles", "2", "--no-tui"])
    assert r.exit_code == 0 and "already built" in r.stdout
    assert log.head().count == before
    # the pack of a cycle the demo ran renders (its scenarios were recorded as CLI text; the
    # pack's words for them crashed on that)
    r = CliRunner().invoke(cli, ["--store", str(store), "pack", "--cycle", "2026-11", "--out",
                                 str(tmp_path / "pack.pdf")])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "pack.pdf").read_bytes().startswith(b"%PDF")
