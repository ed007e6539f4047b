"""The capture forms: an assumption, a decision, an action, and opening a cycle.

Each form is a :class:`ModalScreen` that dismisses with the recorded :class:`Event` (or None when
cancelled). Ctrl+S calls the Workspace command in a thread worker; the event is written before
the form closes. A :class:`CommandError` marks the field it names, shows its message under it,
and leaves the form open with its text. Escape cancels, asking first when text was typed.

The meeting forms are built once per app and re-used (see :mod:`sop_tui.tui.dialogs.installed`):
each open points the form at the meeting and family on screen (:meth:`MeetingForm.open_for`) and
:meth:`CaptureForm.reset` puts every field back to its default, so nothing of one capture
reaches the next.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import ScreenResume
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, TextArea

from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.meetings import MeetingDef
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.log import LogError
from sop_tui.events.types import Event
from sop_tui.tui.abstract import AbstractScreenMeta
from sop_tui.tui.dialogs.backdrop import DimmedModal
from sop_tui.tui.dialogs.confirm import ConfirmDialog

FORM_ERROR = ""  # the problems key of an error that names no field


@dataclass(frozen=True)
class FieldSpec:
    """One field of a form.

    Attributes:
        name: the command's name for it (the key a ``CommandError`` uses).
        label: what the form shows above it.
        value: the pre-filled value.
        placeholder: the hint shown while it is empty.
        multiline: a text area (one option per line) instead of one line.
        choices: (label, value) pairs: a select instead of a text input.
    """

    name: str
    label: str
    value: str = ""
    placeholder: str = ""
    multiline: bool = False
    choices: tuple[tuple[str, str], ...] | None = None


class CaptureForm(DimmedModal[Event | None], metaclass=AbstractScreenMeta):
    """Base of the capture forms: fields, validation messages, save and cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]
    FORM_TITLE: ClassVar[str] = ""

    def __init__(self, workspace: Workspace, *, cycle: str) -> None:
        super().__init__(classes="dialog capture")
        self.workspace = workspace
        self.cycle = cycle
        self.specs = self.field_specs()
        self._initial = {f.name: f.value for f in self.specs}
        self.saving = False
        self._choices: dict[str, tuple[tuple[str, str], ...] | None] = {
            f.name: f.choices for f in self.specs if f.choices is not None}
        self.mount_started = False  # set by installed.prebuild_meeting_form
        self._styled_as: tuple[object, ...] | None = None

    # -- what subclasses provide -----------------------------------------------------------

    @abstractmethod
    def field_specs(self) -> list[FieldSpec]:
        """The form's fields, pre-filled."""

    def context_line(self) -> str:
        """One line saying where the capture lands (cycle, meeting)."""
        return f"cycle {self.cycle}"

    @abstractmethod
    def submit(self, values: Mapping[str, str]) -> Event:
        """Call the Workspace command with the form's values (runs in a thread worker).

        Raises:
            CommandError: naming the field that does not hold; nothing was written.
        """

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box form-box"):
            yield Label(self.FORM_TITLE, classes="dialog-title")
            yield Label(self.context_line(), id="form-context", classes="form-context",
                        markup=False)
            # A field's error line is mounted under it only when there is one: fewer widgets,
            # a form on screen sooner.
            with VerticalScroll(classes="form-fields"):
                for spec in self.specs:
                    with Horizontal(id=f"row-{spec.name}", classes="field-row"):
                        yield Label(spec.label, classes="field-label")
                        yield self._field_widget(spec)
            yield Static("", id="error-form", classes="form-error", markup=False)
            yield Label("Ctrl+S save · Esc cancel · Tab next field", classes="form-hint")

    def _field_widget(self, spec: FieldSpec) -> Widget:
        wid = f"field-{spec.name}"
        if spec.choices is not None:
            return Select(spec.choices, value=spec.value or Select.NULL, allow_blank=True,
                          prompt="(none)", id=wid, classes="field", compact=True)
        if spec.multiline:
            return TextArea(spec.value, id=wid, classes="field field-multiline",
                            show_line_numbers=False, compact=True)
        return Input(spec.value, placeholder=spec.placeholder, id=wid, classes="field",
                     compact=True)

    def on_mount(self) -> None:
        blink = getattr(self.app, "CURSOR_BLINK", True)
        for w in self.query(Input):
            w.cursor_blink = blink
        for t in self.query(TextArea):
            t.cursor_blink = blink
        # a form prebuilt while the app exits is mounted without its fields: nothing to focus
        for first in self.query(".field").results():
            first.focus()
            break

    # -- re-use ----------------------------------------------------------------------------

    def on_screen_resume(self, event: ScreenResume) -> None:
        # Textual re-applies the whole stylesheet to a screen it pushes (~20-40 ms for a form),
        # in case the CSS or the theme changed while it was off the stack. A re-used form
        # skips that when neither did since it was last styled; class and focus changes
        # restyle their own nodes as they happen.
        styled = (self.app._css_update_count, self.app.theme)
        if self._styled_as == styled:
            event.refresh_styles = False
        self._styled_as = styled

    def reset(self) -> None:
        """A fresh form: every field back to its default, no error shown, the first focused.

        The defaults are :meth:`field_specs` read again (the meeting, its owner role, the
        family on screen, the cycle's decisions). Before the form is mounted this only reads
        them: compose uses them.
        """
        specs = self.field_specs()
        assert [s.name for s in specs] == [s.name for s in self.specs], "fields are fixed"
        self.specs = specs
        self._initial = {f.name: f.value for f in specs}
        self.saving = False
        self.remove_class("-saving")
        if not self.is_mounted:
            self._choices = {f.name: f.choices for f in specs if f.choices is not None}
            return
        self.clear_problems()
        self.query_one("#form-context", Label).update(self.context_line())
        for spec in specs:
            w = self.query_one(f"#field-{spec.name}")
            if isinstance(w, Select):
                if spec.choices != self._choices.get(spec.name):
                    w.set_options(spec.choices or ())
                    self._choices[spec.name] = spec.choices
                w.value = spec.value or Select.NULL
            elif isinstance(w, TextArea):
                if w.text != spec.value:
                    w.load_text(spec.value)
                w.move_cursor((0, 0))
            else:
                assert isinstance(w, Input)
                w.value = spec.value
                w.cursor_position = len(spec.value)
        self.query_one(".form-fields", VerticalScroll).scroll_home(animate=False)
        self.query(".field").first().focus()

    # -- values ----------------------------------------------------------------------------

    def values(self) -> dict[str, str]:
        """The fields' current text, by field name."""
        out: dict[str, str] = {}
        for spec in self.specs:
            w = self.query_one(f"#field-{spec.name}")
            if isinstance(w, Select):
                out[spec.name] = "" if w.value is Select.NULL else str(w.value)
            elif isinstance(w, TextArea):
                out[spec.name] = w.text
            else:
                assert isinstance(w, Input)
                out[spec.name] = w.value
        return out

    @property
    def holds_text(self) -> bool:
        """True when something was typed that is not saved yet (quitting asks first)."""
        now = self.values()
        return any(now[k].strip() != (self._initial[k] or "").strip() for k in now)

    # -- save and cancel -------------------------------------------------------------------

    def action_save(self) -> None:
        if self.saving:
            return
        self.clear_problems()
        self.saving = True
        self.add_class("-saving")
        self._save(self.values())

    @work(thread=True, exclusive=True, group="capture-save")
    def _save(self, values: dict[str, str]) -> None:
        try:
            event = self.submit(values)
        except CommandError as exc:
            self.app.call_from_thread(self.show_problems, exc.problems)
            return
        except LogError as exc:
            self.app.call_from_thread(self.show_problems, {FORM_ERROR: str(exc)})
            return
        self.app.call_from_thread(self.dismiss, event)

    def clear_problems(self) -> None:
        for w in self.query(".field-error, .form-error"):
            assert isinstance(w, Static)
            w.update("")
            w.remove_class("-shown")
        for w in self.query(".field"):
            w.remove_class("-invalid")

    def _error_line(self, name: str) -> Static:
        """The error line under field ``name`` (mounted the first time it is needed)."""
        found = self.query(f"#error-{name}")
        if found:
            return found.only_one(Static)
        line = Static("", id=f"error-{name}", classes="field-error", markup=False)
        self.query_one(".form-fields").mount(line, after=self.query_one(f"#row-{name}"))
        return line

    def show_problems(self, problems: Mapping[str, str]) -> None:
        """Mark each named field and show its message under it; keep the text."""
        self.saving = False
        self.remove_class("-saving")
        names = {s.name for s in self.specs}
        general: list[str] = []
        first: Widget | None = None
        for key, message in problems.items():
            name = key.split(".")[0]
            if name in names:
                err = self._error_line(name)
                err.update(f"{name}: {message}")
                err.add_class("-shown")
                field = self.query_one(f"#field-{name}")
                field.add_class("-invalid")
                first = first or field
            else:
                general.append(f"{key}: {message}" if key else message)
        if general:
            err = self.query_one("#error-form", Static)
            err.update("\n".join(general))
            err.add_class("-shown")
        if first is not None:
            first.focus()

    def action_cancel(self) -> None:
        if not self.holds_text:
            self.dismiss(None)
            return

        def answered(ok: bool | None) -> None:
            if ok:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog("Discard the text in this form?", yes="Discard",
                                           no="Keep editing"), callback=answered)


