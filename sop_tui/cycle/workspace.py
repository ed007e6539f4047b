"""The commands of an S&OP cycle, shared by the CLI and the TUI.

A :class:`Workspace` holds the event log, who is acting and the clock. Each command checks its
input, writes exactly one event (or raises :class:`CommandError` naming the bad field and writes
nothing), and returns the recorded event. State is folded incrementally from the log, so another
process's appends are seen on the next read.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sop_tui.cycle.cadence import default_schedule, earlier_not_closed
from sop_tui.cycle.corrections import check_reason, checked_changes, correction_target
from sop_tui.cycle.decisions import chosen_option, clean_options, outcome_problems
from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.fields import months_payload
from sop_tui.cycle.state import ActionItem, LogState, fold
from sop_tui.cycle.validation import (
    action_problems,
    approval_problems,
    assumption_problems,
    decision_problems,
    in_words,
    override_problems,
    recommendation_problems,
)
from sop_tui.data.imports import chains
from sop_tui.events.envelope import MEETINGS, MONTH_RE, Event
from sop_tui.events.log import EventLog, NewEvent, utc_now

if TYPE_CHECKING:
    from sop_tui.data.store import PlanningData

# pandas (data.store) and pydantic (events.types) are imported where first needed, so opening
# a workspace — and painting the app — does not wait for them.

CYCLE_RE = MONTH_RE


class Workspace:
    """One event log, one actor: the commands of the cycle.

    Args:
        log: the event log.
        actor: who is recording (written into every event's envelope).
        clock: the current UTC time (injected for tests).
    """

    def __init__(
        self, log: EventLog, *, actor: str = "sop", clock: Callable[[], datetime] = utc_now
    ) -> None:
        self.log = log
        self.actor = actor
        self.clock = clock
        self._state = LogState()
        self._lock = threading.Lock()

    # -- reading -----------------------------------------------------------------------------

    def state(self) -> LogState:
        """The state folded from every event so far (new events folded incrementally)."""
        with self._lock:
            # rows, not events: the state needs no chain, and decodes a record when shown
            fold(self.log.fold_rows(since=self._state.last_seq), self._state)
            return self._state

    def current_cycle(self) -> str:
        """The newest opened cycle; raises if none is open."""
        cur = self.state().current
        if cur is None:
            raise CommandError({"cycle": "no cycle is open yet (sop cycle open YYYY-MM)"})
        return cur.cycle

    def current_cycle_or_next(self) -> str:
        """The newest opened cycle, or (none open yet) the month after today's."""
        cur = self.state().current
        if cur is not None:
            return cur.cycle
        now = self.clock()
        return f"{now.year + now.month // 12:04d}-{now.month % 12 + 1:02d}"

    def next_cycle(self) -> str:
        """The cycle to open next: the month after the newest cycle (or after today's)."""
        cur = self.state().current
        y, m = (int(cur.cycle[:4]), int(cur.cycle[5:7])) if cur is not None else \
            (self.clock().year, self.clock().month)
        return f"{y + m // 12:04d}-{m % 12 + 1:02d}"

    def open_cycle_or_none(self) -> str | None:
        """The newest opened cycle if it is not closed yet (imports are filed under it)."""
        cur = self.state().current
        return cur.cycle if cur is not None and cur.closed is None else None

    def data_until(self, cycle: str | None) -> int | None:
        """The last event whose imports ``cycle`` reads (``None``: every import so far)."""
        return self.state().data_until(cycle) if cycle else None

    def data(self, cycle: str | None = None, kinds: Iterable[str] | None = None
             ) -> PlanningData:
        """The planning data as ``cycle`` (default: the current cycle) reads it: every import
        so far for an open cycle, exactly the imports it was decided with for a closed one."""
        from sop_tui.data.store import load

        cycle = cycle or self._cycle_or_none()
        return load(self.log, cycle, kinds, until=self.data_until(cycle))

    def _cycle_or_none(self) -> str | None:
        cur = self.state().current
        return cur.cycle if cur else None

    def today(self) -> str:
        return self.clock().strftime("%Y-%m-%d")

    # -- writing -----------------------------------------------------------------------------

    def _append(self, type_: str, payload: dict[str, Any], *, cycle: str,
                meeting: str | None) -> Event:
        from sop_tui.events.types import PayloadError

        clean = {k: v for k, v in payload.items() if v is not None}
        try:
            return self.log.append(type_, clean, cycle=cycle, meeting=meeting, actor=self.actor)
        except PayloadError as exc:
            raise CommandError(in_words(exc.problems)) from None

    def _check_context(self, cycle: str | None, meeting: str | None, *,
                       closed_ok: bool = False) -> str:
        cycle = cycle or self.current_cycle()
        if not CYCLE_RE.match(cycle):
            raise CommandError({"cycle": f"{cycle!r} is not a cycle in the form YYYY-MM"})
        cs = self.state().cycles.get(cycle)
        if cs is None or cs.opened is None:
            raise CommandError({"cycle": f"cycle {cycle} is not open (sop cycle open {cycle})"})
        if cs.closed is not None and not closed_ok:
            raise CommandError({"cycle": f"cycle {cycle} was closed (event {cs.closed.seq}): "
                                         "it is decided; record in the current cycle"})
        if meeting is not None and meeting not in MEETINGS:
            raise CommandError(
                {"meeting": f"{meeting!r} is not a meeting (one of: {', '.join(MEETINGS)})"}
            )
        return cycle

    def _check_family(self, family: str | None, cycle: str) -> None:
        if not family:
            return
        data = self.data(cycle, kinds=["items"])
        if "items" not in data.frames:
            return  # no item master yet: nothing to check against
        families = set(data.frames["items"]["family"])
        if family not in families:
            raise CommandError({"family": f"{family!r} is not a family in the items data"})

    def open_cycle(self, cycle: str, note: str | None = None,
                   schedule: dict[str, str] | None = None) -> Event:
        """Open cycle ``cycle`` (YYYY-MM), with a planned day per meeting. A cycle is opened once.

        ``schedule`` gives some or all meetings' days; the others take the default calendar
        (:func:`sop_tui.cycle.cadence.default_schedule`).
        """
        if not CYCLE_RE.match(cycle or ""):
            raise CommandError({"cycle": f"{cycle!r} is not a cycle in the form YYYY-MM"})
        cs = self.state().cycles.get(cycle)
        if cs is not None and cs.opened is not None:
            raise CommandError({"cycle": f"cycle {cycle} is already open (event {cs.opened.seq})"})
        unknown = sorted(set(schedule or {}) - set(MEETINGS))
        if unknown:
            raise CommandError({"date": f"{', '.join(unknown)}: not a meeting (one of: "
                                        f"{', '.join(MEETINGS)})"})
        days = {**default_schedule(cycle, self.clock().date()), **(schedule or {})}
        return self._append("CycleOpened", {"cycle": cycle, "note": note, "schedule": days},
                            cycle=cycle, meeting=None)

    def close_cycle(self, cycle: str | None = None) -> Event:
        """Close a decided cycle: its numbers keep the imports they used from now on.

        A cycle closes by itself with the last of its five meetings; this closes it when one
        of them was never held. Refused until the executive meeting is closed (the plan
        approved or overridden).
        """
        cycle = self._check_context(cycle, None)
        cs = self.state().cycles[cycle]
        if cs.meetings["executive"].status != "closed":
            raise CommandError({"cycle": f"cycle {cycle} is not decided yet: close the executive "
                                         "meeting first (sop meeting close executive)"})
        return self._append("CycleClosed", self._closing(cycle), cycle=cycle, meeting=None)

    def _closing(self, cycle: str) -> dict[str, Any]:
        """The ``CycleClosed`` payload: the imports the cycle's numbers use, fixed."""

        used = chains(self.state().imports, self.data_until(cycle))
        return {"cycle": cycle, "until": self.log.head().count,
                "imports": {k: [e.seq for e in c] for k, c in sorted(used.items())}}

    def schedule_meeting(self, meeting: str, day: str, *, reason: str | None = None,
                         cycle: str | None = None) -> Event:
        """Move a meeting's planned day."""
        cycle = self._check_context(cycle, meeting)
        return self._append("MeetingScheduled", {"meeting": meeting, "date": day,
                                                 "reason": reason}, cycle=cycle, meeting=meeting)

    def start_meeting(self, meeting: str, *, cycle: str | None = None,
                      attendees: Sequence[str] = (), reason: str | None = None) -> Event:
        """Start a meeting, with who attends.

        Meetings run in order: starting one while an earlier one is not closed is refused
        unless ``reason`` says why (recorded with the start).
        """
        cycle = self._check_context(cycle, meeting)
        cs = self.state().cycles[cycle]
        if cs.meetings[meeting].status != "not started":
            raise CommandError({"meeting": f"{meeting} was started already "
                                           f"({cs.meetings[meeting].status})"})
        before = earlier_not_closed(cs, meeting)
        if before and not (reason or "").strip():
            raise CommandError({"reason": f"{meeting} comes after {', '.join(before)}, which "
                                          f"{'is' if len(before) == 1 else 'are'} not closed "
                                          "yet: give the reason it runs out of order"})
        return self._append(
            "MeetingStarted",
            {"meeting": meeting, "attendees": [a.strip() for a in attendees if a.strip()],
             "out_of_order": before,
             "reason": ((reason or "").strip() or None) if before else None},
            cycle=cycle, meeting=meeting)

    def record_attendance(self, meeting: str, attendees: Sequence[str], *,
                          cycle: str | None = None) -> Event:
        """Add names to who attended a meeting."""
        cycle = self._check_context(cycle, meeting)
        return self._append("AttendanceRecorded",
                            {"meeting": meeting, "attendees": [a.strip() for a in attendees]},
                            cycle=cycle, meeting=meeting)

    def start_item(self, meeting: str, item: int, title: str, *,
                   cycle: str | None = None) -> Event | None:
        """Record the first start of agenda item ``item``; None when it had started before.

        Only first starts are recorded: moving back and forth through the agenda would
        otherwise fill the log. Item 0 starts with the meeting. The time of each item is
        derived from the first starts (an item runs until the next first start or the close).
        """
        cycle = self._check_context(cycle, meeting)
        if self.state().cycles[cycle].meetings[meeting].status == "not started":
            raise CommandError({"meeting": f"{meeting} has not started (sop meeting start "
                                           f"{meeting})"})
        if item == 0 or any(e.payload.get("item") == item for e in self.log.events(
                cycle=cycle, meeting=meeting, types=["AgendaItemStarted"])):
            return None
        return self._append("AgendaItemStarted", {"meeting": meeting, "item": item,
                                                  "title": title}, cycle=cycle, meeting=meeting)

    def close_meeting(self, meeting: str, *, cycle: str | None = None,
                      missing: list[str] | None = None, note: str | None = None) -> Event:
        """Close a meeting; refused while ``missing`` (its unmet exit criteria) is not empty."""
        cycle = self._check_context(cycle, meeting)
        if missing:
            raise CommandError({"exit criteria": "; ".join(missing)})
        ms = self.state().cycles[cycle].meetings[meeting]
        if ms.status == "not started":
            raise CommandError({"meeting": f"{meeting} has not started: it cannot close "
                                           f"(sop meeting start {meeting})"})
        if ms.status == "closed":
            raise CommandError({"meeting": f"{meeting} is closed already"})
        minutes = None
        if ms.started is not None:
            started = datetime.fromisoformat(ms.started.at.replace("Z", "+00:00"))
            minutes = round(max(0.0, (self.clock() - started).total_seconds() / 60), 1)
        closed = {"meeting": meeting, "minutes": minutes, "note": note}
        cs = self.state().cycles[cycle]
        others = [m for m in MEETINGS if m != meeting]
        if cs.closed is not None or any(cs.meetings[m].status != "closed" for m in others):
            return self._append("MeetingClosed", closed, cycle=cycle, meeting=meeting)
        # the last of the five meetings: the cycle is decided, and closes with it

        clean = {k: v for k, v in closed.items() if v is not None}
        first, _ = self.log.append_all([
            NewEvent("MeetingClosed", clean, cycle, meeting, self.actor),
            NewEvent("CycleClosed", self._closing(cycle), cycle, None, self.actor)])
        return first

    def record_assumption(self, *, text: str, owner: str, cycle: str | None = None,
                          meeting: str | None = None, family: str | None = None,
                          months: str | None = None, units: float | None = None,
                          dollars: float | None = None, source: str | None = None) -> Event:
        cycle = self._check_context(cycle, meeting)
        assumption_problems(text=text, owner=owner, months=months).raise_any()
        self._check_family(family, cycle)
        return self._append(
            "AssumptionRecorded",
            {"text": text, "owner": owner, "family": family or None,
             "months": months_payload(months), "units": units, "dollars": dollars,
             "source": source},
            cycle=cycle, meeting=meeting,
        )

    def record_decision(self, *, question: str, chosen: str, rationale: str, decided_by: str,
                        options: list[str] | tuple[str, ...] = (), owner: str | None = None,
                        due: str | None = None, cycle: str | None = None,
                        meeting: str | None = None, family: str | None = None,
                        skus: list[str] | tuple[str, ...] = (), resource: str | None = None,
                        months: str | None = None) -> Event:
        cycle = self._check_context(cycle, meeting)
        decision_problems(question=question, options=options, chosen=chosen,
                          rationale=rationale, decided_by=decided_by, owner=owner, due=due,
                          months=months, today=self.today() if due else None).raise_any()
        self._check_family(family, cycle)
        opts = clean_options(options)
        chosen = chosen_option(chosen, opts) or chosen
        return self._append(
            "DecisionRecorded",
            {"question": question, "options": opts, "chosen": chosen,
             "rationale": rationale, "decided_by": decided_by, "owner": owner or None,
             "due": due or None, "family": family or None, "skus": list(skus),
             "resource": resource or None, "months": months_payload(months)},
            cycle=cycle, meeting=meeting,
        )

    def record_action(self, *, text: str, owner: str, due: str, cycle: str | None = None,
                      meeting: str | None = None, dollars: float | None = None,
                      decision: int | None = None) -> Event:
        cycle = self._check_context(cycle, meeting)
        action_problems(text=text, owner=owner, due=due, today=self.today()).raise_any()
        if decision is not None:
            rec = self.state().by_seq.get(decision)
            if rec is None or rec.event.type != "DecisionRecorded":
                raise CommandError({"decision": f"event {decision} is not a recorded decision"})
        return self._append(
            "ActionRecorded",
            {"text": text, "owner": owner, "due": due, "dollars": dollars, "decision": decision},
            cycle=cycle, meeting=meeting,
        )

    def complete_action(self, action: int | str, note: str | None = None) -> Event:
        """Mark an action done: ``57`` (an action), or ``57.2`` (an override's second action).

        The completion is recorded in the current cycle when the action is an earlier one's.
        """
        item: ActionItem | None = self.state().action(action)
        if item is None:
            raise CommandError({"action": f"{action} is not a live action (SEQ, or SEQ.N for "
                                          "the N-th action of an override)"})
        if item.completed is not None:
            raise CommandError({"action": f"action {item.ref} was completed by event "
                                          f"{item.completed.seq}"})
        now = self.open_cycle_or_none()
        same = now is None or now == item.cycle
        return self._append("ActionCompleted",
                            {"action": item.seq, "item": item.item, "note": note},
                            cycle=item.cycle if same or now is None else now,
                            meeting=item.event.meeting if same else None)

    def record_outcome(self, decision: int, outcome: str, note: str, *,
                       measured: str | None = None, cycle: str | None = None,
                       meeting: str | None = None) -> Event:
        """Record what came of decision ``decision`` (worked / partly / did_not / superseded)."""

        cycle = self._check_context(cycle, meeting)
        rec = self.state().by_seq.get(decision)
        if rec is None or rec.type != "DecisionRecorded" or not rec.live:
            raise CommandError({"decision": f"event {decision} is not a live decision"})
        problems = outcome_problems(outcome, note)
        if problems:
            raise CommandError(problems)
        return self._append("DecisionOutcomeRecorded",
                            {"decision": decision, "outcome": outcome, "note": note,
                             "measured": measured}, cycle=cycle, meeting=meeting)

    def retract(self, seq: int, reason: str) -> Event:
        """Record that event ``seq`` no longer holds, and why."""
        rec = correction_target(self.state(), self.log, seq)
        check_reason(reason)
        return self._append(
            "EventRetracted",
            {"target": seq, "target_event_id": rec.event.event_id, "reason": reason},
            cycle=rec.event.cycle, meeting=rec.event.meeting,
        )

    def amend(self, seq: int, changes: dict[str, Any], reason: str) -> Event:
        """Record new values for some fields of event ``seq``, and why."""
        rec = correction_target(self.state(), self.log, seq)
        check_reason(reason)
        changes = checked_changes(rec, changes)
        return self._append(
            "EventAmended",
            {"target": seq, "target_event_id": rec.event.event_id, "reason": reason,
             "changes": changes},
            cycle=rec.event.cycle, meeting=rec.event.meeting,
        )

    def select_consensus(self, *, family: str, source: str, units: dict[str, float],
                         assumption: str, cycle: str | None = None,
                         rationale: str | None = None, averaging_of: tuple[str, ...] = (),
                         chosen_assumptions: str | None = None) -> Event:
        """Record the one consensus number per month of a family, from a named source."""
        cycle = self._check_context(cycle, "demand")
        self._check_family(family, cycle)
        if averaging_of and not (chosen_assumptions or "").strip():
            raise CommandError({
                "chosen_assumptions": "this consensus equals the average of "
                + " and ".join(averaging_of)
                + ": say which source's assumptions were chosen, and why"
            })
        if source == "manual" and not (rationale or "").strip():
            raise CommandError({"rationale": "a number entered by hand needs its rationale"})
        return self._append(
            "ConsensusSelected",
            {"family": family, "source": source, "units": units, "assumption": assumption,
             "rationale": rationale, "averaging_of": list(averaging_of),
             "chosen_assumptions": chosen_assumptions},
            cycle=cycle, meeting="demand",
        )

    def create_scenario(self, name: str, scenario: dict[str, Any],
                        results: dict[str, float] | None = None, *,
                        cycle: str | None = None) -> Event:
        cycle = self._check_context(cycle, "pre_sop")
        if name in self.state().cycles[cycle].scenarios:
            raise CommandError({"name": f"a scenario named {name!r} exists in cycle {cycle}"})
        return self._append("ScenarioCreated",
                            {"name": name, "scenario": scenario, "results": results or {}},
                            cycle=cycle, meeting="pre_sop")

    def record_recommendation(self, *, scenario: str, text: str,
                              open_decisions: list[str] | tuple[str, ...] = (),
                              cycle: str | None = None) -> Event:
        cycle = self._check_context(cycle, "pre_sop")
        recommendation_problems(text=text).raise_any()
        self._check_scenario(cycle, scenario)
        return self._append("RecommendationRecorded",
                            {"scenario": scenario, "text": text,
                             "open_decisions": list(open_decisions)},
                            cycle=cycle, meeting="pre_sop")

    def _check_scenario(self, cycle: str, scenario: str) -> None:
        names = self.state().cycles[cycle].scenarios
        if scenario != "consensus" and scenario not in names:
            known = ", ".join(["consensus", *names]) or "none"
            raise CommandError({"scenario": f"no scenario {scenario!r} (known: {known})"})

    def approve_plan(self, *, scenario: str, approved_by: str, units: float | None = None,
                     revenue: float | None = None, note: str | None = None,
                     cycle: str | None = None, plan: PlanNumbers | None = None,
                     production: PlanNumbers | None = None) -> Event:
        """Record the approval; ``plan``/``production`` (family -> month -> units) are the
        numbers approved, which become the cycle's executive forecast and production plan
        (``sop_tui.cycle.outcome`` computes them)."""
        cycle = self._check_context(cycle, "executive")
        approval_problems(approved_by=approved_by).raise_any()
        self._check_scenario(cycle, scenario)
        return self._append("PlanApproved",
                            {"scenario": scenario, "approved_by": approved_by, "units": units,
                             "revenue": revenue, "note": note, "plan": plan,
                             "production": production},
                            cycle=cycle, meeting="executive")

    def override_plan(self, *, scenario: str, overridden_by: str, rationale: str,
                      revenue_gap_closed: float, actions: list[dict[str, Any]],
                      cycle: str | None = None, plan: PlanNumbers | None = None,
                      production: PlanNumbers | None = None) -> Event:
        """The executive override of consensus: its own event, with the gap and named actions."""
        cycle = self._check_context(cycle, "executive")
        override_problems(overridden_by=overridden_by, rationale=rationale, actions=actions,
                          today=self.today()).raise_any()
        self._check_scenario(cycle, scenario)
        return self._append("PlanOverridden",
                            {"scenario": scenario, "overridden_by": overridden_by,
                             "rationale": rationale, "revenue_gap_closed": revenue_gap_closed,
                             "actions": actions, "plan": plan, "production": production},
                            cycle=cycle, meeting="executive")

    def record(self, type_: str, payload: dict[str, Any], *, cycle: str | None = None,
               meeting: str | None = None) -> Event:
        """Append any other event type (forecasts, packs) in the current cycle (or a closed
        one: a pack may be rendered after the cycle closed)."""
        cycle = self._check_context(cycle, meeting, closed_ok=True)
        return self._append(type_, payload, cycle=cycle, meeting=meeting)


PlanNumbers = dict[str, dict[str, float]]
