"""The cycle's numbers: planning data from the log, through the analytics, for one cycle.

This is the seam between the event log and the pure analytics. The CLI, the TUI panels and the
decision pack all read the same :class:`CyclePlanning`, so a number means the same thing
everywhere. Everything is computed lazily and cached per instance; nothing here imports
statsmodels unless a statistical forecast is asked for.

The demand plan of a cycle is its consensus: one chosen number per family and month. Families
the demand review has not agreed yet carry a seasonal-naive placeholder (last year's actual of
the same month), marked as not agreed wherever it is shown, so supply and finance can look
ahead before the consensus is complete without inventing a consensus.

Views that are costly and needed at launch (the dashboard's) are also kept on disk under
``cache_dir/planning`` (see :class:`ViewCache`), so a relaunch does not recompute them. Most of
them are a function of the imported data only (the 12-cycle trend, accuracy, FVA, segments):
their key is the cycle, the view, a version and the ``content_sha256`` of each import they read.
The views that follow the demand plan (E&O, the baseline supply plan and revenue gap) are keyed
additionally by the live consensus records, so an event that changes no consensus (an
assumption, an agenda item) leaves every cached view valid. The data itself is decoded kind by
kind, on first use, so a launch served from the cache decodes none of it. The
dashboard's views are plain Python values (:attr:`CyclePlanning.metric_values`,
:attr:`~CyclePlanning.trend_series`, :attr:`~CyclePlanning.baseline_totals`,
:attr:`~CyclePlanning.plan_status`), and this module imports pandas only when something is
computed, so a relaunch served from the cache does not even import pandas.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sop_tui.cycle.criteria import CriteriaFacts
from sop_tui.cycle.plan_history import (
    RecordedHistory,
    history_key,
    past_cycles,
    recorded_history,
    with_recorded_forecasts,
    with_recorded_plan,
)
from sop_tui.cycle.state import CycleState
from sop_tui.cycle.viewcache import ViewCache
from sop_tui.cycle.workspace import Workspace
from sop_tui.data.imports import Chain, chain_key, chain_keys, chains
from sop_tui.events.envelope import Event
from sop_tui.events.log import EventLog

# pandas (and data.store, which imports it) are imported where something is computed: reading
# the dashboard's views back from the cache needs neither.
if TYPE_CHECKING:
    import pandas as pd

    from sop_tui.analytics.forecast import ForecastResult
    from sop_tui.analytics.scenarios import Scenario, ScenarioInputs, ScenarioResult
    from sop_tui.analytics.summary import MetricSummary
    from sop_tui.analytics.supply import SupplyPlan
    from sop_tui.data.store import PlanningData

HORIZON = 18
Progress = Callable[[int, int], None]
T = TypeVar("T")

#: Bump when a cached view changes meaning (its computation or its type): old entries miss.
#: The source of the code that computes the views keys every entry too (:func:`code_digest`),
#: so an edited metric cannot be served from an entry computed before the edit.
VIEW_CACHE_VERSION = 1
#: The kinds that the demand plan, and so every consensus-keyed view, may read.
PLAN_KINDS = ("items", "actuals", "demand_inputs", "inventory", "routings", "capacity",
              "targets")
#: The note ``summary`` adds when it is given no inventory (E&O is then added by the planning).
_NO_EO_NOTE = "E&O not computed: no inventory data"

_log = logging.getLogger(__name__)


_code_digest: str | None = None


def code_digest() -> str:
    """A hash of the source of the code the views are computed by (analytics, this module,
    the data blocks), read once per process (~0.2 MB: about a millisecond)."""
    global _code_digest
    if _code_digest is None:
        pkg = Path(__file__).resolve().parent.parent
        files = sorted((pkg / "analytics").glob("*.py"))
        files += [Path(__file__).resolve(), pkg / "data" / "blocks.py", pkg / "data" / "schema.py"]
        h = hashlib.sha256()
        for f in files:
            h.update(f.name.encode())
            try:
                h.update(f.read_bytes())
            except OSError:  # e.g. a zipped install: the version stamp still keys the entry
                h.update(b"?")
        _code_digest = h.hexdigest()
    return _code_digest


def load_kind(log: EventLog, chain: Chain) -> pd.DataFrame:
    """The frame a kind's chain of imports holds (see :func:`sop_tui.data.store.load_chain`)."""
    from sop_tui.data.store import load_chain

    return load_chain(log, chain)


