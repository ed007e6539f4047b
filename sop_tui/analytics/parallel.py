"""A chunked process pool with progress, and a small on-disk JSON cache.

Used by :func:`sop_tui.analytics.forecast.forecast_many`; generic enough for any other
embarrassingly parallel analytics. Nothing here knows about forecasting.

Workers are started with the ``forkserver`` method where the platform has it (``spawn``
elsewhere): forking the caller directly is unsafe when the caller runs threads (the TUI runs
its forecasts in a worker thread), and the fork server, which preloads the modules the work
needs, keeps each worker's start-up to a fork instead of a fresh import of statsmodels.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

Progress = Callable[[int, int], None]


# Each worker runs single-threaded numerical code; letting every worker's BLAS start one thread
# per core oversubscribes the machine (measured: 40 series took 18.8 s instead of 8.5 s on 2
# cores). BLAS reads these when it loads, so they are set for the fork server's start only.
_ONE_THREAD = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _context(preload: Sequence[str]) -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    from multiprocessing import forkserver

    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(list(preload))
    saved = {k: os.environ.get(k) for k in _ONE_THREAD}
    try:
        for k in _ONE_THREAD:
            os.environ.setdefault(k, "1")
        # Start the server now (a no-op when it runs already) so it inherits the settings.
        forkserver.ensure_running()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return ctx


def chunked(items: Sequence[T], workers: int, per_worker: int = 8) -> list[list[T]]:
    """Split ``items`` into about ``workers * per_worker`` contiguous chunks.

    Several chunks per worker keep the cores busy to the end when series take unequal time (with
    eight, the last core idles for at most about a sixteenth of a two-worker run), while each
    chunk is still large enough to amortise sending it to a process (the pool's processes are
    reused, so the per-chunk cost is only the pickling of its items and results).
    """
    if not items:
        return []
    # ...but no chunk over 10 items, so progress on a long run moves in small steps.
    n_chunks = max(1, min(len(items), max(workers * per_worker, -(-len(items) // 10))))
    size = -(-len(items) // n_chunks)
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def run_chunks(
    fn: Callable[[list[T]], list[R]],
    items: Sequence[T],
    *,
    workers: int | None = None,
    on_chunk: Callable[[list[R]], None] | None = None,
    preload: Sequence[str] = (),
) -> list[R]:
    """Apply ``fn`` to chunks of ``items`` across processes and return the results in order.

    Args:
        fn: a module-level function taking a list of items and returning one result per item.
        items: the work.
        workers: processes to use (``None``: all cores). ``1`` (or a single chunk's worth of
            work) runs in this process, which is what the tests use.
        on_chunk: called in this process with each chunk's results as it finishes.
        preload: modules the fork server imports once, before forking workers.

    Returns:
        The results, in the order of ``items``.
    """
    workers = workers or os.cpu_count() or 1
    if workers <= 1 or len(items) <= 1:
        out: list[R] = []
        # In process there is nothing to amortise: one item at a time gives the finest progress.
        for item in items:
            res = fn([item])
            out.extend(res)
            if on_chunk is not None:
                on_chunk(res)
        return out
    chunks = chunked(items, workers)
    results: list[list[R] | None] = [None] * len(chunks)
    with ProcessPoolExecutor(max_workers=min(workers, len(chunks)),
                             mp_context=_context(preload)) as pool:
        pending: dict[Future[list[R]], int] = {pool.submit(fn, c): i
                                               for i, c in enumerate(chunks)}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                i = pending.pop(fut)
                results[i] = fut.result()
                if on_chunk is not None:
                    on_chunk(results[i])
    return [r for chunk in results for r in chunk or []]


class JsonCache:
    """A directory of JSON documents keyed by a hash, written atomically.

    A missing or unreadable entry is a miss (the work is simply redone and rewritten); the
    cache never raises on read.
    """

    def __init__(self, root: str | os.PathLike[str], namespace: str) -> None:
        self.dir = Path(root) / namespace

    def _path(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.json"

    def get(self, key: str) -> Any | None:
        """Return the document stored under ``key``, or ``None``."""
        path = self._path(key)
        try:
            with path.open(encoding="utf-8") as fh:
                return json.load(fh)
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            # A torn or corrupt entry (e.g. a crash mid-write on a filesystem without atomic
            # rename) is treated as a miss; the next put overwrites it.
            return None

    def put(self, key: str, doc: Any) -> None:
        """Store ``doc`` under ``key`` (write to a temporary file, then rename)."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(doc, fh, separators=(",", ":"), allow_nan=True)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
