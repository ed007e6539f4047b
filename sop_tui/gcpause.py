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
frames) is given back once that meeting has closed: one full walk, thawed, at the next quiet
moment.
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable, Iterable, Iterator
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


#: Where the idle collections apply: CPython's three-generation collector, as in 3.11-3.13
#: (3.14 collects its old generation incrementally; there the collector is left as it is).
IDLE_COLLECTIONS = (sys.implementation.name == "cpython" and sys.version_info < (3, 14)
                    and len(gc.get_threshold()) == 3)

_raised = 0  # IdleCollections started and not stopped (the threshold is process-wide)
_saved: tuple[int, ...] = ()


class IdleCollections:
    """Full collections moved from wherever an allocation triggers them to quiet moments.

    :meth:`start` raises the collector's third threshold out of reach (the young generations
    are still collected as usual: they are small); :meth:`poll`, called on a timer, makes the
    full collection when one is due and the user has been idle for ``quiet`` seconds, or when
    ``overdue`` times the usual amount has piled up, and freezes the survivors. It is told what
    is open that will close (a meeting screen, say): once something that was open at a freeze
    has closed, the next quiet poll gives everything back to the collector, collects, and
    freezes again. :meth:`stop` restores the thresholds (with several started in a process, the
    last to stop does).
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
        self._started = False
        self._frozen_with: set[int] = set()  # ids of what was open (and will close) at a freeze

    def start(self) -> None:
        global _raised, _saved
        if self._started or not IDLE_COLLECTIONS:
            return
        if _raised == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(_saved[0], _saved[1], 1 << 30)
        _raised += 1
        self._started = True

    def stop(self) -> None:
        global _raised
        if not self._started:
            return
        self._started = False
        _raised -= 1
        if _raised == 0:
            gc.set_threshold(*_saved)

    def input(self) -> None:
        """The user pressed a key or used the mouse."""
        self.last_input = self.clock()

    @property
    def idle(self) -> bool:
        """True when no key or mouse event came for ``quiet`` seconds."""
        return self.clock() - self.last_input >= self.quiet

    def poll(self, open_now: Iterable[object] = ()) -> str | None:
        """Make the collection that is due now, if any: ``"compacted"`` (everything walked:
        what died while frozen is given back), ``"collected"`` (what came since the last), or
        None. ``open_now``: what is open now and will close later."""
        if not self._started:
            return None
        idle = self.idle
        now = {id(o) for o in open_now}
        if idle and self._frozen_with - now:  # something frozen with the objects has closed
            gc.unfreeze()
            gc.collect()
            gc.freeze()
            self._frozen_with = now
            return "compacted"
        pending = gc.get_count()[2]  # middle-generation collections since the last full one
        if pending < self.DUE or (pending < self.DUE * self.overdue and not idle):
            return None
        gc.collect()
        gc.freeze()
        self._frozen_with |= now
        return "collected"
