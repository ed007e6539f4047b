"""The metrics section: the four headline metrics with their trend, the FVA stair-step and the
per-family accuracy, as plain data with their charts (:func:`metric_part`)."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from sop_tui.cycle.planning import CyclePlanning
from sop_tui.formats import money
from sop_tui.pack.charts import fva_svg, metric_trend_svg
from sop_tui.pack.model import num

#: The four headline metrics, in the order the pack shows them: key, label, kind, aim.
METRICS: tuple[tuple[str, str, str, str], ...] = (
    ("family_accuracy", "Forecast accuracy (family)", "pct", "up"),
    ("bias", "Forecast bias", "pct_signed", "zero"),
    ("plan_attainment", "Plan attainment", "pct", "up"),
    ("eo_value", "Excess & obsolete inventory", "money", "down"),
)

STEP_LABELS = {
    "naive": "Naive",
    "statistical": "Statistical",
    "sales": "Sales",
    "marketing": "Marketing",
    "finance": "Finance",
    "planner": "Planner",
    "consensus": "Consensus",
    "executive": "Executive",
}


def metric_part(planning: CyclePlanning) -> dict[str, Any]:
    """The four metrics, the FVA and the per-family accuracy, with their charts."""
    charts: dict[str, bytes] = {}
    notes: list[str] = []
    metrics = _metrics(planning, charts, notes)
    fva = _fva(planning, charts)
    acc = planning.family_accuracy
    accuracy = {str(fam): {"accuracy": num(a), "bias": num(b)}
                for fam, a, b in zip(acc["family"], acc["accuracy"], acc["bias"], strict=True)}
    return {"metrics": metrics, "fva": fva, "charts": charts, "notes": notes,
            "accuracy": accuracy}


def _metrics(planning: CyclePlanning, charts: dict[str, bytes],
             notes: list[str]) -> list[dict[str, Any]]:
    summary = planning.metrics
    notes.extend(summary.notes)
    trend = planning.trend
    wide = trend.pivot_table(index="cycle", columns="metric", values="value", aggfunc="first",
                             dropna=False)
    wide.index = wide.index.astype(str)
    cycles = list(wide.index)
    out = []
    for key, label, kind, aim in METRICS:
        value = num(getattr(summary, key))
        series = [num(v) for v in wide[key]] if key in wide else []
        prev = series[-2] if len(series) >= 2 else None
        if cycles and key in wide:
            charts[f"trend_{key}"] = metric_trend_svg(
                cycles, [v if v is not None else math.nan for v in series],
                percent=kind != "money", money=kind == "money",
                target=0.0 if aim == "zero" else None)
        extra = ""
        if key == "family_accuracy":
            item = num(summary.item_accuracy)
            extra = "" if item is None else f"item level {item:.0%}"
        if key == "eo_value":
            extra = (f"excess {money(summary.excess_value)}, "
                     f"obsolete {money(summary.obsolete_value)}")
        measured = [v for v in series if v is not None]
        # A trend needs two measured cycles; one point (E&O before the tool) is not a trend.
        first = measured[0] if len(measured) >= 2 else None
        out.append({"key": key, "label": label, "kind": kind, "aim": aim, "value": value,
                    "previous": prev, "first": first, "cycles": len(measured),
                    "first_cycle": cycles[0] if cycles else "", "extra": extra,
                    "chart": f"trend_{key}" if f"trend_{key}" in charts else None,
                    "verdict": _verdict(value, first, aim)})
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


def _fva(planning: CyclePlanning, charts: dict[str, bytes]) -> dict[str, Any]:
    f = planning.fva
    total = f[f["family"] == "TOTAL"]
    fam = f[f["family"] != "TOTAL"]
    steps: list[dict[str, Any]] = []
    for _, r in total.iterrows():
        step = str(r["step"])
        sub = fam[fam["step"] == step]
        worse = int((sub["fva_vs_prev"] < 0).sum())
        fvp = num(r["fva_vs_prev"])
        steps.append({"step": step, "label": STEP_LABELS.get(step, step),
                      "wmape": float(r["wmape"]), "bias": float(r["bias"]),
                      "fva_vs_prev": fvp, "fva_vs_naive": num(r["fva_vs_naive"]),
                      "families_worse": worse, "families": int(len(sub)),
                      "verdict": ("baseline" if fvp is None
                                  else "added value" if fvp > 0 else "destroyed value")})
    if steps:
        charts["fva"] = fva_svg([s["label"] for s in steps], [s["wmape"] for s in steps])
    added = [s["label"] for s in steps if s["verdict"] == "added value"]
    destroyed = [s["label"] for s in steps if s["verdict"] == "destroyed value"]
    by_family: dict[str, dict[str, float | None]] = defaultdict(dict)
    for fam_name, step, v in zip(fam["family"], fam["step"], fam["fva_vs_naive"], strict=True):
        by_family[str(fam_name)][str(step)] = num(v)
    return {"steps": steps, "added": added, "destroyed": destroyed,
            "by_family": dict(by_family)}
