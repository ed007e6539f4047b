"""The executive outcome: approve the plan, or override it.

An override is its own event type (``PlanOverridden``): it needs a rationale, the revenue gap it
closes, and at least one named gap-closing action with an owner and a due date — one a line,
``text ; owner ; YYYY-MM-DD`` (optionally ``; dollars``). A line that does not hold is named.
"""

from __future__ import annotations

import re
from typing import Any

from textual.app import ComposeResult

from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.types import Event
from sop_tui.tui.panels.forms import FormDialog

DATE_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
_MONEY_RE = re.compile(r"^\$?\s*([+-]?\d+(?:\.\d+)?)\s*([kKmMbB]?)$")
_SCALE = {"": 1.0, "k": 1e3, "m": 1e6, "b": 1e9}


def parse_money(text: str, field: str) -> float:
    """``1200000``, ``1,200,000``, ``$1.2M``, ``800k`` -> dollars; else a problem on ``field``."""
    m = _MONEY_RE.match(text.strip().replace(",", ""))
    if m is None:
        raise CommandError({field: f"{text!r} is not an amount (e.g. 1200000, 1.2M, 800k)"})
    return float(m.group(1)) * _SCALE[m.group(2).lower()]


def parse_actions(text: str) -> list[dict[str, Any]]:
    """Gap-closing actions, one a line: ``text ; owner ; YYYY-MM-DD [; dollars]``."""
    out: list[dict[str, Any]] = []
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise CommandError({"actions": "an override needs at least one gap-closing action: "
                                       "text ; owner ; YYYY-MM-DD"})
    for i, line in enumerate(lines, start=1):
        parts = [p.strip() for p in line.split(";")]
        if len(parts) not in (3, 4) or not all(parts[:3]):
            raise CommandError({"actions": f"line {i} {line!r}: expected "
                                           "text ; owner ; YYYY-MM-DD [; dollars]"})
        if not DATE_RE.match(parts[2]):
            raise CommandError({"actions": f"line {i}: due {parts[2]!r} is not YYYY-MM-DD"})
        action: dict[str, Any] = {"text": parts[0], "owner": parts[1], "due": parts[2]}
        if len(parts) == 4 and parts[3]:
            action["dollars"] = parse_money(parts[3], "actions")
        out.append(action)
    return out


class ApproveDialog(FormDialog[Event | None]):
    """Approve the recommended plan: who approved, and a note."""

    FORM_TITLE = "Approve the plan"

    def __init__(self, ws: Workspace, *, cycle: str, scenario: str, approver: str,
                 units: float | None = None, revenue: float | None = None,
                 summary: str = "") -> None:
        super().__init__()
        self.ws = ws
        self.cycle = cycle
        self.scenario = scenario
        self.approver = approver
        self.units = units
        self.revenue = revenue
        self.summary = summary

    def compose_fields(self) -> ComposeResult:
        yield self.note(f"Scenario: {self.scenario}. {self.summary}")
        yield from self.field("approved_by", "Approved by", self.approver)
        yield from self.field("note", "Note (optional)")

    def on_mount(self) -> None:
        self.query_one("#f-approved_by").focus()

    def submit(self) -> Event:
        return self.ws.approve_plan(
            scenario=self.scenario, approved_by=self.value("approved_by").strip(),
            units=self.units, revenue=self.revenue, note=self.value("note").strip() or None,
            cycle=self.cycle,
        )


class OverrideDialog(FormDialog[Event | None]):
    """Override the plan: rationale, the revenue gap it closes, the named actions."""

    FORM_TITLE = "Override the plan (recorded as an override)"

    def __init__(self, ws: Workspace, *, cycle: str, scenario: str, overrider: str,
                 gap: float | None = None, summary: str = "") -> None:
        super().__init__()
        self.ws = ws
        self.cycle = cycle
        self.scenario = scenario
        self.overrider = overrider
        self.gap = gap
        self.summary = summary

    def compose_fields(self) -> ComposeResult:
        yield self.note(f"Scenario: {self.scenario}. {self.summary}")
        yield from self.field("overridden_by", "Overridden by", self.overrider)
        yield from self.field("rationale", "Rationale", placeholder="why the consensus is "
                                                                      "overridden")
        gap = f"{self.gap:.0f}" if self.gap is not None and self.gap == self.gap else ""
        yield from self.field("revenue_gap_closed", "Revenue gap it closes ($)", gap)
        yield from self.field("actions", "Gap-closing actions, one a line: "
                              "text ; owner ; YYYY-MM-DD [; dollars]", multiline=True,
                              placeholder="Promotion on FST-02 ; Dana Ruiz ; 2027-01-15 ; 1.2M")

    def on_mount(self) -> None:
        self.query_one("#f-rationale").focus()

    def submit(self) -> Event:
        problems: dict[str, str] = {}
        gap = 0.0
        try:
            gap = parse_money(self.value("revenue_gap_closed"), "revenue_gap_closed")
        except CommandError as exc:
            problems.update(exc.problems)
        actions: list[dict[str, Any]] = []
        try:
            actions = parse_actions(self.value("actions"))
        except CommandError as exc:
            problems.update(exc.problems)
        if not self.value("rationale").strip():
            problems["rationale"] = "say why the consensus is overridden"
        if problems:
            raise CommandError(problems)
        try:
            return self.ws.override_plan(
                scenario=self.scenario, overridden_by=self.value("overridden_by").strip(),
                rationale=self.value("rationale").strip(), revenue_gap_closed=gap,
                actions=actions, cycle=self.cycle,
            )
        except CommandError as exc:
            # nested payload errors ("actions.0.owner") belong under the actions field
            raise CommandError({k.split(".")[0]: (f"{k}: {v}" if "." in k else v)
                                for k, v in exc.problems.items()}) from None
