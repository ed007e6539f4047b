"""Writing exported tables: an XLSX workbook with typed cells, or a UTF-8 CSV.

In the workbook every cell has its type — numbers are numbers with a number format (units
``#,##0``, money ``$#,##0``, shares ``0.0%``), months and dates are dates, text is text — the
header row is frozen and bold, and columns are wide enough to read. A text cell that begins with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return is neutralised as the OWASP CSV-injection
rule asks (a leading ``'``), in CSV and XLSX alike, so no spreadsheet ever runs it as a formula.
Files are written to a temporary name and renamed into place: a failed export leaves nothing.
"""

from __future__ import annotations

import contextlib
import csv
import math
import os
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from sop_tui.exports.tables import ColumnKind, Table

__all__ = ["FORMULA_STARTS", "neutralise", "write_csv", "write_xlsx", "write_xlsx_to"]

#: What a spreadsheet may read as the start of a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

NUMBER_FORMATS: dict[ColumnKind, str] = {
    "units": "#,##0", "money": '"$"#,##0', "share": "0.0%", "number": "General",
    "month": "yyyy-mm", "date": "yyyy-mm-dd", "time": "yyyy-mm-dd hh:mm",
}


def neutralise(text: str) -> str:
    """``text``, with a leading ``'`` if a spreadsheet could take it for a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


def _typed(value: Any, kind: ColumnKind) -> Any:
    """The cell value of ``value`` in a column of ``kind`` (None for an empty cell)."""
    if _missing(value):
        return None
    if kind == "text":
        return neutralise(str(value))
    if kind == "month":
        y, m = str(value)[:7].split("-")
        return date(int(y), int(m), 1)
    if kind == "date":
        return date.fromisoformat(str(value)[:10])
    if kind == "time":
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).replace(tzinfo=None)
    return float(value)


def _text(value: Any, kind: ColumnKind) -> str:
    """The CSV text of ``value``: ISO months and dates, plain numbers, neutralised text."""
    if _missing(value):
        return ""
    if kind == "text":
        return neutralise(str(value))
    if kind in ("month", "date"):
        return str(value)[: 7 if kind == "month" else 10]
    if kind == "time":
        return str(value)
    number = float(value)
    if kind == "money":
        return f"{number:.2f}"
    return str(int(number)) if number.is_integer() else repr(number)


def _replace_into(target: Path, write: Any) -> Path:
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        write(tmp)
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return target


def write_csv(table: Table, target: Path) -> Path:
    """``table`` as a UTF-8 CSV with a header row."""

    def write(path: Path) -> None:
        with path.open("w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            columns = list(table.frame.columns)
            out.writerow(columns)
            for row in table.frame.itertuples(index=False, name=None):
                out.writerow([_text(v, table.kinds[c]) for c, v in zip(columns, row,
                                                                        strict=True)])

    return _replace_into(target, write)


def write_xlsx(tables: Sequence[Table], target: Path) -> Path:
    """``tables`` as one workbook, a sheet each (named by the table's title)."""
    return _replace_into(target, lambda path: write_xlsx_to(tables, path))


def write_xlsx_to(tables: Sequence[Table], target: Path | BinaryIO) -> None:
    """``tables`` as one workbook written to ``target`` (a path, or a binary file object)."""
    book = Workbook()
    for empty in list(book.worksheets):  # a new workbook starts with one blank sheet
        book.remove(empty)
    for table in tables:
        _sheet(book, table)
    book.save(target)


def _sheet(book: Workbook, table: Table) -> None:
    sheet = book.create_sheet(title=table.title[:31])  # Excel's limit on a sheet's name
    columns = list(table.frame.columns)
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    widths = [len(c) for c in columns]
    for row in table.frame.itertuples(index=False, name=None):
        values = [_typed(v, table.kinds[c]) for c, v in zip(columns, row, strict=True)]
        sheet.append(values)
        for i, v in enumerate(values):
            if v is not None:
                widths[i] = max(widths[i], min(len(_shown(v, table.kinds[columns[i]])), 60))
    for i, column in enumerate(columns, start=1):
        kind = table.kinds[column]
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = widths[i - 1] + 2
        if kind != "text":
            for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = NUMBER_FORMATS[kind]


def _shown(value: Any, kind: ColumnKind) -> str:
    if kind in ("units", "money"):
        return f"${value:,.0f}" if kind == "money" else f"{value:,.0f}"
    if kind == "share":
        return f"{value * 100:.1f}%"
    return str(value)
