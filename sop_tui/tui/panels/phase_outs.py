"""The phase-outs panel (portfolio review, "Phase-outs and their remaining stock"): each
phase-out item with its stock on hand in units and dollars and what the plan will not take
(left over: its excess and obsolete stock), the most valuable stock first — and the portfolio
panel's keys to decide them (Space, f, l, *, D)."""

from __future__ import annotations

from typing import ClassVar

import pandas as pd
from rich.text import Text

from sop_tui.cycle.planning import CyclePlanning
from sop_tui.formats import money, units
from sop_tui.tui.panels.portfolio import (
    PortfolioPanel,
    PortfolioView,
    decision_cell,
    mark_cell,
    portfolio_items,
)
from sop_tui.tui.widgets.fit_table import Col

COLUMNS = (
    Col("✓", "mark", keep=True), Col("SKU", "SKU", keep=True), Col("Family", "Family", keep=True),
    Col("Decision", "Decision", floor=10), Col("On hand", "On hand", number=True),
    Col("On hand $", "On hand $", number=True), Col("Left over $", "Left over $", number=True),
    Col("Description", "Description", floor=8, yields=1),
)

#: What the stock view brings (its numbers replace the portfolio's own reading of the stock).
STOCK = ["on_hand_units", "on_hand_value", "forward_units", "left_over_units", "left_over_value"]


class PhaseOutsPanel(PortfolioPanel):
    """Phase-outs: the stock each one leaves, and what was decided."""

    PANEL_ID = "phase_outs"
    TITLE = "Phase-outs — the stock they leave"
    TABLE_COLUMNS: ClassVar[tuple[Col, ...]] = COLUMNS

    def load(self, planning: CyclePlanning) -> PortfolioView:
        items = portfolio_items(planning)
        items = items[items["lifecycle"] == "phase_out"].drop(columns=STOCK[:2])
        stock = planning.phase_out_stock[["sku", *STOCK]]
        # the stock view's order: the most valuable stock first
        frame = stock.merge(items, on="sku", how="inner")
        return PortfolioView(frame, int((frame["decided"] != "").sum()))

    def row_cells(self, r: object) -> list[str | Text]:
        sku = str(r.sku)  # type: ignore[attr-defined]
        return [
            mark_cell(sku in self.marked), sku, str(r.family),  # type: ignore[attr-defined]
            decision_cell(str(r.decided)),  # type: ignore[attr-defined]
            units(r.on_hand_units), money(r.on_hand_value),  # type: ignore[attr-defined]
            money(r.left_over_value),  # type: ignore[attr-defined]
            str(r.description),  # type: ignore[attr-defined]
        ]

    def summary_text(self, frame: pd.DataFrame, decided: int) -> str:
        n = len(frame)
        return (f"{n} phase-out items: {units(frame['on_hand_units'].sum())} units on hand, "
                f"{money(frame['on_hand_value'].sum())}; the plan leaves "
                f"{money(frame['left_over_value'].sum())} of it over. {decided} decided, "
                f"{n - decided} awaiting.")
