"""Shared fixtures: a fixed clock, and an event log on each backend (memory and file)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pg_server import pg_server  # noqa: F401  (the session's PostgreSQL server, a fixture)

from sop_tui.cycle.demo_run import build_demo_store
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.log import EventLog

os.environ.setdefault("SOP_ACTOR", "tester")


class FixedClock:
    """A clock that ticks one second each time it is read: deterministic and ordered."""

    def __init__(self, start: datetime = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        current = self.now
        self.now = current + timedelta(seconds=1)
        return current


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture(params=["memory", "file", "postgresql"])
def log(request: pytest.FixtureRequest, tmp_path: Path, clock: FixedClock) -> Iterator[EventLog]:
    """The same tests run on an in-memory and a file SQLite database, and on PostgreSQL (a
    schema of its own on the session's server; skipped, saying so, where there is none)."""
    if request.param == "postgresql":
        server = request.getfixturevalue("pg_server")
        url = server.new_schema(server.shared_database())
    else:
        url = "sqlite://" if request.param == "memory" else f"sqlite:///{tmp_path / 'sop.db'}"
    lg = EventLog(url, clock=clock)
    yield lg
    lg.close()


@pytest.fixture
def file_log(tmp_path: Path, clock: FixedClock) -> Iterator[EventLog]:
    lg = EventLog(f"sqlite:///{tmp_path / 'sop.db'}", clock=clock)
    yield lg
    lg.close()


@pytest.fixture
def ws(log: EventLog, clock: FixedClock) -> Workspace:
    w = Workspace(log, actor="tester", clock=clock)
    w.open_cycle("2026-12")
    return w


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo company's store, built once per test session (per xdist worker).

    Tests must not write to it: use :func:`demo_ws`, which works on a private copy.
    """
    root = tmp_path_factory.mktemp("demo-store")
    log = EventLog(f"sqlite:///{root / 'sop.db'}",
                   clock=FixedClock(datetime(2026, 12, 1, 8, 0, tzinfo=UTC)))
    build_demo_store(Workspace(log, actor="demo"), root / "demo", seed=7)
    log.close()
    return root / "sop.db"


@pytest.fixture
def demo_store(demo_db: Path, tmp_path: Path) -> Path:
    """A store folder holding a private copy of the demo store (for the CLI's tests)."""
    s = tmp_path / "store"
    s.mkdir()
    shutil.copyfile(demo_db, s / "sop.db")
    return s


@pytest.fixture
def demo_ws(demo_db: Path, tmp_path: Path, clock: FixedClock) -> Workspace:
    """A workspace on a private copy of the demo store (cycle 2026-12 open, data imported)."""
    target = tmp_path / "store" / "sop.db"
    target.parent.mkdir(parents=True)
    shutil.copyfile(demo_db, target)
    return Workspace(EventLog(f"sqlite:///{target}", clock=clock), actor="tester", clock=clock)
