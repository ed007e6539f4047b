"""Forecast Value Added: does each step of the forecasting process beat the one before it?

The stair-step runs naive → statistical → each human input present (sales, marketing, finance,
planner) → consensus → executive. Each step's WMAPE and bias are measured at the family level
(the planning level) on the *same* (family, month) cells, so the steps are comparable: a cell is
measured only where every step shown has a forecast and the naive forecast can be formed.

The naive forecast is computed from actuals, never read from history: the naive forecast made in
cycle ``C`` is the actual of ``C-1``, so the lag-``k`` naive forecast of month ``T`` is the
family's actual of ``T-k-1``.

FVA figures are in percentage points of WMAPE (a step that takes WMAPE from 0.30 to 0.25 adds
5.0 points); positive means the step added value, negative that it destroyed it. Each step is
measured against the naive forecast and against the statistical one: a human step that beats
the naive forecast but not the statistical one still makes the forecast worse than the model
it started from, and :func:`step_verdicts` says so.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from sop_tui.analytics import timeframe as tf
from sop_tui.analytics.metrics import (
    TOTAL,
    family_cells,
    prepare_actuals,
    prepare_history,
)
from sop_tui.data.schema import FORECAST_STEPS

NAIVE = "naive"
STATISTICAL = "statistical"
STEP_ORDER: tuple[str, ...] = (NAIVE, *FORECAST_STEPS)
FVA_COLUMNS = (
    "step",
    "family",
    "wmape",
    "bias",
    "fva_vs_prev",
    "fva_vs_naive",
    "fva_vs_statistical",
    "forecast",
    "actual",
    "n_months",
)


def _ordered_steps(present: Sequence[str]) -> list[str]:
    known = [s for s in STEP_ORDER if s in present]
    # Steps outside the schema's list (should the import contract grow) go last, by name.
    return known + sorted(s for s in present if s not in STEP_ORDER)


def fva(
    forecast_history: pd.DataFrame,
    actuals: pd.DataFrame,
    items: pd.DataFrame,
    cycle: tf.MonthLike,
    *,
    lag: int = 1,
    window: int = 12,
    steps: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The FVA stair-step of a cycle's measurement window.

    Args:
        forecast_history: the ``forecast_history`` kind (family rows, or item rows summed).
        actuals: the ``actuals`` kind.
        items: the ``items`` kind.
        cycle: the cycle ``C``; the window is ``C-window .. C-1``.
        lag: the forecast for ``T`` made in cycle ``T-lag`` is measured.
        window: the window length in months.
        steps: the history steps to include (default: all present). ``naive`` is always first.
            A step that covers few families shrinks the common cells for every step; leave it out
            here to measure the others on more cells.

    Returns:
        A long frame, steps in process order and within each step the families then ``TOTAL``.
        Columns: step, family, wmape, bias, fva_vs_prev (previous step's WMAPE − this step's,
        in points; NaN for naive), fva_vs_naive (naive's WMAPE − this step's, in points),
        fva_vs_statistical (the statistical step's WMAPE − this step's, in points; NaN for
        naive and where no statistical forecast is in the history), forecast and actual (the
        sums behind the ratios), n_months (months measured).
        ``attrs["cells_measured"]`` and ``attrs["cells_dropped"]`` count the (family, month)
        cells kept and left out for lack of a common forecast. Empty when nothing can be measured.
    """
    months = tf.window(cycle, window)
    lo, hi = int(months[0].ordinal), int(months[-1].ordinal)
    prepared = prepare_history(
        forecast_history, lag, lo, hi, tuple(steps) if steps is not None else None
    )
    acts = prepare_actuals(actuals, items)
    cells = family_cells(prepared)
    order = _ordered_steps(list(cells["step"].unique()))
    wide = cells.pivot_table(
        index=["family", "m"], columns="step", values="forecast", aggfunc="sum", sort=False
    )
    wide = wide.reindex(columns=[s for s in order if s != NAIVE])
    all_cells = len(wide)
    wide = wide.dropna(how="any").reset_index()

    # Actual of the month itself and, for the naive forecast, of month T-lag-1; a month the
    # actuals do not cover at all cannot be measured (zero only where the data is complete).
    covered = acts.covered
    wide = wide[np.isin(wide["m"], covered) & np.isin(wide["m"] - (lag + 1), covered)]
    fam_act = acts.family.set_index(["family", "m"])["actual"]
    key_now = pd.MultiIndex.from_arrays([wide["family"], wide["m"]])
    key_src = pd.MultiIndex.from_arrays([wide["family"], wide["m"] - (lag + 1)])
    actual = fam_act.reindex(key_now).fillna(0.0).to_numpy()
    wide[NAIVE] = fam_act.reindex(key_src).fillna(0.0).to_numpy()
    wide["actual"] = actual
    step_cols = [s for s in order if s != NAIVE]
    order = [NAIVE, *step_cols] if len(wide) else []

    out = _stair(wide, order)
    out.attrs["cells_measured"] = int(len(wide))
    out.attrs["cells_dropped"] = int(all_cells - len(wide))
    return out


