"""``sop export``: typed workbooks and UTF-8 CSV that carry no formula, whatever was typed."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from sop_tui.cli.app import build
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.log import EventLog
from sop_tui.exports.tables import PARTS, Table
from sop_tui.exports.write import FORMULA_STARTS, neutralise, write_csv, write_xlsx

#: What a participant might type that a spreadsheet would run.
HOSTILE = ['=HYPERLINK("http://evil.example","click")', "+1+2", "-3+cmd|' /C calc'!A0",
           "@SUM(1,2)", "\tTAB first", "\rCR first"]


def run(store: Path, *args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(build(), ["--store", str(store), *args], catch_exceptions=False)
    return res.exit_code, res.stdout, res.stderr


@pytest.fixture
def store(tmp_path: Path) -> Path:
    s = tmp_path / "store"
    assert run(s, "cycle", "open", "2026-12")[0] == 0
    for i, text in enumerate(HOSTILE):
        code, _, err = run(s, "record", "decision", "--question", text, "--option", "a",
                           "--option", "b", "--chosen", "a", "--rationale", f"because {i}",
                           "--decided-by", "GM", "--owner", "Cy", "--due", "2027-01-15")
        assert code == 0, err
        code, _, err = run(s, "record", "assumption", "--text", text, "--owner", "Ana",
                           "--units", "1200", "--dollars", "-250000.5", "--months",
                           "2027-01..2027-03")
        assert code == 0, err
    # recorded in November (a due date in the past is refused): overdue by now
    log = EventLog(f"sqlite:///{s / 'sop.db'}")
    november = Workspace(log, actor="Bo", clock=lambda: datetime(2026, 11, 20, tzinfo=UTC))
    november.record_action(text="=1+1", owner="Bo", due="2026-11-30")
    log.close()
    return s


def test_neutralise_follows_the_owasp_rule() -> None:
    for start in FORMULA_STARTS:
        assert neutralise(f"{start}x") == f"'{start}x"
    assert neutralise("plain text") == "plain text"
    assert neutralise("'=already quoted") == "'=already quoted"


def test_hostile_text_exports_as_text_in_xlsx_no_formula_cell(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "registers.xlsx"
    code, stdout, err = run(store, "export", "decisions", "--out", str(out))
    assert code == 0, err
    assert "decisions (6 rows)" in stdout
    book = openpyxl.load_workbook(out)
    sheet = book["Decisions"]
    cells = [c for row in sheet.iter_rows() for c in row]
    assert cells and not [c.coordinate for c in cells if c.data_type == "f"]
    questions = [c.value for c in sheet["F"][1:]]
    # the log strips a text's outer whitespace, so a leading tab or CR never reaches it
    assert questions == [neutralise(t.strip()) for t in HOSTILE]
    assert all(q.startswith("'") for q in questions[:4])
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold


def test_tab_and_cr_first_text_is_neutralised_by_the_writer(tmp_path: Path) -> None:
    frame = pd.DataFrame({"text": ["\tTAB", "\rCR", "ok"], "n": [1.0, 2.0, None]})
    table = Table("t", "T", frame, {"text": "text", "n": "units"})
    write_xlsx([table], tmp_path / "t.xlsx")
    write_csv(table, tmp_path / "t.csv")
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx")["T"]
    # (XML reads a CR back as a line feed)
    assert [c.value for c in sheet["A"][1:]] == ["'\tTAB", "'\nCR", "ok"]
    assert sheet["B4"].value is None  # a missing number is an empty cell, not NaN
    with (tmp_path / "t.csv").open(encoding="utf-8", newline="") as fh:
        assert [r["text"] for r in csv.DictReader(fh)] == ["'\tTAB", "'\rCR", "ok"]


def test_cells_are_typed_with_number_formats(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.xlsx"
    assert run(store, "export", "assumptions", "--out", str(out))[0] == 0
    sheet = openpyxl.load_workbook(out)["Assumptions"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, sheet[2], strict=True))
    assert row["event"].value == 3 and row["event"].data_type == "n"
    assert row["units"].value == 1200 and row["units"].number_format == "#,##0"
    assert row["dollars"].value == -250000.5 and "$" in row["dollars"].number_format
    assert isinstance(row["first_month"].value, datetime)
    assert row["first_month"].number_format == "yyyy-mm"
    assert isinstance(row["recorded_at"].value, datetime)


def test_csv_is_utf8_with_header_and_neutralised(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "actions.csv"
    code, _, err = run(store, "export", "actions", "--out", str(out))
    assert code == 0, err
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["text"] for r in rows] == ["'=1+1"]
    assert rows[0]["state"] == "overdue" and rows[0]["due"] == "2026-11-30"


def test_an_amended_or_retracted_record_says_so(store: Path, tmp_path: Path) -> None:
    assert run(store, "record", "retract", "--event", "3", "--reason", "typed twice")[0] == 0
    assert run(store, "record", "amend", "--event", "5", "--set", "owner=Dee",
               "--reason", "owner moved")[0] == 0
    out = tmp_path / "d.csv"
    assert run(store, "export", "assumptions", "--out", str(out))[0] == 0
    with out.open(encoding="utf-8") as fh:
        rows = {r["event"]: r for r in csv.DictReader(fh)}
    assert rows["3"]["status"].startswith("retracted by event")
    assert rows["5"]["status"].startswith("amended by event") and rows["5"]["owner"] == "Dee"


@pytest.mark.parametrize(
    ("args", "field"),
    [(("decisions", "--out", "x.txt"), "--out"),
     (("all", "--out", "x.csv"), "--out"),
     (("decisions", "--out", "x.csv", "--cycle", "2025-01"), "cycle")],
)
def test_bad_requests_are_refused_naming_the_field(store: Path, tmp_path: Path,
                                                   args: tuple[str, ...], field: str) -> None:
    args = tuple(str(tmp_path / a) if a.startswith("x.") else a for a in args)
    code, _, err = run(store, "export", *args)
    assert code == 2
    assert f"error: {field}:" in err
    assert not list(tmp_path.glob("x.*"))


def test_a_part_that_needs_data_is_refused_and_writes_nothing(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    code, _, err = run(store, "export", "plan", "--out", str(out))
    assert code == 2 and "has not been imported" in err
    assert not out.exists() and not list(tmp_path.glob(".*.part"))


@pytest.mark.slow
def test_every_part_of_the_demo_exports(demo_ws: Workspace, tmp_path: Path) -> None:
    store = Path(demo_ws.log.path).parent  # type: ignore[arg-type]
    demo_ws.log.close()
    out = tmp_path / "all.xlsx"
    code, stdout, err = run(store, "export", "all", "--out", str(out))
    assert code == 0, err
    book = openpyxl.load_workbook(out)
    assert len(book.sheetnames) == len(PARTS)
    plan = book[book.sheetnames[0]]
    header = [c.value for c in plan[1]]
    assert header[:5] == ["family", "month", "units", "unit_price", "revenue"]
    assert plan.max_row > 100
    first = {h: c.value for h, c in zip(header, plan[2], strict=True)}
    assert first["revenue"] == pytest.approx(first["units"] * first["unit_price"])
    for name in book.sheetnames:
        assert not [c for row in book[name].iter_rows() for c in row if c.data_type == "f"]
