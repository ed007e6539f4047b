"""One supply computation, reconciled (issue 12, item 6): a small case solved by hand, and the
identities the plan must keep on any input.

The hand case: three families, two resources, three months.

- A: 1 h a unit on R1; B: 2 h a unit on R1; C: 1 h a unit on R2.
- Demand A 40/60/40, B 20/30/10, C 30/50/30 (310 units). On hand at the start: A 10, C 5.
- Unit costs A $10, B $30, C $5; prices A $15, B $40, C $8. Holding 2 % of unit cost a month
  (A 0.2, B 0.6, C 0.1 a unit-month); a lost sale 10 × unit cost (A 100, B 300, C 50); overtime
  up to 10 % of an R's hours at $8 an hour.
- Capacity R1 100 h, R2 40 h every month.

Stock ships first, so the demand net of stock is A 30/60/40, B 20/30/10, C 25/50/30, and the
load is R1 = A + 2B = 70/120/60, R2 = C = 25/50/30. Month 2 is short: R1 by 20 h, R2 by 10 h.

Consensus plan. Pre-building in month 1 (R1 has 30 h spare, R2 15 h) costs 0.2 an R1-hour with
A and 0.3 with B (0.6 for 2 h), 0.1 an R2-hour with C; overtime costs 8 an hour, a lost sale
100+ a unit. So the plan builds 20 A and 10 C in month 1: production A 50/40/40, B 20/30/10,
C 35/40/30; month-end stock A 20/0/0, C 10/0/0. Nothing is lost, no overtime.
demand 310 = from stock 15 + from production 295 + unmet 0; produced 295; ending stock 0;
average month-end stock (30 + 0 + 0) / 3 = 10 units, ($200 + $50) / 3 = $83.33.
Revenue 140 × 15 + 60 × 40 + 110 × 8 = $5,380.

R1 cut by 20 % (80 h, overtime up to 8 h). R1 needs 70 + 120 = 190 h in months 1–2 and has at
most 88 + 88 = 176: 14 R1-hours of demand are lost. A lost A costs 100 an R1-hour, a lost B
150, so A is lost — in month 2 (losing it in month 1 would cost the same plus holding for a
pre-build). Overtime (8 + 0.2 holding) beats losing A: month 1 works 88 h (B 20 = 40 h, A 48 =
30 + 18 pre-built), month 2 works 88 h (B 30 = 60 h, A 28); A ships 18 + 28 = 46 of its 60.
C is planned as before. So: unmet 14 (A, month 2); overtime 16 h (8 + 8); production A 48/28/40;
month-end stock A 18/0/0, C 10/0/0 (average 28 / 3 units, $230 / 3); R1's load 70/120/60
against 80 h is 40 h short in month 2 (R2 still 10). Revenue $5,380 − 14 × $15 = $5,170.
demand 310 = from stock 15 + from production 281 + unmet 14; produced 116 + 60 + 105 = 281.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sop_tui.analytics.scenarios import Scenario, ScenarioInputs, baseline, evaluate
from sop_tui.analytics.supply import SupplyCosts, constrained_plan

MONTHS = pd.period_range("2027-01", periods=3, freq="M")


def _frame(rows: dict[str, list[float]], key: str, value: str) -> pd.DataFrame:
    out = pd.DataFrame([(k, m, float(v)) for k, vals in rows.items()
                        for m, v in zip(MONTHS, vals, strict=True)],
                       columns=[key, "month", value])
    out["month"] = pd.PeriodIndex(out["month"], freq="M")
    return out


DEMAND = _frame({"A": [40, 60, 40], "B": [20, 30, 10], "C": [30, 50, 30]}, "family", "units")
ROUTINGS = pd.DataFrame([("A", "R1", 1.0), ("B", "R1", 2.0), ("C", "R2", 1.0)],
                        columns=["family", "resource", "hours_per_unit"])
CAPACITY = _frame({"R1": [100, 100, 100], "R2": [40, 40, 40]}, "resource", "hours")
OPENING = pd.Series({"A": 10.0, "C": 5.0})
PRICES = pd.DataFrame({"family": ["A", "B", "C"], "unit_price": [15.0, 40.0, 8.0],
                       "unit_cost": [10.0, 30.0, 5.0]})
COSTS = SupplyCosts(unit_costs={"A": 10.0, "B": 30.0, "C": 5.0}, overtime_fraction=0.1,
                    overtime_cost_per_hour=8.0)
BASE = ScenarioInputs(DEMAND, ROUTINGS, CAPACITY, PRICES, None, OPENING,
                      SupplyCosts(overtime_fraction=0.1, overtime_cost_per_hour=8.0))


def _by(plan_frame: pd.DataFrame, family: str, column: str) -> list[float]:
    return plan_frame.loc[plan_frame["family"] == family, column].round(6).tolist()


def _cap(plan_frame: pd.DataFrame, resource: str, column: str) -> list[float]:
    return plan_frame.loc[plan_frame["resource"] == resource, column].round(6).tolist()


def test_the_consensus_plan_by_hand() -> None:
    plan = constrained_plan(DEMAND, ROUTINGS, CAPACITY, opening_inventory=OPENING, costs=COSTS)
    p = plan.production
    assert _by(p, "A", "production") == [50.0, 40.0, 40.0]
    assert _by(p, "B", "production") == [20.0, 30.0, 10.0]
    assert _by(p, "C", "production") == [35.0, 40.0, 30.0]
    assert _by(p, "A", "inventory") == [20.0, 0.0, 0.0]
    assert _by(p, "C", "inventory") == [10.0, 0.0, 0.0]
    assert _by(p, "A", "from_stock") == [10.0, 0.0, 0.0]
    c = plan.capacity
    assert _cap(c, "R1", "load") == [70.0, 120.0, 60.0]
    assert _cap(c, "R1", "gap_hours") == [0.0, 20.0, 0.0]
    assert _cap(c, "R1", "planned") == [90.0, 100.0, 60.0]
    assert _cap(c, "R2", "load") == [25.0, 50.0, 30.0]
    assert _cap(c, "R2", "gap_hours") == [0.0, 10.0, 0.0]
    assert _cap(c, "R2", "planned") == [35.0, 40.0, 30.0]
    t = plan.totals
    assert (t.demand, t.opening_stock, t.from_stock) == (310.0, 15.0, 15.0)
    assert t.from_production == pytest.approx(295.0)
    assert t.unmet == pytest.approx(0.0, abs=1e-9)
    assert t.production == pytest.approx(295.0)
    assert t.ending_inventory == pytest.approx(0.0, abs=1e-9)
    assert t.average_inventory == pytest.approx(10.0)
    assert t.overtime_hours == pytest.approx(0.0, abs=1e-9)
    assert t.gap_hours == pytest.approx(30.0)


def test_every_scenario_showed_unmet_0_overtime_0_inventory_0() -> None:
    """Regression (issue 12): every scenario, a −20 % capacity cut included, showed unmet 0,
    overtime 0 and ending inventory 0 — overtime was never allowed and the measures showed no
    stock over the horizon. The cut now shows the lost sales, the overtime and the stock the
    plan computes (worked in the module docstring)."""
    cut = evaluate(Scenario("cut", capacity=("R1:-20%",)), BASE)
    p = cut.supply.production
    assert _by(p, "A", "production") == [48.0, 28.0, 40.0]
    assert _by(p, "A", "unmet") == [0.0, 14.0, 0.0]
    assert _by(p, "A", "inventory") == [18.0, 0.0, 0.0]
    assert _cap(cut.supply.capacity, "R1", "overtime_hours") == [8.0, 8.0, 0.0]
    assert _cap(cut.supply.capacity, "R1", "gap_hours") == [0.0, 40.0, 0.0]
    t = cut.totals
    assert t["unmet_units"] == pytest.approx(14.0)
    assert t["units_from_stock"] == pytest.approx(15.0)
    assert t["units_from_production"] == pytest.approx(281.0)
    assert t["units_supplied"] == pytest.approx(296.0)
    assert t["units_produced"] == pytest.approx(281.0)
    assert t["overtime_hours"] == pytest.approx(16.0)
    assert t["hours_short"] == pytest.approx(50.0)
    assert t["average_inventory_units"] == pytest.approx(28 / 3)
    assert t["average_inventory_value"] == pytest.approx(230 / 3)
    assert t["revenue"] == pytest.approx(5170.0)
    assert t["service_level"] == pytest.approx(1 - 14 / 310)

    base = evaluate(baseline(), BASE).totals
    assert base["unmet_units"] == pytest.approx(0.0, abs=1e-9)
    assert base["average_inventory_value"] == pytest.approx(250 / 3)
    assert base["revenue"] == pytest.approx(5380.0)


def test_sop_supply_said_supplied_42m_unmet_0_of_48m_demanded() -> None:
    """Regression (issue 12): ``sop supply`` said demand 48,347,756, supplied 42,176,690,
    unmet 0 — "supplied" was production, and the opening stock that shipped the rest was not
    shown. Supplied is now what ships (from stock + from production) and the totals balance."""
    t = evaluate(baseline(), BASE).supply.totals
    assert t.demand == pytest.approx(t.supplied + t.unmet)
    assert t.supplied == pytest.approx(t.from_stock + t.from_production)
    assert t.from_stock == 15.0 and t.production == pytest.approx(295.0)


# --- the identities, on any input ----------------------------------------------------------


@st.composite
def instances(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.Series,
                                        SupplyCosts]:
    n_f, n_r, n_t = draw(st.integers(1, 4)), draw(st.integers(1, 3)), draw(st.integers(1, 5))
    months = pd.period_range("2027-01", periods=n_t, freq="M")
    families = [f"F{i}" for i in range(n_f)]
    resources = [f"R{i}" for i in range(n_r)]
    amount = st.floats(0, 400, allow_nan=False)
    demand = pd.DataFrame([(f, m, draw(amount)) for f in families for m in months],
                          columns=["family", "month", "units"])
    routings = pd.DataFrame([(f, r, draw(st.floats(0.1, 3))) for f in families
                             for r in resources if draw(st.booleans())],
                            columns=["family", "resource", "hours_per_unit"])
    capacity = pd.DataFrame([(r, m, draw(st.floats(0, 800))) for r in resources for m in months],
                            columns=["resource", "month", "hours"])
    opening = pd.Series({f: draw(st.floats(0, 300)) for f in families})
    costs = SupplyCosts(
        unit_costs={f: draw(st.floats(0.5, 50)) for f in families},
        overtime_fraction=draw(st.sampled_from([0.0, 0.1, 0.25])),
        overtime_cost_per_hour=draw(st.floats(0, 30)))
    return demand, routings, capacity, opening, costs


@settings(max_examples=60, deadline=None)
@given(instances())
def test_demand_is_from_stock_plus_from_production_plus_unmet(instance: tuple) -> None:
    demand, routings, capacity, opening, costs = instance
    plan = constrained_plan(demand, routings, capacity, opening_inventory=opening, costs=costs)
    p = plan.production
    np.testing.assert_allclose(p["demand"], p["from_stock"] + p["from_production"] + p["unmet"],
                               atol=1e-6)
    t = plan.totals
    assert t.demand == pytest.approx(t.from_stock + t.from_production + t.unmet, abs=1e-6)
    # the opening stock ships no more than there is, and production ships no more than it made
    for family, rows in p.groupby("family"):
        assert rows["from_stock"].sum() <= opening[family] + 1e-6
        assert rows["from_production"].sum() <= rows["production"].sum() + 1e-5
    assert (p[["from_stock", "from_production", "unmet", "production", "inventory"]]
            >= -1e-9).all().all()


@settings(max_examples=60, deadline=None)
@given(instances())
def test_opening_plus_produced_is_shipped_plus_ending_stock(instance: tuple) -> None:
    demand, routings, capacity, opening, costs = instance
    plan = constrained_plan(demand, routings, capacity, opening_inventory=opening, costs=costs)
    t = plan.totals
    tol = 1e-5 * max(1.0, t.demand)
    assert t.opening_stock + t.production == pytest.approx(t.supplied + t.ending_inventory,
                                                           abs=tol)
    last = plan.production.groupby("family")["inventory"].last()
    assert t.ending_inventory == pytest.approx(float(last.sum()), abs=tol)


@settings(max_examples=60, deadline=None)
@given(instances())
def test_the_capacity_table_holds_its_own_definitions(instance: tuple) -> None:
    demand, routings, capacity, opening, costs = instance
    plan = constrained_plan(demand, routings, capacity, opening_inventory=opening, costs=costs)
    c = plan.capacity
    np.testing.assert_allclose(c["gap_hours"], (c["load"] - c["available"]).clip(lower=0))
    has = c["available"] > 1e-9
    np.testing.assert_allclose(c.loc[has, "utilisation"],
                               c.loc[has, "load"] / c.loc[has, "available"])
    slack = 1e-6 * np.maximum(1.0, c["available"])
    assert (c["planned"] <= c["available"] + c["overtime_hours"] + slack).all()
    assert (c["overtime_hours"] <= costs.overtime_fraction * c["available"] + slack).all()
    assert plan.totals.gap_hours == pytest.approx(float(c["gap_hours"].sum()))
    assert plan.totals.overtime_hours == pytest.approx(float(c["overtime_hours"].sum()))


def _cost(plan: object, costs: SupplyCosts) -> float:
    """The program's objective at a plan: holding + lost sales + overtime."""
    p, c = plan.production, plan.capacity  # type: ignore[attr-defined]
    uc = p["family"].map(lambda f: max(costs.unit_costs.get(f, 1.0), 0) or 1.0)
    return float((costs.holding_rate * uc * p["inventory"]).sum()
                 + (costs.shortage_penalty * uc * p["unmet"]).sum()
                 + costs.overtime_cost_per_hour * c["overtime_hours"].sum())


@settings(max_examples=40, deadline=None)
@given(instances(), st.floats(0.05, 0.9))
def test_cutting_capacity_never_makes_the_plan_cheaper(instance: tuple, keep: float) -> None:
    demand, routings, capacity, opening, costs = instance
    full = constrained_plan(demand, routings, capacity, opening_inventory=opening, costs=costs)
    cut = constrained_plan(demand, routings, capacity.assign(hours=capacity["hours"] * keep),
                           opening_inventory=opening, costs=costs)
    tol = 1e-5 * max(1.0, _cost(full, costs))
    assert _cost(cut, costs) >= _cost(full, costs) - tol
    assert cut.totals.gap_hours >= full.totals.gap_hours - 1e-6
