"""The capture forms: pre-filled fields, one event per save, named errors, cancel writes nothing."""

from __future__ import annotations

import pytest
from textual.widgets import Label, Select, Static

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


async def test_a_bad_number_names_its_field_and_keeps_the_text(demo_ws: Workspace,
                                                               make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await _in_meeting(app, pilot)
        await pilot.press("a", *"Price")
        form = app.screen
        assert isinstance(form, AssumptionForm)
        form.query_one("#field-units").value = "twelve"  # type: ignore[attr-defined]
        form.query_one("#field-months").value = "2027-01..2026-12"  # type: ignore[attr-defined]
        await _save(app, pilot)
        assert app.screen is form
        assert "not a number" in str(form.query_one("#error-units", Static).render())
        assert form.query_one("#field-units").has_class("-invalid")
        assert form.values()["text"] == "Price"
        assert _captured(demo_ws) == []
        # the months are checked by the command once the number holds
        form.query_one("#field-units").value = "1200"  # type: ignore[attr-defined]
        await _save(app, pilot)
        assert app.screen is form
        assert not form.query_one("#field-units").has_class("-invalid")
        assert "ends before it starts" in str(form.query_one("#error-months", Static).render())
        assert _captured(demo_ws) == []


async def test_a_decision_with_options_and_skus(demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await _in_meeting(app, pilot, "portfolio")
        await pilot.press("d")
        form = app.screen
        assert isinstance(form, DecisionForm)
        assert form.values()["decided_by"] == "Product management"
        form.query_one("#field-question").value = "Phase out the 200 series?"  # type: ignore[attr-defined]
        await pilot.press("tab", *"keep", "enter", *"out", "tab", *"out")  # options, chosen
        form.query_one("#field-rationale").value = "volume below 1% of revenue"  # type: ignore[attr-defined]
        form.query_one("#field-skus").value = "0200, 0201"  # type: ignore[attr-defined]
        form.query_one("#field-owner").value = "Product manager"  # type: ignore[attr-defined]
        form.query_one("#field-due").value = "2027-01-31"  # type: ignore[attr-defined]
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
        form.query_one("#field-due").value = "2027-02-30x"  # type: ignore[attr-defined]
        await _save(app, pilot)
        assert app.screen is form
        err = str(form.query_one("#error-due", Static).render())
        assert err.startswith("due:") and "YYYY-MM-DD" in err
        assert form.query_one("#field-due").has_class("-invalid")
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
        select = form.query_one("#field-decision", Select)
        select.value = str(decision.seq)
        form.query_one("#field-due").value = "2027-01-15"  # type: ignore[attr-defined]
        form.query_one("#field-dollars").value = "$12,500"  # type: ignore[attr-defined]
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


# -- re-used forms: each open starts afresh --------------------------------------------------
# The meeting forms are built once per app and re-used (opening one took 110-250 ms to build);
# these pin that nothing of one capture reaches the next.


async def test_the_forms_are_built_before_the_first_key(demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await _in_meeting(app, pilot)
        await pilot.pause()
        await pilot.pause()
        for cls in (AssumptionForm, DecisionForm, ActionForm):
            name = f"sop-capture-{cls.__name__}"
            assert app.is_screen_installed(name)
            assert app.get_screen(name).is_running, cls.__name__


async def test_a_second_open_is_empty_after_a_refused_save_and_a_discard(
        demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _in_meeting(app, pilot)
        await pilot.press("a", *"Price")
        form = app.screen
        assert isinstance(form, AssumptionForm)
        form.query_one("#field-units").value = "twelve"  # type: ignore[attr-defined]
        form.query_one("#field-owner").value = "Finance"  # type: ignore[attr-defined]
        await _save(app, pilot)
        assert form.query_one("#error-units").has_class("-shown")
        await pilot.press("escape", "y")  # discard
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("a")
        await pilot.pause()
        assert app.screen is form  # the same form, re-used
        assert form.values() == {"text": "", "owner": "Demand planning", "family": "",
                                 "months": "", "units": "", "dollars": "", "source": ""}
        assert not form.query(".field-error.-shown")
        assert not form.query(".field.-invalid")
        assert not form.saving
        assert form.focused is form.query_one("#field-text")
        assert not form.holds_text
        await pilot.press(*"Steel holds")
        await _save(app, pilot)
        events = _captured(demo_ws)
        assert [e.payload for e in events] == [{"text": "Steel holds", "owner": "Demand planning"}]


async def test_each_open_prefills_the_family_on_screen_and_the_meeting(
        demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _in_meeting(app, pilot)
        screen.post_message(Panel.FamilyFocused(FAMILY))
        await pilot.pause()
        await pilot.press("a", *"one")
        await _save(app, pilot)
        screen.post_message(Panel.FamilyFocused("VLV-02"))
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, AssumptionForm)
        assert form.values()["text"] == "" and form.values()["family"] == "VLV-02"
        await pilot.press("escape")
        await pilot.pause()
        # another meeting: its owner role, its title, and the events land in it
        app.pop_screen()
        await pilot.pause()
        supply = await _in_meeting(app, pilot, "supply")
        await pilot.press("a")
        await pilot.pause()
        assert app.screen is form
        assert form.values()["owner"] == "Supply / operations"
        assert form.values()["family"] == ""  # the supply meeting has shown no family
        context = str(form.query_one("#form-context", Label).render())
        assert "Supply review" in context
        await pilot.press(*"two")
        await _save(app, pilot)
        assert app.screen is supply
        events = _captured(demo_ws)
        assert [(e.meeting, e.payload.get("family"), e.payload["owner"]) for e in events] == [
            ("demand", FAMILY, "Demand planning"), ("supply", None, "Supply / operations")]


async def test_a_reopened_decision_form_has_no_options_left(demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await _in_meeting(app, pilot, "portfolio")
        await pilot.press("d", "tab", *"keep", "enter", *"out")
        form = app.screen
        assert isinstance(form, DecisionForm)
        assert form.values()["options"] == "keep\nout"
        await pilot.press("escape", "y")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert app.screen is form
        assert form.values()["options"] == ""
        assert form.values()["decided_by"] == "Product management"
        assert form.focused is form.query_one("#field-question")


async def test_a_reopened_action_form_lists_a_decision_recorded_meanwhile(
        demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await _in_meeting(app, pilot, "supply")
        await pilot.press("x")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ActionForm)
        select = form.query_one("#field-decision", Select)
        select.value = Select.NULL
        await pilot.press("escape")
        await pilot.pause()
        decision = demo_ws.record_decision(question="Add a shift?", chosen="yes",
                                           rationale="gap in March", decided_by="Ops",
                                           options=["yes", "no"], owner="Ops",
                                           due="2027-01-31", meeting="supply")
        await pilot.press("x")
        await pilot.pause()
        assert app.screen is form
        assert select.value is Select.NULL  # nothing chosen
        select.value = str(decision.seq)  # refused unless it is one of the options
        assert form.values()["decision"] == str(decision.seq)


async def test_quit_does_not_ask_about_a_closed_form(demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await _in_meeting(app, pilot)
        await pilot.press("a", *"half", "escape", "y")  # discarded; the form is kept, hidden
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        assert app.return_code == 0 or app._exit


@pytest.mark.parametrize("key", ["a", "d", "x"])
async def test_a_reopened_form_looks_as_the_first_open_did(demo_ws: Workspace, make,
                                                           key: str) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await _in_meeting(app, pilot, "supply")
        await pilot.press(key)
        await pilot.pause()
        first = app.export_screenshot()
        form = app.screen
        # type in two fields, fail a save (error lines shown), then discard
        await pilot.press(*"some text", "tab", "ctrl+a", *"someone else", "tab", *"x")
        await _save(app, pilot)
        assert app.screen is form
        await pilot.press("escape")
        await pilot.pause()
        if isinstance(app.screen, ConfirmDialog):
            await pilot.press("y")
            await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        await pilot.press(key)
        await pilot.pause()
        assert app.screen is form
        assert app.export_screenshot() == first
        assert _captured(demo_ws) == []
