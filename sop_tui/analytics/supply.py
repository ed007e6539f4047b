"""The constrained supply plan, and the one capacity table every screen shows.

Provides:
- :class:`SupplyCosts` — the cost weights the plan trades off (holding, lost sales, overtime);
- :func:`constrained_plan` → :class:`SupplyPlan` — production, shipments, lost sales and stock
  per family and month, and load against capacity per resource and month, from the consensus,
  the routings, the capacity and the opening stock (the program is in
  :mod:`sop_tui.analytics.supply_program`);
- :class:`SupplyTotals` — the horizon's units, reconciled.

How the units reconcile, per family over the horizon (and in the totals)::

    demand        = from stock + from production + unmet
    opening stock + produced = from stock + from production + ending stock

``from stock`` is what the opening on-hand stock ships (it ships first), ``from production``
what the plan's own production ships, ``unmet`` the sales lost (not backlogged) because neither
could cover them; ``supplied`` = from stock + from production. A unit produced but not shipped
by the horizon's end is in the ending stock.

The capacity table (:func:`capacity_table`, ``SupplyPlan.capacity``), one row per resource and
month: ``available`` hours; ``load``, the hours each month's demand needs net of the opening
stock (stock ships first, then each month makes what it ships — the plan before any
pre-building); ``gap_hours = max(0, load − available)``, the hours short; ``utilisation =
load / available``; ``planned``, the hours the plan actually works after pre-building and
overtime, with ``overtime_hours`` and ``planned_utilisation``. A gap is where ``load`` exceeds
``available``: the supply review records an option for it, and the plan shows how it was
covered (earlier months' ``planned`` above their ``load``, overtime) or lost (``unmet``).

Families without a routing need no capacity: they produce their demand net of their opening
stock, and are listed in ``SupplyPlan.unconstrained_families``.

Frames follow ``sop_tui.data.schema``: codes are ``str``, months ``period[M]``, numbers float64.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sop_tui.analytics.supply_inputs import (
    capacity_matrix,
    demand_matrix,
    opening_stock,
    routing_matrix,
    unit_costs,
)
from sop_tui.analytics.supply_program import ZERO, SupplyCosts, solve

__all__ = ["CAPACITY_COLUMNS", "PRODUCTION_COLUMNS", "UNMET_COLUMNS", "SupplyCosts",
           "SupplyPlan", "SupplyTotals", "capacity_table", "constrained_plan", "first_from_stock"]

PRODUCTION_COLUMNS = ("family", "month", "demand", "from_stock", "from_production", "unmet",
                      "production", "inventory")
CAPACITY_COLUMNS = ("resource", "month", "available", "load", "gap_hours", "utilisation",
                    "planned", "overtime_hours", "planned_utilisation")
UNMET_COLUMNS = ("family", "month", "demand", "unmet")


@dataclass(frozen=True)
class SupplyTotals:
    """Horizon totals of a supply plan (units; hours for the last two).

    ``demand == from_stock + from_production + unmet`` and ``opening_stock + production ==
    supplied + ending_inventory`` (to the solver's tolerance).
    """

    demand: float
    opening_stock: float
    from_stock: float
    from_production: float
    unmet: float
    production: float
    ending_inventory: float
    average_inventory: float
    overtime_hours: float
    gap_hours: float

    @property
    def supplied(self) -> float:
        """Units shipped: from the opening stock and from production."""
        return self.from_stock + self.from_production

    @property
    def service_level(self) -> float:
        """Share of demand met, 1.0 when there is no demand."""
        return 1.0 if self.demand <= 0 else 1.0 - self.unmet / self.demand


@dataclass(frozen=True)
class SupplyPlan:
    """A constrained supply plan.

    Attributes:
        production: one row per family and month of the horizon, :data:`PRODUCTION_COLUMNS`:
            demand, shipped from stock and from production, unmet (lost), production, and
            month-end inventory.
        capacity: :func:`capacity_table` — one row per resource and month.
        unmet: the rows of ``production`` with unmet demand: ``[family, month, demand, unmet]``.
        totals: horizon totals, reconciled (see :class:`SupplyTotals`).
        status: ``"optimal"``, or ``"no routed families"`` when there was nothing to solve.
        unconstrained_families: families with no routing, planned as produce = demand net of
            stock.
    """

    production: pd.DataFrame
    capacity: pd.DataFrame
    unmet: pd.DataFrame
    totals: SupplyTotals
    status: str
    unconstrained_families: tuple[str, ...]


def first_from_stock(shipped: np.ndarray, opening: np.ndarray) -> np.ndarray:
    """How much of each month's shipments the opening stock covers, when stock ships first.

    Args:
        shipped: units shipped, family × month.
        opening: units on hand per family before the first month.
    """
    used = np.minimum(np.cumsum(shipped, axis=1), opening[:, None])
    return np.diff(used, axis=1, prepend=0.0)


def _chase(d: np.ndarray, opening: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Make each month what it ships beyond the opening stock (no pre-building, nothing lost):
    the production and month-end stock of that plan."""
    from_stock = first_from_stock(d, opening)
    x = np.maximum(d - from_stock, 0.0)  # no −1e-16 from the subtraction
    inv = opening[:, None] - np.cumsum(from_stock, axis=1)
    return x, np.maximum(inv, 0.0)


def capacity_table(available: pd.DataFrame, load: np.ndarray, planned: np.ndarray,
                   overtime: np.ndarray) -> pd.DataFrame:
    """The per-resource-month table every view of capacity shows (see the module docstring).

    Args:
        available: hours, resource × month (index resources, columns months).
        load: hours the demand net of the opening stock needs, same shape.
        planned: hours the plan works, same shape.
        overtime: overtime hours of the plan, same shape.
    """
    resources, horizon = available.index, available.columns
    hours = available.to_numpy()
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        utilisation = np.where(hours > 0, load / hours, np.nan)
        planned_utilisation = np.where(hours > 0, planned / hours, np.nan)
    return pd.DataFrame({
        "resource": np.repeat(resources.to_numpy(dtype=object), len(horizon)),
        "month": pd.PeriodIndex(np.tile(horizon, len(resources)), freq="M"),
        "available": hours.ravel(),
        "load": load.ravel(),
        "gap_hours": np.maximum(load - hours, 0.0).ravel(),
        "utilisation": utilisation.ravel(),
        "planned": planned.ravel(),
        "overtime_hours": overtime.ravel(),
        "planned_utilisation": planned_utilisation.ravel(),
    })


def constrained_plan(
    demand: pd.DataFrame,
    routings: pd.DataFrame,
    capacity: pd.DataFrame,
    *,
    opening_inventory: pd.Series | pd.DataFrame | None = None,
    costs: SupplyCosts | None = None,
) -> SupplyPlan:
    """Plan production that meets demand where capacity allows, pre-building when that pays.

    Unmet demand is lost (not backlogged); the opening stock ships first. See the module
    docstring for how the units reconcile and :mod:`sop_tui.analytics.supply_program` for the
    program.

    Args:
        demand: ``[family, month, units]`` — the consensus over the horizon. The horizon is every
            month from the first to the last; missing family-months count as 0.
        routings: ``[family, resource, hours_per_unit]``. Families with no row here are planned
            unconstrained (produce = demand net of opening stock) and reported.
        capacity: ``[resource, month, hours]``. Every routed resource needs a row for every month
            of the horizon (0 hours if it is down); other resources are reported with no load.
        opening_inventory: units on hand per family before the first month, as a Series indexed by
            family or a ``[family, units]`` frame. Default: none.
        costs: the cost weights; default :class:`SupplyCosts()`.

    Returns:
        The plan: frames ``production``, ``capacity`` and ``unmet``, totals, the solver status
        and the unconstrained families.

    Raises:
        ValueError: on missing columns, negative numbers, or routed resources without capacity.
        RuntimeError: if the solver fails (it should not: the program is always feasible).
    """
    costs = costs if costs is not None else SupplyCosts()
    d_frame, horizon = demand_matrix(demand)
    families = d_frame.index
    h_frame = routing_matrix(routings, families)
    routed = h_frame.index
    resources = list(h_frame.columns)
    cap_frame = capacity_matrix(capacity, resources, horizon)
    opening = opening_stock(opening_inventory, families)

    d = d_frame.to_numpy()
    chase_x, chase_inv = _chase(d, opening)
    x, inv = chase_x.copy(), chase_inv.copy()
    u = np.zeros_like(d)
    shape = (len(cap_frame.index), len(horizon))
    overtime, planned, load = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    status = "no routed families"
    if len(routed):
        pos = families.get_indexer(routed)
        h = h_frame.to_numpy()
        rows = cap_frame.index.get_indexer(resources)
        solution = solve(d[pos], h, cap_frame.to_numpy()[rows], opening[pos],
                         unit_costs(costs.unit_costs, routed), costs)
        x[pos], inv[pos], u[pos] = solution.x, solution.inventory, solution.unmet
        overtime[rows] = solution.overtime
        planned[rows] = h.T @ solution.x
        load[rows] = h.T @ chase_x[pos]
        status = "optimal"

    shipped = d - u
    from_stock = first_from_stock(shipped, opening)
    from_production = np.maximum(shipped - from_stock, 0.0)
    n_f, n_t = len(families), len(horizon)
    production = pd.DataFrame({
        "family": np.repeat(families.to_numpy(dtype=object), n_t),
        "month": pd.PeriodIndex(np.tile(horizon, n_f), freq="M"),
        "demand": d.ravel(),
        "from_stock": from_stock.ravel(),
        "from_production": from_production.ravel(),
        "unmet": u.ravel(),
        "production": x.ravel(),
        "inventory": inv.ravel(),
    })
    table = capacity_table(cap_frame, load, planned, overtime)
    totals = SupplyTotals(
        demand=float(d.sum()),
        opening_stock=float(opening.sum()),
        from_stock=float(from_stock.sum()),
        from_production=float(from_production.sum()),
        unmet=float(u.sum()),
        production=float(x.sum()),
        ending_inventory=float(inv[:, -1].sum()) if n_t else float(opening.sum()),
        average_inventory=float(inv.sum(axis=0).mean()) if n_t else 0.0,
        overtime_hours=float(overtime.sum()),
        gap_hours=float(table["gap_hours"].sum()),
    )
    unmet = production.loc[production["unmet"] > ZERO, list(UNMET_COLUMNS)].reset_index(drop=True)
    return SupplyPlan(
        production=production,
        capacity=table,
        unmet=unmet,
        totals=totals,
        status=status,
        unconstrained_families=tuple(str(f) for f in families[~families.isin(routed)]),
    )
