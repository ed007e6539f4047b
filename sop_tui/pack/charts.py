"""Charts of the decision pack, written directly as small SVG documents (bytes).

Provides :func:`metric_trend_svg` (one metric over the last cycles), :func:`fva_svg` (the FVA
stair-step), :func:`revenue_vs_target_svg` (plan revenue against the target by month) and
:func:`utilisation_svg` (peak capacity utilisation by resource).

The charts used to be drawn with matplotlib; importing it and saving seven figures cost about
2 s of a pack's 4 s budget, and its SVGs (every glyph position, clip paths, styles) were slow for
WeasyPrint to draw. These four chart kinds are simple enough to write by hand: a few rects,
lines and texts each. Nothing touches the disk. Text stays text (the PDF's text layer carries
the chart labels), every label is XML-escaped (a family name from an imported file cannot
inject markup), and coordinates are printed with two decimals, so the same data always draws
the same bytes. One SVG user unit is one point; fonts are DejaVu Sans, as in the pack's CSS.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape

INK = "#1f2933"
MUTED = "#7b8794"
ACCENT = "#1d4e89"
GOOD = "#2f7d4f"
BAD = "#b83227"
GRID = "#d9dee3"
AMBER = "#c77c02"

FONT = "DejaVu Sans"
FONT_SIZE = 7.5
#: Average advance of DejaVu Sans glyphs in em (digits are 0.636 em): for margins only.
CHAR_EM = 0.62


def _n(v: float) -> str:
    """A coordinate: two decimals, no trailing zeros (deterministic and compact)."""
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


class _Svg:
    """A tiny SVG writer: shapes appended in paint order, serialised once."""

    def __init__(self, width_in: float, height_in: float) -> None:
        self.w = width_in * 72.0
        self.h = height_in * 72.0
        self.parts: list[str] = []

    def rect(self, x: float, y: float, w: float, h: float, fill: str) -> None:
        if h < 0:
            y, h = y + h, -h
        self.parts.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" '
                          f'fill="{fill}"/>')

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str, width: float,
             dash: str | None = None) -> None:
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
                          f'stroke="{stroke}" stroke-width="{_n(width)}"{extra}/>')

    def polyline(self, points: Sequence[tuple[float, float]], stroke: str, width: float) -> None:
        pts = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
        self.parts.append(f'<polyline points="{pts}" fill="none" stroke="{stroke}" '
                          f'stroke-width="{_n(width)}" stroke-linejoin="round"/>')

    def circle(self, cx: float, cy: float, r: float, fill: str) -> None:
        self.parts.append(f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" fill="{fill}"/>')

    def text(self, x: float, y: float, s: str, *, size: float = FONT_SIZE, fill: str = INK,
             anchor: str = "middle", rotate: bool = False) -> None:
        """``s`` with its baseline at ``y``; ``rotate`` turns it 90° anticlockwise about (x, y)."""
        turn = f' transform="rotate(-90 {_n(x)} {_n(y)})"' if rotate else ""
        self.parts.append(f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" '
                          f'fill="{fill}" text-anchor="{anchor}"{turn}>{escape(s)}</text>')

    def bytes(self) -> bytes:
        head = ('<?xml version="1.0" encoding="utf-8"?>\n'
                f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(self.w)}pt" '
                f'height="{_n(self.h)}pt" viewBox="0 0 {_n(self.w)} {_n(self.h)}" '
                f'font-family="{FONT}">\n')
        return (head + "\n".join(self.parts) + "\n</svg>\n").encode()


def _text_width(s: str, size: float) -> float:
    return len(s) * CHAR_EM * size


def nice_ticks(lo: float, hi: float, most: int = 5, min_step: float = 0.0) -> list[float]:
    """At most ``most`` round tick values in ``[lo, hi]``: steps of 1, 2, 2.5 or 5 times a
    power of ten, as a chart axis shows them, and no finer than ``min_step`` (so labels
    printed with fewer decimals never repeat)."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo] if math.isfinite(lo) else []
    raw = max((hi - lo) / max(most - 1, 1), min_step)
    power = 10.0 ** math.floor(math.log10(raw))
    for mult in (1.0, 2.0, 2.5, 5.0, 10.0, 20.0):
        step = mult * power
        if step < min_step - 1e-12:
            continue
        first = math.ceil(lo / step - 1e-9)
        last = math.floor(hi / step + 1e-9)
        if last - first + 1 <= most:
            break
    return [k * step for k in range(first, last + 1)]


