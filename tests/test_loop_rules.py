"""The monthly loop's rules, each pinned by the fault of issue 13 it fixes, and its read-backs
(cadence, plan history, maturity) on the tiny company."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_tui.cli.app import build
from sop_tui.cycle.cadence import cadence_report, default_schedule
from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.maturity import STAGES, assess
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.log import EventLog
from tests.loop_fixtures import FAMILIES, run_first_cycle

cli = build()
LIMITS = {"portfolio": 60, "demand": 90, "supply": 90, "pre_sop": 90, "executive": 90}


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def decided(tmp_path: Path, clock: Clock) -> Workspace:
    """The tiny company's first cycle decided (with the CFO's override), its month in."""
    ws = Workspace(EventLog(f"sqlite:///{tmp_path / 'sop.db'}", clock=clock), actor="lead",
                   clock=clock)
    run_first_cycle(ws, tmp_path)
    clock.now = datetime(2027, 1, 5, 9, 0, tzinfo=UTC)
    return ws


def test_override_actions_can_be_completed_and_count_as_open(decided: Workspace) -> None:
    state = decided.state()
    [override] = state.cycles["2026-12"].overrides
    [action] = [a for a in state.open_actions() if a.source == "override"]
    assert action.ref == f"{override.seq}.1" and action.overdue(decided.today())
    assert action in state.overdue_actions(decided.today())
    decided.open_cycle("2027-01")
    done = decided.complete_action(action.ref, note="promotion ran")
    assert done.cycle == "2027-01" and done.payload == {"action": override.seq, "item": 1,
                                                        "note": "promotion ran"}
    assert decided.state().open_actions() == []
    with pytest.raises(CommandError, match="completed by event"):
        decided.complete_action(action.ref)


def test_meetings_run_in_order_unless_a_reason_is_recorded(decided: Workspace) -> None:
    decided.open_cycle("2027-01")
    before = decided.log.head().count
    with pytest.raises(CommandError) as err:
        decided.start_meeting("executive")
    assert "reason" in err.value.problems and "pre_sop" in err.value.problems["reason"]
    assert decided.log.head().count == before  # nothing written
    with pytest.raises(CommandError, match="has not started"):
        decided.close_meeting("executive")
    ev = decided.start_meeting("executive", reason="the CFO travels next week")
    assert ev.payload["out_of_order"] == ["portfolio", "demand", "supply", "pre_sop"]


@pytest.mark.parametrize(("options", "chosen", "field"), [
    ([], "yes", "options"),
    (["yes"], "yes", "options"),
    (["yes", "no"], "maybe", "chosen"),
])
def test_a_decision_needs_two_options_and_the_chosen_among_them(
        tmp_path: Path, options: list[str], chosen: str, field: str) -> None:
    store = tmp_path / "store"
    assert CliRunner().invoke(cli, ["--store", str(store), "cycle", "open", "2026-12"]) \
        .exit_code == 0
    args = ["--store", str(store), "record", "decision", "--question", "Second shift?",
            "--chosen", chosen, "--rationale", "peak", "--decided-by", "COO",
            "--owner", "Plant", "--due", "2027-01-31"]
    for o in options:
        args += ["--option", o]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 2 and f"error: {field}:" in r.output and "nothing was written" in \
        r.output
    thin = [a for a in args if a not in ("--owner", "Plant", "--due", "2027-01-31")]
    r = CliRunner().invoke(cli, [*thin, "--option", "yes", "--option", "no"])
    assert r.exit_code == 2 and "error: owner:" in r.output and "error: due:" in r.output


def test_the_recorded_plan_becomes_the_next_cycles_history(decided: Workspace) -> None:
    decided.open_cycle("2027-01")
    p = CyclePlanning(decided, "2027-01")
    fh = p.data["forecast_history"]
    made = fh[fh["cycle"].astype(str) == "2026-12"]
    assert set(made["step"]) >= {"consensus", "executive", "sales", "marketing", "finance",
                                 "planner"}
    cs = decided.state().cycles["2026-12"]
    for fam in FAMILIES:
        rows = made[(made["step"] == "consensus") & (made["family"] == fam)]
        assert dict(zip(rows["month"].astype(str), rows["units"], strict=True)) == \
            pytest.approx(cs.consensus[fam].payload["units"])
    # the override raised the plan to close its gap: the executive step is above consensus
    exe = made[made["step"] == "executive"]["units"].sum()
    assert exe > made[made["step"] == "consensus"]["units"].sum()
    # and January's production is measured against the plan approved in December (lag 1)
    prod = p.data["production"]
    recorded = cs.outcome.payload["production"]  # type: ignore[union-attr]
    jan = prod[prod["month"].astype(str) == "2027-01"]
    assert jan.empty  # January has not been produced yet: nothing to measure
    assert all("2027-01" in recorded[f] for f in FAMILIES)


def test_the_cadence_plans_a_day_per_meeting_and_shows_late_and_long(
        decided: Workspace, clock: Clock) -> None:
    assert default_schedule("2027-01", datetime(2026, 12, 20).date()) == {
        "portfolio": "2027-01-04", "demand": "2027-01-07", "supply": "2027-01-12",
        "pre_sop": "2027-01-15", "executive": "2027-01-20"}
    decided.open_cycle("2027-01", schedule={"portfolio": "2027-01-04"})
    clock.now = datetime(2027, 1, 8, 9, 0, tzinfo=UTC)
    decided.start_meeting("portfolio", attendees=["Lena"])
    clock.now += timedelta(minutes=75)
    decided.close_meeting("portfolio")
    report = {c.meeting: c for c in cadence_report(
        decided.state().cycles["2027-01"], LIMITS, decided.today())}
    assert report["portfolio"].days_late == 4 and report["portfolio"].over_by == 15
    assert report["portfolio"].attendees == ("Lena",)
    assert not report["demand"].late  # planned for the 11th, a working day from the 8th


def test_maturity_reads_the_log(decided: Workspace, tmp_path: Path) -> None:
    decided.open_cycle("2027-01")
    m = assess(CyclePlanning(decided, "2027-01"), LIMITS)
    assert m.stage == 1 and "1 cycle(s) decided" in m.notes[0]
    overrides = next(c for c in m.criteria if c.rule.name == "overrides")
    assert overrides.trend == [("2026-12", 1.0)] and not overrides.holds
    assert STAGES[m.stage - 1] == m.stage_name == "react"
    out = CliRunner().invoke(cli, ["--store", str(tmp_path / "x"), "maturity", "--json"])
    assert out.exit_code == 2  # no cycle open in an empty store: refused, not a traceback
    r = CliRunner().invoke(cli, ["--db", f"sqlite:///{tmp_path / 'sop.db'}", "maturity",
                                 "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["stage"] == 1 and {c["name"] for c in data["criteria"]} >= {
        "in_order", "one_source", "averaging", "overrides", "bias", "fva_destroying"}
