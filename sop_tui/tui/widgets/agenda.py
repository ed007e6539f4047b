"""The agenda of a meeting: each item with its timebox and the time spent on it."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from sop_tui.cycle.meetings import AgendaItem


class AgendaView(Static):
    """The agenda list; the current item is marked, an item over its timebox is coloured.

    The screen sets :meth:`show` whenever the current item or the times change.
    """

    DEFAULT_CSS = """
    AgendaView { height: auto; }
    """

    def __init__(self, items: Sequence[AgendaItem], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items = tuple(items)
        self.current = 0
        self.spent: list[float] = [0.0] * len(self.items)

    def show(self, current: int, spent: Sequence[float]) -> None:
        """Mark item ``current`` and show ``spent`` seconds per item."""
        widths = self._time_widths()
        self.current = current
        self.spent = list(spent)
        # Each second only the times change. While their column keeps its width, the rows keep
        # their wrapping and the widget its height: a repaint, not a layout of the screen.
        self.update(self._table(), layout=self._time_widths() != widths)

    def _time_widths(self) -> int:
        return max((len(self._times(i)) for i in range(len(self.items))), default=0)

    def _times(self, i: int) -> str:
        spent = int(self.spent[i]) if i < len(self.spent) else 0
        return f"{spent // 60}:{spent % 60:02d}/{self.items[i].minutes}m"

    def on_mount(self) -> None:
        self.update(self._table())

    def _table(self) -> Table:
        t = Table.grid(padding=(0, 1), expand=True)
        t.add_column(width=1)
        t.add_column(ratio=1)
        t.add_column(justify="right", no_wrap=True)
        for i, item in enumerate(self.items):
            spent = self.spent[i] if i < len(self.spent) else 0.0
            over = spent > item.minutes * 60
            mark = "▶" if i == self.current else f"{i + 1}"
            style = "bold" if i == self.current else ""
            times = Text(self._times(i),
                         style="bold red" if over else "dim" if spent == 0 else "")
            t.add_row(Text(mark, style=style), Text(item.title, style=style), times)
        return t
