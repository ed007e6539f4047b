"""The facilitator app: :func:`make_app`, the one factory the CLI and the tests use.

The app holds what every screen shares: the workspace (commands and log), the settings, the
meeting definitions, the clock the meeting timers read, and one :class:`CyclePlanning` per cycle,
refreshed when the log has changed since it was last handed out. Screens read the planning only
from thread workers: its views compute on first use (pandas, statsmodels, scipy) and are kept
in the store's cache. Keys take effect in the order they are typed (:class:`KeysInOrder`).

Nothing typed is lost to a signal: SIGTERM and SIGHUP (a shutdown, a closed laptop lid, a
dropped SSH session) write the open forms' drafts and end the app the way Ctrl+Q does, so the
terminal is given back (alternate screen left, cursor shown, mouse released); the next start
offers the drafts. When idle, the app folds SQLite's write-ahead log back into the database.
"""

from __future__ import annotations

import asyncio
import gc
import importlib.util
import signal
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType

from sop_tui.cycle.cadence import earlier_not_closed
from sop_tui.cycle.drafts import DraftStore
from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.meetings import MeetingDef, load_meetings
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.envelope import Event
from sop_tui.events.log import LogError
from sop_tui.pack.child import PackError, render_pack_subprocess
from sop_tui.settings import Settings
from sop_tui.tui.abstract import HoldsText
from sop_tui.tui.commands import SopCommands
from sop_tui.tui.dialogs.confirm import ConfirmDialog
from sop_tui.tui.dialogs.form import Form
from sop_tui.tui.keys import KeysInOrder
from sop_tui.tui.screens.dashboard import DashboardScreen
from sop_tui.tui.screens.help import HelpScreen
from sop_tui.tui.screens.history import HistoryScreen

if TYPE_CHECKING:
    from sop_tui.cycle.planning import CyclePlanning
    from sop_tui.tui.dialogs.send_pack import SendPackDialog

HERE = Path(__file__).resolve().parent

Clock = Callable[[], datetime]


