"""Statistical forecasts for many series: the runner and its result.

Public API:

- :func:`forecast_series`: one ``Series`` (monthly ``PeriodIndex``) -> :class:`ForecastResult`;
- :func:`forecast_many`: a ``[key, month, units]`` frame -> :class:`ForecastResult`, on the
  runner the caller hands in (a local process pool, a Dask cluster) or here, with progress;
- re-exported from :mod:`sop_tui.analytics.forecast_frames` (which a cache reader imports
  without the models): :func:`family_history`, :func:`sku_history`, :func:`input_hash`,
  :class:`ForecastResult`.

The method for each series is :func:`sop_tui.analytics.forecast_select.select`. Pure: no
database, no disk, no processes of its own, no terminal output; statsmodels' warnings are
captured per series into ``ForecastResult.models.warnings``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from sop_tui.analytics import forecast_select as fs
from sop_tui.analytics.forecast_frames import (
    BOUNDS,
    FORECAST_COLUMNS,
    MODEL_COLUMNS,
    ForecastResult,
    WorkItem,
    family_history,
    input_hash,
    items_hash,
    sku_history,
    work_items,
)
from sop_tui.analytics.parallel import ChunkRunner, run_chunks

__all__ = ["FORECAST_COLUMNS", "MODEL_COLUMNS", "ForecastResult", "family_history",
           "forecast_chunk", "forecast_many", "forecast_series", "input_hash", "sku_history"]


# --------------------------------------------------------------------------------------------
# one series


def _forecast_one(item: WorkItem) -> dict[str, Any]:
    """Forecast one work item into a plain document (what crosses process boundaries)."""
    key, start, values, horizon = item
    y = np.maximum(np.asarray(values, dtype=float), 0.0)
    nz = np.flatnonzero(y > 0)
    # Months before an item's first sale are not demand of zero, they are before its launch.
    y = y[nz[0] :] if nz.size else y[:0]
    sel = fs.select(y, horizon)
    return {
        "key": key,
        "first": start + len(values),
        "model": sel.model,
        "backtest_wmape": sel.backtest_wmape,
        "n_obs": sel.n_obs,
        "warnings": sel.warnings,
        "folds": sel.folds,
        "fold_horizon": sel.fold_horizon,
        "demand_class": sel.demand_class,
        "interval_source": sel.interval_source,
        "note": sel.note,
        "units": sel.mean.tolist(),
        "lo80": sel.bounds[80][0].tolist(),
        "hi80": sel.bounds[80][1].tolist(),
        "lo95": sel.bounds[95][0].tolist(),
        "hi95": sel.bounds[95][1].tolist(),
    }


def forecast_chunk(items: list[WorkItem]) -> list[dict[str, Any]]:
    """Forecast a chunk of work items (the function runners send to their workers).

    The fits run with one BLAS thread: their linear algebra is tiny, and OpenBLAS's threads
    make statsmodels' L-BFGS-B steps several times slower (see benchmarks/README.md).
    """
    with threadpool_limits(limits=1, user_api="blas"):
        return [_forecast_one(it) for it in items]


def _assemble(docs: list[dict[str, Any]], input_hash: str) -> ForecastResult:
    if docs:
        lengths = [len(d["units"]) for d in docs]
        months = np.concatenate(
            [np.arange(d["first"], d["first"] + n) for d, n in zip(docs, lengths, strict=True)]
        )
        forecast = pd.DataFrame(
            {
                "key": pd.Series(
                    np.repeat(np.array([d["key"] for d in docs], dtype=object), lengths),
                    dtype=object,
                ),
                "month": pd.PeriodIndex.from_ordinals(months, freq="M"),
                **{
                    c: np.concatenate([np.asarray(d[c], dtype=float) for d in docs])
                    for c in ("units", *BOUNDS)
                },
            }
        )
    else:
        forecast = pd.DataFrame(
            {
                "key": pd.Series([], dtype=object),
                "month": pd.Series([], dtype="period[M]"),
                **{c: pd.Series([], dtype="float64") for c in ("units", *BOUNDS)},
            }
        )
    models = pd.DataFrame(
        {
            "key": pd.Series([d["key"] for d in docs], dtype=object),
            "model": pd.Series([d["model"] for d in docs], dtype=object),
            "backtest_wmape": pd.Series([d["backtest_wmape"] for d in docs], dtype="float64"),
            "n_obs": pd.Series([d["n_obs"] for d in docs], dtype="int64"),
            "warnings": pd.Series(["; ".join(d["warnings"]) for d in docs], dtype=object),
            "folds": pd.Series([d["folds"] for d in docs], dtype="int64"),
            "fold_horizon": pd.Series([d["fold_horizon"] for d in docs], dtype="int64"),
            "demand_class": pd.Series([d["demand_class"] for d in docs], dtype=object),
            "interval_source": pd.Series([d["interval_source"] for d in docs], dtype=object),
            "note": pd.Series([d["note"] for d in docs], dtype=object),
        }
    )
    return ForecastResult(forecast.reset_index(drop=True), models, input_hash)


def forecast_series(series: pd.Series, horizon: int = 18, *, key: str = "") -> ForecastResult:
    """Forecast one series in this process.

    Args:
        series: float units indexed by a monthly ``PeriodIndex``; missing months count as 0.
        horizon: months to forecast after the last month of the index.
        key: the key the result rows carry.

    Returns:
        A :class:`ForecastResult` with one key.
    """
    item = work_items(pd.DataFrame({"key": key, "month": series.index, "units": series.values}),
                       horizon)[0]
    return _assemble(forecast_chunk([item]), items_hash([item]))


# --------------------------------------------------------------------------------------------
# many series


def forecast_many(
    history: pd.DataFrame,
    horizon: int = 18,
    *,
    runner: ChunkRunner | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ForecastResult:
    """Forecast every series of ``history``, each with its backtested method.

    Args:
        history: ``[key, month, units]``; one series per key, gap months count as 0, every
            series is taken to end at the frame's last month (see :func:`family_history`).
        horizon: months to forecast (the plan uses 18 to 24).
        runner: where the series are forecast (:func:`sop_tui.executors.open_runner` makes a
            local process pool's or a Dask cluster's); ``None``: here, one after the other.
        progress: called here as ``progress(done, total)`` while series finish, finally with
            ``done == total`` (also for no series at all).

    Returns:
        The :class:`ForecastResult`, keys in sorted order; the same whatever the runner.
    """
    items = work_items(history, horizon)
    total = len(items)
    done = 0

    def on_chunk(results: list[dict[str, Any]]) -> None:
        nonlocal done
        done += len(results)
        if progress is not None:
            progress(done, total)

    docs = run_chunks(forecast_chunk, items, runner=runner, on_chunk=on_chunk)
    if progress is not None and total == 0:
        progress(0, 0)
    return _assemble(docs, items_hash(items))
