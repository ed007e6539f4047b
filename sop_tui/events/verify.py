"""Walking the hash chain: the first event that does not hold, and why.

Kept apart from the log's reading and writing: :func:`walk_chain` is pure (rows in, a
:class:`VerifyReport` out), so ``EventLog.verify`` only reads the rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sop_tui.events.canonical import GENESIS_HASH, canonical_json, chain_hash
from sop_tui.events.envelope import Event


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The outcome of walking the chain; ``seq``/``reason`` name the first event that fails."""

    ok: bool
    count: int
    head_hash: str
    seq: int | None = None
    reason: str | None = None


def walk_chain(rows: Iterable[Sequence[Any]], digests: Mapping[int, str]) -> VerifyReport:
    """Check ``rows`` (seq, event_id, cycle, meeting, type, actor, at, payload JSON, prev_hash,
    hash; in seq order) against the chain; ``digests`` are the sha256 of each import's data."""
    expected_seq, prev = 1, GENESIS_HASH
    # event_id has no unique index (see EventRow): the walk is where a repeat is caught
    seen: dict[str, int] = {}
    hashes: list[str] = []  # hashes[n - 1] is event n's: what a recorded pack is checked against
    for r in rows:
        seq = r[0]
        if seq != expected_seq:
            reason = (
                f"gap: event {expected_seq} is missing" if seq > expected_seq
                else f"order: seq {seq} appears where {expected_seq} was expected"
            )
            return VerifyReport(False, expected_seq - 1, prev, seq, reason)
        if r[8] != prev:
            return VerifyReport(
                False, seq - 1, prev, seq,
                "order: its prev_hash is not the hash of the event before it",
            )
        try:
            payload = json.loads(r[7])
            canonical = canonical_json(payload) == r[7]
        except ValueError:
            payload, canonical = {}, False
        ev = Event(r[0], r[1], r[2], r[3], r[4], r[5], r[6], payload, r[8], r[9])
        if not canonical or chain_hash(prev, ev.envelope()) != r[9]:
            return VerifyReport(
                False, seq - 1, prev, seq,
                "content changed: its hash does not match its contents",
            )
        if r[4] == "DatasetImported" and digests.get(seq) != payload.get("content_sha256"):
            return VerifyReport(
                False, seq - 1, prev, seq,
                "content changed: its imported data does not match its sha256",
            )
        if r[4] == "PackRendered":
            problem = _pack_problem(payload, hashes)
            if problem:
                return VerifyReport(False, seq - 1, prev, seq, problem)
        first = seen.setdefault(r[1], seq)
        if first != seq:
            return VerifyReport(
                False, seq - 1, prev, seq, f"duplicate: its event_id is event {first}'s",
            )
        prev = r[9]
        hashes.append(prev)
        expected_seq += 1
    return VerifyReport(True, expected_seq - 1, prev)


def _pack_problem(payload: Mapping[str, Any], hashes: Sequence[str]) -> str | None:
    """Why a recorded ``PackRendered`` no longer fits the chain before it, or ``None``.

    A pack records how many events it saw and the newest one's hash. A history rewritten
    before that point and re-chained holds together on its own, but the pack event still
    carries the old hash: the log alone catches it, without the PDF.
    """
    count, head = payload.get("event_count"), payload.get("head_hash")
    if not isinstance(count, int) or not isinstance(head, str):
        return "pack: its recorded event count or head hash is malformed"
    if count > len(hashes):
        return f"pack: it says it saw {count} events, but only {len(hashes)} come before it"
    now = hashes[count - 1] if count else GENESIS_HASH
    if now != head:
        return (f"pack: it recorded hash {head[:16]}… for event {count}, which now has "
                f"{now[:16]}…: the history before it was rewritten")
    return None
