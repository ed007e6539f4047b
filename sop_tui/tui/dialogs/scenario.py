"""The scenario form: name, description, and adjustment lines in the CLI syntax.

Each adjustment field takes one line per adjustment (``FST-02:+10%:2027-01..2027-06``,
``ASSY-B:+200h:2027-06``, ``*:+3%``); a line that does not parse is named under its field and
nothing is written. The scenario is evaluated and recorded in the form's worker (well under a
second at the demo's size); the form closes with ``(event, result)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.scenarios import create_scenario
from sop_tui.cycle.validation import Problems, required
from sop_tui.tui.dialogs.form import Field, Form, Note, lines_of

ScenarioOutcome = tuple[Any, Any]  # (Event, ScenarioResult)


class ScenarioDialog(Form[ScenarioOutcome]):
    """Create a scenario from the screen.

    Args:
        planning: returns the cycle's planning (called in the worker).
        name: a suggested name (selected: typing replaces it, Ctrl+S keeps it).
    """

    FORM_TITLE = "New scenario"

    def __init__(self, planning: Callable[[], CyclePlanning], *, name: str = "") -> None:
        super().__init__()
        self.planning = planning
        self.suggested = name

    def fields(self) -> Sequence[Field | Note]:
        return [
            Field("name", "Name", self.suggested),
            Field("description", "Description", placeholder="optional"),
            Note("One adjustment a line. FAMILY or RESOURCE may be * for all; months are "
                 "optional (YYYY-MM or YYYY-MM..YYYY-MM)."),
            Field("demand", "Demand", lines=True,
                  placeholder="FAMILY:+10%:2027-01..2027-06 or FAMILY:-500"),
            Field("capacity", "Capacity", lines=True,
                  placeholder="RESOURCE:+15% or RESOURCE:+200h:2027-06"),
            Field("price", "Price", lines=True, placeholder="FAMILY:+3% or *:+3%"),
        ]

    @property
    def holds_text(self) -> bool:
        # the suggested name alone is nothing to lose
        return self.is_mounted and any(
            v.strip() for k, v in self.values().items() if k != "name")

    def rules(self, values: Mapping[str, str]) -> dict[str, str]:
        found = Problems()
        found.check("name", required(values["name"], "a scenario needs a name"))
        return found

    def submit(self, values: Mapping[str, str]) -> ScenarioOutcome:
        """Evaluate and record the scenario (a supply plan: the form's worker runs it)."""
        return create_scenario(self.planning(), values["name"],
                               description=values["description"].strip(),
                               demand=lines_of(values["demand"]),
                               capacity=lines_of(values["capacity"]),
                               price=lines_of(values["price"]))
