"""The views behind the agenda items that ask a question of the data, one function each.

Each takes the cycle's :class:`~sop_tui.cycle.planning.CyclePlanning` and returns a plain frame
(codes as ``str``, numbers as float64, no index): :class:`CyclePlanning` exposes them as
properties (and caches them), so the app's panels, the CLI and the pack read the same numbers.

- :func:`attainment_by_family` — "Where did production miss plan?" (supply review);
- :func:`eo_by_family` — "Which families carry the excess?" (supply review);
- :func:`phase_out_stock` — "How much stock is left on each phase-out item?" (portfolio);
- :func:`segment_changes` — "Which items changed segment?" (portfolio).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from sop_tui.analytics import inventory, metrics, segments
from sop_tui.data.store import require

if TYPE_CHECKING:
    from sop_tui.cycle.planning import CyclePlanning


def attainment_by_family(p: CyclePlanning) -> pd.DataFrame:
    """Plan attainment per family, last month (``C-1``) and the trailing 12 months.

    See :func:`sop_tui.analytics.metrics.attainment_by_family`: the families that missed most
    last month first, ``TOTAL`` last.
    """
    require(p.data, "production")
    return metrics.attainment_by_family(p.data["production"], p.cycle)


def eo_by_family(p: CyclePlanning) -> pd.DataFrame:
    """E&O per family against this cycle's demand plan, the families carrying most first.

    See :func:`sop_tui.analytics.inventory.eo_by_family`; it reconciles with
    :attr:`CyclePlanning.excess_obsolete` (the same forward forecast, the same horizon).
    """
    d = p.data
    require(d, "items", "actuals", "inventory")
    return inventory.eo_by_family(d["inventory"], d["items"], p.forward_sku_forecast,
                                  start=p.period)


def phase_out_stock(p: CyclePlanning) -> pd.DataFrame:
    """Phase-out items with their stock in units and dollars, the most valuable first.

    ``left_over_*`` is what the next 12 months of this cycle's plan (split to items by their
    trailing share) does not take. See :func:`sop_tui.analytics.inventory.phase_out_stock`.
    """
    d = p.data
    require(d, "items", "actuals", "inventory")
    return inventory.phase_out_stock(d["inventory"], d["items"], p.forward_sku_forecast,
                                     start=p.period)


def segment_changes(p: CyclePlanning) -> pd.DataFrame:
    """Items whose ABC-XYZ segment moved since the last cycle.

    The last cycle's segments are recomputed from the same data over the trailing window one
    month earlier (through ``C-2``), as that cycle computed them; the data of a cycle is the
    newest import as of it, so a correction imported since is taken into account on both sides.
    See :func:`sop_tui.analytics.segments.segment_changes`.
    """
    d = p.data
    require(d, "items", "actuals")
    before = segments.segment_items(d["items"], d["actuals"], p.through - 1)
    changes = segments.segment_changes(before, p.segments)
    description = d["items"].drop_duplicates("sku").set_index("sku").get("description")
    if description is not None:
        changes.insert(1, "description",
                       changes["sku"].map(description).fillna("").astype(object))
    return changes
