"""Computed views of a cycle kept on disk (the planning's cache), safe to delete at any time."""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import threading
from pathlib import Path
from typing import Any

_log = logging.getLogger(__name__)


class ViewCache:
    """Computed views of a cycle kept on disk, one pickle per view and cycle.

    An entry holds its full key beside the value; a read whose key differs, or that cannot be
    read or unpickled at all (a torn copy, another version of pandas), is a miss and the view
    is recomputed — never an error. Writes go to a temporary file renamed into place, so a
    reader never sees half an entry; a cache that cannot be written is only slower.

    Args:
        root: the folder of the entries (made on first write).
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, cycle: str, view: str) -> Path:
        return self.root / f"{cycle}-{view}.pkl"

    def get(self, cycle: str, view: str, key: str) -> tuple[bool, Any]:
        """``(True, value)`` when the entry of ``view`` holds ``key``, else ``(False, None)``."""
        path = self._path(cycle, view)
        try:
            with path.open("rb") as fh:
                stored_key, value = pickle.load(fh)
        except FileNotFoundError:
            return False, None
        except Exception as exc:  # noqa: BLE001 - unpickling can raise anything; it is a miss
            _log.warning("cache entry %s unreadable, recomputing: %s", path, exc)
            return False, None
        if stored_key != key:
            return False, None
        return True, value

    def put(self, cycle: str, view: str, key: str, value: object) -> None:
        """Keep ``value`` under ``key`` (replacing the view's older entry)."""
        path = self._path(cycle, view)
        tmp = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.part")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tmp.open("wb") as fh:
                pickle.dump((key, value), fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except (OSError, pickle.PicklingError, TypeError, AttributeError) as exc:
            # e.g. `sop review` on a store it may not write to
            _log.warning("cache entry %s not written: %s", path, exc)
            with contextlib.suppress(OSError):  # the folder itself may be what failed
                tmp.unlink(missing_ok=True)
