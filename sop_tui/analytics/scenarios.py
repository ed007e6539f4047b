"""Scenarios: named adjustments to the consensus, recomputed into supply and dollars.

Provides:
- :class:`ScenarioInputs` — the baseline every scenario adjusts (consensus demand, routings,
  capacity, prices, targets, opening inventory);
- :func:`validate`, :func:`apply_demand`, :func:`apply_capacity`, :func:`price_changes`;
- :func:`evaluate` → :class:`ScenarioResult` (the constrained plan, its dollars, totals);
- :func:`evaluate_all` and :func:`compare` — the side-by-side table, one row per measure
  (:data:`MEASURE_INFO`: key, label, kind) and one column per scenario, the unadjusted
  ``consensus`` first.

The adjustments themselves (:class:`Adjustment`, :class:`Scenario`, :func:`parse_adjustment`,
:func:`baseline`) are in :mod:`sop_tui.analytics.adjustments`. Demand and capacity never go
below zero.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sop_tui.analytics.adjustments import (
    ALL,
    BASELINE,
    KINDS,
    Adjustment,
    AdjustmentKind,
    Scenario,
    baseline,
    parse_adjustment,
)
from sop_tui.analytics.finance import plan_dollars, revenue_gap, revenue_gap_total
from sop_tui.analytics.supply import SupplyCosts, SupplyPlan, constrained_plan

__all__ = ["ALL", "BASELINE", "KINDS", "MEASURES", "MEASURE_INFO", "MEASURE_KINDS",
           "MEASURE_LABELS", "Adjustment", "AdjustmentKind", "Scenario", "ScenarioInputs",
           "ScenarioResult", "apply_capacity", "apply_demand", "baseline", "compare", "evaluate",
           "evaluate_all", "parse_adjustment", "price_changes", "validate"]

#: The measures of a scenario, in the order the comparison shows them (what the executives
#: decide on first, the detail after): key, label for people, and kind (``units``, ``hours``,
#: ``money``, ``pct``: how :mod:`sop_tui.formats` shows it). The units reconcile: demanded =
#: shipped from opening stock + shipped from production + unmet; supplied = the two shipped
#: lines (see :mod:`sop_tui.analytics.supply`).
MEASURE_INFO: tuple[tuple[str, str, str], ...] = (
    ("units_demanded", "Units demanded", "units"),
    ("units_supplied", "Units supplied", "units"),
    ("unmet_units", "Unmet (lost sales)", "units"),
    ("service_level", "Service level", "pct"),
    ("revenue", "Revenue", "money"),
    ("margin", "Margin", "money"),
    ("revenue_target", "Revenue target", "money"),
    ("gap_to_target", "Gap to target", "money"),
    ("overtime_hours", "Overtime hours", "hours"),
    ("average_inventory_value", "Average inventory ($)", "money"),
    ("hours_short", "Hours short (before pre-build)", "hours"),
    ("units_from_stock", "Shipped from opening stock", "units"),
    ("units_from_production", "Shipped from production", "units"),
    ("units_produced", "Units produced", "units"),
    ("cost", "Cost", "money"),
    ("average_inventory_units", "Average inventory (units)", "units"),
    ("ending_inventory_units", "Ending inventory (units)", "units"),
    ("ending_inventory_value", "Ending inventory ($)", "money"),
)
MEASURES: tuple[str, ...] = tuple(key for key, _, _ in MEASURE_INFO)
MEASURE_LABELS: dict[str, str] = {key: label for key, label, _ in MEASURE_INFO}
MEASURE_KINDS: dict[str, str] = {key: kind for key, _, kind in MEASURE_INFO}

@dataclass(frozen=True)
class ScenarioInputs:
    """The baseline every scenario adjusts.

    Attributes:
        demand: the consensus ``[family, month, units]`` over the horizon.
        routings: ``[family, resource, hours_per_unit]``.
        capacity: ``[resource, month, hours]``.
        prices: ``[family, unit_price, unit_cost]`` (see ``finance.family_prices``).
        targets: ``[month, revenue_target]``, or ``None`` (no gap is computed).
        opening_inventory: units per family before the first month (Series or
            ``[family, units]``), or ``None``.
        costs: the supply plan's cost weights; when its ``unit_costs`` is empty the prices'
            unit costs are used.
    """

    demand: pd.DataFrame
    routings: pd.DataFrame
    capacity: pd.DataFrame
    prices: pd.DataFrame
    targets: pd.DataFrame | None = None
    opening_inventory: pd.Series | pd.DataFrame | None = None
    costs: SupplyCosts = field(default_factory=SupplyCosts)


@dataclass(frozen=True)
class ScenarioResult:
    """A scenario, evaluated.

    Attributes:
        scenario: what was evaluated.
        demand: the adjusted demand ``[family, month, units]`` (every family and month).
        supply: the constrained plan.
        dollars: ``[family, month, units, revenue, cost, margin]`` of the units sold
            (demand − unmet), at the scenario's prices.
        gap: ``[month, revenue, revenue_target, gap]``, or ``None`` without targets.
        totals: each of :data:`MEASURES` (``revenue_target`` and ``gap_to_target`` are NaN
            without targets, and cover only months with a target).
    """

    scenario: Scenario
    demand: pd.DataFrame
    supply: SupplyPlan
    dollars: pd.DataFrame
    gap: pd.DataFrame | None
    totals: dict[str, float]

    @property
    def name(self) -> str:
        return self.scenario.name


def _horizon(demand: pd.DataFrame) -> pd.PeriodIndex:
    months = pd.PeriodIndex(demand["month"], freq="M")
    return pd.period_range(months.min(), months.max(), freq="M")


def validate(scenario: Scenario, base: ScenarioInputs) -> None:
    """Check every name and month range of a scenario against the baseline.

    Raises:
        ValueError: naming every unknown family or resource, and every month range that falls
            wholly outside the demand's horizon.
    """
    families = set(base.demand["family"].astype(str))
    resources = set(base.capacity["resource"].astype(str)) | set(
        base.routings["resource"].astype(str)
    )
    horizon = _horizon(base.demand)
    problems: list[str] = []
    unknown: dict[str, list[str]] = {"family": [], "resource": []}
    for adj in scenario.adjustments:
        known, name = (resources, "resource") if adj.kind == "capacity" else (families, "family")
        if adj.target != ALL and adj.target not in known:
            unknown[name].append(f"{adj.target} ({adj.kind} {adj.text()})")
        if adj.start is not None and not adj.month_mask(horizon).any():
            problems.append(
                f"{adj.kind} {adj.text()}: months outside the horizon {horizon[0]}..{horizon[-1]}"
            )
    named = [f"unknown {name}: {', '.join(items)}" for name, items in unknown.items() if items]
    problems = named + problems
    if problems:
        raise ValueError(f"scenario {scenario.name!r}: " + "; ".join(problems))


def _apply(
    frame: pd.DataFrame, key: str, value: str, adjustments: Sequence[Adjustment]
) -> pd.DataFrame:
    keys = frame[key].astype(str).to_numpy()
    months = pd.PeriodIndex(frame["month"], freq="M")
    values = frame[value].astype("float64").to_numpy().copy()
    for adj in adjustments:
        mask = adj.month_mask(months)
        if adj.target != ALL:
            mask &= keys == adj.target
        factor, offset = adj.factor_and_offset()
        # Clip each step: demand and hours cannot go negative, even in between.
        values[mask] = np.maximum(values[mask] * factor + offset, 0.0)
    return frame.assign(**{value: values})


def _complete(demand: pd.DataFrame) -> pd.DataFrame:
    """Every family × month of the horizon, so a unit adjustment has a row to land on."""
    horizon = _horizon(demand)
    families = sorted(set(demand["family"].astype(str)))
    grid = pd.MultiIndex.from_product([families, horizon], names=["family", "month"])
    summed = demand.groupby(
        [demand["family"].astype(str), pd.PeriodIndex(demand["month"], freq="M")]
    )["units"].sum()
    summed.index.names = ["family", "month"]
    full = summed.reindex(grid, fill_value=0.0).astype("float64")
    return pd.DataFrame(
        {
            "family": full.index.get_level_values("family").to_numpy(dtype=object),
            "month": pd.PeriodIndex(full.index.get_level_values("month"), freq="M"),
            "units": full.to_numpy(),
        }
    )


def apply_demand(demand: pd.DataFrame, adjustments: Sequence[Adjustment]) -> pd.DataFrame:
    """The demand with adjustments applied, as ``[family, month, units]`` over the full grid."""
    return _apply(_complete(demand), "family", "units", adjustments)


def apply_capacity(capacity: pd.DataFrame, adjustments: Sequence[Adjustment]) -> pd.DataFrame:
    """The capacity with adjustments applied (same rows as given)."""
    return _apply(capacity, "resource", "hours", adjustments)


def price_changes(adjustments: Sequence[Adjustment], families: Iterable[str]) -> dict[str, float]:
    """Compounded fractional price change per family (``{"A": 0.1}`` is +10 %)."""
    factor = dict.fromkeys(families, 1.0)
    for adj in adjustments:
        for family in factor if adj.target == ALL else [adj.target]:
            factor[family] *= 1.0 + adj.amount / 100.0
    return {family: f - 1.0 for family, f in factor.items() if f != 1.0}


def evaluate(scenario: Scenario, base: ScenarioInputs) -> ScenarioResult:
    """Apply a scenario to the baseline and recompute the supply plan and its dollars.

    Revenue, cost and margin are of the units sold (demand − unmet, since unmet sales are lost);
    inventory is valued at unit cost: its average over the horizon's month-ends, and the last.
    The totals (:data:`MEASURES`) are the plan's own (:class:`~sop_tui.analytics.supply.
    SupplyTotals`): demanded = from stock + from production + unmet.

    Raises:
        ValueError: if :func:`validate` finds unknown names or months, or a family has no price.
    """
    validate(scenario, base)
    demand = apply_demand(base.demand, scenario.demand)
    capacity = apply_capacity(base.capacity, scenario.capacity)
    costs = base.costs
    if not costs.unit_costs:
        table = base.prices.assign(family=base.prices["family"].astype(str))
        costs = dataclasses.replace(
            costs, unit_costs=dict(zip(table["family"], table["unit_cost"], strict=True))
        )
    plan = constrained_plan(
        demand,
        base.routings,
        capacity,
        opening_inventory=base.opening_inventory,
        costs=costs,
    )
    production = plan.production
    sold = pd.DataFrame(
        {
            "family": production["family"],
            "month": production["month"],
            "units": production["demand"] - production["unmet"],
        }
    )
    changes = price_changes(scenario.price, sorted(set(demand["family"])))
    dollars = plan_dollars(sold, base.prices, price_change=changes)

    unit_cost = base.prices.assign(family=base.prices["family"].astype(str)).set_index("family")[
        "unit_cost"
    ]
    value = production["inventory"] * production["family"].map(unit_cost).fillna(0.0)
    last = production["month"] == production["month"].max()
    months = max(production["month"].nunique(), 1)

    gap = None
    target_total = {"revenue_target": math.nan, "gap": math.nan}
    if base.targets is not None:
        gap = revenue_gap(dollars, base.targets)
        target_total = revenue_gap_total(gap)
    t = plan.totals
    totals = {
        "units_demanded": t.demand,
        "units_from_stock": t.from_stock,
        "units_from_production": t.from_production,
        "unmet_units": t.unmet,
        "units_supplied": t.supplied,
        "service_level": t.service_level,
        "units_produced": t.production,
        "revenue": float(dollars["revenue"].sum()),
        "cost": float(dollars["cost"].sum()),
        "margin": float(dollars["margin"].sum()),
        "average_inventory_units": t.average_inventory,
        "average_inventory_value": float(value.sum()) / months,
        "ending_inventory_units": t.ending_inventory,
        "ending_inventory_value": float(value[last].sum()),
        "overtime_hours": t.overtime_hours,
        "hours_short": t.gap_hours,
        "revenue_target": float(target_total["revenue_target"]),
        "gap_to_target": float(target_total["gap"]),
    }
    return ScenarioResult(scenario, demand, plan, dollars, gap, totals)


def evaluate_all(scenarios: Iterable[Scenario], base: ScenarioInputs) -> list[ScenarioResult]:
    """The baseline ``consensus`` followed by each scenario, evaluated."""
    others = [s for s in scenarios if s.name != BASELINE]
    return [evaluate(s, base) for s in [baseline(), *others]]


def compare(results: Sequence[ScenarioResult]) -> pd.DataFrame:
    """Scenarios side by side.

    Args:
        results: evaluated scenarios; one named ``consensus`` (the baseline) is put first, the
            rest keep their order.

    Returns:
        A frame indexed by measure (:data:`MEASURES`, in that order) with one float column per
        scenario.

    Raises:
        ValueError: if two results share a name.
    """
    names = [r.name for r in results]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"scenario names must differ: {', '.join(duplicates)}")
    ordered = sorted(results, key=lambda r: r.name != BASELINE)  # stable: keeps the rest's order
    table = pd.DataFrame(
        {r.name: [r.totals[m] for m in MEASURES] for r in ordered},
        index=pd.Index(MEASURES, name="measure"),
        dtype="float64",
    )
    return table
