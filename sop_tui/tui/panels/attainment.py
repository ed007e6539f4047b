"""The attainment panel (supply review, "Plan attainment last month"): where production missed
plan, family by family — last month and the trailing twelve — the families that missed most
last month first, so the room can ask whether it was capacity, material or the plan itself."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from sop_tui.cycle.planning import CyclePlanning
from sop_tui.formats import pct, units
from sop_tui.tui.panels.common import DataPanel
from sop_tui.tui.widgets.figures import Figures
from sop_tui.tui.widgets.fit_table import Col, FitTable, Row

TOTAL = "TOTAL"
COLUMNS = (
    Col("Family", "family", keep=True), Col("Planned", "planned", number=True),
    Col("Made", "actual", number=True), Col("Attained", "attainment", number=True),
    Col("Missed", "missed", number=True), Col("12 months", "trailing", number=True),
    Col("Missed in 12", "trailing_missed", number=True),
)
#: Attainment below this is shown in red (the reference's 72% is a plan not kept).
LOW = 0.8


@dataclass(frozen=True)
class AttainmentView:
    month: str  # the last complete month
    families: pd.DataFrame  # agenda_views.attainment_by_family: worst last month first, TOTAL


def _share(value: float) -> Text:
    return Text(pct(value), style="red" if value == value and value < LOW else "")


class AttainmentPanel(DataPanel):
    """Plan attainment by family, last month and over twelve."""

    PANEL_ID = "attainment"
    TITLE = "Plan attainment — where production missed plan"

    def compose_body(self) -> ComposeResult:
        yield Static(id="attainment-figures", classes="panel-block")
        yield Static("Families, the most units missed last month first", classes="panel-subtitle")
        yield FitTable(id="attainment-families")

    def load(self, planning: CyclePlanning) -> AttainmentView:
        return AttainmentView(str(planning.through), planning.attainment_by_family)

    def show(self, data: AttainmentView) -> None:
        frame = data.families
        total = frame[frame["family"] == TOTAL]
        t = total.iloc[0] if len(total) else None
        if t is not None:
            self.query_one("#attainment-figures", Static).update(Figures([
                (f"Attained in {data.month}", _share(float(t["last_attainment"]))),
                ("units missed", units(t["last_missed"])),
                ("Last 12 months", _share(float(t["trailing_attainment"]))),
                ("units missed", units(t["trailing_missed"])),
            ]))
        rows: list[Row] = []
        for r in frame.itertuples(index=False):
            style = "bold" if r.family == TOTAL else ""
            rows.append((str(r.family), [
                Text(str(r.family), style=style), units(r.last_planned), units(r.last_actual),
                _share(float(r.last_attainment)), units(r.last_missed),
                _share(float(r.trailing_attainment)), units(r.trailing_missed)]))
        table = self.query_one("#attainment-families", FitTable)
        table.fill(COLUMNS, rows)
        table.focus(scroll_visible=False)

    def hint(self) -> str:
        return "Attained: Σ min(made, planned) / Σ planned; missed: planned − attained (units)"
