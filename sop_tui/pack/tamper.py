"""Tamper evidence for a pack: is this file the pack the log recorded, and does the log still
extend what it saw?

A pack carries, on every page and in its PDF metadata, the cycle, the number of events in the
log and the hash of the newest one when it was rendered; the log records the PDF's SHA-256 in
the ``PackRendered`` event. :func:`read_stamp` reads the stamp back from the metadata (pypdf);
:func:`verify_pack` checks the file's SHA-256 against the recorded ones (any other file fails,
naming what differs) and :func:`check_pack_against_log` asks the log whether its event number
``count`` still has the stamp's hash. The chain hash of an event covers every event before it,
so a history rewritten before that point — even with a recomputed, internally consistent chain
— gives a different hash there and is caught.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from sop_tui.events.canonical import GENESIS_HASH
from sop_tui.events.envelope import Event
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


@dataclass(frozen=True)
class PackCheck:
    """What ``sop verify --against`` found: ``problems`` (empty when the file holds) and
    ``notes`` (what held, and how far the log has moved on since the pack)."""

    problems: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _pages(pdf_path: Path) -> int | None:
    try:
        return len(PdfReader(str(pdf_path)).pages)
    except (PyPdfError, OSError, ValueError):
        return None


def verify_pack(pdf_path: Path, log: EventLog) -> PackCheck:
    """Is ``pdf_path`` a pack this log recorded, byte for byte, and does the log still extend
    what it saw?

    The file's SHA-256 must be the one a ``PackRendered`` event recorded: any other file fails
    — another pack's pages under this pack's metadata stamp too — and the message names what
    differs from the pack the log recorded with that stamp (the SHA-256, the page count). The
    stamp in the file's metadata must be the one recorded with it, and the log must still
    extend what the pack saw (:func:`check_pack_against_log`). A note says how many events the
    log has recorded since the pack.
    """
    pdf_path = Path(pdf_path)
    try:
        stamp = read_stamp(pdf_path)
    except StampError as exc:
        return PackCheck((str(exc),), ())
    sha = hashlib.sha256(pdf_path.read_bytes()).hexdigest()
    packs = list(log.iter_events(types=["PackRendered"]))
    same = [e for e in packs if e.payload.get("sha256") == sha]
    if not same:
        return PackCheck((_differs(pdf_path, sha, stamp, packs),), ())
    recorded = same[-1]
    problems: list[str] = []
    if (recorded.payload.get("event_count"), recorded.payload.get("head_hash")) != (
            stamp.event_count, stamp.head_hash):
        problems.append(
            f"the stamp in its metadata ({stamp.event_count} events, head "
            f"{stamp.head_hash[:16]}…) is not the one event {recorded.seq} recorded with it "
            f"({recorded.payload.get('event_count')} events, head "
            f"{str(recorded.payload.get('head_hash'))[:16]}…)")
    chain = check_pack_against_log(pdf_path, log)
    if chain is not None:
        problems.append(chain)
    notes = [f"{pdf_path.name} is the pack event {recorded.seq} recorded "
             f"(cycle {recorded.cycle}, {recorded.payload.get('pages')} pages, SHA-256 "
             f"{sha[:16]}…)"]
    later = log.head().count - recorded.seq
    notes.append("the log has recorded nothing since this pack" if later <= 0 else
                 f"the log has moved on since this pack: {later} event"
                 f"{'s' if later != 1 else ''} recorded after it (the pack saw "
                 f"{stamp.event_count}; the log now has {log.head().count})")
    return PackCheck(tuple(problems), tuple(notes))


def _differs(pdf_path: Path, sha: str, stamp: PackStamp, packs: list[Event]) -> str:
    """Why a file whose SHA-256 no pack has is not the pack its stamp names."""
    head = (f"{pdf_path.name} is not a pack this log recorded: its SHA-256 {sha[:16]}… "
            "matches no PackRendered event")
    named = [e for e in packs if e.payload.get("event_count") == stamp.event_count
             and e.payload.get("head_hash") == stamp.head_hash]
    if not named:
        return (f"{head}, and no pack was recorded with the stamp in its metadata (cycle "
                f"{stamp.cycle}, {stamp.event_count} events, head {stamp.head_hash[:16]}…)")
    e = named[-1]
    diffs = [f"SHA-256 {sha[:16]}… here, {str(e.payload.get('sha256'))[:16]}… recorded"]
    pages = _pages(pdf_path)
    if pages is not None and pages != e.payload.get("pages"):
        diffs.append(f"{pages} pages here, {e.payload.get('pages')} recorded")
    return (f"{head}. Its metadata carries the stamp of the pack event {e.seq} recorded "
            f"({e.payload.get('file')}); the file differs from that pack: "
            + "; ".join(diffs))
