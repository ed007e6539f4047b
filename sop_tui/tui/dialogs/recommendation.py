"""The recommendation dialog: which scenario the pre-S&OP recommends, why, and what is open.

The open decisions are the questions the executive meeting must answer, one a line.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult

from sop_tui.cycle.workspace import Workspace
from sop_tui.events.types import Event
from sop_tui.tui.panels.forms import FormDialog, lines_of


class RecommendationDialog(FormDialog[Event | None]):
    """Record the recommendation (scenario, text, open decisions for the executives).

    Args:
        ws: the workspace.
        cycle: the cycle.
        scenario: pre-filled (the scenario under the cursor).
        known: the scenario names that may be recommended (shown as a hint).
    """

    FORM_TITLE = "Recommend a scenario to the executives"

    def __init__(self, ws: Workspace, *, cycle: str, scenario: str,
                 known: Sequence[str] = ()) -> None:
        super().__init__()
        self.ws = ws
        self.cycle = cycle
        self.scenario = scenario
        self.known = list(known)

    def compose_fields(self) -> ComposeResult:
        yield from self.field("scenario", f"Scenario (one of: {', '.join(self.known)})",
                              self.scenario)
        yield from self.field("text", "Recommendation", placeholder="what we recommend, and why")
        yield from self.field("open_decisions", "Open decisions for the executives (one a line)",
                              multiline=True,
                              placeholder="Approve overtime on ASSY-B in June?")

    def on_mount(self) -> None:
        self.query_one("#f-text").focus()

    def submit(self) -> Event:
        return self.ws.record_recommendation(
            scenario=self.value("scenario").strip(), text=self.value("text").strip(),
            open_decisions=lines_of(self.value("open_decisions")), cycle=self.cycle,
        )
