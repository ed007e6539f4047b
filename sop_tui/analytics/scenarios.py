"""Scenarios: named adjustments to the consensus, recomputed into supply and dollars.

Provides:
- :class:`Adjustment` and :func:`parse_adjustment` — one change to demand, capacity or price, and
  the CLI syntax for it (``FAMILY:+10%:2027-01..2027-06``, ``RESOURCE:+200h:2027-03``,
  ``FAMILY:+3%``);
- :class:`Scenario` — a named, frozen set of adjustments, JSON-safe through ``to_dict`` /
  ``from_dict`` (the payload of the scenario event);
- :class:`ScenarioInputs` — the baseline every scenario adjusts (consensus demand, routings,
  capacity, prices, targets, opening inventory);
- :func:`validate`, :func:`apply_demand`, :func:`apply_capacity`, :func:`price_changes`;
- :func:`evaluate` → :class:`ScenarioResult` (the constrained plan, its dollars, totals);
- :func:`baseline`, :func:`evaluate_all` and :func:`compare` — the side-by-side table, one row per
  measure and one column per scenario, the unadjusted ``consensus`` first.

Adjustments apply in the order given and compound: ``+10%`` then ``-500`` on the same month is
``units × 1.1 − 500``. Demand and capacity never go below zero. A unit or hour amount is added to
each month of its range (``FAMILY:-500:2027-01..2027-03`` removes 500 a month, 1,500 in all).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from sop_tui.analytics.finance import plan_dollars, revenue_gap, revenue_gap_total
from sop_tui.analytics.supply import SupplyCosts, SupplyPlan, constrained_plan

AdjustmentKind = Literal["demand", "capacity", "price"]
KINDS: tuple[AdjustmentKind, ...] = ("demand", "capacity", "price")
ALL = "*"
BASELINE = "consensus"

EXPECTED: dict[str, str] = {
    "demand": "FAMILY:+10%[:2027-01..2027-06] or FAMILY:-500[:2027-03] (units a month); "
    "FAMILY may be * for all",
    "capacity": "RESOURCE:+15%[:2027-01..2027-03] or RESOURCE:+200h[:2027-01] (hours a month); "
    "RESOURCE may be * for all",
    "price": "FAMILY:+3% (FAMILY may be * for all)",
}

_AMOUNT = re.compile(r"^([+-]?)(\d+(?:\.\d*)?|\.\d+)\s*(%|h)?$")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

# The measures of a scenario, in the order the comparison shows them.
MEASURES: tuple[str, ...] = (
    "units_demanded",
    "units_supplied",
    "unmet_units",
    "service_level",
    "revenue",
    "cost",
    "margin",
    "ending_inventory_units",
    "ending_inventory_value",
    "revenue_target",
    "gap_to_target",
    "overtime_hours",
)


@dataclass(frozen=True)
class Adjustment:
    """One change to the consensus.

    Attributes:
        kind: ``demand``, ``capacity`` or ``price``.
        target: the family (demand, price) or resource (capacity), or ``"*"`` for all.
        amount: signed: percent when ``unit == "%"``, else units or hours added per month.
        unit: ``"%"``, ``"units"`` (demand) or ``"hours"`` (capacity).
        start: first month (``"YYYY-MM"``), or ``None`` for the whole horizon.
        end: last month, inclusive (equal to ``start`` for one month; ``None`` with ``start``).
    """

    kind: AdjustmentKind
    target: str
    amount: float
    unit: Literal["%", "units", "hours"]
    start: str | None = None
    end: str | None = None

    def text(self) -> str:
        """The CLI form, which :func:`parse_adjustment` reads back."""
        suffix = {"%": "%", "units": "", "hours": "h"}[self.unit]
        amount = f"{self.amount:+g}{suffix}"
        if self.start is None:
            return f"{self.target}:{amount}"
        months = self.start if self.start == self.end else f"{self.start}..{self.end}"
        return f"{self.target}:{amount}:{months}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (strings, a float, ``None``)."""
        return {
            "kind": self.kind,
            "target": self.target,
            "amount": float(self.amount),
            "unit": self.unit,
            "start": self.start,
            "end": self.end,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Adjustment:
        """Read :meth:`to_dict` output back (checked as the parser checks text)."""
        adjustment = cls(
            kind=data["kind"],
            target=str(data["target"]),
            amount=float(data["amount"]),
            unit=data["unit"],
            start=data.get("start"),
            end=data.get("end"),
        )
        # Round-trip through the parser so a hand-edited payload is held to the same rules.
        return parse_adjustment(adjustment.kind, adjustment.text())

    def month_mask(self, months: pd.PeriodIndex) -> np.ndarray:
        """Which of ``months`` this adjustment covers."""
        if self.start is None:
            return np.ones(len(months), dtype=bool)
        start = pd.Period(self.start, freq="M")
        end = pd.Period(self.end or self.start, freq="M")
        return np.asarray((months >= start) & (months <= end))

    def factor_and_offset(self) -> tuple[float, float]:
        """The change as ``new = old × factor + offset``."""
        if self.unit == "%":
            return 1.0 + self.amount / 100.0, 0.0
        return 1.0, self.amount


def _bad(kind: str, text: str, problem: str) -> ValueError:
    return ValueError(f"{kind} adjustment {text!r}: {problem}; expected {EXPECTED[kind]}")


def parse_adjustment(kind: str, text: str) -> Adjustment:
    """Read one adjustment in the CLI syntax.

    Forms: demand ``FAMILY:+10%``, ``FAMILY:+10%:2027-01..2027-06``, ``FAMILY:-500:2027-03``
    (units a month); capacity ``RESOURCE:+15%``, ``RESOURCE:+200h:2027-01..2027-03`` (hours a
    month); price ``FAMILY:+3%``. ``*`` as the family or resource means all of them. The sign
    may be left off (``10%`` is ``+10%``).

    Args:
        kind: ``demand``, ``capacity`` or ``price``.
        text: the adjustment.

    Returns:
        The adjustment.

    Raises:
        ValueError: naming the part that is wrong and showing the expected form.
    """
    if kind not in KINDS:
        raise ValueError(f"adjustment kind {kind!r} is not one of {', '.join(KINDS)}")
    parts = [p.strip() for p in text.strip().split(":")]
    if len(parts) not in (2, 3):
        plural = "" if len(parts) == 1 else "s"
        raise _bad(kind, text, f"has {len(parts)} part{plural} separated by ':', not 2 or 3")
    name = "resource" if kind == "capacity" else "family"
    target = parts[0]
    if not target:
        raise _bad(kind, text, f"the {name} is missing")

    match = _AMOUNT.match(parts[1].replace(" ", ""))
    if match is None:
        raise _bad(kind, text, f"the amount {parts[1]!r} is not a signed number")
    sign, digits, suffix = match.groups()
    amount = float(digits) * (-1.0 if sign == "-" else 1.0)
    unit: Literal["%", "units", "hours"]
    if suffix == "%":
        unit = "%"
    elif kind == "demand" and suffix is None:
        unit = "units"
    elif kind == "capacity" and suffix == "h":
        unit = "hours"
    elif kind == "demand":
        raise _bad(kind, text, f"the amount {parts[1]!r} is in hours; demand is % or units")
    elif kind == "capacity":
        raise _bad(kind, text, f"the amount {parts[1]!r} needs % or h (hours)")
    else:
        raise _bad(kind, text, f"the amount {parts[1]!r} must be a percent")
    if unit == "%" and amount <= -100:
        raise _bad(kind, text, f"the amount {parts[1]!r} would remove everything or more")

    start = end = None
    if len(parts) == 3:
        if kind == "price":
            raise _bad(kind, text, "price changes apply to the whole horizon; drop the months")
        start, _, end = parts[2].partition("..")
        end = end or start
        for month in (start, end):
            if not _MONTH.match(month):
                raise _bad(kind, text, f"the month {month!r} is not YYYY-MM")
        if start > end:
            raise _bad(kind, text, f"the months run backwards ({start} after {end})")
    return Adjustment(kind, target, amount, unit, start, end)  # type: ignore[arg-type]


def _coerce(kind: AdjustmentKind, items: Iterable[Adjustment | str | Mapping[str, Any]]) -> tuple:
    out = []
    for item in items:
        if isinstance(item, str):
            item = parse_adjustment(kind, item)
        elif isinstance(item, Mapping):
            item = Adjustment.from_dict({"kind": kind, **item})
        if not isinstance(item, Adjustment) or item.kind != kind:
            raise ValueError(f"a {kind} adjustment was expected, got {item!r}")
        out.append(item)
    return tuple(out)


@dataclass(frozen=True)
class Scenario:
    """A named, frozen set of adjustments to the consensus.

    Adjustments may be given as :class:`Adjustment` values, CLI strings or dicts; they are stored
    as a tuple of :class:`Adjustment`.
    """

    name: str
    description: str = ""
    demand: tuple[Adjustment, ...] = ()
    capacity: tuple[Adjustment, ...] = ()
    price: tuple[Adjustment, ...] = ()

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a scenario needs a name")
        for kind in KINDS:
            # Frozen: normalise through object.__setattr__, once, at construction.
            object.__setattr__(self, kind, _coerce(kind, getattr(self, kind)))

    @property
    def adjustments(self) -> tuple[Adjustment, ...]:
        """All adjustments: demand, then capacity, then price."""
        return self.demand + self.capacity + self.price

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form for the event payload."""
        return {
            "name": self.name,
            "description": self.description,
            **{kind: [a.to_dict() for a in getattr(self, kind)] for kind in KINDS},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scenario:
        """Read :meth:`to_dict` output (adjustments may also be CLI strings)."""
        return cls(
            name=str(data["name"]),
            description=str(data.get("description", "")),
            **{kind: tuple(data.get(kind, ())) for kind in KINDS},
        )


def baseline() -> Scenario:
    """The consensus as agreed: no adjustments."""
    return Scenario(BASELINE, "The consensus plan, no adjustments")


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
    ending inventory is the last month's, valued at unit cost.

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

    last = production[production["month"] == production["month"].max()]
    unit_cost = base.prices.assign(family=base.prices["family"].astype(str)).set_index("family")[
        "unit_cost"
    ]
    ending_value = float((last["inventory"] * last["family"].map(unit_cost)).sum())

    gap = None
    target_total = {"revenue_target": math.nan, "gap": math.nan}
    if base.targets is not None:
        gap = revenue_gap(dollars, base.targets)
        target_total = revenue_gap_total(gap)
    totals = {
        "units_demanded": plan.totals.demand,
        "units_supplied": float(sold["units"].sum()),
        "unmet_units": plan.totals.unmet,
        "service_level": plan.totals.service_level,
        "revenue": float(dollars["revenue"].sum()),
        "cost": float(dollars["cost"].sum()),
        "margin": float(dollars["margin"].sum()),
        "ending_inventory_units": plan.totals.ending_inventory,
        "ending_inventory_value": ending_value,
        "revenue_target": float(target_total["revenue_target"]),
        "gap_to_target": float(target_total["gap"]),
        "overtime_hours": plan.totals.overtime_hours,
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
