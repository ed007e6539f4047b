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

:class:`IdleCollections`: what comes after still grows during a meeting (panels swapped on
each agenda item, forms, the planning's frames): 50,000-200,000 objects, and a full
collection of them (50-240 ms) still landed on a key press every ten or so. While the app
runs, the collector makes no full collection on its own: the app makes them when nobody has
pressed a key for a moment (or, so that garbage cannot pile up under fast typing, when they
are long overdue), and freezes what survives, so that each walks only what came since the
last. What was frozen in a meeting and dies with it (the screen, its panels and their
frames) is given back when the dashboard is on top again: one full walk, thawed, at the
first quiet moment there.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
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


class IdleCollections:
    """Full collections moved from wherever an allocation triggers them to quiet moments.

    :meth:`start` raises the collector's third threshold out of reach (the young generations
    are still collected as usual: they are small); :meth:`poll`, called on a timer, makes the
    full collection when one is due and the user has been idle for ``quiet`` seconds, or when
    ``overdue`` times the usual amount has piled up, and freezes the survivors; with
    ``may_compact`` (nothing is open that will close) it first gives back everything frozen
    by earlier polls. :meth:`stop` restores the thresholds.
    """

    #: Collections of the middle generation after which the collector would have made a full
    #: collection (CPython's default third threshold).
    DUE = 10

    def __init__(self, *, quiet: float = 1.0, overdue: int = 10,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.quiet = quiet
        self.overdue = overdue
        self.clock = clock
        self.last_input = clock()
        self._thresholds: tuple[int, int, int] | None = None
        self._froze = False  # a poll froze objects that may have died since

    def start(self) -> None:
        if self._thresholds is None:
            self._thresholds = gc.get_threshold()
            first, second, _ = self._thresholds
            gc.set_threshold(first, second, 1 << 30)

    def stop(self) -> None:
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
            self._thresholds = None

    def input(self) -> None:
        """The user pressed a key or used the mouse."""
        self.last_input = self.clock()

    def poll(self, *, may_compact: bool = False) -> str | None:
        """Make the collection that is due now, if any: ``"compacted"`` (everything walked,
        given back what died while frozen), ``"collected"`` (what came since the last), or
        None."""
        idle = self.clock() - self.last_input >= self.quiet
        if self._froze and may_compact and idle:
            gc.unfreeze()
            gc.collect()
            gc.freeze()
            self._froze = False
            return "compacted"
        pending = gc.get_count()[2]  # middle-generation collections since the last full one
        if pending < self.DUE or (pending < self.DUE * self.overdue and not idle):
            return None
        gc.collect()
        gc.freeze()
        self._froze = True
        return "collected"
