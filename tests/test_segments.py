"""Tests for sop_tui.analytics.segments: a hand-classified catalogue and the ABC partition laws."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sop_tui.analytics.segments import (
    MATRIX_COLUMNS,
    SEGMENT_COLUMNS,
    SegmentPolicy,
    segment_items,
    segment_matrix,
)

MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]
SALES = {
    "P1": [10] * 12,  # 1,200 revenue, CV 0 -> AX
    "P2": [0, 10] * 6,  # 600, mean 5 std 5 -> CV 1.0 -> AY (Y includes its upper bound)
    "P3": [24] + [0] * 11,  # 240, CV sqrt(44)/2 -> AZ (revenue ahead 1800/2290 < 0.80)
    "P4": [3, 1] * 6,  # 240, tie with P3 broken by SKU; mean 2 std 1 -> CV 0.5 -> BX
    "P5": [0] * 11 + [1],  # 10 -> CZ
}


def catalogue() -> tuple[pd.DataFrame, pd.DataFrame]:
    items = pd.DataFrame(
        {
            "sku": ["P6", "P5", "P4", "P3", "P2", "P1"],  # input order must not matter
            "description": [""] * 6,
            "family": ["G", "G", "F", "F", "F", "F"],
            "unit_price": [1.0, 10.0, 10.0, 10.0, 10.0, 10.0],
            "unit_cost": [1.0] * 6,
            "lifecycle": ["new"] + ["active"] * 5,
        }
    )
    rows = [
        (sku, m, float(u)) for sku, us in SALES.items() for m, u in zip(MONTHS, us, strict=True)
    ]
    rows.append(("P6", "2024-12", 100.0))  # before the window: ignored
    acts = pd.DataFrame(rows, columns=["sku", "month", "units"])
    acts["month"] = pd.PeriodIndex(acts["month"], freq="M")
    return items, acts


def test_hand_classified_catalogue() -> None:
    items, acts = catalogue()
    s = segment_items(items, acts, "2025-12")
    assert list(s.columns) == list(SEGMENT_COLUMNS)
    assert list(s["sku"]) == ["P1", "P2", "P3", "P4", "P5", "P6"]
    assert list(s["segment"]) == ["AX", "AY", "AZ", "BX", "CZ", "CZ"]
    assert list(s["revenue_12m"]) == [1200, 600, 240, 240, 10, 0]
    assert s["cv"].iloc[1] == pytest.approx(1.0)
    assert s["cv"].iloc[2] == pytest.approx(math.sqrt(44) / 2)
    assert math.isnan(s["cv"].iloc[5])  # zero mean: Z with an undefined CV
    assert (
        list(s["planning_level"])
        == ["sku_statistical"] + ["family_share"] * 3 + ["reorder_point"] * 2
    )
    assert s["policy"].iloc[0] == "statistical forecast + planner review"
    assert s["policy"].iloc[4] == "simple rule + reorder point"
    # P5: mean 1/12, std sqrt(11)/12, lead time 1, z 1.65
    assert s["reorder_point"].iloc[4] == pytest.approx(1 / 12 + 1.65 * math.sqrt(11) / 12)
    assert s["reorder_point"].iloc[5] == 0
    assert s["reorder_point"].iloc[:4].isna().all()


def test_policy_thresholds_are_configurable() -> None:
    items, acts = catalogue()
    pol = SegmentPolicy(
        a_share=0.5,
        x_max=1.0,
        lead_time_months=2.0,
        sku_statistical_cells=frozenset({"AX", "BX"}),
    )
    s = segment_items(items, acts, "2025-12", pol).set_index("sku")
    assert s.loc["P2", "segment"] == "BX"  # 1200/2290 ahead of it >= 0.5; CV 1.0 now X
    assert s.loc["P2", "planning_level"] == "sku_statistical"
    expected = 2 / 12 + 1.65 * math.sqrt(11) / 12 * math.sqrt(2)
    assert s.loc["P5", "reorder_point"] == pytest.approx(expected)
    with pytest.raises(ValueError):
        SegmentPolicy(a_share=0.9, b_share=0.2)
    with pytest.raises(ValueError, match="missing"):
        SegmentPolicy(policies={"AX": "x"})


def test_matrix_counts_and_revenue_per_cell() -> None:
    items, acts = catalogue()
    m = segment_matrix(segment_items(items, acts, "2025-12"))
    assert list(m.columns) == list(MATRIX_COLUMNS)
    assert list(m["segment"]) == ["AX", "AY", "AZ", "BX", "BY", "BZ", "CX", "CY", "CZ"]
    cells = m.set_index("segment")
    assert cells.loc["CZ", "items"] == 2 and cells.loc["CZ", "revenue_12m"] == 10
    assert cells.loc["BY", "items"] == 0
    assert cells.loc["AX", "revenue_share"] == pytest.approx(1200 / 2290)
    assert m["items"].sum() == 6


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=40))
def test_abc_classes_partition_revenue_in_rank_order(units: list[int]) -> None:
    n = len(units)
    items = pd.DataFrame(
        {
            "sku": [f"{i:04d}" for i in range(n)],
            "family": ["F"] * n,
            "unit_price": [1.0] * n,
        }
    )
    acts = pd.DataFrame(
        {
            "sku": items["sku"],
            "month": pd.PeriodIndex(["2025-06"] * n, freq="M"),
            "units": np.array(units, dtype=np.float64),
        }
    )
    s = segment_items(items, acts, "2025-12")
    assert len(s) == n and set(s["abc"]) <= {"A", "B", "C"}
    by = s.groupby("abc")["revenue_12m"].sum()
    total = float(sum(units))
    assert by.sum() == pytest.approx(total)
    # classes follow the ranking: every A earns at least every B, every B at least every C
    rank = s["abc"].map({"A": 0, "B": 1, "C": 2}).to_numpy()
    assert (np.diff(rank) >= 0).all()
    if total > 0:
        a = s[s["abc"] == "A"]["revenue_12m"]
        assert a.sum() / total >= 0.8 - 1e-9 or len(a) == (s["revenue_12m"] > 0).sum()
        assert (a.sum() - a.iloc[-1]) / total < 0.8
