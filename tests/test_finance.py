"""Tests for units-to-dollars (sop_tui.analytics.finance), worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sop_tui.analytics.finance import (
    DOLLAR_COLUMNS,
    GAP_COLUMNS,
    PRICE_COLUMNS,
    family_prices,
    inventory_value,
    plan_dollars,
    revenue_gap,
    revenue_gap_total,
)

ITEMS = pd.DataFrame(
    {
        "sku": ["001", "002", "003", "004"],
        "description": ["", "", "", ""],
        "family": ["PUMPS", "PUMPS", "NA", "NA"],
        "unit_price": [100.0, 200.0, 10.0, 30.0],
        "unit_cost": [60.0, 100.0, 4.0, 20.0],
        "lifecycle": ["active"] * 4,
    }
)


def months(*texts: str) -> pd.PeriodIndex:
    return pd.PeriodIndex(list(texts), freq="M")


def test_family_price_is_unit_weighted_over_the_trailing_twelve_months() -> None:
    actuals = pd.DataFrame(
        {
            "sku": ["001", "002", "001", "002"],
            # 2025-11 is 13 months before 2026-11: outside the window.
            "month": months("2025-12", "2026-11", "2025-11", "2026-12"),
            "units": [3.0, 1.0, 1000.0, 1000.0],
        }
    )
    prices = family_prices(ITEMS, actuals, "2026-11")
    assert tuple(prices.columns) == PRICE_COLUMNS
    pumps = prices.set_index("family").loc["PUMPS"]
    # In the window: 3 of 001 and 1 of 002.
    assert pumps["unit_price"] == pytest.approx((3 * 100 + 1 * 200) / 4)
    assert pumps["unit_cost"] == pytest.approx((3 * 60 + 1 * 100) / 4)


def test_family_without_sales_falls_back_to_the_simple_mean() -> None:
    actuals = pd.DataFrame({"sku": ["001"], "month": months("2026-06"), "units": [5.0]})
    prices = family_prices(ITEMS, actuals, pd.Period("2026-11", freq="M")).set_index("family")
    # "NA" is a family code, not a missing value.
    assert prices.loc["NA", "unit_price"] == pytest.approx(20.0)
    assert prices.loc["NA", "unit_cost"] == pytest.approx(12.0)
    assert prices.loc["PUMPS", "unit_price"] == pytest.approx(100.0)


PRICES = pd.DataFrame(
    {"family": ["PUMPS", "NA"], "unit_price": [150.0, 20.0], "unit_cost": [90.0, 12.0]}
)
PLAN = pd.DataFrame(
    {
        "family": ["PUMPS", "PUMPS", "NA"],
        "month": months("2027-01", "2027-02", "2027-01"),
        "units": [10.0, 20.0, 100.0],
    }
)


def test_plan_dollars_by_hand() -> None:
    dollars = plan_dollars(PLAN, PRICES)
    assert tuple(dollars.columns) == DOLLAR_COLUMNS
    assert dollars["revenue"].tolist() == [1500.0, 3000.0, 2000.0]
    assert dollars["cost"].tolist() == [900.0, 1800.0, 1200.0]
    assert dollars["margin"].tolist() == [600.0, 1200.0, 800.0]
    assert isinstance(dollars["month"].dtype, pd.PeriodDtype)


def test_price_change_moves_revenue_not_cost_and_compounds_with_the_wildcard() -> None:
    dollars = plan_dollars(PLAN, PRICES, price_change={"PUMPS": 0.10, "*": 0.02})
    assert dollars["revenue"].round(6).tolist() == [
        round(1500 * 1.1 * 1.02, 6),
        round(3000 * 1.1 * 1.02, 6),
        round(2000 * 1.02, 6),
    ]
    assert dollars["cost"].tolist() == [900.0, 1800.0, 1200.0]


def test_plan_family_without_price_is_named() -> None:
    plan = PLAN.assign(family=["PUMPS", "VALVES", "NA"])
    with pytest.raises(ValueError, match="VALVES"):
        plan_dollars(plan, PRICES)


@settings(max_examples=50, deadline=None)
@given(
    units=st.lists(st.floats(0, 1e6, allow_nan=False), min_size=3, max_size=3),
    k=st.floats(0, 1000, allow_nan=False),
    change=st.floats(-0.5, 0.5),
)
def test_dollars_are_linear_in_units(units: list[float], k: float, change: float) -> None:
    plan = PLAN.assign(units=units)
    base = plan_dollars(plan, PRICES, price_change={"*": change})
    scaled = plan_dollars(plan.assign(units=plan["units"] * k), PRICES, price_change={"*": change})
    for name in ("units", "revenue", "cost", "margin"):
        np.testing.assert_allclose(scaled[name], base[name] * k, rtol=1e-9, atol=1e-6)


def test_inventory_value_per_family_and_per_sku() -> None:
    per_family = pd.DataFrame({"family": ["PUMPS", "NA"], "units": [2.0, 10.0]})
    valued = inventory_value(per_family, PRICES)
    assert valued["value"].tolist() == [180.0, 120.0]
    per_sku = pd.DataFrame({"sku": ["003", "001"], "on_hand_units": [5.0, 1.0]})
    valued = inventory_value(per_sku, ITEMS)
    assert valued["value"].tolist() == [20.0, 60.0]
    assert valued["unit_cost"].tolist() == [4.0, 60.0]


def test_inventory_value_names_keys_without_cost() -> None:
    with pytest.raises(ValueError, match="999"):
        inventory_value(pd.DataFrame({"sku": ["999"], "on_hand_units": [1.0]}), ITEMS)


def test_revenue_gap_is_target_minus_revenue() -> None:
    dollars = plan_dollars(PLAN, PRICES)
    targets = pd.DataFrame(
        {"month": months("2027-01", "2027-02", "2027-03"), "revenue_target": [4000.0, 2500.0, 9.0]}
    )
    gap = revenue_gap(dollars, targets)
    assert tuple(gap.columns) == GAP_COLUMNS
    assert [str(m) for m in gap["month"]] == ["2027-01", "2027-02"]
    assert gap["revenue"].tolist() == [3500.0, 3000.0]
    # January is 500 short; February beats its target by 500.
    assert gap["gap"].tolist() == [500.0, -500.0]
    total = revenue_gap_total(gap)
    assert total == {"revenue": 6500.0, "revenue_target": 6500.0, "gap": 0.0, "months": 2.0}


def test_month_without_target_is_left_out_of_the_total() -> None:
    dollars = plan_dollars(PLAN, PRICES)
    targets = pd.DataFrame({"month": months("2027-02"), "revenue_target": [3100.0]})
    gap = revenue_gap(dollars, targets)
    assert math.isnan(gap["gap"].iloc[0])
    assert revenue_gap_total(gap) == {
        "revenue": 3000.0,
        "revenue_target": 3100.0,
        "gap": 100.0,
        "months": 1.0,
    }
