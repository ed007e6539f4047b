"""The capture forms: pre-filled fields, one event per save, named errors, cancel writes nothing,
and each open a fresh form."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from sop_tui.cycle.workspace import Workspace
from sop_tui.tui.dialogs.capture import ActionForm, AssumptionForm, DecisionForm
from sop_tui.tui.dialogs.confirm import ConfirmDialog
from sop_tui.tui.panels.base import Panel
from sop_tui.tui.screens.meeting import MeetingScreen

SIZE = (120, 40)
FAMILY = "BRG-01"  # a family of the demo company

pytestmark = pytest.mark.usefixtures("stub_panels", "no_numbers")

CAPTURED = ("AssumptionRecorded", "DecisionRecorded", "ActionRecorded")


def _captured(ws: Workspace) -> list:  # type: ignore[type-arg]
    return ws.log.events(types=CAPTURED)


def _error(form: object, name: str) -> str:
    line = form.query_one(f"#error-{name}", Static)  # type: ignore[attr-defined]
    return str(line.render()) if line.has_class("-shown") else ""


async def _in_meeting(app, pilot, meeting: str = "demand") -> MeetingScreen:  # type: ignore[no-untyped-def]
    app.open_meeting(meeting, reason="test: straight to this meeting")
    await pilot.pause()
    assert isinstance(app.screen, MeetingScreen)
    return app.screen


async def _save(app, pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+s")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_an_assumption_is_a_sentence_and_ctrl_s(demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _in_meeting(app, pilot)
        # the panel says which family it shows: the form pre-fills it
        screen.post_message(Panel.FamilyFocused(FAMILY))
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AssumptionForm)
        await pilot.press(*"Distributors restock in Q1")
        await _save(app, pilot)
        assert isinstance(app.screen, MeetingScreen)  # closed after the write
        events = _captured(demo_ws)
        assert len(events) == 1
        ev = events[0]
        assert ev.type == "AssumptionRecorded"
        assert (ev.cycle, ev.meeting) == ("2026-12", "demand")
        assert ev.payload == {"text": "Distributors restock in Q1", "owner": "Demand planning",
                              "family": FAMILY}
        # the captured list shows it, newest first
        captured = str(screen.query_one("#captured", Static).render())
        assert "Distributors restock in Q1" in captured and f"#{ev.seq}" in captured


async def test_bad_numbers_and_months_are_named_at_once_and_the_text_kept(
        demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await _in_meeting(app, pilot)
        await pilot.press("a", *"Price")
        form = app.screen
        assert isinstance(form, AssumptionForm)
        form.set_value("units", "twelve")
        form.set_value("months", "2027-01..2026-12")
        await _save(app, pilot)
        assert app.screen is form
        assert "not a number" in _error(form, "units")
        assert "ends before it starts" in _error(form, "months")  # the same round
        assert form.field_widget("units").has_class("-invalid")
        assert form.values()["text"] == "Price"
        assert _captured(demo_ws) == []
        form.set_value("units", "1,200")
        form.set_value("months", "2027-01..2027-03")
        await _save(app, pilot)
        assert app.screen is not form
        assert _captured(demo_ws)[0].payload["units"] == 1200


async def test_a_decision_with_options_and_skus(demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await _in_meeting(app, pilot, "portfolio")
        await pilot.press("d")
        form = app.screen
        assert isinstance(form, DecisionForm)
        form.set_value("question", "Phase out the 200 series?")
        await pilot.press("tab", *"keep", "enter", *"out", "tab", *"out")  # options, chosen
        form.set_value("rationale", "volume below 1% of revenue")
        assert form.values()["decided_by"] == "Product management"  # the owner's role
        form.set_value("skus", "0200, 0201")
        form.set_value("due", "2027-01-31")
        await _save(app, pilot)
        events = _captured(demo_ws)
        assert len(events) == 1
        p = events[0].payload
        assert events[0].type == "DecisionRecorded" and events[0].meeting == "portfolio"
        assert p["question"] == "Phase out the 200 series?"
        assert p["options"] == ["keep", "out"]
        assert p["chosen"] == "out"
        assert p["rationale"] == "volume below 1% of revenue"
        assert p["decided_by"] == "Product management"
        assert p["skus"] == ["0200", "0201"]  # codes keep their leading zeros
        assert p["due"] == "2027-01-31"


async def test_a_bad_due_date_keeps_the_action_form_open_and_writes_nothing(
        demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await _in_meeting(app, pilot, "supply")
        await pilot.press("x", *"Quote")
        form = app.screen
        assert isinstance(form, ActionForm)
        form.set_value("due", "2027-02-30")
        await _save(app, pilot)
        assert app.screen is form
        assert "not a day of the calendar" in _error(form, "due")
        assert form.field_widget("due").has_class("-invalid")
        assert form.values()["text"] == "Quote"
        assert _captured(demo_ws) == []


async def test_an_action_serves_a_decision_of_the_cycle(demo_ws: Workspace, make) -> None:
    decision = demo_ws.record_decision(question="Add a shift?", chosen="yes",
                                       rationale="gap in March", decided_by="Ops",
                                       options=["yes", "no"], owner="Ops",
                                       due="2027-01-31", meeting="supply")
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await _in_meeting(app, pilot, "supply")
        await pilot.press("x", *"Hire")
        form = app.screen
        assert isinstance(form, ActionForm)
        assert form.values()["owner"] == "Supply / operations"
        assert f"#{decision.seq} Add a shift?" in form.field_widget("decision").placeholder
        form.set_value("decision", "#999")
        form.set_value("due", "2027-01-15")
        form.set_value("dollars", "$12,500")
        await _save(app, pilot)
        assert "not a decision of cycle 2026-12" in _error(form, "decision")
        form.set_value("decision", f"#{decision.seq}")
        await _save(app, pilot)
        actions = demo_ws.log.events(types=["ActionRecorded"])
        assert len(actions) == 1
        assert actions[0].payload == {"text": "Hire", "owner": "Supply / operations",
                                      "due": "2027-01-15", "dollars": 12500.0,
                                      "decision": decision.seq}


@pytest.mark.parametrize("key", ["a", "d", "x"])
async def test_escape_on_an_untouched_form_writes_nothing(demo_ws: Workspace, make,
                                                          key: str) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _in_meeting(app, pilot)
        await pilot.press(key)
        await pilot.pause()
        assert not isinstance(app.screen, MeetingScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert _captured(demo_ws) == []


async def test_escape_with_text_asks_before_discarding(demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _in_meeting(app, pilot)
        await pilot.press("a", *"half", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # keep editing
        await pilot.pause()
        assert isinstance(app.screen, AssumptionForm)
        assert app.screen.values()["text"] == "half"
        await pilot.press("escape", "y")
        await pilot.pause()
        assert app.screen is screen
        assert _captured(demo_ws) == []


async def test_each_open_is_a_fresh_form_for_the_family_and_meeting_on_screen(
        demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _in_meeting(app, pilot)
        screen.post_message(Panel.FamilyFocused(FAMILY))
        await pilot.pause()
        await pilot.press("a", *"one")
        first = app.screen
        first.set_value("units", "twelve")  # type: ignore[attr-defined]
        await _save(app, pilot)  # refused: the number
        await pilot.press("escape", "y")
        await pilot.pause()
        screen.post_message(Panel.FamilyFocused("VLV-02"))
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, AssumptionForm) and form is not first
        assert form.values() == {"text": "", "owner": "Demand planning", "family": "VLV-02",
                                 "months": "", "units": "", "dollars": "", "source": ""}
        assert not form.query(".form-error.-shown") and not form.holds_text
        assert form.focused is form.field_widget("text")
        await pilot.press("escape")
        await pilot.pause()
        # another meeting: its owner role, its title, and the events land in it
        app.pop_screen()
        await pilot.pause()
        supply = await _in_meeting(app, pilot, "supply")
        await pilot.press("a", *"two")
        await _save(app, pilot)
        assert app.screen is supply
        events = _captured(demo_ws)
        assert [(e.meeting, e.payload.get("family"), e.payload["owner"]) for e in events] == [
            ("supply", None, "Supply / operations")]


async def test_a_prefilled_owner_is_replaced_by_typing(demo_ws: Workspace, make) -> None:
    """The owner role is selected when its field is reached: typing a name replaces it (the
    cursor does not land after the role, where typing would append to it)."""
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await _in_meeting(app, pilot)
        await pilot.press("a", *"Steel holds", "tab", *"Kim Lee")
        await _save(app, pilot)
        assert _captured(demo_ws)[0].payload["owner"] == "Kim Lee"


async def test_quit_does_not_ask_about_a_closed_form(demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await _in_meeting(app, pilot)
        await pilot.press("a", *"half", "escape", "y")  # discarded
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        assert not app.is_running
