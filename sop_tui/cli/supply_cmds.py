"""``sop supply`` and ``sop scenario new|compare``: the plan against capacity, and scenarios.

``sop supply`` prints the plan of record (the executives' choice, else the recommendation, else
the consensus) from the same capacity table the app's supply panel and the pack show
(:func:`sop_tui.analytics.supply.capacity_table`), and its units reconciled: demand = from
opening stock + from production + unmet.
"""

from __future__ import annotations

import math

import click

from sop_tui.analytics.scenarios import (
    BASELINE,
    MEASURE_KINDS,
    MEASURE_LABELS,
    Scenario,
    ScenarioResult,
)
from sop_tui.cli.analysis_cmds import cycle_opt, json_opt, planning_of, records
from sop_tui.cli.app import Context, refusals
from sop_tui.cli.output import echo_json, table
from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.planning import CyclePlanning, PlanOfRecord
from sop_tui.cycle.scenarios import create_scenario
from sop_tui.formats import metric, money, pct, units

#: How each plan basis reads in the header line.
BASIS = {"approved": "approved by {by}", "overridden": "overridden by {by}",
         "recommended": "recommended at the pre-S&OP, not yet decided",
         "consensus": "no scenario chosen yet"}


def _chosen(p: CyclePlanning, scenario: str | None) -> tuple[str, str, ScenarioResult]:
    """(name, how it became the plan, the plan evaluated) for ``--scenario`` or the plan of
    record."""
    if scenario is None:
        record: PlanOfRecord = p.plan_of_record
        return record.scenario, BASIS[record.basis].format(by=record.by), p.plan_result
    if scenario == BASELINE:
        return BASELINE, "as asked", p.baseline_result
    recorded = p.state.scenarios.get(scenario)
    if recorded is None:
        known = ", ".join([BASELINE, *p.state.scenarios]) or BASELINE
        raise CommandError({"scenario": f"no scenario {scenario!r} in cycle {p.cycle} "
                                        f"(known: {known})"})
    return scenario, "as asked", p.evaluate(Scenario.from_dict(recorded.payload["scenario"]))


@click.command()
@cycle_opt
@click.option("--scenario", metavar="NAME",
              help="A recorded scenario, or consensus (default: the plan of record).")
@click.option("--all", "every", is_flag=True,
              help="Every resource and month, not only those short of hours.")
@json_opt
@click.pass_obj
@refusals
def supply(ctx: Context, cycle: str | None, scenario: str | None, every: bool,
           as_json: bool) -> None:
    """The constrained supply plan: capacity gaps, units reconciled, overtime and inventory."""
    p = planning_of(ctx, cycle)
    name, basis, result = _chosen(p, scenario)
    plan, dp = result.supply, p.demand_plan
    t = plan.totals
    if as_json:
        echo_json({
            "plan": {"scenario": name, "basis": basis},
            "status": plan.status,
            "not_agreed": list(dp.placeholder),
            "totals": {"demand": t.demand, "opening_stock": t.opening_stock,
                       "from_stock": t.from_stock, "from_production": t.from_production,
                       "unmet": t.unmet, "supplied": t.supplied,
                       "service_level": t.service_level, "production": t.production,
                       "average_inventory": t.average_inventory,
                       "ending_inventory": t.ending_inventory,
                       "overtime_hours": t.overtime_hours, "gap_hours": t.gap_hours},
            "capacity": records(plan.capacity),
            "production": records(plan.production),
            "unmet": records(plan.unmet),
        })
        return
    if dp.placeholder:
        click.echo(f"note: {len(dp.placeholder)} of {len(p.families)} families have no "
                   "consensus yet; a seasonal-naive placeholder is planned for them", err=True)
    months = plan.production["month"]
    click.echo(f"plan: {name} ({basis}), {months.min()} to {months.max()}")
    cap = plan.capacity
    shown = cap if every else cap[cap["gap_hours"] > 1e-6]
    title = ("capacity by resource and month" if every else
             "capacity gaps: hours the demand needs (net of stock) beyond those available")
    table(title, ["resource", "month", "available h", "load h", "short h", "load %",
                  "planned h", "overtime h"],
          ((r.resource, str(r.month), units(r.available), units(r.load), units(r.gap_hours),
            pct(r.utilisation, 0), units(r.planned), units(r.overtime_hours))
           for r in shown.itertuples()),
          right=["available h", "load h", "short h", "load %", "planned h", "overtime h"])
    table("units over the horizon: demand = from stock + from production + unmet",
          ["", "units", ""], [
              ("demand", units(t.demand), ""),
              ("  shipped from opening stock", units(t.from_stock),
               f"of {units(t.opening_stock)} on hand at the start"),
              ("  shipped from production", units(t.from_production), ""),
              ("  unmet (lost sales)", units(t.unmet), ""),
              ("supplied", units(t.supplied), f"service level {pct(t.service_level)}"),
              ("produced", units(t.production), ""),
              ("inventory", units(t.average_inventory),
               f"average month-end; ending {units(t.ending_inventory)}"),
              ("overtime hours", units(t.overtime_hours),
               f"{units(t.gap_hours)} h short before pre-building"),
          ], right=["units"])


@click.group()
def scenario() -> None:
    """Create scenarios and compare them side by side."""


@scenario.command("new")
@click.argument("name")
@cycle_opt
@click.option("--description", default="", help="What the scenario asks.")
@click.option("--demand", "demand", multiple=True, metavar="FAMILY:+10%[:YYYY-MM..YYYY-MM]")
@click.option("--capacity", "capacity", multiple=True, metavar="RESOURCE:+15%[:MONTHS]")
@click.option("--price", "price", multiple=True, metavar="FAMILY:+3%")
@click.pass_obj
@refusals
def scenario_new(ctx: Context, name: str, cycle: str | None, description: str,
                 demand: tuple[str, ...], capacity: tuple[str, ...],
                 price: tuple[str, ...]) -> None:
    """Record a scenario: named adjustments to the consensus, evaluated at once."""
    ev, result = create_scenario(planning_of(ctx, cycle), name, description=description,
                                 demand=demand, capacity=capacity, price=price)
    t = result.totals
    click.echo(f"scenario {name} recorded (event {ev.seq}): revenue {money(t['revenue'])}, "
               f"margin {money(t['margin'])}, unmet {units(t['unmet_units'])} units, "
               f"overtime {units(t['overtime_hours'])} h, average inventory "
               f"{money(t['average_inventory_value'])}, gap to target "
               f"{money(t['gap_to_target'])}")


@scenario.command("compare")
@cycle_opt
@json_opt
@click.pass_obj
@refusals
def scenario_compare(ctx: Context, cycle: str | None, as_json: bool) -> None:
    """The consensus and every recorded scenario, side by side."""
    frame = planning_of(ctx, cycle).compare()
    if as_json:
        echo_json({str(c): {str(k): (None if isinstance(v, float) and math.isnan(v) else v)
                            for k, v in frame[c].items()} for c in frame.columns})
        return
    cols = [str(c) for c in frame.columns]
    table("scenarios: demand = from stock + from production + unmet", ["", *cols],
          ([MEASURE_LABELS.get(str(m), str(m)),
            *(_measure(str(m), float(v)) for v in row)]
           for m, row in zip(frame.index, frame.itertuples(index=False), strict=True)),
          right=cols)


def _measure(measure: str, value: float) -> str:
    kind = MEASURE_KINDS.get(measure, "units")
    return metric(value, "units" if kind == "hours" else kind)


def register(group: click.Group) -> None:
    for c in (supply, scenario):
        group.add_command(c)
