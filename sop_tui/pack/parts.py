"""The costly parts of a pack's context, kept in the store's one cache (:mod:`sop_tui.cache`).

- ``plan``: the plan of record evaluated (supply plan, dollars: SciPy's import and the LP) and
  what the pack shows of it: the plan section, its charts, its totals, the per-family figures;
- ``metrics``: the four metrics with their trend charts, the FVA and the per-family accuracy;
- ``scenarios``: the recorded scenarios' adjustments in words.

Each is keyed by its inputs (:func:`sop_tui.cache.cache_key`): the cycle, the content hash of
every import the cycle reads, the live consensus records (event ids), the part's own inputs
(the plan's scenario as recorded), the keys of the planning views it reads (so a view whose
computation changes meaning misses here too) and :data:`PACK_SCHEMA`. Anything else the pack
shows (the stamp, decisions, actions, assumptions, approvals) is read from the log on every
render. So a pack rendered again (after an approval, an action, a retraction) reads these
parts back with neither pandas nor SciPy. Entries are dicts, lists, strings, floats and SVG bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sop_tui.cache import DiskCache, cache_key
from sop_tui.cycle.planning import CyclePlanning

T = TypeVar("T")

#: Bump when a cached part changes meaning (what it holds, or how it is computed or drawn).
PACK_SCHEMA = 3


class PartCache:
    """The pack's parts of one cycle, computed once per set of inputs."""

    def __init__(self, planning: CyclePlanning) -> None:
        self.planning = planning
        self.store = DiskCache(planning.cache_dir, writable=planning.cache.writable)

    def key(self, part: str, extra: Any, views: tuple[str, ...] = ()) -> str:
        """The cache key of ``part``: the keys of the planning views it reads (their inputs
        and versions), and its own inputs ``extra``."""
        p = self.planning
        return cache_key(f"pack/{part}", {
            "cycle": p.cycle, "extra": extra,
            # every import each kind is read from, and the plans recorded before the cycle
            "data": dict(sorted(p.data_keys.items())),
            "consensus": p.consensus_key(),
            "views": {v: p.view_key(v) for v in views},
        }, schema=PACK_SCHEMA)

    def get(self, part: str, extra: Any, views: tuple[str, ...],
            compute: Callable[[], T]) -> T:
        """The part from the cache, or computed (and kept)."""
        key = self.key(part, extra, views)
        return self.store.get_or_compute(f"pack/{part}", key, compute)
