"""One sheet of an XLSX workbook to text cells, refusing hostile workbooks before they cost.

A workbook is a zip of XML parts, and both layers can be turned against a reader:
- a zip bomb: parts that unpack to gigabytes. The sizes the zip declares are checked against
  :attr:`~sop_tui.settings.Limits.xlsx_mb` before anything is parsed; Python's zipfile never
  unpacks a part beyond its declared size (a part that lies fails its CRC), so the check holds.
- XML entities: an entity bomb ("billion laughs") or an external entity (a file or URL pulled
  into a cell). openpyxl parses through defusedxml when it is installed (a declared
  dependency), which refuses any entity declaration; every parse error, hostile or merely
  broken, is reported as the file's problem, never as a traceback.
- sheer size inside the limit: a row reaching column XFD, a cell of megabytes, or a million
  empty rows between two cells. Rows wider than :data:`MAX_COLUMNS` and cells longer than
  ``Limits.cell_chars`` are refused; empty rows are counted, not kept.
"""

from __future__ import annotations

import io
import math
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date, datetime, time
from xml.etree.ElementTree import ParseError

import openpyxl
from defusedxml import DefusedXmlException
from openpyxl.utils.exceptions import InvalidFileException

from sop_tui.data.problems import FileProblem
from sop_tui.settings import Limits

#: What each cell came as: text (0), a number, a date or time.
TYPED_NUMBER, TYPED_DATETIME = 1, 2
#: A planning file has a handful of columns; a row reaching further is refused.
MAX_COLUMNS = 64
#: Parts in one workbook (a real one has a few dozen).
MAX_PARTS = 10_000


@dataclass
class SheetRows:
    """The non-empty rows of a sheet: their text, the type each cell came as, their lines."""

    rows: list[list[str]]
    types: list[list[int]]
    lines: list[int]
    blank_dropped: int  # empty rows after the first non-empty one


def check_zip(data: bytes, limits: Limits) -> None:
    """Refuse a workbook whose parts unpack to more than the limit (before parsing it)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as e:
        raise FileProblem(f"not a readable XLSX workbook ({e})") from None
    if len(infos) > MAX_PARTS:
        raise FileProblem(f"the workbook holds {len(infos):,} parts (at most {MAX_PARTS:,}); "
                          "nothing was read")
    total = sum(i.file_size for i in infos)
    if total > limits.xlsx_mb * 1_000_000:
        raise FileProblem(
            f"the workbook unpacks to {total / 1e6:,.0f} MB, over the limit of "
            f"{limits.xlsx_mb:,} MB ({limits.setting('xlsx_mb')} raises it); nothing was read")


def read_sheet(data: bytes, sheet: str | None, *, limits: Limits, notes: list[str]) -> SheetRows:
    """The rows of ``sheet`` (default: the first) as text, every problem a FileProblem."""
    check_zip(data, limits)
    try:
        return _read(data, sheet, limits, notes)
    except FileProblem:
        raise
    except (DefusedXmlException, ParseError, zipfile.BadZipFile, zlib.error, EOFError,
            InvalidFileException, KeyError, ValueError, TypeError, IndexError, AttributeError,
            OSError) as e:
        # openpyxl wraps what its parser raised ("Unable to read workbook"): name the cause
        raise FileProblem(_why(e)) from None


def _why(e: BaseException) -> str:
    """A sentence for what went wrong in a workbook, from the innermost known cause."""
    chain: list[BaseException] = []
    cause: BaseException | None = e
    while cause is not None and cause not in chain:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    for c in chain:
        if isinstance(c, DefusedXmlException):
            return ("its XML declares entities or a DTD (an entity bomb or an external-entity "
                    f"attempt: {type(c).__name__}); refused without expanding them")
    for c in chain:
        if isinstance(c, ParseError):
            return f"its XML is malformed or hostile ({c})"
    text = " ".join(str(chain[-1]).split())
    return f"not a readable XLSX workbook ({type(chain[-1]).__name__}: {text})"


def _read(data: bytes, sheet: str | None, limits: Limits, notes: list[str]) -> SheetRows:
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        if sheet is None:
            if not wb.worksheets:
                raise FileProblem("the workbook has no worksheet")
            ws = wb.worksheets[0]
        elif sheet in wb.sheetnames:
            ws = wb[sheet]
        else:
            raise FileProblem(
                f"no sheet named '{sheet}'; the sheets are: {', '.join(wb.sheetnames)}")
        if len(wb.sheetnames) > 1:
            notes.append(f"read sheet '{ws.title}'")
        # Exporters often write wrong dimensions; reading to the end is the safe default.
        ws.reset_dimensions()
        out = SheetRows([], [], [], 0)
        limit = limits.cell_chars
        for line, row in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1):
            if len(row) > MAX_COLUMNS:
                raise FileProblem(f"has cells as far right as column {len(row):,}; a planning "
                                  f"file has at most {MAX_COLUMNS} columns", line=line)
            texts: list[str] = []
            kinds: list[int] = []
            for v in row:
                t, kd = xlsx_cell(v)
                if len(t) > limit:
                    raise FileProblem(
                        f"column {len(texts) + 1} holds a cell of {len(t):,} characters, over "
                        f"the limit of {limit:,} ({limits.setting('cell_chars')} raises it)",
                        line=line)
                texts.append(t)
                kinds.append(kd)
            if not any(texts):
                if out.rows:
                    out.blank_dropped += 1
                continue
            out.rows.append(texts)
            out.types.append(kinds)
            out.lines.append(line)
        return out
    finally:
        wb.close()


def xlsx_cell(v: object) -> tuple[str, int]:
    """An XLSX cell value as text, with what type it came as (0 text, 1 number, 2 datetime)."""
    if v is None:
        return "", 0
    if isinstance(v, str):
        return v, 0
    if isinstance(v, bool):
        return ("TRUE" if v else "FALSE"), 0
    if isinstance(v, int):
        return str(v), TYPED_NUMBER
    if isinstance(v, float):
        # Integral floats print as integers so a numeric SKU cell reads "123", not "123.0".
        if math.isfinite(v) and v.is_integer() and abs(v) < 1e15:
            return str(int(v)), TYPED_NUMBER
        return repr(v), TYPED_NUMBER
    if isinstance(v, datetime):
        if v.time() == time(0):
            return v.strftime("%Y-%m-%d"), TYPED_DATETIME
        return v.strftime("%Y-%m-%d %H:%M:%S"), TYPED_DATETIME
    if isinstance(v, date):
        return v.isoformat(), TYPED_DATETIME
    return str(v), 0
