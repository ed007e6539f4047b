"""The executive summary: the plan's status, the revenue gap and how it is closed, the
decisions taken and what is asked of the executives."""

from __future__ import annotations

from typing import Any

from sop_tui.cycle.state import Record
from sop_tui.formats import money
from sop_tui.pack.model import num


def summary_section(plan_part: dict[str, Any], base: dict[str, float], plan_name: str,
                    outcome: Record | None, rec: Record | None,
                    decisions: dict[str, Any]) -> dict[str, Any]:
    """The summary's plain data (see the template's summary section)."""
    plan = plan_part["totals"]
    if outcome is None:
        status = "pending"
        headline = (f"No plan approved yet: the pre-S&OP recommends {plan_name!s}."
                    if rec else "No plan approved yet, and no recommendation recorded.")
        who = ""
        note = ""
    elif outcome.event.type == "PlanApproved":
        status = "approved"
        who = outcome.payload["approved_by"]
        note = outcome.payload.get("note", "")
        headline = f"Plan approved: {plan_name}."
    else:
        status = "overridden"
        who = outcome.payload["overridden_by"]
        note = outcome.payload["rationale"]
        headline = f"Consensus overridden: plan {plan_name}."
    gap_base = num(base.get("gap_to_target"))
    gap_plan = num(plan.get("gap_to_target"))
    closed_by_override = sum(o["gap_closed"] for o in decisions["overrides"]
                             if o["seq"] == (outcome.seq if outcome else None))
    action_dollars = sum(a["dollars"] or 0.0 for a in decisions["actions"]
                         if a["status"] == "open")
    remaining = None
    if gap_plan is not None:
        remaining = gap_plan - closed_by_override
    asks = list(rec.payload.get("open_decisions", ())) if rec else []
    if outcome is None and rec is not None:
        asks.insert(0, f"Approve the recommended plan ({plan_name}) or override it with the "
                       "named actions that close the gap.")
    elif outcome is None:
        asks.insert(0, "Nothing to approve yet: the pre-S&OP has recorded no recommendation. "
                       "The plan shown is the unadjusted consensus.")
    elif remaining is not None and remaining > 0.5:
        asks.append(f"Name the actions that close the remaining revenue gap "
                    f"({money(remaining)} over the horizon).")
    placeholder = list(plan_part["placeholder"])
    return {
        "status": status,
        "headline": headline,
        "by": who,
        "note": note,
        "plan": plan_name,
        "units": num(plan.get("units_supplied")),
        "revenue": num(plan.get("revenue")),
        "margin": num(plan.get("margin")),
        "target": num(plan.get("revenue_target")),
        "service_level": num(plan.get("service_level")),
        "gap_consensus": gap_base,
        "gap_plan": gap_plan,
        "closed_by_override": closed_by_override,
        "open_action_dollars": action_dollars,
        "remaining_gap": remaining,
        "n_decisions": sum(len(d["seqs"]) for d in decisions["decisions"]),
        "top_decisions": decisions["decisions"][:5],
        "more_decisions": max(0, len(decisions["decisions"]) - 5),
        "asks": asks,
        "placeholder": placeholder,
        "n_families": plan_part["n_families"],
    }
