"""What changed since the last cycle: the previous pack, the metrics, the consensus moves."""

from __future__ import annotations

from typing import Any

from sop_tui.cycle.state import CycleState, LogState


def changes_section(cycle: str, now: CycleState, log_state: LogState,
                    metrics: list[dict[str, Any]]) -> dict[str, Any]:
    """The comparison with the previous cycle (its pack, its consensus) and the metrics' moves."""
    year, month = (int(x) for x in cycle.split("-"))
    prev = f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"
    prev_state = log_state.cycles.get(prev)
    packs = prev_state.packs if prev_state is not None else []
    pack = None
    if packs:
        p = packs[-1]
        pack = {"file": p.payload.get("file", ""), "at": p.at[:16].replace("T", " "),
                "sha256": p.payload.get("sha256", "")[:16],
                "event_count": p.payload.get("event_count"),
                "head": str(p.payload.get("head_hash", ""))[:16]}
    if prev_state is None or prev_state.opened is None:
        note = (f"Cycle {prev} was not run in this log, so there is no previous pack to compare "
                f"with. The metric changes below come from the forecast history.")
    elif pack is None:
        note = (f"Cycle {prev} is in the log but no decision pack was rendered for it; the "
                "comparison below is with its recorded decisions and the forecast history.")
    else:
        note = f"Compared with the pack of cycle {prev}, rendered {pack['at']} UTC."
    metric_rows = [{"label": m["label"], "kind": m["kind"], "aim": m["aim"], "now": m["value"],
                    "previous": m["previous"]} for m in metrics]
    families = []
    if prev_state is not None and prev_state.consensus:
        now_cons = now.consensus
        for fam, r in sorted(prev_state.consensus.items()):
            cur = now_cons.get(fam)
            if cur is None:
                continue
            overlap = sorted(set(r.payload["units"]) & set(cur.payload["units"]))
            before = sum(float(r.payload["units"][m]) for m in overlap)
            after = sum(float(cur.payload["units"][m]) for m in overlap)
            if before > 0 and abs(after / before - 1) >= 0.05:
                families.append({"family": fam, "before": before, "after": after,
                                 "change": after / before - 1, "months": len(overlap),
                                 "source_before": r.payload["source"],
                                 "source_after": cur.payload["source"]})
        families.sort(key=lambda x: -abs(x["change"]))
    return {"previous_cycle": prev, "pack": pack, "note": note, "metrics": metric_rows,
            "families": families[:12], "had_previous": prev_state is not None
            and prev_state.opened is not None}