class _Axes:
    """A plot area inside an :class:`_Svg`: y maps ``[lo, hi]`` onto the area, bottom up."""

    def __init__(self, svg: _Svg, left: float, top: float, right: float, bottom: float,
                 lo: float, hi: float) -> None:
        self.svg = svg
        self.x0, self.y0 = left, top
        self.x1, self.y1 = svg.w - right, svg.h - bottom
        self.lo, self.hi = lo, hi if hi > lo else lo + 1.0

    def y(self, v: float) -> float:
        return self.y1 - (v - self.lo) / (self.hi - self.lo) * (self.y1 - self.y0)

    def grid(self, ticks: Sequence[float], label: Callable[[float], str], size: float) -> None:
        """Horizontal grid lines with their labels left of the area, then the two spines."""
        for t in ticks:
            yy = self.y(t)
            self.svg.line(self.x0, yy, self.x1, yy, GRID, 0.5)
            self.svg.text(self.x0 - 3.5, yy + size * 0.35, label(t), size=size, fill=MUTED,
                          anchor="end")
        self.svg.line(self.x0, self.y0, self.x0, self.y1, GRID, 0.8)
        self.svg.line(self.x0, self.y1, self.x1, self.y1, GRID, 0.8)


def _slots(ax: _Axes, n: int) -> tuple[list[float], float]:
    """The centres of ``n`` categories across the area, and the width of one slot."""
    slot = (ax.x1 - ax.x0) / max(n, 1)
    return [ax.x0 + (i + 0.5) * slot for i in range(n)], slot


def _left_margin(labels: Sequence[str], size: float, ylabel: bool) -> float:
    widest = max((_text_width(s, size) for s in labels), default=0.0)
    return widest + 6.0 + (FONT_SIZE + 4.0 if ylabel else 0.0)


def metric_trend_svg(
    cycles: Sequence[str], values: Sequence[float], *, percent: bool = True,
    money: bool = False, target: float | None = None,
) -> bytes:
    """A small line chart of one metric over the cycles (NaN values leave a gap).

    Args:
        cycles: cycle labels (``YYYY-MM``), oldest first.
        values: the metric per cycle (fractions when ``percent``).
        percent: label the axis in percent.
        money: label the axis in $M (ignored when ``percent``).
        target: a reference line (e.g. zero bias), or None.
    """
    size = 6.5
    svg = _Svg(2.9, 0.95)
    scale = 100.0 if percent else (1e-6 if money else 1.0)
    ys = [v * scale for v in values]
    known = [v for v in ys if v == v]
    ref = target * scale if target is not None else None
    span = known + ([ref] if ref is not None else [])
    lo, hi = (min(span), max(span)) if span else (0.0, 1.0)
    pad = (hi - lo) * 0.05 if hi > lo else (abs(hi) * 0.05 or 1.0)
    lo, hi = lo - pad, hi + pad

    def label(v: float) -> str:
        if percent:
            return f"{v:.0f}%"
        return f"${v:.1f}M" if money else f"{v:,.0f}"

    ticks = nice_ticks(lo, hi, 4, min_step=1.0 if percent else 0.1 if money else 0.0)
    ax = _Axes(svg, _left_margin([label(t) for t in ticks], size, False), 4.0, 4.0, 12.0,
               lo, hi)
    ax.grid(ticks, label, size)
    n = len(cycles)
    margin = 0.05 * max(n - 1, 1)
    width = ax.x1 - ax.x0

    def x(i: int) -> float:
        return ax.x0 + (i + margin) / (max(n - 1, 0) + 2 * margin) * width

    if ref is not None:
        svg.line(ax.x0, ax.y(ref), ax.x1, ax.y(ref), MUTED, 0.7, dash="2.6,1.1")
    run: list[tuple[float, float]] = []
    for i, v in enumerate([*ys, math.nan]):  # the NaN sentinel ends the last run
        if v == v:
            run.append((x(i), ax.y(v)))
            continue
        if len(run) > 1:
            svg.polyline(run, ACCENT, 1.4)
        run = []
    for i, v in enumerate(ys):
        if v == v:
            svg.circle(x(i), ax.y(v), 1.0, ACCENT)
    if ys and ys[-1] == ys[-1]:
        svg.circle(x(n - 1), ax.y(ys[-1]), 2.0, ACCENT)
    if cycles:
        base = ax.y1 + size + 2.0
        svg.text(x(0), base, cycles[0], size=size, fill=MUTED)
        if n > 1:
            svg.text(x(n - 1), base, cycles[-1], size=size, fill=MUTED)
    return svg.bytes()


def _bars(svg: _Svg, ax: _Axes, values: Sequence[float], colours: Sequence[str],
          width: float) -> list[float]:
    centres, slot = _slots(ax, len(values))
    for cx, v, colour in zip(centres, values, colours, strict=True):
        svg.rect(cx - slot * width / 2, ax.y(0.0), slot * width, ax.y(v) - ax.y(0.0), colour)
    return centres


def _ylabel(svg: _Svg, ax: _Axes, text: str) -> None:
    svg.text(FONT_SIZE + 1.0, (ax.y0 + ax.y1) / 2, text, rotate=True)


