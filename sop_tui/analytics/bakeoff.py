"""The bake-off: the statistical forecast against the planner's and the consensus, on A/X items.

The reference's days 61-90 ask for it: before letting the statistical forecast lead for the
stable, valuable items (segment A/X), measure it against what the people forecast for them over
the last two quarters. :func:`bakeoff` measures each step's lag-1 forecasts of the A/X items
(the item rows of ``forecast_history``) in the window: WMAPE and bias per family and in total;
:func:`verdict` says in words what the numbers say.

Pure: frames in, a frame and sentences out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from sop_tui.analytics import timeframe as tf
from sop_tui.analytics.metrics import TOTAL, forecast_accuracy, sku_column
from sop_tui.formats import pct, points, signed_pct

STEPS = ("statistical", "planner", "consensus")
#: A step must win by more than this (in WMAPE points) for the verdict to call it better.
TIE = 0.005

COLUMNS = ("family", "step", "wmape", "bias", "forecast", "actual", "n_months")


@dataclass(frozen=True)
class Bakeoff:
    """The bake-off's numbers.

    Attributes:
        table: ``[family, step, wmape, bias, forecast, actual, n_months]``: one row per family
            and step measured, then the ``TOTAL`` rows; ``bias`` is ``(ΣF − ΣA) / ΣA``.
        items: how many A/X items were compared.
        months: the window (first and last month, ``"YYYY-MM"``).
        missing: the steps with no item-level forecast of these items in the window.
    """

    table: pd.DataFrame
    items: int
    months: tuple[str, str]
    missing: tuple[str, ...]

    def total(self, step: str) -> tuple[float, float] | None:
        """``(wmape, bias)`` of ``step`` over all the items, or ``None`` if not measured."""
        t = self.table[(self.table["family"] == TOTAL) & (self.table["step"] == step)]
        if t.empty or t["n_months"].iloc[0] == 0:
            return None
        return float(t["wmape"].iloc[0]), float(t["bias"].iloc[0])


def bakeoff(forecast_history: pd.DataFrame, actuals: pd.DataFrame, items: pd.DataFrame,
            skus: list[str], cycle: tf.MonthLike, *, window: int = 6,
            lag: int = 1) -> Bakeoff:
    """Measure each step's forecasts of ``skus`` over the ``window`` months before ``cycle``.

    Args:
        forecast_history: the ``forecast_history`` kind; only its item rows (a ``sku``) of
            ``skus`` count.
        actuals: the ``actuals`` kind.
        items: the ``items`` kind (maps SKUs to families).
        skus: the items to compare (the A/X segment, usually).
        cycle: the cycle ``C``; the window is ``C-window .. C-1`` (two quarters by default).
        lag: the forecast for month ``T`` made in cycle ``T-lag`` is measured.
    """
    keep = set(map(str, skus))
    fh = forecast_history[sku_column(forecast_history).astype(str).isin(keep).to_numpy()]
    acts = actuals[actuals["sku"].astype(str).isin(keep).to_numpy()]
    its = items[items["sku"].astype(str).isin(keep).to_numpy()]
    frames, missing = [], []
    for step in STEPS:
        t = forecast_accuracy(fh, acts, its, cycle, step=step, lag=lag, window=window,
                              level="item")
        if int(t.loc[t["family"] == TOTAL, "n_months"].iloc[0]) == 0:
            missing.append(step)
            continue
        frames.append(t.assign(step=step))
    months = tf.window(cycle, window)
    if frames:
        table = pd.concat(frames, ignore_index=True)
        # Families first (in name order, steps in STEPS order), the TOTAL rows last.
        table["_total"] = table["family"] == TOTAL
        table["_step"] = table["step"].map({s: i for i, s in enumerate(STEPS)})
        table = table.sort_values(["_total", "family", "_step"], kind="stable")
        table = table[list(COLUMNS)].reset_index(drop=True)
    else:
        table = pd.DataFrame({c: pd.Series(dtype=object if c in ("family", "step") else float)
                              for c in COLUMNS})
    return Bakeoff(table, len(keep), (str(months[0]), str(months[-1])), tuple(missing))


def verdict(result: Bakeoff) -> list[str]:
    """The bake-off in words: who forecast the A/X items best, by how much, with what bias."""
    stat = result.total("statistical")
    lines: list[str] = []
    if stat is None:
        return [f"No statistical forecast of the {result.items} A/X items was recorded for "
                f"{result.months[0]}..{result.months[1]}: nothing to compare yet."]
    for other in ("planner", "consensus"):
        theirs = result.total(other)
        if theirs is None:
            lines.append(f"The {other} forecast has no item-level history for the A/X items "
                         "in the window: not compared.")
            continue
        diff = theirs[0] - stat[0]
        wins = _family_wins(result.table, other)
        s_w, o_w = pct(stat[0]), pct(theirs[0])
        s_b, o_b = signed_pct(stat[1]), signed_pct(theirs[1])
        if math.isnan(diff) or abs(diff) <= TIE:
            lines.append(f"Statistical and {other} are level on the A/X items (WMAPE {s_w} "
                         f"against {o_w}).")
        elif diff > 0:
            lines.append(f"The statistical forecast beats the {other} on the A/X items by "
                         f"{points(diff * 100)} of WMAPE ({s_w} against {o_w}; bias {s_b} "
                         f"against {o_b}), in {wins[0]} of {wins[1]} families.")
        else:
            lines.append(f"The {other} beats the statistical forecast on the A/X items by "
                         f"{points(diff * 100)} of WMAPE ({o_w} against {s_w}; bias {o_b} "
                         f"against {s_b}); the statistical forecast wins in {wins[0]} of "
                         f"{wins[1]} families.")
    cons = result.total("consensus")
    if cons is not None and stat[0] < cons[0] - TIE:
        lines.append("Verdict: let the statistical forecast lead for A/X items; the review "
                     "changes it only with a recorded reason.")
    elif cons is not None and stat[0] > cons[0] + TIE:
        lines.append("Verdict: the people's knowledge adds value on A/X items; keep the "
                     "review, and look at the families where the statistical forecast wins.")
    elif cons is not None:
        lines.append("Verdict: no clear winner; the statistical forecast can lead where it "
                     "saves the planners' time.")
    return lines


def _family_wins(table: pd.DataFrame, other: str) -> tuple[int, int]:
    """(families where statistical has the lower WMAPE, families measured by both)."""
    fam = table[table["family"] != TOTAL]
    pivot = fam.pivot_table(index="family", columns="step", values="wmape", observed=True)
    if "statistical" not in pivot or other not in pivot:
        return 0, 0
    both = pivot[["statistical", other]].dropna()
    return int((both["statistical"] < both[other]).sum()), int(len(both))
