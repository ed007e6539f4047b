"""The metrics panel: the four S&OP metrics with their 12-cycle trend, and families worst first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from sop_tui.cycle.planning import CyclePlanning
from sop_tui.tui.panels.common import DataPanel, money, pct, signed_pct, sparkline

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
        table: DataTable[str | Text] = DataTable(id="metrics-families", cursor_type="row",
                                                 zebra_stripes=True)
        yield table

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
        table = Table(box=None, expand=True, padding=(0, 1), header_style="bold")
        table.add_column("Metric", ratio=3, no_wrap=True)
        table.add_column(f"Cycle {self.context.cycle}", justify="right", no_wrap=True)
        table.add_column("12-cycle trend", no_wrap=True)
        table.add_column(f"from {data.cycles[0] if data.cycles else '—'}", justify="right",
                         no_wrap=True)
        table.add_column("Definition", ratio=4, style="dim", overflow="ellipsis", no_wrap=True)
        for metric, label, fmt, definition in METRICS:
            values = data.trend.get(metric, [])
            first = next((v for v in values if v == v), float("nan"))
            style = "bold red" if metric == "bias" and abs(now[metric]) >= 0.05 else "bold"
            table.add_row(label, Text(fmt(now[metric]), style=style), sparkline(values),
                          fmt(first), definition)
        self.query_one("#metrics-summary", Static).update(table)
        dt = self.query_one("#metrics-families", DataTable)
        dt.clear(columns=True)
        dt.add_columns("Family", "Accuracy", "WMAPE", "Bias")
        for row in data.families.itertuples(index=False):
            bias = Text(signed_pct(row.bias), style="red" if abs(row.bias) >= 0.1 else "")
            dt.add_row(row.family, pct(row.accuracy), pct(row.wmape), bias, key=row.family)
