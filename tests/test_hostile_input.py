"""Issue 16: hostile and oversized files are refused as the file's problem (exit 2, the file
and the limit named), never a traceback; every workbook here is built by the test itself."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sop_tui.cli.app import build
from sop_tui.data.reader import read_table
from sop_tui.events.log import EventLog
from sop_tui.settings import Limits

cli = build()

_ENTITIES = """<!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">"""
_SHEET = """<?xml version="1.0"?>
<!DOCTYPE worksheet [{entities}]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>month</t></is></c></row>
<row r="2"><c r="A2" t="inlineStr"><is><t>&{name};</t></is></c></row>
</sheetData></worksheet>"""
#: A billion laughs: nine levels of ten, a gigabyte of "lol" from a few hundred bytes.
BOMB = _SHEET.format(entities=_ENTITIES, name="lol9")
#: An external entity: a cell that would hold the machine's /etc/passwd.
EXTERNAL = _SHEET.format(entities='<!ENTITY xxe SYSTEM "file:///etc/passwd">', name="xxe")


def _workbook(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


TARGETS = [["month", "revenue_target"], ["2027-01", 100], ["2027-02", 120]]


def _replace_part(data: bytes, name: str, text: str | bytes) -> bytes:
    """The workbook with part ``name`` replaced (or added)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != name:
                dst.writestr(info, src.read(info.filename))
        dst.writestr(name, text)
    return out.getvalue()


def _with_sheet(xml: str) -> bytes:
    return _replace_part(_workbook(TARGETS), "xl/worksheets/sheet1.xml", xml)


def _import(tmp_path: Path, name: str, data: bytes, *env: tuple[str, str]) -> tuple[int, str]:
    path = tmp_path / name
    path.write_bytes(data)
    store = tmp_path / "store"
    r = CliRunner().invoke(cli, ["--store", str(store), "import", str(path), "--kind",
                                 "targets"], env=dict(env))
    return r.exit_code, r.output


def _nothing_stored(tmp_path: Path) -> bool:
    db = tmp_path / "store" / "sop.db"
    return not db.exists() or EventLog(f"sqlite:///{db}", read_only=True).head().count == 0


@pytest.mark.parametrize("xml", [BOMB, EXTERNAL], ids=["entity-bomb", "external-entity"])
def test_entity_bomb_and_external_entity_are_refused_by_name(tmp_path: Path, xml: str) -> None:
    code, out = _import(tmp_path, "targets.xlsx", _with_sheet(xml))
    assert code == 2, out
    assert "targets.xlsx" in out and "entities" in out and "Traceback" not in out
    assert "root:" not in out  # /etc/passwd was not read into anything
    assert _nothing_stored(tmp_path)


def test_malformed_xml_is_named(tmp_path: Path) -> None:
    data = _replace_part(_workbook(TARGETS), "xl/worksheets/sheet1.xml", "<worksheet><oops>")
    code, out = _import(tmp_path, "targets.xlsx", data)
    assert code == 2 and "targets.xlsx" in out and "malformed" in out


def test_zip_bomb_is_refused_by_its_declared_size(tmp_path: Path) -> None:
    # 30 MB of one byte packs to ~30 KB; with the limit at 10 MB it is refused unparsed
    bomb = _replace_part(_workbook(TARGETS), "xl/worksheets/sheet2.xml", b" " * 30_000_000)
    assert len(bomb) < 100_000
    code, out = _import(tmp_path, "targets.xlsx", bomb, ("SOP_MAX_XLSX_MB", "10"))
    assert code == 2, out
    assert "unpacks to 30 MB" in out and "limit of 10 MB" in out and "SOP_MAX_XLSX_MB" in out
    assert _nothing_stored(tmp_path)


def test_a_huge_string_is_refused_by_the_size_limit_before_it_is_read(tmp_path: Path) -> None:
    data = _with_sheet(_SHEET.format(entities="", name="amp").replace("&amp;", "x" * 3_000_000))
    res = read_table(_write(tmp_path, "targets.xlsx", data), "targets",
                     limits=Limits(xlsx_mb=2))
    assert not res.ok and "unpacks to 3 MB, over the limit of 2 MB" in res.errors[0].rule


def test_an_overlong_cell_is_refused_naming_the_limit(tmp_path: Path) -> None:
    data = _workbook([["month", "revenue_target"], ["2027-01", 1], ["y" * 10_001, 2]])
    code, out = _import(tmp_path, "targets.xlsx", data)
    assert code == 2 and "targets.xlsx, line 3" in out
    assert "10,001 characters" in out and "limit of 10,000" in out and "SOP_MAX_CELL_CHARS" in out
    code, out = _import(tmp_path, "targets.xlsx", data, ("SOP_MAX_CELL_CHARS", "20000"))
    assert code == 2 and "characters" not in out  # raised: now only the bad month is named


def test_an_overlong_csv_cell_is_refused_too(tmp_path: Path) -> None:
    path = _write(tmp_path, "targets.csv",
                  ("month,revenue_target\n2027-01," + "9" * 50 + "\n").encode())
    res = read_table(path, "targets", limits=Limits(cell_chars=20))
    assert not res.ok and res.errors[0].line == 2 and "50 characters" in res.errors[0].rule


def test_a_row_reaching_column_xfd_is_refused(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["month", "revenue_target"])
    ws["XFD2"] = 1
    buf = io.BytesIO()
    wb.save(buf)
    res = read_table(_write(tmp_path, "targets.xlsx", buf.getvalue()), "targets")
    assert not res.ok and res.errors[0].line == 2 and "column 16,384" in res.errors[0].rule


def test_a_bad_limit_setting_is_named(tmp_path: Path) -> None:
    code, out = _import(tmp_path, "targets.xlsx", _workbook(TARGETS), ("SOP_MAX_XLSX_MB", "lots"))
    assert code == 2 and "SOP_MAX_XLSX_MB='lots' is not a positive whole number" in out


def test_a_good_workbook_still_imports(tmp_path: Path) -> None:
    code, out = _import(tmp_path, "targets.xlsx", _workbook(TARGETS))
    assert code == 0 and "2 targets rows imported" in out


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le"])
def test_utf16_and_utf32_without_bom_are_read_and_named(tmp_path: Path, codec: str) -> None:
    text = "month,revenue_target\n2027-01,100\n2027-02,120\n"
    res = read_table(_write(tmp_path, "targets.csv", text.encode(codec)), "targets")
    assert res.ok, res.errors
    assert res.frame["revenue_target"].tolist() == [100.0, 120.0]
    name = codec.upper().replace("-LE", " LE").replace("-BE", " BE")
    assert any(name in n and "no byte-order mark" in n for n in res.notes), res.notes


def test_a_binary_file_is_named_not_text(tmp_path: Path) -> None:
    res = read_table(_write(tmp_path, "targets.csv", b"month\x00\x01\x02\xff\x00\x00\x07rev"),
                     "targets")
    assert not res.ok and "NUL byte at offset 5" in res.errors[0].rule


def test_many_bad_rows_print_a_capped_list_and_write_the_rest_to_a_file(tmp_path: Path) -> None:
    lines = ["month,revenue_target"] + [f"2027-13,{i}" for i in range(1500)]
    path = _write(tmp_path, "targets.csv", "\n".join(lines).encode())
    r = CliRunner().invoke(cli, ["--store", str(tmp_path / "store"), "import", str(path)])
    assert r.exit_code == 2
    printed = [x for x in r.output.splitlines() if x.startswith("error: ")]
    assert len(printed) == 1000
    tail = r.output.splitlines()[-2:]
    assert tail[0].startswith("…and 500 more; all 1,500 are in ")
    full = Path(tail[0].rsplit(" are in ", 1)[1])
    assert len(full.read_text(encoding="utf-8").splitlines()) == 1500
    assert tail[1] == "1,500 problem(s); nothing was imported"
    full.unlink()
