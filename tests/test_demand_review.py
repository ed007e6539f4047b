"""The demand review's rules on the demo company: one consensus per family, never an average."""

from __future__ import annotations

import pytest

from sop_tui.cycle.consensus import choose_consensus, parse_manual_units
from sop_tui.cycle.demand import averaging_of
from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.workspace import Workspace


def test_averaging_detected_only_for_differing_sources() -> None:
    src = {"sales": {"m": 100.0}, "marketing": {"m": 80.0}, "finance": {"m": 80.0}}
    assert averaging_of({"m": 90.0}, src) in {("finance", "sales"), ("marketing", "sales")}
    assert averaging_of({"m": 80.0}, src) == ()  # marketing and finance agree: not averaging
    assert averaging_of({"m": 95.0}, src) == ()


def test_choosing_a_source_records_its_numbers_and_assumption(demo_ws: Workspace) -> None:
    e = choose_consensus(demo_ws, family="BRG-01", source="planner")
    inputs = demo_ws.data()["demand_inputs"]
    rows = inputs[(inputs["family"] == "BRG-01") & (inputs["source"] == "planner")]
    assert e.payload["units"] == {str(m): u for m, u in zip(rows["month"], rows["units"],
                                                            strict=True)}
    assert e.payload["assumption"] == rows["assumption"].iloc[0]
    assert e.payload["averaging_of"] == []


def test_averaging_consensus_needs_the_chosen_assumptions(demo_ws: Workspace) -> None:
    before = demo_ws.log.head().count
    with pytest.raises(CommandError) as err:
        choose_consensus(demo_ws, family="FST-02", source="finance")
    assert "chosen_assumptions" in err.value.problems
    assert "average" in err.value.problems["chosen_assumptions"]
    assert demo_ws.log.head().count == before
    e = choose_consensus(demo_ws, family="FST-02", source="finance",
                         chosen_assumptions="Marketing's campaign timing; sales' OEM wins are "
                                            "not signed")
    assert e.payload["averaging_of"] == ["marketing", "sales"]


def test_manual_numbers_need_a_rationale(demo_ws: Workspace) -> None:
    with pytest.raises(CommandError) as err:
        choose_consensus(demo_ws, family="BRG-01", source="manual",
                         manual="2026-12..2028-05=1000", assumption="flat")
    assert "rationale" in err.value.problems
    assert parse_manual_units("2026-12=5,2027-01..2027-02=7") == {
        "2026-12": 5.0, "2027-01": 7.0, "2027-02": 7.0}
    with pytest.raises(CommandError):
        parse_manual_units("2026-12=lots")


def test_demand_plan_uses_consensus_where_agreed(demo_ws: Workspace) -> None:
    choose_consensus(demo_ws, family="BRG-01", source="sales")
    plan = CyclePlanning(demo_ws).demand_plan
    assert "BRG-01" in plan.agreed and "BRG-02" in plan.placeholder
    assert len(plan.frame) == 18 * (len(plan.agreed) + len(plan.placeholder))


def test_exit_criteria_of_the_demand_review(demo_ws: Workspace) -> None:
    p = CyclePlanning(demo_ws)
    missing = p.missing_for("demand", ("consensus_for_every_family",))
    assert missing and "40 famil" in missing[0]
