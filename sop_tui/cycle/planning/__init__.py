"""The cycle's numbers: planning data from the log, through the analytics, for one cycle.

This is the seam between the event log and the pure analytics. The CLI, the TUI panels and the
decision pack all read the same :class:`CyclePlanning`, so a number means the same thing
everywhere. Every view is computed on first use and kept on the instance; those the dashboard
and the pack need at launch are also kept in the store's cache, keyed by what they are computed
from (see :mod:`.views`), so a relaunch reads them back — without importing pandas for the
dashboard's plain-valued views.

The package, by module:

- :mod:`.views` — the ``view`` decorator: what a view depends on, and whether it is on disk;
- :mod:`.base` — the inputs (imports, data, state, calendar) and the view cache;
- :mod:`.demand` — the demand plan (consensus, placeholders) and what follows it alone;
- :mod:`.metrics` — accuracy, bias, attainment, E&O, trend, FVA, segments;
- :mod:`.supply` — load, the constrained plan, dollars, scenarios, the plan of record;
- this module — :class:`CyclePlanning`, those together, with the forecast, the agenda
  items' views (computed by :mod:`sop_tui.cycle.agenda_views`) and the exit criteria.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sop_tui.cache import cache_key
from sop_tui.cycle.criteria import CriteriaFacts, missing
from sop_tui.cycle.planning.base import HORIZON
from sop_tui.cycle.planning.demand import PLAN_KINDS, DemandPlan
from sop_tui.cycle.planning.metrics import MetricViews
from sop_tui.cycle.planning.supply import PlanOfRecord, SupplyViews, revenue_summary
from sop_tui.cycle.planning.views import view

if TYPE_CHECKING:
    import pandas as pd

    from sop_tui.analytics.forecast_frames import ForecastResult
    from sop_tui.analytics.parallel import ChunkRunner

__all__ = ["HORIZON", "PLAN_KINDS", "CyclePlanning", "DemandPlan", "PlanOfRecord", "Progress",
           "revenue_summary"]

Progress = Callable[[int, int], None]


class CyclePlanning(MetricViews, SupplyViews):
    """Computed views of one cycle (lazy, cached on the instance and, given ``cache_dir``,
    in the store's cache).

    Args:
        ws: the workspace (log, state).
        cycle: the cycle (default: the current one).
        cache_dir: the store's cache folder (``None``: nothing is kept between instances).
    """

    def statistical(self, *, level: str = "family", skus: list[str] | None = None,
                    progress: Progress | None = None, runner: ChunkRunner | None = None
                    ) -> ForecastResult:
        """The statistical forecast (family level, or SKU level for ``skus``).

        Kept in the store's cache (namespace ``forecast``) keyed by the series, the horizon and
        the method's version, so an unchanged rerun is read back; ``runner`` is where the
        series are forecast (see :func:`sop_tui.executors.open_runner`; ``None``: here).
        """
        # pandas is imported only when a forecast is asked for (not at the app's first paint)
        from sop_tui.analytics.forecast_frames import (
            METHOD_VERSION,
            family_history,
            input_hash,
            sku_history,
        )

        self.require("items", "actuals")
        if level == "family":
            hist = family_history(self.data["actuals"], self.data["items"], self.through)
        else:
            if skus is None:
                skus = self.sku_level_items
            hist = sku_history(self.data["actuals"], skus, self.through)
        key = cache_key("forecast", {"series": input_hash(hist, HORIZON)}, schema=METHOD_VERSION)
        hit, value = self.cache.get("forecast", key)
        if hit:
            if progress is not None:
                n = int(value.models.shape[0])
                progress(n, n)
            return value  # type: ignore[no-any-return]
        # statsmodels and scipy.stats only on a cache miss: their import is most of a cached
        # run's time (benchmarks/README.md, "## Forecast")
        from sop_tui.analytics.forecast import forecast_many

        result = forecast_many(hist, HORIZON, progress=progress, runner=runner)
        self.cache.put("forecast", key, result)
        return result

    # -- the agenda items' views (agenda_views imports pandas: imported when computed) -------

    @view("production", disk=True)
    def attainment_by_family(self) -> pd.DataFrame:
        """Plan attainment per family, last month and trailing 12, worst last month first."""
        from sop_tui.cycle import agenda_views

        return agenda_views.attainment_by_family(self)

    @view(*PLAN_KINDS, consensus=True, disk=True)
    def eo_by_family(self) -> pd.DataFrame:
        """E&O per family, the families carrying most first, with their share; TOTAL last."""
        from sop_tui.cycle import agenda_views

        return agenda_views.eo_by_family(self)

    @view(*PLAN_KINDS, consensus=True, disk=True)
    def phase_out_stock(self) -> pd.DataFrame:
        """Phase-out items with on-hand units and dollars, and what the plan leaves over."""
        from sop_tui.cycle import agenda_views

        return agenda_views.phase_out_stock(self)

    @view("items", "actuals", disk=True)
    def segment_changes(self) -> pd.DataFrame:
        """Items whose ABC-XYZ segment moved since the last cycle (sku, from, to, ...)."""
        from sop_tui.cycle import agenda_views

        return agenda_views.segment_changes(self)

    # -- exit criteria -----------------------------------------------------------------------

    def criteria_facts(self, meeting: str) -> CriteriaFacts:
        """What the meeting's exit criteria must cover, from this cycle's data."""
        d = self.data
        lifecycle: list[str] = []
        if meeting == "portfolio" and "items" in d.frames:
            items = d["items"]
            lifecycle = sorted(items.loc[items["lifecycle"].isin(["new", "phase_out"]), "sku"])
        families: list[str] = []
        horizon: list[str] = []
        if meeting == "demand" and "demand_inputs" in d.frames:
            families = self.families
            horizon = sorted(set(d["demand_inputs"]["month"].astype(str)))
        gaps: list[tuple[str, str]] = []
        if meeting == "supply":
            gaps = self.capacity_gaps
        return CriteriaFacts(families=families, lifecycle_items=lifecycle,
                             capacity_gaps=gaps, horizon=horizon)

    def missing_for(self, meeting: str, criteria: tuple[str, ...]) -> list[str]:
        """The exit criteria of ``meeting`` that do not hold yet."""
        return missing(criteria, self.state, self.criteria_facts(meeting))
