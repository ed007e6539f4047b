"""The modal form the panels' dialogs are built on, and the decision dialog of two panels.

:class:`FormDialog` is a typed ``ModalScreen[T]``: labelled fields, pre-filled where there is a
sensible default; Ctrl+S calls :meth:`FormDialog.submit`, which writes one event through the
workspace and returns it; a :class:`CommandError` names the bad fields, shown under each, and
the form stays open with its text. Escape cancels (dismisses with ``None``).

:class:`DecisionDialog` records a decision with context the panel fixes (the SKUs of the
portfolio review, the resource and months of a capacity gap).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label, Static, TextArea

from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.types import Event
from sop_tui.tui.abstract import AbstractScreenMeta

T = TypeVar("T")

__all__ = ["DecisionDialog", "FormDialog", "lines_of"]


def lines_of(text: str) -> list[str]:
    """The non-blank lines of ``text``, stripped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class FormDialog(ModalScreen[T], metaclass=AbstractScreenMeta):
    """A modal form: fields, Ctrl+S to save (one event), Escape to cancel."""

    BINDINGS: ClassVar = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]
    FORM_TITLE: ClassVar[str] = ""
    # Opaque, not the modal's dimmed see-through: compositing the dimmed meeting screen behind
    # the form cost ~0.2 s a frame at 120x40 (opening a consensus dialog took ~3 s, 0.5 s now).
    DEFAULT_CSS = """
    FormDialog {
        background: $background;
    }
    """

    def __init__(self) -> None:
        super().__init__(classes="pf-dialog")
        self._initial: dict[str, str] = {}

    # -- building ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(classes="pf-form"):
            yield Static(self.FORM_TITLE, classes="pf-title")
            with VerticalScroll(classes="pf-fields"):
                yield from self.compose_fields()
            yield Static("", id="pf-problem", classes="pf-error")
            yield Static("[b]Ctrl+S[/b] save   [b]Esc[/b] cancel", classes="pf-keys")

    def compose_fields(self) -> ComposeResult:
        """The form's fields: use :meth:`field` and :meth:`note`."""
        yield from ()

    def field(self, name: str, label: str, value: str = "", *, placeholder: str = "",
              multiline: bool = False) -> Iterator[Widget]:
        """A labelled input (or text area) with its error line: ids ``l-``, ``f-``, ``e-NAME``."""
        self._initial[name] = value
        yield Label(label, classes="pf-label", id=f"l-{name}")
        if multiline:
            area = TextArea(value, id=f"f-{name}", classes="pf-area", placeholder=placeholder,
                            soft_wrap=True, show_line_numbers=False, compact=True)
            yield area
        else:
            yield Input(value, placeholder=placeholder, id=f"f-{name}", classes="pf-input",
                        select_on_focus=False, compact=True)
        yield Static("", id=f"e-{name}", classes="pf-error")

    def note(self, text: str, *, classes: str = "pf-note", id: str | None = None) -> Static:
        return Static(text, classes=classes, id=id)

    # -- reading -----------------------------------------------------------------------------

    def value(self, name: str) -> str:
        """The text of field ``name``."""
        widget = self.query_one(f"#f-{name}")
        if isinstance(widget, TextArea):
            return widget.text
        assert isinstance(widget, Input)
        return widget.value

    @property
    def holds_text(self) -> bool:
        """True when a field differs from what it was opened with (quitting should ask)."""
        return any(self.value(n).strip() != v.strip() for n, v in self._initial.items())

    # -- saving ------------------------------------------------------------------------------

    @abstractmethod
    def submit(self) -> T:
        """Write the event (raise :class:`CommandError` naming bad fields) and return it."""

    def action_save(self) -> None:
        self.clear_problems()
        try:
            result = self.submit()
        except CommandError as exc:
            self.show_problems(exc.problems)
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def clear_problems(self) -> None:
        for err in self.query(".pf-error").results(Static):
            err.update("")
            err.remove_class("-shown")

    def show_problems(self, problems: dict[str, str]) -> None:
        """Each problem under its field (or, for a field the form lacks, at the bottom)."""
        general: list[str] = []
        first: Widget | None = None
        for key, message in problems.items():
            found = self.query(f"#e-{_css_id(key)}").results(Static)
            err = next(iter(found), None)
            if err is None:
                general.append(f"{key}: {message}")
                continue
            err.update(message)
            err.add_class("-shown")
            if first is None:
                first = self.query_one(f"#f-{_css_id(key)}")
        if general:
            bottom = self.query_one("#pf-problem", Static)
            bottom.update("\n".join(general))
            bottom.add_class("-shown")
        if first is not None:
            first.focus()
        self.app.bell()


def default_due(cycle: str) -> str:
    """The last day of the month after ``cycle``: a decision's due date unless one is said."""
    import calendar

    y, m = int(cycle[:4]), int(cycle[5:7]) + 1
    y, m = (y + 1, 1) if m == 13 else (y, m)
    return f"{y:04d}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}"


def _css_id(key: str) -> str:
    return key.replace(" ", "_")


class DecisionDialog(FormDialog[Event | None]):
    """Record a decision: question, options, the choice, rationale, who decided, owner, due.

    Args:
        ws: the workspace.
        cycle: the cycle.
        meeting: the meeting recording it.
        decided_by: pre-filled (the meeting's owner role).
        question: pre-filled question.
        options: pre-filled options.
        skus / resource / months / family: the context the decision covers (shown, not edited).
    """

    FORM_TITLE = "Record a decision"

    def __init__(self, ws: Workspace, *, cycle: str, meeting: str, decided_by: str,
                 question: str = "", options: Sequence[str] = (), skus: Sequence[str] = (),
                 resource: str | None = None, months: str | None = None,
                 family: str | None = None, context_note: str = "") -> None:
        super().__init__()
        self.ws = ws
        self.cycle = cycle
        self.meeting = meeting
        self.decided_by = decided_by
        self.question = question
        self.options = list(options)
        self.skus = list(skus)
        self.resource = resource
        self.months = months
        self.family = family
        self.context_note = context_note

    def compose_fields(self) -> ComposeResult:
        if self.context_note:
            yield self.note(self.context_note)
        yield from self.field("question", "Question", self.question)
        yield from self.field("options", "Options (comma-separated)", ", ".join(self.options))
        yield from self.field("chosen", "Chosen", placeholder="the option decided")
        yield from self.field("rationale", "Rationale", placeholder="why")
        yield from self.field("decided_by", "Decided by", self.decided_by)
        # who carries it out, and by when: the meeting's owner by the end of next month,
        # unless the room says otherwise
        yield from self.field("owner", "Owner", self.decided_by)
        yield from self.field("due", "Due (YYYY-MM-DD)", default_due(self.cycle))

    def on_mount(self) -> None:
        self.query_one("#f-chosen", Input).focus()

    def submit(self) -> Event:
        options = [o.strip() for o in self.value("options").split(",") if o.strip()]
        kwargs: dict[str, Any] = dict(
            question=self.value("question").strip(), chosen=self.value("chosen").strip(),
            rationale=self.value("rationale").strip(),
            decided_by=self.value("decided_by").strip(), options=options,
            owner=self.value("owner").strip() or None, due=self.value("due").strip() or None,
            cycle=self.cycle, meeting=self.meeting, family=self.family, skus=self.skus,
            resource=self.resource, months=self.months,
        )
        return self.ws.record_decision(**kwargs)
