"""The command palette provider: every action of the app, by name."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from sop_tui.tui.app import SopApp


class SopCommands(Provider):
    """Open a meeting, capture, move through the agenda, close a meeting, help."""

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        from sop_tui.tui.screens.dashboard import DashboardScreen
        from sop_tui.tui.screens.meeting import MeetingScreen

        app: SopApp = self.app  # type: ignore[assignment]
        screen = self.screen
        out: list[tuple[str, Callable[[], object], str]] = []
        if app.cycle is not None:
            for mid, d in app.meetings.items():
                out.append((f"Open meeting: {d.title}", partial(app.open_meeting, mid),
                            f"owner {d.owner}"))
        elif not app.read_only and isinstance(screen, DashboardScreen):
            out.append(("Open a cycle", screen.action_open_cycle, "YYYY-MM"))
        if isinstance(screen, MeetingScreen) and not app.read_only:
            out += [
                ("Capture assumption", screen.action_assumption, "key a"),
                ("Capture decision", screen.action_decision, "key d"),
                ("Capture action", screen.action_action, "key x"),
                ("Next agenda item", screen.action_next_item, "key n"),
                ("Previous agenda item", screen.action_previous_item, "key p"),
                ("Close meeting", screen.action_close_meeting, "key c: checks exit criteria"),
            ]
        if isinstance(screen, MeetingScreen):
            out.append(("Back to the dashboard", screen.action_back, "Esc"))
        if isinstance(screen, DashboardScreen) and app.cycle is not None:
            out.append(("Recompute the dashboard numbers", screen.action_reload, "key r"))
        if app.cycle is not None and not app.read_only and app.pack_available():
            out.append(("Render the decision pack", app.render_pack, "key P (PDF)"))
        if app.email_enabled():
            out.append(("Email the decision pack", app.action_email_pack,
                        "key E: the newest pack, rendered first if there is none"))
        out.append(("History: every event of every cycle", app.open_history, "key h"))
        out.append(("Help: keys", app.action_help, "? or F1"))
        return out

    async def discover(self) -> Hits:
        for name, run, help_text in self._commands():
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, run, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=help_text)
