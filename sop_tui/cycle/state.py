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

    def __init__(self, event: Event | None = None, row: tuple[Any, ...] | None = None) -> None:
        """A record of ``event``, or of ``row`` (read for folding, decoded on first use)."""
        src: Any = event if event is not None else row
        self.seq: int = src[0]
        self.cycle: str = src[2]
        self.meeting: str | None = src[3]
        self.type: str = src[4]
        self._event: Event | None = event
        self._row: tuple[Any, ...] | None = row
        # (the amendments it was merged from, the effective payload): see payload
        self._merged: tuple[tuple[Event, ...], dict[str, Any]] | None = None
        # A tuple until amended: no list per record (folding 100,000 events must be cheap).
        self.amendments: tuple[Event, ...] = ()
        self.retraction: Event | None = None
        self.completed: Event | None = None  # actions only

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> Record:
        """A record of a row read for folding (``EventLog.fold_rows``), decoded on first use."""
        return cls(row=row)

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
    attendees: tuple[str, ...] = ()
    scheduled: str | None = None  # the planned day, YYYY-MM-DD

    @property
    def out_of_order(self) -> tuple[str, ...]:
        """The earlier meetings that were not closed when this one started."""
        if self.started is None or self.started.type != "MeetingStarted":
            return ()
        return tuple(self.started.payload.get("out_of_order", ()))

    @property
    def minutes(self) -> float | None:
        """How long the meeting ran, once closed."""
        if self.closed is None:
            return None
        m = self.closed.payload.get("minutes")
        return float(m) if m is not None else None


@dataclass
class CycleState:
    """One cycle's meetings and captured records."""

    cycle: str
    opened: Event | None = None
    closed: Event | None = None
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

    def schedule(self) -> dict[str, str]:
        """Each meeting's planned day (YYYY-MM-DD), where one was set."""
        return {m: ms.scheduled for m, ms in self.meetings.items() if ms.scheduled}


@dataclass(frozen=True)
class ActionItem:
    """An action to follow up: one ``ActionRecorded``, or one of an override's named actions.

    ``ref`` names it in commands: the event's seq (``"57"``), or for an override's action the
    override's seq and the action's place (``"57.2"``). ``payload`` has the keys of an
    ``ActionRecorded`` payload (text, owner, due, dollars, decision).
    """

    ref: str
    seq: int
    item: int | None
    record: Record
    payload: dict[str, Any]
    completed: Event | None

    @property
    def event(self) -> Event:
        return self.record.event

    @property
    def cycle(self) -> str:
        return self.record.cycle

    @property
    def source(self) -> str:
        """``action``, or ``override`` for an override's gap-closing action."""
        return "action" if self.item is None else "override"

    @property
    def due(self) -> str:
        return str(self.payload.get("due", ""))

    @property
    def live(self) -> bool:
        return self.record.live

    def overdue(self, today: str) -> bool:
        return self.completed is None and self.due < today


def parse_action_ref(ref: str | int) -> tuple[int, int | None]:
    """``57`` -> (57, None); ``"57.2"`` -> (57, 2). Raises ValueError for anything else."""
    text = str(ref).strip()
    seq, dot, item = text.partition(".")
    if not seq.isdigit() or (dot and not item.isdigit()):
        raise ValueError(f"{text!r} is not an action (SEQ, or SEQ.N for an override's action)")
    return int(seq), (int(item) if dot else None)


