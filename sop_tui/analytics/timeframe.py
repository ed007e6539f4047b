"""Time helpers shared by the analytics: cycles, measurement windows and lag arithmetic.

The project's time rules (DESIGN.md, "Analytics"):

- cycle ``C`` is run with actuals complete through month ``C-1``; its forecasts start at ``C``;
- the lag-``k`` forecast for month ``T`` is the one made in cycle ``T-k``;
- the naive forecast made in cycle ``C`` (for any month it covers) is the actual of ``C-1``;
- the default measurement window is the 12 complete months before the cycle, ``C-12 .. C-1``.

Months and cycles are ``pandas.Period`` values with monthly frequency. For speed the analytics
work on *month ordinals* (``Period.ordinal``: months since 1970-01) rather than on Period objects;
:func:`ordinals` and :func:`from_ordinals` convert between the two without Python loops.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

MONTH = "M"

MonthLike: TypeAlias = pd.Period | str | _dt.date | pd.Timestamp


def as_month(value: MonthLike | Any) -> pd.Period:
    """Return ``value`` as a monthly ``Period``.

    Args:
        value: a ``Period``, a ``"YYYY-MM"`` string, a date or a timestamp.

    Raises:
        ValueError: when the value cannot be read as a month.
    """
    if isinstance(value, pd.Period):
        return value.asfreq(MONTH) if value.freqstr != MONTH else value
    try:
        return pd.Period(value, freq=MONTH)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not a month (expected YYYY-MM): {value!r}") from exc


def window(cycle: MonthLike, months: int = 12) -> pd.PeriodIndex:
    """The measurement window of a cycle: the ``months`` complete months before it.

    Args:
        cycle: the cycle ``C``.
        months: the window length (default 12).

    Returns:
        The months ``C-months .. C-1``, oldest first.
    """
    if months < 1:
        raise ValueError(f"window must be at least one month, got {months}")
    c = as_month(cycle)
    return pd.period_range(c - months, c - 1, freq=MONTH)


def trailing(through: MonthLike, months: int = 12) -> pd.PeriodIndex:
    """The ``months`` months ending with (and including) ``through``, oldest first."""
    if months < 1:
        raise ValueError(f"trailing window must be at least one month, got {months}")
    t = as_month(through)
    return pd.period_range(t - (months - 1), t, freq=MONTH)


def horizon(start: MonthLike, months: int = 12) -> pd.PeriodIndex:
    """The ``months`` months starting with ``start`` (a forecast horizon), oldest first."""
    if months < 1:
        raise ValueError(f"horizon must be at least one month, got {months}")
    s = as_month(start)
    return pd.period_range(s, s + (months - 1), freq=MONTH)


def cycles_back(cycle: MonthLike, count: int = 12) -> pd.PeriodIndex:
    """The last ``count`` cycles ending with ``cycle`` (``C-count+1 .. C``), oldest first."""
    return trailing(cycle, count)


def forecast_cycle(month: MonthLike, lag: int = 1) -> pd.Period:
    """The cycle whose forecast is the lag-``lag`` forecast of ``month`` (``T - lag``)."""
    return as_month(month) - lag


def lag_between(cycle: MonthLike, month: MonthLike) -> int:
    """How many months ahead of its cycle a forecast month lies (``T - C``)."""
    return int(as_month(month).ordinal - as_month(cycle).ordinal)


def naive_source_month(month: MonthLike, lag: int = 1) -> pd.Period:
    """The month whose actual is the naive lag-``lag`` forecast of ``month``.

    The naive forecast made in cycle ``C`` is the actual of ``C-1``; the lag-``k`` forecast of
    ``T`` is made in cycle ``T-k``; so it is the actual of ``T-k-1``.
    """
    return as_month(month) - (lag + 1)


def ordinals(values: pd.Series | pd.Index | pd.api.extensions.ExtensionArray) -> np.ndarray:
    """Month ordinals (int64, months since 1970-01) of a ``period[M]`` column, vectorised.

    Accepts a period column as the frame conventions promise; a column of ``"YYYY-MM"`` strings
    is converted first, so hand-built frames in tests and scripts work too.
    """
    arr = values.array if isinstance(values, (pd.Series, pd.Index)) else values
    if not isinstance(getattr(arr, "dtype", None), pd.PeriodDtype):
        arr = pd.PeriodIndex(pd.Index(values).astype(str), freq=MONTH).array
    elif arr.dtype.freq.freqstr != MONTH:
        arr = arr.asfreq(MONTH)
    return np.asarray(arr.asi8, dtype=np.int64)


def from_ordinals(values: np.ndarray | pd.Series) -> pd.PeriodIndex:
    """The inverse of :func:`ordinals`: a ``period[M]`` index from month ordinals."""
    return pd.PeriodIndex.from_ordinals(np.asarray(values, dtype=np.int64), freq=MONTH)
