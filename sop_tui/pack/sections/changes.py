"""What changed since the last pack: the pack's view of :mod:`sop_tui.cycle.changes`, the same
computation ``sop changes`` prints — a few sentences for page 1 and the tables behind them."""

from __future__ import annotations

from typing import Any

from sop_tui.cycle.changes import Changes
from sop_tui.formats import metric, money, pp, signed_pct, units

#: Families listed in the consensus table (the largest moves first).
MOST_FAMILIES = 12


def changes_section(c: Changes) -> dict[str, Any]:
    """Sentences (page 1) and tables (the section) of what moved since ``c.since``."""
    if not c.since_ran:
        note = (f"Cycle {c.since} was not run in this log, so there is no earlier pack or "
                "decision to compare with; the metrics' moves come from the forecast history.")
    elif c.previous_pack is None:
        note = (f"Compared with cycle {c.since} (no pack was rendered for it): its recorded "
                "decisions, consensus and metrics.")
    else:
        note = (f"Compared with the pack of cycle {c.since}, rendered "
                f"{c.previous_pack['at']} UTC.")
    metrics = []
    for m in c.metrics:
        if m.delta is None:
            delta = "–"
        elif m.kind == "money":
            delta = money(m.delta) if m.delta < 0 else "+" + money(m.delta)
        else:
            delta = pp(m.delta * 100)
        metrics.append({"label": m.label, "before": metric(m.before, m.kind),
                        "after": metric(m.after, m.kind), "delta": delta})
    moved = c.moved_families
    families = [{"family": m.family, "before": units(m.units_before),
                 "after": units(m.units_after), "change": signed_pct(m.change),
                 "dollars": _dollars(m.dollars_before, m.dollars_after),
                 "source": m.source_before if m.source_before == m.source_after
                 else f"{m.source_before} → {m.source_after}"} for m in moved[:MOST_FAMILIES]]
    return {"since": c.since, "cycle": c.cycle, "ran": c.since_ran, "note": note,
            "pack": c.previous_pack, "metrics": metrics, "families": families,
            "more_families": max(0, len(moved) - MOST_FAMILIES),
            "sentences": sentences(c, metrics)}


def _dollars(before: float | None, after: float | None) -> str:
    if before is None or after is None:
        return "–"
    d = after - before
    return ("+" if d >= 0 else "") + money(d)


def sentences(c: Changes, metrics: list[dict[str, Any]]) -> list[str]:
    """What moved, in a few lines (page 1)."""
    out = []
    moves = [f"{m['label'].split(' (')[0].lower()} {m['after']} ({m['delta']})"
             for m in metrics if m["delta"] != "–"]
    if moves:
        out.append(f"Metrics since {c.since}: " + "; ".join(moves) + ".")
    if c.since_ran:
        moved = c.moved_families
        if moved:
            top = moved[0]
            out.append(f"Consensus: {len(moved)} of {len(c.consensus)} families moved by 5% "
                       f"or more; most {top.family} {signed_pct(top.change)} "
                       f"({_dollars(top.dollars_before, top.dollars_after)}).")
        elif c.consensus:
            out.append("Consensus: no family moved by 5% or more.")
        if c.plan_before != c.plan_now:
            out.append(f"Plan of record: {c.plan_before or 'none'} then, "
                       f"{c.plan_now or 'not decided yet'} now.")
    decided = len([i for i in c.decisions_new if i.state != "retracted"])
    parts = [f"{decided} decision{'s' if decided != 1 else ''} recorded"]
    if c.decisions_followed_up:
        parts.append(f"{len(c.decisions_followed_up)} earlier ones followed up")
    if c.decisions_corrected or c.assumptions_corrected:
        n = len(c.decisions_corrected) + len(c.assumptions_corrected)
        parts.append(f"{n} earlier record{'s' if n != 1 else ''} corrected")
    parts.append(f"{len(c.assumptions_new)} assumption{'s' if len(c.assumptions_new) != 1 else ''}")
    parts.append(f"{len(c.scenarios_new)} new scenario{'s' if len(c.scenarios_new) != 1 else ''}")
    out.append("This cycle: " + ", ".join(parts) + ".")
    out.append(f"Actions: {len(c.actions_new)} new, {len(c.actions_completed)} completed, "
               f"{len(c.actions_overdue)} overdue.")
    return out
