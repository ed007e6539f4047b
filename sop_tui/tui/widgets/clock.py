"""The meeting clock: time on the current agenda item and in the meeting, against their limits."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Static


def mmss(seconds: float) -> str:
    """``seconds`` as ``MM:SS`` (minutes may exceed 59: a meeting is shown in minutes)."""
    s = max(0, int(seconds))
    return f"{s // 60:02d}:{s % 60:02d}"


class MeetingClock(Static):
    """Shows ``Item 03:10 / 10:00 · Meeting 32:10 / 90:00`` (``OVER`` first when the item is).

    The screen sets the attributes each second; the widget toggles ``-item-over`` and
    ``-meeting-over`` so the stylesheet colours a clock that has run over.
    """

    DEFAULT_CSS = """
    MeetingClock { width: auto; height: 1; }
    MeetingClock.-item-over { color: $warning; text-style: bold; }
    MeetingClock.-meeting-over { color: $error; text-style: bold; }
    """

    item_seconds: reactive[float] = reactive(0.0)
    item_limit: reactive[int] = reactive(0)
    meeting_seconds: reactive[float] = reactive(0.0)
    meeting_limit: reactive[int] = reactive(0)

    def set_times(self, item_seconds: float, item_minutes: int, meeting_seconds: float,
                  limit_minutes: int) -> None:
        """Set both clocks (seconds spent) and their limits (minutes)."""
        self.item_seconds, self.item_limit = item_seconds, item_minutes
        self.meeting_seconds, self.meeting_limit = meeting_seconds, limit_minutes

    def render(self) -> str:
        over = bool(self.item_limit) and self.item_seconds > self.item_limit * 60
        item = f"Item {mmss(self.item_seconds)} / {mmss(self.item_limit * 60)}"
        meeting = f"Meeting {mmss(self.meeting_seconds)} / {mmss(self.meeting_limit * 60)}"
        # the colour warns too; the words say it to whoever cannot tell the colours apart
        return f"{'OVER ' if over else ''}{item} · {meeting}"

    def _update_classes(self) -> None:
        self.set_class(bool(self.item_limit) and self.item_seconds > self.item_limit * 60,
                       "-item-over")
        self.set_class(bool(self.meeting_limit)
                       and self.meeting_seconds > self.meeting_limit * 60, "-meeting-over")

    def watch_item_seconds(self) -> None:
        self._update_classes()

    def watch_meeting_seconds(self) -> None:
        self._update_classes()
