"""State folded from the event log: cycles, meetings, and what each meeting captured.

Projections are pure functions over the event stream: :func:`fold` reads events in seq order and
returns a :class:`LogState`. Corrections are applied here, never in the log: a retracted record
stays visible with its retraction; an amended one shows its effective payload and every amendment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from sop_tui.events.envelope import MEETINGS, Event, event_from_row
from sop_tui.gcpause import paused_gc

MEETING_STATUS = ("not started", "in progress", "closed")


class Record:
    """A captured fact (assumption, decision, ...) with the corrections that apply to it.

    ``seq``, ``type``, ``cycle`` and ``meeting`` are plain fields. A record folded from a row
    of the log (:meth:`from_row`) keeps the row and builds its :attr:`event` and decodes its
    :attr:`payload` on first use: folding a long log then decodes only the corrections, and a
    record is decoded when something shows it.
    """

    __slots__ = ("seq", "type", "cycle", "meeting", "_event", "_row", "_merged",
                 "amendments", "retraction", "completed")

    def __init__(self, event: Event) -> None:
        self.seq, self.type, self.cycle, self.meeting = (event.seq, event.type, event.cycle,
                                                         event.meeting)
        self._event: Event | None = event
        self._row: tuple[Any, ...] | None = None
        # (the amendments it was merged from, the effective payload): see payload
        self._merged: tuple[tuple[Event, ...], dict[str, Any]] | None = None
        # A tuple until amended: no list per record (folding 100,000 events must be cheap).
        self.amendments: tuple[Event, ...] = ()
        self.retraction: Event | None = None
        self.completed: Event | None = None  # actions only

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> Record:
        """A record of a row read for folding (``EventLog.fold_rows``), decoded on first use."""
        rec = cls.__new__(cls)
        rec.seq, rec.cycle, rec.meeting, rec.type = row[0], row[2], row[3], row[4]
        rec._event = rec._merged = None
        rec._row = row
        rec.amendments, rec.retraction, rec.completed = (), None, None
        return rec

    @property
    def event(self) -> Event:
        ev = self._event
        if ev is None:
            # Built from the row, which is kept: two threads may both build it (the same
            # event), but neither can find the row gone.
            ev = self._event = event_from_row(self._row)  # type: ignore[arg-type]
        return ev

    @property
    def payload(self) -> dict[str, Any]:
        """The effective payload: the event's, with every amendment's changes applied in
        order — merged on first use, and again once a new amendment is folded in."""
        amendments = self.amendments
        merged = self._merged
        if merged is not None and merged[0] is amendments:
            return merged[1]
        p = self.event.payload  # shared, never changed: a merge makes a new dict
        for a in amendments:
            p = {**p, **a.payload["changes"]}
        # one assignment, tagged with what it was merged from: a reader on another thread
        # racing a new amendment cannot leave a stale merge that looks current
        self._merged = (amendments, p)
        return p

    def amend(self, amendment: Event) -> None:
        """Fold in ``amendment`` (an ``EventAmended``): its changes show in :attr:`payload`."""
        self.amendments = (*self.amendments, amendment)

    @property
    def live(self) -> bool:
        return self.retraction is None

    def __repr__(self) -> str:
        return (f"Record(seq={self.seq}, type={self.type!r}, live={self.live}, "
                f"amendments={len(self.amendments)})")


@dataclass
class MeetingState:
    meeting: str
    status: str = "not started"
    started: Event | None = None
    closed: Event | None = None
    item: int = 0
    item_started: Event | None = None


@dataclass
class CycleState:
    """One cycle's meetings and captured records."""

    cycle: str
    opened: Event | None = None
    meetings: dict[str, MeetingState] = field(
        default_factory=lambda: {m: MeetingState(m) for m in MEETINGS}
    )
    records: dict[int, Record] = field(default_factory=dict)
    imports: list[Event] = field(default_factory=list)
    forecasts: list[Event] = field(default_factory=list)
    packs: list[Event] = field(default_factory=list)
    sent: list[Event] = field(default_factory=list)

    def of_type(self, type_: str, *, meeting: str | None = None, live: bool = True) -> list[Record]:
        return [
            r
            for r in self.records.values()
            if r.type == type_
            and (meeting is None or r.meeting == meeting)
            and (r.live or not live)
        ]

    @property
    def assumptions(self) -> list[Record]:
        return self.of_type("AssumptionRecorded")

    @property
    def decisions(self) -> list[Record]:
        return self.of_type("DecisionRecorded")

    @property
    def actions(self) -> list[Record]:
        return self.of_type("ActionRecorded")

    @property
    def consensus(self) -> dict[str, Record]:
        """The live consensus choice per family (the newest wins)."""
        out: dict[str, Record] = {}
        for r in self.of_type("ConsensusSelected"):
            out[r.payload["family"]] = r
        return out

    @property
    def scenarios(self) -> dict[str, Record]:
        out: dict[str, Record] = {}
        for r in self.of_type("ScenarioCreated"):
            out[r.payload["name"]] = r
        return out

    @property
    def recommendation(self) -> Record | None:
        recs = self.of_type("RecommendationRecorded")
        return recs[-1] if recs else None

    @property
    def outcome(self) -> Record | None:
        """The executive outcome: the newest live approval or override."""
        recs = [
            r for r in self.records.values()
            if r.type in ("PlanApproved", "PlanOverridden") and r.live
        ]
        return recs[-1] if recs else None

    @property
    def overrides(self) -> list[Record]:
        return self.of_type("PlanOverridden")


