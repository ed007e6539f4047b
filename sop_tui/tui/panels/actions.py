"""The actions panel: open actions of every cycle, overdue ones highlighted; mark one done."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.tui.panels.common import DataPanel


@dataclass(frozen=True)
class ActionRow:
    seq: int
    cycle: str
    text: str
    owner: str
    due: str
    overdue: bool
    decision: str


class ActionsPanel(DataPanel):
    """Who owes what by when; the decision each action serves."""

    PANEL_ID = "actions"
    TITLE = "Open actions — every cycle"
    CAPTURE_ACTIONS = frozenset({"complete"})
    BINDINGS: ClassVar[list[BindingType]] = [
        # Enter (the table's row selection) or Space; ``c`` is the meeting's Close
        Binding("space", "complete", "Mark done"),
    ]

    def compose_body(self) -> ComposeResult:
        table: DataTable[str | Text] = DataTable(id="actions-table", cursor_type="row",
                                                 zebra_stripes=True)
        yield table

    def load(self, planning: CyclePlanning) -> list[ActionRow]:
        ws = self.context.workspace
        state = ws.state()
        today = ws.today()
        rows = []
        for rec in sorted(state.open_actions(), key=lambda r: (r.payload.get("due", ""), r.seq)):
            p = rec.payload
            served = ""
            if p.get("decision") is not None:
                dec = state.by_seq.get(int(p["decision"]))
                served = dec.payload.get("question", "") if dec is not None else ""
            due = str(p.get("due", ""))
            rows.append(ActionRow(rec.seq, rec.event.cycle, str(p.get("text", "")),
                                  str(p.get("owner", "")), due, due < today, served))
        return rows

    def show(self, data: list[ActionRow]) -> None:
        dt = self.query_one("#actions-table", DataTable)
        dt.clear(columns=True)
        dt.add_columns("#", "Cycle", "Action", "Owner", "Due", "Decision served")
        for r in data:
            style = "bold red" if r.overdue else ""
            due = Text(r.due + (" overdue" if r.overdue else ""), style=style)
            dt.add_row(str(r.seq), r.cycle, Text(r.text, style=style), r.owner, due, r.decision,
                       key=str(r.seq))
        if not data:
            self.set_status("No open actions.")

    def hint(self) -> str:
        return "" if self.context.read_only else "Enter or Space: mark the selected action done"

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_complete()

    def action_complete(self) -> None:
        if self.context.read_only:
            return
        dt = self.query_one("#actions-table", DataTable)
        if dt.row_count == 0:
            self.notify("No open action to mark done.", severity="warning")
            return
        key = dt.coordinate_to_cell_key(dt.cursor_coordinate).row_key.value
        try:
            ev = self.context.workspace.complete_action(int(str(key)))
        except CommandError as exc:
            self.notify("; ".join(exc.problems.values()), severity="error")
            return
        self.recorded(ev)
