"""Tests for the vectorised cell parsers: numbers and their decimal convention, months, dates,
codes and choices."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sop_tui.data import cells as C
from sop_tui.data import date_cells as D


def s(*values: str) -> pd.Series:
    return pd.Series(list(values), dtype=object)


def parse_numbers(values: list[str], convention: C.Convention | None = "dot", **kw) -> C.Parsed:
    cells = pd.Series(values, dtype=object)
    return C.parse_number(cells, C.read_numbers(cells), convention, **kw)


# ---------------------------------------------------------------------------------------- codes


def test_codes_keep_leading_zeros_and_na_like_words():
    parsed = C.parse_code(s("00123", "NA", "N/A", "null", "None", "nan"))
    assert parsed.values.tolist() == ["00123", "NA", "N/A", "null", "None", "nan"]
    assert parsed.values.dtype == object
    assert not parsed.bad.any()


def test_empty_code_is_required_unless_blank_allowed():
    assert C.parse_code(s("A", "")).errors.tolist() == ["", "required"]
    assert C.parse_code(s("A", ""), allow_blank=True).errors.tolist() == ["", ""]


def test_choice_is_normalised_and_a_bad_value_lists_the_allowed_ones():
    parsed = C.parse_choice(
        s("active", "Active", "Phase out", "phase-out", "retired", ""),
        ("active", "new", "phase_out"),
    )
    assert parsed.values.tolist() == ["active", "active", "phase_out", "phase_out", "", ""]
    assert parsed.errors.tolist()[:4] == ["", "", "", ""]
    assert parsed.errors.iat[4] == "must be one of: active, new, phase_out"
    assert parsed.errors.iat[5] == "required"


# -------------------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "votes"),
    [
        ("1,234.5", "dot"),
        ("12.5", "dot"),
        ("1,234,567", "dot"),
        ("1.5e3", "dot"),
        ("1.234,5", "comma"),
        ("12,5", "comma"),
        ("1.234.567", "comma"),
        ("0,500", "comma"),  # 0,500 cannot be a thousands grouping
        ("1,234", None),
        ("1.234", None),
        ("1234", None),
        ("1 234", None),
    ],
)
def test_which_cells_decide_the_convention(text: str, votes: str | None):
    r = C.read_numbers(s(text))
    assert C.decide_convention([r]) == votes


def test_ambiguous_cells_are_flagged_as_such():
    r = C.read_numbers(s("1,234", "1.234", "1234", "12.5"))
    assert r.ambiguous.tolist() == [True, True, False, False]


def test_dot_convention_values():
    p = parse_numbers(["1,234.5", "12.5", "1 234", "1\u00a0234.25", "1'234", "1234", "-0", ".5"])
    assert p.values.tolist() == [1234.5, 12.5, 1234.0, 1234.25, 1234.0, 1234.0, 0.0, 0.5]
    assert not p.bad.any()


def test_comma_convention_values():
    p = parse_numbers(["1.234,5", "12,5", "1 234,5", "1234", "1.234"], "comma")
    assert p.values.tolist() == [1234.5, 12.5, 1234.5, 1234.0, 1234.0]
    assert not p.bad.any()


def test_cells_against_the_file_convention_are_refused():
    p = parse_numbers(["12,5", "12.5"], "dot")
    assert (
        p.errors.iat[0]
        == "written with a decimal comma, but the rest of the file uses decimal points"
    )
    assert p.errors.iat[1] == ""
    p = parse_numbers(["12.5"], "comma")
    assert "decimal point" in p.errors.iat[0]


def test_undecided_file_refuses_ambiguous_cells_naming_both_readings():
    p = parse_numbers(["1,234", "7"], None)
    assert math.isnan(p.values.iat[0])
    assert p.errors.iat[0].startswith("ambiguous: 1234 with a thousands separator or 1.234")
    assert p.values.iat[1] == 7.0


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("", "required"),
        ("abc", "not a number"),
        ("12 units", "not a number"),
        ("$12", "not a number"),
        ("nan", "not a finite number (NaN and infinity are not allowed)"),
        ("NaN", "not a finite number (NaN and infinity are not allowed)"),
        ("inf", "not a finite number (NaN and infinity are not allowed)"),
        ("-Infinity", "not a finite number (NaN and infinity are not allowed)"),
        ("1e999", "not a finite number (NaN and infinity are not allowed)"),
        ("-5", "must not be negative"),
    ],
)
def test_bad_numbers(text: str, rule: str):
    p = parse_numbers([text, "1"])
    assert p.errors.tolist() == [rule, ""]
    if rule != "must not be negative":
        assert math.isnan(p.values.iat[0])


def test_min_value_other_than_zero_and_no_bound():
    assert parse_numbers(["0.5"], min_value=1.0).errors.iat[0] == "must be at least 1"
    assert parse_numbers(["-5"], min_value=None).values.iat[0] == -5.0


def test_blank_allowed_number_reads_nan_without_error():
    p = parse_numbers(["", "3"], allow_blank=True)
    assert p.errors.tolist() == ["", ""]
    assert math.isnan(p.values.iat[0])


def test_typed_numbers_never_vote_and_read_as_they_are():
    cells = s("1.234", "12,5")  # an XLSX float 1.234 and a text cell with a decimal comma
    r = C.read_numbers(cells, typed=pd.Series([True, False]))
    assert C.decide_convention([r]) == "comma"
    p = C.parse_number(cells, r, "comma")
    assert p.values.tolist() == [1.234, 12.5]


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_grouped_numbers_read_the_same_in_both_conventions(value):
    us = f"{value:,.2f}"  # 1,234,567.89
    eu = us.replace(",", " ").replace(".", ",")  # 1 234 567,89
    dot = C.read_numbers(s(us))
    comma = C.read_numbers(s(eu))
    assert C.parse_number(s(us), dot, "dot").values.iat[0] == pytest.approx(float(value))
    assert C.parse_number(s(eu), comma, "comma").values.iat[0] == pytest.approx(float(value))
    # Two decimals always decide: a thousands group has three digits.
    assert C.decide_convention([dot]) == "dot"
    assert C.decide_convention([comma]) == "comma"


@given(st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False))
def test_python_float_text_reads_back_exactly_with_a_decimal_point(value):
    text = repr(value)
    p = C.parse_number(s(text), C.read_numbers(s(text)), "dot")
    assert p.values.iat[0] == value


# --------------------------------------------------------------------------------------- months


def test_months_parse_to_period():
    p = D.parse_month(
        s("2026-01", "2025-12", "2026-01-01", "2026-02-01 00:00:00", "2026-03-01T00:00")
    )
    assert str(p.values.dtype) == "period[M]"
    assert [str(v) for v in p.values] == ["2026-01", "2025-12", "2026-01", "2026-02", "2026-03"]
    assert not p.bad.any()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-13", "there is no month 13; expected YYYY-MM (e.g. 2026-01)"),
        ("Jan-26", "expected YYYY-MM (e.g. 2026-01): write 2026-01"),
        ("2026/01", "expected YYYY-MM (e.g. 2026-01): write 2026-01"),
        ("202601", "expected YYYY-MM (e.g. 2026-01): write 2026-01"),
        ("2026-1", "expected YYYY-MM (e.g. 2026-01): write 2026-01"),
        ("someday", "not a month; expected YYYY-MM (e.g. 2026-01)"),
        (
            "2026-01-15",
            "a date, not a month (only the 1st of a month reads as its month); "
            "expected YYYY-MM (e.g. 2026-01)",
        ),
        ("", "required"),
    ],
)
def test_bad_months_show_the_expected_form(text: str, expected: str):
    p = D.parse_month(s(text, "2026-01"))
    assert p.errors.tolist() == [expected, ""]
    assert pd.isna(p.values.iat[0])


def test_excel_serial_in_a_month_column_names_the_date():
    rule = D.parse_month(s("45627")).errors.iat[0]
    assert rule.startswith("looks like an Excel date serial (45627 is 2024-12-01)")
    assert "YYYY-MM" in rule


def test_excel_serial_date_matches_excel():
    # Excel shows 45658 as 2025-01-01 and 36526 as 2000-01-01.
    assert D.excel_serial_date(45658) == pd.Timestamp("2025-01-01")
    assert D.excel_serial_date(36526) == pd.Timestamp("2000-01-01")


def test_typed_datetime_in_month_column_is_its_month_whatever_the_day():
    p = D.parse_month(s("2026-01-15", "2026-02-01"), typed_datetime=pd.Series([True, False]))
    assert [str(v) for v in p.values] == ["2026-01", "2026-02"]
    assert not p.bad.any()


@given(st.integers(min_value=1900, max_value=2200), st.integers(min_value=1, max_value=12))
def test_any_month_round_trips(year: int, month: int):
    text = f"{year:04d}-{month:02d}"
    p = D.parse_month(s(text))
    assert p.values.iat[0] == pd.Period(text, freq="M")


# ---------------------------------------------------------------------------------------- dates


def test_dates_parse_to_midnight_datetime64_ns():
    p = D.parse_date(s("2026-11-30", "2026-11-30T13:45:00", "2026-11-30 08:00"))
    assert p.values.dtype == np.dtype("datetime64[ns]")
    assert (p.values == pd.Timestamp("2026-11-30")).all()
    assert not p.bad.any()


@pytest.mark.parametrize(
    ("text", "starts"),
    [
        ("2026-02-30", "there is no such date"),
        ("30/11/2026", "not a date; expected YYYY-MM-DD"),
        ("2026-11-30 noon", "not a date; expected YYYY-MM-DD"),
        ("45991", "looks like an Excel date serial (45991 is 2025-11-30)"),
        ("", "required"),
    ],
)
def test_bad_dates(text: str, starts: str):
    p = D.parse_date(s(text))
    assert p.errors.iat[0].startswith(starts)
    assert pd.isna(p.values.iat[0])
