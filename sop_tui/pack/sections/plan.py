"""The plan section: the plan of record over the horizon, by family and month, with capacity.

:func:`plan_part` evaluates the plan of record (the scenario as recorded, or the consensus)
and returns what the pack shows of it as plain data: the section itself, its charts, the
plan's totals, its capacity picture (:mod:`~sop_tui.pack.sections.capacity`) and the
per-family figures the appendix reads.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from sop_tui.analytics.scenarios import ScenarioResult
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.pack.charts import revenue_vs_target_svg
from sop_tui.pack.model import num
from sop_tui.pack.sections.capacity import capacity_part

BUCKET = 3  # months per column of the plan-by-family table
#: Widths, in digits, of the figure columns of the revenue-by-family table (a quarter, units,
#: revenue, share): each row's figures are one run of text (see ``typeset.figure_run``).
PLAN_BUCKET_DIGITS = 8.5
PLAN_TAIL_DIGITS = (12.0, 8.5, 6.5)


def plan_part(planning: CyclePlanning) -> dict[str, Any]:
    """The plan of record (``CyclePlanning.plan_result``: the scenario the executives or the
    pre-S&OP chose, else the consensus), evaluated, as the plain data the pack shows."""
    result = planning.plan_result
    charts: dict[str, bytes] = {}
    capacity = capacity_part(result, planning.data["routings"], charts)
    plan = _plan(planning, result, charts, capacity)
    d = result.dollars.assign(family=result.dollars["family"].astype(str),
                              month=result.dollars["month"].astype(str))
    months = [str(m) for m in planning.horizon]
    units = d.pivot_table(index="family", columns="month", values="units", aggfunc="sum")
    units = units.reindex(columns=months, fill_value=0.0)
    revenue = d.groupby("family")["revenue"].sum()
    items = planning.data["items"]
    n_items = items.groupby(items["family"].astype(str)).size()
    families = [{"family": str(fam), "items": int(n_items.get(fam, 0)),
                 "units": float(units.loc[fam].sum()), "revenue": float(revenue.get(fam, 0.0)),
                 "monthly": [float(v) for v in units.loc[fam]]} for fam in units.index]
    prices = planning.prices
    return {"plan": plan, "capacity": capacity, "charts": charts, "months": months,
            "families": families,
            "prices": {str(f): float(p) for f, p in zip(prices["family"], prices["unit_price"],
                                                        strict=True)},
            "totals": {str(k): float(v) for k, v in result.totals.items()},
            "placeholder": list(planning.demand_plan.placeholder),
            "n_families": len(planning.families)}


def _plan(planning: CyclePlanning, result: ScenarioResult, charts: dict[str, bytes],
          capacity: dict[str, Any]) -> dict[str, Any]:
    dollars = result.dollars
    months = [str(m) for m in planning.horizon]
    buckets = [months[i:i + BUCKET] for i in range(0, len(months), BUCKET)]
    bucket_labels = [_bucket_label(b) for b in buckets]
    consensus = planning.state.consensus
    placeholder = set(planning.demand_plan.placeholder)
    d = dollars.assign(month=dollars["month"].astype(str), family=dollars["family"].astype(str))
    by_fm = d.groupby(["family", "month"])[["units", "revenue", "margin"]].sum()
    fam_rows: list[dict[str, Any]] = []
    total_rev = float(d["revenue"].sum())
    for fam in sorted(set(d["family"])):
        sub = by_fm.loc[fam]
        rev_b = [float(sub.reindex(b)["revenue"].fillna(0).sum()) for b in buckets]
        rec = consensus.get(fam)
        fam_rows.append({
            "family": fam,
            "source": rec.payload["source"] if rec else "not agreed",
            "agreed": fam not in placeholder,
            "units": float(sub["units"].sum()),
            "revenue": float(sub["revenue"].sum()),
            "margin": float(sub["margin"].sum()),
            "share": float(sub["revenue"].sum()) / total_rev if total_rev else None,
            "revenue_buckets": rev_b,
        })
    by_m = d.groupby("month")[["units", "revenue", "margin"]].sum().reindex(months, fill_value=0)
    targets: dict[str, float | None] = dict.fromkeys(months)
    if result.gap is not None:
        g = result.gap.assign(month=result.gap["month"].astype(str))
        for m, t in zip(g["month"], g["revenue_target"], strict=True):
            targets[m] = num(t)
    busiest = capacity["busiest"]
    month_rows: list[dict[str, Any]] = []
    for m in months:
        t = targets.get(m)
        rev = float(by_m.loc[m, "revenue"])
        month_rows.append({
            "month": m, "units": float(by_m.loc[m, "units"]), "revenue": rev,
            "target": t, "gap": (t - rev) if t is not None else None,
            "busiest": busiest.get(m, {}).get("resource", ""),
            "busiest_share": busiest.get(m, {}).get("share"),
        })
    totals_buckets = [sum(r["revenue_buckets"][i] for r in fam_rows) for i in range(len(buckets))]
    charts["revenue"] = revenue_vs_target_svg(months, [r["revenue"] for r in month_rows],
                                              [r["target"] for r in month_rows])
    supply = result.supply
    return {
        "scenario": result.name,
        "months": months,
        "bucket_labels": bucket_labels,
        "families": fam_rows,
        "bucket_totals": totals_buckets,
        "run_digits": [PLAN_BUCKET_DIGITS] * len(buckets) + list(PLAN_TAIL_DIGITS),
        "by_month": month_rows,
        "placeholder": sorted(placeholder),
        "unmet_units": float(supply.totals.unmet),
        "service_level": float(supply.totals.service_level),
        "unconstrained": list(supply.unconstrained_families),
    }


def _bucket_label(months: list[str]) -> str:
    first, last = pd.Period(months[0], freq="M"), pd.Period(months[-1], freq="M")
    if first == last:
        return first.strftime("%b %y")
    return f"{first.strftime('%b %y')}–{last.strftime('%b %y')}"
