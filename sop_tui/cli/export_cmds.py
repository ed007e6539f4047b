"""``sop export PART --out FILE``: the plan, supply, registers and metrics as XLSX or CSV."""

from __future__ import annotations

from pathlib import Path

import click

from sop_tui.cli.app import Context, refusals
from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.exports.tables import PARTS, REGISTERS, Table, build
from sop_tui.exports.write import write_csv, write_xlsx

SUFFIXES = (".xlsx", ".csv")


def export_tables(ctx: Context, part: str, cycle: str | None) -> list[Table]:
    """The tables of ``part`` (``all``: every part) for ``cycle`` (default: the current one).

    Raises:
        CommandError: the cycle is not open.
    """
    ws = ctx.workspace
    state = ws.state()
    if cycle is not None and (cycle not in state.cycles or state.cycles[cycle].opened is None):
        raise CommandError({"cycle": f"cycle {cycle} is not open"})
    planning: CyclePlanning | None = None

    def get_planning() -> CyclePlanning:
        nonlocal planning
        if planning is None:
            planning = CyclePlanning(ws, cycle, cache_dir=ctx.settings.cache_dir)
        return planning

    parts = PARTS if part == "all" else (part,)
    return [build(p, state=state, cycle=cycle if (p not in REGISTERS or cycle) else None,
                  today=ws.today(), planning=get_planning) for p in parts]


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
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise CommandError({"--out": f"{out.name}: the file must end in .xlsx or .csv"})
    if suffix == ".csv" and part == "all":
        raise CommandError({"--out": "a CSV file holds one part: use FILE.xlsx for all"})
    tables = export_tables(ctx, part, cycle)
    try:
        if suffix == ".xlsx":
            write_xlsx(tables, out)
        else:
            write_csv(tables[0], out)
    except OSError as exc:
        raise CommandError({"--out": f"{out}: cannot be written ({exc.strerror or exc})"}) from None
    rows = sum(len(t.frame) for t in tables)
    click.echo(f"{out}: {', '.join(t.name for t in tables)} ({rows:,} rows)")


def register(group: click.Group) -> None:
    group.add_command(export)
