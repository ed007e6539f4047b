"""The executive meeting's length against its 90 minutes, as the decision pack says it.

The reference: "if your executive S&OP runs longer than 90 minutes, your pre-S&OP failed".
The cadence gives the words (planned, in progress, held within or over its timebox); the pack's
first section prints them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sop_tui.cycle.cadence import executive_timebox
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.status import DEFAULT_LIMITS
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.log import EventLog
from sop_tui.pack.context import build_context
from sop_tui.pack.render import render_html
from sop_tui.settings import RESOURCES
from tests.loop_fixtures import run_first_cycle

CYCLE = "2026-12"


class SetClock:
    """A clock that stands still until the test moves it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> SetClock:
    return SetClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))


@pytest.fixture
def ws(tmp_path: Path, clock: SetClock) -> Workspace:
    return Workspace(EventLog(f"sqlite:///{tmp_path / 'sop.db'}", clock=clock), actor="lead",
                     clock=clock)


def timebox(ws: Workspace) -> dict[str, object]:
    return executive_timebox(ws.state().cycles[CYCLE], DEFAULT_LIMITS)


def test_the_executive_meeting_planned_in_progress_and_over_its_timebox(
        ws: Workspace, clock: SetClock) -> None:
    ws.open_cycle(CYCLE)
    planned = timebox(ws)
    assert planned["status"] == "not started" and planned["minutes"] is None
    scheduled = ws.state().cycles[CYCLE].meetings["executive"].scheduled
    assert planned["text"] == f"Executive S&OP planned for {scheduled} (90-minute timebox)."

    clock.now = datetime(2026, 12, 16, 14, 0, tzinfo=UTC)
    ws.start_meeting("executive", reason="the CFO is only here today")
    assert timebox(ws)["text"] == \
        "Executive S&OP in progress since 14:00 UTC (90-minute timebox)."

    clock.now += timedelta(minutes=112)
    ws.close_meeting("executive")
    over = timebox(ws)
    assert (over["minutes"], over["limit"], over["over"]) == (112.0, 90, True)
    assert str(over["text"]).startswith("Executive S&OP held in 112 min of its 90-minute timebox: "
                                   "22 min over")
    assert "pre-S&OP" in str(over["text"])


def test_within_its_timebox_the_pack_says_so(ws: Workspace, clock: SetClock,
                                             tmp_path: Path) -> None:
    run_first_cycle(ws, tmp_path)  # the clock stands still: a 0-minute executive meeting
    tb = timebox(ws)
    assert (tb["minutes"], tb["over"]) == (0.0, False)
    html = render_html(build_context(CyclePlanning(ws, CYCLE)), RESOURCES / "templates")
    assert "Executive S&amp;OP held in 0 min of its 90-minute timebox." in html
    # a shorter timebox from the meeting files is the one the pack measures against
    html = render_html(build_context(CyclePlanning(ws, CYCLE),
                                     limits={**DEFAULT_LIMITS, "executive": 60}),
                       RESOURCES / "templates")
    assert "Executive S&amp;OP held in 0 min of its 60-minute timebox." in html
