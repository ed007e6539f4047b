"""The decisions section: what is asked of the executives today, every decision of the cycle
with the options considered, the overrides, and every action with its owner and date.

Amended records carry their amendments' reasons and retracted ones stay listed, marked with
the retraction's reason (the history keeps both). Long texts (a rationale) are laid out full
width by the template, never in a narrow column.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from sop_tui.cycle.state import CycleState, Record
from sop_tui.pack.model import meeting_label, month_ranges, months_text, num, record_basics

#: Two texts this alike (difflib's ratio, case and punctuation ignored) name the same decision.
SAME_DECISION = 0.8


def decisions_section(st: CycleState, plan_name: str) -> dict[str, Any]:
    """The cycle's decisions (capacity decisions with the same answer folded), what is asked
    today, its actions (the overrides' named actions among them) and its overrides."""
    records = sorted(st.of_type("DecisionRecorded", live=False), key=lambda r: r.seq)
    decisions = group_decisions([_decision(r) for r in records])
    overrides = []
    actions = []
    for r in sorted(st.of_type("ActionRecorded", live=False), key=lambda r: r.seq):
        p = r.payload
        source = meeting_label(r.event.meeting) or "Recorded"
        if p.get("decision"):
            d = next((x for x in records if x.seq == p["decision"]), None)
            source = f"Decision: {d.payload['question']}" if d is not None else source
        actions.append({**record_basics(r), "text": p["text"], "owner": p["owner"],
                        "due": p["due"], "dollars": num(p.get("dollars")),
                        "status": "done" if r.completed else "open", "source": source})
    for r in sorted(st.of_type("PlanOverridden", live=False), key=lambda r: r.seq):
        p = r.payload
        named = [{"text": a["text"], "owner": a["owner"], "due": a["due"],
                  "dollars": num(a.get("dollars"))} for a in p["actions"]]
        basics = record_basics(r)
        overrides.append({**basics, "scenario": p["scenario"], "by": p["overridden_by"],
                          "rationale": p["rationale"],
                          "gap_closed": float(p["revenue_gap_closed"]), "actions": named})
        for a in named:
            actions.append({**a, **basics, "status": "open",
                            "source": f"Override by {p['overridden_by']}"})
    actions.sort(key=lambda a: (bool(a["retracted"]), a["due"], a["seq"]))
    return {"decisions": decisions, "actions": actions, "overrides": overrides,
            "asks": asks_today(st, plan_name, [d for d in decisions if not d["retracted"]])}


def _decision(r: Record) -> dict[str, Any]:
    p = r.payload
    return {**record_basics(r), "question": p["question"], "chosen": p["chosen"],
            "options": [str(o) for o in p.get("options", ())], "rationale": p["rationale"],
            "decided_by": p["decided_by"], "owner": p.get("owner", "") or "",
            "due": p.get("due", "") or "", "family": p.get("family", "") or "",
            "resource": p.get("resource", "") or "", "months": months_text(p),
            "month_list": _month_list(p), "also": [], "seqs": [r.seq], "covers": ""}


def _month_list(payload: dict[str, Any]) -> list[str]:
    m = payload.get("months")
    if not m:
        return []
    first, last = str(m["first"]), str(m["last"])
    out: list[str] = []
    y, mo = int(first[:4]), int(first[5:7])
    while f"{y}-{mo:02d}" <= last and len(out) < 60:
        out.append(f"{y}-{mo:02d}")
        y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
    return out


def group_decisions(decisions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fold decisions that differ only in the resource and months they cover into one row.

    The supply review records one decision per capacity gap, often the same answer for each
    (pre-build, overtime); an executive reads that as one decision covering several gaps. The
    first keeps its question; the others are listed in ``also`` (resource and months) and
    their event numbers in ``seqs``; ``covers`` says in words what the row covers, resource
    by resource (``ASSY-B Apr–Jul 2027; MACH-2 Apr 2027``). Decisions without a resource, and
    retracted ones, are never folded.
    """
    out: list[dict[str, Any]] = []
    index: dict[tuple[Any, ...], dict[str, Any]] = {}
    months: dict[int, dict[str, list[str]]] = {}
    for d in decisions:
        key = (d["meeting"], d["chosen"], d["rationale"], d["decided_by"], d["owner"],
               d["due"], d["family"], tuple(d.get("options", ())), tuple(d.get("amended", ())))
        foldable = bool(d["resource"]) and not d.get("retracted")
        first = index.get(key) if foldable else None
        if first is None:
            row = {**d, "also": list(d["also"]), "seqs": list(d["seqs"])}
            out.append(row)
            if foldable:
                index[key] = row
                months[id(row)] = {d["resource"]: list(d.get("month_list", ()))}
            continue
        first["also"].append(f"{d['resource']} {d['months']}".strip())
        first["seqs"].extend(d["seqs"])
        months[id(first)].setdefault(d["resource"], []).extend(d.get("month_list", ()))
    for row in out:
        by_resource = months.get(id(row))
        if by_resource and row["also"]:
            row["covers"] = "; ".join(f"{res} {month_ranges(ms)}".strip()
                                      for res, ms in by_resource.items())
    return out


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9$%]+", text.lower()))


def matching_decision(text: str, decisions: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The recorded decision whose question is ``text`` (or nearly), if any."""
    want = _words(text)
    best, score = None, 0.0
    for d in decisions:
        have = _words(d["question"])
        ratio = 1.0 if want and (want in have or have in want) else \
            difflib.SequenceMatcher(None, want, have).ratio()
        if ratio > score:
            best, score = d, ratio
    return best if score >= SAME_DECISION else None


def asks_today(st: CycleState, plan_name: str,
               decisions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the executive meeting decides: the plan itself, and each open decision the
    pre-S&OP listed — with the options considered, the recommendation, the owner, and how
    it was decided when it was."""
    rec, outcome = st.recommendation, st.outcome
    scenarios = ["consensus", *st.scenarios]
    plan = {"question": "Approve the plan of record, or override it with named gap-closing "
                        "actions",
            "options": scenarios, "recommended": rec.payload["scenario"] if rec else "",
            "recommended_by": "Pre-S&OP" if rec else "", "owner": "Executive S&OP (GM / CFO)",
            "due": "", "decided": "", "how": "", "amended": [], "retracted": ""}
    if rec is not None:
        plan["amended"] = [a.payload.get("reason", "") for a in rec.amendments]
    if outcome is not None and outcome.type == "PlanApproved":
        plan["decided"] = f"approved {outcome.payload['scenario']}"
        plan["how"] = f"by {outcome.payload['approved_by']}"
        plan["owner"] = outcome.payload["approved_by"]
    elif outcome is not None:
        plan["decided"] = f"overrode: plan {outcome.payload['scenario']} with named actions"
        plan["how"] = f"by {outcome.payload['overridden_by']}"
        plan["owner"] = outcome.payload["overridden_by"]
    asks = [plan]
    for text in (rec.payload.get("open_decisions", ()) if rec else ()):
        d = matching_decision(str(text), decisions)
        ask = {"question": str(text), "options": d["options"] if d else [],
               "recommended": "", "recommended_by": "", "owner": d["owner"] if d else "",
               "due": d["due"] if d else "", "decided": "", "how": "",
               "amended": d["amended"] if d else [], "retracted": ""}
        if d is not None:
            ask["decided"] = d["chosen"]
            ask["how"] = f"by {d['decided_by']}, {d['meeting']}"
            d["answers_ask"] = True
        asks.append(ask)
    return asks
