"""The assumptions register: every assumption of the cycle by owner and family, amended ones
with their reasons and retracted ones marked (the history keeps both)."""

from __future__ import annotations

from typing import Any

from sop_tui.cycle.state import CycleState
from sop_tui.pack.model import months_text, num, record_basics


def assumptions_section(st: CycleState) -> list[dict[str, Any]]:
    """The cycle's assumptions: by owner, then family ("all families" last within an owner),
    then as recorded; retracted ones last."""
    rows = []
    for r in st.of_type("AssumptionRecorded", live=False):
        p = r.payload
        rows.append({**record_basics(r), "text": p["text"], "owner": p["owner"],
                     "family": p.get("family", "") or "", "months": months_text(p),
                     "units": num(p.get("units")), "dollars": num(p.get("dollars")),
                     "source": p.get("source", "") or ""})
    rows.sort(key=lambda a: (bool(a["retracted"]), a["owner"].lower(), a["family"] == "",
                             a["family"], a["seq"]))
    return rows
