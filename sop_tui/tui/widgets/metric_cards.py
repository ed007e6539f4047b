"""A metric card for the dashboard: a title, a value, a 12-cycle sparkline and a caption.

One widget that renders its four lines (the sparkline through Textual's own renderable)
rather than a container of four widgets: the dashboard's six cards were thirty of its widgets,
each composed, mounted, styled and laid out before the first frame (benchmarks/README.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.color import Color as RichColor
from rich.console import Group, NewLine, RenderableType
from rich.text import Text
from textual.color import Color
from textual.renderables.sparkline import Sparkline
from textual.widget import Widget


class MetricCard(Widget):
    """One headline metric. Shows placeholders until :meth:`show` is called."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "metric-card--title",
        "metric-card--value",
        "metric-card--caption",
        "metric-card--spark-min",
        "metric-card--spark-max",
    }

    DEFAULT_CSS = """
    MetricCard { height: auto; border: round $primary-darken-2; padding: 0 1; }
    MetricCard > .metric-card--title { color: $text-muted; }
    MetricCard > .metric-card--value { text-style: bold; }
    MetricCard > .metric-card--caption { color: $text-muted; }
    MetricCard > .metric-card--spark-max { color: $primary; }
    MetricCard > .metric-card--spark-min { color: $primary 30%; }
    MetricCard.-alert { border: round $warning; }
    """

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title = title
        self.value = "…"
        self.caption = "loading…"
        self.series: list[float] = []
        self.loaded = False

    def show(self, value: str, caption: str, series: Sequence[float], *,
             alert: bool = False) -> None:
        """Set the value, the caption under the sparkline and the trend series."""
        self.value, self.caption, self.series = value, caption, list(series)
        self.loaded = True
        self.set_class(alert, "-alert")
        self.clear_cached_dimensions()  # the sparkline's line comes or goes, the caption wraps
        self.refresh(layout=True)

    def render(self) -> RenderableType:
        style = self.get_component_rich_style
        lines: list[RenderableType] = [
            Text(self.title, style=style("metric-card--title")),
            Text(self.value, style=style("metric-card--value")),
        ]
        # a flat baseline while loading (the card keeps its height when the numbers come);
        # one point is no trend: no line rather than a bar
        if not self.loaded or len(self.series) > 1:
            _, base = self.background_colors
            lines.append(Sparkline(
                self.series, width=None, height=1, summary_function=max,
                min_color=self._spark_color("metric-card--spark-min", base),
                max_color=self._spark_color("metric-card--spark-max", base),
            ))
            lines.append(NewLine())  # the sparkline ends its line without a newline
        lines.append(Text(self.caption, style=style("metric-card--caption")))
        return Group(*lines)

    def _spark_color(self, component: str, base: Color) -> RichColor:
        return (base + self.get_component_styles(component).color).rich_color
