"""Which imports make up each kind of planning data at a point of the log (no pandas here).

Planning data is the company's and grows over time. Every import of a kind is recorded as a
``DatasetImported`` event with one immutable block, in one of two modes:

- ``add`` (the default): the block holds the rows of the file whose key was new (added) or
  whose values differ from what was known (changed); rows already known unchanged are only
  counted. A first import of a kind adds every row.
- ``replace`` (``sop import --replace``): the block is the whole kind, and what was known
  before is set aside.

The data of a kind as of event ``S`` is its *chain*: the newest ``replace`` at or before ``S``
(or the kind's first import) followed by every ``add`` after it up to ``S``, read in order, a
later row replacing an earlier one with the same key. Imports recorded before this model carry
no mode; each of them replaced its kind, and they are read so.

This module picks the chains from the events; :mod:`sop_tui.data.store` reads their blocks.
It imports nothing heavy, so the app can key its cached views without loading pandas.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from sop_tui.events.envelope import Event

__all__ = ["ADD", "REPLACE", "Chain", "chain_key", "chain_keys", "chains", "mode_of"]

ADD = "add"
REPLACE = "replace"

#: The imports a kind is read from, oldest first.
Chain = tuple[Event, ...]


def mode_of(event: Event) -> str:
    """``add`` or ``replace``; an import recorded before modes existed replaced its kind."""
    mode = event.payload.get("mode")
    return str(mode) if mode in (ADD, REPLACE) else REPLACE


def chains(events: Iterable[Event], until: int | None = None) -> dict[str, Chain]:
    """Each kind's chain of imports among ``events`` (``DatasetImported``, in seq order).

    Args:
        events: the log's ``DatasetImported`` events, oldest first (others are skipped).
        until: only imports with ``seq <= until`` count (``None``: all of them).
    """
    out: dict[str, list[Event]] = {}
    for e in events:
        if e.type != "DatasetImported" or (until is not None and e.seq > until):
            continue
        kind = str(e.payload["kind"])
        if mode_of(e) == REPLACE or kind not in out:
            out[kind] = [e]
        else:
            out[kind].append(e)
    return {k: tuple(v) for k, v in out.items()}


def chain_key(chain: Chain) -> str:
    """What a kind's data is read from, hashed: each block's sha256 and mode, in order.

    Two chains give the same frame exactly when their keys are equal, so the key stands for
    the data in every cache.
    """
    h = hashlib.sha256()
    for e in chain:
        h.update(f"{mode_of(e)}:{e.payload['content_sha256']};".encode())
    return h.hexdigest()


def chain_keys(kind_chains: Mapping[str, Chain]) -> dict[str, str]:
    """:func:`chain_key` of every kind."""
    return {k: chain_key(c) for k, c in kind_chains.items()}
