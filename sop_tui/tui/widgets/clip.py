"""Lines that end at a word when they are too long: a number in free text is never cut.

An assumption such as "Replacement demand from the 2024 installs" shown in 40 cells read
"…from the 20…" with rich's ellipsis; :class:`WordClip` ends it at the last whole word ("…from
the …"), so what shows of a number is the whole number or none of it.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

__all__ = ["WordClip", "clip_at_word"]


def clip_at_word(line: Text, width: int) -> Text:
    """``line`` if it fits ``width`` cells, else its longest prefix ending at a space, + "…"."""
    if line.cell_len <= width:
        return line
    plain = line.plain
    cut = width - 1
    while cut > 0 and cell_len(plain[:cut]) > width - 1:
        cut -= 1
    space = plain.rfind(" ", 0, cut)
    end = space + 1 if space > 0 else cut
    out = line[:end]
    out.append("…", style="dim")
    return out


class WordClip:
    """A rich renderable: each line of ``text`` on one line, clipped at a word if too long."""

    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widest = max((line.cell_len for line in self.text.split("\n")), default=0)
        return Measurement(1, widest)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        for line in self.text.split("\n", allow_blank=True):
            clipped = clip_at_word(line, width)
            clipped.no_wrap = True
            clipped.overflow = "crop"
            yield clipped