def require(data: PlanningData, *kinds: str) -> None:
    """Raise ``MissingData`` naming every kind in ``kinds`` that is not there."""
    from sop_tui.data.store import require as check

    check(data, *kinds)


class _LazyFrames(Mapping[str, "pd.DataFrame"]):
    """The frames of a cycle's imports, each decoded on first use (thread-safe).

    With ``disk``, a decoded frame is also kept there, keyed by its chain of imports (whose
    blocks the hash chain covers) and the decoding code: reading it back is 10-20x quicker
    than decoding the gzip'd CSV again (the demo's 275k-row forecast history: ~0.07 s against
    ~0.5 s). ``view`` turns a kind's data into what the cycle plans with (``cycle_view``, and
    the recorded history laid over the imported one).
    """

    def __init__(self, log: EventLog, imports: Mapping[str, Chain],
                 disk: ViewCache | None = None,
                 view: Callable[[str, pd.DataFrame], pd.DataFrame] | None = None) -> None:
        self._log = log
        self._imports = imports
        self._disk = disk
        self._view = view
        self._frames: dict[str, pd.DataFrame] = {}
        self._raw: dict[str, pd.DataFrame] = {}
        self._lock = threading.Lock()

    def __getitem__(self, kind: str) -> pd.DataFrame:
        chain = self._imports[kind]  # KeyError for a kind not imported, as a dict would
        with self._lock:
            frame = self._frames.get(kind)
            if frame is None:
                raw = self._raw_locked(kind, chain)
                frame = self._frames[kind] = raw if self._view is None else self._view(kind, raw)
            return frame

    def raw(self, kind: str) -> pd.DataFrame:
        """The kind's data as imported (every inventory snapshot, every month of inputs)."""
        chain = self._imports[kind]
        with self._lock:
            return self._raw_locked(kind, chain)

    def _raw_locked(self, kind: str, chain: Chain) -> pd.DataFrame:
        frame = self._raw.get(kind)
        if frame is None:
            frame = self._raw[kind] = self._read(kind, chain)
        return frame

    def _read(self, kind: str, chain: Chain) -> pd.DataFrame:
        if not chain:
            from sop_tui.data.reader import empty_frame

            return empty_frame(kind)
        if self._disk is None:
            return load_kind(self._log, chain)
        key = f"{chain_key(chain)}:{code_digest()}"
        hit, frame = self._disk.get(kind, "frame", key)
        if not hit:
            frame = load_kind(self._log, chain)
            self._disk.put(kind, "frame", key, frame)
        return frame  # type: ignore[no-any-return]

    def __contains__(self, kind: object) -> bool:
        # Mapping's default would decode the frame to answer
        return kind in self._imports

    def __iter__(self) -> Iterator[str]:
        return iter(self._imports)

    def __len__(self) -> int:
        return len(self._imports)


#: The views kept on disk: name -> (the kinds they read, whether the consensus keys them).
PERSISTENT: dict[str, tuple[tuple[str, ...], bool]] = {}


def _persistent(*kinds: str, consensus: bool = False
                ) -> Callable[[Callable[[CyclePlanning], T]], cached_property[T]]:
    """A cached view that is also kept in the planning's :class:`ViewCache`.

    Args:
        kinds: the imports the view reads (their content hashes key the entry).
        consensus: the view follows the demand plan: the live consensus records key it too.
    """

    def wrap(fn: Callable[[CyclePlanning], T]) -> cached_property[T]:
        PERSISTENT[fn.__name__] = (kinds, consensus)

        def view(self: CyclePlanning) -> T:
            return self._cached(fn.__name__, kinds, consensus, lambda: fn(self))

        view.__doc__ = fn.__doc__
        view.__name__ = fn.__name__
        return cached_property(view)

    return wrap


@dataclass(frozen=True)
class DemandPlan:
    """The cycle's demand plan: ``frame`` [family, month, units] over the horizon."""

    frame: pd.DataFrame
    agreed: tuple[str, ...]
    placeholder: tuple[str, ...]


