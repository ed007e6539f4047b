"""Number formats of the decision pack, shared by the view-model and the template filters.

Money as ``$12.3M`` / ``$845k``, units with thousands separators, fractions as percentages,
FVA in signed percentage points; a missing value (None or NaN) prints as an en dash, and minus
signs are the typographic ``−`` so columns of figures line up.
"""

from __future__ import annotations

import math
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
