"""The supply panel: capacity against load by resource and month, gaps highlighted.

The grid shows each resource's load as a share of its available hours; a month over capacity is
a gap (red). ``o`` records an option or decision for the gap under the cursor — the supply
review cannot close while a gap has none. ``r`` records one decision for the selected
resource over the months from its first to its last open gap (one ``DecisionRecorded`` with
``resource`` and a month range: "overtime on ASSY-B, June to September"), so a resource short
in many months is covered in one go.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import pandas as pd
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from sop_tui.cycle.planning import CyclePlanning
from sop_tui.events.types import Event
from sop_tui.formats import units
from sop_tui.tui.dialogs.capture import DecisionForm
from sop_tui.tui.panels.common import DataPanel
from sop_tui.tui.widgets.fit_table import Col, FitTable, Row

GAP_COLUMNS = (Col("Resource", "resource", keep=True), Col("Month", "month", keep=True),
               Col("Available h", "available", number=True), Col("Load h", "load", number=True),
               Col("Short h", "short", number=True), Col("Option / decision", "decided"))


@dataclass(frozen=True)
class Gap:
    resource: str
    month: str
    available: float
    load: float
    short: float
    covered_by: str  # the chosen option of the decision covering it ("" if none)


@dataclass(frozen=True)
class SupplyView:
    load: pd.DataFrame  # [resource, month, available, load, gap_hours]
    months: list[str]
    resources: list[str]
    gaps: list[Gap]


def covering_decisions(planning: CyclePlanning) -> dict[tuple[str, str], str]:
    """(resource, month) -> the chosen option of a supply decision that covers it."""
    out: dict[tuple[str, str], str] = {}
    for rec in planning.state.of_type("DecisionRecorded", meeting="supply"):
        res = rec.payload.get("resource")
        months = rec.payload.get("months")
        for resource, month in planning.capacity_gaps:
            if res in (resource, "*") and (
                months is None or months["first"] <= month <= months["last"]
            ):
                out[(resource, month)] = str(rec.payload.get("chosen", ""))
    return out


class SupplyPanel(DataPanel):
    """Where the plan does not fit, month by month, and what was decided about it."""

    PANEL_ID = "supply"
    TITLE = "Supply — capacity against load"
    CAPTURE_ACTIONS = frozenset({"option", "resource_option"})
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "option", "Option for gap"),
        Binding("r", "resource_option", "Option for resource"),
    ]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.view: SupplyView | None = None  # what the panel shows, once loaded

    def compose_body(self) -> ComposeResult:
        yield FitTable(id="supply-grid", cursor_type="cell", zebra_stripes=False,
                       fixed_columns=1)
        yield Static("Capacity gaps", classes="panel-subtitle")
        yield FitTable(id="supply-gaps")

    def load(self, planning: CyclePlanning) -> SupplyView:
        frame = planning.load
        covered = covering_decisions(planning)
        months = sorted(set(frame["month"].astype(str)))
        resources = sorted(set(frame["resource"].astype(str)))
        gaps = []
        for r in frame[frame["gap_hours"] > 1e-6].itertuples(index=False):
            key = (str(r.resource), str(r.month))
            gaps.append(Gap(key[0], key[1], float(r.available), float(r.load),
                            float(r.gap_hours), covered.get(key, "")))
        return SupplyView(frame, months, resources, gaps)

    def show(self, data: SupplyView) -> None:
        self.view = data
        grid = self.query_one("#supply-grid", FitTable)
        # "26-12": narrow enough for 18 months at 200 columns; fewer scroll with the cursor
        cols = [Col("Resource", "resource", keep=True),
                *(Col(m[2:], m, number=True) for m in data.months)]
        rows: list[Row] = []
        gaps = {(g.resource, g.month): g for g in data.gaps}
        by = data.load.assign(month=data.load["month"].astype(str)).set_index(
            ["resource", "month"])
        for res in data.resources:
            cells: list[str | Text] = [res]
            for m in data.months:
                if (res, m) not in by.index:
                    cells.append("")
                    continue
                row = by.loc[(res, m)]
                util = float(row["load"]) / float(row["available"]) if row["available"] else 0.0
                g = gaps.get((res, m))
                if g is None:
                    style = "yellow" if util >= 0.9 else ""
                    cells.append(Text(f"{util:4.0%}", style=style))
                else:
                    mark = "✔" if g.covered_by else "!"
                    style = "bold white on dark_green" if g.covered_by else "bold white on red"
                    cells.append(Text(f"{util:4.0%}{mark}", style=style))
            rows.append((res, cells))
        grid.fill(cols, rows)
        self.fit_grid()
        table = self.query_one("#supply-gaps", FitTable)
        gap_rows: list[Row] = []
        for g in data.gaps:
            decided = (Text(f"✔ {g.covered_by}", style="green") if g.covered_by
                       else Text("none yet", style="bold red"))
            gap_rows.append((f"{g.resource}|{g.month}", [
                g.resource, g.month, units(g.available), units(g.load), units(g.short),
                decided]))
        table.fill(GAP_COLUMNS, gap_rows)
        open_ = sum(1 for g in data.gaps if not g.covered_by)
        status = (f"{len(data.gaps)} gap(s), {open_} without an option. Load as a share of "
                  "available hours; red: over capacity.")
        if not self.context.read_only:
            status += ("  o: an option for the selected gap · r: one for all the open gaps of "
                       "its resource")
        self.set_status(status)
        if data.gaps and not self.following:
            # the cursor waits on the first gap still without an option: o or r at once
            # (when the panel follows a write made elsewhere, the reader's place is kept)
            open_gaps = [f"{g.resource}|{g.month}" for g in data.gaps if not g.covered_by]
            if open_gaps:
                table.select(open_gaps[0])
            table.focus(scroll_visible=False)

    def on_resize(self, _event: events.Resize) -> None:
        self.fit_grid()

    def fit_grid(self) -> None:
        """Make the grid as wide as the resource and a whole number of months: moved by the
        cursor, it then scrolls by whole months and never shows part of a percentage."""
        grid = self.query_one("#supply-grid", FitTable)
        widths = [c.get_render_width(grid) for c in grid.columns.values()]
        if len(widths) < 2 or self.content_region.width <= 0:
            return
        fixed, month = widths[0], max(widths[1:])
        # a vertical scrollbar only when the resources do not all show (the grid's height is
        # at most half the panel's: panels.tcss)
        rows = grid.row_count + grid.header_height + grid.styles.scrollbar_size_horizontal
        bar = grid.styles.scrollbar_size_vertical if rows > self.content_region.height // 2 else 0
        room = self.content_region.width - bar
        shown = max(1, min(len(widths) - 1, (room - fixed) // month))
        grid.styles.width = fixed + shown * month + bar

    def _selected(self) -> tuple[str, str] | None:
        view: SupplyView | None = self.view
        if view is None:
            return None
        grid = self.query_one("#supply-grid", FitTable)
        if grid.has_focus and grid.row_count and grid.cursor_column > 0:
            res = str(grid.coordinate_to_cell_key(grid.cursor_coordinate).row_key.value)
            return res, view.months[grid.cursor_column - 1]
        gaps = self.query_one("#supply-gaps", FitTable)
        if gaps.row_count:
            key = str(gaps.coordinate_to_cell_key(gaps.cursor_coordinate).row_key.value)
            res, _, month = key.partition("|")
            return res, month
        return None

    def _picked_for_option(self) -> tuple[str, str] | None:
        """The selected gap to record an option for; None (and why) when there is none."""
        if self.context.read_only:
            return None
        picked = self._selected()
        if picked is None:
            self.notify("No capacity gap to record an option for.", severity="warning")
        return picked

    def action_option(self) -> None:
        picked = self._picked_for_option()
        if picked is None:
            return
        res, month = picked
        view = self.view
        if view is None:
            return
        gap = next((g for g in view.gaps if (g.resource, g.month) == picked), None)
        if gap is not None:
            note = (f"{res} in {month}: {units(gap.load)} h of load against "
                    f"{units(gap.available)} h available — {units(gap.short)} h short.")
            question = f"{res} {month}: {units(gap.short)} h short — how do we close it?"
        else:
            note = f"{res} in {month} has no gap; recording an option anyway."
            question = f"{res} {month}: capacity option"
        dialog = DecisionForm(
            self.context.workspace, cycle=self.context.cycle, meeting=self.context.meeting,
            question=question,
            options=["overtime", "pre-build", "outsource", "reprioritise", "accept shortfall"],
            resource=res, months=month, note=note,
        )
        self.app.push_screen(dialog, self._decided)

    def action_resource_option(self) -> None:
        """One decision covering every open gap of the selected resource (a month range)."""
        picked = self._picked_for_option()
        if picked is None:
            return
        res = picked[0]
        view = self.view
        if view is None:
            return
        open_ = sorted((g for g in view.gaps if g.resource == res and not g.covered_by),
                       key=lambda g: g.month)
        if not open_:
            self.notify(f"Every gap of {res} already has an option or decision.",
                        severity="warning")
            return
        first, last = open_[0].month, open_[-1].month
        span = first if first == last else f"{first}..{last}"
        short = sum(g.short for g in open_)
        listed = ", ".join(f"{g.month} {units(g.short)} h" for g in open_)
        note = (f"{res}: {len(open_)} open gap(s), {units(short)} h short in all ({listed}). "
                f"The decision covers {span}.")
        dialog = DecisionForm(
            self.context.workspace, cycle=self.context.cycle, meeting=self.context.meeting,
            question=f"{res} {span}: {units(short)} h short — how do we close it?",
            options=["overtime", "pre-build", "outsource", "reprioritise", "accept shortfall"],
            resource=res, months=span, note=note,
        )
        self.app.push_screen(dialog, self._decided)

    def _decided(self, event: Event | None) -> None:
        if event is not None:
            self.recorded(event)
