"""What every meeting panel is: a widget showing one view of the cycle for an agenda item.

The meeting screen builds the panel an agenda item names (``panel = "demand"`` in the meeting
file) through :data:`sop_tui.tui.panels.PANELS`, hands it a :class:`PanelContext`, and listens
for its messages. Panels show and capture; they never compute — numbers come from
``CyclePlanning`` (in a thread worker), writes go through the ``Workspace`` commands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from textual.message import Message
from textual.widget import Widget

from sop_tui.cycle.meetings import MeetingDef
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.types import Event
from sop_tui.settings import Settings


@dataclass(frozen=True)
class PanelContext:
    """What a panel may use.

    Attributes:
        workspace: the commands (and the log).
        settings: paths, actor.
        cycle: the cycle on screen.
        meeting: the meeting definition (owner, agenda, criteria).
        planning: returns the shared ``CyclePlanning`` of the cycle, up to date with the log.
            Call it from a thread worker: its properties compute on first use.
        read_only: True in ``sop review``: panels show, and offer no capture.
    """

    workspace: Workspace
    settings: Settings
    cycle: str
    meeting: MeetingDef
    planning: Callable[[], CyclePlanning]
    read_only: bool = False


class Panel(Widget):
    """Base of the meeting panels.

    Subclasses set ``PANEL_ID`` (the id meeting files use) and ``TITLE``, and load their data
    in a ``@work(thread=True, exclusive=True)`` worker started from ``on_mount`` or ``reload``.
    """

    PANEL_ID: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""
    can_focus = False

    class FamilyFocused(Message):
        """The family the panel is showing changed: capture forms pre-fill it."""

        def __init__(self, family: str | None) -> None:
            self.family = family
            super().__init__()

    class Recorded(Message):
        """The panel wrote an event (a consensus, a scenario, an approval...)."""

        def __init__(self, event: Event) -> None:
            self.event = event
            super().__init__()

    def __init__(self, context: PanelContext, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.context = context

    @property
    def in_place(self) -> bool:
        """Mounted and not being removed: a panel that may load and paint.

        Agenda keys faster than the frames swap panels out: the one being removed (Textual's
        display is False while a node closes or is pruned, and its children may be gone) and
        the one not mounted yet (its widgets are not composed) must load nothing.
        """
        return self.is_mounted and self.is_attached and self.display

    def reload(self) -> None:
        """Re-read what the panel shows (after the log changed). Subclasses override."""

    def follow(self, seq: int) -> None:
        """The log has new events, up to ``seq`` (written here or elsewhere): show them."""
        if self.in_place:
            self.reload()
