"""Vectorised cell parsers for planning-data files: codes, text, choices and numbers.

Every parser takes a ``pandas.Series`` of *trimmed* cell text (object or ``str`` dtype, ``""`` for
an empty cell; the reader trims once for all columns) and returns a :class:`Parsed`: the parsed
values and, aligned with them, the rule each bad cell breaks (``""`` where the cell is fine).

The well-formed majority of cells is parsed with whole-column pandas operations; only the cells
that fail the fast path (normally the few bad ones) are looked at one by one, to word a precise
message. So the cost of a file is a handful of vectorised passes per column, not a loop per cell.
Months and dates are parsed the same way, in :mod:`sop_tui.data.date_cells`.

Numbers need one decision per file -- decimal point or decimal comma -- made from all its number
cells together (:func:`read_numbers`, :func:`decide_convention`, :func:`parse_number`):
``"1,234.5"``, ``"12.5"`` or ``"1,234,567"`` can only be decimal-point numbers; ``"1.234,5"``,
``"12,5"`` or ``"1.234.567"`` only decimal-comma ones; ``"1,234"`` and ``"1.234"`` are ambiguous
(1234 or 1.234) and are refused when nothing else in the file decides. Thousands may also be
grouped with spaces (including no-break and thin spaces) or apostrophes. Exponents (``1.5e3``) are
read in the decimal-point convention only.

"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

Convention = Literal["dot", "comma"]

_GROUP = "[ \u00a0\u2009\u202f']"  # thousands separators that never mean a decimal mark
_DOT_RE = re.compile(
    r"[+-]?(?:"
    r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"  # 1234, 1234.5, .5, 1.5e3
    r"|[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?"  # 1,234 / 1,234.5
    rf"|[1-9]\d{{0,2}}(?:{_GROUP}\d{{3}})+(?:\.\d+)?"  # 1 234 / 1 234.5
    r")"
)
_COMMA_RE = re.compile(
    r"[+-]?(?:"
    r"\d+(?:,\d*)?|,\d+"  # 1234, 1234,5, ,5
    r"|[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?"  # 1.234 / 1.234,5
    rf"|[1-9]\d{{0,2}}(?:{_GROUP}\d{{3}})+(?:,\d+)?"  # 1 234 / 1 234,5
    r")"
)
_GROUP_CHARS_RE = r"[ \u00a0\u2009\u202f']"
_NONFINITE_RE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)


@dataclass(frozen=True)
class Parsed:
    """The result of parsing one column.

    Attributes:
        values: the parsed values (missing -- ``NaN``, ``NaT`` or ``""`` -- where a cell is bad).
        errors: object Series aligned with ``values``: the rule a bad cell breaks, ``""`` if fine.
    """

    values: pd.Series
    errors: pd.Series

    @property
    def bad(self) -> pd.Series:
        """Boolean mask of the cells that break a rule."""
        return self.errors != ""


def no_errors(cells: pd.Series) -> np.ndarray:
    """An object array of ``""`` aligned with ``cells``: no cell breaks a rule (yet)."""
    return np.full(len(cells), "", dtype=object)


def _as_object(values: pd.Series) -> pd.Series:
    # The frame conventions say code and text columns are object dtype holding str.
    return values.astype(object)


# --------------------------------------------------------------------------- codes, text, choices


def parse_code(cells: pd.Series, *, allow_blank: bool = False) -> Parsed:
    """Parse a code column (SKU, family, resource): the text as it is, leading zeros and all.

    ``"NA"``, ``"N/A"``, ``"null"`` and ``"None"`` are codes like any other (``NA`` is North
    America); only an empty cell is missing.

    Args:
        cells: trimmed cell text.
        allow_blank: whether an empty cell is allowed (else it breaks the rule ``required``).

    Returns:
        Values as object-dtype str; errors ``"required"`` on empty cells unless allowed.
    """
    errors = no_errors(cells)
    if not allow_blank:
        errors[(cells == "").to_numpy()] = "required"
    return Parsed(_as_object(cells), pd.Series(errors, index=cells.index))


def parse_text(cells: pd.Series, *, allow_blank: bool = False) -> Parsed:
    """Parse a free-text column; same rules as :func:`parse_code`."""
    return parse_code(cells, allow_blank=allow_blank)


def parse_choice(cells: pd.Series, choices: Sequence[str], *, allow_blank: bool = False) -> Parsed:
    """Parse a choice column: one of ``choices``, matched case-insensitively.

    Spaces and hyphens inside a value count as underscores, so ``"Phase out"`` and
    ``"phase-out"`` both read as ``phase_out``.

    Args:
        cells: trimmed cell text.
        choices: the allowed values, in the order the message lists them.
        allow_blank: whether an empty cell is allowed.

    Returns:
        Values as the canonical choice (object-dtype str, ``""`` where bad); errors name the
        allowed values.
    """
    ok = cells.isin(list(choices)).to_numpy(copy=True)
    normal = cells.copy()
    if not ok.all():
        # Only the cells not already canonical pay for normalising.
        fixed = cells[~ok].str.lower().str.replace(r"[\s\-]+", "_", regex=True)
        normal[~ok] = fixed.to_numpy()
        ok[~ok] = fixed.isin(list(choices)).to_numpy()
    empty = (cells == "").to_numpy()
    errors = no_errors(cells)
    errors[~ok & ~empty] = "must be one of: " + ", ".join(choices)
    if not allow_blank:
        errors[empty] = "required"
    values = normal.where(ok, "")
    return Parsed(_as_object(values), pd.Series(errors, index=cells.index))


# --------------------------------------------------------------------------------------- numbers


@dataclass(frozen=True)
class NumberReadings:
    """A number column read both ways, before the file's convention is known.

    Attributes:
        as_dot: the value read with a decimal point (``,`` or space groups thousands), else NaN.
        as_comma: the value read with a decimal comma (``.`` or space groups thousands), else NaN.
    """

    as_dot: pd.Series
    as_comma: pd.Series

    @property
    def votes_dot(self) -> pd.Series:
        """Cells that only make sense with a decimal point (``1,234.5``, ``12.5``)."""
        return self.as_dot.notna() & self.as_comma.isna()

    @property
    def votes_comma(self) -> pd.Series:
        """Cells that only make sense with a decimal comma (``1.234,5``, ``12,5``)."""
        return self.as_comma.notna() & self.as_dot.isna()

    @property
    def ambiguous(self) -> pd.Series:
        """Cells valid both ways with different values (``1,234``: 1234 or 1.234)."""
        return self.as_dot.notna() & self.as_comma.notna() & (self.as_dot != self.as_comma)


def _reading(cells: pd.Series, pattern: re.Pattern[str], decimal: str) -> pd.Series:
    """Values of the cells that match ``pattern`` with ``decimal`` as the decimal mark."""
    out = pd.Series(np.nan, index=cells.index, dtype="float64")
    match = cells.str.fullmatch(pattern).to_numpy(dtype=bool)
    if not match.any():
        return out
    sub = cells[match]
    group = "," if decimal == "." else "."
    # Only strip what this reading treats as grouping; skip the work when no cell has any.
    if sub.str.contains(group, regex=False).any():
        sub = sub.str.replace(group, "", regex=False)
    if sub.str.contains(_GROUP_CHARS_RE, regex=True).any():
        sub = sub.str.replace(_GROUP_CHARS_RE, "", regex=True)
    if decimal == ",":
        sub = sub.str.replace(",", ".", regex=False)
    out[match] = pd.to_numeric(sub, errors="coerce").to_numpy(dtype="float64")
    return out


def read_numbers(cells: pd.Series, typed: pd.Series | None = None) -> NumberReadings:
    """Read a number column both ways (decimal point and decimal comma).

    Args:
        cells: trimmed cell text.
        typed: optional boolean mask of cells that came typed as numbers (an XLSX numeric cell,
            written as Python's ``repr``): they read the same either way and never vote.

    Returns:
        The two readings; see :class:`NumberReadings`.
    """
    as_dot = pd.Series(np.nan, index=cells.index, dtype="float64")
    as_comma = pd.Series(np.nan, index=cells.index, dtype="float64")
    # Fast path: what pandas' own parser reads (plain decimal-point numbers, no separators) is
    # the bulk of most files. Such a cell reads the same with a decimal comma when it has no
    # "." and no exponent; with a "." it reads as a dot-grouped integer only in the 1.234 shape.
    v = pd.to_numeric(cells, errors="coerce").to_numpy(dtype="float64")
    simple = np.isfinite(v)
    if simple.any():
        text = cells.to_numpy(dtype=str)
        has_dot = np.strings.find(text, ".") >= 0
        has_e = (np.strings.find(text, "e") >= 0) | (np.strings.find(text, "E") >= 0)
        as_dot[simple] = v[simple]
        same = simple & ~has_dot & ~has_e
        if typed is not None:
            same |= simple & typed.to_numpy(dtype=bool)
        as_comma[same] = v[same]
        grouped = (
            simple & ~same & ~has_e & (np.strings.str_len(text) - np.strings.rfind(text, ".") == 4)
        )
        if grouped.any():
            as_comma[grouped] = _reading(cells[grouped], _COMMA_RE, ",").to_numpy()
    rest = ~simple
    if rest.any():
        sub = cells[rest]
        as_dot[rest] = _reading(sub, _DOT_RE, ".").to_numpy()
        as_comma[rest] = _reading(sub, _COMMA_RE, ",").to_numpy()
    return NumberReadings(as_dot, as_comma)


def decide_convention(readings: Iterable[NumberReadings]) -> Convention | None:
    """Decide a file's decimal convention from all its number columns.

    Returns ``"dot"`` or ``"comma"`` by majority of the cells that only make sense one way
    (a tie goes to the decimal point), or ``None`` when no cell decides.
    """
    dot = comma = 0
    for r in readings:
        dot += int(r.votes_dot.sum())
        comma += int(r.votes_comma.sum())
    if dot == 0 and comma == 0:
        return None
    return "comma" if comma > dot else "dot"


def _min_rule(min_value: float) -> str:
    if min_value == 0:
        return "must not be negative"
    return f"must be at least {min_value:g}"


def _number_rule(
    cell: str,
    i: int,
    readings: NumberReadings,
    values: pd.Series,
    other: pd.Series,
    convention: Convention | None,
) -> str:
    """Word why cell ``i`` (refused by :func:`parse_number`) is not a number of this file."""
    if cell == "":
        return "required"
    dot, comma = readings.as_dot.iat[i], readings.as_comma.iat[i]
    if convention is None and not np.isnan(dot) and not np.isnan(comma) and dot != comma:
        return (
            f"ambiguous: {dot:g} with a thousands separator or {comma:g} with a decimal comma, "
            "and no other number in the file decides; write it without a thousands separator"
        )
    if _NONFINITE_RE.fullmatch(cell) or not np.isnan(values.iat[i]):
        return "not a finite number (NaN and infinity are not allowed)"
    if convention is not None and not np.isnan(other.iat[i]):
        if convention == "comma":
            return "written with a decimal point, but the rest of the file uses decimal commas"
        return "written with a decimal comma, but the rest of the file uses decimal points"
    return "not a number"


def parse_number(
    cells: pd.Series,
    readings: NumberReadings,
    convention: Convention | None,
    *,
    min_value: float | None = 0.0,
    allow_blank: bool = False,
) -> Parsed:
    """Parse a number column under the file's decimal convention.

    Args:
        cells: trimmed cell text (the same cells ``readings`` was made from).
        readings: from :func:`read_numbers`.
        convention: from :func:`decide_convention`; ``None`` when nothing in the file decides,
            in which case ambiguous cells (``1,234``) are refused.
        min_value: the smallest allowed value, or ``None`` for no lower bound.
        allow_blank: whether an empty cell is allowed (it reads as NaN).

    Returns:
        float64 values (NaN where bad) and the broken rules.
    """
    if convention == "comma":
        values, other = readings.as_comma, readings.as_dot
    else:
        values, other = readings.as_dot, readings.as_comma
    values = values.copy()
    errors = no_errors(cells)
    bad = values.isna().to_numpy(copy=True)
    if convention is None:
        ambiguous = readings.ambiguous.to_numpy()
        values[ambiguous] = np.nan
        bad |= ambiguous
    v = values.to_numpy()
    bad |= np.isinf(v)
    if bad.any():
        idx = np.flatnonzero(bad)
        # A cell's rule depends only on its text (and the file's convention): word each distinct
        # text once, so a column of one repeated bad value costs one message, not one per row.
        codes, uniq = pd.factorize(cells.iloc[idx])
        _, first = np.unique(codes, return_index=True)
        rules = np.array(
            [
                _number_rule(cell, idx[f], readings, values, other, convention)
                for cell, f in zip(uniq, first, strict=True)
            ],
            dtype=object,
        )
        errors[idx] = rules[codes]
        if allow_blank:
            errors[idx[(cells.iloc[idx] == "").to_numpy()]] = ""
        values[bad] = np.nan
    if min_value is not None:
        below = (values < min_value).to_numpy()
        errors[below] = _min_rule(min_value)
    return Parsed(values.astype("float64"), pd.Series(errors, index=cells.index))
