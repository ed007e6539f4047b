"""The app shell driven headless: dashboard, meeting screen (agenda, clocks), closing, quit,
read-only mode and the empty store."""

from __future__ import annotations

import gc
from datetime import datetime, timedelta

import pytest
from rich.text import Text
from textual.command import CommandList
from textual.widgets import DataTable, Static

from sop_tui.cycle.workspace import Workspace
from sop_tui.tui.dialogs.capture import AssumptionForm, OpenCycleForm
from sop_tui.tui.dialogs.confirm import ConfirmDialog, MissingCriteriaDialog
from sop_tui.tui.panels.loop_forms import StartMeetingDialog
from sop_tui.tui.screens.dashboard import DashboardScreen
from sop_tui.tui.screens.help import HelpScreen
from sop_tui.tui.screens.meeting import MeetingScreen
from sop_tui.tui.widgets.clock import MeetingClock, mmss
from sop_tui.tui.widgets.keybar import KeyBar
from sop_tui.tui.widgets.metric_cards import MetricCard

SIZE = (120, 40)

pytestmark = pytest.mark.usefixtures("stub_panels")


def _at(ev: object) -> datetime:
    return datetime.fromisoformat(ev.at.replace("Z", "+00:00"))  # type: ignore[attr-defined]


def _text(widget: Static) -> str:
    return str(widget.render())


