"""Where batch work runs: in this process, a local process pool, or a Dask cluster.

The forecast runner (:func:`sop_tui.analytics.forecast.forecast_many`) hands its work to a
*runner*: anything with ``cores`` and ``map_unordered(fn, items)`` (see
:class:`sop_tui.analytics.parallel.ChunkRunner`). This module makes the three kinds, from one
spec string as ``--executor`` / ``SOP_EXECUTOR`` give it:

- ``"inline"``: this process, one item after the other (what the tests and the app use);
- ``None`` / ``""`` / ``"local"`` / ``"local:N"``: a ``concurrent.futures.ProcessPoolExecutor``
  of N workers (all cores by default), started with ``spawn`` so that a caller running
  threads (the app) is never forked;
- ``"tcp://HOST:PORT"`` (any Dask scheduler address): a ``distributed.Client`` on that
  cluster; results come back as they finish (``distributed.as_completed``).

It sits below every layer and imports nothing of ours; Dask is imported only when a cluster is
asked for (it is an optional dependency, ``pip install sop-tui[cluster]``).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from typing import Any, TypeVar

__all__ = ["ExecutorSpecError", "InlineRunner", "PoolRunner", "DaskRunner", "open_runner",
           "parse_spec"]

T = TypeVar("T")
R = TypeVar("R")


class ExecutorSpecError(ValueError):
    """The ``--executor`` value cannot be used (malformed, or Dask missing or unreachable)."""


class InlineRunner:
    """Runs each item in this process, in order."""

    cores = 1
    name = "inline"

    def map_unordered(self, fn: Callable[[T], R], items: Sequence[T]
                      ) -> Iterator[tuple[int, R]]:
        """Yield ``(index, fn(item))`` for every item."""
        for i, item in enumerate(items):
            yield i, fn(item)


class PoolRunner:
    """Runs items on a :class:`concurrent.futures.Executor` (a process pool, by default)."""

    def __init__(self, executor: Executor, cores: int, name: str = "local") -> None:
        self.executor = executor
        self.cores = cores
        self.name = name

    def map_unordered(self, fn: Callable[[T], R], items: Sequence[T]
                      ) -> Iterator[tuple[int, R]]:
        """Submit every item, then yield ``(index, result)`` as each finishes."""
        futures: dict[Future[R], int] = {self.executor.submit(fn, it): i
                                         for i, it in enumerate(items)}
        for fut in as_completed(futures):
            yield futures[fut], fut.result()


class DaskRunner:
    """Runs items on a Dask distributed cluster through a ``distributed.Client``."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.name = f"dask {client.scheduler.address}"
        # Threads across the cluster's workers, as the scheduler reports them now.
        self.cores = max(1, sum(client.nthreads().values()))

    def map_unordered(self, fn: Callable[[T], R], items: Sequence[T]
                      ) -> Iterator[tuple[int, R]]:
        """Submit every item to the cluster, then yield ``(index, result)`` as each finishes."""
        # Optional dependency: a DaskRunner exists only once open_runner has imported it.
        from distributed import as_completed as dask_completed

        # pure=False: two equal chunks are still two tasks (their results are what we want).
        futures = self.client.map(fn, list(items), pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        for fut in dask_completed(futures, loop=self.client.loop):
            yield index[fut.key], fut.result()


def parse_spec(spec: str | None) -> tuple[str, str | int | None]:
    """Read an executor spec: ``("inline", None)``, ``("local", N or None)`` or
    ``("dask", address)``.

    Raises:
        ExecutorSpecError: for anything else, naming what is accepted.
    """
    text = (spec or "").strip()
    if text in ("", "local"):
        return "local", None
    if text == "inline":
        return "inline", None
    if text.startswith("local:"):
        n = text.removeprefix("local:")
        if n.isdigit() and int(n) >= 1:
            return "local", int(n)
        raise ExecutorSpecError(f"executor {spec!r}: local:N needs a whole number of workers "
                                "of at least 1 (or inline, or tcp://HOST:PORT for Dask)")
    if "://" in text:
        scheme, _, rest = text.partition("://")
        if scheme in ("tcp", "tls", "ucx", "ws", "wss") and rest:
            return "dask", text
    raise ExecutorSpecError(f"executor {spec!r}: expected local, local:N, inline, or a Dask "
                            "scheduler address such as tcp://HOST:8786")


@contextmanager
def open_runner(spec: str | None = None, *, timeout: float = 10.0) -> Iterator[Any]:
    """The runner ``spec`` names, open for the ``with`` block and closed after it.

    Args:
        spec: see the module's docstring.
        timeout: seconds to wait for a Dask scheduler to answer.

    Raises:
        ExecutorSpecError: a malformed spec, Dask not installed, or no scheduler answering.
    """
    kind, arg = parse_spec(spec)
    if kind == "inline":
        yield InlineRunner()
        return
    if kind == "local":
        n = int(arg) if isinstance(arg, int) else (os.cpu_count() or 1)
        if n <= 1:
            yield InlineRunner()
            return
        with ProcessPoolExecutor(max_workers=n,
                                 mp_context=multiprocessing.get_context("spawn")) as pool:
            yield PoolRunner(pool, n)
        return
    try:
        # Optional dependency, slow to import (benchmarks/README.md): only for a cluster.
        from distributed import Client
    except ImportError as exc:
        raise ExecutorSpecError(f"executor {spec!r}: Dask is not installed "
                                "(pip install 'sop-tui[cluster]')") from exc
    try:
        client = Client(str(arg), timeout=timeout,
                        set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ExecutorSpecError(f"executor {spec!r}: no Dask scheduler answered within "
                                f"{timeout:g} s ({exc})") from exc
    try:
        yield DaskRunner(client)
    finally:
        client.close()
