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
from textual.app import ComposeResult
from textual.widgets import Static

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

    def _numbers(self) -> dict[str, float]:
        if self.source in self.sources:
            return self.sources[self.source]
        if self.source == "statistical" and self.statistical:
            return self.statistical
        return {}

    def compose_fields(self) -> ComposeResult:
        yield self.note(self._describe(), id="consensus-what")
        if self.source == "manual":
            yield from self.field("units", "Numbers: YYYY-MM=N or YYYY-MM..YYYY-MM=N, "
                                  "comma-separated", placeholder="2026-12..2027-05=12000")
        default = self.assumptions.get(self.source, "")
        yield from self.field("assumption", "Assumption behind the number", default)
        label = "Rationale (required for a number entered by hand)" if self.source == "manual" \
            else "Rationale (optional)"
        yield from self.field("rationale", label)
        warning = Static(self._warning_text(), id="averaging-warning", classes="pf-warning")
        warning.display = bool(self.averaging)
        yield warning
        yield from self.field("chosen_assumptions", "Which source's assumptions were chosen, "
                              "and why")
        self._show_chosen(bool(self.averaging))

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

    def _show_chosen(self, shown: bool) -> None:
        """The chosen-assumptions field is asked for only when the choice is an average."""
        self._chosen_shown = shown

    def on_mount(self) -> None:
        for wid in ("l-chosen_assumptions", "f-chosen_assumptions", "e-chosen_assumptions"):
            self.query_one(f"#{wid}").display = self._chosen_shown
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
