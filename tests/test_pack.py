"""The decision pack rendered from a realistic demo cycle: contents, safety, stamp, tamper check.

The pack is rendered once per module (through ``sop pack``), then read back with pypdf: its
text page by page, its metadata and its attachments. Rendering takes several seconds, so the
module is marked slow.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import FixedClock
from pack_fixtures import NASTY_IMG, NASTY_LINK, NASTY_SCRIPT, record_demo_cycle
from pypdf import PdfReader

from sop_tui.cli.app import build
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.log import EventLog, NewEvent
from sop_tui.formats import money as fmt_money
from sop_tui.pack.tamper import check_pack_against_log, read_stamp

pytestmark = pytest.mark.slow

SECTIONS = (
    "Decisions for today",
    "1 Decisions, overrides and actions",
    "2 The plan, the gap and capacity",
    "3 Scenarios and the recommendation",
    "4 Forecast quality: the four metrics and forecast value added",
    "5 Assumptions register",
    "6 What changed since the last pack",
    "Appendix A: the plan by family",
    "Appendix B: the plan by month",
)


def _flat(text: str) -> str:
    """Text with every run of whitespace as one space (PDF text breaks lines anywhere)."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def store(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private store with the demo cycle's meetings recorded."""
    root = tmp_path_factory.mktemp("pack-store")
    shutil.copyfile(demo_db, root / "sop.db")
    log = EventLog(f"sqlite:///{root / 'sop.db'}",
                   clock=FixedClock(datetime(2026, 12, 2, 9, 0, tzinfo=UTC)))
    record_demo_cycle(Workspace(log, actor="tester", clock=log.clock))
    log.close()
    return root


@pytest.fixture(scope="module")
def rendered(store: Path) -> dict[str, Any]:
    """``sop pack --json`` on the store: its JSON result, plus the PDF read back."""
    out = store / "pack.pdf"
    r = CliRunner().invoke(build(), ["--store", str(store), "--actor", "tester", "pack",
                                     "--out", str(out), "--json"])
    assert r.exit_code == 0, r.output
    result = json.loads(r.stdout.strip().splitlines()[-1])
    reader = PdfReader(str(out))
    pages = [_flat(p.extract_text()) for p in reader.pages]
    return {"result": result, "path": out, "reader": reader, "pages": pages,
            "text": " ".join(pages)}


@pytest.fixture
def log(store: Path) -> Iterator[EventLog]:
    lg = EventLog(f"sqlite:///{store / 'sop.db'}")
    yield lg
    lg.close()


