"""The help screen: every key of the app, by where it works."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

#: (where, key, what) — the README lists the same keys.
KEYS: tuple[tuple[str, str, str, bool], ...] = (
    # where, key, what, writes (hidden in read-only mode)
    ("Anywhere", "? / F1", "this help", False),
    ("Anywhere", "Ctrl+P", "command palette: every action by name", False),
    ("Anywhere", "Ctrl+Q", "quit (asks first when a form holds text)", False),
    ("Dashboard", "↑ ↓ Enter", "choose a meeting and open it", False),
    ("Dashboard", "o", "open a cycle", True),
    ("Dashboard", "r", "recompute the numbers", False),
    ("Dashboard, Meeting", "h", "history: every event, filters, corrections, verify", False),
    ("Dashboard, Executive", "P", "render the decision pack (PDF), in the background", True),
    ("Dashboard, Executive", "E", "e-mail the newest pack (renders it first if none)", True),
    ("Executive, History", "X", "export the plan workbook (xlsx) into the current folder", False),
    ("Meeting", "a", "capture an assumption", True),
    ("Meeting", "d", "capture a decision", True),
    ("Meeting", "x", "capture an action", True),
    ("Meeting", "n / p", "next / previous agenda item", True),
    ("Meeting", "c", "close the meeting (checks its exit criteria)", True),
    ("Meeting", "Esc", "back to the dashboard", False),
    ("Portfolio", "Space", "mark / unmark the item under the cursor", True),
    ("Portfolio", "f", "mark the family's undecided items (same lifecycle)", True),
    ("Portfolio", "l", "mark every undecided item of the lifecycle", True),
    ("Portfolio", "*", "mark every undecided item", True),
    ("Portfolio", "D", "decide the marked items (or the one under the cursor)", True),
    ("Portfolio", "u", "unmark all", True),
    ("Demand", "↑ ↓", "choose the family", False),
    ("Demand", "1 2 3 4", "consensus from sales / marketing / finance / planner", True),
    ("Demand", "5", "consensus from the statistical forecast", True),
    ("Demand", "m", "consensus: a number by hand", True),
    ("Demand", "f", "compute the statistical forecast", False),
    ("Supply", "o", "record an option for the gap under the cursor", True),
    ("Supply", "r", "record an option for the resource", True),
    ("Scenarios", "s", "new scenario", True),
    ("Scenarios", "r", "recommend a scenario", True),
    ("Executive", "A", "approve the recommended plan", True),
    ("Executive", "O", "override it (with named actions)", True),
    ("Actions", "Enter / Space", "mark the action done (asks first, naming it)", True),
    ("History", "↑ ↓ PgUp PgDn", "move through the events (newest first)", False),
    ("History", "Home / End", "the newest / the oldest event", False),
    ("History", "Enter", "the event's detail: envelope, payload, corrections", False),
    ("History", "r / m (detail)", "retract / amend the event (a new event; both kept)", True),
    ("History", "/", "search the text (Enter keeps it, Esc clears it)", False),
    ("History", "Tab", "the filters: cycle, meeting, type, family", False),
    ("History", "c", "clear every filter", False),
    ("History", "r", "read the log again (new events also come by themselves)", False),
    ("History", "v", "verify the hash chain", False),
    ("History", "Esc", "back (from a filter: back to the table)", False),
    ("Forms", "Ctrl+S", "save (the event is written before the form closes)", True),
    ("Forms", "Tab / Shift+Tab", "next / previous field", True),
    ("Forms", "Esc", "cancel (asks first when text was typed)", True),
)


class HelpScreen(ModalScreen[None]):
    """The keys, grouped by screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Close"),
    ]

    def __init__(self, *, read_only: bool = False) -> None:
        super().__init__(classes="dialog")
        self.read_only = read_only

    def compose(self) -> ComposeResult:
        table = Table(expand=True, show_edge=False, box=None, padding=(0, 1))
        table.add_column("Where", style="dim", no_wrap=True)
        table.add_column("Key", style="bold", no_wrap=True)
        table.add_column("What")
        for where, key, what, writes in KEYS:
            if writes and self.read_only:
                continue
            table.add_row(where, key, what)
        with Vertical(classes="dialog-box help-box"):
            yield Label("Keys", classes="dialog-title")
            if self.read_only:
                yield Label("Read-only: the capture keys are off.", classes="form-context")
            with VerticalScroll():
                yield Static(table)
            yield Static(Text("Esc closes this help", style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)
