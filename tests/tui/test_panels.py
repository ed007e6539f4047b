"""The meeting panels mounted on their own in a small host app, on the demo company.

Each panel loads its numbers in a worker; the tests wait for it, then assert the numbers shown
(the demo is calibrated to the reference: item accuracy 58.0%, bias +9.0%, attainment 72.0%,
E&O $4.1M), and drive the capturing panels' dialogs by keys, asserting the event written.
"""

from __future__ import annotations

import asyncio
import io
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import DataTable, Footer, OptionList, Static
from textual.worker import WorkerFailed
from tui_helpers import notes_of

from sop_tui.cycle.meetings import PANELS as PANEL_IDS
from sop_tui.cycle.meetings import load_meetings
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.log import EventLog
from sop_tui.events.types import Event
from sop_tui.executors import PoolRunner
from sop_tui.settings import Settings
from sop_tui.tui.dialogs.capture import DecisionForm
from sop_tui.tui.dialogs.confirm import ConfirmDialog
from sop_tui.tui.dialogs.consensus import ConsensusDialog
from sop_tui.tui.dialogs.form import Form
from sop_tui.tui.dialogs.outcome import ApproveDialog, OverrideDialog
from sop_tui.tui.dialogs.scenario import ScenarioDialog
from sop_tui.tui.panels import PANELS
from sop_tui.tui.panels.base import Panel, PanelContext
from sop_tui.tui.panels.common import sparkline
from sop_tui.tui.panels.demand import DemandPanel
from sop_tui.tui.widgets.chart import ChartSpec, Line, draw

SIZE = (120, 40)
CSS = Path(__file__).resolve().parents[2] / "sop_tui" / "tui" / "panels" / "panels.tcss"
CYCLE = "2026-12"


class PanelHost(App[None]):
    """One panel, as the meeting screen would show it, with the messages it posts collected."""

    CSS_PATH = [CSS]
    CURSOR_BLINK = False

    def __init__(self, ws: Workspace, panel_id: str, *, meeting: str = "demand",
                 read_only: bool = False,
                 planning: Callable[[], CyclePlanning] | None = None) -> None:
        super().__init__()
        self.ws = ws
        settings = Settings(store=Path("store"), actor="tester")
        meet = load_meetings(settings.meetings_dir)[meeting]
        self.context = PanelContext(ws, settings, CYCLE, meet, planning or self.planning,
                                    read_only)
        self.panel_id = panel_id
        self._planning: CyclePlanning | None = None
        self._seq = -1
        self._lock = threading.Lock()
        self.recorded: list[Event] = []
        self.families: list[str | None] = []

    def planning(self) -> CyclePlanning:
        """Like the app's: one planning, refreshed when the log has grown."""
        with self._lock:
            seq = self.ws.state().last_seq
            if self._planning is None:
                self._planning = CyclePlanning(self.ws, CYCLE)
            elif seq != self._seq:
                self._planning.refresh()
            self._seq = seq
            return self._planning

    def compose(self) -> ComposeResult:
        yield PANELS[self.panel_id](self.context, id="panel")
        yield Footer()

    def on_panel_recorded(self, message: Panel.Recorded) -> None:
        self.recorded.append(message.event)

    def on_panel_family_focused(self, message: Panel.FamilyFocused) -> None:
        self.families.append(message.family)


@pytest.fixture(scope="module")
def shared(demo_db: Path) -> Iterator[Callable[[], CyclePlanning]]:
    """A read-only workspace and one planning on the demo store, shared by the reading tests
    (the metrics take seconds to compute; computing them once keeps the module fast)."""
    log = EventLog(f"sqlite:///{demo_db}", read_only=True)
    ws = Workspace(log, actor="tester")
    planning = CyclePlanning(ws, CYCLE)
    yield lambda: planning
    log.close()


def reader(shared: Callable[[], CyclePlanning], panel_id: str, **kw: Any) -> PanelHost:
    return PanelHost(shared().ws, panel_id, planning=shared, **kw)


