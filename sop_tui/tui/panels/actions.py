"""The actions panel: open actions of every cycle, overdue ones highlighted; mark one done.

The table has the focus as soon as it shows (Enter answers at once), and marking an action
done asks first, naming it: Enter on the wrong row must not complete an action unasked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType

from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.tui.dialogs.confirm import ConfirmDialog
from sop_tui.tui.panels.common import DataPanel
from sop_tui.tui.widgets.fit_table import Col, FitTable, Row

COLUMNS = (Col("#", "seq", number=True), Col("Cycle", "cycle", keep=True),
           Col("Action", "text", floor=16), Col("Owner", "owner", floor=8),
           Col("Due", "due", keep=True), Col("Decision served", "decision", yields=1))


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

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.rows: dict[str, ActionRow] = {}

    def compose_body(self) -> ComposeResult:
        yield FitTable(id="actions-table")

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
        self.rows = {str(r.seq): r for r in data}
        rows: list[Row] = []
        for r in data:
            style = "bold red" if r.overdue else ""
            due = Text(r.due + (" overdue" if r.overdue else ""), style=style)
            rows.append((str(r.seq), [str(r.seq), r.cycle, Text(r.text, style=style), r.owner,
                                      due, r.decision]))
        dt = self.query_one("#actions-table", FitTable)
        dt.fill(COLUMNS, rows)
        dt.focus(scroll_visible=False)  # Enter and Space answer without a Tab first
        if not data:
            self.set_status("No open actions.")

    def hint(self) -> str:
        return "" if self.context.read_only else "Enter or Space: mark the selected action done"

    def on_data_table_row_selected(self, event: FitTable.RowSelected) -> None:
        event.stop()
        self.action_complete()

    def action_complete(self) -> None:
        """Ask, naming the action under the cursor, then mark it done."""
        if self.context.read_only:
            return
        dt = self.query_one("#actions-table", FitTable)
        if dt.row_count == 0:
            self.notify("No open action to mark done.", severity="warning")
            return
        key = str(dt.coordinate_to_cell_key(dt.cursor_coordinate).row_key.value)
        row = self.rows[key]
        question = (f"Mark action {row.seq} done? “{row.text}” — {row.owner}, due {row.due}"
                    + (" (overdue)" if row.overdue else ""))
        self.app.push_screen(ConfirmDialog(question, yes="Done", no="Not yet"),
                             lambda ok: self._complete(row.seq) if ok else None)

    def _complete(self, seq: int) -> None:
        try:
            ev = self.context.workspace.complete_action(seq)
        except CommandError as exc:
            self.notify("; ".join(exc.problems.values()), severity="error")
            return
        self.recorded(ev)
