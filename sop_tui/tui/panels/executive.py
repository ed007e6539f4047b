"""The executive panel: the recommended plan in units and dollars against the target, the
recommendation and its open decisions, and the decision — ``A`` approve, ``O`` override."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import pandas as pd
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.state import Record
from sop_tui.events.types import Event
from sop_tui.formats import money, units
from sop_tui.tui.dialogs.outcome import ApproveDialog, OverrideDialog
from sop_tui.tui.panels.common import DataPanel
from sop_tui.tui.panels.plan import fill_month_table, monthly_plan, totals_figures
from sop_tui.tui.widgets.fit_table import FitTable

if TYPE_CHECKING:
    from sop_tui.analytics.scenarios import ScenarioResult


@dataclass(frozen=True)
class ExecutiveView:
    scenario: str
    result: ScenarioResult
    months: pd.DataFrame
    recommendation: Record | None
    outcome: Record | None


class ExecutivePanel(DataPanel):
    """What the executives decide on, and what they decided."""

    PANEL_ID = "executive"
    TITLE = "Executive decision — the plan against the target"
    CAPTURE_ACTIONS = frozenset({"approve", "override"})
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("A", "approve", "Approve"),
        Binding("O", "override", "Override"),
    ]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.view: ExecutiveView | None = None  # what the panel shows, once loaded

    def compose_body(self) -> ComposeResult:
        yield Static(id="exec-totals", classes="panel-block")
        yield Static(id="exec-recommendation", classes="panel-block")
        yield Static(id="exec-outcome", classes="panel-block")
        yield FitTable(id="exec-months")

    def load(self, planning: CyclePlanning) -> ExecutiveView:
        state = planning.state
        rec = state.recommendation
        name = rec.payload["scenario"] if rec is not None else "consensus"
        result = planning.baseline_result
        if name != "consensus":
            match = [s for s in planning.recorded_scenarios() if s.name == name]
            if match:
                result = planning.evaluate(match[0])
        return ExecutiveView(name, result, monthly_plan(result), rec, state.outcome)

    def show(self, data: ExecutiveView) -> None:
        self.view = data
        self.query_one("#exec-totals", Static).update(
            totals_figures(data.result, f"Plan: {data.scenario}"))
        rec = Text()
        if data.recommendation is None:
            rec.append("No recommendation recorded yet (pre-S&OP); the consensus is shown.",
                       style="yellow")
        else:
            p = data.recommendation.payload
            rec.append("Recommendation: ", style="bold")
            rec.append(f"{p['scenario']} — {p['text']}\n")
            for q in p.get("open_decisions", []):
                rec.append("  ? ", style="bold yellow")
                rec.append(f"{q}\n")
        self.query_one("#exec-recommendation", Static).update(rec)
        self.query_one("#exec-outcome", Static).update(self._outcome_text(data.outcome))
        months = self.query_one("#exec-months", FitTable)
        fill_month_table(months, data.months)
        months.focus(scroll_visible=False)  # A and O answer from inside the panel

    @staticmethod
    def _outcome_text(outcome: Record | None) -> Text:
        t = Text()
        if outcome is None:
            t.append("Decision: ", style="bold")
            t.append("not decided — A approve · O override", style="bold yellow")
            return t
        p = outcome.payload
        if outcome.event.type == "PlanApproved":
            t.append("✔ APPROVED ", style="bold green")
            t.append(f"{p['scenario']} by {p['approved_by']}"
                     f"{' — ' + p['note'] if p.get('note') else ''} (event {outcome.seq})")
            return t
        t.append("⚠ OVERRIDDEN ", style="bold red")
        t.append(f"{p['scenario']} by {p['overridden_by']}: {p['rationale']} — closes "
                 f"{money(p['revenue_gap_closed'])} (event {outcome.seq})\n")
        for a in p.get("actions", []):
            t.append(f"  → {a['text']} — {a['owner']}, due {a['due']}\n")
        return t

    def hint(self) -> str:
        return "" if self.context.read_only else "A approve the plan · O override it"

    def _summary(self) -> tuple[str, ExecutiveView] | None:
        view: ExecutiveView | None = self.view
        if view is None:
            self.notify("The plan is still loading.", severity="warning")
            return None
        t = view.result.totals
        text = (f"{units(t['units_demanded'])} units, {money(t['revenue'])} revenue against "
                f"{money(t.get('revenue_target'))} target (gap {money(t.get('gap_to_target'))}).")
        return text, view

    def action_approve(self) -> None:
        if self.context.read_only or (found := self._summary()) is None:
            return

        text, view = found
        t = view.result.totals
        self.app.push_screen(
            ApproveDialog(self.context.workspace, cycle=self.context.cycle,
                          scenario=view.scenario, role=self.context.meeting.owner,
                          units=float(t["units_demanded"]), revenue=float(t["revenue"]),
                          summary=text),
            self._decided,
        )

    def action_override(self) -> None:
        if self.context.read_only or (found := self._summary()) is None:
            return

        text, view = found
        self.app.push_screen(
            OverrideDialog(self.context.workspace, cycle=self.context.cycle,
                           scenario=view.scenario, role=self.context.meeting.owner,
                           gap=view.result.totals.get("gap_to_target"), summary=text),
            self._decided,
        )

    def _decided(self, event: Event | None) -> None:
        if event is not None:
            self.recorded(event)
