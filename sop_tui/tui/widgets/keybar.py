"""The key bar: the keys a screen offers, on one line at its bottom, as one widget.

It shows what Textual's compact footer shows — each action's first shown binding, its key and
description, disabled ones dimmed, the command palette's key on the right — and a click on a
key presses it. It differs in its build: Textual's footer is a container of one widget per
key (about ten on the dashboard, 40 % of that screen's widgets), composed again whenever the
screen's bindings are refreshed, which happens at each focus change and each form opened or
closed over a meeting. Here the keys are one line of text, drawn again only when they change:
nothing to mount, style or lay out on a screen's first frame or on a key press.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.binding import Binding
    from textual.screen import Screen


DIM = Style(dim=True)


class Key(NamedTuple):
    """One key as the bar shows it."""

    key: str  # what a click presses
    action: str
    display: str  # how the key is written: ^q, ?, enter
    description: str
    enabled: bool
    tooltip: str


#: Actions the bar keeps when the line is too narrow for all keys: from them, every other key
#: can be found (the help lists all keys, as does the command palette).
KEPT_ACTIONS = frozenset({"quit", "help"})


def cell_width(key: Key) -> int:
    """The key's width on the bar (its key, a space, its description)."""
    return cell_len(key.display) + (1 + cell_len(key.description) if key.description else 0)


def fit(keys: tuple[Key, ...], width: int, kept: frozenset[str] = KEPT_ACTIONS
        ) -> list[Key]:
    """The keys that fit in ``width`` cells, one space apart: whole keys, not cut ones.

    When they do not all fit, keys are left out from the end of the list, except those whose
    action is in ``kept`` (bindings are listed screen's first, the app's last). Narrower than
    the kept keys alone (``^q Quit ? Help``: 14 cells), the bar crops them.
    """
    shown = [(k, k.action in kept) for k in keys]
    total = sum(cell_width(k) for k, _ in shown) + max(len(shown) - 1, 0)
    for i in range(len(shown) - 1, -1, -1):
        if total <= width:
            break
        key, keep = shown[i]
        if not keep:
            total -= cell_width(key) + (1 if len(shown) > 1 else 0)
            del shown[i]
    return [k for k, _ in shown]


class KeyBar(Widget, can_focus=False):
    """The screen's keys on one line, the command palette's key on the right where it fits."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"keybar--key", "keybar--description",
                                             "keybar--separator"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .keybar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .keybar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .keybar--separator {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._shown: tuple[Key | None, ...] | None = None  # the keys of the last render
        self.spans: list[tuple[int, int, Key]] = []  # where each key was drawn: [start, end)

    # -- what to show --------------------------------------------------------------------------

    def keys(self) -> tuple[tuple[Key, ...], Key | None]:
        """The keys the screen offers now, and the command palette's key (None if not shown).

        As Textual's footer: bindings with ``show`` set, one per action (its first binding),
        in the order the screen reports them.
        """
        app = self.app
        active = self.screen.active_bindings
        seen: set[str] = set()
        keys: list[Key] = []
        for _node, binding, enabled, tooltip in active.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            keys.append(self._key(binding, enabled, tooltip))
        palette = None
        if app.ENABLE_COMMAND_PALETTE:
            found = active.get(app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _node, binding, enabled, tooltip = found
                palette = self._key(binding, enabled, tooltip)
        return tuple(keys), palette

    def _key(self, binding: Binding, enabled: bool, tooltip: str) -> Key:
        return Key(binding.key, binding.action, self.app.get_key_display(binding),
                   binding.description, enabled,
                   tooltip or binding.tooltip or binding.description)

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        # The screen refreshes its bindings at every focus change and every screen pushed over
        # it; most of those leave its keys as they were, and then there is nothing to draw.
        if self.is_attached and screen is self.screen:
            keys, palette = self.keys()
            if self._shown != (*keys, palette):
                self.refresh()

    # -- drawing -------------------------------------------------------------------------------

    def render(self) -> Text:
        keys, palette = self.keys()
        self._shown = (*keys, palette)
        key_style = self.get_component_rich_style("keybar--key")
        description_style = self.get_component_rich_style("keybar--description")
        width = self.size.width
        line = Text(no_wrap=True, overflow="crop", end="")
        spans: list[tuple[int, int, Key]] = []

        def add(key: Key) -> None:
            start = line.cell_len
            dim = Style() if key.enabled else DIM
            line.append(key.display, key_style + dim)
            if key.description:
                line.append(" " + key.description, description_style + dim)
            spans.append((start, line.cell_len, key))

        for key in fit(keys, width):
            if line.cell_len:
                line.append(" ")
            add(key)
        if palette is not None:
            right = 1 + cell_width(palette)  # a bar, then the key
            # the palette's key sits at the right edge, when the screen's own keys leave room
            if line.cell_len + 1 + right <= width:
                line.append(" " * (width - line.cell_len - right))
                line.append("▏", self.get_component_rich_style("keybar--separator"))
                add(palette)
        self.spans = spans
        return line

    # -- the mouse -----------------------------------------------------------------------------

    def _key_at(self, x: int) -> Key | None:
        for start, end, key in self.spans:
            if start <= x < end:
                return key
        return None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        key = self._key_at(event.x)
        self.tooltip = key.tooltip if key is not None else None

    def on_click(self, event: events.Click) -> None:
        key = self._key_at(event.x)
        if key is None:
            return
        event.stop()
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()
