"""Page 1, the executive summary: what is asked of the executives today, and the few numbers
they need to answer — the gap to the financial plan and what closes it, the four metrics
with their flags, the capacity gaps, the overrides of the year, what changed.

Built from the other sections' data, so page 1 says exactly what the detail pages say.
"""

from __future__ import annotations

from typing import Any

from sop_tui.cycle.state import LogState, Record
from sop_tui.formats import money, units
from sop_tui.pack.model import num

#: Decisions of the earlier meetings listed on page 1 before "and N more".
DECIDED_ON_PAGE_ONE = 6


def summary_section(*, cycle: str, plan_part: dict[str, Any], plan_name: str,
                    outcome: Record | None, rec: Record | None, decisions: dict[str, Any],
                    scenarios: dict[str, Any], metrics: list[dict[str, Any]],
                    fva: dict[str, Any], log_state: LogState) -> dict[str, Any]:
    """The summary's plain data (see ``templates/pack/summary.html.j2``)."""
    totals = plan_part["totals"]
    if outcome is None:
        status = "pending"
        headline = (f"Decision needed: the pre-S&OP recommends {plan_name}."
                    if rec else "No plan to approve yet: the pre-S&OP has recorded no "
                                "recommendation.")
        by, note = "", ""
    elif outcome.type == "PlanApproved":
        status, by = "approved", outcome.payload["approved_by"]
        note = outcome.payload.get("note", "") or ""
        headline = f"Plan {plan_name} approved by {by}."
    else:
        status, by = "overridden", outcome.payload["overridden_by"]
        note = outcome.payload["rationale"]
        headline = f"Consensus overridden by {by}: plan {plan_name} with named actions."
    closed = sum(o["gap_closed"] for o in decisions["overrides"]
                 if outcome is not None and o["seq"] == outcome.seq and not o["retracted"])
    gap = _gap(totals, closed, scenarios)
    asks = decisions["asks"]
    decided = [d for d in decisions["decisions"] if not d.get("answers_ask")
               and not d["retracted"]]
    year = cycle[:4]
    overrides = sorted(log_state.overrides_in_year(year), key=lambda r: r.seq)
    return {
        "status": status, "headline": headline, "by": by, "note": note, "plan": plan_name,
        "asks": asks,
        "decided": decided[:DECIDED_ON_PAGE_ONE],
        "decided_more": max(0, len(decided) - DECIDED_ON_PAGE_ONE),
        "gap": gap,
        "metrics": metrics,
        "fva_flag": fva.get("flag", ""),
        "fva_key_fact": fva.get("key_fact", ""),
        "capacity": plan_part["capacity"],
        "overrides_year": year,
        "overrides": [{"cycle": r.cycle, "by": r.payload["overridden_by"],
                       "scenario": r.payload["scenario"]} for r in overrides],
        "placeholder": list(plan_part["placeholder"]),
        "n_families": plan_part["n_families"],
        "units": num(totals.get("units_supplied")),
        "revenue": num(totals.get("revenue")),
        "margin": num(totals.get("margin")),
        "service_level": num(totals.get("service_level")),
    }


def _gap(totals: dict[str, Any], closed: float, scenarios: dict[str, Any]) -> dict[str, Any]:
    """The gap to the financial plan in dollars and units, and what closes it."""
    target = num(totals.get("revenue_target"))
    revenue = num(totals.get("revenue"))
    gap = num(totals.get("gap_to_target"))
    sold = num(totals.get("units_supplied"))
    price = revenue / sold if revenue and sold else None
    gap_units = gap / price if gap is not None and price else None
    remaining = None if gap is None else gap - closed
    closes = list(scenarios["closes_gap"])
    if target is None or gap is None:
        closing = "No revenue target was imported: there is no gap to close."
    elif gap <= 0:
        closing = f"The plan meets the target with {money(-gap)} to spare."
    elif len(scenarios["columns"]) <= 1:
        closing = "No scenario has been recorded yet to close it."
    elif closes:
        closing = (f"Scenario {' and '.join(closes)} closes it "
                   f"({'meets' if len(closes) == 1 else 'meet'} the target).")
    else:
        best = scenarios["closest"]
        best_gap = next((v for c, v in zip(scenarios["columns"],
                                           _row(scenarios, "gap_to_target"), strict=True)
                         if c["name"] == best), None)
        closing = (f"No scenario closes it; {best} comes closest (gap {money(best_gap)})."
                   if best else "No scenario closes it.")
    if closed > 0.5 and remaining is not None:
        closing += (f" The override's named actions close {money(closed)}; "
                    + (f"{money(remaining)} ({units(remaining / price) if price else '–'} "
                       "units) is still open." if remaining > 0.5 else "nothing is left open."))
    return {"target": target, "revenue": revenue, "gap": gap, "gap_units": gap_units,
            "price": price, "closed": closed, "remaining": remaining, "closing": closing}


def _row(scenarios: dict[str, Any], key: str) -> list[float | None]:
    row = next((r for r in scenarios["rows"] if r["key"] == key), None)
    return list(row["values"]) if row is not None else [None] * len(scenarios["columns"])