@dataclass
class LogState:
    """Everything folded from the log."""

    cycles: dict[str, CycleState] = field(default_factory=dict)
    by_seq: dict[int, Record] = field(default_factory=dict)
    count: int = 0
    last_seq: int = 0

    @property
    def current(self) -> CycleState | None:
        """The newest opened cycle."""
        opened = [c for c in self.cycles.values() if c.opened is not None]
        return max(opened, key=lambda c: c.cycle) if opened else None

    def cycle(self, cycle: str) -> CycleState:
        cs = self.cycles.get(cycle)
        if cs is None:
            cs = self.cycles[cycle] = CycleState(cycle)
        return cs

    def open_actions(self) -> list[Record]:
        return [
            r for r in self.by_seq.values()
            if r.type == "ActionRecorded" and r.live and r.completed is None
        ]

    def overdue_actions(self, today: str) -> list[Record]:
        """Open actions whose due date (YYYY-MM-DD) is before ``today``."""
        return [r for r in self.open_actions() if r.payload.get("due", "9999") < today]

    def overrides_in_year(self, year: str) -> list[Record]:
        return [
            r for r in self.by_seq.values()
            if r.type == "PlanOverridden" and r.live and r.cycle.startswith(year)
        ]


RECORD_TYPES = frozenset(
    {
        "AssumptionRecorded",
        "DecisionRecorded",
        "ActionRecorded",
        "ConsensusSelected",
        "ScenarioCreated",
        "RecommendationRecorded",
        "PlanApproved",
        "PlanOverridden",
    }
)


def fold(events: Iterable[Event | tuple[Any, ...]], state: LogState | None = None) -> LogState:
    """Fold ``events`` (in seq order) into ``state`` (a new one if None) and return it.

    ``events`` are :class:`Event` objects or rows read for folding (``EventLog.fold_rows``:
    the same fields, the payload as JSON text); a row's payload is decoded only where needed.
    """
    with paused_gc():
        return _fold(events, state if state is not None else LogState())


def _fold(events: Iterable[Event | tuple[Any, ...]], st: LogState) -> LogState:
    cycles = st.cycles
    by_seq = st.by_seq
    from_row = Record.from_row
    new = tuple.__new__
    loads = orjson.loads
    n = 0
    e: Any = None
    for r in events:
        n += 1
        t = r[4]
        if t in RECORD_TYPES:
            rec = from_row(r) if type(r) is not Event else Record(r)
            cs = cycles.get(r[2])
            if cs is None:
                cs = st.cycle(r[2])
            cs.records[r[0]] = by_seq[r[0]] = rec
            e = r
            continue
        # everything else is folded from its payload (event_from_row, inlined: once per row)
        e = r if type(r) is Event else new(Event, (r[0], r[1], r[2], r[3], t, r[5], r[6],
                                                   loads(r[7]), r[8], r[9]))
        if t == "EventRetracted":
            target = by_seq.get(e.payload["target"])
            if target is not None:
                target.retraction = e
        elif t == "EventAmended":
            target = by_seq.get(e.payload["target"])
            if target is not None:
                target.amend(e)  # merged into its payload when the record is shown
        elif t == "ActionCompleted":
            target = by_seq.get(e.payload["action"])
            if target is not None:
                target.completed = e
        elif t == "CycleOpened":
            st.cycle(e.payload["cycle"]).opened = e
        elif t == "MeetingStarted":
            m = st.cycle(e.cycle).meetings[e.payload["meeting"]]
            if m.status == "not started":
                m.status, m.started = "in progress", e
                m.item, m.item_started = 0, e
        elif t == "AgendaItemStarted":
            m = st.cycle(e.cycle).meetings[e.payload["meeting"]]
            m.item, m.item_started = e.payload["item"], e
            if m.status == "not started":
                m.status, m.started = "in progress", e
        elif t == "MeetingClosed":
            m = st.cycle(e.cycle).meetings[e.payload["meeting"]]
            m.status, m.closed = "closed", e
        elif t == "DatasetImported":
            st.cycle(e.cycle).imports.append(e)
        elif t == "ForecastGenerated":
            st.cycle(e.cycle).forecasts.append(e)
        elif t == "PackRendered":
            st.cycle(e.cycle).packs.append(e)
        elif t == "PackSent":
            st.cycle(e.cycle).sent.append(e)
    if e is not None:
        st.count += n
        st.last_seq = e[0]
    return st


def corrections_of(state: LogState, seq: int) -> list[Event]:
    """The events that corrected record ``seq`` (amendments, then the retraction)."""
    rec = state.by_seq.get(seq)
    if rec is None:
        return []
    out = list(rec.amendments)
    if rec.retraction is not None:
        out.append(rec.retraction)
    return out