@dataclass(frozen=True)
class PlanOfRecord:
    """The plan a cycle stands on, and on whose word.

    Attributes:
        scenario: its name (``"consensus"`` for the unadjusted demand plan).
        basis: ``approved`` / ``overridden`` (the executive outcome), ``recommended`` (the
            pre-S&OP recommendation, not yet decided) or ``consensus`` (nothing chosen yet).
        by: who approved or overrode it ("" otherwise).
        seq: the event that made it the plan (None for the consensus by default).
        gap_closed_by_actions: an override's revenue gap its named actions close (else None).
        spec: the recorded scenario (``Scenario.to_dict``), None for the consensus.
    """

    scenario: str
    basis: str
    by: str
    seq: int | None
    gap_closed_by_actions: float | None = None
    spec: dict[str, Any] | None = None


class CyclePlanning:
    """Computed views of one cycle (lazy, cached on the instance).

    Args:
        ws: the workspace (log, state).
        cycle: the cycle (default: the current one).
        cache_dir: where statistical forecasts are cached (``None``: not cached).
    """

    def __init__(self, ws: Workspace, cycle: str | None = None, *,
                 cache_dir: Path | None = None, lag: int = 1) -> None:
        self.ws = ws
        self.cycle = cycle or ws.current_cycle()
        # a store on read-only media (or opened immutable) gets no file written to it
        self.cache_dir = None if ws.log.media_read_only else cache_dir
        self.views = ViewCache(self.cache_dir / "planning") if self.cache_dir is not None else None
        #: the lag past forecasts are measured at (the forecast for T made in cycle T-lag)
        self.lag = lag

    #: Views that depend on the log's records (consensus, scenarios), not only on the data.
    EVENT_DEPENDENT = ("state", "demand_plan", "forward_sku_forecast", "metrics",
                       "excess_obsolete", "scenario_inputs", "load", "supply",
                       "baseline_result", "baseline_totals", "capacity_gaps",
                       "metric_values", "plan_status", "eo_by_family", "phase_out_stock",
                       "plan_of_record", "plan_result", "plan_totals")

    def refresh(self) -> CyclePlanning:
        """Forget the views that depend on recorded events; keep the data-only ones."""
        for name in self.EVENT_DEPENDENT:
            self.__dict__.pop(name, None)
        return self

    # -- inputs ------------------------------------------------------------------------------

    @cached_property
    def chains(self) -> dict[str, Chain]:
        """Each kind's chain of imports as the cycle reads them (events: nothing is decoded).

        An open cycle reads every import so far; a closed one, those it was closed with
        (``Workspace.data_until``). This is what the pack names as the data the numbers used.
        """
        return chains(self.ws.state().imports, self.ws.data_until(self.cycle))

    @cached_property
    def imports(self) -> dict[str, Event]:
        """The newest import of each kind the cycle reads (the head of each chain)."""
        return {k: c[-1] for k, c in self.chains.items()}

    @cached_property
    def data_keys(self) -> dict[str, str]:
        """What each kind's frame is read from, hashed: the imports, and for the forecast
        history and production the plans recorded in earlier cycles too (with the lag)."""
        keys = chain_keys(self.chains)
        recorded = history_key(self.ws.state(), self.cycle)
        for kind in ("forecast_history", "production"):
            keys[kind] = f"{keys.get(kind)}+{recorded}+lag{self.lag}"
        return keys

    @cached_property
    def data(self) -> PlanningData:
        """The planning data as the cycle reads it; each kind is decoded when first read."""
        from sop_tui.data.store import PlanningData

        disk = ViewCache(self.cache_dir / "frames") if self.cache_dir is not None else None
        chains_ = dict(self.chains)
        if "forecast_history" not in chains_ and self.recorded_cycles:
            chains_["forecast_history"] = ()  # the recorded history alone
        frames = _LazyFrames(self.ws.log, chains_, disk, self._cycle_view)
        return PlanningData(self.cycle, frames, self.imports, self.chains)

    @cached_property
    def recorded_cycles(self) -> list[str]:
        """The cycles before this one whose records are part of its forecast history."""
        return [cs.cycle for cs in past_cycles(self.ws.state(), self.cycle)]

    @cached_property
    def recorded(self) -> RecordedHistory:
        """What the earlier cycles recorded: forecasts per step, approved production."""
        return recorded_history(self.ws, self.cycle)

    def _cycle_view(self, kind: str, frame: pd.DataFrame) -> pd.DataFrame:
        from sop_tui.data.store import cycle_view

        if kind == "forecast_history":
            return with_recorded_forecasts(frame if len(self.chains.get(kind, ())) else None,
                                           self.recorded)  # type: ignore[return-value]
        if kind == "production":
            return with_recorded_plan(frame, self.recorded, self.lag)  # type: ignore[return-value]
        return cycle_view(frame, kind, self.cycle)

    @cached_property
    def inventory_snapshots(self) -> pd.DataFrame | None:
        """Every stock count the cycle reads (one per SKU and ``as_of``): the E&O trend
        measures each past cycle against its own count."""
        if "inventory" not in self.chains:
            return None
        return self.data.frames.raw("inventory")  # type: ignore[attr-defined,no-any-return]

    def consensus_key(self) -> list[tuple[str, str, list[str]]]:
        """What the plan-dependent views and the pack's parts are computed from: each family's
        live consensus record, by its event's id (new with every choice; the state's events
        carry no hashes), with the ids of the amendments applied to it."""
        return sorted((fam, rec.event.event_id, [a.event_id for a in rec.amendments])
                      for fam, rec in self.state.consensus.items())

    def view_key(self, view: str, kinds: tuple[str, ...], consensus: bool) -> str:
        """The cache key of ``view``: what it is computed from, hashed."""
        parts: dict[str, Any] = {
            "version": VIEW_CACHE_VERSION,
            "code": code_digest(),
            "cycle": self.cycle,
            "view": view,
            "data": {k: self.data_keys.get(k) for k in kinds},
            "lag": self.lag,
        }
        if consensus:
            parts["consensus"] = self.consensus_key()
        return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()

    def is_cached(self, view: str) -> bool:
        """Whether ``view`` would be read back, not computed (on this instance or on disk)."""
        if view in self.__dict__:
            return True
        if self.views is None:
            return False
        kinds, consensus = PERSISTENT[view]
        hit, _ = self.views.get(self.cycle, view, self.view_key(view, kinds, consensus))
        return hit

    def _cached(self, view: str, kinds: tuple[str, ...], consensus: bool,
                compute: Callable[[], T]) -> T:
        if self.views is None:
            return compute()
        key = self.view_key(view, kinds, consensus)
        hit, value = self.views.get(self.cycle, view, key)
        if hit:
            return value  # type: ignore[no-any-return]
        value = compute()
        self.views.put(self.cycle, view, key, value)
        return value

    @cached_property
    def state(self) -> CycleState:
        return self.ws.state().cycles[self.cycle]

    @property
    def period(self) -> pd.Period:
        import pandas as pd

        return pd.Period(self.cycle, freq="M")

    @property
    def through(self) -> pd.Period:
        """The last complete month of actuals this cycle is run with."""
        return self.period - 1

    @cached_property
    def horizon(self) -> pd.PeriodIndex:
        import pandas as pd

        return pd.period_range(self.period, periods=HORIZON, freq="M")

    @cached_property
    def families(self) -> list[str]:
        """The families this cycle plans: those with demand inputs, else all in items."""
        if "demand_inputs" in self.data.frames:
            return sorted(set(self.data["demand_inputs"]["family"].astype(str)))
        require(self.data, "items")
        return sorted(set(self.data["items"]["family"].astype(str)))

    # -- demand ------------------------------------------------------------------------------

    @_persistent(*PLAN_KINDS, consensus=True)
    def demand_plan(self) -> DemandPlan:
        """Consensus where agreed, a seasonal-naive placeholder elsewhere."""
        import pandas as pd

        require(self.data, "items", "actuals")
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
        # month ordinals, not Period objects: the same arithmetic, ~50x less time per cell
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

    def statistical(self, *, level: str = "family", skus: list[str] | None = None,
                    progress: Progress | None = None, workers: int | None = None
                    ) -> ForecastResult:
        """The statistical forecast (family level, or SKU level for ``skus``)."""
        from sop_tui.analytics.forecast import family_history, forecast_many, sku_history

        require(self.data, "items", "actuals")
        if level == "family":
            hist = family_history(self.data["actuals"], self.data["items"], self.through)
        else:
            if skus is None:
                skus = self.sku_level_items
            hist = sku_history(self.data["actuals"], skus, self.through)
        return forecast_many(hist, HORIZON, progress=progress, cache_dir=self.cache_dir,
                             workers=workers)

    @cached_property
    def sku_level_items(self) -> list[str]:
        """Items whose segment policy asks for a SKU-level statistical forecast (A/X)."""
        seg = self.segments
        return sorted(seg.loc[seg["planning_level"] == "sku_statistical", "sku"].astype(str))

    # -- metrics -----------------------------------------------------------------------------

    @cached_property
    def forward_sku_forecast(self) -> pd.DataFrame:
        """Next 12 months per SKU: the demand plan split by each SKU's trailing share."""
        from sop_tui.analytics.disaggregation import sku_forward_forecast_from_family

        plan = self.demand_plan.frame
        first12 = plan[plan["month"] < self.period + 12]
        return sku_forward_forecast_from_family(first12, self.data["items"],
                                                self.data["actuals"], self.through)

    @_persistent("items", "actuals", "forecast_history", "production", "inventory",
                 *PLAN_KINDS, consensus=True)
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

        notes = tuple(n for n in out.notes if n != _NO_EO_NOTE)
        return replace(out, eo_value=value("eo_value"), excess_value=value("excess_value"),
                       obsolete_value=value("obsolete_value"), notes=notes)

    @_persistent("items", "actuals", "forecast_history", "production", "inventory",
                 *PLAN_KINDS, consensus=True)
    def metric_values(self) -> dict[str, Any]:
        """:attr:`metrics` as plain values (``MetricSummary.as_dict``: cycle as ``YYYY-MM``)."""
        return self.metrics.as_dict()

    @_persistent("items", "actuals", "forecast_history", "production")
    def metrics_without_eo(self) -> MetricSummary:
        """Accuracy, bias and attainment (data only); E&O is NaN here, see :attr:`metrics`."""
        from sop_tui.analytics.summary import summary

        d = self.data
        require(d, "items", "actuals", "forecast_history")
        return summary(d["forecast_history"], d["actuals"], d["items"], self.cycle,
                       production=d.frames.get("production"), inventory=None, lag=self.lag)

    @_persistent("items", "actuals", "forecast_history")
    def family_accuracy(self) -> pd.DataFrame:
        from sop_tui.analytics.metrics import forecast_accuracy

        d = self.data
        require(d, "items", "actuals", "forecast_history")
        return forecast_accuracy(d["forecast_history"], d["actuals"], d["items"], self.cycle,
                                 lag=self.lag)

    @_persistent("items", "actuals", "forecast_history")
    def item_accuracy(self) -> pd.DataFrame:
        from sop_tui.analytics.metrics import forecast_accuracy

        d = self.data
        require(d, "items", "actuals", "forecast_history")
        return forecast_accuracy(d["forecast_history"], d["actuals"], d["items"], self.cycle,
                                 level="item", lag=self.lag)

    @_persistent("production")
    def attainment(self) -> pd.DataFrame:
        from sop_tui.analytics.metrics import plan_attainment

        require(self.data, "production")
        return plan_attainment(self.data["production"], self.cycle)

    @_persistent(*PLAN_KINDS, consensus=True)
    def excess_obsolete(self) -> pd.DataFrame:
        from sop_tui.analytics.inventory import excess_obsolete

        d = self.data
        require(d, "items", "actuals", "inventory")
        return excess_obsolete(d["inventory"], d["items"], self.forward_sku_forecast,
                               start=self.period)

    # -- the agenda items' views (sop_tui.cycle.agenda_views) ----------------------------------

    @_persistent("production")
    def attainment_by_family(self) -> pd.DataFrame:
        """Plan attainment per family, last month and trailing 12, worst last month first."""
        from sop_tui.cycle import agenda_views

        return agenda_views.attainment_by_family(self)

    @_persistent(*PLAN_KINDS, consensus=True)
    def eo_by_family(self) -> pd.DataFrame:
        """E&O per family, the families carrying most first, with their share; TOTAL last."""
        from sop_tui.cycle import agenda_views

        return agenda_views.eo_by_family(self)

    @_persistent(*PLAN_KINDS, consensus=True)
    def phase_out_stock(self) -> pd.DataFrame:
        """Phase-out items with on-hand units and dollars, and what the plan leaves over."""
        from sop_tui.cycle import agenda_views

        return agenda_views.phase_out_stock(self)

    @_persistent("items", "actuals")
    def segment_changes(self) -> pd.DataFrame:
        """Items whose ABC-XYZ segment moved since the last cycle (sku, from, to, ...)."""
        from sop_tui.cycle import agenda_views

        return agenda_views.segment_changes(self)

    @_persistent("items", "actuals", "forecast_history", "production", "inventory")
    def trend(self) -> pd.DataFrame:
        from sop_tui.analytics.summary import metric_trend

        d = self.data
        require(d, "items", "actuals", "forecast_history")
        return metric_trend(d["forecast_history"], d["actuals"], d["items"], self.cycle,
                            production=d.frames.get("production"),
                            inventory=self.inventory_snapshots, lag=self.lag)

    @_persistent("items", "actuals", "forecast_history", "production", "inventory")
    def trend_series(self) -> dict[str, list[float]]:
        """:attr:`trend` as plain values: each metric's values, oldest cycle first (NaN kept)."""
        t = self.trend
        return {str(m): [float(v) for v in t.loc[t["metric"] == m, "value"]]
                for m in t["metric"].unique()}

    @_persistent("items", "actuals", "forecast_history")
    def fva(self) -> pd.DataFrame:
        from sop_tui.analytics.fva import fva

        d = self.data
        require(d, "items", "actuals", "forecast_history")
        return fva(d["forecast_history"], d["actuals"], d["items"], self.cycle, lag=self.lag)

    @_persistent("items", "actuals")
    def segments(self) -> pd.DataFrame:
        from sop_tui.analytics.segments import segment_items

        require(self.data, "items", "actuals")
        return segment_items(self.data["items"], self.data["actuals"], self.through)

    # -- supply, dollars, scenarios ------------------------------------------------------------

    @cached_property
    def prices(self) -> pd.DataFrame:
        from sop_tui.analytics.finance import family_prices

        require(self.data, "items", "actuals")
        return family_prices(self.data["items"], self.data["actuals"], self.through)

    @cached_property
    def opening_inventory(self) -> pd.DataFrame | None:
        if "inventory" not in self.data.frames:
            return None
        inv = self.data["inventory"]
        fam = inv["sku"].map(self.data["items"].set_index("sku")["family"])
        out = inv.assign(family=fam).groupby("family", as_index=False)["on_hand_units"].sum()
        return out.rename(columns={"on_hand_units": "units"})

    @cached_property
    def scenario_inputs(self) -> ScenarioInputs:
        from sop_tui.analytics.scenarios import ScenarioInputs

        d = self.data
        require(d, "items", "actuals", "routings", "capacity")
        return ScenarioInputs(
            demand=self.demand_plan.frame,
            routings=d["routings"],
            capacity=d["capacity"],
            prices=self.prices,
            targets=d.frames.get("targets"),
            opening_inventory=self.opening_inventory,
        )

    @cached_property
    def load(self) -> pd.DataFrame:
        """Capacity against the unconstrained load of the demand plan, by resource and month."""
        from sop_tui.analytics.supply import unconstrained_load

        si = self.scenario_inputs
        return unconstrained_load(si.demand, si.routings, si.capacity)

    @cached_property
    def supply(self) -> SupplyPlan:
        return self.evaluate(None).supply

    def evaluate(self, scenario: Scenario | None) -> ScenarioResult:
        """One scenario (default: the consensus baseline), supply plan and dollars.

        Kept in the view cache like the baseline, keyed by the scenario as well: the plan of
        record the executive meeting shows is then read back by the pack, not solved again.
        """
        if scenario is None:
            return self.baseline_result
        spec = json.dumps(scenario.to_dict(), sort_keys=True)
        view = f"scenario-{hashlib.sha256(spec.encode()).hexdigest()[:20]}"
        return self._cached(view, PLAN_KINDS, True, lambda: self._evaluate(scenario))

    def _evaluate(self, scenario: Scenario | None) -> ScenarioResult:
        from sop_tui.analytics.scenarios import baseline, evaluate

        return evaluate(scenario or baseline(), self.scenario_inputs)

    @_persistent(*PLAN_KINDS, consensus=True)
    def baseline_result(self) -> ScenarioResult:
        return self._evaluate(None)

    @_persistent(*PLAN_KINDS, consensus=True)
    def baseline_totals(self) -> dict[str, float]:
        """The baseline's totals as plain floats (reading them back needs no scipy)."""
        return {str(k): float(v) for k, v in self.baseline_result.totals.items()}

    @_persistent(*PLAN_KINDS, consensus=True)
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

    def recorded_scenarios(self) -> list[Scenario]:
        from sop_tui.analytics.scenarios import Scenario

        return [Scenario.from_dict(r.payload["scenario"])
                for r in self.state.scenarios.values()]

    @cached_property
    def plan_of_record(self) -> PlanOfRecord:
        """Which plan this cycle stands on: the executives' outcome, else the pre-S&OP
        recommendation, else the consensus (the decision pack's rule too)."""
        st = self.state
        outcome, rec = st.outcome, st.recommendation
        if outcome is not None:
            p = outcome.payload
            approved = outcome.event.type == "PlanApproved"
            return PlanOfRecord(
                scenario=str(p["scenario"]), basis="approved" if approved else "overridden",
                by=str(p["approved_by"] if approved else p["overridden_by"]), seq=outcome.seq,
                gap_closed_by_actions=None if approved else float(p["revenue_gap_closed"]),
                spec=self._scenario_spec(str(p["scenario"])))
        if rec is not None:
            name = str(rec.payload["scenario"])
            return PlanOfRecord(scenario=name, basis="recommended", by="", seq=rec.seq,
                                spec=self._scenario_spec(name))
        return PlanOfRecord(scenario="consensus", basis="consensus", by="", seq=None)

    def _scenario_spec(self, name: str) -> dict[str, Any] | None:
        record = self.state.scenarios.get(name)
        return dict(record.payload["scenario"]) if record is not None else None

    @cached_property
    def plan_result(self) -> ScenarioResult:
        """The plan of record evaluated: its supply plan, dollars and gap (see
        :attr:`plan_of_record`); the consensus baseline until a scenario is chosen."""
        from sop_tui.analytics.scenarios import Scenario

        spec = self.plan_of_record.spec
        return self.evaluate(Scenario.from_dict(spec) if spec is not None else None)

    @cached_property
    def plan_totals(self) -> dict[str, float]:
        """:attr:`plan_result`'s totals as plain floats (the dashboard's revenue gap), kept in
        the view cache with the scenario in its key, so reading them back needs no pandas."""
        spec = self.plan_of_record.spec
        if spec is None:
            return self.baseline_totals
        digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:20]
        return self._cached(f"plan-totals-{digest}", PLAN_KINDS, True, lambda: {
            str(k): float(v) for k, v in self.plan_result.totals.items()})

    def compare(self) -> pd.DataFrame:
        """The baseline and every recorded scenario, side by side."""
        from sop_tui.analytics.scenarios import compare, evaluate_all

        return compare(evaluate_all(self.recorded_scenarios(), self.scenario_inputs))

    @cached_property
    def capacity_gaps(self) -> list[tuple[str, str]]:
        gaps = self.load[self.load["gap_hours"] > 1e-6]
        return [(str(r), str(m)) for r, m in zip(gaps["resource"], gaps["month"], strict=True)]

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
        from sop_tui.cycle.criteria import missing

        return missing(criteria, self.state, self.criteria_facts(meeting))


def revenue_summary(result: ScenarioResult) -> dict[str, Any]:
    """Revenue, target and gap of an evaluated scenario, JSON-ready."""
    t = result.totals
    return {k: float(t[k]) for k in ("revenue", "revenue_target", "gap_to_target", "margin")}