class SopApp(KeysInOrder):
    """The S&OP facilitator: dashboard first, one meeting screen per meeting."""

    TITLE = "sop"
    CSS_PATH = [
        HERE / "app.tcss",
        HERE / "dashboard.tcss",
        HERE / "meeting.tcss",
        HERE / "dialogs.tcss",
        HERE / "dialogs" / "form.tcss",
        # the meeting panels' layout (their package); screens of the history carry their own
        *[p for p in (HERE / "panels" / "panels.tcss",) if p.exists()],
    ]
    COMMANDS = App.COMMANDS | {SopCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("f1", "help", "Help", show=False),
        Binding("question_mark", "help", "Help", key_display="?"),
        # Enabled only on the dashboard and in the executive meeting (check_action): the
        # screens that already offer P, the pack's render.
        Binding("E", "email_pack", "Email pack"),
    ]
    #: Text inputs blink their cursor; tests switch it off so snapshots are deterministic.
    CURSOR_BLINK: ClassVar[bool] = True
    #: Seconds between checkpoints of the log's write-ahead file while the app runs.
    CHECKPOINT_EVERY: ClassVar[float] = 30.0
    #: The signals that end the app cleanly, keeping the drafts (exit code 128 + the signal's).
    END_SIGNALS: ClassVar[tuple[signal.Signals, ...]] = (signal.SIGTERM, signal.SIGHUP)

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
        #: where the forms keep their drafts (none for a read-only store: it is not written)
        self.drafts: DraftStore | None = (None if read_only
                                          else DraftStore(settings.store / "drafts"))
        self._signals: list[signal.Signals] = []

    # -- shared state ----------------------------------------------------------------------

    @property
    def cycle(self) -> str | None:
        """The cycle on screen: the newest opened one (None on an empty store)."""
        cur = self.workspace.state().current
        return cur.cycle if cur is not None else None

    def planning(self) -> CyclePlanning:
        """The shared planning of the current cycle, up to date with the log.

        Call it from a thread worker: building it imports pandas-heavy modules (lazily, so
        that the app paints before they load), and its views compute on first use.
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
        if self.read_only:
            self.sub_title = "read-only"
        self.push_screen(DashboardScreen())
        self.call_after_refresh(self._after_first_frame)
        if not self.read_only:
            self.set_interval(self.CHECKPOINT_EVERY, self.checkpoint)
        if not self.is_headless:  # a real terminal to give back (not a test's pilot)
            loop = asyncio.get_running_loop()
            for sig in self.END_SIGNALS:
                loop.add_signal_handler(sig, self.end_by_signal, sig)
                self._signals.append(sig)
        self.offer_drafts()

    def _after_first_frame(self) -> None:
        # What exists once the first frame is drawn (the modules, Textual, the folded log)
        # lasts as long as the app: kept out of the collector's full walks from now on.
        gc.freeze()

    def on_unmount(self) -> None:
        # An app ended in a process that goes on (a test session, an embedding) leaves
        # nothing out of the collector's reach, and no handler of ours on its signals.
        gc.unfreeze()
        loop = asyncio.get_running_loop()
        for sig in self._signals:
            loop.remove_signal_handler(sig)
        self._signals.clear()

    # -- drafts, signals and the log's upkeep ------------------------------------------------

    def offer_drafts(self) -> None:
        """Say which forms kept a draft last time (each opens with it when opened again)."""
        kept = self.drafts.kept() if self.drafts is not None else []
        if not kept:
            return
        lines = [f"• {d.title}" + (f" — {d.where}" if d.where else "")
                 + f"; typed {d.saved_at.astimezone():%Y-%m-%d %H:%M}" for d in kept]
        self.notify("Not saved last time, kept as drafts:\n" + "\n".join(lines)
                    + "\nOpen the same form to go on with it.",
                    title="Drafts", timeout=30)

    def write_drafts(self) -> None:
        """Write every open form's draft now (before the app ends on a signal)."""
        for screen in self.screen_stack:
            if isinstance(screen, Form):
                screen.write_draft()

    def end_by_signal(self, sig: signal.Signals) -> None:
        """SIGTERM / SIGHUP: keep the drafts, then end as Ctrl+Q does (the terminal restored)."""
        self.write_drafts()
        self.exit(return_code=128 + sig.value)

    def checkpoint(self) -> None:
        """Fold the log's write-ahead file into the database when no form is saving."""
        if not any(w.group == "form-submit" and w.is_running for w in self.workers):
            self._checkpoint()

    @work(thread=True, exclusive=True, group="checkpoint", exit_on_error=False)
    def _checkpoint(self) -> None:
        self.workspace.log.checkpoint()  # never waits: a busy log is left for the next time

    def open_meeting(self, meeting: str, *, reason: str | None = None) -> None:
        """Show the meeting screen of ``meeting`` (from the dashboard or the palette).

        A meeting that would start before the earlier ones are closed asks for the reason
        first (a form), unless ``reason`` gives it.
        """
        # Imported when a meeting opens: its panels load pandas, which the first frame
        # does not wait for (tests/test_layers.py).
        from sop_tui.tui.screens.meeting import MeetingScreen

        if self.cycle is None:
            self.notify("Open a cycle first (key o on the dashboard).", severity="warning")
            return
        if isinstance(self.screen, MeetingScreen):
            if self.screen.meeting.id == meeting:
                return
            self.pop_screen()
        cs = self.workspace.state().cycles[self.cycle]
        before = earlier_not_closed(cs, meeting)
        if before and cs.meetings[meeting].status == "not started" and not self.read_only:
            if reason:
                try:
                    self.workspace.start_meeting(meeting, cycle=self.cycle, reason=reason)
                except CommandError as exc:
                    self.notify(f"Not started: {exc}", severity="error")
                    return
                self.push_screen(MeetingScreen(self.meetings[meeting]))
                return
            # meetings run in order: this one starts early only with a recorded reason
            from sop_tui.tui.panels.loop_forms import StartMeetingDialog

            d = self.meetings[meeting]

            def started(ev: Event | None) -> None:
                if ev is not None:
                    self.push_screen(MeetingScreen(d))

            self.push_screen(
                StartMeetingDialog(self.workspace, cycle=self.cycle, meeting=meeting,
                                   title=d.title, before=[self.meetings[m].title for m in before]),
                callback=started)
            return
        self.push_screen(MeetingScreen(self.meetings[meeting]))

    def open_history(self) -> None:
        """Show every event of every cycle (read-only in ``sop review``)."""
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
        if self._pack_busy():
            self.notify("The pack is already being rendered or sent.")
            return
        self.notify("Rendering the decision pack…", timeout=3)
        self._render_pack(self.cycle)

    @work(thread=True, exclusive=True, group="pack", name="pack")
    def _render_pack(self, cycle: str) -> None:
        def progress(line: str) -> None:
            self.call_from_thread(self.set_status, f"pack: {line}")

        try:
            path = render_pack_subprocess(self.settings, cycle, None, on_progress=progress)
        except (PackError, OSError) as exc:  # shown to the user; the app keeps running
            self.call_from_thread(self.set_status, "")
            self.call_from_thread(self.notify, str(exc), title="Pack", severity="error",
                                  timeout=10)
            return
        self.call_from_thread(self.set_status, "")
        self.call_from_thread(self.notify, f"Decision pack written: {path.resolve()}",
                              title="Pack",
                              timeout=10)

    def _pack_busy(self) -> bool:
        # One render or send at a time: both may write STORE/packs/sop-pack-CYCLE.pdf.
        return any(w.name in ("pack", "pack-send") and w.is_running for w in self.workers)

    def email_enabled(self) -> bool:
        """True where E (e-mail the pack) is offered: the dashboard and the executive meeting."""
        if self.read_only or self.cycle is None or not self.pack_available():
            return False
        screen = self.screen
        meeting = getattr(screen, "meeting", None)  # a meeting's screen (imported lazily)
        if isinstance(meeting, MeetingDef):
            return meeting.id == "executive"
        return isinstance(screen, DashboardScreen)

    def action_email_pack(self) -> None:
        """Open the dialog that e-mails the cycle's newest pack (rendering it first if none)."""
        # lazily: the pack's mail module loads smtplib and ssl, not needed to paint
        from sop_tui.tui.dialogs.send_pack import SendPackDialog, newest_pack, smtp_line

        if not self.email_enabled() or self.cycle is None:
            return
        cycle = self.cycle
        self.push_screen(SendPackDialog(cycle, newest_pack(self.workspace, self.settings, cycle),
                                        smtp_line()))

    def email_pack(self, cycle: str, pdf: Path | None, to: list[str], *,
                   dialog: SendPackDialog | None = None) -> bool:
        """Send ``pdf`` (None: render the pack first) to ``to`` in a thread worker.

        Progress goes to the top bar; the outcome to a notification and, if given, to
        ``dialog.finished``. Returns False (and says why) when a render or send is under way.
        """
        if self.read_only:
            return False
        if self._pack_busy():
            self.notify("The pack is being rendered or sent; try again when it is done.",
                        severity="warning")
            return False
        self._email_pack(cycle, pdf, list(to), dialog)
        return True

    @work(thread=True, group="pack-send", name="pack-send")
    def _email_pack(self, cycle: str, pdf: Path | None, to: list[str],
                    dialog: SendPackDialog | None) -> None:
        # smtplib and ssl (pack.email), pypdf (pack.tamper): loaded when a pack is sent
        from sop_tui.pack.email import EmailError
        from sop_tui.pack.sending import send_pack
        from sop_tui.pack.tamper import StampError

        def progress(line: str) -> None:
            self.call_from_thread(self.set_status, f"pack: {line}")
            if dialog is not None:
                self.call_from_thread(dialog.show_progress, line)

        def finish(error: str | None, path: Path | None) -> None:
            self.call_from_thread(self.set_status, "")
            if dialog is not None:
                self.call_from_thread(dialog.finished, error, path)

        try:
            if pdf is None:
                pdf = render_pack_subprocess(self.settings, cycle, None, on_progress=progress)
            progress(f"sending to {', '.join(to)}")
            sent = send_pack(self.workspace, pdf, to, settings=self.settings, cycle=cycle)
        except (PackError, EmailError, StampError, CommandError, LogError, OSError) as exc:
            # shown to the user; the app keeps running. (smtplib's and ssl's errors are
            # OSErrors.) OSError's str() lacks its kind ("[Errno 111] Connection refused"): name it.
            why = str(exc) if not isinstance(exc, OSError) else f"{type(exc).__name__}: {exc}"
            message = f"The pack was not sent: {why}"
            self.call_from_thread(self.notify, message, title="Email", severity="error",
                                  timeout=10)
            finish(message, pdf)
            return
        self.call_from_thread(self.notify,
                              f"Decision pack sent to {', '.join(to)} via {sent['host']} "
                              f"(event {sent['seq']}).", title="Email", timeout=10)
        finish(None, pdf)

    def set_status(self, text: str) -> None:
        """Show ``text`` at the right of the top bar (empty: clear it).

        Every screen of the stack is updated: a dialog (the e-mail one) may be on top, and the
        top bar is that of the screen beneath it.
        """
        for screen in self.screen_stack:
            for label in screen.query(".topbar-status"):
                label.update(text)  # type: ignore[attr-defined]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "email_pack":
            return self.email_enabled()
        return True

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(read_only=self.read_only))

    async def action_quit(self) -> None:
        """Quit, asking first when a form holds text that would be lost (every form says
        whether it :class:`HoldsText`)."""
        forms = [s for s in self.screen_stack if isinstance(s, HoldsText) and s.holds_text]
        if not forms:
            self.exit()
            return
        if isinstance(self.screen, ConfirmDialog):
            return

        def answered(ok: bool | None) -> None:
            if ok:
                for form in forms:  # the user chose to lose the text: no draft either
                    if isinstance(form, Form):
                        form.discard_draft()
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
