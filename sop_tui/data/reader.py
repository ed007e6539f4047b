"""Read a planning-data file (CSV or one XLSX sheet) into a validated frame and every error in it.

This is the pure half of an import: file in, :class:`ReadResult` out -- the frame shaped by the
contract in :mod:`sop_tui.data.schema` (columns in order, dtypes per the frame conventions) and
*all* the problems found, each a :class:`CellError` naming file, line, column, value and rule.
Storing the result (all or nothing, in the event log) is the importer's job, not this module's.

Public API:
    read_table(path, kind, *, sheet=None) -> ReadResult
    check_references(result_or_frame, kind, known, file) -> list[CellError]
    kind_from_filename(path) -> str | None
    empty_frame(kind) -> DataFrame

Line numbers are the ones a person sees in the file or sheet: the header is line 1 (unless blank
lines precede it), the first data row line 2. ``ReadResult.lines`` holds each frame row's line,
aligned with the frame's index, so later checks (:func:`check_references`) can name lines too.

Reading choices worth knowing:
- CSV is UTF-8, with or without a byte-order mark; a UTF-16 file (with its BOM) is read too. A file
  that is not valid UTF-8 is read as Windows-1252 -- what Excel's plain "CSV" writes on Windows --
  with a note naming the first offending byte's offset; a file that is not even valid
  Windows-1252 is refused naming that offset.
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

import csv
import difflib
import hashlib
import io
import math
import re
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd

from sop_tui.data import cells as C
from sop_tui.data.schema import KINDS, Column, Kind

#: File name endings read as XLSX; everything else is read as delimited text.
XLSX_SUFFIXES = (".xlsx", ".xlsm")
_KIND_SUFFIXES = (".csv", ".tsv", ".txt", *XLSX_SUFFIXES)
_DELIMITERS = (",", ";", "\t")
_TYPED_NUMBER, _TYPED_DATETIME = 1, 2
_MAX_OTHER_LINES = 5  # lines a duplicate-key message lists before "and N more"


@dataclass(frozen=True)
class CellError:
    """One problem in a file.

    Attributes:
        file: the file's name (as the person knows it, e.g. ``actuals.csv``).
        line: the line (CSV) or row (XLSX) as a person sees it; ``None`` for file-level errors.
        column: the column's header, or ``None`` when the error is not about one column.
        value: the cell's text as read (trimmed), or ``None``.
        rule: what is wrong, worded for the person who fixes the file.
    """

    file: str
    line: int | None
    column: str | None
    value: str | None
    rule: str

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        text = ", ".join(where) + ": "
        if self.value is not None:
            text += f"'{self.value}' — "
        return text + self.rule


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


def read_table(path: Path, kind: str, *, sheet: str | None = None) -> ReadResult:
    """Read and validate one file as ``kind``, finding every error in one pass.

    Args:
        path: a CSV (or TSV) file, or an XLSX workbook.
        kind: a key of ``schema.KINDS``.
        sheet: for a workbook, the sheet to read (default: the first).

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
    reader = _Reader(path.name, k)
    try:
        raw = reader.load(data, xlsx=path.suffix.lower() in XLSX_SUFFIXES, sheet=sheet)
    except _FileProblem as problem:
        return ReadResult(
            kind=k.name,
            path=path,
            frame=empty_frame(k.name),
            errors=(CellError(path.name, problem.line, None, None, problem.rule),),
            sha256=digest,
            rows=0,
            notes=tuple(reader.notes),
        )
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
    k = _kind(kind)
    if isinstance(result_or_frame, ReadResult):
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


# ------------------------------------------------------------------------------------- internals


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


# add(line, column order, column, value, rule): how validation records an error.
_AddError = Callable[[int | None, int, str | None, str | None, str], None]


class _FileProblem(Exception):
    """The file cannot be read as a table at all (empty, not text, not a workbook...)."""

    def __init__(self, rule: str, line: int | None = None) -> None:
        super().__init__(rule)
        self.rule = rule
        self.line = line


@dataclass
class _Raw:
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
        return len(self.body)


