"""Maturity from the log: where the company stands on the five-stage model, with the evidence.

The reference places a company on Gartner's five stages — react, anticipate, integrate,
collaborate, orchestrate — and warns that most sit at stages 1 to 3. Here the placement is
read from what the log shows, not from a questionnaire. Each criterion is measured per cycle
run in ``sop`` (its trend) and judged over the recent cycles (:data:`RECENT`):

=====================  ==========================================================  =====
criterion              per cycle                                                   stage
=====================  ==========================================================  =====
meetings_held          share of the five meetings closed (exit criteria met)       2
in_order               share of started meetings that started in order             3
one_source             share of planned families with one consensus number         3
averaging              share of consensus choices flagged as averaging (lower)     3
actions_on_time        share of actions due that were done by their date           3
overrides              executive overrides of the consensus (lower)                4
bias                   absolute family bias of the consensus at the lag (lower)     4
fva_destroying         process steps whose FVA destroyed accuracy (lower)          4
on_time                share of meetings started by their planned day              5
=====================  ==========================================================  =====

A stage is reached when every criterion of it and of the stages below holds; stage 5 asks
the stage-4 criteria at their strict bound too (:data:`STRICT`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sop_tui.cycle.cadence import cadence_report
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.state import CycleState, LogState

# No pandas here: every number maturity reads is a plain value a planning view keeps on disk
# (its trend's series, each cycle's count of FVA steps destroying value, its families), so a
# store whose views are computed answers without loading pandas. Missing data raises
# ``MissingData``, a ``LookupError``.

STAGES: tuple[str, ...] = ("react", "anticipate", "integrate", "collaborate", "orchestrate")
#: The cycles a criterion is judged over.
RECENT = 3


@dataclass(frozen=True)
class Rule:
    """A criterion: its stage, whether lower is better, and its bounds (normal, stage 5)."""

    name: str
    title: str
    stage: int
    lower_is_better: bool
    bound: float
    strict: float
    unit: str  # "share", "count" or "pct"


RULES: tuple[Rule, ...] = (
    Rule("meetings_held", "five meetings closed, exit criteria met", 2, False, 0.8, 1.0, "share"),
    Rule("in_order", "meetings in order", 3, False, 0.9, 1.0, "share"),
    Rule("one_source", "one consensus number per family", 3, False, 0.95, 1.0, "share"),
    Rule("averaging", "consensus by averaging", 3, True, 0.05, 0.0, "share"),
    Rule("actions_on_time", "actions done by their date", 3, False, 0.6, 0.9, "share"),
    Rule("overrides", "executive overrides of the consensus", 4, True, 1 / RECENT, 0.0, "count"),
    Rule("bias", "absolute bias of the consensus", 4, True, 0.05, 0.02, "pct"),
    Rule("fva_destroying", "process steps that destroy value (FVA)", 4, True, 1.0, 0.0,
         "count"),
    Rule("on_time", "meetings started by their planned day", 5, False, 0.8, 1.0, "share"),
)
#: Stage 5 asks these at their strict bound.
STRICT = frozenset({"overrides", "bias", "fva_destroying", "actions_on_time"})


@dataclass(frozen=True)
class Criterion:
    """One criterion: its trend by cycle, its recent value, whether it holds, the evidence."""

    rule: Rule
    trend: list[tuple[str, float]]
    value: float
    holds: bool
    holds_strict: bool
    evidence: str


@dataclass(frozen=True)
class Maturity:
    """Where the company stands: ``stage`` (1-5) and ``criteria`` with their evidence."""

    cycle: str
    stage: int
    cycles: list[str]
    criteria: list[Criterion]
    lag: int
    notes: list[str] = field(default_factory=list)

    @property
    def stage_name(self) -> str:
        return STAGES[self.stage - 1]

    def next_steps(self) -> list[Criterion]:
        """The criteria that keep the company from the next stage."""
        nxt = self.stage + 1
        return [c for c in self.criteria
                if (c.rule.stage <= nxt and not c.holds)
                or (nxt == 5 and c.rule.name in STRICT and not c.holds_strict)]


def _add_months(month: str, n: int) -> str:
    t = int(month[:4]) * 12 + int(month[5:7]) - 1 + n
    return f"{t // 12:04d}-{t % 12 + 1:02d}"


def _share(num: float, den: float) -> float:
    return num / den if den else math.nan


def _meetings(cs: CycleState, limits: dict[str, int], today: str) -> dict[str, float]:
    report = cadence_report(cs, limits, today)
    started = [m for m in report if m.started_on is not None]
    planned = [m for m in started if m.scheduled]
    return {
        "meetings_held": _share(sum(m.status == "closed" for m in report), len(report)),
        "in_order": _share(sum(m.in_order for m in started), len(started)),
        "on_time": _share(sum(not m.late for m in planned), len(planned)),
    }


def _consensus(planning: CyclePlanning | None, cs: CycleState) -> dict[str, float]:
    chosen = cs.consensus
    flagged = sum(bool(r.payload.get("averaging_of")) for r in chosen.values())
    families: Sequence[str] = ()
    if planning is not None:
        try:
            families = planning.planned_families
        except LookupError:
            families = ()
    planned = set(families) or set(chosen)
    return {
        "one_source": _share(len(planned & set(chosen)), len(planned)),
        "averaging": _share(flagged, len(chosen)),
    }


def _actions(state: LogState, cycle: str, today: str) -> float:
    """Of the actions recorded in ``cycle`` and due by today, the share done by their date."""
    due = [a for a in state.actions() if a.cycle == cycle and a.due and a.due <= today]
    done = [a for a in due if a.completed is not None and a.completed.at[:10] <= a.due]
    return _share(len(done), len(due))


def _fva_destroying(planning: CyclePlanning) -> float:
    try:
        return float(planning.fva_destroying)
    except LookupError:
        return math.nan


def _judge(rule: Rule, value: float, bound: float) -> bool:
    if math.isnan(value):
        return False
    return value <= bound + 1e-12 if rule.lower_is_better else value >= bound - 1e-12


def _fmt(rule: Rule, value: float) -> str:
    if math.isnan(value):
        return "–"
    if rule.unit == "share":
        return f"{value:.0%}"
    if rule.unit == "pct":
        return f"{value:.1%}"
    return f"{value:g}"


def assess(planning: CyclePlanning, limits: dict[str, int],
           planning_of: Callable[[str], CyclePlanning] | None = None) -> Maturity:
    """Place the company on the five stages from the cycles run up to ``planning.cycle``.

    Args:
        planning: the current cycle's planning (its trend gives the bias by cycle).
        limits: meeting -> timebox (for the cadence).
        planning_of: builds a past cycle's planning (default: with the same cache and lag).
    """
    ws = planning.ws
    state = ws.state()
    today = ws.today()
    # the cycles decided so far: one still running has not shown what it does yet
    cycles = sorted(c for c, cs in state.cycles.items()
                    if cs.closed is not None and c <= planning.cycle)[-12:]
    make = planning_of or (lambda c: planning if c == planning.cycle else
                           CyclePlanning(ws, c, cache_dir=planning.cache_dir, lag=planning.lag))
    notes: list[str] = []
    bias_by_cycle: dict[str, float] = {}
    try:
        biases = planning.trend_series.get("bias", [])
        # the trend's cycles end with this one, oldest first
        labels = [_add_months(planning.cycle, i - len(biases) + 1) for i in range(len(biases))]
        bias_by_cycle = {c: abs(float(v)) for c, v in zip(labels, biases, strict=True)}
    except LookupError as exc:
        notes.append(f"bias not measured: {exc}")
    per: dict[str, list[tuple[str, float]]] = {r.name: [] for r in RULES}
    # bias and FVA are measured at every cycle, the running one included (its window is past)
    measured_now = planning.cycle not in cycles
    for c in [*cycles, planning.cycle] if measured_now else cycles:
        if c == planning.cycle and measured_now:
            per["bias"].append((c, bias_by_cycle.get(c, math.nan)))
            per["fva_destroying"].append((c, _fva_destroying(planning)))
            continue
        cs = state.cycles[c]
        p = make(c)
        values: dict[str, Any] = {**_meetings(cs, limits, today), **_consensus(p, cs)}
        values["actions_on_time"] = _actions(state, c, today)
        values["overrides"] = float(len(cs.overrides))
        values["bias"] = bias_by_cycle.get(c, math.nan)
        values["fva_destroying"] = _fva_destroying(p)
        for r in RULES:
            per[r.name].append((c, float(values[r.name])))
    criteria = []
    for r in RULES:
        recent = [v for _, v in per[r.name][-RECENT:] if not math.isnan(v)]
        if r.name == "overrides":
            value = sum(recent) / len(recent) if recent else math.nan
        elif r.name in ("bias", "fva_destroying"):
            value = recent[-1] if recent else math.nan  # where it stands now
        else:
            value = sum(recent) / len(recent) if recent else math.nan
        shown = ", ".join(f"{c} {_fmt(r, v)}" for c, v in per[r.name][-RECENT:])
        criteria.append(Criterion(r, per[r.name], value, _judge(r, value, r.bound),
                                  _judge(r, value, r.strict),
                                  f"{_fmt(r, value)} over the last {len(recent)} cycle(s)"
                                  f" ({shown or 'no cycle measured'})"))
    stage = 1
    if len(cycles) >= 2:
        for s in (2, 3, 4, 5):
            need = [c for c in criteria if c.rule.stage <= min(s, 4) or c.rule.stage == s]
            ok = all(c.holds for c in need)
            if s == 5:
                ok = ok and all(c.holds_strict for c in criteria if c.rule.name in STRICT)
            if not ok:
                break
            stage = s
    else:
        notes.append(f"{len(cycles)} cycle(s) decided in sop: the stage needs at least two "
                     "to read a cadence")
    return Maturity(planning.cycle, stage, cycles, criteria, planning.lag, notes)


def maturity_json(m: Maturity) -> dict[str, Any]:
    """:class:`Maturity` as JSON-ready values (``sop maturity --json``)."""
    def num(v: float) -> float | None:
        return None if math.isnan(v) else v

    return {
        "cycle": m.cycle, "stage": m.stage, "stage_name": m.stage_name, "lag": m.lag,
        "cycles": m.cycles, "notes": m.notes,
        "criteria": [
            {"name": c.rule.name, "title": c.rule.title, "stage": c.rule.stage,
             "value": num(c.value), "holds": c.holds, "bound": c.rule.bound,
             "lower_is_better": c.rule.lower_is_better, "evidence": c.evidence,
             "trend": [{"cycle": cy, "value": num(v)} for cy, v in c.trend]}
            for c in m.criteria
        ],
        "next_steps": [c.rule.name for c in m.next_steps()],
    }
