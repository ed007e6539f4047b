"""Vectorised parsers for the month and date cells of planning-data files.

They work as :mod:`sop_tui.data.cells`' parsers do (trimmed text in, a :class:`Parsed` out, the
well-formed majority parsed by whole-column operations, bad cells worded one distinct text at a
time).

Months are ``YYYY-MM``. A full ISO date is accepted in a month column only when its day is 1
(``2026-01-01``, optionally with a midnight time): databases often store a month as its first day,
while any other day is more likely a date put in the wrong column. Dates are ``YYYY-MM-DD``
(an ISO time, if present, is dropped: dates are normalised to midnight). Anything that looks like
an Excel date serial (``45627``) is refused with the date it would be, because a serial means the
exporting sheet lost the cell's date format and the file's other values deserve a second look.
"""

from __future__ import annotations

import re
from datetime import datetime

import numpy as np
import pandas as pd

from sop_tui.data.cells import Parsed, no_errors

#: What a person is told the accepted forms are.
MONTH_FORM = "YYYY-MM (e.g. 2026-01)"
DATE_FORM = "YYYY-MM-DD (e.g. 2026-01-31)"

#: Excel's day zero in the 1900 date system (the 1900 leap-year bug makes it the 30th, not 31st).
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
# Serials this size are dates between 1954 and 2119: a plausible planning date, so almost surely a
# date cell that lost its format. Smaller or larger numbers get the plain "expected" message.
_SERIAL_MIN, _SERIAL_MAX = 20_000, 80_000

_ISO_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?")
_YEAR_MONTH_RE = re.compile(r"(\d{4})-(\d{1,2})")
_SERIAL_RE = re.compile(r"\d{5}(?:\.\d+)?")
# Month spellings we recognise only to suggest the right form, never to accept.
_MONTH_HINT_FORMATS = (
    "%Y-%m",
    "%Y/%m",
    "%Y%m",
    "%b-%y",
    "%b %Y",
    "%b-%Y",
    "%B %Y",
    "%m/%Y",
    "%Y.%m",
)


def excel_serial_date(serial: float) -> pd.Timestamp:
    """The date an Excel (1900 date system) serial number stands for."""
    return EXCEL_EPOCH + pd.Timedelta(days=int(serial))


def _serial_rule(cell: str, what: str) -> str | None:
    if not _SERIAL_RE.fullmatch(cell):
        return None
    serial = float(cell)
    if not _SERIAL_MIN <= serial <= _SERIAL_MAX:
        return None
    date = excel_serial_date(serial)
    return (
        f"looks like an Excel date serial ({cell} is {date:%Y-%m-%d}); "
        f"format the column as text and write {what}"
    )


def _month_rule(cell: str) -> str:
    """Word why ``cell`` is not a month (only called on cells the fast path refused)."""
    if cell == "":
        return "required"
    serial = _serial_rule(cell, MONTH_FORM)
    if serial:
        return serial
    m = _ISO_DATE_RE.fullmatch(cell)
    if m:
        month = int(m.group(2))
        if not 1 <= month <= 12:
            return f"there is no month {month}; expected {MONTH_FORM}"
        return (
            "a date, not a month (only the 1st of a month reads as its month); "
            f"expected {MONTH_FORM}"
        )
    m = _YEAR_MONTH_RE.fullmatch(cell)
    if m and not 1 <= int(m.group(2)) <= 12:
        return f"there is no month {int(m.group(2))}; expected {MONTH_FORM}"
    for fmt in _MONTH_HINT_FORMATS:
        try:
            guess = datetime.strptime(cell, fmt)
        except ValueError:
            continue
        return f"expected {MONTH_FORM}: write {guess:%Y-%m}"
    return f"not a month; expected {MONTH_FORM}"


