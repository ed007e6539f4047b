"""Statistical forecasts for many series: input builders, the parallel runner and its result.

Public API:

- :func:`family_history` / :func:`sku_history`: actuals -> ``[key, month, units]`` series frames
  (gap months filled with 0, only months up to ``through``);
- :func:`forecast_series`: one ``Series`` (monthly ``PeriodIndex``) -> :class:`ForecastResult`;
- :func:`forecast_many`: a ``[key, month, units]`` frame -> :class:`ForecastResult`, across worker
  processes, with progress callbacks and an on-disk cache.

Model choice per series is :func:`sop_tui.analytics.forecast_models.select` (rolling-origin
backtest by WMAPE). Pure: no database, no terminal output; statsmodels' warnings are captured
per series into ``ForecastResult.models.warnings``. Files are touched only under ``cache_dir``,
and only when the caller passes one.
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sop_tui.analytics import forecast_models as fm
from sop_tui.analytics.parallel import JsonCache, run_chunks

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
        input_hash: sha256 of (inputs, horizon, method version).
    """

    forecast: pd.DataFrame
    models: pd.DataFrame
    input_hash: str

    def to_json_records(self) -> list[dict[str, Any]]:
        """Per series ``{key, model, backtest_wmape, n_obs, months: [{month "YYYY-MM", units,
        lo80, hi80, lo95, hi95}]}``, JSON-ready (NaN becomes ``None``)."""
        by_key = {k: g for k, g in self.forecast.groupby("key", sort=False)}
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
    keys = sorted(set(str(k) for k in keys))
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
    h.update(f"{fm.METHOD_VERSION}|{horizon}|{start}|{len(key)}:{key}|".encode())
    h.update(np.ascontiguousarray(values, dtype="<f8").tobytes())
    return h.hexdigest()


def _forecast_one(item: WorkItem) -> dict[str, Any]:
    """Forecast one work item into a JSON-ready document (the cache's and the pool's format)."""
    key, start, values, horizon = item
    y = np.maximum(np.asarray(values, dtype=float), 0.0)
    nz = np.flatnonzero(y > 0)
    # Months before an item's first sale are not demand of zero, they are before its launch.
    y = y[nz[0] :] if nz.size else y[:0]
    sel = fm.select(y, horizon)
    mean, bounds = fm.finalize(sel.output.mean, sel.output.bounds)
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
        "interval_source": sel.output.interval_source,
        "note": sel.note,
        "units": mean.tolist(),
        "lo80": bounds[80][0].tolist(),
        "hi80": bounds[80][1].tolist(),
        "lo95": bounds[95][0].tolist(),
        "hi95": bounds[95][1].tolist(),
    }


def _forecast_chunk(items: list[WorkItem]) -> list[dict[str, Any]]:
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
    return _assemble([_forecast_one(item)], _input_hash([item]))


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


def _input_hash(items: list[WorkItem]) -> str:
    h = hashlib.sha256()
    for key, start, values, horizon in items:
        h.update(_series_hash(key, start, np.asarray(values), horizon).encode())
    return h.hexdigest()


def forecast_many(
    history: pd.DataFrame,
    horizon: int = 18,
    *,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> ForecastResult:
    """Forecast every series of ``history``, choosing each one's model by backtest.

    Args:
        history: ``[key, month, units]``; one series per key, gap months count as 0, every
            series is taken to end at the frame's last month (see :func:`family_history`).
        horizon: months to forecast (the plan uses 18 to 24).
        workers: processes (``None``: all cores; ``1``: in this process, no pool).
        progress: called in this process as ``progress(done, total)`` while series finish,
            finally with ``done == total``.
        cache_dir: when given, each series' result is stored there keyed by a hash of (its
            inputs, horizon, method version) and reused on an unchanged rerun.

    Returns:
        The :class:`ForecastResult`, keys in sorted order.
    """
    items = _work_items(history, horizon)
    total = len(items)
    input_hash = _input_hash(items)
    cache = JsonCache(cache_dir, f"forecast-v{fm.METHOD_VERSION}") if cache_dir else None
    hashes = [_series_hash(k, s, np.asarray(v), h) for k, s, v, h in items]
    docs: list[dict[str, Any] | None] = [None] * total
    todo: list[int] = []
    for i, hsh in enumerate(hashes):
        doc = cache.get(hsh) if cache else None
        if doc is not None:
            docs[i] = doc
        else:
            todo.append(i)
    done = total - len(todo)
    if progress is not None and done:
        progress(done, total)

    def on_chunk(results: list[dict[str, Any]]) -> None:
        nonlocal done
        done += len(results)
        if progress is not None:
            progress(done, total)

    fresh = run_chunks(
        _forecast_chunk, [items[i] for i in todo], workers=workers, on_chunk=on_chunk,
        preload=_PRELOAD,
    )
    for i, doc in zip(todo, fresh, strict=True):
        docs[i] = doc
        if cache is not None:
            cache.put(hashes[i], doc)
    if progress is not None and total == 0:
        progress(0, 0)
    return _assemble([d for d in docs if d is not None], input_hash)
