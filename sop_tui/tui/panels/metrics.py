"""The metrics panel: the four S&OP metrics with their 12-cycle trend, and families worst first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from sop_tui.cycle.planning import CyclePlanning
from sop_tui.formats import money, pct, signed_pct
from sop_tui.tui.panels.common import DataPanel, sparkline
from sop_tui.tui.widgets.fit_table import Col, FitTable, Row

if TYPE_CHECKING:
    from sop_tui.analytics.summary import MetricSummary

#: (metric id in the trend frame, label, formatter, what "good" looks like)
METRICS = (
    ("family_accuracy", "Forecast accuracy (family)", pct, "1 − WMAPE at the planning level"),
    ("item_accuracy", "Forecast accuracy (item)", pct, "1 − WMAPE item by item"),
    ("bias", "Forecast bias", signed_pct, "(ΣF − ΣA) / ΣA; 0 is unbiased"),
    ("plan_attainment", "Production plan attainment", pct, "Σ min(actual, plan) / Σ plan"),
    ("eo_value", "Excess & obsolete inventory", money, "on hand beyond 12 months of forecast"),
)


FAMILY_COLUMNS = (Col("Family", "family", keep=True), Col("Accuracy", "accuracy", number=True),
                  Col("WMAPE", "wmape", number=True), Col("Bias", "bias", number=True))


def summary_table(data: MetricsView, now: dict[str, float], heading: str) -> Table:
    """The metrics with their trend: the label (its definition under it) wraps, the numbers
    keep their width ("Forec…" and "1 − WM…" were all a 60-column panel showed of them)."""
    values = {m: [fmt(now[m]), fmt(next((v for v in data.trend.get(m, []) if v == v),
                                        float("nan")))] for m, _, fmt, _ in METRICS}
    since = f"from {data.cycles[0]}" if data.cycles else "from"
    table = Table(box=None, expand=True, padding=(0, 1), header_style="bold")
    table.add_column("Metric", ratio=1, overflow="fold")
    table.add_column(heading, justify="right", no_wrap=True,
                     min_width=max(len(v[0]) for v in values.values()))
    table.add_column("12-cycle trend", no_wrap=True, min_width=12, max_width=12)
    table.add_column(since, justify="right", no_wrap=True,
                     min_width=max(len(v[1]) for v in values.values()))
    for metric, label, _, definition in METRICS:
        style = "bold red" if metric == "bias" and abs(now[metric]) >= 0.05 else "bold"
        name = Text.assemble(label, "\n", (definition, "dim"))
        table.add_row(name, Text(values[metric][0], style=style),
                      sparkline(data.trend.get(metric, [])), values[metric][1])
    return table


@dataclass(frozen=True)
class MetricsView:
    summary: MetricSummary
    trend: dict[str, list[float]]
    cycles: list[str]
    families: pd.DataFrame  # [family, accuracy, wmape, bias], worst accuracy first


class MetricsPanel(DataPanel):
    """Accuracy, bias, attainment and E&O with their trend; per-family accuracy and bias."""

    PANEL_ID = "metrics"
    TITLE = "Metrics — how good were we?"

    def compose_body(self) -> ComposeResult:
        yield Static(id="metrics-summary", classes="panel-block")
        yield Static("Families, worst accuracy first", classes="panel-subtitle")
        yield FitTable(id="metrics-families")

    def load(self, planning: CyclePlanning) -> MetricsView:
        summary = planning.metrics
        trend = planning.trend
        cycles = sorted(trend["cycle"].astype(str).unique())[-12:]
        series: dict[str, list[float]] = {}
        for metric, _, _, _ in METRICS:
            sub = trend[trend["metric"] == metric]
            values = dict(zip(sub["cycle"].astype(str), sub["value"], strict=True))
            series[metric] = [float(values.get(c, float("nan"))) for c in cycles]
        fam = planning.family_accuracy
        fam = fam.loc[fam["family"] != "TOTAL", ["family", "accuracy", "wmape", "bias"]]
        fam = fam.sort_values(["accuracy", "family"], kind="stable").reset_index(drop=True)
        return MetricsView(summary, series, cycles, fam)

    def show(self, data: MetricsView) -> None:
        s = data.summary
        now = {"family_accuracy": s.family_accuracy, "item_accuracy": s.item_accuracy,
               "bias": s.bias, "plan_attainment": s.plan_attainment, "eo_value": s.eo_value}
        self.query_one("#metrics-summary", Static).update(
            summary_table(data, now, f"Cycle {self.context.cycle}"))
        rows: list[Row] = []
        for row in data.families.itertuples(index=False):
            bias = Text(signed_pct(row.bias), style="red" if abs(row.bias) >= 0.1 else "")
            rows.append((row.family, [row.family, pct(row.accuracy), pct(row.wmape), bias]))
        self.query_one("#metrics-families", FitTable).fill(FAMILY_COLUMNS, rows)
