"""Ctrl+Q asks before losing typed text in any form: a panel's dialog, not only the capture
forms (those are covered in test_capture and test_shell). The real panels: no stubs here."""

from __future__ import annotations

from textual.widgets import DataTable

from sop_tui.cycle.workspace import Workspace
from sop_tui.tui.dialogs.confirm import ConfirmDialog

SIZE = (120, 40)


async def test_ctrl_q_with_text_in_a_panel_dialog_asks_first(demo_ws: Workspace, make) -> None:
    """Not only the capture forms: a panel's dialog (here the portfolio's decision) holding
    typed text makes Ctrl+Q ask too."""
    from sop_tui.tui.dialogs.capture import DecisionForm

    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        app.open_meeting("portfolio")
        await pilot.pause()
        await pilot.press("n")  # the agenda's second item shows the portfolio panel
        for _ in range(3):  # mounted, its worker done, the table built from what it posted
            await app.workers.wait_for_complete()
            await pilot.pause()
        app.screen.query_one("#portfolio-table", DataTable).focus()
        await pilot.press("D")
        await pilot.pause()
        assert isinstance(app.screen, DecisionForm)
        await pilot.press(*"launch")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, DecisionForm)
        assert app.screen.holds_text
