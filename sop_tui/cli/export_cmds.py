"""``sop export PART --out FILE``: the plan, supply, registers and metrics as XLSX or CSV."""

from __future__ import annotations

from pathlib import Path

import click

from sop_tui.cli.app import Context, refusals
from sop_tui.exports import workbook
from sop_tui.exports.tables import PARTS, Table


def export_tables(ctx: Context, part: str, cycle: str | None) -> list[Table]:
    """The tables of ``part`` (``all``: every part) for ``cycle`` (default: the current one).

    Raises:
        CommandError: the cycle is not open.
    """
    return workbook.export_tables(ctx.workspace, part, cycle, cache_dir=ctx.settings.cache_dir)


@click.command("export")
@click.argument("part", type=click.Choice([*PARTS, "all"]))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="FILE.xlsx (typed cells, a sheet per part) or FILE.csv (UTF-8, one part).")
@click.option("--cycle", help="The cycle (default: the current one; the registers of decisions, "
              "assumptions and actions default to every cycle).")
@click.pass_obj
@refusals
def export(ctx: Context, part: str, out: Path, cycle: str | None) -> None:
    """Write PART of the cycle (or all of it) for the ERP or finance, as XLSX or CSV.

    A text cell that a spreadsheet could run as a formula (=, +, -, @, tab, CR first) is written
    with a leading apostrophe.
    """
    done = workbook.export_file(ctx.workspace, part, out, cycle=cycle,
                                cache_dir=ctx.settings.cache_dir)
    click.echo(done.summary())


def register(group: click.Group) -> None:
    group.add_command(export)
