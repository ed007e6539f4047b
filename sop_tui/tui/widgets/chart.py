"""A line chart widget drawn with plotext: series over months, with a legend below.

The chart is described by plain data (:class:`ChartSpec` of :class:`Line`), set as the widget's
``spec``; the widget draws it at its own size whenever either changes. plotext keeps one global
figure, so drawing happens only on the UI thread (in :meth:`Chart.render`); a drawing is cached
per (spec, size), so scrolling and repaints cost nothing. The y axis reads in units
(``16,000``, not plotext's ``1.6e4``), and the legend wraps onto as many lines as it needs:
every series is named (it showed 3 of 5 sources at 80 columns).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import plotext as plt
from rich.console import Group, RenderableType
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from sop_tui.formats import units

__all__ = ["Chart", "ChartSpec", "Line", "draw"]


@dataclass(frozen=True)
class Line:
    """One series: x positions, y values (NaN: no point), colour and marker.

    ``color`` is a name plotext and rich both know (``white``, ``cyan``, ``yellow``,
    ``magenta``, ``green``, ``red``, ``blue``); ``marker`` is a plotext marker (``hd`` draws a
    fine line, ``·`` dots for bounds); ``connected`` joins the points.
    """

    label: str
    x: tuple[float, ...]
    y: tuple[float, ...]
    color: str = "white"
    marker: str = "hd"
    connected: bool = True


@dataclass(frozen=True)
class ChartSpec:
    """What to draw: lines, x tick labels at positions, and a caption."""

    lines: tuple[Line, ...]
    xticks: tuple[tuple[float, str], ...] = ()
    caption: str = ""


def _legend_symbol(line: Line) -> str:
    return "──" if line.connected else " ··"


def y_ticks(low: float, high: float, count: int = 4) -> tuple[tuple[float, str], ...]:
    """About ``count`` round tick values between ``low`` and ``high``, labelled as units."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return ()
    if high <= low:
        return ((low, units(low)),)
    raw = (high - low) / max(1, count)
    step = 10 ** math.floor(math.log10(raw))
    step *= next(m for m in (1, 2, 2.5, 5, 10) if step * m >= raw)
    first = math.ceil(low / step) * step
    ticks = []
    v = first
    while v <= high + step * 1e-9:
        ticks.append((v, units(v)))
        v += step
    return tuple(ticks)


@lru_cache(maxsize=32)
def draw(spec: ChartSpec, width: int, height: int) -> Text:
    """The chart as rich Text of ``width`` × ``height`` cells (plotext's ANSI output)."""
    fig = plt.figure
    fig.clear()
    fig.plot_size(max(20, width), max(5, height))
    fig.theme("simple")
    fig.legend(active=False)
    drawn = 0
    low, high = math.inf, -math.inf
    for line in spec.lines:
        pts = [(x, y) for x, y in zip(line.x, line.y, strict=True)
               if not (y is None or math.isnan(y))]
        if not pts:
            continue
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        low, high = min(low, *ys), max(high, *ys)
        marker = plt.marker(line.marker).fill(plt.pixel(foreground=line.color))
        sig = fig.signal(xs, ys, marker=marker)
        if line.connected and len(pts) > 1:
            sig = sig.lines()
        fig.draw(sig)
        drawn += 1
    if spec.xticks:
        fig.ruler("x").ticks([p for p, _ in spec.xticks], [t for _, t in spec.xticks])
    ticks = y_ticks(low, high, max(2, height // 4))
    if ticks:
        fig.ruler("y").ticks([p for p, _ in ticks], [t for _, t in ticks])
    if drawn == 0:
        return Text("(nothing to chart)", style="dim")
    return Text.from_ansi(fig.build().string().rstrip("\n"))


class Chart(Widget):
    """A plotext line chart sized to the widget, with a legend line under it."""

    DEFAULT_CSS = """
    Chart {
        height: 14;
        width: 1fr;
    }
    """

    spec: reactive[ChartSpec | None] = reactive(None, layout=False)

    def render(self) -> RenderableType:
        spec = self.spec
        if spec is None:
            return Text("")
        width = self.size.width
        legend = Text()
        for line in spec.lines:
            if not line.label:
                continue
            # one entry never splits over two lines
            legend.append(_legend_symbol(line) + "\u00a0", style=line.color)
            legend.append(line.label.replace(" ", "\u00a0") + "   ")
        if spec.caption:
            legend.append(spec.caption, style="dim")
        lines = len(legend.wrap(self.app.console, max(1, width)))
        height = max(5, self.size.height - lines)
        return Group(draw(spec, width, height), legend)


def month_ticks(labels: Sequence[str], every: int = 6) -> tuple[tuple[float, str], ...]:
    """Tick positions (1-based) and labels for every ``every``-th month label."""
    return tuple((float(i + 1), m) for i, m in enumerate(labels) if i % every == 0)
