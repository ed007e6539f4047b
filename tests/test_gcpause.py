"""Full collections at quiet moments (IdleCollections): when they run, what they freeze, and
that the collector is left as it was found."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from sop_tui.gcpause import IdleCollections


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def collections() -> Iterator[tuple[IdleCollections, Clock]]:
    clock = Clock()
    idle = IdleCollections(quiet=1.0, overdue=3, clock=clock)
    thresholds = gc.get_threshold()
    gc.collect()
    gc.unfreeze()
    idle.start()
    try:
        yield idle, clock
    finally:
        idle.stop()
        gc.unfreeze()
        assert gc.get_threshold() == thresholds  # stop() put the collector back


def _make_due(times: int = IdleCollections.DUE) -> None:
    """Middle-generation collections, as allocations would trigger them."""
    for _ in range(times):
        gc.collect(1)


def test_start_keeps_the_collector_from_full_collections_on_its_own(collections) -> None:  # type: ignore[no-untyped-def]
    idle, _ = collections
    assert gc.get_threshold()[2] > 1_000_000
    _make_due(IdleCollections.DUE + 2)
    assert gc.get_count()[2] >= IdleCollections.DUE  # nothing collected them yet


def test_a_due_collection_waits_for_a_quiet_moment_then_freezes_what_survives(collections) -> None:  # type: ignore[no-untyped-def]
    idle, clock = collections
    assert idle.poll() is None  # nothing due
    _make_due()
    idle.input()
    clock.now += 0.5
    assert idle.poll() is None  # due, but a key was pressed half a second ago
    clock.now += 0.6
    assert idle.poll() == "collected"
    assert gc.get_count()[2] == 0
    assert gc.get_freeze_count() > 0  # the survivors are out of the next walks


def test_an_overdue_collection_does_not_wait(collections) -> None:  # type: ignore[no-untyped-def]
    idle, _ = collections
    _make_due(IdleCollections.DUE * 3)  # overdue=3
    idle.input()  # typing goes on
    assert idle.poll() == "collected"


def test_what_was_frozen_is_given_back_once_nothing_open_will_close(collections) -> None:  # type: ignore[no-untyped-def]
    idle, clock = collections
    _make_due()
    clock.now += 2
    assert idle.poll() == "collected"
    assert idle.poll() is None  # a meeting is open: nothing to do
    # cycles frozen with the meeting, dead once it closed: only a compaction frees them
    gc.unfreeze()
    cycles: list[list[object]] = [[] for _ in range(1000)]
    for c in cycles:
        c.append(c)
    gc.freeze()
    alive = gc.get_freeze_count()
    del cycles, c
    assert idle.poll(may_compact=True) == "compacted"
    assert gc.get_freeze_count() <= alive - 1000  # collected, not frozen again
    assert idle.poll(may_compact=True) is None  # once
