"""The command palette provider: every action of the app, by name.

Every action is offered wherever it can run: opening a cycle and e-mailing the pack too, from
any screen (they used to be missing outside the dashboard's first moments and the executive
meeting).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from sop_tui.tui.screens.dashboard import DashboardScreen
from sop_tui.tui.screens.history import HistoryScreen

if TYPE_CHECKING:
    from sop_tui.tui.app import SopApp


class SopCommands(Provider):
    """Open a meeting, capture, move through the agenda, close a meeting, help."""

    def commands(self) -> list[tuple[str, Callable[[], object], str]]:
        # the meeting screen's module loads the panels (pandas), which the first paint does
        # not wait for (tests/tui/test_first_paint_imports.py)
        from sop_tui.tui.screens.meeting import MeetingScreen

        app: SopApp = self.app  # type: ignore[assignment]
        screen = self.screen
        out: list[tuple[str, Callable[[], object], str]] = []
        if app.cycle is not None:
            for mid, d in app.meetings.items():
                out.append((f"Open meeting: {d.title}", partial(app.open_meeting, mid),
                            f"owner {d.owner}"))
        dashboard = next((s for s in app.screen_stack if isinstance(s, DashboardScreen)), None)
        if not app.read_only and dashboard is not None:
            out.append(("Open a cycle", dashboard.action_open_cycle,
                        "key o on the dashboard: YYYY-MM"))
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
            if screen.meeting.id == "executive":
                out.append(("Export the plan workbook (xlsx)", screen.action_export,
                            "key X: sop export all, into the current directory"))
            out.append(("Back to the dashboard", screen.action_back, "Esc"))
        if isinstance(screen, HistoryScreen):
            out.append(("Export the plan workbook (xlsx)", screen.action_export,
                        "key X: the filtered cycle's (or the current), into the current directory"))
        if isinstance(screen, DashboardScreen) and app.cycle is not None:
            out.append(("Recompute the dashboard numbers", screen.action_reload, "key r"))
        if app.cycle is not None and not app.read_only and app.pack_available():
            out.append(("Render the decision pack", app.render_pack, "key P (PDF)"))
        if app.cycle is not None and not app.read_only and app.pack_available():
            out.append(("E-mail the decision pack", partial(email_pack, app, app.cycle),
                        "key E: the newest pack, rendered first if there is none"))
        out.append(("History: every event of every cycle", app.open_history, "key h"))
        out.append(("Help: keys", app.action_help, "? or F1"))
        return out

    async def discover(self) -> Hits:
        for name, run, help_text in self.commands():
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, run, help_text in self.commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=help_text)


def email_pack(app: SopApp, cycle: str) -> None:
    """Open the dialog that e-mails ``cycle``'s newest pack (what key E does), from any screen."""
    # the pack's mail module loads smtplib and ssl: only when a pack is e-mailed
    from sop_tui.tui.dialogs.send_pack import SendPackDialog, newest_pack, smtp_line

    app.push_screen(SendPackDialog(cycle, newest_pack(app.workspace, app.settings, cycle),
                                   smtp_line()))
