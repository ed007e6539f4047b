"""One-line, human descriptions of events (for the log table and the history screen)."""

from __future__ import annotations

from typing import Any

from sop_tui.events.envelope import Event


def _money(x: float | None) -> str:
    return "" if x is None else f" ${x:,.0f}"


def summary(e: Event, payload: dict[str, Any] | None = None) -> str:
    """What an event says, in one line a participant can read.

    ``payload`` overrides the event's own (a record's effective payload after amendments).
    """
    p = e.payload if payload is None else payload
    t = e.type
    if t == "CycleOpened":
        return f"cycle {p['cycle']} opened"
    if t == "DatasetImported":
        text = f"{p['kind']}: {p['rows']:,} rows from {p['file']}"
        if p.get("mode") == "add":
            text += (f" (+{p['added']:,} added, {p['changed']:,} changed, "
                     f"{p['unchanged']:,} unchanged)")
        elif p.get("mode") == "replace":
            text += " (replaces the kind)"
        return text
    if t == "CycleClosed":
        return (f"cycle {p['cycle']} closed; its numbers use "
                f"{sum(len(v) for v in p.get('imports', {}).values())} import(s)")
    if t == "MeetingScheduled":
        return f"{p['meeting']} planned for {p['date']}" + (f": {p['reason']}"
                                                            if p.get("reason") else "")
    if t == "AttendanceRecorded":
        return f"{p['meeting']} attended by {', '.join(p['attendees'])}"
    if t == "DecisionOutcomeRecorded":
        return (f"decision {p['decision']}: {p['outcome'].replace('_', ' ')} — {p['note']}"
                + (f" [{p['measured']}]" if p.get("measured") else ""))
    if t == "MeetingStarted":
        text = f"{p['meeting']} started"
        if p.get("attendees"):
            text += f" with {', '.join(p['attendees'])}"
        if p.get("out_of_order"):
            text += (f" OUT OF ORDER (before {', '.join(p['out_of_order'])} closed): "
                     f"{p.get('reason', '')}")
        return text
    if t == "AgendaItemStarted":
        return f"item {p['item'] + 1}: {p['title']}"
    if t == "MeetingClosed":
        return f"{p['meeting']} closed" + (f" after {p['minutes']:g} min" if "minutes" in p else "")
    if t == "AssumptionRecorded":
        fam = f"[{p['family']}] " if p.get("family") else ""
        return f"{fam}{p['text']} — {p['owner']}"
    if t == "DecisionRecorded":
        return f"{p['question']} → {p['chosen']} ({p['decided_by']})"
    if t == "ActionRecorded":
        return f"{p['text']} — {p['owner']} by {p['due']}{_money(p.get('dollars'))}"
    if t == "ActionCompleted":
        ref = f"{p['action']}.{p['item']}" if p.get("item") else str(p["action"])
        return f"action {ref} done" + (f": {p['note']}" if p.get("note") else "")
    if t == "EventRetracted":
        return f"retracts {p['target']}: {p['reason']}"
    if t == "EventAmended":
        fields = ", ".join(p["changes"])
        return f"amends {p['target']} ({fields}): {p['reason']}"
    if t == "ConsensusSelected":
        total = sum(p["units"].values())
        flag = " ⚠ averaging" if p.get("averaging_of") else ""
        return f"{p['family']}: {p['source']} ({total:,.0f} units){flag}"
    if t == "ForecastGenerated":
        return f"{p['level']} forecast, {p['series']} series, {p['horizon']} months"
    if t == "ScenarioCreated":
        return f"scenario {p['name']}"
    if t == "RecommendationRecorded":
        return f"recommend {p['scenario']}: {p['text']}"
    if t == "PlanApproved":
        return f"plan approved ({p['scenario']}) by {p['approved_by']}"
    if t == "PlanOverridden":
        return (f"OVERRIDE by {p['overridden_by']}: {p['rationale']} "
                f"(closes ${p['revenue_gap_closed']:,.0f}, {len(p['actions'])} action(s))")
    if t == "PackRendered":
        return f"pack rendered, {p['pages']} pages, sha256 {p['sha256'][:12]}"
    if t == "PackSent":
        return f"pack sent to {', '.join(p['to'])}"
    return t
