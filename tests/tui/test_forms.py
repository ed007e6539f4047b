"""The form framework's promises, each pinned by the fault it fixed: keys typed ahead at full
speed land where they were typed, bad input is refused where it is typed (every problem at once,
in a planner's words), and the forms' look faults (a role prefilled as a name, a dropdown over
the hint, a confirmation cut short)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

import pytest
from textual import events
from textual.widgets import Input, Select, Static

from sop_tui.cycle.workspace import Workspace
from sop_tui.tui.dialogs.capture import ActionForm, AssumptionForm, DecisionForm
from sop_tui.tui.dialogs.confirm import ConfirmDialog
from sop_tui.tui.dialogs.form import Form
from sop_tui.tui.dialogs.outcome import ApproveDialog
from sop_tui.tui.screens.meeting import MeetingScreen

SIZE = (120, 40)
pytestmark = pytest.mark.usefixtures("stub_panels", "no_numbers")


def keys_of(*parts: str | Iterable[str]) -> list[str]:
    """Key names: a str part is typed character by character, a list part holds key names."""
    out: list[str] = []
    for part in parts:
        out.extend(part if not isinstance(part, str) else list(part))
    return out


def type_at_full_speed(app: object, keys: list[str]) -> None:
    """Post every key to the app at once, as a terminal hands over a burst of typing: no
    pause between keys, none of them handled before the last is queued."""
    for key in keys:
        if len(key) == 1:
            char: str | None = key
            name = key if key.isalnum() else (
                unicodedata.name(key).lower().replace("-", "_").replace(" ", "_"))
            name = {"hyphen_minus": "minus"}.get(name, name)
        else:
            name, char = key, {"tab": "\t", "enter": "\r"}.get(key)
        app.post_message(events.Key(name, char))  # type: ignore[attr-defined]


async def settle(app, pilot) -> None:  # type: ignore[no-untyped-def]
    """Until the keys, the save's worker and what it posted are all handled."""
    for _ in range(4):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


def _error(form: Form, name: str) -> str:  # type: ignore[type-arg]
    line = form.query_one(f"#error-{name}", Static)
    return str(line.render()) if line.has_class("-shown") else ""


async def _meeting(app, pilot, meeting: str = "demand") -> MeetingScreen:  # type: ignore[no-untyped-def]
    app.open_meeting(meeting, reason="test: straight to this meeting")
    await pilot.pause()
    assert isinstance(app.screen, MeetingScreen)
    return app.screen


# -- type-ahead is never lost ----------------------------------------------------------------


async def test_a_whole_form_typed_at_full_speed_saves_every_field(
        demo_ws: Workspace, make) -> None:
    """The opening key, every field and Ctrl+S in one burst: each value in the saved event."""
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _meeting(app, pilot)
        type_at_full_speed(app, keys_of(
            ["a"], "Distributors restock in Q1", ["tab"], "Kim Lee", ["tab"], "BRG-01",
            ["tab"], "2027-01..2027-03", ["tab"], "1200", ["tab"], "54,000", ["tab"], "sales",
            ["ctrl+s"]))
        await settle(app, pilot)
        assert app.screen is screen, "the form should have saved and closed"
        (ev,) = demo_ws.log.events(types=["AssumptionRecorded"])
        assert ev.payload == {"text": "Distributors restock in Q1", "owner": "Kim Lee",
                              "family": "BRG-01",
                              "months": {"first": "2027-01", "last": "2027-03"},
                              "units": 1200.0, "dollars": 54000.0, "source": "sales"}


async def test_text_typed_fast_after_tab_does_not_land_in_the_field_before(
        demo_ws: Workspace, make) -> None:
    """The "2026-13abc" fault: what came after a Tab went into the field before it."""
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await _meeting(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, AssumptionForm)
        type_at_full_speed(app, keys_of("abc", ["tab", "tab", "tab"], "2026-12", ["tab"],
                                        "7"))
        await settle(app, pilot)
        values = form.values()
        assert (values["text"], values["months"], values["units"]) == ("abc", "2026-12", "7")


