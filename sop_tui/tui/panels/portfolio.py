"""The portfolio panel: new items and phase-outs awaiting a decision, grouped by family.

Each item shows its trailing-12-month units and dollars and what is on hand, so the room sees
what a launch or a phase-out is worth. Space marks items; ``D`` (shift-d: plain ``d`` is the
meeting's own decision form) records one decision covering the marked items (or the one under the
cursor); decided items show what was chosen.

A facilitator decides the hundreds of items of a real catalogue in groups, so marking comes in
bulk too: ``f`` marks every undecided item of the family and lifecycle under the cursor (say, the
BRG-01 phase-outs), ``l`` every undecided item of the lifecycle under the cursor (every launch, or
every phase-out), ``*`` every undecided item. Group marks leave the decided items alone, so a
decision never silently replaces an earlier one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import pandas as pd
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType

from sop_tui.cycle.planning import CyclePlanning
from sop_tui.data.store import require
from sop_tui.events.types import Event
from sop_tui.formats import money, units
from sop_tui.tui.dialogs.capture import DecisionForm
from sop_tui.tui.panels.common import DataPanel
from sop_tui.tui.widgets.fit_table import Col, FitTable

LIFECYCLE_LABEL = {"new": "new", "phase_out": "out"}


@dataclass(frozen=True)
class PortfolioView:
    items: pd.DataFrame  # [sku, description, family, lifecycle, units_12m, revenue_12m,
    #                       on_hand_units, on_hand_value, decided]
    decided: int


def portfolio_items(planning: CyclePlanning) -> pd.DataFrame:
    """New and phasing-out items with their last 12 months and their stock, by family."""
    d = planning.data
    require(d, "items", "actuals")
    items = d["items"]
    items = items[items["lifecycle"].isin(["new", "phase_out"])].copy()
    acts = d["actuals"]
    first = planning.through - 11
    recent = acts[(acts["month"] >= first) & (acts["month"] <= planning.through)]
    t12 = recent.groupby("sku")["units"].sum()
    items["units_12m"] = items["sku"].map(t12).fillna(0.0).astype("float64")
    items["revenue_12m"] = items["units_12m"] * items["unit_price"]
    if "inventory" in d.frames:
        on_hand = d["inventory"].groupby("sku")["on_hand_units"].sum()
        items["on_hand_units"] = items["sku"].map(on_hand).fillna(0.0).astype("float64")
    else:
        items["on_hand_units"] = float("nan")
    items["on_hand_value"] = items["on_hand_units"] * items["unit_cost"]
    decided: dict[str, str] = {}
    for rec in planning.state.decisions:
        for sku in rec.payload.get("skus", []):
            decided[str(sku)] = str(rec.payload.get("chosen", ""))
    items["decided"] = [decided.get(str(s), "") for s in items["sku"]]
    cols = ["sku", "description", "family", "lifecycle", "units_12m", "revenue_12m",
            "on_hand_units", "on_hand_value", "decided"]
    return items[cols].sort_values(["family", "lifecycle", "sku"], kind="stable")


#: The decision and the numbers before the description: the description gives way first, and
#: the decision (what the room is here for) keeps a readable width.
COLUMNS = (
    Col("✓", "mark", keep=True), Col("SKU", "SKU", keep=True), Col("Family", "Family", keep=True),
    Col("Life", "Life", keep=True), Col("Decision", "Decision", floor=10),
    Col("12m units", "12m units", number=True), Col("12m $", "12m $", number=True),
    Col("On hand", "On hand", number=True), Col("On hand $", "On hand $", number=True),
    Col("Description", "Description", floor=8, yields=1),
)


def decision_cell(decided: str) -> Text:
    """What was chosen for an item (green), or that it awaits a decision."""
    if decided:
        return Text(f"✔ {decided}", style="green", overflow="ellipsis", no_wrap=True)
    return Text("awaiting", style="dim")


def mark_cell(marked: bool) -> str | Text:
    return Text("●", style="bold cyan") if marked else ""


class PortfolioPanel(DataPanel):
    """Launches and phase-outs: what they sell, what they hold, what was decided."""

    PANEL_ID = "portfolio"
    TITLE = "Portfolio — new items and phase-outs awaiting a decision"
    CAPTURE_ACTIONS = frozenset({"decide"})
    #: The table's columns, in the order of :meth:`row_cells`.
    TABLE_COLUMNS: ClassVar[tuple[Col, ...]] = COLUMNS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_mark", "Mark"),
        Binding("f", "mark_group('family')", "Mark family"),
        Binding("l", "mark_group('lifecycle')", "Mark all new/out", show=False),
        Binding("asterisk", "mark_group('all')", "Mark all undecided", show=False),
        Binding("D", "decide", "Decide marked"),
        Binding("u", "unmark", "Unmark all", show=False),
    ]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.marked: set[str] = set()
        self.frame: pd.DataFrame | None = None

    def compose_body(self) -> ComposeResult:
        yield FitTable(id="portfolio-table")

    def load(self, planning: CyclePlanning) -> PortfolioView:
        frame = portfolio_items(planning)
        return PortfolioView(frame, int((frame["decided"] != "").sum()))

    def show(self, data: PortfolioView) -> None:
        self.frame = data.items
        self.marked &= set(data.items["sku"])
        dt = self.query_one("#portfolio-table", FitTable)
        cursor = dt.cursor_row
        dt.fill(self.TABLE_COLUMNS, [(str(r.sku), self.row_cells(r))
                                     for r in data.items.itertuples(index=False)])
        if dt.row_count and dt.cursor_row == 0 and cursor:
            dt.move_cursor(row=min(cursor, dt.row_count - 1))  # the row went: stay near it
        # the panel's keys (Space, f, D...) work from the table: it takes the focus on showing
        dt.focus(scroll_visible=False)
        self._summarise(data)

    def row_cells(self, r: object) -> list[str | Text]:
        """The cells of one item (a row of the view's frame), in :attr:`TABLE_COLUMNS`."""
        sku = str(r.sku)  # type: ignore[attr-defined]
        decided = str(r.decided)  # type: ignore[attr-defined]
        life = str(r.lifecycle)  # type: ignore[attr-defined]
        return [
            mark_cell(sku in self.marked), sku, str(r.family),  # type: ignore[attr-defined]
            Text(LIFECYCLE_LABEL.get(life, life), style="green" if life == "new" else "yellow"),
            decision_cell(decided),
            units(r.units_12m), money(r.revenue_12m),  # type: ignore[attr-defined]
            units(r.on_hand_units),  # type: ignore[attr-defined]
            money(r.on_hand_value),  # type: ignore[attr-defined]
            str(r.description),  # type: ignore[attr-defined]
        ]

    def summary_text(self, frame: pd.DataFrame, decided: int) -> str:
        """The status line's first sentence: how many items, how many decided."""
        n = len(frame)
        new = int((frame["lifecycle"] == "new").sum())
        return (f"{n} items ({new} new, {n - new} phase-out), {decided} decided, "
                f"{n - decided} awaiting.")

    def _summarise(self, data: PortfolioView) -> None:
        text = self.summary_text(data.items, data.decided)
        if not self.context.read_only:
            text += (f"  {len(self.marked)} marked. Mark: Space item · f family · l all new/out"
                     " · * all undecided · u none.  D decides the marked")
        self.set_status(text)

    def action_toggle_mark(self) -> None:
        dt = self.query_one("#portfolio-table", FitTable)
        if dt.row_count == 0 or self.frame is None:
            return
        sku = str(dt.coordinate_to_cell_key(dt.cursor_coordinate).row_key.value)
        self.marked ^= {sku}
        dt.update_cell(sku, "mark", Text("●", style="bold cyan") if sku in self.marked else "")
        if dt.cursor_row < dt.row_count - 1:
            dt.move_cursor(row=dt.cursor_row + 1)
        self._summarise(PortfolioView(self.frame, int((self.frame["decided"] != "").sum())))

    def group_of(self, sku: str, scope: str) -> list[str]:
        """The undecided SKUs that ``scope`` groups with ``sku``.

        Args:
            sku: the item under the cursor.
            scope: ``family`` (same family and lifecycle), ``lifecycle`` (same lifecycle) or
                ``all`` (every undecided item).
        """
        frame = self.frame
        if frame is None:
            return []
        row = frame[frame["sku"] == sku]
        pick = frame["decided"] == ""
        if scope in ("family", "lifecycle") and len(row):
            pick &= frame["lifecycle"] == row["lifecycle"].iloc[0]
        if scope == "family" and len(row):
            pick &= frame["family"] == row["family"].iloc[0]
        return [str(s) for s in frame.loc[pick, "sku"]]

    def action_mark_group(self, scope: str) -> None:
        """Mark every undecided item of the cursor's family (``f``), lifecycle (``l``) or all."""
        dt = self.query_one("#portfolio-table", FitTable)
        if dt.row_count == 0 or self.frame is None:
            return
        sku = str(dt.coordinate_to_cell_key(dt.cursor_coordinate).row_key.value)
        group = self.group_of(sku, scope)
        if not group:
            self.notify("Every item of that group is already decided.", severity="warning")
            return
        added = set(group) - self.marked
        self.marked |= added
        for s in added:
            dt.update_cell(s, "mark", Text("●", style="bold cyan"))
        self._summarise(PortfolioView(self.frame, int((self.frame["decided"] != "").sum())))

    def action_unmark(self) -> None:
        self.marked.clear()
        if self.frame is not None:
            self.show(PortfolioView(self.frame, int((self.frame["decided"] != "").sum())))

    def action_decide(self) -> None:
        if self.context.read_only or self.frame is None:
            return
        dt = self.query_one("#portfolio-table", FitTable)
        skus = sorted(self.marked)
        if not skus and dt.row_count:
            skus = [str(dt.coordinate_to_cell_key(dt.cursor_coordinate).row_key.value)]
        if not skus:
            return
        chosen = self.frame[self.frame["sku"].isin(skus)]
        lifecycles = sorted(set(chosen["lifecycle"]))
        what = " / ".join({"new": "launch", "phase_out": "phase-out"}.get(x, x)
                          for x in lifecycles)
        families = ", ".join(sorted(set(chosen["family"])))
        question = (f"{what} of {len(skus)} item(s) in {families}: " if len(skus) > 1
                    else f"{what} of {skus[0]} ({chosen['description'].iloc[0]}): ")
        question += "launch, delay or stop?" if lifecycles == ["new"] else "what do we do?"
        note = (f"Covers {len(skus)} item(s): {', '.join(skus[:10])}"
                f"{' …' if len(skus) > 10 else ''} — {units(chosen['units_12m'].sum())} units "
                f"and {money(chosen['revenue_12m'].sum())} in the last 12 months, "
                f"{money(chosen['on_hand_value'].sum())} on hand.")
        options = (["launch as planned", "delay launch", "cancel"] if lifecycles == ["new"]
                   else ["phase out as planned", "run down stock first", "keep active"])
        family = chosen["family"].iloc[0] if len(set(chosen["family"])) == 1 else None
        dialog = DecisionForm(
            self.context.workspace, cycle=self.context.cycle, meeting=self.context.meeting,
            question=question, options=options, skus=skus, family=family, note=note,
        )
        self.app.push_screen(dialog, self._decided)

    def _decided(self, event: Event | None) -> None:
        if event is None:
            return
        self.marked.clear()
        self.recorded(event)