async def settle(app: App[Any], pilot: Pilot[Any]) -> list[WorkerFailed]:
    """Wait for every worker and for the messages they posted; return the workers that failed
    (a panel reports its own worker's failure on screen, which the tests assert on)."""
    failed: list[WorkerFailed] = []
    for _ in range(4):
        try:
            await app.workers.wait_for_complete()
        except WorkerFailed as exc:
            failed.append(exc)
        await pilot.pause()
    return failed


def plain(renderable: Any, width: int = 200) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None, record=True)
    console.print(renderable)
    return console.export_text()


def static_text(app: App[Any], selector: str) -> str:
    return plain(app.query_one(selector, Static).content)


def rows(table: DataTable[Any]) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def events(ws: Workspace, type_: str) -> list[Event]:
    return [e for e in ws.log.iter_events() if e.type == type_]


async def type_text(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*["space" if ch == " " else ch for ch in text])


# -- formatting and small pieces -------------------------------------------------------------


def test_registry_has_every_panel_a_meeting_file_may_name() -> None:
    assert set(PANELS) == set(PANEL_IDS)
    assert all(cls.PANEL_ID == pid for pid, cls in PANELS.items())


def test_six_formatters_the_tui_formats_numbers_with_sop_tui_formats_only() -> None:
    """The dashboard and the panels had their own money/percent formatters ("$4.10M" on a card,
    "$4.1M" in a panel): every number now goes through :mod:`sop_tui.formats`."""
    import ast

    tui = Path(__file__).resolve().parents[2] / "sop_tui" / "tui"
    own = {"money", "pct", "signed_pct", "units", "points", "pp", "money_exact", "metric"}
    defined = [f"{path.name}:{node.name}" for path in tui.rglob("*.py")
               for node in ast.walk(ast.parse(path.read_text()))
               if isinstance(node, ast.FunctionDef) and node.name in own]
    assert defined == []


def test_sparkline() -> None:
    assert sparkline([1.0, 2.0, 3.0]) == "▁▄█"
    assert sparkline([1.0, float("nan"), 1.0]) == "▁ ▁"


def test_chart_draws_at_the_size_asked() -> None:
    spec = ChartSpec((Line("actual", (1.0, 2.0, 3.0), (10.0, 12.0, float("nan"))),),
                     ((1.0, "2026-01"),))
    text = draw(spec, 40, 8)
    lines = text.plain.split("\n")
    assert len(lines) == 8
    assert max(len(line) for line in lines) <= 40
    assert "2026-01" in text.plain
    empty = ChartSpec((Line("none", (1.0,), (float("nan"),)),))
    assert "nothing to chart" in draw(empty, 40, 8).plain


# -- reading panels ----------------------------------------------------------------------------


async def test_metrics_panel_shows_the_demo_metrics(shared: Callable[[], CyclePlanning]) -> None:
    app = reader(shared, "metrics")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        summary = static_text(app, "#metrics-summary")
        assert "58.0%" in summary  # item accuracy
        assert "+9.0%" in summary  # bias
        assert "83.3%" in summary and "72.0%" in summary and "$4.1M" in summary
        fam = rows(app.query_one("#metrics-families", DataTable))
        assert len(fam) == 40 and "TOTAL" not in [r[0] for r in fam]
        accuracies = [float(r[1].rstrip("%")) for r in fam]
        assert accuracies == sorted(accuracies)  # worst first
        assert fam[0][0] == "SPR-02"


async def test_fva_panel_shows_the_stair_step_and_destroyed_value(
        shared: Callable[[], CyclePlanning]) -> None:
    app = reader(shared, "fva")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        total = rows(app.query_one("#fva-total", DataTable))
        assert [r[0] for r in total] == ["naive", "statistical", "sales", "marketing",
                                         "finance", "consensus", "executive"]
        assert total[1][4] == "+4.8 pp"  # the statistical forecast beats naive by 4.8 points
        assert total[2][3] == "−5.4 pp"  # sales destroys 5.4 points against the statistical
        table = app.query_one("#fva-families", DataTable)
        # naive against itself is 0 everywhere: the families' table starts at statistical
        assert [str(c.label) for c in table.columns.values()][:2] == ["Family", "statistical"]
        first = table.get_row_at(0)
        assert str(first[0]) == "SPR-02"
        # destroyed value is red
        consensus_cell = first[5]
        assert str(consensus_cell) == "−8.3" and "red" in str(consensus_cell.style)


