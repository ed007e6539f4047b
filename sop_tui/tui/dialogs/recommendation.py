"""The recommendation form: which scenario the pre-S&OP recommends, why, and what is open.

The open decisions are the questions the executive meeting must answer, one a line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sop_tui.cycle.validation import recommendation_problems
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.types import Event
from sop_tui.tui.dialogs.form import Field, Form, Note, lines_of


class RecommendationDialog(Form[Event]):
    """Record the recommendation (scenario, text, open decisions for the executives).

    Args:
        ws: the workspace.
        cycle: the cycle.
        scenario: pre-filled (the scenario under the cursor).
        known: the scenario names that may be recommended.
    """

    FORM_TITLE = "Recommend a scenario to the executives"

    def __init__(self, ws: Workspace, *, cycle: str, scenario: str,
                 known: Sequence[str] = ()) -> None:
        super().__init__()
        self.ws = ws
        self.cycle = cycle
        self.scenario = scenario
        self.known = list(known)

    def fields(self) -> Sequence[Field | Note]:
        return [
            Field("scenario", "Scenario", self.scenario, suggestions=self.known,
                  placeholder=f"one of: {', '.join(self.known)}", check=self._known),
            Field("text", "Recommendation", placeholder="what we recommend, and why"),
            Field("open_decisions", "Open decisions", lines=True,
                  placeholder="one a line, e.g. Approve overtime on ASSY-B in June?"),
        ]

    def _known(self, text: str) -> str | None:
        if self.known and text.strip() not in self.known:
            return f"{text.strip()!r} is not a scenario of this cycle ({', '.join(self.known)})"
        return None

    def first_field(self) -> str:
        return "text"

    def rules(self, values: Mapping[str, str]) -> dict[str, str]:
        return recommendation_problems(text=values["text"])

    def submit(self, values: Mapping[str, str]) -> Event:
        return self.ws.record_recommendation(
            scenario=values["scenario"].strip(), text=values["text"].strip(),
            open_decisions=lines_of(values["open_decisions"]), cycle=self.cycle,
        )
