"""The demo company's story in numbers, computed straight from its frames.

Provides :func:`calibration_report`, used by the tests of the demo generator to check that the
generated data tells the worked example's story (bias +9 %, item accuracy 58 %, attainment 72 %,
E&O $4.1M, ...). It is deliberately independent of ``sop_tui.analytics``: the definitions of
DESIGN.md are re-implemented here in a few lines of pandas, so the two can check each other.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def _ord(values: pd.Series) -> np.ndarray:
    """Month ordinals of a period[M] column."""
    return np.asarray(values.array.asi8)


def _wmape_bias(f: np.ndarray, a: np.ndarray) -> tuple[float, float]:
    total = float(a.sum())
    return float(np.abs(f - a).sum() / total), float((f.sum() - total) / total)


def calibration_report(frames: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """The calibration numbers of a demo (or any complete) dataset, from the definitions.

    The cycle is the month after the last actual; the window is the 12 months before it; past
    forecasts are taken at lag 1 (the forecast for month T made in cycle T-1).

    Args:
        frames: ``{kind: frame}`` with every kind of the import contract.

    Returns:
        A flat dict: ``revenue`` (window actuals x unit price), ``skus``, ``families``,
        ``a_item_share`` (share of items making 80 % of revenue), ``eo_value`` (sum of
        max(0, on hand - window units) x unit cost), ``inventory_value``,
        ``inventory_months_cogs``, ``plan_attainment``, ``consensus_bias_family``,
        ``consensus_accuracy_family``, ``consensus_bias_item``, ``consensus_accuracy_item``,
        ``statistical_accuracy_item``, ``wmape`` and ``bias`` (dicts by family-level step,
        naive included), ``sales_uplift`` / ``marketing_uplift`` / ``finance_uplift`` (this
        cycle's inputs over the planner's), ``revenue_gap`` (horizon targets over the planner's
        outlook in dollars, minus one), ``overloads`` ({resource: (months over capacity,
        worst ratio of load to capacity)} under the planner's demand), ``forecast_rows``.
    """
    items, actuals = frames["items"], frames["actuals"]
    act_m = _ord(actuals["month"])
    cycle = int(act_m.max()) + 1
    in_window = (act_m >= cycle - 12) & (act_m < cycle)
    price = items.set_index("sku")["unit_price"]
    cost = items.set_index("sku")["unit_cost"]
    fam_of = items.set_index("sku")["family"]

    win = actuals[in_window]
    units12 = win.groupby("sku")["units"].sum().reindex(items["sku"], fill_value=0.0)
    rev_item = (units12 * price.reindex(units12.index)).sort_values(ascending=False)
    revenue = float(rev_item.sum())
    cum = rev_item.cumsum().to_numpy() / revenue
    a_share = float((np.searchsorted(cum, 0.8) + 1) / len(rev_item))

    inv = frames["inventory"].set_index("sku")["on_hand_units"].reindex(items["sku"], fill_value=0)
    c = cost.reindex(items["sku"]).to_numpy()
    eo = float((np.maximum(inv.to_numpy() - units12.to_numpy(), 0.0) * c).sum())
    inv_value = float((inv.to_numpy() * c).sum())
    cogs_month = float((units12.to_numpy() * c).sum() / 12.0)

    prod = frames["production"]
    pm = _ord(prod["month"])
    p = prod[(pm >= cycle - 12) & (pm < cycle)]
    attainment = float(
        np.minimum(p["actual_units"], p["planned_units"]).sum() / p["planned_units"].sum()
    )

    # Family actuals by month, for the family-level steps and the naive forecast.
    fam_act = (
        actuals.assign(family=fam_of.reindex(actuals["sku"]).to_numpy(), m=act_m)
        .groupby(["family", "m"])["units"]
        .sum()
    )
    fh = frames["forecast_history"]
    fm, fc = _ord(fh["month"]), _ord(fh["cycle"])
    lag1 = fh[(fm - fc == 1) & (fm >= cycle - 12) & (fm < cycle)]
    lag1 = lag1.assign(m=_ord(lag1["month"]))
    fam_rows = lag1[lag1["sku"] == ""]
    wmape: dict[str, float] = {}
    bias: dict[str, float] = {}
    for step, g in fam_rows.groupby("step"):
        a = fam_act.reindex(pd.MultiIndex.from_arrays([g["family"], g["m"]]), fill_value=0.0)
        wmape[str(step)], bias[str(step)] = _wmape_bias(g["units"].to_numpy(), a.to_numpy())
    fams = fam_act.index.get_level_values(0).unique()
    months = np.arange(cycle - 12, cycle)
    grid = pd.MultiIndex.from_product([fams, months])
    naive = fam_act.reindex(pd.MultiIndex.from_product([fams, months - 2]), fill_value=0.0)
    wmape["naive"], bias["naive"] = _wmape_bias(
        naive.to_numpy(), fam_act.reindex(grid, fill_value=0.0).to_numpy()
    )

    item_act = actuals.assign(m=act_m).set_index(["sku", "m"])["units"]
    item_acc: dict[str, tuple[float, float]] = {}
    for step, g in lag1[lag1["sku"] != ""].groupby("step"):
        a = item_act.reindex(pd.MultiIndex.from_arrays([g["sku"], g["m"]]), fill_value=0.0)
        item_acc[str(step)] = _wmape_bias(g["units"].to_numpy(), a.to_numpy())

    di = frames["demand_inputs"]
    by_src = di.groupby("source")["units"].sum()
    planner = di[di["source"] == "planner"]
    fam_unit_rev = (
        win.assign(
            family=fam_of.reindex(win["sku"]).to_numpy(),
            rev=win["units"].to_numpy() * price.reindex(win["sku"]).to_numpy(),
        )
        .groupby("family")[["rev", "units"]]
        .sum()
    )
    rev_per_unit = fam_unit_rev["rev"] / fam_unit_rev["units"]
    outlook_rev = float(
        (planner["units"] * rev_per_unit.reindex(planner["family"]).to_numpy()).sum()
    )
    tg = frames["targets"]
    tm = _ord(tg["month"])
    pmonths = _ord(planner["month"])
    horizon_target = float(
        tg["revenue_target"][(tm >= pmonths.min()) & (tm <= pmonths.max())].sum()
    )

    load = (
        planner.merge(frames["routings"], on="family")
        .assign(hours=lambda d: d["units"] * d["hours_per_unit"])
        .groupby(["resource", "month"])["hours"]
        .sum()
    )
    cap = frames["capacity"].set_index(["resource", "month"])["hours"]
    ratio = load / cap.reindex(load.index)
    overloads = {str(r): (int((g > 1.0).sum()), float(g.max())) for r, g in ratio.groupby(level=0)}

    return {
        "revenue": revenue,
        "skus": int(items["sku"].nunique()),
        "families": int(items["family"].nunique()),
        "a_item_share": a_share,
        "eo_value": eo,
        "inventory_value": inv_value,
        "inventory_months_cogs": inv_value / cogs_month,
        "plan_attainment": attainment,
        "consensus_bias_family": bias.get("consensus", float("nan")),
        "consensus_accuracy_family": 1.0 - wmape.get("consensus", float("nan")),
        "consensus_bias_item": item_acc.get("consensus", (np.nan, np.nan))[1],
        "consensus_accuracy_item": 1.0 - item_acc.get("consensus", (np.nan, np.nan))[0],
        "statistical_accuracy_item": 1.0 - item_acc.get("statistical", (np.nan, np.nan))[0],
        "wmape": wmape,
        "bias": bias,
        "sales_uplift": float(by_src["sales"] / by_src["planner"] - 1.0),
        "marketing_uplift": float(by_src["marketing"] / by_src["planner"] - 1.0),
        "finance_uplift": float(by_src["finance"] / by_src["planner"] - 1.0),
        "revenue_gap": horizon_target / outlook_rev - 1.0,
        "overloads": overloads,
        "forecast_rows": len(fh),
    }
