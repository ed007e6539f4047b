"""Typesetting helpers of the decision pack: rows of figures set as one run of text.

Number formats themselves come from :mod:`sop_tui.formats` (the one formatting module); this
module only lines formatted figures up. A table of thousands of figure cells is what costs
WeasyPrint most of a pack's layout time; a row of figures printed as one run of text in a
``white-space: pre`` cell looks the same and is a single box (:func:`figure_run`), lined up
under ``<col>`` widths of :func:`column_em`.
"""

from __future__ import annotations

from collections.abc import Sequence

from sop_tui.formats import DASH, MINUS

FIGURE_SPACE = "\u2007"  # as wide as a digit
PUNCT_SPACE = "\u2008"  # as wide as a comma or full stop
#: Advance widths in DejaVu Sans (units of 1/2048 em; the oblique face has the same) of what
#: a formatted figure contains: digits, signs, and the letters of ``$1.2M``, ``$845k``, ``pp``.
_WIDTH = {",": 651, ".": 651, " ": 651, PUNCT_SPACE: 651, FIGURE_SPACE: 1303,
          DASH: 1024, MINUS: 1716, "+": 1716, "-": 739, "%": 1946, "$": 1303,
          "M": 1767, "B": 1405, "k": 1186, "p": 1300}
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

    Each figure is padded on the left with figure spaces (a digit's width) and punctuation
    spaces (a comma's), so with DejaVu Sans the columns line up under ``<col>`` widths of
    :func:`column_em` (to a few thousandths of an em); a figure with an en dash or a minus may
    sit up to a third of a digit off. The first figure is not padded: the run is meant to be
    right-aligned, where its padding would only widen the run past the cell.

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


def excerpt(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis when
    cut (a long rationale on page 1; the full text is in its section)."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.—-")
    return cut + "…"
