"""Closing a meeting: check its exit criteria, then record the close."""

from __future__ import annotations

from pathlib import Path

from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.meetings import load_meetings
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.envelope import Event


def missing_criteria(ws: Workspace, meeting: str, *, cycle: str | None = None,
                     meetings_dir: Path) -> list[str]:
    """What the meeting's exit criteria still miss (empty: it can close)."""
    defs = load_meetings(meetings_dir)
    if meeting not in defs:
        raise CommandError({"meeting": f"no meeting {meeting!r}"})
    planning = CyclePlanning(ws, cycle)
    return planning.missing_for(meeting, defs[meeting].exit_criteria)


def close_meeting(ws: Workspace, meeting: str, *, cycle: str | None = None,
                  meetings_dir: Path, note: str | None = None) -> Event:
    """Close ``meeting`` if its exit criteria hold; otherwise refuse, listing what is missing."""
    cycle = cycle or ws.current_cycle()
    missing = missing_criteria(ws, meeting, cycle=cycle, meetings_dir=meetings_dir)
    return ws.close_meeting(meeting, cycle=cycle, missing=missing, note=note)
