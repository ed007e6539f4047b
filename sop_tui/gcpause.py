"""Keeping the cyclic garbage collector off the app's long-lived objects.

:func:`paused_gc`: reading and folding 100,000 events creates a few hundred thousand tuples,
dicts and records and no reference cycles; the collector's repeated passes over that growing
heap cost as much as the work itself. The pause is scoped, nests, and restores the collector's
previous state.

:func:`freeze_settled`: what the app holds once it has started (modules, classes, Textual's
machinery, the dashboard, later pandas and the planning) lives as long as the app. Left
tracked, every full collection walks it again: ~170,000 objects in a meeting, a 150-250 ms
pause landing on whichever key press allocates next. Frozen, a full collection walks only
what came after.
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


def freeze_settled() -> None:
    """Move every object the collector tracks now out of its reach (``gc.freeze``).

    Instant (it moves lists, it does not walk them). Call it where what exists is meant to
    last as long as the process — not while short-lived screens hold cycles, which frozen
    would never be collected.
    """
    gc.freeze()


def thaw_frozen() -> None:
    """Give every frozen object back to the collector (``gc.unfreeze``), for when what was
    meant to last ends while the process goes on."""
    gc.unfreeze()
