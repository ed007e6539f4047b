"""What ``sop export`` hands to the ERP and to finance: each part of a cycle as a typed table.

A :class:`Table` is a frame and the kind of each column (text, month, date, time, units, money,
share, number), so the writers (:mod:`sop_tui.exports.write`) can give every cell its type and
number format. The parts read the same views the app and the pack show (``CyclePlanning``) and
the folded log, never a second computation.

- ``plan``: the demand plan of the cycle by family and month, units and dollars, with where each
  number came from (the chosen consensus source, or a placeholder not yet agreed).
- ``supply`` / ``capacity``: the constrained supply plan by family and month, and the load
  against capacity by resource and month.
- ``decisions`` / ``assumptions`` / ``actions``: the registers, with who recorded what when and
  whether a record was amended or retracted (every cycle, or one with ``cycle``).
- ``metrics``: the four metrics of the cycle and their trend over the cycles before it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from sop_tui.cycle.state import LogState, Record

if TYPE_CHECKING:
    from sop_tui.cycle.planning import CyclePlanning

__all__ = ["PARTS", "REGISTERS", "ColumnKind", "Table", "build"]

ColumnKind = Literal["text", "month", "date", "time", "units", "money", "share", "number"]


@dataclass(frozen=True)
class Table:
    """One exported table: ``frame``'s columns in order, each with its kind."""

    name: str
    title: str
    frame: pd.DataFrame
    kinds: Mapping[str, ColumnKind]

    def __post_init__(self) -> None:
        missing = [c for c in self.frame.columns if c not in self.kinds]
        if missing:
            raise ValueError(f"{self.name}: no kind for column(s) {', '.join(missing)}")


#: The parts that read only the log (not the planning data).
REGISTERS = ("decisions", "assumptions", "actions")


def _status(rec: Record) -> str:
    if rec.retraction is not None:
        return f"retracted by event {rec.retraction.seq}"
    if rec.amendments:
        return "amended by event " + ", ".join(str(a.seq) for a in rec.amendments)
    return "live"


def _months(p: Mapping[str, Any]) -> tuple[str | None, str | None]:
    m = p.get("months") or {}
    return m.get("first"), m.get("last")


def _records(state: LogState, type_: str, cycle: str | None) -> list[Record]:
    return [r for r in state.by_seq.values()
            if r.type == type_ and (cycle is None or r.cycle == cycle)]


#: The columns every register starts with (who recorded what, when) and ends with (its status).
_RECORDED: dict[str, ColumnKind] = {
    "event": "number", "cycle": "text", "meeting": "text", "recorded_at": "time",
    "recorded_by": "text",
}


def _register(
    state: LogState, cycle: str | None, type_: str, title: str,
    kinds: dict[str, ColumnKind], values: Callable[[Record], dict[str, Any]],
) -> Table:
    """The records of ``type_``: the shared columns, ``values(record)`` in ``kinds``, status."""
    every: dict[str, ColumnKind] = {**_RECORDED, **kinds, "status": "text"}
    rows = [{"event": r.seq, "cycle": r.cycle, "meeting": r.meeting or "",
             "recorded_at": r.event.at, "recorded_by": r.event.actor, **values(r),
             "status": _status(r)}
            for r in _records(state, type_, cycle)]
    return Table(title.lower(), title, pd.DataFrame(rows, columns=list(every)), every)


def decisions(state: LogState, cycle: str | None) -> Table:
    def values(r: Record) -> dict[str, Any]:
        p = r.payload
        first, last = _months(p)
        return {
            "question": p.get("question", ""), "options": " / ".join(p.get("options", ())),
            "chosen": p.get("chosen", ""), "rationale": p.get("rationale", ""),
            "decided_by": p.get("decided_by", ""), "owner": p.get("owner", ""),
            "due": p.get("due"), "family": p.get("family", ""),
            "skus": ", ".join(p.get("skus", ())), "resource": p.get("resource", ""),
            "first_month": first, "last_month": last,
        }

    return _register(state, cycle, "DecisionRecorded", "Decisions", {
        "question": "text", "options": "text", "chosen": "text", "rationale": "text",
        "decided_by": "text", "owner": "text", "due": "date", "family": "text", "skus": "text",
        "resource": "text", "first_month": "month", "last_month": "month",
    }, values)


def assumptions(state: LogState, cycle: str | None) -> Table:
    def values(r: Record) -> dict[str, Any]:
        p = r.payload
        first, last = _months(p)
        return {
            "text": p.get("text", ""), "owner": p.get("owner", ""), "family": p.get("family", ""),
            "first_month": first, "last_month": last, "units": p.get("units"),
            "dollars": p.get("dollars"), "source": p.get("source", ""),
        }

    return _register(state, cycle, "AssumptionRecorded", "Assumptions", {
        "text": "text", "owner": "text", "family": "text", "first_month": "month",
        "last_month": "month", "units": "units", "dollars": "money", "source": "text",
    }, values)