class _Reader:
    """One read of one file: collects notes while loading, then validates."""

    def __init__(self, file: str, kind: Kind) -> None:
        self.file = file
        self.kind = kind
        self.notes: list[str] = []

    # ----------------------------------------------------------------------------- loading

    def load(self, data: bytes, *, xlsx: bool, sheet: str | None) -> _Raw:
        if not data:
            raise _FileProblem("the file is empty")
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise _FileProblem("an old-style Excel .xls workbook; save it as .xlsx or CSV UTF-8")
        if data.startswith(b"PK\x03\x04"):
            if not xlsx:
                self.notes.append("the file is an Excel workbook despite its name; read as XLSX")
            return self._load_xlsx(data, sheet)
        if xlsx:
            raise _FileProblem("not an XLSX workbook (the file is not a zip archive)")
        return self._load_csv(data)

    def _decode(self, data: bytes) -> tuple[str, bytes]:
        """The text, and bytes in which ASCII delimiters and newlines sit where they do in it."""
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
            self.notes.append("read as UTF-16 (the file has a UTF-16 byte-order mark)")
            return text, text.encode("utf-8")
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError as e2:
                raise _FileProblem(
                    f"not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start}) and not "
                    f"Windows-1252 either (offset {e2.start}); save it as CSV UTF-8"
                ) from None
            self.notes.append(
                f"not UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start}): "
                "read as Windows-1252; save it as CSV UTF-8 to be sure of accented text"
            )
        if "\x00" in text:
            raise _FileProblem("not a text file (it contains NUL bytes)")
        return text, data

    def _load_csv(self, data: bytes) -> _Raw:
        text, raw_bytes = self._decode(data)
        if not text.strip():
            raise _FileProblem("the file is empty (only blank lines)")
        delim = _sniff_delimiter(text)
        if delim != ",":
            self.notes.append(f"delimiter {'tab' if delim == chr(9) else repr(delim)}")
        lone_cr = "\r" in text and text.count("\r") != text.count("\r\n")
        table = None
        if '"' not in text and not lone_cr:
            # Trimming the text once is far cheaper than trimming every cell afterwards.
            table = _split_fast(_trim_text(text, delim), raw_bytes, delim)
        trimmed = table is not None
        if table is None:
            table = self._split_slow(text, delim)
        cells, lines, nfields = table
        return self._finish(cells, lines, nfields, typed=None, short_rows_ok=False, trimmed=trimmed)

    def _split_slow(self, text: str, delim: str) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
        """Split with the csv module: handles quotes and line breaks inside quoted cells."""
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
        rows: list[list[str]] = []
        starts: list[int] = []
        previous = 0
        try:
            for row in reader:
                rows.append(row)
                starts.append(previous + 1)
                previous = reader.line_num
        except csv.Error as e:
            raise _FileProblem(f"cannot split into cells: {e}", line=previous + 1) from None
        counts = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
        width = int(counts.max()) if len(rows) else 0
        padded = [r + [""] * (width - len(r)) if len(r) < width else r for r in rows]
        cells = pd.DataFrame(padded, columns=range(width), dtype=object)
        return cells, np.asarray(starts, dtype=np.int64), counts

    def _load_xlsx(self, data: bytes, sheet: str | None) -> _Raw:
        import openpyxl  # imported here: only workbooks need it, and it is slow to import
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as e:
            raise _FileProblem(f"not a readable XLSX workbook ({e})") from None
        try:
            if sheet is None:
                if not wb.worksheets:
                    raise _FileProblem("the workbook has no worksheet")
                ws = wb.worksheets[0]
            elif sheet in wb.sheetnames:
                ws = wb[sheet]
            else:
                raise _FileProblem(
                    f"no sheet named '{sheet}'; the sheets are: {', '.join(wb.sheetnames)}"
                )
            if len(wb.sheetnames) > 1:
                self.notes.append(f"read sheet '{ws.title}'")
            # Exporters often write wrong dimensions; reading to the end is the safe default.
            ws.reset_dimensions()
            rows: list[list[str]] = []
            types: list[list[int]] = []
            for row in ws.iter_rows(min_row=1, values_only=True):
                texts: list[str] = []
                kinds: list[int] = []
                for v in row:
                    t, kd = _xlsx_cell(v)
                    texts.append(t)
                    kinds.append(kd)
                rows.append(texts)
                types.append(kinds)
        finally:
            wb.close()
        width = max((len(r) for r in rows), default=0)
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
        lines = np.arange(1, len(rows) + 1, dtype=np.int64)
        if not len(rows) or not (cells != "").to_numpy().any():
            raise _FileProblem("the sheet is empty")
        return self._finish(cells, lines, counts, typed=typed, short_rows_ok=True)

    def _finish(
        self,
        cells: pd.DataFrame,
        lines: np.ndarray,
        nfields: np.ndarray,
        *,
        typed: np.ndarray | None,
        short_rows_ok: bool,
        trimmed: bool = False,
    ) -> _Raw:
        """Trim, drop blank lines, take the header off."""
        if not trimmed:
            for c in cells.columns:
                cells[c] = cells[c].str.strip()
        blank = (cells == "").all(axis=1).to_numpy()
        keep = np.flatnonzero(~blank)
        if not len(keep):
            raise _FileProblem("the file is empty (only blank lines)")
        head = keep[0]
        body_rows = keep[1:]
        skipped = int(blank[head + 1 :].sum())
        if skipped:
            self.notes.append(f"{skipped} blank line{'s' if skipped > 1 else ''} skipped")
        header = [str(v) for v in cells.iloc[head].tolist()]
        body = cells.iloc[body_rows].reset_index(drop=True)
        return _Raw(
            header=header,
            header_line=int(lines[head]),
            body=body,
            lines=lines[body_rows],
            nfields=nfields[body_rows],
            typed=None if typed is None else typed[body_rows],
            short_rows_ok=short_rows_ok,
        )

    # -------------------------------------------------------------------------- validating

    def validate(self, raw: _Raw) -> tuple[pd.DataFrame, pd.Series, list[CellError]]:
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
        self._duplicates(frame, lines, bad_key, add)
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
            return C.parse_month(cells, typed_of(col, _TYPED_DATETIME))
        if col.type == "date":
            return C.parse_date(cells)
        if col.type == "choice":
            return C.parse_choice(cells, col.choices, allow_blank=col.allow_blank)
        if col.type == "code":
            return C.parse_code(cells, allow_blank=col.allow_blank)
        return C.parse_text(cells, allow_blank=col.allow_blank)

    def _match_header(self, raw: _Raw, add: _AddError) -> tuple[dict[str, int], int]:
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

    def _duplicates(
        self, frame: pd.DataFrame, lines: np.ndarray, bad_key: np.ndarray, add: _AddError
    ) -> None:
        key = list(self.kind.key)
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
                add(line, len(self.kind.columns), None, None, rule)


