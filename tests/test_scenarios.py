"""Tests for scenarios (sop_tui.analytics.scenarios): parsing, adjusting, evaluating, comparing.

The small baseline: family A (10 $, cost 6 $) on R1 (120 h a month, 1 h a unit), family B (5 $,
cost 2 $) unrouted; targets 3,700 $ over three months.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sop_tui.analytics.scenarios import (
    BASELINE,
    MEASURES,
    Adjustment,
    Scenario,
    ScenarioInputs,
    apply_capacity,
    apply_demand,
    baseline,
    compare,
    evaluate,
    evaluate_all,
    parse_adjustment,
    price_changes,
    validate,
)

MONTHS = pd.period_range("2027-01", periods=3, freq="M")
BASE = ScenarioInputs(
    demand=pd.DataFrame(
        {
            "family": ["A"] * 3 + ["B"] * 3,
            "month": pd.PeriodIndex(list(MONTHS) * 2, freq="M"),
            "units": [100.0, 150.0, 100.0, 10.0, 10.0, 10.0],
        }
    ),
    routings=pd.DataFrame({"family": ["A"], "resource": ["R1"], "hours_per_unit": [1.0]}),
    capacity=pd.DataFrame({"resource": ["R1"] * 3, "month": MONTHS, "hours": [120.0] * 3}),
    prices=pd.DataFrame({"family": ["A", "B"], "unit_price": [10.0, 5.0], "unit_cost": [6.0, 2.0]}),
    targets=pd.DataFrame({"month": MONTHS, "revenue_target": [1100.0, 1500.0, 1100.0]}),
)


# --- parsing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("demand", "PUMPS:+10%:2027-01..2027-06", ("PUMPS", 10.0, "%", "2027-01", "2027-06")),
        ("demand", "PUMPS:-500:2027-03", ("PUMPS", -500.0, "units", "2027-03", "2027-03")),
        ("demand", "PUMPS:+10%", ("PUMPS", 10.0, "%", None, None)),
        ("demand", "*:-2.5%", ("*", -2.5, "%", None, None)),
        ("demand", " 007 : 12 ", ("007", 12.0, "units", None, None)),
        ("capacity", "MACH-1:+15%", ("MACH-1", 15.0, "%", None, None)),
        ("capacity", "NA:+200h:2027-01..2027-03", ("NA", 200.0, "hours", "2027-01", "2027-03")),
        ("price", "PUMPS:+3%", ("PUMPS", 3.0, "%", None, None)),
    ],
)
def test_parse_good_adjustments(kind: str, text: str, expected: tuple) -> None:
    adj = parse_adjustment(kind, text)
    assert (adj.target, adj.amount, adj.unit, adj.start, adj.end) == expected
    assert adj.kind == kind
    # The CLI form reads back to the same adjustment.
    assert parse_adjustment(kind, adj.text()) == adj


@pytest.mark.parametrize(
    ("kind", "text", "names"),
    [
        ("demand", "PUMPS", "has 1 part"),
        ("demand", "PUMPS:+10%:2027-01:2027-02", "has 4 parts"),
        ("demand", ":+10%", "the family is missing"),
        ("capacity", ":+10%", "the resource is missing"),
        ("demand", "PUMPS:ten", "the amount 'ten' is not a signed number"),
        ("demand", "PUMPS:+10h", "is in hours"),
        ("capacity", "MACH-1:+200", "needs % or h"),
        ("price", "PUMPS:+3", "must be a percent"),
        ("price", "PUMPS:+3%:2027-01", "drop the months"),
        ("demand", "PUMPS:+10%:2027-13", "the month '2027-13' is not YYYY-MM"),
        ("demand", "PUMPS:+10%:27-01..2027-03", "the month '27-01'"),
        ("demand", "PUMPS:+10%:2027-06..2027-01", "run backwards"),
        ("demand", "PUMPS:-100%", "would remove everything"),
    ],
)
def test_parse_bad_adjustments_name_the_part_and_show_the_form(
    kind: str, text: str, names: str
) -> None:
    with pytest.raises(ValueError) as caught:
        parse_adjustment(kind, text)
    message = str(caught.value)
    assert names in message
    assert "expected" in message
    assert ("RESOURCE:" if kind == "capacity" else "FAMILY:") in message


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="'inventory' is not one of demand, capacity, price"):
        parse_adjustment("inventory", "A:+1%")


# --- scenario values ------------------------------------------------------------------------


def test_scenario_accepts_strings_and_round_trips_through_json() -> None:
    scenario = Scenario(
        "Upside",
        "Marketing's campaign lands",
        demand=("A:+10%:2027-01..2027-02", "B:-5"),
        capacity=("R1:+20h",),
        price=("*:+3%",),
    )
    assert scenario.demand[0] == Adjustment("demand", "A", 10.0, "%", "2027-01", "2027-02")
    payload = json.loads(json.dumps(scenario.to_dict()))
    assert Scenario.from_dict(payload) == scenario


def test_scenario_refuses_an_adjustment_of_the_wrong_kind() -> None:
    with pytest.raises(ValueError, match="a price adjustment was expected"):
        Scenario("x", price=(parse_adjustment("demand", "A:+1%"),))


# --- applying -------------------------------------------------------------------------------


def test_demand_adjustments_compound_in_order_and_stop_at_zero() -> None:
    adjustments = [
        parse_adjustment("demand", "A:+10%:2027-02..2027-03"),
        parse_adjustment("demand", "A:-50:2027-03"),
        parse_adjustment("demand", "*:-12"),
    ]
    adjusted = apply_demand(BASE.demand, adjustments)
    a = adjusted[adjusted["family"] == "A"]["units"].round(6).tolist()
    b = adjusted[adjusted["family"] == "B"]["units"].round(6).tolist()
    assert a == [88.0, 153.0, 48.0]  # 100−12; 150×1.1−12; 100×1.1−50−12
    assert b == [0.0, 0.0, 0.0]  # 10 − 12 clips at 0


def test_a_unit_adjustment_lands_on_a_month_the_consensus_left_out() -> None:
    demand = BASE.demand[~((BASE.demand["family"] == "B") & (BASE.demand["month"] == MONTHS[1]))]
    adjusted = apply_demand(demand, [parse_adjustment("demand", "B:+5:2027-02")])
    b = adjusted[adjusted["family"] == "B"]["units"].tolist()
    assert b == [10.0, 5.0, 10.0]


def test_capacity_adjustments_in_percent_and_hours() -> None:
    adjusted = apply_capacity(
        BASE.capacity,
        [parse_adjustment("capacity", "R1:+50%:2027-01"), parse_adjustment("capacity", "*:+5h")],
    )
    assert adjusted["hours"].tolist() == [185.0, 125.0, 125.0]


def test_price_changes_compound_per_family() -> None:
    changes = price_changes(
        [parse_adjustment("price", "*:+10%"), parse_adjustment("price", "A:+10%")], ["A", "B"]
    )
    assert changes["A"] == pytest.approx(0.21)
    assert changes["B"] == pytest.approx(0.10)


def test_validate_names_unknown_families_resources_and_months() -> None:
    scenario = Scenario(
        "bad",
        demand=("Z:+1%", "A:+1%:2030-01"),
        capacity=("PRESS:+1h",),
        price=("Y:+1%",),
    )
    with pytest.raises(ValueError) as caught:
        validate(scenario, BASE)
    message = str(caught.value)
    assert "unknown family: Z" in message and "Y (price" in message
    assert "unknown resource: PRESS" in message
    assert "outside the horizon 2027-01..2027-03" in message
    with pytest.raises(ValueError, match="unknown family: Z"):
        evaluate(scenario, BASE)


# --- evaluating -----------------------------------------------------------------------------


def test_baseline_totals_by_hand() -> None:
    result = evaluate(baseline(), BASE)
    t = result.totals
    # A: 100 + 140 of 150 + 100 sold (10 lost in February); B: 30.
    assert t["units_demanded"] == 380.0
    assert t["units_supplied"] == pytest.approx(370.0)
    assert t["unmet_units"] == pytest.approx(10.0)
    assert t["revenue"] == pytest.approx(340 * 10 + 30 * 5)
    assert t["cost"] == pytest.approx(340 * 6 + 30 * 2)
    assert t["margin"] == pytest.approx(3550 - 2100)
    assert t["revenue_target"] == 3700.0
    assert t["gap_to_target"] == pytest.approx(150.0)
    assert t["ending_inventory_units"] == 0.0
    assert set(t) == set(MEASURES)


def test_upside_scenario_by_hand() -> None:
    scenario = Scenario(
        "upside",
        demand=("A:+10%:2027-01..2027-02",),
        capacity=("R1:+20h",),
        price=("*:+3%",),
    )
    result = evaluate(scenario, BASE)
    t = result.totals
    # A: 110, 165, 100 on 140 h: 25 pre-built in January, nothing lost.
    assert t["unmet_units"] == pytest.approx(0.0)
    a = result.supply.production[result.supply.production["family"] == "A"]
    assert a["production"].round(6).tolist() == [135.0, 140.0, 100.0]
    assert t["revenue"] == pytest.approx((375 * 10 + 30 * 5) * 1.03)
    assert t["gap_to_target"] == pytest.approx(3700 - 4017)


def test_ending_inventory_is_valued_at_unit_cost() -> None:
    base = ScenarioInputs(**{**BASE.__dict__, "opening_inventory": pd.Series({"B": 50.0})})
    t = evaluate(baseline(), base).totals
    assert t["ending_inventory_units"] == pytest.approx(20.0)  # B: 50 − 30
    assert t["ending_inventory_value"] == pytest.approx(40.0)  # at 2 $


def test_without_targets_the_gap_is_nan() -> None:
    base = ScenarioInputs(**{**BASE.__dict__, "targets": None})
    result = evaluate(baseline(), base)
    assert result.gap is None
    assert math.isnan(result.totals["gap_to_target"])


@settings(max_examples=25, deadline=None)
@given(
    units=st.lists(st.floats(0, 400, allow_nan=False), min_size=6, max_size=6),
    hours=st.lists(st.floats(0, 400, allow_nan=False), min_size=3, max_size=3),
)
def test_a_scenario_with_no_adjustments_equals_the_baseline(
    units: list[float], hours: list[float]
) -> None:
    base = ScenarioInputs(
        **{
            **BASE.__dict__,
            "demand": BASE.demand.assign(units=units),
            "capacity": BASE.capacity.assign(hours=hours),
        }
    )
    consensus = evaluate(baseline(), base)
    empty = evaluate(Scenario("nothing changes", "no adjustments"), base)
    table = compare([consensus, empty])
    np.testing.assert_allclose(table[BASELINE], table["nothing changes"], rtol=1e-9, atol=1e-6)
    pd.testing.assert_frame_equal(consensus.supply.production, empty.supply.production)


def test_compare_puts_the_consensus_first_one_row_per_measure() -> None:
    results = evaluate_all(
        [Scenario("downside", demand=("*:-20%",)), Scenario("upside", demand=("*:+10%",))], BASE
    )
    table = compare(list(reversed(results)))
    assert list(table.columns) == [BASELINE, "upside", "downside"]
    assert list(table.index) == list(MEASURES)
    assert table.loc["units_demanded", "downside"] == pytest.approx(380 * 0.8)
    assert table.loc["units_demanded", "upside"] == pytest.approx(380 * 1.1)


def test_compare_refuses_duplicate_names() -> None:
    result = evaluate(baseline(), BASE)
    with pytest.raises(ValueError, match="consensus"):
        compare([result, result])
