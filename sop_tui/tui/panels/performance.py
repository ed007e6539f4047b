"""The performance panel (executive S&OP, "Performance: the four metrics"): are we getting
better? The four metrics cycle by cycle, the newest first and bias first, each value green
where it improved on the cycle before and red where it got worse."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from sop_tui.cycle.planning import CyclePlanning
from sop_tui.formats import money, pct, signed_pct
from sop_tui.tui.panels.common import DataPanel, sparkline
from sop_tui.tui.widgets.fit_table import Col, FitTable, Row

#: (metric, column label, format, better: "zero" (bias), "up" or "down"), bias first.
METRICS: tuple[tuple[str, str, Callable[[float], str], str], ...] = (
    ("bias", "Bias", signed_pct, "zero"),
    ("family_accuracy", "Accuracy", pct, "up"),
    ("item_accuracy", "Item acc.", pct, "up"),
    ("plan_attainment", "Attainment", pct, "up"),
    ("eo_value", "E&O", money, "down"),
)
TREND_COLUMNS = (Col("Metric", "metric", keep=True), Col("Now", "now", number=True),
                 Col("12 cycles ago", "then", number=True), Col("Trend", "trend", keep=True),
                 Col("", "verdict", keep=True))
COLUMNS = (Col("Cycle", "cycle", keep=True),
           *(Col(label, metric, number=True) for metric, label, _, _ in METRICS))


#: improved on the cycle before (True), got worse (False), or neither (None)
VERDICT_STYLE: dict[bool | None, str] = {True: "green", False: "red", None: ""}
VERDICT: dict[bool | None, tuple[str, str]] = {True: ("better", "green"),
                                               False: ("worse", "red"), None: ("no change", "")}


@dataclass(frozen=True)
class PerformanceView:
    cycles: list[str]  # oldest first
    values: dict[str, list[float]]  # metric -> one value per cycle (NaN: not measured)


def _better(now: float, before: float, better: str) -> bool | None:
    """Whether ``now`` improved on ``before`` (None: no change, or either unknown)."""
    if now != now or before != before or now == before:
        return None
    if better == "zero":
        return abs(now) < abs(before)
    return now > before if better == "up" else now < before


def _cell(values: list[float], i: int, fmt: Callable[[float], str], better: str) -> Text:
    improved = _better(values[i], values[i - 1], better) if i else None
    return Text(fmt(values[i]), style=VERDICT_STYLE[improved])


class PerformancePanel(DataPanel):
    """The four metrics over the last twelve cycles, bias first."""

    PANEL_ID = "performance"
    TITLE = "Performance — are we getting better? Bias first"

    def compose_body(self) -> ComposeResult:
        yield FitTable(id="performance-trend", cursor_type="none", zebra_stripes=False,
                       show_cursor=False)
        yield Static("Cycle by cycle, the newest first (green: better than the cycle before)",
                     classes="panel-subtitle")
        yield FitTable(id="performance-cycles", cursor_type="none", zebra_stripes=False,
                       show_cursor=False)

    def load(self, planning: CyclePlanning) -> PerformanceView:
        trend = planning.trend
        cycles = sorted(trend["cycle"].astype(str).unique())[-12:]
        # this cycle's figures as the dashboard and the metrics panel show them: its E&O is
        # against the live consensus (the trend's is against the forecast history)
        now = planning.metrics
        values: dict[str, list[float]] = {}
        for metric, _, _, _ in METRICS:
            sub = trend[trend["metric"] == metric]
            by_cycle = dict(zip(sub["cycle"].astype(str), sub["value"], strict=True))
            by_cycle[planning.cycle] = float(getattr(now, metric))
            values[metric] = [float(by_cycle.get(c, float("nan"))) for c in cycles]
        return PerformanceView(cycles, values)

    def show(self, data: PerformanceView) -> None:
        trend: list[Row] = []
        for metric, label, fmt, better in METRICS:
            values = data.values[metric]
            known = [i for i, v in enumerate(values) if v == v]
            if not known:
                continue
            first, last = known[0], known[-1]
            verdict = ("no trend yet", "dim")
            if last > first:
                improved = _better(values[last], values[first], better)
                verdict = VERDICT[improved]
            trend.append((metric, [label, Text(fmt(values[last]), style="bold"),
                                   fmt(values[first]) if last > first else "",
                                   Text(sparkline([values[i] for i in known]), style="cyan"),
                                   Text(verdict[0], style=verdict[1])]))
        self.query_one("#performance-trend", FitTable).fill(TREND_COLUMNS, trend)
        rows: list[Row] = []
        for i in range(len(data.cycles) - 1, -1, -1):
            rows.append((data.cycles[i], [data.cycles[i], *(
                _cell(data.values[metric], i, fmt, better)
                for metric, _, fmt, better in METRICS)]))
        self.query_one("#performance-cycles", FitTable).fill(COLUMNS, rows)

    def hint(self) -> str:
        return "better: bias nearer 0, accuracy and attainment up, E&O down"
