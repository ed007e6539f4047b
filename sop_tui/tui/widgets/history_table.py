"""The history's virtual table (Textual's line API): it renders only the lines on screen.

Opening, filtering and paging 10,000 rows cost the same as 40. (Textual's ``DataTable``
measures every cell on insert: seconds for 10,000 rows; figures in benchmarks/README.md.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from sop_tui.cycle.history import HistoryRow


@dataclass(frozen=True, slots=True)
class _Column:
    key: str
    label: str
    width: int
    right: bool = False


#: Columns dropped, in this order, when the table is too narrow for a readable summary.
_DROP_ORDER = ("actor", "at", "meeting", "cycle", "note")
_MIN_SUMMARY = 24


def layout_columns(rows: Sequence[HistoryRow], width: int) -> list[_Column]:
    """The columns that fit ``width``; ``summary`` takes what the others leave."""
    seq_w = max(3, len(str(max((r.seq for r in rows), default=0))))
    type_w = min(22, max((len(r.type) for r in rows), default=4))
    actor_w = min(12, max(5, max((len(r.actor) for r in rows), default=5)))
    note_w = min(24, max((len(r.note) for r in rows), default=0))
    cols = [
        _Column("seq", "seq", seq_w, right=True),
        _Column("at", "time (UTC)", 16),
        _Column("cycle", "cycle", 7),
        _Column("meeting", "meeting", 9),
        _Column("type", "type", max(4, type_w)),
        _Column("actor", "actor", actor_w),
        _Column("note", "correction", max(10, note_w)),
    ]
    if note_w == 0:
        cols = [c for c in cols if c.key != "note"]

    def rest(cs: list[_Column]) -> int:
        return width - sum(c.width + 1 for c in cs)

    for key in _DROP_ORDER:
        if rest(cols) >= _MIN_SUMMARY:
            break
        cols = [c for c in cols if c.key != key]
    cols.append(_Column("summary", "summary", max(1, rest(cols))))
    return cols


def _at_word(text: str, end: int) -> str:
    """``text[:end]`` shortened to its last whole word (a date or an amount in a summary is
    shown whole or not at all), when it has a word break to end at."""
    space = text.rfind(" ", 0, end)
    return text[:space + 1] if space > 0 else text[:end]


def _cell(text: str, width: int, right: bool = False) -> str:
    if text.isascii():  # the common case, without measuring graphemes
        if len(text) > width:
            return (_at_word(text, width - 1) + "…").ljust(width) if width > 1 else text[:width]
        return text.rjust(width) if right else text.ljust(width)
    if cell_len(text) > width:
        if width <= 1:
            return set_cell_size(text, width)
        return set_cell_size(_at_word(set_cell_size(text, width - 1), width - 1) + "…", width)
    pad = " " * (width - cell_len(text))
    return pad + text if right else text + pad


class HistoryTable(ScrollView, can_focus=True):
    """A table of :class:`HistoryRow` that renders only the lines on screen.

    The first line is a fixed header; a cursor row follows the keys. Enter (or a double click)
    posts :class:`HistoryTable.Selected`.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "up", show=False),
        Binding("down", "cursor(1)", "down", show=False),
        Binding("pageup", "page(-1)", "page up", show=False),
        Binding("pagedown", "page(1)", "page down", show=False),
        Binding("home", "jump(0)", "first", show=False),
        Binding("end", "jump(-1)", "last", show=False),
        Binding("enter", "select", "detail", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "history-table--header",
        "history-table--cursor",
        "history-table--retracted",
        "history-table--amended",
    }

    DEFAULT_CSS = """
    HistoryTable { height: 1fr; }
    HistoryTable > .history-table--header { text-style: bold; background: $panel; }
    HistoryTable > .history-table--cursor { background: $accent 40%; }
    HistoryTable:focus > .history-table--cursor { background: $accent; color: $text; }
    HistoryTable > .history-table--retracted { color: $text-muted; text-style: strike; }
    HistoryTable > .history-table--amended { color: $warning; }
    """

    class Selected(Message):
        """The user asked for a row's detail."""

        def __init__(self, row: HistoryRow) -> None:
            self.row = row
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[HistoryRow] = []
        self.cursor = 0
        self._columns: list[_Column] = []
        self._columns_for = -1
        # Per-width caches: a row's line text, and the styles (dropped when the CSS changes).
        self._texts: dict[int, str] = {}
        self._styles: dict[str, Style] | None = None

    # -- data --------------------------------------------------------------------------------

    def set_rows(self, rows: list[HistoryRow], *, keep_seq: int | None = None) -> None:
        """Show ``rows``; keep the cursor on event ``keep_seq`` if it is among them, on the
        line of the screen where it was (rows that come in above it do not move it)."""
        line = self.cursor - self.first_shown
        self.rows = rows
        self._columns_for = -1
        self._texts.clear()
        index = None
        if keep_seq is not None:
            index = next((i for i, r in enumerate(rows) if r.seq == keep_seq), None)
        self.virtual_size = Size(self.size.width, len(rows) + 1)
        self.cursor = index if index is not None else 0
        top = max(0, self.cursor - line) if index is not None else 0
        self.scroll_to(y=top, animate=False, immediate=True)
        self._show_cursor()
        self.refresh()

    @property
    def first_shown(self) -> int:
        """The index of the first row on screen."""
        return int(self.scroll_y)

    @property
    def current(self) -> HistoryRow | None:
        """The row under the cursor."""
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    # -- movement ----------------------------------------------------------------------------

    @property
    def page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _move_to(self, index: int) -> None:
        if not self.rows:
            return
        old = self.cursor
        self.cursor = max(0, min(len(self.rows) - 1, index))
        if not self._show_cursor():
            # Nothing scrolled: repaint the two lines the cursor left and reached.
            top = int(self.scroll_y)
            self.refresh_line(old - top + 1)
            self.refresh_line(self.cursor - top + 1)

    def _show_cursor(self) -> bool:
        """Scroll so the cursor row is on screen; True if it scrolled (all repainted)."""
        top = int(self.scroll_y)
        if self.cursor < top:
            y = self.cursor
        elif self.cursor >= top + self.page_rows:
            y = self.cursor - self.page_rows + 1
        else:
            return False
        self.scroll_to(y=y, animate=False, immediate=True)
        self.refresh()
        return True

    def action_cursor(self, step: int) -> None:
        self._move_to(self.cursor + step)

    def action_page(self, direction: int) -> None:
        self._move_to(self.cursor + direction * self.page_rows)

    def action_jump(self, index: int) -> None:
        self._move_to(index if index >= 0 else len(self.rows) - 1)

    def action_select(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Selected(row))

    def on_click(self, event: events.Click) -> None:
        index = int(self.scroll_y) + event.y - 1
        if event.y >= 1 and 0 <= index < len(self.rows):
            self._move_to(index)
            if event.chain >= 2:
                self.action_select()

    def on_resize(self, _event: events.Resize) -> None:
        self._columns_for = -1
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)

    def notify_style_update(self) -> None:
        self._styles = None
        super().notify_style_update()

    def on_focus(self, _event: events.Focus) -> None:
        self._styles = None
        self.refresh()

    def on_blur(self, _event: events.Blur) -> None:
        self._styles = None
        self.refresh()

    def _style(self, name: str) -> Style:
        if self._styles is None:
            self._styles = {"": self.rich_style} | {
                c: self.get_component_rich_style(c) for c in self.COMPONENT_CLASSES
            }
        return self._styles[name]

    # -- rendering ---------------------------------------------------------------------------

    def _layout(self) -> list[_Column]:
        width = self.scrollable_content_region.width
        if self._columns_for != width:
            self._columns = layout_columns(self.rows, width)
            self._columns_for = width
            self._texts.clear()
        return self._columns

    def _line(self, values: Iterable[str], cols: list[_Column]) -> str:
        text = " ".join(_cell(v, c.width, c.right) for v, c in zip(values, cols, strict=True))
        width = self._columns_for
        if len(text) != width or not text.isascii():
            text = set_cell_size(text, width)  # rare: a wide character, or a very narrow table
        return text

    def render_line(self, y: int) -> Strip:
        cols = self._layout()
        width = self._columns_for
        base = self._style("")
        if y == 0:
            header = self._line((c.label for c in cols), cols)
            return Strip([Segment(header, base + self._style("history-table--header"))], width)
        index = int(self.scroll_y) + y - 1
        if index >= len(self.rows):
            return Strip.blank(width, base)
        row = self.rows[index]
        text = self._texts.get(row.seq)
        if text is None:
            text = self._line((str(getattr(row, c.key)) for c in cols), cols)
            self._texts[row.seq] = text
        style: Style = base
        if row.retracted:
            style += self._style("history-table--retracted")
        elif row.amended:
            style += self._style("history-table--amended")
        if index == self.cursor:
            style += self._style("history-table--cursor")
        # The text is exactly ``width`` cells (the summary column takes the rest): tell the
        # Strip, so it does not measure every character again.
        return Strip([Segment(text, style)], width)


# -- the screen ------------------------------------------------------------------------------
