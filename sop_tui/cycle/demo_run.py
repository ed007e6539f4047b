"""``sop demo``: the demo company in a store, and its monthly cycles run through ``sop`` itself.

With ``cycles=0`` the demo is one open cycle (``2026-12``) with every file imported. With
``cycles=N`` the company starts ``N`` months earlier and runs ``N`` monthly cycles the way a
planner does — import what arrived, open the cycle, hold the five meetings in turn, approve or
override, close the cycle — with the same commands the CLI and the app call, on a simulated
calendar; then the demo cycle is opened for the user. The files of every month are written
under ``STORE/demo/`` and imported the ordinary way.

The company changes how it plans halfway (:mod:`sop_tui.cycle.demo_script`): first it takes
sales' number as the consensus, splits the difference once, lets the CFO override and runs
the executive meeting before the pre-S&OP; then the pre-S&OP exposes the bias, one source of
demand is decided, overrides stop, and phase-out stock is sold off. Every metric the dashboard
then shows is computed from that history by the product.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd

from sop_tui.cycle.demo_script import DemoCycle, run_cycle
from sop_tui.cycle.maturity import assess
from sop_tui.cycle.meetings import MeetingDef, load_meetings
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.workspace import Workspace
from sop_tui.data.demo import DEMO_CYCLE, generate, simulate, write_csv
from sop_tui.data.demo_months import Plant, start_frames
from sop_tui.data.store import ImportOutcome, files_in, import_files
from sop_tui.settings import RESOURCES

#: The cycles ``sop demo`` runs by default: the reference's story is six months.
DEFAULT_CYCLES = 6

Progress = Callable[[str], None]


class DemoClock:
    """The simulated calendar the demo records on (it only moves forward)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(microseconds=1)  # distinct, ordered times
        return self.now

    def at(self, day: str, hour: int = 9, minute: int = 0) -> None:
        """Move to ``day`` (YYYY-MM-DD) at ``hour:minute`` UTC, never backwards."""
        moment = datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=UTC)
        self.now = max(self.now, moment)

    def advance(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


def _month(ordinal: int) -> str:
    return str(pd.Period(pd.PeriodIndex.from_ordinals([ordinal], freq="M")[0], freq="M"))


def _summary(frames: dict[str, pd.DataFrame], directory: Path, seed: int) -> list[str]:
    items, actuals = frames["items"], frames["actuals"]
    last12 = actuals[actuals["month"] > actuals["month"].max() - 12]
    price = last12["sku"].map(items.set_index("sku")["unit_price"])
    revenue = float((last12["units"] * price).sum())
    return [
        f"demo company (seed {seed}) in {directory}",
        f"  {len(items):,} SKUs in {items['family'].nunique()} families; "
        f"trailing-12-month revenue ${revenue / 1e6:,.1f}M",
        f"  {actuals['month'].nunique()} months of actuals "
        f"({actuals['month'].min()} .. {actuals['month'].max()})",
    ]


def _imported(outcome: ImportOutcome) -> list[str]:
    return [f"  {f.kind:<17} {f.rows:>9,} rows  "
            f"{'already imported' if f.skipped else 'imported'} (event {f.seq})"
            for f in outcome.files]


def build_demo_store(
    ws: Workspace,
    directory: Path,
    *,
    seed: int = 7,
    cycles: int = 0,
    cache_dir: Path | None = None,
    meetings_dir: Path | None = None,
    progress: Progress = lambda _msg: None,
) -> list[str]:
    """Build the demo in ``ws``'s store; return a summary, line by line.

    Args:
        ws: the workspace (its log is written; with ``cycles`` its clock is simulated while
            the cycles run, then given back).
        directory: where the CSV files go (``KIND.csv`` of day one, ``YYYY-MM/`` per month).
        seed: the demo company's random seed.
        cycles: monthly cycles to run before the demo cycle (0: just open the demo cycle).
        cache_dir: the store's cache of computed views.
        meetings_dir: the meeting files (default: the shipped ones).
    """
    if cycles <= 0:
        return _one_cycle(ws, directory, seed, progress)
    state = ws.state()
    if state.cycles.get(DEMO_CYCLE) is not None and state.cycles[DEMO_CYCLE].opened is not None:
        return [f"the demo store is already built: cycle {DEMO_CYCLE} is open "
                f"({state.count} events); nothing was written"]
    if state.count:
        return ["the store is not empty: the monthly demo needs a new store (--store DIR)"]
    defs = load_meetings(meetings_dir or RESOURCES / "meetings")
    return _monthly(ws, directory, seed, cycles, cache_dir, defs, progress)


def _one_cycle(ws: Workspace, directory: Path, seed: int, progress: Progress) -> list[str]:
    progress(f"generating the demo company (seed {seed})…")
    frames = generate(seed=seed, cycle=DEMO_CYCLE)
    write_csv(frames, directory)
    cs = ws.state().cycles.get(DEMO_CYCLE)
    if cs is None or cs.opened is None:
        ws.open_cycle(DEMO_CYCLE, note=f"demo company, seed {seed}")
    progress(f"importing {directory}…")
    outcome = import_files(ws.log, files_in(directory), cycle=DEMO_CYCLE, actor=ws.actor)
    return [*_summary(frames, directory, seed), *_imported(outcome),
            f"cycle {DEMO_CYCLE} is open; the log has {ws.log.head().count} events"]


def _monthly(ws: Workspace, directory: Path, seed: int, cycles: int, cache_dir: Path | None,
             defs: dict[str, MeetingDef], progress: Progress) -> list[str]:
    progress(f"generating the demo company (seed {seed})…")
    last = pd.Period(DEMO_CYCLE, freq="M").ordinal
    first = last - cycles
    co = simulate(seed, DEMO_CYCLE, story_start=first)
    day_one = start_frames(co, first)
    write_csv(day_one, directory)
    clock = DemoClock(datetime.fromisoformat(f"{_month(first - 1)}-28T08:00:00+00:00"))
    saved = (ws.clock, ws.log.clock)
    ws.clock = ws.log.clock = clock
    try:
        progress(f"importing the history the company starts with ({_month(first - 1)})…")
        outcome = import_files(ws.log, files_in(directory), actor=ws.actor)
        plant = Plant(co, day_one["inventory"]["on_hand_units"].to_numpy())
        # month -> family -> units, as approved in the cycle before the month
        plans: dict[str, dict[str, float]] = {}
        for i in range(cycles):
            cycle = _month(first + i)
            progress(f"cycle {cycle}: five meetings ({i + 1} of {cycles})…")
            run = DemoCycle(ws=ws, cycle=cycle, index=i, cycles=cycles, clock=clock, defs=defs,
                            cache_dir=cache_dir)
            decided = run_cycle(run)
            month = first + i
            # the month is built to the plan the cycle before approved (the first month, to
            # what the plant planned before sop)
            arrived = plant.month(month, plans.get(_month(month)), steady=decided.steady,
                                  selloff=decided.selloff)
            plans = decided.production
            folder = directory / _month(month)
            write_csv(arrived.frames, folder)
            clock.at(f"{_month(month + 1)}-01", hour=7)
            import_files(ws.log, files_in(folder), actor=ws.actor)
    finally:
        ws.clock, ws.log.clock = saved
    # the cycle left for the user opens now: its meetings are planned from today
    ws.open_cycle(DEMO_CYCLE, note=f"demo company, seed {seed}: the cycle to run")
    progress("reading the story's maturity from the log…")
    # its evidence (each cycle's FVA) kept in the cache: `sop maturity` then reads it back
    assess(CyclePlanning(ws, DEMO_CYCLE, cache_dir=cache_dir),
           {m: d.limit_minutes for m, d in defs.items()})
    return [*_summary(co.frames, directory, seed), *_imported(outcome),
            f"{cycles} monthly cycles run ({_month(first)} .. {_month(last - 1)}); "
            f"cycle {DEMO_CYCLE} is open; the log has {ws.log.head().count} events"]
