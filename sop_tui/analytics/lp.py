"""Solve a sparse linear program with HiGHS, through SciPy's public ``linprog``.

Provides :func:`solve_lp` — ``min c·x`` subject to ``row_lower ≤ A·x ≤ row_upper`` and
``col_lower ≤ x ≤ col_upper``, ``A`` given as coordinate triplets — and :class:`LpFailed`.

``scipy.optimize.linprog(method="highs")`` runs HiGHS silently (its banner and log stay off),
which matters because the app draws on the terminal's standard output; ``highspy``'s public
``Highs()`` writes a banner there when it is constructed, before any option can be set.
``tests/test_supply.py`` checks that a solve writes nothing to descriptor 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


class LpFailed(RuntimeError):
    """The solver did not reach an optimum (the message says what it reached)."""


@dataclass(frozen=True)
class Triplets:
    """A sparse matrix as coordinates: ``A[rows[k], cols[k]] = vals[k]`` (no duplicates)."""

    rows: np.ndarray
    cols: np.ndarray
    vals: np.ndarray
    shape: tuple[int, int]


def solve_lp(c: np.ndarray, a: Triplets, row_lower: np.ndarray, row_upper: np.ndarray,
             col_lower: np.ndarray, col_upper: np.ndarray) -> np.ndarray:
    """The optimal ``x`` of the program (infinite bounds as ``±np.inf``).

    Rows are equalities (``row_lower == row_upper``) or one-sided (``≤ row_upper`` with
    ``row_lower = −inf``, or ``≥ row_lower`` with ``row_upper = +inf``).

    Raises:
        LpFailed: the program is infeasible or unbounded, or the solver stopped short.
        ValueError: a row bounded on both sides that is not an equality.
    """
    # SciPy's optimize is slow to import (benchmarks/README.md): the app imports this
    # module with the supply views and solves only when a plan is not in the cache.
    from scipy import sparse
    from scipy.optimize import linprog

    matrix = sparse.csr_array((a.vals, (a.rows, a.cols)), shape=a.shape)
    eq = row_lower == row_upper
    upper_only = ~eq & np.isinf(row_lower)
    lower_only = ~eq & ~upper_only
    if (lower_only & ~np.isinf(row_upper)).any():
        raise ValueError("rows bounded on both sides (other than equalities) are not supported")
    a_ub = sparse.vstack([matrix[upper_only], -matrix[lower_only]])
    b_ub = np.concatenate([row_upper[upper_only], -row_lower[lower_only]])
    has_ub, has_eq = a_ub.shape[0] > 0, bool(eq.any())
    bounds = np.column_stack([col_lower, col_upper])
    message = ""
    # HiGHS works to a feasibility tolerance of 1e-7; a program whose numbers are themselves
    # that small (a demand of 1e-7 units) can be judged infeasible at it. Such a verdict is
    # retried once at 1e-9 rather than reported.
    for tolerance in (None, 1e-9):
        options = ({} if tolerance is None else
                   {"primal_feasibility_tolerance": tolerance,
                    "dual_feasibility_tolerance": tolerance})
        result = linprog(c, A_ub=a_ub if has_ub else None, b_ub=b_ub if has_ub else None,
                         A_eq=matrix[eq] if has_eq else None,
                         b_eq=row_lower[eq] if has_eq else None,
                         bounds=bounds, method="highs", options=options)
        if result.status == 0:
            return np.asarray(result.x, dtype=np.float64)
        message = str(result.message)
    raise LpFailed(message)
