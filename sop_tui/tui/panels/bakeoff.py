"""The bake-off panel: the statistical forecast against the planner's and the consensus on A/X
items over the last two quarters, per family, with the verdict in words."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from textual.app import ComposeResult
from textual.widgets import Static

from sop_tui.analytics.bakeoff import STEPS, Bakeoff, verdict
from sop_tui.cycle.bakeoff import cycle_bakeoff
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.formats import pct, signed_pct
from sop_tui.tui.panels.common import DataPanel
from sop_tui.tui.widgets.fit_table import Col, FitTable, Row


@dataclass(frozen=True)
class BakeoffView:
    result: Bakeoff
    words: list[str]


#: The steps' names in the table's headers.
SHORT = {"statistical": "Stat.", "consensus": "Cons.", "planner": "Planner"}


class BakeoffPanel(DataPanel):
    """Who forecast the A/X items best: WMAPE and bias per family and step, and the verdict."""

    PANEL_ID = "bakeoff"
    TITLE = "Bake-off — statistical against people on A/X items"

    def compose_body(self) -> ComposeResult:
        yield Static(id="bakeoff-verdict", classes="panel-block")
        yield FitTable(id="bakeoff-families")

    def load(self, planning: CyclePlanning) -> BakeoffView:
        result = cycle_bakeoff(planning, "AX")
        return BakeoffView(result, verdict(result))

    def show(self, data: BakeoffView) -> None:
        r = data.result
        head = f"{r.items} A/X items, {r.months[0]}..{r.months[1]}, lag 1"
        self.query_one("#bakeoff-verdict", Static).update("\n".join([head, *data.words]))
        t = r.table
        steps = [s for s in STEPS if s in set(t["step"])]
        # short step names: a number's header is never cut, and "statistical WMAPE" over
        # "18.3%" pushed the consensus's bias off an 80-column screen
        cols = [Col("Family", "family", keep=True)]
        cols += [Col(f"{SHORT.get(s, s)} WMAPE", f"w-{s}", number=True) for s in steps]
        cols += [Col(f"{SHORT.get(s, s)} bias", f"b-{s}", number=True) for s in steps]
        by = t.set_index(["family", "step"])
        rows: list[Row] = []
        for fam in dict.fromkeys(t["family"]):
            cells = [pct(_get(by, fam, s, "wmape")) for s in steps]
            cells += [signed_pct(_get(by, fam, s, "bias")) for s in steps]
            rows.append((str(fam), (str(fam), *cells)))
        self.query_one("#bakeoff-families", FitTable).fill(cols, rows)


def _get(by: pd.DataFrame, family: str, step: str, col: str) -> float | None:
    try:
        return float(by.loc[(family, step), col])
    except KeyError:
        return None
