"""Tests for sop_tui.analytics.fva: a hand-computed stair-step and the comparability laws."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sop_tui.analytics.fva import FVA_COLUMNS, fva, fva_worse_families, step_verdicts

ITEMS = pd.DataFrame(
    {
        "sku": ["S1", "G1"],
        "description": ["", ""],
        "family": ["F", "G"],
        "unit_price": [1.0, 1.0],
        "unit_cost": [1.0, 1.0],
        "lifecycle": ["active", "active"],
    }
)
MONTHS = ["2024-11", "2024-12", "2025-01", "2025-02", "2025-03"]


def actuals(f_units: list[float], g_units: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "sku": ["S1"] * 5 + ["G1"] * 5,
            "month": pd.PeriodIndex(MONTHS * 2, freq="M"),
            "units": np.array(f_units + g_units, dtype=np.float64),
        }
    )


def history(steps: dict[str, tuple[list[float], list[float]]]) -> pd.DataFrame:
    """Lag-1 family rows for Jan..Mar 2025 (cycles Dec..Feb), per step: (F units, G units)."""
    rows = []
    for step, (f_units, g_units) in steps.items():
        for fam, units in (("F", f_units), ("G", g_units)):
            for i, u in enumerate(units):
                m = pd.Period("2025-01", "M") + i
                rows.append((m - 1, step, fam, m, float(u), ""))
    df = pd.DataFrame(rows, columns=["cycle", "step", "family", "month", "units", "sku"])
    df["cycle"] = df["cycle"].astype("period[M]")
    df["month"] = df["month"].astype("period[M]")
    return df


ACTUALS = actuals([10, 12, 10, 20, 30], [5, 5, 5, 5, 5])
HISTORY = history(
    {
        "consensus": ([12, 20, 30], [5, 5, 6]),
        "sales": ([15, 25, 35], [7, 7, 7]),
        "statistical": ([12, 18, 27], [5, 5, 5]),
    }
)


def cell(t: pd.DataFrame, step: str, family: str) -> pd.Series:
    return t.set_index(["step", "family"]).loc[(step, family)]


def test_stair_step_hand_computed() -> None:
    t = fva(HISTORY, ACTUALS, ITEMS, "2025-04", window=3)
    assert list(t.columns) == list(FVA_COLUMNS)
    assert list(t["step"].unique()) == ["naive", "statistical", "sales", "consensus"]
    assert list(t["family"][:3]) == ["F", "G", "TOTAL"]
    # naive lag 1 of Jan..Mar = actuals of Nov..Jan: F 10, 12, 10 vs 10, 20, 30 -> 28 / 60
    assert cell(t, "naive", "F").wmape == pytest.approx(28 / 60)
    assert cell(t, "naive", "G").wmape == 0
    assert math.isnan(cell(t, "naive", "F").fva_vs_prev)
    assert cell(t, "statistical", "F").fva_vs_prev == pytest.approx((28 - 7) / 60 * 100)
    sales_f, sales_g = cell(t, "sales", "F"), cell(t, "sales", "G")
    assert sales_f.fva_vs_prev == pytest.approx((7 - 15) / 60 * 100)
    assert sales_g.fva_vs_prev == pytest.approx(-40.0)
    assert sales_f.bias == pytest.approx(0.25) and sales_g.bias == pytest.approx(0.4)
    cons_g = cell(t, "consensus", "G")
    assert cons_g.fva_vs_prev == pytest.approx((6 - 1) / 15 * 100)
    assert cons_g.fva_vs_naive == pytest.approx(-100 / 15)
    total = cell(t, "consensus", "TOTAL")
    assert total.wmape == pytest.approx(3 / 75)
    assert total.fva_vs_naive == pytest.approx((28 - 3) / 75 * 100)
    assert (total.actual, total.n_months) == (75, 3)
    assert t.attrs["cells_measured"] == 6 and t.attrs["cells_dropped"] == 0


def test_each_step_is_measured_against_the_statistical_forecast_too() -> None:
    t = fva(HISTORY, ACTUALS, ITEMS, "2025-04", window=3)
    # TOTAL errors over Jan..Mar (actual 75): naive 28, statistical 7, sales 21, consensus 3
    assert math.isnan(cell(t, "naive", "TOTAL").fva_vs_statistical)
    assert cell(t, "statistical", "TOTAL").fva_vs_statistical == pytest.approx(0.0)
    assert cell(t, "sales", "TOTAL").fva_vs_statistical == pytest.approx((7 - 21) / 75 * 100)
    assert cell(t, "consensus", "TOTAL").fva_vs_statistical == pytest.approx((7 - 3) / 75 * 100)


def test_a_step_worse_than_the_statistical_forecast_destroys_value_even_beating_naive(
        ) -> None:
    """Issue 15: finance was marked "added value" while worse than the statistical forecast,
    because each step was compared with the one listed before it."""
    t = fva(HISTORY, ACTUALS, ITEMS, "2025-04", window=3)
    sales = cell(t, "sales", "TOTAL")
    assert sales.fva_vs_naive > 0 and sales.fva_vs_statistical < 0
    assert step_verdicts(t) == {"naive": "baseline", "statistical": "adds value",
                                "sales": "destroys value", "consensus": "adds value"}
    no_stat = fva(HISTORY[HISTORY["step"] != "statistical"], ACTUALS, ITEMS, "2025-04",
                  window=3)
    assert step_verdicts(no_stat)["sales"] == "adds value"  # judged against naive alone


def test_worse_families_lists_the_damage_worst_first() -> None:
    w = fva_worse_families(fva(HISTORY, ACTUALS, ITEMS, "2025-04", window=3))
    assert list(w.columns) == ["step", "family", "fva_vs_prev"]
    assert list(zip(w["step"], w["family"], strict=True)) == [("sales", "G"), ("sales", "F")]


def test_steps_are_measured_on_common_cells_only() -> None:
    partial = pd.concat(
        [HISTORY, history({"marketing": ([11], [])})], ignore_index=True
    )  # marketing forecast F for January only
    t = fva(partial, ACTUALS, ITEMS, "2025-04", window=3)
    assert t.attrs["cells_measured"] == 1 and t.attrs["cells_dropped"] == 5
    assert set(t["family"]) == {"F", "TOTAL"}
    assert cell(t, "statistical", "F").wmape == pytest.approx(2 / 10)
    # leaving the sparse step out restores the full comparison
    t2 = fva(partial, ACTUALS, ITEMS, "2025-04", window=3, steps=["statistical", "consensus"])
    assert t2.attrs["cells_measured"] == 6
    assert list(t2["step"].unique()) == ["naive", "statistical", "consensus"]


def test_item_rows_are_summed_to_the_family() -> None:
    h = HISTORY.copy()
    items = h[(h["step"] == "sales") & (h["family"] == "F")].copy()
    h = h.drop(items.index)
    halves = pd.concat([items.assign(sku="S1", units=items["units"] / 2)] * 2)
    halves.loc[halves.index.duplicated(keep="first"), "sku"] = "S1b"
    t = fva(pd.concat([h, halves], ignore_index=True), ACTUALS, ITEMS, "2025-04", window=3)
    assert cell(t, "sales", "F").wmape == pytest.approx(15 / 60)


def test_no_history_gives_an_empty_frame() -> None:
    t = fva(HISTORY.iloc[0:0], ACTUALS, ITEMS, "2025-04", window=3)
    assert t.empty and list(t.columns) == list(FVA_COLUMNS)
    assert fva_worse_families(t).empty


units = st.lists(st.integers(0, 500), min_size=3, max_size=3)


@settings(max_examples=30, deadline=None)
@given(units, units, units, units, st.lists(st.integers(0, 500), min_size=10, max_size=10))
def test_a_step_identical_to_the_previous_adds_nothing(
    stat_f: list[int], stat_g: list[int], cons_f: list[int], cons_g: list[int], acts: list[int]
) -> None:
    h = history({"statistical": (stat_f, stat_g), "sales": (stat_f, stat_g),
                 "consensus": (cons_f, cons_g)})  # fmt: skip
    t = fva(h, actuals(acts[:5], acts[5:]), ITEMS, "2025-04", window=3)
    sales = t[t["step"] == "sales"].set_index("family")
    stat = t[t["step"] == "statistical"].set_index("family")
    measurable = sales["actual"] > 0
    assert (sales.loc[measurable, "fva_vs_prev"] == 0).all()
    assert sales["fva_vs_prev"][~measurable].isna().all()
    # and the stair adds up: the differences along the stair sum to the FVA vs naive
    cons = t[t["step"] == "consensus"].set_index("family")
    steps_sum = stat["fva_vs_prev"] + sales["fva_vs_prev"] + cons["fva_vs_prev"]
    assert np.allclose(steps_sum[measurable], cons.loc[measurable, "fva_vs_naive"])