async def test_fast_typing_never_saves_only_the_text(demo_ws: Workspace, make) -> None:
    """The fault where Ctrl+S right after typing saved the text and lost months, units and
    dollars: Ctrl+S now acts after every key typed before it."""
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await _meeting(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        type_at_full_speed(app, keys_of("Rebate", ["tab", "tab", "tab"], "2027-02", ["tab"],
                                        "300", ["tab"], "9000", ["ctrl+s"]))
        await settle(app, pilot)
        (ev,) = demo_ws.log.events(types=["AssumptionRecorded"])
        assert ev.payload["months"] == {"first": "2027-02", "last": "2027-02"}
        assert (ev.payload["units"], ev.payload["dollars"]) == (300.0, 9000.0)


async def test_backspace_typed_fast_deletes_the_character_typed_before_it(
        demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await _meeting(app, pilot)
        type_at_full_speed(app, keys_of(["a"], "steek", ["backspace"], "l", ["tab"], "Kim",
                                        ["backspace", "backspace", "backspace"], "Ana"))
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, AssumptionForm)
        assert (form.values()["text"], form.values()["owner"]) == ("steel", "Ana")


async def test_ctrl_q_right_after_typing_asks_before_losing_the_text(
        demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await _meeting(app, pilot)
        type_at_full_speed(app, keys_of(["x"], "Call the supplier", ["ctrl+q"]))
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ActionForm)
        assert app.screen.values()["text"] == "Call the supplier"


# -- bad input refused where it is typed ------------------------------------------------------


async def test_a_field_is_checked_as_it_is_left(demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await _meeting(app, pilot)
        await pilot.press("a", "tab", "tab", "tab", *"2026-13", "tab")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, AssumptionForm)
        assert "'2026-13' is not a month" in _error(form, "months")
        assert not _error(form, "text")  # left blank on the way through: said on saving
        await pilot.press("shift+tab", *"2026-11", "tab")  # reached again: typing replaces
        await pilot.pause()
        assert not _error(form, "months")  # fixed: the problem goes


async def test_every_problem_is_shown_at_once_in_a_planners_words(
        demo_ws: Workspace, make) -> None:
    """Errors came one round at a time, as raw pydantic text ("String should have at least
    1 character"); nothing is recorded until all hold."""
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await _meeting(app, pilot, "portfolio")
        await pilot.press("d", "ctrl+s")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, DecisionForm)
        form.set_value("decided_by", "")  # the owner's role, cleared
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        shown = {n: _error(form, n) for n in ("question", "options", "chosen", "rationale",
                                              "decided_by")}
        assert shown == {"question": "required",
                         "options": "0 option(s) given; name at least two options considered "
                                    "(the one chosen among them)",
                         "chosen": "must not be blank: say which option was chosen",
                         "rationale": "required", "decided_by": "required"}
        assert form.focused is form.field_widget("question")
        assert "String should" not in " ".join(str(w.render()) for w in form.query(Static))
        assert demo_ws.log.events(types=["DecisionRecorded"]) == []


async def test_a_chosen_option_not_among_the_options_is_refused(demo_ws: Workspace,
                                                                make) -> None:
    """ "chosen: maybe" was saved for the options launch / delay / cancel."""
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await _meeting(app, pilot, "portfolio")
        await pilot.press("d", *"Launch the X200?", "tab", *"launch", "enter", *"delay",
                          "enter", *"cancel", "tab", *"maybe", "tab")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, DecisionForm)
        assert _error(form, "chosen") == "'maybe' is not among the options (launch, delay, cancel)"
        form.set_value("rationale", "volume")
        form.set_value("decided_by", "Dana")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        assert demo_ws.log.events(types=["DecisionRecorded"]) == []
        form.set_value("chosen", "Delay")  # case does not matter; the option is saved as listed
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        (ev,) = demo_ws.log.events(types=["DecisionRecorded"])
        assert ev.payload["chosen"] == "delay"


async def test_a_due_date_in_the_past_is_refused(demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await _meeting(app, pilot, "supply")
        await pilot.press("x", *"Book overtime", "tab", "tab", *"2026-11-20", "tab")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ActionForm)
        assert _error(form, "due") == "2026-11-20 is in the past (today is 2026-12-01)"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert demo_ws.log.events(types=["ActionRecorded"]) == []


