"""The decisions section: decisions, the executive overrides and every action with its owner."""

from __future__ import annotations

from typing import Any

from sop_tui.cycle.state import CycleState
from sop_tui.pack.model import months_text, num, record_basics


def decisions_section(st: CycleState) -> dict[str, Any]:
    """The cycle's decisions (capacity decisions with the same answer folded), its actions
    (the overrides' named actions among them) and its overrides."""
    decisions = []
    for r in sorted(st.decisions, key=lambda r: r.seq):
        p = r.payload
        decisions.append({**record_basics(r), "question": p["question"], "chosen": p["chosen"],
                          "options": list(p.get("options", ())), "rationale": p["rationale"],
                          "decided_by": p["decided_by"], "owner": p.get("owner", ""),
                          "due": p.get("due", ""), "family": p.get("family", ""),
                          "resource": p.get("resource", ""), "months": months_text(p),
                          "also": [], "seqs": [r.seq]})
    decisions = group_decisions(decisions)
    actions = []
    for r in sorted(st.actions, key=lambda r: r.seq):
        p = r.payload
        actions.append({**record_basics(r), "text": p["text"], "owner": p["owner"],
                        "due": p["due"], "dollars": num(p.get("dollars")),
                        "status": "done" if r.completed else "open",
                        "source": f"decision {p['decision']}" if p.get("decision") else "action"})
    overrides = []
    for r in sorted(st.overrides, key=lambda r: r.seq):
        p = r.payload
        named = [{"text": a["text"], "owner": a["owner"], "due": a["due"],
                  "dollars": num(a.get("dollars"))} for a in p["actions"]]
        overrides.append({**record_basics(r), "scenario": p["scenario"],
                          "by": p["overridden_by"], "rationale": p["rationale"],
                          "gap_closed": float(p["revenue_gap_closed"]), "actions": named})
        for a in named:
            actions.append({**a, "seq": r.seq, "meeting": "executive", "status": "open",
                            "source": "override", "actor": r.event.actor, "at": r.event.at[:10],
                            "amended": []})
    actions.sort(key=lambda a: (a["due"], a["seq"]))
    return {"decisions": decisions, "actions": actions, "overrides": overrides}


def group_decisions(decisions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fold decisions that differ only in the resource and months they cover into one row.

    The supply review records one decision per capacity gap, often the same answer for each
    (pre-build, overtime); an executive reads that as one decision covering several gaps. The
    first keeps its question; the others are listed in ``also`` (resource and months) and
    their event numbers in ``seqs``. Decisions without a resource are never folded.
    """
    out: list[dict[str, Any]] = []
    index: dict[tuple[Any, ...], dict[str, Any]] = {}
    for d in decisions:
        key = (d["meeting"], d["chosen"], d["rationale"], d["decided_by"], d["owner"],
               d["due"], d["family"])
        first = index.get(key) if d["resource"] else None
        if first is None:
            row = {**d, "also": list(d["also"]), "seqs": list(d["seqs"])}
            out.append(row)
            if d["resource"]:
                index[key] = row
            continue
        first["also"].append(f"{d['resource']} {d['months']}".strip())
        first["seqs"].extend(d["seqs"])
    return out
