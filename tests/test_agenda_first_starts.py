"""Moving through a meeting's agenda records each item's first start only (issue 12: every n/p
wrote AgendaItemStarted, so moving back and forth filled the log)."""

from __future__ import annotations

from sop_tui.cycle.workspace import Workspace


def test_each_n_and_p_wrote_an_agenda_event_only_first_starts_are_recorded(ws: Workspace) -> None:
    ws.start_meeting("demand", reason="straight to the demand review")
    first = ws.start_item("demand", 1, "FVA by source")
    assert first is not None and first.payload["item"] == 1
    assert ws.start_item("demand", 0, "How good were we?") is None  # started with the meeting
    assert ws.start_item("demand", 1, "FVA by source") is None  # back again: nothing new
    second = ws.start_item("demand", 2, "Consensus by family")
    assert second is not None
    assert ws.start_item("demand", 1, "FVA by source") is None
    starts = ws.log.events(types=["AgendaItemStarted"])
    assert [e.payload["item"] for e in starts] == [1, 2]
    # the meeting stands on the furthest item started: a relaunch opens it there
    assert ws.state().cycles["2026-12"].meetings["demand"].item == 2


def test_first_starts_are_per_meeting_and_cycle(ws: Workspace) -> None:
    ws.start_meeting("demand", reason="straight to the demand review")
    ws.start_meeting("supply", reason="the plant needs its numbers today")
    assert ws.start_item("demand", 1, "a") is not None
    assert ws.start_item("supply", 1, "b") is not None  # another meeting's item 1
