"""The cycle's commands: each writes exactly one event or refuses naming the field."""

from __future__ import annotations

import pytest

from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.state import corrections_of
from sop_tui.cycle.workspace import Workspace


def test_assumption_writes_one_event_with_cycle_and_meeting(ws: Workspace) -> None:
    before = ws.log.head().count
    e = ws.record_assumption(text="OEM ramp from March", owner="Dana", meeting="demand",
                             months="2027-03..2027-06", units=1200, dollars=54000)
    assert ws.log.head().count == before + 1
    assert (e.cycle, e.meeting, e.type) == ("2026-12", "demand", "AssumptionRecorded")
    assert e.payload["months"] == {"first": "2027-03", "last": "2027-06"}
    assert e.payload["units"] == 1200 and e.payload["dollars"] == 54000


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"text": "", "owner": "Dana"}, "text"),
        ({"text": "t", "owner": ""}, "owner"),
        ({"text": "t", "owner": "o", "months": "2027-13"}, "months"),
        ({"text": "t", "owner": "o", "months": "2027-06..2027-01"}, "months"),
        ({"text": "t", "owner": "o", "meeting": "lunch"}, "meeting"),
        ({"text": "t", "owner": "o", "cycle": "2031-01"}, "cycle"),
    ],
)
def test_bad_assumption_names_the_field_and_writes_nothing(
    ws: Workspace, kwargs: dict, field: str
) -> None:
    before = ws.log.head().count
    with pytest.raises(CommandError) as err:
        ws.record_assumption(**kwargs)
    assert field in err.value.problems
    assert ws.log.head().count == before


def test_decision_and_action_it_serves(ws: Workspace) -> None:
    d = ws.record_decision(question="Add a second shift on PRESS-2?", options=["yes", "no"],
                           chosen="yes", rationale="Cheaper than lost sales", decided_by="COO",
                           owner="Plant manager", due="2027-01-15", meeting="supply",
                           resource="PRESS-2", months="2027-03..2027-05")
    a = ws.record_action(text="Hire 4 operators", owner="HR", due="2027-01-31", dollars=80000,
                         decision=d.seq, meeting="supply")
    assert a.payload["decision"] == d.seq
    with pytest.raises(CommandError) as err:
        ws.record_action(text="x", owner="y", due="2027-02-30x", decision=d.seq)
    assert "due" in err.value.problems
    with pytest.raises(CommandError) as err:
        ws.record_action(text="x", owner="y", due="2027-02-01", decision=a.seq)
    assert "decision" in err.value.problems


def test_retract_and_amend_are_new_events(ws: Workspace) -> None:
    e = ws.record_assumption(text="Price holds", owner="Finance")
    am = ws.amend(e.seq, {"text": "Price rises 3%"}, "list price letter sent")
    state = ws.state()
    rec = state.by_seq[e.seq]
    assert rec.payload["text"] == "Price rises 3%" and rec.event.payload["text"] == "Price holds"
    r = ws.retract(e.seq, "superseded by the pricing decision")
    assert [c.seq for c in corrections_of(ws.state(), e.seq)] == [am.seq, r.seq]
    assert not ws.state().by_seq[e.seq].live
    with pytest.raises(CommandError, match="already retracted"):
        ws.retract(e.seq, "again")
    with pytest.raises(CommandError) as err:
        ws.amend(r.seq, {"reason": "x"}, "y")
    assert "event" in err.value.problems


def test_amend_checks_the_new_values(ws: Workspace) -> None:
    e = ws.record_action(text="Call supplier", owner="Buyer", due="2027-01-10")
    with pytest.raises(CommandError) as err:
        ws.amend(e.seq, {"due": "next week"}, "slipped")
    assert "due" in err.value.problems
    with pytest.raises(CommandError) as err:
        ws.amend(e.seq, {"colour": "red"}, "why not")
    assert "colour" in err.value.problems


def test_cycle_opens_once(ws: Workspace) -> None:
    with pytest.raises(CommandError, match="already open"):
        ws.open_cycle("2026-12")
    with pytest.raises(CommandError) as err:
        ws.open_cycle("Dec 2026")
    assert "cycle" in err.value.problems


def test_override_needs_actions_and_is_its_own_type(ws: Workspace) -> None:
    with pytest.raises(CommandError) as err:
        ws.override_plan(scenario="consensus", overridden_by="CFO", rationale="Budget",
                         revenue_gap_closed=1e6, actions=[])
    assert "actions" in err.value.problems
    e = ws.override_plan(scenario="consensus", overridden_by="CFO", rationale="Budget",
                         revenue_gap_closed=1.2e6,
                         actions=[{"text": "Price increase on BRG", "owner": "Sales VP",
                                   "due": "2027-02-01", "dollars": 700000}])
    assert e.type == "PlanOverridden"
    assert len(ws.state().overrides_in_year("2026")) == 1


def test_actions_open_and_overdue(ws: Workspace) -> None:
    # due dates in the past are refused: A falls overdue as the days pass
    a = ws.record_action(text="A", owner="o", due="2026-12-10")
    ws.record_action(text="B", owner="o", due="2027-06-01")
    st = ws.state()
    assert len(st.open_actions()) == 2
    assert [r.seq for r in st.overdue_actions("2026-12-15")] == [a.seq]
    ws.complete_action(a.seq, "done")
    assert ws.state().overdue_actions("2026-12-15") == []
