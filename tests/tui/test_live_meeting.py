"""The live meeting off the happy path (issue 12): a closed meeting opened again, the agenda
moved back and forth, the palette's and the help's entries, the actions panel's keys."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

import pytest

from sop_tui.cycle.workspace import Workspace
from sop_tui.tui.screens.dashboard import DashboardScreen
from sop_tui.tui.screens.help import HelpScreen
from sop_tui.tui.screens.meeting import MeetingScreen

SIZE = (120, 40)

#: Seconds a step may take before the app counts as hung (a deadline, not a wait).
HUNG = 20.0


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
