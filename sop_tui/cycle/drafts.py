"""Drafts: a form's typed text kept outside the log, so that a crash or a signal loses nothing.

A :class:`DraftStore` is a folder of small JSON files (``STORE/drafts/KEY.json``), one per form
that holds unsaved text. Each write goes to a temporary file in the same folder and is moved
over the old one with :func:`os.replace`, so a process killed mid-write leaves the previous
draft whole, never half a file. The app writes as the user types (throttled), removes the draft
on save or cancel, and offers what it finds on the next start. Nothing here reads or writes the
event log: a draft is not a record.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["DRAFT_SCHEMA", "Draft", "DraftStore"]

#: The draft file's layout; a file of another version is left alone and not offered.
DRAFT_SCHEMA = 1

_KEY = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class Draft:
    """One form's unsaved text.

    Attributes:
        key: which form, in which context (a file name: letters, digits, ``_ . -``).
        title: the form's title, for the offer ("Assumption").
        where: where it would have been recorded, in words ("cycle 2026-12 · Demand review").
        values: each field's text, by field name.
        saved_at: when this text was written (UTC).
    """

    key: str
    title: str
    where: str
    values: Mapping[str, str]
    saved_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def to_json(self) -> dict[str, Any]:
        return {"schema": DRAFT_SCHEMA, "key": self.key, "title": self.title,
                "where": self.where, "values": dict(self.values),
                "saved_at": self.saved_at.isoformat()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Draft | None:
        """The draft ``data`` holds, or None when it is not a draft this version reads."""
        values = data.get("values")
        if (data.get("schema") != DRAFT_SCHEMA or not isinstance(values, dict)
                or not all(isinstance(k, str) and isinstance(v, str)
                           for k, v in values.items())):
            return None
        try:
            saved_at = datetime.fromisoformat(str(data["saved_at"]))
            return cls(key=str(data["key"]), title=str(data["title"]),
                       where=str(data["where"]), values=values, saved_at=saved_at)
        except (KeyError, ValueError):
            return None


def safe_key(text: str) -> str:
    """``text`` as a draft key: a file name with no path in it."""
    return _KEY.sub("_", text).strip("._") or "form"


class DraftStore:
    """The drafts of one store: ``folder/KEY.json`` (the folder is made on the first write)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, key: str) -> Path:
        """The file of draft ``key``."""
        return self.folder / f"{safe_key(key)}.json"

    def save(self, draft: Draft) -> None:
        """Write ``draft`` whole, replacing the one of its key (atomically: temp + replace).

        No fsync: the file must outlive the process (a kill -9), which the page cache does;
        a power cut may lose the last half second of typing, as the terminal would.
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.path(draft.key)
        temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        temp.write_text(json.dumps(draft.to_json(), ensure_ascii=False), encoding="utf-8")
        os.replace(temp, target)

    def load(self, key: str) -> Draft | None:
        """The draft of ``key``, or None (none kept, or a file this version does not read)."""
        return self._read(self.path(key))

    def kept(self) -> list[Draft]:
        """Every draft kept, oldest first."""
        if not self.folder.is_dir():
            return []
        found = [d for p in sorted(self.folder.glob("*.json")) if (d := self._read(p))]
        return sorted(found, key=lambda d: d.saved_at)

    def remove(self, key: str) -> None:
        """Forget draft ``key`` (saved or cancelled); no error when there is none."""
        self.path(key).unlink(missing_ok=True)

    @staticmethod
    def _read(path: Path) -> Draft | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return Draft.from_json(data) if isinstance(data, dict) else None
