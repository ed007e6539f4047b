"""A forecast's input series and its result, without the models (no statsmodels import).

Public API:

- :func:`family_history` / :func:`sku_history`: actuals -> ``[key, month, units]`` series frames
  (gap months filled with 0, only months up to ``through``);
- :func:`work_items` / :func:`input_hash`: those frames as the runner's work and the hash a
  cache keys their forecast by;
- :class:`ForecastResult`: what :func:`sop_tui.analytics.forecast.forecast_many` returns.

Kept apart from the models so that reading a cached forecast back (hashing its inputs,
unpickling its result) does not import statsmodels and scipy.stats, which cost more than the
rest of a cached ``sop forecast`` (see benchmarks/README.md).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

METHOD_VERSION = 5
"""Bump whenever a change would alter forecasts, so cached ones are not reused."""

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
BOUNDS = ("lo80", "hi80", "lo95", "hi95")

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
                cols = {c: g[c].to_numpy() for c in ("units", *BOUNDS)}
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
# work items and their hash


def series_hash(key: str, start: int, values: np.ndarray, horizon: int) -> str:
    h = hashlib.sha256()
    h.update(f"{METHOD_VERSION}|{horizon}|{start}|{len(key)}:{key}|".encode())
    h.update(np.ascontiguousarray(values, dtype="<f8").tobytes())
    return h.hexdigest()


def work_items(history: pd.DataFrame, horizon: int) -> list[WorkItem]:
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


def items_hash(items: list[WorkItem]) -> str:
    h = hashlib.sha256()
    for key, start, values, horizon in items:
        h.update(series_hash(key, start, np.asarray(values), horizon).encode())
    return h.hexdigest()


def input_hash(history: pd.DataFrame, horizon: int = 18) -> str:
    """The hash :func:`forecast_many` gives its result for these inputs (the series, the
    horizon and the method's version), computed without forecasting: a cache's key."""
    return items_hash(work_items(history, horizon))