@pytest.mark.slow
async def test_dashboard_shows_meetings_and_metrics_and_enter_opens_the_next_meeting(
        demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        table = screen.query_one("#meetings", DataTable)
        assert table.row_count == 5
        assert str(table.get_row_at(0)[1]) == "Product / portfolio review"
        assert table.cursor_row == 0  # nothing run yet: the first meeting is next
        # the demo company is calibrated to the reference: accuracy 83.3%, bias +9.0%, 72%
        acc = screen.query_one("#card-family_accuracy", MetricCard)
        assert "83.3% family" in acc.value
        bias = screen.query_one("#card-bias", MetricCard)
        assert bias.value == "+9.0%"
        assert bias.has_class("-alert")  # |bias| over 5% is flagged
        att = screen.query_one("#card-plan_attainment", MetricCard)
        assert att.value == "72.0%"
        eo = screen.query_one("#card-eo_value", MetricCard)
        assert eo.value == "$4.1M"
        gap = _text(screen.query_one("#gap-card", Static))
        assert "below target" in gap and "not yet agreed: 40 of 40 families" in gap
        assert "Overrides in 2026: 0" in _text(screen.query_one("#overrides-card", Static))

        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert app.screen.meeting.id == "portfolio"
        started = demo_ws.log.events(types=["MeetingStarted"])
        assert [(e.cycle, e.payload["meeting"]) for e in started] == [("2026-12", "portfolio")]


@pytest.mark.usefixtures("no_numbers")
async def test_the_dashboard_loads_its_numbers_once_and_after_its_first_frame(
        demo_ws: Workspace, make, monkeypatch: pytest.MonkeyPatch) -> None:
    # started in on_mount the workers slowed the first paint; started twice (mount, then the
    # screen's first resume) the first pair was cancelled
    frames: list[int] = []  # the dashboard's key bar drawn: a frame is on its way out
    calls: list[int] = []
    monkeypatch.setattr(DashboardScreen, "load_numbers", lambda self: calls.append(len(frames)))
    render = KeyBar.render

    def counting(self: KeyBar) -> Text:
        frames.append(1)
        return render(self)

    monkeypatch.setattr(KeyBar, "render", counting)
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert len(calls) == 1 and calls[0] >= 1  # once, with a frame already drawn


async def test_the_app_freezes_after_its_first_frame_and_gives_it_back_on_exit(
        demo_ws: Workspace, make) -> None:
    """One ``gc.freeze()`` once the first frame is drawn (what the app started with lasts as
    long as it does); the collector's thresholds untouched; an ended app in a process that
    goes on (a test session) leaves nothing frozen."""
    gc.unfreeze()
    thresholds = gc.get_threshold()
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert gc.get_freeze_count() > 10_000  # Textual, the modules, the dashboard
        assert gc.get_threshold() == thresholds
    assert gc.get_freeze_count() == 0


async def test_dashboard_selects_the_first_meeting_not_closed(demo_ws: Workspace, make) -> None:
    demo_ws.start_meeting("portfolio")
    demo_ws.close_meeting("portfolio", missing=[])
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#meetings", DataTable)
        assert table.cursor_row == 1
        assert str(table.get_row_at(0)[3]) == "closed"


@pytest.mark.usefixtures("no_numbers")
async def test_reopening_a_meeting_does_not_record_a_second_start(demo_ws: Workspace,
                                                                  make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "escape", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert len(demo_ws.log.events(types=["MeetingStarted"])) == 1


@pytest.mark.usefixtures("no_numbers")
async def test_n_and_p_move_the_panel_and_prompts_and_record_first_starts_only(
        demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        app.open_meeting("demand", reason="test: straight to this meeting")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        agenda = screen.meeting.agenda
        await pilot.press("n")
        await pilot.pause()
        assert screen.item == 1
        assert _text(screen.query_one("#prompts", Static)).startswith(f"• {agenda[1].prompts[0]}")
        await pilot.press("n", "p")
        await pilot.pause()
        items = demo_ws.log.events(types=["AgendaItemStarted"])
        # back to item 1 is no new start: each n/p wrote one, filling the log (issue 12)
        assert [(e.payload["item"], e.payload["title"]) for e in items] == [
            (1, agenda[1].title), (2, agenda[2].title)]
        assert screen.item == 1
        assert all(e.meeting == "demand" for e in items)
        # p on the first item and n on the last write nothing
        await pilot.press("p", "p")
        assert screen.item == 0
        n_before = len(demo_ws.log.events())
        await pilot.press("p")
        assert len(demo_ws.log.events()) == n_before


@pytest.mark.usefixtures("no_numbers")
async def test_clocks_count_from_the_recorded_starts_and_warn_when_over(
        demo_ws: Workspace, make, set_clock) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        app.open_meeting("portfolio")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        start = _at(demo_ws.log.events(types=["MeetingStarted"])[0])
        first = screen.meeting.agenda[0]  # 5 minutes
        set_clock.set(start + timedelta(minutes=3, seconds=10))
        screen.tick()
        clock = screen.query_one(MeetingClock)
        assert str(clock.render()) == "Item 03:10 / 05:00 · Meeting 03:10 / 60:00"
        assert not clock.has_class("-item-over")

        set_clock.set(start + timedelta(minutes=first.minutes, seconds=1))
        screen.tick()
        assert clock.has_class("-item-over")
        assert str(clock.render()).startswith("OVER Item 05:01 / 05:00")

        # next item: its own clock starts; the meeting's keeps running
        await pilot.press("n")
        item_start = _at(demo_ws.log.events(types=["AgendaItemStarted"])[-1])
        set_clock.set(item_start + timedelta(seconds=30))
        screen.tick()
        per, total = screen.spent(set_clock())
        assert per[1] == 30
        assert per[0] == (item_start - start).total_seconds()
        assert total == per[0] + per[1]
        assert not clock.has_class("-item-over")


@pytest.mark.usefixtures("no_numbers")
async def test_the_executive_clock_shows_its_90_minute_limit(demo_ws: Workspace, make,
                                                             set_clock) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        app.open_meeting("executive", reason="test: straight to this meeting")
        await pilot.pause()
        start = _at(demo_ws.log.events(types=["MeetingStarted"])[0])
        set_clock.set(start + timedelta(minutes=32, seconds=10))
        app.screen.tick()
        assert "Meeting 32:10 / 90:00" in str(app.screen.query_one(MeetingClock).render())
        set_clock.set(start + timedelta(minutes=91))
        app.screen.tick()
        assert app.screen.query_one(MeetingClock).has_class("-meeting-over")


def test_mmss_counts_minutes_past_the_hour() -> None:
    assert mmss(0) == "00:00"
    assert mmss(59.9) == "00:59"
    assert mmss(90 * 60) == "90:00"
    assert mmss(-5) == "00:00"


async def test_closing_with_missing_criteria_lists_them_and_writes_nothing(
        demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        app.open_meeting("portfolio")
        await pilot.pause()
        n_before = len(demo_ws.log.events())
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, MissingCriteriaDialog)
        lines = [_text(w) for w in dialog.query(".missing-item").results(Static)]
        assert lines and all(line.startswith("• ") for line in lines)
        assert any("decision" in line for line in lines)
        await pilot.press("escape")
        assert isinstance(app.screen, MeetingScreen)
        assert len(demo_ws.log.events()) == n_before
        assert not demo_ws.log.events(types=["MeetingClosed"])


async def test_closing_when_criteria_hold_asks_then_records_the_close(
        demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        app.open_meeting("portfolio")
        await pilot.pause()
        app.screen.meeting = _no_criteria(app.screen.meeting)
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        closed = demo_ws.log.events(types=["MeetingClosed"])
        assert [e.payload["meeting"] for e in closed] == ["portfolio"]
        assert isinstance(app.screen, DashboardScreen)


def _no_criteria(meeting):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    return replace(meeting, exit_criteria=())


@pytest.mark.usefixtures("no_numbers")
async def test_ctrl_q_with_text_in_a_form_asks_first(demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        app.open_meeting("portfolio")
        await pilot.pause()
        await pilot.press("a", *"unsaved words")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert app.is_running
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, AssumptionForm)
        assert form.values()["text"] == "unsaved words"
        await pilot.press("ctrl+q")
        await pilot.press("y")
        await pilot.pause()
        assert not app.is_running
    assert not demo_ws.log.events(types=["AssumptionRecorded"])


@pytest.mark.usefixtures("no_numbers")
async def test_ctrl_q_without_text_quits_at_once(demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        app.open_meeting("portfolio")
        await pilot.pause()
        await pilot.press("a")  # a form, but nothing typed
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


@pytest.mark.usefixtures("no_numbers")
async def test_read_only_has_no_capture_and_writes_nothing(demo_ws: Workspace, make) -> None:
    app = make(demo_ws, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen.query(".badge")
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        n_before = len(demo_ws.log.events())
        await pilot.press("a", "d", "x", "n", "c")
        await pilot.pause()
        assert app.screen is screen  # no form opened
        assert len(demo_ws.log.events()) == n_before  # not even MeetingStarted
        keys = {k for k, b in app.active_bindings.items() if b.enabled}  # footer's offer
        assert not keys & {"a", "d", "x", "n", "p", "c"}


@pytest.mark.usefixtures("no_numbers")
async def test_help_lists_the_keys(demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


@pytest.mark.usefixtures("no_numbers")
async def test_empty_store_says_so_and_opens_a_cycle(empty_ws: Workspace, make) -> None:
    app = make(empty_ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "No cycle is open" in _text(app.screen.query_one("#empty-text", Static))
        await pilot.press("o")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, OpenCycleForm)
        assert form.values()["cycle"] == "2026-12"  # the month after today (2026-11-25)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        for _ in range(50):  # the dashboard switches to its full layout (a new screen)
            await pilot.pause()
            if app.screen.query("#meetings"):
                break
        opened = empty_ws.log.events(types=["CycleOpened"])
        assert [e.payload["cycle"] for e in opened] == ["2026-12"]
        assert isinstance(app.screen, DashboardScreen)
        assert app.screen.query("#meetings")


@pytest.mark.usefixtures("no_numbers")
async def test_pack_key_is_offered_on_the_dashboard_and_in_the_executive_meeting_only(
        demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.pack_available()
        assert app.screen.check_action("pack", ()) is True
        app.open_meeting("demand", reason="test: straight to this meeting")
        await pilot.pause()
        assert app.screen.check_action("pack", ()) is False
        app.open_meeting("executive", reason="test: straight to this meeting")
        await pilot.pause()
        assert app.screen.check_action("pack", ()) is True
    ro = make(demo_ws, read_only=True)
    async with ro.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert ro.screen.check_action("pack", ()) is False


@pytest.mark.usefixtures("no_numbers")
async def test_the_palette_opens_a_meeting_by_name(demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"open meeting supply")
        hits = app.screen.query_one(CommandList)
        for _ in range(100):  # the palette searches its providers in a task: wait for the hit
            if hits.option_count and "Supply review" in str(hits.get_option_at_index(0).prompt):
                break
            await pilot.pause()
        assert "Supply review" in str(hits.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await pilot.pause()
        # the supply review before the portfolio and demand reviews: it asks why first
        assert isinstance(app.screen, StartMeetingDialog) and app.screen.before == [
            "Product / portfolio review", "Demand review"]
        await pilot.press(*"the plant needs the gaps today", "ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert app.screen.meeting.id == "supply"
        started = demo_ws.log.events(types=["MeetingStarted"])[-1]
        assert started.payload["reason"] == "the plant needs the gaps today"


@pytest.mark.slow
async def test_a_relaunch_after_a_capture_shows_the_numbers_from_the_planning_cache(
        demo_ws: Workspace, make, settings, monkeypatch: pytest.MonkeyPatch) -> None:
    first = make(demo_ws)
    async with first.run_test(size=SIZE) as pilot:
        await first.workers.wait_for_complete()
        await pilot.pause()
    cached = {p.parent.name for p in (settings.cache_dir / "planning").glob("*/*.pkl")}
    assert {"metrics", "trend", "baseline_result", "demand_plan"} <= cached
    assert not (settings.cache_dir / "dashboard").exists()  # the screen keeps no cache of its own

    # an assumption changes no consensus and no data: nothing is decoded or recomputed
    demo_ws.record_assumption(text="x", owner="y")

    def no_work(*args: object, **kwargs: object) -> None:
        raise AssertionError("the planning cache should have answered")

    import sop_tui.analytics.scenarios as scenarios
    import sop_tui.analytics.summary as metrics
    import sop_tui.data.store as store

    monkeypatch.setattr(store, "load_kind", no_work)
    monkeypatch.setattr(metrics, "summary", no_work)
    monkeypatch.setattr(metrics, "metric_trend", no_work)
    monkeypatch.setattr(scenarios, "evaluate", no_work)
    second = make(demo_ws)
    async with second.run_test(size=SIZE) as pilot:
        await second.workers.wait_for_complete()
        await pilot.pause()
        bias = second.screen.query_one("#card-bias", MetricCard)
        assert bias.value == "+9.0%"
        eo = second.screen.query_one("#card-eo_value", MetricCard)
        assert eo.value == "$4.1M"
        gap = _text(second.screen.query_one("#gap-card", Static))
        assert "below target" in gap and "not yet agreed: 40 of 40 families" in gap
