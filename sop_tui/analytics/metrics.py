"""The four S&OP metrics: forecast accuracy (WMAPE), bias, plan attainment and E&O inventory.

Pure functions, pandas in and pandas out, over frames shaped as ``sop_tui.data.schema`` says.
Definitions (DESIGN.md, "Analytics"):

- WMAPE = Σ|F−A| / ΣA; accuracy = 1 − WMAPE (it may go negative; it is never clipped);
  bias = (ΣF − ΣA) / ΣA. ΣA == 0 gives NaN, never an error.
- Forecasts are measured at lag 1 by default: the forecast for month ``T`` made in cycle ``T-1``,
  over the 12 complete months before the cycle (see :mod:`sop_tui.analytics.timeframe`).
- Family level (the planning level): ``forecast_history`` rows with a blank ``sku`` are family
  numbers; where a (step, cycle, family, month) has only item rows, their sum is the family
  number. Family forecasts meet family sums of the SKU actuals.
- Item level: item rows meet SKU actuals; a family's item WMAPE is Σ|F−A| over its items / ΣA.
- Plan attainment = Σ min(actual, planned) / Σ planned production.
- Excess & obsolete = Σ over items of max(0, on hand − forecast of the next 12 months) × unit
  cost; obsolete where the item has no forward forecast at all, excess otherwise.

Every per-family frame ends with a ``TOTAL`` row computed from the sums (not an average of the
families' ratios).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from sop_tui.analytics import timeframe as tf

TOTAL = "TOTAL"

Level = Literal["family", "item"]

ACCURACY_COLUMNS = (
    "family",
    "wmape",
    "accuracy",
    "bias",
    "forecast",
    "actual",
    "abs_error",
    "n_months",
)
ATTAINMENT_COLUMNS = (
    "family",
    "planned_units",
    "actual_units",
    "attained_units",
    "attainment",
    "n_months",
)
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
TREND_METRICS = ("family_accuracy", "item_accuracy", "bias", "plan_attainment", "eo_value")


# --------------------------------------------------------------------------- primitives


def _pair(f: object, a: object) -> tuple[np.ndarray, np.ndarray]:
    fa = np.asarray(f, dtype=np.float64).ravel()
    aa = np.asarray(a, dtype=np.float64).ravel()
    if fa.shape != aa.shape:
        raise ValueError(f"forecast and actual differ in length: {fa.size} vs {aa.size}")
    return fa, aa


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den != 0 else float("nan")


def wmape(f: object, a: object) -> float:
    """Weighted mean absolute percentage error, Σ|F−A| / ΣA, as a fraction.

    Args:
        f: forecasts (array-like or Series), aligned with ``a``.
        a: actuals.

    Returns:
        The WMAPE (0.25 means 25 %); NaN when ΣA is 0.
    """
    fa, aa = _pair(f, a)
    return _ratio(float(np.abs(fa - aa).sum()), float(aa.sum()))


def accuracy(f: object, a: object) -> float:
    """Forecast accuracy, 1 − WMAPE. Negative when the errors exceed the volume; not clipped."""
    return 1.0 - wmape(f, a)


def bias(f: object, a: object) -> float:
    """Forecast bias, (ΣF − ΣA) / ΣA: positive means over-forecast. NaN when ΣA is 0."""
    fa, aa = _pair(f, a)
    return _ratio(float(fa.sum() - aa.sum()), float(aa.sum()))


def _safe_div(num: pd.Series, den: pd.Series) -> pd.Series:
    """Elementwise num / den with NaN where den is 0 (no inf, no warning)."""
    den = den.astype(np.float64)
    return num.astype(np.float64).div(den.where(den != 0))


# --------------------------------------------------------------------------- frame helpers


def _blank(values: pd.Series) -> np.ndarray:
    """True where a code cell is blank. ``"NA"`` is a real code, so only ""/NaN/None are blank."""
    # Judge each distinct value once (a catalogue has thousands of SKUs, history has many
    # thousands of rows), then spread the verdict back over the rows by their codes.
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    blank_unique = np.fromiter(
        (str(u).strip() == "" for u in uniques), dtype=bool, count=len(uniques)
    )
    if not len(uniques):
        return codes < 0
    return (codes < 0) | blank_unique[np.maximum(codes, 0)]


def _sku_column(fh: pd.DataFrame) -> pd.Series:
    if "sku" in fh.columns:
        return fh["sku"]
    return pd.Series("", index=fh.index, dtype=object)


def _prepare_history(
    forecast_history: pd.DataFrame, lag: int, lo: int, hi: int, steps: tuple[str, ...] | None
) -> pd.DataFrame:
    """Lag-``lag`` history rows with target month ordinal in [lo, hi].

    Returns columns: step, family, sku, is_item, m, units.
    """
    fh = forecast_history
    if fh.empty:
        return pd.DataFrame(
            {
                "step": pd.Series(dtype=object),
                "family": pd.Series(dtype=object),
                "sku": pd.Series(dtype=object),
                "is_item": pd.Series(dtype=bool),
                "m": pd.Series(dtype=np.int64),
                "units": pd.Series(dtype=np.float64),
            }
        )
    c = tf.ordinals(fh["cycle"])
    m = tf.ordinals(fh["month"])
    keep = (m - c == lag) & (m >= lo) & (m <= hi)
    if steps is not None:
        keep &= fh["step"].isin(steps).to_numpy()
    sku = _sku_column(fh)[keep]
    return pd.DataFrame(
        {
            "step": fh["step"].to_numpy()[keep],
            "family": fh["family"].to_numpy()[keep],
            "sku": sku.to_numpy(),
            "is_item": ~_blank(sku),
            "m": m[keep],
            "units": fh["units"].to_numpy(dtype=np.float64)[keep],
        }
    )


def _family_cells(prepared: pd.DataFrame) -> pd.DataFrame:
    """Family forecast per (step, family, m): family rows where present, else the item sum."""
    keys = ["step", "family", "m"]
    fam = prepared[~prepared["is_item"]].groupby(keys, sort=False)["units"].sum()
    itm = prepared[prepared["is_item"]].groupby(keys, sort=False)["units"].sum()
    # Family rows win: a family number and item numbers for the same cell are two statements of
    # the forecast, and the family one is what the planners agreed at the planning level.
    out = fam.combine_first(itm) if not fam.empty else itm
    return out.rename("forecast").reset_index()


def _item_cells(prepared: pd.DataFrame) -> pd.DataFrame:
    keys = ["step", "family", "sku", "m"]
    out = prepared[prepared["is_item"]].groupby(keys, sort=False)["units"].sum()
    return out.rename("forecast").reset_index()


@dataclass(frozen=True)
class _Actuals:
    """Actuals as ordinals: per SKU, per family, and the months the data covers."""

    sku: pd.DataFrame  # sku, m, actual
    family: pd.DataFrame  # family, m, actual
    covered: np.ndarray  # sorted month ordinals with at least one actuals row


def _prepare_actuals(actuals: pd.DataFrame, items: pd.DataFrame) -> _Actuals:
    m = tf.ordinals(actuals["month"]) if not actuals.empty else np.empty(0, np.int64)
    a = pd.DataFrame(
        {
            "sku": actuals["sku"].to_numpy(),
            "m": m,
            "actual": actuals["units"].to_numpy(dtype=np.float64),
        }
    )
    sku = a.groupby(["sku", "m"], sort=False)["actual"].sum().reset_index()
    fam_of = items.drop_duplicates("sku").set_index("sku")["family"]
    fam = (
        sku.assign(family=sku["sku"].map(fam_of))
        .dropna(subset=["family"])
        .groupby(["family", "m"], sort=False)["actual"]
        .sum()
        .reset_index()
    )
    return _Actuals(sku=sku, family=fam, covered=np.unique(m))


def _attach_actuals(cells: pd.DataFrame, acts: pd.DataFrame, keys: list[str], covered: np.ndarray):
    """Join actuals onto forecast cells.

    A cell in a month the actuals cover, with no actuals row, had zero demand; a cell in a month
    the actuals do not cover at all cannot be measured and is dropped.
    """
    cells = cells[np.isin(cells["m"].to_numpy(), covered)]
    out = cells.merge(acts, on=keys, how="left")
    out["actual"] = out["actual"].fillna(0.0)
    return out


def _accuracy_table(cells: pd.DataFrame, group: str = "family") -> pd.DataFrame:
    """Per-group and TOTAL WMAPE/accuracy/bias from cells with forecast, actual, m."""
    c = cells.assign(abs_error=(cells["forecast"] - cells["actual"]).abs())
    g = c.groupby(group, sort=True, observed=True)
    per = pd.DataFrame(
        {
            "forecast": g["forecast"].sum(),
            "actual": g["actual"].sum(),
            "abs_error": g["abs_error"].sum(),
            "n_months": g["m"].nunique(),
        }
    )
    per.index = per.index.astype(object)
    per.index.name = group
    total = pd.DataFrame(
        {
            "forecast": [float(c["forecast"].sum())],
            "actual": [float(c["actual"].sum())],
            "abs_error": [float(c["abs_error"].sum())],
            "n_months": [int(c["m"].nunique())],
        },
        index=pd.Index([TOTAL], name=group, dtype=object),
    )
    t = pd.concat([per, total]).reset_index()
    t["wmape"] = _safe_div(t["abs_error"], t["actual"])
    t["accuracy"] = 1.0 - t["wmape"]
    t["bias"] = _safe_div(t["forecast"] - t["actual"], t["actual"])
    t["n_months"] = t["n_months"].astype(np.int64)
    for col in ("forecast", "actual", "abs_error"):
        t[col] = t[col].astype(np.float64)
    return t[[group, *ACCURACY_COLUMNS[1:]]]


def _check_level(level: str) -> None:
    if level not in ("family", "item"):
        raise ValueError(f"level must be 'family' or 'item', got {level!r}")


def _measured_cells(prepared: pd.DataFrame, acts: _Actuals, level: str) -> pd.DataFrame:
    """Forecast cells of the prepared (one-step) history with their actuals attached."""
    if level == "family":
        cells = _attach_actuals(_family_cells(prepared), acts.family, ["family", "m"], acts.covered)
    else:
        cells = _attach_actuals(_item_cells(prepared), acts.sku, ["sku", "m"], acts.covered)
    # Categorical families: the per-window grouping in the trend then works on integer codes.
    return cells.assign(family=cells["family"].astype("category"))


def _in_window(cells: pd.DataFrame, lo: int, hi: int) -> pd.DataFrame:
    m = cells["m"].to_numpy()
    return cells[(m >= lo) & (m <= hi)]


# --------------------------------------------------------------------------- public metrics


def forecast_accuracy(
    forecast_history: pd.DataFrame,
    actuals: pd.DataFrame,
    items: pd.DataFrame,
    cycle: tf.MonthLike,
    *,
    step: str = "consensus",
    lag: int = 1,
    window: int = 12,
    level: Level = "family",
) -> pd.DataFrame:
    """Forecast accuracy of one process step over a cycle's measurement window.

    Args:
        forecast_history: the ``forecast_history`` kind.
        actuals: the ``actuals`` kind (SKU, month, units).
        items: the ``items`` kind (maps SKUs to families).
        cycle: the cycle ``C``; the window is ``C-window .. C-1``.
        step: which process step's forecasts to measure.
        lag: the forecast for month ``T`` made in cycle ``T-lag`` is measured.
        window: the window length in months.
        level: ``"family"`` (the planning level) or ``"item"`` (SKU rows, summed per family).

    Returns:
        One row per family with forecasts in the window, then a ``TOTAL`` row. Columns:
        family, wmape, accuracy, bias, forecast, actual, abs_error, n_months. ``forecast``,
        ``actual`` and ``abs_error`` are the sums behind the ratios; ``n_months`` counts the
        distinct months measured. With nothing to measure only ``TOTAL`` remains, with NaN ratios
        and ``n_months`` 0.
    """
    _check_level(level)
    months = tf.window(cycle, window)
    lo, hi = int(months[0].ordinal), int(months[-1].ordinal)
    prepared = _prepare_history(forecast_history, lag, lo, hi, (step,))
    acts = _prepare_actuals(actuals, items)
    return _accuracy_table(_measured_cells(prepared, acts, level))


def plan_attainment(
    production: pd.DataFrame, cycle: tf.MonthLike, *, window: int = 12
) -> pd.DataFrame:
    """Plan attainment, Σ min(actual, planned) / Σ planned, per family over the window.

    Months with a blank (NaN) planned or actual figure are not measured: a month not yet
    produced cannot be attained or missed.

    Returns:
        Per family then ``TOTAL``: family, planned_units, actual_units, attained_units,
        attainment (NaN where nothing was planned), n_months.
    """
    months = tf.window(cycle, window)
    m = tf.ordinals(production["month"]) if not production.empty else np.empty(0, np.int64)
    p = pd.DataFrame(
        {
            "family": production["family"].to_numpy(),
            "m": m,
            "planned_units": production["planned_units"].to_numpy(dtype=np.float64),
            "actual_units": production["actual_units"].to_numpy(dtype=np.float64),
        }
    )
    p = p[(p["m"] >= months[0].ordinal) & (p["m"] <= months[-1].ordinal)]
    p = p.dropna(subset=["planned_units", "actual_units"])
    p = p.assign(attained_units=np.minimum(p["actual_units"], p["planned_units"]))
    g = p.groupby("family", sort=True)
    sums = ["planned_units", "actual_units", "attained_units"]
    per = g[sums].sum()
    per["n_months"] = g["m"].nunique()
    per.index = per.index.astype(object)
    total = pd.DataFrame(
        {**{c: [float(p[c].sum())] for c in sums}, "n_months": [int(p["m"].nunique())]},
        index=pd.Index([TOTAL], dtype=object),
    )
    t = pd.concat([per, total]).rename_axis("family").reset_index()
    t["attainment"] = _safe_div(t["attained_units"], t["planned_units"])
    t["n_months"] = t["n_months"].astype(np.int64)
    return t[list(ATTAINMENT_COLUMNS)]


def _latest_inventory(inventory: pd.DataFrame) -> pd.DataFrame:
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
            :func:`sku_forward_forecast_from_family` and :func:`forward_forecast_from_history`).
        months: the horizon length.
        start: the horizon's first month; default the earliest month in ``forward_forecast``.

    Returns:
        Per family then ``TOTAL``: family, on_hand_units, on_hand_value, forward_units,
        excess_units, excess_value, obsolete_units, obsolete_value, eo_value. Inventory of SKUs
        missing from ``items`` is left out (the importer rejects such rows).
    """
    inv = _latest_inventory(inventory)
    inv = (
        inv.groupby("sku", sort=False)["on_hand_units"]
        .sum()
        .astype(np.float64)
        .rename("on_hand_units")
        .reset_index()
    )
    ff = forward_forecast
    if not ff.empty:
        m = tf.ordinals(ff["month"])
        lo = tf.as_month(start).ordinal if start is not None else int(m.min())
        keep = (m >= lo) & (m <= lo + months - 1)
        fwd = (
            pd.DataFrame({"sku": ff["sku"].to_numpy()[keep], "units": ff["units"].to_numpy()[keep]})
            .groupby("sku", sort=False)["units"]
            .sum()
            .astype(np.float64)
        )
    else:
        fwd = pd.Series(dtype=np.float64)
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
    cols = list(EO_COLUMNS[1:])
    per = d.groupby("family", sort=True)[cols].sum()
    per.index = per.index.astype(object)
    total = pd.DataFrame([d[cols].sum().to_numpy()], columns=cols, index=pd.Index([TOTAL]))
    t = pd.concat([per, total]).rename_axis("family").reset_index()
    t[cols] = t[cols].astype(np.float64)
    return t[list(EO_COLUMNS)]


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
    is_item = ~_blank(_sku_column(h))
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


