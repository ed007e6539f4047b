"""Tests for sop_tui.analytics.metrics and timeframe: hand-computed examples and the laws."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sop_tui.analytics import disaggregation as dg
from sop_tui.analytics import inventory as iv
from sop_tui.analytics import metrics as mt
from sop_tui.analytics import summary as sm
from sop_tui.analytics import timeframe as tf

P = pd.Period


def months(values: list[str]) -> pd.Series:
    return pd.Series(pd.PeriodIndex(values, freq="M"))


def frame(columns: dict[str, list], periods: tuple[str, ...] = ()) -> pd.DataFrame:
    df = pd.DataFrame(columns)
    for col in periods:
        df[col] = pd.PeriodIndex(df[col], freq="M")
    for col in df.columns:
        if col in ("units", "unit_price", "unit_cost", "on_hand_units") or col.endswith("_units"):
            df[col] = df[col].astype(np.float64)
    return df


# A small company: family F1 (S1, S2, S3 being phased out) and family "NA" (a real code) with
# the SKU "007" (leading zeros kept). Cycle 2025-04, a three-month window: Jan..Mar 2025.
ITEMS = frame(
    {
        "sku": ["S1", "S2", "S3", "007"],
        "description": ["", "", "", ""],
        "family": ["F1", "F1", "F1", "NA"],
        "unit_price": [10, 5, 8, 20],
        "unit_cost": [4, 2, 3, 6],
        "lifecycle": ["active", "active", "phase_out", "active"],
    }
)
ACTUALS = frame(
    {
        "sku": ["S1", "S1", "S1", "S1", "S2", "S2", "S2", "007", "007", "007", "007"],
        "month": [
            "2024-12", "2025-01", "2025-02", "2025-03",
            "2024-12", "2025-01", "2025-02",
            "2024-12", "2025-01", "2025-02", "2025-03",
        ],
        "units": [12, 10, 20, 30, 4, 5, 5, 10, 8, 0, 12],
    },
    periods=("month",),
)  # fmt: skip
# Consensus: F1 has family rows (which win) and item rows; "NA" has item rows only.
# Two F1 rows at lags 0 and 2 must be ignored at lag 1.
HISTORY = frame(
    {
        "cycle": ["2024-12", "2025-01", "2025-02", "2025-01", "2024-12"]
        + ["2024-12", "2025-01", "2025-02"] * 3,
        "step": ["consensus"] * 14,
        "family": ["F1"] * 5 + ["NA"] * 3 + ["F1"] * 6,
        "month": ["2025-01", "2025-02", "2025-03", "2025-01", "2025-02"]
        + ["2025-01", "2025-02", "2025-03"] * 3,
        "units": [20, 20, 40, 999, 777, 10, 2, 12, 12, 15, 28, 3, 6, 4],
        "sku": [""] * 5 + ["007"] * 3 + ["S1"] * 3 + ["S2"] * 3,
    },
    periods=("cycle", "month"),
)
CYCLE = "2025-04"


def row(df: pd.DataFrame, family: str) -> pd.Series:
    return df.set_index("family").loc[family]


# --------------------------------------------------------------------------- timeframe


def test_window_is_the_months_before_the_cycle() -> None:
    assert list(tf.window("2025-04", 3).astype(str)) == ["2025-01", "2025-02", "2025-03"]
    assert len(tf.window(P("2026-12", "M"))) == 12
    assert tf.window("2026-12")[0] == P("2025-12", "M")


def test_lag_arithmetic() -> None:
    assert tf.forecast_cycle("2025-03", lag=1) == P("2025-02", "M")
    assert tf.lag_between("2025-02", "2025-05") == 3
    # naive forecast of March made at lag 1 (cycle Feb) is January's actual
    assert tf.naive_source_month("2025-03", lag=1) == P("2025-01", "M")
    assert tf.cycles_back("2025-04", 3)[0] == P("2025-02", "M")


def test_ordinals_round_trip_and_accept_strings() -> None:
    s = months(["2024-12", "2025-01"])
    o = tf.ordinals(s)
    assert o[1] - o[0] == 1
    assert list(tf.from_ordinals(o)) == list(s)
    assert list(tf.ordinals(pd.Series(["2024-12", "2025-01"]))) == list(o)


def test_as_month_rejects_garbage() -> None:
    with pytest.raises(ValueError, match="not a month"):
        tf.as_month("soon")


# --------------------------------------------------------------------------- primitives


def test_primitives_hand_computed() -> None:
    f, a = [12, 8, 10], [10, 10, 0]
    assert mt.wmape(f, a) == pytest.approx(14 / 20)
    assert mt.accuracy(f, a) == pytest.approx(0.3)
    assert mt.bias(f, a) == pytest.approx(10 / 20)
    # a forecast worse than the volume: accuracy negative, not clipped
    assert mt.accuracy([50], [10]) == pytest.approx(-3.0)


def test_zero_actuals_give_nan_not_an_error() -> None:
    assert math.isnan(mt.wmape([1, 2], [0, 0]))
    assert math.isnan(mt.bias(pd.Series([1.0]), pd.Series([0.0])))
    with pytest.raises(ValueError, match="differ in length"):
        mt.wmape([1, 2], [1])


positive = st.lists(st.floats(0.0, 1e6, allow_nan=False), min_size=1, max_size=30).filter(
    lambda xs: sum(xs) > 1e-3
)


@given(positive)
def test_perfect_forecast_has_zero_wmape(a: list[float]) -> None:
    assert mt.wmape(a, a) == 0.0
    assert mt.bias(a, a) == 0.0


@given(positive, st.floats(0.0, 10.0, allow_nan=False))
def test_bias_of_scaled_forecast_is_k_minus_one(a: list[float], k: float) -> None:
    f = [k * x for x in a]
    assert mt.bias(f, a) == pytest.approx(k - 1, rel=1e-9, abs=1e-9)


@given(positive, positive)
def test_accuracy_is_one_minus_wmape(a: list[float], f: list[float]) -> None:
    n = min(len(a), len(f))
    a, f = a[:n], f[:n]
    if sum(a) > 0:
        assert mt.accuracy(f, a) == pytest.approx(1 - mt.wmape(f, a))


# --------------------------------------------------------------------------- forecast accuracy


def test_family_accuracy_hand_computed() -> None:
    t = mt.forecast_accuracy(HISTORY, ACTUALS, ITEMS, CYCLE, window=3)
    assert list(t.columns) == list(mt.ACCURACY_COLUMNS)
    assert list(t["family"]) == ["F1", "NA", "TOTAL"]
    f1 = row(t, "F1")  # family rows 20, 20, 40 against 15, 25, 30
    assert (f1.forecast, f1.actual, f1.abs_error) == (80, 70, 20)
    assert f1.wmape == pytest.approx(20 / 70)
    assert f1.accuracy == pytest.approx(50 / 70)
    assert f1.bias == pytest.approx(10 / 70)
    na = row(t, "NA")  # item rows summed: 10, 2, 12 against 8, 0, 12
    assert (na.forecast, na.actual, na.abs_error, na.n_months) == (24, 20, 4, 3)
    total = row(t, "TOTAL")
    assert total.wmape == pytest.approx(24 / 90)
    assert total.bias == pytest.approx(14 / 90)
    assert total.n_months == 3


def test_item_accuracy_hand_computed() -> None:
    t = mt.forecast_accuracy(HISTORY, ACTUALS, ITEMS, CYCLE, window=3, level="item")
    f1 = row(t, "F1")
    # S1: |12-10|+|15-20|+|28-30| = 9 ; S2: |3-5|+|6-5|+|4-0| = 7 (March shipped nothing)
    assert f1.abs_error == 16
    assert f1.wmape == pytest.approx(16 / 70)
    assert f1.bias == pytest.approx(-2 / 70)
    assert row(t, "TOTAL").wmape == pytest.approx(20 / 90)


def test_months_without_any_actuals_are_not_measured() -> None:
    extra = frame(
        {
            "cycle": ["2025-03"],
            "step": ["consensus"],
            "family": ["F1"],
            "month": ["2025-04"],
            "units": [500],
            "sku": [""],
        },
        periods=("cycle", "month"),
    )
    hist = pd.concat([HISTORY, extra], ignore_index=True)
    # cycle 2025-05: the window reaches April, for which no actuals exist yet
    t = mt.forecast_accuracy(hist, ACTUALS, ITEMS, "2025-05", window=4)
    assert row(t, "F1").forecast == 80
    assert row(t, "TOTAL").n_months == 3


def test_no_history_gives_only_a_nan_total() -> None:
    t = mt.forecast_accuracy(HISTORY, ACTUALS, ITEMS, CYCLE, step="executive", window=3)
    assert list(t["family"]) == ["TOTAL"]
    assert math.isnan(t["wmape"].iloc[0]) and t["n_months"].iloc[0] == 0


def test_bad_level_is_refused() -> None:
    with pytest.raises(ValueError, match="level"):
        mt.forecast_accuracy(HISTORY, ACTUALS, ITEMS, CYCLE, level="sku")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- plan attainment

PRODUCTION = frame(
    {
        "family": ["F1", "F1", "F1", "F1", "NA"],
        "month": ["2024-12", "2025-01", "2025-02", "2025-03", "2025-01"],
        "planned_units": [100, 100, 100, 50, 20],
        "actual_units": [0, 90, 110, np.nan, 20],
    },
    periods=("month",),
)


def test_plan_attainment_hand_computed() -> None:
    t = mt.plan_attainment(PRODUCTION, CYCLE, window=3)
    assert list(t.columns) == list(mt.ATTAINMENT_COLUMNS)
    f1 = row(t, "F1")  # min(90,100) + min(110,100) over 200 planned; March not produced yet
    assert f1.attainment == pytest.approx(0.95)
    assert f1.n_months == 2
    assert row(t, "NA").attainment == 1.0
    assert row(t, "TOTAL").attainment == pytest.approx(210 / 220)


# --------------------------------------------------------------------------- E&O

INVENTORY = frame(
    {
        "sku": ["S1", "S2", "S3", "007"],
        "on_hand_units": [50, 30, 10, 5],
        "as_of": pd.to_datetime(["2025-03-31"] * 4),
    }
)
FORWARD = frame(
    {
        "sku": ["S1", "S1", "S1", "S1", "S2", "007"],
        "month": ["2025-04", "2025-05", "2025-06", "2025-07", "2025-04", "2025-04"],
        "units": [10, 10, 10, 100, 40, 0],
    },
    periods=("month",),
)


def test_excess_obsolete_hand_computed() -> None:
    t = iv.excess_obsolete(INVENTORY, ITEMS, FORWARD, months=3)
    assert list(t.columns) == list(iv.EO_COLUMNS)
    f1 = row(t, "F1")
    # S1: 50 on hand, 30 forecast in Apr..Jun (July is beyond the horizon) -> 20 excess x 4
    # S2: 30 on hand, 40 forecast -> none; S3 phase-out, no forecast -> 10 obsolete x 3
    assert f1.on_hand_units == 90 and f1.on_hand_value == 50 * 4 + 30 * 2 + 10 * 3
    assert (f1.excess_value, f1.obsolete_value, f1.eo_value) == (80, 30, 110)
    na = row(t, "NA")  # forecast rows of zero are no forecast: obsolete
    assert (na.excess_value, na.obsolete_value) == (0, 30)
    assert row(t, "TOTAL").eo_value == 140


def test_shares_and_family_split() -> None:
    shares = dg.sku_shares(ITEMS, ACTUALS, "2025-03").set_index("sku")["share"]
    assert shares["S1"] == pytest.approx(72 / 86)  # S1 sold 12+10+20+30, S2 4+5+5
    assert shares["S3"] == 0 and shares["007"] == 1
    fam = frame({"family": ["F1"], "month": ["2025-04"], "units": [86]}, periods=("month",))
    out = dg.sku_forward_forecast_from_family(fam, ITEMS, ACTUALS, "2025-03").set_index("sku")
    assert out.loc["S1", "units"] == pytest.approx(72)
    assert out.loc["S2", "units"] == pytest.approx(14)
    assert str(out["month"].dtype) == "period[M]"


def test_family_without_sales_splits_evenly_over_live_items() -> None:
    items = frame(
        {
            "sku": ["Z1", "Z2", "Z3"],
            "family": ["Z", "Z", "Z"],
            "unit_cost": [1, 1, 1],
            "lifecycle": ["active", "new", "phase_out"],
        }
    )
    s = dg.sku_shares(items, ACTUALS.iloc[0:0], "2025-03").set_index("sku")["share"]
    assert list(s) == [0.5, 0.5, 0.0]


# --------------------------------------------------------------------------- trend and summary


def test_metric_trend_each_cycle_over_its_own_window() -> None:
    fwd_hist = frame(
        {
            "cycle": ["2025-04"] * 3,
            "step": ["consensus"] * 3,
            "family": ["F1", "F1", "NA"],
            "month": ["2025-04", "2025-05", "2025-04"],
            "units": [40, 46, 3],
            "sku": ["S1", "S2", ""],
        },
        periods=("cycle", "month"),
    )
    hist = pd.concat([HISTORY, fwd_hist], ignore_index=True)
    tr = sm.metric_trend(
        hist, ACTUALS, ITEMS, CYCLE, production=PRODUCTION, inventory=INVENTORY,
        window=3, cycles=2,
    )  # fmt: skip
    assert list(tr.columns) == ["cycle", "metric", "value"]
    v = tr.set_index(["cycle", "metric"])["value"]
    c3, c4 = P("2025-03", "M"), P("2025-04", "M")
    # cycle 2025-03 measures Dec..Feb: lag-1 forecasts exist for Jan and Feb only
    # F1 40 vs 40 (err 10), NA 12 vs 8 (err 4)
    assert v[(c3, "family_accuracy")] == pytest.approx(1 - 14 / 48)
    assert v[(c3, "bias")] == pytest.approx(4 / 48)
    assert v[(c4, "family_accuracy")] == pytest.approx(1 - 24 / 90)
    assert v[(c4, "item_accuracy")] == pytest.approx(1 - 20 / 90)
    assert v[(c4, "plan_attainment")] == pytest.approx(210 / 220)
    # the stock count (end of March) belongs to cycle 2025-04, which made a forward forecast:
    # S1 50-40=10 excess x4; S2 30-46 none; S3 10 obsolete x3; "NA" family 3 units -> 007 (all
    # its share) 5-3=2 excess x6
    assert v[(c4, "eo_value")] == pytest.approx(40 + 30 + 12)
    assert math.isnan(v[(c3, "eo_value")])
    assert any("2025-03" in n for n in tr.attrs["notes"])


def test_summary_collects_the_totals_and_notes_negative_accuracy() -> None:
    s = sm.summary(
        HISTORY, ACTUALS, ITEMS, CYCLE, production=PRODUCTION, inventory=INVENTORY,
        forward_forecast=FORWARD, window=3,
    )  # fmt: skip
    assert s.family_accuracy == pytest.approx(1 - 24 / 90)
    assert s.item_accuracy == pytest.approx(1 - 20 / 90)
    assert s.bias == pytest.approx(14 / 90)
    assert s.plan_attainment == pytest.approx(210 / 220)
    # months defaults to 12, so S1's July 100 now counts: only the obsolete stock remains
    assert s.eo_value == 60 and s.obsolete_value == 60
    assert s.as_dict()["cycle"] == "2025-04"

    bad = HISTORY.assign(units=HISTORY["units"] * 10)
    s2 = sm.summary(bad, ACTUALS, ITEMS, CYCLE, window=3)
    assert s2.family_accuracy < 0
    assert any("negative" in n for n in s2.notes)
    assert math.isnan(s2.plan_attainment) and math.isnan(s2.eo_value)


def test_blank_sku_means_family_row_but_na_is_a_real_code() -> None:
    s = pd.Series(["", "  ", None, "NA", "007"], dtype=object)
    assert list(mt.blank_codes(s)) == [True, True, True, False, False]
    assert not mt.blank_codes(pd.Series([], dtype=object)).any()


def test_run_rate_repeats_the_trailing_year_and_stands_in_for_a_missing_forecast() -> None:
    rr = dg.run_rate_forecast(ACTUALS, "2025-03", months=3)
    s1 = rr[rr["sku"] == "S1"]
    assert list(s1["month"].astype(str)) == ["2025-04", "2025-05", "2025-06"]
    assert list(s1["units"]) == [10, 20, 30]
    # no forecast made in cycle 2025-04: E&O against the run rate (12 months through March)
    # S1 50 on hand vs 72 -> none; S2 30 vs 14 -> 16 x 2; S3 10 vs 0 -> obsolete 10 x 3;
    # 007 5 vs 30 -> none
    s = sm.summary(HISTORY, ACTUALS, ITEMS, CYCLE, inventory=INVENTORY, window=3)
    assert (s.excess_value, s.obsolete_value) == (32, 30)
    assert any("run rate" in n for n in s.notes)
