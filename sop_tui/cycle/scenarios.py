"""Creating a scenario: parse the adjustments, evaluate, record the scenario and its results."""

from __future__ import annotations

from collections.abc import Sequence

from sop_tui.analytics.scenarios import (
    BASELINE,
    Adjustment,
    Scenario,
    ScenarioResult,
    parse_adjustment,
    validate,
)
from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.events.envelope import Event


def create_scenario(
    planning: CyclePlanning,
    name: str,
    *,
    description: str = "",
    demand: Sequence[str] = (),
    capacity: Sequence[str] = (),
    price: Sequence[str] = (),
) -> tuple[Event, ScenarioResult]:
    """Evaluate and record a scenario; returns (event, ScenarioResult).

    Raises:
        CommandError: naming the adjustment that does not parse or names an unknown
            family/resource (nothing is written).
    """
    name = (name or "").strip()
    if not name:
        raise CommandError({"name": "a scenario needs a name"})
    if name == BASELINE:
        raise CommandError({"name": f"{BASELINE!r} is the unadjusted plan; choose another name"})
    parsed: dict[str, tuple[Adjustment, ...]] = {}
    for kind, texts in (("demand", demand), ("capacity", capacity), ("price", price)):
        items: list[Adjustment] = []
        for t in texts:
            try:
                items.append(parse_adjustment(kind, t))
            except ValueError as exc:
                raise CommandError({kind: str(exc)}) from None
        parsed[kind] = tuple(items)
    sc = Scenario(name, description, demand=parsed["demand"], capacity=parsed["capacity"],
                  price=parsed["price"])
    try:
        validate(sc, planning.scenario_inputs)
    except ValueError as exc:
        raise CommandError({"scenario": str(exc)}) from None
    result = planning.evaluate(sc)
    totals = {k: float(v) for k, v in result.totals.items() if v == v}  # drop NaN
    ev = planning.ws.create_scenario(name, sc.to_dict(), totals, cycle=planning.cycle)
    return ev, result