def _number(values: Mapping[str, str], name: str, problems: dict[str, str]) -> float | None:
    text = values.get(name, "").strip().replace(",", "").replace("$", "")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        problems[name] = f"{values[name]!r} is not a number"
        return None


def _blank_none(text: str) -> str | None:
    return text.strip() or None


class MeetingForm(CaptureForm):
    """A capture that lands in a meeting, pre-filled with its owner role and the family shown."""

    def __init__(self, workspace: Workspace, *, cycle: str, meeting: MeetingDef,
                 family: str | None = None) -> None:
        self.meeting = meeting
        self.family = family
        super().__init__(workspace, cycle=cycle)

    def context_line(self) -> str:
        return f"cycle {self.cycle} · {self.meeting.title} (owner: {self.meeting.owner})"

    def open_for(self, *, cycle: str, meeting: MeetingDef, family: str | None) -> None:
        """Point the form at a new capture in ``meeting`` and reset its fields."""
        self.cycle = cycle
        self.meeting = meeting
        self.family = family
        self.reset()


class AssumptionForm(MeetingForm):
    """Record an assumption: a sentence, its owner, optionally family, months and numbers."""

    FORM_TITLE = "Assumption"

    def field_specs(self) -> list[FieldSpec]:
        return [
            FieldSpec("text", "Assumption", placeholder="what we assume, in one sentence"),
            FieldSpec("owner", "Owner", self.meeting.owner),
            FieldSpec("family", "Family", self.family or "", placeholder="(all families)"),
            FieldSpec("months", "Months", placeholder="YYYY-MM or YYYY-MM..YYYY-MM"),
            FieldSpec("units", "Units", placeholder="optional"),
            FieldSpec("dollars", "Dollars", placeholder="optional"),
            FieldSpec("source", "Source", placeholder="sales / marketing / finance / planner"),
        ]

    def submit(self, values: Mapping[str, str]) -> Event:
        problems: dict[str, str] = {}
        units = _number(values, "units", problems)
        dollars = _number(values, "dollars", problems)
        if problems:
            raise CommandError(problems)
        return self.workspace.record_assumption(
            text=values["text"], owner=values["owner"], cycle=self.cycle,
            meeting=self.meeting.id, family=_blank_none(values["family"]),
            months=_blank_none(values["months"]), units=units, dollars=dollars,
            source=_blank_none(values["source"]),
        )


