"""A modal's dimmed backdrop: the screen beneath as it was when the modal opened, tinted once.

Textual draws a translucent modal (``ModalScreen``'s ``background: $background 60%``) by
rendering the whole screen beneath through Rich on every repaint of the modal's background and
tinting each segment (``BackgroundScreen``): 30-100 ms at 120x40 here, on opening and again
whenever the screen beneath changes (the meeting clock ticks every second). :class:`Backdrop`
takes the screen beneath's strips from its compositor once, tints each distinct style once
(with Textual's own tint, so it looks the same), and serves those strips until the modal asks
for a fresh one (:class:`DimmedModal` does on every resume and resize). The screen beneath is
frozen behind the modal meanwhile: it is dimmed and not what the user is working on.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.color import Color
from textual.css.styles import RulesMap
from textual.events import Resize, ScreenResume
from textual.renderables.background_screen import BackgroundScreen
from textual.screen import ModalScreen, Screen, ScreenResultType
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

__all__ = ["Backdrop", "DimmedModal", "dim_strips"]


def dim_strips(strips: list[Strip], tint: Color) -> list[Strip]:
    """``strips`` tinted with ``tint`` as Textual tints a modal's background screen."""
    tinted: dict[RichStyle | None, RichStyle | None] = {}
    out: list[Strip] = []
    for strip in strips:
        segments: list[Segment] = []
        for text, style, control in strip:
            if control:
                segments.append(Segment(text, style, control))
                continue
            new = tinted.get(style, tinted)  # the dict itself: not seen yet
            if new is tinted:
                (probe,) = BackgroundScreen.process_segments([Segment(" ", style)], tint)
                new = tinted[style] = probe.style
            segments.append(Segment(text, new))  # type: ignore[arg-type]
        out.append(Strip(segments, strip.cell_length))
    return out


class Backdrop(Visual):
    """Fixed strips, cropped or padded to the size asked for."""

    def __init__(self, strips: list[Strip]) -> None:
        self.strips = strips

    def render_strips(self, width: int, height: int | None, style: Style,
                      options: RenderOptions) -> list[Strip]:
        strips = self.strips[:height] if height is not None else self.strips
        # Under each segment the screen's own style, as Rich renders a renderable on it.
        base = style.rich_style
        return [(s.crop_extend(0, width, None) if s.cell_length != width else s)
                .apply_style(base) for s in strips]

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return max((s.cell_length for s in self.strips), default=0)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return len(self.strips)


class DimmedModal(ModalScreen[ScreenResultType]):
    """A modal screen whose translucent background is a :class:`Backdrop` of the screen beneath.

    Subclasses keep ModalScreen's look (the screen beneath, dimmed); only how it is drawn
    changes. An opaque background (a subclass's CSS) is drawn as Textual draws it.
    """

    def __init__(self, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._backdrop: Backdrop | None = None
        self._backdrop_of: tuple[int, int, int] | None = None

    def _beneath(self) -> Screen[object] | None:
        stack = self.app.screen_stack
        if self not in stack:
            return None
        at = stack.index(self)
        return stack[at - 1] if at > 0 else None

    def render(self):  # type: ignore[no-untyped-def]
        background = self.styles.background
        base = self._beneath()
        if base is None or background.a >= 1 or background.a == 0:
            return super().render()
        size = base._compositor.size
        key = (id(base), size.width, size.height)
        if self._backdrop is None or self._backdrop_of != key:
            self._backdrop = Backdrop(dim_strips(base._compositor.render_strips(), background))
            self._backdrop_of = key
        return self._backdrop

    def drop_backdrop(self) -> None:
        """Take the screen beneath afresh at the next repaint."""
        self._backdrop = None
        self.refresh()

    # Textual calls each class's handler of an event in turn (these run before Screen's own).
    def on_screen_resume(self, event: ScreenResume) -> None:
        self._backdrop = None

    def on_resize(self, event: Resize) -> None:
        self._backdrop = None
