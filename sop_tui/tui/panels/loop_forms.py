"""The monthly loop's forms: a decision's outcome, starting a meeting (who attends, and why out
of order), adding attendees.

Each writes one event through the workspace and shows a refused field's message beside it, as
every form does (:class:`sop_tui.tui.panels.forms.FormDialog`).
"""

from __future__ import annotations

from textual.app import ComposeResult

from sop_tui.cycle.decisions import OUTCOMES
from sop_tui.cycle.followup import DecisionDue
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.types import Event
from sop_tui.tui.panels.forms import FormDialog, lines_of


class DecisionOutcomeDialog(FormDialog[Event | None]):
    """Record what came of a decision that fell due: worked / partly / did_not / superseded."""

    FORM_TITLE = "What came of this decision?"

    def __init__(self, ws: Workspace, *, decision: DecisionDue, cycle: str,
                 meeting: str | None) -> None:
        super().__init__()
        self.ws = ws
        self.decision = decision
        self.cycle = cycle
        self.meeting = meeting

    def compose_fields(self) -> ComposeResult:
        d = self.decision
        yield self.note(f"{d.question} → {d.chosen} (cycle {d.cycle}, {d.owner}, due {d.due})")
        if d.measured:
            yield self.note(f"Measured: {d.measured}")
        yield from self.field("outcome", f"Outcome ({' / '.join(OUTCOMES)})",
                              placeholder="worked")
        yield from self.field("note", "Note", placeholder="what happened, in a sentence")

    def on_mount(self) -> None:
        self.query_one("#f-outcome").focus()

    def submit(self) -> Event:
        return self.ws.record_outcome(
            self.decision.seq, self.value("outcome").strip().lower().replace(" ", "_"),
            self.value("note").strip(), measured=self.decision.measured, cycle=self.cycle,
            meeting=self.meeting)


class StartMeetingDialog(FormDialog[Event | None]):
    """Start a meeting: who attends, and — when earlier meetings are not closed — why now."""

    FORM_TITLE = "Start the meeting"

    def __init__(self, ws: Workspace, *, cycle: str, meeting: str, title: str,
                 before: list[str]) -> None:
        super().__init__()
        self.ws = ws
        self.cycle = cycle
        self.meeting = meeting
        self.title_text = title
        self.before = before

    def compose_fields(self) -> ComposeResult:
        if self.before:
            yield self.note(f"{self.title_text} comes after {', '.join(self.before)}, not closed "
                            "yet. Meetings run in order: say why this one runs now.")
            yield from self.field("reason", "Reason it runs out of order")
        yield from self.field("attendees", "Who attends (one a line)", multiline=True)

    def on_mount(self) -> None:
        self.query_one("#f-reason" if self.before else "#f-attendees").focus()

    def submit(self) -> Event:
        reason = self.value("reason").strip() if self.before else None
        return self.ws.start_meeting(self.meeting, cycle=self.cycle, reason=reason,
                                     attendees=lines_of(self.value("attendees")))


class AttendanceDialog(FormDialog[Event | None]):
    """Add names to who attended the meeting."""

    FORM_TITLE = "Who is here"

    def __init__(self, ws: Workspace, *, cycle: str, meeting: str,
                 present: tuple[str, ...]) -> None:
        super().__init__()
        self.ws = ws
        self.cycle = cycle
        self.meeting = meeting
        self.present = present

    def compose_fields(self) -> ComposeResult:
        if self.present:
            yield self.note("Recorded: " + ", ".join(self.present))
        yield from self.field("attendees", "Add (one a line)", multiline=True)

    def on_mount(self) -> None:
        self.query_one("#f-attendees").focus()

    def submit(self) -> Event:
        return self.ws.record_attendance(self.meeting, lines_of(self.value("attendees")),
                                         cycle=self.cycle)
