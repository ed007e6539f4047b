"""The decision history screen, driven headless: filters, detail, retract/amend, read-only,
chain verification (clean and tampered), and a 10,000-event log that opens and scrolls."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest
from rich.console import Console
from textual.app import App
from textual.screen import Screen
from textual.widgets import Button, Input, Select, Static
from tui_helpers import notes_of

from sop_tui.cycle.workspace import Workspace
from sop_tui.events.log import EventLog, NewEvent
from sop_tui.tui.dialogs.correct import AmendForm, RetractForm
from sop_tui.tui.dialogs.event_detail import EventDetail
from sop_tui.tui.screens import history as history_mod
from sop_tui.tui.screens.history import HistoryScreen, HistoryTable


class Host(App[None]):
    """The smallest app that shows the history as its first screen (as ``sop review`` may)."""

    def __init__(self, ws: Workspace, *, read_only: bool = False, cycle: str | None = None,
                 over: bool = False) -> None:
        super().__init__()
        self.ws = ws
        self.read_only = read_only
        self.cycle = cycle
        self.over = over

    def on_mount(self) -> None:
        if self.over:
            self.push_screen(Below())
        self.push_screen(HistoryScreen(self.ws, read_only=self.read_only, cycle=self.cycle))


class Below(Screen[None]):
    """A screen the history is pushed over (the dashboard, in the real app)."""


@pytest.fixture
def hws(file_log: EventLog, clock) -> Workspace:  # type: ignore[no-untyped-def]
    """A small cycle: seq 1 open, 2 portfolio started, 3 decision, 4 demand started,
    5-6 assumptions (PUMPS, VALVES), 7 action (supply), 8 cycle 2026-11, 9 its assumption."""
    ws = Workspace(file_log, actor="tester", clock=clock)
    ws.open_cycle("2026-12")
    ws.start_meeting("portfolio")
    ws.record_decision(question="Phase out pump P-100?", chosen="yes, by March",
                       rationale="margin below 5%", decided_by="GM", meeting="portfolio",
                       options=["yes, by March", "keep"], owner="Product", due="2027-03-31")
    ws.start_meeting("demand", reason="demand first this month")
    ws.record_assumption(text="Retailer adds 40 doors in Q1", owner="Sales", meeting="demand",
                         family="PUMPS")
    ws.record_assumption(text="Price rise in March", owner="Finance", meeting="demand",
                         family="VALVES")
    ws.record_action(text="Book overtime on line 3", owner="Ops", due="2026-12-20",
                     meeting="supply")
    ws.open_cycle("2026-11")
    ws.record_assumption(text="Older cycle note", owner="Sales", cycle="2026-11",
                         meeting="demand", family="PUMPS")
    return ws


async def ready(app: App[None], pilot) -> HistoryScreen:  # type: ignore[no-untyped-def]
    """Wait for the history's load worker and return the screen."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, HistoryScreen)
    return screen


