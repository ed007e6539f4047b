"""Charts of the decision pack, drawn with pygal as small SVG documents (bytes).

Provides :func:`metric_trend_svg` (one metric over the last cycles), :func:`fva_svg` (the FVA
stair-step), :func:`revenue_vs_target_svg` (plan revenue against the target by month),
:func:`load_svg` (each resource's peak load, uncapped) and :func:`nice_ticks` (round y-axis
values).

pygal is pure Python and writes SVG natively, quick to import and to draw with (matplotlib
took half the pack's time budget and its SVGs were slow for WeasyPrint to draw; figures in
benchmarks/README.md).
Each chart is a pygal chart with the pack's palette and font; a filter then trims what only a
browser uses (the script with the chart's config, tooltips, comments with today's date, the
``<title>`` and ``<desc>`` of each point), so the SVG stays small and the same data always draws
the same bytes (the chart id is fixed, not pygal's random UUID), and a second one writes the
look pygal's stylesheet would give each element on the element itself and drops the
stylesheet (see :class:`_Look`: WeasyPrint matched its ~100 rules against every element).
Text stays text (the PDF's text layer carries the chart labels) and pygal XML-escapes every
label, so a family name from
an imported file cannot inject markup. Nothing touches the disk. One SVG user unit is one
point; fonts are DejaVu Sans, as in the pack's CSS.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any
from xml.etree import ElementTree

import pygal
from pygal.style import Style

INK = "#1f2933"
MUTED = "#7b8794"
ACCENT = "#1d4e89"
GOOD = "#2f7d4f"
BAD = "#b83227"
GRID = "#d9dee3"
AMBER = "#c77c02"
PALETTE = (ACCENT, BAD, GOOD, AMBER, MUTED)  # the series colours, in order

FONT = "DejaVu Sans"
FONT_SIZE = 7.5

_SVG_NS = "{http://www.w3.org/2000/svg}"


def nice_ticks(lo: float, hi: float, most: int = 5, min_step: float = 0.0) -> list[float]:
    """At most ``most`` round tick values in ``[lo, hi]``.

    Steps are 1, 2, 2.5 or 5 times a power of ten, as a chart axis shows them, and no finer
    than ``min_step`` (so labels printed with fewer decimals never repeat).

    Args:
        lo: the bottom of the axis.
        hi: the top of the axis.
        most: the most ticks wanted.
        min_step: the smallest step allowed.

    Returns:
        The tick values, ascending (``[lo]`` when the range is empty).
    """
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


def _style(*, label_size: float = FONT_SIZE, value_size: float = 7.0,
           title_size: float = FONT_SIZE) -> Style:
    """The pack's look as a pygal style: white ground, the palette, DejaVu Sans, opaque
    marks, no hover transitions."""
    return Style(
        background="white", plot_background="white",
        foreground=MUTED, foreground_strong=INK, foreground_subtle=GRID,
        font_family=FONT, label_font_size=label_size, major_label_font_size=label_size,
        value_font_size=value_size, legend_font_size=7.0, title_font_size=title_size,
        opacity="1", opacity_hover="1", stroke_opacity="1", stroke_opacity_hover="1",
        stroke_width="1.4", stroke_width_hover="1.4", transition="0s",
        colors=PALETTE,
    )


def _trim(root: ElementTree.Element) -> ElementTree.Element:
    """Drop what only a browser uses, and anything that changes from run to run: comments
    (one carries today's date), scripts, the chart's and each point's ``<title>``/``<desc>``
    (tooltips) and the tooltip layer."""
    for parent in list(root.iter()):
        for child in list(parent):
            tag = child.tag if isinstance(child.tag, str) else ""
            cls = child.get("class", "") if tag else ""
            if (not tag  # a comment or processing instruction
                    or tag.endswith(("script", "title", "desc"))
                    or "tooltip-overlay" in cls.split()):
                parent.remove(child)
    return root


class _Look:
    """What pygal's stylesheet (and the pack's rules after it) gives each element of a chart,
    set on the elements themselves as SVG presentation attributes.

    WeasyPrint matches every rule of an SVG's ``<style>`` against every element of the chart:
    pygal's stylesheet (~100 rules, most for the browser: hover, tooltips, maps, gauges) was
    half of the charts' cost in a pack (benchmarks/README.md). The elements these
    four kinds of chart contain are few and known, so their look is written on them here, by
    the same rules in the same order of precedence, and the stylesheet is dropped; so are the
    white background rectangles (the page is white) and the x-axis guide lines pygal draws
    and then hides (``opacity: 0`` in a vertical chart).
    """

    def __init__(self, *, label_size: float, value_size: float, title_size: float,
                 major: str | None, major_dash: str, x_anchor: str = "middle",
                 round_lines: bool = False) -> None:
        self.label_size = label_size
        self.value_size = value_size
        self.title_size = title_size
        self.major = major
        self.major_dash = major_dash
        self.x_anchor = x_anchor
        self.round_lines = round_lines

    def __call__(self, root: ElementTree.Element) -> ElementTree.Element:
        for parent in list(root.iter()):
            for child in list(parent):
                if _local(child.tag) in ("style", "defs"):
                    parent.remove(child)
        for child in list(root):
            self._visit(root, child, axis="", vertical=False, always=False, overlay=False,
                        legends=False)
        return root

    def _visit(self, parent: ElementTree.Element, el: ElementTree.Element, *, axis: str,
               vertical: bool, always: bool, overlay: bool, legends: bool) -> None:
        tag = _local(el.tag)
        cls = set(el.get("class", "").split())
        colour = next((c for c in cls if c.startswith("color-")), None)
        if colour is not None:  # pygal's .color-N: the series' colour, inherited
            hue = PALETTE[int(colour[6:]) % len(PALETTE)]
            el.set("fill", hue)
            el.set("stroke", hue)
        if tag == "g":
            if "graph" in cls:
                el.set("font-family", FONT)
                el.set("fill", MUTED)
                vertical = "vertical" in cls
            if "axis" in cls:
                axis = "x" if "x" in cls else "y"
                always = "always_show" in cls
            overlay = overlay or "text-overlay" in cls
            legends = legends or "legends" in cls
        elif tag == "rect" and "background" in cls:
            parent.remove(el)
            return
        elif tag == "path" and axis:
            if "guide" in cls and vertical and axis == "x" and not always:
                parent.remove(el)  # hidden by pygal's stylesheet
                return
            el.set("fill", "none")
            el.set("stroke", GRID)
            el.set("stroke-width", ".5" if "guide" in cls else ".8")
            if "major" in cls and axis == "y" and self.major is not None:
                el.set("stroke", self.major)
                el.set("stroke-dasharray", self.major_dash)
                el.set("stroke-width", ".8")
            elif "major" in cls and axis == "y":
                el.set("stroke-width", ".5")
        elif tag in ("path", "rect", "circle") and "reactive" in cls:
            el.set("stroke-width", "1" if "dot" in cls else "1.4")
            if "nofill" in cls:
                el.set("fill", "none")
            if self.round_lines and "line" in cls:
                el.set("stroke-linejoin", "round")
        elif tag == "text":
            el.set("stroke", "none")
            if axis:
                el.set("font-size", f"{self.label_size}")
                el.set("fill", MUTED)
                el.set("text-anchor", self.x_anchor if axis == "x" else "end")
            elif "title" in cls:
                el.set("font-size", f"{self.title_size}")
                el.set("fill", INK)
                el.set("text-anchor", "middle")
            elif legends:
                el.set("font-size", "7")
                el.set("fill", INK)
            elif overlay:
                el.set("font-size", f"{self.value_size}")
                el.set("fill", INK)
        for child in list(el):
            self._visit(el, child, axis=axis, vertical=vertical, always=always,
                        overlay=overlay, legends=legends)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _render(chart: Any) -> bytes:
    """The chart as an SVG document (bytes) with an XML declaration."""
    chart.add_xml_filter(_trim)
    chart.add_xml_filter(chart.sop_look)
    for after in chart.sop_after:  # filters that need the look written on the elements
        chart.add_xml_filter(after)
    text = chart.render(is_unicode=True)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + text + "\n").encode()


def _chart(kind: Callable[..., Any], chart_id: str, width_in: float, height_in: float,
           style: Style, major: str | None = None, major_dash: str = "",
           x_anchor: str = "middle", round_lines: bool = False, **config: Any) -> Any:
    """A pygal chart of ``kind`` with the pack's shared settings and a fixed id; its look
    (``chart.sop_look``, a :class:`_Look`) is written on its elements when it is rendered."""
    settings: dict[str, Any] = {
        "show_legend": False, "show_x_guides": False, "show_y_guides": True, "margin": 4,
        "spacing": 4, "tooltip_fancy_mode": False,
    }
    chart = kind(
        width=round(width_in * 72.0, 2), height=round(height_in * 72.0, 2), style=style,
        js=[], disable_xml_declaration=True, explicit_size=True, no_prefix=False, css=[],
        **(settings | config),
    )
    chart.uuid = chart_id  # pygal draws a random UUID; a fixed one keeps the bytes stable
    chart.sop_after = []
    chart.sop_look = _Look(label_size=style.label_font_size, value_size=style.value_font_size,
                           title_size=style.title_font_size, major=major,
                           major_dash=major_dash, x_anchor=x_anchor, round_lines=round_lines)
    return chart


def _y_range(ticks: Sequence[float], lo: float, hi: float) -> tuple[float, float]:
    return (min(lo, *ticks), max(hi, *ticks)) if ticks else (lo, hi)


def _group(root: ElementTree.Element, cls: str) -> ElementTree.Element | None:
    """The first ``<g>`` whose class list starts with ``cls`` (pygal's layers)."""
    return next((g for g in root.iter("g") if g.get("class", "").startswith(cls)), None)


def _values_inside(root: ElementTree.Element) -> ElementTree.Element:
    """pygal prints a bar's value on its top edge; set it inside the bar's top, in white, so
    a reference line across the plot (the 100 % line, drawn behind the bars) never strikes
    it; a bar too short to hold its value gets it just above."""
    plot = _group(root, "plot")
    layer = _group(root, "plot text-overlay")
    if plot is None or layer is None:
        return root
    rects = [r for r in plot.iter(f"{_SVG_NS}rect") if "reactive" in r.get("class", "")]
    rects += [r for r in plot.iter("rect") if "reactive" in r.get("class", "")]
    texts = list(layer.iter(f"{_SVG_NS}text")) + list(layer.iter("text"))
    for rect, text in zip(rects, texts, strict=False):
        top, height = float(rect.get("y", "0")), float(rect.get("height", "0"))
        size = float(text.get("font-size", "7") or 7)
        if height >= size + 4:
            text.set("y", f"{top + size + 1.5:.2f}")
            text.set("fill", "white")
        else:
            text.set("y", f"{top - 2.5:.2f}")
    return root


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

    Returns:
        The chart as SVG bytes: first and last cycle labelled under the axis, the target (if
        any) as a dashed line with its own label, the last value marked with a larger dot.
    """
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
    if ref is not None and all(abs(ref - t) > 1e-9 for t in ticks):
        # the target gets its own guide; drop a tick too close to it for both labels to read
        near = (hi - lo) * 0.18
        ticks = sorted([t for t in ticks if abs(t - ref) > near] + [ref])
    chart = _chart(
        pygal.Line, "sop-trend", 2.9, 0.95, _style(label_size=6.5), round_lines=True,
        major=MUTED if ref is not None else None, major_dash="2.6,1.1",
        allow_interruptions=True, range=_y_range(ticks, lo, hi),
        y_labels=ticks, y_labels_major=[ref] if ref is not None else None,
        value_formatter=label, dots_size=1.0, margin_right=14,
        x_labels=list(cycles), x_labels_major=[cycles[0], cycles[-1]] if cycles else None,
        show_minor_x_labels=False, truncate_label=-1,
    )
    points: list[Any] = []
    for i, v in enumerate(ys):
        if v != v:
            points.append(None)
        elif i == len(ys) - 1:
            points.append({"value": v, "node": {"r": 2.0}})  # the latest cycle stands out
        else:
            points.append(v)
    chart.add("value", points)
    return _render(chart)


def _percent_bars(chart_id: str, height_in: float, labels: Sequence[str], pct: Sequence[float],
                  colours: Sequence[str], hi: float, decimals: int, y_title: str,
                  line_at: float | None = None, value_size: float = 7.0) -> bytes:
    """Bars in percent, one colour each, the value printed inside each bar's top; ``line_at``
    draws a dashed reference guide (the 100 % line) behind the bars."""
    ticks = nice_ticks(0.0, hi, 6)
    if line_at is not None:
        ticks = sorted({*ticks, line_at})
    chart = _chart(
        pygal.Bar, chart_id, 6.6, height_in, _style(value_size=value_size, title_size=6.5),
        major=INK if line_at is not None else None, major_dash="3,1.5",
        range=(0.0, hi), y_labels=ticks,
        y_labels_major=[line_at] if line_at is not None else None,
        value_formatter=lambda v: f"{v:g}", print_values=True, print_values_position="top",
        x_labels=list(labels), truncate_label=-1, y_title=y_title, margin_top=6,
    )
    chart.add(y_title, [
        {"value": v, "color": c, "formatter": lambda x, d=decimals: f"{x:.{d}f}%"}
        for v, c in zip(pct, colours, strict=True)
    ])
    chart.sop_after.append(_values_inside)
    return _render(chart)


def fva_svg(steps: Sequence[str], wmape: Sequence[float], verdicts: Sequence[str]) -> bytes:
    """The FVA stair-step: WMAPE per process step.

    Args:
        steps: the process steps in order (naive first).
        wmape: WMAPE of each step, as fractions.
        verdicts: each step's verdict (``analytics.fva.step_verdicts``): ``baseline``,
            ``adds value`` or ``destroys value``.

    Returns:
        The chart as SVG bytes: the baseline grey, a step that adds value green, one that
        destroys it red (against the naive and the statistical forecast, not the bar before).
    """
    colours = [MUTED if v == "baseline" else GOOD if v == "adds value" else BAD
               for v in verdicts]
    pct = [w * 100 for w in wmape]
    return _percent_bars("sop-fva", 1.6, steps, pct, colours, max(pct, default=1) * 1.15, 1,
                         "WMAPE % (lower wins)")


def load_svg(resources: Sequence[str], peak: Sequence[float]) -> bytes:
    """Each resource's peak monthly load over the horizon, uncapped (100 % is full).

    Args:
        resources: the resource names.
        peak: each resource's peak hours needed over hours available (1.0 is full; 1.3
            needs 30 % more hours than it has).

    Returns:
        The chart as SVG bytes: bars blue under 90 %, amber to 100 %, red over it, each
        value inside its bar, and the 100 % line dashed behind the bars (the legend is the
        page's).
    """
    pct = [p * 100 for p in peak]
    colours = [BAD if p > 100.0 + 1e-6 else (ACCENT if p < 90 else AMBER) for p in pct]
    return _percent_bars("sop-load", 1.7, resources, pct, colours,
                         max([*pct, 100.0]) * 1.1, 0, "hours needed / available %",
                         line_at=100.0, value_size=6.5)


def revenue_vs_target_svg(months: Sequence[str], revenue: Sequence[float],
                          target: Sequence[float | None]) -> bytes:
    """Plan revenue by month (bars, $M) against the revenue target (a line).

    Args:
        months: the horizon's months (``YYYY-MM``).
        revenue: plan revenue per month, in dollars.
        target: the revenue target per month, in dollars (None where there is none).

    Returns:
        The chart as SVG bytes, with a legend under the plot (plan bars, target line).
    """
    rev = [r / 1e6 for r in revenue]
    tgt = [None if t is None else t / 1e6 for t in target]
    hi = max([*rev, *(t for t in tgt if t is not None), 0.0]) * 1.05 or 1.0
    ticks = nice_ticks(0.0, hi, 5)
    has_target = any(t is not None for t in tgt)
    chart = _chart(
        pygal.Bar, "sop-revenue", 6.6, 2.0, _style(label_size=6.5, title_size=6.5),
        x_anchor="end",  # the month labels are turned: they end under their bar
        range=(0.0, max(hi, *ticks)), y_labels=ticks, value_formatter=lambda v: f"{v:g}",
        x_labels=[m[2:] for m in months], x_label_rotation=270, truncate_label=-1,
        y_title="$M per month", show_legend=True, legend_at_bottom=True,
        legend_at_bottom_columns=2, legend_box_size=6, margin_top=14, margin_bottom=8,
    )
    chart.add("plan revenue", rev)

    def target_line(root: ElementTree.Element) -> ElementTree.Element:
        """pygal has no bars-with-a-line chart: the target goes into the plot in pygal's own
        coordinates (``chart.view``), as a line and a short level tick at each month, and
        into the legend as a second entry with a line swatch."""
        plot = _group(root, "plot")
        legends = _group(root, "legends")
        if not has_target or plot is None:
            return root
        n = len(tgt)
        pts = [chart.view(((i + 0.5) / n, t)) for i, t in enumerate(tgt) if t is not None]
        half = chart.view.width / n * 0.3
        group = ElementTree.SubElement(plot, "g", {"class": "target"})
        line = {"fill": "none", "stroke": BAD, "stroke-linejoin": "round"}
        if len(pts) > 1:
            d = "M" + " L".join(f"{x:.2f} {y:.2f}" for x, y in pts)
            ElementTree.SubElement(group, "path", {"d": d, "stroke-width": "1.4", **line})
        for x, y in pts:
            ElementTree.SubElement(group, "path", {
                "d": f"M{x - half:.2f} {y:.2f} h{2 * half:.2f}", "stroke-width": "1", **line})
        entry = None if legends is None else legends.find("g")
        if entry is not None and legends is not None:
            # pygal puts the legend under the turned month labels, where it runs off the
            # chart: move it above the plot, at the plot's left edge
            legends.set("transform", f"translate({chart.margin_box.left:.2f}, 2)")
            box, text = entry.find("rect"), entry.find("text")
            # right of the first entry (DejaVu Sans digits and letters average ~0.6 em)
            x0 = 11.0 + len(text.text or "") * 0.6 * 7.0 + 12.0 if text is not None else 80.0
            y = float(box.get("y", "0")) + float(box.get("height", "0")) / 2 if box is not None \
                else 0.0
            new = ElementTree.SubElement(legends, "g", {"class": "legend"})
            ElementTree.SubElement(new, "path", {
                "d": f"M{x0:.2f} {y:.2f} h10", "stroke-width": "1.4", **line})
            label = ElementTree.SubElement(new, "text", {
                "x": f"{x0 + 14:.2f}", "y": text.get("y", "0") if text is not None else "0"})
            label.text = "revenue target"
        return root

    chart.add_xml_filter(target_line)
    return _render(chart)