async def test_a_refusal_by_the_command_stays_beside_its_field_until_changed(
        demo_ws: Workspace, make) -> None:
    """What only the command can check (a family in the data) is shown like the rest, and
    moving through the fields does not wipe it."""
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await _meeting(app, pilot)
        await pilot.press("a", *"Promo", "tab", "tab", *"NOPE-01", "ctrl+s")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, AssumptionForm)
        assert _error(form, "family") == "'NOPE-01' is not a family in the items data"
        await pilot.press("tab", "tab")  # through the fields: the refusal stays
        await pilot.pause()
        assert _error(form, "family")
        form.set_value("family", "BRG-01")
        await pilot.press("shift+tab")
        await pilot.pause()
        assert not _error(form, "family")  # changed: the command will say again on saving


# -- look faults -------------------------------------------------------------------------------


async def test_approved_by_is_empty_with_the_role_as_a_hint(demo_ws: Workspace, make) -> None:
    """ "Approved by" was prefilled with the role and the cursor landed after it."""
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await _meeting(app, pilot, "executive")
        app.push_screen(ApproveDialog(demo_ws, cycle="2026-12", scenario="consensus",
                                      role="GM / CFO", summary="the plan"))
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ApproveDialog)
        field = form.field_widget("approved_by")
        assert isinstance(field, Input)
        assert field.value == "" and "GM / CFO" in field.placeholder
        assert form.focused is field
        await pilot.press(*"Ana Ortiz", "ctrl+s")
        await settle(app, pilot)
        (ev,) = demo_ws.log.events(types=["PlanApproved"])
        assert ev.payload["approved_by"] == "Ana Ortiz"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_action_forms_decision_field_spills_over_nothing(
        demo_ws: Workspace, make, size: tuple[int, int]) -> None:
    """Its dropdown spilled over the modal's hint line: the field is now a line with
    completions; every line of the form, the hint last, is drawn where it is laid out."""
    for i in range(6):
        demo_ws.record_decision(question=f"Question {i}?", chosen="yes", rationale="r",
                                decided_by="Ops", options=["yes", "no"], owner="Ops",
                                due="2027-01-31", meeting="supply")
    app = make(demo_ws)
    async with app.run_test(size=size) as pilot:
        await _meeting(app, pilot, "supply")
        await pilot.press("x", "tab", "tab", "tab", "tab", "#")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ActionForm)
        assert not form.query(Select)
        hint = form.query_one(".form-hint", Static)
        region = hint.region
        assert region.height >= 1 and region.bottom <= size[1]
        for x in range(region.x, region.right):
            assert form.get_widget_at(x, region.y)[0] is hint


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_confirmation_wraps_its_sentence(demo_ws: Workspace, make,
                                                 size: tuple[int, int]) -> None:
    """ "Close th": the close confirmation's sentence was cut at the box's edge."""
    question = ("Every exit criterion of Product/portfolio review holds. Close the meeting?")
    app = make(demo_ws)
    async with app.run_test(size=size) as pilot:
        app.push_screen(ConfirmDialog(question, yes="Close", no="Not yet"))
        await pilot.pause()
        line = app.screen.query_one(".dialog-question", Static)
        drawn = " ".join(line.render_line(y).text.strip() for y in range(line.size.height))
        assert " ".join(drawn.split()) == question


def test_every_form_says_its_fields_and_how_to_save():
    """``Form.fields`` and ``Form.submit`` raise for a form that forgot them: every form in the
    app provides its fields, and a way to save (``submit``, or its own ``action_save`` as the
    send-pack dialog has), so neither raise is reachable from the app."""
    import importlib
    import pkgutil

    import sop_tui.tui
    from sop_tui.tui.dialogs.form import Form

    for mod in pkgutil.walk_packages(sop_tui.tui.__path__, "sop_tui.tui."):
        importlib.import_module(mod.name)
    pending: list[type] = list(Form.__subclasses__())
    forms = []
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("sop_tui.") and not cls.__subclasses__():
            forms.append(cls)  # the forms the app opens; intermediate bases are not
    assert len(forms) >= 8
    for cls in forms:
        assert cls.fields is not Form.fields, f"{cls.__name__} lists no fields"
        saves = cls.submit is not Form.submit or cls.action_save is not Form.action_save
        assert saves, f"{cls.__name__} says not how to save"
