"""Solve a sparse linear program with HiGHS, cheaply to import and silently.

Provides :func:`solve_lp` — ``min c·x`` subject to ``row_lower ≤ A·x ≤ row_upper`` and
``col_lower ≤ x ≤ col_upper``, ``A`` given as coordinate triplets — and :class:`LpFailed`.

HiGHS is reached through its own bindings, ``highspy``: importing it costs ~25 ms, where
``scipy.optimize`` (whose ``linprog(method="highs")`` runs the same solver) costs ~0.55 s — and
the supply plan sits on the path to the dashboard's revenue gap and to the decision pack.

One detail of highspy shapes this module: the public ``highspy.Highs`` constructor writes the
solver's banner to the process's standard output (file descriptor 1, from C++) before any option
can be set, which would scribble over the terminal the app draws on. Its base class
``_Highs`` (the bare solver, which ``Highs`` extends with Python callbacks we do not use)
prints nothing, and with ``output_flag`` off nothing at all; ``tests/test_supply.py`` checks
that a solve writes nothing to descriptor 1. Should a later highspy drop ``_Highs``, the same
program goes to SciPy's ``linprog`` instead: slower to import, identical in meaning.
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

    Raises:
        LpFailed: the program is infeasible or unbounded, or the solver stopped short.
    """
    try:
        from highspy import HighsLp, HighsModelStatus, MatrixFormat
        from highspy._core import _Highs
    except ImportError:  # a highspy without the bare class: the same solver through SciPy
        return _solve_scipy(c, a, row_lower, row_upper, col_lower, col_upper)
    n_rows, n_cols = a.shape
    # row-wise compressed storage: the triplets sorted by row, then each row's start
    order = np.lexsort((a.cols, a.rows))
    starts = np.zeros(n_rows + 1, dtype=np.int32)
    np.cumsum(np.bincount(a.rows, minlength=n_rows), out=starts[1:])
    lp = HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = n_rows
    lp.col_cost_ = np.asarray(c, dtype=np.float64)
    lp.col_lower_ = np.asarray(col_lower, dtype=np.float64)
    lp.col_upper_ = np.asarray(col_upper, dtype=np.float64)
    lp.row_lower_ = np.asarray(row_lower, dtype=np.float64)
    lp.row_upper_ = np.asarray(row_upper, dtype=np.float64)
    lp.a_matrix_.format_ = MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = n_cols
    lp.a_matrix_.num_row_ = n_rows
    lp.a_matrix_.start_ = starts
    lp.a_matrix_.index_ = a.cols[order].astype(np.int32)
    lp.a_matrix_.value_ = a.vals[order].astype(np.float64)
    status = HighsModelStatus.kNotset
    # HiGHS works to a feasibility tolerance of 1e-7; a program whose numbers are themselves
    # that small (a demand of 1e-7 units) can be judged infeasible at it. Such a verdict is
    # retried once at 1e-9 rather than reported.
    for tolerance in (None, 1e-9):
        solver = _Highs()
        solver.setOptionValue("output_flag", False)
        if tolerance is not None:
            solver.setOptionValue("primal_feasibility_tolerance", tolerance)
            solver.setOptionValue("dual_feasibility_tolerance", tolerance)
        solver.passModel(lp)
        solver.run()
        status = solver.getModelStatus()
        if status == HighsModelStatus.kOptimal:
            return np.asarray(solver.getSolution().col_value, dtype=np.float64)
    raise LpFailed(solver.modelStatusToString(status))


def _solve_scipy(c: np.ndarray, a: Triplets, row_lower: np.ndarray, row_upper: np.ndarray,
                 col_lower: np.ndarray, col_upper: np.ndarray) -> np.ndarray:
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
    result = linprog(c, A_ub=a_ub if has_ub else None, b_ub=b_ub if has_ub else None,
                     A_eq=matrix[eq] if has_eq else None, b_eq=row_lower[eq] if has_eq else None,
                     bounds=np.column_stack([col_lower, col_upper]), method="highs")
    if result.status != 0:
        raise LpFailed(result.message)
    return np.asarray(result.x, dtype=np.float64)
