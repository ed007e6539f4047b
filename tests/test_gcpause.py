"""Full collections at quiet moments (IdleCollections): when they run, what they freeze, and
that the collector is left as it was found."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from sop_tui.gcpause import IDLE_COLLECTIONS, IdleCollections


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


pytestmark = pytest.mark.skipif(not IDLE_COLLECTIONS, reason="CPython's 3-generation collector")


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


def test_with_nothing_open_that_will_close_there_is_nothing_to_give_back(collections) -> None:  # type: ignore[no-untyped-def]
    idle, clock = collections
    _make_due()
    clock.now += 2
    assert idle.poll() == "collected"  # the dashboard alone: what survives lasts
    clock.now += 2
    assert idle.poll() is None  # no compaction after it


def test_what_was_frozen_with_a_meeting_is_given_back_once_it_has_closed(collections) -> None:  # type: ignore[no-untyped-def]
    idle, clock = collections
    meeting, other = object(), object()
    _make_due()
    clock.now += 2
    assert idle.poll([meeting]) == "collected"  # frozen while the meeting was open
    # cycles frozen with the meeting, dead once it closed: only a compaction frees them
    gc.unfreeze()
    cycles: list[list[object]] = [[] for _ in range(1000)]
    for c in cycles:
        c.append(c)
    gc.freeze()
    alive = gc.get_freeze_count()
    del cycles, c
    assert idle.poll([meeting]) is None  # still open: nothing to give back
    idle.input()
    assert idle.poll([other]) is None  # closed (another meeting open), but a key just came
    clock.now += 2
    assert idle.poll([other]) == "compacted"
    assert gc.get_freeze_count() <= alive - 1000  # collected, not frozen again
    assert idle.poll([other]) is None  # once


def test_the_threshold_is_restored_by_the_last_to_stop(collections) -> None:  # type: ignore[no-untyped-def]
    first, _ = collections
    raised = gc.get_threshold()
    second = IdleCollections()
    second.start()
    first.stop()
    assert gc.get_threshold() == raised  # the second still runs
    second.stop()
    assert gc.get_threshold()[2] < 1_000_000
    first.start()  # as the fixture expects to stop it
