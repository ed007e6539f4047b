"""Exit criteria: what must hold before a meeting can close.

Each criterion is a named rule over the cycle's state and the facts the planning data gives
(families to plan, items awaiting a lifecycle decision, capacity gaps). A rule returns what is
missing, in words the facilitator can act on; an empty list means it holds. Meeting files name
their criteria by these ids.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sop_tui.cycle.state import CycleState


@dataclass(frozen=True)
class CriteriaFacts:
    """What the planning data says must be covered this cycle (computed by the caller)."""

    families: Sequence[str] = ()
    lifecycle_items: Sequence[str] = ()  # SKUs that are new or phasing out
    capacity_gaps: Sequence[tuple[str, str]] = ()  # (resource, month)
    horizon: Sequence[str] = field(default=())  # months the consensus must cover


Rule = Callable[[CycleState, CriteriaFacts], list[str]]

_MAX_LISTED = 8


def _listed(what: str, items: Sequence[str]) -> str:
    shown = ", ".join(items[:_MAX_LISTED])
    more = f" and {len(items) - _MAX_LISTED} more" if len(items) > _MAX_LISTED else ""
    return f"{what}: {shown}{more}"


def lifecycle_items_decided(cs: CycleState, facts: CriteriaFacts) -> list[str]:
    decided = {s for r in cs.decisions for s in r.payload.get("skus", [])}
    open_ = [s for s in facts.lifecycle_items if s not in decided]
    if not open_:
        return []
    return [_listed(f"{len(open_)} new/phase-out item(s) without a decision", open_)]


def consensus_for_every_family(cs: CycleState, facts: CriteriaFacts) -> list[str]:
    chosen = cs.consensus
    missing = [f for f in facts.families if f not in chosen]
    out = [_listed(f"{len(missing)} famil(ies) without a consensus", missing)] if missing else []
    if facts.horizon:
        short = [
            f for f, r in chosen.items()
            if f in facts.families and not set(facts.horizon) <= set(r.payload["units"])
        ]
        if short:
            out.append(_listed("consensus does not cover every month of the horizon", short))
    return out


def no_unexplained_averaging(cs: CycleState, facts: CriteriaFacts) -> list[str]:
    bad = [
        f for f, r in cs.consensus.items()
        if r.payload.get("averaging_of") and not r.payload.get("chosen_assumptions")
    ]
    return [_listed("consensus by averaging without the chosen assumptions", bad)] if bad else []


def every_capacity_gap_addressed(cs: CycleState, facts: CriteriaFacts) -> list[str]:
    covered: set[tuple[str, str]] = set()
    for r in cs.of_type("DecisionRecorded", meeting="supply"):
        res = r.payload.get("resource")
        months = r.payload.get("months")
        for resource, month in facts.capacity_gaps:
            if res in (resource, "*") and (
                months is None or months["first"] <= month <= months["last"]
            ):
                covered.add((resource, month))
    open_ = [f"{r} {m}" for r, m in facts.capacity_gaps if (r, m) not in covered]
    return [_listed(f"{len(open_)} capacity gap(s) without an option or decision", open_)] \
        if open_ else []


def three_scenarios(cs: CycleState, facts: CriteriaFacts) -> list[str]:
    n = len(cs.scenarios)
    return [] if n >= 3 else [f"{n} scenario(s) recorded; at least three are needed"]


def recommendation_recorded(cs: CycleState, facts: CriteriaFacts) -> list[str]:
    return [] if cs.recommendation is not None else ["no recommendation recorded"]


def open_decisions_listed(cs: CycleState, facts: CriteriaFacts) -> list[str]:
    rec = cs.recommendation
    if rec is None or not rec.payload.get("open_decisions"):
        return ["the open decisions for the executives are not listed with the recommendation"]
    return []


def plan_approved_or_overridden(cs: CycleState, facts: CriteriaFacts) -> list[str]:
    return [] if cs.outcome is not None else [
        "the plan is neither approved nor overridden (with rationale and gap-closing actions)"
    ]


RULES: dict[str, Rule] = {
    f.__name__: f
    for f in (
        lifecycle_items_decided,
        consensus_for_every_family,
        no_unexplained_averaging,
        every_capacity_gap_addressed,
        three_scenarios,
        recommendation_recorded,
        open_decisions_listed,
        plan_approved_or_overridden,
    )
}


def missing(criteria: Sequence[str], cs: CycleState, facts: CriteriaFacts) -> list[str]:
    """Everything the named criteria still miss, in order."""
    out: list[str] = []
    for name in criteria:
        out.extend(RULES[name](cs, facts))
    return out
