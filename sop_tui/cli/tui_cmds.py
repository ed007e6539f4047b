"""``sop`` (no command) and ``sop review``: the facilitator app and its read-only twin."""

from __future__ import annotations

import click

from sop_tui.cli.app import Context, refusals
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.log import EventLog, LogError


def run_app(ctx: Context, *, read_only: bool) -> None:
    """Build the app through the one factory the tests use too, and run it.

    The dashboard's views that the store's cache lacks are computed by the app's own thread
    workers once it has painted.
    """
    # Here, not at the top: the CLI's modules import without Textual (tests/test_layers.py).
    from sop_tui.tui.app import make_app

    if read_only:
        ws = Workspace(EventLog(ctx.settings.url, read_only=True), actor=ctx.settings.actor)
    else:
        ws = ctx.workspace
    app = make_app(ws, ctx.settings, read_only=read_only)
    app.run()
    if app.return_code:  # ended by a signal (128 + its number), the terminal given back
        raise SystemExit(app.return_code)


@click.command()
@click.option("--serve", is_flag=True,
              help="Serve the history to web browsers instead (textual-serve).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="With --serve: the address to bind; beyond loopback it needs --token.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="With --serve: the TCP port.")
@click.option("--token", envvar="SOP_SERVE_TOKEN", metavar="SECRET",
              help="With --serve: the secret each browser gives once as ?token=SECRET "
                   "[env SOP_SERVE_TOKEN].")
@click.option("--public-url", metavar="URL",
              help="With --serve: the address browsers use, if not http://HOST:PORT.")
@click.pass_obj
@refusals
def review(ctx: Context, serve: bool, host: str, port: int, token: str | None,
           public_url: str | None) -> None:
    """Open the decision history read-only (the database is opened read-only).

    With --serve, every browser that opens the address gets its own read-only session.
    """
    if not serve:
        click_ctx = click.get_current_context()
        for name in ("host", "port", "token", "public_url"):
            if click_ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE:
                raise click.UsageError(f"--{name.replace('_', '-')} needs --serve")
        run_app(ctx, read_only=True)
        return
    serve_history(ctx, host=host, port=port, token=token, public_url=public_url)


def serve_history(ctx: Context, *, host: str, port: int, token: str | None,
                  public_url: str | None) -> None:
    """Serve ``sop review`` of this store to browsers until interrupted."""
    # aiohttp and textual-serve's server: only for sop review --serve
    from sop_tui.tui.serve import ServeRefused, TokenServer, review_command

    try:
        EventLog(ctx.settings.url, read_only=True).close()  # refuse a missing log up front
        where_log = (["--db", ctx.settings.db_url] if ctx.settings.db_url
                     else ["--store", str(ctx.settings.store.resolve())])
        server = TokenServer(review_command(where_log), host=host, port=port, token=token,
                             public_url=public_url)
    except (ServeRefused, LogError) as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(2) from None
    where = server.public_url + (f"/?token={token}" if token else "/")
    click.echo(f"sop: serving the history of {ctx.settings.url} read-only at {where}", err=True)
    server.serve()


def register(group: click.Group) -> None:
    group.add_command(review)
