"""The correction forms: retract a record (with a reason) or amend one field of it.

Provides :class:`RetractForm` and :class:`AmendForm`, both :class:`Form` s that write one event
through ``Workspace.retract`` / ``Workspace.amend`` and close with it, or stay open with every
refused field named beside it (the typed text kept). Also :func:`field_kind`,
:func:`parse_value` and :func:`edit_text`, how a payload field's new value is typed.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any

from textual.events import DescendantBlur
from textual.widgets import Input

from sop_tui.cycle.describe import summary
from sop_tui.cycle.validation import parse_number
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.types import PAYLOADS, Event, MonthRange
from sop_tui.tui.dialogs.form import Field, Form, Note

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
        return parse_number(text, scaled=True)
    if kind == "integer":
        number = parse_number(text)
        if not number.is_integer():
            raise ValueError(f"{text!r} is not a whole number")
        return int(number)
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
    except json.JSONDecodeError as exc:
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


class _CorrectionForm(Form[Event]):
    """What both forms share: the record corrected, shown above the fields."""

    def __init__(self, workspace: Workspace, event: Event) -> None:
        super().__init__()
        self.workspace = workspace
        self.event = event

    def context(self) -> str:
        try:
            return summary(self.event)
        except (KeyError, TypeError, ValueError):
            return self.event.type


class RetractForm(_CorrectionForm):
    """Retract a record: one reason, required. Returns the ``EventRetracted`` written."""

    def form_title(self) -> str:
        return f"Retract event {self.event.seq} · {self.event.type}"

    def fields(self) -> Sequence[Field | Note]:
        return [Field("reason", "Reason", placeholder="why this no longer holds",
                      required="say why (a correction without a reason is refused)")]

    def submit(self, values: Mapping[str, str]) -> Event:
        return self.workspace.retract(self.event.seq, values["reason"].strip())


class AmendForm(_CorrectionForm):
    """Amend one field of a record: the field, its new value, and the reason.

    Args:
        workspace: the commands.
        event: the record's event.
        payload: its effective payload (after earlier amendments), to pre-fill the value.
    """

    def __init__(self, workspace: Workspace, event: Event, payload: dict[str, Any]) -> None:
        super().__init__(workspace, event)
        self.payload = payload
        self.names = list(PAYLOADS[event.type].model_fields)
        self._filled_for: str | None = None

    def form_title(self) -> str:
        return f"Amend event {self.event.seq} · {self.event.type}"

    def fields(self) -> Sequence[Field | Note]:
        return [
            Field("field", "Field", placeholder=f"which: {', '.join(self.names)}",
                  suggestions=self.names, required="name the field to change",
                  check=self._field_problem),
            Field("value", "New value", placeholder="name the field first"),
            Field("reason", "Reason", placeholder="why it changes",
                  required="say why (a correction without a reason is refused)"),
        ]

    def _field_problem(self, text: str) -> str | None:
        if text.strip() not in self.names:
            return (f"{text.strip()!r} is not a field of {self.event.type} "
                    f"(one of: {', '.join(self.names)})")
        return None

    @property
    def chosen(self) -> str | None:
        """The payload field named, when it is one."""
        name = self.values()["field"].strip()
        return name if name in self.names else None

    def on_descendant_blur(self, event: DescendantBlur) -> None:
        super().on_descendant_blur(event)
        name = self.chosen
        if name is None or name == self._filled_for:
            return
        # the field named: its current value to edit, and how to type it
        self._filled_for = name
        kind = field_kind(self.event.type, name)
        value = self.field_widget("value")
        value.placeholder = HINTS[kind]
        if not self.values()["value"].strip():
            self.set_value("value", edit_text(kind, self.payload.get(name)))
            if isinstance(value, Input):
                value.select_all()  # typing replaces it; → keeps it for editing

    def rules(self, values: Mapping[str, str]) -> dict[str, str]:
        name = values["field"].strip()
        if name not in self.names:
            return {}
        try:
            parse_value(field_kind(self.event.type, name), values["value"])
        except ValueError as exc:
            return {"value": str(exc)}
        return {}

    def show_problems(self, problems: Mapping[str, str]) -> None:
        # the command names the payload field ("due"): that is this form's "value"
        name = self.chosen
        super().show_problems({("value" if name and k.split(".")[0] == name else k): v
                               for k, v in problems.items()})

    def submit(self, values: Mapping[str, str]) -> Event:
        name = values["field"].strip()
        value = parse_value(field_kind(self.event.type, name), values["value"])
        return self.workspace.amend(self.event.seq, {name: value}, values["reason"].strip())


__all__ = ["HINTS", "AmendForm", "RetractForm", "edit_text", "field_kind", "parse_value"]
