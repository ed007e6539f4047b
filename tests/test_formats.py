"""The one formatting module: money, units and percentages read the same everywhere."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sop_tui import formats as f


@pytest.mark.parametrize(
    ("value", "text"),
    [(12_345_678, "$12.3M"), (845_000, "$845k"), (950, "$950"), (-1_234_567, "−$1.2M"),
     (2_500_000_000, "$2.50B"), (-0.4, "$0"), (None, "–"), (math.nan, "–")],
)
def test_money(value: float | None, text: str) -> None:
    assert f.money(value) == text


def test_money_exact_units_and_percentages() -> None:
    assert f.money_exact(12_345_678.4) == "$12,345,678"
    assert f.money_exact(-5) == "−$5"
    assert f.units(48_715.2) == "48,715"
    assert f.units(-0.2) == "0"
    assert f.pct(0.8333) == "83.3%"
    assert f.signed_pct(0.09) == "+9.0%"
    assert f.signed_pct(-0.02) == "−2.0%"
    assert f.pp(3.8) == "+3.8 pp"
    assert f.pp(-3.8) == "−3.8 pp"
    assert f.pp(-0.01) == "+0.0 pp"
    assert f.points(-3.84) == "3.8 pp"
    assert f.unit_price(5.8712) == "$5.87" and f.unit_price(1250.4) == "$1,250"
    assert f.unit_price(-0.001) == "$0.00"
    assert f.points(None) == "–"
    assert f.pp(-3.8, unit=False) == "−3.8" and f.pp(0.04, unit=False) == "+0.0"
    assert f.metric(0.5, "pct") == "50.0%"
    assert f.metric("not a number", "units") == "–"


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_a_negative_sign_is_always_the_typographic_minus(x: float) -> None:
    for text in (f.money(x), f.money_exact(x), f.units(x), f.pct(x), f.signed_pct(x), f.pp(x)):
        assert "-" not in text
        assert text.count("−") <= 1
