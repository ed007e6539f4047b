"""``sop`` (no command) and ``sop review``: the facilitator app and its read-only twin."""

from __future__ import annotations

import click

from sop_tui.cli.app import Context, refusals


def run_app(ctx: Context, *, read_only: bool) -> None:
    """Build the app through the one factory the tests use too, and run it."""
    from sop_tui.cycle.workspace import Workspace
    from sop_tui.events.log import EventLog
    from sop_tui.tui.app import make_app

    if read_only:
        ws = Workspace(EventLog(ctx.settings.url, read_only=True), actor=ctx.settings.actor)
    else:
        ws = ctx.workspace
    make_app(ws, ctx.settings, read_only=read_only).run()


@click.command()
@click.pass_obj
@refusals
def review(ctx: Context) -> None:
    """Open the decision history read-only (the database is opened read-only)."""
    run_app(ctx, read_only=True)


def register(group: click.Group) -> None:
    group.add_command(review)
