"""Snapshots of the panels' key dialog states at 120×40 on the demo company (each panel as the
meeting screen shows it, at three sizes: test_screens_snapshots).

Deterministic: the demo store is seeded, the host app does not blink its cursor, the
statistical forecast (seconds, cached on disk) is not started, and every worker has finished
before the picture is taken. Review changes with ``pytest --snapshot-update`` and the report.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from test_panels import PanelHost, settle  # tests/tui is on sys.path (rootdir conftest)
from textual.pilot import Pilot

from sop_tui.cycle.workspace import Workspace
from sop_tui.tui.panels.demand import DemandPanel

SIZE = (120, 40)

pytestmark = pytest.mark.slow  # ~2 s each: the panels load the demo company's numbers


@pytest.fixture(autouse=True)
def _no_statistical(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DemandPanel, "AUTO_STATISTICAL", False)


def keys_then_settle(*keys: str) -> Callable[[Pilot[Any]], Any]:
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot.app, pilot)
        await pilot.press(*keys)
        await settle(pilot.app, pilot)

    return run


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
