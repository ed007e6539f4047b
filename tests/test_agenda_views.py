"""The agenda items' views (issue 12, item 7) and the plan of record.

Each view answers its agenda item's prompt, so each test builds a case small enough to work by
hand and checks the answer: which family missed plan most, which families carry the E&O, what
stock a phase-out item has, which items moved segment. The last tests check, on the demo store,
that an approved scenario becomes the plan the dashboard and ``sop supply`` read.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sop_tui.analytics import inventory, metrics, segments
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.scenarios import create_scenario
from sop_tui.cycle.workspace import Workspace


def _months(*names: str) -> pd.PeriodIndex:
    return pd.PeriodIndex(list(names), freq="M")


ITEMS = pd.DataFrame({
    "sku": ["a1", "a2", "b1", "b2"],
    "description": ["A one", "A two", "B one", "B two"],
    "family": ["A", "A", "B", "B"],
    "unit_price": [10.0, 10.0, 4.0, 4.0],
    "unit_cost": [6.0, 6.0, 2.0, 2.0],
    "lifecycle": ["active", "phase_out", "active", "phase_out"],
})
INVENTORY = pd.DataFrame({"sku": ["a1", "a2", "b1", "b2"],
                          "on_hand_units": [50.0, 30.0, 400.0, 10.0],
                          "as_of": ["2026-11-30"] * 4})
# next 12 months: a1 sells 20 (30 excess), a2 sells 10 (20 excess), b1 500 (none), b2 nothing
FORWARD = pd.DataFrame({"sku": ["a1", "a2", "b1"], "month": _months("2026-12", "2026-12",
                                                                    "2026-12"),
                        "units": [20.0, 10.0, 500.0]})


def test_plan_attainment_by_family_shows_which_family_missed_plan_last_month() -> None:
    """A planned 100 a month and made 100, then 60 last month (missed 40); B planned 50 and
    made 50 every month. Last month: A 60 % (40 missed), B 100 %; trailing (Oct..Nov):
    A 160/200 = 80 %, B 100 %. A comes first, TOTAL last: 110/150."""
    production = pd.DataFrame({
        "family": ["A", "A", "B", "B"],
        "month": _months("2026-10", "2026-11", "2026-10", "2026-11"),
        "planned_units": [100.0, 100.0, 50.0, 50.0],
        "actual_units": [100.0, 60.0, 50.0, 50.0],
    })
    t = metrics.attainment_by_family(production, "2026-12").set_index("family")
    assert list(t.index) == ["A", "B", "TOTAL"]
    assert t.loc["A", "last_attainment"] == pytest.approx(0.6)
    assert t.loc["A", "last_missed"] == pytest.approx(40.0)
    assert t.loc["A", "trailing_attainment"] == pytest.approx(0.8)
    assert t.loc["B", "last_attainment"] == pytest.approx(1.0)
    assert t.loc["TOTAL", "last_attainment"] == pytest.approx(110 / 150)
    assert t.loc["TOTAL", "trailing_missed"] == pytest.approx(40.0)


def test_eo_by_family_names_the_families_that_carry_the_excess() -> None:
    """A: a1 30 excess + a2 20 excess = 50 units × $6 = $300 (2 items); B: b2 has no forecast,
    so its 10 are obsolete × $2 = $20 (1 item). Total $320: A carries 93.75 %."""
    t = inventory.eo_by_family(INVENTORY, ITEMS, FORWARD, start="2026-12")
    assert list(t["family"]) == ["A", "B", "TOTAL"]
    t = t.set_index("family")
    assert t.loc["A", "eo_value"] == pytest.approx(300.0)
    assert t.loc["B", "obsolete_value"] == pytest.approx(20.0)
    assert t.loc["A", "items_carrying"] == 2
    assert t.loc["TOTAL", "items_carrying"] == 3
    assert t.loc["A", "share"] == pytest.approx(300 / 320)
    assert t.loc["B", "cumulative_share"] == pytest.approx(1.0)
    # it reconciles with the E&O metric itself
    eo = inventory.excess_obsolete(INVENTORY, ITEMS, FORWARD, start="2026-12")
    assert t.loc["TOTAL", "eo_value"] == pytest.approx(float(eo["eo_value"].iloc[-1]))


def test_phase_out_items_show_on_hand_units_and_dollars() -> None:
    """a2: 30 on hand × $6 = $180, 10 forecast, 20 left over ($120); b2: 10 × $2 = $20, no
    forecast, all 10 left over ($20). The bigger stock comes first; active items are not listed."""
    t = inventory.phase_out_stock(INVENTORY, ITEMS, FORWARD, start="2026-12")
    assert list(t["sku"]) == ["a2", "b2"]
    a2, b2 = t.iloc[0], t.iloc[1]
    assert (a2["on_hand_units"], a2["on_hand_value"]) == (30.0, 180.0)
    assert (a2["left_over_units"], a2["left_over_value"]) == (20.0, 120.0)
    assert a2["description"] == "A two"
    assert (b2["on_hand_units"], b2["left_over_units"], b2["left_over_value"]) == (10.0, 10.0,
                                                                                    20.0)


def test_a_phase_out_item_with_no_stock_count_shows_zero_stock() -> None:
    t = inventory.phase_out_stock(INVENTORY[INVENTORY["sku"] != "b2"], ITEMS, FORWARD)
    assert t.set_index("sku").loc["b2", "on_hand_units"] == 0.0


def test_segment_changes_list_the_items_that_moved_from_and_to() -> None:
    before = pd.DataFrame({"sku": ["x", "y", "z"], "family": ["F"] * 3,
                           "segment": ["AX", "BY", "CZ"], "policy": ["p1", "p2", "p3"],
                           "revenue_12m": [9.0, 5.0, 1.0]})
    now = pd.DataFrame({"sku": ["x", "y", "z", "new"], "family": ["F"] * 4,
                        "segment": ["AX", "AY", "CY", "CZ"], "policy": ["p1", "p4", "p5", "p3"],
                        "revenue_12m": [9.0, 6.0, 1.0, 0.5]})
    t = segments.segment_changes(before, now)
    assert t[["sku", "from_segment", "to_segment"]].values.tolist() == [
        ["y", "BY", "AY"], ["z", "CZ", "CY"], ["new", "", "CZ"]]
    assert t.iloc[0]["from_policy"] == "p2" and t.iloc[0]["to_policy"] == "p4"


def test_the_views_on_the_demo_answer_their_prompts(demo_ws: Workspace) -> None:
    p = CyclePlanning(demo_ws)
    att = p.attainment_by_family
    assert att["family"].iloc[-1] == "TOTAL"
    assert att["last_missed"].iloc[:-1].is_monotonic_decreasing
    eo = p.eo_by_family
    assert eo["eo_value"].iloc[:-1].is_monotonic_decreasing
    assert eo["eo_value"].iloc[-1] == pytest.approx(p.metrics.eo_value)
    phase = p.phase_out_stock
    items = p.data["items"]
    assert set(phase["sku"]) == set(items.loc[items["lifecycle"] == "phase_out", "sku"])
    assert (phase["on_hand_value"] >= 0).all() and phase["on_hand_value"].sum() > 0
    moved = p.segment_changes
    assert len(moved) > 0 and (moved["from_segment"] != moved["to_segment"]).all()
    now = p.segments.set_index("sku")["segment"]
    assert (moved["to_segment"].to_numpy() == now[moved["sku"]].to_numpy()).all()


def test_dashboard_gap_follows_the_approved_scenario(demo_ws: Workspace) -> None:
    """Regression (issue 12): after the executives approved a gap-closing scenario the
    dashboard still showed the consensus's gap."""
    before = CyclePlanning(demo_ws)
    assert before.plan_of_record.basis == "consensus"
    base_gap = before.plan_totals["gap_to_target"]
    create_scenario(before, "price up", price=["*:+5%"])
    demo_ws.approve_plan(scenario="price up", approved_by="GM")
    after = CyclePlanning(demo_ws)
    record = after.plan_of_record
    assert (record.scenario, record.basis, record.by) == ("price up", "approved", "GM")
    assert after.plan_totals["gap_to_target"] < base_gap
    assert after.plan_totals == pytest.approx(after.plan_result.totals, nan_ok=True)
    assert after.plan_result.name == "price up"
    # the baseline is still the consensus's (the supply review's gaps do not move)
    assert after.baseline_totals["gap_to_target"] == pytest.approx(base_gap)


def test_plan_of_record_falls_back_to_the_recommendation(demo_ws: Workspace) -> None:
    p = CyclePlanning(demo_ws)
    create_scenario(p, "cut", capacity=["PRESS-2:-20%"])
    demo_ws.record_recommendation(scenario="cut", text="plan for the press outage")
    record = CyclePlanning(demo_ws).plan_of_record
    assert (record.scenario, record.basis) == ("cut", "recommended")
    assert record.spec is not None and record.spec["name"] == "cut"
    assert np.isfinite(CyclePlanning(demo_ws).plan_totals["revenue"])