def fva_svg(steps: Sequence[str], wmape: Sequence[float]) -> bytes:
    """The FVA stair-step: WMAPE per process step, each bar coloured by whether it improved
    on the step before it (green) or made it worse (red); the first step (naive) is grey."""
    svg = _Svg(6.6, 1.6)
    colours = [MUTED if i == 0 else (GOOD if w <= wmape[i - 1] else BAD)
               for i, w in enumerate(wmape)]
    pct = [w * 100 for w in wmape]
    hi = max(pct, default=1) * 1.22
    ticks = nice_ticks(0.0, hi, 6)
    ax = _Axes(svg, _left_margin([f"{t:g}" for t in ticks], FONT_SIZE, True), 4.0, 4.0, 14.0,
               0.0, hi)
    ax.grid(ticks, lambda t: f"{t:g}", FONT_SIZE)
    _ylabel(svg, ax, "WMAPE (lower is better)")
    centres = _bars(svg, ax, pct, colours, 0.62)
    for cx, v, step in zip(centres, pct, steps, strict=True):
        svg.text(cx, ax.y(v) - 2.5, f"{v:.1f}%", size=7.0)
        svg.text(cx, ax.y1 + FONT_SIZE + 3.0, step, fill=MUTED)
    return svg.bytes()


def revenue_vs_target_svg(months: Sequence[str], revenue: Sequence[float],
                          target: Sequence[float | None]) -> bytes:
    """Plan revenue by month (bars, $M) against the revenue target (line)."""
    size = 6.5
    svg = _Svg(6.6, 2.0)
    rev = [r / 1e6 for r in revenue]
    tgt = [None if t is None else t / 1e6 for t in target]
    hi = max([*rev, *(t for t in tgt if t is not None), 0.0]) * 1.05 or 1.0
    ticks = nice_ticks(0.0, hi, 5)
    labels = [m[2:] for m in months]
    bottom = max((_text_width(s, size) for s in labels), default=0.0) + 6.0
    ax = _Axes(svg, _left_margin([f"{t:g}" for t in ticks], FONT_SIZE, True), 16.0, 4.0,
               bottom, 0.0, hi)
    ax.grid(ticks, lambda t: f"{t:g}", FONT_SIZE)
    _ylabel(svg, ax, "$M per month")
    centres = _bars(svg, ax, rev, [ACCENT] * len(rev), 0.7)
    _, slot = _slots(ax, len(rev))
    points = [(cx, ax.y(t)) for cx, t in zip(centres, tgt, strict=True) if t is not None]
    if len(points) > 1:
        svg.polyline(points, BAD, 1.4)
    for px, py in points:  # matplotlib's "_" marker: a short level tick at each month
        svg.line(px - slot * 0.3, py, px + slot * 0.3, py, BAD, 1.0)
    for cx, text in zip(centres, labels, strict=True):
        svg.text(cx + size * 0.35, ax.y1 + 3.0, text, size=size, fill=MUTED, anchor="end",
                 rotate=True)
    # the legend above the plot, left-aligned: the line first, as matplotlib ordered it
    ly = ax.y0 - 6.0
    lx = ax.x0
    if points:
        svg.line(lx, ly, lx + 14.0, ly, BAD, 1.4)
        svg.text(lx + 18.0, ly + 2.5, "revenue target", size=7.0, anchor="start")
        lx += 18.0 + _text_width("revenue target", 7.0) + 12.0
    svg.rect(lx, ly - 3.0, 14.0, 6.0, ACCENT)
    svg.text(lx + 18.0, ly + 2.5, "plan revenue", size=7.0, anchor="start")
    return svg.bytes()


def utilisation_svg(resources: Sequence[str], peak: Sequence[float]) -> bytes:
    """Peak monthly utilisation of each resource over the horizon (100 % is full)."""
    svg = _Svg(6.6, 1.7)
    pct = [p * 100 for p in peak]
    colours = [BAD if p > 100.0 + 1e-6 else (ACCENT if p < 90 else AMBER) for p in pct]
    hi = max([*pct, 100.0]) * 1.2
    ticks = nice_ticks(0.0, hi, 6)
    ax = _Axes(svg, _left_margin([f"{t:g}" for t in ticks], FONT_SIZE, True), 4.0, 4.0, 14.0,
               0.0, hi)
    ax.grid(ticks, lambda t: f"{t:g}", FONT_SIZE)
    _ylabel(svg, ax, "peak load / capacity")
    centres = _bars(svg, ax, pct, colours, 0.6)
    svg.line(ax.x0, ax.y(100.0), ax.x1, ax.y(100.0), INK, 0.8, dash="3,1.5")
    for cx, v, name in zip(centres, pct, resources, strict=True):
        svg.text(cx, ax.y(v) - 2.5, f"{v:.0f}%", size=6.5)
        svg.text(cx, ax.y1 + FONT_SIZE + 3.0, name, fill=MUTED)
    return svg.bytes()
