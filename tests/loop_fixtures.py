"""A tiny company for the monthly-loop tests: a few files a month, written as a planner would.

Two families (``PUMP``, ``VALVE``) of two SKUs each, 30 months of actuals before the first
cycle, one work centre, and the months that follow arriving one file at a time.
"""

from __future__ import annotations

from pathlib import Path

from sop_tui.cycle.consensus import choose_consensus
from sop_tui.cycle.outcome import override
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.workspace import Workspace
from sop_tui.data.store import files_in, import_files

FAMILIES = {"PUMP": ("P-1", "P-2"), "VALVE": ("V-1", "V-2")}
PRICES = {"P-1": (120.0, 70.0), "P-2": (80.0, 50.0), "V-1": (40.0, 22.0), "V-2": (25.0, 12.0)}
BASE = {"P-1": 100, "P-2": 60, "V-1": 200, "V-2": 140}
SOURCES = ("sales", "marketing", "finance", "planner")
SOURCE_UPLIFT = {"sales": 1.12, "marketing": 1.05, "finance": 1.0, "planner": 0.98}


def add_months(month: str, n: int) -> str:
    y, m = int(month[:4]), int(month[5:7])
    t = y * 12 + (m - 1) + n
    return f"{t // 12:04d}-{t % 12 + 1:02d}"


def months(first: str, n: int) -> list[str]:
    return [add_months(first, i) for i in range(n)]


def actual(sku: str, month: str) -> int:
    """Deterministic demand: a base, a season, a little wobble by month."""
    m = int(month[5:7])
    y = int(month[:4])
    season = (0, 5, 10, 15, 10, 5, 0, -5, -10, -15, -10, -5)[m - 1]
    return BASE[sku] + season + (3 * y + 7 * m) % 11


def family_actual(family: str, month: str) -> int:
    return sum(actual(s, month) for s in FAMILIES[family])


def _write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def write_start(folder: Path, first_cycle: str, history: int = 30) -> Path:
    """The files a company brings on day one: everything through the month before
    ``first_cycle`` (``history`` months of actuals)."""
    folder.mkdir(parents=True, exist_ok=True)
    past = months(add_months(first_cycle, -history), history)
    ahead = months(first_cycle, 24)
    _write(folder / "items.csv", "sku,description,family,unit_price,unit_cost,lifecycle",
           [f"{s},{s} item,{f},{PRICES[s][0]},{PRICES[s][1]},active"
            for f, skus in FAMILIES.items() for s in skus])
    _write(folder / "actuals.csv", "sku,month,units",
           [f"{s},{m},{actual(s, m)}" for m in past for s in PRICES])
    _write(folder / "inventory.csv", "sku,on_hand_units,as_of",
           [f"{s},{3 * BASE[s]},{add_months(first_cycle, -1)}-28" for s in PRICES])
    _write(folder / "capacity.csv", "resource,month,hours",
           [f"LINE,{m},900" for m in past + ahead])
    _write(folder / "routings.csv", "family,resource,hours_per_unit",
           ["PUMP,LINE,2.0", "VALVE,LINE,0.5"])
    _write(folder / "production.csv", "family,month,planned_units,actual_units",
           [f"{f},{m},{round(family_actual(f, m) * 1.1)},{family_actual(f, m)}"
            for m in past for f in FAMILIES])
    _write(folder / "targets.csv", "month,revenue_target",
           [f"{m},60000" for m in past + ahead])
    # the forecast history of the cycles before sop: a consensus 9% high, a statistical one
    fh = []
    for c in months(add_months(first_cycle, -14), 14):
        for lag in (0, 1, 2):
            m = add_months(c, lag)
            if m >= first_cycle:
                continue
            for f in FAMILIES:
                a = family_actual(f, m)
                fh.append(f"{c},consensus,{f},{m},{round(a * 1.09)},")
                fh.append(f"{c},statistical,{f},{m},{round(a * 1.03)},")
    _write(folder / "forecast_history.csv", "cycle,step,family,month,units,sku", fh)
    write_inputs(folder, first_cycle)
    return folder


