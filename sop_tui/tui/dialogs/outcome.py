"""The executive outcome: approve the plan, or override it.

An override is its own event type (``PlanOverridden``): it needs a rationale, the revenue gap it
closes, and at least one named gap-closing action with an owner and a due date — one a line,
``text ; owner ; YYYY-MM-DD`` (optionally ``; dollars``). A line that does not hold is named.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.validation import (
    Problems,
    approval_problems,
    number_problem,
    override_problems,
    parse_amount,
    required,
)
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.types import Event
from sop_tui.formats import money_exact
from sop_tui.tui.dialogs.form import Field, Form, Note, lines_of

ACTION_FORMAT = "text ; owner ; YYYY-MM-DD [; dollars]"


def parse_actions(text: str) -> list[dict[str, Any]]:
    """Gap-closing actions, one a line: ``text ; owner ; YYYY-MM-DD [; dollars]``.

    The lines' shape only; what each action must hold is :func:`override_problems`' to say.

    Raises:
        CommandError: under ``actions``, naming the first line that does not parse.
    """
    out: list[dict[str, Any]] = []
    for i, line in enumerate(lines_of(text), start=1):
        parts = [p.strip() for p in line.split(";")]
        if len(parts) not in (3, 4):
            raise CommandError({"actions": f"line {i} {line!r}: expected {ACTION_FORMAT}"})
        action: dict[str, Any] = {"text": parts[0], "owner": parts[1], "due": parts[2]}
        if len(parts) == 4 and parts[3]:
            try:
                action["dollars"] = parse_amount(parts[3])
            except ValueError as exc:
                raise CommandError({"actions": f"line {i}: {exc}"}) from None
        out.append(action)
    return out


class ApproveDialog(Form[Event]):
    """Approve the recommended plan: who approved (a person, typed), and a note."""

    FORM_TITLE = "Approve the plan"

    def __init__(self, ws: Workspace, *, cycle: str, scenario: str, role: str,
                 units: float | None = None, revenue: float | None = None,
                 summary: str = "") -> None:
        super().__init__()
        self.ws = ws
        self.cycle = cycle
        self.scenario = scenario
        self.role = role
        self.units = units
        self.revenue = revenue
        self.summary = summary

    def context(self) -> str:
        return f"Scenario: {self.scenario}. {self.summary}"

    def fields(self) -> Sequence[Field | Note]:
        return [
            # A person's name: the meeting's owner role is a hint, never the text.
            Field("approved_by", "Approved by", placeholder=f"who approved ({self.role})"),
            Field("note", "Note", placeholder="optional"),
        ]

    def rules(self, values: Mapping[str, str]) -> dict[str, str]:
        return approval_problems(approved_by=values["approved_by"])

    def submit(self, values: Mapping[str, str]) -> Event:
        return self.ws.approve_plan(
            scenario=self.scenario, approved_by=values["approved_by"].strip(),
            units=self.units, revenue=self.revenue, note=values["note"].strip() or None,
            cycle=self.cycle,
        )


class OverrideDialog(Form[Event]):
    """Override the plan: who, the rationale, the revenue gap it closes, the named actions."""

    FORM_TITLE = "Override the plan (recorded as an override)"

    def __init__(self, ws: Workspace, *, cycle: str, scenario: str, role: str,
                 gap: float | None = None, summary: str = "") -> None:
        super().__init__()
        self.ws = ws
        self.cycle = cycle
        self.scenario = scenario
        self.role = role
        self.gap = gap
        self.summary = summary
        self.today = ws.today()

    def context(self) -> str:
        return f"Scenario: {self.scenario}. {self.summary}"

    def fields(self) -> Sequence[Field | Note]:
        gap = money_exact(self.gap) if self.gap is not None and self.gap == self.gap else ""
        return [
            Field("overridden_by", "Overridden by", placeholder=f"who overrode ({self.role})"),
            Field("rationale", "Rationale", placeholder="why the consensus is overridden"),
            Field("revenue_gap_closed", "Gap it closes", gap,
                  placeholder="dollars, e.g. 1200000 or 1.2M",
                  required="the revenue gap it closes, in dollars",
                  check=lambda t: number_problem(t, scaled=True)),
            Note(f"Gap-closing actions, one a line: {ACTION_FORMAT}"),
            Field("actions", "Actions", lines=True,
                  placeholder="Promotion on FST-02 ; Dana Ruiz ; 2027-01-15 ; 1.2M"),
        ]

    def first_field(self) -> str:
        return "overridden_by"

    def rules(self, values: Mapping[str, str]) -> dict[str, str]:
        found = Problems()
        try:
            actions = parse_actions(values["actions"])
        except CommandError as exc:
            found.update(exc.problems)
            actions = []  # the line that does not parse is the problem to show
        found.update({k: v for k, v in override_problems(
            overridden_by=values["overridden_by"], rationale=values["rationale"],
            actions=actions, today=self.today).items() if k not in found})
        found.check("revenue_gap_closed", required(values["revenue_gap_closed"],
                                                   "the revenue gap it closes, in dollars"))
        return found

    def submit(self, values: Mapping[str, str]) -> Event:
        return self.ws.override_plan(
            scenario=self.scenario, overridden_by=values["overridden_by"].strip(),
            rationale=values["rationale"].strip(),
            revenue_gap_closed=parse_amount(values["revenue_gap_closed"]),
            actions=parse_actions(values["actions"]), cycle=self.cycle,
        )
