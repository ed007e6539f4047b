"""The four headline metrics, each card and its trend from one computation.

:func:`metric_cards` takes the metric trend (each metric per cycle, oldest first) and the
cycle's headline metrics and returns the cards: the trend's point for this cycle *is* the
card's value, and the card's "vs last cycle" and "over N cycles" read the same series. E&O
has one definition throughout — stock on hand beyond the next 12 months of the cycle's own
consensus demand plan, at unit cost, i.e. after the consensus: for this cycle the plan just
agreed (the headline), for earlier cycles the consensus each recorded. So the headline and
its trend point can never disagree.

Flags: bias beyond ±5 % (the reference's "silent tax" of over-forecasting, or the shortages of
under-forecasting).

:func:`metric_part` reads the planning's views and adds the FVA stair-step
(:mod:`~sop_tui.pack.sections.fva`) and the per-family accuracy, with their charts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from sop_tui.cycle.planning import CyclePlanning
from sop_tui.formats import money, pct, signed_pct
from sop_tui.pack.charts import metric_trend_svg
from sop_tui.pack.model import BIAS_LIMIT, num
from sop_tui.pack.sections.fva import fva_section

#: The four headline metrics, in the order the pack shows them: key, label, kind, aim.
METRICS: tuple[tuple[str, str, str, str], ...] = (
    ("family_accuracy", "Forecast accuracy (family)", "pct", "up"),
    ("bias", "Forecast bias", "pct_signed", "zero"),
    ("plan_attainment", "Plan attainment", "pct", "up"),
    ("eo_value", "Excess & obsolete inventory", "money", "down"),
)

DEFINITIONS = {
    "family_accuracy": "1 − WMAPE of the consensus at family level, lag 1, the 12 months "
                       "before each cycle",
    "bias": "(forecast − actual) / actual of the consensus, family level, lag 1, 12 months",
    "plan_attainment": "Σ min(actual, planned) / Σ planned production, 12 months",
    "eo_value": "stock on hand beyond the next 12 months of each cycle's consensus demand "
                "plan, at unit cost (after the consensus)",
}


def metric_part(planning: CyclePlanning) -> dict[str, Any]:
    """The four metric cards with their trend charts, the FVA and the per-family accuracy."""
    charts: dict[str, bytes] = {}
    summary = planning.metrics
    trend = planning.trend
    cycles = sorted({str(c) for c in trend["cycle"]})
    series: dict[str, list[float | None]] = {}
    for key, *_ in METRICS:
        rows = trend[trend["metric"] == key]
        by_cycle = {str(c): num(v) for c, v in zip(rows["cycle"], rows["value"], strict=True)}
        series[key] = [by_cycle.get(c) for c in cycles]
    headline = {key: num(getattr(summary, key)) for key, *_ in METRICS}
    cards = metric_cards(planning.cycle, cycles, series, headline)
    extras = {"family_accuracy": f"item level {pct(summary.item_accuracy, 0)}",
              "eo_value": f"excess {money(summary.excess_value)}, obsolete "
                          f"{money(summary.obsolete_value)}"}
    for card in cards:
        card["extra"] = extras.get(card["key"], "")
        if card["cycles"] >= 1:
            charts[f"trend_{card['key']}"] = metric_trend_svg(
                card["trend_cycles"], [math.nan if v is None else v for v in card["series"]],
                percent=card["kind"] != "money", money=card["kind"] == "money",
                target=0.0 if card["aim"] == "zero" else None)
            card["chart"] = f"trend_{card['key']}"
    fva = fva_section(planning.fva, charts)
    acc = planning.family_accuracy
    accuracy = {str(fam): {"accuracy": num(a), "bias": num(b)}
                for fam, a, b in zip(acc["family"], acc["accuracy"], acc["bias"], strict=True)}
    return {"metrics": cards, "fva": fva, "charts": charts, "notes": list(summary.notes),
            "accuracy": accuracy, "series": series, "cycles": cycles}


def metric_cards(cycle: str, cycles: Sequence[str],
                 series: Mapping[str, Sequence[float | None]],
                 headline: Mapping[str, float | None]) -> list[dict[str, Any]]:
    """The cards of the four metrics, each from its one series.

    Args:
        cycle: this cycle.
        cycles: the trend's cycles, oldest first.
        series: each metric's value per trend cycle (None: not measured).
        headline: this cycle's headline metrics; each becomes the series' point for
            ``cycle`` (appended when the trend stops before it).

    Returns:
        One dict per metric: key, label, kind, aim, value (the series' last point), previous
        (the point before, None when not measured), first and first_cycle (the oldest measured
        point), cycles (points measured), series and trend_cycles (for the chart), verdict
        (better / worse / flat / no trend), flag (a sentence, or ""), definition.
    """
    out = []
    for key, label, kind, aim in METRICS:
        points = list(series.get(key, [None] * len(cycles)))
        trend_cycles = list(cycles)
        if cycle in trend_cycles:
            points[trend_cycles.index(cycle)] = headline.get(key)
        else:
            trend_cycles.append(cycle)
            points.append(headline.get(key))
        upto = trend_cycles.index(cycle) + 1
        trend_cycles, points = trend_cycles[:upto], points[:upto]
        measured = [(c, v) for c, v in zip(trend_cycles, points, strict=True) if v is not None]
        value = points[-1]
        previous = points[-2] if len(points) >= 2 else None
        first_cycle, first = measured[0] if len(measured) >= 2 else ("", None)
        out.append({
            "key": key, "label": label, "kind": kind, "aim": aim, "value": value,
            "previous": previous, "first": first, "first_cycle": first_cycle,
            "cycles": len(measured), "series": points, "trend_cycles": trend_cycles,
            "verdict": _verdict(value, first, aim), "flag": _flag(key, value),
            "definition": DEFINITIONS[key], "chart": None, "extra": "",
        })
    return out


def _verdict(now: float | None, then: float | None, aim: str) -> str:
    if now is None or then is None:
        return "no trend"
    if aim == "zero":
        better = abs(now) < abs(then)
    elif aim == "up":
        better = now > then
    else:
        better = now < then
    return "better" if better else "worse" if now != then else "flat"


def _flag(key: str, value: float | None) -> str:
    if key != "bias" or value is None or abs(value) <= BIAS_LIMIT:
        return ""
    if value > 0:
        return (f"Over-forecast by {signed_pct(value)}, beyond ±5%: the silent tax — stock "
                "built and carried for sales that do not come.")
    return (f"Under-forecast by {signed_pct(value)}, beyond ±5%: shortages and expediting "
            "for demand the plan did not expect.")
