"""``sop forecast|metrics|fva|segments|supply|scenario``: the cycle's numbers at the shell."""

from __future__ import annotations

import math
import sys

import click
import pandas as pd

from sop_tui.cli.app import Context, refusals
from sop_tui.cli.output import echo_json, money, num, pct, table

cycle_opt = click.option("--cycle", help="The cycle (default: the current one).")
json_opt = click.option("--json", "as_json", is_flag=True, help="JSON for scripts.")


def _planning(ctx: Context, cycle: str | None):  # type: ignore[no-untyped-def]
    from sop_tui.cycle.planning import CyclePlanning

    return CyclePlanning(ctx.workspace, cycle, cache_dir=ctx.settings.cache_dir)


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    out = frame.copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.PeriodDtype):
            out[c] = out[c].astype(str)
    recs = out.to_dict(orient="records")
    return [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
            for r in recs]


@click.command()
@cycle_opt
@click.option("--level", type=click.Choice(["family", "sku"]), default="family",
              show_default=True, help="sku: the items whose segment policy asks for it (A/X).")
@json_opt
@click.option("--record/--no-record", default=True, show_default=True,
              help="Write a ForecastGenerated event (models and input hash).")
@click.pass_obj
@refusals
def forecast(ctx: Context, cycle: str | None, level: str, as_json: bool, record: bool) -> None:
    """Statistical forecasts, each series' model chosen by rolling-origin backtest."""
    p = _planning(ctx, cycle)

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty() or done == total:
            click.echo(f"\rforecasting {done}/{total} series", err=True,
                       nl=done == total)

    result = p.statistical(level=level, progress=progress)
    if record:
        from sop_tui.cycle.forecasts import record_forecast

        record_forecast(ctx.workspace, p.cycle, result, level)
    if as_json:
        echo_json(result.to_json_records())
        return
    first = result.forecast.groupby("key").head(3)
    nxt = first.groupby("key")["units"].sum()
    table(f"{level} forecasts, cycle {p.cycle} (next 3 months)",
          ["series", "model", "backtest WMAPE", "next 3 months"],
          ((r.key, r.model, pct(r.backtest_wmape), num(nxt.get(r.key)))
           for r in result.models.itertuples()), right=["backtest WMAPE", "next 3 months"])


@click.command()
@cycle_opt
@json_opt
@click.pass_obj
@refusals
def metrics(ctx: Context, cycle: str | None, as_json: bool) -> None:
    """The four metrics (accuracy/WMAPE, bias, plan attainment, E&O), per family and total."""
    p = _planning(ctx, cycle)
    s = p.metrics
    if as_json:
        echo_json({
            "summary": s.as_dict(),
            "family_accuracy": _records(p.family_accuracy),
            "item_accuracy": _records(p.item_accuracy),
            "plan_attainment": _records(p.attainment) if p.data.has("production") else [],
            "excess_obsolete": _records(p.excess_obsolete) if p.data.has("inventory") else [],
            "trend": _records(p.trend),
        })
        return
    click.echo(f"cycle {p.cycle} — lag 1, the 12 months before the cycle")
    table("the four metrics", ["metric", "value"], [
        ("family accuracy (1 − WMAPE)", pct(s.family_accuracy)),
        ("item-level accuracy", pct(s.item_accuracy)),
        ("bias (consensus)", pct(s.bias)),
        ("plan attainment", pct(s.plan_attainment)),
        ("excess & obsolete inventory", money(s.eo_value)),
    ], right=["value"])
    fa = p.family_accuracy
    table("by family", ["family", "accuracy", "bias", "forecast", "actual"],
          ((r.family, pct(r.accuracy), pct(r.bias), num(r.forecast), num(r.actual))
           for r in fa.itertuples()), right=["accuracy", "bias", "forecast", "actual"])
    for note in s.notes:
        click.echo(f"note: {note}")


