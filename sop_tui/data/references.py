"""Checks across the rows of a file: duplicate keys, and references to other kinds.

- :func:`find_duplicates` reports every row whose key another row repeats, naming the others.
- :func:`check_references` reports cells naming an SKU or family the items do not know.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sop_tui.data.problems import CellError
from sop_tui.data.schema import KINDS, Kind

if TYPE_CHECKING:
    from sop_tui.data.reader import ReadResult

_MAX_OTHER_LINES = 5  # lines a duplicate-key message lists before "and N more"

# add(line, column order, column, value, rule): how validation records an error.
AddError = Callable[[int | None, int, str | None, str | None, str], None]


def check_references(
    result_or_frame: ReadResult | pd.DataFrame,
    kind: str,
    known: Mapping[str, set[str]],
    file: str,
) -> list[CellError]:
    """Report the cells that name something the other kinds do not know.

    Args:
        result_or_frame: a :class:`ReadResult` (its ``lines`` name the lines) or a frame of the
            kind; a frame's lines come from its ``_line`` column if it has one, else they are
            taken to be ``index + 2`` (a header line, then the rows in order).
        kind: the frame's kind; its ``schema`` references say which columns to check.
        known: the known values per ``"kind.column"`` target, e.g.
            ``{"items.sku": {...}, "items.family": {...}}``; a target not in ``known`` is not
            checked.
        file: the file name to put in the errors.

    Returns:
        One error per unknown cell (blank cells of an optional column are not checked), in line
        order; rule ``"unknown sku: not in items"``.
    """
    k = KINDS[kind]
    if not isinstance(result_or_frame, pd.DataFrame):  # a ReadResult
        frame = result_or_frame.frame
        lines = result_or_frame.lines.to_numpy()
    else:
        frame = result_or_frame
        if "_line" in frame.columns:
            lines = frame["_line"].to_numpy()
        else:
            lines = np.arange(len(frame)) + 2
    found: list[tuple[int, int, CellError]] = []
    for ref in k.references:
        target = f"{ref.kind}.{ref.target}"
        if target not in known or ref.column not in frame.columns:
            continue
        values = frame[ref.column]
        unknown = ~values.isin(known[target])
        if k.column(ref.column).allow_blank:
            unknown &= values != ""
        unknown &= values.notna()
        order = k.column_names.index(ref.column)
        for i in np.flatnonzero(unknown.to_numpy()):
            line = int(lines[i])
            rule = f"unknown {ref.column}: not in {ref.kind}"
            found.append((line, order, CellError(file, line, ref.column, str(values.iat[i]), rule)))
    found.sort(key=lambda t: (t[0], t[1]))
    return [e for _, _, e in found]


def find_duplicates(
    kind: Kind, frame: pd.DataFrame, lines: np.ndarray, bad_key: np.ndarray, add: AddError
) -> None:
    """Report each row whose (valid) key another row repeats, naming up to five others."""
    key = list(kind.key)
    if bad_key.all() or frame.empty:
        return
    valid = np.flatnonzero(~bad_key)
    keys = frame[key].iloc[valid]
    dup = keys.duplicated(keep=False).to_numpy()
    if not dup.any():
        return
    rows = valid[dup]
    sub = frame[key].iloc[rows]
    # Key text per row, column by column (a period prints as 2026-01).
    texts = [sub[k].astype(str).tolist() for k in key]
    gid = sub.groupby(key, sort=False, dropna=False).ngroup().to_numpy()
    order = np.argsort(gid, kind="stable")
    row_lines = lines[rows][order].tolist()
    bounds = np.flatnonzero(np.diff(gid[order])) + 1
    starts = [0, *bounds.tolist()]
    ends = [*bounds.tolist(), len(order)]
    order_list = order.tolist()
    for a, b in zip(starts, ends, strict=True):
        first = order_list[a]
        desc = ", ".join(f"{k}='{t[first]}'" for k, t in zip(key, texts, strict=True))
        group = row_lines[a:b]
        for line in group:
            others = [o for o in group if o != line]
            shown = ", ".join(str(o) for o in others[:_MAX_OTHER_LINES])
            if len(others) > _MAX_OTHER_LINES:
                shown += f" and {len(others) - _MAX_OTHER_LINES} more"
            where = "line" if len(others) == 1 else "lines"
            rule = f"duplicate key ({desc}): also on {where} {shown}"
            add(line, len(kind.columns), None, None, rule)
