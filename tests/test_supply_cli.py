"""``sop supply``, ``sop scenario`` and ``sop segments`` as a user reads them, on the demo.

Regression tests for the CLI faults of issue 12: numbers printed raw, snake_case measure names,
words split in piped output, and supply totals that did not add up; and a check that the CLI,
the planning (the app's panels read it) and the pack show the same capacity table.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_tui.analytics.scenarios import MEASURE_LABELS
from sop_tui.cli.app import build
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.log import EventLog
from sop_tui.formats import units
from sop_tui.pack.sections.plan import plan_part

cli = build()


def run(demo_store: Path, *args: str) -> str:
    # CliRunner's stdout is not a terminal: what `sop ... | cat` prints
    r = CliRunner(env={"COLUMNS": "80"}).invoke(cli, ["--store", str(demo_store), *args])
    assert r.exit_code == 0, r.output
    return r.stdout


def test_sop_segments_printed_413284_91000000003(demo_store: Path) -> None:
    """Regression (issue 12): ``sop segments`` printed raw floats (``413284.91000000003``);
    people get formatted numbers, scripts keep raw ones."""
    out = run(demo_store, "segments")
    assert not re.search(r"\d\.\d{4,}", out), out
    assert re.search(r"\$\d{1,3}(,\d{3})+", out) and "%" in out
    data = json.loads(run(demo_store, "segments", "--json"))
    assert isinstance(data["matrix"][0]["revenue_12m"], float)
    assert 0 < data["matrix"][0]["revenue_share"] < 1


def test_scenario_compare_printed_snake_case_names(demo_store: Path) -> None:
    """Regression (issue 12): ``sop scenario compare`` printed ``units_demanded``."""
    run(demo_store, "scenario", "new", "press-cut", "--capacity", "PRESS-2:-20%")
    out = run(demo_store, "scenario", "compare")
    assert "units_demanded" not in out and "gap_to_target" not in out
    for label in ("Units demanded", "Shipped from opening stock", "Overtime hours",
                  "Gap to target"):
        assert label in out
    data = json.loads(run(demo_store, "scenario", "compare", "--json"))
    assert set(data["press-cut"]) == set(MEASURE_LABELS)  # JSON keeps the keys


def test_piped_output_at_80_columns_split_words(demo_store: Path) -> None:
    """Regression (issue 12): piped at 80 columns, table cells were folded inside words."""
    out = run(demo_store, "segments")
    # every policy text is whole on its line, however long the line
    for policy in ("collaborative forecast (sales input) + planner review + safety stock",
                   "statistical forecast, automated, periodic review"):
        assert policy in out
    assert max(len(line) for line in out.splitlines()) > 80


def test_sop_supply_reconciles_demand_stock_production_and_unmet(demo_store: Path) -> None:
    """Regression (issue 12): ``sop supply`` said demand 48,347,756, supplied 42,176,690,
    unmet 0. Supplied now means shipped, and the opening stock that shipped is its own line."""
    t = json.loads(run(demo_store, "supply", "--json"))["totals"]
    assert t["demand"] == pytest.approx(t["from_stock"] + t["from_production"] + t["unmet"])
    assert t["supplied"] == pytest.approx(t["from_stock"] + t["from_production"])
    assert t["from_stock"] > 0 and t["opening_stock"] >= t["from_stock"]
    out = run(demo_store, "supply")
    for label, value in (("demand", t["demand"]), ("shipped from opening stock", t["from_stock"]),
                         ("shipped from production", t["from_production"]),
                         ("supplied", t["supplied"])):
        assert re.search(rf"{label}\s+│\s+{re.escape(units(value))}\s", out), label


def test_a_capacity_cut_shows_unmet_overtime_and_inventory(demo_store: Path) -> None:
    """Regression (issue 12): PRESS-2 at −20 % showed unmet 0, overtime 0, inventory 0."""
    run(demo_store, "scenario", "new", "press-cut", "--capacity", "PRESS-2:-20%")
    run(demo_store, "scenario", "new", "press-outage", "--capacity", "PRESS-2:-45%")
    c = json.loads(run(demo_store, "scenario", "compare", "--json"))
    base, cut, outage = c["consensus"], c["press-cut"], c["press-outage"]
    assert cut["overtime_hours"] > base["overtime_hours"]
    assert cut["average_inventory_units"] > base["average_inventory_units"]  # pre-built
    assert cut["hours_short"] > base["hours_short"]
    assert outage["unmet_units"] > 0 and outage["revenue"] < base["revenue"]
    for r in (base, cut, outage):
        assert r["units_demanded"] == pytest.approx(
            r["units_from_stock"] + r["units_from_production"] + r["unmet_units"])


def test_a_gap_row_showed_load_below_available_yet_hours_short(demo_store: Path) -> None:
    """Regression (issue 12): a gap row showed load 3,924 against 4,194 available yet 86 hours
    short, the app showed that load as 4,280, and the pack's busiest resource read 0–1 %
    against the app's 69–92 %. One table now: the CLI prints it, the planning (which the app's
    supply panel shows) holds it, and the pack reads it."""
    cap = json.loads(run(demo_store, "supply", "--json"))["capacity"]
    for row in cap:
        assert row["gap_hours"] == pytest.approx(max(0.0, row["load"] - row["available"]))
    ws = Workspace(EventLog(f"sqlite:///{demo_store / 'sop.db'}"), actor="tester")
    planning = CyclePlanning(ws)
    load = planning.load.assign(month=planning.load["month"].astype(str))
    assert [(r["resource"], r["month"]) for r in cap] == list(
        zip(load["resource"], load["month"], strict=True))
    assert [r["load"] for r in cap] == pytest.approx(load["load"].tolist())
    assert [r["gap_hours"] for r in cap] == pytest.approx(load["gap_hours"].tolist())
    assert planning.capacity_gaps == [(r["resource"], r["month"]) for r in cap
                                      if r["gap_hours"] > 1e-6]
    pack = plan_part(planning)["capacity"]  # the consensus is the plan of record here
    peak = load.groupby("resource")["utilisation"].max()
    short = load.groupby("resource")["gap_hours"].sum()
    for r in pack["resources"]:
        assert r["peak"] == pytest.approx(peak[r["resource"]])
        assert r["hours_short"] == pytest.approx(short[r["resource"]])
    busiest = load.groupby("month")["utilisation"].max()
    for month, b in pack["busiest"].items():
        assert b["share"] == pytest.approx(busiest[month])


def test_sop_supply_shows_the_approved_scenario(demo_store: Path) -> None:
    run(demo_store, "scenario", "new", "press-cut", "--capacity", "PRESS-2:-20%")
    r = CliRunner().invoke(cli, ["--store", str(demo_store), "record", "approve", "--scenario",
                                 "press-cut", "--by", "GM"])
    assert r.exit_code == 0, r.output
    out = run(demo_store, "supply")
    assert out.startswith("plan: press-cut (approved by GM)")
    plan = json.loads(run(demo_store, "supply", "--json"))
    assert plan["plan"]["scenario"] == "press-cut" and plan["totals"]["overtime_hours"] > 0
    base = json.loads(run(demo_store, "supply", "--scenario", "consensus", "--json"))
    assert base["totals"]["overtime_hours"] < plan["totals"]["overtime_hours"]
    bad = CliRunner().invoke(cli, ["--store", str(demo_store), "supply", "--scenario", "nope"])
    assert bad.exit_code == 2 and "no scenario 'nope'" in bad.output
