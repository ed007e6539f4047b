"""Tests for reading planning-data files: CSV and XLSX in, validated frame and every error out."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from sop_tui.data.reader import (
    CellError,
    ReadResult,
    check_references,
    empty_frame,
    kind_from_filename,
    read_table,
)
from sop_tui.data.schema import KINDS

DATA = Path(__file__).parent / "data"
GOOD = DATA / "good"
BAD = DATA / "bad"

DTYPES = {
    "code": "object",
    "text": "object",
    "choice": "object",
    "number": "float64",
    "money": "float64",
    "month": "period[M]",
    "date": "datetime64[ns]",
}


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def write_xlsx(tmp_path: Path, name: str, rows: list[list], sheet: str | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    if sheet:
        wb.create_sheet("Notes", 0).append(["not data"])
        ws.title = sheet
    for row in rows:
        ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


def rules(result: ReadResult) -> list[tuple[int | None, str | None, str | None, str]]:
    return [(e.line, e.column, e.value, e.rule) for e in result.errors]


# ------------------------------------------------------------------------------- good files


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_reads_to_the_schema_shape(kind: str):
    result = read_table(GOOD / f"{kind}.csv", kind)
    assert result.ok, [str(e) for e in result.errors]
    assert list(result.frame.columns) == list(KINDS[kind].column_names)
    for col in KINDS[kind].columns:
        assert str(result.frame[col.name].dtype) == DTYPES[col.type], col.name
    assert result.rows == len(result.frame) == len(result.lines)
    assert result.sha256 == hashlib.sha256((GOOD / f"{kind}.csv").read_bytes()).hexdigest()


def test_items_values_codes_and_quoted_cells():
    f = read_table(GOOD / "items.csv", "items").frame
    assert f["sku"].tolist() == ["00123", "00124", "A-9"]
    assert f["family"].tolist() == ["NA", "NA", "EU"]  # North America, not missing
    assert f["description"].tolist() == ["Bracket, steel", "", "Valve body"]
    assert f["unit_price"].tolist() == [12.5, 1250.0, 3.0]  # "1,250.00" with a thousands comma


def test_quoted_line_breaks_keep_line_numbers():
    result = read_table(GOOD / "demand_inputs.csv", "demand_inputs")
    # The second record spans lines 3-4, so the third starts on line 5.
    assert result.lines.tolist() == [2, 3, 5]
    assert result.frame["source"].tolist() == ["sales", "marketing", "planner"]
    assert result.frame["assumption"].iat[0] == 'Two new distributors, one in "Q1"'


def test_optional_column_absent_is_present_and_blank():
    f = read_table(GOOD / "forecast_history.csv", "forecast_history").frame
    assert f["sku"].tolist() == ["", "", ""]


def test_empty_frame_has_the_schema_shape():
    f = empty_frame("inventory")
    assert list(f.columns) == ["sku", "on_hand_units", "as_of"]
    assert [str(t) for t in f.dtypes] == ["object", "float64", "datetime64[ns]"]


# ------------------------------------------------------------------------------- error text


def test_cell_error_reads_like_the_brief():
    e = CellError("actuals.csv", 14, "units", "-5", "must not be negative")
    assert str(e) == "actuals.csv, line 14, column 'units': '-5' — must not be negative"
    assert str(CellError("a.csv", None, None, None, "the file is empty")) == (
        "a.csv: the file is empty"
    )


def test_every_bad_cell_is_reported_in_one_pass_in_line_order():
    result = read_table(BAD / "actuals.csv", "actuals")
    assert not result.ok
    assert rules(result) == [
        (2, None, None, "duplicate key (sku='00123', month='2026-01'): also on line 7"),
        (3, "month", "2026-13", "there is no month 13; expected YYYY-MM (e.g. 2026-01)"),
        (4, "month", "Jan-26", "expected YYYY-MM (e.g. 2026-01): write 2026-01"),
        (4, "units", "abc", "not a number"),
        (6, "month", "2026/01", "expected YYYY-MM (e.g. 2026-01): write 2026-01"),
        (6, "units", "-5", "must not be negative"),
        (7, None, None, "duplicate key (sku='00123', month='2026-01'): also on line 2"),
        (8, "sku", "", "required"),
        (8, "month", "202601", "expected YYYY-MM (e.g. 2026-01): write 2026-01"),
        (8, "units", "", "required"),
        (
            9,
            "month",
            "45627",
            "looks like an Excel date serial (45627 is 2024-12-01); format the column as text "
            "and write YYYY-MM (e.g. 2026-01)",
        ),
        (9, "units", "12 units", "not a number"),
        (10, "units", "nan", "not a finite number (NaN and infinity are not allowed)"),
        (11, None, None, "has 4 cells; the header has 3"),
        (12, None, None, "has 2 cells; the header has 3"),
    ]
    assert result.rows == 10  # the blank line 5 is not a row
    assert "1 blank line skipped" in result.notes


def test_bad_items_choices_negatives_and_infinity():
    result = read_table(BAD / "items.csv", "items")
    assert rules(result) == [
        (3, "lifecycle", "retired", "must be one of: active, new, phase_out"),
        (4, "unit_price", "-1", "must not be negative"),
        (4, "unit_cost", "inf", "not a finite number (NaN and infinity are not allowed)"),
        (4, "lifecycle", "", "required"),
    ]
    assert result.frame["lifecycle"].iat[0] == "active"  # "Active" normalised


# ------------------------------------------------------------------------- file-level problems


def test_empty_file():
    result = read_table(BAD / "actuals_empty.csv", "actuals")
    assert rules(result) == [(None, None, None, "the file is empty")]
    assert result.rows == 0
    assert list(result.frame.columns) == ["sku", "month", "units"]


def test_blank_lines_only_is_empty(tmp_path: Path):
    result = read_table(write(tmp_path, "actuals.csv", "\n  \n\n"), "actuals")
    assert rules(result) == [(None, None, None, "the file is empty (only blank lines)")]


def test_header_only_is_an_error():
    result = read_table(BAD / "actuals_header_only.csv", "actuals")
    assert rules(result) == [(None, None, None, "no data rows (the file has only its header)")]


def test_missing_misspelled_and_unknown_columns():
    result = read_table(BAD / "actuals_misspelled.csv", "actuals")
    # "SKU" and " Month " match after trimming and case-folding.
    assert rules(result) == [
        (1, "units", None, "column is missing; found 'unit' — misspelled?"),
        (1, "colour", None, "unknown column (the columns of actuals are: sku, month, units)"),
    ]
    assert result.frame["sku"].tolist() == ["00123"]


def test_misspelled_optional_column_is_not_ignored(tmp_path: Path):
    path = write(
        tmp_path,
        "forecast_history.csv",
        "cycle,step,family,month,units,skus\n2025-11,consensus,NA,2025-12,5,001\n",
    )
    assert rules(read_table(path, "forecast_history")) == [
        (1, "skus", None, "unknown column; is it a misspelling of 'sku'?")
    ]


def test_headers_match_with_spaces_hyphens_and_case(tmp_path: Path):
    path = write(
        tmp_path,
        "items.csv",
        "SKU , Description,FAMILY,Unit Price,unit-cost,Lifecycle\n1,x,F,2,1,new\n",
    )
    result = read_table(path, "items")
    assert result.ok, rules(result)
    assert result.frame["unit_price"].iat[0] == 2.0


def test_repeated_header(tmp_path: Path):
    path = write(tmp_path, "actuals.csv", "sku,month,units,Units\n1,2026-01,1,2\n")
    assert rules(read_table(path, "actuals")) == [
        (1, "Units", None, "column appears twice (columns 3 and 4)")
    ]


def test_trailing_empty_cells_are_tolerated_but_data_under_no_header_is_not(tmp_path: Path):
    ok = write(tmp_path, "a.csv", "sku,month,units,\n1,2026-01,1,\n2,2026-01,3,,\n")
    assert read_table(ok, "actuals").ok
    bad = write(tmp_path, "b.csv", "sku,month,units\n1,2026-01,1,x\n")
    assert rules(read_table(bad, "actuals")) == [(2, None, None, "has 4 cells; the header has 3")]


# ------------------------------------------------------------------------- encodings, delimiters


def test_utf8_bom_keeps_the_first_column_name(tmp_path: Path):
    path = write(tmp_path, "actuals.csv", b"\xef\xbb\xbfsku,month,units\r\n00123,2026-01,4\r\n")
    result = read_table(path, "actuals")
    assert result.ok, rules(result)
    assert result.frame["sku"].tolist() == ["00123"]
    assert result.frame["units"].tolist() == [4.0]


def test_cp1252_falls_back_with_a_note_naming_the_offset(tmp_path: Path):
    content = "sku,description,family,unit_price,unit_cost,lifecycle\n1,Café,F,2,1,new\n"
    path = write(tmp_path, "items.csv", content.encode("cp1252"))
    result = read_table(path, "items")
    assert result.ok
    assert result.frame["description"].tolist() == ["Café"]
    offset = content.encode("cp1252").index(b"\xe9")
    assert any(f"offset {offset}" in n and "Windows-1252" in n for n in result.notes)


def test_bytes_that_are_neither_utf8_nor_cp1252_are_refused(tmp_path: Path):
    path = write(tmp_path, "items.csv", b"sku,description\n1,\x81\x81\n")
    [error] = read_table(path, "items").errors
    assert error.line is None
    assert "offset 18" in error.rule and "not UTF-8" in error.rule


def test_utf16_with_bom_is_read(tmp_path: Path):
    path = write(tmp_path, "actuals.csv", "sku,month,units\n01,2026-01,3\n".encode("utf-16"))
    result = read_table(path, "actuals")
    assert result.ok, rules(result)
    assert result.frame["sku"].tolist() == ["01"]


def test_semicolon_file_with_decimal_commas(tmp_path: Path):
    path = write(
        tmp_path,
        "items.csv",
        "sku;description;family;unit_price;unit_cost;lifecycle\n"
        "1;A;F;1.234,5;12,5;new\n"
        "2;B;F;1 234;1.234;new\n",
    )
    result = read_table(path, "items")
    assert result.ok, rules(result)
    assert result.frame["unit_price"].tolist() == [1234.5, 1234.0]
    assert result.frame["unit_cost"].tolist() == [12.5, 1234.0]  # 1.234 decided by the others
    assert "decimal commas read as decimal points" in result.notes
    assert "delimiter ';'" in result.notes


def test_tab_delimited(tmp_path: Path):
    path = write(tmp_path, "capacity.tsv", "resource\tmonth\thours\nP 1\t2026-01\t1,500.5\n")
    result = read_table(path, "capacity")
    assert result.ok, rules(result)
    assert result.frame["resource"].tolist() == ["P 1"]
    assert result.frame["hours"].tolist() == [1500.5]


def test_ambiguous_thousands_refused_naming_each_cell():
    result = read_table(BAD / "actuals_ambiguous.csv", "actuals")
    assert [(e.line, e.value) for e in result.errors] == [(2, "1,234"), (4, "2,500")]
    assert all(e.rule.startswith("ambiguous:") for e in result.errors)


def test_one_unambiguous_cell_decides_the_whole_file(tmp_path: Path):
    path = write(tmp_path, "actuals.csv", 'sku,month,units\n1,2026-01,"1,234"\n2,2026-01,"0,5"\n')
    result = read_table(path, "actuals")
    assert result.ok
    assert result.frame["units"].tolist() == [1.234, 0.5]


def test_mixed_conventions_name_the_odd_cells(tmp_path: Path):
    path = write(
        tmp_path,
        "actuals.csv",
        'sku,month,units\n1,2026-01,12.5\n2,2026-01,"1,234.5"\n3,2026-01,"7,25"\n',
    )
    assert rules(read_table(path, "actuals")) == [
        (
            4,
            "units",
            "7,25",
            "written with a decimal comma, but the rest of the file uses decimal points",
        )
    ]


def test_whitespace_trimmed_and_blank_rows_skipped(tmp_path: Path):
    path = write(
        tmp_path,
        "actuals.csv",
        "sku , month,units\n 00123 ,  2026-01 , 4 \n,,\n\n  \nNA,2026-02,5\n",
    )
    result = read_table(path, "actuals")
    assert result.ok, rules(result)
    assert result.frame["sku"].tolist() == ["00123", "NA"]
    assert result.lines.tolist() == [2, 6]


def test_fast_and_quoted_paths_agree(tmp_path: Path):
    plain = "sku,month,units\n00123,2026-01,4\n\nNA,2026-02,5.5\n0007,2026-03,\n"
    quoted = plain.replace("00123", '"00123"')
    a = read_table(write(tmp_path, "a.csv", plain), "actuals")
    b = read_table(write(tmp_path, "b.csv", quoted), "actuals")
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert a.lines.tolist() == b.lines.tolist() == [2, 4, 5]
    assert rules(a) == rules(b) == [(5, "units", "", "required")]


# -------------------------------------------------------------------------------------- XLSX


def test_xlsx_typed_cells(tmp_path: Path):
    path = write_xlsx(
        tmp_path,
        "Actuals.xlsx",
        [
            ["SKU", "Month", "Units"],
            ["00123", datetime(2026, 1, 1), 10],  # text SKU keeps its zeros
            [123, datetime(2026, 2, 15), 12.5],  # numeric SKU -> "123"; any day -> its month
            [124.0, "2026-03", 1.234],  # a typed 1.234 is just 1.234, never ambiguous
        ],
    )
    result = read_table(path, "actuals")
    assert result.ok, rules(result)
    assert result.frame["sku"].tolist() == ["00123", "123", "124"]
    assert [str(m) for m in result.frame["month"]] == ["2026-01", "2026-02", "2026-03"]
    assert result.frame["units"].tolist() == [10.0, 12.5, 1.234]
    assert result.lines.tolist() == [2, 3, 4]


def test_xlsx_number_in_a_month_or_date_column_is_an_excel_serial(tmp_path: Path):
    path = write_xlsx(tmp_path, "a.xlsx", [["sku", "month", "units"], ["A", 45627, 1]])
    [error] = read_table(path, "actuals").errors
    assert (error.line, error.column, error.value) == (2, "month", "45627")
    assert error.rule.startswith("looks like an Excel date serial (45627 is 2024-12-01)")
    path = write_xlsx(
        tmp_path,
        "inv.xlsx",
        [["sku", "on_hand_units", "as_of"], ["A", 3, 45991], ["B", 4, datetime(2026, 11, 30)]],
    )
    result = read_table(path, "inventory")
    assert [(e.line, e.column) for e in result.errors] == [(2, "as_of")]
    assert "2025-11-30" in result.errors[0].rule
    assert result.frame["as_of"].iat[1] == pd.Timestamp("2026-11-30")


def test_xlsx_empty_cells_gaps_and_named_sheet(tmp_path: Path):
    rows = [["sku", "month", "units"], ["A", "2026-01", None], [], ["B", "2026-01", 3]]
    path = write_xlsx(tmp_path, "a.xlsx", rows, sheet="Data")
    missing = read_table(path, "actuals", sheet="Nope")
    assert rules(missing) == [
        (None, None, None, "no sheet named 'Nope'; the sheets are: Notes, Data")
    ]
    result = read_table(path, "actuals", sheet="Data")
    assert rules(result) == [(2, "units", "", "required")]
    assert result.lines.tolist() == [2, 4]


def test_xlsx_suffix_on_a_text_file_is_refused(tmp_path: Path):
    path = write(tmp_path, "a.xlsx", "sku,month,units\n")
    [error] = read_table(path, "actuals").errors
    assert "not an XLSX workbook" in error.rule


# -------------------------------------------------------------------------------- references


def test_check_references_names_unknown_cells():
    result = read_table(GOOD / "actuals.csv", "actuals")
    known = {"items.sku": {"00123"}, "items.family": set()}
    errors = check_references(result, "actuals", known, "actuals.csv")
    assert [str(e) for e in errors] == [
        "actuals.csv, line 4, column 'sku': 'A-9' — unknown sku: not in items"
    ]


def test_check_references_on_a_frame_uses_its_line_column_or_index():
    frame = pd.DataFrame({"sku": ["x", "00123"], "month": ["", ""], "units": [1.0, 2.0]})
    known = {"items.sku": {"00123"}}
    assert [e.line for e in check_references(frame, "actuals", known, "f")] == [2]
    frame["_line"] = [9, 11]
    assert [e.line for e in check_references(frame, "actuals", known, "f")] == [9]


def test_check_references_skips_blank_optional_and_unknown_targets():
    frame = pd.DataFrame(
        {"family": ["NA", "NA"], "sku": ["", "Z9"], "cycle": ["", ""], "step": ["", ""]}
    )
    known = {"items.sku": {"00123"}, "items.family": {"NA"}}
    errors = check_references(frame, "forecast_history", known, "fh.csv")
    assert [(e.line, e.column, e.value) for e in errors] == [(3, "sku", "Z9")]
    assert check_references(frame, "forecast_history", {}, "fh.csv") == []


# ------------------------------------------------------------------------------ kind from name


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("actuals.csv", "actuals"),
        ("Actuals.xlsx", "actuals"),
        ("Demand Inputs.csv", "demand_inputs"),
        ("forecast-history.csv", "forecast_history"),
        ("actuals_2026-01.csv", "actuals"),
        ("actualsx.csv", None),
        ("actuals.pdf", None),
        ("notes.csv", None),
    ],
)
def test_kind_from_filename(name: str, kind: str | None):
    assert kind_from_filename(Path("/some/dir") / name) == kind


def test_unknown_kind_raises():
    with pytest.raises(KeyError, match="unknown kind"):
        read_table(GOOD / "actuals.csv", "sales")


# ------------------------------------------------------------------------------- performance


@pytest.mark.slow
def test_300k_rows_by_6_columns_read_whole(tmp_path: Path):
    # The time is measured in benchmarks/bench_import.py, not asserted here.
    n = 300_000
    rng = np.random.default_rng(7)
    months = pd.period_range("2024-01", periods=24, freq="M").astype(str).to_numpy()
    frame = pd.DataFrame(
        {
            "cycle": months[np.arange(n) % 24],
            "step": np.array(["statistical", "sales", "consensus"])[np.arange(n) % 3],
            "family": np.char.add("F", (np.arange(n) % 40).astype(str)),
            "month": months[(np.arange(n) // 24) % 24],
            "units": np.round(rng.gamma(2.0, 300.0, n), 1),
            "sku": np.char.zfill((np.arange(n)).astype(str), 6),
        }
    )
    path = tmp_path / "forecast_history.csv"
    frame.to_csv(path, index=False)
    result = read_table(path, "forecast_history")
    assert result.ok, [str(e) for e in result.errors[:5]]
    assert result.rows == n
    assert result.frame["sku"].iat[5] == "000005"


# ------------------------------------------------------------------------- more real-export cases


def test_na_like_codes_are_codes_and_empty_numbers_are_required(tmp_path: Path):
    path = write(
        tmp_path,
        "actuals.csv",
        "sku,month,units\nNA,2026-01,1\nN/A,2026-01,2\nnull,2026-01,3\nNone,2026-01,\n",
    )
    result = read_table(path, "actuals")
    assert result.frame["sku"].tolist() == ["NA", "N/A", "null", "None"]
    assert rules(result) == [(5, "units", "", "required")]


def test_duplicates_are_found_on_parsed_keys_and_list_every_other_line(tmp_path: Path):
    path = write(
        tmp_path,
        "demand_inputs.csv",
        "source,family,month,units,owner,assumption\n"
        "sales,NA,2026-01,1,A,x\n"
        "Sales,NA,2026-01-01,2,B,y\n"  # same key once normalised
        "sales,EU,2026-01,3,C,z\n"
        " SALES ,NA,2026-01,4,D,w\n",
    )
    key = "duplicate key (source='sales', family='NA', month='2026-01')"
    assert rules(read_table(path, "demand_inputs")) == [
        (2, None, None, f"{key}: also on lines 3, 5"),
        (3, None, None, f"{key}: also on lines 2, 5"),
        (5, None, None, f"{key}: also on lines 2, 3"),
    ]


def test_rows_with_a_bad_key_cell_are_not_reported_as_duplicates(tmp_path: Path):
    path = write(tmp_path, "actuals.csv", "sku,month,units\nA,Jan-26,1\nA,Jan-26,2\n")
    assert [e.column for e in read_table(path, "actuals").errors] == ["month", "month"]


def test_workbook_named_csv_is_read_as_a_workbook(tmp_path: Path):
    xlsx = write_xlsx(tmp_path, "x.xlsx", [["sku", "month", "units"], ["A", "2026-01", 1]])
    path = write(tmp_path, "actuals.csv", xlsx.read_bytes())
    result = read_table(path, "actuals")
    assert result.ok
    assert any("Excel workbook" in n for n in result.notes)
