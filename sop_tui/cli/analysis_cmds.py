"""``sop metrics|fva|segments``: the cycle's metrics at the shell.

Tables for people (numbers through :mod:`sop_tui.formats`), ``--json`` for scripts (raw
numbers). ``sop supply`` and ``sop scenario`` are in :mod:`sop_tui.cli.supply_cmds`,
``sop forecast`` and ``sop bakeoff`` in :mod:`sop_tui.cli.forecast_cmds`.
"""

from __future__ import annotations

import math

import click
import pandas as pd

from sop_tui.analytics.fva import fva_worse_families
from sop_tui.analytics.segments import segment_matrix
from sop_tui.cli.app import Context, refusals
from sop_tui.cli.output import echo_json, table
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.formats import money, money_exact, pct, pp, signed_pct, units

cycle_opt = click.option("--cycle", help="The cycle (default: the current one).")
json_opt = click.option("--json", "as_json", is_flag=True, help="JSON for scripts.")


lag_opt = click.option("--lag", default=1, show_default=True, type=click.IntRange(0, 12),
                       help="Measure the forecast made this many cycles before each month.")


def planning_of(ctx: Context, cycle: str | None, lag: int = 1) -> CyclePlanning:
    """The cycle's numbers, cached in the store like the app's (past forecasts at ``lag``)."""
    return CyclePlanning(ctx.workspace, cycle, cache_dir=ctx.settings.cache_dir, lag=lag)


def records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """A frame as JSON-ready rows: months as ``YYYY-MM``, NaN as None."""
    out = frame.copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.PeriodDtype):
            out[c] = out[c].astype(str)
    recs = out.to_dict(orient="records")
    return [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
            for r in recs]


@click.command()
@cycle_opt
@lag_opt
@json_opt
@click.pass_obj
@refusals
def metrics(ctx: Context, cycle: str | None, lag: int, as_json: bool) -> None:
    """The four metrics (accuracy/WMAPE, bias, plan attainment, E&O), per family and total."""
    p = planning_of(ctx, cycle, lag)
    s = p.metrics
    if as_json:
        echo_json({
            "lag": p.lag,
            "summary": s.as_dict(),
            "family_accuracy": records(p.family_accuracy),
            "item_accuracy": records(p.item_accuracy),
            "plan_attainment": records(p.attainment) if p.data.has("production") else [],
            "excess_obsolete": records(p.excess_obsolete) if p.data.has("inventory") else [],
            "trend": records(p.trend),
        })
        return
    click.echo(f"cycle {p.cycle} — lag {p.lag}, the 12 months before the cycle")
    table("the four metrics", ["metric", "value"], [
        ("family accuracy (1 − WMAPE)", pct(s.family_accuracy)),
        ("item-level accuracy", pct(s.item_accuracy)),
        ("bias (consensus)", signed_pct(s.bias)),
        ("plan attainment", pct(s.plan_attainment)),
        ("excess & obsolete inventory", money(s.eo_value)),
    ], right=["value"])
    fa = p.family_accuracy
    table("by family", ["family", "accuracy", "bias", "forecast", "actual"],
          ((r.family, pct(r.accuracy), signed_pct(r.bias), units(r.forecast), units(r.actual))
           for r in fa.itertuples()), right=["accuracy", "bias", "forecast", "actual"])
    for note in s.notes:
        click.echo(f"note: {note}")


@click.command()
@cycle_opt
@lag_opt
@json_opt
@click.pass_obj
@refusals
def fva(ctx: Context, cycle: str | None, lag: int, as_json: bool) -> None:
    """Forecast Value Added: naive → statistical → each input → consensus → executive."""
    p = planning_of(ctx, cycle, lag)
    frame = p.fva
    worse = fva_worse_families(frame)
    if as_json:
        echo_json({"steps": records(frame), "worse": records(worse)})
        return
    total = frame[frame["family"] == "TOTAL"]
    table(f"FVA stair-step, cycle {p.cycle} (total, lag {p.lag})",
          ["step", "WMAPE", "bias", "vs previous", "vs naive", "families made worse"],
          ((r.step, pct(r.wmape), signed_pct(r.bias), pp(r.fva_vs_prev), pp(r.fva_vs_naive),
            int((worse["step"] == r.step).sum())) for r in total.itertuples()),
          right=["WMAPE", "bias", "vs previous", "vs naive", "families made worse"])


@click.command()
@cycle_opt
@json_opt
@click.pass_obj
@refusals
def segments(ctx: Context, cycle: str | None, as_json: bool) -> None:
    """ABC (revenue) × XYZ (variability) segments and the policy each gets."""
    p = planning_of(ctx, cycle)
    seg = p.segments
    matrix = segment_matrix(seg)
    if as_json:
        echo_json({"items": records(seg), "matrix": records(matrix)})
        return
    policy = seg.groupby("segment")["policy"].first()
    table(f"ABC-XYZ, trailing 12 months to {p.through}",
          ["segment", "items", "revenue, 12 months", "share of revenue", "policy"],
          ((r.segment, units(r.items), money_exact(r.revenue_12m), pct(r.revenue_share),
            policy.get(r.segment, "")) for r in matrix.itertuples(index=False)),
          right=["items", "revenue, 12 months", "share of revenue"])


def register(group: click.Group) -> None:
    for c in (metrics, fva, segments):
        group.add_command(c)
