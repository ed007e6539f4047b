"""Inventory measures: excess & obsolete stock, who carries it, and the stock of phase-outs.

- :func:`excess_obsolete` — the fourth S&OP metric per family: Σ over items of
  max(0, on hand − forecast of the next 12 months) × unit cost; *obsolete* where the item has no
  forward forecast at all, *excess* otherwise;
- :func:`eo_by_family` — the same, families ranked by what they carry, with each one's share
  (the supply review's "which families carry the excess?");
- :func:`phase_out_stock` — phase-out items with their on-hand units and dollars and how much of
  it the forecast does not take (the portfolio review's "what happens to the stock?");
- :func:`latest_inventory` — the newest count per SKU.

Pure functions over frames shaped as ``sop_tui.data.schema`` says. Per-family frames end with a
``TOTAL`` row of sums.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sop_tui.analytics import timeframe as tf
from sop_tui.analytics.metrics import TOTAL

EO_COLUMNS = (
    "family",
    "on_hand_units",
    "on_hand_value",
    "forward_units",
    "excess_units",
    "excess_value",
    "obsolete_units",
    "obsolete_value",
    "eo_value",
)
EO_RANK_COLUMNS = (*EO_COLUMNS, "items_carrying", "share", "cumulative_share")
PHASE_OUT_COLUMNS = (
    "sku",
    "description",
    "family",
    "on_hand_units",
    "unit_cost",
    "on_hand_value",
    "forward_units",
    "left_over_units",
    "left_over_value",
)


def _forward_units(forward_forecast: pd.DataFrame, months: int,
                   start: tf.MonthLike | None) -> pd.Series:
    """Forecast units per SKU over ``months`` months from ``start`` (default: its first)."""
    ff = forward_forecast
    if ff.empty:
        return pd.Series(dtype=np.float64)
    m = tf.ordinals(ff["month"])
    lo = tf.as_month(start).ordinal if start is not None else int(m.min())
    keep = (m >= lo) & (m <= lo + months - 1)
    return (
        pd.DataFrame({"sku": ff["sku"].to_numpy()[keep], "units": ff["units"].to_numpy()[keep]})
        .groupby("sku", sort=False)["units"]
        .sum()
        .astype(np.float64)
    )


def _eo_items(inventory: pd.DataFrame, items: pd.DataFrame, forward_forecast: pd.DataFrame, *,
              months: int, start: tf.MonthLike | None) -> pd.DataFrame:
    """One row per SKU in stock: sku, family, unit_cost, on hand, forward and E&O units/value."""
    inv = latest_inventory(inventory)
    inv = (
        inv.groupby("sku", sort=False)["on_hand_units"]
        .sum()
        .astype(np.float64)
        .rename("on_hand_units")
        .reset_index()
    )
    fwd = _forward_units(forward_forecast, months, start)
    master = items.drop_duplicates("sku")[["sku", "family", "unit_cost"]]
    d = inv.merge(master, on="sku", how="inner")
    d["forward_units"] = d["sku"].map(fwd).fillna(0.0).astype(np.float64)
    on_hand = d["on_hand_units"].clip(lower=0.0)
    surplus = (on_hand - d["forward_units"].clip(lower=0.0)).clip(lower=0.0)
    obsolete = d["forward_units"] <= 0
    cost = d["unit_cost"].astype(np.float64)
    d["on_hand_value"] = d["on_hand_units"] * cost
    d["excess_units"] = surplus.where(~obsolete, 0.0)
    d["obsolete_units"] = surplus.where(obsolete, 0.0)
    d["excess_value"] = d["excess_units"] * cost
    d["obsolete_value"] = d["obsolete_units"] * cost
    d["eo_value"] = d["excess_value"] + d["obsolete_value"]
    return d


def latest_inventory(inventory: pd.DataFrame) -> pd.DataFrame:
    """One row per SKU: the newest snapshot when several are present."""
    if "as_of" in inventory.columns and inventory["sku"].duplicated().any():
        inventory = inventory.sort_values("as_of", kind="stable").drop_duplicates(
            "sku", keep="last"
        )
    return inventory


def excess_obsolete(
    inventory: pd.DataFrame,
    items: pd.DataFrame,
    forward_forecast: pd.DataFrame,
    *,
    months: int = 12,
    start: tf.MonthLike | None = None,
) -> pd.DataFrame:
    """Excess and obsolete inventory in money, per family.

    For each SKU, ``excess = max(0, on_hand − forward forecast over the horizon)``. Where the
    forward forecast over the horizon is zero (no demand expected at all — a phase-out item with
    no forecast, or any item nobody forecasts) the whole stock is *obsolete*; otherwise the
    surplus is *excess*. Values are units × ``unit_cost``.

    Args:
        inventory: the ``inventory`` kind (the newest snapshot per SKU is used).
        items: the ``items`` kind (family, unit_cost).
        forward_forecast: forecast per SKU, columns sku, month, units (see
            :func:`~sop_tui.analytics.disaggregation.sku_forward_forecast_from_family` and
            :func:`~sop_tui.analytics.disaggregation.forward_forecast_from_history`).
        months: the horizon length.
        start: the horizon's first month; default the earliest month in ``forward_forecast``.

    Returns:
        Per family then ``TOTAL``: family, on_hand_units, on_hand_value, forward_units,
        excess_units, excess_value, obsolete_units, obsolete_value, eo_value. Inventory of SKUs
        missing from ``items`` is left out (the importer rejects such rows).
    """
    return _family_sums(_eo_items(inventory, items, forward_forecast, months=months,
                                  start=start))


def _family_sums(d: pd.DataFrame) -> pd.DataFrame:
    cols = list(EO_COLUMNS[1:])
    per = d.groupby("family", sort=True)[cols].sum()
    per.index = per.index.astype(object)
    total = pd.DataFrame([d[cols].sum().to_numpy()], columns=cols, index=pd.Index([TOTAL]))
    t = pd.concat([per, total]).rename_axis("family").reset_index()
    t[cols] = t[cols].astype(np.float64)
    return t[list(EO_COLUMNS)]


def eo_by_family(
    inventory: pd.DataFrame,
    items: pd.DataFrame,
    forward_forecast: pd.DataFrame,
    *,
    months: int = 12,
    start: tf.MonthLike | None = None,
) -> pd.DataFrame:
    """The families that carry the excess and obsolete stock, the biggest first.

    Args: as :func:`excess_obsolete`.

    Returns:
        :func:`excess_obsolete`'s columns plus ``items_carrying`` (SKUs with any E&O),
        ``share`` (of the total E&O value) and ``cumulative_share``; families by E&O value
        descending (ties by name), ``TOTAL`` last (share 1, or NaN when there is no E&O).
    """
    d = _eo_items(inventory, items, forward_forecast, months=months, start=start)
    t = _family_sums(d)
    carrying = d[d["eo_value"] > 0].groupby("family").size()
    t["items_carrying"] = t["family"].map(carrying).fillna(0).astype(np.int64)
    t.loc[t["family"] == TOTAL, "items_carrying"] = int((d["eo_value"] > 0).sum())
    families = t[t["family"] != TOTAL].sort_values(["eo_value", "family"],
                                                   ascending=[False, True], kind="stable")
    total = t[t["family"] == TOTAL]
    out = pd.concat([families, total], ignore_index=True)
    whole = float(total["eo_value"].iloc[0]) if len(total) else 0.0
    share = out["eo_value"] / whole if whole > 0 else pd.Series(np.nan, index=out.index)
    out["share"] = share.astype(np.float64)
    cumulative = share.where(out["family"] != TOTAL, 0.0).cumsum()
    out["cumulative_share"] = cumulative.where(out["family"] != TOTAL, share).astype(np.float64)
    return out[list(EO_RANK_COLUMNS)]


def phase_out_stock(
    inventory: pd.DataFrame,
    items: pd.DataFrame,
    forward_forecast: pd.DataFrame,
    *,
    months: int = 12,
    start: tf.MonthLike | None = None,
) -> pd.DataFrame:
    """Every phase-out item with what it has on hand, and what the forecast leaves over.

    Args: as :func:`excess_obsolete`.

    Returns:
        One row per item whose lifecycle is ``phase_out`` (those with no stock count show 0),
        the most valuable stock first (ties by SKU). Columns: sku, description, family,
        on_hand_units, unit_cost, on_hand_value (units × unit cost), forward_units (the
        forecast over the horizon), left_over_units (on hand the forecast does not take:
        the item's E&O) and left_over_value.
    """
    d = _eo_items(inventory, items, forward_forecast, months=months, start=start)
    master = items.drop_duplicates("sku")
    out = master.loc[master["lifecycle"] == "phase_out", ["sku", "family", "unit_cost"]].copy()
    descriptions = master.set_index("sku")["description"] if "description" in master else None
    out["description"] = (out["sku"].map(descriptions).fillna("").astype(object)
                          if descriptions is not None else "")
    stock = d.set_index("sku")
    for col, src in (("on_hand_units", "on_hand_units"), ("forward_units", "forward_units"),
                     ("left_over_units", "excess_units")):
        out[col] = out["sku"].map(stock[src]).fillna(0.0).astype(np.float64)
    # an item with no forecast at all: its whole stock is left over (obsolete, not excess)
    obsolete = out["sku"].map(stock["obsolete_units"]).fillna(0.0).astype(np.float64)
    out["left_over_units"] = out["left_over_units"] + obsolete
    cost = out["unit_cost"].astype(np.float64)
    out["unit_cost"] = cost
    out["on_hand_value"] = out["on_hand_units"] * cost
    out["left_over_value"] = out["left_over_units"] * cost
    out = out.sort_values(["on_hand_value", "sku"], ascending=[False, True], kind="stable")
    return out[list(PHASE_OUT_COLUMNS)].reset_index(drop=True)
