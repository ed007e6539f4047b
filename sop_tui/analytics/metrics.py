"""Forecast accuracy (WMAPE), bias and plan attainment, and the cells they are measured on.

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

The fourth metric, excess & obsolete inventory, is in :mod:`sop_tui.analytics.inventory`; the
headline summary and the 12-cycle trend of all four in :mod:`sop_tui.analytics.summary`; the
split of family forecasts to SKUs in :mod:`sop_tui.analytics.disaggregation`. The cell helpers
here (:func:`prepare_history`, :func:`measured_cells`, :func:`accuracy_table`) are shared with
them and with :mod:`sop_tui.analytics.fva`.

Every per-family frame ends with a ``TOTAL`` row computed from the sums (not an average of the
families' ratios).
"""

from __future__ import annotations

from dataclasses import dataclass
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


def safe_div(num: pd.Series, den: pd.Series) -> pd.Series:
    """Elementwise num / den with NaN where den is 0 (no inf, no warning)."""
    den = den.astype(np.float64)
    return num.astype(np.float64).div(den.where(den != 0))


# --------------------------------------------------------------------------- frame helpers


def blank_codes(values: pd.Series) -> np.ndarray:
    """True where a code cell is blank. ``"NA"`` is a real code, so only ""/NaN/None are blank."""
    # Judge each distinct value once (a catalogue has thousands of SKUs, history has many
    # thousands of rows), then spread the verdict back over the rows by their codes.
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    blank_unique = np.fromiter(
        (str(u).strip() == "" for u in uniques), dtype=bool, count=len(uniques)
    )
    if not len(uniques):
        return np.asarray(codes < 0, dtype=bool)
    return np.asarray((codes < 0) | blank_unique[np.maximum(codes, 0)], dtype=bool)


def sku_column(fh: pd.DataFrame) -> pd.Series:
    if "sku" in fh.columns:
        return fh["sku"]
    return pd.Series("", index=fh.index, dtype=object)


