"""What the meeting panels share: a loading base class and number formatting.

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
from sop_tui.tui.panels.base import Panel

__all__ = [
    "DataPanel",
    "money",
    "pct",
    "points",
    "signed_pct",
    "sparkline",
    "units",
]


def _nan(x: float | None) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def pct(x: float | None, digits: int = 1) -> str:
    """A share as a percent: ``0.58`` -> ``58.0%`` (``—`` when unknown)."""
    return "—" if _nan(x) else f"{x * 100:.{digits}f}%"


def signed_pct(x: float | None, digits: int = 1) -> str:
    """A signed share: ``0.09`` -> ``+9.0%``."""
    return "—" if _nan(x) else f"{x * 100:+.{digits}f}%"


def points(x: float | None) -> str:
    """Percentage points, signed: ``4.79`` -> ``+4.8 pt``."""
    return "—" if _nan(x) else f"{x:+.1f} pt"


def units(x: float | None) -> str:
    """Whole units with thousands separators."""
    return "—" if _nan(x) else f"{x:,.0f}"


def money(x: float | None) -> str:
    """Dollars, short: ``$4.1M``, ``$820k``, ``$950``; negative as ``-$1.2M``."""
    if _nan(x):
        return "—"
    assert x is not None
    sign = "-" if x < 0 else ""
    a = abs(x)
    if a >= 1e9:
        return f"{sign}${a / 1e9:.2f}B"
    if a >= 1e6:
        return f"{sign}${a / 1e6:.1f}M"
    if a >= 1e3:
        return f"{sign}${a / 1e3:.0f}k"
    return f"{sign}${a:.0f}"


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
        # Agenda keys faster than the frames (a held n) swap a panel out before this runs:
        # a panel being removed (Textual's display is False while a node closes or is
        # pruned, and its children may be gone already) loads nothing.
        if self.is_attached and self.display:
            self.reload()

    def reload(self) -> None:
        """Load the panel's numbers again (after the log changed)."""
        self.set_status(self.LOADING)
        self.add_class("-loading")
        self._load()

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
        status = self.query_one(".panel-status", Static)
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
            except Exception as exc:  # a bug in painting must not close the meeting
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