async def test_segments_panel_shows_the_abc_xyz_matrix(
        shared: Callable[[], CyclePlanning]) -> None:
    app = reader(shared, "segments")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        text = static_text(app, "#segments-matrix")
        assert "AX  755 items" in text and "76.7% of revenue" in text
        assert "CZ  1,137 items" in text
        assert "3,500 items" in text


async def test_plan_panel_shows_gap_and_families_not_agreed(
        shared: Callable[[], CyclePlanning]) -> None:
    app = reader(shared, "plan")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "0 of 40 families agreed" in static_text(app, "#plan-agreed")
        totals = static_text(app, "#plan-totals")
        assert "$267.5M" in totals and "$297.0M" in totals and "$29.5M" in totals
        months = rows(app.query_one("#plan-months", DataTable))
        assert len(months) == 18 and months[0][0] == "2026-12"


async def test_missing_data_is_a_sentence_not_a_traceback(ws: Workspace) -> None:
    app = PanelHost(ws, "metrics")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        status = app.query_one(".panel-status", Static)
        text = plain(status.content)
        assert "needs data that has not been imported" in text
        assert "items" in text and "forecast_history" in text
        assert status.has_class("-problem")
        assert app.is_running


async def test_a_failing_worker_becomes_a_notification(demo_ws: Workspace) -> None:
    def broken() -> CyclePlanning:
        raise RuntimeError("the disk is on fire")

    app = PanelHost(demo_ws, "segments", planning=broken)
    notes = notes_of(app)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.is_running
        assert any("the disk is on fire" in str(n.message) for n in notes)
        assert "Could not load" in plain(app.query_one(".panel-status", Static).content)


# -- capturing panels --------------------------------------------------------------------------


async def test_actions_panel_needed_tab_before_enter_and_completed_without_asking(
        demo_ws: Workspace) -> None:
    dec = demo_ws.record_decision(question="Overtime on ASSY-B?", chosen="yes",
                                  rationale="gap", decided_by="ops", meeting="supply",
                                  options=["yes", "no"], owner="ops", due="2027-01-31")
    # recorded in November (a due date in the past is refused), overdue now
    november = Workspace(demo_ws.log, actor="tester",
                         clock=lambda: datetime(2026, 11, 10, 9, 0, tzinfo=UTC))
    late = november.record_action(text="Book overtime", owner="Lee", due="2026-11-20",
                                  decision=dec.seq, meeting="supply")
    demo_ws.record_action(text="Call supplier", owner="Kim", due="2027-01-10")
    app = PanelHost(demo_ws, "actions")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.query_one("#actions-table", DataTable)
        shown = rows(table)
        assert [r[2] for r in shown] == ["Book overtime", "Call supplier"]  # by due date
        assert shown[0][4] == "2026-11-20 overdue" and shown[0][5] == "Overtime on ASSY-B?"
        assert "overdue" not in shown[1][4]
        assert table.has_focus  # Enter answers at once, no Tab first
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)  # it asks, naming the action
        assert "Book overtime" in str(dialog.query_one(".dialog-question", Static).render())
        assert events(demo_ws, "ActionCompleted") == []
        await pilot.press("n")  # not yet: nothing written
        await pilot.pause()
        assert events(demo_ws, "ActionCompleted") == []
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        done = events(demo_ws, "ActionCompleted")
        assert [e.payload["action"] for e in done] == [late.seq]
        assert [e.type for e in app.recorded] == ["ActionCompleted"]
        assert [r[2] for r in rows(table)] == ["Call supplier"]


