"""The scenarios panel: the consensus and every recorded scenario side by side.

``s`` creates a scenario from the screen (the scenario dialog evaluates and records it in a
worker); ``r`` records the recommendation — the scenario under the cursor — with the open
decisions for the executives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from sop_tui.analytics.scenarios import MEASURE_INFO
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.events.types import Event
from sop_tui.formats import money, pct, units
from sop_tui.tui.dialogs.recommendation import RecommendationDialog
from sop_tui.tui.dialogs.scenario import ScenarioDialog
from sop_tui.tui.panels.common import DataPanel
from sop_tui.tui.widgets.fit_table import Col, FitTable, Row

#: measure -> is a higher value better? (absent: neither)
BETTER: dict[str, bool] = {
    "units_supplied": True, "unmet_units": False, "service_level": True, "revenue": True,
    "margin": True, "average_inventory_value": False, "ending_inventory_value": False,
    "gap_to_target": False, "overtime_hours": False,
}
_FORMAT: dict[str, Callable[[float], str]] = {"units": units, "hours": units, "money": money,
                                              "pct": pct}
#: measure -> (label, formatter, higher is better?), in the analytics' order and words
MEASURES: dict[str, tuple[str, Callable[[float], str], bool | None]] = {
    key: (label, _FORMAT[kind], BETTER.get(key)) for key, label, kind in MEASURE_INFO
}


@dataclass(frozen=True)
class ScenariosView:
    table: pd.DataFrame  # index measure, one column per scenario (consensus first)
    described: dict[str, str]  # scenario -> "description: adjustments"
    recommended: str | None
    recommendation: str


class ScenariosPanel(DataPanel):
    """Scenarios compared: units, revenue, margin, inventory, gap to target, unmet demand."""

    PANEL_ID = "scenarios"
    TITLE = "Scenarios side by side"
    CAPTURE_ACTIONS = frozenset({"new_scenario", "recommend"})
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "new_scenario", "New scenario"),
        Binding("r", "recommend", "Recommend"),
    ]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.view: ScenariosView | None = None  # what the panel shows, once loaded

    def compose_body(self) -> ComposeResult:
        yield FitTable(id="scenarios-table", cursor_type="column", zebra_stripes=False,
                       fixed_columns=1)
        yield Static(id="scenarios-notes", classes="panel-block")

    def load(self, planning: CyclePlanning) -> ScenariosView:
        table = planning.compare()
        described = {}
        for sc in planning.recorded_scenarios():
            adj = ", ".join(a.text() for a in sc.adjustments)
            described[sc.name] = f"{sc.description + ' — ' if sc.description else ''}{adj}"
        rec = planning.state.recommendation
        return ScenariosView(table, described,
                             rec.payload["scenario"] if rec else None,
                             rec.payload["text"] if rec else "")

    def show(self, data: ScenariosView) -> None:
        self.view = data
        dt = self.query_one("#scenarios-table", FitTable)
        cursor = dt.cursor_column
        cols = [Col("Measure", "measure", floor=10)]
        for name in data.table.columns:
            label = f"★ {name}" if name == data.recommended else str(name)
            cols.append(Col(label, str(name), number=True))
        rows: list[Row] = []
        base = data.table.columns[0]
        for measure, row in data.table.iterrows():
            label, fmt, better = MEASURES.get(str(measure), (str(measure), units, None))
            cells: list[str | Text] = [label]
            for name in data.table.columns:
                v = float(row[name])
                style = ""
                if better is not None and name != base and v == v:
                    delta = v - float(row[base])
                    if abs(delta) > 1e-6:
                        style = "green" if (delta > 0) == better else "red"
                cells.append(Text(fmt(v), style=style))
            rows.append((str(measure), cells))
        dt.fill(cols, rows)
        if len(dt.columns) > 1:
            dt.move_cursor(column=max(1, min(cursor, len(dt.columns) - 1)))
        dt.focus(scroll_visible=False)  # ←/→ choose the scenario as soon as the table shows
        notes = Text()
        n = len(data.described)
        notes.append(f"{n} scenario(s) recorded" + (" (at least three are needed)" if n < 3
                                                      else "") + ". ", style="bold")
        notes.append("Green/red: better/worse than the consensus.\n", style="dim")
        for name, text in data.described.items():
            notes.append(f"{name}: ", style="bold")
            notes.append(text + "\n")
        if data.recommended:
            notes.append(f"Recommended: {data.recommended} — ", style="bold green")
            notes.append(data.recommendation)
        self.query_one("#scenarios-notes", Static).update(notes)

    def hint(self) -> str:
        if self.context.read_only:
            return "←/→ choose a scenario"
        return "←/→ choose a scenario · s new scenario · r recommend the selected one"

    def selected(self) -> str:
        """The scenario under the cursor (the consensus when on the measure column)."""
        dt = self.query_one("#scenarios-table", FitTable)
        view: ScenariosView | None = self.view
        if view is None or dt.cursor_column < 1:
            return "consensus"
        return str(view.table.columns[dt.cursor_column - 1])

    def action_new_scenario(self) -> None:
        if self.context.read_only:
            return

        view: ScenariosView | None = self.view
        n = len(view.described) + 1 if view else 1
        self.app.push_screen(ScenarioDialog(self.context.planning, name=f"scenario {n}"),
                             self._created)

    def _created(self, outcome: tuple[Any, Any] | None) -> None:
        if outcome is not None:
            self.recorded(outcome[0])

    def action_recommend(self) -> None:
        if self.context.read_only:
            return

        view: ScenariosView | None = self.view
        known = [str(c) for c in view.table.columns] if view else ["consensus"]
        self.app.push_screen(
            RecommendationDialog(self.context.workspace, cycle=self.context.cycle,
                                 scenario=self.selected(), known=known),
            self._recommended,
        )

    def _recommended(self, event: Event | None) -> None:
        if event is not None:
            self.recorded(event)
