"""``sop forecast`` on the demo company: results, the store's cache, refused executors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_tui.cli.app import build

cli = build()


@pytest.fixture
def store(demo_db: Path, tmp_path: Path) -> Path:
    s = tmp_path / "store"
    s.mkdir()
    shutil.copyfile(demo_db, s / "sop.db")
    return s


def test_forecast_is_kept_in_the_store_cache_and_read_back(store: Path) -> None:
    args = ["--store", str(store), "forecast", "--executor", "inline", "--json", "--no-record"]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    entries = list((store / "cache" / "forecast").glob("*.pkl"))
    assert len(entries) == 1
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0
    assert json.loads(again.stdout) == json.loads(first.stdout)
    assert "forecasting 40/40 series" in again.stderr
    recs = json.loads(first.stdout)
    assert len(recs) == 40 and all(len(r["months"]) == 18 for r in recs)
    assert all(r["backtest_wmape"] is not None for r in recs)


def test_a_bad_executor_is_refused_with_exit_2(store: Path) -> None:
    r = CliRunner().invoke(cli, ["--store", str(store), "forecast", "--executor", "http://x"])
    assert r.exit_code == 2
    assert "--executor" in r.stderr and "tcp://HOST" in r.stderr
    assert "Traceback" not in r.output


def test_sop_executor_from_the_environment_is_used(store: Path) -> None:
    r = CliRunner(env={"SOP_EXECUTOR": "local:0"}).invoke(
        cli, ["--store", str(store), "forecast", "--no-record"])
    assert r.exit_code == 2 and "local:N" in r.stderr
