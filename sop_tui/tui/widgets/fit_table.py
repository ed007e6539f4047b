"""A data table whose numbers are never cut, and that keeps the reader's place when refilled.

:class:`FitTable` is Textual's ``DataTable`` filled through :meth:`FitTable.fill` with
:class:`Col` descriptions: a number column is as wide as its widest value (right-aligned), and
when the table is wider than its room the text columns give way first — widest first, down to
a few characters, ending at a whole word with "…". A number's header is never cut either
("26-1" read as January where it meant "26-12"). The widths are fitted again when the table is
resized. A refill (the log moved, say) keeps the cursor on the same row key and the scroll
where it was.

:func:`fit_widths` is the rule on its own (plain ints, tested without an app).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from sop_tui.tui.widgets.clip import clip_at_word

__all__ = ["TEXT_FLOOR", "Cell", "Col", "FitTable", "Row", "fit_widths"]

#: A text column is not narrowed below this many cells (or its own width, if less).
TEXT_FLOOR = 6

Cell = str | Text
Row = tuple[str | None, Sequence[Cell]]  # (row key, cells)


@dataclass(frozen=True)
class Col:
    """A column: its label and key; ``number`` (right-aligned, never narrowed below its widest
    value), ``keep`` (left-aligned, never narrowed: a date, a status), or text that gives way
    down to ``floor`` cells."""

    label: str
    key: str | None = None
    number: bool = False
    keep: bool = False
    floor: int = TEXT_FLOOR
    #: Text columns that yield more give way first (a description before a policy).
    yields: int = 0

    @property
    def whole(self) -> bool:
        """Whether the column's values are always shown whole."""
        return self.number or self.keep


def _width(cell: Cell) -> int:
    return cell.cell_len if isinstance(cell, Text) else cell_len(cell)


def fit_widths(cols: Sequence[Col], rows: Sequence[Sequence[Cell]], room: int,
               padding: int = 1) -> list[int]:
    """Content widths of ``cols`` so the table fits ``room`` cells where it can.

    Every column starts at its widest cell or label. While the table is too wide, a text column
    above its floor gives one cell: the one that yields most, the widest of those. Number (and
    kept) columns are never narrowed: a table that cannot fit keeps them whole (and scrolls).
    """
    values = [max((_width(r[i]) for r in rows), default=0) for i in range(len(cols))]
    widths = [max(v, cell_len(c.label)) for v, c in zip(values, cols, strict=True)]
    floors = [w if c.whole else max(1, min(w, c.floor)) for w, c in zip(widths, cols, strict=True)]
    excess = sum(widths) + 2 * padding * len(cols) - room
    while excess > 0:
        shrinkable = [i for i in range(len(cols)) if widths[i] > floors[i]]
        if not shrinkable:
            break
        i = max(shrinkable, key=lambda j: (cols[j].yields, widths[j] - floors[j]))
        widths[i] -= 1
        excess -= 1
    return widths


def _shown(cell: Cell, col: Col, width: int) -> Cell:
    text = cell.copy() if isinstance(cell, Text) else Text(cell)
    if col.whole:
        text.justify = "right" if col.number else "left"
        return text
    # at a word: a size in a description ("QC 3/8 in") is shown whole or not at all
    text = clip_at_word(text, width)
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text


class FitTable(DataTable[Cell]):
    """A ``DataTable`` filled by :meth:`fill`: numbers whole, text gives way, place kept."""

    def __init__(self, *, id: str | None = None, cursor_type: str = "row",
                 zebra_stripes: bool = True, show_cursor: bool = True,
                 fixed_columns: int = 0) -> None:
        super().__init__(id=id, cursor_type=cursor_type,  # type: ignore[arg-type]
                         zebra_stripes=zebra_stripes, show_cursor=show_cursor,
                         fixed_columns=fixed_columns)
        self.fit_cols: list[Col] = []
        self.fit_rows: list[Row] = []
        self.fitted_room = -1
        self.wanted_key: str | None = None  # the row to put the cursor on at the next fill

    def fill(self, cols: Sequence[Col], rows: Sequence[Row]) -> None:
        """Show ``rows`` under ``cols``, fitted to the table's width; keep the reader's place."""
        self.fit_cols, self.fit_rows = list(cols), list(rows)
        self.refill()

    def select(self, key: str) -> None:
        """Put the cursor on the row ``key`` (now, or once the rows are laid out)."""
        self.wanted_key = key
        if key in self.rows:
            self.move_cursor(row=self.get_row_index(key))
            self.wanted_key = None

    def room(self) -> int:
        """The cells the columns may take: the width, less a vertical scrollbar if needed."""
        width = self.size.width
        if len(self.fit_rows) + self.header_height > self.size.height > 0:
            width -= self.styles.scrollbar_size_vertical
        return width

    def refill(self) -> None:
        """Lay the last :meth:`fill` out again (at the current width)."""
        key: RowKey | None = None
        column = self.cursor_column
        scroll_x, scroll_y = self.scroll_x, self.scroll_y
        if self.row_count and self.is_valid_coordinate(self.cursor_coordinate):
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        room = self.room()
        self.fitted_room = room
        if room <= 0:
            return  # not laid out yet: filled at the first resize (wider, it kept a scrollbar)
        cells = [list(r[1]) for r in self.fit_rows]
        widths = fit_widths(self.fit_cols, cells, room, self.cell_padding)
        self.clear(columns=True)
        for col, width in zip(self.fit_cols, widths, strict=True):
            self.add_column(col.label, key=col.key or col.label, width=width)
        for row_key, row in self.fit_rows:
            self.add_row(*(_shown(c, col, w)
                           for c, col, w in zip(row, self.fit_cols, widths, strict=True)),
                         key=row_key)
        if self.wanted_key is not None and self.wanted_key in self.rows:
            self.move_cursor(row=self.get_row_index(self.wanted_key))
            self.wanted_key = None
        elif key is not None and key in self.rows:
            self.move_cursor(row=self.get_row_index(key),
                             column=min(column, max(0, len(self.columns) - 1)), scroll=False)
            self.scroll_to(scroll_x, scroll_y, animate=False, immediate=True)

    def on_resize(self, _event: events.Resize) -> None:
        if self.fit_cols and self.room() != self.fitted_room:
            self.refill()
