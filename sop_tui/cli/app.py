"""The ``sop`` command group, its global options and error handling."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cached_property, wraps
from typing import Any, TypeVar

import click

from sop_tui.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])

EXIT_FAILED = 1
EXIT_REFUSED = 2


class Context:
    """What every command gets: settings, and the workspace opened on first use."""

    def __init__(self, settings: Settings, *, read_only: bool = False) -> None:
        self.settings = settings
        self.read_only = read_only

    @cached_property
    def workspace(self) -> Any:
        from sop_tui.cycle.workspace import Workspace
        from sop_tui.events.log import EventLog

        log = EventLog(self.settings.url, read_only=self.read_only)
        return Workspace(log, actor=self.settings.actor)


def refusals(fn: F) -> F:
    """Turn the project's input errors into a message on stderr and exit status 2."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            # Imported only when something went wrong: `sop review` must not wait for pandas.
            from sop_tui.cycle.errors import CommandError
            from sop_tui.cycle.meetings import MeetingFileError
            from sop_tui.data.store import ImportRejected, MissingData
            from sop_tui.events.log import LogError

            if isinstance(exc, CommandError):
                for field, problem in exc.problems.items():
                    click.echo(f"error: {field}: {problem}" if field else f"error: {problem}",
                               err=True)
                click.echo("nothing was written", err=True)
            elif isinstance(exc, ImportRejected):
                for e in exc.errors:
                    click.echo(f"error: {e}", err=True)
                click.echo(f"{len(exc.errors)} problem(s); nothing was imported", err=True)
            elif isinstance(exc, MissingData | LogError | MeetingFileError):
                click.echo(f"error: {exc}", err=True)
            else:
                raise
            sys.exit(EXIT_REFUSED)

    return wrapper  # type: ignore[return-value]


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", "store", metavar="DIR", help="Store folder; the log is DIR/sop.db "
              "[env SOP_STORE; default ./store]")
@click.option("--db", "db", metavar="URL", help="SQLAlchemy URL of the log [env SOP_DB]")
@click.option("--actor", metavar="NAME", help="Who is recording [env SOP_ACTOR; default: login]")
@click.version_option(package_name="sop-tui")
@click.pass_context
def cli(ctx: click.Context, store: str | None, db: str | None, actor: str | None) -> None:
    """sop — run the monthly S&OP cycle: five meetings, one decision log, one pack.

    With no command, opens the facilitator app on the store.
    """
    settings = Settings.from_env(store=store, db=db, actor=actor)
    ctx.obj = Context(settings)
    if ctx.invoked_subcommand is None:
        from sop_tui.cli.tui_cmds import run_app

        run_app(ctx.obj, read_only=False)


def build() -> click.Group:
    """The ``sop`` group with every command registered (the tests use this too)."""
    from sop_tui.cli import analysis_cmds, data_cmds, log_cmds, pack_cmds, record_cmds, tui_cmds

    if not cli.commands:
        for module in (log_cmds, data_cmds, record_cmds, analysis_cmds, pack_cmds, tui_cmds):
            module.register(cli)
    return cli


def main() -> None:
    """Console entry point."""
    build()(prog_name="sop")
