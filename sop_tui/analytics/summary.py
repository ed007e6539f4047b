"""The four headline metrics of a cycle, and their trend over the last twelve cycles.

- :func:`summary` → :class:`MetricSummary`: family and item accuracy, bias, plan attainment and
  E&O of one cycle, with notes saying what could not be measured and why;
- :func:`metric_trend` — the same metrics for each of the last cycles, each over its own
  window and against the stock count and forward forecast of its own time.

The measures themselves are in :mod:`sop_tui.analytics.metrics` (accuracy, bias, attainment)
and :mod:`sop_tui.analytics.inventory` (E&O).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sop_tui.analytics import timeframe as tf
from sop_tui.analytics.disaggregation import forward_forecast_from_history, run_rate_forecast
from sop_tui.analytics.inventory import excess_obsolete, latest_inventory
from sop_tui.analytics.metrics import (
    TOTAL,
    accuracy_table,
    in_window,
    measured_cells,
    plan_attainment,
    prepare_actuals,
    prepare_history,
)

TREND_METRICS = ("family_accuracy", "item_accuracy", "bias", "plan_attainment", "eo_value")


def snapshot_for_cycle(inventory: pd.DataFrame, cycle: pd.Period) -> pd.DataFrame:
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
    return latest_inventory(inventory[near])


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
    prepared = prepare_history(forecast_history, lag, lo, hi, (step,))
    acts = prepare_actuals(actuals, items)
    # Each cell is measured once; every cycle's window is then a slice of the same cells.
    fam_cells = measured_cells(prepared, acts, "family")
    item_cells = measured_cells(prepared, acts, "item")
    forward = _forward_rows_by_cycle(forecast_history, cyc, step) if inventory is not None else {}
    rows: list[tuple[pd.Period, str, float]] = []
    eo_missing: list[str] = []
    eo_run_rate: list[str] = []
    for k in cyc:
        w_lo, w_hi = int(k.ordinal) - window, int(k.ordinal) - 1
        fam = accuracy_table(in_window(fam_cells, w_lo, w_hi))
        itm = accuracy_table(in_window(item_cells, w_lo, w_hi))
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
            snap = snapshot_for_cycle(inventory, k)
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
    prepared = prepare_history(
        forecast_history, lag, int(months[0].ordinal), int(months[-1].ordinal), (step,)
    )
    acts = prepare_actuals(actuals, items)
    fam = accuracy_table(measured_cells(prepared, acts, "family"))
    itm = accuracy_table(measured_cells(prepared, acts, "item"))
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
