"""The facilitator app: :func:`make_app`, the one factory the CLI and the tests use.

The app holds what every screen shares: the workspace (commands and log), the settings, the
meeting definitions, the clock the meeting timers read, and one :class:`CyclePlanning` per cycle,
refreshed when the log has changed since it was last handed out. Screens read the planning only
from thread workers: its views compute on first use (pandas, statsmodels, scipy).
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType

from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.meetings import MeetingDef, load_meetings
from sop_tui.cycle.workspace import Workspace
from sop_tui.settings import Settings
from sop_tui.tui.commands import SopCommands

if TYPE_CHECKING:
    from sop_tui.cycle.planning import CyclePlanning

HERE = Path(__file__).resolve().parent

Clock = Callable[[], datetime]


class SopApp(App[None]):
    """The S&OP facilitator: dashboard first, one meeting screen per meeting."""

    TITLE = "sop"
    CSS_PATH = [
        HERE / "app.tcss",
        HERE / "dashboard.tcss",
        HERE / "meeting.tcss",
        HERE / "dialogs.tcss",
        # the meeting panels' layout (their package); screens of the history carry their own
        *[p for p in (HERE / "panels" / "panels.tcss",) if p.exists()],
    ]
    COMMANDS = App.COMMANDS | {SopCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("f1", "help", "Help", show=False),
        Binding("question_mark", "help", "Help", key_display="?"),
    ]
    #: Text inputs blink their cursor; tests switch it off so snapshots are deterministic.
    CURSOR_BLINK: ClassVar[bool] = True

    def __init__(self, workspace: Workspace, settings: Settings, *, read_only: bool = False,
                 clock: Clock | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.settings = settings
        self.read_only = read_only
        self.clock: Clock = clock or workspace.clock
        self.meetings: dict[str, MeetingDef] = load_meetings(settings.meetings_dir)
        self._planning: CyclePlanning | None = None
        self._planning_seq = -1
        self._planning_lock = threading.Lock()

    # -- shared state ----------------------------------------------------------------------

    @property
    def cycle(self) -> str | None:
        """The cycle on screen: the newest opened one (None on an empty store)."""
        cur = self.workspace.state().current
        return cur.cycle if cur is not None else None

    def planning(self) -> CyclePlanning:
        """The shared planning of the current cycle, up to date with the log.

        Call it from a thread worker: building it imports pandas-heavy modules, and its views
        compute on first use.
        """
        from sop_tui.cycle.planning import CyclePlanning

        with self._planning_lock:
            cycle = self.cycle
            if cycle is None:
                raise CommandError({"cycle": "no cycle is open yet"})
            seq = self.workspace.state().last_seq
            if self._planning is None or self._planning.cycle != cycle:
                self._planning = CyclePlanning(self.workspace, cycle,
                                               cache_dir=self.settings.cache_dir)
            elif seq != self._planning_seq:
                # Only the views that depend on recorded events are dropped; data stays.
                self._planning.refresh()
            self._planning_seq = seq
            return self._planning

    # -- lifecycle and global actions --------------------------------------------------------

    def on_mount(self) -> None:
        from sop_tui.tui.screens.dashboard import DashboardScreen

        if self.read_only:
            self.sub_title = "read-only"
        self.push_screen(DashboardScreen())

    def open_meeting(self, meeting: str) -> None:
        """Show the meeting screen of ``meeting`` (from the dashboard or the palette)."""
        from sop_tui.tui.screens.meeting import MeetingScreen

        if self.cycle is None:
            self.notify("Open a cycle first (key o on the dashboard).", severity="warning")
            return
        if isinstance(self.screen, MeetingScreen):
            if self.screen.meeting.id == meeting:
                return
            self.pop_screen()
        self.push_screen(MeetingScreen(self.meetings[meeting]))

    def open_history(self) -> None:
        """Show every event of every cycle (read-only in ``sop review``)."""
        from sop_tui.tui.screens.history import HistoryScreen

        if isinstance(self.screen, HistoryScreen):
            return
        self.push_screen(HistoryScreen(self.workspace, read_only=self.read_only,
                                       cycle=self.cycle))

    # -- the decision pack -------------------------------------------------------------------

    @staticmethod
    def pack_available() -> bool:
        """True when this install can render the pack (``sop_tui.pack.runner`` exists)."""
        return importlib.util.find_spec("sop_tui.pack.runner") is not None

    def render_pack(self) -> None:
        """Render the cycle's decision pack in a child process; progress in the top bar."""
        if self.read_only or self.cycle is None or not self.pack_available():
            return
        if any(w.name == "pack" and w.is_running for w in self.workers):
            self.notify("The pack is already being rendered.")
            return
        self.notify("Rendering the decision pack…", timeout=3)
        self._render_pack(self.cycle)

    @work(thread=True, exclusive=True, group="pack", name="pack")
    def _render_pack(self, cycle: str) -> None:
        from sop_tui.pack.runner import render_pack_subprocess

        def progress(line: str) -> None:
            self.call_from_thread(self.set_status, f"pack: {line}")

        try:
            path = render_pack_subprocess(self.settings, cycle, None, on_progress=progress)
        except Exception as exc:  # shown to the user; the app keeps running
            self.call_from_thread(self.set_status, "")
            self.call_from_thread(self.notify, str(exc), title="Pack", severity="error",
                                  timeout=10)
            return
        self.call_from_thread(self.set_status, "")
        self.call_from_thread(self.notify, f"Decision pack written: {path.resolve()}",
                              title="Pack",
                              timeout=10)

    def set_status(self, text: str) -> None:
        """Show ``text`` at the right of the current screen's top bar (empty: clear it)."""
        for label in self.screen.query(".topbar-status"):
            label.update(text)  # type: ignore[attr-defined]

    def action_help(self) -> None:
        from sop_tui.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(read_only=self.read_only))

    async def action_quit(self) -> None:
        """Quit, asking first when a capture form holds text that would be lost."""
        from sop_tui.tui.dialogs.capture import CaptureForm
        from sop_tui.tui.dialogs.confirm import ConfirmDialog

        forms = [s for s in self.screen_stack if isinstance(s, CaptureForm) and s.has_text()]
        if not forms:
            self.exit()
            return
        if isinstance(self.screen, ConfirmDialog):
            return

        def answered(ok: bool | None) -> None:
            if ok:
                self.exit()

        self.push_screen(
            ConfirmDialog("The form holds text that is not saved. Quit and lose it?",
                          yes="Quit", no="Back to the form"),
            callback=answered,
        )


def make_app(workspace: Workspace, settings: Settings, *, read_only: bool = False,
             clock: Clock | None = None) -> SopApp:
    """Build the facilitator app on ``workspace``.

    Args:
        workspace: the commands and the event log (opened read-only for ``sop review``).
        settings: paths (meetings, cache) and the actor.
        read_only: no capture keys; the screens show and never write.
        clock: what the meeting timers read (default: the workspace's clock).

    Raises:
        MeetingFileError: a meeting file does not hold (the message names the file and key).
    """
    return SopApp(workspace, settings, read_only=read_only, clock=clock)
