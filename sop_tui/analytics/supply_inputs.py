"""The supply plan's inputs as matrices: demand, routings, capacity, opening stock, unit costs.

Each builder checks its frame and names what is wrong (a missing column, a negative number, a
routed resource without capacity in some month) before the program is set up; the matrices are
float64 with families, resources and months sorted, over a gap-free horizon.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd


def horizon_of(demand: pd.DataFrame) -> pd.PeriodIndex:
    """Every month from the demand's first to its last."""
    if demand.empty:
        raise ValueError("demand is empty: the supply plan needs at least one family and month")
    months = pd.PeriodIndex(demand["month"], freq="M")
    return pd.period_range(months.min(), months.max(), freq="M")


def demand_matrix(demand: pd.DataFrame) -> tuple[pd.DataFrame, pd.PeriodIndex]:
    """Demand as a family × month matrix over a gap-free horizon (missing cells are 0)."""
    missing = {"family", "month", "units"} - set(demand.columns)
    if missing:
        raise ValueError(f"demand needs columns family, month, units; missing {sorted(missing)}")
    horizon = horizon_of(demand)
    frame = demand.assign(
        family=demand["family"].astype(str), month=pd.PeriodIndex(demand["month"], freq="M")
    )
    units = frame["units"].astype("float64")
    if units.isna().any() or (units < 0).any():
        bad = frame.loc[units.isna() | (units < 0), ["family", "month"]].iloc[0]
        raise ValueError(
            f"demand units must be numbers ≥ 0: family {bad['family']} month {bad['month']}"
        )
    matrix = (
        frame.assign(units=units)
        .pivot_table(index="family", columns="month", values="units", aggfunc="sum")
        .reindex(columns=horizon, fill_value=0.0)
        .fillna(0.0)
        .sort_index()
    )
    return matrix.astype("float64"), horizon


def capacity_matrix(
    capacity: pd.DataFrame, resources: list[str], horizon: pd.PeriodIndex
) -> pd.DataFrame:
    """Hours per resource × month over the horizon; every routed resource must be covered."""
    frame = capacity.assign(
        resource=capacity["resource"].astype(str),
        month=pd.PeriodIndex(capacity["month"], freq="M"),
        hours=capacity["hours"].astype("float64"),
    )
    frame = frame[frame["month"].isin(horizon)]
    matrix = frame.pivot_table(index="resource", columns="month", values="hours", aggfunc="sum")
    all_resources = sorted(set(matrix.index) | set(resources))
    matrix = matrix.reindex(index=all_resources, columns=horizon)
    gaps = matrix.loc[resources].isna()
    if gaps.to_numpy().any():
        lines = []
        for resource, row in gaps.iterrows():
            months = [str(m) for m in row.index[row.to_numpy()]]
            if months:
                shown = ", ".join(months[:6]) + (" …" if len(months) > 6 else "")
                lines.append(f"{resource} ({shown})")
        raise ValueError(
            "capacity has no hours for routed resources in months of the horizon: "
            + "; ".join(lines)
            + " — add capacity rows (0 hours if the resource is down)"
        )
    return matrix.fillna(0.0).astype("float64")


def routing_matrix(routings: pd.DataFrame, families: pd.Index) -> pd.DataFrame:
    """Hours per unit as a routed-family × resource matrix (families in the demand only)."""
    missing = {"family", "resource", "hours_per_unit"} - set(routings.columns)
    if missing:
        raise ValueError(
            f"routings need columns family, resource, hours_per_unit; missing {sorted(missing)}"
        )
    frame = routings.assign(
        family=routings["family"].astype(str),
        resource=routings["resource"].astype(str),
        hours_per_unit=routings["hours_per_unit"].astype("float64"),
    )
    frame = frame[frame["family"].isin(families)]
    if (frame["hours_per_unit"] < 0).any():
        raise ValueError("routings hours_per_unit must be ≥ 0")
    return (
        frame.pivot_table(
            index="family", columns="resource", values="hours_per_unit", aggfunc="sum"
        )
        .fillna(0.0)
        .sort_index()
        .sort_index(axis=1)
        .astype("float64")
    )


def opening_stock(opening_inventory: pd.Series | pd.DataFrame | None,
                  families: pd.Index) -> np.ndarray:
    """Units on hand per family (in ``families``' order) before the first month."""
    if opening_inventory is None:
        return np.zeros(len(families))
    if isinstance(opening_inventory, pd.DataFrame):
        if not {"family", "units"} <= set(opening_inventory.columns):
            raise ValueError("opening inventory frame needs columns family, units")
        series = opening_inventory.groupby(opening_inventory["family"].astype(str))["units"].sum()
    else:
        series = opening_inventory.copy()
        series.index = series.index.astype(str)
        series = series.groupby(level=0).sum()
    values = series.astype("float64").reindex(families, fill_value=0.0).fillna(0.0).to_numpy()
    if (values < 0).any():
        raise ValueError("opening inventory must be ≥ 0")
    return np.asarray(values, dtype=np.float64)


def unit_costs(costs: Mapping[str, float], families: pd.Index) -> np.ndarray:
    """Each family's unit cost for the plan's cost weights (a missing or free one counts 1)."""
    values = np.array([float(costs.get(f, 1.0)) for f in families], dtype="float64")
    # A free or unknown item would make holding and shortage costless; weigh it as 1 instead.
    values[~(values > 0)] = 1.0
    return values
