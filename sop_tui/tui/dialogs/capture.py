"""The capture forms: an assumption, a decision, an action, and opening a cycle.

Each is a :class:`Form` that dismisses with the recorded :class:`Event` (or None when cancelled),
built afresh for each capture: nothing of one capture reaches the next. A meeting's forms say
which meeting and family the capture lands in; the decision form also takes the context a panel
fixes (the SKUs of the portfolio review, the resource and months of a capacity gap) and the
question and options it suggests.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence

from sop_tui.cycle.meetings import MeetingDef
from sop_tui.cycle.validation import (
    action_problems,
    assumption_problems,
    decision_problems,
    number_problem,
    parse_amount,
    parse_number,
)
from sop_tui.cycle.workspace import CYCLE_RE, Workspace
from sop_tui.events.types import Event
from sop_tui.tui.dialogs.form import Field, Form, Note, lines_of

__all__ = ["ActionForm", "AssumptionForm", "DecisionForm", "OpenCycleForm"]


def default_due(cycle: str) -> str:
    """The last day of the month after ``cycle``: a decision's due date unless one is said."""
    y, m = int(cycle[:4]), int(cycle[5:7]) + 1
    y, m = (y + 1, 1) if m == 13 else (y, m)
    return f"{y:04d}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}"


def _blank_none(text: str) -> str | None:
    return text.strip() or None


def _number(text: str) -> float | None:
    return parse_number(text) if text.strip() else None


def _amount(text: str) -> float | None:
    return parse_amount(text) if text.strip() else None


def _amount_problem(text: str) -> str | None:
    return number_problem(text, scaled=True)


