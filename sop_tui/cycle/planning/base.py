"""The planning's inputs (imports, data, state, calendar) and its view cache.

:class:`PlanningBase` is what every group of views builds on: each kind's chain of imports as
the cycle reads it, the frames read from them on first use (with the plans earlier cycles
recorded laid over the imported history), the cycle's folded state, its months, and the
machinery that keys, stores and drops the views that :func:`~.views.view` declares.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self, TypeVar

from sop_tui.cache import DiskCache, cache_key
from sop_tui.cycle.plan_history import (
    RecordedHistory,
    history_key,
    past_cycles,
    recorded_history,
    with_recorded_forecasts,
    with_recorded_plan,
)
from sop_tui.cycle.planning.views import ViewSpec, view, views_of
from sop_tui.cycle.state import CycleState
from sop_tui.cycle.workspace import Workspace
from sop_tui.data.frames import LazyFrames
from sop_tui.data.imports import Chain, chain_keys, chains
from sop_tui.data.schema import KINDS
from sop_tui.events.envelope import Event

if TYPE_CHECKING:
    import pandas as pd

    from sop_tui.data.store import PlanningData

#: The kinds whose frames carry what earlier cycles recorded (their keys follow it too).
RECORDED_KINDS = ("forecast_history", "production")

HORIZON = 18
T = TypeVar("T")


class PlanningBase:
    """The inputs of one cycle's views, and their cache.

    Args:
        ws: the workspace (log, state).
        cycle: the cycle (default: the current one).
        cache_dir: the store's cache folder (``None``: nothing is kept between instances).
        lag: the lag past forecasts are measured at (the forecast for T made in cycle T-lag).
    """

    def __init__(self, ws: Workspace, cycle: str | None = None, *,
                 cache_dir: Path | None = None, lag: int = 1) -> None:
        self.ws = ws
        self.cycle = cycle or ws.current_cycle()
        # a store on read-only media (or opened immutable) gets no file written to it; a log
        # opened read-only (sop review, sop verify) reads what the writers cached, adds nothing
        self.cache_dir = None if ws.log.media_read_only else cache_dir
        self.cache = DiskCache(self.cache_dir, writable=not ws.log.read_only)
        self.lag = lag

    # -- the cache ---------------------------------------------------------------------------

    def refresh(self) -> Self:
        """Forget the views a new event may have changed; keep the others.

        Those that follow the log's records go; those that read only planning data stay,
        unless the data of a kind they read changed (an import, or a plan recorded in an
        earlier cycle that the forecast history or production carries).
        """
        before = self.__dict__.get("data_keys")
        views = views_of(type(self))
        for name, spec in views.items():
            if spec.follows_records:
                self.__dict__.pop(name, None)
        if before is not None:
            after = self.data_keys
            changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
            for name, spec in views.items():
                if changed.intersection(spec.kinds):
                    self.__dict__.pop(name, None)
        return self

    def consensus_key(self) -> list[tuple[str, str, list[str]]]:
        """What the plan-dependent views and the pack's parts are computed from: each family's
        live consensus record, by its event's id (new with every choice), with the ids of the
        amendments applied to it."""
        return sorted((fam, rec.event.event_id, [a.event_id for a in rec.amendments])
                      for fam, rec in self.state.consensus.items())

    def view_key(self, name: str, extra: Any = None) -> str:
        """The cache key of the view ``name`` (see :meth:`key_of`)."""
        return self.key_of(views_of(type(self))[name], extra)

    def key_of(self, spec: ViewSpec, extra: Any = None) -> str:
        """The cache key of a view: the cycle, the lag, what each kind it reads is read from
        (:attr:`data_keys`), the consensus records when it follows them, and ``extra`` (a
        scenario, say)."""
        inputs: dict[str, Any] = {
            "cycle": self.cycle,
            "lag": self.lag,
            "data": {k: self.data_keys.get(k) for k in spec.kinds},
            "extra": extra,
        }
        if spec.consensus:
            inputs["consensus"] = self.consensus_key()
        return cache_key(spec.namespace, inputs, schema=spec.schema)

    def is_cached(self, name: str) -> bool:
        """Whether the view ``name`` would be read back, not computed."""
        if name in self.__dict__:
            return True
        spec = views_of(type(self))[name]
        return spec.disk and self.cache.has(spec.namespace, self.key_of(spec))

    def cached(self, spec: ViewSpec, compute: Callable[[], T], extra: Any = None) -> T:
        """The view of ``spec`` from the disk cache, or computed and kept there."""
        if self.cache.root is None:
            return compute()
        return self.cache.get_or_compute(spec.namespace, self.key_of(spec, extra), compute)

    # -- inputs ------------------------------------------------------------------------------

    @view(records=True)
    def chains(self) -> dict[str, Chain]:
        """Each kind's chain of imports as the cycle reads them (events: nothing is decoded).

        An open cycle reads every import so far; a closed one, those it was closed with
        (``Workspace.data_until``). This is what the pack names as the data the numbers used.
        """
        return chains(self.ws.state().imports, self.ws.data_until(self.cycle))

    @view(records=True)
    def imports(self) -> dict[str, Event]:
        """The newest import of each kind the cycle reads (the head of each chain)."""
        return {k: c[-1] for k, c in self.chains.items()}

    @view(records=True)
    def data_keys(self) -> dict[str, str]:
        """What each kind's frame is read from, hashed: the imports, and for the forecast
        history and production the plans recorded in earlier cycles too (with the lag)."""
        keys = chain_keys(self.chains)
        recorded = history_key(self.ws.state(), self.cycle)
        for kind in RECORDED_KINDS:
            keys[kind] = f"{keys.get(kind)}+{recorded}+lag{self.lag}"
        return keys

    @view(*KINDS)
    def data(self) -> PlanningData:
        """The planning data as the cycle reads it; each kind is read when first used."""
        # data.store imports pandas: a launch served from the cache never builds this
        from sop_tui.data.store import PlanningData

        self.data_keys  # noqa: B018 - what refresh() compares to find the kinds that changed
        kind_chains = dict(self.chains)
        if "forecast_history" not in kind_chains and self.recorded_cycles:
            kind_chains["forecast_history"] = ()  # the recorded history alone
        frames = LazyFrames(self.ws.log, kind_chains, self.cache, self._cycle_view)
        return PlanningData(self.cycle, frames, self.imports, self.chains)

    def require(self, *kinds: str) -> None:
        """Raise ``MissingData`` naming every kind in ``kinds`` that the data lacks."""
        from sop_tui.data.store import MissingData  # as in data(): pandas

        missing = self.data.missing(*kinds)
        if missing:
            raise MissingData(missing)

    @view(records=True)
    def recorded_cycles(self) -> list[str]:
        """The cycles before this one whose records are part of its forecast history."""
        return [cs.cycle for cs in past_cycles(self.ws.state(), self.cycle)]

    @view(records=True)
    def recorded(self) -> RecordedHistory:
        """What the earlier cycles recorded: forecasts per step, approved production."""
        return recorded_history(self.ws, self.cycle)

    def _cycle_view(self, kind: str, frame: pd.DataFrame) -> pd.DataFrame:
        from sop_tui.data.store import cycle_view  # as in data(): pandas

        if kind == "forecast_history":
            return with_recorded_forecasts(frame if len(self.chains.get(kind, ())) else None,
                                           self.recorded)
        if kind == "production":
            return with_recorded_plan(frame, self.recorded, self.lag)
        return cycle_view(frame, kind, self.cycle)

    @view("inventory")
    def inventory_snapshots(self) -> pd.DataFrame | None:
        """Every stock count the cycle reads (one per SKU and ``as_of``): the E&O trend
        measures each past cycle against its own count."""
        if "inventory" not in self.chains:
            return None
        frames = self.data.frames
        assert isinstance(frames, LazyFrames)
        return frames.raw("inventory")

    @view(records=True)
    def state(self) -> CycleState:
        return self.ws.state().cycles[self.cycle]

    @cached_property
    def period(self) -> pd.Period:
        import pandas as pd  # a launch served from the cache imports no pandas

        return pd.Period(self.cycle, freq="M")

    @property
    def through(self) -> pd.Period:
        """The last complete month of actuals this cycle is run with."""
        return self.period - 1

    @cached_property
    def horizon(self) -> pd.PeriodIndex:
        import pandas as pd  # as in period

        return pd.period_range(self.period, periods=HORIZON, freq="M")

    @view("demand_inputs", "items")
    def families(self) -> list[str]:
        """The families this cycle plans: those with demand inputs, else all in items."""
        if "demand_inputs" in self.chains:
            return sorted(set(self.data["demand_inputs"]["family"].astype(str)))
        self.require("items")
        return sorted(set(self.data["items"]["family"].astype(str)))

