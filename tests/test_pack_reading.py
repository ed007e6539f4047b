"""The decision pack read as its executive reads it (issue 15): page 1, the numbers, the layout.

Two packs are rendered through ``sop pack``: the pack of a full demo cycle (the five meetings of
``pack_fixtures.record_demo_cycle``, a 3,000-character rationale among them) and the pack right
after ``sop demo``. Each is read back with poppler (``pdftotext -bbox-layout``: words, lines and
their positions), and every fault the issue lists is asserted gone, on the text and on the
layout. Rendering takes seconds, so the module is marked slow.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import FixedClock
from pack_fixtures import LONG_RATIONALE, record_demo_cycle
from pack_pdf import MARGIN_X, Page, lines_spanned, read_pdf
from pypdf import PdfReader, PdfWriter

from sop_tui.analytics.fva import STATISTICAL
from sop_tui.analytics.metrics import TOTAL
from sop_tui.analytics.scenarios import Scenario
from sop_tui.cli.app import build
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.log import EventLog
from sop_tui.formats import metric, money, pct, points, units
from sop_tui.pack.context import build_context

pytestmark = pytest.mark.slow

SECTION_TITLES = (
    "1 Decisions, overrides and actions",
    "2 The plan, the gap and capacity",
    "3 Scenarios and the recommendation",
    "4 Forecast quality: the four metrics and forecast value added",
    "5 Assumptions register",
    "6 What changed since the last pack",
    "Appendix A: the plan by family",
    "Appendix B: the plan by month",
)


def _render(store: Path, out: Path) -> dict[str, Any]:
    r = CliRunner().invoke(build(), ["--store", str(store), "--actor", "tester", "pack",
                                     "--out", str(out), "--json"])
    assert r.exit_code == 0, r.output
    pages = read_pdf(out)
    return {"result": json.loads(r.stdout.strip().splitlines()[-1]), "path": out,
            "pages": pages, "texts": [p.text for p in pages],
            "flat": [" ".join(p.text.split()) for p in pages],
            "all": " ".join(" ".join(p.text.split()) for p in pages),
            "rows": [r for p in pages for r in p.rows]}


def _store(demo_db: Path, root: Path, *, meetings: bool, approve: bool = False) -> Path:
    shutil.copyfile(demo_db, root / "sop.db")
    if meetings:
        log = EventLog(f"sqlite:///{root / 'sop.db'}",
                       clock=FixedClock(datetime(2026, 12, 2, 9, 0, tzinfo=UTC)))
        record_demo_cycle(Workspace(log, actor="tester", clock=log.clock), approve=approve)
        log.close()
    return root


@pytest.fixture(scope="module")
def full(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The pack of a full demo cycle, and the planning it was built from."""
    store = _store(demo_db, tmp_path_factory.mktemp("full"), meetings=True)
    out = _render(store, store / "pack.pdf")
    ws = Workspace(EventLog(f"sqlite:///{store / 'sop.db'}", read_only=True), actor="tester")
    out["store"] = store
    out["planning"] = CyclePlanning(ws, "2026-12", cache_dir=store / "cache")
    return out


