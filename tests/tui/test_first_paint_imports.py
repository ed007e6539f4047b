"""The dashboard paints before the numbers libraries load: the screens it touches on the way
(the meeting screen is asked which keys it offers) do not import the panels, which bring pandas.
A regression of issue 12's work: the meeting screen imported the panels' base at its top."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import asyncio, sys
from pathlib import Path
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.log import EventLog
from sop_tui.settings import Settings
from sop_tui.tui.app import make_app
from sop_tui.tui.screens.dashboard import DashboardScreen

DashboardScreen.load_numbers = lambda self: None  # the numbers come in a worker, after
store = Path(sys.argv[1])
ws = Workspace(EventLog(f"sqlite:///{store / 'sop.db'}"), actor="t")
ws.open_cycle("2026-12")

async def main() -> None:
    app = make_app(ws, Settings(store=store, actor="t"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        heavy = ("pandas", "numpy", "scipy", "statsmodels", "sop_tui.tui.panels")
        print(",".join(m for m in heavy if m in sys.modules))

asyncio.run(main())
"""


def test_the_meeting_screen_imported_the_panels_before_the_first_paint(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True,
                         text=True, check=True, timeout=120)
    assert out.stdout.strip() == "", f"loaded before the first paint: {out.stdout.strip()}"
