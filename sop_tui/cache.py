"""The one on-disk cache of computed results, keyed by what they were computed from.

Every cached result (a planning view, a decoded data block, a forecast, a part of the pack) is
stored the same way: under a *namespace* (what kind of result it is) and a *key* built by
:func:`cache_key` from the result's inputs — content hashes of the data, ids of the events it
follows, its parameters — and a schema version. Nothing is keyed on source files: when the
meaning of a cached result changes, its namespace's schema number goes up (or
:data:`SCHEMA_VERSION`, for all of them), and old entries simply miss.

The cache is safe to delete at any time. A read that fails for any reason (a missing file, a
torn copy, a pickle from another pandas) is a miss and the result is computed again; a write
that fails (a read-only store) only costs speed. Writes go to a temporary file renamed into
place, so no reader ever sees half an entry.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar, cast

import orjson

__all__ = ["SCHEMA_VERSION", "DiskCache", "cache_key"]

#: Bump when every cached result changes meaning at once (the pickled types, say).
SCHEMA_VERSION = 1

#: Entries kept per namespace; the least recently written beyond this are removed.
MAX_ENTRIES = 256

T = TypeVar("T")
_log = logging.getLogger(__name__)


def cache_key(namespace: str, inputs: Mapping[str, Any], *, schema: int = 1) -> str:
    """The key of a result: a sha256 of its namespace, schema versions and inputs.

    Args:
        namespace: what kind of result (``"planning/metrics"``, ``"forecast"``).
        inputs: everything the result is computed from, as JSON-able values (content hashes,
            event ids, parameters). Mapping keys are sorted, so their order does not matter.
        schema: the namespace's own version; bump it when its results change meaning.
    """
    blob = orjson.dumps(
        {"namespace": namespace, "schema": [SCHEMA_VERSION, schema], "inputs": inputs},
        option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY,
        default=str,
    )
    return hashlib.sha256(blob).hexdigest()


class DiskCache:
    """Pickled results under ``root/namespace/key.pkl``.

    Args:
        root: the cache folder (made on first write); ``None`` keeps nothing.
        writable: ``False`` for a store opened read-only: reads only, nothing is written.
    """

    def __init__(self, root: Path | None, *, writable: bool = True) -> None:
        self.root = root
        self.writable = writable

    def _path(self, namespace: str, key: str) -> Path:
        assert self.root is not None
        return self.root / namespace / f"{key}.pkl"

    def get(self, namespace: str, key: str) -> tuple[bool, Any]:
        """``(True, value)`` when an entry holds ``key``, else ``(False, None)``."""
        if self.root is None:
            return False, None
        path = self._path(namespace, key)
        try:
            with path.open("rb") as fh:
                value = pickle.load(fh)
        except FileNotFoundError:
            return False, None
        except Exception as exc:  # noqa: BLE001 - unpickling can raise anything: a miss
            _log.warning("cache entry %s unreadable, computing again: %s", path, exc)
            return False, None
        return True, value

    def has(self, namespace: str, key: str) -> bool:
        """Whether an entry for ``key`` exists (without reading it)."""
        return self.root is not None and self._path(namespace, key).is_file()

    def put(self, namespace: str, key: str, value: object) -> None:
        """Keep ``value`` under ``key``; a failure to write is logged, never raised."""
        if self.root is None or not self.writable:
            return
        path = self._path(namespace, key)
        tmp = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.part")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tmp.open("wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except (OSError, pickle.PicklingError, TypeError, AttributeError) as exc:
            _log.warning("cache entry %s not written: %s", path, exc)
            with contextlib.suppress(OSError):  # the folder itself may be what failed
                tmp.unlink(missing_ok=True)
            return
        self._prune(path.parent)

    def get_or_compute(self, namespace: str, key: str, compute: Callable[[], T]) -> T:
        """The entry for ``key``, or ``compute()`` kept under it."""
        hit, value = self.get(namespace, key)
        if hit:
            return cast(T, value)
        value = compute()
        self.put(namespace, key, value)
        return value

    @staticmethod
    def _prune(folder: Path) -> None:
        """Keep the newest :data:`MAX_ENTRIES` entries of a namespace."""
        try:
            entries = list(folder.glob("*.pkl"))
            if len(entries) <= MAX_ENTRIES:
                return
            entries.sort(key=lambda p: p.stat().st_mtime)
            for old in entries[: len(entries) - MAX_ENTRIES]:
                old.unlink(missing_ok=True)
        except OSError as exc:  # another process pruning at the same moment
            _log.debug("cache prune of %s skipped: %s", folder, exc)
