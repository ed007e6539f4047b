"""Copying a log from one database to another, verbatim, and proving the copy
(``sop migrate --from sqlite:///… --to postgresql+psycopg://…``).

Every event keeps its seq, id, time and hashes, and every import its data block: the copy is the
same chain, not a replay. The source must verify before anything is copied; the target must be
new (no events yet); the copy is written in one transaction (all of it, or nothing) and then
verified on its own, and its head must be the source's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sop_tui.events.errors import LogError
from sop_tui.events.log import EventLog


@dataclass(frozen=True, slots=True)
class MigrateReport:
    """What was copied: the number of events and data blocks, and the head both logs share."""

    events: int
    datasets: int
    head_hash: str
    granted: tuple[str, ...]


def migrate(source_url: str, target_url: str, *, grant: Sequence[str] = ()) -> MigrateReport:
    """Copy the log at ``source_url`` into the new log at ``target_url`` and verify it.

    Args:
        grant: roles given SELECT and INSERT on the copy (PostgreSQL): the app's roles, which
            may then append but never change or remove a row.

    Raises:
        LogError: the source is missing or does not verify, the target already holds events,
            or the copy does not verify (nothing is left half-written: one transaction).
    """
    if source_url == target_url:
        raise LogError("--from and --to name the same log")
    src = EventLog(source_url, read_only=True)
    try:
        checked = src.verify()
        if not checked.ok:
            where = f" at event {checked.seq}" if checked.seq is not None else ""
            raise LogError(f"the source {src.describe()} does not verify{where}: "
                           f"{checked.reason}; nothing was copied")
        rows = src.export_rows()
    finally:
        src.close()
    dst = EventLog(target_url)
    try:
        if dst.head().count:
            raise LogError(f"the target {dst.describe()} already holds {dst.head().count} "
                           "events; migrate into a new, empty database")
        dst.append_verbatim(rows)
        for role in grant:
            dst.grant(role)
        copied = dst.verify()
        if not copied.ok or copied.head_hash != checked.head_hash:
            raise LogError(f"the copy at {dst.describe()} does not verify: {copied.reason}")
    finally:
        dst.close()
    return MigrateReport(copied.count, sum(b is not None for _, b in rows), copied.head_hash,
                         tuple(grant))