async def test_portfolio_marks_items_and_records_one_decision_for_them(
        demo_ws: Workspace) -> None:
    app = PanelHost(demo_ws, "portfolio", meeting="portfolio")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.query_one("#portfolio-table", DataTable)
        assert table.row_count == 309  # 137 new + 172 phase-out
        first_two = [str(table.get_row_at(i)[1]) for i in range(2)]
        table.focus()
        await pilot.press("space", "space", "D")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, DecisionForm)
        assert dialog.value("decided_by") == app.context.meeting.owner
        await type_text(pilot, "launch as planned")  # one of the options listed
        await pilot.press("tab")
        await type_text(pilot, "orders in hand")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        decisions = events(demo_ws, "DecisionRecorded")
        assert len(decisions) == 1
        d = decisions[0]
        assert d.meeting == "portfolio" and sorted(d.payload["skus"]) == sorted(first_two)
        assert d.payload["chosen"] == "launch as planned"
        assert d.payload["rationale"] == "orders in hand"
        decided = {str(table.get_row_at(i)[1]): str(table.get_row_at(i)[4]) for i in range(2)}
        assert decided == dict.fromkeys(first_two, "✔ launch as planned")


async def test_a_refused_decision_names_the_field_and_keeps_the_form(
        demo_ws: Workspace) -> None:
    app = PanelHost(demo_ws, "portfolio", meeting="portfolio")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.query_one("#portfolio-table", DataTable).focus()
        await pilot.press("D")
        await pilot.pause()
        await type_text(pilot, "launch")
        await pilot.press("ctrl+s")  # no rationale
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, DecisionForm)
        error = dialog.query_one("#error-rationale", Static)
        assert error.has_class("-shown") and plain(error.content).strip()
        assert dialog.value("chosen") == "launch"  # the text stays
        assert events(demo_ws, "DecisionRecorded") == []
        assert dialog.holds_text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, Form)


@pytest.mark.slow
async def test_supply_panel_records_an_option_for_a_gap(demo_ws: Workspace) -> None:
    app = PanelHost(demo_ws, "supply", meeting="supply")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        gaps = rows(app.query_one("#supply-gaps", DataTable))
        assert [(g[0], g[1]) for g in gaps] == [("ASSY-B", "2027-06"), ("MACH-2", "2027-07"),
                                                ("PRESS-2", "2027-06")]
        assert all(g[5] == "none yet" for g in gaps)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, DecisionForm)
        await type_text(pilot, "overtime")
        await pilot.press("tab")
        await type_text(pilot, "two Saturday shifts")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        d = events(demo_ws, "DecisionRecorded")[0]
        assert d.meeting == "supply" and d.payload["resource"] == "ASSY-B"
        assert d.payload["months"] == {"first": "2027-06", "last": "2027-06"}
        gaps = rows(app.query_one("#supply-gaps", DataTable))
        assert gaps[0][5] == "✔ overtime" and gaps[1][5] == "none yet"


@pytest.fixture
def no_statistical(monkeypatch: pytest.MonkeyPatch) -> None:
    """The statistical forecast takes seconds; the consensus tests do not need it."""
    monkeypatch.setattr(DemandPanel, "AUTO_STATISTICAL", False)


@pytest.mark.usefixtures("no_statistical")
async def test_demand_consensus_from_sales(demo_ws: Workspace) -> None:
    app = PanelHost(demo_ws, "demand")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.families == ["BRG-01"]
        sources = rows(app.query_one("#demand-sources", DataTable))
        assert [r[1] for r in sources] == ["sales", "marketing", "finance", "planner",
                                           "statistical"]
        said = static_text(app, "#demand-assumptions")
        assert "Replacement demand from the 2024 installed base" in said
        await pilot.press("1")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConsensusDialog)
        assert dialog.value("assumption").startswith("Replacement demand")
        assert not dialog.query_one("#averaging-warning").display
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [ev] = events(demo_ws, "ConsensusSelected")
        assert ev.payload["family"] == "BRG-01" and ev.payload["source"] == "sales"
        assert ev.payload["units"]["2026-12"] == 8987.0
        assert ev.payload["averaging_of"] == []
        assert [e.type for e in app.recorded] == ["ConsensusSelected"]
        first = app.query_one("#demand-families", OptionList).get_option_at_index(0)
        assert str(first.prompt).startswith("✔")
        assert "consensus from sales" in static_text(app, "#demand-head")


