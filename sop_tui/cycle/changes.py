"""What moved since an earlier cycle: decisions, assumptions, consensus, metrics, scenarios,
actions.

:func:`changes_since` is pure: it reads the folded log (:class:`~sop_tui.cycle.state.LogState`)
and plain values of the planning views (the metrics' trend by cycle, each family's unit
price), and returns a :class:`Changes`; :func:`changes_for` gathers those values from a
:class:`~sop_tui.cycle.planning.CyclePlanning`. ``sop changes`` prints it and the decision
pack's "what changed since the last pack" shows it, so both say the same.

"Since" means since the earlier cycle was decided: what the later cycle recorded (new
decisions, assumptions, scenarios, actions), every correction, completion or outcome recorded
after the earlier cycle's last event, and the numbers of the two cycles side by side (each
family's consensus over the months both plan, the four metrics as measured in each).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.state import CycleState, LogState, Record

#: The metrics compared, in the order shown: key, label, kind (a ``formats.metric`` kind).
METRICS: tuple[tuple[str, str, str], ...] = (
    ("family_accuracy", "Forecast accuracy (family)", "pct"),
    ("bias", "Forecast bias", "pct_signed"),
    ("plan_attainment", "Plan attainment", "pct"),
    ("eo_value", "Excess & obsolete inventory", "money"),
)

#: A family's consensus counts as moved when its units change by this fraction or more.
MOVED = 0.05


@dataclass(frozen=True)
class FamilyMove:
    """One family's consensus in the two cycles, over the months both plan."""

    family: str
    months: int
    units_before: float
    units_after: float
    dollars_before: float | None
    dollars_after: float | None
    source_before: str
    source_after: str

    @property
    def change(self) -> float | None:
        """The relative change in units (None when there were none before)."""
        if self.units_before == 0:
            return None
        return self.units_after / self.units_before - 1.0


@dataclass(frozen=True)
class MetricMove:
    """One metric as measured in the earlier cycle and in this one (None: not measured)."""

    key: str
    label: str
    kind: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class Item:
    """A record named in the changes: what it says, where it was recorded, its state."""

    seq: int
    cycle: str
    meeting: str
    text: str
    detail: str = ""
    state: str = ""  # "", "amended", "retracted", "done", "overdue", an outcome word