def parse_month(cells: pd.Series, typed_datetime: pd.Series | None = None) -> Parsed:
    """Parse a month column to ``period[M]``.

    Accepts ``YYYY-MM`` and, for the first day of a month only, ``YYYY-MM-01`` (optionally with a
    midnight time). Refuses everything else with the expected form, naming Excel date serials and
    recognisable other spellings (``Jan-26``, ``2026/01``, ``202601``) with what to write instead.

    Args:
        cells: trimmed cell text.
        typed_datetime: optional boolean mask of cells that came typed as dates (an XLSX datetime
            cell, written ``YYYY-MM-DD...``): these are accepted as their month whatever the day.

    Returns:
        ``period[M]`` values (NaT where bad) and the broken rules.
    """
    text = cells
    if typed_datetime is not None and typed_datetime.any():
        text = cells.where(~typed_datetime.to_numpy(dtype=bool), cells.str.slice(0, 7))
    # Fast path: exactly YYYY-MM (the length check stops strptime accepting "2026-1").
    ok = (text.str.len() == 7).to_numpy(dtype=bool)
    stamps = pd.to_datetime(text.where(ok, ""), format="%Y-%m", errors="coerce")
    good = stamps.notna().to_numpy()
    rest = np.flatnonzero(~good)
    errors = no_errors(cells)
    if len(rest):
        # Worded once per distinct text: a whole column in the wrong form has few distinct
        # months, so a bad 100k-row file costs little more than a good one.
        sub = text.iloc[rest]
        accepted: dict[str, pd.Timestamp] = {}
        rules: dict[str, str] = {}
        for cell in pd.unique(sub):
            m = _ISO_DATE_RE.fullmatch(cell)
            if m and m.group(3) == "01" and all(g in (None, "00") for g in m.group(4, 5, 6)):
                try:
                    accepted[cell] = pd.Timestamp(int(m.group(1)), int(m.group(2)), 1)
                    continue
                except ValueError:
                    pass
            rules[cell] = _month_rule(cell)
        if accepted:
            fixed = sub.map(accepted)
            ok_now = fixed.notna().to_numpy()
            stamps = stamps.copy()
            stamps.iloc[rest[ok_now]] = pd.to_datetime(fixed[ok_now]).to_numpy()
        errors[rest] = sub.map(lambda c: rules.get(c, "")).to_numpy(dtype=object)
    values = stamps.dt.to_period("M")
    return Parsed(values, pd.Series(errors, index=cells.index))


def _date_rule(cell: str) -> str:
    if cell == "":
        return "required"
    serial = _serial_rule(cell, DATE_FORM)
    if serial:
        return serial
    if _ISO_DATE_RE.fullmatch(cell):
        return f"there is no such date; expected {DATE_FORM}"
    return f"not a date; expected {DATE_FORM}"


def parse_date(cells: pd.Series, typed_datetime: pd.Series | None = None) -> Parsed:
    """Parse a date column to ``datetime64[ns]`` at midnight.

    Accepts ``YYYY-MM-DD``, optionally followed by an ISO time (dropped). Refuses day-first or
    month-first forms (``01/02/2026`` is ambiguous) and Excel date serials.

    Args:
        cells: trimmed cell text.
        typed_datetime: accepted for symmetry with :func:`parse_month`; typed XLSX dates are
            written ``YYYY-MM-DD...`` by the reader and need nothing special.

    Returns:
        ``datetime64[ns]`` values (NaT where bad) and the broken rules.
    """
    del typed_datetime  # typed dates already arrive in ISO form
    head = cells.str.slice(0, 10)
    ok = (
        (head.str.len() == 10)
        & ((cells.str.len() == 10) | cells.str.slice(10, 11).isin(["T", " "]))
    ).to_numpy(dtype=bool)
    stamps = pd.to_datetime(head.where(ok, ""), format="%Y-%m-%d", errors="coerce")
    good = stamps.notna().to_numpy(copy=True)
    # Whatever follows the date must be a well-formed ISO time.
    timed = good & (cells.str.len() > 10).to_numpy(dtype=bool)
    if timed.any():
        well = cells[timed].map(lambda c: _ISO_DATE_RE.fullmatch(c) is not None).to_numpy(bool)
        idx = np.flatnonzero(timed)[~well]
        good[idx] = False
    errors = no_errors(cells)
    bad = np.flatnonzero(~good)
    if len(bad):
        sub = cells.iloc[bad]
        rules = {cell: _date_rule(cell) for cell in pd.unique(sub)}
        errors[bad] = sub.map(rules).to_numpy(dtype=object)
    values = stamps.where(good).astype("datetime64[ns]").dt.normalize()
    return Parsed(values, pd.Series(errors, index=cells.index))
