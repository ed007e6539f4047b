"""The follow-up panel: what earlier cycles left, at the start of each meeting.

Three tables, from :func:`sop_tui.cycle.followup.followup` (computed in a worker): the
assumptions this meeting recorded, checked against the actuals since (held / missed by how
much / pending); the decisions due or past due, with their outcome or ``o`` to record one (the
measured result beside it where the numbers allow); the open actions of every earlier cycle,
the override's included, overdue first (``Space`` marks the selected one done).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from sop_tui.cycle.decisions import OUTCOME_WORDS
from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.followup import FollowUp, followup
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.events.types import Event
from sop_tui.formats import DASH
from sop_tui.tui.panels.common import DataPanel
from sop_tui.tui.panels.loop_forms import DecisionOutcomeDialog
from sop_tui.tui.widgets.fit_table import Col, FitTable, Row

#: The tables' columns: the numbers, dates and verdicts whole; the texts give way (issue 12:
#: at 80 columns the assumption's text hid its family, months and verdict).
ASSUMPTION_COLS = (Col("#", number=True), Col("Cycle", keep=True), Col("Assumption", floor=10),
                   Col("Family", keep=True), Col("Months", keep=True),
                   # the verdict's words and figures give way last, at a word
                   Col("Verdict", floor=16, yields=-1))
DECISION_COLS = (Col("#", number=True), Col("Cycle", keep=True), Col("Decision", floor=12),
                 Col("Owner"), Col("Due", keep=True), Col("Outcome", keep=True),
                 Col("Measured", floor=16))
ACTION_COLS = (Col("Action", keep=True), Col("Cycle", keep=True), Col("What", floor=12),
               Col("Owner"), Col("Due", keep=True))

VERDICT_STYLE = {"held": "green", "missed": "bold red", "pending": "dim"}


class FollowUpPanel(DataPanel):
    """Last cycle's assumptions checked, decisions due, open actions."""

    PANEL_ID = "followup"
    TITLE = "Follow-up — what earlier cycles left"
    CAPTURE_ACTIONS = frozenset({"outcome", "complete"})
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "outcome", "Outcome"),
        Binding("space", "complete", "Mark done"),
    ]

    def compose_body(self) -> ComposeResult:
        yield Static("Assumptions, checked against the actuals since", classes="fu-head")
        yield FitTable(id="fu-assumptions")
        yield Static("Decisions due", classes="fu-head")
        yield FitTable(id="fu-decisions")
        yield Static("Open actions of earlier cycles, overdue first", classes="fu-head")
        yield FitTable(id="fu-actions")

    def load(self, planning: CyclePlanning) -> FollowUp:
        return followup(planning, self.context.meeting.id)

    def show(self, data: FollowUp) -> None:
        self.shown = data
        a = self.query_one("#fu-assumptions", FitTable)
        a.fill(ASSUMPTION_COLS, [
            (str(c.seq), (str(c.seq), c.cycle, c.text, c.family or "all", c.months,
                          Text(c.describe(), style=VERDICT_STYLE.get(c.verdict, ""))))
            for c in data.assumptions])
        d = self.query_one("#fu-decisions", FitTable)
        rows: list[Row] = []
        for x in data.decisions:
            if x.outcome is not None:
                outcome = Text(OUTCOME_WORDS[x.outcome.payload["outcome"]], style="green")
            else:
                outcome = Text("o: record", style="bold red" if x.past_due else "yellow")
            due = Text(x.due + (" past due" if x.past_due and x.outcome is None else ""),
                       style="bold red" if x.past_due and x.outcome is None else "")
            rows.append((str(x.seq), (str(x.seq), x.cycle, f"{x.question} → {x.chosen}",
                                      x.owner, due, outcome, x.measured or DASH)))
        d.fill(DECISION_COLS, rows)
        t = self.query_one("#fu-actions", FitTable)
        rows = []
        for act in data.actions:
            late = act.overdue(data.today)
            style = "bold red" if late else ""
            what = ("[override] " if act.source == "override" else "") + \
                str(act.payload.get("text", ""))
            rows.append((act.ref, (act.ref, act.cycle, Text(what, style=style),
                                   str(act.payload.get("owner", "")),
                                   Text(act.due + (" overdue" if late else ""), style=style))))
        t.fill(ACTION_COLS, rows)
        if not (data.assumptions or data.decisions or data.actions):
            self.set_status("Nothing left over from earlier cycles.")
        # the panel's keys (o, Space) work at once: the first table with rows takes the focus
        table = next((x for x in (d, t, a) if x.row_count), a)
        if not self.context.read_only:
            table.focus(scroll_visible=False)

    def hint(self) -> str:
        return "" if self.context.read_only else \
            "o: record the selected decision's outcome · Space: mark the selected action done"

    def _selected(self, table_id: str) -> str | None:
        table = self.query_one(table_id, DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return None if key is None else str(key)

    def action_outcome(self) -> None:
        if self.context.read_only:
            return
        seq = self._selected("#fu-decisions")
        if seq is None:
            self.notify("No decision is due.", severity="warning")
            return
        decision = next(x for x in self.shown.decisions if str(x.seq) == seq)
        self.app.push_screen(
            DecisionOutcomeDialog(self.context.workspace, decision=decision,
                                  cycle=self.context.cycle, meeting=self.context.meeting.id),
            callback=self._recorded)

    def action_complete(self) -> None:
        if self.context.read_only:
            return
        ref = self._selected("#fu-actions")
        if ref is None:
            self.notify("No open action to mark done.", severity="warning")
            return
        try:
            ev = self.context.workspace.complete_action(ref)
        except CommandError as exc:
            self.notify("; ".join(exc.problems.values()), severity="error")
            return
        self.recorded(ev)

    def _recorded(self, event: Event | None) -> None:
        if event is not None:
            self.recorded(event)