def _sniff_delimiter(text: str) -> str:
    """The delimiter among , ; and tab that the header line uses most (ties: , then ; then tab)."""
    for line in text.splitlines():
        if line.strip():
            counts = {d: line.count(d) for d in _DELIMITERS}
            best = max(_DELIMITERS, key=lambda d: counts[d])  # max keeps the first of ties
            return best if counts[best] else ","
    return ","


def _trim_text(text: str, delim: str) -> str:
    """The text with whitespace around every cell removed (delimiters and newlines kept)."""
    space = r"[^\S\n\t]" if delim == "\t" else r"[^\S\n]"
    if not re.search(space, text):
        return text
    d = re.escape(delim)
    return re.sub(rf"{space}+(?={d}|$)|(?:(?<={d})|^){space}+", "", text, flags=re.MULTILINE)


def _split_fast(
    text: str, data: bytes, delim: str
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray] | None:
    """Split a file without quotes with pandas' C parser; ``None`` if lines do not line up.

    Without quotes a line is a record, so the cells per line are the delimiters per line plus one
    (counted on the bytes with numpy) and record ``i`` is line ``i + 1``. pandas pads short lines
    with empty strings, which is why the counts come from the bytes.
    """
    arr = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(arr == 10)
    nlines = len(newlines) + (1 if len(arr) and arr[-1] != 10 else 0)
    where = np.flatnonzero(arr == ord(delim))
    counts = np.bincount(np.searchsorted(newlines, where), minlength=nlines)[:nlines] + 1
    width = int(counts.max())
    cells = pd.read_csv(
        io.StringIO(text),
        sep=delim,
        header=None,
        names=range(width),
        dtype=object,
        keep_default_na=False,
        na_filter=False,
        skip_blank_lines=False,
        quoting=csv.QUOTE_NONE,
        engine="c",
    )
    if len(cells) != nlines:
        return None
    return cells, np.arange(1, nlines + 1, dtype=np.int64), counts.astype(np.int64)


def _xlsx_cell(v: object) -> tuple[str, int]:
    """An XLSX cell value as text, with what type it came as (0 text, 1 number, 2 datetime)."""
    if v is None:
        return "", 0
    if isinstance(v, str):
        return v, 0
    if isinstance(v, bool):
        return ("TRUE" if v else "FALSE"), 0
    if isinstance(v, int):
        return str(v), _TYPED_NUMBER
    if isinstance(v, float):
        # Integral floats print as integers so a numeric SKU cell reads "123", not "123.0".
        if math.isfinite(v) and v.is_integer() and abs(v) < 1e15:
            return str(int(v)), _TYPED_NUMBER
        return repr(v), _TYPED_NUMBER
    if isinstance(v, datetime):
        if v.time() == time(0):
            return v.strftime("%Y-%m-%d"), _TYPED_DATETIME
        return v.strftime("%Y-%m-%d %H:%M:%S"), _TYPED_DATETIME
    if isinstance(v, date):
        return v.isoformat(), _TYPED_DATETIME
    return str(v), 0
