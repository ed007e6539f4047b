"""Reusable widgets of the facilitator: agenda, meeting clock, captured list, metric cards."""

from sop_tui.tui.widgets.agenda import AgendaView
from sop_tui.tui.widgets.captured import CapturedList
from sop_tui.tui.widgets.clock import MeetingClock
from sop_tui.tui.widgets.metric_cards import MetricCard

__all__ = ["AgendaView", "CapturedList", "MeetingClock", "MetricCard"]
