"""Following the event log: how every screen shows, within a second, what was written elsewhere.

The CLI, another ``sop`` or a worker thread writes through another SQLite connection; SQLite's
``PRAGMA data_version`` (:meth:`EventLog.data_version`) changes for this connection when it
does. Reading it touches no table, so each screen polls it every :data:`FOLLOW_SECONDS` on the
UI thread and, when it moved, folds the new events and repaints what they change. The app's own
writes are shown by the screen that made them (and by the others when they are shown again).
On PostgreSQL the data version is the newest seq, so the app's own writes move it too: the poll
that follows an agenda key can come before the frame that swaps its panel, and the panels being
swapped out (or not mounted yet) must then load nothing (``Panel.in_place``).
"""

from __future__ import annotations

from sop_tui.events.log import EventLog

__all__ = ["FOLLOW_SECONDS", "LogWatch"]

#: How often a screen asks whether the log moved (seconds): a write elsewhere shows within
#: about one second (the poll, then the fold and a worker's reload).
FOLLOW_SECONDS = 0.5


class LogWatch:
    """Tells whether another connection committed to ``log`` since the last question."""

    def __init__(self, log: EventLog) -> None:
        self.log = log
        self.version = log.data_version()

    def moved(self) -> bool:
        """True when someone else wrote since the last call (or since this watch began)."""
        version = self.log.data_version()
        if version == self.version:
            return False
        self.version = version
        return True
