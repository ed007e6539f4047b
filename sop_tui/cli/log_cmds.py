"""``sop verify``, ``sop log``, ``sop backup``, ``sop repair``: reading and protecting the log.

The first three only read: they open the log read-only, so a mistyped ``--store`` is reported
("no event log at …") instead of being created, and a store on read-only media works.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sop_tui.cli.app import EXIT_FAILED, Context, refusals
from sop_tui.cli.output import echo_json_lines, table
from sop_tui.cycle.describe import summary
from sop_tui.events.log import EventLog, LogError
from sop_tui.events.migrate import migrate as copy_log

#: Characters of an event's text shown in `sop log`'s table; --json has all of it. Folding a
#: table cell of megabytes into lines is what made one long assumption take seconds.
SHOWN_CHARS = 200


def _reader(ctx: Context) -> EventLog:
    return EventLog(ctx.settings.url, read_only=True)


def clip(text: str, limit: int = SHOWN_CHARS) -> tuple[str, bool]:
    """``text`` cut to ``limit`` characters with a note of its length, and whether it was cut."""
    if len(text) <= limit:
        return text, False
    return f"{text[:limit - 1]}… ({len(text):,} characters)", True


@click.command()
@click.option("--against", "against", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), metavar="PACK.pdf",
              help="Also check that the log still extends what this decision pack saw.")
@click.pass_obj
@refusals
def verify(ctx: Context, against: Path | None) -> None:
    """Walk the hash chain; exit 1 naming the first event that does not hold.

    Never creates anything: a missing store or table is a failed check.
    """
    try:
        log = _reader(ctx)
        report = log.verify()
    except LogError as exc:
        click.echo(f"FAILED: {exc}", err=True)
        sys.exit(EXIT_FAILED)
    if not report.ok:
        where = f" at event {report.seq}" if report.seq is not None else ""
        click.echo(f"FAILED{where}: {report.reason}", err=True)
        click.echo(f"{report.count} event(s) before it verified", err=True)
        sys.exit(EXIT_FAILED)
    click.echo(f"ok: {report.count} events, head {report.head_hash}")
    if against is not None:
        from sop_tui.pack.tamper import verify_pack  # pypdf: only for --against

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
    """The events of the log, oldest first (long texts cut; --json has them whole)."""
    events = _reader(ctx).iter_events(cycle=cycle, meeting=meeting, types=list(type_) or None)
    if as_json:
        echo_json_lines(
            {"seq": e.seq, "event_id": e.event_id, "cycle": e.cycle, "meeting": e.meeting,
             "type": e.type, "actor": e.actor, "at": e.at, "payload": e.payload,
             "prev_hash": e.prev_hash, "hash": e.hash}
            for e in events
        )
        return
    rows = []
    cut = 0
    for e in events:
        what, was_cut = clip(summary(e))
        cut += was_cut
        rows.append((e.seq, e.at[:16].replace("T", " "), e.cycle, e.meeting or "", e.type,
                     e.actor, what))
    table(None, ["seq", "at (UTC)", "cycle", "meeting", "type", "actor", "what"], rows,
          right=["seq"])
    if cut:
        click.echo(f"{cut} long text(s) shortened to {SHOWN_CHARS} characters; "
                   "`sop log --json` has them whole")


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
@refusals
def backup(ctx: Context, file: Path) -> None:
    """Copy the log to FILE with SQLite's online backup (safe while others write)."""
    done = _reader(ctx).backup(file)
    click.echo(f"backed up {done.count} events to {done.path} (head {done.head_hash})")


@click.command()
@click.pass_obj
@refusals
def repair(ctx: Context) -> None:
    """Re-create the log's missing append-only guards (triggers), after `sop verify`.

    Missing guards mean someone could edit the history; `sop verify` reports them as
    tampering and nothing else re-creates them. Tables and events are never touched.
    """
    log = EventLog(ctx.settings.url)
    done = log.repair()
    if done:
        click.echo(f"re-created {len(done)} append-only guard(s): {', '.join(done)}")
    else:
        click.echo("nothing to repair: every append-only guard is in place")
    report = log.verify()
    if not report.ok:
        where = f" at event {report.seq}" if report.seq is not None else ""
        click.echo(f"the chain still FAILS{where}: {report.reason}", err=True)
        sys.exit(EXIT_FAILED)
    click.echo(f"ok: {report.count} events, head {report.head_hash}")


@click.command()
@click.option("--from", "source", required=True, metavar="URL",
              help="The log to copy, e.g. sqlite:///store/sop.db.")
@click.option("--to", "target", required=True, metavar="URL",
              help="A new, empty log, e.g. postgresql+psycopg://owner@host/sop.")
@click.option("--grant", "roles", multiple=True, metavar="ROLE",
              help="Give ROLE SELECT and INSERT on the copy (PostgreSQL; repeatable).")
@click.pass_obj
@refusals
def migrate(ctx: Context, source: str, target: str, roles: tuple[str, ...]) -> None:
    """Copy a log into a new database verbatim (same events, ids and hashes) and verify it.

    The source must verify first; the copy is written in one transaction and verified on its
    own. Run it as the target database's owner; --grant the roles the app runs as.
    """
    done = copy_log(source, target, grant=roles)
    click.echo(f"copied {done.events} events and {done.datasets} data block(s); the copy "
               f"verifies, head {done.head_hash}")
    for role in done.granted:
        click.echo(f"granted SELECT and INSERT (nothing more) to {role}")


def register(group: click.Group) -> None:
    for c in (verify, log_, backup, repair, migrate):
        group.add_command(c)
