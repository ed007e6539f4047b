"""``sop forecast`` and ``sop bakeoff``: the statistical forecasts (here or on a cluster) and
how they compare with the people's on the A/X items."""

from __future__ import annotations

import sys

import click
import pandas as pd

from sop_tui.analytics.bakeoff import verdict
from sop_tui.cli.app import EXIT_REFUSED, Context, refusals
from sop_tui.cli.output import echo_json, table
from sop_tui.cycle.bakeoff import SEGMENTS, cycle_bakeoff
from sop_tui.cycle.forecasts import record_forecast
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.executors import ExecutorSpecError, open_runner
from sop_tui.formats import pct, signed_pct, units

cycle_opt = click.option("--cycle", help="The cycle (default: the current one).")
json_opt = click.option("--json", "as_json", is_flag=True, help="JSON for scripts.")


def _progress(done: int, total: int) -> None:
    # On a terminal the line is redrawn in place; in a log, only the final count is written.
    if sys.stderr.isatty() or done == total:
        click.echo(f"\rforecasting {done}/{total} series", err=True, nl=done == total)


@click.command()
@cycle_opt
@click.option("--level", type=click.Choice(["family", "sku"]), default="family",
              show_default=True, help="sku: the items whose segment policy asks for it (A/X).")
@click.option("--executor", metavar="SPEC", envvar="SOP_EXECUTOR",
              help="Where series are forecast: local (all cores, the default), local:N, "
                   "inline, or a Dask scheduler, tcp://HOST:PORT [env SOP_EXECUTOR].")
@json_opt
@click.option("--record/--no-record", default=True, show_default=True,
              help="Write a ForecastGenerated event (models and input hash).")
@click.pass_obj
@refusals
def forecast(ctx: Context, cycle: str | None, level: str, executor: str | None,
             as_json: bool, record: bool) -> None:
    """Statistical forecasts: per series, ETS and Theta averaged (an intermittent method for
    intermittent demand, naive for a short history, zero for an item without demand for a
    year), with its rolling-origin backtest error."""
    p = CyclePlanning(ctx.workspace, cycle, cache_dir=ctx.settings.cache_dir)
    try:
        with open_runner(executor) as runner:
            result = p.statistical(level=level, progress=_progress, runner=runner)
    except ExecutorSpecError as exc:
        click.echo(f"error: --executor: {exc}", err=True)
        sys.exit(EXIT_REFUSED)
    if record:
        record_forecast(ctx.workspace, p.cycle, result, level)
    if as_json:
        echo_json(result.to_json_records())
        return
    first = result.forecast.groupby("key").head(3)
    nxt = first.groupby("key")["units"].sum()
    table(f"{level} forecasts, cycle {p.cycle} (next 3 months)",
          ["series", "model", "backtest WMAPE", "next 3 months", "note"],
          ((r.key, r.model, pct(r.backtest_wmape), units(nxt.get(r.key)), r.note)
           for r in result.models.itertuples()), right=["backtest WMAPE", "next 3 months"])


@click.command()
@cycle_opt
@click.option("--segment", type=click.Choice(SEGMENTS), default="AX", show_default=True,
              help="The ABC-XYZ segment whose items are compared.")
@json_opt
@click.pass_obj
@refusals
def bakeoff(ctx: Context, cycle: str | None, segment: str, as_json: bool) -> None:
    """The bake-off: statistical against planner and consensus forecasts of a segment's items
    over the last two quarters (lag 1): WMAPE and bias per family and in total, and the
    verdict."""
    p = CyclePlanning(ctx.workspace, cycle, cache_dir=ctx.settings.cache_dir)
    result = cycle_bakeoff(p, segment)
    words = verdict(result)
    if as_json:
        rows = result.table.astype(object).where(result.table.notna(), None)
        echo_json({"cycle": p.cycle, "segment": segment, "items": result.items,
                   "months": list(result.months), "missing_steps": list(result.missing),
                   "rows": rows.to_dict(orient="records"), "verdict": words})
        return
    t = result.table
    wide = t.pivot_table(index="family", columns="step", values=["wmape", "bias"],
                         observed=True, sort=False)
    steps = [s for s in ("statistical", "planner", "consensus") if s in set(t["step"])]
    headers = ["family"] + [f"{s} WMAPE" for s in steps] + [f"{s} bias" for s in steps]
    fams = list(dict.fromkeys(t["family"]))
    table(f"bake-off, {segment} items ({result.items}), {result.months[0]}..{result.months[1]}, "
          "lag 1", headers,
          ([f] + [pct(_cell(wide, "wmape", s, f)) for s in steps]
           + [signed_pct(_cell(wide, "bias", s, f)) for s in steps] for f in fams),
          right=headers[1:])
    for line in words:
        click.echo(line)


def _cell(wide: pd.DataFrame, what: str, step: str, family: str) -> float:
    try:
        return float(wide.loc[family, (what, step)])
    except KeyError:
        return float("nan")


def register(group: click.Group) -> None:
    group.add_command(forecast)
    group.add_command(bakeoff)
