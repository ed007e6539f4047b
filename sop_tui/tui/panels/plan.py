"""The plan panel: the demand plan by month in units and dollars, against the revenue target.

Families the demand review has not agreed yet carry a placeholder (see ``CyclePlanning``); the
panel names them, so nobody reads a placeholder as a consensus.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from sop_tui.cycle.planning import CyclePlanning
from sop_tui.tui.panels.common import DataPanel, money, units

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


def totals_table(result: ScenarioResult, title: str) -> Table:
    """Units, revenue, target and gap over the horizon, for the panel headers."""
    t = result.totals
    table = Table(box=None, expand=True, padding=(0, 2), header_style="bold", title=title,
                  title_justify="left", title_style="bold")
    for name in ("Units", "Revenue", "Target", "Gap to target", "Margin", "Unmet units"):
        table.add_column(name, justify="right", no_wrap=True)
    gap = t.get("gap_to_target", float("nan"))
    table.add_row(units(t["units_demanded"]), money(t["revenue"]),
                  money(t.get("revenue_target")),
                  Text(money(gap), style="bold red" if gap > 0 else "bold green"),
                  money(t["margin"]), units(t["unmet_units"]))
    return table


def fill_month_table(dt: DataTable[str | Text], frame: pd.DataFrame) -> None:
    """A month-by-month table of :func:`monthly_plan`; a shortfall in red."""
    dt.clear(columns=True)
    dt.add_columns("Month", "Units", "Revenue", "Target", "Gap")
    for row in frame.itertuples(index=False):
        gap = float(row.gap)
        dt.add_row(str(row.month), units(row.units), money(row.revenue),
                   money(row.revenue_target),
                   Text(money(gap), style="red" if gap > 0 else "green"), key=str(row.month))


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
        table: DataTable[str | Text] = DataTable(id="plan-months", cursor_type="row",
                                                 zebra_stripes=True)
        yield table

    def load(self, planning: CyclePlanning) -> PlanView:
        dp = planning.demand_plan
        result = planning.baseline_result
        return PlanView(result, monthly_plan(result), dp.agreed, dp.placeholder)

    def show(self, data: PlanView) -> None:
        n = len(data.agreed) + len(data.placeholder)
        self.query_one("#plan-totals", Static).update(
            totals_table(data.result, f"Consensus plan, {len(data.months)} months"))
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
        fill_month_table(self.query_one("#plan-months", DataTable), data.months)
