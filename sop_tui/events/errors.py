"""The event log's one error type, shared by the log and its backends."""

from __future__ import annotations


class LogError(RuntimeError):
    """The log refused an operation, or cannot be opened; the message says why."""


class LogMissing(LogError):
    """There is no log where one was expected (no store, no database, or a table is gone).

    Reading never creates a log, so a mistyped ``--store`` is reported rather than made.
    """