def _stair(wide: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Per-step, per-family WMAPE/bias and the FVA differences from the common-cell table."""
    if not order:
        return pd.DataFrame({c: pd.Series(dtype=object if c in ("step", "family") else float)
                             for c in FVA_COLUMNS})  # fmt: skip
    a = wide["actual"].to_numpy()
    f = wide[order].to_numpy(dtype=np.float64)
    err = pd.DataFrame(np.abs(f - a[:, None]), columns=order)
    fc = pd.DataFrame(f, columns=order)
    fam = wide["family"].to_numpy()
    err_f = err.groupby(fam, sort=True).sum()
    fc_f = fc.groupby(fam, sort=True).sum()
    act_f = pd.Series(a).groupby(fam, sort=True).sum()
    n_f = pd.Series(wide["m"].to_numpy()).groupby(fam, sort=True).nunique()
    err_f.loc[TOTAL] = err.sum()
    fc_f.loc[TOTAL] = fc.sum()
    act_f.loc[TOTAL] = a.sum()
    n_f.loc[TOTAL] = wide["m"].nunique()

    den = act_f.where(act_f != 0)
    wm = err_f.div(den, axis=0)
    bi = fc_f.sub(act_f, axis=0).div(den, axis=0)
    prev = wm.shift(1, axis=1)
    vs_prev = (prev - wm) * 100.0
    vs_naive = wm.rsub(wm[NAIVE], axis=0) * 100.0
    vs_stat = (wm.rsub(wm[STATISTICAL], axis=0) * 100.0 if STATISTICAL in wm.columns
               else wm * np.nan)
    vs_stat[NAIVE] = np.nan

    def long(table: pd.DataFrame, name: str) -> pd.Series:
        return (
            table.rename_axis(index="family", columns="step").stack(future_stack=True).rename(name)
        )

    out = pd.concat(
        [
            long(wm, "wmape"),
            long(bi, "bias"),
            long(vs_prev, "fva_vs_prev"),
            long(vs_naive, "fva_vs_naive"),
            long(vs_stat, "fva_vs_statistical"),
            long(fc_f, "forecast"),
        ],
        axis=1,
    ).reset_index()
    out["actual"] = out["family"].map(act_f).astype(np.float64)
    out["n_months"] = out["family"].map(n_f).astype(np.int64)
    out["step"] = pd.Categorical(out["step"], categories=order, ordered=True)
    out["_total"] = out["family"] == TOTAL
    out = out.sort_values(["step", "_total", "family"], kind="stable").drop(columns="_total")
    out["step"] = out["step"].astype(str).astype(object)
    out["family"] = out["family"].astype(object)
    return out[list(FVA_COLUMNS)].reset_index(drop=True)


def fva_worse_families(fva_frame: pd.DataFrame) -> pd.DataFrame:
    """The families each step made worse than the step before it.

    Args:
        fva_frame: the output of :func:`fva`.

    Returns:
        Columns step, family, fva_vs_prev (negative points), in process order and, within a
        step, worst first. ``TOTAL`` rows are left out.
    """
    f = fva_frame[(fva_frame["family"] != TOTAL) & (fva_frame["fva_vs_prev"] < 0)]
    order = _ordered_steps(list(fva_frame["step"].unique()))
    rank = f["step"].map({s: i for i, s in enumerate(order)})
    f = f.assign(_rank=rank).sort_values(["_rank", "fva_vs_prev", "family"], kind="stable")
    return f[["step", "family", "fva_vs_prev"]].reset_index(drop=True)


#: The verdict of a step: the baseline (naive), or whether it adds or destroys value.
BASELINE_VERDICT = "baseline"
ADDS = "adds value"
DESTROYS = "destroys value"


def step_verdicts(fva_frame: pd.DataFrame, family: str = TOTAL) -> dict[str, str]:
    """Whether each step of the stair-step adds or destroys forecast value, for one family.

    The naive forecast is the baseline. The statistical forecast is judged against the naive
    one. Every later step (a human input, the consensus, the executive's number) is judged
    against the better of the two it could have used instead: it adds value only when it
    beats both the naive and the statistical forecast (a step worse than the statistical
    forecast destroys the value the model had, even where it still beats naive). Without a
    statistical step, later steps are judged against naive.

    Args:
        fva_frame: the output of :func:`fva`.
        family: whose steps (default: the total).

    Returns:
        ``{step: verdict}`` in process order (:data:`BASELINE_VERDICT`, :data:`ADDS`,
        :data:`DESTROYS`).
    """
    rows = fva_frame[fva_frame["family"] == family]
    out: dict[str, str] = {}
    for step, vs_naive, vs_stat in zip(rows["step"], rows["fva_vs_naive"],
                                       rows["fva_vs_statistical"], strict=True):
        if step == NAIVE:
            out[str(step)] = BASELINE_VERDICT
            continue
        against = [float(vs_naive)]
        if step != STATISTICAL and not np.isnan(vs_stat):
            against.append(float(vs_stat))
        out[str(step)] = ADDS if all(v > 0 for v in against) else DESTROYS
    return out
