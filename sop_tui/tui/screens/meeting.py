"""The meeting screen: one generic screen driven by a meeting definition.

Left, the agenda (timebox and time spent per item), the facilitator's prompts for the current
item and what this meeting has captured, newest first; the rest of the width is the current
item's panel (from ``PANELS``), whose numbers need it. Below 100 columns the left column gives
way to one line of agenda and the prompts above the panel (the history shows what was
captured). The clocks tick from the app's injected clock. Keys capture (``a``,
``d``, ``x``), move through the agenda (``n``, ``p``) and close the meeting (``c``, after its
exit criteria are checked in a worker).

Only an item's first start is recorded (AgendaItemStarted; item 0 starts with the meeting):
the time of each item is derived from the first starts — an item runs until the next first
start or the close — so the lead's screen, ``sop review`` and a relaunch show the same times,
and moving back and forth writes nothing. The screen follows the log (:mod:`.follow`): what
the CLI or another app writes shows within a second.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Label, Static
from textual.worker import Worker, WorkerState

from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.meetings import MeetingDef
from sop_tui.events.log import LogError
from sop_tui.tui.dialogs.capture import ActionForm, AssumptionForm, DecisionForm, MeetingForm
from sop_tui.tui.dialogs.confirm import ConfirmDialog, MissingCriteriaDialog
from sop_tui.tui.panels.loop_forms import AttendanceDialog
from sop_tui.tui.screens.dashboard import top_bar
from sop_tui.tui.screens.export import start_export, worker_failed
from sop_tui.tui.screens.follow import FOLLOW_SECONDS, LogWatch
from sop_tui.tui.widgets.agenda import AgendaView
from sop_tui.tui.widgets.captured import CapturedList
from sop_tui.tui.widgets.clock import MeetingClock
from sop_tui.tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from sop_tui.events.types import Event
    from sop_tui.tui.app import SopApp

#: Keys that write: hidden and refused in read-only mode.
WRITING_ACTIONS = frozenset({"assumption", "decision", "action", "next_item", "previous_item",
                             "close_meeting", "attendance"})

#: The events that move a meeting's clock from one agenda item to another.
CLOCK_EVENTS = ("MeetingStarted", "AgendaItemStarted", "MeetingClosed")


def _at(event: Event) -> datetime:
    return datetime.fromisoformat(event.at.replace("Z", "+00:00"))


def item_segments(events: list[Event]) -> list[tuple[int, datetime, datetime | None]]:
    """(item, from, to) intervals of a meeting from its clock events (``to`` None: running).

    Each item runs from its first start to the next first start or the close; a repeated start
    of an item (logs written before only first starts were recorded) is not a move.
    """
    segs: list[tuple[int, datetime, datetime | None]] = []
    started: set[int] = set()
    for e in events:
        item: int | None = None  # the close ends the running item and starts none
        if e.type != "MeetingClosed":
            item = 0 if e.type == "MeetingStarted" else int(e.payload["item"])
            if item in started:
                continue
            started.add(item)
        if segs and segs[-1][2] is None:
            running, start, _ = segs[-1]
            segs[-1] = (running, start, _at(e))
        if item is not None:
            segs.append((item, _at(e), None))
    return segs


class MeetingScreen(Screen[None]):
    """Runs one meeting by its agenda."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "assumption", "Assume"),
        Binding("d", "decision", "Decide"),
        Binding("x", "action", "Action"),
        Binding("n", "next_item", "Next"),
        # p and Esc are in the help; the footer keeps room for quit and help at 80 columns
        Binding("p", "previous_item", "Prev", show=False),
        Binding("c", "close_meeting", "Close"),
        Binding("h", "history", "History"),
        Binding("w", "attendance", "Who's here", show=False),
        Binding("P", "pack", "Pack"),
        Binding("X", "export", "Export"),
        Binding("escape", "back", "Back", show=False),
    ]
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [  # type: ignore[misc]
        (0, "-narrow"), (100, "-normal"), (160, "-wide")]

    def __init__(self, meeting: MeetingDef) -> None:
        super().__init__()
        self.meeting = meeting
        self.item = 0
        self.family: str | None = None
        self._segments: list[tuple[int, datetime, datetime | None]] = []
        self.meeting_closed = False
        self.meeting_cycle: str | None = None
        self.shown_seq = -1  # the log's last event when the screen last showed it
        self.log_watch: LogWatch | None = None

    @property
    def sop(self) -> SopApp:
        return self.app  # type: ignore[return-value]

    @property
    def cycle(self) -> str:
        """The meeting's cycle: the one open when the screen was built (a cycle opened later,
        from the CLI say, does not move a meeting under way to another cycle)."""
        if self.meeting_cycle is None:
            cycle = self.sop.cycle
            assert cycle is not None, "the meeting screen needs an open cycle"
            self.meeting_cycle = cycle
        return self.meeting_cycle

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        m = self.meeting
        yield from top_bar(self.sop, m.title, cycle=self.cycle)
        with Horizontal(id="meeting-head"):
            yield Label(f"{m.title} · owner: {m.owner}", id="meeting-title", markup=False)
            yield MeetingClock(id="clock")
        with Horizontal(id="meeting-body"):
            with Vertical(id="left"):
                yield Label("Agenda", classes="section-title")
                yield AgendaView(m.agenda, id="agenda")
                yield Label("Prompts", classes="section-title")
                yield Static("", id="prompts", markup=False)
                yield Label("Captured here", classes="section-title")
                with VerticalScroll(id="captured-scroll"):
                    yield CapturedList(id="captured")
                yield Label("Key output", classes="section-title", id="key-output-title")
                yield Static(m.key_output, id="key-output", markup=False)
            with Vertical(id="middle"):
                # shown below 100 columns only, where the left column gives way
                yield Static("", id="narrow-agenda", markup=False)
                yield Static("", id="narrow-prompts", markup=False)
                yield Vertical(id="panel-area")
        # Ctrl+P shows on the right where the meeting's keys leave room (not at 80 columns)
        yield KeyBar()

    def on_mount(self) -> None:
        app = self.sop
        ms = app.workspace.state().cycles[self.cycle].meetings[self.meeting.id]
        self.meeting_closed = ms.status == "closed"
        if ms.status == "not started" and not app.read_only:
            try:
                app.workspace.start_meeting(self.meeting.id, cycle=self.cycle)
            except (CommandError, LogError) as exc:
                self.notify(f"The meeting start was not recorded: {exc}", severity="error")
            ms = app.workspace.state().cycles[self.cycle].meetings[self.meeting.id]
        self.item = min(ms.item, len(self.meeting.agenda) - 1)
        self.shown_seq = app.workspace.state().last_seq
        self.read_clock_events()
        self.show_item()
        self.refresh_captured()
        self.tick()
        self.set_interval(1.0, self.tick)
        self.log_watch = LogWatch(app.workspace.log)
        self.set_interval(FOLLOW_SECONDS, self.follow_log)

    def on_screen_resume(self) -> None:
        # back from a dialog or the history (where a record may have been retracted)
        self.show_log()

    # -- following the log -------------------------------------------------------------------

    def follow_log(self) -> None:
        """Each half second: if another connection wrote, show what changed."""
        if self.is_current and self.log_watch is not None and self.log_watch.moved():
            self.show_log()

    def show_log(self) -> None:
        """Clock, captured list and panel, if the log has events this screen has not shown."""
        seq = self.sop.workspace.state().last_seq
        if seq == self.shown_seq:
            return
        self.shown_seq = seq
        self.read_clock_events()
        self.refresh_captured()
        self.tick()
        from sop_tui.tui.panels import Panel  # loaded with the first panel (see build_panel)

        for panel in self.query_one("#panel-area").query(Panel):
            panel.follow(seq)

    # -- the clock -------------------------------------------------------------------------

    def read_clock_events(self) -> None:
        """Re-read the meeting's starts, item changes and close (a few rows)."""
        events = self.sop.workspace.log.events(cycle=self.cycle, meeting=self.meeting.id,
                                               types=CLOCK_EVENTS)
        self._segments = item_segments(events)
        self.meeting_closed = any(e.type == "MeetingClosed" for e in events)

    def spent(self, now: datetime) -> tuple[list[float], float]:
        """Seconds spent per agenda item, and in the meeting, as of ``now``."""
        per = [0.0] * len(self.meeting.agenda)
        total = 0.0
        for item, start, end in self._segments:
            secs = max(0.0, ((end or now) - start).total_seconds())
            if 0 <= item < len(per):
                per[item] += secs
            total += secs
        return per, total

    def tick(self) -> None:
        """Each second: the clocks and the agenda's times."""
        per, total = self.spent(self.sop.clock())
        current = self.meeting.agenda[self.item]
        self.query_one(MeetingClock).set_times(per[self.item], current.minutes, total,
                                               self.meeting.limit_minutes)
        self.query_one(AgendaView).show(self.item, per)

    # -- the current item --------------------------------------------------------------------

    def show_item(self) -> None:
        """Prompts and panel of the current agenda item."""
        item = self.meeting.agenda[self.item]
        prompts = "\n".join(f"• {p}" for p in item.prompts) or "(no prompts)"
        self.query_one("#prompts", Static).update(prompts)
        self.query_one("#narrow-prompts", Static).update(prompts)
        self.query_one("#narrow-agenda", Static).update(
            f"▶ {self.item + 1}/{len(self.meeting.agenda)} {item.title}")
        area = self.query_one("#panel-area", Vertical)
        area.remove_children()
        area.mount(self.build_panel(item.panel))

    def build_panel(self, panel_id: str) -> Widget:
        """The panel an agenda item names, or a note saying it is not available."""
        # here, not at the top: the panels bring pandas, and this module is loaded before the
        # first paint (the app asks the meeting screen which keys it offers)
        from sop_tui.tui.panels import PANELS, PanelContext

        cls = PANELS.get(panel_id)
        if cls is None:
            return Static(f"The '{panel_id}' panel is not available in this version.",
                          classes="panel-missing", markup=False)
        app = self.sop
        ctx = PanelContext(workspace=app.workspace, settings=app.settings, cycle=self.cycle,
                           meeting=self.meeting, planning=app.planning,
                           read_only=app.read_only)
        # No id: agenda keys faster than the frames mount the next item's panel while the
        # last one is still being removed, and two items in a row may show the same panel
        # (an id would clash: DuplicateIds).
        return cls(ctx)

    def on_panel_family_focused(self, message: object) -> None:
        self.family = getattr(message, "family", None)

    def on_panel_recorded(self, message: object) -> None:
        self.show_log()

    def refresh_captured(self) -> None:
        cs = self.sop.workspace.state().cycles[self.cycle]
        records = [r for r in cs.records.values() if r.event.meeting == self.meeting.id]
        self.query_one(CapturedList).show(records)

    # -- agenda keys -------------------------------------------------------------------------

    def _go_to(self, item: int) -> None:
        agenda = self.meeting.agenda
        if self.meeting_closed:
            self.notify(f"{self.meeting.title} is closed: its agenda no longer moves.")
            return
        if not 0 <= item < len(agenda):
            where = "last" if item >= len(agenda) else "first"
            hint = " (c closes the meeting)" if where == "last" else ""
            self.notify(f"This is the {where} agenda item{hint}.")
            return
        try:
            # writes only the item's first start (see the module's docstring)
            started = self.sop.workspace.start_item(self.meeting.id, item, agenda[item].title,
                                                    cycle=self.cycle)
        except (CommandError, LogError) as exc:
            self.notify(f"Not recorded: {exc}", severity="error")
            return
        self.item = item
        if started is not None:
            self.read_clock_events()
        self.show_item()
        self.tick()

    def action_next_item(self) -> None:
        self._go_to(self.item + 1)

    def action_previous_item(self) -> None:
        self._go_to(self.item - 1)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_history(self) -> None:
        self.sop.open_history()

    def action_attendance(self) -> None:
        """Record who is in the meeting (added to those recorded)."""
        ms = self.sop.workspace.state().cycles[self.cycle].meetings[self.meeting.id]
        self.app.push_screen(AttendanceDialog(self.sop.workspace, cycle=self.cycle,
                                              meeting=self.meeting.id, present=ms.attendees),
                             callback=self._captured)

    def action_pack(self) -> None:
        self.sop.render_pack()

    def action_export(self) -> None:
        """The cycle's workbook (what ``sop export all`` writes), in the current directory."""
        start_export(self, self.cycle)

    # -- capture ---------------------------------------------------------------------------

    def _capture(self, cls: type[MeetingForm]) -> None:
        form = cls(self.sop.workspace, cycle=self.cycle, meeting=self.meeting, family=self.family)
        self.app.push_screen(form, callback=self._captured)

    def _captured(self, event: Event | None) -> None:
        if event is None:
            return
        label = event.type.removesuffix("Recorded").lower()
        self.notify(f"{label.capitalize()} recorded (event {event.seq}).")
        self.show_log()  # the list, and the panel if it shows what was captured (an action)

    def action_assumption(self) -> None:
        self._capture(AssumptionForm)

    def action_decision(self) -> None:
        self._capture(DecisionForm)

    def action_action(self) -> None:
        self._capture(ActionForm)

    # -- closing ---------------------------------------------------------------------------

    def action_close_meeting(self) -> None:
        if self.meeting_closed:
            self.notify(f"{self.meeting.title} is already closed.")
            return
        self.check_criteria()

    # exit_on_error=False: a failure is a notification (on_worker_state_changed), the meeting
    # goes on
    @work(thread=True, exclusive=True, exit_on_error=False, group="meeting-close")
    def check_criteria(self) -> None:
        """The exit criteria that still miss, from the shared planning (can take a second)."""
        app = self.sop
        missing = app.planning().missing_for(self.meeting.id, self.meeting.exit_criteria)
        app.call_from_thread(self._criteria_checked, missing)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if worker_failed(self, event):
            return
        if event.worker.group == "meeting-close" and event.state == WorkerState.ERROR:
            self.notify(f"The exit criteria could not be checked: {event.worker.error}",
                        severity="error", timeout=8)

    def _criteria_checked(self, missing: list[str]) -> None:
        if missing:
            self.app.push_screen(MissingCriteriaDialog(self.meeting.title, missing))
            return
        self.app.push_screen(
            ConfirmDialog(f"Every exit criterion of {self.meeting.title} holds. "
                          "Close the meeting?", yes="Close", no="Not yet"),
            callback=self._close_confirmed,
        )

    def _close_confirmed(self, ok: bool | None) -> None:
        if not ok:
            return
        try:
            ev = self.sop.workspace.close_meeting(self.meeting.id, cycle=self.cycle, missing=[])
        except (CommandError, LogError) as exc:
            self.notify(f"Not closed: {exc}", severity="error")
            return
        self.meeting_closed = True
        self.read_clock_events()
        self.notify(f"{self.meeting.title} closed (event {ev.seq}).")
        self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in WRITING_ACTIONS and self.sop.read_only:
            return False
        if action == "pack":  # the pack is the executive meeting's output
            return (self.meeting.id == "executive" and not self.sop.read_only
                    and self.sop.pack_available())
        if action == "export":  # the plan workbook: the executive meeting's, as the pack
            return self.meeting.id == "executive"
        return True
