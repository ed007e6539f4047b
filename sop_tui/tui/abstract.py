"""A metaclass for screens with abstract hooks (form bases whose subclasses say what to save).

Textual's screens have a metaclass of their own; this combines it with ``ABCMeta`` so a form
base can declare ``@abstractmethod`` hooks and an unfinished subclass fails when built, not
when the facilitator presses Ctrl+S.
"""

from __future__ import annotations

from abc import ABCMeta

from textual.screen import ModalScreen


class AbstractScreenMeta(type(ModalScreen), ABCMeta):  # type: ignore[misc]
    """Textual's screen metaclass with abstract-method checking."""
