"""Folding the log into state: rows read for folding give the state events give, and a record
decoded on first use still shows every correction, whenever it was folded in."""

from __future__ import annotations

from sop_tui.cycle.state import LogState, fold
from sop_tui.cycle.workspace import Workspace


def _story(ws: Workspace) -> list[int]:
    a = ws.record_assumption(text="Price holds", owner="Finance", meeting="demand")
    d = ws.record_decision(question="Build ahead?", chosen="yes", rationale="peak",
                           decided_by="COO", options=["yes", "no"], meeting="supply",
                           owner="Plant", due="2027-01-15")
    x = ws.record_action(text="Call supplier", owner="Buyer", due="2027-01-10")
    ws.amend(a.seq, {"text": "Price rises 3%"}, "list price letter sent")
    ws.amend(a.seq, {"owner": "Pricing"}, "pricing owns it")
    ws.retract(d.seq, "superseded")
    ws.complete_action(x.seq)
    return [a.seq, d.seq, x.seq]


def _summary(state: LogState) -> list[tuple[object, ...]]:
    return [
        (r.seq, r.type, r.cycle, r.meeting, r.event, r.payload, r.amendments, r.retraction,
         r.completed)
        for r in state.by_seq.values()
    ]


def test_rows_fold_to_the_state_events_fold_to(ws: Workspace) -> None:
    _story(ws)
    from_events = fold(ws.log.iter_events(hashes=False))
    from_rows = fold(ws.log.fold_rows())
    assert _summary(from_rows) == _summary(from_events)
    assert from_rows.count == from_events.count and from_rows.last_seq == from_events.last_seq
    cs = from_rows.cycles["2026-12"]
    assert [m.status for m in cs.meetings.values()] == [
        m.status for m in from_events.cycles["2026-12"].meetings.values()]


def test_an_amendment_folded_after_the_payload_was_read_shows(ws: Workspace) -> None:
    a, _, _ = _story(ws)
    rec = ws.state().by_seq[a]
    assert rec.payload == {"text": "Price rises 3%", "owner": "Pricing"} | {
        k: v for k, v in rec.event.payload.items() if k not in ("text", "owner")}
    ws.amend(a, {"text": "Price rises 4%"}, "second letter")
    same = ws.state().by_seq[a]  # folded incrementally into the same record
    assert same is rec
    assert rec.payload["text"] == "Price rises 4%" and rec.payload["owner"] == "Pricing"
    assert rec.event.payload["text"] == "Price holds"  # the original stays as recorded
    assert len(rec.amendments) == 3