# --------------------------------------------------------------------------- trend and summary


def _snapshot_for_cycle(inventory: pd.DataFrame, cycle: pd.Period) -> pd.DataFrame:
    """Inventory rows that describe the stock a cycle planned with.

    A cycle is run at the turn into month ``C``, so its count is the one dated within 15 days
    either side of ``C``'s first day (the end of ``C-1`` or the first days of ``C``); an older or
    newer count belongs to another cycle.
    """
    if inventory is None or inventory.empty or "as_of" not in inventory.columns:
        return inventory.iloc[0:0] if inventory is not None else pd.DataFrame()
    as_of = pd.to_datetime(inventory["as_of"]).to_numpy()
    turn = np.datetime64(cycle.start_time.normalize(), "ns")
    near = np.abs(as_of - turn) <= np.timedelta64(15, "D")
    return _latest_inventory(inventory[near])


def _total(frame: pd.DataFrame, column: str) -> float:
    row = frame.loc[frame["family"] == TOTAL, column]
    return float(row.iloc[0]) if len(row) else float("nan")


def _forward_rows_by_cycle(
    forecast_history: pd.DataFrame, cycles: pd.PeriodIndex, step: str, months: int = 12
) -> dict[int, pd.DataFrame]:
    """The history rows each trend cycle could use as its forward forecast, split once by cycle."""
    fh = forecast_history
    if fh.empty:
        return {}
    c = tf.ordinals(fh["cycle"])
    m = tf.ordinals(fh["month"])
    keep = (c >= cycles[0].ordinal) & (c <= cycles[-1].ordinal) & (m >= c) & (m < c + months)
    keep &= (fh["step"] == step).to_numpy()
    sub = fh[keep]
    return {int(k): g for k, g in sub.groupby(c[keep], sort=False)}


