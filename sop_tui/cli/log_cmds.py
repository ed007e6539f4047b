"""``sop verify``, ``sop log``, ``sop backup``: reading and protecting the event log."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sop_tui.cli.app import EXIT_FAILED, Context, refusals
from sop_tui.cli.output import echo_json_lines, table


@click.command()
@click.option("--against", "against", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), metavar="PACK.pdf",
              help="Also check that the log still extends what this decision pack saw.")
@click.pass_obj
@refusals
def verify(ctx: Context, against: Path | None) -> None:
    """Walk the hash chain; exit 1 naming the first event that does not hold."""
    log = ctx.workspace.log
    report = log.verify()
    if not report.ok:
        click.echo(f"FAILED at event {report.seq}: {report.reason}", err=True)
        click.echo(f"{report.count} event(s) before it verified", err=True)
        sys.exit(EXIT_FAILED)
    click.echo(f"ok: {report.count} events, head {report.head_hash}")
    if against is not None:
        from sop_tui.pack.tamper import verify_pack

        check = verify_pack(against, log)
        for problem in check.problems:
            click.echo(f"FAILED against {against.name}: {problem}", err=True)
        if not check.ok:
            sys.exit(EXIT_FAILED)
        for note in check.notes:
            click.echo(f"ok: {note}")
        click.echo(f"ok: the log extends what {against.name} saw")


@click.command("log")
@click.option("--cycle", help="Only this cycle (YYYY-MM).")
@click.option("--meeting", help="Only this meeting.")
@click.option("--type", "type_", multiple=True, help="Only this event type (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_obj
@refusals
def log_(ctx: Context, cycle: str | None, meeting: str | None, type_: tuple[str, ...],
         as_json: bool) -> None:
    """The events of the log, oldest first."""
    events = ctx.workspace.log.iter_events(cycle=cycle, meeting=meeting,
                                           types=list(type_) or None)
    if as_json:
        echo_json_lines(
            {"seq": e.seq, "event_id": e.event_id, "cycle": e.cycle, "meeting": e.meeting,
             "type": e.type, "actor": e.actor, "at": e.at, "payload": e.payload,
             "prev_hash": e.prev_hash, "hash": e.hash}
            for e in events
        )
        return
    from sop_tui.cycle.describe import summary

    table(None, ["seq", "at (UTC)", "cycle", "meeting", "type", "actor", "what"],
          ((e.seq, e.at[:16].replace("T", " "), e.cycle, e.meeting or "", e.type, e.actor,
            summary(e)) for e in events), right=["seq"])


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
@refusals
def backup(ctx: Context, file: Path) -> None:
    """Copy the log to FILE with SQLite's online backup (safe while others write)."""
    target = ctx.workspace.log.backup(file)
    click.echo(f"backed up {ctx.workspace.log.head().count} events to {target}")


def register(group: click.Group) -> None:
    for c in (verify, log_, backup):
        group.add_command(c)
