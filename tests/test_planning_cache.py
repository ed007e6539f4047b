"""The planning's on-disk view cache: hits, misses on changed data or a new consensus, and
entries that cannot be read (recomputed, never an error)."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sop_tui.analytics.segments as segments_mod
import sop_tui.analytics.summary as summary_mod
import sop_tui.cycle.planning as planning_mod
from sop_tui.cycle.consensus import choose_consensus
from sop_tui.cycle.planning import CyclePlanning, ViewCache
from sop_tui.cycle.workspace import Workspace
from sop_tui.data.blocks import from_block, to_block
from sop_tui.data.store import import_files


def _forbid(monkeypatch: pytest.MonkeyPatch, *targets: tuple[object, str]) -> None:
    def no_work(*args: object, **kwargs: object) -> None:
        raise AssertionError("the cache should have answered")

    for module, name in targets:
        monkeypatch.setattr(module, name, no_work)


def _count(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[int]:
    calls: list[int] = []
    real = getattr(module, name)

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


# -- ViewCache on its own ------------------------------------------------------------------


def test_view_cache_round_trips_and_a_different_key_is_a_miss(tmp_path: Path) -> None:
    cache = ViewCache(tmp_path / "planning")
    assert cache.get("2026-12", "v", "k1") == (False, None)  # nothing yet (no folder either)
    frame = pd.DataFrame({"sku": ["007", "NA"], "units": [1.5, 2.0]})
    cache.put("2026-12", "v", "k1", frame)
    hit, value = cache.get("2026-12", "v", "k1")
    assert hit
    pd.testing.assert_frame_equal(value, frame)
    assert list(value["sku"]) == ["007", "NA"]  # codes stay strings
    assert cache.get("2026-12", "v", "k2") == (False, None)
    assert cache.get("2027-01", "v", "k1") == (False, None)
    # a new value replaces the view's entry: one file per cycle and view, no leftovers
    cache.put("2026-12", "v", "k2", 3)
    assert cache.get("2026-12", "v", "k2") == (True, 3)
    assert cache.get("2026-12", "v", "k1") == (False, None)
    assert [p.name for p in (tmp_path / "planning").iterdir()] == ["2026-12-v.pkl"]


@pytest.mark.parametrize("content", [b"", b"not a pickle", pickle.dumps((1, 2, 3)),
                                     pickle.dumps(("k", 1))[:-3]])
def test_an_unreadable_entry_is_a_miss(tmp_path: Path, content: bytes) -> None:
    cache = ViewCache(tmp_path)
    (tmp_path / "2026-12-v.pkl").write_bytes(content)
    assert cache.get("2026-12", "v", "k") == (False, None)


def test_an_unwritable_cache_is_only_slower(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be")
    cache = ViewCache(blocker / "planning")
    cache.put("2026-12", "v", "k", 1)  # no exception
    assert cache.get("2026-12", "v", "k") == (False, None)


# -- CyclePlanning on the demo store ---------------------------------------------------------


def test_a_second_planning_reads_the_views_without_decoding_data(
        demo_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = CyclePlanning(demo_ws, cache_dir=tmp_path)
    seg, fva = first.segments, first.fva
    _forbid(monkeypatch, (planning_mod, "load_kind"), (segments_mod, "segment_items"))
    second = CyclePlanning(demo_ws, cache_dir=tmp_path)
    assert second.data.has("items", "actuals", "forecast_history")  # known without decoding
    pd.testing.assert_frame_equal(second.segments, seg)
    pd.testing.assert_frame_equal(second.fva, fva)



def test_decoded_frames_are_kept_and_read_back_equal(
        demo_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A frame is decoded once per store: the next planning unpickles it, equal to the
    decoded one (codes still strings, months still periods); new data of the kind misses."""
    first = CyclePlanning(demo_ws, cache_dir=tmp_path)
    items, actuals = first.data["items"], first.data["actuals"]
    _forbid(monkeypatch, (planning_mod, "load_kind"))
    second = CyclePlanning(demo_ws, cache_dir=tmp_path)
    pd.testing.assert_frame_equal(second.data["items"], items)
    pd.testing.assert_frame_equal(second.data["actuals"], actuals)
    assert str(second.data["actuals"]["month"].dtype) == "period[M]"
    monkeypatch.undo()
    changed = items.copy()
    changed.loc[0, "description"] = "a new description"
    path = tmp_path / "items.csv"
    changed.to_csv(path, index=False)
    import_files(demo_ws.log, [(path, "items")], cycle="2026-12", actor="tester")
    calls = _count(monkeypatch, planning_mod, "load_kind")
    third = CyclePlanning(demo_ws, cache_dir=tmp_path)
    assert third.data["items"].loc[0, "description"] == "a new description"
    assert len(calls) == 1

