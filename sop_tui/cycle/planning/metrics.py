"""The cycle's metrics: accuracy, bias, attainment, E&O, their trend, FVA and segments.

Most of them read imported data only, so a new consensus leaves their cache entries valid;
E&O follows the demand plan, and :attr:`MetricViews.metrics` joins the two.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sop_tui.cycle.planning.demand import PLAN_KINDS, DemandViews
from sop_tui.cycle.planning.views import view

if TYPE_CHECKING:
    import pandas as pd

    from sop_tui.analytics.summary import MetricSummary

# The analytics are imported in the view that needs them: reading a view back from the cache
# imports no pandas (tests/test_planning_cache.py checks it).

HISTORY_KINDS = ("items", "actuals", "forecast_history")
#: What the headline metrics read: the history, production, inventory and the plan's kinds.
METRIC_KINDS = (*HISTORY_KINDS, "production", *PLAN_KINDS)
#: The note ``summary`` adds when it is given no inventory (E&O is then added here).
NO_EO_NOTE = "E&O not computed: no inventory data"


class MetricViews(DemandViews):
    """The four metrics, their trend, FVA and ABC-XYZ segments."""

    @view(*METRIC_KINDS, consensus=True, disk=True)
    def metrics(self) -> MetricSummary:
        """The headline metrics: the data-only part (cached apart) with this plan's E&O."""
        from sop_tui.analytics.inventory import excess_obsolete
        from sop_tui.analytics.metrics import TOTAL

        out = self.metrics_without_eo
        d = self.data
        if "inventory" not in d.frames:
            return out
        # as ``summary`` does with a forward forecast given: the horizon starts at its first month
        t = excess_obsolete(d["inventory"], d["items"], self.forward_sku_forecast)
        total = t.loc[t["family"] == TOTAL]

        def value(col: str) -> float:
            return float(total[col].iloc[0]) if len(total) else float("nan")

        notes = tuple(n for n in out.notes if n != NO_EO_NOTE)
        return replace(out, eo_value=value("eo_value"), excess_value=value("excess_value"),
                       obsolete_value=value("obsolete_value"), notes=notes)

    @view(*METRIC_KINDS, consensus=True, disk=True)
    def metric_values(self) -> dict[str, Any]:
        """:attr:`metrics` as plain values (``MetricSummary.as_dict``: cycle as ``YYYY-MM``)."""
        return self.metrics.as_dict()

    @view(*HISTORY_KINDS, "production", disk=True)
    def metrics_without_eo(self) -> MetricSummary:
        """Accuracy, bias and attainment (data only); E&O is NaN here, see :attr:`metrics`."""
        from sop_tui.analytics.summary import summary

        d = self.data
        self.require(*HISTORY_KINDS)
        return summary(d["forecast_history"], d["actuals"], d["items"], self.cycle,
                       production=d.frames.get("production"), inventory=None, lag=self.lag)

    @view(*HISTORY_KINDS, disk=True)
    def family_accuracy(self) -> pd.DataFrame:
        from sop_tui.analytics.metrics import forecast_accuracy

        d = self.data
        self.require(*HISTORY_KINDS)
        return forecast_accuracy(d["forecast_history"], d["actuals"], d["items"], self.cycle,
                                 lag=self.lag)

    @view(*HISTORY_KINDS, disk=True)
    def item_accuracy(self) -> pd.DataFrame:
        from sop_tui.analytics.metrics import forecast_accuracy

        d = self.data
        self.require(*HISTORY_KINDS)
        return forecast_accuracy(d["forecast_history"], d["actuals"], d["items"], self.cycle,
                                 level="item", lag=self.lag)

    @view("production", disk=True)
    def attainment(self) -> pd.DataFrame:
        from sop_tui.analytics.metrics import plan_attainment

        self.require("production")
        return plan_attainment(self.data["production"], self.cycle)

    @view(*PLAN_KINDS, consensus=True, disk=True)
    def excess_obsolete(self) -> pd.DataFrame:
        from sop_tui.analytics.inventory import excess_obsolete

        d = self.data
        self.require("items", "actuals", "inventory")
        return excess_obsolete(d["inventory"], d["items"], self.forward_sku_forecast,
                               start=self.period)

    @view(*HISTORY_KINDS, "production", "inventory", disk=True)
    def trend(self) -> pd.DataFrame:
        from sop_tui.analytics.summary import metric_trend

        d = self.data
        self.require(*HISTORY_KINDS)
        return metric_trend(d["forecast_history"], d["actuals"], d["items"], self.cycle,
                            production=d.frames.get("production"),
                            inventory=self.inventory_snapshots, lag=self.lag)

    @view(*HISTORY_KINDS, "production", "inventory", disk=True)
    def trend_series(self) -> dict[str, list[float]]:
        """:attr:`trend` as plain values: each metric's values, oldest cycle first (NaN kept)."""
        t = self.trend
        return {str(m): [float(v) for v in t.loc[t["metric"] == m, "value"]]
                for m in t["metric"].unique()}

    @view(*HISTORY_KINDS, disk=True)
    def fva(self) -> pd.DataFrame:
        from sop_tui.analytics.fva import fva

        d = self.data
        self.require(*HISTORY_KINDS)
        return fva(d["forecast_history"], d["actuals"], d["items"], self.cycle, lag=self.lag)

    @view(*HISTORY_KINDS, disk=True)
    def fva_destroying(self) -> int:
        """How many steps of the FVA stair-step made the total worse than the step before
        (a plain count: ``sop maturity`` reads it back without pandas)."""
        frame = self.fva
        if frame is None or not len(frame):
            return 0
        total = frame[(frame["family"] == "TOTAL") & frame["fva_vs_prev"].notna()]
        return int((total["fva_vs_prev"] < 0).sum())

    @view("demand_inputs", "items", disk=True)
    def planned_families(self) -> list[str]:
        """:attr:`families`, kept on disk (plain strings)."""
        return list(self.families)

    @view("items", "actuals", disk=True)
    def segments(self) -> pd.DataFrame:
        from sop_tui.analytics.segments import segment_items

        self.require("items", "actuals")
        return segment_items(self.data["items"], self.data["actuals"], self.through)

    @view("items", "actuals")
    def sku_level_items(self) -> list[str]:
        """Items whose segment policy asks for a SKU-level statistical forecast (A/X)."""
        seg = self.segments
        return sorted(seg.loc[seg["planning_level"] == "sku_statistical", "sku"].astype(str))
