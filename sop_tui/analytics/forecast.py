"""Statistical forecasts for many series: input builders, the runner and its result.

Public API:

- :func:`family_history` / :func:`sku_history`: actuals -> ``[key, month, units]`` series frames
  (gap months filled with 0, only months up to ``through``);
- :func:`forecast_series`: one ``Series`` (monthly ``PeriodIndex``) -> :class:`ForecastResult`;
- :func:`forecast_many`: a ``[key, month, units]`` frame -> :class:`ForecastResult`, on the
  runner the caller hands in (a local process pool, a Dask cluster) or here, with progress;
- :func:`input_hash`: what a cache keys a forecast by, computed without forecasting.

The method for each series is :func:`sop_tui.analytics.forecast_select.select`. Pure: no
database, no disk, no processes of its own, no terminal output; statsmodels' warnings are
captured per series into ``ForecastResult.models.warnings``.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from sop_tui.analytics import forecast_select as fs
from sop_tui.analytics.parallel import ChunkRunner, run_chunks

FORECAST_COLUMNS = ("key", "month", "units", "lo80", "hi80", "lo95", "hi95")
MODEL_COLUMNS = (
    "key",
    "model",
    "backtest_wmape",
    "n_obs",
    "warnings",
    "folds",
    "fold_horizon",
    "demand_class",
    "interval_source",
    "note",
)
_BOUNDS = ("lo80", "hi80", "lo95", "hi95")
_PRELOAD = (
    "sop_tui.analytics.forecast",
    "statsmodels.tsa.exponential_smoothing.ets",
    "statsmodels.tsa.forecasting.theta",
    "statsmodels.tsa.statespace.sarimax",
)

WorkItem = tuple[str, int, tuple[float, ...], int]
"""(key, ordinal of the first history month, units oldest first, horizon)"""


@dataclass(frozen=True)
class ForecastResult:
    """Forecasts for a set of series.

    Attributes:
        forecast: ``[key, month, units, lo80, hi80, lo95, hi95]``, one row per key and future
            month; ``month`` is ``period[M]``, numbers ``float64``; ``0 <= lo95 <= lo80 <= units
            <= hi80 <= hi95``.
        models: ``[key, model, backtest_wmape, n_obs, warnings, folds, fold_horizon,
            demand_class, interval_source, note]``, one row per key. ``warnings`` is the text
            statsmodels raised for that series (``"; "``-joined, ``""`` if none);
            ``backtest_wmape`` is NaN when no backtest was possible; ``note`` says how the
            backtest was shortened for a short history.
        input_hash: sha256 of (inputs, horizon, method version): :func:`input_hash`.
    """

    forecast: pd.DataFrame
    models: pd.DataFrame
    input_hash: str

    def to_json_records(self) -> list[dict[str, Any]]:
        """Per series ``{key, model, backtest_wmape, n_obs, months: [{month "YYYY-MM", units,
        lo80, hi80, lo95, hi95}]}``, JSON-ready (NaN becomes ``None``)."""
        by_key = dict(list(self.forecast.groupby("key", sort=False)))
        out = []
        for row in self.models.itertuples(index=False):
            g = by_key.get(row.key)
            months = []
            if g is not None:
                cols = {c: g[c].to_numpy() for c in ("units", *_BOUNDS)}
                for i, m in enumerate(g["month"].astype(str)):
                    months.append({"month": m, **{c: float(cols[c][i]) for c in cols}})
            wm = float(row.backtest_wmape)
            out.append(
                {
                    "key": row.key,
                    "model": row.model,
                    "backtest_wmape": None if math.isnan(wm) else wm,
                    "n_obs": int(row.n_obs),
                    "months": months,
                }
            )
        return out


# --------------------------------------------------------------------------------------------
# input builders


def _series_frame(
    actuals: pd.DataFrame, keys: Iterable[str], key_of: pd.Series, through: Any
) -> pd.DataFrame:
    through = pd.Period(through, freq="M")
    keys = sorted({str(k) for k in keys})
    a = actuals.loc[actuals["month"] <= through]
    a = a.assign(key=key_of.loc[a.index]).dropna(subset=["key"])
    a = a.loc[a["key"].isin(keys)]
    if a.empty or not keys:
        return pd.DataFrame(
            {
                "key": pd.Series([], dtype=object),
                "month": pd.Series([], dtype="period[M]"),
                "units": pd.Series([], dtype="float64"),
            }
        )
    months = pd.period_range(a["month"].min(), through, freq="M")
    sums = a.groupby(["key", "month"])["units"].sum()
    full = pd.MultiIndex.from_product([keys, months], names=["key", "month"])
    out = sums.reindex(full, fill_value=0.0).reset_index()
    out["key"] = out["key"].astype(object)
    out["month"] = out["month"].astype("period[M]")
    out["units"] = out["units"].astype("float64")
    return out[["key", "month", "units"]]


def family_history(actuals: pd.DataFrame, items: pd.DataFrame, through: Any) -> pd.DataFrame:
    """Monthly units per product family, the input of a family-level forecast.

    Args:
        actuals: ``[sku, month, units]`` (schema ``actuals``).
        items: ``[sku, family, ...]`` (schema ``items``); SKUs of actuals not in items are
            ignored.
        through: the last complete month (``Period``, ``"YYYY-MM"``); later actuals are dropped.

    Returns:
        ``[key, month, units]`` with ``key`` the family: every family of ``items``, every month
        from the first month with actuals to ``through``, gap months 0, sorted by key and month.
    """
    fam = items.drop_duplicates("sku").set_index("sku")["family"].astype(str)
    key_of = actuals["sku"].astype(str).map(fam)
    return _series_frame(actuals, fam.unique(), key_of, through)


def sku_history(actuals: pd.DataFrame, skus: Iterable[str], through: Any) -> pd.DataFrame:
    """Monthly units per SKU for the given SKUs (any subset, e.g. the A/X items).

    Args:
        actuals: ``[sku, month, units]`` (schema ``actuals``).
        skus: the SKUs to build series for (a SKU without actuals gets an all-zero series).
        through: the last complete month; later actuals are dropped.

    Returns:
        ``[key, month, units]`` with ``key`` the SKU, like :func:`family_history`.
    """
    skus = [str(s) for s in skus]
    key_of = actuals["sku"].astype(str).where(actuals["sku"].astype(str).isin(skus))
    return _series_frame(actuals, skus, key_of, through)


# --------------------------------------------------------------------------------------------
# one series


def _series_hash(key: str, start: int, values: np.ndarray, horizon: int) -> str:
    h = hashlib.sha256()
    h.update(f"{fs.METHOD_VERSION}|{horizon}|{start}|{len(key)}:{key}|".encode())
    h.update(np.ascontiguousarray(values, dtype="<f8").tobytes())
    return h.hexdigest()


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
                    for c in ("units", *_BOUNDS)
                },
            }
        )
    else:
        forecast = pd.DataFrame(
            {
                "key": pd.Series([], dtype=object),
                "month": pd.Series([], dtype="period[M]"),
                **{c: pd.Series([], dtype="float64") for c in ("units", *_BOUNDS)},
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
    item = _work_items(pd.DataFrame({"key": key, "month": series.index, "units": series.values}),
                       horizon)[0]
    return _assemble(forecast_chunk([item]), _items_hash([item]))


# --------------------------------------------------------------------------------------------
# many series


def _work_items(history: pd.DataFrame, horizon: int) -> list[WorkItem]:
    missing = {"key", "month", "units"} - set(history.columns)
    if missing:
        raise ValueError(f"history lacks column(s) {sorted(missing)}; needs key, month, units")
    if horizon < 1:
        raise ValueError(f"horizon must be at least 1 month, got {horizon}")
    if history.empty:
        return []
    months = pd.PeriodIndex(history["month"], freq="M").asi8
    df = pd.DataFrame(
        {"key": history["key"].astype(str).to_numpy(), "m": months,
         "u": pd.to_numeric(history["units"]).astype(float).fillna(0.0).to_numpy()}
    )
    last = int(months.max())
    items: list[WorkItem] = []
    # Every series ends at the last month of the whole frame, so all forecasts start together.
    for key, g in df.groupby("key", sort=True):
        first = int(g["m"].min())
        y = np.zeros(last - first + 1)
        np.add.at(y, g["m"].to_numpy() - first, g["u"].to_numpy())
        items.append((str(key), first, tuple(y.tolist()), horizon))
    return items


def _items_hash(items: list[WorkItem]) -> str:
    h = hashlib.sha256()
    for key, start, values, horizon in items:
        h.update(_series_hash(key, start, np.asarray(values), horizon).encode())
    return h.hexdigest()


def input_hash(history: pd.DataFrame, horizon: int = 18) -> str:
    """The hash :func:`forecast_many` gives its result for these inputs (the series, the
    horizon and the method's version), computed without forecasting: a cache's key."""
    return _items_hash(_work_items(history, horizon))


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
    items = _work_items(history, horizon)
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
    return _assemble(docs, _items_hash(items))
