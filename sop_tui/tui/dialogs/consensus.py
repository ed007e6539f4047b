"""The consensus form: the one number per month of a family, from a named source.

Opened from the demand panel with a source chosen (sales, marketing, finance, planner,
statistical) or ``manual``. The source's assumption comes pre-filled; a manual consensus needs
its numbers (``YYYY-MM=N`` or ``YYYY-MM..YYYY-MM=N``, comma-separated, within the cycle's
horizon) and a rationale. When the numbers equal the average of two or more sources, the form
says "consensus by averaging" and will not save until it is told which source's assumptions
were chosen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.widgets import Static

from sop_tui.cycle.consensus import choose_consensus, parse_manual_units
from sop_tui.cycle.demand import averaging_of
from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.validation import Problems, horizon, horizon_problem, required
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.types import Event
from sop_tui.formats import units
from sop_tui.tui.dialogs.form import Field, Form, Note

AVERAGING_WARNING = "consensus by averaging"


class ConsensusDialog(Form[Event]):
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

    @property
    def manual(self) -> bool:
        return self.source == "manual"

    def _numbers(self) -> dict[str, float]:
        if self.source in self.sources:
            return self.sources[self.source]
        if self.source == "statistical" and self.statistical:
            return self.statistical
        return {}

    def context(self) -> str:
        if self.manual:
            first, last = horizon(self.cycle)
            return f"{self.family}: a number entered by hand (months {first} to {last})."
        numbers = self._numbers()
        months = sorted(numbers)
        span = f"{months[0]}..{months[-1]}" if months else "no months"
        return (f"{self.family} from {self.source}: {len(months)} months ({span}), "
                f"{units(sum(numbers.values()))} units in all.")

    def fields(self) -> Sequence[Field | Note]:
        manual = [Field("units", "Numbers", placeholder=f"{self.cycle}..{horizon(self.cycle)[1]}"
                                                          "=12000, or YYYY-MM=N, …")]
        return [
            *(manual if self.manual else []),
            Field("assumption", "Assumption", self.assumptions.get(self.source, ""),
                  placeholder="the assumption behind the number"),
            Field("rationale", "Rationale",
                  placeholder="why this number (required)" if self.manual
                  else "why this source (optional)"),
            Note(self._warning_text(), id="averaging-warning", classes="-warning"),
            Field("chosen_assumptions", "Whose assumptions",
                  placeholder="which source's assumptions were chosen, and why"),
        ]

    def _warning_text(self, message: str | None = None) -> Text:
        t = Text()
        t.append(f"⚠ {AVERAGING_WARNING}: ", style="bold red")
        who = " and ".join(self.averaging) if self.averaging else "two or more sources"
        t.append(message or f"these numbers equal the average of {who}. Splitting the "
                 "difference hides the disagreement: say which source's assumptions were "
                 "chosen, and why.")
        return t

    def on_mount(self) -> None:
        self._show_averaging(bool(self.averaging))
        super().on_mount()

    def _show_averaging(self, shown: bool) -> None:
        self.query_one("#averaging-warning").display = shown
        self.query_one("#row-chosen_assumptions").display = shown

    def first_field(self) -> str:
        return "units" if self.manual else (
            "chosen_assumptions" if self.averaging else "assumption")

    def rules(self, values: Mapping[str, str]) -> dict[str, str]:
        found = Problems()
        if self.manual:
            text = values.get("units", "")
            found.check("units", required(text, f"the numbers, e.g. {self.cycle}=12000"))
            if text.strip():
                try:
                    found.check("units", horizon_problem(parse_manual_units(text), self.cycle))
                except CommandError as exc:
                    found.check("units", exc.problems.get("units"))
            found.check("rationale", required(values["rationale"],
                                              "a number entered by hand needs its rationale"))
        found.check("assumption", required(values["assumption"],
                                           "say the assumption behind this number"))
        if "chosen_assumptions" in values:  # shown: the numbers are an average
            found.check("chosen_assumptions", required(
                values["chosen_assumptions"], "say which source's assumptions were chosen"))
        return found

    def show_problems(self, problems: Mapping[str, str]) -> None:
        if "chosen_assumptions" in problems:  # the command found the average: say so
            self.query_one("#averaging-warning", Static).update(
                self._warning_text(problems["chosen_assumptions"]))
            self._show_averaging(True)
        super().show_problems(problems)

    def submit(self, values: Mapping[str, str]) -> Event:
        return choose_consensus(
            self.ws, family=self.family, source=self.source, cycle=self.cycle,
            manual=values["units"] if self.manual else None,
            statistical=self.statistical,
            assumption=values["assumption"].strip() or None,
            rationale=values["rationale"].strip() or None,
            chosen_assumptions=values.get("chosen_assumptions", "").strip() or None,
        )
