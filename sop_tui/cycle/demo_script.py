"""One monthly cycle of the demo company, meeting by meeting, through the cycle's commands.

The company's habits change a quarter of the way into the story (:attr:`DemoCycle.disciplined`):

- *before*: sales' number becomes the consensus (finance's midpoint once, flagged as averaging),
  the executive meeting runs before the pre-S&OP is closed and overrides the plan, actions are
  done late, meetings start late and run long;
- *the turn*: the pre-S&OP shows the bias of sales' input (from the product's own FVA) and the
  executives decide one source of demand;
- *after*: the planner's baseline is the one number (each family's own assumption said), the
  plan is approved, capacity decisions are followed up with their measured result, actions are
  closed by their date, and the phase-out stock is sold off.

Nothing here writes a metric: the metrics are what the product computes from this history.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sop_tui.cycle.consensus import choose_consensus
from sop_tui.cycle.followup import measured_result
from sop_tui.cycle.forecasts import record_forecast
from sop_tui.cycle.meetings import MeetingDef
from sop_tui.cycle.outcome import approve, override
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.workspace import Workspace
from sop_tui.data.demo import AVERAGED_FAMILY

if TYPE_CHECKING:
    from sop_tui.cycle.demo_run import DemoClock

PEOPLE = {
    "portfolio": ("Lena Ortiz (Product)", "Alex Kim (Demand Planning)", "Sam Okafor (Ops)"),
    "demand": ("Alex Kim (Demand Planning)", "Dana Ruiz (Sales)", "Priya Shah (Marketing)",
               "Tom Becker (Finance)"),
    "supply": ("Sam Okafor (Ops)", "Alex Kim (Demand Planning)", "Jo Park (Procurement)"),
    "pre_sop": ("Chris Lang (S&OP lead)", "Alex Kim (Demand Planning)", "Sam Okafor (Ops)",
                "Tom Becker (Finance)"),
    "executive": ("Maria Chen (GM)", "Robert Hale (CFO)", "Chris Lang (S&OP lead)",
                  "Dana Ruiz (Sales)"),
}
GM, CFO, LEAD = "Maria Chen (GM)", "Robert Hale (CFO)", "Chris Lang (S&OP lead)"
#: The share of phase-out stock sold off, by cycles after the turn (the decision's effect).
SELLOFF = (0.0, 0.25, 0.15)


@dataclass
class DemoCycle:
    """One cycle to run: where, which, and how the company behaves in it."""

    ws: Workspace
    cycle: str
    index: int
    cycles: int
    clock: DemoClock
    defs: dict[str, MeetingDef]
    cache_dir: Path | None = None

    @property
    def turn(self) -> int:
        """The first disciplined cycle (a quarter of the way in, never the first)."""
        return max(1, self.cycles // 4)

    @property
    def disciplined(self) -> bool:
        return self.index >= self.turn


@dataclass
class Decided:
    """What the cycle decided that the plant acts on."""

    production: dict[str, dict[str, float]] = field(default_factory=dict)  # month -> family
    steady: bool = False
    selloff: float = 0.0


def _add_days(day: str, n: int) -> str:

    return (date.fromisoformat(day) + timedelta(days=n)).isoformat()


def _month_day(cycle: str, months_ahead: int, day: int) -> str:
    y, m = int(cycle[:4]), int(cycle[5:7]) + months_ahead
    y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
    return f"{y:04d}-{m:02d}-{min(day, calendar.monthrange(y, m)[1]):02d}"


def _next_months(cycle: str, first: int, last: int) -> str:
    return f"{_month_day(cycle, first, 1)[:7]}..{_month_day(cycle, last, 1)[:7]}"


def hold(run: DemoCycle, planning: CyclePlanning, meeting: str, body: Callable[[], None], *,
         late_days: int = 0, pace: float = 1.0, reason: str | None = None,
         close: bool = True) -> None:
    """Hold one meeting: start it on its day, do ``body``, walk its agenda, close it."""
    ws, d = run.ws, run.defs[meeting]
    day = ws.state().cycles[run.cycle].meetings[meeting].scheduled or f"{run.cycle}-02"
    run.clock.at(_add_days(day, late_days), hour=9)
    ws.start_meeting(meeting, cycle=run.cycle, attendees=PEOPLE[meeting], reason=reason)
    body()
    for i, item in enumerate(d.agenda):
        if i:
            ws.start_item(meeting, i, item.title, cycle=run.cycle)
        run.clock.advance(item.minutes * pace)
    if close:
        close_meeting(run, planning, meeting)


def close_meeting(run: DemoCycle, planning: CyclePlanning, meeting: str) -> None:
    missing = planning.refresh().missing_for(meeting, run.defs[meeting].exit_criteria)
    run.ws.close_meeting(meeting, cycle=run.cycle, missing=missing)


def _complete_due(run: DemoCycle) -> None:
    """Close the open actions of earlier cycles: all of them when disciplined (by their
    date), only those long overdue before (late)."""
    ws = run.ws
    state = ws.state()
    today = ws.today()
    for a in state.open_actions():
        if a.cycle >= run.cycle:
            continue
        if run.disciplined or a.due < _add_days(today, -20):
            ws.complete_action(a.ref, note="done" if a.due >= today else "done, late")


def _portfolio(run: DemoCycle, planning: CyclePlanning, decided: Decided) -> None:
    ws, c = run.ws, run.cycle
    items = planning.data["items"]
    new = sorted(items.loc[items["lifecycle"] == "new", "sku"].astype(str))
    out = sorted(items.loc[items["lifecycle"] == "phase_out", "sku"].astype(str))
    due = _month_day(c, 0, 28)
    _complete_due(run)
    _outcomes(run, planning, "portfolio")
    ws.record_decision(question="New items: launch as planned?", cycle=c, meeting="portfolio",
                       options=["launch as planned", "delay the launch"],
                       chosen="launch as planned", rationale="pilot orders confirmed",
                       decided_by="Lena Ortiz (Product)", owner="Lena Ortiz (Product)",
                       due=due, skus=new)
    after = run.index - run.turn
    sell = 0 <= after < len(SELLOFF) and SELLOFF[after] > 0
    ws.record_decision(
        question="Phase-out stock: what do we do with it?", cycle=c, meeting="portfolio",
        options=["hold it for spares demand", "sell it off through the broker", "scrap it"],
        chosen="sell it off through the broker" if sell else "hold it for spares demand",
        rationale=("the FVA review showed the stock will not sell at list price"
                   if sell else "spares demand may still come"),
        decided_by=GM, owner="Sam Okafor (Ops)", due=due, skus=out)
    if sell:
        decided.selloff = SELLOFF[after]
        ws.record_action(text="Ship the phase-out lots to the broker", owner="Sam Okafor (Ops)",
                         due=_month_day(c, 1, 25), cycle=c, meeting="portfolio")


def _demand(run: DemoCycle, planning: CyclePlanning) -> None:
    ws, c = run.ws, run.cycle
    record_forecast(ws, c, planning.statistical(level="family"))
    inputs = planning.data["demand_inputs"]
    families = planning.families
    months = _next_months(c, 1, 3)
    first, last = months.split("..")
    span = inputs[(inputs["month"].astype(str) >= first) & (inputs["month"].astype(str) <= last)]
    source = "planner" if run.disciplined else "sales"
    for fam in families[:3]:
        rows = span[(span["family"] == fam) & (span["source"] == source)]
        text = str(rows["assumption"].iloc[0]) if len(rows) else f"{source} outlook"
        ws.record_assumption(text=text, owner=str(rows["owner"].iloc[0]) if len(rows) else LEAD,
                             cycle=c, meeting="demand", family=fam, months=months,
                             units=float(rows["units"].sum()), source=source)
    for fam in families:
        if not run.disciplined and fam == AVERAGED_FAMILY:
            choose_consensus(ws, family=fam, source="finance", cycle=c,
                             chosen_assumptions="finance's midpoint: sales and marketing "
                                                "could not agree, so we split it")
        else:
            choose_consensus(ws, family=fam, source=source, cycle=c)


def _outcomes(run: DemoCycle, planning: CyclePlanning, meeting: str) -> None:
    """What came of the earlier cycles' decisions of ``meeting``, recorded as they fall due
    (the measured result beside each, where the numbers give one)."""
    ws, c = run.ws, run.cycle
    state = ws.state()
    today = ws.today()
    for d in sorted(state.by_seq.values(), key=lambda r: r.seq):
        if (d.type != "DecisionRecorded" or not d.live or d.cycle >= c or d.meeting != meeting
                or state.outcome_of(d.seq) is not None or d.payload.get("due", "") > today):
            continue
        measured = measured_result(planning, d.seq)
        if measured is None or measured.endswith("closed"):
            outcome, note = "worked", "done as decided"
        else:
            outcome, note = "partly", "covered part of it"
        ws.record_outcome(d.seq, outcome, note, measured=measured, cycle=c, meeting=meeting)


def _supply(run: DemoCycle, planning: CyclePlanning) -> None:
    ws, c = run.ws, run.cycle
    _outcomes(run, planning, "supply")
    gaps: dict[str, list[str]] = {}
    for resource, month in planning.refresh().capacity_gaps:
        gaps.setdefault(resource, []).append(month)
    for resource, months in sorted(gaps.items()):
        dec = ws.record_decision(
            question=f"How do we cover the {resource} gap?", cycle=c, meeting="supply",
            options=["overtime", "pre-build in the months before", "accept the shortfall"],
            chosen="pre-build in the months before",
            rationale="the months before the peak have free hours", decided_by="Sam Okafor (Ops)",
            owner="Sam Okafor (Ops)", due=_month_day(c, 1, 20), resource=resource,
            months=f"{min(months)}..{max(months)}")
        ws.record_action(text=f"Release the pre-build orders for {resource}",
                         owner="Jo Park (Procurement)",
                         due=_month_day(c, 1, 25 if run.disciplined else 5), cycle=c,
                         meeting="supply", decision=dec.seq)


def _pre_sop(run: DemoCycle, planning: CyclePlanning) -> None:
    ws, c = run.ws, run.cycle
    _outcomes(run, planning, "pre_sop")
    for name, spec in (
        ("upside", {"demand": ["*:+5%"], "capacity": [], "price": []}),
        ("overtime", {"demand": [], "capacity": ["*:+10%"], "price": []}),
        ("price", {"demand": [], "capacity": [], "price": ["*:+2%"]}),
    ):
        ws.create_scenario(name, {"name": name, "description": f"{name} case", **spec}, cycle=c)
    if run.index == run.turn - 1:
        sales = planning.fva
        row = sales[(sales["step"] == "sales") & (sales["family"] == "TOTAL")]
        bias = float(row["bias"].iloc[0]) if len(row) else float("nan")
        ws.record_assumption(
            text=f"Sales' input ran {bias:+.0%} over shipments over the last 12 months (FVA)",
            owner=LEAD, cycle=c, meeting="pre_sop", source="sales")
        ws.record_decision(
            question="Which number is our one demand plan?", cycle=c, meeting="pre_sop",
            options=["sales' number", "the planner's baseline, changed only with a named "
                     "assumption", "the average of the sources"],
            chosen="the planner's baseline, changed only with a named assumption",
            rationale="sales' number carried the bias into stock; the baseline beats it",
            decided_by=GM, owner="Alex Kim (Demand Planning)", due=_month_day(c, 1, 15))
    ws.record_recommendation(scenario="consensus", cycle=c,
                             text="approve the consensus; pre-build covers the peaks",
                             open_decisions=["approve the consensus plan",
                                             "confirm the pre-build for the peak months"])


def _executive(run: DemoCycle, planning: CyclePlanning, decided: Decided) -> None:
    c = run.cycle
    if run.disciplined:
        ev = approve(planning.refresh(), scenario="consensus", approved_by=GM,
                     note="one plan, units and dollars")
    else:
        gap = 2.4e6 if run.index == 0 else 1.6e6
        ev = override(planning.refresh(), scenario="consensus", overridden_by=CFO,
                      rationale="the budget must hold: the plan is raised to the target",
                      revenue_gap_closed=gap, actions=[
                          {"text": "Promotion on bearings for the distributors",
                           "owner": "Dana Ruiz (Sales)", "due": _month_day(c, 1, 5),
                           "dollars": gap * 0.6},
                          {"text": "Price increase of 2% on couplings",
                           "owner": "Tom Becker (Finance)", "due": _month_day(c, 1, 5),
                           "dollars": gap * 0.4}])
    for fam, months in (ev.payload.get("production") or {}).items():
        for month, units in months.items():
            decided.production.setdefault(month, {})[fam] = float(units)
    decided.steady = run.disciplined


def run_cycle(run: DemoCycle) -> Decided:
    """Open the cycle, hold its five meetings, close it; what the plant is to act on."""
    ws, c = run.ws, run.cycle
    run.clock.at(f"{c}-01", hour=8)
    ws.open_cycle(c, note="monthly cycle (demo)")
    planning = CyclePlanning(ws, c, cache_dir=run.cache_dir)
    decided = Decided()
    old = not run.disciplined
    hold(run, planning, "portfolio", lambda: _portfolio(run, planning, decided),
         pace=1.3 if old else 0.9)
    hold(run, planning, "demand", lambda: _demand(run, planning),
         late_days=2 if old else 0, pace=1.4 if old else 0.9)
    hold(run, planning, "supply", lambda: _supply(run, planning),
         late_days=1 if old else 0, pace=1.2 if old else 0.9)
    if run.index == 0:
        # the CFO's calendar wins: the executive meeting before the pre-S&OP is closed
        hold(run, planning, "pre_sop", lambda: _pre_sop(run, planning), close=False)
        hold(run, planning, "executive", lambda: _executive(run, planning, decided),
             reason="the CFO is only here on Tuesday", pace=1.6)
        close_meeting(run, planning, "pre_sop")
    else:
        hold(run, planning, "pre_sop", lambda: _pre_sop(run, planning), pace=1.1 if old else 0.9)
        hold(run, planning, "executive", lambda: _executive(run, planning, decided),
             pace=1.5 if old else 0.85)
    # what `sop maturity` reads of this cycle, computed (and kept) while its data is at hand
    _ = (planning.fva_destroying, planning.planned_families)
    return decided  # the last meeting closed closes the cycle