def test_the_pack_is_recorded_with_the_files_sha256_and_page_count(
        rendered: dict[str, Any], log: EventLog) -> None:
    result = rendered["result"]
    pdf = rendered["path"].read_bytes()
    assert result["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert result["pages"] == len(rendered["reader"].pages)
    ev = log.get(result["event"])
    assert ev is not None and ev.type == "PackRendered"
    assert ev.payload["sha256"] == result["sha256"]
    assert ev.payload["pages"] == result["pages"]
    assert ev.payload["event_count"] == result["event_count"] == result["event"] - 1
    assert ev.payload["head_hash"] == result["head_hash"]


def test_sections_come_in_the_order_an_executive_reads(rendered: dict[str, Any]) -> None:
    body = rendered["text"]
    positions = [body.index(s) for s in SECTIONS]
    assert positions == sorted(positions)


def test_the_pack_is_at_most_twelve_pages_with_the_detail_in_appendices(
        rendered: dict[str, Any]) -> None:
    pages = rendered["pages"]
    assert len(pages) <= 12
    appendix = next(i for i, p in enumerate(pages, start=1) if "Appendix A: the plan by" in p)
    assert len(pages) > appendix  # the appendices carry the rest


def test_every_page_carries_the_stamp_and_n_of_m(rendered: dict[str, Any],
                                                  log: EventLog) -> None:
    result = rendered["result"]
    count, head = result["event_count"], result["head_hash"]
    # the stamp is the log's event #count as it was when the pack was built
    assert log.get(count).hash == head  # type: ignore[union-attr]
    pages = rendered["pages"]
    for n, page in enumerate(pages, start=1):
        assert f"Cycle 2026-12 · {count} events · log head {head[:16]}" in page, n
        assert f"Page {n} of {len(pages)}" in page


def test_the_metadata_carries_the_full_stamp(rendered: dict[str, Any]) -> None:
    stamp = read_stamp(rendered["path"])
    assert stamp.cycle == "2026-12"
    assert stamp.event_count == rendered["result"]["event_count"]
    assert stamp.head_hash == rendered["result"]["head_hash"]


def test_typed_markup_shows_as_typed_and_fetches_nothing(rendered: dict[str, Any]) -> None:
    text = rendered["text"]
    for nasty in (NASTY_IMG, NASTY_LINK, NASTY_SCRIPT):
        assert _flat(nasty) in text
    assert "49" not in _flat(NASTY_SCRIPT)  # "{{ 7*7 }}" was not evaluated either
    assert "{{ 7*7 }}" in text


def test_no_file_is_attached(rendered: dict[str, Any]) -> None:
    reader = rendered["reader"]
    assert dict(reader.attachments) == {}
    names = reader.trailer["/Root"].get("/Names")
    assert names is None or "/EmbeddedFiles" not in names.get_object()
    assert b"root:" not in rendered["path"].read_bytes()  # /etc/passwd is not in there


def test_summary_shows_the_plan_the_override_and_the_asks(rendered: dict[str, Any],
                                                          log: EventLog) -> None:
    summary = rendered["pages"][0]
    assert "Consensus overridden by CFO: plan overtime-assy with named actions." in summary
    scen = [e for e in log.events(types=["ScenarioCreated"])
            if e.payload["name"] == "overtime-assy"][0]
    assert fmt_money(scen.payload["results"]["revenue"]) in summary
    assert "The override's named actions close $6.5M" in summary
    assert "Approve $180k of overtime for ASSY-B and MACH-2" in summary
    assert "Decisions for today" in summary


def test_the_missing_previous_pack_is_said(rendered: dict[str, Any]) -> None:
    assert ("Cycle 2026-11 was not run in this log, so there is no earlier pack or decision "
            "to compare with") in rendered["text"]


def test_actions_carry_owners_and_due_dates(rendered: dict[str, Any]) -> None:
    text = rendered["text"]
    assert "Distributor restocking programme for SEA-04 Dana Ruiz 2027-02-28 $3.5M" in text
    assert "Book weekend crews for ASSY-B Plant manager 2027-04-30 −$180k" in text


def test_verify_against_passes_while_the_log_extends_the_pack(rendered: dict[str, Any],
                                                               store: Path) -> None:
    assert check_pack_against_log(rendered["path"], EventLog(f"sqlite:///{store / 'sop.db'}")) \
        is None
    r = CliRunner().invoke(build(), ["--store", str(store), "verify", "--against",
                                     str(rendered["path"])])
    assert r.exit_code == 0, r.output
    assert "the log extends what pack.pdf saw" in r.output


def _rewrite(src: EventLog, dst_url: str, change_seq: int) -> EventLog:
    """Replay ``src`` into a new log with one payload changed: a consistent, recomputed chain."""
    dst = EventLog(dst_url)
    for e in src.events():
        payload = dict(e.payload)
        if e.seq == change_seq:
            payload["text"] = "a quieter assumption"
        content = src.dataset_content(e.seq) if e.type == "DatasetImported" else None
        dst.append_all([NewEvent(e.type, payload, e.cycle, e.meeting, e.actor, content)])
    return dst


def test_verify_against_fails_on_a_rewritten_history(rendered: dict[str, Any], log: EventLog,
                                                      tmp_path: Path) -> None:
    nasty = [e for e in log.events(types=["AssumptionRecorded"])
             if e.payload["text"] == NASTY_IMG][0]
    forged = _rewrite(log, f"sqlite:///{tmp_path / 'sop.db'}", nasty.seq)
    # the chain holds on its own, but the recorded pack event kept the old head: the log
    # alone catches the rewrite (issue 16) ...
    report = forged.verify()
    assert not report.ok and "pack" in (report.reason or "")
    problem = check_pack_against_log(rendered["path"], forged)
    assert problem is not None and "rewritten" in problem  # ... and so does the PDF
    r = CliRunner().invoke(build(), ["--store", str(tmp_path), "verify", "--against",
                                     str(rendered["path"])])
    assert r.exit_code == 1
    assert "rewritten" in r.output


def test_verify_against_fails_on_a_truncated_log(rendered: dict[str, Any], demo_db: Path) -> None:
    problem = check_pack_against_log(rendered["path"], EventLog(f"sqlite:///{demo_db}",
                                                                read_only=True))
    assert problem is not None and "missing" in problem


def test_render_in_a_child_process_reports_progress(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The parent's side of the protocol, against a stand-in child (a real render is the
    module fixture's job and the benchmark's; the real child's failure path is tested below)."""

    from sop_tui.pack import child
    from sop_tui.settings import Settings

    out = tmp_path / "child.pdf"
    script = (
        "import json, sys\n"
        "print('progress: reading cycle 2026-12', flush=True)\n"
        "print('noise the parent ignores')\n"
        "print('progress: laying out the pages', flush=True)\n"
        f"open({str(out)!r}, 'wb').write(b'%PDF-1.7')\n"
        f"print('done: ' + json.dumps({{'path': {str(out)!r}}}))\n"
    )
    monkeypatch.setattr(child, "pack_command", lambda *a: [sys.executable, "-c", script])
    seen: list[str] = []
    path = child.render_pack_subprocess(Settings.from_env(store=tmp_path), "2026-12", out,
                                         seen.append)
    assert path == out and out.read_bytes() == b"%PDF-1.7"
    assert seen == ["reading cycle 2026-12", "laying out the pages"]


def test_the_child_command_carries_the_settings(tmp_path: Path) -> None:
    from sop_tui.pack.child import pack_command
    from sop_tui.settings import Settings

    cmd = pack_command(Settings.from_env(store=tmp_path, actor="ana", db="sqlite:///x.db"),
                       "2026-12", tmp_path / "p.pdf")
    assert cmd[1:3] == ["-m", "sop_tui.pack"]
    joined = " ".join(cmd)
    for part in (f"--store {tmp_path}", "--actor ana", "--db sqlite:///x.db",
                 "--cycle 2026-12", f"--out {tmp_path / 'p.pdf'}"):
        assert part in joined


def test_a_failing_child_raises_with_its_error(tmp_path: Path) -> None:
    from sop_tui.pack.child import PackError, render_pack_subprocess
    from sop_tui.settings import Settings

    with pytest.raises(PackError, match="no cycle is open"):
        render_pack_subprocess(Settings.from_env(store=tmp_path), None, tmp_path / "x.pdf")


def test_a_cycle_with_no_meetings_yet_says_so(demo_ws: Workspace) -> None:
    """The app may render at any time: before any meeting the pack still builds, and says
    there is nothing to approve and which families have no consensus yet."""
    from sop_tui.cycle.planning import CyclePlanning
    from sop_tui.pack.context import build_context
    from sop_tui.pack.render import render_html
    from sop_tui.settings import RESOURCES

    ctx = build_context(CyclePlanning(demo_ws))
    assert ctx.summary["status"] == "pending"
    assert (ctx.decisions["decisions"], ctx.decisions["actions"],
            ctx.decisions["overrides"]) == ([], [], [])
    html = _flat(render_html(ctx, RESOURCES / "templates"))
    assert ("No plan to approve yet: the pre-S&amp;OP has recorded no recommendation."
            in html)
    assert "Not agreed in the demand review: 40 of 40 families" in html
    assert "No assumptions recorded in this cycle." in html


# -- the parts a pack keeps in the store's cache -------------------------------------------------


def test_a_pack_built_again_reads_its_plan_and_metrics_back(
        demo_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The evaluated plan and the metrics are kept in ``CACHE/pack``; building the context
    again computes neither, and shows the same."""
    from sop_tui.cycle.planning import CyclePlanning
    from sop_tui.pack import context

    first = context.build_context(CyclePlanning(demo_ws, cache_dir=tmp_path))
    kept = sorted(p.parent.name for p in (tmp_path / "pack").glob("*/*.pkl"))
    assert kept == ["metrics", "plan", "scenarios"]

    def computed(*_args: object) -> None:
        raise AssertionError("computed again")

    monkeypatch.setattr(context, "_plan_part", computed)
    monkeypatch.setattr(context, "scenario_part", computed)
    monkeypatch.setattr(context, "_metric_part", computed)
    again = context.build_context(CyclePlanning(demo_ws, cache_dir=tmp_path))
    assert again.plan == first.plan and again.metrics == first.metrics
    assert again.fva == first.fva and again.appendix == first.appendix
    assert again.summary == first.summary and again.charts == first.charts


def test_a_new_consensus_is_a_miss(demo_ws: Workspace, tmp_path: Path) -> None:
    from sop_tui.cycle.planning import CyclePlanning
    from sop_tui.pack.context import PLAN_VIEWS
    from sop_tui.pack.parts import PartCache

    planning = CyclePlanning(demo_ws, cache_dir=tmp_path)
    before = PartCache(planning).key("plan", None, PLAN_VIEWS)
    assert PartCache(CyclePlanning(demo_ws, cache_dir=tmp_path)).key("plan", None,
                                                                      PLAN_VIEWS) == before
    family = planning.families[0]
    demo_ws.start_meeting("demand", reason="straight to the demand review")
    demo_ws.select_consensus(family=family, source="manual", units={"2026-12": 100.0},
                             assumption="a test", rationale="a test")
    after = PartCache(CyclePlanning(demo_ws, cache_dir=tmp_path)).key("plan", None, PLAN_VIEWS)
    assert before != after
