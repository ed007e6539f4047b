"""Tamper evidence beyond the file: does the log still extend what a pack saw?

A pack carries, on every page and in its PDF metadata, the cycle, the number of events in the
log and the hash of the newest one when it was rendered. :func:`read_stamp` reads them back from
the metadata (pypdf); :func:`check_pack_against_log` asks the log whether its event number
``count`` still has that hash. The chain hash of an event covers every event before it, so a
history rewritten before that point — even with a recomputed, internally consistent chain —
gives a different hash there and is caught.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from sop_tui.events.canonical import GENESIS_HASH
from sop_tui.events.log import EventLog

HEX64 = re.compile(r"^[0-9a-f]{64}$")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class StampError(ValueError):
    """The file carries no readable pack stamp."""


@dataclass(frozen=True)
class PackStamp:
    """What a rendered pack saw of the log."""

    cycle: str
    event_count: int
    head_hash: str


def read_stamp(pdf_path: Path) -> PackStamp:
    """Read the stamp from a pack's PDF metadata.

    Raises:
        StampError: the file is not a PDF, or carries no (or a malformed) stamp.
    """
    try:
        meta: Any = PdfReader(str(pdf_path)).metadata or {}
    except (PyPdfError, OSError, ValueError) as exc:
        raise StampError(f"{pdf_path.name} cannot be read as a PDF ({exc})") from None
    cycle = str(meta.get("/sopcycle", "") or "")
    count = str(meta.get("/sopeventcount", "") or "")
    head = str(meta.get("/sopheadhash", "") or "")
    if not (cycle or count or head):
        raise StampError(f"{pdf_path.name} is not a decision pack rendered by sop "
                         "(no log stamp in its metadata)")
    if not MONTH.match(cycle) or not count.isdigit() or not HEX64.match(head):
        raise StampError(f"{pdf_path.name}: the log stamp in its metadata is malformed "
                         f"(cycle {cycle!r}, events {count!r}, head {head!r})")
    return PackStamp(cycle, int(count), head)


def check_pack_against_log(pdf_path: Path, log: EventLog) -> str | None:
    """None when ``log`` still extends what the pack at ``pdf_path`` saw, else why not.

    The log extends the pack when it has at least the pack's event count and its event number
    ``count`` has the pack's head hash (an empty log stands for the genesis hash).
    """
    try:
        stamp = read_stamp(Path(pdf_path))
    except StampError as exc:
        return str(exc)
    if stamp.event_count == 0:
        return None if stamp.head_hash == GENESIS_HASH else (
            "the pack saw an empty log, but its head hash is not the genesis hash")
    head = log.head()
    if head.count < stamp.event_count:
        return (f"the pack saw {stamp.event_count} events but the log has only {head.count}: "
                "events the pack was built on are missing")
    event = log.get(stamp.event_count)
    if event is None:
        return f"the log has no event {stamp.event_count}, which the pack saw as its newest"
    if event.hash != stamp.head_hash:
        return (f"event {stamp.event_count} has hash {event.hash[:16]}… in the log but "
                f"{stamp.head_hash[:16]}… in the pack: the history the pack was built on "
                "has been rewritten")
    return None
