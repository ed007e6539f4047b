"""The decision history as rows: every event prepared once, and an in-memory filter over them.

Rows are built once per load (in a worker); a filter change only walks the prepared list, so it
is instant on 10,000 events and never queries the database per keystroke. No Textual here: the
history screen (``sop_tui/tui/screens/history.py``) shows these rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sop_tui.cycle.describe import summary
from sop_tui.cycle.state import LogState, Record
from sop_tui.events.envelope import Event


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One event as the history shows it.

    ``note`` is ``"retracted by N"`` or ``"amended by N[, M]"`` for corrected records;
    ``family`` is the family the event (or the record it corrects) is about, or ``""``;
    ``haystack`` is the lower-cased text the free-text filter searches.
    """

    seq: int
    at: str
    cycle: str
    meeting: str
    type: str
    actor: str
    summary: str
    family: str = ""
    note: str = ""
    retracted: bool = False
    amended: bool = False
    haystack: str = field(default="", repr=False)


def _family(e: Event, state: LogState) -> str:
    fam = e.payload.get("family")
    if fam is None and e.type in ("EventRetracted", "EventAmended"):
        # A correction is about its target's family: filtering by family shows both.
        target = state.by_seq.get(e.payload.get("target", 0))
        fam = target.payload.get("family") if target is not None else None
    return str(fam) if fam else ""


def _note(rec: Record | None) -> tuple[str, bool, bool]:
    if rec is None:
        return "", False, False
    if rec.retraction is not None:
        return f"retracted by {rec.retraction.seq}", True, bool(rec.amendments)
    if rec.amendments:
        return "amended by " + ", ".join(str(a.seq) for a in rec.amendments), False, True
    return "", False, False


def make_row(e: Event, state: LogState) -> HistoryRow:
    """The row of one event, with its corrections as folded in ``state``."""
    try:
        text = summary(e)
    except (KeyError, TypeError, ValueError):
        # A payload older or newer than describe.py knows: show the type, never fail the list.
        text = e.type
    note, retracted, amended = _note(state.by_seq.get(e.seq))
    family = _family(e, state)
    at = e.at[:16].replace("T", " ")
    meeting = e.meeting or ""
    hay = " ".join((str(e.seq), e.cycle, meeting, e.type, e.actor, text, family, note)).lower()
    return HistoryRow(e.seq, at, e.cycle, meeting, e.type, e.actor, text, family, note,
                      retracted, amended, hay)


def build_rows(events_: Iterable[Event], state: LogState) -> list[HistoryRow]:
    """The rows of ``events_`` (in seq order), newest first."""
    rows = [make_row(e, state) for e in events_]
    rows.reverse()
    return rows


@dataclass(frozen=True, slots=True)
class HistoryFilter:
    """What the filter bar asks for; ``None`` (or ``""`` for text) means any.

    ``meeting=""`` asks for events recorded outside any meeting. ``text`` matches rows that
    contain every whitespace-separated word of it, case-insensitively, anywhere in the row.
    """

    cycle: str | None = None
    meeting: str | None = None
    type: str | None = None
    family: str | None = None
    text: str = ""

    def matches(self, row: HistoryRow) -> bool:
        """Whether ``row`` passes every part of the filter."""
        if self.cycle is not None and row.cycle != self.cycle:
            return False
        if self.meeting is not None and row.meeting != self.meeting:
            return False
        if self.type is not None and row.type != self.type:
            return False
        if self.family is not None and row.family != self.family:
            return False
        return all(word in row.haystack for word in self.text.lower().split())


def filter_rows(rows: Sequence[HistoryRow], flt: HistoryFilter) -> list[HistoryRow]:
    """The rows that pass ``flt``, in their order."""
    if flt == HistoryFilter():
        return list(rows)
    return [r for r in rows if flt.matches(r)]


# -- the virtual table -----------------------------------------------------------------------
