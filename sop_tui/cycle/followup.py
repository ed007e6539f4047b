"""Follow-up: what the earlier cycles left, checked against what has happened since.

The first agenda item of each meeting shows it:

- **assumptions** that named months and units or dollars, checked against the actuals that
  have arrived since: *held* (within :data:`HELD_WITHIN`), *missed* by how much, or *pending*
  (none of their months has actuals yet). Part of a range measured is compared pro rata and
  says so ("2 of 3 months");
- **decisions** due or past due, with the outcome the lead records (worked / partly / did not /
  superseded) and, where the numbers allow, the measured result beside it: for a capacity
  decision, whether the gap it addressed is closed; for a family decision with months, what
  was sold against what was planned;
- **open actions** of every earlier cycle, the override's gap-closing actions included,
  overdue first.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from typing import Any

from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.state import ActionItem, LogState, Record
from sop_tui.data.store import MissingData
from sop_tui.formats import money, signed_pct, units

#: An assumption held when the actuals came within this share of what it expected.
HELD_WITHIN = 0.10


@dataclass(frozen=True)
class AssumptionCheck:
    """One earlier assumption against the actuals since.

    ``verdict`` is ``held``, ``missed``, ``pending`` (no month of it has actuals yet). The
    expected and actual figures cover the measured months (``months_in`` of ``months_total``);
    ``off`` is (actual − expected) / expected.
    """

    seq: int
    cycle: str
    meeting: str | None
    text: str
    owner: str
    family: str | None
    months: str
    measure: str  # "units" or "dollars"
    expected: float
    actual: float | None
    months_in: int
    months_total: int
    verdict: str

    @property
    def off(self) -> float | None:
        if self.actual is None or not self.expected:
            return None
        return (self.actual - self.expected) / self.expected

    def describe(self) -> str:
        """The verdict in words: "held (+3.1%)", "missed by −18.0% (−2,400 units)"."""
        if self.verdict == "pending":
            return "pending: none of its months has actuals yet"
        fmt = money if self.measure == "dollars" else units
        assert self.actual is not None
        gap = self.actual - self.expected
        part = (f", {self.months_in} of {self.months_total} months"
                if self.months_in < self.months_total else "")
        gap_text = fmt(gap) + (" units" if self.measure == "units" else "")
        if self.verdict == "held":
            return f"held ({signed_pct(self.off)}{part})"
        return f"missed by {signed_pct(self.off)} ({gap_text}{part})"


@dataclass(frozen=True)
class DecisionDue:
    """A decision due (or past due) as of the cycle, with its outcome if one was recorded."""

    seq: int
    cycle: str
    meeting: str | None
    question: str
    chosen: str
    owner: str
    due: str
    past_due: bool
    outcome: Record | None
    measured: str | None


@dataclass(frozen=True)
class FollowUp:
    """What the earlier cycles left, as of ``cycle``."""

    cycle: str
    assumptions: list[AssumptionCheck]
    decisions: list[DecisionDue]
    actions: list[ActionItem]
    today: str


def _months_between(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _cycle_end(cycle: str) -> str:
    y, m = int(cycle[:4]), int(cycle[5:7])
    return f"{cycle}-{calendar.monthrange(y, m)[1]:02d}"


def _earlier(state: LogState, cycle: str) -> list[str]:
    return sorted(c for c, cs in state.cycles.items() if c < cycle and cs.opened is not None)


class _Actuals:
    """Family (and total) units and revenue by month, through the cycle's last month."""

    def __init__(self, planning: CyclePlanning) -> None:
        d = planning.data
        acts, items = d["actuals"], d["items"]
        through = str(planning.through)
        fam = acts["sku"].map(items.set_index("sku")["family"])
        price = acts["sku"].map(items.set_index("sku")["unit_price"]).fillna(0.0)
        frame = acts.assign(family=fam.astype(str), month=acts["month"].astype(str),
                            revenue=acts["units"] * price)
        frame = frame[frame["month"] <= through]
        g = frame.groupby(["family", "month"])[["units", "revenue"]].sum()
        self.by_family = {(str(f), str(m)): (float(u), float(r))
                          for (f, m), u, r in zip(g.index, g["units"], g["revenue"], strict=True)}
        t = frame.groupby("month")[["units", "revenue"]].sum()
        self.total = {str(m): (float(u), float(r))
                      for m, u, r in zip(t.index, t["units"], t["revenue"], strict=True)}
        self.months = set(self.total)

    def get(self, family: str | None, month: str) -> tuple[float, float]:
        if family:
            return self.by_family.get((family, month), (0.0, 0.0))
        return self.total.get(month, (0.0, 0.0))