class DecisionForm(MeetingForm):
    """Record a decision: the question, its options, the one chosen and why."""

    FORM_TITLE = "Decision"

    def field_specs(self) -> list[FieldSpec]:
        return [
            FieldSpec("question", "Question", placeholder="what was decided?"),
            FieldSpec("options", "Options (one per line)", multiline=True),
            FieldSpec("chosen", "Chosen"),
            FieldSpec("rationale", "Rationale"),
            FieldSpec("decided_by", "Decided by", self.meeting.owner),
            FieldSpec("owner", "Owner of the follow-up", placeholder="who carries it out"),
            FieldSpec("due", "Due", placeholder="YYYY-MM-DD"),
            FieldSpec("family", "Family", self.family or ""),
            FieldSpec("skus", "SKUs (comma-separated)"),
            FieldSpec("resource", "Resource"),
            FieldSpec("months", "Months", placeholder="YYYY-MM or YYYY-MM..YYYY-MM"),
        ]

    def submit(self, values: Mapping[str, str]) -> Event:
        options = [line.strip() for line in values["options"].splitlines() if line.strip()]
        skus = [s.strip() for s in values["skus"].split(",") if s.strip()]
        return self.workspace.record_decision(
            question=values["question"], chosen=values["chosen"],
            rationale=values["rationale"], decided_by=values["decided_by"], options=options,
            owner=_blank_none(values["owner"]), due=_blank_none(values["due"]),
            cycle=self.cycle, meeting=self.meeting.id, family=_blank_none(values["family"]),
            skus=skus, resource=_blank_none(values["resource"]),
            months=_blank_none(values["months"]),
        )


