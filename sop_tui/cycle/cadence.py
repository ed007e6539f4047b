"""The cadence: the five meetings in order, on planned days, each within its timebox.

The reference asks for one disciplined monthly cadence "on a fixed calendar". Here that is:

- a planned day per meeting, set when the cycle opens (:func:`default_schedule`, editable with
  ``MeetingScheduled``);
- meetings in order: a meeting started before the earlier ones are closed needs a recorded
  reason (:func:`earlier_not_closed` says which are still open);
- each held meeting's length against its timebox (the meeting file's ``limit_minutes``: 90 for
  the executive meeting — "if your executive S&OP runs longer than 90 minutes, your pre-S&OP
  failed").

:func:`cadence_report` is what the dashboard, the pack and ``sop maturity`` read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sop_tui.cycle.state import CycleState
from sop_tui.events.envelope import MEETINGS

#: Working days from one meeting to the next in the default calendar.
DAYS_BETWEEN = 3


def _working_days_from(start: date, n: int) -> date:
    """The ``n``-th working day (Monday to Friday) after ``start`` (``n=0``: ``start`` itself,
    moved to the next working day if it falls on a weekend)."""
    d = start
    while d.weekday() >= 5:
        d += timedelta(days=1)
    for _ in range(n):
        d += timedelta(days=1)
        while d.weekday() >= 5:
            d += timedelta(days=1)
    return d


def default_schedule(cycle: str, opened_on: date) -> dict[str, str]:
    """A planned day per meeting: the first on the working day after the cycle opens (or on
    the cycle month's second working day, when it opens earlier), then every
    :data:`DAYS_BETWEEN` working days."""
    first_of_month = date(int(cycle[:4]), int(cycle[5:7]), 1)
    start = _working_days_from(first_of_month, 1)
    if opened_on >= start:
        start = _working_days_from(opened_on, 1)
    return {m: _working_days_from(start, i * DAYS_BETWEEN).isoformat()
            for i, m in enumerate(MEETINGS)}


def earlier_not_closed(cs: CycleState, meeting: str) -> list[str]:
    """The meetings before ``meeting`` in the cadence that are not closed yet."""
    before = MEETINGS[: MEETINGS.index(meeting)]
    return [m for m in before if cs.meetings[m].status != "closed"]


@dataclass(frozen=True)
class MeetingCadence:
    """How one meeting of a cycle kept the cadence.

    Attributes:
        meeting: the meeting's id.
        status: not started / in progress / closed.
        scheduled: the planned day (YYYY-MM-DD), or None.
        started_on: the day it started, or None.
        days_late: days after the planned day it started (or, not started, that it is
            overdue as of today); 0 when on time.
        minutes: how long it ran (closed meetings), or None.
        limit: its timebox in minutes (the meeting file's ``limit_minutes``).
        out_of_order: the earlier meetings still open when it started.
        reason: why it started out of order.
        attendees: who attended.
    """

    meeting: str
    status: str
    scheduled: str | None
    started_on: str | None
    days_late: int
    minutes: float | None
    limit: int | None
    out_of_order: tuple[str, ...]
    reason: str | None
    attendees: tuple[str, ...]

    @property
    def late(self) -> bool:
        return self.days_late > 0

    @property
    def over_by(self) -> float | None:
        """Minutes over the timebox (negative: under), for a closed meeting."""
        if self.minutes is None or self.limit is None:
            return None
        return self.minutes - self.limit

    @property
    def in_order(self) -> bool:
        return not self.out_of_order


def _days(a: str, b: str) -> int:
    return (date.fromisoformat(b) - date.fromisoformat(a)).days


def cadence_report(cs: CycleState, limits: Mapping[str, int], today: str
                   ) -> list[MeetingCadence]:
    """Each meeting of ``cs`` against its planned day and its timebox.

    Args:
        cs: the cycle.
        limits: meeting -> timebox in minutes (``MeetingDef.limit_minutes``).
        today: YYYY-MM-DD: a meeting not started by its planned day is late as of today.
    """
    out: list[MeetingCadence] = []
    for m in MEETINGS:
        ms = cs.meetings[m]
        started = ms.started.at[:10] if ms.started is not None else None
        late = 0
        if ms.scheduled:
            if started is not None:
                late = max(0, _days(ms.scheduled, started))
            elif today > ms.scheduled:
                late = _days(ms.scheduled, today)
        reason = ms.started.payload.get("reason") if ms.started is not None else None
        out.append(MeetingCadence(m, ms.status, ms.scheduled, started, late, ms.minutes,
                                  limits.get(m), ms.out_of_order, reason, ms.attendees))
    return out


def executive_length(cs: CycleState, limits: Mapping[str, int]) -> tuple[float | None, int]:
    """The executive meeting's minutes (None until closed) and its limit (the pack shows it)."""
    return cs.meetings["executive"].minutes, int(limits.get("executive", 90))


def executive_timebox(cs: CycleState, limits: Mapping[str, int]) -> dict[str, object]:
    """The executive meeting against its timebox, in words for the pack.

    The reference: "if your executive S&OP runs longer than 90 minutes, your pre-S&OP failed"
    — so a pack rendered after the meeting says how long it ran and, when over, what that
    points at; one rendered before says when it is planned and for how long.

    Returns:
        ``{"status", "minutes", "limit", "over", "text"}``; ``over`` is True only for a
        closed meeting that ran past its limit.
    """
    minutes, limit = executive_length(cs, limits)
    ms = cs.meetings["executive"]
    over = minutes is not None and minutes > limit
    if minutes is not None:
        text = f"Executive S&OP held in {minutes:g} min of its {limit}-minute timebox"
        text += (f": {minutes - limit:g} min over — the pre-S&OP left too much to settle here."
                 if over else ".")
    elif ms.started is not None:
        text = (f"Executive S&OP in progress since {ms.started.at[11:16]} UTC "
                f"({limit}-minute timebox).")
    elif ms.scheduled:
        text = f"Executive S&OP planned for {ms.scheduled} ({limit}-minute timebox)."
    else:
        text = f"Executive S&OP not held yet ({limit}-minute timebox)."
    return {"status": ms.status, "minutes": minutes, "limit": limit, "over": over,
            "text": text}
