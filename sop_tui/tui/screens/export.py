"""The app's export key: the cycle's workbook (``sop export all``), written in a worker.

The executive meeting and the history (``sop review`` too) offer it. The workbook is written by
the function ``sop export`` calls (:func:`sop_tui.exports.workbook.export_file`) into the
current directory — never into the store, which ``sop review`` opens read-only and which is no
place for the team's files: from a current directory inside the store, it goes to the home
folder. An existing workbook is never overwritten (``-2``, ``-3``, … are added).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.screen import Screen
from textual.worker import Worker, WorkerState

from sop_tui.cycle.errors import CommandError
from sop_tui.events.log import LogError

if TYPE_CHECKING:
    from sop_tui.cycle.planning import CyclePlanning
    from sop_tui.exports.workbook import Exported
    from sop_tui.settings import Settings
    from sop_tui.tui.app import SopApp

__all__ = ["EXPORT_GROUP", "export_folder", "start_export", "workbook_path", "worker_failed"]

#: The worker group of an export (one at a time per screen).
EXPORT_GROUP = "export-workbook"


def export_folder(settings: Settings, cwd: Path | None = None) -> Path:
    """Where the app writes a workbook: the current directory, unless it is inside the store."""
    here = (cwd or Path.cwd()).resolve()
    store = settings.store.resolve()
    return Path.home() if here == store or store in here.parents else here


def workbook_path(folder: Path, cycle: str | None) -> Path:
    """``folder/sop-CYCLE.xlsx``, or the first ``sop-CYCLE-N.xlsx`` not taken."""
    stem = f"sop-{cycle}" if cycle else "sop-export"
    path = folder / f"{stem}.xlsx"
    n = 2
    while path.exists():
        path = folder / f"{stem}-{n}.xlsx"
        n += 1
    return path


def start_export(node: Screen[Any], cycle: str | None) -> None:
    """Write ``cycle``'s workbook (every part) in a thread worker of ``node``; notify the path.

    ``cycle`` None is the current cycle. The app's shared planning is used for the current
    cycle (its views are usually computed already); another cycle gets a planning of its own.
    A refusal (no cycle, a file that cannot be written) is a notification; any other failure
    ends the worker in ERROR, which :func:`worker_failed` reports.
    """
    app: SopApp = node.app  # type: ignore[assignment]
    target = workbook_path(export_folder(app.settings), cycle or app.cycle)
    planning: Callable[[], CyclePlanning] | None = (
        app.planning if cycle is None or cycle == app.cycle else None)
    node.notify(f"Writing the workbook {target.name}…", timeout=3, markup=False)

    def run() -> None:
        # here, not at the top: the exports bring pandas, and this module is loaded before the
        # first paint (tests/tui/test_first_paint_imports.py)
        from sop_tui.exports.workbook import export_file

        try:
            done: Exported = export_file(app.workspace, "all", target, cycle=cycle,
                                         cache_dir=app.settings.cache_dir, planning=planning)
        except (CommandError, LogError) as exc:
            app.call_from_thread(node.notify, f"No workbook written: {exc}", severity="error",
                                 timeout=10, markup=False)
            return
        app.call_from_thread(node.notify, f"Workbook written: {done.summary()}",
                             title="export", timeout=12, markup=False)

    node.run_worker(run, thread=True, exclusive=True, group=EXPORT_GROUP, exit_on_error=False,
                    name="export")


def worker_failed(node: Screen[Any], event: Worker.StateChanged) -> bool:
    """Notify an export worker's failure (True if ``event`` was an export worker's)."""
    if event.worker.group != EXPORT_GROUP:
        return False
    if event.state == WorkerState.ERROR:
        node.notify(f"No workbook written: {event.worker.error}", severity="error", timeout=10,
                    markup=False)
    return True