def write_inputs(folder: Path, cycle: str) -> Path:
    """This cycle's demand inputs: each source over 18 months, with its assumption."""
    rows = []
    for src in SOURCES:
        for f in FAMILIES:
            for m in months(cycle, 18):
                units = round(family_actual(f, add_months(m, -12)) * SOURCE_UPLIFT[src])
                rows.append(f"{src},{f},{m},{units},{src} lead,{src} view of {f}")
    return _write(folder / "demand_inputs.csv",
                  "source,family,month,units,owner,assumption", rows)


def write_month(folder: Path, month: str) -> Path:
    """What arrives after ``month`` closes: its actuals, production and a stock count, and
    the next cycle's demand inputs."""
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / "actuals.csv", "sku,month,units",
           [f"{s},{month},{actual(s, month)}" for s in PRICES])
    _write(folder / "production.csv", "family,month,planned_units,actual_units",
           [f"{f},{month},{round(family_actual(f, month) * 1.1)},{family_actual(f, month)}"
            for f in FAMILIES])
    _write(folder / "inventory.csv", "sku,on_hand_units,as_of",
           [f"{s},{2 * BASE[s]},{month}-28" for s in PRICES])
    write_inputs(folder, add_months(month, 1))
    return folder


def run_first_cycle(ws: Workspace, folder: Path, cycle: str = "2026-12") -> None:
    """The tiny company's first cycle through the cycle's commands, then its month imported:
    an assumption that will hold and one 20% high, a capacity decision due in the cycle, the
    CFO override with one action. Leaves the store ready for the next cycle to open."""
    import_files(ws.log, files_in(write_start(folder / "start", cycle)), actor=ws.actor)
    ws.open_cycle(cycle)
    planning = CyclePlanning(ws, cycle)
    nxt = add_months(cycle, 1)
    ws.start_meeting("portfolio", attendees=["Lena (Product)"])
    ws.close_meeting("portfolio")
    ws.start_meeting("demand", attendees=["Alex (Planning)", "Dana (Sales)"])
    ws.record_assumption(text="pumps as last year", owner="Alex", meeting="demand",
                         family="PUMP", months=cycle, units=family_actual("PUMP", cycle))
    ws.record_assumption(text="valve campaign lifts 20%", owner="Priya", meeting="demand",
                         family="VALVE", months=cycle,
                         units=round(family_actual("VALVE", cycle) * 1.2))
    for fam in FAMILIES:
        choose_consensus(ws, family=fam, source="planner", cycle=cycle)
    ws.close_meeting("demand", missing=planning.refresh().missing_for("demand", (
        "consensus_for_every_family",)))
    ws.start_meeting("supply")
    ws.record_decision(question="Second shift on LINE?", options=["yes", "no"], chosen="no",
                       rationale="no gap", decided_by="COO", owner="Sam", due=f"{cycle}-20",
                       resource="LINE", months=f"{nxt}..{nxt}", meeting="supply")
    ws.close_meeting("supply")
    ws.start_meeting("pre_sop")
    for name in ("up", "down", "flat"):
        ws.create_scenario(name, {"name": name, "demand": [], "capacity": [], "price": []})
    ws.record_recommendation(scenario="consensus", text="approve",
                             open_decisions=["approve the consensus"])
    ws.close_meeting("pre_sop")
    ws.start_meeting("executive", attendees=["GM", "CFO"])
    override(planning.refresh(), scenario="consensus", overridden_by="CFO", rationale="budget",
             revenue_gap_closed=5000.0,
             actions=[{"text": "Promotion on pumps", "owner": "Dana", "due": f"{cycle}-15"}])
    ws.close_meeting("executive")
    import_files(ws.log, files_in(write_month(folder / cycle, cycle)), actor=ws.actor)
