"""The scenarios section: every recorded scenario side by side with the consensus, as computed
by the planning, its adjustments in words, and why a measure reads as it does.

:func:`scenario_part` evaluates each recorded scenario through the cycle's planning
(``CyclePlanning.evaluate``: the one supply and scenario computation, cached by the planning)
and keeps its totals; :func:`scenarios_section` lays them out. Service level, ending
inventory and overtime are shown as computed; where they read the same in every scenario
(100 %, $0, 0 hours) a note says why, from the numbers themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.state import Record
from sop_tui.formats import money, pct, signed_pct, units
from sop_tui.pack.model import month_span, num

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

CONSENSUS = "consensus"


def scenario_part(planning: CyclePlanning, specs: Mapping[str, dict[str, Any]]
                  ) -> dict[str, dict[str, float]]:
    """Each recorded scenario's totals as the planning computes them now (plain floats)."""
    # the analytics' scenario type imports pandas: only when the part is not cached
    from sop_tui.analytics.scenarios import Scenario

    out = {CONSENSUS: {str(k): float(v) for k, v in planning.baseline_totals.items()}}
    for name, spec in specs.items():
        totals = planning.evaluate(Scenario.from_dict(spec)).totals
        out[name] = {str(k): float(v) for k, v in totals.items()}
    return out


def adjustment_words(spec: Mapping[str, Any]) -> list[str]:
    """A scenario's adjustments in words, like adjustments grouped:
    ``Demand +10% for BRG-01 and SEA-04, Mar–Aug 2027``.

    The recorded spec is read as the planning reads it (:meth:`Scenario.from_dict`): its
    adjustments may be recorded as dicts or as the CLI's text (``*:+5%``).
    """
    # the analytics' scenario type imports pandas: only for a cycle with scenarios
    from sop_tui.analytics.scenarios import Scenario

    groups: dict[tuple[str, str, str], list[str]] = {}
    for a in Scenario.from_dict({"name": "scenario", **spec}).adjustments:
        amount = a.amount
        if a.unit == "%":
            size = signed_pct(amount / 100, 0 if amount == round(amount) else 1)
        elif a.unit == "hours":
            size = f"{'+' if amount >= 0 else '−'}{units(abs(amount))} hours a month"
        else:
            size = f"{'+' if amount >= 0 else '−'}{units(abs(amount))} units a month"
        when = month_span(a.start, a.end)
        groups.setdefault((a.kind, size, when), []).append(a.target)
    out = []
    for (kind, size, when), targets in groups.items():
        every = "every resource" if kind == "capacity" else "every family"
        names = [every if t == "*" else t for t in targets]
        who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        prep = {"demand": "for", "capacity": "at", "price": "on"}[kind]
        text = f"{kind.capitalize()} {size} {prep} {who}"
        out.append(f"{text}, {when}" if when else text)
    return out


def scenarios_section(computed: Mapping[str, Mapping[str, float]], records: dict[str, Record],
                      rec: Record | None, plan_name: str) -> dict[str, Any]:
    """The scenarios side by side (the consensus first), their adjustments in words, and
    notes on what reads the same everywhere."""
    cols: list[dict[str, Any]] = [{
        "name": CONSENSUS, "description": "The consensus demand plan, no adjustments.",
        "adjustments": [], "totals": dict(computed.get(CONSENSUS, {})),
        "recorded": {}, "amended": [], "retracted": False,
    }]
    for name, r in records.items():
        sc = r.payload["scenario"]
        cols.append({"name": name, "description": sc.get("description", ""),
                     "adjustments": adjustment_words(sc),
                     "totals": dict(computed.get(name, r.payload.get("results", {}))),
                     "recorded": dict(r.payload.get("results", {})),
                     "amended": [a.payload.get("reason", "") for a in r.amendments],
                     "retracted": False})
    rows = [{"key": key, "label": label, "kind": kind,
             "values": [num(c["totals"].get(key)) for c in cols]}
            for key, label, kind in SCENARIO_MEASURES]
    closes = [c["name"] for c in cols if (num(c["totals"].get("gap_to_target")) or 0) <= 0
              and num(c["totals"].get("revenue_target")) is not None]
    gaps = [(num(c["totals"].get("gap_to_target")), c["name"]) for c in cols]
    known = [(g, n) for g, n in gaps if g is not None]
    closest = min(known)[1] if known else None
    return {
        "columns": cols,
        "rows": rows,
        "recommended": rec.payload["scenario"] if rec else None,
        "recommendation": rec.payload["text"] if rec else None,
        "recommendation_amended": ([a.payload.get("reason", "") for a in rec.amendments]
                                   if rec else []),
        "open_decisions": list(rec.payload.get("open_decisions", ())) if rec else [],
        "plan": plan_name,
        "closes_gap": closes,
        "closest": closest,
        "notes": _why(cols),
        "differs": _differs(cols),
    }


def _all(cols: list[dict[str, Any]], key: str, test: Any) -> bool:
    values = [num(c["totals"].get(key)) for c in cols]
    return bool(values) and all(v is not None and test(v) for v in values)


def _why(cols: list[dict[str, Any]]) -> list[str]:
    """Why a measure reads the same in every scenario, from the numbers."""
    notes = []
    where = "in every scenario" if len(cols) > 1 else "in the consensus plan"
    if _all(cols, "service_level", lambda v: v >= 0.9995):
        notes.append(f"Service is 100% {where}: the supply plan meets all demand, building "
                     "ahead of the months where capacity is short.")
    if _all(cols, "ending_inventory_value", lambda v: abs(v) < 0.5):
        notes.append(f"Ending inventory is $0 {where}: the plan makes what is sold and builds "
                     "ahead only for a capacity gap, so no stock is left at the end of the "
                     "horizon.")
    if _all(cols, "overtime_hours", lambda v: abs(v) < 0.5):
        notes.append(f"Overtime is 0 hours {where}: the supply plan is given no overtime "
                     "hours; a scenario adds shifts as capacity instead.")
    return notes


def _differs(cols: list[dict[str, Any]]) -> list[str]:
    """Scenarios whose figures now differ from those recorded when they were created."""
    out = []
    for c in cols[1:]:
        rec, now = c["recorded"], c["totals"]
        for key, label, kind in (("revenue", "revenue", "money"),
                                 ("service_level", "service", "pct")):
            a, b = num(rec.get(key)), num(now.get(key))
            if a is not None and b is not None and abs(a - b) > max(abs(a) * 0.001, 1e-6):
                shown = money if kind == "money" else pct
                out.append(f"{c['name']}: {label} {shown(b)} now, {shown(a)} when recorded")
    return out
