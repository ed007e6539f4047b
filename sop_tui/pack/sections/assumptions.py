"""The assumptions register: every live assumption of the cycle, by owner and family."""

from __future__ import annotations

from typing import Any

from sop_tui.cycle.state import CycleState
from sop_tui.pack.model import months_text, num, record_basics


def assumptions_section(st: CycleState) -> list[dict[str, Any]]:
    """The cycle's assumptions: by owner, then family ("all families" last within an owner),
    then as recorded."""
    rows = []
    for r in st.assumptions:
        p = r.payload
        rows.append({**record_basics(r), "text": p["text"], "owner": p["owner"],
                     "family": p.get("family", "") or "", "months": months_text(p),
                     "units": num(p.get("units")), "dollars": num(p.get("dollars")),
                     "source": p.get("source", "") or ""})
    rows.sort(key=lambda a: (a["owner"].lower(), a["family"] == "", a["family"], a["seq"]))
    return rows
