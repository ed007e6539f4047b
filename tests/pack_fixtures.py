"""A cycle's worth of events on the demo company, recorded through the Workspace, for the pack.

:func:`record_demo_cycle` plays the five meetings of cycle 2026-12: a portfolio decision,
assumptions (two of them hostile markup a participant might paste, one later retracted), a
consensus for every family chosen from the planner or marketing input, a decision for every
capacity gap, three scenarios, a recommendation with open decisions (later amended), the
executive's decisions on both open decisions (the price decision with a 3,000-character
rationale) and an executive override with named gap-closing actions (or, with
``approve=True``, a plain approval).
"""

from __future__ import annotations

from sop_tui.cycle.consensus import choose_consensus
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.scenarios import create_scenario
from sop_tui.cycle.workspace import Workspace

#: Text a participant typed that must come out of the PDF as the characters typed.
NASTY_IMG = '<img src="file:///etc/passwd">'
NASTY_LINK = "<link rel=attachment href=file:///etc/passwd>"
NASTY_SCRIPT = "Q1 & Q2 <script>alert('x')</script> {{ 7*7 }}"

#: The price decision's rationale: 3,000 characters, as a CFO might dictate it.
LONG_RATIONALE = (
    "Distributors have absorbed two list-price rises in eighteen months and their own margins "
    "are under pressure from the big-box channel; passing the full 3% on now would invite a "
    "round of renegotiation in the spring, exactly when the seal campaign needs their shelf "
    "space. On the other hand fastener input costs rose 4.1% this year, steel wire and zinc "
    "plating both, and absorbing the rise would take about $3.0M off the horizon's margin. "
) * 8
LONG_RATIONALE = LONG_RATIONALE[:2990].rsplit(" ", 1)[0] + " — decided."

SCENARIOS = {
    "upside-10": dict(description="Marketing's campaign lands: BRG and SEA +10% from March",
                      demand=("BRG-01:+10%:2027-03..2027-08", "SEA-04:+10%:2027-03..2027-08")),
    "overtime-assy": dict(description="Weekend shifts on ASSY-B and MACH-2 in the summer peak",
                          capacity=("ASSY-B:+15%:2027-05..2027-08",
                                    "MACH-2:+15%:2027-05..2027-08")),
    "price+3": dict(description="List price +3% on fasteners from January",
                    price=("FST-01:+3%", "FST-02:+3%")),
}


def record_demo_cycle(ws: Workspace, *, approve: bool = False) -> CyclePlanning:
    """Record the meetings of the open demo cycle; return a fresh planning view of it."""
    cycle = ws.current_cycle()
    planning = CyclePlanning(ws, cycle)

    ws.start_meeting("portfolio")
    ws.record_assumption(text="Phase-outs in BRG-03 sell through by June", owner="Priya Shah",
                         family="BRG-03", months="2026-12..2027-06", meeting="portfolio")
    ws.record_decision(question="Do we launch the sealed BRG range in March?",
                       options=["launch in March", "delay to June"], chosen="launch in March",
                       rationale="tooling is ready and the seal campaign starts in March",
                       decided_by="Head of product", owner="Priya Shah", due="2027-03-01",
                       meeting="portfolio")
    ws.close_meeting("portfolio")

    ws.start_meeting("demand")
    ws.record_assumption(text=NASTY_IMG, owner="Mallory (Sales)", meeting="demand")
    ws.record_assumption(text=NASTY_LINK, owner="Mallory (Sales)", family="SEA-04",
                         meeting="demand", units=1200.0)
    ws.record_assumption(text=NASTY_SCRIPT, owner="Dana Ruiz (Sales)", family="FST-01",
                         months="2027-01..2027-06", dollars=250000.0, meeting="demand")
    ws.record_assumption(text="Campaign on seals adds 10% from March", owner="Lee Park (Marketing)",
                         family="SEA-04", months="2027-03..2027-08", source="marketing",
                         meeting="demand")
    wrong = ws.record_assumption(text="Gear demand doubles in January", owner="Mallory (Sales)",
                                 family="GEA-01", meeting="demand")
    ws.retract(wrong.seq, "a typo: the order book shows no such thing")
    for i, fam in enumerate(planning.families):
        source = "marketing" if i % 3 == 0 else "planner"
        choose_consensus(ws, family=fam, source=source, cycle=cycle,
                         chosen_assumptions="the chosen source's own assumption")
    ws.close_meeting("demand")

    planning.refresh()
    ws.start_meeting("supply")
    for resource, month in planning.capacity_gaps:
        ws.record_decision(question=f"How do we cover the {resource} gap in {month}?",
                           options=["pre-build", "overtime", "accept the shortfall"],
                           chosen="pre-build", meeting="supply",
                           rationale="capacity is free earlier; holding cost below overtime",
                           decided_by="Ops director", owner="Plant manager", due="2027-01-31",
                           resource=resource, months=month)
    ws.close_meeting("supply")

    ws.start_meeting("pre_sop")
    for name, spec in SCENARIOS.items():
        create_scenario(planning, name, **spec)  # type: ignore[arg-type]
    recommended = ws.record_recommendation(
        scenario="overtime-assy",
        text="Fund summer weekend shifts: it keeps service at 100% through the peak.",
        open_decisions=("Approve $180k of overtime for ASSY-B and MACH-2",
                        "Decide whether to pass the fastener price rise to distributors"),
    )
    ws.amend(recommended.seq, {"text": "Fund summer weekend shifts on ASSY-B and MACH-2: it "
                                       "keeps service at 100% through the peak."},
             "named the two resources")
    ws.close_meeting("pre_sop")

    ws.start_meeting("executive")
    ws.record_decision(question="Approve $180k of overtime for ASSY-B and MACH-2",
                       options=["approve", "reject"], chosen="approve",
                       rationale="cheaper than the margin the summer peak would lose",
                       decided_by="GM", owner="Plant manager", due="2027-04-30",
                       meeting="executive")
    ws.record_decision(question="Pass the fastener price rise to distributors?",
                       options=["pass it on in full", "absorb it", "split it"],
                       chosen="pass it on in full", rationale=LONG_RATIONALE, decided_by="CFO",
                       owner="Head of pricing", due="2027-01-15", meeting="executive")
    if approve:
        ws.approve_plan(scenario="overtime-assy", approved_by="GM", note="As recommended")
    else:
        ws.override_plan(
            scenario="overtime-assy", overridden_by="CFO",
            rationale="The target stands: close the gap with named actions, not a higher forecast",
            revenue_gap_closed=6_500_000.0,
            actions=[
                {"text": "Distributor restocking programme for SEA-04", "owner": "Dana Ruiz",
                 "due": "2027-02-28", "dollars": 3_500_000.0},
                {"text": "Fastener price rise of 3% from January", "owner": "Head of pricing",
                 "due": "2027-01-15", "dollars": 3_000_000.0},
            ],
        )
    ws.record_action(text="Book weekend crews for ASSY-B", owner="Plant manager",
                     due="2027-04-30", meeting="executive", dollars=-180_000.0)
    ws.close_meeting("executive")
    return CyclePlanning(ws, cycle, cache_dir=planning.cache_dir)
