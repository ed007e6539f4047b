"""What the meeting panels share: a loading base class, a sparkline, a sign's colour.

Numbers are formatted by :mod:`sop_tui.formats`, as in the CLI and the pack.

:class:`DataPanel` is the pattern every panel follows: ``load`` runs in a thread worker (it may
take seconds — ``CyclePlanning`` computes lazily), ``show`` paints the result on the UI thread,
a status line says "loading…" meanwhile, data that has not been imported becomes a sentence
naming the kinds (not a traceback), and any other error becomes a notification while the app
keeps running.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.data.store import MissingData
from sop_tui.events.types import Event
from sop_tui.tui.panels.base import Panel, PanelContext

__all__ = ["DataPanel", "red_if_negative", "sparkline"]


def _nan(x: float | None) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


_BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float]) -> str:
    """A one-line trend of ``values`` (NaN shown as a space)."""
    known = [v for v in values if not _nan(v)]
    if not known:
        return ""
    lo, hi = min(known), max(known)
    span = hi - lo or 1.0
    return "".join(
        " " if _nan(v) else _BLOCKS[min(7, int((v - lo) / span * 7.999))] for v in values
    )


def red_if_negative(text: str, value: float | None) -> Text:
    """``text`` in red when ``value`` is below zero (value destroyed), green above."""
    if _nan(value):
        return Text(text, style="dim")
    assert value is not None
    return Text(text, style="bold red" if value < 0 else "green" if value > 0 else "")


class DataPanel(Panel):
    """A panel whose numbers are loaded in a thread worker.

    Subclasses implement :meth:`load` (worker thread: read ``planning``, return plain data)
    and :meth:`show` (UI thread: paint it), and compose their widgets in :meth:`compose_body`.
    """

    #: What the status line says while loading.
    LOADING: ClassVar[str] = "Loading…"
    #: Actions that write events: not offered in ``sop review`` (read-only).
    CAPTURE_ACTIONS: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, context: PanelContext, *, id: str | None = None) -> None:
        super().__init__(context, id=id)
        self.loaded_seq = -1  # the log's last event when the panel last loaded
        self.following = False  # the load under way follows the log (keep the reader's place)

    def compose(self) -> ComposeResult:
        yield Static(self.TITLE, classes="panel-title")
        yield Static(self.LOADING, classes="panel-status")
        yield from self.compose_body()

    def compose_body(self) -> ComposeResult:
        """The panel's own widgets (below the title and status line)."""
        yield from ()

    def on_mount(self) -> None:
        # Loading starts after the frame that shows the panel: a worker started at mount took
        # the GIL in bursts (imports, pandas) while that frame was laid out and drawn, so the
        # key that brought the panel waited for it.
        self.set_status(self.LOADING)
        self.add_class("-loading")
        self.call_after_refresh(self._first_load)

    def _first_load(self) -> None:
        # Agenda keys faster than the frames (a held n) swap a panel out before this runs
        if self.in_place:
            self.reload()

    def reload(self, *, quiet: bool = False) -> None:
        """Load the panel's numbers again (after the log changed).

        ``quiet``: no "Loading…" meanwhile — the log moved and the panel keeps showing what it
        has until the new numbers come (following the log must not blink every panel).
        """
        self.loaded_seq = self.context.workspace.state().last_seq
        self.following = quiet
        if not quiet:
            self.set_status(self.LOADING)
            self.add_class("-loading")
        self._load()

    def follow(self, seq: int) -> None:
        """Reload, quietly, if the log has events since the panel last loaded.

        Not before the first load (which reads the newest log), nor while the panel is being
        swapped out: the log's poll can come between an agenda key and its frame — on
        PostgreSQL after every agenda key, whose own write moves the log's data version.
        """
        if self.loaded_seq >= 0 and self.in_place and seq != self.loaded_seq:
            self.reload(quiet=True)

    @work(thread=True, exclusive=True, exit_on_error=False, group="panel-load")
    def _load(self) -> Any:
        planning = self.context.planning()
        return self.load(planning)

    def load(self, planning: CyclePlanning) -> Any:
        """Read what the panel shows (runs in a thread worker; may be slow)."""
        return None

    def show(self, data: Any) -> None:
        """Paint ``data`` (UI thread)."""

    def set_status(self, text: str | Text, *, problem: bool = False) -> None:
        """The line under the title: loading, a missing-data sentence, or a hint."""
        # none on a panel swapped out before it was composed (agenda keys faster than frames)
        for status in self.query(".panel-status").results(Static):
            status.update(text)
            status.set_class(problem, "-problem")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "panel-load" or event.worker.node is not self:
            return
        event.stop()
        if event.state == WorkerState.SUCCESS:
            self.remove_class("-loading")
            self.set_status(self.hint())
            try:
                self.show(event.worker.result)
            except Exception as exc:  # noqa: BLE001 - a painting bug is told, the meeting goes on
                self.log.error(f"{self.PANEL_ID}: painting failed", exc)
                self.report_error(exc)
        elif event.state == WorkerState.ERROR:
            self.remove_class("-loading")
            self.report_error(event.worker.error)

    def hint(self) -> str | Text:
        """The status line once loaded: the panel's keys, say."""
        return ""

    def report_error(self, error: BaseException | None) -> None:
        """Missing data becomes a sentence on the panel; anything else a notification."""
        if isinstance(error, MissingData):
            self.set_status(
                f"This view needs data that has not been imported: {', '.join(error.kinds)}. "
                "Import it with: sop import FILE --kind KIND (or sop import DIR).",
                problem=True,
            )
            self.add_class("-missing")
            return
        if isinstance(error, CommandError):
            text = "; ".join(f"{k}: {v}" for k, v in error.problems.items())
        else:
            text = f"{type(error).__name__}: {error}"
        self.set_status(f"Could not load this view — {text}", problem=True)
        self.notify(f"{self.TITLE}: {text}", severity="error", timeout=8)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Capture keys are hidden (and do nothing) when the log is open read-only."""
        if action in self.CAPTURE_ACTIONS and self.context.read_only:
            return False
        return True

    def recorded(self, event: Event) -> None:
        """Tell the meeting screen an event was written, say so, and re-read the panel."""
        self.post_message(Panel.Recorded(event))
        self.notify(f"Recorded: {event.type} (event {event.seq})", timeout=4)
        self.reload()
