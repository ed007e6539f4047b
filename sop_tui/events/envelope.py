"""The event envelope and the names every layer shares — cheap to import.

Kept apart from the payload models (:mod:`sop_tui.events.types`, which need pydantic) so that
reading the log and folding state start fast: the app paints before anything heavy is loaded.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

import orjson

MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
DATE_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")

MEETINGS: tuple[str, ...] = ("portfolio", "demand", "supply", "pre_sop", "executive")

#: Types a participant may retract or amend (facts of the meeting, not system records).
CORRECTABLE: frozenset[str] = frozenset(
    {
        "AssumptionRecorded",
        "DecisionRecorded",
        "ActionRecorded",
        "ConsensusSelected",
        "RecommendationRecorded",
        "ScenarioCreated",
        "PlanApproved",
        "PlanOverridden",
        "DecisionOutcomeRecorded",
    }
)


class Event(NamedTuple):
    """One recorded event: the envelope of DESIGN.md with its payload decoded.

    Immutable (a named tuple: reading 100,000 of them must be cheap). ``prev_hash`` and
    ``hash`` are empty on the events of folded state (``EventLog.fold_rows``):
    read an event from the log (``EventLog.get``) for its place in the chain.
    """

    seq: int
    event_id: str
    cycle: str
    meeting: str | None
    type: str
    actor: str
    at: str
    payload: dict[str, Any]
    prev_hash: str
    hash: str

    def envelope(self) -> dict[str, Any]:
        """Every field but ``hash``: what the chain hash covers."""
        return {
            "seq": self.seq,
            "event_id": self.event_id,
            "cycle": self.cycle,
            "meeting": self.meeting,
            "type": self.type,
            "actor": self.actor,
            "at": self.at,
            "payload": self.payload,
            "prev_hash": self.prev_hash,
        }


def event_from_row(row: tuple[Any, ...]) -> Event:
    """The :class:`Event` of a row read for folding (``EventLog.fold_rows``): the payload
    decoded from its JSON text. An Event (its payload already decoded) is returned as is."""
    if type(row) is Event:
        return row
    # tuple.__new__ builds the named tuple in C (Event(...) runs a Python __new__)
    return tuple.__new__(Event, (row[0], row[1], row[2], row[3], row[4], row[5], row[6],
                                 orjson.loads(row[7]), row[8], row[9]))

