"""Compute a cycle's dashboard views in a process of their own, ahead of the screen.

Provides:
- :data:`DASHBOARD_VIEWS` — the planning views the dashboard shows;
- :func:`missing_views` — which of them the planning's on-disk cache cannot answer yet;
- :class:`Warmer` — a child process (``python -m sop_tui.cycle.warm``) that computes them
  into that cache, and a way to wait for it;
- :func:`start_warmer` — start one when something is missing, else return ``None``;
- :func:`warm_here` — the same work in this process, for the commands that change the data.

Why a process: the views need pandas (~0.5 s to import) and, after a new consensus, the supply
plan; in the app's own process that work shares one interpreter lock with Textual's painting.
Started as ``sop`` launches — before Textual is even imported — a child does it on the other
core while the app starts, and the dashboard reads the finished views from the cache. The
child is only an accelerator: it writes nothing but cache entries (the log is opened
read-only), and if it fails or cannot write, the dashboard computes the views itself.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.workspace import Workspace

#: The planning views the dashboard's cards read (plain values; see CyclePlanning).
DASHBOARD_VIEWS: tuple[str, ...] = ("metric_values", "trend_series", "baseline_totals",
                                    "plan_status")


def missing_views(planning: CyclePlanning, views: Sequence[str] = DASHBOARD_VIEWS) -> list[str]:
    """The views in ``views`` that the planning's cache does not hold under their current key
    (all of them when the planning has no cache)."""
    return [v for v in views if not planning.is_cached(v)]


def compute(planning: CyclePlanning, views: Sequence[str]) -> None:
    """Compute ``views`` (each is stored in the planning's cache as it is computed)."""
    for view in views:
        getattr(planning, view)


def warm_here(ws: Workspace, cache_dir: Path,
              views: Sequence[str] = DASHBOARD_VIEWS) -> list[str]:
    """Compute, in this process, the views the cache lacks for the current cycle; return them.

    For commands that change the data (``sop import``, ``sop demo``): they have pandas loaded
    already, and the next launch then finds its dashboard computed. Views whose data is not
    all imported yet are skipped (the dashboard says what is missing).
    """
    from sop_tui.data.store import MissingData

    if ws.state().current is None:
        return []
    planning = CyclePlanning(ws, cache_dir=cache_dir)
    done = []
    for view in missing_views(planning, views):
        try:
            getattr(planning, view)
        except MissingData:
            continue
        done.append(view)
    return done


class Warmer:
    """A child process computing views into the cache; :meth:`wait` from any thread."""

    def __init__(self, process: subprocess.Popen[bytes], views: Sequence[str]) -> None:
        self.process = process
        self.views = tuple(views)
        self._lock = threading.Lock()

    def wait(self, timeout: float = 120.0) -> bool:
        """Block until the child is done; True when it finished cleanly (a timeout stops it)."""
        with self._lock:
            try:
                return self.process.wait(timeout) == 0
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                return False

    def stop(self) -> None:
        """Stop the child if it still runs (the app is closing; the cache may stay partial)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()


def start_warmer(ws: Workspace, url: str, cache_dir: Path,
                 views: Sequence[str] = DASHBOARD_VIEWS) -> Warmer | None:
    """Start a child computing those of ``views`` that the cache lacks for the current cycle.

    Returns None when nothing is missing, no cycle is open, or the child cannot be started
    (the caller then computes in-process, as without a warmer).
    """
    if ws.state().current is None:
        return None
    planning = CyclePlanning(ws, cache_dir=cache_dir)
    todo = missing_views(planning, views)
    if not todo:
        return None
    cmd = [sys.executable, "-m", "sop_tui.cycle.warm", "--db", url, "--cache", str(cache_dir),
           "--cycle", planning.cycle, *todo]
    try:
        # nothing of the child reaches the terminal the app draws on
        process = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
    except OSError:
        return None
    return Warmer(process, todo)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m sop_tui.cycle.warm --db URL --cache DIR --cycle C VIEW...``"""
    from sop_tui.events.log import EventLog

    parser = argparse.ArgumentParser(prog="python -m sop_tui.cycle.warm",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="the event log's sqlite:// URL")
    parser.add_argument("--cache", required=True, type=Path, help="the store's cache folder")
    parser.add_argument("--cycle", required=True)
    parser.add_argument("views", nargs="+", choices=DASHBOARD_VIEWS)
    args = parser.parse_args(argv)
    log = EventLog(args.db, read_only=True)
    try:
        compute(CyclePlanning(Workspace(log), args.cycle, cache_dir=args.cache), args.views)
    finally:
        log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
