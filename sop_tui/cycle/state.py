"""State folded from the event log: cycles, meetings, and what each meeting captured.

Projections are pure functions over the event stream: :func:`fold` reads events in seq order and
returns a :class:`LogState`. Corrections are applied here, never in the log: a retracted record
stays visible with its retraction; an amended one shows its effective payload and every amendment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sop_tui.events.envelope import MEETINGS, Event
from sop_tui.gcpause import paused_gc

MEETING_STATUS = ("not started", "in progress", "closed")


@dataclass(slots=True)
class Record:
    """A captured fact (assumption, decision, ...) with the corrections that apply to it."""

    event: Event
    payload: dict[str, Any]
    # A tuple until amended: no list per record (folding 100,000 events must be cheap).
    amendments: tuple[Event, ...] = ()
    retraction: Event | None = None
    completed: Event | None = None  # actions only

    @property
    def seq(self) -> int:
        return self.event.seq

    @property
    def live(self) -> bool:
        return self.retraction is None


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
            if r.event.type == type_
            and (meeting is None or r.event.meeting == meeting)
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
            if r.event.type in ("PlanApproved", "PlanOverridden") and r.live
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
            if r.event.type == "ActionRecorded" and r.live and r.completed is None
        ]

    def overdue_actions(self, today: str) -> list[Record]:
        """Open actions whose due date (YYYY-MM-DD) is before ``today``."""
        return [r for r in self.open_actions() if r.payload.get("due", "9999") < today]

    def overrides_in_year(self, year: str) -> list[Record]:
        return [
            r for r in self.by_seq.values()
            if r.event.type == "PlanOverridden" and r.live and r.event.cycle.startswith(year)
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


def fold(events: Iterable[Event], state: LogState | None = None) -> LogState:
    """Fold ``events`` (in seq order) into ``state`` (a new one if None) and return it."""
    with paused_gc():
        return _fold(events, state if state is not None else LogState())


def _fold(events: Iterable[Event], st: LogState) -> LogState:
    cycles = st.cycles
    by_seq = st.by_seq
    n = 0
    e = None
    for e in events:
        n += 1
        t = e.type
        if t in RECORD_TYPES:
            rec = Record(e, e.payload)  # the payload is copied only when amended
            cs = cycles.get(e.cycle)
            if cs is None:
                cs = st.cycle(e.cycle)
            cs.records[e.seq] = by_seq[e.seq] = rec
        elif t == "EventRetracted":
            target = by_seq.get(e.payload["target"])
            if target is not None:
                target.retraction = e
        elif t == "EventAmended":
            target = by_seq.get(e.payload["target"])
            if target is not None:
                target.amendments = (*target.amendments, e)
                target.payload = {**target.payload, **e.payload["changes"]}
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
        st.last_seq = e.seq
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
