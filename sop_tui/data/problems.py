"""What is wrong with a data file: one bad cell (:class:`CellError`), or the whole file
(:class:`FileProblem`, raised while loading and turned into a file-level ``CellError``)."""

from __future__ import annotations

from dataclasses import dataclass


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


class FileProblem(Exception):
    """The file cannot be read as a table at all (empty, not text, not a workbook, too big...)."""

    def __init__(self, rule: str, line: int | None = None) -> None:
        super().__init__(rule)
        self.rule = rule
        self.line = line
