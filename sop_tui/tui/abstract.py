"""A metaclass for screens with abstract hooks (form bases whose subclasses say what to save).

Textual's screens have a metaclass of their own; this combines it with ``ABCMeta`` so a form
base can declare ``@abstractmethod`` hooks and an unfinished subclass fails when built, not
when the facilitator presses Ctrl+S.
"""

from __future__ import annotations

from abc import ABCMeta
from typing import Protocol, runtime_checkable

from textual.screen import ModalScreen


class AbstractScreenMeta(type(ModalScreen), ABCMeta):  # type: ignore[misc]
    """Textual's screen metaclass with abstract-method checking."""


@runtime_checkable
class HoldsText(Protocol):
    """A screen that may hold typed text not saved yet: quitting asks before losing it."""

    @property
    def holds_text(self) -> bool: ...