def metric_trend(
    forecast_history: pd.DataFrame,
    actuals: pd.DataFrame,
    items: pd.DataFrame,
    cycle: tf.MonthLike,
    *,
    production: pd.DataFrame | None = None,
    inventory: pd.DataFrame | None = None,
    step: str = "consensus",
    lag: int = 1,
    window: int = 12,
    cycles: int = 12,
) -> pd.DataFrame:
    """The headline metrics for each of the last ``cycles`` cycles, each over its own window.

    E&O for a cycle needs a stock count from that cycle (``as_of`` within 15 days of ``C``'s
    first day); without one it is NaN. It is measured against the forward forecast that cycle made
    (``forecast_history`` rows of ``step`` made in ``C``) or, where the cycle made none, against
    the trailing-12-month run rate (:func:`run_rate_forecast`). ``attrs["notes"]`` says which
    cycles were missing or used the run rate. Plan attainment is NaN without ``production``.

    Returns:
        A long frame, oldest cycle first: cycle (period[M]), metric (one of
        ``TREND_METRICS``: family_accuracy, item_accuracy, bias, plan_attainment, eo_value),
        value (float). ``bias`` is the family-level bias.
    """
    c = tf.as_month(cycle)
    cyc = tf.cycles_back(c, cycles)
    lo = int(cyc[0].ordinal) - window
    hi = int(c.ordinal) - 1
    prepared = _prepare_history(forecast_history, lag, lo, hi, (step,))
    acts = _prepare_actuals(actuals, items)
    # Each cell is measured once; every cycle's window is then a slice of the same cells.
    fam_cells = _measured_cells(prepared, acts, "family")
    item_cells = _measured_cells(prepared, acts, "item")
    forward = _forward_rows_by_cycle(forecast_history, cyc, step) if inventory is not None else {}
    rows: list[tuple[pd.Period, str, float]] = []
    eo_missing: list[str] = []
    eo_run_rate: list[str] = []
    for k in cyc:
        w_lo, w_hi = int(k.ordinal) - window, int(k.ordinal) - 1
        fam = _accuracy_table(_in_window(fam_cells, w_lo, w_hi))
        itm = _accuracy_table(_in_window(item_cells, w_lo, w_hi))
        rows.append((k, "family_accuracy", _total(fam, "accuracy")))
        rows.append((k, "item_accuracy", _total(itm, "accuracy")))
        rows.append((k, "bias", _total(fam, "bias")))
        pa = (
            _total(plan_attainment(production, k, window=window), "attainment")
            if production is not None
            else float("nan")
        )
        rows.append((k, "plan_attainment", pa))
        eo = float("nan")
        if inventory is not None:
            snap = _snapshot_for_cycle(inventory, k)
            fwd = forward_forecast_from_history(
                forward.get(int(k.ordinal), forecast_history.iloc[0:0]),
                items,
                actuals,
                k,
                step=step,
            )
            if not snap.empty and fwd.empty:
                fwd = run_rate_forecast(actuals, k - 1)
                eo_run_rate.append(str(k))
            if not snap.empty:
                eo = _total(excess_obsolete(snap, items, fwd, start=k), "eo_value")
        if np.isnan(eo):
            eo_missing.append(str(k))
        rows.append((k, "eo_value", eo))
    out = pd.DataFrame(rows, columns=["cycle", "metric", "value"])
    out["cycle"] = out["cycle"].astype("period[M]")
    out["value"] = out["value"].astype(np.float64)
    notes: list[str] = []
    if eo_missing:
        notes.append(
            "E&O not computed for cycles "
            + ", ".join(eo_missing)
            + ": no stock count dated in the cycle's month or the month before"
        )
    if eo_run_rate:
        notes.append(
            "E&O for cycles "
            + ", ".join(eo_run_rate)
            + f" measured against the trailing-12-month run rate: no forward {step} forecast "
            "was made in the cycle"
        )
    if production is None:
        notes.append("plan attainment not computed: no production data")
    out.attrs["notes"] = notes
    return out


