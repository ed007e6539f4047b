"""Helpers the TUI tests share (imported by name: tests/tui is on sys.path)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.app import App


@dataclass(frozen=True)
class Note:
    """A notification the app showed: its message and severity."""

    message: str
    severity: str


def notes_of(app: App[Any]) -> list[Note]:
    """Record what ``app`` notifies from now on (its public ``notify``, wrapped on the
    instance: the tests read what the user was told without Textual's private list)."""
    seen: list[Note] = []
    notify = app.notify

    def recording(message: str, *args: Any, **kwargs: Any) -> None:
        seen.append(Note(str(message), str(kwargs.get("severity", "information"))))
        notify(message, *args, **kwargs)

    app.notify = recording  # type: ignore[method-assign]
    return seen
