"""Choosing the consensus for a family: one named source, or a number with its rationale."""

from __future__ import annotations

from collections.abc import Mapping

from sop_tui.analytics.timeframe import horizon
from sop_tui.cycle.demand import assumption_of, averaging_of, family_sources
from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.forecasts import recorded_forecast, recorded_model
from sop_tui.cycle.validation import horizon_problem
from sop_tui.cycle.workspace import Workspace
from sop_tui.data.store import MissingData
from sop_tui.events.envelope import MONTH_RE, Event

INPUT_SOURCES = ("sales", "marketing", "finance", "planner")


def parse_manual_units(text: str) -> dict[str, float]:
    """``YYYY-MM=N,YYYY-MM=N`` (or ``YYYY-MM..YYYY-MM=N``) into month -> units."""
    out: dict[str, float] = {}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        when, eq, value = part.partition("=")
        first, sep, last = when.strip().partition("..")
        last = last if sep else first
        if not eq or not MONTH_RE.match(first) or not MONTH_RE.match(last) or last < first:
            raise CommandError({"units": f"{part!r}: expected YYYY-MM=N or YYYY-MM..YYYY-MM=N"})
        try:
            units = float(value.replace(",", ""))
        except ValueError:
            raise CommandError({"units": f"{part!r}: {value!r} is not a number"}) from None
        if units < 0:
            raise CommandError({"units": f"{part!r}: units must not be negative"})
        start = first
        n = (int(last[:4]) - int(start[:4])) * 12 + int(last[5:]) - int(start[5:]) + 1
        for m in horizon(start, n):
            out[str(m)] = units
    if not out:
        raise CommandError({"units": "give at least one YYYY-MM=N"})
    return out


def choose_consensus(
    ws: Workspace,
    *,
    family: str,
    source: str,
    cycle: str | None = None,
    manual: str | Mapping[str, float] | None = None,
    statistical: Mapping[str, float] | None = None,
    assumption: str | None = None,
    rationale: str | None = None,
    chosen_assumptions: str | None = None,
) -> Event:
    """Record the consensus of ``family`` taken from ``source``.

    ``source`` is one of the demand inputs (sales, marketing, finance, planner), ``statistical``
    (the numbers passed in ``statistical``, else the cycle's recorded statistical forecast —
    ``sop forecast`` records it) or ``manual`` (numbers in ``manual`` and a
    rationale). When the chosen numbers equal the average of two or more inputs, the event
    carries that flag, and ``chosen_assumptions`` must say which source's assumptions were
    adopted — or the command is refused.
    """
    cycle = cycle or ws.current_cycle()
    data = ws.data(cycle, kinds=["demand_inputs"])  # only what the choice needs
    if "demand_inputs" not in data.frames:
        raise MissingData(["demand_inputs"])
    sources = family_sources(data["demand_inputs"], family)
    if not sources:
        raise CommandError({"family": f"no demand inputs for family {family!r} in this cycle"})
    if source in INPUT_SOURCES:
        if source not in sources:
            raise CommandError({"source": f"{source} gave no input for {family} "
                                          f"(inputs: {', '.join(sources)})"})
        units = sources[source]
        assumption = assumption or assumption_of(data["demand_inputs"], family, source)
    elif source == "statistical":
        if not statistical:
            statistical = recorded_forecast(ws.state(), cycle).get(family)
            model = recorded_model(ws.state(), cycle, family)
            assumption = assumption or (f"statistical forecast ({model}, chosen by backtest)"
                                        if model else None)
        if not statistical:
            raise CommandError({"source": "no statistical forecast for this family yet "
                                          "(run sop forecast)"})
        units = {str(k): float(v) for k, v in statistical.items()}
    elif source == "manual":
        if manual is None:
            raise CommandError({"units": "a manual consensus needs its numbers"})
        units = parse_manual_units(manual) if isinstance(manual, str) else dict(manual)
        outside = horizon_problem(units, cycle)
        if outside:
            raise CommandError({"units": outside})
    else:
        raise CommandError({"source": f"{source!r} is not a source (one of: "
                                      f"{', '.join((*INPUT_SOURCES, 'statistical', 'manual'))})"})
    if not (assumption or "").strip():
        raise CommandError({"assumption": "say the assumption behind this number"})
    flagged = averaging_of(units, sources, exclude=source if source in sources else None)
    return ws.select_consensus(
        family=family, source=source, units=units, assumption=assumption or "", cycle=cycle,
        rationale=rationale, averaging_of=flagged, chosen_assumptions=chosen_assumptions,
    )
