"""Compute a cycle's dashboard views in a process of their own, ahead of the screen.

Provides:
- :data:`DASHBOARD_VIEWS` — the planning views the dashboard shows; :data:`PACK_VIEWS`, those
  the decision pack reads besides the plan;
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
import contextlib
import os
import select
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.workspace import Workspace
from sop_tui.forking import can_fork, fork_child

#: The planning views the dashboard's cards read (plain values; see CyclePlanning).
DASHBOARD_VIEWS: tuple[str, ...] = ("metric_values", "trend_series", "baseline_totals",
                                    "plan_status")

#: The views the decision pack reads besides the plan (its metrics, FVA and appendix).
PACK_VIEWS: tuple[str, ...] = ("trend", "metrics", "fva", "family_accuracy")


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

    def __init__(self, process: _Child, views: Sequence[str]) -> None:
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


class _Child(Protocol):
    """What :class:`Warmer` needs of a child: ``subprocess.Popen``'s way of waiting."""

    def wait(self, timeout: float | None = None) -> int: ...
    def poll(self) -> int | None: ...
    def terminate(self) -> None: ...
    def kill(self) -> None: ...


class _Forked:
    """A forked child, waited for through a pipe it holds open until it ends."""

    def __init__(self, pid: int, ended: int) -> None:
        self.pid = pid
        self._ended = ended  # read end: EOF once the child has exited
        self._code: int | None = None

    def _reap(self, flags: int) -> int | None:
        if self._code is None:
            pid, status = os.waitpid(self.pid, flags)
            if pid:
                self._code = os.waitstatus_to_exitcode(status)
                os.close(self._ended)
        return self._code

    def wait(self, timeout: float | None = None) -> int:
        if self._code is None:
            ready, _, _ = select.select([self._ended], [], [], timeout)
            if not ready:
                raise subprocess.TimeoutExpired(f"warmer {self.pid}", timeout or 0.0)
        code = self._reap(0)
        assert code is not None
        return code

    def poll(self) -> int | None:
        return self._reap(os.WNOHANG)

    def terminate(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)


def _fork(args: list[str]) -> _Forked | None:
    """Run :func:`main` with ``args`` in a forked child; None where forking is not safe.

    A fork inherits the modules already imported, so the child skips an interpreter's start
    and the log's imports (~0.1 s of the ~1 s it takes). The child never touches the parent's
    open log (it opens its own, read-only) and writes nothing to the terminal.
    """
    if not can_fork():
        return None
    ended_read, ended_write = os.pipe()

    def child() -> int:
        os.close(ended_read)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        return main(args)  # the write end closes with the process: the parent sees EOF

    pid = fork_child(child)
    os.close(ended_write)
    return _Forked(pid, ended_read)


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
    args = ["--db", url, "--cache", str(cache_dir), "--cycle", planning.cycle, *todo]
    child: _Child | None = _fork(args)
    if child is None:
        try:
            # nothing of the child reaches the terminal the app draws on
            child = subprocess.Popen([sys.executable, "-m", "sop_tui.cycle.warm", *args],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        except OSError:
            return None
    return Warmer(child, todo)


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
