"""The appendix: per-family detail (consensus source, accuracy, FVA, units and revenue) and
the units of the plan by family and month."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sop_tui.cycle.state import CycleState

APPENDIX_COLUMN_DIGITS = 12  # width of a month column of the appendix's units tables
#: Widths, in digits, of the appendix's family table figures (items, accuracy, bias, FVA,
#: units, revenue): each row's figures are one run of text (see ``typeset.figure_run``).
APPENDIX_FIGURE_DIGITS = (6.0, 9.5, 8.0, 9.0, 11.0, 8.5)


def appendix_section(st: CycleState, plan_part: dict[str, Any],
                     metric: dict[str, Any]) -> dict[str, Any]:
    """The appendix's plain data."""
    consensus = st.consensus
    months = plan_part["months"]
    by_family = metric["fva"]["by_family"]
    rows = []
    for f in plan_part["families"]:
        fam = f["family"]
        rec = consensus.get(fam)
        a = metric["accuracy"].get(fam, {})
        rows.append({
            **f,
            "source": rec.payload["source"] if rec else "not agreed",
            "assumption": rec.payload["assumption"] if rec else "",
            "averaging_of": list(rec.payload.get("averaging_of", ())) if rec else [],
            "accuracy": a.get("accuracy"),
            "bias": a.get("bias"),
            "fva_consensus": by_family.get(fam, {}).get("consensus"),
        })
    notes = shared_assumptions(rows)
    for row in rows:
        row["note"] = notes.get(row["assumption"], "")
    half = (len(months) + 1) // 2
    return {"families": rows, "months": months, "halves": [(0, half), (half, len(months))],
            "column_digits": APPENDIX_COLUMN_DIGITS, "figure_digits": APPENDIX_FIGURE_DIGITS,
            "notes": [{"label": label, "text": text} for text, label in notes.items()]}


def shared_assumptions(rows: list[dict[str, Any]]) -> dict[str, str]:
    """The consensus assumptions several families share, each with a note label (A, B, ...).

    Most families often carry the same planner's text ("Statistical baseline ..."); the
    appendix prints such a text once, as a note above its table, and each family's row
    points at it, instead of repeating three wrapped lines per family.

    Returns:
        ``{assumption text: label}`` in order of first appearance, for texts of two or more
        families.
    """
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        if row["assumption"]:
            counts[row["assumption"]] += 1
    shared = [text for text, n in counts.items() if n >= 2]
    labels = [chr(ord("A") + i) if i < 26 else f"A{i - 25}" for i in range(len(shared))]
    return dict(zip(shared, labels, strict=True))
