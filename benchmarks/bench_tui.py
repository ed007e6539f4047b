"""Benchmark: the facilitator app on the demo store — launch to first paint (beside a bare
Textual app, in the same run), to a full dashboard, and key press to frame in a meeting.

Frames are timed where they leave the app: each child runs its app with :class:`FrameClock`, a
Textual driver (the public ``textual.driver.Driver`` base) that draws nothing and notes when
each frame's terminal sequence is written — so a frame's cost includes rendering it to the
terminal's bytes, as in a real terminal (a headless run skips that step).

- Launch: a child process runs ``sop --store DIR`` through the click entry point; seconds from
  before the child starts to the first frame that shows the dashboard, and to the frame after
  the metrics and the revenue gap are shown (populated). A bare Textual app (a header and a
  footer) is launched alternately with it as the yardstick: the target is first paint within
  0.2 s of it. Store states: warm (the views cached), cold (no cache) and after a new
  consensus (the plan-dependent views computed again).
- Keys: in a child, the demand meeting at 120×40; ``n``/``p`` (next/previous agenda item), ``a``,
  ``d``, ``x`` (open a capture form) each followed by Escape, and ``1`` in the demand panel (the
  consensus form). Each is timed from posting the key, as a terminal would send it, to the first
  frame written that shows its effect. Keys come 0.3 s apart, as a facilitator's do.

``--before SRC`` runs the same measurements, interleaved, on another checkout's ``sop_tui``
(put first on ``PYTHONPATH`` in the children), for before/after pairs in one run. Figures and
dates go to ``benchmarks/README.md``.

Run: ``.venv/bin/python benchmarks/bench_tui.py --store DIR [--repeat 5] [--before SRC]
[--no-keys | --keys-only]`` where ``DIR`` holds a demo store (``sop demo --no-tui``); it is
copied, never written.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()

# The driver every child runs its app with (defined in the child: it imports Textual).
FRAME_CLOCK = r"""
import asyncio, time
from textual import events
from textual.driver import Driver
from textual.geometry import Size

FRAMES = []          # perf_counter of each frame written
WATCH = []           # callables run as each frame is written (they see the app as drawn)


class FrameClock(Driver):
    '''Draws nothing; notes when each frame's terminal sequence is written.'''

    def __init__(self, app, *, debug=False, mouse=True, size=None):
        super().__init__(app, debug=debug, mouse=mouse, size=size)
        self.bench_app = app
        self.bench_size = size or (120, 40)

    def write(self, data):
        if data:
            FRAMES.append(time.perf_counter())
            for watch in list(WATCH):
                watch()

    def start_application_mode(self):
        size = Size(*self.bench_size)
        self.bench_app.post_message(events.Resize(size, size))

    def disable_input(self):
        pass

    def stop_application_mode(self):
        pass
"""

LAUNCH_SOP = FRAME_CLOCK + r"""
import json, sys
T0 = float(sys.argv[1])
marks = {}
# As `sop --store DIR` starts: the command group, then its callback opens the workspace and
# launches the app. Only the driver is replaced, by FrameClock.
from sop_tui.cli.app import build
import sop_tui.cli.tui_cmds as tui_cmds
marks["cli_imported"] = time.time() - T0
import sop_tui.tui.app as tui_app
from sop_tui.tui.screens.dashboard import DashboardScreen

real_run = tui_app.SopApp.run


def run(self, *args, **kw):
    marks["app_imported"] = time.time() - T0
    self.driver_class = FrameClock
    seen = set()

    def watch():
        if "first_paint" not in marks and isinstance(self.screen, DashboardScreen):
            marks["first_paint"] = time.time() - T0

    def shown(what):  # after the frame that shows it
        seen.add(what)
        if {"metrics", "gap"} <= seen and "populated" not in marks:
            marks["populated"] = time.time() - T0
            self.exit()

    WATCH.append(watch)
    for name, what in (("on_dashboard_screen_metrics_loaded", "metrics"),
                       ("on_dashboard_screen_gap_loaded", "gap")):
        handler = getattr(DashboardScreen, name, None)
        if handler is None:
            seen.add(what)
            continue

        def wrapped(screen, message, handler=handler, what=what):
            handler(screen, message)
            screen.call_after_refresh(lambda: shown(what))

        setattr(DashboardScreen, name, wrapped)
    return real_run(self, size=(120, 40))


tui_app.SopApp.run = run
build().main(["--store", sys.argv[2], "--actor", "bench"], prog_name="sop", standalone_mode=False)
print(json.dumps(marks))
"""

LAUNCH_BARE = FRAME_CLOCK + r"""
import json, sys
T0 = float(sys.argv[1])
from textual.app import App
from textual.widgets import Footer, Header


class Bare(App):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self):
        yield Header()
        yield Footer()


app = Bare(driver_class=FrameClock)
marks = {}


def watch():
    if "first_paint" not in marks:
        marks["first_paint"] = time.time() - T0
        app.call_later(app.exit)


