"""Small modal dialogs: a yes/no question, and the list of what a meeting still misses.

Their sentences wrap (``Static``, not ``Label``, whose one line the box cut: "Close th").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmDialog(ModalScreen[bool]):
    """Ask a yes/no question; dismisses with True (yes) or False (no, Escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__(classes="dialog")
        self.question = question
        self.yes, self.no = yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(self.question, classes="dialog-question", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes} (y)", id="yes", variant="primary")
                yield Button(f"{self.no} (n)", id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class MissingCriteriaDialog(ModalScreen[None]):
    """What a meeting's exit criteria still miss: the meeting cannot close yet."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "dismiss_dialog", "Back to the meeting"),
    ]

    def __init__(self, title: str, missing: Sequence[str]) -> None:
        super().__init__(classes="dialog")
        self.meeting_title = title
        self.missing = list(missing)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box missing-box"):
            yield Static(f"{self.meeting_title} cannot close yet", classes="dialog-title",
                         markup=False)
            yield Static("Its exit criteria still miss:", classes="dialog-question")
            with VerticalScroll(classes="missing-list"):
                for line in self.missing:
                    yield Static(f"• {line}", classes="missing-item", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Back to the meeting (Esc)", id="back", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_dismiss_dialog(self) -> None:
        self.dismiss(None)
