"""The cycle's bake-off: the statistical forecast against the people's, on one segment's items.

The seam between a cycle's planning data and :mod:`sop_tui.analytics.bakeoff`, shared by
``sop bakeoff`` and the demand review's bake-off panel.
"""

from __future__ import annotations

from sop_tui.analytics.bakeoff import Bakeoff, bakeoff
from sop_tui.cycle.planning import CyclePlanning

#: The ABC-XYZ segments a bake-off can be run on (``AX``: valuable and stable).
SEGMENTS = tuple(a + x for a in "ABC" for x in "XYZ")


def cycle_bakeoff(planning: CyclePlanning, segment: str = "AX", *, window: int = 6) -> Bakeoff:
    """The bake-off of ``segment``'s items over the ``window`` months before the cycle.

    Raises:
        ValueError: for a segment that is not one of :data:`SEGMENTS`.
        MissingData: when items, actuals or the forecast history are not imported.
    """
    if segment not in SEGMENTS:
        raise ValueError(f"segment must be one of {', '.join(SEGMENTS)}, not {segment!r}")
    planning.require("items", "actuals", "forecast_history")
    seg = planning.segments
    skus = sorted(seg.loc[seg["segment"] == segment, "sku"].astype(str))
    d = planning.data
    return bakeoff(d["forecast_history"], d["actuals"], d["items"], skus, planning.cycle,
                   window=window)
