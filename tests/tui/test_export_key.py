"""The app's export key (issue 17): X in the executive meeting and in the history (``sop review``
included) writes the cycle's workbook — what ``sop export all`` writes — outside the store, in a
worker, and says where; read back here with openpyxl."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from textual.pilot import Pilot
from tui_helpers import Note, notes_of

from sop_tui.cycle.workspace import Workspace
from sop_tui.events.log import EventLog
from sop_tui.settings import Settings
from sop_tui.tui.commands import SopCommands
from sop_tui.tui.screens.export import export_folder, workbook_path
from sop_tui.tui.screens.help import KEYS
from sop_tui.tui.screens.history import HistoryScreen
from sop_tui.tui.screens.meeting import MeetingScreen
from sop_tui.tui.widgets.keybar import KeyBar

SIZE = (120, 40)
#: The workbook's sheets, one per part of ``sop export all``.
SHEETS = ["Demand plan 2026-12", "Supply plan 2026-12", "Capacity 2026-12", "Decisions",
          "Assumptions", "Actions", "Metrics 2026-12"]
#: Building the plan and writing the workbook in a worker on a busy test machine (a deadline,
#: not a speed measurement).
DEADLINE = 60.0

pytestmark = pytest.mark.usefixtures("no_numbers")


async def until(pilot: Pilot[None], ready: Callable[[], bool], what: str) -> None:
    end = time.monotonic() + DEADLINE
    while not ready():
        if time.monotonic() > end:
            pytest.fail(f"not done within {DEADLINE} s: {what}")
        await pilot.pause(0.05)


def written(notes: list[Note]) -> Path:
    """The workbook named in the 'Workbook written' notification."""
    (note,) = [n for n in notes if n.message.startswith("Workbook written: ")]
    assert note.severity == "information"
    return Path(note.message.removeprefix("Workbook written: ").split(": ")[0])


def check_workbook(path: Path) -> None:
    book = load_workbook(path)
    assert book.sheetnames == SHEETS
    plan = book["Demand plan 2026-12"]
    header = [c.value for c in plan[1]]
    assert header[:2] == ["family", "month"]
    assert plan.max_row > 1 and plan.freeze_panes == "A2"
    units = plan.cell(row=2, column=header.index("units") + 1)
    assert isinstance(units.value, int | float) and units.number_format == "#,##0"
    # nothing a spreadsheet would run (OWASP CSV injection): no formula cell anywhere
    assert not [c for sheet in book for row in sheet.iter_rows() for c in row
                if c.data_type == "f"]


async def test_x_in_the_executive_meeting_writes_the_plan_workbook(
        demo_ws: Workspace, make, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "desk"
    out.mkdir()
    monkeypatch.chdir(out)
    app = make(demo_ws)
    notes = notes_of(app)
    async with app.run_test(size=SIZE) as pilot:
        app.open_meeting("executive", reason="test: the export")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        shown = [k.action for k in screen.query_one(KeyBar).keys()[0]]
        assert "export" in shown
        await pilot.press("X")
        await until(pilot, lambda: any(n.message.startswith(("Workbook written", "No workbook"))
                                       for n in notes), "the workbook")
        path = written(notes)
        assert path == out / "sop-2026-12.xlsx"
        check_workbook(path)
        # a second export does not overwrite the first
        await pilot.press("X")
        await until(pilot, lambda: len([n for n in notes if "written" in n.message]) == 2,
                    "the second workbook")
        assert (out / "sop-2026-12-2.xlsx").exists()
        names = [name for name, _, _ in SopCommands(screen).commands()]
        assert "Export the plan workbook (xlsx)" in names


async def test_x_is_not_a_key_of_the_other_meetings(demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        app.open_meeting("supply", reason="test: not the executive meeting")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        assert "export" not in [k.action for k in screen.query_one(KeyBar).keys()[0]]
        names = [name for name, _, _ in SopCommands(screen).commands()]
        assert "Export the plan workbook (xlsx)" not in names


async def test_x_in_sop_review_writes_outside_the_read_only_store(
        demo_ws: Workspace, make, settings: Settings, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(settings.store)  # a reader who opened the store from inside it
    review_log = EventLog(demo_ws.log.url, read_only=True)
    app = make(Workspace(review_log, actor="reader"), read_only=True)
    notes = notes_of(app)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("h")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, HistoryScreen)
            assert "export" in [k.action for k in screen.query_one(KeyBar).keys()[0]]
            names = [name for name, _, _ in SopCommands(screen).commands()]
            assert "Export the plan workbook (xlsx)" in names
            await pilot.press("X")
            await until(pilot, lambda: any(
                n.message.startswith(("Workbook written", "No workbook")) for n in notes),
                "the workbook")
            path = written(notes)
            assert path == home / "sop-2026-12.xlsx"
            check_workbook(path)
    finally:
        review_log.close()
    assert not list(settings.store.rglob("*.xlsx"))


def test_the_export_folder_is_never_the_store(settings: Settings, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (settings.store / "cache").mkdir(parents=True)
    assert export_folder(settings, tmp_path) == tmp_path
    assert export_folder(settings, settings.store) == tmp_path / "home"
    assert export_folder(settings, settings.store / "cache") == tmp_path / "home"
    (tmp_path / "sop-2026-12.xlsx").touch()
    assert workbook_path(tmp_path, "2026-12") == tmp_path / "sop-2026-12-2.xlsx"


def test_the_help_lists_the_export_key() -> None:
    assert ("Executive, History", "X") in [(where, key) for where, key, _, _ in KEYS]
