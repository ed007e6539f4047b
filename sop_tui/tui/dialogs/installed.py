"""Dialogs built once per app and re-used: installed in the app, reset on each open.

Building a form screen (compose, mount, styling a few dozen widgets) cost 70-250 ms here, over
the 50 ms a key press may take to show its frame. A form the facilitator opens again and again
is therefore installed in the app on first use — Textual keeps an installed screen, widgets and
styles, when it is dismissed — and each later open only resets it (:func:`installed`). The
meeting's capture forms are even built ahead, while the meeting screen is idle
(:func:`prebuild_meeting_form`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from textual.app import App
from textual.screen import Screen
from textual.widget import AwaitMount

from sop_tui.cycle.meetings import MeetingDef
from sop_tui.cycle.workspace import Workspace
from sop_tui.tui.dialogs.capture import MeetingForm

S = TypeVar("S", bound=Screen[Any])
M = TypeVar("M", bound=MeetingForm)


def installed(app: App[object], name: str, cls: type[S], build: Callable[[], S],
              reset: Callable[[S], None]) -> S:
    """The app's screen ``name``: built by ``build`` and installed on first use, afterwards
    the installed one, passed through ``reset`` (which must leave nothing of the last open)."""
    if app.is_screen_installed(name):
        screen = app.get_screen(name)
        assert isinstance(screen, cls)
        reset(screen)
        return screen
    screen = build()
    app.install_screen(screen, name)
    return screen


def _form_name(cls: type[MeetingForm]) -> str:
    return f"sop-capture-{cls.__name__}"


def meeting_form(app: App[object], cls: type[M], workspace: Workspace, *, cycle: str,
                 meeting: MeetingDef, family: str | None) -> M:
    """The app's form of kind ``cls``, reset for a capture in ``meeting``; built on first use."""

    def reset(form: M) -> None:
        form.workspace = workspace
        form.open_for(cycle=cycle, meeting=meeting, family=family)

    return installed(app, _form_name(cls), cls,
                     lambda: cls(workspace, cycle=cycle, meeting=meeting, family=family), reset)


def prebuild_meeting_form(app: App[object], cls: type[MeetingForm], workspace: Workspace, *,
                          cycle: str, meeting: MeetingDef) -> AwaitMount | None:
    """Build and mount the app's form of kind ``cls`` off screen; None when it already was.

    Call it when the app is idle: the first open of the form then costs a reset, not a build.
    Returns what to await for the form's widgets to be mounted.
    """
    name = _form_name(cls)
    if app.is_screen_installed(name):
        built = app.get_screen(name)
        if built.is_running or getattr(built, "mount_started", False):
            return None
    form = meeting_form(app, cls, workspace, cycle=cycle, meeting=meeting, family=None)
    form.mount_started = True
    # Textual mounts a screen the first time it is pushed (``App._get_screen``, what
    # ``push_screen`` calls; it registers a screen once). Doing that now moves compose, mount
    # and styling out of the key press; pushed later, the running screen is only resumed.
    _, mounted = app._get_screen(form)
    return mounted
