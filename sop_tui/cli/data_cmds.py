"""``sop import``, ``sop cycle``, ``sop demo``: getting data in and opening a cycle."""

from __future__ import annotations

from pathlib import Path

import click

from sop_tui.cli.app import Context, refusals
from sop_tui.cli.output import echo_json, table
from sop_tui.data.schema import KINDS


@click.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--kind", type=click.Choice(list(KINDS)), help="The kind of a single file "
              "(default: from its name, e.g. actuals.csv).")
@click.option("--cycle", help="Record the import in this cycle (default: the open cycle).")
@click.pass_obj
@refusals
def import_(ctx: Context, path: Path, kind: str | None, cycle: str | None) -> None:
    """Import a data file (CSV or XLSX), or every KIND.csv/KIND.xlsx of a folder.

    All or nothing: every bad cell is reported (file, line, column, value, rule) and nothing is
    written. A file imported before is recognised and not doubled.
    """
    from sop_tui.cycle.errors import CommandError
    from sop_tui.data.reader import kind_from_filename
    from sop_tui.data.store import files_in, import_files

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
    cycle = cycle or ws.current_cycle_or_next()
    outcome = import_files(ws.log, files, cycle=cycle, actor=ws.actor)
    for f in outcome.files:
        if f.skipped:
            click.echo(f"{f.path.name}: already imported (event {f.seq}); nothing doubled")
        else:
            click.echo(f"{f.path.name}: {f.rows:,} {f.kind} rows imported (event {f.seq})")
        for note in f.notes:
            click.echo(f"  note: {note}")
    for w in outcome.warnings:
        click.echo(f"warning: {w}", err=True)
    if any(not f.skipped for f in outcome.files):
        _warm_views(ctx)


def _warm_views(ctx: Context) -> None:
    """Compute the dashboard's and the pack's views for the new data now, so the next `sop`
    opens full and the first pack does not compute them."""
    from sop_tui.cycle.warm import DASHBOARD_VIEWS, PACK_VIEWS, warm_here

    if not ctx.settings.url.startswith("sqlite:///"):
        return
    click.echo("computing the dashboard's and the pack's views…", err=True)
    try:
        warm_here(ctx.workspace, ctx.settings.cache_dir, DASHBOARD_VIEWS + PACK_VIEWS)
    except Exception as exc:  # noqa: BLE001 - the import has landed; the app computes later
        click.echo(f"warning: the dashboard's views were not computed now: {exc}", err=True)


@click.group()
def cycle() -> None:
    """Open a cycle and see where it stands."""


@cycle.command("open")
@click.argument("month")
@click.option("--note", help="A note on the cycle.")
@click.pass_obj
@refusals
def cycle_open(ctx: Context, month: str, note: str | None) -> None:
    """Open the cycle MONTH (YYYY-MM)."""
    e = ctx.workspace.open_cycle(month, note)
    click.echo(f"cycle {month} opened (event {e.seq})")


@cycle.command("status")
@click.option("--cycle", "which", help="Which cycle (default: the current one).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@refusals
def cycle_status(ctx: Context, which: str | None, as_json: bool) -> None:
    """Meetings, captured records and the data each command still needs."""
    from sop_tui.cycle.status import cycle_status as build

    st = build(ctx.workspace, which)
    if as_json:
        echo_json(st)
        return
    click.echo(f"cycle {st['cycle']} — {st['events']} events in the log")
    table("meetings", ["#", "meeting", "status", "started", "closed"],
          ([i + 1, m["title"], m["status"], m["started"] or "", m["closed"] or ""]
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
@click.option("--no-tui", is_flag=True, help="Build the demo store, print a summary, stop.")
@click.pass_obj
@refusals
def demo(ctx: Context, seed: int, no_tui: bool) -> None:
    """Build the demo company in the store (CSV under STORE/demo/, imported) and open it."""
    from sop_tui.data.demo_setup import build_demo_store

    summary = build_demo_store(ctx.workspace, ctx.settings.store / "demo", seed=seed,
                               progress=lambda msg: click.echo(msg, err=True))
    _warm_views(ctx)
    for line in summary:
        click.echo(line)
    if not no_tui:
        from sop_tui.cli.tui_cmds import run_app

        run_app(ctx, read_only=False)


def register(group: click.Group) -> None:
    for c in (import_, cycle, demo):
        group.add_command(c)
