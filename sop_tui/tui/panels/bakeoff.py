"""The bake-off panel: the statistical forecast against the planner's and the consensus on A/X
items over the last two quarters, per family, with the verdict in words."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from sop_tui.analytics.bakeoff import STEPS, Bakeoff, verdict
from sop_tui.cycle.bakeoff import cycle_bakeoff
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.formats import pct, signed_pct
from sop_tui.tui.panels.common import DataPanel


@dataclass(frozen=True)
class BakeoffView:
    result: Bakeoff
    words: list[str]


class BakeoffPanel(DataPanel):
    """Who forecast the A/X items best: WMAPE and bias per family and step, and the verdict."""

    PANEL_ID = "bakeoff"
    TITLE = "Bake-off — statistical against people on A/X items"

    def compose_body(self) -> ComposeResult:
        yield Static(id="bakeoff-verdict", classes="panel-block")
        table: DataTable[str] = DataTable(id="bakeoff-families", cursor_type="row",
                                          zebra_stripes=True)
        yield table

    def load(self, planning: CyclePlanning) -> BakeoffView:
        result = cycle_bakeoff(planning, "AX")
        return BakeoffView(result, verdict(result))

    def show(self, data: BakeoffView) -> None:
        r = data.result
        head = f"{r.items} A/X items, {r.months[0]}..{r.months[1]}, lag 1"
        self.query_one("#bakeoff-verdict", Static).update("\n".join([head, *data.words]))
        t = r.table
        steps = [s for s in STEPS if s in set(t["step"])]
        dt = self.query_one("#bakeoff-families", DataTable)
        dt.clear(columns=True)
        dt.add_column("Family", key="family")
        for s in steps:
            dt.add_column(f"{s} WMAPE", key=f"w-{s}")
        for s in steps:
            dt.add_column(f"{s} bias", key=f"b-{s}")
        by = t.set_index(["family", "step"])
        for fam in dict.fromkeys(t["family"]):
            cells = [pct(_get(by, fam, s, "wmape")) for s in steps]
            cells += [signed_pct(_get(by, fam, s, "bias")) for s in steps]
            dt.add_row(str(fam), *cells, key=str(fam))


def _get(by: pd.DataFrame, family: str, step: str, col: str) -> float | None:
    try:
        return float(by.loc[(family, step), col])
    except KeyError:
        return None
