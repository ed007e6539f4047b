"""The one form framework: :class:`Form`, a typed ``ModalScreen``, and the :class:`Field` and
:class:`Note` it is built from.

Every dialog that records something — a capture (assumption, decision, action), a correction
(retract, amend), the consensus, a scenario, the recommendation, the executive outcome (approve,
override), opening a cycle, e-mailing the pack — is a :class:`Form` subclass: it lists its fields
and says how to save them. The form dismisses with what :meth:`Form.submit` returned (the event
written, typically), or with ``None`` when it was cancelled. Everywhere alike:

- Ctrl+S saves, Esc cancels (asking first when a field holds typed text), Tab / Shift+Tab and
  Enter (in a one-line field) move between fields; the same look (``form.tcss``).
- Each field is checked as it is left, by the same rules the CLI's commands apply (the ``cycle``
  layer's :mod:`sop_tui.cycle.validation` and the commands' own rule sets); before saving every
  field is checked again and every problem is shown at once, beside its field, in a planner's
  words. Nothing is written until all hold; the command's own refusal (it checks what a form
  cannot, such as a family in the data) is shown the same way, the typed text kept.
- Saving runs the command in a thread worker; the form closes once the event is written.
- What is typed is kept as a draft (:mod:`sop_tui.cycle.drafts`, when the app offers a
  ``drafts`` store): written at most every :data:`DRAFT_DELAY` seconds while typing, removed on
  save or cancel; the same form opened again (same kind, same context) opens with it.

Keys typed ahead, at any speed, land in the fields they were typed for: that is the app's key
handling (:mod:`sop_tui.tui.keys`), which a form relies on and does nothing to defeat — each move
between fields is a key binding, and the first field is focused while the form mounts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import ClassVar, TypeVar, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import DescendantBlur
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Label, Static, TextArea
from textual.widgets.input import Selection
from textual.worker import Worker, WorkerState

from sop_tui.cycle.drafts import Draft, DraftStore
from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.validation import in_words, required
from sop_tui.events.log import LogError
from sop_tui.tui.dialogs.confirm import ConfirmDialog

__all__ = ["DRAFT_DELAY", "FORM_PROBLEM", "Check", "Field", "Form", "Note", "lines_of"]

T = TypeVar("T")

#: What a problem that names no field of the form is filed under.
FORM_PROBLEM = ""

#: Seconds between a keystroke and the draft's write (throttled, not restarted by each key):
#: a process killed now loses at most this much typing.
DRAFT_DELAY = 0.4

#: A rule for one field's text: what is wrong with it, or None when it holds.
Check = Callable[[str], str | None]


def lines_of(text: str) -> list[str]:
    """The non-blank lines of ``text``, stripped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


@dataclass(frozen=True)
class Field:
    """One field of a form.

    Attributes:
        name: the command's name for it (the key its problems come under).
        label: what the form shows beside it.
        value: the text it opens with (saved unless changed; selected, so typing replaces it).
        placeholder: the hint shown while it is empty — a suggestion, never saved.
        required: when set, the field must not be left blank: says what to give.
        check: the rule its text must hold (run as it is left, and before saving).
        lines: several lines (a text area, one item a line) instead of one.
        suggestions: completions offered while typing (the rest typed by → or End).
    """

    name: str
    label: str
    value: str = ""
    placeholder: str = ""
    required: str = ""
    check: Check | None = None
    lines: bool = False
    suggestions: Sequence[str] = field(default=())


@dataclass(frozen=True)
class Note:
    """A line of text among the fields (what the form records, a warning)."""

    text: str | Text
    id: str | None = None
    classes: str = ""


