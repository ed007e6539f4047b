"""Units to dollars: family prices, plan revenue/cost/margin, inventory value, the revenue gap.

Provides:
- :func:`family_prices` — each family's unit price and cost, the trailing-12-month unit-weighted
  average of its SKUs (the simple mean where a family sold nothing);
- :func:`plan_dollars` — revenue, cost and margin of a plan in units, with optional price changes;
- :func:`inventory_value` — units on hand (per family or per SKU) times unit cost;
- :func:`revenue_gap` / :func:`revenue_gap_total` — the plan's revenue against the finance
  target, month by month and in total (gap = target − revenue: positive means short).

Pure functions over frames shaped as ``sop_tui.data.schema`` says (codes ``str``, months
``period[M]``, numbers float64).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

PRICE_COLUMNS = ("family", "unit_price", "unit_cost")
DOLLAR_COLUMNS = ("family", "month", "units", "revenue", "cost", "margin")
GAP_COLUMNS = ("month", "revenue", "revenue_target", "gap")

# The wildcard that applies a price change to every family.
ALL = "*"


def _require(frame: pd.DataFrame, columns: tuple[str, ...] | set[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} needs columns {', '.join(columns)}; missing {missing}")


def family_prices(
    items: pd.DataFrame, actuals: pd.DataFrame, through: pd.Period | str
) -> pd.DataFrame:
    """Each family's unit price and unit cost from its SKUs.

    The average is weighted by the units each SKU sold in the 12 months ending with ``through``
    (inclusive), so the family price reflects the mix actually sold. A family with no sales in
    that window takes the simple mean of its SKUs' prices and costs.

    Args:
        items: the item master ``[sku, family, unit_price, unit_cost, ...]``.
        actuals: ``[sku, month, units]``.
        through: the last complete month of the window (a ``Period`` or ``"YYYY-MM"``).

    Returns:
        ``[family, unit_price, unit_cost]``, one row per family of ``items``, sorted by family.
    """
    _require(items, ("sku", "family", "unit_price", "unit_cost"), "items")
    _require(actuals, ("sku", "month", "units"), "actuals")
    end = pd.Period(through, freq="M")
    months = pd.PeriodIndex(actuals["month"], freq="M")
    window = actuals.loc[(months > end - 12) & (months <= end)]
    sold = window.groupby(window["sku"].astype(str))["units"].sum().astype("float64")

    frame = items.assign(
        sku=items["sku"].astype(str),
        family=items["family"].astype(str),
        unit_price=items["unit_price"].astype("float64"),
        unit_cost=items["unit_cost"].astype("float64"),
    )
    frame["weight"] = frame["sku"].map(sold).fillna(0.0).clip(lower=0.0)
    frame["price_x"] = frame["unit_price"] * frame["weight"]
    frame["cost_x"] = frame["unit_cost"] * frame["weight"]
    grouped = frame.groupby("family", sort=True).agg(
        weight=("weight", "sum"),
        price_x=("price_x", "sum"),
        cost_x=("cost_x", "sum"),
        mean_price=("unit_price", "mean"),
        mean_cost=("unit_cost", "mean"),
    )
    sold_any = grouped["weight"] > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        price = np.where(sold_any, grouped["price_x"] / grouped["weight"], grouped["mean_price"])
        cost = np.where(sold_any, grouped["cost_x"] / grouped["weight"], grouped["mean_cost"])
    return pd.DataFrame(
        {
            "family": grouped.index.to_numpy(dtype=object),
            "unit_price": price.astype("float64"),
            "unit_cost": cost.astype("float64"),
        }
    )


def _price_multiplier(
    families: pd.Series, price_change: Mapping[str, float] | pd.Series | None
) -> np.ndarray:
    """1 + change per row; the ``"*"`` change applies to all and compounds with a family's own."""
    if price_change is None:
        return np.ones(len(families))
    changes = dict(price_change.items())
    every = 1.0 + float(changes.pop(ALL, 0.0))
    own = families.map(lambda f: 1.0 + float(changes.get(f, 0.0))).to_numpy(dtype="float64")
    return np.asarray(every * own, dtype=np.float64)


