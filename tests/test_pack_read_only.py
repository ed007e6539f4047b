"""Issue 16: ``sop pack --out ELSEWHERE`` on a store on read-only media renders, records nothing,
and writes nothing into the store."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_tui.cli.app import build
from sop_tui.cycle.workspace import Workspace


def _files(folder: Path) -> list[tuple[str, int]]:
    return sorted((str(p.relative_to(folder)), p.stat().st_size)
                  for p in folder.rglob("*") if p.is_file())


@pytest.mark.slow
def test_pack_out_elsewhere_on_a_read_only_store_renders_and_records_nothing(
        demo_ws: Workspace, tmp_path: Path) -> None:
    db = Path(str(demo_ws.log.path))
    count = demo_ws.log.head().count
    demo_ws.log.close()
    before = _files(db.parent)
    url = f"sqlite:///{db}?immutable=1"
    out = tmp_path / "elsewhere" / "pack.pdf"
    r = CliRunner().invoke(build(), ["--db", url, "pack", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "not recorded: the log is read-only" in r.output
    assert out.read_bytes().startswith(b"%PDF")
    assert _files(db.parent) == before

    r = CliRunner().invoke(build(), ["--db", url, "pack"])
    assert r.exit_code == 2 and "error: --out: the log is read-only" in r.output
    r = CliRunner().invoke(build(), ["--db", url, "verify"])
    assert r.exit_code == 0 and f"ok: {count} events" in r.output
