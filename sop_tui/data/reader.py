"""Read a planning-data file (CSV or one XLSX sheet) into a validated frame and every error in it.

This is the pure half of an import: file in, :class:`ReadResult` out -- the frame shaped by the
contract in :mod:`sop_tui.data.schema` (columns in order, dtypes per the frame conventions) and
*all* the problems found, each a :class:`CellError` naming file, line, column, value and rule.
Storing the result (all or nothing, in the event log) is the importer's job, not this module's.

Public API:
    read_table(path, kind, *, sheet=None, limits=None) -> ReadResult
    check_references(result_or_frame, kind, known, file) -> list[CellError]
    kind_from_filename(path) -> str | None
    empty_frame(kind) -> DataFrame

Line numbers are the ones a person sees in the file or sheet: the header is line 1 (unless blank
lines precede it), the first data row line 2. ``ReadResult.lines`` holds each frame row's line,
aligned with the frame's index, so later checks (:func:`check_references`) can name lines too.

Reading choices worth knowing:
- Text is read as UTF-8 (with or without BOM), UTF-16 or UTF-32 (with a BOM or told by their
  NUL bytes), else as Windows-1252 -- what Excel's plain "CSV" writes on Windows -- with a note
  naming what was read (:mod:`sop_tui.data.text`).
- Bounds (:class:`~sop_tui.settings.Limits`): a workbook that unpacks beyond ``SOP_MAX_XLSX_MB``,
  hostile XML, a row wider than 64 columns and a cell longer than ``SOP_MAX_CELL_CHARS`` are
  refused as the file's problem, before anything is stored (:mod:`sop_tui.data.xlsx`).
- The delimiter is sniffed from the header line among ``,`` ``;`` and tab.
- Headers match case-insensitively after trimming; inner spaces and hyphens count as underscores
  (``Unit Price`` is ``unit_price``). Unknown columns are errors, so a misspelled optional column
  is never silently dropped.
- Blank lines (and lines of only delimiters or spaces) are skipped; cells are trimmed. A line with
  more cells than the header is an error unless the extra cells are empty (spreadsheets often
  write trailing delimiters); a CSV line with fewer cells is an error.
- XLSX cells come typed: a number in a code column becomes its integer text (``123``, not
  ``123.0``); a datetime in a month column is read as its month and in a date column as its date;
  a number in a month or date column is refused as an Excel date serial; numbers in number columns
  are taken as they are and play no part in deciding the decimal convention. Formulas give their
  cached values (a never-calculated formula reads as empty).
- The decimal convention (point or comma) is decided once per file from all its number cells
  (see :mod:`sop_tui.data.cells`), and a note says when decimal commas were read.

When ``errors`` is not empty, ``frame`` is a best-effort parse (bad cells missing, misshapen lines
left out) for showing context -- never for storing.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sop_tui.data import cells as C
from sop_tui.data import date_cells
from sop_tui.data.problems import CellError, FileProblem
from sop_tui.data.raw_table import RawTable, load_raw
from sop_tui.data.references import AddError, check_references, find_duplicates
from sop_tui.data.schema import KINDS, Column, Kind
from sop_tui.settings import Limits, LimitSettingError

__all__ = ["CellError", "ReadResult", "check_references", "empty_frame", "kind_from_filename",
           "read_table"]

#: File name endings read as XLSX; everything else is read as delimited text.
XLSX_SUFFIXES = (".xlsx", ".xlsm")
_KIND_SUFFIXES = (".csv", ".tsv", ".txt", *XLSX_SUFFIXES)
# the type codes of workbook cells (sop_tui.data.xlsx), repeated to keep openpyxl unimported
_TYPED_NUMBER, _TYPED_DATETIME = 1, 2


@dataclass(frozen=True, eq=False)
class ReadResult:
    """A file read against one kind of the contract.

    Attributes:
        kind: the kind the file was read as (a key of ``schema.KINDS``).
        path: the file read.
        frame: the data, shaped per the frame conventions (best effort when not ``ok``).
        errors: every problem found, file-level first, then by line and column.
        sha256: hex digest of the file's bytes (recognises the same file imported twice).
        rows: the number of data rows in the file (blank lines not counted).
        notes: things a person may want to know that are not errors.
        lines: the file line of each frame row, aligned with ``frame.index`` (int64).
    """

    kind: str
    path: Path
    frame: pd.DataFrame
    errors: tuple[CellError, ...]
    sha256: str
    rows: int
    notes: tuple[str, ...] = ()
    lines: pd.Series = field(default_factory=lambda: pd.Series([], dtype="int64"))

    @property
    def ok(self) -> bool:
        """True when the file has no errors and may be stored."""
        return not self.errors


# ------------------------------------------------------------------------------------ public API


def kind_from_filename(path: Path | str) -> str | None:
    """The kind a file's name says it holds, or ``None``.

    The stem is compared case-insensitively with spaces and hyphens as underscores, and may
    carry a suffix after a separator: ``Actuals.xlsx``, ``actuals.csv``, ``Demand Inputs.csv``
    and ``actuals_2026-01.csv`` are all recognised.

    Args:
        path: the file's path or name.

    Returns:
        A key of ``schema.KINDS``, or ``None`` if the name (or its extension) says nothing.
    """
    p = Path(path)
    if p.suffix.lower() not in _KIND_SUFFIXES:
        return None
    stem = re.sub(r"[\s\-]+", "_", p.stem.strip().lower())
    # Longest first, so a kind whose name starts with another's would still win.
    for name in sorted(KINDS, key=len, reverse=True):
        if stem == name or (stem.startswith(name) and not stem[len(name)].isalnum()):
            return name
    return None


def empty_frame(kind: str) -> pd.DataFrame:
    """An empty frame with the kind's columns and dtypes (the shape of a file with no rows)."""
    k = _kind(kind)
    return pd.DataFrame({c.name: _empty_series(c, 0) for c in k.columns})


