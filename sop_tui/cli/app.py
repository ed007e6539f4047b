"""The ``sop`` command group, its global options and error handling."""

from __future__ import annotations

import difflib
import importlib
import sys
from collections.abc import Callable
from functools import cached_property, wraps
from typing import Any, TypeVar

import click

from sop_tui.cli.problems import echo_problems
from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.meetings import MeetingFileError
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.log import EventLog, LogError
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
    def workspace(self) -> Workspace:
        log = EventLog(self.settings.url, read_only=self.read_only)
        return Workspace(log, actor=self.settings.actor)


def refusals(fn: F) -> F:
    """Turn the project's input errors into a message on stderr and exit status 2."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            # data.store imports pandas: only when something went wrong (`sop` opens the app
            # without it: tests/test_layers.py checks it)
            from sop_tui.data.store import ImportRejected, MissingData

            if isinstance(exc, CommandError):
                for field, problem in exc.problems.items():
                    click.echo(f"error: {field}: {problem}" if field else f"error: {problem}",
                               err=True)
                click.echo("nothing was written", err=True)
            elif isinstance(exc, ImportRejected):
                echo_problems(exc.errors)
            elif isinstance(exc, MissingData | LogError | MeetingFileError):
                click.echo(f"error: {exc}", err=True)
            else:
                raise
            sys.exit(EXIT_REFUSED)

    return wrapper  # type: ignore[return-value]


#: Each command's module (in ``sop_tui.cli``), imported when the command is run: ``sop`` alone
#: opens the app and must not wait for what the other commands import — pandas for the
#: numbers, smtplib and ssl for the pack's email (benchmarks/README.md, issue 4's launch).
COMMAND_MODULES: dict[str, str] = {
    "verify": "log_cmds", "log": "log_cmds", "backup": "log_cmds", "repair": "log_cmds",
    "migrate": "log_cmds",
    "import": "data_cmds", "cycle": "data_cmds", "demo": "data_cmds",
    "record": "record_cmds", "meeting": "record_cmds",
    "forecast": "forecast_cmds", "bakeoff": "forecast_cmds",
    "metrics": "analysis_cmds", "fva": "analysis_cmds", "segments": "analysis_cmds",
    "supply": "supply_cmds", "scenario": "supply_cmds",
    "pack": "pack_cmds", "changes": "changes_cmds",
    "followup": "loop_cmds", "maturity": "loop_cmds",
    "export": "export_cmds",
    "review": "tui_cmds",
}


class LazyGroup(click.Group):
    """A group whose commands are imported from their module when first asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMAND_MODULES})

    def resolve_command(self, ctx: click.Context, args: list[str]
                        ) -> tuple[str | None, click.Command | None, list[str]]:
        # Click suggests the closest of the commands it has registered, which are none yet:
        # an unknown name is answered here, against every command's name.
        name = args[0]
        if (name not in COMMAND_MODULES and name not in self.commands
                and not name.startswith("-") and not ctx.resilient_parsing):
            message = f"No such command {name!r}."
            close = difflib.get_close_matches(name, self.list_commands(ctx))
            if len(close) == 1:
                message += f" Did you mean {close[0]!r}?"
            elif close:
                message += f" (Possible commands: {', '.join(close)})"
            raise click.UsageError(message, ctx)
        return super().resolve_command(ctx, args)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            module = importlib.import_module(f"sop_tui.cli.{COMMAND_MODULES[cmd_name]}")
            module.register(self)  # all the module's commands (they share their imports)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", "store", metavar="DIR", help="Store folder; the log is DIR/sop.db "
              "[env SOP_STORE; default ./store]")
@click.option("--db", "db", metavar="URL", help="The log: sqlite:///PATH or "
              "postgresql+psycopg://USER:PASSWORD@HOST/DB [env SOP_DB]")
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
        # Textual: loaded for the app only, as each command's module on its use
        from sop_tui.cli.tui_cmds import run_app

        # a log that cannot be opened (a server down, a damaged store) is a sentence, exit 2
        refusals(run_app)(ctx.obj, read_only=False)


def build() -> click.Group:
    """The ``sop`` group; its commands are imported on first use (see :data:`COMMAND_MODULES`)."""
    return cli


def main() -> None:
    """Console entry point."""
    build()(prog_name="sop")
