"""`sop import` end to end: bad files refused whole (exit 2, line and column named, nothing
written), awkward good ones kept as written, re-imports recognised, folders as one batch."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_tui.cli.app import build
from sop_tui.data.store import load
from sop_tui.events.log import EventLog

cli = build()

ITEMS = "sku,description,family,unit_price,unit_cost,lifecycle\n" \
        "00123,Bracket,NA,12.50,7.25,active\n00124,Seal,EU,3,1.5,new\n"


def run(store: Path, *args: str) -> tuple[int, str]:
    r = CliRunner().invoke(cli, ["--store", str(store), *args])
    return r.exit_code, r.output


def count(store: Path) -> int:
    return EventLog(f"sqlite:///{store / 'sop.db'}").head().count


@pytest.fixture
def store(tmp_path: Path) -> Path:
    s = tmp_path / "store"
    code, out = run(s, "import", str(_write(tmp_path, "items.csv", ITEMS)))
    assert code == 0, out
    return s


def _write(d: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    p = d / name
    p.write_text(text, encoding=encoding)
    return p


BAD = {
    "month not YYYY-MM": ("sku,month,units\n00123,2026-13,5\n", "line 2", "month"),
    "Excel date serial": ("sku,month,units\n00123,45627,5\n", "line 2", "Excel"),
    "text in a number": ("sku,month,units\n00123,2026-01,12 units\n", "line 2", "units"),
    "negative units": ("sku,month,units\n00123,2026-01,-5\n", "line 2", "negative"),
    "duplicate key": ("sku,month,units\n00123,2026-01,5\n00123,2026-01,6\n", "line 3",
                      "line 2"),
    "unknown sku": ("sku,month,units\n99999,2026-01,5\n", "line 2", "unknown sku"),
    "misspelled column": ("sku,month,unit\n00123,2026-01,5\n", "unit", "missing"),
    "empty file": ("", "actuals.csv", "empty"),
    "ambiguous separators": ("sku,month,units\n00123,2026-01,\"1,234\"\n", "line 2",
                             "1,234"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_file_is_refused_whole(store: Path, tmp_path: Path, case: str) -> None:
    text, *expected = BAD[case]
    before = count(store)
    code, out = run(store, "import", str(_write(tmp_path, "actuals.csv", text)))
    assert code == 2, out
    assert "actuals.csv" in out
    for fragment in expected:
        assert fragment.lower() in out.lower(), out
    assert "nothing was imported" in out
    assert count(store) == before


def test_every_bad_cell_is_reported_in_one_pass(store: Path, tmp_path: Path) -> None:
    text = "sku,month,units\n00123,2026-13,5\n00124,2026-01,-1\n77777,2026-02,abc\n"
    code, out = run(store, "import", str(_write(tmp_path, "actuals.csv", text)))
    assert code == 2
    for line in ("line 2", "line 3", "line 4"):
        assert line in out
    assert "unknown sku" in out and "'abc'" in out


def test_awkward_but_good_values_are_kept(tmp_path: Path) -> None:
    store = tmp_path / "store"
    bom_items = "\ufeff" + ITEMS
    code, out = run(store, "import", str(_write(tmp_path, "items.csv", bom_items)))
    assert code == 0, out
    items = load(EventLog(f"sqlite:///{store / 'sop.db'}")).frames["items"]
    assert list(items["sku"]) == ["00123", "00124"]
    assert list(items["family"]) == ["NA", "EU"]  # NA is North America, not missing


def test_decimal_commas_in_a_semicolon_file(store: Path, tmp_path: Path) -> None:
    text = "sku;month;units\n00123;2026-01;12,5\n00124;2026-01;1.234,5\n"
    code, out = run(store, "import", str(_write(tmp_path, "actuals.csv", text)))
    assert code == 0, out
    acts = load(EventLog(f"sqlite:///{store / 'sop.db'}")).frames["actuals"]
    assert sorted(acts["units"]) == [12.5, 1234.5]


def test_same_file_twice_is_not_doubled(store: Path, tmp_path: Path) -> None:
    p = _write(tmp_path, "actuals.csv", "sku,month,units\n00123,2026-01,5\n")
    assert run(store, "import", str(p))[0] == 0
    before = count(store)
    code, out = run(store, "import", str(p))
    assert code == 0 and "already imported" in out
    assert count(store) == before


def test_folder_is_one_batch(tmp_path: Path) -> None:
    store = tmp_path / "store"
    d = tmp_path / "data"
    d.mkdir()
    _write(d, "items.csv", ITEMS)
    _write(d, "actuals.csv", "sku,month,units\n00123,2026-01,5\n00999,2026-01,1\n")
    code, out = run(store, "import", str(d))
    assert code == 2 and "unknown sku" in out
    assert not (store / "sop.db").exists() or count(store) == 0
    _write(d, "actuals.csv", "sku,month,units\n00123,2026-01,5\n")
    code, out = run(store, "import", str(d))
    assert code == 0, out
    assert count(store) == 2


def test_xlsx_import(store: Path, tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["sku", "month", "units"])
    ws.append(["00123", "2026-01", 5])
    ws.append(["00124", "2026-02", 7.5])
    path = tmp_path / "actuals.xlsx"
    wb.save(path)
    code, out = run(store, "import", str(path))
    assert code == 0, out
    acts = load(EventLog(f"sqlite:///{store / 'sop.db'}")).frames["actuals"]
    assert list(acts["units"]) == [5.0, 7.5] and list(acts["sku"]) == ["00123", "00124"]


def test_unknown_kind_file_name(store: Path, tmp_path: Path) -> None:
    code, out = run(store, "import", str(_write(tmp_path, "stuff.csv", "a\n1\n")))
    assert code == 2 and "--kind" in out


def test_import_is_recorded_with_its_hash(store: Path) -> None:
    log = EventLog(f"sqlite:///{store / 'sop.db'}")
    (ev,) = log.events(types=["DatasetImported"])
    assert ev.payload["kind"] == "items" and ev.payload["rows"] == 2
    assert len(ev.payload["sha256"]) == 64
    assert log.verify().ok


def test_views_that_fail_after_an_import_do_not_fail_the_import(
        store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The import lands whatever happens to the dashboard's views computed after it."""
    import sop_tui.cycle.warm as warm

    def broken(*args: object, **kwargs: object) -> list[str]:
        raise RuntimeError("disk full")

    monkeypatch.setattr(warm, "warm_here", broken)
    p = _write(tmp_path, "actuals.csv", "sku,month,units\n00123,2026-01,5\n")
    before = count(store)
    code, out = run(store, "import", str(p))
    assert code == 0 and "1 actuals rows imported" in out
    assert "views were not computed now: disk full" in out
    assert count(store) == before + 1
