"""The constrained supply plan: a linear program over families, resources and months.

Provides:
- :class:`SupplyCosts` — the cost weights the plan trades off (holding, shortage, overtime);
- :func:`constrained_plan` — production, inventory and unmet demand per family and month that
  respects work-centre capacity, solved with HiGHS (:mod:`sop_tui.analytics.lp`);
- :func:`unconstrained_load` — the hours the demand would need if every family simply produced
  what it sells, against the hours available (the supply review's first picture);
- :class:`SupplyPlan` / :class:`SupplyTotals` — the result.

The model, per routed family ``f``, month ``t`` and resource ``r``::

    minimise   Σ holding[f]·I[f,t] + Σ shortage[f]·u[f,t] + Σ overtime_cost·o[r,t]
    subject to I[f,t] = I[f,t-1] + x[f,t] − (d[f,t] − u[f,t])      (I[f,-1] = opening inventory)
               Σ_f h[f,r]·x[f,t] ≤ cap[r,t] + o[r,t]
               x, I ≥ 0;  0 ≤ u[f,t] ≤ d[f,t];  0 ≤ o[r,t] ≤ overtime_fraction·cap[r,t]

Unmet demand is a **lost sale**: it is not backlogged into the next month. Because holding stock
costs less than missing a sale, the program pre-builds in earlier months with spare capacity, as
late as it can; what it still cannot make is reported as unmet.

Families without a routing need no capacity and are planned unconstrained: they produce their
demand, net of any opening inventory. They are listed in ``SupplyPlan.unconstrained_families``.

Frames follow ``sop_tui.data.schema``: codes are ``str``, months ``period[M]``, numbers float64.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

# Values the solver returns within this of zero are zero (HiGHS works to ~1e-7 feasibility).
_ZERO = 1e-7

PRODUCTION_COLUMNS = ("family", "month", "demand", "production", "unmet", "inventory")
CAPACITY_COLUMNS = (
    "resource",
    "month",
    "available",
    "load",
    "utilisation",
    "gap_hours",
    "overtime_hours",
)
UNMET_COLUMNS = ("family", "month", "demand", "unmet")
LOAD_COLUMNS = ("resource", "month", "available", "load", "gap_hours")


@dataclass(frozen=True)
class SupplyCosts:
    """Cost weights of the supply plan.

    Holding and shortage costs scale with each family's unit cost, so the plan does not depend on
    the currency; a family with no (or a non-positive) unit cost counts as costing 1.

    Attributes:
        holding_rate: cost of holding one unit for one month, as a fraction of its unit cost
            (0.02 = 2 % a month, about 24 % a year).
        shortage_penalty: cost of one unit of lost sales, as a multiple of its unit cost. Must be
            much larger than ``holding_rate`` for the plan to pre-build.
        unit_costs: unit cost per family (money). Missing families count as 1.
        overtime_fraction: extra hours allowed per resource and month, as a fraction of its
            capacity (0 = no overtime, the default).
        overtime_cost_per_hour: cost of one overtime hour (money, same scale as ``unit_costs``).
    """

    holding_rate: float = 0.02
    shortage_penalty: float = 10.0
    unit_costs: Mapping[str, float] = field(default_factory=dict)
    overtime_fraction: float = 0.0
    overtime_cost_per_hour: float = 0.0

    def __post_init__(self) -> None:
        for name in ("holding_rate", "shortage_penalty", "overtime_fraction"):
            if getattr(self, name) < 0:
                raise ValueError(f"SupplyCosts.{name} must be ≥ 0, got {getattr(self, name)}")
        if self.overtime_cost_per_hour < 0:
            raise ValueError(
                f"SupplyCosts.overtime_cost_per_hour must be ≥ 0, got {self.overtime_cost_per_hour}"
            )


@dataclass(frozen=True)
class SupplyTotals:
    """Horizon totals of a supply plan (units and hours)."""

    demand: float
    production: float
    unmet: float
    ending_inventory: float
    overtime_hours: float

    @property
    def service_level(self) -> float:
        """Share of demand met, 1.0 when there is no demand."""
        return 1.0 if self.demand <= 0 else 1.0 - self.unmet / self.demand


@dataclass(frozen=True)
class SupplyPlan:
    """A constrained supply plan.

    Attributes:
        production: one row per family and month of the horizon:
            ``[family, month, demand, production, unmet, inventory]`` (inventory at month end).
        capacity: one row per resource and month:
            ``[resource, month, available, load, utilisation, gap_hours, overtime_hours]``;
            ``load`` is the plan's hours, ``utilisation = load / available`` (NaN when nothing is
            available), ``gap_hours`` the hours the unconstrained plan (produce = demand) would
            need beyond ``available`` (positive where capacity binds).
        unmet: the rows of ``production`` with unmet demand: ``[family, month, demand, unmet]``.
        totals: horizon totals.
        status: the solver's status (``"optimal"``, or ``"no routed families"`` when there was
            nothing to solve).
        unconstrained_families: families with no routing, planned as produce = demand.
    """

    production: pd.DataFrame
    capacity: pd.DataFrame
    unmet: pd.DataFrame
    totals: SupplyTotals
    status: str
    unconstrained_families: tuple[str, ...]


def _horizon(demand: pd.DataFrame) -> pd.PeriodIndex:
    if demand.empty:
        raise ValueError("demand is empty: the supply plan needs at least one family and month")
    months = pd.PeriodIndex(demand["month"], freq="M")
    return pd.period_range(months.min(), months.max(), freq="M")


def _demand_matrix(demand: pd.DataFrame) -> tuple[pd.DataFrame, pd.PeriodIndex]:
    """Demand as a family × month matrix over a gap-free horizon (missing cells are 0)."""
    missing = {"family", "month", "units"} - set(demand.columns)
    if missing:
        raise ValueError(f"demand needs columns family, month, units; missing {sorted(missing)}")
    horizon = _horizon(demand)
    frame = demand.assign(
        family=demand["family"].astype(str), month=pd.PeriodIndex(demand["month"], freq="M")
    )
    units = frame["units"].astype("float64")
    if units.isna().any() or (units < 0).any():
        bad = frame.loc[units.isna() | (units < 0), ["family", "month"]].iloc[0]
        raise ValueError(
            f"demand units must be numbers ≥ 0: family {bad['family']} month {bad['month']}"
        )
    matrix = (
        frame.assign(units=units)
        .pivot_table(index="family", columns="month", values="units", aggfunc="sum")
        .reindex(columns=horizon, fill_value=0.0)
        .fillna(0.0)
        .sort_index()
    )
    return matrix.astype("float64"), horizon


def _capacity_matrix(
    capacity: pd.DataFrame, resources: list[str], horizon: pd.PeriodIndex
) -> pd.DataFrame:
    """Hours per resource × month over the horizon; every routed resource must be covered."""
    frame = capacity.assign(
        resource=capacity["resource"].astype(str),
        month=pd.PeriodIndex(capacity["month"], freq="M"),
        hours=capacity["hours"].astype("float64"),
    )
    frame = frame[frame["month"].isin(horizon)]
    matrix = frame.pivot_table(index="resource", columns="month", values="hours", aggfunc="sum")
    all_resources = sorted(set(matrix.index) | set(resources))
    matrix = matrix.reindex(index=all_resources, columns=horizon)
    gaps = matrix.loc[resources].isna()
    if gaps.to_numpy().any():
        lines = []
        for resource, row in gaps.iterrows():
            months = [str(m) for m in row.index[row.to_numpy()]]
            if months:
                shown = ", ".join(months[:6]) + (" …" if len(months) > 6 else "")
                lines.append(f"{resource} ({shown})")
        raise ValueError(
            "capacity has no hours for routed resources in months of the horizon: "
            + "; ".join(lines)
            + " — add capacity rows (0 hours if the resource is down)"
        )
    return matrix.fillna(0.0).astype("float64")


def _routing_matrix(routings: pd.DataFrame, families: pd.Index) -> pd.DataFrame:
    """Hours per unit as a routed-family × resource matrix (families in the demand only)."""
    missing = {"family", "resource", "hours_per_unit"} - set(routings.columns)
    if missing:
        raise ValueError(
            f"routings need columns family, resource, hours_per_unit; missing {sorted(missing)}"
        )
    frame = routings.assign(
        family=routings["family"].astype(str),
        resource=routings["resource"].astype(str),
        hours_per_unit=routings["hours_per_unit"].astype("float64"),
    )
    frame = frame[frame["family"].isin(families)]
    if (frame["hours_per_unit"] < 0).any():
        raise ValueError("routings hours_per_unit must be ≥ 0")
    return (
        frame.pivot_table(
            index="family", columns="resource", values="hours_per_unit", aggfunc="sum"
        )
        .fillna(0.0)
        .sort_index()
        .sort_index(axis=1)
        .astype("float64")
    )


def _opening(opening_inventory: pd.Series | pd.DataFrame | None, families: pd.Index) -> np.ndarray:
    if opening_inventory is None:
        return np.zeros(len(families))
    if isinstance(opening_inventory, pd.DataFrame):
        if not {"family", "units"} <= set(opening_inventory.columns):
            raise ValueError("opening inventory frame needs columns family, units")
        series = opening_inventory.groupby(opening_inventory["family"].astype(str))["units"].sum()
    else:
        series = opening_inventory.copy()
        series.index = series.index.astype(str)
        series = series.groupby(level=0).sum()
    values = series.astype("float64").reindex(families, fill_value=0.0).fillna(0.0).to_numpy()
    if (values < 0).any():
        raise ValueError("opening inventory must be ≥ 0")
    return values


def _unit_costs(costs: SupplyCosts, families: pd.Index) -> np.ndarray:
    values = np.array([float(costs.unit_costs.get(f, 1.0)) for f in families], dtype="float64")
    # A free or unknown item would make holding and shortage costless; weigh it as 1 instead.
    values[~(values > 0)] = 1.0
    return values


def _solve(
    d: np.ndarray,
    h: np.ndarray,
    cap: np.ndarray,
    opening: np.ndarray,
    unit_cost: np.ndarray,
    costs: SupplyCosts,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, str]:
    """Solve the LP. Shapes: d (F, T), h (F, R), cap (R, T), opening (F,), unit_cost (F,).

    Returns x, I, u (each F × T), overtime o (R × T) and the status text.
    """
    from sop_tui.analytics.lp import LpFailed, Triplets, solve_lp

    n_f, n_t = d.shape
    n_r = h.shape[1]
    n = n_f * n_t  # variables per block; index of (f, t) is f * n_t + t
    overtime = costs.overtime_fraction > 0
    n_o = n_r * n_t if overtime else 0
    ft = np.arange(n)

    c = np.concatenate(
        [
            np.zeros(n),  # production carries no cost of its own
            np.repeat(costs.holding_rate * unit_cost, n_t),
            np.repeat(costs.shortage_penalty * unit_cost, n_t),
            np.full(n_o, costs.overtime_cost_per_hour),
        ]
    )

    # Balance: I[f,t] − I[f,t−1] − x[f,t] − u[f,t] = −d[f,t]  (+ opening in the first month).
    t_of = ft % n_t
    has_prev = t_of > 0
    rows = np.concatenate([ft, ft[has_prev], ft, ft])
    cols = np.concatenate([n + ft, n + ft[has_prev] - 1, ft, 2 * n + ft])
    vals = np.concatenate([np.ones(n), -np.ones(int(has_prev.sum())), -np.ones(n), -np.ones(n)])
    eq_rows, eq_cols, eq_vals = rows, cols, vals
    b_eq = -d.ravel()
    b_eq[t_of == 0] += opening

    # Capacity: Σ_f h[f,r]·x[f,t] − o[r,t] ≤ cap[r,t]; row index r * n_t + t.
    f_idx, r_idx = np.nonzero(h)
    t_rep = np.tile(np.arange(n_t), len(f_idx))
    rows = np.repeat(r_idx, n_t) * n_t + t_rep
    cols = np.repeat(f_idx, n_t) * n_t + t_rep
    vals = np.repeat(h[f_idx, r_idx], n_t)
    if overtime:
        rt = np.arange(n_r * n_t)
        rows = np.concatenate([rows, rt])
        cols = np.concatenate([cols, 3 * n + rt])
        vals = np.concatenate([vals, -np.ones(n_r * n_t)])
    # one matrix: the balance rows (equalities) first, then the capacity rows (≤ cap)
    a = Triplets(np.concatenate([eq_rows, rows + n]).astype(np.int64),
                 np.concatenate([eq_cols, cols]).astype(np.int64),
                 np.concatenate([eq_vals, vals]), (n + n_r * n_t, 3 * n + n_o))
    b_ub = cap.ravel()

    upper = np.concatenate(
        [
            np.full(2 * n, np.inf),
            d.ravel(),  # cannot lose more than was demanded
            costs.overtime_fraction * cap.ravel() if overtime else np.empty(0),
        ]
    )
    try:
        solution = solve_lp(c, a, np.concatenate([b_eq, np.full(n_r * n_t, -np.inf)]),
                            np.concatenate([b_eq, b_ub]), np.zeros(3 * n + n_o), upper)
    except LpFailed as exc:
        # The program is always feasible (lose every sale); anything else is a solver failure.
        raise RuntimeError(f"supply plan: the solver did not finish: {exc}") from exc
    sol = np.where(np.abs(solution) < _ZERO, 0.0, solution)
    sol = np.maximum(sol, 0.0)
    x = sol[:n].reshape(n_f, n_t)
    inv = sol[n : 2 * n].reshape(n_f, n_t)
    u = sol[2 * n : 3 * n].reshape(n_f, n_t)
    o = sol[3 * n :].reshape(n_r, n_t) if overtime else np.zeros((n_r, n_t))
    return x, inv, u, o, "optimal"


def _unconstrained(d: np.ndarray, opening: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Produce demand net of opening stock: stock is used first, then production covers the rest."""
    cum = np.cumsum(d, axis=1)
    cum_x = np.maximum(cum - opening[:, None], 0.0)
    x = np.diff(cum_x, axis=1, prepend=0.0)
    inv = np.maximum(opening[:, None] - cum, 0.0)
    return x, inv


