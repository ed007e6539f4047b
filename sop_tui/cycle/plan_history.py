"""The plan becomes history: what each cycle recorded, as the next cycles' forecast history.

A company that runs its cycles in ``sop`` must see its own numbers move without re-importing
them. Everything a cycle records is a forecast of its own, made in that cycle:

- ``statistical``: the statistical forecast it recorded (``ForecastGenerated.units``);
- ``sales`` / ``marketing`` / ``finance`` / ``planner``: each source's input, as the cycle
  read its ``demand_inputs``;
- ``consensus``: the one number per family and month chosen in the demand review;
- ``executive``: the numbers the executive meeting approved, or overrode to.

The approved (or overridden) production plan is the plan that *plan attainment* measures the
factory against: month ``T`` is measured against the plan made in cycle ``T - lag``.

These rows extend the imported ``forecast_history`` (which still covers the months before
``sop`` was used); where both hold a forecast for the same cycle, step, family and month, the
recorded one wins. Only cycles before the one being measured contribute, so a cycle's own
choices never move its own metrics.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sop_tui.cycle.forecasts import recorded_forecast
from sop_tui.cycle.state import CycleState, LogState
from sop_tui.data.imports import chain_key, chains

# pandas is imported in the functions that build frames: CyclePlanning imports this module,
# and the app paints (and `sop maturity` answers from cached views) without loading pandas.
if TYPE_CHECKING:
    import pandas as pd

    from sop_tui.cycle.workspace import Workspace

INPUT_STEPS = ("sales", "marketing", "finance", "planner")


def past_cycles(state: LogState, before: str) -> list[CycleState]:
    """The opened cycles before ``before``, oldest first."""
    return [cs for c, cs in sorted(state.cycles.items())
            if c < before and cs.opened is not None]


def _forecast_event_id(cs: CycleState) -> str | None:
    for e in reversed(cs.forecasts):
        if e.payload.get("level") == "family" and e.payload.get("units"):
            return str(e.event_id)
    return None


def history_key(state: LogState, before: str) -> str:
    """What the recorded history before ``before`` is built from, hashed (no pandas).

    Each past cycle's consensus records (with their amendments), its recorded statistical
    forecast, its executive outcome and the demand inputs it read.
    """
    parts: list[Any] = []
    for cs in past_cycles(state, before):
        inputs = chains(state.imports, state.data_until(cs.cycle)).get("demand_inputs")
        outcome = cs.outcome
        parts.append([
            cs.cycle,
            sorted((f, r.event.event_id, [a.event_id for a in r.amendments])
                   for f, r in cs.consensus.items()),
            _forecast_event_id(cs),
            None if outcome is None else
            [outcome.event.event_id, [a.event_id for a in outcome.amendments]],
            chain_key(inputs) if inputs else None,
        ])
    return hashlib.sha256(repr(parts).encode()).hexdigest()


@dataclass(frozen=True)
class RecordedHistory:
    """What the cycles before one recorded.

    Attributes:
        forecasts: rows shaped as the ``forecast_history`` kind (family level, blank sku).
        production: ``[cycle, family, month, units]``: each cycle's approved production plan.
    """

    forecasts: pd.DataFrame
    production: pd.DataFrame


def _rows(out: dict[str, list[Any]], cycle: str, step: str,
          numbers: dict[str, dict[str, float]]) -> None:
    for family, months in numbers.items():
        for month, units in months.items():
            out["cycle"].append(cycle)
            out["step"].append(step)
            out["family"].append(str(family))
            out["month"].append(str(month))
            out["units"].append(float(units))


def _executive(cs: CycleState) -> tuple[dict[str, dict[str, float]] | None,
                                        dict[str, dict[str, float]] | None]:
    """The executive numbers and production plan a cycle decided (None where it has none).

    An outcome recorded without its numbers (an older one) stands for the consensus with the
    chosen scenario's demand adjustments applied.
    """
    rec = cs.outcome
    if rec is None:
        return None, None
    p = rec.payload
    plan = p.get("plan")
    if plan is None:
        plan = _scenario_demand(cs, str(p.get("scenario", "consensus")))
    return plan, p.get("production")


def _scenario_demand(cs: CycleState, scenario: str) -> dict[str, dict[str, float]] | None:
    import pandas as pd

    from sop_tui.analytics.scenarios import Scenario, apply_demand

    consensus = {f: dict(r.payload["units"]) for f, r in cs.consensus.items()}
    if scenario == "consensus" or not consensus:
        return consensus or None
    rec = cs.scenarios.get(scenario)
    if rec is None:
        return None
    rows = [(f, m, float(u)) for f, months in consensus.items() for m, u in months.items()]
    frame = pd.DataFrame(rows, columns=["family", "month", "units"])
    frame["month"] = pd.PeriodIndex(frame["month"], freq="M")
    try:
        adjusted = apply_demand(frame, Scenario.from_dict(rec.payload["scenario"]).demand)
    except ValueError:
        return consensus
    out: dict[str, dict[str, float]] = {}
    for f, m, u in zip(adjusted["family"], adjusted["month"].astype(str),
                       adjusted["units"].astype(float), strict=True):
        out.setdefault(str(f), {})[m] = float(u)
    return out


def _months(values: list[str]) -> pd.PeriodIndex:
    """``YYYY-MM`` strings as monthly periods, each distinct month parsed once."""
    import pandas as pd

    codes, uniques = pd.factorize(pd.Series(values, dtype=object))
    return pd.PeriodIndex(list(uniques), freq="M")[codes]


def _frame(rows: dict[str, list[Any]], inputs: list[pd.DataFrame]) -> pd.DataFrame:
    import pandas as pd

    recorded = pd.DataFrame({
        "cycle": _months(rows["cycle"]),
        "step": pd.Series(rows["step"], dtype=object),
        "family": pd.Series(rows["family"], dtype=object),
        "month": _months(rows["month"]),
        "units": pd.Series(rows["units"], dtype="float64"),
        "sku": pd.Series([""] * len(rows["units"]), dtype=object),
    })
    return pd.concat([recorded, *inputs], ignore_index=True) if inputs else recorded


def recorded_history(ws: Workspace, before: str) -> RecordedHistory:
    """The forecasts and production plans recorded in the cycles before ``before``."""
    import pandas as pd

    from sop_tui.data.store import MissingData

    state = ws.state()
    rows: dict[str, list[Any]] = {k: [] for k in ("cycle", "step", "family", "month", "units")}
    prod: dict[str, list[Any]] = {k: [] for k in ("cycle", "step", "family", "month", "units")}
    inputs: list[pd.DataFrame] = []
    for cs in past_cycles(state, before):
        c = cs.cycle
        _rows(rows, c, "statistical", recorded_forecast(state, c))
        try:
            given = ws.data(c, kinds=["demand_inputs"])["demand_inputs"]
        except MissingData:
            given = None
        if given is not None and len(given):
            inputs.append(pd.DataFrame({
                "cycle": pd.PeriodIndex([c] * len(given), freq="M"),
                "step": given["source"].astype(object).to_numpy(),
                "family": given["family"].astype(object).to_numpy(),
                "month": given["month"].to_numpy(),
                "units": given["units"].astype("float64").to_numpy(),
                "sku": "",
            }))
        _rows(rows, c, "consensus", {f: r.payload["units"] for f, r in cs.consensus.items()})
        plan, production = _executive(cs)
        if plan:
            _rows(rows, c, "executive", plan)
        if production:
            _rows(prod, c, "production", production)
    forecasts = _frame(rows, inputs)
    production_plan = pd.DataFrame({
        "cycle": _months(prod["cycle"]),
        "family": pd.Series(prod["family"], dtype=object),
        "month": _months(prod["month"]),
        "units": pd.Series(prod["units"], dtype="float64"),
    })
    return RecordedHistory(forecasts, production_plan)


def with_recorded_forecasts(imported: pd.DataFrame | None, recorded: RecordedHistory
                            ) -> pd.DataFrame | None:
    """The imported forecast history extended by the recorded one (the recorded row wins)."""
    import pandas as pd

    rec = recorded.forecasts
    if imported is None:
        return rec if len(rec) else None
    if not len(rec):
        return imported
    rec = rec[list(imported.columns)]
    out = pd.concat([imported, rec], ignore_index=True)
    overlap = len(imported) and imported["cycle"].max() >= rec["cycle"].min()
    if overlap:
        out = out.drop_duplicates(["cycle", "step", "family", "sku", "month"], keep="last",
                                  ignore_index=True)
    return out


def with_recorded_plan(production: pd.DataFrame | None, recorded: RecordedHistory, lag: int
                       ) -> pd.DataFrame | None:
    """The production data with each month's planned units taken from the plan approved
    ``lag`` cycles before it, where ``sop`` recorded one."""
    plan = recorded.production
    if production is None or not len(plan):
        return production
    from sop_tui.analytics.timeframe import ordinals

    made = ordinals(plan["cycle"]) == ordinals(plan["month"]) - lag
    planned = dict(zip(zip(plan["family"][made].astype(str), ordinals(plan["month"])[made],
                           strict=True), plan["units"][made].astype(float), strict=True))
    if not planned:
        return production
    keys = zip(production["family"].astype(str), ordinals(production["month"]), strict=True)
    new = [planned.get(k) for k in keys]
    out = production.copy()
    out["planned_units"] = [p if n is None else n
                            for p, n in zip(production["planned_units"], new, strict=True)]
    out["planned_units"] = out["planned_units"].astype("float64")
    return out