@pytest.mark.slow
@pytest.mark.usefixtures("no_statistical")
async def test_demand_finance_on_fst02_is_flagged_as_averaging(demo_ws: Workspace) -> None:
    app = PanelHost(demo_ws, "demand")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        families = app.query_one("#demand-families", OptionList)
        index = [families.get_option_at_index(i).id
                 for i in range(families.option_count)].index("FST-02")
        families.highlighted = index - 1  # (moving by keys is the sales test's part)
        await pilot.press("down")
        await pilot.pause()
        assert app.families[-1] == "FST-02"
        await pilot.press("3")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConsensusDialog)
        warning = dialog.query_one("#averaging-warning", Static)
        assert warning.display and "consensus by averaging" in plain(warning.content)
        await pilot.press("ctrl+s")  # refused: which assumptions were chosen?
        await pilot.pause()
        assert isinstance(app.screen, ConsensusDialog)
        assert dialog.query_one("#error-chosen_assumptions", Static).has_class("-shown")
        assert events(demo_ws, "ConsensusSelected") == []
        await type_text(pilot, "finance budget phasing")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [ev] = events(demo_ws, "ConsensusSelected")
        assert ev.payload["family"] == "FST-02" and ev.payload["source"] == "finance"
        assert ev.payload["averaging_of"] == ["marketing", "sales"]
        assert ev.payload["chosen_assumptions"] == "finance budget phasing"


@pytest.mark.slow
@pytest.mark.usefixtures("no_statistical")
async def test_demand_manual_consensus_needs_a_rationale(demo_ws: Workspace) -> None:
    app = PanelHost(demo_ws, "demand")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("5")  # no statistical forecast yet: a warning, no dialog
        await pilot.pause()
        assert not isinstance(app.screen, ConsensusDialog)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ConsensusDialog)
        await type_text(pilot, "2026-12..2027-12=10000")
        await pilot.press("tab")
        await type_text(pilot, "flat")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen.query_one("#error-rationale", Static).has_class("-shown")
        assert events(demo_ws, "ConsensusSelected") == []
        # the refusal put the cursor in the field it names
        await type_text(pilot, "new contract")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [ev] = events(demo_ws, "ConsensusSelected")
        assert ev.payload["source"] == "manual" and ev.payload["rationale"] == "new contract"
        assert set(ev.payload["units"].values()) == {10000.0}
        assert len(ev.payload["units"]) == 13


@pytest.mark.slow
async def test_scenarios_created_from_the_screen_and_recommended(demo_ws: Workspace) -> None:
    app = PanelHost(demo_ws, "scenarios", meeting="pre_sop")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ScenarioDialog)
        await pilot.press("end")
        await pilot.press(*["backspace"] * 20)
        await type_text(pilot, "upside")
        await pilot.press("tab", "tab")
        await type_text(pilot, "FST-02:+10%:2027-13")  # a bad month
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ScenarioDialog)
        problem = plain(app.screen.query_one("#error-demand", Static).content)
        assert "FST-02:+10%:2027-13" in problem and "2027-13" in problem
        await pilot.press(*["backspace"] * 2)
        await type_text(pilot, "06")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [ev] = events(demo_ws, "ScenarioCreated")
        assert ev.payload["name"] == "upside"
        assert ev.payload["results"]["revenue"] > 0
        assert [e.type for e in app.recorded] == ["ScenarioCreated"]
        table = app.query_one("#scenarios-table", DataTable)
        assert [str(c.label) for c in table.columns.values()] == ["Measure", "consensus",
                                                                   "upside"]
        await pilot.press("right")  # the cursor moves to the new scenario
        await pilot.press("r")
        await pilot.pause()
        rec = app.screen
        assert rec.value("scenario") == "upside"  # type: ignore[attr-defined]
        await type_text(pilot, "take the upside")
        await pilot.press("tab")
        await type_text(pilot, "overtime in June?")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [r] = events(demo_ws, "RecommendationRecorded")
        assert r.payload == {"scenario": "upside", "text": "take the upside",
                             "open_decisions": ["overtime in June?"]}
        assert "★ upside" in [str(c.label) for c in table.columns.values()]


async def test_executive_approves(demo_ws: Workspace) -> None:
    app = PanelHost(demo_ws, "executive", meeting="executive")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "not decided" in static_text(app, "#exec-outcome")
        await pilot.press("A")
        await pilot.pause()
        assert isinstance(app.screen, ApproveDialog)
        await type_text(pilot, "Ana Ortiz")  # a person, not the role
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [ev] = events(demo_ws, "PlanApproved")
        assert ev.payload["scenario"] == "consensus"
        assert ev.payload["approved_by"] == "Ana Ortiz"
        assert ev.payload["revenue"] == pytest.approx(267_536_243.69, rel=1e-6)
        assert "APPROVED" in static_text(app, "#exec-outcome")


