"""The monthly loop in the app: the follow-up panel, and a second cycle run by keys.

The tiny company's first cycle is recorded through the cycle's commands (an assumption that
holds, one 20% high, a capacity decision due, the CFO's override with an action), its month of
data imported; then the app takes over.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import DataTable, Footer
from textual.worker import WorkerFailed

from sop_tui.cycle.meetings import load_meetings
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.log import EventLog
from sop_tui.settings import Settings
from sop_tui.tui.panels.base import PanelContext
from sop_tui.tui.panels.followup import FollowUpPanel
from sop_tui.tui.panels.loop_forms import DecisionOutcomeDialog, StartMeetingDialog
from tests.loop_fixtures import run_first_cycle

SIZE = (120, 40)
CSS = Path(__file__).resolve().parents[2] / "sop_tui" / "tui" / "panels" / "panels.tcss"
CYCLE = "2027-01"


class SetClock:
    """A clock that stands still until the test moves it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment


class FollowUpHost(App[None]):
    """The follow-up panel of one meeting of ``CYCLE``, as the meeting screen shows it."""

    CSS_PATH = [CSS]
    CURSOR_BLINK = False

    def __init__(self, ws: Workspace, meeting: str = "demand") -> None:
        super().__init__()
        settings = Settings(store=Path("store"), actor="tester")
        meet = load_meetings(settings.meetings_dir)[meeting]
        self.context = PanelContext(ws, settings, CYCLE, meet,
                                    lambda: CyclePlanning(ws, CYCLE))

    def compose(self) -> ComposeResult:
        yield FollowUpPanel(self.context, id="panel")
        yield Footer()


async def settle(app: Any, pilot: Pilot[Any]) -> None:
    for _ in range(3):
        try:
            await app.workers.wait_for_complete()
        except WorkerFailed as exc:
            raise AssertionError(f"a worker failed: {exc}") from exc
        await pilot.pause()


def rows(table: DataTable[Any]) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


@pytest.fixture
def first_done(tmp_path: Path) -> Workspace:
    """The first cycle decided and closed, its month imported; nothing open yet."""
    clock = SetClock(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    ws = Workspace(EventLog(f"sqlite:///{tmp_path / 'sop.db'}", clock=clock), actor="lead",
                   clock=clock)
    run_first_cycle(ws, tmp_path)
    clock.set(datetime(2027, 1, 5, 9, 0, tzinfo=UTC))
    return ws


@pytest.fixture
def second(first_done: Workspace) -> Workspace:
    first_done.open_cycle(CYCLE)
    return first_done


async def test_the_follow_up_shows_what_last_cycle_left(second: Workspace) -> None:
    app = FollowUpHost(second)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assumptions = rows(app.query_one("#fu-assumptions", DataTable))
        assert [(r[3], r[5].split(" ")[0]) for r in assumptions] == [("PUMP", "held"),
                                                                      ("VALVE", "missed")]
        assert "missed by −16.7%" in assumptions[1][5]
        decisions = rows(app.query_one("#fu-decisions", DataTable))
        assert decisions == []  # the demand review decided nothing: the supply review did
        actions = rows(app.query_one("#fu-actions", DataTable))
        assert [(r[0].split(".")[1], r[2]) for r in actions] == [
            ("1", "[override] Promotion on pumps")]
        assert actions[0][4].endswith("overdue")


async def test_an_outcome_and_a_done_action_from_the_panel(second: Workspace) -> None:
    app = FollowUpHost(second, meeting="supply")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        decisions = rows(app.query_one("#fu-decisions", DataTable))
        assert [r[2] for r in decisions] == ["Second shift on LINE? → no"]
        assert "LINE: gap 0 h when decided" in decisions[0][6]  # the measured result
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, DecisionOutcomeDialog)
        await pilot.press(*"nope", "tab", *"ok", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DecisionOutcomeDialog)  # 'nope' is not an outcome
        assert "is not an outcome" in str(app.screen.query_one("#error-outcome").content)
        app.screen.set_value("outcome", "worked")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [outcome] = second.log.events(types=["DecisionOutcomeRecorded"])
        assert outcome.payload["outcome"] == "worked" and outcome.payload["note"] == "ok"
        assert outcome.payload["measured"].startswith("LINE: gap 0 h")
        await pilot.press("space")  # the override's action, done
        await settle(app, pilot)
        [done] = second.log.events(types=["ActionCompleted"])
        assert done.payload["item"] == 1
        assert rows(app.query_one("#fu-actions", DataTable)) == []


@pytest.mark.slow
def test_follow_up_panel_snapshot(second: Workspace, snap_compare: Any) -> None:
    assert snap_compare(FollowUpHost(second), terminal_size=SIZE,
                        run_before=lambda pilot: settle(pilot.app, pilot))


