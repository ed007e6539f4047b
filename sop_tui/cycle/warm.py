"""Which of a cycle's views the dashboard and the pack read, and computing the missing ones.

Provides:
- :data:`DASHBOARD_VIEWS` — the planning views the dashboard shows; :data:`PACK_VIEWS`, those
  the decision pack reads besides the plan;
- :func:`missing_views` — which of them the planning's on-disk cache cannot answer yet;
- :func:`compute` / :func:`warm_here` — compute them (each is kept in the planning's cache), for
  the commands that change the data (``sop import``, ``sop demo``): the next launch then finds
  its dashboard computed. The app computes what is still missing in its own thread workers.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.workspace import Workspace
from sop_tui.data.store import MissingData

#: The planning views the dashboard's cards read (plain values; see CyclePlanning).
DASHBOARD_VIEWS: tuple[str, ...] = ("metric_values", "trend_series", "baseline_totals",
                                    "plan_status")

#: The views the decision pack reads besides the plan (its metrics, FVA and appendix).
PACK_VIEWS: tuple[str, ...] = ("trend", "metrics", "fva", "family_accuracy")


def missing_views(planning: CyclePlanning, views: Sequence[str] = DASHBOARD_VIEWS) -> list[str]:
    """The views in ``views`` that the planning's cache does not hold under their current key
    (all of them when the planning has no cache)."""
    return [v for v in views if not planning.is_cached(v)]


def compute(planning: CyclePlanning, views: Sequence[str]) -> None:
    """Compute ``views`` (each is stored in the planning's cache as it is computed)."""
    for view in views:
        getattr(planning, view)


def warm_here(ws: Workspace, cache_dir: Path,
              views: Sequence[str] = DASHBOARD_VIEWS) -> list[str]:
    """Compute, in this process, the views the cache lacks for the current cycle; return them.

    For commands that change the data (``sop import``, ``sop demo``): they have pandas loaded
    already, and the next launch then finds its dashboard computed. Views whose data is not
    all imported yet are skipped (the dashboard says what is missing).
    """
    if ws.state().current is None:
        return []
    planning = CyclePlanning(ws, cache_dir=cache_dir)
    done = []
    for view in missing_views(planning, views):
        try:
            getattr(planning, view)
        except MissingData:
            continue
        done.append(view)
    return done
