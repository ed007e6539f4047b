"""What has been captured in a meeting: a live list, newest first."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from sop_tui.cycle.describe import summary
from sop_tui.cycle.state import Record

#: One letter per record type, as the capture keys name them.
TAGS = {
    "AssumptionRecorded": ("A", "assumption"),
    "DecisionRecorded": ("D", "decision"),
    "ActionRecorded": ("X", "action"),
    "ConsensusSelected": ("C", "consensus"),
    "ScenarioCreated": ("S", "scenario"),
    "RecommendationRecorded": ("R", "recommendation"),
    "PlanApproved": ("✓", "approved"),
    "PlanOverridden": ("!", "override"),
}


def describe(rec: Record) -> str:
    """One line saying what a record holds (as amended), in the history's words."""
    return summary(rec.event, rec.payload)


class CapturedList(Static):
    """The records of one meeting, newest first; retracted ones struck through."""

    DEFAULT_CSS = """
    CapturedList { height: auto; }
    """

    def show(self, records: Sequence[Record]) -> None:
        """Show ``records`` (any order: they are sorted newest first)."""
        if not records:
            self.update(Text("Nothing captured yet (a assumption · d decision · x action).",
                             style="dim"))
            return
        out = Text()
        for rec in sorted(records, key=lambda r: -r.seq):
            tag, _ = TAGS.get(rec.event.type, ("·", ""))
            line = Text()
            line.append(f"{tag} ", style="bold")
            line.append(f"#{rec.seq} ", style="dim")
            line.append(describe(rec), style="strike dim" if not rec.live else "")
            out.append_text(line)
            out.append("\n")
        out.rstrip()
        self.update(out)
