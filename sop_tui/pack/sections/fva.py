"""Forecast Value Added as the reference's stair-step, with the verdict in words.

Each step is measured against the naive forecast and against the statistical one
(``analytics.fva``); :func:`~sop_tui.analytics.fva.step_verdicts` decides whether it adds or
destroys value — a step worse than the statistical forecast destroys value even where it
still beats naive — and the words say by how much, e.g. "the consensus (16.7% WMAPE) is
3.8 pp worse than the statistical forecast (12.9%)". A step whose bias is beyond ±5 % is
flagged.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from sop_tui.analytics.fva import ADDS, BASELINE_VERDICT, NAIVE, STATISTICAL, step_verdicts
from sop_tui.analytics.metrics import TOTAL
from sop_tui.formats import pct, points, signed_pct
from sop_tui.pack.charts import fva_svg
from sop_tui.pack.model import BIAS_LIMIT, num

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

#: How each step is named in a sentence.
STEP_NOUNS = {
    "naive": "the naive forecast (last month's actual)",
    "statistical": "the statistical forecast",
    "consensus": "the consensus",
    "executive": "the executive's number",
}


def step_noun(step: str) -> str:
    """``finance`` → ``finance's input``; the consensus and the forecasts by their names."""
    return STEP_NOUNS.get(step, f"{step}'s input")


def fva_section(frame: pd.DataFrame, charts: dict[str, bytes]) -> dict[str, Any]:
    """The stair-step's rows, its sentences, and its chart (``charts["fva"]``)."""
    total = frame[frame["family"] == TOTAL]
    fam = frame[frame["family"] != TOTAL]
    verdicts = step_verdicts(frame)
    by_step = {str(r["step"]): r for _, r in total.iterrows()}
    naive = by_step.get(NAIVE)
    stat = by_step.get(STATISTICAL)
    steps: list[dict[str, Any]] = []
    for step, r in by_step.items():
        sub = fam[fam["step"] == step]
        against = "fva_vs_statistical" if step not in (NAIVE, STATISTICAL) and stat is not None \
            else "fva_vs_naive"
        worse = int((sub[against] < 0).sum()) if step != NAIVE else 0
        bias = float(r["bias"])
        steps.append({
            "step": step, "label": STEP_LABELS.get(step, step.title()),
            "wmape": float(r["wmape"]), "bias": bias,
            "vs_naive": num(r["fva_vs_naive"]), "vs_statistical": num(r["fva_vs_statistical"]),
            "verdict": verdicts.get(step, BASELINE_VERDICT),
            "families_worse": worse, "families": int(len(sub)),
            "against": "statistical" if against == "fva_vs_statistical" else "naive",
            "bias_flag": abs(bias) > BIAS_LIMIT,
            "words": _words(step, r, naive, stat, verdicts.get(step, BASELINE_VERDICT)),
        })
    if steps:
        charts["fva"] = fva_svg([s["label"] for s in steps], [s["wmape"] for s in steps],
                                [s["verdict"] for s in steps])
    destroyed = [s for s in steps if s["verdict"] not in (ADDS, BASELINE_VERDICT)]
    key = next((s for s in steps if s["step"] == "consensus"), None)
    key_fact = ""
    if key is not None and stat is not None:
        key_fact = _compare(key, float(stat["wmape"]))
    by_family: dict[str, dict[str, float | None]] = {}
    for fam_name, step, v in zip(fam["family"], fam["step"], fam["fva_vs_naive"], strict=True):
        by_family.setdefault(str(fam_name), {})[str(step)] = num(v)
    return {"steps": steps, "key_fact": key_fact,
            "destroyed": [s["label"] for s in destroyed],
            "added": [s["label"] for s in steps if s["verdict"] == ADDS],
            "flag": _flag(destroyed, stat), "by_family": by_family,
            "cells": int(frame.attrs.get("cells_measured", 0))}


def _compare(step: dict[str, Any], stat_wmape: float) -> str:
    """``the consensus (16.7% WMAPE) is 3.8 pp worse than the statistical forecast (12.9%)``"""
    diff = (stat_wmape - step["wmape"]) * 100
    word = "better" if diff > 0 else "worse" if diff < 0 else "no better"
    return (f"{step_noun(step['step']).capitalize()} ({pct(step['wmape'])} WMAPE) is "
            f"{points(diff)} {word} than the statistical forecast ({pct(stat_wmape)})")


def _words(step: str, r: Any, naive: Any, stat: Any, verdict: str) -> str:
    wmape = float(r["wmape"])
    if step == NAIVE:
        return f"{pct(wmape)} WMAPE: the baseline every step must beat."
    vs_naive = float(r["fva_vs_naive"])
    naive_part = (f"{points(vs_naive)} {'better' if vs_naive > 0 else 'worse'} than naive "
                  f"({pct(float(naive['wmape']))})") if naive is not None else ""
    if step == STATISTICAL or stat is None:
        return f"{pct(wmape)} WMAPE, {naive_part}: {verdict}."
    vs_stat = float(r["fva_vs_statistical"])
    stat_part = (f"{points(vs_stat)} {'better' if vs_stat > 0 else 'worse'} than the "
                 f"statistical forecast ({pct(float(stat['wmape']))})")
    bias = float(r["bias"])
    tail = f"; bias {signed_pct(bias)}" if abs(bias) > BIAS_LIMIT else ""
    return f"{pct(wmape)} WMAPE, {stat_part} and {naive_part}: {verdict}{tail}."


def _flag(destroyed: list[dict[str, Any]], stat: Any) -> str:
    if not destroyed:
        return ""
    names = ", ".join(s["label"] for s in destroyed)
    if stat is None:
        return f"{names} make the forecast worse than the naive forecast."
    return (f"{names} make the forecast worse than the statistical forecast "
            f"({pct(float(stat['wmape']))} WMAPE) it started from.")
