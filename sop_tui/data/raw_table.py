"""A planning-data file's bytes split into trimmed text cells, before any column is read.

CSV (its encoding and delimiter found, :mod:`sop_tui.data.text`) or one XLSX sheet
(:mod:`sop_tui.data.xlsx`) becomes a :class:`RawTable`: the header, the body as text, each row's
file line and, for a workbook, which cells came typed as numbers or dates. Blank lines are
dropped, cells trimmed, a cell over the length limit refuses the file (:class:`FileProblem`).
Validating the columns is :mod:`sop_tui.data.reader`'s job.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sop_tui.data.problems import FileProblem
from sop_tui.data.text import decode, sniff_delimiter, split_fast, split_slow, trim_text
from sop_tui.settings import Limits


@dataclass
class RawTable:
    """A file split into trimmed text cells, before any column is interpreted."""

    header: list[str]
    header_line: int
    body: pd.DataFrame  # object dtype, columns 0..width-1, trimmed text, "" where missing
    lines: np.ndarray  # int64, the file line of each body row
    nfields: np.ndarray  # int64, the cells each body row had in the file
    typed: np.ndarray | None  # int8 (rows x width) for XLSX: 1 number, 2 datetime, else 0
    short_rows_ok: bool  # XLSX rows simply end early; CSV rows must have every cell

    @property
    def rows(self) -> int:
        """The number of data rows (blank lines not counted)."""
        return len(self.body)


def load_raw(data: bytes, *, xlsx: bool, sheet: str | None, limits: Limits,
             notes: list[str]) -> RawTable:
    """Split a file's bytes into a :class:`RawTable`, adding what a person should know to
    ``notes``.

    Raises:
        FileProblem: the file cannot be read as a table (empty, an old .xls, over a limit).
    """
    if not data:
        raise FileProblem("the file is empty")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem("an old-style Excel .xls workbook; save it as .xlsx or CSV UTF-8")
    if data.startswith(b"PK\x03\x04"):
        if not xlsx:
            notes.append("the file is an Excel workbook despite its name; read as XLSX")
        return _load_xlsx(data, sheet, limits, notes)
    if xlsx:
        raise FileProblem("not an XLSX workbook (the file is not a zip archive)")
    return _load_csv(data, limits, notes)


def _load_csv(data: bytes, limits: Limits, notes: list[str]) -> RawTable:
    text, raw_bytes = decode(data, notes)
    if not text.strip():
        raise FileProblem("the file is empty (only blank lines)")
    delim = sniff_delimiter(text)
    if delim != ",":
        notes.append(f"delimiter {'tab' if delim == chr(9) else repr(delim)}")
    lone_cr = "\r" in text and text.count("\r") != text.count("\r\n")
    table = None
    if '"' not in text and not lone_cr:
        # Trimming the text once is far cheaper than trimming every cell afterwards.
        table = split_fast(trim_text(text, delim), raw_bytes, delim)
    trimmed = table is not None
    if table is None:
        table = split_slow(text, delim)
    cells, lines, nfields = table
    return _finish(limits, notes, cells, lines, nfields, typed=None, short_rows_ok=False,
                   trimmed=trimmed)


def _load_xlsx(data: bytes, sheet: str | None, limits: Limits, notes: list[str]) -> RawTable:
    # openpyxl (through xlsx) is slow to import and only workbooks need it
    from sop_tui.data.xlsx import read_sheet

    sheet_rows = read_sheet(data, sheet, limits=limits, notes=notes)
    rows, types = sheet_rows.rows, sheet_rows.types
    if not rows:
        raise FileProblem("the sheet is empty")
    width = max(len(r) for r in rows)
    counts = np.zeros(len(rows), dtype=np.int64)
    for i, r in enumerate(rows):
        # A row's length is up to its last non-empty cell: trailing empties are formatting.
        n = len(r)
        while n and r[n - 1] == "":
            n -= 1
        counts[i] = n
        if len(r) < width:
            r.extend([""] * (width - len(r)))
            types[i].extend([0] * (width - len(types[i])))
    cells = pd.DataFrame(rows, columns=range(width), dtype=object)
    typed = np.asarray(types, dtype=np.int8).reshape(len(rows), width)
    lines = np.asarray(sheet_rows.lines, dtype=np.int64)
    return _finish(limits, notes, cells, lines, counts, typed=typed, short_rows_ok=True,
                   blank_dropped=sheet_rows.blank_dropped)


def _finish(
    limits: Limits,
    notes: list[str],
    cells: pd.DataFrame,
    lines: np.ndarray,
    nfields: np.ndarray,
    *,
    typed: np.ndarray | None,
    short_rows_ok: bool,
    trimmed: bool = False,
    blank_dropped: int = 0,
) -> RawTable:
    """Trim, refuse over-long cells, drop blank lines, take the header off."""
    if not trimmed:
        for c in cells.columns:
            cells[c] = cells[c].str.strip()
    _check_lengths(limits, cells, lines)
    blank = (cells == "").all(axis=1).to_numpy()
    keep = np.flatnonzero(~blank)
    if not len(keep):
        raise FileProblem("the file is empty (only blank lines)")
    head = keep[0]
    body_rows = keep[1:]
    skipped = int(blank[head + 1 :].sum()) + blank_dropped
    if skipped:
        notes.append(f"{skipped} blank line{'s' if skipped > 1 else ''} skipped")
    header = [str(v) for v in cells.iloc[head].tolist()]
    body = cells.iloc[body_rows].reset_index(drop=True)
    return RawTable(
        header=header,
        header_line=int(lines[head]),
        body=body,
        lines=lines[body_rows],
        nfields=nfields[body_rows],
        typed=None if typed is None else typed[body_rows],
        short_rows_ok=short_rows_ok,
    )


def _check_lengths(limits: Limits, cells: pd.DataFrame, lines: np.ndarray) -> None:
    """Refuse the file at its first cell longer than the limit (a cell of megabytes would
    be stored for good: the log is append-only)."""
    limit = limits.cell_chars
    for c in cells.columns:
        lengths = cells[c].str.len().to_numpy()
        over = np.flatnonzero(lengths > limit)
        if len(over):
            i = int(over[0])
            raise FileProblem(
                f"column {int(c) + 1} holds a cell of {int(lengths[i]):,} characters, over "
                f"the limit of {limit:,} ({limits.setting('cell_chars')} raises it)",
                line=int(lines[i]))
