"""The detail of one event: its envelope, its payload laid out, what corrected it and what it
corrects; from here (not in read-only mode) a record is retracted or amended.

Provides :class:`EventDetail`, a ``ModalScreen[Event | None]`` that returns the correcting
event it wrote (an ``EventRetracted`` or ``EventAmended``), or None when closed without one, and
:func:`format_value`, the readable text of a payload value.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from sop_tui.cycle.describe import summary
from sop_tui.cycle.state import Record
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.types import CORRECTABLE, Event
from sop_tui.tui.widgets.keybar import KeyBar


def format_value(value: Any) -> str:
    """A payload value as a person reads it: numbers grouped, lists one per line, months as
    ``first..last``, mappings as ``key: value`` lines."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    if isinstance(value, dict):
        if set(value) == {"first", "last"}:
            first, last = value["first"], value["last"]
            return str(first) if first == last else f"{first}..{last}"
        if not value:
            return "—"
        return "\n".join(f"{k}: {_inline(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        if not value:
            return "—"
        return "\n".join(f"• {_inline(v)}" for v in value)
    return str(value)


def _inline(value: Any) -> str:
    if isinstance(value, dict) and set(value) != {"first", "last"}:
        return ", ".join(f"{k}: {_inline(v)}" for k, v in value.items())
    return format_value(value).replace("\n", "; ")


def _grid() -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    return grid


def _section(title: str) -> Text:
    return Text(f"\n{title}", style="bold underline")


class EventDetail(ModalScreen[Event | None]):
    """One event in full, with its corrections; retract (``r``) and amend (``m``) from here.

    Args:
        workspace: the commands (retract/amend go through them).
        event: the event shown.
        read_only: offer no corrections (``sop review``).
        record: the event's folded record (effective payload, amendments, retraction), if the
            event is a record.
        corrections: the events that corrected it (``state.corrections_of``).
        target: the event this one corrects or completes, if any.
    """

    CSS_PATH = "../history.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "close"),
        Binding("r", "retract", "retract"),
        Binding("m", "amend", "amend"),
    ]

    def __init__(self, workspace: Workspace, event: Event, *, read_only: bool,
                 record: Record | None = None, corrections: list[Event] | None = None,
                 target: Event | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.event = event
        self.read_only = read_only
        self.record = record
        self.corrections = corrections or []
        self.target = target

    @property
    def can_correct(self) -> bool:
        """A live record of a correctable type, and the log is writable here."""
        return (
            not self.read_only
            and self.event.type in CORRECTABLE
            and self.record is not None
            and self.record.retraction is None
        )

    def compose(self) -> ComposeResult:
        e = self.event
        with Vertical(id="detail-dialog"):
            yield Static(Text(f"Event {e.seq} · {e.type}", style="bold"), id="detail-title")
            yield Static(Text(_safe_summary(e)), id="detail-summary")
            with VerticalScroll(id="detail-body"):
                yield Static(self.body(), id="detail-content")
            with Horizontal(id="detail-buttons"):
                if self.can_correct:
                    yield Button("Retract (r)", id="detail-retract", variant="error")
                    yield Button("Amend (m)", id="detail-amend", variant="warning")
                yield Button("Close (esc)", id="detail-close")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#detail-body").focus()

    # -- content -----------------------------------------------------------------------------

    def body(self) -> RenderableType:
        """Everything the dialog says about the event, as one renderable."""
        e = self.event
        parts: list[RenderableType] = []
        env = _grid()
        for key, value in (
            ("seq", str(e.seq)),
            ("id", e.event_id),
            ("cycle", e.cycle),
            ("meeting", e.meeting or "—"),
            ("type", e.type),
            ("actor", e.actor),
            ("time", e.at),
            ("hash", e.hash),
            ("prev_hash", e.prev_hash),
        ):
            env.add_row(key, Text(value))
        parts += [Text("envelope", style="bold underline"), env]

        parts.append(_section("payload (as recorded)"))
        parts.append(self._payload_grid(e.payload))

        rec = self.record
        if rec is not None and rec.amendments:
            changed = {k for a in rec.amendments for k in a.payload.get("changes", {})}
            parts.append(_section("now reads (after amendments)"))
            parts.append(self._payload_grid({k: rec.payload.get(k) for k in sorted(changed)}))

        parts.append(_section("corrected by"))
        if self.corrections:
            corr = _grid()
            for c in self.corrections:
                if c.type == "EventRetracted":
                    what = Text("retracted: ", style="bold red") + Text(c.payload["reason"])
                else:
                    changes = ", ".join(
                        f"{k} = {_inline(v)}" for k, v in c.payload.get("changes", {}).items())
                    what = (Text("amended ", style="bold yellow") + Text(changes)
                            + Text(" — ") + Text(c.payload.get("reason", "")))
                corr.add_row(f"event {c.seq}", Text(f"{c.at[:16].replace('T', ' ')} · "
                                                    f"{c.actor}\n") + what)
            parts.append(corr)
        else:
            parts.append(Text("nothing: this event stands as recorded", style="dim"))

        if self.target is not None:
            t = self.target
            verb = "completes" if e.type == "ActionCompleted" else "corrects"
            parts.append(_section(verb))
            line = _grid()
            line.add_row(f"event {t.seq}", Text(f"{t.type} · {_safe_summary(t)}"))
            parts.append(line)
        elif e.type in ("EventRetracted", "EventAmended"):
            parts.append(_section("corrects"))
            parts.append(Text(f"event {e.payload.get('target')}"))

        if not self.read_only and not self.can_correct:
            parts.append(Text("\n" + self._why_not(), style="dim italic"))
        return Group(*parts)

    @staticmethod
    def _payload_grid(payload: dict[str, Any]) -> Table:
        grid = _grid()
        for key in sorted(payload):
            grid.add_row(key, Text(format_value(payload[key])))
        if not payload:
            grid.add_row("", Text("(empty)", style="dim"))
        return grid

    def _why_not(self) -> str:
        if self.event.type not in CORRECTABLE:
            return (f"Events of type {self.event.type} are not facts of the meeting: they cannot "
                    "be retracted or amended.")
        if self.record is not None and self.record.retraction is not None:
            return f"Retracted by event {self.record.retraction.seq}: nothing more to correct."
        return "This event cannot be corrected."

    # -- actions -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("retract", "amend"):
            return self.can_correct
        return True

    def action_close(self) -> None:
        self.dismiss(None)

    def action_retract(self) -> None:
        # the correction forms' module is loaded when asked for: the history screen, and so
        # this dialog's module, is imported before the first paint (benchmarks/README.md)
        from sop_tui.tui.dialogs.correct import RetractForm

        if self.can_correct:
            self.app.push_screen(RetractForm(self.workspace, self.event), self._corrected)

    def action_amend(self) -> None:
        from sop_tui.tui.dialogs.correct import AmendForm  # as in action_retract

        if self.can_correct and self.record is not None:
            self.app.push_screen(
                AmendForm(self.workspace, self.event, self.record.payload), self._corrected
            )

    def _corrected(self, result: Event | None) -> None:
        if result is not None:
            self.dismiss(result)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        action = {"detail-retract": self.action_retract, "detail-amend": self.action_amend,
                  "detail-close": self.action_close}.get(event.button.id or "")
        if action is not None:
            action()


def _safe_summary(e: Event) -> str:
    try:
        return summary(e)
    except (KeyError, TypeError, ValueError):
        return e.type
