"""Every screen and every meeting panel, as the app shows them, at 80×24, 120×40 and 200×60.

One app per meeting and size walks the meeting's agenda: each item's screen is a snapshot
(pytest-textual-snapshot's SVG, compared by syrupy; review changes with ``--snapshot-update``
and look at each new picture), and on each screen no number is cut: no rendered number ends in
"…" and every table column is as wide as its widest number (issue 12: "$29…" for both revenue
and target at 120×40, 3 of 5 scenario columns, month headers "26-1").

Deterministic: the demo store, one clock that stands still for the app and the log, no cursor
blink, the statistical forecast not started, every worker done before a picture is taken.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pytest_textual_snapshot import SVGImageExtension
from rich.cells import cell_len
from rich.text import Text
from textual.app import App
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from sop_tui.cycle.workspace import Workspace
from sop_tui.events.log import EventLog
from sop_tui.settings import Settings
from sop_tui.tui.app import make_app
from sop_tui.tui.panels.demand import DemandPanel
from sop_tui.tui.screens.meeting import MeetingScreen

pytestmark = pytest.mark.slow  # each walks a whole meeting on the demo company

SIZES = {"80x24": (80, 24), "120x40": (120, 40), "200x60": (200, 60)}
MEETINGS = ("portfolio", "demand", "supply", "pre_sop", "executive")

#: A number cut short: digits, or a currency or percent sign, running into an ellipsis.
CUT_NUMBER = re.compile(r"[\d$%][^\s…]*…|…[^\s…]*\d")
#: A table cell that is a number (or a month, a date): never narrower than its column.
NUMBER = re.compile(r"^[−+-]?\$?\d[\d,]*(\.\d+)?[kMB%]?[!✔]?( pp| h)?$|^\d{4}-\d\d(-\d\d)?$")


@pytest.fixture(scope="module")
def views(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache folder for the module: the planning's views are computed once."""
    return tmp_path_factory.mktemp("snapshot-store")


@pytest.fixture
def store(demo_db: Path, tmp_path: Path, set_clock: Any) -> Iterator[Workspace]:
    """A private copy of the demo store whose log's clock stands still with the app's."""
    target = tmp_path / "sop.db"
    shutil.copyfile(demo_db, target)
    log = EventLog(f"sqlite:///{target}", clock=set_clock)
    yield Workspace(log, actor="tester", clock=set_clock)
    log.close()


@pytest.fixture(autouse=True)
def _no_statistical(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DemandPanel, "AUTO_STATISTICAL", False)


def cut_numbers(app: App[Any]) -> list[str]:
    """What the screen shows of a number cut short: rendered text and table columns."""
    found: list[str] = []
    for widget in app.screen.query("*"):
        if not widget.display or not widget.is_on_screen:
            continue
        if isinstance(widget, DataTable):
            for key, column in widget.columns.items():
                for row in widget.rows:
                    cell = widget.get_cell(row, key)
                    text = cell.plain if isinstance(cell, Text) else str(cell)
                    if NUMBER.match(text.strip()) and cell_len(text) > column.width:
                        found.append(f"{widget.id}: {text!r} in a column of {column.width}")
        if isinstance(widget, (DataTable, Static)):
            width, height = widget.size
            lines = widget.render_lines(Region(0, 0, width, height))
            for strip in lines:
                found += [f"{widget.id}: {m.group()}" for m in CUT_NUMBER.finditer(strip.text)]
    return found


async def settled(app: App[Any], pilot: Pilot[Any]) -> None:
    for _ in range(4):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def look(app: App[Any], pilot: Pilot[Any], snapshot: Any, name: str) -> None:
    """Snapshot the screen as it is and check that it cuts no number."""
    await settled(app, pilot)
    assert cut_numbers(app) == [], name
    assert snapshot(name=name) == app.export_screenshot()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("meeting", MEETINGS)
async def test_every_agenda_item_of_every_meeting(meeting: str, size: str, store: Workspace,
                                                  views: Path, snapshot: Any) -> None:
    snapshot = snapshot.use_extension(SVGImageExtension)
    app = make_app(store, Settings(store=views, actor="tester"), clock=store.clock)
    async with app.run_test(size=SIZES[size]) as pilot:
        await settled(app, pilot)
        app.open_meeting(meeting, reason="test: straight to this meeting")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        for item in range(len(screen.meeting.agenda)):
            if item:
                await pilot.press("n")
            await look(app, pilot, snapshot, f"{meeting}-{item + 1}-{size}")


@pytest.mark.parametrize("size", SIZES)
async def test_the_dashboard_the_history_and_the_help(size: str, store: Workspace,
                                                      views: Path, snapshot: Any) -> None:
    snapshot = snapshot.use_extension(SVGImageExtension)
    # recorded in November (a due date in the past is refused): overdue by the meeting
    november = Workspace(store.log, actor="tester",
                         clock=lambda: datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    november.record_action(text="Quote a second press for ASSY-B", owner="Plant manager",
                           due="2026-11-28")
    app = make_app(store, Settings(store=views, actor="tester"), clock=store.clock)
    async with app.run_test(size=SIZES[size]) as pilot:
        await look(app, pilot, snapshot, f"dashboard-{size}")
        await pilot.press("h")
        await look(app, pilot, snapshot, f"history-{size}")
        await pilot.press("question_mark")
        await look(app, pilot, snapshot, f"help-{size}")
