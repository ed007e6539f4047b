"""``sop`` (no command) and ``sop review``: the facilitator app and its read-only twin."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from sop_tui.cli.app import Context, refusals

if TYPE_CHECKING:
    from sop_tui.cycle.warm import Warmer
    from sop_tui.cycle.workspace import Workspace
    from sop_tui.settings import Settings
    from sop_tui.tui.app import SopApp


def run_app(ctx: Context, *, read_only: bool) -> None:
    """Build the app through the one factory the tests use too, and run it."""
    from sop_tui.cycle.workspace import Workspace
    from sop_tui.events.log import EventLog

    if read_only:
        ws = Workspace(EventLog(ctx.settings.url, read_only=True), actor=ctx.settings.actor)
    else:
        ws = ctx.workspace
    app, warmer = launch(ws, ctx.settings, read_only=read_only)
    try:
        app.run()
    finally:
        if warmer is not None:
            warmer.stop()


def launch(ws: Workspace, settings: Settings, *, read_only: bool = False
           ) -> tuple[SopApp, Warmer | None]:
    """The app on ``ws``, and the child computing its dashboard's views if any are missing.

    The child starts before Textual is imported, so the views are computed on the other core
    while the app starts (see :mod:`sop_tui.cycle.warm`). Stop it when the app ends.
    """
    warmer = None
    if not read_only and settings.url.startswith("sqlite:///"):  # a file the child can open
        from sop_tui.cycle.warm import start_warmer

        warmer = start_warmer(ws, settings.url, settings.cache_dir)
    from sop_tui.tui.app import make_app

    return make_app(ws, settings, read_only=read_only, warmer=warmer), warmer


@click.command()
@click.pass_obj
@refusals
def review(ctx: Context) -> None:
    """Open the decision history read-only (the database is opened read-only)."""
    run_app(ctx, read_only=True)


def register(group: click.Group) -> None:
    group.add_command(review)