def actions(state: LogState, cycle: str | None, today: str) -> Table:
    def values(r: Record) -> dict[str, Any]:
        p = r.payload
        if r.completed is not None:
            where = "done"
        elif p.get("due", "9999-12-31") < today:
            where = "overdue"
        else:
            where = "open"
        return {
            "text": p.get("text", ""), "owner": p.get("owner", ""), "due": p.get("due"),
            "dollars": p.get("dollars"), "decision": p.get("decision"), "state": where,
            "completed_at": r.completed.at if r.completed is not None else None,
        }

    return _register(state, cycle, "ActionRecorded", "Actions", {
        "text": "text", "owner": "text", "due": "date", "dollars": "money",
        "decision": "number", "state": "text", "completed_at": "time",
    }, values)


def plan(planning: CyclePlanning) -> Table:
    kinds: dict[str, ColumnKind] = {
        "family": "text", "month": "month", "units": "units", "unit_price": "money",
        "revenue": "money", "source": "text", "assumption": "text",
    }
    demand = planning.demand_plan
    frame = demand.frame.copy()
    frame["month"] = frame["month"].astype(str)
    frame["unit_price"] = frame["family"].map(planning.prices.set_index("family")["unit_price"])
    frame["revenue"] = frame["units"] * frame["unit_price"]
    consensus = planning.state.consensus
    source = {f: consensus[f].payload.get("source", "") for f in demand.agreed}
    assumption = {f: consensus[f].payload.get("assumption", "") for f in demand.agreed}
    frame["source"] = frame["family"].map(
        lambda f: source.get(f, "placeholder: last year's actual, not agreed"))
    frame["assumption"] = frame["family"].map(lambda f: assumption.get(f, ""))
    return Table("plan", f"Demand plan {planning.cycle}", frame[list(kinds)], kinds)


def supply(planning: CyclePlanning) -> Table:
    frame = planning.supply.production.copy()
    frame["month"] = frame["month"].astype(str)
    kinds: dict[str, ColumnKind] = {c: ("text" if c == "family" else "month" if c == "month"
                                        else "units") for c in frame.columns}
    return Table("supply", f"Supply plan {planning.cycle}", frame, kinds)


def capacity(planning: CyclePlanning) -> Table:
    frame = planning.supply.capacity.copy()
    frame["month"] = frame["month"].astype(str)
    kinds: dict[str, ColumnKind] = {}
    for c in frame.columns:
        kinds[c] = ("text" if c == "resource" else "month" if c == "month"
                    else "share" if c.endswith("utilisation") else "number")
    return Table("capacity", f"Capacity {planning.cycle}", frame, kinds)


#: How each metric of the summary reads.
_METRIC_KINDS: dict[str, ColumnKind] = {
    "family_accuracy": "share", "item_accuracy": "share", "bias": "share",
    "plan_attainment": "share", "eo_value": "money", "excess_value": "money",
    "obsolete_value": "money",
}


def metrics(planning: CyclePlanning) -> Table:
    values = planning.metric_values
    trend = planning.trend
    rows: list[dict[str, Any]] = []
    for name, kind in _METRIC_KINDS.items():
        if name in values:
            rows.append({"cycle": planning.cycle, "metric": name,
                         "value": values[name], "reads_as": kind})
    for r in trend.itertuples(index=False):
        rows.append({"cycle": str(r.cycle), "metric": str(r.metric), "value": r.value,
                     "reads_as": _METRIC_KINDS.get(str(r.metric), "number")})
    kinds: dict[str, ColumnKind] = {"cycle": "text", "metric": "text", "value": "number",
                                    "reads_as": "text"}
    frame = pd.DataFrame(rows, columns=list(kinds)).drop_duplicates(["cycle", "metric"])
    return Table("metrics", f"Metrics {planning.cycle}", frame, kinds)


#: Every part, in the order ``all`` writes them.
PARTS = ("plan", "supply", "capacity", "decisions", "assumptions", "actions", "metrics")


def build(part: str, *, state: LogState, cycle: str | None, today: str,
          planning: Callable[[], CyclePlanning]) -> Table:
    """The table of ``part`` (one of :data:`PARTS`).

    Args:
        state: the folded log.
        cycle: the cycle to export (the registers: ``None`` for every cycle).
        today: ``YYYY-MM-DD``, for which actions are overdue.
        planning: gives the cycle's planning (called only for the parts that need data).
    """
    if part == "decisions":
        return decisions(state, cycle)
    if part == "assumptions":
        return assumptions(state, cycle)
    if part == "actions":
        return actions(state, cycle, today)
    builders: dict[str, Callable[[CyclePlanning], Table]] = {
        "plan": plan, "supply": supply, "capacity": capacity, "metrics": metrics,
    }
    if part not in builders:
        raise ValueError(f"{part!r} is not a part (one of: {', '.join(PARTS)}, all)")
    return builders[part](planning())