class Form(ModalScreen[T | None]):
    """A modal form: :meth:`fields` to fill, :meth:`submit` to save them (see the module)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
        # Enter in a one-line field moves on (in a text area it starts a new line).
        Binding("enter", "next_field", "Next field", show=False, priority=True),
    ]
    FORM_TITLE: ClassVar[str] = ""
    HINT: ClassVar[str] = "Ctrl+S save · Esc cancel · Tab next field"

    def __init__(self) -> None:
        super().__init__(classes="form")
        self.saving = False
        self._specs: dict[str, Field] = {}
        self._initial: dict[str, str] = {}
        #: what the command refused, by field: (the text it refused, why); shown until changed
        self._refused: dict[str, tuple[str, str]] = {}
        self._draft_timer: Timer | None = None
        self._draft_key = type(self).__name__  # made exact when the fields are composed
        #: the draft's text was saved or discarded: nothing more is written
        self._draft_closed = False
        #: the draft this form opened with (None: it opened as its fields say)
        self.restored: Draft | None = None

    # -- what subclasses provide -------------------------------------------------------------

    def fields(self) -> Sequence[Field | Note]:
        """The form's fields (and notes among them), pre-filled, in order."""
        raise NotImplementedError(f"{type(self).__name__} lists no fields")

    def form_title(self) -> str:
        """The title on the form's frame (default :attr:`FORM_TITLE`)."""
        return self.FORM_TITLE

    def context(self) -> str:
        """One line under the title saying where the record lands."""
        return ""

    def first_field(self) -> str | None:
        """The field focused when the form opens (default: the first)."""
        return next(iter(self._specs), None)

    def rules(self, values: Mapping[str, str]) -> dict[str, str]:
        """Problems found across fields (by field name), by the cycle layer's rules; run as
        each field is left and before saving. Cheap: no database, no data."""
        return {}

    def submit(self, values: Mapping[str, str]) -> T:
        """Write the record from ``values`` and return it (a thread worker runs this).

        Raises:
            CommandError: naming the fields that do not hold; nothing was written.
        """
        raise NotImplementedError(f"{type(self).__name__} says not how to save")

    def saved(self, result: T) -> None:
        """:meth:`submit` succeeded: close with its result."""
        self.dismiss(result)

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        items = list(self.fields())
        notes = "|".join(str(i.text) for i in items if isinstance(i, Note))
        where = f"{self.form_title()}|{self.context()}|{notes}"
        self._draft_key = f"{type(self).__name__}-{hashlib.sha1(where.encode()).hexdigest()[:12]}"
        kept = self._draft_store()
        self.restored = kept.load(self._draft_key) if kept is not None else None
        box = Vertical(classes="form-box")
        box.border_title = self.form_title()
        with box:
            context = self.context()
            if context:
                yield Static(context, id="form-context", classes="form-context", markup=False)
            with VerticalScroll(classes="form-fields", can_focus=False):
                for item in items:
                    if isinstance(item, Note):
                        yield Static(item.text, id=item.id, markup=False,
                                     classes=f"form-note {item.classes}".strip())
                        continue
                    self._specs[item.name] = item
                    self._initial[item.name] = item.value
                    if self.restored is not None and item.name in self.restored.values:
                        item = replace(item, value=self.restored.values[item.name])
                    with Horizontal(id=f"row-{item.name}", classes="form-row"):
                        yield Label(item.label, classes="form-label")
                        yield self._widget(item)
                    yield Static("", id=f"error-{item.name}", classes="form-error",
                                 markup=False)
            yield Static("", id="error-form", classes="form-error form-problem", markup=False)
            yield Static(self.HINT, classes="form-hint", markup=False)

    def _widget(self, spec: Field) -> Widget:
        wid = f"field-{spec.name}"
        if spec.lines:
            return TextArea(spec.value, id=wid, classes="form-field form-lines",
                            placeholder=spec.placeholder, soft_wrap=True,
                            show_line_numbers=False, compact=True,
                            tab_behavior="focus")
        suggester = (SuggestFromList(spec.suggestions, case_sensitive=False)
                     if spec.suggestions else None)
        return Input(spec.value, placeholder=spec.placeholder, id=wid, classes="form-field",
                     compact=True, suggester=suggester)

    def on_mount(self) -> None:
        blink = getattr(self.app, "CURSOR_BLINK", True)
        for widget in self.field_widgets():
            widget.cursor_blink = blink
            if isinstance(widget, Input):
                # a long pre-filled text shows from its start, selected: typing replaces it
                widget.selection = Selection(len(widget.value), 0)
        first = self.first_field()
        if first is not None:
            # Now, not through ``Widget.focus`` (queued on the app): keys typed while the form
            # opened go to the field that holds focus when they are handed on.
            self.set_focus(self.field_widget(first))
        if self.restored is not None:
            at = self.restored.saved_at.astimezone().strftime("%H:%M")
            self.notify(f"The text typed at {at} is back: Ctrl+S saves it, Esc discards it.",
                        title="Draft restored", timeout=8)

    # -- reading -----------------------------------------------------------------------------

    def field_widget(self, name: str) -> Input | TextArea:
        """The input (or text area) of field ``name``."""
        widget = self.query_one(f"#field-{name}")
        assert isinstance(widget, (Input, TextArea))
        return widget

    def field_widgets(self) -> list[Input | TextArea]:
        """Every field's widget, in order (the hidden ones too)."""
        return [self.field_widget(name) for name in self._specs]

    def values(self) -> dict[str, str]:
        """Each field's text, by name."""
        out: dict[str, str] = {}
        for name in self._specs:
            widget = self.field_widget(name)
            out[name] = widget.text if isinstance(widget, TextArea) else widget.value
        return out

    def value(self, name: str) -> str:
        """The text of field ``name``."""
        return self.values()[name]

    def set_value(self, name: str, text: str) -> None:
        """Put ``text`` in field ``name`` (cursor at its end)."""
        widget = self.field_widget(name)
        if isinstance(widget, TextArea):
            widget.load_text(text)
        else:
            widget.value = text
            widget.cursor_position = len(text)

    @property
    def holds_text(self) -> bool:
        """True when a field holds text that was typed and not saved (quitting asks first)."""
        if not self.is_mounted:
            return False
        now = self.values()
        return any(now[k].strip() != self._initial[k].strip() for k in now)

    # -- moving between fields ---------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_field":  # Enter: only a one-line field moves on with it
            return isinstance(self.focused, Input) and self.focused.has_class("form-field")
        return True

    def action_next_field(self) -> None:
        self.focus_next()

    # -- checking ----------------------------------------------------------------------------

    def problems(self, values: Mapping[str, str]) -> dict[str, str]:
        """Every problem of ``values``: required fields, each field's rule, then :meth:`rules`."""
        found: dict[str, str] = {}
        for name, spec in self._specs.items():
            if not self.field_shown(name):
                continue
            text = values.get(name, "")
            problem = required(text, spec.required) if spec.required else None
            if problem is None and spec.check is not None and text.strip():
                problem = spec.check(text)
            if problem:
                found[name] = problem
        for name, problem in self.rules(values).items():
            found.setdefault(name, problem)
        return found

    def field_shown(self, name: str) -> bool:
        """Whether field ``name`` is on show (a hidden one is neither checked nor saved)."""
        return bool(self.query_one(f"#row-{name}").display)

    def on_descendant_blur(self, event: DescendantBlur) -> None:
        """A field was left: check it (and refresh the problems shown on the others)."""
        name = (event.widget.id or "").removeprefix("field-")
        if name not in self._specs or self.saving or not self.is_current:
            return
        values = self.values()
        found = self.problems(values)
        if not values[name].strip():
            found.pop(name, None)  # left blank on the way through: said when saving
        for field_name, (text, problem) in self._refused.items():
            if values.get(field_name) == text:  # the command's refusal holds until changed
                found.setdefault(field_name, problem)
        for other in self._specs:
            if other == name or self.query_one(f"#error-{other}", Static).has_class("-shown"):
                self._show(other, found.get(other))

    # -- problems shown ----------------------------------------------------------------------

    def _show(self, name: str, problem: str | None) -> None:
        line = self.query_one(f"#error-{name}", Static)
        line.update(problem or "")
        line.set_class(bool(problem), "-shown")
        self.field_widget(name).set_class(bool(problem), "-invalid")

    def show_problems(self, problems: Mapping[str, str]) -> None:
        """Show every problem at once — each beside its field, the rest at the bottom — in a
        planner's words; focus the first field at fault. The typed text stays."""
        self.saving = False
        self.remove_class("-saving")
        words = in_words(problems)
        by_field: dict[str, str] = {}
        general: list[str] = []
        for key, message in words.items():
            name = key.split(".")[0]
            if name in self._specs and self.field_shown(name):
                detail = key[len(name) + 1:]
                by_field.setdefault(name, f"{detail}: {message}" if detail else message)
            else:
                general.append(f"{key}: {message}" if key else message)
        for name in self._specs:
            self._show(name, by_field.get(name))
        bottom = self.query_one("#error-form", Static)
        bottom.update("\n".join(general))
        bottom.set_class(bool(general), "-shown")
        first = next((n for n in self._specs if n in by_field), None)
        if first is not None:
            self.set_focus(self.field_widget(first))
        if problems:
            self.app.bell()

    # -- the draft ---------------------------------------------------------------------------

    def draft_key(self) -> str:
        """Which draft is this form's: its kind and what it is about (title, context line,
        notes), so the same form opened on the same thing opens with the same draft."""
        return self._draft_key

    def _draft_store(self) -> DraftStore | None:
        store = getattr(self.app, "drafts", None)  # none in sop review or a bare host app
        return store if isinstance(store, DraftStore) else None

    def on_input_changed(self, event: Input.Changed) -> None:
        self._draft_soon()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._draft_soon()

    def _draft_soon(self) -> None:
        if self._draft_timer is None and not self._draft_closed and self._draft_store():
            self._draft_timer = self.set_timer(DRAFT_DELAY, self.write_draft)

    def write_draft(self) -> None:
        """Keep what is typed now as the draft (none when nothing was typed)."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        store = self._draft_store()
        if store is None or self._draft_closed or not self.is_mounted:
            return
        values = self.values()
        if self.restored is not None and dict(self.restored.values) == values:
            return  # as restored: the draft keeps the time it was typed
        if self.holds_text:
            store.save(Draft(self.draft_key(), self.form_title(), self.context(), values))
        else:
            store.remove(self.draft_key())

    def discard_draft(self) -> None:
        """The text was saved or cancelled: forget its draft, and write none from now on."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        self._draft_closed = True
        store = self._draft_store()
        if store is not None:
            store.remove(self.draft_key())

    def on_unmount(self) -> None:
        # The fields are gone by now: what was typed since the last write (under DRAFT_DELAY)
        # is not kept. The app writes the drafts itself before it ends on a signal.
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None

    # -- saving and cancelling ---------------------------------------------------------------

    def action_save(self) -> None:
        """Check every field; when all hold, write the record in a thread worker."""
        if self.saving:
            return
        values = {k: v for k, v in self.values().items() if self.field_shown(k)}
        found = self.problems(values)
        self.show_problems(found)
        if found:
            return
        self.saving = True
        self.add_class("-saving")
        self.query_one("#error-form", Static).update("Saving…")
        self._submit(values)

    @work(thread=True, exclusive=True, exit_on_error=False, group="form-submit")
    def _submit(self, values: dict[str, str]) -> T | None:
        # A refusal is handed to the form before the worker ends (the form stays open, showing
        # why). A result closes the form once the worker has ended (on_worker_state_changed):
        # a form closed while its worker still ran would have the worker cancelled.
        try:
            return self.submit(values)
        except CommandError as exc:
            self.app.call_from_thread(self.refused, exc.problems)
        except LogError as exc:  # the log refused the write (locked, read-only): say so
            self.app.call_from_thread(self.refused, {FORM_PROBLEM: f"not saved: {exc}"})
        return None

    def _done(self, result: T) -> None:
        self.saving = False
        self.remove_class("-saving")
        self.discard_draft()
        self.saved(result)

    def refused(self, problems: Mapping[str, str]) -> None:
        """The command refused: show why; each refusal stays until its field changes."""
        self.show_problems(problems)
        values = self.values()
        self._refused = {
            name: (values[name], str(line.render()))
            for name in self._specs
            if (line := self.query_one(f"#error-{name}", Static)).has_class("-shown")}

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "form-submit":
            return
        if event.state == WorkerState.SUCCESS and self.saving:  # not refused: written
            self._done(cast(T, event.worker.result))
        elif event.state == WorkerState.ERROR:
            # not the input's fault (a bug, a full disk): the form stays open with its text
            error = event.worker.error
            self.show_problems({FORM_PROBLEM: f"not saved: {error}"})
            self.notify(f"Not saved: {error}", severity="error", timeout=10)

    def action_cancel(self) -> None:
        """Close without saving, asking first when a field holds typed text."""
        if not self.holds_text:
            self.discard_draft()
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.discard_draft()
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog("Discard what was typed in this form?",
                                           yes="Discard", no="Keep editing"), answered)
