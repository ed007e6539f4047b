"""The metrics panel (demand review, "How good were we?"): the four S&OP metrics with their
12-cycle trend; the bias step by step — naive, statistical, each input, consensus, executive —
so the room sees which step carried it in; and the families, worst accuracy first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from sop_tui.cycle.planning import CyclePlanning
from sop_tui.formats import money, pct, pp, signed_pct
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
STEP_COLUMNS = (Col("Step", "step", keep=True), Col("Bias", "bias", number=True),
                Col("vs statistical", "added", number=True), Col("WMAPE", "wmape", number=True),
                Col("", "bar", floor=1))


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
    table.add_column("12 cycles", no_wrap=True, min_width=12, max_width=12)
    table.add_column(since, justify="right", no_wrap=True,
                     min_width=max(len(v[1]) for v in values.values()))
    for metric, label, _, definition in METRICS:
        style = "bold red" if metric == "bias" and abs(now[metric]) >= 0.05 else "bold"
        name = Text.assemble(label, "\n", (definition, "dim"))
        table.add_row(name, Text(values[metric][0], style=style),
                      sparkline(data.trend.get(metric, [])), values[metric][1])
    return table


def step_rows(steps: pd.DataFrame) -> list[Row]:
    """Each step's bias and what it adds to the statistical forecast's (in points): the
    inputs, the consensus and the executive step are each built on it. The biggest addition
    is in bold red — the step that carried the bias in."""
    bias = {str(r.step): float(r.bias) for r in steps.itertuples(index=False)}
    base = bias.get("statistical", float("nan"))
    added = {step: (b - base) * 100 for step, b in bias.items()
             if step not in ("naive", "statistical")}
    worst = max((a for a in added.values() if a == a), default=float("nan"))
    rows: list[Row] = []
    for r in steps.itertuples(index=False):
        more = added.get(str(r.step), float("nan"))
        style = "bold red" if more == worst and more > 0 else "red" if more >= 2 else ""
        bar = "▲" * min(20, int(more) + 1) if more == more and more > 0 else ""
        rows.append((str(r.step), [str(r.step), Text(signed_pct(r.bias), style=style),
                                   Text(pp(more), style=style), pct(r.wmape),
                                   Text(bar, style="red")]))
    return rows


@dataclass(frozen=True)
class MetricsView:
    summary: MetricSummary
    trend: dict[str, list[float]]
    cycles: list[str]
    families: pd.DataFrame  # [family, accuracy, wmape, bias], worst accuracy first
    steps: pd.DataFrame  # [step, wmape, bias] of every family together, in stair order
    lag: int = 1  # each month against the forecast made this many cycles before it


class MetricsPanel(DataPanel):
    """Accuracy, bias, attainment and E&O with their trend; per-family accuracy and bias."""

    PANEL_ID = "metrics"
    TITLE = "Metrics — how good were we?"

    def compose_body(self) -> ComposeResult:
        yield Static(id="metrics-summary", classes="panel-block")
        yield Static("Bias step by step: which step carried it in", classes="panel-subtitle")
        yield FitTable(id="metrics-steps", cursor_type="none", zebra_stripes=False,
                       show_cursor=False)
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
        fva = planning.fva
        steps = fva.loc[fva["family"] == "TOTAL", ["step", "wmape", "bias"]].reset_index(drop=True)
        return MetricsView(summary, series, cycles, fam, steps, planning.lag)

    def show(self, data: MetricsView) -> None:
        s = data.summary
        now = {"family_accuracy": s.family_accuracy, "item_accuracy": s.item_accuracy,
               "bias": s.bias, "plan_attainment": s.plan_attainment, "eo_value": s.eo_value}
        self.query_one("#metrics-summary", Static).update(
            summary_table(data, now, f"{self.context.cycle}, lag {data.lag}"))
        rows: list[Row] = []
        for row in data.families.itertuples(index=False):
            bias = Text(signed_pct(row.bias), style="red" if abs(row.bias) >= 0.1 else "")
            rows.append((row.family, [row.family, pct(row.accuracy), pct(row.wmape), bias]))
        self.query_one("#metrics-families", FitTable).fill(FAMILY_COLUMNS, rows)
        self.query_one("#metrics-steps", FitTable).fill(STEP_COLUMNS, step_rows(data.steps))
