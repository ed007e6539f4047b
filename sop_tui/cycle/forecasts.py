"""The statistical forecast as a record of the cycle: written once, read by what follows.

``sop forecast`` (and the demand panel's ``f``) compute the statistical forecast; recording it
keeps its numbers in the log (``ForecastGenerated.units``, per series and month), so that

- the consensus can be taken from it later, by another command or process
  (``sop record consensus --source statistical``), and
- it becomes the cycle's *statistical* step in the forecast history the next cycles measure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sop_tui.cycle.state import LogState
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.envelope import Event

if TYPE_CHECKING:
    from sop_tui.analytics.forecast import ForecastResult


def forecast_payload(result: ForecastResult, level: str) -> dict[str, object]:
    """The ``ForecastGenerated`` payload of ``result``: models, backtest and the numbers."""
    models = dict(zip(result.models["key"].astype(str), result.models["model"], strict=True))
    wm = result.models["backtest_wmape"].astype(float)
    units: dict[str, dict[str, float]] = {}
    f = result.forecast
    for key, month, value in zip(f["key"].astype(str), f["month"].astype(str),
                                 f["units"].astype(float), strict=True):
        units.setdefault(key, {})[month] = round(float(value), 3)
    horizon = max((len(v) for v in units.values()), default=0)
    return {
        "level": level, "input_hash": result.input_hash, "horizon": max(horizon, 1),
        "series": len(models), "models": models,
        "backtest_wmape": None if wm.isna().all() else float(wm.mean()),
        "units": units,
    }


def record_forecast(ws: Workspace, cycle: str, result: ForecastResult,
                    level: str = "family") -> Event:
    """Record the statistical forecast of ``cycle`` with its numbers."""
    return ws.record("ForecastGenerated", forecast_payload(result, level), cycle=cycle,
                     meeting="demand")


def recorded_forecast(state: LogState, cycle: str, level: str = "family"
                      ) -> dict[str, dict[str, float]]:
    """The newest recorded statistical forecast of ``cycle`` (series -> month -> units)."""
    cs = state.cycles.get(cycle)
    if cs is None:
        return {}
    for e in reversed(cs.forecasts):
        if e.payload.get("level") == level and e.payload.get("units"):
            return {str(k): dict(v) for k, v in e.payload["units"].items()}
    return {}


def recorded_model(state: LogState, cycle: str, series: str, level: str = "family") -> str | None:
    """The model the newest recorded statistical forecast of ``cycle`` chose for ``series``."""
    cs = state.cycles.get(cycle)
    for e in reversed(cs.forecasts if cs is not None else []):
        if e.payload.get("level") == level and e.payload.get("units"):
            model = e.payload.get("models", {}).get(series)
            return str(model) if model else None
    return None
