"""EventLog.data_version: how the screens notice, cheaply, that someone else wrote to the log."""

from __future__ import annotations

from pathlib import Path

from sop_tui.events.log import EventLog


def _write(log: EventLog, text: str) -> None:
    log.append("AssumptionRecorded", {"text": text, "owner": "Dana"}, cycle="2026-12")


def test_data_version_changes_when_another_connection_commits(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sop.db'}"
    app, cli = EventLog(url), EventLog(url)
    _write(cli, "the store is created by its first append")
    review = EventLog(url, read_only=True)  # reading never creates a store: it exists now
    try:
        seen, seen_ro = app.data_version(), review.data_version()
        assert app.data_version() == seen  # nothing written: the same number
        _write(cli, "written by the CLI")
        assert app.data_version() != seen
        assert review.data_version() != seen_ro  # the read-only review sees it too
        seen = app.data_version()
        _write(app, "written by the app itself")
        assert app.data_version() == seen  # its own writes it knows of already
    finally:
        for log in (app, cli, review):
            log.close()
