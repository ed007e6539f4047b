"""The views the dashboard reads: which are missing from the store's cache, and computing them
in this process (what ``sop import`` and ``sop demo`` do for the next launch)."""

from __future__ import annotations

from pathlib import Path

from sop_tui.cycle.consensus import choose_consensus
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.warm import DASHBOARD_VIEWS, compute, missing_views, warm_here
from sop_tui.cycle.workspace import Workspace


def test_missing_views_follow_the_cache_and_the_consensus(demo_ws: Workspace,
                                                          tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert missing_views(CyclePlanning(demo_ws, cache_dir=cache)) == list(DASHBOARD_VIEWS)
    assert missing_views(CyclePlanning(demo_ws)) == list(DASHBOARD_VIEWS)  # no cache at all
    compute(CyclePlanning(demo_ws, cache_dir=cache), DASHBOARD_VIEWS)
    assert missing_views(CyclePlanning(demo_ws, cache_dir=cache)) == []
    demo_ws.record_assumption(text="steel prices hold", owner="purchasing")
    assert missing_views(CyclePlanning(demo_ws, cache_dir=cache)) == []
    choose_consensus(demo_ws, family="BRG-01", source="sales")
    # the trend reads data only; the rest follows the demand plan
    assert missing_views(CyclePlanning(demo_ws, cache_dir=cache)) == [
        "metric_values", "baseline_totals", "plan_status"]


def test_warm_here_computes_what_is_missing_and_writes_nothing_to_the_log(
        demo_ws: Workspace, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    before = demo_ws.log.head()
    assert warm_here(demo_ws, cache) == list(DASHBOARD_VIEWS)
    assert demo_ws.log.head() == before
    assert missing_views(CyclePlanning(demo_ws, cache_dir=cache)) == []
    assert warm_here(demo_ws, cache) == []  # nothing left to compute
