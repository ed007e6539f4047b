"""ABC-XYZ segmentation: which items to plan with care and which to run on simple rules.

- ABC ranks items by trailing-12-month revenue (units × ``unit_price``). Walking down the ranking,
  an item is A while the revenue *ahead* of it is below ``a_share`` of the total (so the top item
  is always A, and the item that crosses the line belongs to the class it completes), B while it
  is below ``a_share + b_share``, C after that. Items with no revenue are C.
- XYZ classes the coefficient of variation (population standard deviation / mean) of monthly
  units over the same 12 months, months without a sale counting as zero: X ≤ ``x_max`` < Y ≤
  ``y_max`` < Z. Items with zero mean demand are Z (their CV is undefined and left NaN).
- Each of the nine cells gets a planning policy, a planning level (``sku_statistical``,
  ``family_share`` or ``reorder_point``) and, for reorder-point cells, a reorder point:
  mean monthly demand × lead time + z × std × sqrt(lead time).

Everything is configurable through :class:`SegmentPolicy`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from sop_tui.analytics import timeframe as tf

ABC = ("A", "B", "C")
XYZ = ("X", "Y", "Z")
SEGMENTS = tuple(a + x for a in ABC for x in XYZ)

DEFAULT_POLICIES: Mapping[str, str] = MappingProxyType(
    {
        "AX": "statistical forecast + planner review",
        "AY": "statistical forecast + planner review + safety stock",
        "AZ": "collaborative forecast (sales input) + planner review + safety stock",
        "BX": "statistical forecast, automated",
        "BY": "statistical forecast + safety stock",
        "BZ": "family-share forecast + safety stock",
        "CX": "statistical forecast, automated, periodic review",
        "CY": "simple rule + periodic review",
        "CZ": "simple rule + reorder point",
    }
)

SEGMENT_COLUMNS = (
    "sku",
    "family",
    "revenue_12m",
    "abc",
    "cv",
    "xyz",
    "segment",
    "policy",
    "planning_level",
    "reorder_point",
)
MATRIX_COLUMNS = ("abc", "xyz", "segment", "items", "revenue_12m", "revenue_share")


@dataclass(frozen=True)
class SegmentPolicy:
    """Thresholds and rules of the ABC-XYZ segmentation.

    Attributes:
        a_share: cumulative revenue share of the A class (0.80).
        b_share: share of the B class after A (0.15; C takes the rest).
        x_max: highest CV of an X item (0.5).
        y_max: highest CV of a Y item (1.0); above is Z.
        months: the trailing window in months (12).
        policies: the policy text of each cell, keyed ``"AX"`` .. ``"CZ"``.
        sku_statistical_cells: cells planned by a statistical forecast per SKU.
        reorder_point_cells: cells run on a reorder point (get one computed).
        lead_time_months: replenishment lead time for the reorder point.
        service_z: the safety factor z (1.65 ≈ 95 % cycle service).
    """

    a_share: float = 0.80
    b_share: float = 0.15
    x_max: float = 0.5
    y_max: float = 1.0
    months: int = 12
    policies: Mapping[str, str] = field(default_factory=lambda: DEFAULT_POLICIES)
    sku_statistical_cells: frozenset[str] = frozenset({"AX"})
    reorder_point_cells: frozenset[str] = frozenset({"CZ"})
    lead_time_months: float = 1.0
    service_z: float = 1.65

    def __post_init__(self) -> None:
        if not (0 < self.a_share <= 1 and 0 <= self.b_share and self.a_share + self.b_share <= 1):
            raise ValueError("need 0 < a_share, 0 <= b_share and a_share + b_share <= 1")
        if not 0 <= self.x_max <= self.y_max:
            raise ValueError("need 0 <= x_max <= y_max")
        if self.lead_time_months < 0 or self.months < 1:
            raise ValueError("lead time must be >= 0 and the window at least one month")
        missing = set(SEGMENTS) - set(self.policies)
        if missing:
            raise ValueError(f"policies missing for cells: {sorted(missing)}")


def _monthly_units(actuals: pd.DataFrame, skus: pd.Index, through: tf.MonthLike,
                   months: int) -> np.ndarray:
    """A (sku × month) array of units over the trailing window, zeros where nothing shipped."""
    span = tf.trailing(through, months)
    lo = int(span[0].ordinal)
    m = tf.ordinals(actuals["month"]) if not actuals.empty else np.empty(0, np.int64)
    keep = (m >= lo) & (m < lo + months)
    row = skus.get_indexer(actuals["sku"].to_numpy()[keep])
    col = m[keep] - lo
    units = actuals["units"].to_numpy(dtype=np.float64)[keep]
    known = row >= 0  # shipments of SKUs not in the item master have no price: left out
    grid = np.zeros((len(skus), months), dtype=np.float64)
    np.add.at(grid, (row[known], col[known]), units[known])
    return grid


def segment_items(
    items: pd.DataFrame,
    actuals: pd.DataFrame,
    through: tf.MonthLike,
    policy: SegmentPolicy | None = None,
) -> pd.DataFrame:
    """Classify every item ABC (revenue) × XYZ (variability) and give it a policy.

    Args:
        items: the ``items`` kind (sku, family, unit_price).
        actuals: the ``actuals`` kind.
        through: the last month of the trailing window (normally the cycle's ``C-1``).
        policy: thresholds and rules; default :class:`SegmentPolicy()`.

    Returns:
        One row per item, highest revenue first. Columns: sku, family, revenue_12m, abc, cv
        (NaN for zero mean), xyz, segment (``"AX"`` .. ``"CZ"``), policy, planning_level
        (``sku_statistical`` / ``family_share`` / ``reorder_point``), reorder_point (units; NaN
        outside the reorder-point cells).
    """
    pol = policy if policy is not None else SegmentPolicy()
    it = items.drop_duplicates("sku")[["sku", "family", "unit_price"]].reset_index(drop=True)
    skus = pd.Index(it["sku"].to_numpy())
    grid = _monthly_units(actuals, skus, through, pol.months)
    total_units = grid.sum(axis=1)
    mean = total_units / pol.months
    std = grid.std(axis=1, ddof=0)
    revenue = total_units * it["unit_price"].to_numpy(dtype=np.float64)

    # Rank by revenue (ties by SKU, so the classes never depend on input order).
    order = np.lexsort((it["sku"].to_numpy().astype(str), -revenue))
    rev_sorted = revenue[order]
    total = rev_sorted.sum()
    ahead = np.concatenate(([0.0], np.cumsum(rev_sorted)[:-1]))
    share_ahead = ahead / total if total > 0 else np.ones_like(ahead)
    abc_sorted = np.where(
        share_ahead < pol.a_share - 1e-12,
        "A",
        np.where(share_ahead < pol.a_share + pol.b_share - 1e-12, "B", "C"),
    )
    abc_sorted = np.where(rev_sorted > 0, abc_sorted, "C")

    with np.errstate(divide="ignore", invalid="ignore"):
        cv = np.where(mean > 0, std / np.where(mean > 0, mean, 1.0), np.nan)
    xyz = np.where(
        mean <= 0, "Z", np.where(cv <= pol.x_max, "X", np.where(cv <= pol.y_max, "Y", "Z"))
    )

    out = pd.DataFrame(
        {
            "sku": it["sku"].to_numpy()[order],
            "family": it["family"].to_numpy()[order],
            "revenue_12m": rev_sorted,
            "abc": abc_sorted,
            "cv": cv[order],
            "xyz": xyz[order],
        }
    )
    out["segment"] = out["abc"] + out["xyz"]
    out["policy"] = out["segment"].map(dict(pol.policies))
    seg = out["segment"]
    out["planning_level"] = np.where(
        seg.isin(pol.reorder_point_cells),
        "reorder_point",
        np.where(seg.isin(pol.sku_statistical_cells), "sku_statistical", "family_share"),
    )
    lt = pol.lead_time_months
    rop = mean[order] * lt + pol.service_z * std[order] * np.sqrt(lt)
    out["reorder_point"] = np.where(seg.isin(pol.reorder_point_cells), rop, np.nan)
    for col in ("sku", "family", "abc", "xyz", "segment", "policy", "planning_level"):
        out[col] = out[col].astype(object)
    return out[list(SEGMENT_COLUMNS)]


def segment_matrix(segments: pd.DataFrame) -> pd.DataFrame:
    """Counts and revenue in each of the nine ABC-XYZ cells.

    Args:
        segments: the output of :func:`segment_items`.

    Returns:
        Nine rows, AX .. CZ (empty cells included). Columns: abc, xyz, segment, items,
        revenue_12m, revenue_share (of all items' revenue; NaN when there is none).
    """
    g = segments.groupby("segment")
    items = g.size().reindex(list(SEGMENTS), fill_value=0).astype(np.int64)
    rev = g["revenue_12m"].sum().reindex(list(SEGMENTS), fill_value=0.0).astype(np.float64)
    total = float(rev.sum())
    return pd.DataFrame(
        {
            "abc": [s[0] for s in SEGMENTS],
            "xyz": [s[1] for s in SEGMENTS],
            "segment": list(SEGMENTS),
            "items": items.to_numpy(),
            "revenue_12m": rev.to_numpy(),
            "revenue_share": rev.to_numpy() / total if total > 0 else np.nan,
        }
    )


SEGMENT_CHANGE_COLUMNS = ("sku", "family", "from_segment", "to_segment", "from_policy",
                          "to_policy", "revenue_12m")


def segment_changes(previous: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """The items whose ABC-XYZ segment differs between two segmentations.

    Args:
        previous: :func:`segment_items` as the last cycle computed it.
        current: :func:`segment_items` of this cycle.

    Returns:
        One row per item that moved (an item new to ``current`` has ``from_segment`` "" ), the
        highest current revenue first. Columns: sku, family, from_segment, to_segment,
        from_policy, to_policy, revenue_12m (this cycle's).
    """
    before = previous.drop_duplicates("sku").set_index("sku")
    now = current.drop_duplicates("sku")
    from_segment = now["sku"].map(before["segment"]).fillna("").astype(object)
    moved = now[from_segment.to_numpy() != now["segment"].to_numpy()]
    out = pd.DataFrame({
        "sku": moved["sku"].to_numpy(dtype=object),
        "family": moved["family"].to_numpy(dtype=object),
        "from_segment": from_segment[moved.index].to_numpy(dtype=object),
        "to_segment": moved["segment"].to_numpy(dtype=object),
        "from_policy": moved["sku"].map(before["policy"]).fillna("").to_numpy(dtype=object),
        "to_policy": moved["policy"].to_numpy(dtype=object),
        "revenue_12m": moved["revenue_12m"].to_numpy(dtype=np.float64),
    })
    out = out.sort_values(["revenue_12m", "sku"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)[list(SEGMENT_CHANGE_COLUMNS)]