WATCH.append(watch)
app.run(size=(120, 40))
print(json.dumps(marks))
"""

KEYS = FRAME_CLOCK + r"""
import inspect, json, sys
from textual.screen import ModalScreen
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.log import EventLog
from sop_tui.settings import Settings
from sop_tui.tui.app import make_app
from sop_tui.tui.screens.dashboard import DashboardScreen
from sop_tui.tui.screens.meeting import MeetingScreen

STORE, REPEAT = sys.argv[1], int(sys.argv[2])
if len(sys.argv) > 3 and sys.argv[3] == "no-freeze":  # the variant without the app's gc.freeze
    import gc
    gc.freeze = lambda: None
PACE = 0.3  # seconds between a facilitator's keys
DashboardScreen.load_numbers = lambda self: None  # the dashboard's numbers are not timed here
settings = Settings.from_env(store=STORE, actor="bench")
app = make_app(Workspace(EventLog(settings.url), actor="bench"), settings)
app.driver_class = FrameClock
times = {}


async def time_key(label, key, char, shown):
    '''Post key; seconds to the first frame written while shown() holds.'''
    hit = []

    def watch():
        if not hit and shown():
            hit.append(time.perf_counter())

    WATCH.append(watch)
    t = time.perf_counter()
    app.post_message(events.Key(key, char))
    while not hit:
        if time.perf_counter() - t > 10:
            raise SystemExit(f"key {key!r}: no frame showed its effect within 10 s")
        await asyncio.sleep(0.001)
    WATCH.remove(watch)
    times.setdefault(label, []).append(hit[0] - t)
    await asyncio.sleep(PACE)


async def settle(pilot):
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def drive(pilot):
    await settle(pilot)
    if hasattr(app, "preload_meetings"):  # what the dashboard did once its numbers showed
        app.preload_meetings()
        await settle(pilot)
    if "reason" in inspect.signature(app.open_meeting).parameters:
        # meetings run in order: the data meeting is not closed in the demo store
        app.open_meeting("demand", reason="benchmark: straight to the demand review")
    else:  # a checkout from before the loop's rules (--before)
        app.open_meeting("demand")
    await settle(pilot)
    await asyncio.sleep(PACE)
    screen = app.screen
    for i in range(REPEAT * 2):
        target = 1 if i % 2 == 0 else 0
        key = "n" if target else "p"
        await time_key("n/p (agenda item)", key, key, lambda t=target: screen.item == t)
        await settle(pilot)
    for _ in range(REPEAT):
        for key in "adx":
            await time_key(f"{key} (open form)", key, key,
                           lambda: isinstance(app.screen, ModalScreen))
            await time_key(f"Esc (close {key})", "escape", None, lambda: app.screen is screen)
    # typing in a form: each character to the frame that shows it in the field
    await time_key("a (open form)", "a", "a", lambda: isinstance(app.screen, ModalScreen))
    for ch in "steel prices":
        name = "space" if ch == " " else ch
        await time_key("a character typed", name, ch,
                       lambda ch=ch: app.screen.focused is not None
                       and str(getattr(app.screen.focused, "value", "")).endswith(ch))
    typed = str(getattr(app.screen.focused, "value", ""))
    if typed != "steel prices":
        raise SystemExit(f"typed 'steel prices', the field holds {typed!r}")
    await time_key("Esc (discard?)", "escape", None, lambda: app.screen is not screen)
    await time_key("y (discard)", "y", "y", lambda: app.screen is screen)
    for _ in range(len(screen.meeting.agenda)):  # to the demand panel's item
        if screen.query("DemandPanel"):
            break
        await pilot.press("n")
        await settle(pilot)
    await settle(pilot)
    screen.query_one("#demand-families").focus()
    await settle(pilot)
    await asyncio.sleep(PACE)
    for _ in range(REPEAT):
        await time_key("1 (consensus form)", "1", "1", lambda: isinstance(app.screen, ModalScreen))
        await time_key("Esc (close 1)", "escape", None, lambda: app.screen is screen)
    app.exit()


asyncio.run(app.run_async(size=(120, 40), auto_pilot=drive))
print(json.dumps(times))
"""


def child(code: str, args: list[str], src: Path | None) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter (``src`` first on its path); its last line's JSON."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH")]))
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         env=env, timeout=300)
    if out.returncode != 0:
        raise SystemExit(f"child failed ({out.returncode}):\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def launch(store: Path | None, src: Path | None) -> dict[str, float]:
    """One launch of ``sop`` on ``store`` (None: the bare Textual app) in its own process."""
    t0 = repr(time.time())
    if store is None:
        return child(LAUNCH_BARE, [t0], None)  # type: ignore[return-value]
    return child(LAUNCH_SOP, [t0, str(store)], src)  # type: ignore[return-value]


def append_consensus(store: Path, src: Path | None) -> None:
    """Choose one family's consensus on the store copy, as the demand review would."""
    code = r"""
import sys
from sop_tui.cycle.consensus import choose_consensus
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.log import EventLog
from sop_tui.settings import Settings
settings = Settings.from_env(store=sys.argv[1], actor="bench")
ws = Workspace(EventLog(settings.url), actor="bench")
families = sorted(set(ws.data()["demand_inputs"]["family"].astype(str)))
# this cycle's: a store of several cycles (sop demo) agreed every family in the earlier ones
done = {e.payload["family"] for e in ws.log.events(types=["ConsensusSelected"],
                                                   cycle=ws.current_cycle())}
family = next(f for f in families if f not in done)
choose_consensus(ws, family=family, source="sales")
print("{}")
"""
    child(code, [str(store)], src)


