"""A modal's dimmed backdrop: the screen beneath as it was when the modal opened, tinted once.

Textual draws a translucent modal (``ModalScreen``'s ``background: $background 60%``) by
rendering the whole screen beneath through Rich on every repaint of the modal's background and
tinting each segment (``BackgroundScreen``): 30-100 ms at 120x40 here, on opening and again
whenever the screen beneath changes (the meeting clock ticks every second). :class:`Backdrop`
takes the screen beneath's strips from its compositor once, tints each distinct style once
(with Textual's own tint, so it looks the same), and serves those strips until the modal asks
for a fresh one (:class:`DimmedModal` does on every resume and resize). The screen beneath is
frozen behind the modal meanwhile: it is dimmed and not what the user is working on.

Taking those strips still costs 10-25 ms (the compositor cuts and joins every widget's lines),
half of a form's opening. A screen that forms open over can have them ready instead
(:class:`BackdropSource`): it takes them while idle, shortly after each frame that changed it,
keeps its ticking widgets (the meeting's clocks) out of that rule by drawing just their lines
into the kept strips when they are used, and hands them over on opening.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import messages
from textual.color import Color
from textual.css.styles import RulesMap
from textual.events import Resize, ScreenResume
from textual.geometry import Region, Size
from textual.renderables.background_screen import BackgroundScreen
from textual.screen import ModalScreen, Screen, ScreenResultType
from textual.strip import Strip
from textual.style import Style
from textual.timer import Timer
from textual.visual import RenderOptions, Visual
from textual.widget import Widget

__all__ = ["Backdrop", "BackdropSource", "DimmedModal", "dim_strips"]


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


class BackdropSource(Screen[ScreenResultType]):
    """A screen that keeps its own strips ready for the modals opened over it.

    Once :attr:`PREPARE_AFTER` seconds have passed without a change to what it shows (other
    than a ticking widget's), it takes its strips; a modal opened before that takes them then,
    as it would without this. The strips are kept tinted too, once per tint. Widgets that
    change on their own every second are named in :attr:`TICKING` (CSS selectors): their
    redrawing keeps the strips, and the rows they cover are drawn again into them when the
    strips are used.
    """

    #: Selectors of the widgets that redraw themselves on a timer (clocks).
    TICKING: ClassVar[tuple[str, ...]] = ()
    #: Seconds of quiet after a change before the strips are taken (a key held down, a panel
    #: loading in steps, do not make the screen take them at every frame).
    PREPARE_AFTER: ClassVar[float] = 0.1

    _kept: list[Strip] | None = None  # the screen's strips as taken
    _kept_size: Size | None = None
    _dimmed: dict[Color, list[Strip]] | None = None  # the kept strips tinted, by tint
    _ticked = False  # a ticking widget redrew since the strips were taken
    _ticking_widgets: frozenset[Widget] | None = None  # found again after each layout
    _prepare_timer: Timer | None = None
    _prepare_pending = False

    @property
    def backdrop_ready(self) -> bool:
        """True when the strips are kept for the screen's current size."""
        return self._kept is not None and self._kept_size == self._compositor.size

    def backdrop_strips(self, tint: Color) -> list[Strip]:
        """The screen as it looks now, tinted with ``tint``: the kept strips (with the ticking
        widgets' rows drawn again), or taken afresh when something else changed since."""
        if not self.backdrop_ready:
            self._take_strips()
        elif self._ticked:
            self._draw_ticking()
        assert self._kept is not None and self._dimmed is not None
        dimmed = self._dimmed.get(tint)
        if dimmed is None:
            dimmed = self._dimmed[tint] = dim_strips(self._kept, tint)
        return dimmed

    def _take_strips(self) -> None:
        self._kept = self._compositor.render_strips()
        self._kept_size = self._compositor.size
        self._dimmed = {}
        self._ticked = False

    def _ticking(self) -> frozenset[Widget]:
        if self._ticking_widgets is None:
            self._ticking_widgets = frozenset(
                w for selector in self.TICKING for w in self.query(selector))
        return self._ticking_widgets

    def _draw_ticking(self) -> None:
        """Draw again, into copies of the kept strips, the rows the ticking widgets show on.

        Whole rows, through the compositor, as :meth:`_take_strips` draws every row: what
        clips a ticking widget (its container) or lies over it (a tooltip, a notification) is
        drawn as on screen.
        """
        assert self._kept is not None and self._dimmed is not None
        compositor = self._compositor
        visible = compositor.full_map
        rows: set[int] = set()
        for widget in self._ticking():
            geometry = visible.get(widget)
            if geometry is not None:
                shown = geometry.region.intersection(geometry.clip)
                rows.update(range(shown.y, shown.bottom))
        rows &= set(range(len(self._kept)))
        if rows:
            top, bottom = min(rows), max(rows) + 1
            chops = compositor._render_chops(Region(0, top, compositor.size.width, bottom - top),
                                             rows.__contains__)
            strips = list(self._kept)
            for y in rows:
                strips[y] = Strip.join(chops[y].values())
            self._kept = strips
            for tint, dimmed in list(self._dimmed.items()):
                dimmed = list(dimmed)
                for y in rows:
                    (dimmed[y],) = dim_strips([strips[y]], tint)
                self._dimmed[tint] = dimmed
        self._ticked = False

    # Every change to what the screen shows reaches it as one of these messages, posted by the
    # widget that changed: a repaint, a layout, a scroll. (A repaint of the whole screen with
    # nothing changed in it, as Textual does when a modal is pushed over it, is not one.)
    # These handlers run before the screen's own, which still do the drawing.
    def on_update(self, message: messages.Update) -> None:
        if message.widget in self._ticking():
            self._ticked = True
        else:
            self._changed()

    def on_layout(self, message: messages.Layout) -> None:
        self._ticking_widgets = None  # widgets may have come or gone
        self._changed()

    def on_update_scroll(self, message: messages.UpdateScroll) -> None:
        self._changed()

    def _changed(self) -> None:
        self._kept = None
        if self.PREPARE_AFTER <= 0:  # at once: after the frame that shows the change
            if not self._prepare_pending:
                self._prepare_pending = True
                self.call_after_refresh(self._prepare)
        elif self._prepare_timer is None:
            self._prepare_timer = self.set_timer(self.PREPARE_AFTER, self._prepare)
        else:  # another change: the quiet starts again
            self._prepare_timer.reset()

    def _prepare(self) -> None:
        self._prepare_pending = False
        self._prepare_timer = None
        if self._kept is None and self.is_current:  # else: when it shows again, or on use
            self._take_strips()


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
            self._backdrop = Backdrop(
                base.backdrop_strips(background) if isinstance(base, BackdropSource)
                else dim_strips(base._compositor.render_strips(), background))
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
