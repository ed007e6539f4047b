"""Fixtures for the TUI tests: no cursor blink, a clock the test sets, the app on the demo store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sop_tui.cycle.workspace import Workspace
from sop_tui.events.log import EventLog
from sop_tui.settings import Settings


class SetClock:
    """A clock that stands still until the test moves it (what the meeting timers read)."""

    def __init__(self, now: datetime = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment

    def advance(self, **delta: float) -> None:
        self.now = self.now + timedelta(**delta)


@pytest.fixture(autouse=True)
def _no_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """Snapshots must not depend on when the cursor blinked."""
    from sop_tui.tui.app import SopApp

    monkeypatch.setattr(SopApp, "CURSOR_BLINK", False)


@pytest.fixture
def set_clock() -> SetClock:
    return SetClock()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(store=tmp_path / "store", actor="tester")


@pytest.fixture
def make(settings: Settings, set_clock: SetClock) -> Callable[..., object]:
    """Build the app the way the CLI does, with the test's clock."""
    from sop_tui.tui.app import make_app

    def build(ws: Workspace, *, read_only: bool = False) -> object:
        return make_app(ws, settings, read_only=read_only, clock=set_clock)

    return build


@pytest.fixture
def empty_ws(tmp_path: Path) -> Iterator[Workspace]:
    """A workspace on an empty store (no cycle open)."""
    clock = SetClock(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    log = EventLog(f"sqlite:///{tmp_path / 'empty.db'}", clock=clock)
    yield Workspace(log, actor="tester", clock=clock)
    log.close()


@pytest.fixture
def stub_panels(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shell's tests show a placeholder where the meeting panel goes.

    The panels (another module, with their own tests) load analytics in workers; the shell's
    tests are about the agenda, clocks and capture, and stay fast and stable without them.
    """
    from textual.widgets import Static

    from sop_tui.tui.screens.meeting import MeetingScreen

    def placeholder(self: MeetingScreen, panel_id: str) -> Static:
        return Static(f"[{panel_id} panel]", classes="panel-stub", markup=False)

    monkeypatch.setattr(MeetingScreen, "build_panel", placeholder)


@pytest.fixture
def no_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The dashboard skips its analytics worker (tests that do not look at the metrics)."""
    from sop_tui.tui.screens.dashboard import DashboardScreen

    monkeypatch.setattr(DashboardScreen, "load_numbers", lambda self: None)

