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

#: Bias beyond this, either way, is flagged (the reference's +9 % "silent tax" is far beyond).
BIAS_LIMIT = 0.05


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
    capacity: dict[str, Any]
    scenarios: dict[str, Any]
    decisions: dict[str, Any]
    assumptions: list[dict[str, Any]]
    changes: dict[str, Any]
    appendix: dict[str, Any]
    colophon: dict[str, Any]
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
            "capacity": self.capacity,
            "scenarios": self.scenarios,
            "decisions": self.decisions,
            "assumptions": self.assumptions,
            "changes": self.changes,
            "appendix": self.appendix,
            "colophon": self.colophon,
            "notes": self.notes,
            "chart_names": sorted(self.charts),
        }


#: How the pack names the meetings (never their ids).
MEETING_LABELS = {
    "portfolio": "Portfolio review",
    "demand": "Demand review",
    "supply": "Supply review",
    "pre_sop": "Pre-S&OP",
    "executive": "Executive S&OP",
}

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
               "Dec")


def meeting_label(meeting: str | None) -> str:
    """``pre_sop`` → ``Pre-S&OP``; empty for none."""
    return MEETING_LABELS.get(meeting or "", (meeting or "").replace("_", " ").capitalize())


def month_name(month: str) -> str:
    """``2027-03`` → ``Mar 2027``."""
    year, m = month.split("-")
    return f"{MONTH_NAMES[int(m) - 1]} {year}"


def month_span(start: str | None, end: str | None) -> str:
    """A range of months in words: ``Mar–Aug 2027``, ``Dec 2027–Feb 2028``, ``Mar 2027``;
    empty when there is no start (the whole horizon)."""
    if not start:
        return ""
    end = end or start
    if start == end:
        return month_name(start)
    if start[:4] == end[:4]:
        return f"{MONTH_NAMES[int(start[5:7]) - 1]}–{month_name(end)}"
    return f"{month_name(start)}–{month_name(end)}"


def month_ranges(months: list[str]) -> str:
    """Months as runs: ``["2027-04", "2027-05", "2027-06", "2028-03"]`` → ``Apr–Jun 2027,
    Mar 2028``."""
    ordinals = sorted({int(m[:4]) * 12 + int(m[5:7]) - 1 for m in months})
    runs: list[list[int]] = []
    for o in ordinals:
        if runs and o == runs[-1][1] + 1:
            runs[-1][1] = o
        else:
            runs.append([o, o])

    def name(o: int) -> str:
        return f"{o // 12}-{o % 12 + 1:02d}"

    return ", ".join(month_span(name(a), name(b)) for a, b in runs)


def num(x: Any) -> float | None:
    """A float, or None for NaN/None (the templates print None as a dash)."""
    if x is None:
        return None
    v = float(x)
    return None if math.isnan(v) else v


def months_text(payload: dict[str, Any]) -> str:
    """A record's ``months`` in words (``Mar–Aug 2027``), empty when it has none."""
    m = payload.get("months")
    if not m:
        return ""
    return month_span(str(m["first"]), str(m["last"]))


def record_basics(r: Record) -> dict[str, Any]:
    """What every captured record shows: its event number (for the appendix), meeting (by
    name), who and when, and its corrections: the reasons of the amendments applied to it
    and, when retracted, the retraction's reason."""
    return {
        "seq": r.seq,
        "meeting": meeting_label(r.event.meeting),
        "actor": r.event.actor,
        "at": r.event.at[:10],
        "amended": [a.payload.get("reason", "") for a in r.amendments],
        "retracted": (r.retraction.payload.get("reason", "") or "retracted")
        if r.retraction is not None else "",
    }
