"""What changed since the last cycle (issue 13, item 6): ``sop_tui.cycle.changes`` and
``sop changes``, over two cycles run in the log."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import FixedClock
from pack_fixtures import record_demo_cycle

from sop_tui.cli.app import build
from sop_tui.cycle.changes import changes_for, changes_since
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.state import LogState
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.log import EventLog


@pytest.fixture(scope="module")
def two_cycles(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Cycle 2026-12 run in full, then cycle 2027-01 with a few records of its own."""
    import shutil

    root = tmp_path_factory.mktemp("two-cycles")
    shutil.copyfile(demo_db, root / "sop.db")
    clock = FixedClock(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    log = EventLog(f"sqlite:///{root / 'sop.db'}", clock=clock)
    ws = Workspace(log, actor="tester", clock=clock)
    record_demo_cycle(ws)
    first = ws.state().cycles["2026-12"]
    book = next(r for r in first.actions if r.payload["text"].startswith("Book weekend"))
    price = next(r for r in first.decisions if r.payload["question"].startswith("Pass"))
    brg = first.consensus["BRG-01"]
    sea = first.consensus["SEA-04"]
    clock.now = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
    ws.open_cycle("2027-01")
    ws.start_meeting("demand", reason="the product review moved to Thursday")
    months = ["2027-01", "2027-02", "2027-03"]
    ws.select_consensus(family="BRG-01", source="sales", assumption="distributor restocking",
                        units={m: float(brg.payload["units"][m]) * 1.2 for m in months})
    ws.select_consensus(family="SEA-04", source="planner", assumption="as last month",
                        units={m: float(sea.payload["units"][m]) for m in months})
    ws.record_assumption(text="Seal campaign moved to April", owner="Lee Park (Marketing)",
                         family="SEA-04", meeting="demand")
    ws.record_decision(question="Keep the BRG restocking programme?", options=["keep", "stop"],
                       chosen="keep", rationale="orders are up", decided_by="Sales director",
                       owner="Sales director", due="2027-01-31", meeting="demand")
    ws.close_meeting("demand")
    ws.complete_action(book.seq, note="crews booked")
    ws.amend(price.seq, {"rationale": "input costs rose 4.1%"}, "shortened")
    log.close()
    return {"root": root, "brg_before": sum(float(brg.payload["units"][m]) for m in months),
            "sea_before": sum(float(sea.payload["units"][m]) for m in months)}


@pytest.fixture
def ws(two_cycles: dict[str, Any]) -> Workspace:
    log = EventLog(f"sqlite:///{two_cycles['root'] / 'sop.db'}", read_only=True)
    return Workspace(log, actor="tester", clock=FixedClock(datetime(2027, 1, 5, tzinfo=UTC)))


def test_the_changes_since_the_last_cycle(two_cycles: dict[str, Any], ws: Workspace) -> None:
    planning = CyclePlanning(ws, "2027-01")
    c = changes_for(planning, today="2027-01-05")
    assert (c.cycle, c.since, c.since_ran) == ("2027-01", "2026-12", True)
    assert c.previous_pack is None  # no pack was rendered for 2026-12 in this log
    moves = {m.family: m for m in c.consensus}
    brg = moves["BRG-01"]
    assert brg.months == 3 and brg.units_before == pytest.approx(two_cycles["brg_before"])
    assert brg.change == pytest.approx(0.2)
    price = float(planning.prices.set_index("family").loc["BRG-01", "unit_price"])
    assert brg.dollars_after - brg.dollars_before == pytest.approx(
        0.2 * two_cycles["brg_before"] * price)
    assert (brg.source_before, brg.source_after) == ("marketing", "sales")
    assert [m.family for m in c.moved_families] == ["BRG-01"]  # SEA-04 held its number
    assert [i.text for i in c.decisions_new] == ["Keep the BRG restocking programme?"]
    assert [i.text for i in c.assumptions_new] == ["Seal campaign moved to April"]
    assert [i.text for i in c.decisions_corrected] == [
        "Pass the fastener price rise to distributors?"]
    assert [i.text for i in c.actions_completed] == ["Book weekend crews for ASSY-B"]
    assert c.plan_before == "overtime-assy" and c.plan_now is None
    assert c.scenarios_new == [] and c.recommended_now is None
    keys = [m.key for m in c.metrics]
    assert keys == ["family_accuracy", "bias", "plan_attainment", "eo_value"]
    trend = planning.trend
    bias_then = float(trend[(trend["metric"] == "bias")
                            & (trend["cycle"].astype(str) == "2026-12")]["value"].iloc[0])
    assert c.metrics[1].before == pytest.approx(bias_then)
    assert c.metrics[1].after == pytest.approx(planning.metrics.bias)


def test_since_an_earlier_cycle_not_run_says_so() -> None:
    c = changes_since(LogState(), "2026-12")
    assert (c.since, c.since_ran, c.consensus, c.decisions_new) == ("2026-11", False, [], [])


def test_sop_changes_prints_and_writes_json(two_cycles: dict[str, Any]) -> None:
    store = str(two_cycles["root"])
    r = CliRunner().invoke(build(), ["--store", store, "changes"])
    assert r.exit_code == 0, r.output
    assert "cycle 2027-01 since 2026-12" in r.output
    assert "BRG-01" in r.output and "+20.0%" in r.output and "marketing" in r.output
    assert "+0.2 pp" in r.output or "pp" in r.output.split("Consensus")[0]
    assert "Keep the BRG" in r.output and "Decisions recorded" in r.output
    r = CliRunner().invoke(build(), ["--store", store, "changes", "--since", "2026-12",
                                     "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    brg = next(m for m in data["consensus"] if m["family"] == "BRG-01")
    assert brg["change"] == pytest.approx(0.2)


@pytest.mark.parametrize(("args", "says"), [
    (["--since", "2026-13"], "--since: '2026-13' is not a month"),
    (["--since", "2027-01"], "--since: 2027-01 is not before cycle 2027-01"),
    (["--cycle", "27-01"], "--cycle: '27-01' is not a month"),
])
def test_sop_changes_refuses_bad_cycles(two_cycles: dict[str, Any], args: list[str],
                                        says: str) -> None:
    r = CliRunner().invoke(build(), ["--store", str(two_cycles["root"]), "changes", *args])
    assert r.exit_code == 2
    assert says in r.output
