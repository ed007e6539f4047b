"""A capture form's dimmed backdrop: kept ready by the meeting screen, right after every change,
with the ticking clocks drawn in — and always what a fresh render of the meeting would show."""

from __future__ import annotations

import pytest
from textual.color import Color
from textual.pilot import Pilot

from sop_tui.cycle.workspace import Workspace
from sop_tui.tui.dialogs.backdrop import Backdrop, BackdropSource, dim_strips
from sop_tui.tui.dialogs.capture import AssumptionForm
from sop_tui.tui.screens.meeting import MeetingScreen

SIZE = (120, 40)
TINT = Color(0, 0, 0, 0.6)

pytestmark = pytest.mark.usefixtures("stub_panels", "no_numbers")


@pytest.fixture(autouse=True)
def _prepare_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The screen takes its strips at the next turn of the loop instead of 0.1 s later."""
    monkeypatch.setattr(BackdropSource, "PREPARE_AFTER", 0.0)


async def _meeting(app, pilot: Pilot, meeting: str = "demand") -> MeetingScreen:  # type: ignore[no-untyped-def]
    await app.workers.wait_for_complete()
    app.open_meeting(meeting, reason="test: straight to this meeting")
    await pilot.pause()
    await app.workers.wait_for_complete()
    screen = app.screen
    assert isinstance(screen, MeetingScreen)
    await _ready(screen, pilot)
    return screen


async def _ready(screen: BackdropSource, pilot: Pilot) -> None:
    for _ in range(20):
        if screen.backdrop_ready:
            return
        await pilot.pause()
    raise AssertionError("the meeting screen never kept its strips")


def _text(strips: list) -> list[str]:  # type: ignore[type-arg]
    return [s.text for s in strips]


def _fresh(screen: MeetingScreen, tint):  # type: ignore[no-untyped-def]
    return dim_strips(screen._compositor.render_strips(), tint)


async def test_a_form_opens_over_the_kept_strips_without_rendering_the_meeting(
        demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _meeting(app, pilot)
        renders = 0
        render_strips = screen._compositor.render_strips

        def counting(*args):  # type: ignore[no-untyped-def]
            nonlocal renders
            renders += 1
            return render_strips(*args)

        screen._compositor.render_strips = counting  # type: ignore[method-assign]
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, AssumptionForm)
        assert renders == 0
        backdrop = form.render()
        assert isinstance(backdrop, Backdrop)
        screen._compositor.render_strips = render_strips  # type: ignore[method-assign]
        assert [s.text for s in backdrop.strips] == _text(_fresh(screen, form.styles.background))


async def test_the_clock_ticking_keeps_the_strips_and_is_drawn_into_them(
        demo_ws: Workspace, make, set_clock) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _meeting(app, pilot)
        before = _text(screen.backdrop_strips(TINT))
        kept = screen._kept
        set_clock.advance(minutes=7, seconds=13)
        screen.tick()  # the clocks and the agenda's times move
        await pilot.pause()
        # a tick is no reason to take the strips again: they are kept, their ticking rows due
        assert screen._kept is kept and screen._ticked
        kept = screen.backdrop_strips(TINT)
        assert _text(kept) != before  # the new times are drawn in
        assert _text(kept) == _text(_fresh(screen, TINT))
        assert [list(s) for s in kept] == [list(s) for s in _fresh(screen, TINT)]  # styles too


async def test_any_other_change_makes_the_screen_take_its_strips_again(
        demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _meeting(app, pilot)
        before = _text(screen.backdrop_strips(TINT))
        kept = screen._kept
        await pilot.press("n")  # the next agenda item: prompts, panel and agenda change
        await _ready(screen, pilot)
        assert screen._kept is not kept  # dropped, and taken again once the change was drawn
        after = _text(screen.backdrop_strips(TINT))
        assert after != before
        assert after == _text(_fresh(screen, TINT))


async def test_a_ticking_widget_clipped_by_its_column_is_drawn_as_on_screen(
        demo_ws: Workspace, make, set_clock) -> None:
    # 80×21: the executive meeting's agenda is taller than its column, which clips it
    app = make(demo_ws)
    async with app.run_test(size=(80, 21)) as pilot:
        screen = await _meeting(app, pilot, "executive")
        kept = screen._kept
        set_clock.advance(minutes=3)
        screen.tick()
        await pilot.pause()
        assert screen._kept is kept and screen._ticked
        drawn = screen.backdrop_strips(TINT)
        assert _text(drawn) == _text(_fresh(screen, TINT))
        assert "Quit" in drawn[-1].text  # the key bar under the clipped agenda is intact
