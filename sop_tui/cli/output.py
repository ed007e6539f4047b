"""Printing for people (rich tables) and for scripts (JSON)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

import click


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


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]],
          *, right: Sequence[str] = ()) -> None:
    """Print a table for people."""
    from rich.console import Console
    from rich.table import Table

    t = Table(title=title, title_justify="left", header_style="bold")
    for c in columns:
        t.add_column(c, justify="right" if c in right else "left", overflow="fold")
    for r in rows:
        t.add_row(*("" if v is None else str(v) for v in r))
    Console(soft_wrap=False).print(t)


def pct(x: float | None, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{x * 100:.{digits}f}%"


def money(x: float | None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    ax = abs(x)
    if ax >= 1e6:
        return f"${x / 1e6:,.2f}M"
    if ax >= 1e3:
        return f"${x / 1e3:,.1f}k"
    return f"${x:,.0f}"


def num(x: float | None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{x:,.0f}"
