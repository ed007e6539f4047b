"""`sop demo --no-tui`: CSV under STORE/demo, imported the ordinary way, the cycle opened."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_tui.cli.app import build
from sop_tui.data.schema import KINDS
from sop_tui.events.log import EventLog

cli = build()


@pytest.mark.slow
def test_demo_builds_the_store_and_is_idempotent(tmp_path: Path) -> None:
    store = tmp_path / "store"
    r = CliRunner().invoke(cli, ["--store", str(store), "demo", "--no-tui"])
    assert r.exit_code == 0, r.output
    assert "3,500 SKUs in 40 families" in r.stdout and "cycle 2026-12 is open" in r.stdout
    assert sorted(p.stem for p in (store / "demo").glob("*.csv")) == sorted(KINDS)
    log = EventLog(f"sqlite:///{store / 'sop.db'}")
    types = [e.type for e in log.events()]
    assert types[0] == "CycleOpened" and types.count("DatasetImported") == len(KINDS)
    assert log.verify().ok
    # the dashboard's views are computed with the data, so the first `sop` opens full
    from sop_tui.cycle.planning import CyclePlanning
    from sop_tui.cycle.warm import missing_views
    from sop_tui.cycle.workspace import Workspace

    assert missing_views(CyclePlanning(Workspace(log), cache_dir=store / "cache")) == []
    # A second run recognises every file: nothing is doubled.
    r = CliRunner().invoke(cli, ["--store", str(store), "demo", "--no-tui"])
    assert r.exit_code == 0 and r.stdout.count("already imported") == len(KINDS)
    assert log.head().count == len(types)
