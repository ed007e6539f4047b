"""The decision pack's view-model: plain data the templates receive, and small helpers.

:class:`PackContext` holds dicts, lists, strings and floats only (the templates never see a
DataFrame), plus the charts as SVG bytes; numbers stay numbers here and the template's filters
format them (:mod:`sop_tui.formats`), so tests can check the figures the pack shows against
the analytics. :class:`Stamp` is what the pack saw of the log.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sop_tui.cycle.state import Record

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Stamp:
    """What the pack saw of the log: printed on every page and in the PDF metadata."""

    cycle: str
    event_count: int
    head_hash: str

    @property
    def short(self) -> str:
        """The first 16 hex characters of the head hash (what the footer shows)."""
        return self.head_hash[:16]


@dataclass
class PackContext:
    """Everything the template shows, as plain data; ``charts`` are served as ``chart:NAME``."""

    stamp: Stamp
    rendered_at: str
    cycle_label: str
    summary: dict[str, Any]
    metrics: list[dict[str, Any]]
    fva: dict[str, Any]
    plan: dict[str, Any]
    scenarios: dict[str, Any]
    decisions: dict[str, Any]
    assumptions: list[dict[str, Any]]
    changes: dict[str, Any]
    appendix: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    charts: dict[str, bytes] = field(default_factory=dict)

    def template_vars(self) -> dict[str, Any]:
        """The variables the template receives (charts are fetched, not inlined)."""
        return {
            "stamp": self.stamp,
            "rendered_at": self.rendered_at,
            "cycle_label": self.cycle_label,
            "summary": self.summary,
            "metrics": self.metrics,
            "fva": self.fva,
            "plan": self.plan,
            "scenarios": self.scenarios,
            "decisions": self.decisions,
            "assumptions": self.assumptions,
            "changes": self.changes,
            "appendix": self.appendix,
            "notes": self.notes,
            "chart_names": sorted(self.charts),
        }


def num(x: Any) -> float | None:
    """A float, or None for NaN/None (the templates print None as a dash)."""
    if x is None:
        return None
    v = float(x)
    return None if math.isnan(v) else v


def months_text(payload: dict[str, Any]) -> str:
    """A record's ``months`` as ``A..B`` (or one month), empty when it has none."""
    m = payload.get("months")
    if not m:
        return ""
    return str(m["first"]) if m["first"] == m["last"] else f"{m['first']}..{m['last']}"


def record_basics(r: Record) -> dict[str, Any]:
    """What every captured record shows: its event number, meeting, who and when, and the
    reasons of the amendments applied to it."""
    return {
        "seq": r.seq,
        "meeting": r.event.meeting or "",
        "actor": r.event.actor,
        "at": r.event.at[:10],
        "amended": [a.payload.get("reason", "") for a in r.amendments],
    }
