"""What the app asks of a screen before quitting: :class:`HoldsText`."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class HoldsText(Protocol):
    """A screen that may hold typed text not saved yet: quitting asks before losing it."""

    @property
    def holds_text(self) -> bool: ...