def plan_dollars(
    plan: pd.DataFrame,
    prices: pd.DataFrame,
    *,
    price_change: Mapping[str, float] | pd.Series | None = None,
) -> pd.DataFrame:
    """Revenue, cost and margin of a plan in units.

    Args:
        plan: ``[family, month, units]``.
        prices: ``[family, unit_price, unit_cost]`` (see :func:`family_prices`).
        price_change: fractional price change per family (``0.03`` = +3 %), ``"*"`` for every
            family; a family's own change compounds with the ``"*"`` one. Costs do not change.

    Returns:
        ``[family, month, units, revenue, cost, margin]`` in the plan's row order, where
        ``revenue = units × unit_price × (1 + change)``, ``cost = units × unit_cost`` and
        ``margin = revenue − cost``.

    Raises:
        ValueError: if a family of the plan has no price.
    """
    _require(plan, ("family", "month", "units"), "plan")
    _require(prices, PRICE_COLUMNS, "prices")
    table = prices.assign(family=prices["family"].astype(str)).set_index("family")
    families = plan["family"].astype(str)
    unknown = sorted(set(families) - set(table.index))
    if unknown:
        raise ValueError(f"no price for families: {', '.join(unknown)}")
    units = plan["units"].astype("float64").to_numpy()
    price = families.map(table["unit_price"]).to_numpy(dtype="float64")
    cost = families.map(table["unit_cost"]).to_numpy(dtype="float64")
    revenue = units * price * _price_multiplier(families, price_change)
    cost_total = units * cost
    return pd.DataFrame(
        {
            "family": families.to_numpy(dtype=object),
            "month": pd.PeriodIndex(plan["month"], freq="M"),
            "units": units,
            "revenue": revenue,
            "cost": cost_total,
            "margin": revenue - cost_total,
        }
    )


def inventory_value(inventory: pd.DataFrame, costs: pd.DataFrame) -> pd.DataFrame:
    """Units on hand times unit cost, per family or per SKU.

    Args:
        inventory: a frame keyed by ``family`` or ``sku`` (plus any other columns, e.g.
            ``month``), with the units in ``units``, ``inventory`` or ``on_hand_units``.
        costs: ``[family, unit_cost]`` or ``[sku, unit_cost]`` (the family prices or the item
            master), keyed like ``inventory``.

    Returns:
        ``inventory`` with ``unit_cost`` and ``value = units × unit_cost`` appended.

    Raises:
        ValueError: if the frames share no key, no units column is found, or a key has no cost.
    """
    key = next((k for k in ("sku", "family") if k in inventory.columns), None)
    if key is None or key not in costs.columns or "unit_cost" not in costs.columns:
        raise ValueError(
            "inventory_value needs inventory and costs keyed by the same column "
            "(sku or family), and costs with a unit_cost column"
        )
    column = next((c for c in ("units", "inventory", "on_hand_units") if c in inventory), None)
    if column is None:
        raise ValueError("inventory needs a units, inventory or on_hand_units column")
    table = costs.assign(**{key: costs[key].astype(str)}).set_index(key)["unit_cost"]
    keys = inventory[key].astype(str)
    unknown = sorted(set(keys) - set(table.index))
    if unknown:
        raise ValueError(f"no unit cost for {key}: {', '.join(unknown)}")
    unit_cost = keys.map(table).astype("float64")
    return inventory.assign(
        unit_cost=unit_cost.to_numpy(),
        value=inventory[column].astype("float64").to_numpy() * unit_cost.to_numpy(),
    )


def revenue_gap(plan_dollars: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """The plan's revenue against the finance target, month by month.

    Args:
        plan_dollars: ``[month, revenue, ...]`` (see :func:`plan_dollars`).
        targets: ``[month, revenue_target]``.

    Returns:
        ``[month, revenue, revenue_target, gap]``, one row per month of the plan, sorted, where
        ``gap = revenue_target − revenue`` (positive: short of target). A month with no target
        has NaN target and gap.
    """
    _require(plan_dollars, ("month", "revenue"), "plan_dollars")
    _require(targets, ("month", "revenue_target"), "targets")
    revenue = plan_dollars.groupby(pd.PeriodIndex(plan_dollars["month"], freq="M"))["revenue"].sum()
    target = targets.groupby(pd.PeriodIndex(targets["month"], freq="M"))["revenue_target"].sum()
    target = target.reindex(revenue.index).astype("float64")
    return pd.DataFrame(
        {
            "month": pd.PeriodIndex(revenue.index, freq="M"),
            "revenue": revenue.to_numpy(dtype="float64"),
            "revenue_target": target.to_numpy(),
            "gap": (target - revenue).to_numpy(dtype="float64"),
        }
    )


def revenue_gap_total(gap: pd.DataFrame) -> dict[str, float]:
    """The horizon total of a :func:`revenue_gap` frame, over the months that have a target.

    Months without a target are left out of all three sums, so revenue and target cover the
    same months.

    Returns:
        ``{"revenue", "revenue_target", "gap", "months"}`` (``months``: how many were summed).
    """
    known = gap[gap["revenue_target"].notna()]
    return {
        "revenue": float(known["revenue"].sum()),
        "revenue_target": float(known["revenue_target"].sum()),
        "gap": float(known["gap"].sum()),
        "months": float(len(known)),
    }