@dataclass
class LogState:
    """Everything folded from the log."""

    cycles: dict[str, CycleState] = field(default_factory=dict)
    by_seq: dict[int, Record] = field(default_factory=dict)
    count: int = 0
    last_seq: int = 0
    #: every import of planning data, oldest first (the data is the company's, not a cycle's)
    imports: list[Event] = field(default_factory=list)
    #: completions of an override's actions, by (override seq, action place)
    item_completions: dict[tuple[int, int], Event] = field(default_factory=dict)

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

    def actions(self) -> list[ActionItem]:
        """Every live action of every cycle, an override's named actions included."""
        out: list[ActionItem] = []
        for r in self.by_seq.values():
            if not r.live:
                continue
            if r.type == "ActionRecorded":
                out.append(ActionItem(str(r.seq), r.seq, None, r, r.payload, r.completed))
            elif r.type == "PlanOverridden":
                for i, a in enumerate(r.payload.get("actions", ()), 1):
                    payload = {**a, "decision": r.seq}
                    out.append(ActionItem(f"{r.seq}.{i}", r.seq, i, r, payload,
                                          self.item_completions.get((r.seq, i))))
        return out

    def action(self, ref: str | int) -> ActionItem | None:
        """The live action ``ref`` names (``57`` or ``57.2``), or None."""
        try:
            seq, item = parse_action_ref(ref)
        except ValueError:
            return None
        return next((a for a in self.actions() if a.seq == seq and a.item == item), None)

    def open_actions(self) -> list[ActionItem]:
        return [a for a in self.actions() if a.completed is None]

    def overdue_actions(self, today: str) -> list[ActionItem]:
        """Open actions whose due date (YYYY-MM-DD) is before ``today``."""
        return [a for a in self.open_actions() if a.payload.get("due", "9999") < today]

    def outcome_of(self, decision: int) -> Record | None:
        """The newest live outcome recorded for decision ``decision``."""
        found = [r for r in self.by_seq.values()
                 if r.type == "DecisionOutcomeRecorded" and r.live
                 and r.payload.get("decision") == decision]
        return found[-1] if found else None

    def data_until(self, cycle: str) -> int | None:
        """The last event whose imports ``cycle`` reads (``None``: every import so far).

        A closed cycle reads what it was closed with. An open cycle reads every import,
        unless a later cycle has been opened: then what was imported before that.
        """
        cs = self.cycles.get(cycle)
        if cs is not None and cs.closed is not None:
            return int(cs.closed.payload["until"])
        later = [c.opened.seq for c in self.cycles.values()
                 if c.cycle > cycle and c.opened is not None]
        return min(later) - 1 if later else None

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
        "DecisionOutcomeRecorded",
    }
)


def fold(events: Iterable[Event | tuple[Any, ...]], state: LogState | None = None) -> LogState:
    """Fold ``events`` (in seq order) into ``state`` (a new one if None) and return it.

    ``events`` are :class:`Event` objects or rows read for folding (``EventLog.fold_rows``:
    the same fields, the payload as JSON text); a row's payload is decoded only where needed.
    """
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
        raw: Any = r
        e = r if type(r) is Event else new(Event, (raw[0], raw[1], raw[2], raw[3], t, raw[5],
                                                   raw[6], loads(raw[7]), raw[8], raw[9]))
        if t == "EventRetracted":
            target = by_seq.get(e.payload["target"])
            if target is not None:
                target.retraction = e
        elif t == "EventAmended":
            target = by_seq.get(e.payload["target"])
            if target is not None:
                target.amend(e)  # merged into its payload when the record is shown
        elif t == "ActionCompleted":
            item = e.payload.get("item")
            if item is not None:
                st.item_completions[(e.payload["action"], item)] = e
            else:
                target = by_seq.get(e.payload["action"])
                if target is not None:
                    target.completed = e
        elif t == "CycleOpened":
            cs = st.cycle(e.payload["cycle"])
            cs.opened = e
            for meeting, day in (e.payload.get("schedule") or {}).items():
                cs.meetings[meeting].scheduled = day
        elif t == "CycleClosed":
            st.cycle(e.payload["cycle"]).closed = e
        elif t == "MeetingScheduled":
            st.cycle(e.cycle).meetings[e.payload["meeting"]].scheduled = e.payload["date"]
        elif t == "AttendanceRecorded":
            m = st.cycle(e.cycle).meetings[e.payload["meeting"]]
            m.attendees = _union(m.attendees, e.payload["attendees"])
        elif t == "MeetingStarted":
            m = st.cycle(e.cycle).meetings[e.payload["meeting"]]
            if m.status == "not started":
                m.status, m.started = "in progress", e
                m.item, m.item_started = 0, e
            m.attendees = _union(m.attendees, e.payload.get("attendees", ()))
        elif t == "AgendaItemStarted":
            m = st.cycle(e.cycle).meetings[e.payload["meeting"]]
            m.item, m.item_started = e.payload["item"], e
            if m.status == "not started":
                m.status, m.started = "in progress", e
        elif t == "MeetingClosed":
            m = st.cycle(e.cycle).meetings[e.payload["meeting"]]
            m.status, m.closed = "closed", e
        elif t == "DatasetImported":
            st.imports.append(e)
            if e.cycle:
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


def _union(have: tuple[str, ...], new: Iterable[str]) -> tuple[str, ...]:
    """``have`` with the names of ``new`` not in it yet, in the order first recorded."""
    out = list(have)
    for name in new:
        if name not in out:
            out.append(name)
    return tuple(out)


def corrections_of(state: LogState, seq: int) -> list[Event]:
    """The events that corrected record ``seq`` (amendments, then the retraction)."""
    rec = state.by_seq.get(seq)
    if rec is None:
        return []
    out = list(rec.amendments)
    if rec.retraction is not None:
        out.append(rec.retraction)
    return out
