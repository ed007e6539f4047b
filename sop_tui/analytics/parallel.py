"""Chunked batch work with progress, on whatever runner the caller hands in.

The analytics never start processes: a caller that wants the work spread over cores or machines
passes a *runner* (made by :func:`sop_tui.executors.open_runner`: a local process pool or a
Dask cluster); without one the work runs here, item by item. Nothing here knows about
forecasting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: The largest chunk: small enough that progress moves in steps a person sees, large enough
#: that a cluster's per-task overhead (about a millisecond a task) stays small against the
#: tens of milliseconds each series takes.
MAX_CHUNK = 25


class ChunkRunner(Protocol):
    """Where chunks run: ``cores`` to size the chunks for, ``map_unordered`` to run them."""

    @property
    def cores(self) -> int:
        """How many chunks can run at once."""
        ...

    def map_unordered(self, fn: Callable[[T], R], items: Sequence[T]
                      ) -> Iterator[tuple[int, R]]:
        """Yield ``(index, fn(items[index]))`` for every item, in any order."""
        ...


def chunked(items: Sequence[T], cores: int, per_core: int = 16) -> list[list[T]]:
    """Split ``items`` into contiguous chunks: about ``per_core`` per core, at most
    :data:`MAX_CHUNK` items each.

    Several chunks per core keep every core busy to the end when items take unequal time: the
    last core idles for at most about one chunk's time.
    """
    if not items:
        return []
    size = max(1, min(MAX_CHUNK, -(-len(items) // max(1, cores * per_core))))
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def run_chunks(
    fn: Callable[[list[T]], list[R]],
    items: Sequence[T],
    *,
    runner: ChunkRunner | None = None,
    on_chunk: Callable[[list[R]], None] | None = None,
) -> list[R]:
    """Apply ``fn`` to chunks of ``items`` and return the results in the items' order.

    Args:
        fn: a module-level function (it may be sent to another process or machine) taking a
            list of items and returning one result per item.
        items: the work.
        runner: where the chunks run; ``None`` runs them here, one item per chunk (the finest
            progress, and nothing to amortise).
        on_chunk: called here with each chunk's results as it finishes.

    Returns:
        The results, in the order of ``items``.
    """
    chunks = (chunked(items, runner.cores) if runner is not None
              else [[it] for it in items])
    results: list[list[R] | None] = [None] * len(chunks)
    done_iter: Iterator[tuple[int, list[R]]]
    if runner is None:
        done_iter = ((i, fn(c)) for i, c in enumerate(chunks))
    else:
        done_iter = runner.map_unordered(fn, chunks)
    for i, res in done_iter:
        results[i] = res
        if on_chunk is not None:
            on_chunk(res)
    return [r for chunk in results for r in chunk or []]
