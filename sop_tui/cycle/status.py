"""Where a cycle stands: meetings, what was captured, and which data each command needs."""

from __future__ import annotations

from typing import Any

from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.state import CycleState
from sop_tui.cycle.workspace import Workspace
from sop_tui.data.store import latest_imports
from sop_tui.events.envelope import MEETINGS

#: The data kinds each command reads.
NEEDS: dict[str, tuple[str, ...]] = {
    "forecast": ("items", "actuals"),
    "metrics": ("items", "actuals", "forecast_history", "production", "inventory"),
    "fva": ("items", "actuals", "forecast_history"),
    "segments": ("items", "actuals"),
    "demand review": ("items", "actuals", "demand_inputs"),
    "supply": ("items", "actuals", "demand_inputs", "routings", "capacity"),
    "scenarios": ("items", "actuals", "demand_inputs", "routings", "capacity", "targets"),
}

TITLES = {
    "portfolio": "Product/portfolio review",
    "demand": "Demand review",
    "supply": "Supply review",
    "pre_sop": "Pre-S&OP",
    "executive": "Executive S&OP",
}


def _day(at: str | None) -> str | None:
    return at[:10] if at else None


def cycle_status(ws: Workspace, cycle: str | None = None) -> dict[str, Any]:
    """A JSON-ready account of ``cycle`` (default: the current one)."""
    state = ws.state()
    cycle = cycle or ws.current_cycle()
    cs: CycleState | None = state.cycles.get(cycle)
    if cs is None or cs.opened is None:
        raise CommandError({"cycle": f"cycle {cycle} is not open"})
    imports = latest_imports(ws.log, cycle)
    needs = {
        cmd: [k for k in kinds if k not in imports]
        for cmd, kinds in NEEDS.items()
    }
    return {
        "cycle": cycle,
        "events": state.count,
        "head": ws.log.head().hash,
        "meetings": [
            {
                "id": m,
                "title": TITLES[m],
                "status": cs.meetings[m].status,
                "started": _day(cs.meetings[m].started.at if cs.meetings[m].started else None),
                "closed": _day(cs.meetings[m].closed.at if cs.meetings[m].closed else None),
            }
            for m in MEETINGS
        ],
        "captured": {
            "assumptions": len(cs.assumptions),
            "decisions": len(cs.decisions),
            "actions": len(cs.actions),
            "consensus": len(cs.consensus),
            "scenarios": len(cs.scenarios),
            "recommendation": cs.recommendation is not None,
            "outcome": cs.outcome.event.type if cs.outcome else None,
        },
        "open_actions": len(state.open_actions()),
        "overdue_actions": len(state.overdue_actions(ws.today())),
        "overrides_this_year": len(state.overrides_in_year(cycle[:4])),
        "data": {
            "imported": {
                k: {"rows": e.payload["rows"], "file": e.payload["file"], "event": e.seq}
                for k, e in imports.items()
            },
            "needs": {cmd: kinds for cmd, kinds in needs.items() if kinds},
        },
    }
