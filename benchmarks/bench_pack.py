"""Benchmark: rendering the demo cycle's decision pack in its own process, as the app does.

Builds the demo store once (seed 7) and records a cycle's worth of meetings on it
(``tests/pack_fixtures.record_demo_cycle``), then runs ``python -m sop_tui.pack`` on a fresh
copy of that store ``--repeat`` times and reports the wall time of each child process (start to
exit: interpreter, imports, analytics, charts, layout, PDF), its CPU time (user + system) and
where the time goes (the child's progress lines, timestamped as they arrive).

Run: ``.venv/bin/python benchmarks/bench_pack.py [--repeat 3] [--warm | --again] [--keep FILE]
[--base DIR]``. ``--warm`` renders with the planning views already cached in ``STORE/cache``
(as the app's dashboard and ``sop demo`` leave them); ``--again`` also keeps the pack's own
cached parts (a pack rendered again after an approval, an action, ...). Figures and their
dates are in ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def build_store(root: Path) -> Path:
    """The demo store with the cycle's meetings recorded; returns its folder."""
    from pack_fixtures import record_demo_cycle

    from sop_tui.cycle.demo_run import build_demo_store
    from sop_tui.cycle.workspace import Workspace
    from sop_tui.events.log import EventLog

    root.mkdir(parents=True, exist_ok=True)
    log = EventLog(f"sqlite:///{root / 'sop.db'}",
                   clock=lambda: datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    ws = Workspace(log, actor="bench", clock=log.clock)
    build_demo_store(ws, root / "demo", seed=7)
    record_demo_cycle(ws)
    log.close()
    return root


def warm_views(store: Path, *, keep_parts: bool = False) -> None:
    """Compute the planning views the pack reads, as the app's dashboard leaves them cached
    in ``STORE/cache`` (``sop pack`` from the app finds them there). The parts the pack keeps
    for itself (``STORE/cache/pack``: the evaluated plan, the metrics with their charts) are
    removed unless ``keep_parts`` (the pack rendered again)."""
    from sop_tui.cycle.planning import CyclePlanning
    from sop_tui.cycle.workspace import Workspace
    from sop_tui.events.log import EventLog
    from sop_tui.pack.context import build_context
    from sop_tui.settings import Settings

    settings = Settings.from_env(store=str(store))
    log = EventLog(settings.url)
    build_context(CyclePlanning(Workspace(log, actor="bench"), cache_dir=settings.cache_dir))
    log.close()
    if not keep_parts:
        shutil.rmtree(settings.cache_dir / "pack", ignore_errors=True)


def run_once(store: Path, out: Path) -> tuple[float, float, list[tuple[float, str]]]:
    """One child process; its wall time, its CPU time (user + system, all its threads) and
    the time each progress line arrived."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sop_tui.pack", "--store", str(store), "--out", str(out)],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )
    assert proc.stdout is not None
    marks = [(time.perf_counter() - start, line.strip()) for line in proc.stdout]
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"the pack failed (exit {proc.returncode})")
    return wall, usage.ru_utime + usage.ru_stime, marks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the last pack's PDF here")
    parser.add_argument("--warm", action="store_true",
                        help="with the planning views cached, as the app leaves them")
    parser.add_argument("--again", action="store_true",
                        help="as --warm, with the pack's own cached parts too (a pack "
                             "rendered again after an approval, an action, ...)")
    parser.add_argument("--base", type=Path,
                        help="reuse the demo store built in this folder (built there if "
                             "missing): saves the ~30 s build when comparing runs")
    args = parser.parse_args()
    # timed as installed: sop's modules compiled, as scripts/demo leaves them (with
    # PYTHONDONTWRITEBYTECODE set, an editable install would recompile them every run)
    subprocess.run([sys.executable, "-m", "compileall", "-q",
                    str(Path(__file__).resolve().parents[1] / "sop_tui")], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        if args.base is not None:
            if not (args.base / "sop.db").exists():
                build_store(args.base)
            base = Path(tmp) / "base"
            shutil.copytree(args.base, base, ignore=shutil.ignore_patterns("demo", "packs",
                                                                           "cache"))
        else:
            base = build_store(Path(tmp) / "base")
        if args.warm or args.again:
            warm_views(base, keep_parts=args.again)
        times, cpus = [], []
        marks: list[tuple[float, str]] = []
        for i in range(args.repeat):
            store = Path(tmp) / f"run{i}"
            shutil.copytree(base, store, ignore=shutil.ignore_patterns("demo", "packs"))
            seconds, cpu, marks = run_once(store, store / "pack.pdf")
            times.append(seconds)
            cpus.append(cpu)
            print(f"run {i + 1}: {seconds:.2f} s wall, {cpu:.2f} s CPU")
        mode = "again" if args.again else "warm" if args.warm else "cold"
        print(f"{mode} views: median {statistics.median(times):.2f} s, "
              f"min {min(times):.2f}, max {max(times):.2f} over {len(times)} runs (target 3 s); "
              f"CPU median {statistics.median(cpus):.2f} s")
        print(f"load average {os.getloadavg()[0]:.1f}")
        previous = 0.0
        for at, line in marks:
            print(f"  {at:6.2f} s (+{at - previous:5.2f})  {line[:90]}")
            previous = at
        if args.keep:
            shutil.copyfile(store / "pack.pdf", args.keep)


if __name__ == "__main__":
    main()
