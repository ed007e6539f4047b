"""The app follows the log (issue 12): what the CLI or another app writes shows in the open
screens — dashboard, meeting (captured list and panel), history, ``sop review`` — without
leaving and re-entering them; the top bar names the cycle that is open now."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from textual.pilot import Pilot
from textual.widgets import Label, Static

from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.scenarios import create_scenario
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.log import EventLog
from sop_tui.formats import money
from sop_tui.tui.panels.actions import ActionsPanel
from sop_tui.tui.screens.dashboard import DashboardScreen
from sop_tui.tui.screens.history import HistoryScreen, HistoryTable
from sop_tui.tui.screens.meeting import MeetingScreen
from sop_tui.tui.widgets.captured import CapturedList
from sop_tui.tui.widgets.fit_table import FitTable

SIZE = (120, 40)

#: A write elsewhere shows within a poll (0.5 s) and a fold; the deadline leaves room for a
#: busy test machine. (Not a speed measurement: benchmarks/ times the app.)
DEADLINE = 8.0


async def until(pilot: Pilot[None], ready: Callable[[], bool], what: str) -> None:
    """Let the app run until ``ready()`` holds; fail naming ``what`` after the deadline."""
    end = time.monotonic() + DEADLINE
    while not ready():
        if time.monotonic() > end:
            pytest.fail(f"not shown within {DEADLINE} s: {what}")
        await pilot.pause(0.05)


@pytest.fixture
def cli(demo_ws: Workspace) -> Iterator[Workspace]:
    """Another writer on the same store: what ``sop record ...`` is to the app."""
    log = EventLog(demo_ws.log.url)
    yield Workspace(log, actor="cli")
    log.close()


def _text(widget: Static) -> str:
    return str(widget.render())


@pytest.mark.usefixtures("no_numbers")
async def test_a_cli_write_reached_the_dashboard_only_when_it_was_reentered(
        demo_ws: Workspace, cli: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        card = screen.query_one("#actions-card", Static)
        assert "0 open" in _text(card)
        cli.record_action(text="Quote a second press", owner="Ops", due="2026-12-20")
        await until(pilot, lambda: "1 open" in _text(card), "the CLI's action on the card")
        cli.start_meeting("portfolio")
        table = screen.query_one("#meetings", FitTable)
        await until(pilot, lambda: str(table.get_row_at(0)[3]) == "in progress",
                    "the meeting the CLI started")


@pytest.mark.usefixtures("no_numbers")
async def test_the_top_bar_kept_the_old_cycle_after_a_new_one_was_opened(
        demo_ws: Workspace, cli: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        title = app.screen.query_one(".topbar-title", Label)
        assert "2026-12" in str(title.render())
        # opened here, with o
        app.screen.action_open_cycle()
        await pilot.pause()
        await pilot.press(*"2027-01", "ctrl+s")
        await until(pilot, lambda: "2027-01" in str(title.render()), "the cycle opened with o")
        assert isinstance(app.screen, DashboardScreen)
        # opened elsewhere, by the CLI
        cli.open_cycle("2027-02")
        await until(pilot, lambda: "2027-02" in str(title.render()), "the cycle the CLI opened")


@pytest.mark.usefixtures("no_numbers")
async def test_a_new_action_showed_only_after_leaving_and_reentering_the_item(
        demo_ws: Workspace, cli: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        # the executive meeting's last item: the actions and owners
        app.open_meeting("executive", reason="test: straight to the actions")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        screen.item = len(screen.meeting.agenda) - 1
        screen.show_item()
        await pilot.pause()
        panel = screen.query_one(ActionsPanel)
        table = panel.query_one("#actions-table", FitTable)
        await until(pilot, lambda: panel.loaded_seq >= 0 and not panel.has_class("-loading"),
                    "the actions panel")
        assert table.row_count == 0
        # captured here, with x: in the panel and the captured list at once
        await pilot.press("x")
        await pilot.pause()
        await pilot.press(*"Call the supplier", "tab", *"Ops", "tab", *"2026-12-18", "ctrl+s")
        await until(pilot, lambda: table.row_count == 1, "the action captured with x")
        captured = screen.query_one(CapturedList)
        assert "Call the supplier" in _text(captured)
        # written by the CLI in this meeting: the panel and the captured list follow
        cli.record_action(text="Check the mould", owner="Plant", due="2026-12-22",
                          meeting="executive")
        await until(pilot, lambda: table.row_count == 2, "the CLI's action in the panel")
        await until(pilot, lambda: "Check the mould" in _text(captured),
                    "the CLI's action in the captured list")


async def test_sop_review_follows_the_lead_and_keeps_the_readers_place(
        demo_ws: Workspace, cli: Workspace, make) -> None:
    for i in range(60):  # more rows than the screen shows
        cli.record_assumption(text=f"Earlier note {i}", owner="Sales", meeting="demand")
    review_log = EventLog(demo_ws.log.url, read_only=True)
    review = Workspace(review_log, actor="reader")
    app = make(review, read_only=True)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("h")
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, HistoryScreen)
            table = screen.query_one(HistoryTable)
            await pilot.press("down", "down")
            looked_at = table.current
            assert looked_at is not None and table.cursor == 2
            line = table.cursor - table.first_shown
            for i in range(3):
                cli.record_assumption(text=f"Late news {i}", owner="Sales", meeting="demand")
            await until(pilot, lambda: len(table.rows) == 73, "the lead's three new events")
            # the reader's row did not move: the new ones came in above it
            assert table.current == looked_at
            assert table.cursor - table.first_shown == line
            status = _text(screen.query_one("#history-status", Static))
            assert "3 new above" in status
            await pilot.press("home")
            assert table.current is not None and table.current.seq == 73
    finally:
        review_log.close()


@pytest.mark.slow
async def test_the_dashboard_kept_the_consensus_gap_after_a_gap_closing_plan_was_approved(
        demo_ws: Workspace, cli: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        card = app.screen.query_one("#gap-card", Static)
        await until(pilot, lambda: "consensus plan" in _text(card), "the consensus's gap")
        consensus_gap = CyclePlanning(cli).plan_totals["gap_to_target"]
        assert money(consensus_gap) in _text(card)
        # the executives approve a gap-closing scenario (in the CLI, beside the app)
        create_scenario(CyclePlanning(cli), "price up", price=["*:+5%"])
        cli.approve_plan(scenario="price up", approved_by="GM")
        approved_gap = CyclePlanning(cli).plan_totals["gap_to_target"]
        assert approved_gap < consensus_gap
        await until(pilot, lambda: "approved “price up” (GM)" in _text(card),
                    "the approved plan on the gap card")
        assert money(approved_gap) in _text(card)
