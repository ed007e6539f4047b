"""Charts of the decision pack, drawn with matplotlib (Agg) and returned as SVG bytes.

Provides :func:`metric_trend_svg` (one metric over the last cycles), :func:`fva_svg` (the FVA
stair-step), :func:`revenue_vs_target_svg` (plan revenue against the target by month) and
:func:`utilisation_svg` (peak capacity utilisation by resource). Nothing touches the disk: each
function builds a figure, writes it to memory and closes it. Text stays text in the SVG
(``svg.fonttype = none``) so the PDF's text layer carries the chart labels too, and matplotlib
XML-escapes every label, so a family name from an imported file cannot inject markup.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")  # before pyplot: never a GUI backend, not even by accident

if TYPE_CHECKING:
    from matplotlib.figure import Figure

INK = "#1f2933"
MUTED = "#7b8794"
ACCENT = "#1d4e89"
GOOD = "#2f7d4f"
BAD = "#b83227"
GRID = "#d9dee3"

_RC: Any = {  # typed loosely: matplotlib's stubs want a Literal per key
    "svg.fonttype": "none",
    "svg.hashsalt": "sop-pack",  # deterministic ids: the same data draws the same bytes
    "font.family": "DejaVu Sans",
    "font.size": 7.5,
    "axes.edgecolor": GRID,
    "axes.labelcolor": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": GRID,
    "grid.linewidth": 0.5,
}


def _figure(width_in: float, height_in: float) -> Figure:
    from matplotlib.figure import Figure

    # A bare Figure (no pyplot): no global figure registry, safe in a worker thread.
    return Figure(figsize=(width_in, height_in), layout="constrained")


def _svg(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return buf.getvalue()


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
    with matplotlib.rc_context(_RC):
        fig = _figure(2.9, 0.95)
        ax = fig.add_subplot()
        xs = list(range(len(cycles)))
        scale = 100.0 if percent else (1e-6 if money else 1.0)
        ys = [v * scale for v in values]
        ax.plot(xs, ys, color=ACCENT, linewidth=1.4, marker="o", markersize=2)
        if ys and ys[-1] == ys[-1]:
            ax.plot([xs[-1]], [ys[-1]], marker="o", markersize=4, color=ACCENT)
        if target is not None:
            ax.axhline(target * scale, color=MUTED, linewidth=0.7, linestyle="--")
        ax.set_xticks([xs[0], xs[-1]] if xs else [])
        ax.set_xticklabels([cycles[0], cycles[-1]] if cycles else [])
        def label(v: float, _pos: int) -> str:
            if percent:
                return f"{v:.0f}%"
            return f"${v:.1f}M" if money else f"{v:,.0f}"

        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(label))
        ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(4))
        ax.tick_params(length=0, labelsize=6.5)
        return _svg(fig)


def fva_svg(steps: Sequence[str], wmape: Sequence[float]) -> bytes:
    """The FVA stair-step: WMAPE per process step, each bar coloured by whether it improved
    on the step before it (green) or made it worse (red); the first step (naive) is grey."""
    with matplotlib.rc_context(_RC):
        fig = _figure(6.6, 1.6)
        ax = fig.add_subplot()
        colours = []
        for i, w in enumerate(wmape):
            if i == 0:
                colours.append(MUTED)
            else:
                colours.append(GOOD if w <= wmape[i - 1] else BAD)
        pct = [w * 100 for w in wmape]
        bars = ax.bar(list(range(len(steps))), pct, color=colours, width=0.62)
        for bar, v in zip(bars, pct, strict=True):
            ax.annotate(f"{v:.1f}%", (bar.get_x() + bar.get_width() / 2, v),
                        xytext=(0, 2), textcoords="offset points", ha="center", fontsize=7,
                        color=INK)
        ax.set_xticks(list(range(len(steps))))
        ax.set_xticklabels(list(steps))
        ax.set_ylabel("WMAPE (lower is better)")
        ax.set_ylim(0, max(pct, default=1) * 1.22)
        ax.tick_params(length=0)
        return _svg(fig)


def revenue_vs_target_svg(months: Sequence[str], revenue: Sequence[float],
                          target: Sequence[float | None]) -> bytes:
    """Plan revenue by month (bars, $M) against the revenue target (line)."""
    with matplotlib.rc_context(_RC):
        fig = _figure(6.6, 2.0)
        ax = fig.add_subplot()
        xs = list(range(len(months)))
        ax.bar(xs, [r / 1e6 for r in revenue], color=ACCENT, width=0.7, label="plan revenue")
        tx = [x for x, t in zip(xs, target, strict=True) if t is not None]
        ty = [t / 1e6 for t in target if t is not None]
        if tx:
            ax.plot(tx, ty, color=BAD, linewidth=1.4, marker="_", markersize=9,
                    label="revenue target")
        ax.set_xticks(xs)
        ax.set_xticklabels([m[2:] for m in months], rotation=90, fontsize=6.5)
        ax.set_ylabel("$M per month")
        ax.legend(frameon=False, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=2,
                  fontsize=7, borderaxespad=0.2)
        ax.tick_params(length=0)
        return _svg(fig)


def utilisation_svg(resources: Sequence[str], peak: Sequence[float]) -> bytes:
    """Peak monthly utilisation of each resource over the horizon (100 % is full)."""
    with matplotlib.rc_context(_RC):
        fig = _figure(6.6, 1.7)
        ax = fig.add_subplot()
        xs = list(range(len(resources)))
        pct = [p * 100 for p in peak]
        colours = [BAD if p > 100.0 + 1e-6 else (ACCENT if p < 90 else "#c77c02") for p in pct]
        ax.bar(xs, pct, color=colours, width=0.6)
        ax.axhline(100, color=INK, linewidth=0.8, linestyle="--")
        for x, v in zip(xs, pct, strict=True):
            ax.annotate(f"{v:.0f}%", (x, v), xytext=(0, 2), textcoords="offset points",
                        ha="center", fontsize=6.5, color=INK)
        ax.set_xticks(xs)
        ax.set_xticklabels(list(resources))
        ax.set_ylabel("peak load / capacity")
        ax.set_ylim(0, max([*pct, 100.0]) * 1.2)
        ax.tick_params(length=0)
        return _svg(fig)
