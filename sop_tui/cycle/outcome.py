"""The executive outcome with its numbers: what was approved (or overridden) becomes history.

Approving a plan records, with the approval, the numbers approved: the demand of the chosen
scenario per family and month (the cycle's *executive* forecast) and the production the
constrained supply plan makes of it (the plan that plan attainment later measures). An override
records its numbers the same way, the demand raised to close the revenue gap it names: the
override is a top-down target, and the FVA stair-step measures what that did to accuracy.

The CLI and the app both record outcomes through these two functions.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from sop_tui.analytics.scenarios import Scenario
from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.data.store import MissingData
from sop_tui.events.envelope import Event

PlanNumbers = dict[str, dict[str, float]]


def _numbers(frame: pd.DataFrame, column: str) -> PlanNumbers:
    out: PlanNumbers = {}
    for fam, month, units in zip(frame["family"].astype(str), frame["month"].astype(str),
                                 frame[column].astype(float), strict=True):
        out.setdefault(fam, {})[month] = round(float(units), 3)
    return out


def plan_numbers(planning: CyclePlanning, scenario: str
                 ) -> tuple[PlanNumbers | None, PlanNumbers | None, float | None]:
    """The demand, production (family -> month -> units) and revenue of ``scenario``.

    Without the data a supply plan needs, the demand is the cycle's demand plan and there is
    no production plan (``None``); without even that, nothing.
    """
    try:
        if scenario == "consensus":
            result = planning.evaluate(None)
        else:
            rec = planning.state.scenarios[scenario]
            result = planning.evaluate(Scenario.from_dict(rec.payload["scenario"]))
    except (MissingData, ValueError, KeyError):
        try:
            return _numbers(planning.demand_plan.frame, "units"), None, None
        except (MissingData, ValueError, KeyError):
            return None, None, None
    production = result.supply.production
    return (_numbers(result.demand, "units"), _numbers(production, "production"),
            float(result.totals["revenue"]))


def _known_scenario(planning: CyclePlanning, scenario: str) -> None:
    """Refuse a scenario the cycle has not recorded (naming the ones it has)."""
    cs = planning.ws.state().cycles.get(planning.cycle)
    if cs is not None and scenario != "consensus" and scenario not in cs.scenarios:
        known = ", ".join(["consensus", *cs.scenarios])
        raise CommandError({"scenario": f"no scenario {scenario!r} (known: {known})"})


def approve(planning: CyclePlanning, *, scenario: str, approved_by: str,
            note: str | None = None) -> Event:
    """Approve ``scenario``'s plan, recording its demand and production."""
    ws = planning.ws
    _known_scenario(planning, scenario)
    plan, production, revenue = plan_numbers(planning, scenario)
    units = sum(sum(m.values()) for m in plan.values()) if plan else None
    return ws.approve_plan(scenario=scenario, approved_by=approved_by, note=note,
                           cycle=planning.cycle, plan=plan, production=production,
                           units=units, revenue=revenue)


def override(planning: CyclePlanning, *, scenario: str, overridden_by: str, rationale: str,
             revenue_gap_closed: float, actions: list[dict[str, Any]]) -> Event:
    """Override with ``scenario``'s plan raised to close ``revenue_gap_closed`` dollars."""
    ws = planning.ws
    _known_scenario(planning, scenario)
    plan, production, revenue = plan_numbers(planning, scenario)
    if plan and revenue:
        factor = 1.0 + float(revenue_gap_closed) / revenue
        plan = {f: {m: round(u * factor, 3) for m, u in months.items()}
                for f, months in plan.items()}
    return ws.override_plan(scenario=scenario, overridden_by=overridden_by, rationale=rationale,
                            revenue_gap_closed=revenue_gap_closed, actions=actions,
                            cycle=planning.cycle, plan=plan, production=production)