@click.command()
@cycle_opt
@json_opt
@click.pass_obj
@refusals
def fva(ctx: Context, cycle: str | None, as_json: bool) -> None:
    """Forecast Value Added: naive → statistical → each input → consensus → executive."""
    from sop_tui.analytics.fva import fva_worse_families

    p = _planning(ctx, cycle)
    frame = p.fva
    worse = fva_worse_families(frame)
    if as_json:
        echo_json({"steps": _records(frame), "worse": _records(worse)})
        return
    total = frame[frame["family"] == "TOTAL"]
    table(f"FVA stair-step, cycle {p.cycle} (total)",
          ["step", "WMAPE", "bias", "vs previous", "vs naive", "families made worse"],
          ((r.step, pct(r.wmape), pct(r.bias), _pts(r.fva_vs_prev), _pts(r.fva_vs_naive),
            int((worse["step"] == r.step).sum())) for r in total.itertuples()),
          right=["WMAPE", "bias", "vs previous", "vs naive", "families made worse"])


def _pts(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{x:+.1f} pts"


@click.command()
@cycle_opt
@json_opt
@click.pass_obj
@refusals
def segments(ctx: Context, cycle: str | None, as_json: bool) -> None:
    """ABC (revenue) × XYZ (variability) segments and the policy each gets."""
    from sop_tui.analytics.segments import segment_matrix

    p = _planning(ctx, cycle)
    seg = p.segments
    matrix = segment_matrix(seg)
    if as_json:
        echo_json({"items": _records(seg), "matrix": _records(matrix)})
        return
    table(f"ABC-XYZ, trailing 12 months to {p.through}", list(map(str, matrix.columns)),
          (list(r) for r in matrix.itertuples(index=False)))


@click.command()
@cycle_opt
@json_opt
@click.pass_obj
@refusals
def supply(ctx: Context, cycle: str | None, as_json: bool) -> None:
    """The constrained supply plan: capacity gaps, unmet demand, projected inventory."""
    p = _planning(ctx, cycle)
    plan = p.supply
    dp = p.demand_plan
    if as_json:
        echo_json({
            "status": plan.status,
            "not_agreed": list(dp.placeholder),
            "capacity": _records(plan.capacity),
            "production": _records(plan.production),
            "unmet": _records(plan.unmet),
            "totals": {k: getattr(plan.totals, k) for k in
                       ("demand", "production", "unmet", "ending_inventory", "overtime_hours")},
        })
        return
    if dp.placeholder:
        click.echo(f"note: {len(dp.placeholder)} famil(ies) have no consensus yet; a "
                   "seasonal-naive placeholder is planned for them", err=True)
    gaps = plan.capacity[plan.capacity["gap_hours"] > 1e-6]
    table("capacity gaps (hours beyond capacity)", ["resource", "month", "available", "load",
                                                    "gap hours"],
          ((r.resource, str(r.month), num(r.available), num(r.load), num(r.gap_hours))
           for r in gaps.itertuples()), right=["available", "load", "gap hours"])
    t = plan.totals
    click.echo(f"demand {num(t.demand)} units, supplied {num(t.production)}, unmet "
               f"{num(t.unmet)}, ending inventory {num(t.ending_inventory)} units")


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
    from sop_tui.cycle.scenarios import create_scenario

    ev, result = create_scenario(_planning(ctx, cycle), name, description=description,
                                 demand=demand, capacity=capacity, price=price)
    t = result.totals
    click.echo(f"scenario {name} recorded (event {ev.seq}): revenue {money(t['revenue'])}, "
               f"margin {money(t['margin'])}, unmet {num(t['unmet_units'])} units, "
               f"gap to target {money(t['gap_to_target'])}")


@scenario.command("compare")
@cycle_opt
@json_opt
@click.pass_obj
@refusals
def scenario_compare(ctx: Context, cycle: str | None, as_json: bool) -> None:
    """The consensus and every recorded scenario, side by side."""
    frame = _planning(ctx, cycle).compare()
    if as_json:
        echo_json({str(c): {str(k): (None if isinstance(v, float) and math.isnan(v) else v)
                            for k, v in frame[c].items()} for c in frame.columns})
        return
    cols = [str(c) for c in frame.columns]
    table("scenarios", ["measure", *cols],
          ([str(m), *(_fmt_measure(str(m), v) for v in row)]
           for m, row in zip(frame.index, frame.itertuples(index=False), strict=True)),
          right=cols)


def _fmt_measure(measure: str, v: float) -> str:
    if measure == "service_level":
        return pct(v)
    if any(w in measure for w in ("revenue", "cost", "margin", "value", "gap")):
        return money(v)
    return num(v)


def register(group: click.Group) -> None:
    for c in (forecast, metrics, fva, segments, supply, scenario):
        group.add_command(c)
