"""The FVA panel: the forecast-value-added stair-step in total, and per family."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from textual.app import ComposeResult
from textual.widgets import Static

from sop_tui.cycle.planning import CyclePlanning
from sop_tui.formats import pct, pp, signed_pct
from sop_tui.tui.panels.common import DataPanel, red_if_negative
from sop_tui.tui.widgets.fit_table import Col, FitTable, Row

TOTAL = "TOTAL"

TOTAL_COLUMNS = (Col("Step", "step", keep=True), Col("WMAPE", "wmape", number=True),
                 Col("Bias", "bias", number=True), Col("vs previous", "prev", number=True),
                 Col("vs naive", "naive", number=True), Col("", "bar", floor=1))


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
        yield FitTable(id="fva-total", cursor_type="none", zebra_stripes=False,
                       show_cursor=False)
        yield Static("Per family: value added against naive, in points (red: destroyed)",
                     classes="panel-subtitle")
        yield FitTable(id="fva-families")

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
        rows: list[Row] = []
        for row in data.total.itertuples(index=False):
            prev = row.fva_vs_prev
            bar = ""
            if prev == prev:
                bar = ("▲" if prev > 0 else "▼" if prev < 0 else "·") * min(20, int(abs(prev)) + 1)
            rows.append((str(row.step), [
                str(row.step), pct(row.wmape), signed_pct(row.bias),
                red_if_negative(pp(prev), prev),
                red_if_negative(pp(row.fva_vs_naive), row.fva_vs_naive),
                red_if_negative(bar, prev)]))
        self.query_one("#fva-total", FitTable).fill(TOTAL_COLUMNS, rows)
        # naive against itself is 0 in every row: the steps after it are the news
        steps = [s for s in data.steps if s != "naive"]
        cols = [Col("Family", "family", keep=True),
                *(Col(step, step, number=True) for step in steps)]
        family_rows: list[Row] = []
        for fam, values in data.by_family[steps].iterrows():
            cells = [red_if_negative(pp(float(v), unit=False), float(v)) for v in values]
            family_rows.append((str(fam), [str(fam), *cells]))
        self.query_one("#fva-families", FitTable).fill(cols, family_rows)
