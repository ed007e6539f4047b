"""The analysis commands on the demo company: the numbers tell the reference's story."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_tui.cli.app import build
from sop_tui.events.log import EventLog

cli = build()


def run_json(demo_store: Path, *args: str) -> object:
    r = CliRunner().invoke(cli, ["--store", str(demo_store), *args, "--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_metrics_tell_the_story(demo_store: Path) -> None:
    m = run_json(demo_store, "metrics")
    s = m["summary"]
    assert s["bias"] == pytest.approx(0.09, abs=0.01)
    assert s["item_accuracy"] == pytest.approx(0.58, abs=0.02)
    assert s["plan_attainment"] == pytest.approx(0.72, abs=0.02)
    assert s["eo_value"] == pytest.approx(4.1e6, rel=0.15)
    assert {r["family"] for r in m["family_accuracy"]} >= {"TOTAL", "BRG-01"}
    assert {r["metric"] for r in m["trend"]} >= {"bias", "family_accuracy"}


def test_fva_shows_sales_destroying_value(demo_store: Path) -> None:
    f = run_json(demo_store, "fva")
    total = {r["step"]: r for r in f["steps"] if r["family"] == "TOTAL"}
    assert list(total)[:3] == ["naive", "statistical", "sales"]
    assert total["statistical"]["fva_vs_prev"] > 0  # the statistical step beats naive
    assert total["sales"]["fva_vs_prev"] < 0  # ...and sales throws it away
    assert total["sales"]["bias"] > 0.08


def test_segments(demo_store: Path) -> None:
    s = run_json(demo_store, "segments")
    assert len(s["items"]) == 3500
    ax = [i for i in s["items"] if i["segment"] == "AX"]
    assert ax and all(i["planning_level"] == "sku_statistical" for i in ax)
    assert sum(c["items"] for c in s["matrix"]) == 3500


def test_supply_respects_capacity_and_reports_gaps(demo_store: Path) -> None:
    s = run_json(demo_store, "supply")
    assert s["status"] == "optimal"
    assert all(c["planned"] <= c["available"] + c["overtime_hours"] + 1e-6
               for c in s["capacity"])
    assert any(c["gap_hours"] > 0 for c in s["capacity"])
    assert len(s["not_agreed"]) == 40  # no consensus yet: placeholders, and said so


def test_scenarios_new_and_compare(demo_store: Path) -> None:
    runner = CliRunner()
    r = runner.invoke(cli, ["--store", str(demo_store), "scenario", "new", "upside",
                            "--demand", "BRG-01:+10%:2027-01..2027-06",
                            "--capacity", "PRESS-2:+15%"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["--store", str(demo_store), "scenario", "new", "bad",
                            "--demand", "NOPE-9:+10%"])
    assert r.exit_code == 2 and "NOPE-9" in r.output
    c = run_json(demo_store, "scenario", "compare")
    assert list(c) == ["consensus", "upside"]
    assert c["upside"]["units_demanded"] > c["consensus"]["units_demanded"]
    types = [e.type for e in EventLog(f"sqlite:///{demo_store / 'sop.db'}").events()]
    assert types.count("ScenarioCreated") == 1


@pytest.mark.slow
def test_family_forecast_json_and_event(demo_store: Path) -> None:
    recs = run_json(demo_store, "forecast")
    assert len(recs) == 40
    first = recs[0]
    assert set(first) >= {"key", "model", "backtest_wmape", "months"}
    assert len(first["months"]) == 18
    m = first["months"][0]
    assert m["lo95"] <= m["lo80"] <= m["units"] <= m["hi80"] <= m["hi95"]
    (ev,) = EventLog(f"sqlite:///{demo_store / 'sop.db'}").events(types=["ForecastGenerated"])
    assert ev.payload["series"] == 40 and len(ev.payload["input_hash"]) == 64
