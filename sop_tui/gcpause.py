"""Pausing the cyclic garbage collector while building many acyclic objects.

Reading and folding 100,000 events creates a few hundred thousand tuples, dicts and records and
no reference cycles; the collector's repeated passes over that growing heap cost as much as the
work itself. The pause is scoped, nests, and restores the collector's previous state.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Disable the cyclic collector inside the block (if it was enabled), then restore it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
