"""One export, for the CLI and the app alike: build a part's tables and write them to a file.

``sop export`` and the app's export key (the executive meeting, the history) both call
:func:`export_file`, so the workbook the ERP or finance receives is the same whichever wrote it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.workspace import Workspace
from sop_tui.exports.tables import PARTS, REGISTERS, Table, build
from sop_tui.exports.write import write_csv, write_xlsx

__all__ = ["SUFFIXES", "Exported", "export_file", "export_tables"]

#: The files an export writes.
SUFFIXES = (".xlsx", ".csv")


@dataclass(frozen=True)
class Exported:
    """What an export wrote: the file and its tables."""

    path: Path
    tables: list[Table]

    @property
    def rows(self) -> int:
        return sum(len(t.frame) for t in self.tables)

    def summary(self) -> str:
        """``FILE: plan, supply, … (N rows)`` — what the CLI prints and the app notifies."""
        return f"{self.path}: {', '.join(t.name for t in self.tables)} ({self.rows:,} rows)"


def export_tables(ws: Workspace, part: str, cycle: str | None, *, cache_dir: Path | None,
                  planning: Callable[[], CyclePlanning] | None = None) -> list[Table]:
    """The tables of ``part`` (``all``: every part) for ``cycle`` (default: the current one).

    ``planning`` gives the cycle's planning when the caller already holds one (the app's shared
    planning); otherwise one is built on first need, with ``cache_dir`` as its cache.

    Raises:
        CommandError: the cycle is not open.
    """
    state = ws.state()
    if cycle is not None and (cycle not in state.cycles or state.cycles[cycle].opened is None):
        raise CommandError({"cycle": f"cycle {cycle} is not open"})
    built: CyclePlanning | None = None

    def get_planning() -> CyclePlanning:
        nonlocal built
        if built is None:
            built = planning() if planning is not None else CyclePlanning(
                ws, cycle, cache_dir=cache_dir)
        return built

    parts = PARTS if part == "all" else (part,)
    return [build(p, state=state, cycle=cycle if (p not in REGISTERS or cycle) else None,
                  today=ws.today(), planning=get_planning) for p in parts]


def export_file(ws: Workspace, part: str, out: Path, *, cycle: str | None = None,
                cache_dir: Path | None = None,
                planning: Callable[[], CyclePlanning] | None = None) -> Exported:
    """Write ``part`` of ``cycle`` to ``out`` (XLSX: a sheet per part; CSV: one part).

    Nothing is left at ``out`` when it fails (the writers rename a finished file into place).

    Raises:
        CommandError: a file name that is neither .xlsx nor .csv, ``all`` to a CSV, a cycle not
            open, or a file that cannot be written (each naming ``--out`` or ``cycle``).
    """
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise CommandError({"--out": f"{out.name}: the file must end in .xlsx or .csv"})
    if suffix == ".csv" and part == "all":
        raise CommandError({"--out": "a CSV file holds one part: use FILE.xlsx for all"})
    tables = export_tables(ws, part, cycle, cache_dir=cache_dir, planning=planning)
    try:
        if suffix == ".xlsx":
            write_xlsx(tables, out)
        else:
            write_csv(tables[0], out)
    except OSError as exc:
        raise CommandError({"--out": f"{out}: cannot be written ({exc.strerror or exc})"}) from None
    return Exported(out, tables)
