"""The FVA panel: the forecast-value-added stair-step in total, and per family."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from sop_tui.cycle.planning import CyclePlanning
from sop_tui.tui.panels.common import DataPanel, pct, points, red_if_negative, signed_pct

TOTAL = "TOTAL"


@dataclass(frozen=True)
class FvaView:
    total: pd.DataFrame  # [step, wmape, bias, fva_vs_prev, fva_vs_naive], in stair order
    steps: list[str]
    by_family: pd.DataFrame  # index family, one column per step: fva_vs_naive (points)


class FvaPanel(DataPanel):
    """naive → statistical → inputs → consensus → executive: what each step added or destroyed."""

    PANEL_ID = "fva"
    TITLE = "Forecast value added — the stair-step"

    def compose_body(self) -> ComposeResult:
        yield Static(id="fva-total", classes="panel-block")
        yield Static("Per family: value added against naive, in points (red: destroyed)",
                     classes="panel-subtitle")
        table: DataTable[str | Text] = DataTable(id="fva-families", cursor_type="row",
                                                 zebra_stripes=True)
        yield table

    def load(self, planning: CyclePlanning) -> FvaView:
        f = planning.fva
        steps = list(dict.fromkeys(f["step"].astype(str)))
        total = f[f["family"] == TOTAL].set_index("step").reindex(steps).reset_index()
        fam = f[f["family"] != TOTAL]
        wide = fam.pivot(index="family", columns="step", values="fva_vs_naive")
        wide = wide.reindex(columns=steps)
        # worst consensus first: where the process destroyed the most
        key = "consensus" if "consensus" in wide.columns else steps[-1]
        wide = wide.sort_values(key, kind="stable")
        return FvaView(total, steps, wide)

    def show(self, data: FvaView) -> None:
        table = Table(box=None, expand=True, padding=(0, 1), header_style="bold")
        for name, justify in (("Step", "left"), ("WMAPE", "right"), ("Bias", "right"),
                              ("vs previous", "right"), ("vs naive", "right"), ("", "left")):
            table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
        for row in data.total.itertuples(index=False):
            prev = row.fva_vs_prev
            bar = ""
            if prev == prev:
                bar = ("▲" if prev > 0 else "▼" if prev < 0 else "·") * min(20, int(abs(prev)) + 1)
            table.add_row(row.step, pct(row.wmape), signed_pct(row.bias),
                          red_if_negative(points(prev), prev),
                          red_if_negative(points(row.fva_vs_naive), row.fva_vs_naive),
                          red_if_negative(bar, prev))
        self.query_one("#fva-total", Static).update(table)
        dt = self.query_one("#fva-families", DataTable)
        dt.clear(columns=True)
        dt.add_column("Family", key="family")
        for step in data.steps:
            dt.add_column(step, key=step)
        for fam, values in data.by_family.iterrows():
            cells = [red_if_negative(points(float(v)), float(v)) for v in values]
            dt.add_row(str(fam), *cells, key=str(fam))
