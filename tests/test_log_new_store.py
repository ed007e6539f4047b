"""A store another connection is creating reads as not created yet, not as "not an event log".

The fault: the dashboard polls the log (``data_version``) every half second; on an empty store,
while the form's worker was creating the log, the poll found SQLite's file with its header and
no tables yet, and raised LogMissing — the app closed.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sop_tui.events.log import EventLog


def test_a_store_being_created_elsewhere_reads_as_not_created_yet(tmp_path: Path) -> None:
    path = tmp_path / "sop.db"
    log = EventLog(f"sqlite:///{path}")  # a new store: nothing on disk yet
    creator = EventLog(f"sqlite:///{path}")
    assert log.data_version() == -1
    con = sqlite3.connect(path)  # the creator's connection has begun: the header, no tables
    con.execute("PRAGMA journal_mode=WAL")
    assert path.stat().st_size > 0
    assert log.data_version() == -1 and log.head().count == 0
    con.close()
    creator.append("CycleOpened", {"cycle": "2026-12"}, cycle="2026-12", meeting=None,
                   actor="a")
    assert log.head().count == 1  # created since: read as the log it is
