"""Printing for people (tables) and for scripts (JSON).

Numbers in tables are formatted by :mod:`sop_tui.formats` (the same text the app and the pack
show); JSON keeps them as raw numbers. A table on a terminal fits its width, wrapping text
columns between words and never a number; a table written to a pipe or a file is printed at its
natural width, so nothing is wrapped or cut (``sop supply | cat`` reads the same at any
``COLUMNS``).
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import click
from rich.console import Console
from rich.table import Table

#: How wide a table written to a pipe or a file may grow before rich would wrap it at all.
UNWRAPPED_WIDTH = 10_000


def echo_json(obj: Any) -> None:
    click.echo(json.dumps(_jsonable(obj), ensure_ascii=False, indent=None, sort_keys=False))


def echo_json_lines(objs: Iterable[Any]) -> None:
    for obj in objs:
        click.echo(json.dumps(_jsonable(obj), ensure_ascii=False))


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if hasattr(obj, "item") and callable(obj.item):  # numpy scalars
        return _jsonable(obj.item())
    if obj is None or isinstance(obj, str | int | float | bool):
        return obj
    return str(obj)


def console() -> Console:
    """The console tables go to: the terminal's width, or unbounded when stdout is not one."""
    if sys.stdout.isatty():
        return Console(soft_wrap=False)
    return Console(width=UNWRAPPED_WIDTH, soft_wrap=False, force_terminal=False,
                   color_system=None)


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]],
          *, right: Sequence[str] = ()) -> None:
    """Print a table for people.

    Args:
        title: printed above the table, left-aligned.
        columns: the header of each column.
        rows: the cells, already formatted (``None`` prints as an empty cell).
        right: the columns that hold numbers: right-aligned and never wrapped.
    """
    t = Table(title=title, title_justify="left", header_style="bold")
    for c in columns:
        number = c in right
        # text wraps between words, a number not at all (rich gives it its widest value's width
        # before it narrows any text column); "fold" only breaks what cannot fit otherwise
        t.add_column(c, justify="right" if number else "left", no_wrap=number,
                     overflow="fold")
    for r in rows:
        t.add_row(*("" if v is None else str(v) for v in r))
    console().print(t)