def check_assumption(rec: Record, actuals: _Actuals) -> AssumptionCheck | None:
    """An assumption with months and units or dollars, against the actuals (None otherwise)."""
    p = rec.payload
    months = p.get("months")
    measure = "units" if p.get("units") is not None else \
        "dollars" if p.get("dollars") is not None else None
    if not months or measure is None:
        return None
    span = _months_between(months["first"], months["last"])
    arrived = [m for m in span if m in actuals.months]
    expected_all = float(p[measure])
    label = months["first"] if months["first"] == months["last"] else \
        f"{months['first']}..{months['last']}"
    def check(expected: float, actual: float | None, verdict: str) -> AssumptionCheck:
        return AssumptionCheck(rec.seq, rec.cycle, rec.meeting, str(p["text"]), str(p["owner"]),
                               p.get("family"), label, measure or "", expected, actual,
                               len(arrived), len(span), verdict)

    if not arrived:
        return check(expected_all, None, "pending")
    expected = expected_all * len(arrived) / len(span)
    pick = 0 if measure == "units" else 1
    actual = sum(actuals.get(p.get("family"), m)[pick] for m in arrived)
    held = expected > 0 and abs(actual - expected) / expected <= HELD_WITHIN
    return check(expected, actual, "held" if held else "missed")


def measured_result(planning: CyclePlanning, decision: int,
                    actuals: _Actuals | None = None) -> str | None:
    """What the numbers say of a decision now, where they can say anything.

    A capacity decision (a resource and months): the gap hours it addressed, when decided and
    now. A family decision with months: the units planned then against those sold since.
    """
    ws = planning.ws
    rec = ws.state().by_seq.get(decision)
    if rec is None or rec.type != "DecisionRecorded":
        return None
    p = rec.payload
    months = p.get("months")
    try:
        if p.get("resource") and months:
            return _capacity_result(planning, rec, p["resource"], months)
        if p.get("family") and months:
            return _family_result(planning, rec, p["family"], months,
                                  actuals or _Actuals(planning))
    except (MissingData, KeyError, ValueError):
        return None
    return None


def _gap_hours(planning: CyclePlanning, resource: str, months: list[str]) -> float | None:
    load = planning.load
    mask = load["month"].astype(str).isin(months).to_numpy()
    if resource != "*":
        mask = mask & (load["resource"].astype(str) == resource).to_numpy()
    rows = load[mask]
    return float(rows["gap_hours"].clip(lower=0).sum()) if len(rows) else None


def _capacity_result(planning: CyclePlanning, rec: Record, resource: str,
                     months: dict[str, Any]) -> str | None:
    span = _months_between(months["first"], months["last"])
    ahead = [m for m in span if m >= planning.cycle]
    then = CyclePlanning(planning.ws, rec.cycle, cache_dir=planning.cache_dir)
    before = _gap_hours(then, resource, span)
    now = _gap_hours(planning, resource, ahead) if ahead else None
    if before is None:
        return None
    if now is None:
        return (f"{resource}: gap {units(before)} h when decided; its months are past, "
                "no gap left to measure")
    verdict = "closed" if now <= 1e-6 else "still open"
    return f"{resource}: gap {units(before)} h when decided, {units(now)} h now — {verdict}"


