"""The scenario dialog: name, description, and adjustment lines in the CLI syntax.

Each adjustment field takes one line per adjustment (``FST-02:+10%:2027-01..2027-06``,
``ASSY-B:+200h:2027-06``, ``*:+3%``); a line that does not parse is named under its field and
nothing is written. The scenario is evaluated and recorded in a thread worker (well under a
second at the demo's size); the dialog closes with ``(event, result)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState

from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.scenarios import create_scenario
from sop_tui.tui.panels.forms import FormDialog, lines_of

ScenarioOutcome = tuple[Any, Any]  # (Event, ScenarioResult)


class ScenarioDialog(FormDialog[ScenarioOutcome | None]):
    """Create a scenario from the screen.

    Args:
        planning: returns the cycle's planning (called in the worker).
        name: a suggested name.
    """

    FORM_TITLE = "New scenario"

    def __init__(self, planning: Callable[[], CyclePlanning], *, name: str = "") -> None:
        super().__init__()
        self.planning = planning
        self.suggested = name
        self.saving = False

    def compose_fields(self) -> ComposeResult:
        yield from self.field("name", "Name", self.suggested)
        yield from self.field("description", "Description (optional)")
        yield self.note("One adjustment a line. FAMILY or RESOURCE may be * for all; months "
                        "are optional (YYYY-MM or YYYY-MM..YYYY-MM).")
        yield from self.field("demand", "Demand (FAMILY:+10%:2027-01..2027-06, FAMILY:-500)",
                              multiline=True, placeholder="FST-02:+10%:2027-01..2027-06")
        yield from self.field("capacity", "Capacity (RESOURCE:+15%, RESOURCE:+200h:2027-06)",
                              multiline=True, placeholder="ASSY-B:+200h:2027-06")
        yield from self.field("price", "Price (FAMILY:+3%)", multiline=True,
                              placeholder="*:+3%")

    def on_mount(self) -> None:
        name = self.query_one("#f-name", Input)
        name.focus()
        name.select_all()  # the suggested name is replaced by typing, kept by Ctrl+S

    def action_save(self) -> None:
        if self.saving:
            return
        self.clear_problems()
        self.saving = True
        self.query_one("#pf-problem", Static).update("Evaluating the scenario…")
        self._create()

    def submit(self) -> ScenarioOutcome:
        """Evaluate and record the scenario (a supply plan: run from the worker below)."""
        return create_scenario(self.planning(), self.value("name"),
                               description=self.value("description").strip(),
                               demand=lines_of(self.value("demand")),
                               capacity=lines_of(self.value("capacity")),
                               price=lines_of(self.value("price")))

    @work(thread=True, exclusive=True, exit_on_error=False, group="scenario-create")
    def _create(self) -> ScenarioOutcome:
        return self.submit()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "scenario-create":
            return
        if event.state == WorkerState.SUCCESS:
            self.saving = False
            self.dismiss(event.worker.result)
        elif event.state == WorkerState.ERROR:
            self.saving = False
            self.query_one("#pf-problem", Static).update("")
            err = event.worker.error
            if isinstance(err, CommandError):
                self.show_problems(err.problems)
            else:
                self.notify(f"The scenario could not be evaluated: {err}", severity="error")