def prepare_history(
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
    sku = sku_column(fh)[keep]
    return pd.DataFrame(
        {
            "step": fh["step"].to_numpy()[keep],
            "family": fh["family"].to_numpy()[keep],
            "sku": sku.to_numpy(),
            "is_item": ~blank_codes(sku),
            "m": m[keep],
            "units": fh["units"].to_numpy(dtype=np.float64)[keep],
        }
    )


def family_cells(prepared: pd.DataFrame) -> pd.DataFrame:
    """Family forecast per (step, family, m): family rows where present, else the item sum."""
    keys = ["step", "family", "m"]
    fam = prepared[~prepared["is_item"]].groupby(keys, sort=False)["units"].sum()
    itm = prepared[prepared["is_item"]].groupby(keys, sort=False)["units"].sum()
    # Family rows win: a family number and item numbers for the same cell are two statements of
    # the forecast, and the family one is what the planners agreed at the planning level.
    out = fam.combine_first(itm) if not fam.empty else itm
    return out.rename("forecast").reset_index()


def item_cells(prepared: pd.DataFrame) -> pd.DataFrame:
    keys = ["step", "family", "sku", "m"]
    out = prepared[prepared["is_item"]].groupby(keys, sort=False)["units"].sum()
    return out.rename("forecast").reset_index()


@dataclass(frozen=True)
class Actuals:
    """Actuals as ordinals: per SKU, per family, and the months the data covers."""

    sku: pd.DataFrame  # sku, m, actual
    family: pd.DataFrame  # family, m, actual
    covered: np.ndarray  # sorted month ordinals with at least one actuals row


def prepare_actuals(actuals: pd.DataFrame, items: pd.DataFrame) -> Actuals:
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
    return Actuals(sku=sku, family=fam, covered=np.unique(m))


def attach_actuals(cells: pd.DataFrame, acts: pd.DataFrame, keys: list[str],
                   covered: np.ndarray) -> pd.DataFrame:
    """Join actuals onto forecast cells.

    A cell in a month the actuals cover, with no actuals row, had zero demand; a cell in a month
    the actuals do not cover at all cannot be measured and is dropped.
    """
    cells = cells[np.isin(cells["m"].to_numpy(), covered)]
    out = cells.merge(acts, on=keys, how="left")
    out["actual"] = out["actual"].fillna(0.0)
    return out


def accuracy_table(cells: pd.DataFrame, group: str = "family") -> pd.DataFrame:
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
    t["wmape"] = safe_div(t["abs_error"], t["actual"])
    t["accuracy"] = 1.0 - t["wmape"]
    t["bias"] = safe_div(t["forecast"] - t["actual"], t["actual"])
    t["n_months"] = t["n_months"].astype(np.int64)
    for col in ("forecast", "actual", "abs_error"):
        t[col] = t[col].astype(np.float64)
    return t[[group, *ACCURACY_COLUMNS[1:]]]


def _check_level(level: str) -> None:
    if level not in ("family", "item"):
        raise ValueError(f"level must be 'family' or 'item', got {level!r}")


def measured_cells(prepared: pd.DataFrame, acts: Actuals, level: str) -> pd.DataFrame:
    """Forecast cells of the prepared (one-step) history with their actuals attached."""
    if level == "family":
        cells = attach_actuals(family_cells(prepared), acts.family, ["family", "m"], acts.covered)
    else:
        cells = attach_actuals(item_cells(prepared), acts.sku, ["sku", "m"], acts.covered)
    # Categorical families: the per-window grouping in the trend then works on integer codes.
    return cells.assign(family=cells["family"].astype("category"))


def in_window(cells: pd.DataFrame, lo: int, hi: int) -> pd.DataFrame:
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
    prepared = prepare_history(forecast_history, lag, lo, hi, (step,))
    acts = prepare_actuals(actuals, items)
    return accuracy_table(measured_cells(prepared, acts, level))


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
    t["attainment"] = safe_div(t["attained_units"], t["planned_units"])
    t["n_months"] = t["n_months"].astype(np.int64)
    return t[list(ATTAINMENT_COLUMNS)]


ATTAINMENT_BY_FAMILY_COLUMNS = (
    "family",
    "last_planned",
    "last_actual",
    "last_attainment",
    "last_missed",
    "trailing_planned",
    "trailing_actual",
    "trailing_attainment",
    "trailing_missed",
)


def attainment_by_family(
    production: pd.DataFrame, cycle: tf.MonthLike, *, window: int = 12
) -> pd.DataFrame:
    """Plan attainment per family for the last month and the trailing window, worst first.

    "Missed" units are planned − attained (Σ max(0, planned − actual)): what production fell
    short of plan, the question the supply review starts from.

    Returns:
        One row per family that had a plan in the window, the families that missed most last
        month first (then by trailing misses, then by name), and ``TOTAL`` last. Columns:
        family, last_planned, last_actual, last_attainment, last_missed, trailing_planned,
        trailing_actual, trailing_attainment, trailing_missed. A family with no plan last month
        has 0 planned and NaN attainment there.
    """
    def part(months: int, prefix: str) -> pd.DataFrame:
        t = plan_attainment(production, cycle, window=months).set_index("family")
        return pd.DataFrame({
            f"{prefix}_planned": t["planned_units"],
            f"{prefix}_actual": t["actual_units"],
            f"{prefix}_attainment": t["attainment"],
            f"{prefix}_missed": t["planned_units"] - t["attained_units"],
        })

    out = part(1, "last").join(part(window, "trailing"), how="outer")
    for prefix in ("last", "trailing"):
        for col in ("planned", "actual", "missed"):
            out[f"{prefix}_{col}"] = out[f"{prefix}_{col}"].fillna(0.0).astype(np.float64)
    out = out.rename_axis("family").reset_index()
    families = out[out["family"] != TOTAL].sort_values(
        ["last_missed", "trailing_missed", "family"], ascending=[False, False, True],
        kind="stable")
    total = out[out["family"] == TOTAL]
    return pd.concat([families, total], ignore_index=True)[list(ATTAINMENT_BY_FAMILY_COLUMNS)]