@pytest.fixture(scope="module")
def after_demo(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The pack right after ``sop demo``: no meeting held yet."""
    store = _store(demo_db, tmp_path_factory.mktemp("demo"), meetings=False)
    return _render(store, store / "pack.pdf")


@pytest.fixture(params=["full", "after_demo"])
def pack(request: pytest.FixtureRequest) -> dict[str, Any]:
    return dict(request.getfixturevalue(request.param))


# -- page 1 -------------------------------------------------------------------------------------


def test_page_one_is_the_executive_summary_on_one_page(full: dict[str, Any]) -> None:
    one, two = full["flat"][0], full["flat"][1]
    for part in ("Decisions for today", "Gap to the financial plan", "Gap in dollars",
                 "Gap in units", "Capacity gaps", "The four metrics",
                 "Overrides of the consensus in 2026", "What changed since the last pack"):
        assert part in one, part
    assert two.startswith("1 Decisions, overrides and actions")  # page 1 ended before it
    assert full["pages"][0].header_right == "Executive summary"


def test_page_one_lists_every_decision_with_its_options_recommendation_and_owner(
        full: dict[str, Any]) -> None:
    """The sixth decision (the price decision) no longer hides behind "and 1 more"."""
    one = full["flat"][0]
    assert "consensus · upside-10 · overtime-assy · price+3" in one  # the plan's options
    assert "overtime-assy Pre-S&OP" in one  # the recommendation and who made it
    assert "Approve $180k of overtime for ASSY-B and MACH-2" in one
    assert "approve · reject" in one and "approve by GM, Executive S&OP" in one
    assert "Decide whether to pass the fastener price rise to distributors" in one
    assert "pass it on in full · absorb it · split it" in one
    assert "pass it on in full by CFO, Executive S&OP" in one
    assert "Head of pricing 2027-01-15" in one  # its owner and due date
    assert "Do we launch the sealed BRG range in March?" in one
    assert "launch in March · delay to June" in one
    resource, month = full["planning"].capacity_gaps[0]  # the supply review's first gap
    assert f"How do we cover the {resource} gap in {month}?" in one
    assert "pre-build · overtime · accept the shortfall" in one
    assert "more decisions on" not in one


def test_page_one_states_the_gap_in_dollars_and_units_and_what_closes_it(
        full: dict[str, Any]) -> None:
    planning = full["planning"]
    spec = planning.state.scenarios["overtime-assy"].payload["scenario"]
    totals = planning.evaluate(Scenario.from_dict(spec)).totals
    gap, price = totals["gap_to_target"], totals["revenue"] / totals["units_supplied"]
    one = full["flat"][0]
    assert f"Gap in dollars {money(gap)}" in one
    assert f"{units(gap / price)}" in one
    assert "No scenario closes it; upside-10 comes closest" in one
    assert "The override's named actions close $6.5M" in one


def test_page_one_flags_the_bias_and_the_steps_that_destroy_value(full: dict[str, Any]) -> None:
    planning = full["planning"]
    one = full["flat"][0]
    bias = planning.metrics.bias
    assert bias > 0.05
    assert f"Over-forecast by +{pct(bias)}, beyond ±5%: the silent tax" in one
    f = planning.fva
    total = f[f["family"] == TOTAL].set_index("step")
    cons, stat = total.loc["consensus", "wmape"], total.loc[STATISTICAL, "wmape"]
    assert cons > stat
    fact = (f"The consensus ({pct(cons)} WMAPE) is {points((stat - cons) * 100)} worse than "
            f"the statistical forecast ({pct(stat)})")
    assert fact in one
    assert fact in full["all"].split("Forecast value added: each step")[1]


def test_page_one_shows_the_overrides_of_the_year_and_capacity_by_resource(
        full: dict[str, Any]) -> None:
    one = full["flat"][0]
    assert "Overrides of the consensus in 2026: 1 (2026-12 by CFO, plan overtime-assy)" in one
    ctx_cap = build_context(full["planning"]).capacity
    rows = full["pages"][0].rows
    assert ctx_cap["short"]
    for r in ctx_cap["short"]:
        row = f"{r['resource']} {units(r['hours_short'])} {units(r['units_short'])} "
        assert any(x.startswith(row) or f" {row}" in x for x in rows), row


def test_the_log_stamp_and_the_verification_line_are_in_the_colophon(
        full: dict[str, Any]) -> None:
    head = full["result"]["head_hash"]
    assert head not in full["all"].split("Rendered")[0]
    assert "sop verify" not in full["flat"][0]
    last = full["flat"][-1]
    assert head in last and "sop verify --against FILE.pdf" in last
    for n, page in enumerate(full["pages"], start=1):  # the running footer's short stamp
        footer = " ".join(ln.text for ln in page.lines if ln.y0 > page.height - 48)
        assert f"log head {head[:16]}" in footer and f"Page {n} of" in footer


# -- every number tells the truth the same way ---------------------------------------------------


def test_each_metric_card_is_its_trends_last_point(full: dict[str, Any]) -> None:
    """The E&O headline ($3.8M, after the consensus) and its only trend point ($4.1M, before
    it) disagreed; now the card is the series' point for the cycle."""
    planning = full["planning"]
    cards = {c["key"]: c for c in build_context(planning).metrics}
    for key, card in cards.items():
        assert card["value"] == card["series"][-1], key
        assert card["trend_cycles"][-1] == "2026-12"
    assert cards["eo_value"]["value"] == pytest.approx(planning.metrics.eo_value)
    assert cards["bias"]["value"] == pytest.approx(planning.metrics.bias)
    text = full["all"]
    assert "vs last cycle –" not in text and "vs last cycle – ·" not in text
    eo = metric(planning.metrics.eo_value, "money")
    assert f"EXCESS & OBSOLETE INVENTORY {eo}" in full["flat"][0].upper()
    assert "on hand beyond the next 12 months of each cycle's consensus" in text.replace(
        "’", "'")


def test_fva_judges_each_step_against_naive_and_statistical(full: dict[str, Any]) -> None:
    text = full["all"]
    section = text.split("Forecast value added: each step")[1]
    rows = dict(re.findall(r"\b(Sales|Marketing|Finance|Consensus|Executive|Statistical) "
                           r"\d+\.\d% [+−]\d+\.\d% .*? (adds value|destroys value)", section))
    assert rows["Finance"] == "destroys value"  # worse than statistical: no "added value"
    assert rows["Statistical"] == "adds value"
    assert "added value" not in text
    assert re.search(r"Finance: \d+\.\d% WMAPE, \d\.\d pp worse than the statistical forecast",
                     section)


def test_capacity_load_is_uncapped_with_a_legend(full: dict[str, Any]) -> None:
    planning = full["planning"]
    spec = planning.state.scenarios["overtime-assy"].payload["scenario"]
    cap = planning.evaluate(Scenario.from_dict(spec)).supply.capacity
    short = float(cap["gap_hours"].sum())  # the supply plan's own hours short
    text, rows = full["all"], full["rows"]
    assert short > 100
    assert any(r.startswith(f"Total {units(short)} ") for r in rows)
    assert any(re.match(r"ASSY-B 1\d\d% \d{4}-\d{2} ", r) for r in rows)  # over 100%, as is
    assert "100% of the hours available" in text and "over the hours available" in text


def test_scenarios_show_what_is_computed_or_say_why(full: dict[str, Any]) -> None:
    planning = full["planning"]
    text = full["all"]
    for name in ("upside-10", "overtime-assy", "price+3"):
        spec = planning.state.scenarios[name].payload["scenario"]
        totals = planning.evaluate(Scenario.from_dict(spec)).totals
        for key in ("service_level", "ending_inventory_value", "overtime_hours"):
            shown = {"service_level": pct, "ending_inventory_value": money,
                     "overtime_hours": units}[key](totals[key])
            assert shown in text
    rows = full["rows"]
    if "Ending inventory $0 $0 $0 $0" in rows:
        assert "Ending inventory is $0 in every scenario:" in text
    if "Overtime hours 0 0 0 0" in rows:
        assert "Overtime is 0 hours in every scenario:" in text
    if "Service level 100.0% 100.0% 100.0% 100.0%" in rows:
        assert "Service is 100% in every scenario:" in text
    assert {"Ending inventory", "Overtime hours", "Service level"} <= {
        r.rsplit(" ", 4)[0] for r in rows}


def test_scenarios_are_described_in_words(full: dict[str, Any]) -> None:
    text = full["all"]
    assert "Demand +10% for BRG-01 and SEA-04, Mar–Aug 2027" in text
    assert "Capacity +15% at ASSY-B and MACH-2, May–Aug 2027" in text
    assert "Price +3% on FST-01 and FST-02" in text
    assert "BRG-01:+10%" not in text and "[demand" not in text


def test_the_busiest_resource_is_named(full: dict[str, Any]) -> None:
    rows = [r for r in full["rows"] if re.fullmatch(
        r"\d{4}-\d{2} [\d,]+ \$[\d.]+M \$[\d.]+M \S+ [A-Z]+-[A-Z0-9]+ \d+%", r)]
    assert len(rows) == 18


# -- typesetting -------------------------------------------------------------------------------


def _figures(ctx: Any) -> list[str]:
    """Formatted figures the pack sets in cells: each must be found whole on one line."""
    out = [money(ctx.summary["gap"]["gap"]), units(ctx.summary["gap"]["gap_units"])]
    for r in ctx.capacity["resources"]:
        out += [units(r["hours_short"]), units(r["units_short"])]
    for row in ctx.scenarios["rows"]:
        out += [metric(v, row["kind"]) for v in row["values"]]
    for m in ctx.plan["by_month"]:
        out += [units(m["units"]), money(m["revenue"]), money(m["gap"])]
    for a in ctx.decisions["actions"]:
        out.append(money(a["dollars"]))
    return [f for f in out if f != "–"]


def test_numbers_never_break_across_lines(full: dict[str, Any]) -> None:
    lines = [ln.text for p in full["pages"] for ln in p.lines]
    for figure in _figures(build_context(full["planning"])):
        assert any(figure in ln for ln in lines), figure
    for ln in lines:  # no sign or currency left alone at a line's end
        assert not re.search(r"(^|\s)[−+$]$", ln), ln


def test_names_wrap_at_most_once(full: dict[str, Any]) -> None:
    for name in ("Lee Park (Marketing)", "Dana Ruiz (Sales)", "Head of pricing",
                 "Plant manager", "Ops director", "Priya Shah", "Head of product"):
        spans = lines_spanned(full["pages"], name)
        assert spans, name
        assert max(spans) <= 2, (name, spans)
    for family in ("NA-VALVES", "BRG-01", "PRESS-2"):
        assert max(lines_spanned(full["pages"], family)) == 1


def test_no_internal_identifiers(pack: dict[str, Any]) -> None:
    text = pack["all"]
    assert "pre_sop" not in text
    assert not re.search(r"\bdecision \d+", text)
    assert not re.search(r"\bevent \d+ \d+", text)


def test_a_long_rationale_flows_full_width(full: dict[str, Any]) -> None:
    page = next(p for p in full["pages"] if "Distributors have absorbed" in p.text)
    width = page.width - 2 * MARGIN_X
    start = LONG_RATIONALE.split()[:4]
    rows = [ln for ln in page.body if "absorbed" in ln.text or "renegotiation" in ln.text]
    assert rows and start[0] in page.text
    assert min(ln.x1 - ln.x0 for ln in rows) > 0.8 * width


def _starts_section(page: Page) -> bool:
    body = page.body
    return bool(body) and any(" ".join(body[0].text.split()).startswith(t)
                              for t in SECTION_TITLES)


def test_no_page_is_more_than_half_blank_but_the_last_of_a_section(pack: dict[str, Any]) -> None:
    pages = pack["pages"]
    for page, after in zip(pages[:-1], pages[1:], strict=True):
        if _starts_section(after):
            continue  # the last page of a section
        assert page.fill >= 0.5, (page.number, round(page.fill, 2))


def test_running_headers_name_the_section_the_page_is_in(pack: dict[str, Any]) -> None:
    current = "Executive summary"
    for page in pack["pages"][1:]:
        first = " ".join(page.body[0].text.split()) if page.body else ""
        starting = next((t for t in SECTION_TITLES if first.startswith(t)), None)
        expected = starting or current
        assert page.header_right == expected, (page.number, page.header_right, expected)
        titles = [t for t in SECTION_TITLES if t in " ".join(page.text.split())]
        if titles:
            current = titles[-1]


def test_amended_and_retracted_items_are_marked(full: dict[str, Any]) -> None:
    text = full["all"]
    assert "Recommendation: overtime-assy AMENDED (named the two resources)" in text
    assert "Gear demand doubles in January RETRACTED (a typo: the order book" in text


def test_the_pack_stays_within_twelve_pages(pack: dict[str, Any]) -> None:
    assert len(pack["pages"]) <= 12
    assert "Appendix A: the plan by family" in pack["all"]


def test_after_demo_page_one_says_what_is_asked(after_demo: dict[str, Any]) -> None:
    one = after_demo["flat"][0]
    assert "No plan to approve yet: the pre-S&OP has recorded no recommendation." in one
    assert "Decisions for today" in one and "open: to decide today" in one
    assert "Not agreed in the demand review: 40 of 40 families" in one
    assert after_demo["flat"][1].startswith("1 Decisions, overrides and actions")


# -- the pack's own integrity ----------------------------------------------------------------------


def test_verify_against_refuses_a_forged_pack(full: dict[str, Any], demo_db: Path,
                                              tmp_path: Path) -> None:
    """Another pack's pages under the real pack's metadata stamp used to pass."""
    (tmp_path / "other").mkdir()
    other = _store(demo_db, tmp_path / "other", meetings=True, approve=True)
    fake = _render(other, other / "pack.pdf")["path"]
    real = PdfReader(str(full["path"]))
    writer = PdfWriter(clone_from=str(fake))
    writer.add_metadata(dict(real.metadata or {}))
    forged = tmp_path / "forged.pdf"
    with forged.open("wb") as fh:
        writer.write(fh)
    r = CliRunner().invoke(build(), ["--store", str(full["store"]), "verify", "--against",
                                     str(forged)])
    assert r.exit_code == 1
    assert "forged.pdf is not a pack this log recorded: its SHA-256" in r.output
    assert "the file differs from that pack: SHA-256" in r.output
    assert f"event {full['result']['event']} recorded" in r.output
    ok = CliRunner().invoke(build(), ["--store", str(full["store"]), "verify", "--against",
                                      str(full["path"])])
    assert ok.exit_code == 0, ok.output
    assert f"pack.pdf is the pack event {full['result']['event']} recorded" in ok.output


def test_verify_against_says_how_far_the_log_has_moved_on(full: dict[str, Any],
                                                          tmp_path: Path) -> None:
    store = tmp_path / "moved"
    store.mkdir()
    source = EventLog(f"sqlite:///{full['store'] / 'sop.db'}", read_only=True)
    source.backup(store / "sop.db")  # the WAL's commits too
    source.close()
    ws = Workspace(EventLog(f"sqlite:///{store / 'sop.db'}"), actor="tester")
    before = ws.log.head().count
    ws.open_cycle("2027-01")  # the pack's cycle closed with its last meeting
    ws.record_assumption(text="steel prices hold", owner="purchasing")
    ws.log.close()
    r = CliRunner().invoke(build(), ["--store", str(store), "verify", "--against",
                                     str(full["path"])])
    assert r.exit_code == 0, r.output
    later = before + 2 - full["result"]["event"]
    assert f"the log has moved on since this pack: {later} events recorded after it" in r.output