@pytest.mark.slow
def test_follow_up_panel_after_the_outcome_snapshot(second: Workspace,
                                                    snap_compare: Any) -> None:
    async def record(pilot: Pilot[Any]) -> None:
        await settle(pilot.app, pilot)
        await pilot.press("o", *"worked", "tab", *"no gap appeared", "ctrl+s")
        await settle(pilot.app, pilot)

    assert snap_compare(FollowUpHost(second, meeting="supply"), terminal_size=SIZE,
                        run_before=record)


async def _close(app: Any, pilot: Pilot[Any]) -> None:
    from sop_tui.tui.dialogs.confirm import ConfirmDialog
    from sop_tui.tui.screens.dashboard import DashboardScreen

    await pilot.press("c")
    await settle(app, pilot)
    assert isinstance(app.screen, ConfirmDialog), app.screen
    await pilot.press("y")
    await settle(app, pilot)
    assert isinstance(app.screen, DashboardScreen)


async def _item(app: Any, pilot: Pilot[Any], panel: str) -> Any:
    from sop_tui.tui.panels import PANELS

    for _ in range(8):
        found = list(app.screen.query(PANELS[panel]))
        if found:
            await settle(app, pilot)
            return found[0]
        await pilot.press("n")
        await settle(app, pilot)
    raise AssertionError(f"no {panel} panel on the agenda")


@pytest.mark.slow
@pytest.mark.usefixtures("no_numbers")
async def test_the_second_cycle_by_keys(first_done: Workspace,
                                        make: Callable[..., Any]) -> None:
    from sop_tui.tui.dialogs.capture import OpenCycleForm
    from sop_tui.tui.panels.demand import DemandPanel
    from sop_tui.tui.screens.meeting import MeetingScreen

    DemandPanel.AUTO_STATISTICAL = False
    ws = first_done
    app = make(ws)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("o")  # open the next cycle
            await pilot.pause()
            assert isinstance(app.screen, OpenCycleForm)
            assert app.screen.values()["cycle"] == CYCLE
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert app.cycle == CYCLE

            # out of order: the executive meeting first asks why
            app.open_meeting("executive")
            await pilot.pause()
            assert isinstance(app.screen, StartMeetingDialog)
            await pilot.press("escape")
            await pilot.pause()

            # portfolio: its first item is the follow-up; the override's action is done
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, MeetingScreen)
            panel = await _item(app, pilot, "followup")
            assert rows(panel.query_one("#fu-actions", DataTable))[0][2].startswith("[override]")
            await pilot.press("space")
            await settle(app, pilot)
            await _close(app, pilot)

            # demand: last cycle's assumptions checked, then one consensus per family
            await pilot.press("enter")
            await settle(app, pilot)
            panel = await _item(app, pilot, "followup")
            verdicts = [r[5] for r in rows(panel.query_one("#fu-assumptions", DataTable))]
            assert verdicts[0].startswith("held") and verdicts[1].startswith("missed")
            await _item(app, pilot, "demand")
            for _ in range(2):
                await pilot.press("4", "ctrl+s")
                await settle(app, pilot)
                await pilot.press("down")
                await settle(app, pilot)
            await _close(app, pilot)

            # supply: the capacity decision's outcome, with its measured result
            await pilot.press("enter")
            await settle(app, pilot)
            await _item(app, pilot, "followup")
            await pilot.press("o", *"worked", "tab", *"no gap appeared", "ctrl+s")
            await settle(app, pilot)
            await _close(app, pilot)

            # pre-S&OP: three scenarios, a recommendation
            await pilot.press("enter")
            await settle(app, pilot)
            await _item(app, pilot, "scenarios")
            for name in ("up", "down", "flat"):
                await pilot.press("s", *name, "ctrl+s")
                await settle(app, pilot)
            await pilot.press("r", *"approve", "tab", *"approve the consensus", "ctrl+s")
            await settle(app, pilot)
            await _close(app, pilot)

            # executive: approve; the last meeting closed closes the cycle
            await pilot.press("enter")
            await settle(app, pilot)
            await _item(app, pilot, "executive")
            await pilot.press("A", *"Pat Chen", "ctrl+s")  # a person, typed: never the role
            await settle(app, pilot)
            await _close(app, pilot)
    finally:
        DemandPanel.AUTO_STATISTICAL = True
    cs = ws.state().cycles[CYCLE]
    assert cs.closed is not None and all(m.status == "closed" for m in cs.meetings.values())
    assert set(cs.consensus) == {"PUMP", "VALVE"} and len(cs.scenarios) == 3
    assert cs.outcome is not None and cs.outcome.type == "PlanApproved"
    assert [e.payload["outcome"] for e in ws.log.events(types=["DecisionOutcomeRecorded"])] \
        == ["worked"]
    assert ws.state().open_actions() == []
    assert ws.log.verify().ok
