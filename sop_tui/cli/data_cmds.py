"""``sop import``, ``sop cycle``, ``sop demo``: getting data in and opening a cycle."""

from __future__ import annotations

from pathlib import Path

import click

from sop_tui.cli.app import Context, refusals
from sop_tui.cli.output import echo_json, table
from sop_tui.cycle import warm
from sop_tui.cycle.demo_run import DEFAULT_CYCLES, build_demo_store
from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.meetings import load_meetings
from sop_tui.cycle.status import cycle_status as build_status
from sop_tui.data.reader import kind_from_filename
from sop_tui.data.schema import KINDS
from sop_tui.data.store import files_in, import_files
from sop_tui.events.envelope import MEETINGS


@click.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--kind", type=click.Choice(list(KINDS)), help="The kind of a single file "
              "(default: from its name, e.g. actuals.csv).")
@click.option("--replace", is_flag=True, help="The file is the whole of its kind: what was "
              "known before is set aside (default: the file adds to it).")
@click.pass_obj
@refusals
def import_(ctx: Context, path: Path, kind: str | None, replace: bool) -> None:
    """Import a data file (CSV or XLSX), or every KIND.csv/KIND.xlsx of a folder.

    Each import adds to what is known: new rows are added, a known row with other values is
    replaced, and the count of each is recorded. All or nothing: every bad cell is reported
    (file, line, column, value, rule) and nothing is written. A file imported before is
    recognised and not doubled.
    """
    ws = ctx.workspace
    if path.is_dir():
        if kind:
            raise CommandError({"kind": "--kind applies to one file; a folder's files are "
                                        "named after their kind"})
        files = files_in(path)
    else:
        k = kind or kind_from_filename(path)
        if k is None:
            raise CommandError({"kind": f"{path.name} does not name a kind; give --kind "
                                        f"({', '.join(KINDS)})"})
        files = [(path, k)]
    outcome = import_files(ws.log, files, cycle=ws.open_cycle_or_none() or "", actor=ws.actor,
                           replace=replace)
    for f in outcome.files:
        if f.skipped:
            click.echo(f"{f.path.name}: already imported (event {f.seq}); nothing doubled")
        else:
            what = ("replaces what was known" if f.mode == "replace" else
                    f"{f.added:,} added, {f.changed:,} changed, {f.unchanged:,} unchanged")
            click.echo(f"{f.path.name}: {f.rows:,} {f.kind} rows imported (event {f.seq}): "
                       f"{what}")
        for note in f.notes:
            click.echo(f"  note: {note}")
    for w in outcome.warnings:
        click.echo(f"warning: {w}", err=True)
    if any(not f.skipped for f in outcome.files):
        _warm_views(ctx)


def _warm_views(ctx: Context) -> None:
    """Compute the dashboard's and the pack's views for the new data now, so the next `sop`
    opens full and the first pack does not compute them."""
    if not ctx.settings.url.startswith("sqlite:///"):
        return
    click.echo("computing the dashboard's and the pack's views…", err=True)
    try:
        warm.warm_here(ctx.workspace, ctx.settings.cache_dir,
                       warm.DASHBOARD_VIEWS + warm.PACK_VIEWS)
    except Exception as exc:  # noqa: BLE001 - the import has landed; the app computes later
        click.echo(f"warning: the dashboard's views were not computed now: {exc}", err=True)


@click.group()
def cycle() -> None:
    """Open a cycle and see where it stands."""


