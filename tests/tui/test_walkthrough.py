"""The five meetings of the demo cycle, by key presses only (issue 4's pilot walkthrough).

One facilitator, one app at 120×40 on the demo store: from the dashboard through the portfolio
review (bulk decisions over 309 items), the demand review (a consensus for each of 40 families,
FST-02's averaging caught), the supply review (every capacity gap covered, a resource's gaps in
one decision), the pre-S&OP (three scenarios, a recommendation with open decisions) to the
executive approval. After each meeting the events it wrote are asserted; at the end every
meeting is closed and the log's hash chain holds.

Slow: ~175 s on the shared 2-core box (load 3-5), most of it Textual drawing the meeting
screen after each of the 40 consensus choices (~3.5 s a family by pilot; see the report of
the walkthrough commit).
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, OptionList
from textual.worker import WorkerFailed

from sop_tui.cycle.workspace import Workspace
from sop_tui.events.types import Event
from sop_tui.tui.dialogs.capture import AssumptionForm, DecisionForm
from sop_tui.tui.dialogs.confirm import ConfirmDialog
from sop_tui.tui.dialogs.consensus import ConsensusDialog
from sop_tui.tui.dialogs.outcome import ApproveDialog
from sop_tui.tui.dialogs.recommendation import RecommendationDialog
from sop_tui.tui.dialogs.scenario import ScenarioDialog
from sop_tui.tui.panels.demand import DemandPanel
from sop_tui.tui.panels.executive import ExecutivePanel
from sop_tui.tui.panels.portfolio import PortfolioPanel
from sop_tui.tui.panels.scenarios import ScenariosPanel
from sop_tui.tui.panels.supply import SupplyPanel
from sop_tui.tui.screens.dashboard import DashboardScreen
from sop_tui.tui.screens.meeting import MeetingScreen

SIZE = (120, 40)
CYCLE = "2026-12"


async def settle(app: Any, pilot: Pilot[Any]) -> None:
    """Wait for the workers (panel loads, criteria checks, scenario evaluation) and their
    messages; a failed worker fails the walk."""
    for _ in range(3):
        try:
            await app.workers.wait_for_complete()
        except WorkerFailed as exc:  # pragma: no cover - the walk must not hit one
            raise AssertionError(f"a worker failed: {exc}") from exc
        await pilot.pause()


async def type_text(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*["space" if ch == " " else ch for ch in text])


def new_events(ws: Workspace, after: int) -> list[Event]:
    return [e for e in ws.log.iter_events() if e.seq > after]


def head(ws: Workspace) -> int:
    return ws.state().last_seq


async def close_meeting(app: Any, pilot: Pilot[Any]) -> None:
    """c, the criteria checked in a worker, the confirmation answered y: back on the dashboard."""
    await pilot.press("c")
    await settle(app, pilot)
    assert isinstance(app.screen, ConfirmDialog), f"not closable: {app.screen!r}"
    await pilot.press("y")
    await settle(app, pilot)
    assert isinstance(app.screen, DashboardScreen)


async def open_next_meeting(app: Any, pilot: Pilot[Any], meeting: str) -> MeetingScreen:
    """From the dashboard, where the meeting just closed leaves the next one selected: Enter."""
    await pilot.press("enter")
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, MeetingScreen) and screen.meeting.id == meeting
    return screen


async def go_to_panel(app: Any, pilot: Pilot[Any], panel_type: type) -> Any:
    """n until the agenda item shows a panel of ``panel_type``; the panel loaded."""
    screen = app.screen
    for _ in range(len(screen.meeting.agenda)):
        found = list(screen.query(panel_type))
        if found:
            await settle(app, pilot)
            return found[0]
        await pilot.press("n")
        await settle(app, pilot)
    raise AssertionError(f"no {panel_type.__name__} on the agenda of {screen.meeting.id}")


@pytest.mark.slow
@pytest.mark.usefixtures("no_numbers")
async def test_the_five_meetings_by_keys(demo_ws: Workspace, make: Any,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # the statistical forecast takes tens of seconds and the walk chooses no statistical source
    monkeypatch.setattr(DemandPanel, "AUTO_STATISTICAL", False)
    ws = demo_ws
    app = make(ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)

        # -- 1. portfolio review -----------------------------------------------------------
        mark = head(ws)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MeetingScreen)
        assert app.screen.meeting.id == "portfolio"
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AssumptionForm)
        await type_text(pilot, "Launch dates hold")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        panel = await go_to_panel(app, pilot, PortfolioPanel)
        table = panel.query_one("#portfolio-table", DataTable)
        assert table.row_count == 309
        assert table.has_focus  # the panel takes the keys as soon as it shows

        # BRG-01's phase-outs first, as a family: move the cursor onto one, f marks the group
        frame = panel.frame
        brg_out = frame[(frame["family"] == "BRG-01") & (frame["lifecycle"] == "phase_out")]
        first_row = list(frame["sku"]).index(brg_out["sku"].iloc[0])
        await pilot.press(*["down"] * first_row)
        await pilot.press("f")
        assert panel.marked == set(brg_out["sku"])
        await pilot.press("D")
        await pilot.pause()
        assert isinstance(app.screen, DecisionForm)
        await type_text(pilot, "phase out as planned")
        await pilot.press("tab")
        await type_text(pilot, "replaced")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        # then every remaining launch (l on a new item), then every remaining phase-out (*)
        first_new = list(frame["lifecycle"]).index("new")
        await pilot.press("ctrl+home", *["down"] * first_new)
        assert str(table.get_row_at(table.cursor_row)[3]) == "new"
        await pilot.press("l", "D")
        await pilot.pause()
        await type_text(pilot, "launch as planned")
        await pilot.press("tab")
        await type_text(pilot, "orders in")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("asterisk", "D")
        await pilot.pause()
        await type_text(pilot, "run down stock first")
        await pilot.press("tab")
        await type_text(pilot, "stock left")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await close_meeting(app, pilot)

        written = new_events(ws, mark)
        types = [e.type for e in written]
        assert types.count("AssumptionRecorded") == 1 and types.count("DecisionRecorded") == 3
        assert types[0] == "MeetingStarted" and types[-1] == "MeetingClosed"
        assert all(e.meeting == "portfolio" for e in written)
        decisions = [e.payload for e in written if e.type == "DecisionRecorded"]
        assert [d["chosen"] for d in decisions] == ["phase out as planned", "launch as planned",
                                                    "run down stock first"]
        assert set(decisions[0]["skus"]) == set(brg_out["sku"])
        assert decisions[0]["family"] == "BRG-01"
        covered = [s for d in decisions for s in d["skus"]]
        assert len(covered) == len(set(covered)) == 309  # each item decided exactly once
        n_new = int((frame["lifecycle"] == "new").sum())
        assert len(decisions[1]["skus"]) == n_new

        # -- 2. demand review: one consensus per family ------------------------------------
        mark = head(ws)
        await open_next_meeting(app, pilot, "demand")
        panel = await go_to_panel(app, pilot, DemandPanel)
        families = panel.query_one("#demand-families", OptionList)
        assert families.has_focus and families.option_count == 40
        order = [str(families.get_option_at_index(i).id) for i in range(families.option_count)]
        for i, family in enumerate(order):
            assert panel.family == family
            key = "1" if i == 0 else "3" if family == "FST-02" else "4"
            await pilot.press(key)
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, ConsensusDialog) and dialog.family == family
            assert dialog.value("assumption")  # pre-filled from the source
            if family == "FST-02":
                # finance's numbers are the mean of sales and marketing: say what was chosen
                assert dialog.query_one("#averaging-warning").display
                await type_text(pilot, "budget phasing")
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert not isinstance(app.screen, ConsensusDialog), f"{family} not saved"
            if i < len(order) - 1:
                await pilot.press("down")
                await pilot.pause()
        await close_meeting(app, pilot)

        written = new_events(ws, mark)
        chosen = {e.payload["family"]: e.payload for e in written
                  if e.type == "ConsensusSelected"}
        assert set(chosen) == set(order) and len(written) - len(chosen) >= 3
        assert chosen[order[0]]["source"] == "sales"
        assert chosen["FST-02"]["source"] == "finance"
        assert chosen["FST-02"]["averaging_of"] == ["marketing", "sales"]
        assert chosen["FST-02"]["chosen_assumptions"] == "budget phasing"
        others = [p for f, p in chosen.items() if f not in (order[0], "FST-02")]
        assert {p["source"] for p in others} == {"planner"}
        assert all(not p["averaging_of"] for p in others)
        assert all(e.meeting == "demand" for e in written)
        # the last of the five meetings closed closes the cycle
        assert written[-1].type == "MeetingClosed"

        # -- 3. supply review: every capacity gap covered -------------------------------------
        mark = head(ws)
        await open_next_meeting(app, pilot, "supply")
        panel = await go_to_panel(app, pilot, SupplyPanel)
        gaps_table = panel.query_one("#supply-gaps", DataTable)
        gaps = list(panel.view.gaps)
        resources = sorted({g.resource for g in gaps})
        assert len(gaps) > len(resources)  # some resource is short in several months
        # the first gap alone with o, then each resource's remaining gaps at once with r
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, DecisionForm)
        await type_text(pilot, "overtime")
        await pilot.press("tab")
        await type_text(pilot, "two shifts")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        for _ in resources:
            if all(g.covered_by for g in panel.view.gaps):
                break
            assert gaps_table.has_focus
            await pilot.press("r")
            await pilot.pause()
            assert isinstance(app.screen, DecisionForm)
            await type_text(pilot, "pre-build")
            await pilot.press("tab")
            await type_text(pilot, "stock ahead")
            await pilot.press("ctrl+s")
            await settle(app, pilot)
        assert all(g.covered_by for g in panel.view.gaps)
        await close_meeting(app, pilot)

        written = new_events(ws, mark)
        decisions = [e.payload for e in written if e.type == "DecisionRecorded"]
        first = gaps[0]
        assert (decisions[0]["resource"], decisions[0]["months"]) == (
            first.resource, {"first": first.month, "last": first.month})
        by_resource = {d["resource"] for d in decisions[1:]}
        assert by_resource == {g.resource for g in gaps[1:] if g.resource != first.resource
                               } | ({first.resource} if sum(
                                   g.resource == first.resource for g in gaps) > 1 else set())
        for d in decisions[1:]:
            months = sorted(g.month for g in gaps if g.resource == d["resource"]
                            and (g.resource, g.month) != (first.resource, first.month))
            assert d["months"] == {"first": months[0], "last": months[-1]}
        assert written[-1].type == "MeetingClosed"

        # -- 4. pre-S&OP: three scenarios and the recommendation ----------------------------
        mark = head(ws)
        await open_next_meeting(app, pilot, "pre_sop")
        panel = await go_to_panel(app, pilot, ScenariosPanel)
        made = [("upside", "demand", "FST-02:+10%"), ("overtime", "capacity", "ASSY-B:+15%"),
                ("price", "price", "*:+3%")]
        tabs = {"demand": 2, "capacity": 3, "price": 4}  # from the name field
        for name, field, line in made:
            await pilot.press("s")
            await pilot.pause()
            assert isinstance(app.screen, ScenarioDialog)
            await type_text(pilot, name)  # replaces the suggested name
            await pilot.press(*["tab"] * tabs[field])
            await type_text(pilot, line)
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert isinstance(app.screen, MeetingScreen), f"scenario {name} not saved"
        table = panel.query_one("#scenarios-table", DataTable)
        assert table.has_focus
        await pilot.press("right")  # from the consensus to "upside"
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RecommendationDialog)
        assert app.screen.value("scenario") == "upside"
        await type_text(pilot, "take the upside")
        await pilot.press("tab")
        await type_text(pilot, "overtime in June?")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await close_meeting(app, pilot)

        written = new_events(ws, mark)
        created = [e.payload for e in written if e.type == "ScenarioCreated"]
        assert [c["name"] for c in created] == ["upside", "overtime", "price"]
        assert all(c["results"]["revenue"] > 0 for c in created)
        [rec] = [e.payload for e in written if e.type == "RecommendationRecorded"]
        assert rec == {"scenario": "upside", "text": "take the upside",
                       "open_decisions": ["overtime in June?"]}
        assert written[-1].type == "MeetingClosed"

        # -- 5. executive: approve -----------------------------------------------------------
        mark = head(ws)
        await open_next_meeting(app, pilot, "executive")
        panel = await go_to_panel(app, pilot, ExecutivePanel)
        await pilot.press("A")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ApproveDialog)
        assert dialog.value("approved_by") == ""  # a person's name, typed
        await pilot.press(*"Ana Ortiz", "ctrl+s")
        await settle(app, pilot)
        await close_meeting(app, pilot)

        written = new_events(ws, mark)
        [approved] = [e for e in written if e.type == "PlanApproved"]
        assert approved.payload["scenario"] == "upside"
        assert approved.payload["approved_by"] == "Ana Ortiz"
        assert approved.payload["revenue"] > 0
        # the last of the five meetings closed closes the cycle
        assert [e.type for e in written[-2:]] == ["MeetingClosed", "CycleClosed"]

    # every meeting closed, once, in order; the chain holds
    closed = [e.payload["meeting"] for e in ws.log.events(types=["MeetingClosed"])]
    assert closed == ["portfolio", "demand", "supply", "pre_sop", "executive"]
    assert all(e.cycle == CYCLE for e in ws.log.events(types=["MeetingClosed"]))
    report = ws.log.verify()
    assert report.ok and report.count == head(ws)
