"""The frames of a cycle's planning data, each read on first use and kept in the cache.

A kind's data is read from its chain of imports (:mod:`sop_tui.data.imports`). The frame read
from a chain is kept in the store's :class:`~sop_tui.cache.DiskCache`, keyed by the chain
(each block's ``content_sha256``, which the hash chain covers) and the columns the import
contract gives its kind: reading it back is much quicker than decoding the blocks again
(``benchmarks/README.md``). The key holds no code: :data:`FRAME_SCHEMA` goes up when the frame
conventions of :mod:`sop_tui.data.blocks` or :func:`sop_tui.data.store.load_chain` change.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

from sop_tui.cache import DiskCache, cache_key
from sop_tui.data.imports import Chain, chain_key
from sop_tui.data.schema import KINDS
from sop_tui.events.log import EventLog

if TYPE_CHECKING:
    import pandas as pd

#: Bump when the frame read from the same chain changes shape (dtypes, column conventions).
FRAME_SCHEMA = 1

#: What turns a kind's data as imported into what a cycle plans with.
FrameView = Callable[[str, "pd.DataFrame"], "pd.DataFrame"]


def frame_key(kind: str, chain: Chain) -> str:
    """The cache key of the frame read from ``chain``: the chain and the kind's columns."""
    columns = [(c.name, c.type) for c in KINDS[kind].columns] if kind in KINDS else []
    inputs = {"chain": chain_key(chain), "columns": columns}
    return cache_key(f"frames/{kind}", inputs, schema=FRAME_SCHEMA)


class LazyFrames(Mapping[str, "pd.DataFrame"]):
    """The frames of ``chains`` (kind -> its imports, oldest first), read on first use.

    Thread-safe; a kind without a chain is a ``KeyError``, as in a dict; an empty chain is an
    empty frame of the kind. Membership, length and iteration answer from the chains alone,
    without reading anything.

    Args:
        log: the event log the blocks are read from.
        chains: each kind's chain of imports.
        cache: where frames are kept between processes (``DiskCache(None)``: nowhere).
        view: turns a kind's data as imported into what the cycle plans with (none: as is).
    """

    def __init__(self, log: EventLog, chains: Mapping[str, Chain], cache: DiskCache,
                 view: FrameView | None = None) -> None:
        self.log = log
        self.chains = chains
        self.cache = cache
        self.view = view
        self.viewed: dict[str, pd.DataFrame] = {}
        self.imported: dict[str, pd.DataFrame] = {}
        self.lock = threading.Lock()

    def __getitem__(self, kind: str) -> pd.DataFrame:
        chain = self.chains[kind]
        with self.lock:
            frame = self.viewed.get(kind)
            if frame is None:
                raw = self._raw(kind, chain)
                frame = self.viewed[kind] = raw if self.view is None else self.view(kind, raw)
            return frame

    def raw(self, kind: str) -> pd.DataFrame:
        """The kind's data as imported (every inventory snapshot, every month of inputs)."""
        chain = self.chains[kind]
        with self.lock:
            return self._raw(kind, chain)

    def _raw(self, kind: str, chain: Chain) -> pd.DataFrame:
        frame = self.imported.get(kind)
        if frame is None:
            frame = self.imported[kind] = self.cache.get_or_compute(
                f"frames/{kind}", frame_key(kind, chain), lambda: self.read(kind, chain))
        return frame

    def read(self, kind: str, chain: Chain) -> pd.DataFrame:
        """Decode ``chain``'s blocks (what a cache miss costs)."""
        # Imported here: data.store imports pandas, which a launch served from the cache
        # never needs (tests/test_planning_cache.py checks that it is not imported).
        from sop_tui.data import reader, store

        if not chain:
            return reader.empty_frame(kind)
        return store.load_chain(self.log, chain)

    def __contains__(self, kind: object) -> bool:
        return kind in self.chains  # Mapping's default would read the frame to answer

    def __iter__(self) -> Iterator[str]:
        return iter(self.chains)

    def __len__(self) -> int:
        return len(self.chains)
