"""The segments panel: the items that changed segment since the last cycle (and so, maybe,
their planning policy), then the ABC-XYZ 3×3 matrix — items, revenue share and policy per cell.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from sop_tui.cycle.planning import CyclePlanning
from sop_tui.formats import money, pct
from sop_tui.tui.panels.common import DataPanel
from sop_tui.tui.widgets.fit_table import Col, FitTable, Row

ABC = ("A", "B", "C")
XYZ = ("X", "Y", "Z")
XYZ_MEANING = {"X": "X steady", "Y": "Y variable", "Z": "Z erratic"}
ABC_MEANING = {"A": "A top revenue", "B": "B middle", "C": "C long tail"}


@dataclass(frozen=True)
class Cell:
    items: int
    revenue: float
    share: float
    policy: str


@dataclass(frozen=True)
class SegmentsView:
    cells: dict[tuple[str, str], Cell]
    items: int
    revenue: float
    changes: pd.DataFrame  # agenda_views.segment_changes: the highest revenue first


CHANGE_COLUMNS = (
    Col("SKU", "sku", keep=True), Col("Family", "family", keep=True),
    Col("From", "from", keep=True), Col("To", "to", keep=True),
    Col("12m $", "revenue", number=True), Col("Policy now", "policy", floor=12),
    Col("Description", "description", floor=8, yields=1),
)


class SegmentsPanel(DataPanel):
    """How the catalog is planned: not all items the same way."""

    PANEL_ID = "segments"
    TITLE = "Segments — ABC (revenue) × XYZ (variability)"

    def compose_body(self) -> ComposeResult:
        yield Static("Items that changed segment since the last cycle", id="segments-moved",
                     classes="panel-subtitle")
        yield FitTable(id="segments-changes")
        yield Static(id="segments-matrix", classes="panel-block")

    def load(self, planning: CyclePlanning) -> SegmentsView:
        seg = planning.segments
        total = float(seg["revenue_12m"].sum())
        cells: dict[tuple[str, str], Cell] = {}
        for (a, x), g in seg.groupby(["abc", "xyz"], sort=True):
            rev = float(g["revenue_12m"].sum())
            policy = str(g["policy"].mode().iloc[0]) if len(g) else ""
            cells[(str(a), str(x))] = Cell(len(g), rev, rev / total if total else 0.0, policy)
        return SegmentsView(cells, len(seg), total, planning.segment_changes)

    def show(self, data: SegmentsView) -> None:
        table = Table(expand=True, show_lines=True, header_style="bold")
        table.add_column("", no_wrap=True, width=14)
        for x in XYZ:
            table.add_column(XYZ_MEANING[x], ratio=1)
        for a in ABC:
            cells: list[Text | str] = []
            for x in XYZ:
                c = data.cells.get((a, x))
                if c is None:
                    cells.append(Text("no items", style="dim"))
                    continue
                t = Text()
                t.append(f"{a}{x}  {c.items:,} items\n", style="bold")
                t.append(f"{pct(c.share)} of revenue\n")
                t.append(c.policy, style="italic")
                cells.append(t)
            table.add_row(Text(ABC_MEANING[a], style="bold"), *cells)
        caption = Text(f"{data.items:,} items, {money(data.revenue)} revenue over the last 12 "
                       "months. Policy per cell decides how each item is planned.", style="dim")
        table.caption = caption
        self.query_one("#segments-matrix", Static).update(table)
        changes = data.changes
        moved = self.query_one("#segments-moved", Static)
        moved.update(f"{len(changes):,} items changed segment since the last cycle"
                     + (", the highest revenue first" if len(changes) else ""))
        rows: list[Row] = []
        for r in changes.itertuples(index=False):
            was = str(r.from_segment) or "new"
            rows.append((str(r.sku), [
                str(r.sku), str(r.family), was, Text(str(r.to_segment), style="bold"),
                money(r.revenue_12m),
                Text(str(r.to_policy), style="yellow" if r.to_policy != r.from_policy else ""),
                str(getattr(r, "description", ""))]))
        table_changes = self.query_one("#segments-changes", FitTable)
        table_changes.fill(CHANGE_COLUMNS, rows)
        # the keys move its cursor, but the panel stays at its top: scrolling the table into
        # view hid the panel's title and the sentence above the table
        table_changes.focus(scroll_visible=False)
