"""The correction forms: retract a record (with a reason) or amend one field of it.

Provides :class:`RetractForm` and :class:`AmendForm`, both ``ModalScreen[Event | None]``: they
write one event through ``Workspace.retract`` / ``Workspace.amend`` in a thread worker and close
with it, or stay open with every refused field named beside it (the typed text kept). Ctrl+S
saves, Escape cancels. Also :func:`field_kind`, :func:`parse_value` and :func:`edit_text`, how a
payload field's new value is typed.
"""

from __future__ import annotations

import json
import types
import typing
from abc import abstractmethod
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from sop_tui.cycle.describe import summary
from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.types import PAYLOADS, Event, MonthRange
from sop_tui.tui.abstract import AbstractScreenMeta
from sop_tui.tui.widgets.keybar import KeyBar

# -- typing a value --------------------------------------------------------------------------

HINTS = {
    "text": "text",
    "number": "a number, e.g. 1250 or -3.5",
    "integer": "a whole number",
    "list": "items separated by ';'",
    "months": "YYYY-MM or YYYY-MM..YYYY-MM",
    "json": "JSON, e.g. {\"2026-12\": 1200}",
}


def field_kind(type_: str, name: str) -> str:
    """How the new value of field ``name`` of a ``type_`` payload is typed: one of
    ``text``, ``number``, ``integer``, ``list``, ``months``, ``json``."""
    ann: Any = PAYLOADS[type_].model_fields[name].annotation
    if typing.get_origin(ann) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(ann) if a is not type(None)]
        ann = args[0] if len(args) == 1 else ann
    if ann is str or typing.get_origin(ann) is typing.Literal:
        return "text"
    if ann is float:
        return "number"
    if ann is int:
        return "integer"
    if ann is MonthRange:
        return "months"
    if typing.get_origin(ann) in (tuple, list) and typing.get_args(ann)[:1] == (str,):
        return "list"
    return "json"


def parse_value(kind: str, text: str) -> Any:
    """The value typed as ``text`` for a field of ``kind``.

    Raises:
        ValueError: with a message for the person typing.
    """
    text = text.strip()
    if not text:
        raise ValueError("enter the new value (to withdraw the record, retract it instead)")
    if kind == "number":
        try:
            return float(text.replace(",", ""))
        except ValueError:
            raise ValueError(f"{text!r} is not a number") from None
    if kind == "integer":
        try:
            return int(text.replace(",", ""))
        except ValueError:
            raise ValueError(f"{text!r} is not a whole number") from None
    if kind == "list":
        if text.startswith("["):
            return _json(text)
        return [part.strip() for part in text.split(";") if part.strip()]
    if kind == "json":
        return _json(text)
    return text  # text and months (the workspace parses a month range)


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at character {exc.pos})") from None


def edit_text(kind: str, value: Any) -> str:
    """The current ``value`` as text to edit (what :func:`parse_value` reads back)."""
    if value is None:
        return ""
    if kind == "months" and isinstance(value, dict):
        first, last = value.get("first", ""), value.get("last", "")
        return str(first) if first == last else f"{first}..{last}"
    if kind == "list" and isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if kind in ("number", "integer") and isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else str(value)
    if kind == "json":
        return json.dumps(value, ensure_ascii=False)
    return str(value)


# -- the forms -------------------------------------------------------------------------------


