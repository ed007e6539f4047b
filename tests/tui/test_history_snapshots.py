"""Snapshots of the history screen, the event detail and a refused retraction at 120x40.

Deterministic: a fixed clock, event ids from a counter (so hashes are fixed too), no cursor
blink, and every worker finished before the picture is taken.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Input

from sop_tui.cycle.workspace import Workspace
from sop_tui.events.log import EventLog
from sop_tui.tui.screens.history import HistoryScreen


class Host(App[None]):
    """The history as the app's first screen."""

    def __init__(self, ws: Workspace, *, read_only: bool = False) -> None:
        super().__init__()
        self.ws = ws
        self.read_only = read_only

    def on_mount(self) -> None:
        self.push_screen(HistoryScreen(self.ws, read_only=self.read_only))


@pytest.fixture
def snap_ws(tmp_path: Path, clock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:  # type: ignore[no-untyped-def]
    counter = iter(range(1, 1_000))
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=next(counter)))
    ws = Workspace(EventLog(f"sqlite:///{tmp_path / 'sop.db'}", clock=clock), actor="lead",
                   clock=clock)
    ws.open_cycle("2026-12")
    ws.start_meeting("portfolio")
    d = ws.record_decision(question="Phase out pump P-100?", chosen="yes, by March",
                           rationale="margin below 5%", decided_by="GM", meeting="portfolio",
                           options=["yes, by March", "keep one more year"], owner="Product",
                           due="2027-03-31")
    ws.start_meeting("demand", reason="demand first this month")
    a = ws.record_assumption(text="Retailer adds 40 doors in Q1", owner="Sales",
                             meeting="demand", family="PUMPS", months="2027-01..2027-03",
                             units=1200)
    ws.record_action(text="Book overtime on line 3", owner="Ops", due="2026-12-20",
                     meeting="supply", dollars=12000)
    ws.amend(a.seq, {"text": "Retailer adds 45 doors in Q1"}, "count confirmed")
    ws.retract(d.seq, "deferred to January")
    yield ws
    ws.log.close()


async def _settle(pilot) -> None:  # type: ignore[no-untyped-def]
    for inp in pilot.app.screen.query(Input):
        inp.cursor_blink = False
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_history_screen(snap_compare, snap_ws: Workspace) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(Host(snap_ws), terminal_size=(120, 40), run_before=_settle)


def test_history_screen_narrow(snap_compare, snap_ws: Workspace) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(Host(snap_ws), terminal_size=(80, 24), run_before=_settle)


def test_event_detail_of_an_amended_record(snap_compare, snap_ws: Workspace) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _settle(pilot)
        await pilot.press("down", "down", "down", "enter")  # newest first: seq 5, the assumption
        await _settle(pilot)

    assert snap_compare(Host(snap_ws), terminal_size=(120, 40), run_before=run_before)


def test_event_detail_read_only(snap_compare, snap_ws: Workspace, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ro = Workspace(EventLog(f"sqlite:///{tmp_path / 'sop.db'}", read_only=True))

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _settle(pilot)
        await pilot.press("end", "up", "up", "enter")  # seq 3, the retracted decision
        await _settle(pilot)

    assert snap_compare(Host(ro, read_only=True), terminal_size=(120, 40), run_before=run_before)


def test_detail_of_a_correction(snap_compare, snap_ws: Workspace) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _settle(pilot)
        await pilot.press("down", "enter")  # seq 7, the amendment
        await _settle(pilot)

    assert snap_compare(Host(snap_ws), terminal_size=(120, 40), run_before=run_before)


def test_retract_form_refused_without_reason(snap_compare, snap_ws: Workspace) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _settle(pilot)
        await pilot.press("down", "down", "enter", "r")  # seq 6, the action
        await _settle(pilot)
        await pilot.press("ctrl+s")
        await _settle(pilot)

    assert snap_compare(Host(snap_ws), terminal_size=(120, 40), run_before=run_before)
