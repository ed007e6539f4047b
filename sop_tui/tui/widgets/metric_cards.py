"""A metric card for the dashboard: a title, a value, a 12-cycle sparkline and a caption."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Sparkline, Static


class MetricCard(Vertical):
    """One headline metric. Shows placeholders until :meth:`show` is called."""

    DEFAULT_CSS = """
    MetricCard { height: auto; border: round $primary-darken-2; padding: 0 1; }
    MetricCard .metric-title { color: $text-muted; }
    MetricCard .metric-value { text-style: bold; }
    MetricCard Sparkline { height: 1; margin: 0; }
    MetricCard .metric-caption { color: $text-muted; }
    MetricCard.-alert { border: round $warning; }
    """

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title = title

    def compose(self) -> ComposeResult:
        yield Label(self.title, classes="metric-title")
        yield Static("…", classes="metric-value", markup=False)
        yield Sparkline([], summary_function=max)
        yield Static("loading…", classes="metric-caption", markup=False)

    def show(self, value: str, caption: str, series: Sequence[float], *,
             alert: bool = False) -> None:
        """Set the value, the caption under the sparkline and the trend series."""
        self.query_one(".metric-value", Static).update(value)
        self.query_one(".metric-caption", Static).update(caption)
        spark = self.query_one(Sparkline)
        spark.data = list(series)
        spark.display = len(series) > 1  # one point is no trend: no line rather than a bar
        self.set_class(alert, "-alert")
