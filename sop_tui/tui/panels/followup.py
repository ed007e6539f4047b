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
        yield DataTable(id="fu-assumptions", cursor_type="row", zebra_stripes=True)
        yield Static("Decisions due", classes="fu-head")
        yield DataTable(id="fu-decisions", cursor_type="row", zebra_stripes=True)
        yield Static("Open actions of earlier cycles, overdue first", classes="fu-head")
        yield DataTable(id="fu-actions", cursor_type="row", zebra_stripes=True)

    def load(self, planning: CyclePlanning) -> FollowUp:
        return followup(planning, self.context.meeting.id)

    def show(self, data: FollowUp) -> None:
        self.shown = data
        a = self.query_one("#fu-assumptions", DataTable)
        a.clear(columns=True)
        a.add_columns("#", "Cycle", "Assumption", "Family", "Months", "Verdict")
        for c in data.assumptions:
            a.add_row(str(c.seq), c.cycle, c.text, c.family or "all", c.months,
                      Text(c.describe(), style=VERDICT_STYLE.get(c.verdict, "")),
                      key=str(c.seq))
        d = self.query_one("#fu-decisions", DataTable)
        d.clear(columns=True)
        d.add_columns("#", "Cycle", "Decision", "Owner", "Due", "Outcome", "Measured")
        for x in data.decisions:
            if x.outcome is not None:
                outcome = Text(OUTCOME_WORDS[x.outcome.payload["outcome"]], style="green")
            else:
                outcome = Text("o: record", style="bold red" if x.past_due else "yellow")
            due = Text(x.due + (" past due" if x.past_due and x.outcome is None else ""),
                       style="bold red" if x.past_due and x.outcome is None else "")
            d.add_row(str(x.seq), x.cycle, f"{x.question} → {x.chosen}", x.owner, due, outcome,
                      x.measured or DASH, key=str(x.seq))
        t = self.query_one("#fu-actions", DataTable)
        t.clear(columns=True)
        t.add_columns("Action", "Cycle", "What", "Owner", "Due")
        for act in data.actions:
            late = act.overdue(data.today)
            style = "bold red" if late else ""
            what = ("[override] " if act.source == "override" else "") + \
                str(act.payload.get("text", ""))
            t.add_row(act.ref, act.cycle, Text(what, style=style),
                      str(act.payload.get("owner", "")),
                      Text(act.due + (" overdue" if late else ""), style=style), key=act.ref)
        if not (data.assumptions or data.decisions or data.actions):
            self.set_status("Nothing left over from earlier cycles.")
        # the panel's keys (o, Space) work at once: the first table with rows takes the focus
        table = next((x for x in (d, t, a) if x.row_count), a)
        if not self.context.read_only:
            table.focus()

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
        from sop_tui.tui.panels.loop_forms import DecisionOutcomeDialog

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