def _schedule(dates: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for d in dates:
        meeting, eq, day = d.partition("=")
        if not eq:
            raise CommandError({"date": f"{d!r}: expected MEETING=YYYY-MM-DD"})
        out[meeting.strip()] = day.strip()
    return out


@cycle.command("open")
@click.argument("month")
@click.option("--note", help="A note on the cycle.")
@click.option("--date", "dates", multiple=True, metavar="MEETING=YYYY-MM-DD",
              help="A meeting's planned day (repeatable; the others follow the default "
                   "calendar: every third working day from the day after opening).")
@click.pass_obj
@refusals
def cycle_open(ctx: Context, month: str, note: str | None, dates: tuple[str, ...]) -> None:
    """Open the cycle MONTH (YYYY-MM) and plan a day for each of its five meetings."""
    e = ctx.workspace.open_cycle(month, note, _schedule(dates))
    click.echo(f"cycle {month} opened (event {e.seq})")
    for meeting, day in e.payload["schedule"].items():
        click.echo(f"  {meeting:<10} {day}")


@cycle.command("close")
@click.argument("month", required=False)
@click.pass_obj
@refusals
def cycle_close(ctx: Context, month: str | None) -> None:
    """Close the decided cycle: its numbers keep the imports they used from now on."""
    e = ctx.workspace.close_cycle(month)
    used = ", ".join(f"{k} ({len(v)})" for k, v in e.payload["imports"].items())
    click.echo(f"cycle {e.cycle} closed (event {e.seq}); its numbers use the imports of: "
               f"{used or 'none'}")


@cycle.command("schedule")
@click.argument("meeting", type=click.Choice(MEETINGS))
@click.argument("day", metavar="YYYY-MM-DD")
@click.option("--reason", help="Why it moved.")
@click.option("--cycle", "which", help="Which cycle (default: the current one).")
@click.pass_obj
@refusals
def cycle_schedule(ctx: Context, meeting: str, day: str, reason: str | None,
                   which: str | None) -> None:
    """Move a meeting's planned day."""
    e = ctx.workspace.schedule_meeting(meeting, day, reason=reason, cycle=which)
    click.echo(f"{meeting} planned for {day} (event {e.seq})")


@cycle.command("status")
@click.option("--cycle", "which", help="Which cycle (default: the current one).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@refusals
def cycle_status(ctx: Context, which: str | None, as_json: bool) -> None:
    """Meetings, captured records and the data each command still needs."""
    limits = {m: d.limit_minutes for m, d in load_meetings(ctx.settings.meetings_dir).items()}
    st = build_status(ctx.workspace, which, limits)
    if as_json:
        echo_json(st)
        return
    closed = " (closed)" if st["closed"] else ""
    click.echo(f"cycle {st['cycle']}{closed} — {st['events']} events in the log")
    table("meetings", ["#", "meeting", "status", "planned", "started", "closed", "minutes"],
          ([i + 1, m["title"], m["status"] + (" ⚠ out of order" if m["out_of_order"] else ""),
            (m["scheduled"] or "") + (f" ({m['days_late']}d late)" if m["days_late"] else ""),
            m["started"] or "", m["closed"] or "",
            "" if m["minutes"] is None else f"{m['minutes']:g} / {m['limit_minutes']}"]
           for i, m in enumerate(st["meetings"])))
    c = st["captured"]
    click.echo(
        f"captured: {c['assumptions']} assumptions, {c['decisions']} decisions, "
        f"{c['actions']} actions ({st['open_actions']} open, {st['overdue_actions']} overdue), "
        f"{c['consensus']} consensus families, {c['scenarios']} scenarios, "
        f"{st['overrides_this_year']} override(s) this year"
    )
    data = st["data"]
    imported = [f"{k} ({v['rows']:,} rows)" for k, v in data["imported"].items()]
    click.echo("data: " + (", ".join(imported) if imported else "nothing imported yet"))
    for cmd, kinds in data["needs"].items():
        click.echo(f"  {cmd} still needs: {', '.join(kinds)}")


@click.command()
@click.option("--seed", default=7, show_default=True, help="Random seed of the demo company.")
@click.option("--cycles", default=DEFAULT_CYCLES, show_default=True,
              type=click.IntRange(0, 24),
              help="Monthly cycles to run before the demo cycle (0: open it with its data).")
@click.option("--no-tui", is_flag=True, help="Build the demo store, print a summary, stop.")
@click.pass_obj
@refusals
def demo(ctx: Context, seed: int, cycles: int, no_tui: bool) -> None:
    """Build the demo company in the store and open it.

    With --cycles N the company first runs N monthly cycles through sop's own commands —
    each month's files written under STORE/demo/ and imported, the five meetings held,
    the plan approved or overridden — so the trends, the follow-up and sop maturity show
    its history.
    """
    summary = build_demo_store(ctx.workspace, ctx.settings.store / "demo", seed=seed,
                               cycles=cycles, cache_dir=ctx.settings.cache_dir,
                               meetings_dir=ctx.settings.meetings_dir,
                               progress=lambda msg: click.echo(msg, err=True))
    _warm_views(ctx)
    for line in summary:
        click.echo(line)
    if not no_tui:
        # Textual: loaded only when the demo opens the app
        from sop_tui.cli.tui_cmds import run_app

        run_app(ctx, read_only=False)


def register(group: click.Group) -> None:
    for c in (import_, cycle, demo):
        group.add_command(c)