def _family_result(planning: CyclePlanning, rec: Record, family: str,
                   months: dict[str, Any], actuals: _Actuals) -> str | None:
    span = _months_between(months["first"], months["last"])
    arrived = [m for m in span if m in actuals.months]
    cs = planning.ws.state().cycles.get(rec.cycle)
    cons = cs.consensus.get(family) if cs is not None else None
    if not arrived or cons is None:
        return None
    planned = sum(float(cons.payload["units"].get(m, 0.0)) for m in arrived)
    sold = sum(actuals.get(family, m)[0] for m in arrived)
    off = signed_pct((sold - planned) / planned) if planned else "–"
    return f"{family}: {units(planned)} planned, {units(sold)} sold ({off})"


def followup(planning: CyclePlanning, meeting: str | None = None) -> FollowUp:
    """What the cycles before ``planning.cycle`` left (for ``meeting``'s records, or all)."""
    ws = planning.ws
    state = ws.state()
    today = ws.today()
    earlier = _earlier(state, planning.cycle)
    last = earlier[-1] if earlier else None

    def mine(r: Record) -> bool:
        return meeting is None or r.meeting == meeting

    checks: list[AssumptionCheck] = []
    try:
        actuals: _Actuals | None = _Actuals(planning)
    except MissingData:
        actuals = None
    if actuals is not None:
        for c in earlier:
            for r in state.cycles[c].assumptions:
                months = r.payload.get("months")
                # last cycle's, and older ones whose months reach into the last cycle
                if not mine(r) or not months or (c != last and months["last"] < (last or "")):
                    continue
                check = check_assumption(r, actuals)
                if check is not None:
                    checks.append(check)

    horizon = _cycle_end(planning.cycle)
    decisions: list[DecisionDue] = []
    for c in earlier:
        for r in state.cycles[c].decisions:
            due = str(r.payload.get("due") or "")
            if not mine(r) or not due or due > horizon:
                continue
            outcome = state.outcome_of(r.seq)
            measured = (outcome.payload.get("measured") if outcome is not None
                        else measured_result(planning, r.seq, actuals))
            decisions.append(DecisionDue(r.seq, c, r.meeting, str(r.payload["question"]),
                                         str(r.payload["chosen"]),
                                         str(r.payload.get("owner") or ""), due, due < today,
                                         outcome, measured))
    decisions.sort(key=lambda d: (d.outcome is not None, d.due, d.seq))

    actions = [a for a in state.open_actions() if a.cycle < planning.cycle]
    actions.sort(key=lambda a: (not a.overdue(today), a.due, a.seq, a.item or 0))
    return FollowUp(planning.cycle, checks, decisions, actions, today)


def followup_json(f: FollowUp) -> dict[str, Any]:
    """:class:`FollowUp` as JSON-ready values (``sop followup --json``)."""
    return {
        "cycle": f.cycle,
        "today": f.today,
        "assumptions": [
            {"seq": a.seq, "cycle": a.cycle, "meeting": a.meeting, "text": a.text,
             "owner": a.owner, "family": a.family, "months": a.months, "measure": a.measure,
             "expected": a.expected, "actual": a.actual, "months_in": a.months_in,
             "months_total": a.months_total, "verdict": a.verdict, "off": a.off,
             "says": a.describe()}
            for a in f.assumptions
        ],
        "decisions": [
            {"seq": d.seq, "cycle": d.cycle, "meeting": d.meeting, "question": d.question,
             "chosen": d.chosen, "owner": d.owner, "due": d.due, "past_due": d.past_due,
             "outcome": d.outcome.payload["outcome"] if d.outcome is not None else None,
             "note": d.outcome.payload["note"] if d.outcome is not None else None,
             "measured": d.measured}
            for d in f.decisions
        ],
        "actions": [
            {"ref": a.ref, "cycle": a.cycle, "source": a.source, "text": a.payload.get("text"),
             "owner": a.payload.get("owner"), "due": a.due, "overdue": a.overdue(f.today)}
            for a in f.actions
        ],
    }