def test_without_a_cache_dir_each_planning_computes(demo_ws: Workspace,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count(monkeypatch, segments_mod, "segment_items")
    a, b = CyclePlanning(demo_ws).segments, CyclePlanning(demo_ws).segments
    assert len(calls) == 2
    pd.testing.assert_frame_equal(a, b)


def test_new_data_of_a_kind_the_view_reads_is_a_miss(
        demo_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = CyclePlanning(demo_ws, cache_dir=tmp_path)
    items = p.data["items"]
    before = p.segments
    attainment_key = p.view_key("attainment", ("production",), False)
    # the most valuable item becomes nearly worthless: its ABC class must change
    top = before["sku"].iloc[0]  # highest revenue first
    changed = items.copy()
    changed.loc[changed["sku"] == top, "unit_price"] = 0.01
    path = tmp_path / "items.csv"
    changed.to_csv(path, index=False)
    import_files(demo_ws.log, [(path, "items")], cycle="2026-12", actor="tester")

    calls = _count(monkeypatch, segments_mod, "segment_items")
    q = CyclePlanning(demo_ws, cache_dir=tmp_path)
    after = q.segments
    assert len(calls) == 1  # recomputed, not read
    fresh = CyclePlanning(demo_ws).segments  # no cache at all
    pd.testing.assert_frame_equal(after, fresh)
    assert not after.equals(before)
    # a view that does not read items keeps its key
    assert q.view_key("attainment", ("production",), False) == attainment_key


def test_a_new_consensus_is_a_miss_for_plan_views_only(
        demo_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = CyclePlanning(demo_ws, cache_dir=tmp_path)
    plan, segs = p.demand_plan, p.segments
    assert "BRG-01" in plan.placeholder

    # an event that changes no consensus: the plan is read back as it was
    demo_ws.record_assumption(text="steel prices hold", owner="purchasing")
    q = CyclePlanning(demo_ws, cache_dir=tmp_path)
    _forbid(monkeypatch, (planning_mod, "load_kind"))
    assert q.demand_plan.agreed == plan.agreed
    pd.testing.assert_frame_equal(q.demand_plan.frame, plan.frame)
    monkeypatch.undo()

    choose_consensus(demo_ws, family="BRG-01", source="sales")
    calls = _count(monkeypatch, segments_mod, "segment_items")
    r = CyclePlanning(demo_ws, cache_dir=tmp_path)
    assert "BRG-01" in r.demand_plan.agreed  # recomputed with the new consensus
    pd.testing.assert_frame_equal(r.demand_plan.frame, CyclePlanning(demo_ws).demand_plan.frame)
    pd.testing.assert_frame_equal(r.segments, segs)
    assert calls == []  # data-only views still read from the cache


def test_an_amended_consensus_is_a_miss_for_the_plan_and_the_packs_parts(
        demo_ws: Workspace, tmp_path: Path) -> None:
    from sop_tui.pack.context import PartCache

    ev = choose_consensus(demo_ws, family="BRG-01", source="sales")
    p = CyclePlanning(demo_ws, cache_dir=tmp_path)
    view_key, part_key = p.view_key("demand_plan", (), True), PartCache(p).key("plan", None)
    demo_ws.amend(ev.seq, {"rationale": "sales' number, rounded"}, "rounded in the meeting")
    q = CyclePlanning(demo_ws, cache_dir=tmp_path)
    assert q.view_key("demand_plan", (), True) != view_key
    assert PartCache(q).key("plan", None) != part_key
    # and an event that is no consensus changes neither
    demo_ws.record_assumption(text="steel prices hold", owner="purchasing")
    r = CyclePlanning(demo_ws, cache_dir=tmp_path)
    assert r.view_key("demand_plan", (), True) == q.view_key("demand_plan", (), True)
    assert PartCache(r).key("plan", None) == PartCache(q).key("plan", None)


@pytest.mark.slow
def test_metrics_from_the_cache_equal_the_summary_and_follow_the_consensus(
        demo_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def direct(ws: Workspace) -> summary_mod.MetricSummary:
        p = CyclePlanning(ws)
        d = ws.data(p.cycle)
        return summary_mod.summary(d["forecast_history"], d["actuals"], d["items"], p.cycle,
                                   production=d["production"], inventory=d["inventory"],
                                   forward_forecast=p.forward_sku_forecast)

    first = CyclePlanning(demo_ws, cache_dir=tmp_path).metrics
    assert first == direct(demo_ws)
    assert round(first.eo_value, 2) == 4101550.96  # the demo's E&O, $4.10M

    # a consensus moves E&O; accuracy, bias and attainment come from the data-only entry
    choose_consensus(demo_ws, family="BRG-01", source="sales")
    calls = _count(monkeypatch, summary_mod, "summary")
    again = CyclePlanning(demo_ws, cache_dir=tmp_path).metrics
    assert calls == []
    monkeypatch.undo()
    assert again == direct(demo_ws)
    assert again.eo_value != first.eo_value
    assert again.family_accuracy == first.family_accuracy


def test_an_edit_to_the_analytics_code_is_a_miss(
        demo_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seg = CyclePlanning(demo_ws, cache_dir=tmp_path).segments
    assert len(planning_mod.code_digest()) == 64
    monkeypatch.setattr(planning_mod, "_code_digest", "the analytics after an edit")
    calls = _count(monkeypatch, segments_mod, "segment_items")
    pd.testing.assert_frame_equal(CyclePlanning(demo_ws, cache_dir=tmp_path).segments, seg)
    assert len(calls) == 1


def test_a_corrupt_entry_is_recomputed_and_rewritten(
        demo_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seg = CyclePlanning(demo_ws, cache_dir=tmp_path).segments
    entry = tmp_path / "planning" / "2026-12-segments.pkl"
    entry.write_bytes(entry.read_bytes()[:100])  # a torn copy
    calls = _count(monkeypatch, segments_mod, "segment_items")
    pd.testing.assert_frame_equal(CyclePlanning(demo_ws, cache_dir=tmp_path).segments, seg)
    assert len(calls) == 1
    # rewritten whole: the next planning reads it
    pd.testing.assert_frame_equal(CyclePlanning(demo_ws, cache_dir=tmp_path).segments, seg)
    assert len(calls) == 1


# -- the data blocks the planning decodes on first use ----------------------------------------


@given(st.lists(st.tuples(st.sampled_from(["007", "NA", "A-1"]), st.integers(0, 40),
                          st.floats(allow_infinity=False, width=64)), min_size=1, max_size=30))
@settings(max_examples=30, deadline=None)
def test_a_block_decodes_to_exactly_the_frame_it_was_made_from(
        rows: list[tuple[str, int, float]]) -> None:
    frame = pd.DataFrame({
        "sku": [r[0] for r in rows],
        "month": pd.PeriodIndex([pd.Period("2024-01", freq="M") + r[1] for r in rows]),
        "units": np.array([r[2] for r in rows], dtype=np.float64),
    })
    block = to_block(frame, "actuals")
    back = from_block(block, "actuals")
    pd.testing.assert_frame_equal(back, frame)
    # bit for bit, NaN and the sign of zero included: the block is the same bytes again
    assert to_block(back, "actuals") == block
    assert back["units"].dtype == np.float64 and list(back["sku"]) == [r[0] for r in rows]


CHILD = r"""
import json, sys
from pathlib import Path
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.log import EventLog
ws = Workspace(EventLog(sys.argv[1]))
p = CyclePlanning(ws, cache_dir=Path(sys.argv[2]))
out = {"metrics": p.metric_values, "trend": p.trend_series, "totals": p.baseline_totals,
       "plan": p.plan_status, "pandas": "pandas" in sys.modules}
print(json.dumps(out))
"""


@pytest.mark.slow
def test_a_relaunch_reads_the_dashboard_views_without_importing_pandas(
        demo_ws: Workspace, tmp_path: Path) -> None:
    import json
    import math
    import subprocess
    import sys

    p = CyclePlanning(demo_ws, cache_dir=tmp_path / "cache")
    expected = {"metrics": p.metric_values, "trend": p.trend_series,
                "totals": p.baseline_totals, "plan": p.plan_status}
    demo_ws.record_assumption(text="a capture between launches", owner="lead")
    url = f"sqlite:///{tmp_path / 'store' / 'sop.db'}"
    out = subprocess.run([sys.executable, "-c", CHILD, url, str(tmp_path / "cache")],
                         capture_output=True, text=True, check=True, timeout=60)
    got = json.loads(out.stdout)
    assert got.pop("pandas") is False
    assert got["metrics"]["bias"] == expected["metrics"]["bias"]
    assert got["plan"] == expected["plan"] and len(got["plan"]["placeholder"]) == 40
    assert got["totals"].keys() == expected["totals"].keys()
    for k, v in expected["totals"].items():
        assert got["totals"][k] == v or (math.isnan(v) and math.isnan(got["totals"][k]))
    assert got["trend"].keys() == expected["trend"].keys()
    assert len(got["trend"]["family_accuracy"]) == 12


def test_an_evaluated_scenario_is_read_back_until_the_consensus_changes(
        demo_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The plan of record the executive meeting evaluates is what the pack reads back."""
    import sop_tui.analytics.scenarios as scenarios_mod
    from sop_tui.analytics.scenarios import Scenario

    upside = Scenario("upside", demand=("BRG-01:+10%",))
    first = CyclePlanning(demo_ws, cache_dir=tmp_path).evaluate(upside)
    _forbid(monkeypatch, (scenarios_mod, "evaluate"))
    again = CyclePlanning(demo_ws, cache_dir=tmp_path).evaluate(upside)
    assert again.totals == first.totals
    monkeypatch.undo()
    # another scenario is its own entry
    calls = _count(monkeypatch, scenarios_mod, "evaluate")
    other = CyclePlanning(demo_ws, cache_dir=tmp_path).evaluate(
        Scenario("downside", demand=("BRG-01:-10%",)))
    assert len(calls) == 1 and other.totals["revenue"] < first.totals["revenue"]
    # a new consensus: solved again
    choose_consensus(demo_ws, family="BRG-02", source="sales")
    CyclePlanning(demo_ws, cache_dir=tmp_path).evaluate(upside)
    assert len(calls) == 2
