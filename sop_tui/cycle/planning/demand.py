"""The cycle's demand plan, and the views that split or summarise it.

The demand plan of a cycle is its consensus: one chosen number per family and month. Families
the demand review has not agreed yet carry a seasonal-naive placeholder (last year's actual of
the same month), marked as not agreed wherever it is shown, so supply and finance can look
ahead before the consensus is complete without inventing a consensus.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sop_tui.cycle.planning.base import HORIZON, PlanningBase
from sop_tui.cycle.planning.views import view

if TYPE_CHECKING:
    import pandas as pd

# Views compute with pandas and the analytics, imported in the view that needs them: reading a
# view back from the cache imports neither (tests/test_planning_cache.py checks it).

#: The kinds that the demand plan, and so every consensus-keyed view, may read.
PLAN_KINDS = ("items", "actuals", "demand_inputs", "inventory", "routings", "capacity",
              "targets")


@dataclass(frozen=True)
class DemandPlan:
    """The cycle's demand plan: ``frame`` [family, month, units] over the horizon."""

    frame: pd.DataFrame
    agreed: tuple[str, ...]
    placeholder: tuple[str, ...]


class DemandViews(PlanningBase):
    """The demand plan and the views that follow it alone."""

    @view(*PLAN_KINDS, consensus=True, disk=True)
    def demand_plan(self) -> DemandPlan:
        """Consensus where agreed, a seasonal-naive placeholder elsewhere."""
        import pandas as pd

        self.require("items", "actuals")
        months = [str(m) for m in self.horizon]
        consensus = self.state.consensus
        rows: list[tuple[str, str, float]] = []
        agreed, placeholder = [], []
        naive = self._seasonal_naive()
        for fam in self.families:
            rec = consensus.get(fam)
            if rec is not None:
                agreed.append(fam)
                units = rec.payload["units"]
                rows.extend((fam, m, float(units.get(m, 0.0))) for m in months)
            else:
                placeholder.append(fam)
                rows.extend((fam, m, float(naive.get((fam, m), 0.0))) for m in months)
        frame = pd.DataFrame(rows, columns=["family", "month", "units"])
        frame["month"] = pd.PeriodIndex(frame["month"], freq="M")
        return DemandPlan(frame, tuple(agreed), tuple(placeholder))

    def _seasonal_naive(self) -> dict[tuple[str, str], float]:
        import pandas as pd

        acts = self.data["actuals"]
        fam = acts["sku"].map(self.data["items"].set_index("sku")["family"])
        monthly = acts.assign(family=fam).groupby(["family", "month"])["units"].sum()
        out: dict[tuple[str, str], float] = {}
        # month ordinals, not Period objects: the same arithmetic, far less time per cell
        start = self.period.ordinal
        names = {q.ordinal: str(q) for q in self.horizon}
        for (f, m), u in monthly.items():
            # the same month of the latest year that has it: m + 12k within the horizon
            p = pd.Period(m, freq="M").ordinal
            if p < start:
                p += 12 * -(-(start - p) // 12)  # the first m + 12j at or after the cycle
            for k in range(0, HORIZON, 12):
                name = names.get(p + k)
                if name is not None:
                    out[(str(f), name)] = float(u)
        return out

    @view(*PLAN_KINDS, consensus=True)
    def forward_sku_forecast(self) -> pd.DataFrame:
        """Next 12 months per SKU: the demand plan split by each SKU's trailing share."""
        from sop_tui.analytics.disaggregation import sku_forward_forecast_from_family

        plan = self.demand_plan.frame
        first12 = plan[plan["month"] < self.period + 12]
        return sku_forward_forecast_from_family(first12, self.data["items"],
                                                self.data["actuals"], self.through)

    @view(*PLAN_KINDS, consensus=True, disk=True)
    def plan_status(self) -> dict[str, Any]:
        """How far the demand plan is agreed, as plain values.

        Keys: agreed, placeholder (family lists), units (the plan's total over the horizon),
        placeholder_units (the part of it that is a placeholder).
        """
        plan = self.demand_plan
        frame = plan.frame
        return {
            "agreed": list(plan.agreed),
            "placeholder": list(plan.placeholder),
            "units": float(frame["units"].sum()),
            "placeholder_units": float(
                frame.loc[frame["family"].isin(plan.placeholder), "units"].sum()),
        }