class ActionForm(MeetingForm):
    """Record an action: what, who, by when, and the decision it serves."""

    FORM_TITLE = "Action"

    def field_specs(self) -> list[FieldSpec]:
        cs = self.workspace.state().cycles.get(self.cycle)
        decisions = cs.decisions if cs is not None else []
        choices = tuple(
            (f"#{r.seq} {r.payload['question'][:60]}", str(r.seq))
            for r in sorted(decisions, key=lambda r: -r.seq)
        )
        return [
            FieldSpec("text", "Action", placeholder="what will be done"),
            FieldSpec("owner", "Owner", self.meeting.owner),
            FieldSpec("due", "Due", placeholder="YYYY-MM-DD"),
            FieldSpec("dollars", "Dollars", placeholder="optional"),
            FieldSpec("decision", "Serves the decision", choices=choices),
        ]

    def submit(self, values: Mapping[str, str]) -> Event:
        problems: dict[str, str] = {}
        dollars = _number(values, "dollars", problems)
        if not values["due"].strip():
            problems["due"] = "required: a date in the form YYYY-MM-DD"
        if problems:
            raise CommandError(problems)
        decision = int(values["decision"]) if values["decision"] else None
        return self.workspace.record_action(
            text=values["text"], owner=values["owner"], due=values["due"].strip(),
            cycle=self.cycle, meeting=self.meeting.id, dollars=dollars, decision=decision,
        )


class OpenCycleForm(CaptureForm):
    """Open a cycle (YYYY-MM, default the month after today)."""

    FORM_TITLE = "Open a cycle"

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace, cycle=workspace.next_cycle())

    def context_line(self) -> str:
        return "One cycle a month: its meetings, decisions and plan."

    def field_specs(self) -> list[FieldSpec]:
        return [
            FieldSpec("cycle", "Cycle", self.cycle, placeholder="YYYY-MM"),
            FieldSpec("note", "Note", placeholder="optional"),
        ]

    @property
    def holds_text(self) -> bool:
        return bool(self.values()["note"].strip())

    def submit(self, values: Mapping[str, str]) -> Event:
        return self.workspace.open_cycle(values["cycle"].strip(),
                                         note=_blank_none(values["note"]))
