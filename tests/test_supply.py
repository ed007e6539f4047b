"""Tests for the constrained supply plan (sop_tui.analytics.supply).

The small examples are worked by hand: one family on one resource of 120 hours a month, one hour
a unit, so units and hours are the same numbers. With no unit costs given a unit costs 1, so an
overtime hour (60 by default) costs more than a lost sale (10) and the default plan works no
overtime. The reconciled case on two resources is in ``test_supply_reconciled.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sop_tui.analytics.supply import (
    CAPACITY_COLUMNS,
    PRODUCTION_COLUMNS,
    SupplyCosts,
    constrained_plan,
)

MONTHS = pd.period_range("2027-01", periods=3, freq="M")


def demand_frame(per_family: dict[str, list[float]]) -> pd.DataFrame:
    rows = [
        (family, month, float(units))
        for family, values in per_family.items()
        for month, units in zip(MONTHS, values, strict=False)
    ]
    frame = pd.DataFrame(rows, columns=["family", "month", "units"])
    frame["month"] = pd.PeriodIndex(frame["month"], freq="M")
    return frame


def capacity_frame(per_resource: dict[str, list[float]]) -> pd.DataFrame:
    rows = [
        (resource, month, float(hours))
        for resource, values in per_resource.items()
        for month, hours in zip(MONTHS, values, strict=False)
    ]
    frame = pd.DataFrame(rows, columns=["resource", "month", "hours"])
    frame["month"] = pd.PeriodIndex(frame["month"], freq="M")
    return frame


def routing_frame(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["family", "resource", "hours_per_unit"])


ONE_ROUTING = routing_frame([("A", "R1", 1.0)])
CAP_120 = capacity_frame({"R1": [120, 120, 120]})


def column(plan_frame: pd.DataFrame, family: str, name: str) -> list[float]:
    return plan_frame.loc[plan_frame["family"] == family, name].round(6).tolist()


def test_binding_month_two_causes_a_prebuild_in_month_one() -> None:
    # Month 2 needs 140 on 120 hours: the 20 short are built in month 1 (spare 20) and held.
    plan = constrained_plan(demand_frame({"A": [100, 140, 100]}), ONE_ROUTING, CAP_120)
    assert column(plan.production, "A", "production") == [120.0, 120.0, 100.0]
    assert column(plan.production, "A", "inventory") == [20.0, 0.0, 0.0]
    assert column(plan.production, "A", "unmet") == [0.0, 0.0, 0.0]
    assert plan.unmet.empty
    assert plan.status == "optimal"
    assert plan.totals.service_level == 1.0


def test_what_the_prebuild_cannot_cover_is_lost_not_backlogged() -> None:
    # Month 2 needs 150: 20 pre-built + 120 made = 140, 10 lost. Month 3 does not make them up.
    plan = constrained_plan(demand_frame({"A": [100, 150, 100]}), ONE_ROUTING, CAP_120)
    assert column(plan.production, "A", "production") == [120.0, 120.0, 100.0]
    assert column(plan.production, "A", "unmet") == [0.0, 10.0, 0.0]
    assert plan.unmet[["family", "unmet"]].values.tolist() == [["A", 10.0]]
    assert str(plan.unmet["month"].iloc[0]) == "2027-02"
    assert plan.totals.unmet == 10.0
    assert plan.totals.demand == 350.0
    assert plan.totals.service_level == pytest.approx(1 - 10 / 350)


def test_prebuild_happens_as_late_as_possible() -> None:
    # Month 3 needs 200: 80 extra. Month 2 has 70 spare, month 1 has 70: holding cost makes the
    # plan take 70 from month 2 and only 10 from month 1.
    plan = constrained_plan(demand_frame({"A": [50, 50, 200]}), ONE_ROUTING, CAP_120)
    assert column(plan.production, "A", "production") == [60.0, 120.0, 120.0]
    assert column(plan.production, "A", "inventory") == [10.0, 80.0, 0.0]


def test_no_prebuild_when_holding_costs_more_than_the_lost_sale() -> None:
    costs = SupplyCosts(holding_rate=5.0, shortage_penalty=1.0)
    plan = constrained_plan(demand_frame({"A": [100, 150, 100]}), ONE_ROUTING, CAP_120, costs=costs)
    assert column(plan.production, "A", "production") == [100.0, 120.0, 100.0]
    assert column(plan.production, "A", "inventory") == [0.0, 0.0, 0.0]
    assert column(plan.production, "A", "unmet") == [0.0, 30.0, 0.0]


def test_family_without_routing_produces_its_demand_and_is_reported() -> None:
    plan = constrained_plan(
        demand_frame({"A": [100, 100, 100], "B": [7, 8, 9]}), ONE_ROUTING, CAP_120
    )
    assert column(plan.production, "B", "production") == [7.0, 8.0, 9.0]
    assert column(plan.production, "B", "unmet") == [0.0, 0.0, 0.0]
    assert plan.unconstrained_families == ("B",)
    # B uses no hours: the load is A's alone.
    assert plan.capacity["load"].tolist() == [100.0, 100.0, 100.0]
    assert plan.capacity["planned"].tolist() == [100.0, 100.0, 100.0]


def test_unconstrained_family_uses_opening_stock_first() -> None:
    opening = pd.Series({"B": 10.0})
    plan = constrained_plan(
        demand_frame({"A": [0, 0, 0], "B": [7, 8, 9]}),
        ONE_ROUTING,
        CAP_120,
        opening_inventory=opening,
    )
    assert column(plan.production, "B", "production") == [0.0, 5.0, 9.0]
    assert column(plan.production, "B", "inventory") == [3.0, 0.0, 0.0]


def test_opening_inventory_covers_the_shortfall() -> None:
    # 30 on hand are kept through month 1 and cover month 2's 30 beyond capacity.
    opening = pd.DataFrame({"family": ["A"], "units": [30.0]})
    plan = constrained_plan(
        demand_frame({"A": [100, 150, 100]}), ONE_ROUTING, CAP_120, opening_inventory=opening
    )
    assert column(plan.production, "A", "production") == [100.0, 120.0, 100.0]
    assert column(plan.production, "A", "inventory") == [30.0, 0.0, 0.0]
    assert plan.totals.unmet == 0.0


def test_overtime_is_used_when_cheaper_than_lost_sales() -> None:
    demand = demand_frame({"A": [100, 150, 100]})
    costs = SupplyCosts(overtime_fraction=0.1, overtime_cost_per_hour=0.5)
    plan = constrained_plan(demand, ONE_ROUTING, CAP_120, costs=costs)
    # Pre-build 20 (0.02 a unit-month) is cheaper than overtime (0.5 an hour); the last 10 on
    # overtime cost 5, less than losing them (10 × 10).
    assert column(plan.production, "A", "production") == [120.0, 130.0, 100.0]
    assert plan.capacity["overtime_hours"].round(6).tolist() == [0.0, 10.0, 0.0]
    assert plan.totals.overtime_hours == pytest.approx(10.0)
    assert plan.totals.unmet == 0.0
    # an hour dearer than a lost sale is not worked; none at all is allowed with fraction 0
    dear = constrained_plan(demand, ONE_ROUTING, CAP_120,
                            costs=SupplyCosts(overtime_cost_per_hour=20.0))
    assert dear.capacity["overtime_hours"].sum() == 0.0 and dear.totals.unmet == 10.0
    none = constrained_plan(demand, ONE_ROUTING, CAP_120,
                            costs=SupplyCosts(overtime_fraction=0.0, overtime_cost_per_hour=0.5))
    assert none.totals.overtime_hours == 0.0 and none.totals.unmet == 10.0


def test_capacity_table_load_and_gap_agree_and_planned_shows_the_prebuild() -> None:
    """Regression (issue 12): a gap row showed load 3,924 against 4,194 available yet 86 hours
    short — the load was the plan's (after pre-building), the gap the demand's. Now load is the
    demand's hours, the gap is load − available, and the plan's hours are ``planned``."""
    plan = constrained_plan(demand_frame({"A": [100, 150, 100]}), ONE_ROUTING, CAP_120)
    cap = plan.capacity
    assert tuple(cap.columns) == CAPACITY_COLUMNS
    assert cap["available"].tolist() == [120.0, 120.0, 120.0]
    assert cap["load"].round(6).tolist() == [100.0, 150.0, 100.0]
    # produce = demand would need 150 hours in month 2: 30 beyond the 120 available.
    assert cap["gap_hours"].tolist() == [0.0, 30.0, 0.0]
    assert (cap["gap_hours"] == (cap["load"] - cap["available"]).clip(lower=0)).all()
    assert cap["utilisation"].round(6).tolist() == [round(100 / 120, 6), 1.25,
                                                    round(100 / 120, 6)]
    assert cap["planned"].round(6).tolist() == [120.0, 120.0, 100.0]
    assert cap["planned_utilisation"].round(6).tolist() == [1.0, 1.0, round(100 / 120, 6)]


def test_load_is_net_of_the_opening_stock_which_ships_first() -> None:
    """30 on hand ship in month 1, so month 1 needs 70 hours, not 100."""
    plan = constrained_plan(demand_frame({"A": [100, 100, 100]}), ONE_ROUTING, CAP_120,
                            opening_inventory=pd.Series({"A": 30.0}))
    assert plan.capacity["load"].tolist() == [70.0, 100.0, 100.0]
    assert column(plan.production, "A", "from_stock") == [30.0, 0.0, 0.0]
    assert column(plan.production, "A", "from_production") == [70.0, 100.0, 100.0]


def test_two_resources_the_tighter_one_binds() -> None:
    # A needs 1 h on R1 and 2 h on R2 per unit; R2's 200 h allow 100 units a month.
    routings = routing_frame([("A", "R1", 1.0), ("A", "R2", 2.0)])
    capacity = capacity_frame({"R1": [500, 500, 500], "R2": [200, 200, 200]})
    plan = constrained_plan(demand_frame({"A": [80, 130, 100]}), routings, capacity)
    assert column(plan.production, "A", "production") == [100.0, 100.0, 100.0]
    assert column(plan.production, "A", "unmet") == [0.0, 10.0, 0.0]
    r2 = plan.capacity[plan.capacity["resource"] == "R2"]
    assert r2["load"].round(6).tolist() == [160.0, 260.0, 200.0]
    assert r2["planned"].round(6).tolist() == [200.0, 200.0, 200.0]
    assert r2["gap_hours"].tolist() == [0.0, 60.0, 0.0]


def test_frames_follow_the_conventions() -> None:
    routings = routing_frame([("007", "NA", 1.0)])
    capacity = capacity_frame({"NA": [120, 120, 120], "IDLE": [10, 10, 10]})
    plan = constrained_plan(demand_frame({"007": [1, 2, 3]}), routings, capacity)
    assert tuple(plan.production.columns) == PRODUCTION_COLUMNS
    assert plan.production["family"].tolist() == ["007"] * 3
    assert isinstance(plan.production["month"].dtype, pd.PeriodDtype)
    assert isinstance(plan.capacity["month"].dtype, pd.PeriodDtype)
    for name in PRODUCTION_COLUMNS[2:]:
        assert plan.production[name].dtype == np.float64
    # "NA" is a real resource code; an unrouted resource is shown with no load.
    assert sorted(plan.capacity["resource"].unique()) == ["IDLE", "NA"]
    idle = plan.capacity[plan.capacity["resource"] == "IDLE"]
    assert idle["load"].tolist() == [0.0, 0.0, 0.0]


def test_months_missing_inside_the_horizon_count_as_no_demand() -> None:
    demand = demand_frame({"A": [100, 100, 100]})
    demand = demand[demand["month"] != MONTHS[1]]
    plan = constrained_plan(demand, ONE_ROUTING, CAP_120)
    assert column(plan.production, "A", "demand") == [100.0, 0.0, 100.0]


def test_routed_resource_without_capacity_names_it() -> None:
    routings = routing_frame([("A", "R1", 1.0), ("A", "PRESS", 1.0)])
    with pytest.raises(ValueError, match=r"PRESS \(2027-01, 2027-02, 2027-03\)"):
        constrained_plan(demand_frame({"A": [1, 1, 1]}), routings, CAP_120)


def test_negative_demand_is_refused() -> None:
    with pytest.raises(ValueError, match="family A month 2027-02"):
        constrained_plan(demand_frame({"A": [1, -1, 1]}), ONE_ROUTING, CAP_120)


def test_load_is_demand_times_hours() -> None:
    routings = routing_frame([("A", "R1", 1.0), ("B", "R1", 0.5)])
    plan = constrained_plan(
        demand_frame({"A": [100, 150, 100], "B": [20, 20, 100]}), routings, CAP_120
    )
    assert plan.capacity["load"].tolist() == [110.0, 160.0, 150.0]
    assert plan.capacity["gap_hours"].tolist() == [0.0, 40.0, 30.0]


# --- properties -----------------------------------------------------------------------------


@st.composite
def instances(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.Series]:
    n_f = draw(st.integers(1, 4))
    n_r = draw(st.integers(1, 3))
    n_t = draw(st.integers(1, 6))
    months = pd.period_range("2027-01", periods=n_t, freq="M")
    families = [f"F{i}" for i in range(n_f)]
    resources = [f"R{i}" for i in range(n_r)]
    units = st.floats(0, 500, allow_nan=False)
    demand = pd.DataFrame(
        [(f, m, draw(units)) for f in families for m in months],
        columns=["family", "month", "units"],
    )
    routings = pd.DataFrame(
        [
            (f, r, draw(st.floats(0.05, 4)))
            for f in families
            for r in resources
            if draw(st.booleans())
        ],
        columns=["family", "resource", "hours_per_unit"],
    )
    capacity = pd.DataFrame(
        [(r, m, draw(st.floats(0, 1000, allow_nan=False))) for r in resources for m in months],
        columns=["resource", "month", "hours"],
    )
    opening = pd.Series({f: draw(st.floats(0, 200, allow_nan=False)) for f in families})
    return demand, routings, capacity, opening


@settings(max_examples=40, deadline=None)
@given(instances())
def test_plan_never_exceeds_capacity_and_its_overtime(instance: tuple) -> None:
    demand, routings, capacity, opening = instance
    costs = SupplyCosts(overtime_fraction=0.1, overtime_cost_per_hour=0.5)
    plan = constrained_plan(demand, routings, capacity, opening_inventory=opening, costs=costs)
    cap = plan.capacity
    slack = 1e-6 * np.maximum(1.0, cap["available"])
    assert (cap["planned"] <= cap["available"] + cap["overtime_hours"] + slack).all()
    assert (cap["overtime_hours"] <= 0.1 * cap["available"] + slack).all()


@settings(max_examples=40, deadline=None)
@given(instances())
def test_production_unmet_and_inventory_balance_with_demand(instance: tuple) -> None:
    demand, routings, capacity, opening = instance
    plan = constrained_plan(demand, routings, capacity, opening_inventory=opening)
    for family, rows in plan.production.groupby("family"):
        previous = np.concatenate([[opening[family]], rows["inventory"].to_numpy()[:-1]])
        expected = previous + rows["production"] - (rows["demand"] - rows["unmet"])
        np.testing.assert_allclose(rows["inventory"], expected, atol=1e-5)
        assert (rows["unmet"] <= rows["demand"] + 1e-6).all()
    prod = plan.production
    assert (prod[["production", "unmet", "inventory"]] >= 0).all().all()


@settings(max_examples=25, deadline=None)
@given(instances())
def test_enough_capacity_means_no_unmet_demand(instance: tuple) -> None:
    demand, routings, _, opening = instance
    # Capacity exactly equal to the load (demand net of stock, month by month).
    zero = pd.DataFrame(
        [(r, m, 0.0) for r in routings["resource"].unique() for m in demand["month"].unique()],
        columns=["resource", "month", "hours"],
    )
    need = constrained_plan(demand, routings, zero, opening_inventory=opening).capacity
    ample = need.rename(columns={"load": "hours"})[["resource", "month", "hours"]]
    plan = constrained_plan(demand, routings, ample, opening_inventory=opening)
    assert plan.totals.unmet == pytest.approx(0.0, abs=1e-6)
    assert plan.totals.gap_hours == pytest.approx(0.0, abs=1e-6)


def _seasonal_instance(seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Eight families on three resources over a year, capacity binding at the peak."""
    rng = np.random.default_rng(seed)
    months = pd.period_range("2027-01", periods=12, freq="M")
    season = 1 + 0.3 * np.sin(np.arange(12) / 12 * 2 * np.pi)
    demand = pd.DataFrame(
        [(f"F{f}", m, float(rng.uniform(50, 150) * s)) for f in range(8)
         for m, s in zip(months, season, strict=True)], columns=["family", "month", "units"])
    demand["month"] = pd.PeriodIndex(demand["month"], freq="M")
    routings = pd.DataFrame([(f"F{f}", f"R{f % 3}", float(rng.uniform(0.5, 2.0)))
                             for f in range(8)], columns=["family", "resource", "hours_per_unit"])
    capacity = pd.DataFrame([(f"R{r}", m, 250.0) for r in range(3) for m in months],
                            columns=["resource", "month", "hours"])
    capacity["month"] = pd.PeriodIndex(capacity["month"], freq="M")
    return demand, routings, capacity


def test_solving_writes_nothing_to_the_terminal(capfd: pytest.CaptureFixture[str]) -> None:
    """The app draws on file descriptor 1: the solver must not print there (highspy's public
    ``Highs()`` writes a banner from C++ when constructed; lp.py goes through SciPy)."""
    demand, routings, capacity = _seasonal_instance()
    capfd.readouterr()
    plan = constrained_plan(demand, routings, capacity)
    out, err = capfd.readouterr()
    assert plan.status == "optimal"
    assert out == "" and err == ""