def med(values: list[float]) -> str:
    return f"{statistics.median(values):6.3f} ({min(values):.3f}-{max(values):.3f})"


def bench_launches(base: Path, repeat: int, variants: dict[str, Path | None]) -> None:
    """First paint and populated, by store state, each variant beside the bare app."""
    stores = {}
    for name in variants:
        stores[name] = base.parent / f"store-{name}"
        stores[name].mkdir()
        shutil.copyfile(base / "sop.db", stores[name] / "sop.db")
    for state in ("warm", "cold", "after a new consensus"):
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in ["bare", *variants]}
        for name, src in variants.items():  # warm: one launch leaves the views cached
            if state == "warm":
                launch(stores[name], src)
        for _ in range(repeat):
            runs["bare"].append(launch(None, None))
            for name, src in variants.items():
                if state == "cold":
                    shutil.rmtree(stores[name] / "cache", ignore_errors=True)
                elif state == "after a new consensus":
                    append_consensus(stores[name], src)
                runs[name].append(launch(stores[name], src))
        print(f"\nlaunch, {state}: median (min-max) seconds from process start, "
              f"{repeat} interleaved runs")
        bare = [r["first_paint"] for r in runs["bare"]]
        print(f"  {'bare Textual app':<12} first paint {med(bare)}")
        for name in variants:
            paint = [r["first_paint"] for r in runs[name]]
            pairs = [r["first_paint"] - b for r, b in zip(runs[name], bare, strict=True)]
            populated = [r["populated"] for r in runs[name] if "populated" in r]
            line = f"  {name:<12} first paint {med(paint)}  - bare, pair by pair {med(pairs)}"
            if populated:
                line += f"  populated {med(populated)}"
            print(line)


def bench_keys(base: Path, repeat: int, variants: dict[str, Path | None],
               no_freeze: bool = False) -> None:
    """Key to frame in the demand meeting, each variant in its own child, alternately."""
    runs: list[tuple[str, Path | None, list[str]]] = [
        (name, src, []) for name, src in variants.items()]
    if no_freeze:
        runs.append(("no freeze", None, ["no-freeze"]))
    results: dict[str, dict[str, list[float]]] = {name: {} for name, _, _ in runs}
    for _ in range(2):  # two sittings each, interleaved
        for name, src, extra in runs:
            store = base.parent / f"keys-{name}"
            shutil.rmtree(store, ignore_errors=True)
            store.mkdir()
            shutil.copyfile(base / "sop.db", store / "sop.db")
            for key, vals in child(KEYS, [str(store), str(repeat), *extra], src).items():
                results[name].setdefault(key, []).extend(vals)  # type: ignore[arg-type]
    print("\nkey press to the frame that shows it, demand meeting, real panels "
          "(median / max, ms):")
    keys = list(next(iter(results.values())))
    print(f"  {'key':<22}" + "".join(f"{name:>18}" for name in results))
    for key in keys:
        cells = []
        for name in results:
            vals = results[name].get(key, [])
            cells.append(f"{statistics.median(vals) * 1e3:8.1f} / {max(vals) * 1e3:6.1f}"
                         if vals else "–")
        print(f"  {key:<22}" + "".join(f"{c:>18}" for c in cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True, type=Path,
                        help="a folder holding a demo store (sop.db); it is copied")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--before", type=Path, help="another checkout to time alongside")
    parser.add_argument("--no-keys", action="store_true", help="launch timings only")
    parser.add_argument("--keys-only", action="store_true", help="key-press timings only")
    parser.add_argument("--no-freeze", action="store_true",
                        help="also time the keys with the app's gc.freeze() left out")
    args = parser.parse_args()
    variants: dict[str, Path | None] = {"this": None}
    if args.before is not None:
        variants = {"before": args.before.resolve(), "this": None}
    # timed as installed: the modules compiled, as scripts/demo leaves them
    for root in [HERE.parents[1], *(v for v in variants.values() if v is not None)]:
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(root / "sop_tui")],
                       check=True)
    print(f"load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "store"
        base.mkdir()
        shutil.copyfile(args.store / "sop.db", base / "sop.db")
        if not args.keys_only:
            bench_launches(base, args.repeat, variants)
        if not args.no_keys:
            bench_keys(base, args.repeat, variants, args.no_freeze)
    print(f"\nload average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
