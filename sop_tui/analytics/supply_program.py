"""The supply plan's linear program: its cost weights, its matrices, its solution.

Per routed family ``f``, month ``t`` and resource ``r``::

    minimise   Σ holding[f]·I[f,t] + Σ shortage[f]·u[f,t] + Σ overtime_cost·o[r,t]
    subject to I[f,t] = I[f,t-1] + x[f,t] − (d[f,t] − u[f,t])      (I[f,-1] = opening stock)
               Σ_f h[f,r]·x[f,t] ≤ cap[r,t] + o[r,t]
               x, I ≥ 0;  0 ≤ u[f,t] ≤ d[f,t];  0 ≤ o[r,t] ≤ overtime_fraction·cap[r,t]

``x`` is production, ``I`` month-end stock, ``u`` lost sales (not backlogged), ``o`` overtime
hours. With the default weights, holding a unit for a few months costs less than the overtime
to make it, and both less than a lost sale, so the optimum pre-builds in earlier months with
spare hours (as late as it can), then works overtime, and only then loses sales. The program
is solved by HiGHS through :func:`sop_tui.analytics.lp.solve_lp`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from sop_tui.analytics.lp import LpFailed, Triplets, solve_lp

# Values the solver returns within this of zero are zero (HiGHS works to ~1e-7 feasibility).
ZERO = 1e-7


@dataclass(frozen=True)
class SupplyCosts:
    """Cost weights of the supply plan.

    Holding and shortage costs scale with each family's unit cost (a family with no, or a
    non-positive, unit cost counts as costing 1); overtime is priced by the hour.

    Attributes:
        holding_rate: cost of holding one unit for one month, as a fraction of its unit cost
            (0.02 = 2 % a month, about 24 % a year).
        shortage_penalty: cost of one unit of lost sales, as a multiple of its unit cost. Must be
            much larger than ``holding_rate`` for the plan to pre-build.
        unit_costs: unit cost per family (money). Missing families count as 1.
        overtime_fraction: extra hours allowed per resource and month, as a fraction of its
            capacity (0.10: a tenth more, about one Saturday shift in five; 0 = none).
        overtime_cost_per_hour: the premium of one overtime hour, in the company currency (60).
            Against a holding cost of 2 % of unit cost a month this makes a pre-build of a few
            months cheaper than overtime, and overtime far cheaper than a lost sale.
    """

    holding_rate: float = 0.02
    shortage_penalty: float = 10.0
    unit_costs: Mapping[str, float] = field(default_factory=dict)
    overtime_fraction: float = 0.10
    overtime_cost_per_hour: float = 60.0

    def __post_init__(self) -> None:
        for name in ("holding_rate", "shortage_penalty", "overtime_fraction"):
            if getattr(self, name) < 0:
                raise ValueError(f"SupplyCosts.{name} must be ≥ 0, got {getattr(self, name)}")
        if self.overtime_cost_per_hour < 0:
            raise ValueError(
                f"SupplyCosts.overtime_cost_per_hour must be ≥ 0, got {self.overtime_cost_per_hour}"
            )


@dataclass(frozen=True)
class Solution:
    """The program's optimum: production ``x``, month-end stock ``inventory`` and lost sales
    ``unmet`` (each family × month), and ``overtime`` hours (resource × month)."""

    x: np.ndarray
    inventory: np.ndarray
    unmet: np.ndarray
    overtime: np.ndarray


def solve(d: np.ndarray, h: np.ndarray, cap: np.ndarray, opening: np.ndarray,
          unit_cost: np.ndarray, costs: SupplyCosts) -> Solution:
    """Solve the program. Shapes: d (F, T), h (F, R), cap (R, T), opening (F,), unit_cost (F,).

    Raises:
        RuntimeError: the solver did not reach an optimum (the program is always feasible:
            losing every sale is a solution, so this is a solver failure).
    """
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
    sol = np.where(np.abs(solution) < ZERO, 0.0, solution)
    sol = np.maximum(sol, 0.0)
    x = sol[:n].reshape(n_f, n_t)
    inv = sol[n : 2 * n].reshape(n_f, n_t)
    u = sol[2 * n : 3 * n].reshape(n_f, n_t)
    o = sol[3 * n :].reshape(n_r, n_t) if overtime else np.zeros((n_r, n_t))
    return Solution(x, inv, u, o)