class MeetingForm(Form[Event]):
    """A capture that lands in a meeting of the cycle on screen."""

    def __init__(self, workspace: Workspace, *, cycle: str, meeting: MeetingDef,
                 family: str | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.cycle = cycle
        self.meeting = meeting
        self.family = family

    def context(self) -> str:
        return f"cycle {self.cycle} · {self.meeting.title} (owner: {self.meeting.owner})"


class AssumptionForm(MeetingForm):
    """Record an assumption: a sentence, its owner, optionally family, months and numbers."""

    FORM_TITLE = "Assumption"

    def fields(self) -> Sequence[Field | Note]:
        return [
            Field("text", "Assumption", placeholder="what we assume, in one sentence"),
            Field("owner", "Owner", self.meeting.owner),
            Field("family", "Family", self.family or "", placeholder="(all families)"),
            Field("months", "Months", placeholder="YYYY-MM or YYYY-MM..YYYY-MM"),
            Field("units", "Units", placeholder="optional", check=number_problem),
            Field("dollars", "Dollars", placeholder="optional, e.g. 54000 or 1.2M",
                  check=_amount_problem),
            Field("source", "Source", placeholder="sales / marketing / finance / planner"),
        ]

    def rules(self, values: Mapping[str, str]) -> dict[str, str]:
        return assumption_problems(text=values["text"], owner=values["owner"],
                                   months=values["months"])

    def submit(self, values: Mapping[str, str]) -> Event:
        return self.workspace.record_assumption(
            text=values["text"].strip(), owner=values["owner"].strip(), cycle=self.cycle,
            meeting=self.meeting.id, family=_blank_none(values["family"]),
            months=_blank_none(values["months"]), units=_number(values["units"]),
            dollars=_amount(values["dollars"]), source=_blank_none(values["source"]),
        )


class DecisionForm(MeetingForm):
    """Record a decision: the question, the options, the one chosen and why, who decided.

    Args:
        workspace: the commands.
        cycle: the cycle.
        meeting: the meeting recording it (its owner's role pre-fills "decided by").
        family / skus / resource / months: what the decision covers, pre-filled.
        question / options: suggested by the panel it is taken from.
        note: a line saying what the panel found (shown above the fields).
    """

    FORM_TITLE = "Decision"

    def __init__(self, workspace: Workspace, *, cycle: str, meeting: MeetingDef,
                 family: str | None = None, skus: Sequence[str] = (),
                 resource: str | None = None, months: str | None = None,
                 question: str = "", options: Sequence[str] = (), note: str = "") -> None:
        super().__init__(workspace, cycle=cycle, meeting=meeting, family=family)
        self.skus = list(skus)
        self.resource = resource
        self.months = months
        self.question = question
        self.options = list(options)
        self.note = note
        self.today = workspace.today()

    def fields(self) -> Sequence[Field | Note]:
        note = [Note(self.note, id="decision-note")] if self.note else []
        return [
            *note,
            Field("question", "Question", self.question, placeholder="what was decided?"),
            Field("options", "Options", "\n".join(self.options), lines=True,
                  placeholder="one option a line"),
            Field("chosen", "Chosen", placeholder="the option decided",
                  suggestions=self.options),
            Field("rationale", "Rationale", placeholder="why"),
            Field("decided_by", "Decided by", self.meeting.owner),
            # who carries it out, and by when: the meeting's owner by the end of next month,
            # unless the room says otherwise
            Field("owner", "Owner", self.meeting.owner, placeholder="who carries it out"),
            Field("due", "Due", default_due(self.cycle), placeholder="YYYY-MM-DD"),
            Field("family", "Family", self.family or "", placeholder="(all families)"),
            Field("skus", "SKUs", ", ".join(self.skus), placeholder="comma-separated"),
            Field("resource", "Resource", self.resource or ""),
            Field("months", "Months", self.months or "",
                  placeholder="YYYY-MM or YYYY-MM..YYYY-MM"),
        ]

    def first_field(self) -> str:
        # a panel suggests the question and its options: what is left is the choice
        return "chosen" if self.question and self.options else "question"

    def rules(self, values: Mapping[str, str]) -> dict[str, str]:
        return decision_problems(
            question=values["question"], options=lines_of(values["options"]),
            chosen=values["chosen"], rationale=values["rationale"],
            decided_by=values["decided_by"], owner=values["owner"], due=values["due"],
            months=values["months"], today=self.today)

    def submit(self, values: Mapping[str, str]) -> Event:
        options = lines_of(values["options"])
        chosen = values["chosen"].strip()
        # the option as listed (the rule compared them without case)
        chosen = next((o for o in options if o.casefold() == chosen.casefold()), chosen)
        return self.workspace.record_decision(
            question=values["question"].strip(), chosen=chosen,
            rationale=values["rationale"].strip(), decided_by=values["decided_by"].strip(),
            options=options, owner=_blank_none(values["owner"]),
            due=_blank_none(values["due"]), cycle=self.cycle, meeting=self.meeting.id,
            family=_blank_none(values["family"]),
            skus=[s.strip() for s in values["skus"].split(",") if s.strip()],
            resource=_blank_none(values["resource"]), months=_blank_none(values["months"]),
        )


class ActionForm(MeetingForm):
    """Record an action: what, who, by when, and the decision it serves."""

    FORM_TITLE = "Action"

    def __init__(self, workspace: Workspace, *, cycle: str, meeting: MeetingDef,
                 family: str | None = None) -> None:
        super().__init__(workspace, cycle=cycle, meeting=meeting, family=family)
        cs = workspace.state().cycles.get(cycle)
        records = sorted(cs.decisions if cs is not None else [], key=lambda r: -r.seq)
        #: the cycle's decisions, newest first, as "#SEQ question"
        self.decisions = {r.seq: f"#{r.seq} {r.payload['question'][:60]}" for r in records}
        self.today = workspace.today()

    def fields(self) -> Sequence[Field | Note]:
        newest = next(iter(self.decisions.values()), None)
        return [
            Field("text", "Action", placeholder="what will be done"),
            Field("owner", "Owner", self.meeting.owner),
            Field("due", "Due", placeholder="YYYY-MM-DD"),
            Field("dollars", "Dollars", placeholder="optional, e.g. 12500 or 1.2M",
                  check=_amount_problem),
            Field("decision", "Serves decision",
                  placeholder=f"optional: # and its number, e.g. {newest}" if newest
                  else "optional (no decision recorded in this cycle yet)",
                  suggestions=list(self.decisions.values()), check=self._decision_problem),
        ]

    def decision_seq(self, text: str) -> int | None:
        """The decision ``text`` names (``#41``, ``41`` or ``#41 the question``), if any."""
        head = text.strip().removeprefix("#").split(" ", 1)[0]
        return int(head) if head.isdigit() else None

    def _decision_problem(self, text: str) -> str | None:
        seq = self.decision_seq(text)
        if seq is None or seq not in self.decisions:
            listed = ", ".join(list(self.decisions.values())[:3]) or "none yet"
            return f"{text.strip()!r} is not a decision of cycle {self.cycle} ({listed})"
        return None

    def rules(self, values: Mapping[str, str]) -> dict[str, str]:
        return action_problems(text=values["text"], owner=values["owner"], due=values["due"],
                               today=self.today)

    def submit(self, values: Mapping[str, str]) -> Event:
        return self.workspace.record_action(
            text=values["text"].strip(), owner=values["owner"].strip(),
            due=values["due"].strip(), cycle=self.cycle, meeting=self.meeting.id,
            dollars=_amount(values["dollars"]), decision=self.decision_seq(values["decision"]),
        )


class OpenCycleForm(Form[Event]):
    """Open a cycle (YYYY-MM): the month after the newest cycle's, or after today's."""

    FORM_TITLE = "Open a cycle"

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.cycle = workspace.next_cycle()

    def context(self) -> str:
        return "One cycle a month: its meetings, decisions and plan."

    def fields(self) -> Sequence[Field | Note]:
        return [
            Field("cycle", "Cycle", self.cycle, placeholder="YYYY-MM",
                  check=lambda t: None if CYCLE_RE.match(t.strip())
                  else f"{t.strip()!r} is not a month: write YYYY-MM (e.g. 2027-01)"),
            Field("note", "Note", placeholder="optional"),
        ]

    @property
    def holds_text(self) -> bool:
        # the suggested month is no typed text to lose; a note is
        return self.is_mounted and bool(self.values()["note"].strip())

    def submit(self, values: Mapping[str, str]) -> Event:
        return self.workspace.open_cycle(values["cycle"].strip(),
                                         note=_blank_none(values["note"]))