def _capacity_frame(
    cap: pd.DataFrame, load: np.ndarray, need: np.ndarray, overtime: np.ndarray
) -> pd.DataFrame:
    resources, horizon = cap.index, cap.columns
    available = cap.to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        utilisation = np.where(available > 0, load / available, np.nan)
    return pd.DataFrame(
        {
            "resource": np.repeat(resources.to_numpy(dtype=object), len(horizon)),
            "month": pd.PeriodIndex(np.tile(horizon, len(resources)), freq="M"),
            "available": available.ravel(),
            "load": load.ravel(),
            "utilisation": utilisation.ravel(),
            "gap_hours": np.maximum(need - available, 0.0).ravel(),
            "overtime_hours": overtime.ravel(),
        }
    )


def constrained_plan(
    demand: pd.DataFrame,
    routings: pd.DataFrame,
    capacity: pd.DataFrame,
    *,
    opening_inventory: pd.Series | pd.DataFrame | None = None,
    costs: SupplyCosts | None = None,
) -> SupplyPlan:
    """Plan production that meets demand where capacity allows, pre-building when that pays.

    Unmet demand is lost (not backlogged). See the module docstring for the program.

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
    d_frame, horizon = _demand_matrix(demand)
    families = d_frame.index
    h_frame = _routing_matrix(routings, families)
    routed = h_frame.index
    resources = list(h_frame.columns)
    cap_frame = _capacity_matrix(capacity, resources, horizon)
    opening = _opening(opening_inventory, families)

    d = d_frame.to_numpy()
    n_t = len(horizon)
    x = np.zeros_like(d)
    inv = np.zeros_like(d)
    u = np.zeros_like(d)
    free = ~families.isin(routed)
    x[free], inv[free] = _unconstrained(d[free], opening[free])

    overtime = np.zeros((len(cap_frame.index), n_t))
    load = np.zeros((len(cap_frame.index), n_t))
    need = np.zeros((len(cap_frame.index), n_t))
    status = "no routed families"
    if len(routed):
        pos = families.get_indexer(routed)
        h = h_frame.to_numpy()
        cap_rows = cap_frame.index.get_indexer(resources)
        cap = cap_frame.to_numpy()[cap_rows]
        xr, ir, ur, orr, status = _solve(
            d[pos], h, cap, opening[pos], _unit_costs(costs, routed), costs
        )
        x[pos], inv[pos], u[pos] = xr, ir, ur
        overtime[cap_rows] = orr
        load[cap_rows] = h.T @ xr
        need[cap_rows] = h.T @ d[pos]

    n_f = len(families)
    production = pd.DataFrame(
        {
            "family": np.repeat(families.to_numpy(dtype=object), n_t),
            "month": pd.PeriodIndex(np.tile(horizon, n_f), freq="M"),
            "demand": d.ravel(),
            "production": x.ravel(),
            "unmet": u.ravel(),
            "inventory": inv.ravel(),
        }
    )
    unmet = production.loc[production["unmet"] > _ZERO, list(UNMET_COLUMNS)].reset_index(drop=True)
    totals = SupplyTotals(
        demand=float(d.sum()),
        production=float(x.sum()),
        unmet=float(u.sum()),
        ending_inventory=float(inv[:, -1].sum()),
        overtime_hours=float(overtime.sum()),
    )
    return SupplyPlan(
        production=production,
        capacity=_capacity_frame(cap_frame, load, need, overtime),
        unmet=unmet,
        totals=totals,
        status=status,
        unconstrained_families=tuple(str(f) for f in families[free]),
    )


def unconstrained_load(
    demand: pd.DataFrame, routings: pd.DataFrame, capacity: pd.DataFrame
) -> pd.DataFrame:
    """The hours each resource would need if every family produced exactly its demand.

    Args:
        demand: ``[family, month, units]`` over the horizon.
        routings: ``[family, resource, hours_per_unit]``.
        capacity: ``[resource, month, hours]``, covering the horizon for every routed resource.

    Returns:
        ``[resource, month, available, load, gap_hours]``, one row per resource and month of the
        horizon; ``gap_hours = max(0, load − available)``.

    Raises:
        ValueError: as :func:`constrained_plan`.
    """
    d_frame, horizon = _demand_matrix(demand)
    h_frame = _routing_matrix(routings, d_frame.index)
    cap_frame = _capacity_matrix(capacity, list(h_frame.columns), horizon)
    load = np.zeros(cap_frame.shape)
    if len(h_frame.index):
        rows = cap_frame.index.get_indexer(h_frame.columns)
        load[rows] = h_frame.to_numpy().T @ d_frame.loc[h_frame.index].to_numpy()
    available = cap_frame.to_numpy()
    return pd.DataFrame(
        {
            "resource": np.repeat(cap_frame.index.to_numpy(dtype=object), len(horizon)),
            "month": pd.PeriodIndex(np.tile(horizon, len(cap_frame.index)), freq="M"),
            "available": available.ravel(),
            "load": load.ravel(),
            "gap_hours": np.maximum(load - available, 0.0).ravel(),
        }
    )
