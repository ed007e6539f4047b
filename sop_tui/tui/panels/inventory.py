"""The inventory panel (supply review, "Inventory and E&O"): which families carry the excess
and obsolete stock, the biggest first, with their share and how many items carry it."""

from __future__ import annotations

import pandas as pd
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from sop_tui.cycle.planning import CyclePlanning
from sop_tui.formats import money, pct, units
from sop_tui.tui.panels.common import DataPanel
from sop_tui.tui.widgets.figures import Figures
from sop_tui.tui.widgets.fit_table import Col, FitTable, Row

TOTAL = "TOTAL"
COLUMNS = (
    Col("Family", "family", keep=True), Col("E&O $", "eo", number=True),
    Col("Share", "share", number=True), Col("Cumulative", "cumulative", number=True),
    Col("Excess $", "excess", number=True), Col("Obsolete $", "obsolete", number=True),
    Col("Items", "items", number=True), Col("On hand $", "on_hand", number=True),
)


class InventoryPanel(DataPanel):
    """E&O by family: who carries the excess, and how concentrated it is."""

    PANEL_ID = "inventory"
    TITLE = "Inventory and E&O — which families carry the excess"

    def compose_body(self) -> ComposeResult:
        yield Static(id="inventory-figures", classes="panel-block")
        yield Static("Families, the most E&O first (on hand beyond 12 months of the plan)",
                     classes="panel-subtitle")
        yield FitTable(id="inventory-families")

    def load(self, planning: CyclePlanning) -> pd.DataFrame:
        return planning.eo_by_family

    def show(self, data: pd.DataFrame) -> None:
        fams = data[data["family"] != TOTAL]
        total = data[data["family"] == TOTAL]
        carrying = fams[fams["eo_value"] > 0]
        # how few families hold most of it: the ones up to 80% of the E&O
        top = int((carrying["cumulative_share"] < 0.8).sum()) + 1 if len(carrying) else 0
        if len(total):
            t = total.iloc[0]
            self.query_one("#inventory-figures", Static).update(Figures([
                ("E&O", Text(money(t["eo_value"]), style="bold")),
                ("excess", money(t["excess_value"])), ("obsolete", money(t["obsolete_value"])),
                ("on hand", money(t["on_hand_value"])),
                ("families carrying", f"{len(carrying)} of {len(fams)}"),
                ("80% of it in", f"{min(top, len(carrying))} families"),
                ("items carrying", units(t["items_carrying"])),
            ]))
        rows: list[Row] = []
        for r in data.itertuples(index=False):
            style = "bold" if r.family == TOTAL else ""
            rows.append((str(r.family), [
                Text(str(r.family), style=style), Text(money(r.eo_value), style=style),
                pct(r.share), pct(r.cumulative_share) if r.family != TOTAL else "",
                money(r.excess_value), money(r.obsolete_value), units(r.items_carrying),
                money(r.on_hand_value)]))
        table = self.query_one("#inventory-families", FitTable)
        table.fill(COLUMNS, rows)
        table.focus(scroll_visible=False)

    def hint(self) -> str:
        return ("E&O = Σ max(0, on hand − next 12 months of the plan) × unit cost; obsolete: "
                "no forecast at all")
