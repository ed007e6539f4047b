"""The plan panel: the demand plan by month in units and dollars, against the revenue target.

Families the demand review has not agreed yet carry a placeholder (see ``CyclePlanning``); the
panel names them, so nobody reads a placeholder as a consensus.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from sop_tui.cycle.planning import CyclePlanning
from sop_tui.formats import money, units
from sop_tui.tui.panels.common import DataPanel
from sop_tui.tui.widgets.figures import Figures
from sop_tui.tui.widgets.fit_table import Col, FitTable, Row

if TYPE_CHECKING:
    from sop_tui.analytics.scenarios import ScenarioResult


def monthly_plan(result: ScenarioResult) -> pd.DataFrame:
    """``[month, units, revenue, revenue_target, gap]`` of an evaluated plan, by month.

    ``units`` is the demand of the plan; revenue is of the units it can supply; target and gap
    are NaN where the company gave no target.
    """
    demand = result.demand.groupby("month", sort=True)["units"].sum()
    revenue = result.dollars.groupby("month", sort=True)["revenue"].sum()
    out = pd.DataFrame({"units": demand, "revenue": revenue.reindex(demand.index)})
    if result.gap is not None:
        g = result.gap.set_index("month")
        out["revenue_target"] = g["revenue_target"].reindex(out.index)
    else:
        out["revenue_target"] = float("nan")
    out["gap"] = out["revenue_target"] - out["revenue"]
    return out.rename_axis("month").reset_index()


def totals_figures(result: ScenarioResult, title: str) -> Figures:
    """Units, revenue, target and gap over the horizon, for the panel headers."""
    t = result.totals
    gap = t.get("gap_to_target", float("nan"))
    return Figures([
        ("Units", units(t["units_demanded"])),
        ("Revenue", money(t["revenue"])),
        ("Target", money(t.get("revenue_target"))),
        ("Gap to target", Text(money(gap), style="bold red" if gap > 0 else "bold green")),
        ("Margin", money(t["margin"])),
        ("Unmet units", units(t["unmet_units"])),
    ], title=title)


MONTH_COLUMNS = (Col("Month", "month", keep=True), Col("Units", "units", number=True),
                 Col("Revenue", "revenue", number=True), Col("Target", "target", number=True),
                 Col("Gap", "gap", number=True))


def fill_month_table(dt: FitTable, frame: pd.DataFrame) -> None:
    """A month-by-month table of :func:`monthly_plan`; a shortfall in red."""
    rows: list[Row] = []
    for row in frame.itertuples(index=False):
        gap = float(row.gap)
        rows.append((str(row.month), [str(row.month), units(row.units), money(row.revenue),
                                      money(row.revenue_target),
                                      Text(money(gap), style="red" if gap > 0 else "green")]))
    dt.fill(MONTH_COLUMNS, rows)


@dataclass(frozen=True)
class PlanView:
    result: ScenarioResult
    months: pd.DataFrame
    agreed: tuple[str, ...]
    placeholder: tuple[str, ...]


class PlanPanel(DataPanel):
    """The consensus plan, month by month, and its gap to the revenue target."""

    PANEL_ID = "plan"
    TITLE = "The demand plan — units and dollars against the target"

    def compose_body(self) -> ComposeResult:
        yield Static(id="plan-totals", classes="panel-block")
        yield Static(id="plan-agreed", classes="panel-block")
        yield FitTable(id="plan-months")

    def load(self, planning: CyclePlanning) -> PlanView:
        dp = planning.demand_plan
        result = planning.baseline_result
        return PlanView(result, monthly_plan(result), dp.agreed, dp.placeholder)

    def show(self, data: PlanView) -> None:
        n = len(data.agreed) + len(data.placeholder)
        self.query_one("#plan-totals", Static).update(
            totals_figures(data.result, f"Consensus plan, {len(data.months)} months"))
        agreed = Text()
        if data.placeholder:
            agreed.append(f"{len(data.agreed)} of {n} families agreed. ", style="bold")
            agreed.append("Not agreed yet (last year's actuals stand in): ", style="yellow")
            shown = ", ".join(data.placeholder[:12])
            more = f" and {len(data.placeholder) - 12} more" if len(data.placeholder) > 12 else ""
            agreed.append(shown + more, style="yellow")
        else:
            agreed.append(f"All {n} families agreed.", style="bold green")
        self.query_one("#plan-agreed", Static).update(agreed)
        fill_month_table(self.query_one("#plan-months", FitTable), data.months)
