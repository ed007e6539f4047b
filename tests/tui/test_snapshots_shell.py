"""Snapshots of the shell's screens at 120×40: dashboard, meeting, each capture form, the close
dialog, help. Deterministic: a clock that stands still, no cursor blink, workers awaited, and a
placeholder where the meeting panel goes (the panels have their own snapshots)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from textual.pilot import Pilot

from sop_tui.cycle.workspace import Workspace
from sop_tui.tui.panels.base import Panel

SIZE = (120, 40)

pytestmark = pytest.mark.usefixtures("stub_panels")


def _settle(ws: Workspace, set_clock, meeting: str | None = None, minutes: float = 3.2):  # type: ignore[no-untyped-def]
    """Open ``meeting`` (if any), put the clock ``minutes`` after its start, wait for workers."""

    async def run_before(pilot: Pilot) -> None:
        app = pilot.app
        await app.workers.wait_for_complete()
        if meeting is not None:
            app.open_meeting(meeting, reason="test: straight to this meeting")  # type: ignore[attr-defined]
            await pilot.pause()
            start = ws.log.events(types=["MeetingStarted"])[0].at
            set_clock.set(datetime.fromisoformat(start.replace("Z", "+00:00"))
                          + timedelta(minutes=minutes))
            app.screen.tick()  # type: ignore[attr-defined]
        await app.workers.wait_for_complete()
        await pilot.pause()

    return run_before


@pytest.mark.slow
def test_dashboard(snap_compare, demo_ws: Workspace, make, set_clock) -> None:
    assert snap_compare(make(demo_ws), terminal_size=SIZE,
                        run_before=_settle(demo_ws, set_clock))


@pytest.mark.usefixtures("no_numbers")
def test_dashboard_read_only_without_a_cycle(snap_compare, empty_ws: Workspace, make,
                                             set_clock) -> None:
    assert snap_compare(make(empty_ws, read_only=True), terminal_size=SIZE,
                        run_before=_settle(empty_ws, set_clock))


@pytest.mark.usefixtures("no_numbers")
def test_meeting_screen_on_its_second_item(snap_compare, demo_ws: Workspace, make,
                                           set_clock) -> None:
    demo_ws.record_assumption(text="Distributors restock in Q1", owner="Demand planning",
                              meeting="demand", family="BRG-01")
    assert snap_compare(make(demo_ws), terminal_size=SIZE, press=["n"],
                        run_before=_settle(demo_ws, set_clock, "demand", 12.5))


@pytest.mark.usefixtures("no_numbers")
def test_executive_meeting_over_its_item(snap_compare, demo_ws: Workspace, make,
                                         set_clock) -> None:
    assert snap_compare(make(demo_ws), terminal_size=SIZE,
                        run_before=_settle(demo_ws, set_clock, "executive", 32.2))


@pytest.mark.usefixtures("no_numbers")
def test_assumption_form_prefilled(snap_compare, demo_ws: Workspace, make, set_clock) -> None:
    settle = _settle(demo_ws, set_clock, "demand")

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        pilot.app.screen.post_message(Panel.FamilyFocused("BRG-01"))
        await pilot.pause()

    assert snap_compare(make(demo_ws), terminal_size=SIZE, press=["a", *"Price rise sticks"],
                        run_before=run_before)


@pytest.mark.usefixtures("no_numbers")
def test_decision_form(snap_compare, demo_ws: Workspace, make, set_clock) -> None:
    assert snap_compare(make(demo_ws), terminal_size=SIZE, press=["d"],
                        run_before=_settle(demo_ws, set_clock, "portfolio"))


@pytest.mark.usefixtures("no_numbers")
def test_action_form_with_a_bad_due_date(snap_compare, demo_ws: Workspace, make,
                                         set_clock) -> None:
    settle = _settle(demo_ws, set_clock, "supply")

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("x", *"Quote")
        pilot.app.screen.query_one("#field-due").value = "2027-02-30x"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make(demo_ws), terminal_size=SIZE, run_before=run_before)


@pytest.mark.usefixtures("no_numbers")
def test_close_dialog_lists_what_is_missing(snap_compare, demo_ws: Workspace, make,
                                            set_clock) -> None:
    settle = _settle(demo_ws, set_clock, "portfolio")

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("c")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make(demo_ws), terminal_size=SIZE, run_before=run_before)


@pytest.mark.usefixtures("no_numbers")
def test_help(snap_compare, demo_ws: Workspace, make, set_clock) -> None:
    assert snap_compare(make(demo_ws), terminal_size=SIZE, press=["question_mark"],
                        run_before=_settle(demo_ws, set_clock))
