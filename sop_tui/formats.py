"""How numbers read, everywhere: the CLI's tables, the app's panels and the decision pack.

One module so that a figure reads the same on screen, in the terminal and on paper:
money short (``$12.3M``, ``$845k``, ``$950``) or exact (``$12,345,678``), units with thousands
separators, fractions as percentages, differences in signed percentage points. A missing value
(``None`` or NaN) reads as an en dash, and negatives carry the typographic minus ``−`` (as wide
as a plus, so signed columns line up).
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["DASH", "MINUS", "is_missing", "metric", "money", "money_exact", "pct", "points",
           "pp", "signed_pct", "unit_price", "units"]

DASH = "–"
MINUS = "−"


def _num(x: Any) -> float | None:
    if x is None:
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def is_missing(x: Any) -> bool:
    """Whether ``x`` is None, NaN or not a number at all."""
    return _num(x) is None


def _signed(v: float, body: str) -> str:
    # no "−$0" or "−0": a value that rounds to nothing carries no sign
    zero = not any(c in "123456789" for c in body)
    return f"{MINUS}{body}" if v < 0 and not zero else body


def money(x: Any, digits: int = 1) -> str:
    """Dollars, short: ``$1.23B``, ``$12.3M``, ``$845k``, ``$950``; ``−$1.2M`` when negative."""
    v = _num(x)
    if v is None:
        return DASH
    a = abs(v)
    if a >= 1e9:
        body = f"${a / 1e9:,.2f}B"
    elif a >= 1e6:
        body = f"${a / 1e6:,.{digits}f}M"
    elif a >= 1e3:
        body = f"${a / 1e3:,.0f}k"
    else:
        body = f"${a:,.0f}"
    return _signed(v, body)


def money_exact(x: Any) -> str:
    """Whole dollars with thousands separators: ``$12,345,678``."""
    v = _num(x)
    if v is None:
        return DASH
    return _signed(v, f"${abs(v):,.0f}")


def unit_price(x: Any) -> str:
    """A price a unit: cents below $100 (``$5.87``), whole dollars above (``$1,250``)."""
    v = _num(x)
    if v is None:
        return DASH
    return _signed(v, f"${abs(v):,.2f}" if abs(v) < 100 else f"${abs(v):,.0f}")


def units(x: Any) -> str:
    """Whole units with thousands separators: ``48,715``."""
    v = _num(x)
    if v is None:
        return DASH
    return _signed(v, f"{abs(v):,.0f}")


def pct(x: Any, digits: int = 1) -> str:
    """A fraction as a percentage: ``0.833`` → ``83.3%``."""
    v = _num(x)
    if v is None:
        return DASH
    return _signed(v, f"{abs(v) * 100:.{digits}f}%")


def signed_pct(x: Any, digits: int = 1) -> str:
    """A fraction as a signed percentage: ``0.09`` → ``+9.0%``, ``-0.02`` → ``−2.0%``."""
    v = _num(x)
    if v is None:
        return DASH
    text = pct(v, digits)
    return text if text.startswith(MINUS) else f"+{text}"


def pp(x: Any, digits: int = 1, *, unit: bool = True) -> str:
    """Percentage points, signed (the value is already in points): ``+3.8 pp``; ``+3.8``
    with ``unit=False`` (a column whose header says "points")."""
    v = _num(x)
    if v is None:
        return DASH
    body = f"{abs(v):.{digits}f}" + (" pp" if unit else "")
    out = _signed(v, body)
    return out if out.startswith(MINUS) else f"+{out}"


def points(x: Any, digits: int = 1) -> str:
    """Percentage points without a sign, for a sentence that says better or worse:
    ``-3.8`` → ``3.8 pp``."""
    v = _num(x)
    if v is None:
        return DASH
    return f"{abs(v):.{digits}f} pp"


def metric(x: Any, kind: str) -> str:
    """A metric by its kind: ``pct``, ``pct_signed``, ``money`` or ``units``."""
    if kind == "money":
        return money(x)
    if kind == "pct_signed":
        return signed_pct(x)
    if kind == "units":
        return units(x)
    return pct(x)