def read_table(path: Path, kind: str, *, sheet: str | None = None,
               limits: Limits | None = None) -> ReadResult:
    """Read and validate one file as ``kind``, finding every error in one pass.

    Args:
        path: a CSV (or TSV) file, or an XLSX workbook.
        kind: a key of ``schema.KINDS``.
        sheet: for a workbook, the sheet to read (default: the first).
        limits: the bounds on a file (default: :meth:`Limits.from_env`); a file beyond them
            is refused with a file-level error naming the limit and its setting.

    Returns:
        The frame, every error, the file's sha256, its row count and notes.

    Raises:
        KeyError: ``kind`` is not a kind of the contract.
        OSError: the file cannot be read at all (missing, no permission).
    """
    k = _kind(kind)
    path = Path(path)
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    try:
        limits = limits or Limits.from_env()
    except LimitSettingError as exc:
        return _refused(k, path, digest, str(exc), None, [])
    reader = _Reader(path.name, k)
    try:
        raw = load_raw(data, xlsx=path.suffix.lower() in XLSX_SUFFIXES, sheet=sheet,
                       limits=limits, notes=reader.notes)
    except FileProblem as problem:
        return _refused(k, path, digest, problem.rule, problem.line, reader.notes)
    frame, lines, errors = reader.validate(raw)
    return ReadResult(
        kind=k.name,
        path=path,
        frame=frame,
        errors=tuple(errors),
        sha256=digest,
        rows=raw.rows,
        notes=tuple(reader.notes),
        lines=lines,
    )


# ------------------------------------------------------------------------------------- internals


def _refused(k: Kind, path: Path, digest: str, rule: str, line: int | None,
             notes: list[str]) -> ReadResult:
    """The result of a file that cannot be read as a table at all: one file-level error."""
    return ReadResult(kind=k.name, path=path, frame=empty_frame(k.name),
                      errors=(CellError(path.name, line, None, None, rule),), sha256=digest,
                      rows=0, notes=tuple(notes))


def _kind(kind: str) -> Kind:
    try:
        return KINDS[kind]
    except KeyError:
        raise KeyError(f"unknown kind {kind!r}; the kinds are: {', '.join(KINDS)}") from None