class _CorrectionForm(ModalScreen[Event | None], metaclass=AbstractScreenMeta):
    """What both forms share: save on Ctrl+S in a worker, errors per field, Escape cancels."""

    CSS_PATH = "../history.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "save", priority=True),
        Binding("escape", "cancel", "cancel"),
    ]

    #: Problem keys shown beside a field: problem key -> error label id.
    FIELD_ERRORS: ClassVar[dict[str, str]] = {"reason": "error-reason"}

    def __init__(self, workspace: Workspace, event: Event) -> None:
        super().__init__()
        self.workspace = workspace
        self.event = event
        self.saving = False

    @property
    def holds_text(self) -> bool:
        """Whether the form holds typed text (a quit should ask first)."""
        return any(inp.value.strip() for inp in self.query(Input))

    def _heading(self, verb: str) -> ComposeResult:
        e = self.event
        yield Static(Text(f"{verb} event {e.seq} · {e.type}", style="bold"), classes="form-title")
        try:
            line = summary(e)
        except (KeyError, TypeError, ValueError):
            line = e.type
        yield Static(Text(line), classes="form-summary")

    def _buttons(self) -> ComposeResult:
        yield Static("", id="error-form", classes="form-error")
        with Horizontal(classes="form-buttons"):
            yield Button("Save (ctrl+s)", id="form-save", variant="primary")
            yield Button("Cancel (esc)", id="form-cancel")

    def _clear_errors(self) -> None:
        for label in self.query(".form-error"):
            if isinstance(label, Static):
                label.update("")
                label.remove_class("-shown")

    def show_problems(self, problems: dict[str, str]) -> None:
        """Show each problem beside its field (the rest above the buttons); keep the text."""
        self.saving = False
        self._clear_errors()
        general: list[str] = []
        for key, message in problems.items():
            label_id = self._error_label(key)
            if label_id is None:
                general.append(f"{key}: {message}" if key else message)
                continue
            label = self.query_one(f"#{label_id}", Static)
            label.update(Text(message))
            label.add_class("-shown")
        if general:
            label = self.query_one("#error-form", Static)
            label.update(Text("\n".join(general)))
            label.add_class("-shown")

    def _error_label(self, key: str) -> str | None:
        return self.FIELD_ERRORS.get(key)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#form-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#form-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @abstractmethod
    def action_save(self) -> None:
        """Check the form and write the correction (each form its own)."""

    @work(thread=True, exclusive=True, group="correction")
    def write(self, kind: str, args: dict[str, Any]) -> None:
        """Write the correction (thread); close with it, or show what was refused."""
        try:
            if kind == "retract":
                ev = self.workspace.retract(self.event.seq, args["reason"])
            else:
                ev = self.workspace.amend(self.event.seq, args["changes"], args["reason"])
        except CommandError as exc:
            self.app.call_from_thread(self.show_problems, exc.problems)
            return
        except Exception as exc:  # noqa: BLE001 - a failed write must leave the form and app up
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._written, ev)

    def _failed(self, exc: BaseException) -> None:
        self.show_problems({"": f"not saved: {exc}"})
        self.notify(f"not saved: {exc}", severity="error", timeout=10)

    def _written(self, ev: Event) -> None:
        self.saving = False
        self.dismiss(ev)

    def _reason(self) -> str | None:
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            self.show_problems({"reason": "say why (a correction without a reason is refused)"})
            return None
        return reason


class RetractForm(_CorrectionForm):
    """Retract a record: one reason, required. Returns the ``EventRetracted`` written."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="form-dialog", id="retract-dialog"):
            yield from self._heading("Retract")
            yield Label("reason")
            yield Input(placeholder="why this no longer holds", id="reason")
            yield Static("", id="error-reason", classes="form-error")
            yield from self._buttons()
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        if self.saving:
            return
        reason = self._reason()
        if reason is None:
            return
        self.saving = True
        self.write("retract", {"reason": reason})


class AmendForm(_CorrectionForm):
    """Amend one field of a record: the field, its new value, and the reason.

    Args:
        workspace: the commands.
        event: the record's event.
        payload: its effective payload (after earlier amendments), to pre-fill the value.
    """

    FIELD_ERRORS: ClassVar[dict[str, str]] = {
        "reason": "error-reason", "field": "error-field", "changes": "error-field",
    }

    def __init__(self, workspace: Workspace, event: Event, payload: dict[str, Any]) -> None:
        super().__init__(workspace, event)
        self.payload = payload
        self.fields = list(PAYLOADS[event.type].model_fields)

    def compose(self) -> ComposeResult:
        with Vertical(classes="form-dialog", id="amend-dialog"):
            yield from self._heading("Amend")
            yield Label("field")
            yield Select([(f, f) for f in self.fields], prompt="choose the field to change",
                         id="field")
            yield Static("", id="error-field", classes="form-error")
            yield Label("new value", id="value-label")
            yield Input(placeholder="pick a field first", id="value")
            yield Static("", id="error-value", classes="form-error")
            yield Label("reason")
            yield Input(placeholder="why it changes", id="reason")
            yield Static("", id="error-reason", classes="form-error")
            yield from self._buttons()
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#field", Select).focus()

    @property
    def chosen(self) -> str | None:
        value = self.query_one("#field", Select).value
        return None if value is Select.NULL else str(value)

    @on(Select.Changed, "#field")
    def _field_changed(self, event: Select.Changed) -> None:
        name = self.chosen
        value_input = self.query_one("#value", Input)
        if name is None:
            value_input.placeholder = "pick a field first"
            return
        kind = field_kind(self.event.type, name)
        value_input.value = edit_text(kind, self.payload.get(name))
        value_input.placeholder = HINTS[kind]
        self.query_one("#value-label", Label).update(f"new value of {name} ({HINTS[kind]})")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "reason":
            self.action_save()
        else:
            self.focus_next()

    def _error_label(self, key: str) -> str | None:
        name = self.chosen
        if name is not None and key.split(".")[0] == name:
            return "error-value"
        return super()._error_label(key)

    def action_save(self) -> None:
        if self.saving:
            return
        name = self.chosen
        if name is None:
            self.show_problems({"field": "choose the field to change"})
            return
        try:
            value = parse_value(field_kind(self.event.type, name),
                                self.query_one("#value", Input).value)
        except ValueError as exc:
            self.show_problems({name: str(exc)})
            return
        reason = self._reason()
        if reason is None:
            return
        self.saving = True
        self.write("amend", {"changes": {name: value}, "reason": reason})
