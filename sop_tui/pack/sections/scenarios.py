"""The scenarios section: the recorded scenarios side by side, the consensus baseline first,
with the recommendation and its open decisions."""

from __future__ import annotations

from typing import Any

from sop_tui.cycle.state import Record
from sop_tui.pack.model import num

SCENARIO_MEASURES: tuple[tuple[str, str, str], ...] = (
    ("units_demanded", "Units demanded", "units"),
    ("units_supplied", "Units supplied", "units"),
    ("service_level", "Service level", "pct"),
    ("revenue", "Revenue", "money"),
    ("margin", "Margin", "money"),
    ("revenue_target", "Revenue target", "money"),
    ("gap_to_target", "Gap to target", "money"),
    ("ending_inventory_value", "Ending inventory", "money"),
    ("overtime_hours", "Overtime hours", "units"),
)


def adjustment_texts(records: dict[str, Record]) -> dict[str, list[str]]:
    """Each recorded scenario's adjustments in the CLI's words (``demand F:+10%:A..B``)."""
    # analytics.scenarios checks the adjustments and imports pandas: only when not cached
    from sop_tui.analytics.scenarios import Adjustment

    out: dict[str, list[str]] = {}
    for name, r in records.items():
        sc = r.payload["scenario"]
        out[name] = [f"{kind} {Adjustment.from_dict({'kind': kind, **a}).text()}"
                     for kind in ("demand", "capacity", "price") for a in sc.get(kind, [])]
    return out


def scenarios_section(base: dict[str, float], records: dict[str, Record], rec: Record | None,
                      plan_name: str, adjustments: dict[str, list[str]]) -> dict[str, Any]:
    """The recorded scenarios side by side, with the totals recorded when each was created
    (the numbers the pre-S&OP meeting saw), the consensus baseline first."""
    cols: list[dict[str, Any]] = [{
        "name": "consensus", "description": "The consensus plan, no adjustments",
        "adjustments": [], "totals": base, "seq": None,
    }]
    for name, r in records.items():
        sc = r.payload["scenario"]
        cols.append({"name": name, "description": sc.get("description", ""),
                     "adjustments": list(adjustments.get(name, ())),
                     "totals": r.payload.get("results", {}), "seq": r.seq})
    rows = []
    for key, label, kind in SCENARIO_MEASURES:
        rows.append({"label": label, "kind": kind,
                     "values": [num(c["totals"].get(key)) for c in cols]})
    return {
        "columns": cols,
        "rows": rows,
        "recommended": rec.payload["scenario"] if rec else None,
        "recommendation": rec.payload["text"] if rec else None,
        "open_decisions": list(rec.payload.get("open_decisions", ())) if rec else [],
        "plan": plan_name,
    }
