"""Small conversions the cycle's commands share: a month range as typed into its payload form,
and the fields an event type's payload has."""

from __future__ import annotations

from sop_tui.cycle.errors import CommandError
from sop_tui.events.envelope import MONTH_RE


def months_payload(text: str | None) -> dict[str, str] | None:
    """``YYYY-MM`` or ``YYYY-MM..YYYY-MM`` as ``{first, last}`` (None when blank)."""
    if text is None or not str(text).strip():
        return None
    first, sep, last = str(text).strip().partition("..")
    first, last = first.strip(), (last if sep else first).strip()
    for part in (first, last):
        if not MONTH_RE.match(part):
            raise CommandError({"months": f"{text!r}: expected YYYY-MM or YYYY-MM..YYYY-MM"})
    if last < first:
        raise CommandError({"months": f"{text!r}: the range ends before it starts"})
    return {"first": first, "last": last}


def payload_fields(type_: str) -> set[str]:
    """The fields of ``type_``'s payload model."""
    # events.types loads pydantic, which the app does not need to paint (as in EventLog)
    from sop_tui.events.types import PAYLOADS

    return set(PAYLOADS[type_].model_fields)
