"""The consensus dialog: the one number per month of a family, from a named source.

Opened from the demand panel with a source chosen (sales, marketing, finance, planner,
statistical) or ``manual``. The source's assumption comes pre-filled; a manual consensus needs
its numbers (``YYYY-MM=N`` or ``YYYY-MM..YYYY-MM=N``, comma-separated) and a rationale. When
the numbers equal the average of two or more sources, the dialog says "consensus by averaging"
and will not save until it is told which source's assumptions were chosen.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Input, Label, Static

from sop_tui.cycle.consensus import choose_consensus
from sop_tui.cycle.demand import averaging_of
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.types import Event
from sop_tui.tui.panels.forms import FormDialog

AVERAGING_WARNING = "consensus by averaging"


class ConsensusDialog(FormDialog[Event | None]):
    """Choose the consensus of ``family`` from ``source``.

    Args:
        ws: the workspace.
        cycle: the cycle.
        family: the family on screen.
        source: an input source, ``statistical`` or ``manual``.
        sources: each input source's numbers for the family (source -> month -> units).
        assumptions: each source's assumption text.
        statistical: the statistical forecast's numbers (month -> units), if computed.
    """

    FORM_TITLE = "Choose the consensus"

    def __init__(self, ws: Workspace, *, cycle: str, family: str, source: str,
                 sources: Mapping[str, Mapping[str, float]],
                 assumptions: Mapping[str, str] | None = None,
                 statistical: Mapping[str, float] | None = None) -> None:
        super().__init__()
        self._set(ws, cycle=cycle, family=family, source=source, sources=sources,
                  assumptions=assumptions, statistical=statistical)

    def _set(self, ws: Workspace, *, cycle: str, family: str, source: str,
             sources: Mapping[str, Mapping[str, float]],
             assumptions: Mapping[str, str] | None,
             statistical: Mapping[str, float] | None) -> None:
        self.ws = ws
        self.cycle = cycle
        self.family = family
        self.source = source
        self.sources = {s: dict(v) for s, v in sources.items()}
        self.assumptions = dict(assumptions or {})
        self.statistical = dict(statistical) if statistical else None
        chosen = self._numbers()
        self.averaging: tuple[str, ...] = (
            averaging_of(chosen, self.sources, exclude=source if source in self.sources else None)
            if chosen else ()
        )
        self._chosen_shown = bool(self.averaging)

    @classmethod
    def reused(cls, app: App[object], ws: Workspace, *, cycle: str, family: str, source: str,
               sources: Mapping[str, Mapping[str, float]],
               assumptions: Mapping[str, str] | None = None,
               statistical: Mapping[str, float] | None = None) -> ConsensusDialog:
        """The app's consensus dialog, set for ``family`` and ``source``; built on first use.

        The facilitator opens it once per family in the demand review: built once and kept
        installed in the app, a later open only resets its fields (a fresh build, compose
        and mount took ~70-80 ms a key press here).
        """
        from sop_tui.tui.dialogs.installed import installed

        def reset(dialog: ConsensusDialog) -> None:
            dialog._set(ws, cycle=cycle, family=family, source=source, sources=sources,
                        assumptions=assumptions, statistical=statistical)
            dialog._reset()

        return installed(app, "sop-consensus", cls,
                         lambda: cls(ws, cycle=cycle, family=family, source=source,
                                     sources=sources, assumptions=assumptions,
                                     statistical=statistical),
                         reset)

    def _numbers(self) -> dict[str, float]:
        if self.source in self.sources:
            return self.sources[self.source]
        if self.source == "statistical" and self.statistical:
            return self.statistical
        return {}

    def compose_fields(self) -> ComposeResult:
        # every field of every source: a re-used dialog shows or hides them (see _reset)
        yield self.note(self._describe(), id="consensus-what")
        yield from self.field("units", "Numbers: YYYY-MM=N or YYYY-MM..YYYY-MM=N, "
                              "comma-separated", placeholder="2026-12..2027-05=12000")
        yield from self.field("assumption", "Assumption behind the number",
                              self.assumptions.get(self.source, ""))
        yield from self.field("rationale", self._rationale_label())
        warning = Static(self._warning_text(), id="averaging-warning", classes="pf-warning")
        warning.display = bool(self.averaging)
        yield warning
        yield from self.field("chosen_assumptions", "Which source's assumptions were chosen, "
                              "and why")

    def _rationale_label(self) -> str:
        return ("Rationale (required for a number entered by hand)" if self.source == "manual"
                else "Rationale (optional)")

    def _reset(self) -> None:
        """Fields, texts and what is shown, as a fresh dialog for the current family/source."""
        defaults = {"units": "", "assumption": self.assumptions.get(self.source, ""),
                    "rationale": "", "chosen_assumptions": ""}
        for name, value in defaults.items():
            widget = self.query_one(f"#f-{name}", Input)
            widget.value = value
            widget.cursor_position = len(value)
        self._initial = dict(defaults)
        self.clear_problems()
        self.query_one("#consensus-what", Static).update(self._describe())
        self.query_one("#l-rationale", Label).update(self._rationale_label())
        warning = self.query_one("#averaging-warning", Static)
        warning.update(self._warning_text())
        warning.display = bool(self.averaging)
        self._show_fields()

    def _show_fields(self) -> None:
        for wid in ("l-units", "f-units", "e-units"):
            self.query_one(f"#{wid}").display = self.source == "manual"
        for wid in ("l-chosen_assumptions", "f-chosen_assumptions", "e-chosen_assumptions"):
            self.query_one(f"#{wid}").display = self._chosen_shown

    def _describe(self) -> str:
        numbers = self._numbers()
        if self.source == "manual":
            return f"{self.family}: a number entered by hand."
        total = sum(numbers.values())
        months = sorted(numbers)
        span = f"{months[0]}..{months[-1]}" if months else "no months"
        return (f"{self.family} from {self.source}: {len(months)} months ({span}), "
                f"{total:,.0f} units in all.")

    def _warning_text(self) -> Text:
        t = Text()
        t.append(f"⚠ {AVERAGING_WARNING}: ", style="bold red")
        who = " and ".join(self.averaging) if self.averaging else "two or more sources"
        t.append(f"these numbers equal the average of {who}. Splitting the difference hides "
                 "the disagreement: say which source's assumptions were chosen, and why.")
        return t

    def on_mount(self) -> None:
        self._show_fields()

    def on_screen_resume(self) -> None:
        # on every open (a re-used dialog is mounted once): the field to type in first
        first = "#f-units" if self.source == "manual" else (
            "#f-chosen_assumptions" if self._chosen_shown else "#f-assumption")
        self.query_one(first).focus()

    def reveal_averaging(self, message: str | None = None) -> None:
        """Show the averaging warning and the chosen-assumptions field (after a refusal)."""
        warning = self.query_one("#averaging-warning", Static)
        if message:
            t = Text()
            t.append(f"⚠ {AVERAGING_WARNING}: ", style="bold red")
            t.append(message)
            warning.update(t)
        warning.display = True
        self._chosen_shown = True
        for wid in ("l-chosen_assumptions", "f-chosen_assumptions", "e-chosen_assumptions"):
            self.query_one(f"#{wid}").display = True

    def show_problems(self, problems: dict[str, str]) -> None:
        if "chosen_assumptions" in problems:
            self.reveal_averaging(problems["chosen_assumptions"])
        super().show_problems(problems)

    def submit(self) -> Event:
        return choose_consensus(
            self.ws, family=self.family, source=self.source, cycle=self.cycle,
            manual=self.value("units") if self.source == "manual" else None,
            statistical=self.statistical,
            assumption=self.value("assumption").strip() or None,
            rationale=self.value("rationale").strip() or None,
            chosen_assumptions=(self.value("chosen_assumptions").strip() or None)
            if self._chosen_shown else None,
        )
