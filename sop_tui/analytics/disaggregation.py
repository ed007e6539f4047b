"""Forecast disaggregation: family forecasts split to SKUs, and SKU forecasts a cycle made.

E&O is measured per SKU (stock of one item does not serve another's demand), while the plan is
agreed per family. This module provides the SKU forward forecasts it is measured against:

- :func:`sku_shares` — each SKU's trailing-12-month share of its family;
- :func:`sku_forward_forecast_from_family` — a family forecast split by those shares;
- :func:`forward_forecast_from_history` — the SKU forward forecast a past cycle made (its item
  rows, or its family rows split);
- :func:`run_rate_forecast` — the trailing run rate, for a cycle that made no forecast.

Pure functions over frames shaped as ``sop_tui.data.schema`` says; ``month`` columns come back
as ``period[M]``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sop_tui.analytics import timeframe as tf
from sop_tui.analytics.metrics import blank_codes, sku_column


def sku_shares(
    items: pd.DataFrame, actuals: pd.DataFrame, through: tf.MonthLike, *, months: int = 12
) -> pd.DataFrame:
    """Each SKU's share of its family's units over the trailing ``months`` through ``through``.

    A family that sold nothing in the window splits evenly over its items that are not being
    phased out (or over all its items if every one is), so a family forecast is never lost.

    Returns:
        Columns sku, family, share; shares sum to 1 within each family.
    """
    span = tf.trailing(through, months)
    m = tf.ordinals(actuals["month"]) if not actuals.empty else np.empty(0, np.int64)
    keep = (m >= span[0].ordinal) & (m <= span[-1].ordinal)
    sold = (
        pd.DataFrame(
            {"sku": actuals["sku"].to_numpy()[keep], "units": actuals["units"].to_numpy()[keep]}
        )
        .groupby("sku", sort=False)["units"]
        .sum()
    )
    it = items.drop_duplicates("sku")[["sku", "family", "lifecycle"]].copy()
    it["units"] = it["sku"].map(sold).fillna(0.0).clip(lower=0.0).astype(np.float64)
    fam_total = it.groupby("family")["units"].transform("sum")
    live = (it["lifecycle"] != "phase_out").astype(np.float64)
    live_n = live.groupby(it["family"]).transform("sum")
    all_n = it.groupby("family")["sku"].transform("size").astype(np.float64)
    even = np.where(live_n > 0, live / live_n.where(live_n > 0, 1.0), 1.0 / all_n)
    it["share"] = np.where(fam_total > 0, it["units"] / fam_total.where(fam_total > 0, 1.0), even)
    return it[["sku", "family", "share"]].reset_index(drop=True)


def sku_forward_forecast_from_family(
    family_forecast: pd.DataFrame,
    items: pd.DataFrame,
    actuals: pd.DataFrame,
    through: tf.MonthLike,
) -> pd.DataFrame:
    """Split a family forecast to SKUs by their trailing-12-month share of the family.

    Args:
        family_forecast: columns family, month, units.
        items: the ``items`` kind.
        actuals: the ``actuals`` kind.
        through: the last month of the share window (normally the cycle's ``C-1``).

    Returns:
        Columns sku, month, units (``month`` as period[M]). New items with no sales yet get no
        share unless their whole family has none (then the split is even).
    """
    shares = sku_shares(items, actuals, through)
    f = family_forecast[["family", "month", "units"]].merge(shares, on="family", how="inner")
    out = pd.DataFrame(
        {
            "sku": f["sku"].to_numpy(),
            "month": tf.from_ordinals(tf.ordinals(f["month"])),
            "units": f["units"].to_numpy(dtype=np.float64) * f["share"].to_numpy(),
        }
    )
    return out


def forward_forecast_from_history(
    forecast_history: pd.DataFrame,
    items: pd.DataFrame,
    actuals: pd.DataFrame,
    cycle: tf.MonthLike,
    *,
    step: str = "consensus",
    months: int = 12,
) -> pd.DataFrame:
    """The SKU forward forecast a cycle made: months ``C .. C+months-1`` of step ``step``.

    Families with item rows in that cycle use them; families with only family rows are split
    to SKUs by trailing share through ``C-1``.

    Returns:
        Columns sku, month, units; empty when the cycle made no forecast of that step.
    """
    c = tf.as_month(cycle)
    fh = forecast_history
    empty = pd.DataFrame(
        {
            "sku": pd.Series(dtype=object),
            "month": pd.Series(dtype="period[M]"),
            "units": pd.Series(dtype=np.float64),
        }
    )
    if fh.empty:
        return empty
    cyc = tf.ordinals(fh["cycle"])
    m = tf.ordinals(fh["month"])
    keep = (cyc == c.ordinal) & (m >= c.ordinal) & (m < c.ordinal + months)
    keep &= (fh["step"] == step).to_numpy()
    h = fh[keep]
    if h.empty:
        return empty
    is_item = ~blank_codes(sku_column(h))
    itm = h[is_item]
    fam = h[~is_item & ~h["family"].isin(itm["family"].unique()).to_numpy()]
    parts = [
        pd.DataFrame(
            {
                "sku": itm["sku"].to_numpy(),
                "month": tf.from_ordinals(tf.ordinals(itm["month"])),
                "units": itm["units"].to_numpy(dtype=np.float64),
            }
        )
    ]
    if not fam.empty:
        parts.append(sku_forward_forecast_from_family(fam, items, actuals, c - 1))
    return pd.concat(parts, ignore_index=True)


def run_rate_forecast(
    actuals: pd.DataFrame, through: tf.MonthLike, *, months: int = 12
) -> pd.DataFrame:
    """A stand-in forward forecast: each SKU repeats its last ``months`` months of actuals.

    Month ``through+1+i`` gets the actual of ``through-months+1+i``, so each SKU's forward total
    is its trailing total. Used for E&O when a cycle has not (yet) made a forecast of its own.

    Returns:
        Columns sku, month (period[M]), units.
    """
    span = tf.trailing(through, months)
    m = tf.ordinals(actuals["month"]) if not actuals.empty else np.empty(0, np.int64)
    keep = (m >= span[0].ordinal) & (m <= span[-1].ordinal)
    return pd.DataFrame(
        {
            "sku": actuals["sku"].to_numpy()[keep],
            "month": tf.from_ordinals(m[keep] + months),
            "units": actuals["units"].to_numpy(dtype=np.float64)[keep],
        }
    )
