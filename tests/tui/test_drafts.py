"""Drafts survive (issue 16, item 1): a form's text is kept outside the log as it is typed,
removed on save or cancel, offered on the next start and restored when the same form opens; a
read-only store gets none. The idle app checkpoints the log's write-ahead file."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from sop_tui.cycle.drafts import DraftStore
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.log import EventLog
from sop_tui.settings import Settings
from sop_tui.tui.app import SopApp
from sop_tui.tui.dialogs.capture import AssumptionForm
from sop_tui.tui.screens.meeting import MeetingScreen

SIZE = (120, 40)
DEADLINE = 8.0
pytestmark = pytest.mark.usefixtures("stub_panels", "no_numbers")


async def until(pilot: Pilot[Any], ready: Callable[[], bool], what: str) -> None:
    """Let the app run until ``ready()`` holds (a deadline, not a sleep)."""
    end = time.monotonic() + DEADLINE
    while not ready():
        if time.monotonic() > end:
            pytest.fail(f"not within {DEADLINE} s: {what}")
        await pilot.pause(0.05)


def _drafts(settings: Settings) -> DraftStore:
    return DraftStore(settings.store / "drafts")


def _texts(settings: Settings) -> list[str]:
    return [d.values.get("text", "") for d in _drafts(settings).kept()]


def _toasts(app: SopApp) -> str:
    return " ".join(str(t.render()) for t in app.screen.query("Toast"))


async def _assumption_form(app: SopApp, pilot: Pilot[Any]) -> AssumptionForm:
    app.open_meeting("demand", reason="test: straight to this meeting")
    await pilot.pause()
    assert isinstance(app.screen, MeetingScreen)
    await pilot.press("a")
    await pilot.pause()
    assert isinstance(app.screen, AssumptionForm)
    return app.screen


async def test_typing_keeps_a_draft_and_saving_removes_it(demo_ws: Workspace, make,
                                                           settings: Settings) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await _assumption_form(app, pilot)
        await pilot.press(*"Steel holds", "tab", "tab", "tab", *"2027-01")
        await until(pilot, lambda: [d.values.get("months") for d in _drafts(settings).kept()]
                    == ["2027-01"], "the draft written while typing")
        assert _texts(settings) == ["Steel holds"]
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not _drafts(settings).kept(), "the draft removed on save")
        assert [e.payload["text"] for e in demo_ws.log.events(types=["AssumptionRecorded"])] \
            == ["Steel holds"]


async def test_cancelling_removes_the_draft(demo_ws: Workspace, make,
                                            settings: Settings) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await _assumption_form(app, pilot)
        await pilot.press(*"Half a thought")
        await until(pilot, lambda: _texts(settings) == ["Half a thought"], "the draft")
        await pilot.press("escape", "y")  # discard what was typed
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert _drafts(settings).kept() == []
        assert list((settings.store / "drafts").iterdir()) == []  # no temp file left either


async def test_a_draft_left_by_a_crash_is_offered_and_restored_in_the_same_form(
        demo_ws: Workspace, make, settings: Settings) -> None:
    first = make(demo_ws)
    async with first.run_test(size=SIZE) as pilot:
        form = await _assumption_form(first, pilot)
        await pilot.press(*"Distributors restock", "tab", "tab", "tab", *"2027-02")
        await until(pilot, lambda: _texts(settings) == ["Distributors restock"], "the draft")
        form.write_draft()  # what the app was killed with
    # the app's end kept the draft (it was neither saved nor cancelled)
    assert _texts(settings) == ["Distributors restock"]
    again = make(demo_ws)
    async with again.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "kept as drafts" in _toasts(again), "the drafts offered")
        offer = _toasts(again)
        assert "kept as drafts" in offer and "Assumption" in offer and "Demand review" in offer
        typed_at = _drafts(settings).kept()[0].saved_at
        form = await _assumption_form(again, pilot)
        assert form.restored is not None and form.restored.saved_at == typed_at
        values = form.values()
        assert (values["text"], values["months"]) == ("Distributors restock", "2027-02")
        assert form.holds_text  # quitting asks before losing it
        form.write_draft()
        assert _drafts(settings).kept()[0].saved_at == typed_at  # reopening is no typing
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not _drafts(settings).kept(), "the draft removed on save")
    (ev,) = demo_ws.log.events(types=["AssumptionRecorded"])
    assert ev.payload["months"] == {"first": "2027-02", "last": "2027-02"}


async def test_quitting_and_choosing_to_lose_the_text_leaves_no_draft(
        demo_ws: Workspace, make, settings: Settings) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await _assumption_form(app, pilot)
        await pilot.press(*"Gone")
        await until(pilot, lambda: _texts(settings) == ["Gone"], "the draft")
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    assert _drafts(settings).kept() == []


async def test_a_read_only_store_gets_no_drafts(demo_ws: Workspace, make,
                                                settings: Settings) -> None:
    app = make(demo_ws, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.drafts is None
    assert not (settings.store / "drafts").exists()


async def test_the_idle_app_truncates_the_write_ahead_log(
        demo_ws: Workspace, make, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The WAL kept its largest size until the last connection closed (27 MB seen)."""
    monkeypatch.setattr(SopApp, "CHECKPOINT_EVERY", 0.2)
    wal = Path(f"{settings.store / 'sop.db'}-wal")
    other = Workspace(EventLog(f"sqlite:///{settings.store / 'sop.db'}"), actor="cli")
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        for i in range(200):  # another writer (the CLI) grows the WAL
            other.record_assumption(text=f"assumption {i} " + "x" * 500, owner="Demand")
        grown = wal.stat().st_size
        assert grown > 100_000
        await until(pilot, lambda: wal.stat().st_size == 0, "the WAL truncated while idle")
    other.log.close()