@pytest.mark.slow
async def test_executive_override_without_actions_is_refused(demo_ws: Workspace) -> None:
    app = PanelHost(demo_ws, "executive", meeting="executive")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("O")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, OverrideDialog)
        await type_text(pilot, "Ana Ortiz")
        await pilot.press("tab")
        await type_text(pilot, "the board wants the budget")
        await pilot.press("ctrl+s")
        await pilot.pause()
        err = dialog.query_one("#error-actions", Static)
        assert err.has_class("-shown") and "at least one" in plain(err.content)
        assert events(demo_ws, "PlanOverridden") == []
        # the refusal put the cursor in the actions field
        await type_text(pilot, "Promo on FST-02 ; Dana Ruiz ; 2027-01-15")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [ev] = events(demo_ws, "PlanOverridden")
        assert ev.payload["rationale"] == "the board wants the budget"
        assert ev.payload["actions"] == [{"text": "Promo on FST-02", "owner": "Dana Ruiz",
                                          "due": "2027-01-15"}]
        assert ev.payload["revenue_gap_closed"] == pytest.approx(29_475_756, abs=1)
        assert "OVERRIDDEN" in static_text(app, "#exec-outcome")


async def test_read_only_offers_no_capture(shared: Callable[[], CyclePlanning]) -> None:
    app = reader(shared, "segments", read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
    # the capture keys of every capturing panel are hidden in read-only mode
    for pid in ("actions", "portfolio", "demand", "supply", "scenarios", "executive"):
        cls = PANELS[pid]
        panel = cls.__new__(cls)
        panel.context = app.context  # type: ignore[attr-defined]
        for action in cls.CAPTURE_ACTIONS:  # type: ignore[attr-defined]
            assert panel.check_action(action, ()) is False



async def test_demand_statistical_forecast_runs_in_a_worker_and_can_be_chosen(
        demo_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """The forecast itself is the analytics' (and slow); here a hand-made one stands in, to
    check the panel's side: worker, progress, the numbers shown and a consensus taken from it."""
    import pandas as pd

    from sop_tui.analytics.forecast import ForecastResult

    months = pd.period_range("2026-12", periods=18, freq="M")
    calls: list[str] = []

    runners: list[Any] = []

    def fake(self: CyclePlanning, *, level: str = "family", progress: Any = None,
             **kw: Any) -> ForecastResult:
        calls.append(level)
        runners.append(kw.get("runner"))
        fams = self.families
        if progress is not None:
            progress(len(fams), len(fams))
        frame = pd.DataFrame({
            "key": [f for f in fams for _ in months],
            "month": pd.PeriodIndex([m for _ in fams for m in months], freq="M"),
            "units": 1000.0, "lo80": 900.0, "hi80": 1100.0, "lo95": 800.0, "hi95": 1200.0,
        })
        return ForecastResult(frame, pd.DataFrame({"key": fams}), "test")

    monkeypatch.setattr(CyclePlanning, "statistical", fake)
    app = PanelHost(demo_ws, "demand")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert calls == ["family"]
        # the settings name no executor: the local process pool, as ``sop forecast`` uses
        assert isinstance(runners[0], PoolRunner) and runners[0].name == "local"
        sources = {r[1]: r for r in rows(app.query_one("#demand-sources", DataTable))}
        assert sources["statistical"][2] == "18,000"  # 18 input months × 1,000
        assert not app.query_one("#demand-stat", Static).display  # no "computing" line left
        await pilot.press("5")
        await pilot.pause()
        assert isinstance(app.screen, ConsensusDialog)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [ev] = events(demo_ws, "ConsensusSelected")
        assert ev.payload["source"] == "statistical" and ev.payload["family"] == "BRG-01"
        assert set(ev.payload["units"].values()) == {1000.0}


async def test_portfolio_marks_in_groups_and_leaves_decided_items_alone(
        demo_ws: Workspace) -> None:
    """f marks the undecided items of the cursor's family and lifecycle, l of its lifecycle,
    * every undecided item; a group never re-marks an item already decided."""
    app = PanelHost(demo_ws, "portfolio", meeting="portfolio")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        panel = app.query_one("#panel", PANELS["portfolio"])
        table = app.query_one("#portfolio-table", DataTable)
        assert table.has_focus  # the panel's keys work at once
        frame = panel.frame
        first = frame.iloc[0]  # BRG-01, new (sorted by family, lifecycle)
        same = frame[(frame["family"] == first["family"])
                     & (frame["lifecycle"] == first["lifecycle"])]
        await pilot.press("f")
        assert panel.marked == set(same["sku"])
        await pilot.press("u", "l")
        assert panel.marked == set(frame.loc[frame["lifecycle"] == first["lifecycle"], "sku"])
        await pilot.press("u", "space", "D")  # decide the first item alone
        await pilot.pause()
        await type_text(pilot, "launch as planned")
        await pilot.press("tab")
        await type_text(pilot, "ok")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("asterisk")
        assert panel.marked == set(frame["sku"]) - {first["sku"]}
        assert str(table.get_row_at(0)[0]) == ""  # the decided item is not marked
        await pilot.press("ctrl+home", "f")
        assert panel.marked == set(frame["sku"]) - {first["sku"]}


@pytest.mark.slow
async def test_supply_r_covers_every_open_gap_of_the_resource_in_one_decision(
        demo_ws: Workspace) -> None:
    app = PanelHost(demo_ws, "supply", meeting="supply")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        gaps = rows(app.query_one("#supply-gaps", DataTable))
        res = gaps[0][0]
        months = sorted(g[1] for g in gaps if g[0] == res)
        await pilot.press("r")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, DecisionForm)
        assert dialog.resource == res and dialog.months == (
            months[0] if len(months) == 1 else f"{months[0]}..{months[-1]}")
        await type_text(pilot, "overtime")
        await pilot.press("tab")
        await type_text(pilot, "weekend shifts")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [d] = events(demo_ws, "DecisionRecorded")
        assert d.payload["resource"] == res
        assert d.payload["months"] == {"first": months[0], "last": months[-1]}
        after = rows(app.query_one("#supply-gaps", DataTable))
        assert all(g[5] == "✔ overtime" for g in after if g[0] == res)
        assert all(g[5] == "none yet" for g in after if g[0] != res)
        # the cursor waits on the first gap still open
        table = app.query_one("#supply-gaps", DataTable)
        assert after[table.cursor_row][5] == "none yet"


@pytest.mark.slow
@pytest.mark.usefixtures("no_statistical")
async def test_each_consensus_open_is_a_fresh_form(demo_ws: Workspace) -> None:
    """A second open, for another family and source, shows nothing of the first (typed text,
    errors, the manual fields) and has the averaging warning of its own numbers."""
    app = PanelHost(demo_ws, "demand")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("m")  # manual for BRG-01: the numbers field, a rationale required
        await pilot.pause()
        first = app.screen
        assert isinstance(first, ConsensusDialog) and first.query("#row-units")
        await type_text(pilot, "2026-12..2027-12=10000")
        await pilot.press("tab")
        await type_text(pilot, "flat")
        await pilot.press("ctrl+s")  # refused: no rationale
        await pilot.pause()
        assert first.query_one("#error-rationale", Static).has_class("-shown")
        await pilot.press("escape", "y")
        await pilot.pause()
        families = app.query_one("#demand-families", OptionList)
        index = [families.get_option_at_index(i).id
                 for i in range(families.option_count)].index("FST-02")
        families.highlighted = index
        await pilot.pause()
        await pilot.press("3")  # finance on FST-02: the averaging case
        await pilot.pause()
        again = app.screen
        assert isinstance(again, ConsensusDialog) and again is not first
        assert again.family == "FST-02" and again.source == "finance"
        assert not again.query("#row-units")  # not manual this time
        assert again.value("rationale") == ""
        assert not again.query(".form-error.-shown")
        assert "FST-02 from finance" in plain(again.query_one("#form-context", Static).content)
        assert again.query_one("#averaging-warning").display
        assert again.field_widget("chosen_assumptions").has_focus
        assert not again.holds_text
        await type_text(pilot, "finance budget phasing")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [ev] = events(demo_ws, "ConsensusSelected")
        assert ev.payload["family"] == "FST-02" and ev.payload["source"] == "finance"
        assert ev.payload["chosen_assumptions"] == "finance budget phasing"


@pytest.mark.parametrize("meeting", ["demand", "portfolio"])
async def test_agenda_keys_faster_than_the_frames_do_not_load_a_removed_panel(
        ws: Workspace, make: Callable[..., Any], meeting: str) -> None:
    # a panel starts loading after the frame that shows it; keys that swap it out before
    # that frame must not leave it loading (it is no longer in the screen). The portfolio
    # review has two items in a row with the same panel: the second is mounted while the
    # first is still being removed.
    from textual import events

    app = make(ws)
    async with app.run_test(size=SIZE) as pilot:
        app.open_meeting(meeting, reason="test: straight to this meeting")
        await pilot.pause()
        for _ in range(3):
            app.post_message(events.Key("n", "n"))
        for _ in range(100):  # each key acts once the one before it has (tui/keys.py)
            await pilot.pause()
            if app.screen.item == 3:
                break
        await settle(app, pilot)  # (a panel without its data fails its worker, and says so)
        assert app.is_running
        assert app.screen.item == 3


async def test_a_log_poll_between_an_agenda_key_and_its_frame_reloaded_a_removed_panel(
        ws: Workspace, make: Callable[..., Any]) -> None:
    # On PostgreSQL the log's data version is its newest seq, so the screen's own agenda
    # write moves it too: the poll that follows the key reached the panel being removed (and
    # the one not mounted yet), whose reload failed on its missing widgets.
    app = make(ws)
    async with app.run_test(size=SIZE) as pilot:
        app.open_meeting("demand", reason="test: straight to this meeting")
        await pilot.pause()
        await settle(app, pilot)  # (a panel without its data fails its worker, and says so)
        screen = app.screen
        [first] = screen.query(Panel)
        first_loaded = first.loaded_seq
        swapped_out = [first]
        for _ in range(2):
            screen.action_next_item()
            swapped_out += [p for p in screen.query(Panel) if p not in swapped_out]
            screen.follow_log()  # the poll, before the frame that swaps the panels
        await settle(app, pilot)
        assert app.is_running
        assert screen.item == 2
        [panel] = screen.query(Panel)
        assert panel is swapped_out.pop()
        assert panel.is_mounted and panel.loaded_seq == ws.state().last_seq
        # the panels swapped out loaded nothing more (the first), or nothing at all (the second)
        assert [p.loaded_seq for p in swapped_out] == [first_loaded, -1]


async def test_the_segments_panel_opened_scrolled_past_its_title(
        demo_ws: Workspace, make: Callable[..., Any]) -> None:
    # focusing the changes table scrolled the panel (which scrolls as a whole on a short
    # screen) to the table: its title and the sentence above the table were hidden
    from sop_tui.tui.panels.segments import SegmentsPanel

    demo_ws.start_meeting("portfolio")
    demo_ws.start_item("portfolio", 3, "Segments and planning policy")
    app = make(demo_ws)
    async with app.run_test(size=(120, 40)) as pilot:
        # the views computed already (a relaunch reads them from the cache): the panel's
        # numbers come before its first layout
        await asyncio.to_thread(lambda: app.planning().segment_changes)
        app.open_meeting("portfolio")  # at its current item: the segments
        await pilot.pause()
        screen = app.screen
        deadline = time.monotonic() + 60  # loading on a busy machine: not a speed test
        while not (screen.query(SegmentsPanel)
                   and not screen.query_one(SegmentsPanel).has_class("-loading")):
            assert time.monotonic() < deadline, "the segments panel did not load"
            await pilot.pause(0.05)
        await pilot.pause()
        panel = screen.query_one(SegmentsPanel)
        assert panel.max_scroll_y > 0  # the panel is taller than its room
        assert panel.query_one("#segments-changes").has_focus
        assert panel.scroll_y == 0
