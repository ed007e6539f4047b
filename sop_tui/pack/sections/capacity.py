"""Capacity against the plan's demand, uncapped: what each resource would need to make the
demand when it is sold, in hours and in units, and what the constrained plan does about it.

:func:`capacity_part` reads an evaluated plan (:class:`~sop_tui.analytics.scenarios.
ScenarioResult`) and the routings: the load of each resource and month is the plan's capacity
table (:func:`sop_tui.analytics.supply.capacity_table`, the one ``sop supply`` and the app's
supply panel show): the hours the plan's demand, net of the opening stock, needs there, against
the hours the scenario makes available — so a resource that needs 134 % of its hours shows
134 %, not the 100 % the constrained plan can load it to. Hours short become units short at
the hours a unit takes on that resource that month (its families' demand mix).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from sop_tui.analytics.scenarios import ScenarioResult
from sop_tui.pack.charts import load_svg
from sop_tui.pack.model import month_ranges, num

#: A resource loaded beyond this share of its hours is shown as nearly full.
NEARLY_FULL = 0.9


def capacity_part(result: ScenarioResult, routings: pd.DataFrame,
                  charts: dict[str, bytes]) -> dict[str, Any]:
    """Each resource's peak load, hours and units short and its months short; the busiest
    resource of each month; the load chart (``charts["load"]``)."""
    cap = result.supply.capacity
    load = cap.assign(resource=cap["resource"].astype(str), month=cap["month"].astype(str))
    per_unit = _hours_per_unit(result.demand, routings)
    load = load.merge(per_unit, on=["resource", "month"], how="left")
    load["share"] = load["utilisation"]
    load["units_short"] = (load["gap_hours"] / load["hours_per_unit"]).where(
        load["gap_hours"] > 1e-6, 0.0).fillna(0.0)
    resources: list[dict[str, Any]] = []
    for name, sub in load.groupby("resource", sort=True):
        short = sub[sub["gap_hours"] > 1e-6]
        peak_row = sub.loc[sub["share"].idxmax()] if sub["share"].notna().any() else None
        resources.append({
            "resource": str(name),
            "peak": num(peak_row["share"]) if peak_row is not None else None,
            "peak_month": str(peak_row["month"]) if peak_row is not None else "",
            "hours_short": float(sub["gap_hours"].sum()),
            "units_short": float(sub["units_short"].sum()),
            "months_short": month_ranges(list(short["month"])),
            "n_months_short": int(len(short)),
        })
    busiest: dict[str, dict[str, Any]] = {}
    for month, sub in load.groupby("month", sort=True):
        if sub["share"].notna().any():
            row = sub.loc[sub["share"].idxmax()]
            busiest[str(month)] = {"resource": str(row["resource"]), "share": num(row["share"])}
    charts["load"] = load_svg([r["resource"] for r in resources],
                              [r["peak"] or 0.0 for r in resources])
    short = [r for r in resources if r["hours_short"] > 0.5]
    return {
        "resources": resources,
        "short": sorted(short, key=lambda r: -r["hours_short"]),
        "hours_short": sum(r["hours_short"] for r in resources),
        "units_short": sum(r["units_short"] for r in resources),
        "busiest": busiest,
        "unmet_units": float(result.supply.totals.unmet),
        "service_level": float(result.supply.totals.service_level),
        "nearly_full": NEARLY_FULL,
    }


def _hours_per_unit(demand: pd.DataFrame, routings: pd.DataFrame) -> pd.DataFrame:
    """The hours a unit takes on each resource each month, weighted by the demand of the
    families routed through it."""
    d = demand.assign(family=demand["family"].astype(str), month=demand["month"].astype(str))
    r = routings.assign(family=routings["family"].astype(str),
                        resource=routings["resource"].astype(str))
    m = d.merge(r, on="family")
    m = m.assign(hours=m["units"] * m["hours_per_unit"])
    g = m.groupby(["resource", "month"], as_index=False)[["hours", "units"]].sum()
    g["hours_per_unit"] = g["hours"] / g["units"].where(g["units"] > 0)
    return g[["resource", "month", "hours_per_unit"]]
