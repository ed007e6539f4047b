"""The checks behind a correction (a retraction or an amendment) of a recorded event.

:meth:`Workspace.retract` and :meth:`Workspace.amend` record a correction as its own event; these
functions find the event being corrected, refuse a correction without its reason, and check an
amendment's changes against the event's payload model, so that nothing invalid is recorded.
"""

from __future__ import annotations

from typing import Any

from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.fields import months_payload, payload_fields
from sop_tui.cycle.state import LogState, Record
from sop_tui.cycle.validation import Problems, required
from sop_tui.events.envelope import CORRECTABLE
from sop_tui.events.log import EventLog


def correction_target(state: LogState, log: EventLog, seq: int) -> Record:
    """The record of event ``seq``, if it may be corrected (raises :class:`CommandError`)."""
    rec = state.by_seq.get(seq)
    if rec is None:
        ev = log.get(seq)
        what = "no such event" if ev is None else f"a {ev.type} event cannot be corrected"
        raise CommandError({"event": f"{seq}: {what}"})
    if rec.event.type not in CORRECTABLE:
        raise CommandError({"event": f"{seq}: a {rec.event.type} cannot be corrected"})
    if rec.retraction is not None:
        raise CommandError({"event": f"{seq} was already retracted by event "
                                     f"{rec.retraction.seq}"})
    return rec


def check_reason(reason: str | None) -> None:
    """Refuse a correction that does not say why."""
    found = Problems()
    found.check("reason", required(reason, "say why (a correction without a reason is refused)"))
    found.raise_any()


def checked_changes(rec: Record, changes: dict[str, Any]) -> dict[str, Any]:
    """``changes`` as they are recorded (a months range written out), once the amended
    payload passes the event type's model."""
    # events.types loads pydantic, which the app does not need to paint (as in EventLog)
    from sop_tui.events.types import PayloadError, validate_payload

    if not changes:
        raise CommandError({"changes": "name at least one field to change"})
    unknown = [k for k in changes if k not in payload_fields(rec.event.type)]
    if unknown:
        raise CommandError({k: f"{rec.event.type} has no field {k!r}" for k in unknown})
    merged = {**rec.payload, **changes}
    if "months" in changes and isinstance(changes["months"], str):
        merged["months"] = months_payload(changes["months"])
        changes = {**changes, "months": merged["months"]}
    try:
        validate_payload(rec.event.type, merged)
    except PayloadError as exc:
        raise CommandError(exc.problems) from None
    return changes