@dataclass(frozen=True)
class MetricSummary:
    """The headline numbers of one cycle, for the dashboard and the decision pack.

    Ratios are fractions (0.74 is 74 %); money is in the company currency. NaN means the data
    needed was missing, and ``notes`` says which.
    """

    cycle: pd.Period
    family_accuracy: float
    family_wmape: float
    item_accuracy: float
    bias: float
    plan_attainment: float
    eo_value: float
    excess_value: float
    obsolete_value: float
    notes: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, object]:
        """The fields as a plain dict (cycle as ``YYYY-MM``), e.g. for ``--json`` output."""
        return {
            "cycle": str(self.cycle),
            "family_accuracy": self.family_accuracy,
            "family_wmape": self.family_wmape,
            "item_accuracy": self.item_accuracy,
            "bias": self.bias,
            "plan_attainment": self.plan_attainment,
            "eo_value": self.eo_value,
            "excess_value": self.excess_value,
            "obsolete_value": self.obsolete_value,
            "notes": list(self.notes),
        }


def summary(
    forecast_history: pd.DataFrame,
    actuals: pd.DataFrame,
    items: pd.DataFrame,
    cycle: tf.MonthLike,
    *,
    production: pd.DataFrame | None = None,
    inventory: pd.DataFrame | None = None,
    forward_forecast: pd.DataFrame | None = None,
    step: str = "consensus",
    lag: int = 1,
    window: int = 12,
) -> MetricSummary:
    """The four headline metrics of a cycle (accuracy at two levels, bias, attainment, E&O).

    Args:
        forecast_history, actuals, items: as for :func:`forecast_accuracy`.
        cycle: the cycle.
        production: the ``production`` kind, for plan attainment.
        inventory: the ``inventory`` kind, for E&O (the newest count per SKU).
        forward_forecast: the SKU forward forecast (sku, month, units); by default the one the
            cycle itself made (:func:`forward_forecast_from_history`).
        step, lag, window: as for :func:`forecast_accuracy`.

    Returns:
        A :class:`MetricSummary`; nothing is clipped, and a negative accuracy is noted.
    """
    c = tf.as_month(cycle)
    notes: list[str] = []
    months = tf.window(c, window)
    prepared = _prepare_history(
        forecast_history, lag, int(months[0].ordinal), int(months[-1].ordinal), (step,)
    )
    acts = _prepare_actuals(actuals, items)
    fam = _accuracy_table(_measured_cells(prepared, acts, "family"))
    itm = _accuracy_table(_measured_cells(prepared, acts, "item"))
    fam_acc, item_acc = _total(fam, "accuracy"), _total(itm, "accuracy")
    if np.isnan(fam_acc):
        notes.append(f"no family-level lag-{lag} {step} forecasts to measure in the window")
    if np.isnan(item_acc):
        notes.append(f"no item-level lag-{lag} {step} forecasts to measure in the window")
    for name, value in (("family", fam_acc), ("item", item_acc)):
        if value < 0:
            notes.append(
                f"{name}-level accuracy is negative ({value:.1%}): the absolute errors exceed "
                "the actual volume"
            )
    pa = float("nan")
    if production is not None:
        pa = _total(plan_attainment(production, c, window=window), "attainment")
    else:
        notes.append("plan attainment not computed: no production data")
    eo = ex = ob = float("nan")
    if inventory is not None:
        fwd = forward_forecast
        if fwd is None:
            fwd = forward_forecast_from_history(forecast_history, items, actuals, c, step=step)
        if fwd.empty and forward_forecast is None:
            fwd = run_rate_forecast(actuals, c - 1)
            notes.append(
                f"E&O measured against the trailing-12-month run rate: no forward {step} "
                f"forecast made in cycle {c} yet"
            )
        start = c if forward_forecast is None else None
        t = excess_obsolete(inventory, items, fwd, start=start)
        eo, ex, ob = (_total(t, k) for k in ("eo_value", "excess_value", "obsolete_value"))
    else:
        notes.append("E&O not computed: no inventory data")
    return MetricSummary(
        cycle=c,
        family_accuracy=fam_acc,
        family_wmape=_total(fam, "wmape"),
        item_accuracy=item_acc,
        bias=_total(fam, "bias"),
        plan_attainment=pa,
        eo_value=eo,
        excess_value=ex,
        obsolete_value=ob,
        notes=tuple(notes),
    )