@dataclass
class Changes:
    """What moved between cycle ``since`` and cycle ``cycle``.

    ``since_ran`` is False when the earlier cycle was never run in this log (its metrics may
    still come from the imported forecast history); ``since_last_seq`` is the last event of
    the earlier cycle (what "after it" means for corrections and completions).
    """

    cycle: str
    since: str
    since_ran: bool
    since_last_seq: int
    previous_pack: dict[str, Any] | None
    decisions_new: list[Item] = field(default_factory=list)
    decisions_corrected: list[Item] = field(default_factory=list)
    decisions_followed_up: list[Item] = field(default_factory=list)
    assumptions_new: list[Item] = field(default_factory=list)
    assumptions_corrected: list[Item] = field(default_factory=list)
    consensus: list[FamilyMove] = field(default_factory=list)
    consensus_new: list[str] = field(default_factory=list)
    metrics: list[MetricMove] = field(default_factory=list)
    scenarios_new: list[str] = field(default_factory=list)
    recommended_before: str | None = None
    recommended_now: str | None = None
    plan_before: str | None = None
    plan_now: str | None = None
    actions_new: list[Item] = field(default_factory=list)
    actions_completed: list[Item] = field(default_factory=list)
    actions_overdue: list[Item] = field(default_factory=list)

    @property
    def moved_families(self) -> list[FamilyMove]:
        """The families whose consensus moved by :data:`MOVED` or more, largest move first."""
        moved = [m for m in self.consensus
                 if m.change is None or abs(m.change) >= MOVED]
        return sorted(moved, key=lambda m: -abs(m.change or 0.0))

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json`` (each family's change included)."""
        out = asdict(self)
        out["consensus"] = [{**asdict(m), "change": m.change} for m in self.consensus]
        out["metrics"] = [{**asdict(m), "delta": m.delta} for m in self.metrics]
        return out


def previous_cycle(cycle: str) -> str:
    """The calendar month before ``cycle`` (``2027-01`` → ``2026-12``)."""
    year, month = (int(x) for x in cycle.split("-"))
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


def last_run_cycle(state: LogState, cycle: str) -> str | None:
    """The newest cycle before ``cycle`` that was opened in the log, or None."""
    earlier = [c for c, cs in state.cycles.items() if c < cycle and cs.opened is not None]
    return max(earlier) if earlier else None


def changes_since(state: LogState, cycle: str, since: str | None = None, *,
                  trend_cycles: Sequence[str] = (),
                  trend: Mapping[str, Sequence[float | None]] | None = None,
                  metrics_now: Mapping[str, float | None] | None = None,
                  prices: Mapping[str, float] | None = None,
                  today: str = "") -> Changes:
    """What moved between ``since`` (default: the last cycle run before) and ``cycle``.

    Args:
        state: the folded log.
        cycle: the later cycle.
        since: the earlier cycle (default: the newest cycle opened before ``cycle``, else the
            calendar month before it).
        trend_cycles: the cycles of the metric trend, oldest first (``YYYY-MM``).
        trend: each metric's value per trend cycle (None or NaN: not measured).
        metrics_now: the headline metrics of ``cycle`` (they win over the trend's point for
            it: the E&O of a cycle is measured against its own demand plan).
        prices: each family's unit price, to put dollars on the consensus moves.
        today: the date (``YYYY-MM-DD``) overdue actions are counted at.

    Returns:
        The :class:`Changes`.
    """
    since = since or last_run_cycle(state, cycle) or previous_cycle(cycle)
    before = state.cycles.get(since)
    now = state.cycles.get(cycle) or CycleState(cycle)
    ran = before is not None and before.opened is not None
    last_seq = _last_seq(before) if before is not None else 0
    later = [r for r in state.by_seq.values() if since < r.cycle <= cycle]
    out = Changes(cycle=cycle, since=since, since_ran=ran, since_last_seq=last_seq,
                  previous_pack=_pack(before))

    for r in sorted(later, key=lambda r: r.seq):
        if r.type == "DecisionRecorded" and r.cycle == cycle:
            out.decisions_new.append(_decision(r))
        elif r.type == "AssumptionRecorded" and r.cycle == cycle:
            out.assumptions_new.append(_assumption(r))
        elif r.type == "ActionRecorded" and r.cycle == cycle and r.live:
            out.actions_new.append(_action(r, today))
        elif r.type == "PlanOverridden" and r.cycle == cycle and r.live:
            for a in r.payload.get("actions", ()):
                out.actions_new.append(Item(r.seq, r.cycle, r.meeting or "", str(a["text"]),
                                            f"{a['owner']}, due {a['due']}", ""))
    for r in sorted(state.by_seq.values(), key=lambda r: r.seq):
        if r.cycle > cycle:
            continue
        if r.type == "ActionRecorded" and r.live:
            item = _action(r, today)
            if r.completed is not None and r.completed.seq > last_seq:
                out.actions_completed.append(item)
            elif item.state == "overdue":
                out.actions_overdue.append(item)
        if r.cycle > since:
            continue  # the later cycle's own records are new, listed above
        if r.type == "DecisionRecorded":
            if _corrected_after(r, last_seq):
                out.decisions_corrected.append(_decision(r))
            outcome = _outcome_after(state, r.seq, last_seq)
            if outcome is not None:
                out.decisions_followed_up.append(outcome)
        elif r.type == "AssumptionRecorded" and _corrected_after(r, last_seq):
            out.assumptions_corrected.append(_assumption(r))

    if before is not None:
        out.consensus.extend(_consensus_moves(before, now, prices or {}))
        out.consensus_new.extend(sorted(set(now.consensus) - set(before.consensus)))
        out.recommended_before = _recommended(before)
        out.plan_before = _plan(before)
        out.scenarios_new.extend(sorted(set(now.scenarios) - set(before.scenarios)))
    else:
        out.consensus_new.extend(sorted(now.consensus))
        out.scenarios_new.extend(sorted(now.scenarios))
    out.recommended_now = _recommended(now)
    out.plan_now = _plan(now)
    out.metrics.extend(_metric_moves(since, cycle, trend_cycles, trend or {}, metrics_now or {}))
    return out


def changes_for(planning: CyclePlanning, since: str | None = None, *,
                today: str = "") -> Changes:
    """:func:`changes_since` for ``planning.cycle``, with the metrics and prices of its views.

    Without the data the metrics need (no forecast history imported yet), the changes carry
    the records only; without items and actuals, no dollars.
    """
    trend: dict[str, list[float | None]] = {}
    cycles: list[str] = []
    now: dict[str, float | None] = {}
    prices: dict[str, float] = {}
    imported = set(planning.imports)
    if {"items", "actuals", "forecast_history"} <= imported:
        frame = planning.trend
        cycles = sorted({str(c) for c in frame["cycle"]})
        for key, *_ in METRICS:
            rows = frame[frame["metric"] == key]
            by_cycle = {str(c): float(v) for c, v in zip(rows["cycle"], rows["value"],
                                                          strict=True)}
            trend[key] = [by_cycle.get(c) for c in cycles]
        values = planning.metric_values
        now = {key: values.get(key) for key, *_ in METRICS}
    if {"items", "actuals"} <= imported:
        table = planning.prices
        prices = {str(f): float(p) for f, p in zip(table["family"], table["unit_price"],
                                                   strict=True)}
    return changes_since(planning.ws.state(), planning.cycle, since, trend_cycles=cycles,
                         trend=trend, metrics_now=now, prices=prices, today=today)


def _last_seq(cs: CycleState) -> int:
    seqs = [r.seq for r in cs.records.values()]
    for e in (cs.opened, *cs.packs, *cs.sent, *cs.imports, *cs.forecasts):
        if e is not None:
            seqs.append(e.seq)
    for m in cs.meetings.values():
        for e in (m.started, m.closed, m.item_started):
            if e is not None:
                seqs.append(e.seq)
    return max(seqs, default=0)


def _pack(cs: CycleState | None) -> dict[str, Any] | None:
    if cs is None or not cs.packs:
        return None
    p = cs.packs[-1]
    return {"seq": p.seq, "file": p.payload.get("file", ""), "at": p.at[:16].replace("T", " "),
            "sha256": p.payload.get("sha256", ""), "pages": p.payload.get("pages"),
            "event_count": p.payload.get("event_count")}


def _state_word(r: Record) -> str:
    if r.retraction is not None:
        return "retracted"
    return "amended" if r.amendments else ""


def _corrected_after(r: Record, last_seq: int) -> bool:
    marks = [a.seq for a in r.amendments]
    if r.retraction is not None:
        marks.append(r.retraction.seq)
    return any(s > last_seq for s in marks)


def _decision(r: Record) -> Item:
    p = r.payload
    options = [str(o) for o in p.get("options", ())]
    detail = f"chosen: {p.get('chosen', '')}"
    if options:
        detail += f" (of {', '.join(options)})"
    return Item(r.seq, r.cycle, r.meeting or "", str(p.get("question", "")), detail,
                _state_word(r))


def _assumption(r: Record) -> Item:
    p = r.payload
    return Item(r.seq, r.cycle, r.meeting or "", str(p.get("text", "")),
                str(p.get("owner", "")), _state_word(r))


def _action(r: Record, today: str) -> Item:
    p = r.payload
    due = str(p.get("due", ""))
    if r.completed is not None:
        state = "done"
    elif today and due and due < today:
        state = "overdue"
    else:
        state = ""
    return Item(r.seq, r.cycle, r.meeting or "", str(p.get("text", "")),
                f"{p.get('owner', '')}, due {due}", state)


def _outcome_after(state: LogState, decision: int, last_seq: int) -> Item | None:
    found = [r for r in state.by_seq.values()
             if r.type == "DecisionOutcomeRecorded" and r.live and r.seq > last_seq
             and r.payload.get("decision") == decision]
    if not found:
        return None
    r = found[-1]
    d = state.by_seq.get(decision)
    question = str(d.payload.get("question", "")) if d is not None else f"decision {decision}"
    return Item(r.seq, r.cycle, r.meeting or "", question, str(r.payload.get("note", "")),
                str(r.payload.get("outcome", "")).replace("_", " "))


def _recommended(cs: CycleState) -> str | None:
    rec = cs.recommendation
    return str(rec.payload["scenario"]) if rec is not None else None


def _plan(cs: CycleState) -> str | None:
    outcome = cs.outcome
    return str(outcome.payload["scenario"]) if outcome is not None else None


def _consensus_moves(before: CycleState, now: CycleState,
                     prices: Mapping[str, float]) -> list[FamilyMove]:
    out = []
    now_cons = now.consensus
    for fam, r in sorted(before.consensus.items()):
        cur = now_cons.get(fam)
        if cur is None:
            continue
        units_then: Mapping[str, float] = r.payload["units"]
        units_now: Mapping[str, float] = cur.payload["units"]
        overlap = sorted(set(units_then) & set(units_now))
        if not overlap:
            continue
        a = sum(float(units_then[m]) for m in overlap)
        b = sum(float(units_now[m]) for m in overlap)
        price = prices.get(fam)
        out.append(FamilyMove(
            family=fam, months=len(overlap), units_before=a, units_after=b,
            dollars_before=a * price if price is not None else None,
            dollars_after=b * price if price is not None else None,
            source_before=str(r.payload["source"]), source_after=str(cur.payload["source"])))
    return out


def _value(x: float | None) -> float | None:
    if x is None or x != x:  # NaN: not measured
        return None
    return float(x)


def _metric_moves(since: str, cycle: str, cycles: Sequence[str],
                  trend: Mapping[str, Sequence[float | None]],
                  now: Mapping[str, float | None]) -> list[MetricMove]:
    out = []
    index = {c: i for i, c in enumerate(cycles)}
    for key, label, kind in METRICS:
        series = trend.get(key, ())

        def at(c: str, series: Sequence[float | None] = series) -> float | None:
            i = index.get(c)
            return _value(series[i]) if i is not None and i < len(series) else None

        after = _value(now[key]) if key in now else at(cycle)
        out.append(MetricMove(key, label, kind, at(since), after))
    return out
