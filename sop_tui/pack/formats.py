"""Number formats of the decision pack, shared by the view-model and the template filters.

Money as ``$12.3M`` / ``$845k``, units with thousands separators, fractions as percentages,
FVA in signed percentage points; a missing value (None or NaN) prints as an en dash, and minus
signs are the typographic ``−`` so columns of figures line up.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

DASH = "–"


def _num(x: Any) -> float | None:
    if x is None:
        return None
    v = float(x)
    return None if math.isnan(v) else v


def fmt_money(x: Any, digits: int = 1) -> str:
    """``$12.3M``, ``$845k``, ``$950``; a dash for missing values; negatives as ``−$1.2M``."""
    v = _num(x)
    if v is None:
        return DASH
    a = abs(v)
    if a >= 1e6:
        body = f"${a / 1e6:,.{digits}f}M"
    elif a >= 1e3:
        body = f"${a / 1e3:,.0f}k"
    else:
        body = f"${a:,.0f}"
    # no "−$0": a value that rounds to nothing shows no sign
    return f"−{body}" if v < 0 and body != "$0" else body


def fmt_units(x: Any) -> str:
    """Whole units with thousands separators; a dash for missing values."""
    v = _num(x)
    if v is None:
        return DASH
    text = f"{v:,.0f}"
    return "0" if text == "-0" else text.replace("-", "−")


def fmt_pct(x: Any, digits: int = 1, signed: bool = False) -> str:
    """A fraction as a percentage (``0.833`` → ``83.3%``), signed on request."""
    v = _num(x)
    if v is None:
        return DASH
    text = f"{v * 100:+.{digits}f}%" if signed else f"{v * 100:.{digits}f}%"
    return text.replace("-", "−")


def fmt_pp(x: Any) -> str:
    """Percentage points, signed (the FVA figures are already in points)."""
    v = _num(x)
    if v is None:
        return DASH
    return f"{v:+.1f} pp".replace("-", "−")


def fmt_metric(x: Any, kind: str) -> str:
    """A metric by its kind: ``pct``, ``pct_signed``, ``money`` or ``units``."""
    if kind == "money":
        return fmt_money(x)
    if kind == "pct_signed":
        return fmt_pct(x, signed=True)
    if kind == "units":
        return fmt_units(x)
    return fmt_pct(x)


# -- rows of figures as one run of text ------------------------------------------------------------

FIGURE_SPACE = "\u2007"  # as wide as a digit
PUNCT_SPACE = "\u2008"  # as wide as a comma or full stop
#: Advance widths in DejaVu Sans (units of 1/2048 em; the oblique face has the same) of what
#: a formatted figure contains: digits, signs, and the letters of ``$1.2M``, ``$845k``, ``pp``.
_WIDTH = {",": 651, ".": 651, " ": 651, PUNCT_SPACE: 651, FIGURE_SPACE: 1303,
          DASH: 1024, "−": 1716, "+": 1716, "-": 739, "%": 1946, "$": 1303,
          "M": 1767, "k": 1186, "p": 1300}
DIGIT = 1303
EM = 2048


def text_width(text: str) -> int:
    """The advance width of ``text`` in DejaVu Sans, in 1/2048 em (figures and signs only)."""
    return sum(DIGIT if ch.isdigit() else _WIDTH.get(ch, DIGIT) for ch in text)


def column_em(digits: float) -> float:
    """The width, in em, of a figure column ``digits`` digits wide (for a ``<col>``)."""
    return round(digits * DIGIT / EM, 4)


def figure_run(values: list[str], digits: float | Sequence[float]) -> str:
    """Right-align each (formatted) figure in a column ``digits`` digits wide, as one string.

    A table of thousands of figure cells is what costs WeasyPrint most of a pack's layout
    time; a row of figures printed as one run of text in a ``white-space: pre`` cell looks
    the same and is a single box. Each figure is padded on the left with figure spaces (a
    digit's width) and punctuation spaces (a comma's), so with DejaVu Sans the columns line up
    under ``<col>`` widths of :func:`column_em` (to a few thousandths of an em); a figure
    with an en dash or a minus may sit up to a third of a digit off. The first figure is not
    padded: the run is meant to be right-aligned, where its padding would only widen the run
    past the cell.

    Args:
        values: the formatted figures, left to right.
        digits: the width of every column, or of each column (one per figure), in digits.
    """
    widths = [digits] * len(values) if isinstance(digits, int | float) else list(digits)
    out = []
    for i, text in enumerate(values):
        pad = max(round(widths[i] * DIGIT) - text_width(text), 0) if i else 0
        halves = round(pad / (DIGIT / 2))  # a comma is 651 units, half a digit 651.5
        out.append(FIGURE_SPACE * (halves // 2) + PUNCT_SPACE * (halves % 2) + text)
    return "".join(out)
