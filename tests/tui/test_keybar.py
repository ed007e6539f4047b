"""The key bar: which keys fit, that none is cut, clicks, redraws, and every screen at 80×24
and 200×60."""

from __future__ import annotations

from typing import ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input

from sop_tui.cycle.workspace import Workspace
from sop_tui.tui.screens.dashboard import DashboardScreen
from sop_tui.tui.screens.history import HistoryScreen
from sop_tui.tui.screens.meeting import MeetingScreen
from sop_tui.tui.widgets.keybar import Key, KeyBar, cell_width, fit


def _key(display: str, description: str, action: str | None = None) -> Key:
    return Key(display, action or description.lower(), display, description, True, "")


KEYS = (_key("a", "Assume"), _key("d", "Decide"), _key("^q", "Quit", "quit"),
        _key("?", "Help", "help"), _key("E", "Email pack"))


def _width(keys: list[Key]) -> int:
    return sum(cell_width(k) for k in keys) + len(keys) - 1


def test_all_keys_show_when_they_fit() -> None:
    assert fit(KEYS, _width(list(KEYS))) == list(KEYS)


def test_keys_are_left_out_from_the_end_but_quit_and_help_stay() -> None:
    full = _width(list(KEYS))
    shown = fit(KEYS, full - 1)  # one cell short: the last key goes, whole
    assert [k.display for k in shown] == ["a", "d", "^q", "?"]
    shown = fit(KEYS, 12)
    assert [k.display for k in shown] == ["^q", "?"]  # "^q Quit ? Help" is what is left
    assert _width(shown) <= 14


class Host(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("a", "note('a')", "Assume"),
        Binding("b", "note('b')", "Blocked"),
        Binding("z", "note('z')", "Hidden", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.notes: list[str] = []

    def compose(self) -> ComposeResult:
        yield Input(id="field")
        yield KeyBar()

    def action_note(self, what: str) -> None:
        self.notes.append(what)

    def action_help(self) -> None:
        self.notes.append("help")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "note" and parameters == ("b",):
            return None  # shown, disabled
        return True


def _line(bar: KeyBar) -> str:
    return bar.render().plain


async def test_the_bar_shows_the_keys_and_a_click_presses_one() -> None:
    app = Host()
    async with app.run_test(size=(80, 10)) as pilot:
        app.set_focus(None)
        await pilot.pause()
        bar = app.query_one(KeyBar)
        line = _line(bar)
        assert line.startswith("^q Quit ? Help a Assume b Blocked")
        assert "Hidden" not in line  # show=False
        assert line.rstrip().endswith("^p palette") and len(line) == 80
        blocked = next(s for s in bar.spans if s[2].key == "b")
        assert not blocked[2].enabled
        start = next(s[0] for s in bar.spans if s[2].key == "a")
        await pilot.click(KeyBar, offset=(start + 2, 0))
        assert app.notes == ["a"]
        pressed: list[str] = []
        bells: list[bool] = []
        app.simulate_key = pressed.append  # type: ignore[method-assign]
        app.bell = lambda: bells.append(True)  # type: ignore[method-assign]
        await pilot.click(KeyBar, offset=(blocked[0], 0))  # disabled: a bell, no key
        assert pressed == [] and bells == [True]
        await pilot.click(KeyBar, offset=(start, 0))
        assert pressed == ["a"]


async def test_the_bar_draws_again_only_when_its_keys_change() -> None:
    app = Host()
    async with app.run_test(size=(80, 10)) as pilot:
        bar = app.query_one(KeyBar)
        await pilot.pause()
        renders = 0
        render = bar.render

        def counting():  # type: ignore[no-untyped-def]
            nonlocal renders
            renders += 1
            return render()

        bar.render = counting  # type: ignore[method-assign]
        app.screen.refresh_bindings()  # same keys: nothing to draw
        await pilot.pause()
        assert renders == 0
        app.set_focus(None)  # the input's keys go: the bar draws again
        await pilot.pause()
        assert renders >= 1


async def _screens(app, pilot):  # type: ignore[no-untyped-def]
    """Yield each of the app's main screens in turn: dashboard, a meeting, the history."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    yield app.screen
    app.open_meeting("demand", reason="test: straight to this meeting")
    await pilot.pause()
    await pilot.pause()
    yield app.screen
    app.open_history()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    yield app.screen


@pytest.mark.usefixtures("stub_panels", "no_numbers")
@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_every_screen_keeps_quit_and_help_and_cuts_no_key(demo_ws: Workspace, make,
                                                              size: tuple[int, int]) -> None:
    app = make(demo_ws)
    async with app.run_test(size=size) as pilot:
        seen = []
        async for screen in _screens(app, pilot):
            seen.append(type(screen))
            bar = screen.query_one(KeyBar)
            line = _line(bar).rstrip()
            assert bar.size.width == size[0] and len(line) <= size[0]
            assert "^q Quit" in line and "? Help" in line, line
            keys, _palette = bar.keys()
            for _start, _end, key in bar.spans:  # each key drawn is whole
                assert key.display + (" " + key.description if key.description else "") in line
            if size[0] >= 200:  # wide: every key, and the palette
                assert [s[2] for s in bar.spans[:len(keys)]] == list(keys)
                assert line.endswith("^p palette")
        assert seen == [DashboardScreen, MeetingScreen, HistoryScreen]
