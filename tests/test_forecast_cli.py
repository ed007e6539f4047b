"""``sop forecast`` on the demo company: results, the store's cache, refused executors."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from sop_tui.cli.app import build

cli = build()


def test_forecast_is_kept_in_the_store_cache_and_read_back(demo_store: Path) -> None:
    args = ["--store", str(demo_store), "forecast", "--executor", "inline", "--json", "--no-record"]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    entries = list((demo_store / "cache" / "forecast").glob("*.pkl"))
    assert len(entries) == 1
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0
    assert json.loads(again.stdout) == json.loads(first.stdout)
    assert "forecasting 40/40 series" in again.stderr
    recs = json.loads(first.stdout)
    assert len(recs) == 40 and all(len(r["months"]) == 18 for r in recs)
    assert all(r["backtest_wmape"] is not None for r in recs)


def test_a_bad_executor_is_refused_with_exit_2(demo_store: Path) -> None:
    r = CliRunner().invoke(cli, ["--store", str(demo_store), "forecast", "--executor", "http://x"])
    assert r.exit_code == 2
    assert "--executor" in r.stderr and "tcp://HOST" in r.stderr
    assert "Traceback" not in r.output


def test_sop_executor_from_the_environment_is_used(demo_store: Path) -> None:
    r = CliRunner(env={"SOP_EXECUTOR": "local:0"}).invoke(
        cli, ["--store", str(demo_store), "forecast", "--no-record"])
    assert r.exit_code == 2 and "local:N" in r.stderr
