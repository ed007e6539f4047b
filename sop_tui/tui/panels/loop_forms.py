"""The monthly loop's forms: a decision's outcome, starting a meeting (who attends, and why out
of order), adding attendees.

Each is a :class:`~sop_tui.tui.dialogs.form.Form`: it writes one event through the workspace,
checks each field as it is left and shows a refused field's message beside it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sop_tui.cycle.decisions import OUTCOMES, outcome_problems
from sop_tui.cycle.followup import DecisionDue
from sop_tui.cycle.validation import Problems, required
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.types import Event
from sop_tui.tui.dialogs.form import Field, Form, Note, lines_of


def _outcome(text: str) -> str:
    return text.strip().lower().replace(" ", "_")


class DecisionOutcomeDialog(Form[Event]):
    """Record what came of a decision that fell due: worked / partly / did_not / superseded."""

    FORM_TITLE = "What came of this decision?"

    def __init__(self, ws: Workspace, *, decision: DecisionDue, cycle: str,
                 meeting: str | None) -> None:
        super().__init__()
        self.ws = ws
        self.decision = decision
        self.cycle = cycle
        self.meeting = meeting

    def fields(self) -> Sequence[Field | Note]:
        d = self.decision
        notes = [Note(f"{d.question} → {d.chosen} (cycle {d.cycle}, {d.owner}, due {d.due})")]
        if d.measured:
            notes.append(Note(f"Measured: {d.measured}"))
        return [
            *notes,
            Field("outcome", "Outcome", placeholder=" / ".join(OUTCOMES), suggestions=OUTCOMES),
            Field("note", "Note", placeholder="what happened, in a sentence"),
        ]

    def rules(self, values: Mapping[str, str]) -> dict[str, str]:
        return outcome_problems(_outcome(values["outcome"]), values["note"])

    def submit(self, values: Mapping[str, str]) -> Event:
        return self.ws.record_outcome(
            self.decision.seq, _outcome(values["outcome"]), values["note"].strip(),
            measured=self.decision.measured, cycle=self.cycle, meeting=self.meeting)


class StartMeetingDialog(Form[Event]):
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

    def fields(self) -> Sequence[Field | Note]:
        if not self.before:
            return [Field("attendees", "Who attends", lines=True, placeholder="one a line")]
        return [
            Note(f"{self.title_text} comes after {', '.join(self.before)}, not closed yet. "
                 "Meetings run in order: say why this one runs now."),
            Field("reason", "Reason", placeholder="why it runs out of order"),
            Field("attendees", "Who attends", lines=True, placeholder="one a line"),
        ]

    def rules(self, values: Mapping[str, str]) -> dict[str, str]:
        found = Problems()
        if self.before:
            found.check("reason", required(values["reason"],
                                           "say why this meeting runs out of order"))
        return found

    def submit(self, values: Mapping[str, str]) -> Event:
        reason = values["reason"].strip() if self.before else None
        return self.ws.start_meeting(self.meeting, cycle=self.cycle, reason=reason,
                                     attendees=lines_of(values["attendees"]))


class AttendanceDialog(Form[Event]):
    """Add names to who attended the meeting."""

    FORM_TITLE = "Who is here"

    def __init__(self, ws: Workspace, *, cycle: str, meeting: str,
                 present: tuple[str, ...]) -> None:
        super().__init__()
        self.ws = ws
        self.cycle = cycle
        self.meeting = meeting
        self.present = present

    def fields(self) -> Sequence[Field | Note]:
        recorded = [Note("Recorded: " + ", ".join(self.present))] if self.present else []
        return [*recorded, Field("attendees", "Add", lines=True, placeholder="one a line")]

    def rules(self, values: Mapping[str, str]) -> dict[str, str]:
        found = Problems()
        found.check("attendees", required(values["attendees"], "a name, one a line"))
        return found

    def submit(self, values: Mapping[str, str]) -> Event:
        return self.ws.record_attendance(self.meeting, lines_of(values["attendees"]),
                                         cycle=self.cycle)