def plain(renderable: object) -> str:
    console = Console(width=110, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def shown(screen: HistoryScreen) -> list[int]:
    return [r.seq for r in screen.query_one(HistoryTable).rows]


async def search(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    """Search as a user does ("/", the text, Enter), the text set at once to save key presses."""
    await pilot.press("slash")
    box = pilot.app.screen.query_one("#filter-text", Input)
    assert box.has_focus
    box.value = text
    await pilot.press("enter")
    await pilot.pause()


async def test_lists_every_event_newest_first(hws: Workspace) -> None:
    app = Host(hws)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        assert shown(screen) == list(range(9, 0, -1))
        title = str(screen.query_one("#history-title", Static).render())
        assert "9 events" in title


async def test_filter_by_type_and_meeting_narrows_rows(hws: Workspace) -> None:
    app = Host(hws)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        screen.query_one("#filter-type", Select).value = "AssumptionRecorded"
        await pilot.pause()
        assert shown(screen) == [9, 6, 5]
        screen.query_one("#filter-cycle", Select).value = "2026-12"
        await pilot.pause()
        assert shown(screen) == [6, 5]
        screen.query_one("#filter-type", Select).clear()
        screen.query_one("#filter-meeting", Select).value = "portfolio"
        await pilot.pause()
        assert shown(screen) == [3, 2]
        assert "2 of 9 events" in str(screen.query_one("#history-title", Static).render())
        await pilot.press("c")  # clear every filter
        await pilot.pause()
        assert shown(screen) == list(range(9, 0, -1))


async def test_filter_by_family_includes_its_corrections(hws: Workspace) -> None:
    hws.retract(5, "double counted")  # seq 10, about the PUMPS assumption
    app = Host(hws)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        screen.query_one("#filter-family", Select).value = "PUMPS"
        await pilot.pause()
        assert shown(screen) == [10, 9, 5]


async def test_text_filter_is_debounced_and_applies_on_enter(
    hws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A long debounce: the rows must not change per keystroke, only when the typing settles
    # (here: Enter, which applies at once).
    monkeypatch.setattr(history_mod, "TEXT_DEBOUNCE", 60.0)
    app = Host(hws)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("slash", "o", "v", "e", "r")
        await pilot.pause()
        assert len(shown(screen)) == 9
        await pilot.press("enter")
        await pilot.pause()
        assert shown(screen) == [7]
        assert isinstance(app.focused, HistoryTable)


async def test_text_filter_needs_every_word(hws: Workspace) -> None:
    app = Host(hws)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        await search(pilot, "sales pumps")
        assert shown(screen) == [9, 5]
        await search(pilot, "sales pumps 2026-12")  # "/" selects the old text: typing replaces
        assert shown(screen) == [5]


async def test_initial_cycle_preselects_the_filter(hws: Workspace) -> None:
    app = Host(hws, cycle="2026-11")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        assert shown(screen) == [9, 8]
        assert screen.query_one("#filter-cycle", Select).value == "2026-11"


async def test_detail_shows_envelope_payload_and_corrections(hws: Workspace) -> None:
    hws.amend(5, {"text": "Retailer adds 45 doors in Q1"}, "count confirmed")  # seq 10
    app = Host(hws)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await search(pilot, "retailer")
        await pilot.press("end", "enter")  # the oldest match: the assumption itself
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, EventDetail) and detail.event.seq == 5
        text = plain(detail.body())
        ev = hws.log.get(5)
        assert ev is not None
        for part in (ev.event_id, ev.hash, ev.prev_hash, "PUMPS", "Retailer adds 40 doors",
                     "now reads", "Retailer adds 45 doors", "event 10", "count confirmed"):
            assert part in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)


async def test_detail_of_a_correction_names_what_it_corrects(hws: Workspace) -> None:
    hws.retract(3, "deferred")  # seq 10
    app = Host(hws)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("enter")  # newest first: the retraction
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, EventDetail) and detail.event.seq == 10
        text = plain(detail.body())
        assert "corrects" in text and "event 3" in text and "Phase out pump P-100?" in text
        assert not detail.query("#detail-retract")  # a correction is not itself correctable


async def test_retract_from_detail_writes_the_event_and_marks_the_row(hws: Workspace) -> None:
    app = Host(hws)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        await search(pilot, "P-100")
        await pilot.press("enter", "r")
        await pilot.pause()
        assert isinstance(app.screen, RetractForm)
        for ch in "deferred":
            await pilot.press(ch)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        last = hws.log.events()[-1]
        assert last.type == "EventRetracted"
        assert last.payload["target"] == 3 and last.payload["reason"] == "deferred"
        assert app.screen is screen
        row = screen.query_one(HistoryTable).current
        assert row is not None and row.seq == 3
        assert row.retracted and row.note == f"retracted by {last.seq}"


async def test_retract_without_reason_is_refused_and_form_stays(hws: Workspace) -> None:
    app = Host(hws)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await search(pilot, "P-100")
        await pilot.press("enter", "r", "space", "ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RetractForm)
        error = form.query_one("#error-reason", Static)
        assert "say why" in str(error.render()) and error.display
        assert len(hws.log.events()) == 9
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, EventDetail)


async def test_amend_from_detail_writes_event_amended(hws: Workspace) -> None:
    app = Host(hws)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        await search(pilot, "overtime")
        await pilot.press("enter", "m")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, AmendForm)
        await pilot.press(*"owner", "tab")
        await pilot.pause()
        assert form.value("value") == "Ops"  # pre-filled with the current value, selected
        await pilot.press(*"Plant manager", "tab", *"ops", "ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        last = hws.log.events()[-1]
        assert last.type == "EventAmended"
        assert last.payload == {"target": 7, "target_event_id": hws.log.get(7).event_id,  # type: ignore[union-attr]
                                "reason": "ops", "changes": {"owner": "Plant manager"}}
        row = screen.query_one(HistoryTable).current
        assert row is not None and row.seq == 7 and row.amended
        assert row.note == f"amended by {last.seq}"
        assert hws.state().by_seq[7].payload["owner"] == "Plant manager"


async def test_amend_with_a_bad_value_names_the_field(hws: Workspace) -> None:
    app = Host(hws)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await search(pilot, "overtime")
        await pilot.press("enter", "m")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, AmendForm)
        await pilot.press(*"due", "tab", *"next friday", "tab", *"slipped", "ctrl+s")
        for _ in range(2):  # the save's worker, then what it said
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert app.screen is form  # still open, text kept
        error = str(form.query_one("#error-value", Static).render())
        assert "next friday" in error and "YYYY-MM-DD" in error
        assert form.value("value") == "next friday"
        assert len(hws.log.events()) == 9


