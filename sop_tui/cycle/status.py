"""Where a cycle stands: meetings, what was captured, and which data each command needs."""

from __future__ import annotations

from typing import Any

from sop_tui.cycle.cadence import cadence_report
from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.state import CycleState
from sop_tui.cycle.workspace import Workspace
from sop_tui.data.imports import REPLACE, Chain, chains, mode_of
from sop_tui.events.envelope import MEETINGS, Event

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

#: Timeboxes when no meeting files are given (the shipped files' ``limit_minutes``).
DEFAULT_LIMITS = {"portfolio": 60, "demand": 90, "supply": 90, "pre_sop": 90, "executive": 90}


def _day(event: Event | None) -> str | None:
    return event.at[:10] if event is not None else None


def known_rows(chain: Chain) -> int:
    """The rows a kind holds after its chain: the first import's rows, then each later one's
    added rows (a changed row replaces one, it adds none)."""
    first, rest = chain[0], chain[1:]
    base = int(first.payload["rows"]) if mode_of(first) == REPLACE or "added" not in \
        first.payload else int(first.payload["added"])
    return base + sum(int(e.payload.get("added", 0)) for e in rest)


def cycle_status(ws: Workspace, cycle: str | None = None,
                 limits: dict[str, int] | None = None) -> dict[str, Any]:
    """A JSON-ready account of ``cycle`` (default: the current one)."""
    state = ws.state()
    cycle = cycle or ws.current_cycle()
    cs: CycleState | None = state.cycles.get(cycle)
    if cs is None or cs.opened is None:
        raise CommandError({"cycle": f"cycle {cycle} is not open"})
    used = chains(state.imports, state.data_until(cycle))
    needs = {cmd: [k for k in kinds if k not in used] for cmd, kinds in NEEDS.items()}
    cadence = {c.meeting: c for c in cadence_report(cs, limits or DEFAULT_LIMITS, ws.today())}
    return {
        "cycle": cycle,
        "closed": cs.closed is not None,
        "events": state.count,
        "head": ws.log.head().hash,
        "meetings": [
            {
                "id": m,
                "title": TITLES[m],
                "status": cs.meetings[m].status,
                "scheduled": cadence[m].scheduled,
                "started": _day(cs.meetings[m].started),
                "closed": _day(cs.meetings[m].closed),
                "days_late": cadence[m].days_late,
                "minutes": cadence[m].minutes,
                "limit_minutes": cadence[m].limit,
                "out_of_order": list(cadence[m].out_of_order),
                "reason": cadence[m].reason,
                "attendees": list(cadence[m].attendees),
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
                k: {"rows": known_rows(c), "file": c[-1].payload["file"], "event": c[-1].seq,
                    "imports": [e.seq for e in c]}
                for k, c in used.items()
            },
            "needs": {cmd: kinds for cmd, kinds in needs.items() if kinds},
        },
    }
