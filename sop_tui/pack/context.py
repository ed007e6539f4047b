"""Building the decision pack's view-model from one cycle's events and analytics.

:func:`build_context` reads a :class:`~sop_tui.cycle.planning.CyclePlanning` and returns a
:class:`~sop_tui.pack.model.PackContext`, section by section (:mod:`sop_tui.pack.sections`).
The costly parts — the plan of record evaluated with its capacity picture, every scenario as
computed, the metrics with their trend and the FVA — go through the pack's part cache
(:mod:`sop_tui.pack.parts`); the rest is read from the log on every render.

The stamp (cycle, event count, head hash) is taken from the very state the pack is built from:
the log is folded, then the hash of its last folded event is read, so the stamp never claims
more (or less) of the log than the pack saw.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sop_tui.cycle.cadence import executive_timebox
from sop_tui.cycle.changes import changes_since
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.status import DEFAULT_LIMITS
from sop_tui.pack.model import PackContext, Progress, Stamp
from sop_tui.pack.parts import PartCache
from sop_tui.pack.sections.appendix import appendix_section
from sop_tui.pack.sections.assumptions import assumptions_section
from sop_tui.pack.sections.changes import changes_section
from sop_tui.pack.sections.colophon import colophon_section
from sop_tui.pack.sections.decisions import decisions_section
from sop_tui.pack.sections.scenarios import scenario_part, scenarios_section
from sop_tui.pack.sections.summary import summary_section

#: The planning views each cached part reads (their keys key the part).
PLAN_VIEWS = ("baseline_result", "demand_plan")
SCENARIO_VIEWS = ("baseline_totals",)
METRIC_VIEWS = ("metrics", "trend", "fva", "family_accuracy")


def build_context(planning: CyclePlanning, *, progress: Progress | None = None,
                  now: datetime | None = None,
                  limits: Mapping[str, int] | None = None) -> PackContext:
    """Build the pack's view-model for ``planning.cycle``.

    Args:
        planning: the cycle's numbers (data, events, analytics).
        progress: called with a short line before each slow step.
        now: the rendering time (default: the workspace's clock).
        limits: each meeting's timebox in minutes (default: the shipped meeting files').

    Returns:
        The :class:`PackContext`, charts included.
    """
    say = progress or (lambda _msg: None)
    ws = planning.ws
    log_state = ws.state()
    head_event = ws.log.get(log_state.last_seq) if log_state.last_seq else None
    stamp = Stamp(planning.cycle, log_state.count,
                  head_event.hash if head_event else ws.log.head().hash)
    st = planning.state
    moment = now or ws.clock()
    parts = PartCache(planning)

    say("reading the plan and the scenarios")
    outcome = st.outcome
    rec = st.recommendation
    scen_records = st.scenarios
    record = planning.plan_of_record  # the executives' outcome, else the recommendation
    plan_name, scenario = record.scenario, record.spec
    plan_part = parts.get("plan", scenario, PLAN_VIEWS, lambda: _plan_part(planning))
    specs = {n: r.payload["scenario"] for n, r in scen_records.items()}
    computed = parts.get("scenarios", specs, SCENARIO_VIEWS,
                         lambda: scenario_part(planning, specs))
    charts: dict[str, bytes] = dict(plan_part["charts"])
    scenarios = scenarios_section(computed, scen_records, rec, plan_name)
    decisions = decisions_section(st, plan_name)
    # the executive meeting against its 90 minutes: the pre-S&OP's report card
    decisions["timebox"] = executive_timebox(st, limits or DEFAULT_LIMITS)

    say("measuring forecast accuracy, bias, attainment and E&O")
    metric = parts.get("metrics", None, METRIC_VIEWS, lambda: _metric_part(planning))
    charts.update(metric["charts"])
    cards = metric["metrics"]
    changes = changes_section(changes_since(
        log_state, planning.cycle, trend_cycles=metric["cycles"], trend=metric["series"],
        metrics_now={c["key"]: c["value"] for c in cards}, prices=plan_part["prices"],
        today=moment.strftime("%Y-%m-%d")))
    summary = summary_section(cycle=planning.cycle, plan_part=plan_part, plan_name=plan_name,
                              outcome=outcome, rec=rec, decisions=decisions,
                              scenarios=scenarios, metrics=cards, fva=metric["fva"],
                              log_state=log_state)
    say("per-family detail")
    appendix = appendix_section(st, plan_part, metric)
    year, month = (int(x) for x in planning.cycle.split("-"))
    rendered_at = moment.strftime("%Y-%m-%d %H:%M UTC")
    return PackContext(
        stamp=stamp, rendered_at=rendered_at,
        cycle_label=datetime(year, month, 1).strftime("%B %Y"),
        summary=summary, metrics=cards, fva=metric["fva"], plan=plan_part["plan"],
        capacity=plan_part["capacity"], scenarios=scenarios, decisions=decisions,
        assumptions=assumptions_section(st), changes=changes, appendix=appendix,
        colophon=colophon_section(rendered_at, planning.imports),
        notes=list(metric["notes"]), charts=charts,
    )


# The costly parts import pandas and the analytics (and SciPy for a plan): imported when a
# part is computed, so that a pack built from cached parts loads neither.


def _plan_part(planning: CyclePlanning) -> dict[str, Any]:
    from sop_tui.pack.sections.plan import plan_part

    return plan_part(planning)


def _metric_part(planning: CyclePlanning) -> dict[str, Any]:
    from sop_tui.pack.sections.metrics import metric_part

    return metric_part(planning)
