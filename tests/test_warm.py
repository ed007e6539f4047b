"""The dashboard's view warmer: which views are missing, the child process that computes them
into the cache (and writes nothing else), and what happens when it fails."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import sop_tui.analytics.summary as metrics_mod
from sop_tui.cycle.consensus import choose_consensus
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.warm import DASHBOARD_VIEWS, Warmer, compute, missing_views, start_warmer
from sop_tui.cycle.workspace import Workspace


def _url(ws: Workspace) -> str:
    assert ws.log.path is not None
    return f"sqlite:///{ws.log.path}"


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


@pytest.mark.slow
def test_the_child_fills_the_cache_and_writes_nothing_to_the_log(
        demo_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    before = demo_ws.log.head()
    warmer = start_warmer(demo_ws, _url(demo_ws), cache)
    assert warmer is not None and warmer.views == DASHBOARD_VIEWS
    assert warmer.wait()
    assert demo_ws.log.head() == before
    # every view now comes from the cache: nothing is computed in this process
    def no_work(*args: object, **kwargs: object) -> None:
        raise AssertionError("the warmer should have computed this")

    monkeypatch.setattr(metrics_mod, "summary", no_work)
    monkeypatch.setattr(metrics_mod, "metric_trend", no_work)
    planning = CyclePlanning(demo_ws, cache_dir=cache)
    assert missing_views(planning) == []
    direct = CyclePlanning(demo_ws)
    monkeypatch.undo()
    assert planning.metric_values == direct.metric_values
    assert planning.baseline_totals == direct.baseline_totals
    # nothing missing: no child at all
    assert start_warmer(demo_ws, _url(demo_ws), cache) is None


def test_no_cycle_means_no_child(tmp_path: Path) -> None:
    from sop_tui.events.log import EventLog

    url = f"sqlite:///{tmp_path / 'sop.db'}"
    assert start_warmer(Workspace(EventLog(url)), url, tmp_path / "cache") is None


def test_a_failing_child_reports_false_and_stop_is_safe() -> None:
    process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    warmer = Warmer(process, ["metric_values"])
    assert warmer.wait() is False
    warmer.stop()  # already ended: nothing to do, no error


def test_a_child_past_its_time_is_stopped() -> None:
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    warmer = Warmer(process, ["metric_values"])
    assert warmer.wait(timeout=0.2) is False
    assert process.poll() is not None


def test_the_child_refuses_an_unknown_view(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sop_tui.cycle.warm", "--db", f"sqlite:///{tmp_path}/x.db",
         "--cache", str(tmp_path), "--cycle", "2026-12", "no_such_view"],
        capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "no_such_view" in result.stderr


@pytest.fixture
def forkable(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fork path even where the test runner keeps threads of its own."""
    import sop_tui.cycle.warm as warm

    monkeypatch.setattr(warm.threading, "active_count", lambda: 1)


@pytest.mark.usefixtures("forkable")
def test_a_forked_child_fills_the_cache(demo_ws: Workspace, tmp_path: Path) -> None:
    from sop_tui.cycle.warm import _fork, _Forked

    cache = tmp_path / "cache"
    child = _fork(["--db", _url(demo_ws), "--cache", str(cache), "--cycle", "2026-12",
                   "baseline_totals", "plan_status"])
    assert isinstance(child, _Forked)
    assert Warmer(child, ["baseline_totals"]).wait()
    planning = CyclePlanning(demo_ws, cache_dir=cache)
    assert missing_views(planning) == ["metric_values", "trend_series"]
    assert child.poll() == 0  # reaped once, the code kept


@pytest.mark.usefixtures("forkable")
def test_a_forked_child_reports_its_failure_and_is_stopped_past_its_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    import sop_tui.cycle.warm as warm

    refused = warm._fork(["--cycle", "2026-12", "no_such_view"])  # no --db: argparse refuses
    assert refused is not None and refused.wait(60) == 2
    monkeypatch.setattr(warm, "main", lambda args: time.sleep(60) or 0)  # in the child
    stuck = warm._fork([])
    assert stuck is not None
    warmer = Warmer(stuck, ["metric_values"])
    assert warmer.wait(timeout=0.2) is False
    assert stuck.poll() is not None  # killed and reaped
    warmer.stop()  # already ended: nothing to do
