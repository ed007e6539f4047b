"""Benchmark the decision history screen on a long log.

Builds a file database with a small cycle plus N assumptions (default 10,000) appended in one
batch, then, headless at 120x40:

- opens the history (push to a filled table): the log read, the state fold and the row build
  timed apart, and the whole from push to the table filled;
- presses PageDown many times: the pilot's round trip, and from the key to the first frame
  that shows the cursor moved (as bench_tui.py times keys);
- filters by text over every row (what a debounced keystroke costs) and by type;
- re-reads after a correction (the reload the screen does).

    .venv/bin/python benchmarks/bench_history.py [--events 10000] [--pages 100]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual import events
from textual.app import App

from sop_tui.cycle.workspace import Workspace
from sop_tui.events.log import EventLog, NewEvent
from sop_tui.tui.screens.history import (
    HistoryFilter,
    HistoryScreen,
    HistoryTable,
    build_rows,
    filter_rows,
)


class _Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def make_log(path: Path, n: int) -> Workspace:
    """A file log with a small cycle and ``n`` assumptions (one batch)."""
    ws = Workspace(EventLog(f"sqlite:///{path}", clock=_Clock()), actor="bench", clock=_Clock())
    ws.open_cycle("2026-12")
    d = ws.record_decision(question="Phase out P-100?", chosen="yes", rationale="margin",
                           decided_by="GM", meeting="portfolio", options=["yes", "keep"],
                           owner="Product", due="2027-03-31")
    ws.retract(d.seq, "deferred")
    ws.log.append_all([
        NewEvent("AssumptionRecorded",
                 {"text": f"assumption number {i} about the volume of the family",
                  "owner": "Sales", "family": f"F{i % 40:02d}"},
                 cycle=("2026-11", "2026-12")[i % 2], meeting=("demand", "supply")[i % 2],
                 actor="bulk")
        for i in range(n)
    ])
    return ws


frames: list[float] = []  # when each frame showing the awaited effect was handed over
awaited: list[Callable[[], bool]] = []


class _Host(App[None]):
    def __init__(self, ws: Workspace) -> None:
        super().__init__()
        self.ws = ws

    def _display(self, screen, renderable) -> None:  # type: ignore[no-untyped-def]
        if renderable is not None and not self._batch_count and awaited and awaited[0]():
            frames.append(time.perf_counter())
        super()._display(screen, renderable)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


async def run(n: int, pages: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "sop.db"
        t = time.perf_counter()
        ws = make_log(db, n)
        print(f"log of {ws.log.head().count:,} events built in {_ms(time.perf_counter() - t)}")

        # the parts of a load, apart (a fresh workspace: nothing folded yet)
        cold = Workspace(EventLog(f"sqlite:///{db}"), actor="bench")
        t = time.perf_counter()
        evs = cold.log.events()
        t_read = time.perf_counter() - t
        t = time.perf_counter()
        state = cold.state()
        t_fold = time.perf_counter() - t
        t = time.perf_counter()
        rows = build_rows(evs, state)
        t_rows = time.perf_counter() - t
        print(f"read {_ms(t_read)}   fold {_ms(t_fold)}   rows {_ms(t_rows)}")

        for label, flt in (("text 'number 99'", HistoryFilter(text="number 99")),
                           ("text 'f07 supply'", HistoryFilter(text="f07 supply")),
                           ("type", HistoryFilter(type="EventRetracted")),
                           ("cycle+meeting", HistoryFilter(cycle="2026-11", meeting="demand"))):
            times = []
            for _ in range(20):
                t = time.perf_counter()
                out = filter_rows(rows, flt)
                times.append(time.perf_counter() - t)
            print(f"filter {label:<20} {len(out):>6,} rows  median {_ms(statistics.median(times))}")

        app = _Host(Workspace(EventLog(f"sqlite:///{db}"), actor="bench"))
        async with app.run_test(size=(120, 40)) as pilot:
            screen = HistoryScreen(app.ws, read_only=False)
            t = time.perf_counter()
            app.push_screen(screen)
            await pilot.pause()
            first_paint = time.perf_counter() - t
            await app.workers.wait_for_complete()
            await pilot.pause()
            filled = time.perf_counter() - t
            table = screen.query_one(HistoryTable)
            assert len(table.rows) == len(rows)
            print(f"open: screen painted {_ms(first_paint)}, table filled {_ms(filled)}")

            times = []
            for _ in range(pages):
                t = time.perf_counter()
                await pilot.press("pagedown")
                times.append(time.perf_counter() - t)
            print(f"pagedown x{pages}, pilot round trip: median {_ms(statistics.median(times))}, "
                  f"max {_ms(max(times))} (cursor at row {table.cursor:,})")
            # the same key timed as bench_tui times keys: from posting it to the first frame
            # handed to the driver that shows the cursor moved (the pilot's round trip above
            # adds its own waits for the app to be idle)
            await pilot.press("home")
            frames.clear()
            times = []
            for _ in range(pages):
                before = table.cursor
                awaited[:] = [lambda before=before: table.cursor != before]
                frames.clear()
                t = time.perf_counter()
                app.post_message(events.Key("pagedown", None))
                while not frames:
                    await asyncio.sleep(0.001)
                times.append(frames[0] - t)
                awaited.clear()
                await pilot.pause()
            print(f"pagedown x{pages}, key to frame: median {_ms(statistics.median(times))}, "
                  f"max {_ms(max(times))}")

            t = time.perf_counter()
            for _ in range(40):
                for y in range(table.size.height):
                    table.render_line(y)
            print(f"render one screenful of lines: {_ms((time.perf_counter() - t) / 40)}")

            t = time.perf_counter()
            screen.load()
            await app.workers.wait_for_complete()
            await pilot.pause()
            print(f"reload (after a correction): {_ms(time.perf_counter() - t)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--pages", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(run(args.events, args.pages))


if __name__ == "__main__":
    main()
