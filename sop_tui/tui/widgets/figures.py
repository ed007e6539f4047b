"""Key figures: label–value pairs laid out in as many columns as the width allows.

A panel's headline numbers (units, revenue, target, gap...) read as a row at 200 columns and
as two or three short rows in a meeting's middle column at 80: every value is always whole —
the pairs wrap to the next line, the numbers are never cut ("$29…" read the same for revenue
and target when they sat in one row of fixed columns).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

__all__ = ["Figures"]

#: Cells between two pairs on a line.
GAP = 3


class Figures:
    """A rich renderable: ``pairs`` of (label, value) in columns that fit the width."""

    def __init__(self, pairs: Sequence[tuple[str, str | Text]], title: str | Text = "") -> None:
        self.pairs = [(label, value if isinstance(value, Text) else Text(value))
                      for label, value in pairs]
        self.title = title

    def _pair_width(self) -> tuple[int, int]:
        labels = max((cell_len(label) for label, _ in self.pairs), default=0)
        values = max((v.cell_len for _, v in self.pairs), default=0)
        return labels, values

    def columns(self, width: int) -> int:
        """How many pairs a line of ``width`` cells holds (at least one)."""
        labels, values = self._pair_width()
        pair = labels + 1 + values
        return max(1, min(len(self.pairs), (width + GAP) // (pair + GAP)))

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        labels, values = self._pair_width()
        pair = labels + 1 + values
        return Measurement(pair, len(self.pairs) * (pair + GAP) - GAP)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        n = self.columns(options.max_width)
        grid = Table.grid(padding=(0, 0))
        for i in range(n):
            grid.add_column(no_wrap=True, style="dim")  # label
            grid.add_column(no_wrap=True, justify="right")  # value
            if i < n - 1:
                grid.add_column(width=GAP, no_wrap=True)
        for start in range(0, len(self.pairs), n):
            cells: list[str | Text] = []
            chunk = self.pairs[start:start + n]
            for i, (label, value) in enumerate(chunk):
                cells += [label + " ", value]
                if i < n - 1:
                    cells.append("")
            while len(cells) < len(grid.columns):
                cells.append("")
            grid.add_row(*cells)
        if self.title:
            title = self.title if isinstance(self.title, Text) else Text(self.title,
                                                                          style="bold")
            yield title
        yield grid
