"""The planning's on-disk view cache: hits, misses on changed data or a new consensus, and
entries that cannot be read (recomputed, never an error)."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sop_tui.analytics.segments as segments_mod
import sop_tui.analytics.summary as summary_mod
import sop_tui.data.store as store_mod
from sop_tui.cycle.consensus import choose_consensus
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.planning.views import view, views_of
from sop_tui.cycle.state import CycleState
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


# -- CyclePlanning on the demo store ---------------------------------------------------------


def test_a_second_planning_reads_the_views_without_decoding_data(
        demo_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = CyclePlanning(demo_ws, cache_dir=tmp_path)
    seg, fva = first.segments, first.fva
    _forbid(monkeypatch, (store_mod, "load_chain"), (segments_mod, "segment_items"))
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
    _forbid(monkeypatch, (store_mod, "load_chain"))
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
    calls = _count(monkeypatch, store_mod, "load_chain")
    third = CyclePlanning(demo_ws, cache_dir=tmp_path)
    assert third.data["items"].loc[0, "description"] == "a new description"
    assert len(calls) == 1

def test_without_a_cache_dir_each_planning_computes(demo_ws: Workspace,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count(monkeypatch, segments_mod, "segment_items")
    a, b = CyclePlanning(demo_ws).segments, CyclePlanning(demo_ws).segments
    assert len(calls) == 2
    pd.testing.assert_frame_equal(a, b)


def test_a_read_only_log_reads_the_cache_and_writes_nothing_into_the_store(
        demo_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """sop review opens the log read-only: it wrote decoded frames and views into the store's
    cache all the same."""
    from sop_tui.events.log import EventLog

    assert demo_ws.log.path is not None
    reader = Workspace(EventLog(f"sqlite:///{demo_ws.log.path}", read_only=True), actor="r")
    empty = tmp_path / "empty-cache"
    seg = CyclePlanning(reader, cache_dir=empty).segments
    assert not empty.exists()
    # what a writer cached is read back, without decoding data again
    full = tmp_path / "cache"
    assert len(CyclePlanning(demo_ws, cache_dir=full).segments)
    before = sorted(full.rglob("*"))
    _forbid(monkeypatch, (store_mod, "load_chain"), (segments_mod, "segment_items"))
    pd.testing.assert_frame_equal(CyclePlanning(reader, cache_dir=full).segments, seg)
    assert sorted(full.rglob("*")) == before


def test_new_data_of_a_kind_the_view_reads_is_a_miss(
        demo_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = CyclePlanning(demo_ws, cache_dir=tmp_path)
    items = p.data["items"]
    before = p.segments
    attainment_key = p.view_key("attainment")
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
    assert q.view_key("attainment") == attainment_key


def test_a_new_consensus_is_a_miss_for_plan_views_only(
        demo_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = CyclePlanning(demo_ws, cache_dir=tmp_path)
    plan, segs = p.demand_plan, p.segments
    assert "BRG-01" in plan.placeholder

    # an event that changes no consensus: the plan is read back as it was
    demo_ws.record_assumption(text="steel prices hold", owner="purchasing")
    q = CyclePlanning(demo_ws, cache_dir=tmp_path)
    _forbid(monkeypatch, (store_mod, "load_chain"))
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
    from sop_tui.pack.parts import PartCache

    ev = choose_consensus(demo_ws, family="BRG-01", source="sales")
    p = CyclePlanning(demo_ws, cache_dir=tmp_path)
    view_key, part_key = p.view_key("demand_plan"), PartCache(p).key("plan", None)
    demo_ws.amend(ev.seq, {"rationale": "sales' number, rounded"}, "rounded in the meeting")
    q = CyclePlanning(demo_ws, cache_dir=tmp_path)
    assert q.view_key("demand_plan") != view_key
    assert PartCache(q).key("plan", None) != part_key
    # and an event that is no consensus changes neither
    demo_ws.record_assumption(text="steel prices hold", owner="purchasing")
    r = CyclePlanning(demo_ws, cache_dir=tmp_path)
    assert r.view_key("demand_plan") == q.view_key("demand_plan")
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


class SegmentsSchema2(CyclePlanning):
    """The planning after a change to how segments are computed: their schema went up."""

    @view("items", "actuals", disk=True, schema=2)
    def segments(self) -> pd.DataFrame:
        return segments_mod.segment_items(self.data["items"], self.data["actuals"],
                                          self.through)


def test_a_new_schema_number_is_a_miss(
        demo_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seg = CyclePlanning(demo_ws, cache_dir=tmp_path).segments
    calls = _count(monkeypatch, segments_mod, "segment_items")
    pd.testing.assert_frame_equal(SegmentsSchema2(demo_ws, cache_dir=tmp_path).segments, seg)
    assert len(calls) == 1
    pd.testing.assert_frame_equal(SegmentsSchema2(demo_ws, cache_dir=tmp_path).segments, seg)
    assert len(calls) == 1  # the new schema's entry is kept in turn


def test_a_corrupt_entry_is_recomputed_and_rewritten(
        demo_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seg = CyclePlanning(demo_ws, cache_dir=tmp_path).segments
    (entry,) = (tmp_path / "planning" / "segments").glob("*.pkl")
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


# -- what each view declares it depends on ----------------------------------------------------


def _same(a: object, b: object) -> bool:
    """Equal values, NaN equal to NaN, frames and series compared by pandas."""
    if isinstance(a, pd.DataFrame | pd.Series):
        return type(a) is type(b) and a.equals(b)  # type: ignore[arg-type]
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        return type(a) is type(b) and all(
            _same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    if isinstance(a, dict):
        return (isinstance(b, dict) and a.keys() == b.keys()
                and all(_same(a[k], b[k]) for k in a))
    if isinstance(a, list | tuple):
        return (type(a) is type(b) and len(a) == len(b)  # type: ignore[arg-type]
                and all(_same(x, y) for x, y in zip(a, b, strict=True)))  # type: ignore[arg-type]
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


class NoRecords(CyclePlanning):
    """A planning whose views may read imported data only."""

    @property  # type: ignore[override]
    def state(self) -> CycleState:
        raise AssertionError("this view read the log's records")


@pytest.mark.slow
def test_each_view_reads_only_what_it_declares(demo_ws: Workspace) -> None:
    """Computed from only the kinds it declares, each view equals the view computed from all
    the data; those that declare no consensus never read the log's records at all. So the
    cache keys and what ``refresh`` drops follow from the declarations."""
    choose_consensus(demo_ws, family="BRG-01", source="sales")
    full = CyclePlanning(demo_ws)
    data_only = NoRecords(demo_ws, full.cycle)
    specs = views_of(CyclePlanning)
    assert {"demand_plan", "segments", "metrics", "baseline_totals"} <= specs.keys()
    for name, spec in specs.items():
        if spec.records or name == "data":  # the inputs themselves, and the state's views
            continue
        expected = getattr(full, name)
        if not spec.follows_records:
            assert _same(getattr(data_only, name), expected), name
        only = CyclePlanning(demo_ws, full.cycle)
        only.__dict__["chains"] = {k: c for k, c in full.chains.items() if k in spec.kinds}
        assert _same(getattr(only, name), expected), f"{name} reads more than {spec.kinds}"


def test_refresh_drops_what_follows_the_records_and_the_kinds_imported_again(
        demo_ws: Workspace, tmp_path: Path) -> None:
    p = CyclePlanning(demo_ws)
    plan, segments, attainment = p.demand_plan, p.segments, p.attainment
    assert "BRG-01" in plan.placeholder

    choose_consensus(demo_ws, family="BRG-01", source="sales")
    p.refresh()
    assert "demand_plan" not in p.__dict__ and "state" not in p.__dict__
    assert p.segments is segments and p.attainment is attainment  # data only: kept
    assert "BRG-01" in p.demand_plan.agreed

    production = p.data["production"].copy()
    production["actual_units"] *= 0.5  # half of every month made
    path = tmp_path / "production.csv"
    production.assign(month=production["month"].astype(str)).to_csv(path, index=False)
    import_files(demo_ws.log, [(path, "production")], cycle=p.cycle, actor="tester")
    p.refresh()
    assert p.segments is segments  # reads no production: kept
    assert p.attainment is not attainment
    pd.testing.assert_frame_equal(p.attainment, CyclePlanning(demo_ws).attainment)
    assert not p.attainment.equals(attainment)


def test_is_cached_answers_from_the_disk_without_computing(
        demo_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = CyclePlanning(demo_ws, cache_dir=tmp_path)
    assert not first.is_cached("segments")
    assert len(first.segments)
    _forbid(monkeypatch, (segments_mod, "segment_items"), (store_mod, "load_chain"))
    second = CyclePlanning(demo_ws, cache_dir=tmp_path)
    assert second.is_cached("segments") and not second.is_cached("fva")
    assert "segments" not in second.__dict__  # asked, not read