def _empty_series(col: Column, n: int) -> pd.Series:
    if col.type in ("number", "money"):
        return pd.Series(np.full(n, np.nan), dtype="float64")
    if col.type == "month":
        return pd.Series(pd.PeriodIndex([pd.NaT] * n, freq="M"))
    if col.type == "date":
        return pd.Series(np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"))
    return pd.Series([""] * n, dtype=object)


def _normal_header(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.replace("\ufeff", "").strip().lower())




class _Reader:
    """One read of one file: the notes of its loading, then its validation."""

    def __init__(self, file: str, kind: Kind) -> None:
        self.file = file
        self.kind = kind
        self.notes: list[str] = []

    def validate(self, raw: RawTable) -> tuple[pd.DataFrame, pd.Series, list[CellError]]:
        kind = self.kind
        errors: list[tuple[int, int, CellError]] = []  # (line, column order, error)

        def add(
            line: int | None, order: int, column: str | None, value: str | None, rule: str
        ) -> None:
            errors.append((line or 0, order, CellError(self.file, line, column, value, rule)))

        positions, header_width = self._match_header(raw, add)
        if raw.rows == 0:
            add(None, -1, None, None, "no data rows (the file has only its header)")

        # Lines whose cell count does not fit the header are reported once and left out.
        extra = np.zeros(raw.rows, dtype=bool)
        if raw.body.shape[1] > header_width:
            extra = (raw.body.iloc[:, header_width:] != "").any(axis=1).to_numpy()
        short = np.zeros(raw.rows, dtype=bool) if raw.short_rows_ok else raw.nfields < header_width
        misshapen = extra | short
        for i in np.flatnonzero(misshapen):
            n = int(raw.nfields[i])
            add(
                int(raw.lines[i]),
                -1,
                None,
                None,
                f"has {n} cell{'s' if n != 1 else ''}; the header has {header_width}",
            )
        ok_rows = np.flatnonzero(~misshapen)
        body = raw.body.iloc[ok_rows] if misshapen.any() else raw.body
        lines = raw.lines[ok_rows]
        typed = None if raw.typed is None else raw.typed[ok_rows]
        n = len(ok_rows)

        def cells_of(col: Column) -> pd.Series | None:
            pos = positions.get(col.name)
            if pos is None:
                return None
            return body[pos].reset_index(drop=True)

        def typed_of(col: Column, code: int) -> pd.Series | None:
            pos = positions.get(col.name)
            if typed is None or pos is None:
                return None
            return pd.Series(typed[:, pos] == code)

        # Numbers first, all together: the decimal convention is one decision per file.
        readings: dict[str, C.NumberReadings] = {}
        for col in kind.columns:
            cells = cells_of(col)
            if col.type in ("number", "money") and cells is not None:
                readings[col.name] = C.read_numbers(cells, typed_of(col, _TYPED_NUMBER))
        convention = C.decide_convention(readings.values())
        if convention == "comma":
            self.notes.append("decimal commas read as decimal points")

        out: dict[str, pd.Series] = {}
        bad_key = np.zeros(n, dtype=bool)
        for order, col in enumerate(kind.columns):
            cells = cells_of(col)
            if cells is None:
                out[col.name] = _empty_series(col, n)
                if col.name in kind.key and col.required:
                    bad_key[:] = True  # no duplicate check without the whole key
                continue
            parsed = self._parse(col, cells, readings.get(col.name), convention, typed_of)
            out[col.name] = parsed.values.reset_index(drop=True)
            bad = parsed.bad.to_numpy()
            if col.name in kind.key:
                bad_key |= bad
            where = np.flatnonzero(bad)
            texts = cells.to_numpy()[where]
            rules = parsed.errors.to_numpy()[where]
            for line, text, rule in zip(lines[where].tolist(), texts, rules, strict=True):
                add(line, order, col.name, text, rule)

        frame = pd.DataFrame(out, columns=list(kind.column_names))
        find_duplicates(self.kind, frame, lines, bad_key, add)
        errors.sort(key=lambda t: (t[0], t[1]))
        return frame, pd.Series(lines, dtype="int64"), [e for _, _, e in errors]

    def _parse(
        self,
        col: Column,
        cells: pd.Series,
        readings: C.NumberReadings | None,
        convention: C.Convention | None,
        typed_of: Callable[[Column, int], pd.Series | None],
    ) -> C.Parsed:
        if col.type in ("number", "money"):
            assert readings is not None  # read for every number column before parsing
            return C.parse_number(
                cells, readings, convention, min_value=col.min_value, allow_blank=col.allow_blank
            )
        if col.type == "month":
            return date_cells.parse_month(cells, typed_of(col, _TYPED_DATETIME))
        if col.type == "date":
            return date_cells.parse_date(cells)
        if col.type == "choice":
            return C.parse_choice(cells, col.choices, allow_blank=col.allow_blank)
        if col.type == "code":
            return C.parse_code(cells, allow_blank=col.allow_blank)
        return C.parse_text(cells, allow_blank=col.allow_blank)

    def _match_header(self, raw: RawTable, add: AddError) -> tuple[dict[str, int], int]:
        """Map the kind's column names to positions; report missing, unknown, repeated headers."""
        kind = self.kind
        line = raw.header_line
        names = [_normal_header(h) for h in raw.header]
        width = len(names)
        while width and names[width - 1] == "":
            width -= 1
        positions: dict[str, int] = {}
        unknown: list[int] = []
        expected = set(kind.column_names)
        for pos in range(width):
            name = names[pos]
            if name == "":
                if (raw.body[pos] != "").any():
                    add(line, -1, None, None, f"column {pos + 1} has no header but holds data")
                continue
            if name in positions:
                add(
                    line,
                    -1,
                    raw.header[pos],
                    None,
                    f"column appears twice (columns {positions[name] + 1} and {pos + 1})",
                )
                continue
            if name in expected:
                positions[name] = pos
            else:
                unknown.append(pos)
        unknown_names = {names[p]: p for p in unknown}
        suggested: set[str] = set()
        for order, col in enumerate(kind.columns):
            if col.name in positions or not col.required:
                continue
            close = difflib.get_close_matches(col.name, list(unknown_names), n=1, cutoff=0.6)
            rule = "column is missing"
            if close:
                suggested.add(close[0])
                rule += f"; found '{raw.header[unknown_names[close[0]]]}' — misspelled?"
            add(line, order - len(kind.columns), col.name, None, rule)
        absent = [c for c in kind.column_names if c not in positions]
        for pos in unknown:
            if names[pos] in suggested:
                continue
            close = difflib.get_close_matches(names[pos], absent, n=1, cutoff=0.6)
            if close:
                rule = f"unknown column; is it a misspelling of '{close[0]}'?"
            else:
                rule = (
                    f"unknown column (the columns of {kind.name} are: "
                    + ", ".join(kind.column_names)
                    + ")"
                )
            add(line, -1, raw.header[pos], None, rule)
        return positions, width
