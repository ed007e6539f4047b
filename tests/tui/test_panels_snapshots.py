"""Snapshots of each meeting panel at 120×40 on the demo company, and the key dialog states.

Deterministic: the demo store is seeded, the host app does not blink its cursor, the
statistical forecast (seconds, cached on disk) is not started, and every worker has finished
before the picture is taken. Review changes with ``pytest --snapshot-update`` and the report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from test_panels import PanelHost, settle  # tests/tui is on sys.path (rootdir conftest)
from textual.pilot import Pilot

from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.log import EventLog
from sop_tui.tui.panels.demand import DemandPanel

SIZE = (120, 40)

pytestmark = pytest.mark.slow  # ~2 s each: the panels load the demo company's numbers


@pytest.fixture(scope="module")
def shared_planning(demo_db: Path) -> Iterator[CyclePlanning]:
    log = EventLog(f"sqlite:///{demo_db}", read_only=True)
    yield CyclePlanning(Workspace(log, actor="tester"), "2026-12")
    log.close()


@pytest.fixture(autouse=True)
def _no_statistical(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DemandPanel, "AUTO_STATISTICAL", False)


def host(planning: CyclePlanning, panel: str, meeting: str = "demand") -> PanelHost:
    return PanelHost(planning.ws, panel, meeting=meeting, planning=lambda: planning)


async def loaded(pilot: Pilot[Any]) -> None:
    await settle(pilot.app, pilot)


def keys_then_settle(*keys: str) -> Callable[[Pilot[Any]], Any]:
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot.app, pilot)
        await pilot.press(*keys)
        await settle(pilot.app, pilot)

    return run


@pytest.mark.parametrize(("panel", "meeting"), [
    ("actions", "executive"),
    ("portfolio", "portfolio"),
    ("segments", "demand"),
    ("metrics", "demand"),
    ("fva", "demand"),
    ("demand", "demand"),
    ("plan", "supply"),
    ("supply", "supply"),
    ("scenarios", "pre_sop"),
    ("executive", "executive"),
])
def test_panel_snapshot(panel: str, meeting: str, shared_planning: CyclePlanning,
                        snap_compare: Any) -> None:
    app = host(shared_planning, panel, meeting)
    assert snap_compare(app, terminal_size=SIZE, run_before=loaded)


def test_demand_averaging_warning_snapshot(demo_ws: Workspace, snap_compare: Any) -> None:
    """FST-02's finance input is the mean of sales and marketing: the dialog says so."""
    app = PanelHost(demo_ws, "demand")
    downs = ["down"] * 14  # BRG-01..05, BSH-01..03, CHN-01..02, CPL-01..03, FST-01, FST-02
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle(*downs, "3"))


def test_override_refused_snapshot(demo_ws: Workspace, snap_compare: Any) -> None:
    app = PanelHost(demo_ws, "executive", meeting="executive")
    assert snap_compare(app, terminal_size=SIZE,
                        run_before=keys_then_settle("O", "n", "o", "ctrl+s"))


def test_scenario_dialog_snapshot(demo_ws: Workspace, snap_compare: Any) -> None:
    app = PanelHost(demo_ws, "scenarios", meeting="pre_sop")
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("s"))