async def test_read_only_hides_corrections(hws: Workspace, file_log: EventLog) -> None:
    ro = Workspace(EventLog(f"sqlite:///{file_log.path}", read_only=True))
    app = Host(ro, read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        assert "read-only" in str(screen.query_one("#history-title", Static).render())
        await search(pilot, "P-100")
        await pilot.press("enter")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, EventDetail)
        assert not detail.query("#detail-retract") and not detail.query("#detail-amend")
        assert [b.id for b in detail.query(Button)] == ["detail-close"]
        await pilot.press("r", "m")
        await pilot.pause()
        assert app.screen is detail
        assert len(hws.log.events()) == 9


async def test_verify_shows_ok(hws: Workspace) -> None:
    app = Host(hws)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("v")
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = str(screen.query_one("#history-status", Static).render())
        head = hws.log.head()
        assert f"ok: 9 events, head {head.hash[:12]}" in status
        assert screen.query_one("#history-status").has_class("-ok")


def _tamper(path: Path, sql: str) -> None:
    con = sqlite3.connect(path)
    for name in ("events_no_update", "events_no_delete", "events_append_only"):
        con.execute(f"DROP TRIGGER {name}")
    con.execute(sql)
    con.commit()
    con.close()


async def test_verify_names_the_tampered_event(hws: Workspace, file_log: EventLog) -> None:
    _tamper(file_log.path,
            """UPDATE events SET payload = '{"family":"PUMPS","owner":"Sales","text":"60 doors"}'
               WHERE seq = 5""")
    app = Host(hws)
    notes = notes_of(app)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("v")
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = screen.query_one("#history-status", Static)
        assert "chain broken at event 5: content changed" in str(status.render())
        assert status.has_class("-broken")
        errors = [n for n in notes if n.severity == "error"]
        assert errors and "event 5" in errors[-1].message


async def test_escape_goes_back_only_when_something_is_below(hws: Workspace) -> None:
    app = Host(hws)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen  # sop review: the history is the app
    over = Host(hws, over=True)
    async with over.run_test(size=(120, 40)) as pilot:
        await ready(over, pilot)
        await pilot.press("slash", "escape")  # first Escape leaves the search box
        await pilot.pause()
        assert isinstance(over.screen, HistoryScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(over.screen, Below)


async def test_new_events_appear_when_returning_to_the_screen(hws: Workspace) -> None:
    app = Host(hws, over=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        hws.record_assumption(text="Late news", owner="Sales", meeting="demand")
        app.push_screen(screen)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert shown(screen)[0] == 10


@pytest.fixture
def big_ws(hws: Workspace) -> Workspace:
    """The small cycle plus 10,000 assumptions appended in one batch."""
    hws.log.append_all([
        NewEvent("AssumptionRecorded",
                 {"text": f"assumption number {i}", "owner": "Sales", "family": f"F{i % 40:02d}"},
                 cycle="2026-12", meeting=("demand", "supply")[i % 2], actor="bulk")
        for i in range(10_000)
    ])
    return hws


async def test_ten_thousand_events_open_and_scroll(big_ws: Workspace) -> None:
    app = Host(big_ws)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        table = screen.query_one(HistoryTable)
        assert len(table.rows) == 10_009 and table.rows[0].seq == 10_009
        page = table.page_rows
        for _ in range(20):
            await pilot.press("pagedown")
        await pilot.pause()
        assert table.cursor == 20 * page
        assert table.current is not None and table.current.seq == 10_009 - 20 * page
        assert int(table.scroll_y) == table.cursor - page + 1  # the cursor row is on screen
        await pilot.press("end")
        await pilot.pause()
        assert table.current is not None and table.current.seq == 1
        await search(pilot, "number 9999 f39")
        assert shown(screen) == [10_009]


@pytest.mark.slow
async def test_demo_store_history(demo_ws: Workspace) -> None:
    app = Host(demo_ws)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        types = {r.type for r in screen.query_one(HistoryTable).rows}
        assert {"CycleOpened", "DatasetImported"} <= types


async def test_esc_in_the_search_left_the_history_it_clears_the_search_first(
        hws: Workspace) -> None:
    app = Host(hws, over=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("slash", *"overtime")
        await pilot.press("enter")  # Enter keeps the search: one row
        await pilot.pause()
        assert shown(screen) == [7]
        await pilot.press("slash", "escape")  # Esc in the box: the search goes, we stay
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one("#filter-text", Input).value == ""
        assert len(shown(screen)) == 9  # every event again
        assert screen.query_one(HistoryTable).has_focus
        await pilot.press("escape")  # from the table: back
        await pilot.pause()
        assert isinstance(app.screen, Below)


async def test_five_tabs_to_reach_the_table_one_from_the_search_or_the_first_filter(
        hws: Workspace) -> None:
    app = Host(hws)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        table = screen.query_one(HistoryTable)
        assert table.has_focus
        await pilot.press("slash", "tab")
        assert table.has_focus
        await pilot.press("tab")  # the filters come next, the first of them at once
        assert screen.focused is screen.query_one("#filter-cycle", Select)
        await pilot.press("shift+tab")
        assert table.has_focus
