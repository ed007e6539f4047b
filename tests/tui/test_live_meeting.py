"""The live meeting off the happy path (issue 12): a closed meeting opened again, the agenda
moved back and forth, the palette's and the help's entries, the actions panel's keys."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import datetime, timedelta

import pytest
from textual.command import CommandList

from sop_tui.cycle.workspace import Workspace
from sop_tui.tui.screens.dashboard import DashboardScreen
from sop_tui.tui.screens.help import KEYS, HelpScreen
from sop_tui.tui.screens.meeting import MeetingScreen

SIZE = (120, 40)

#: Seconds a step may take before the app counts as hung (a deadline, not a wait).
HUNG = 20.0


def _at(ev: object) -> datetime:
    return datetime.fromisoformat(ev.at.replace("Z", "+00:00"))  # type: ignore[attr-defined]


async def answering(step: Awaitable[object]) -> None:
    """Run ``step``; fail (instead of hanging the test session) if the app stops answering."""
    await asyncio.wait_for(step, HUNG)


@pytest.mark.usefixtures("no_numbers", "stub_panels")
async def test_enter_on_a_closed_meeting_froze_the_app(demo_ws: Workspace, make) -> None:
    demo_ws.start_meeting("portfolio")
    demo_ws.close_meeting("portfolio", missing=[])
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await answering(pilot.pause())
        await answering(pilot.press("up", "enter"))
        await answering(pilot.pause())
        screen = app.screen
        assert isinstance(screen, MeetingScreen) and screen.meeting.id == "portfolio"
        assert screen.meeting_closed
        # the screen answers keys: n moves nothing, ? opens the help, Esc goes back
        item = screen.item
        await answering(pilot.press("n"))
        assert screen.item == item
        await answering(pilot.press("question_mark"))
        await answering(pilot.pause())
        assert isinstance(app.screen, HelpScreen)
        await answering(pilot.press("escape"))
        await answering(pilot.pause())
        assert app.screen is screen
        await answering(pilot.press("escape"))
        await answering(pilot.pause())
        assert isinstance(app.screen, DashboardScreen)
        # and again, from the palette's "Open meeting"
        app.open_meeting("portfolio")
        await answering(pilot.pause())
        assert isinstance(app.screen, MeetingScreen)
        await answering(pilot.press("escape"))
        await answering(pilot.pause())
        assert isinstance(app.screen, DashboardScreen)


@pytest.mark.usefixtures("no_numbers", "stub_panels")
async def test_moving_back_writes_nothing_and_the_clock_runs_on_the_furthest_item(
        demo_ws: Workspace, make, set_clock) -> None:
    """Time per item is derived from the first starts: the lead's screen, ``sop review`` and
    a relaunch agree. Going back to an item to look again writes nothing."""
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        app.open_meeting("demand", reason="test: straight to this meeting")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        await pilot.press("n")
        await pilot.press("p", "n", "p", "p", "n")  # back and forth: no event
        await pilot.pause()
        starts = demo_ws.log.events(types=["AgendaItemStarted"])
        assert [e.payload["item"] for e in starts] == [1]
        start = _at(demo_ws.log.events(types=["MeetingStarted"])[0])
        item_start = _at(starts[0])
        set_clock.set(item_start + timedelta(minutes=15))
        per, total = screen.spent(set_clock())
        assert per[0] == (item_start - start).total_seconds()
        assert per[1] == 15 * 60  # the revisits of item 0 count on item 1, the furthest
        assert total == per[0] + per[1]
        # what a relaunch (or sop review) reads: the meeting stands on the furthest item, and
        # the times come from the log alone
        assert demo_ws.state().cycles["2026-12"].meetings["demand"].item == 1
        screen.read_clock_events()
        assert screen.spent(set_clock()) == (per, total)


async def _palette_hits(app, pilot, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The palette's hits for ``query`` (typed as a user would), once its search is done."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*query)
    hits = app.screen.query_one(CommandList)
    names: list[str] = []
    for _ in range(100):  # the palette searches its providers in a task: wait for hits
        await pilot.pause()
        names = [str(hits.get_option_at_index(i).prompt) for i in range(hits.option_count)]
        if names:
            break
    await pilot.press("escape")
    await pilot.pause()
    return names


@pytest.mark.usefixtures("no_numbers", "stub_panels")
async def test_the_palette_lacked_open_a_cycle_and_e_mail_pack(demo_ws: Workspace,
                                                               make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert any("Open a cycle" in n for n in await _palette_hits(app, pilot, "open a cycle"))
        # not the executive meeting: E is not its key, yet
        app.open_meeting("supply", reason="test: straight to this meeting")
        await pilot.pause()
        assert any("Open a cycle" in n for n in await _palette_hits(app, pilot, "open a cycle"))
        assert any("E-mail the decision pack" in n
                   for n in await _palette_hits(app, pilot, "e-mail pack"))


def test_help_had_no_history_section() -> None:
    history = {(key, what) for where, key, what, _ in KEYS if where == "History"}
    keys = {key for key, _ in history}
    assert {"Enter", "/", "Tab", "c", "v", "Esc"} <= keys
