"""The decision pack's view-model: plain data built from one cycle's events and analytics.

:func:`build_context` reads a :class:`~sop_tui.cycle.planning.CyclePlanning` and returns a
:class:`PackContext`: dicts, lists, strings and floats only (the templates never see a
DataFrame), plus the charts as SVG bytes. Numbers stay numbers here; the template's filters
format them, so tests can check the figures the pack shows against the analytics.

The stamp (cycle, event count, head hash) is taken from the very state the pack is built from:
the log is folded, then the hash of its last folded event is read, so the stamp never claims
more (or less) of the log than the pack saw.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sop_tui.pack.formats import fmt_money

# pandas is imported where a view is read: the renderer process unpickles a PackContext (plain
# data) and should not pay pandas' import for it
if TYPE_CHECKING:
    from sop_tui.cycle.planning import CyclePlanning
    from sop_tui.cycle.state import Record

Progress = Callable[[str], None]

#: The four headline metrics, in the order the pack shows them: key, label, kind, aim.
METRICS: tuple[tuple[str, str, str, str], ...] = (
    ("family_accuracy", "Forecast accuracy (family)", "pct", "up"),
    ("bias", "Forecast bias", "pct_signed", "zero"),
    ("plan_attainment", "Plan attainment", "pct", "up"),
    ("eo_value", "Excess & obsolete inventory", "money", "down"),
)

STEP_LABELS = {
    "naive": "Naive",
    "statistical": "Statistical",
    "sales": "Sales",
    "marketing": "Marketing",
    "finance": "Finance",
    "planner": "Planner",
    "consensus": "Consensus",
    "executive": "Executive",
}

BUCKET = 3  # months per column of the plan-by-family table
APPENDIX_COLUMN_DIGITS = 12  # width of a month column of the appendix's units tables
#: Widths, in digits, of the figure columns of the revenue-by-family table (a quarter, units,
#: revenue, share) and of the appendix's family table (items, accuracy, bias, FVA, units,
#: revenue): each row's figures are one run of text (see ``formats.figure_run``).
PLAN_BUCKET_DIGITS = 8.5
PLAN_TAIL_DIGITS = (12.0, 8.5, 6.5)
APPENDIX_FIGURE_DIGITS = (6.0, 9.5, 8.0, 9.0, 11.0, 8.5)


@dataclass(frozen=True)
class Stamp:
    """What the pack saw of the log: printed on every page and in the PDF metadata."""

    cycle: str
    event_count: int
    head_hash: str

    @property
    def short(self) -> str:
        """The first 16 hex characters of the head hash (what the footer shows)."""
        return self.head_hash[:16]


@dataclass
class PackContext:
    """Everything the template shows, as plain data; ``charts`` are served as ``chart:NAME``."""

    stamp: Stamp
    rendered_at: str
    cycle_label: str
    summary: dict[str, Any]
    metrics: list[dict[str, Any]]
    fva: dict[str, Any]
    plan: dict[str, Any]
    scenarios: dict[str, Any]
    decisions: dict[str, Any]
    assumptions: list[dict[str, Any]]
    changes: dict[str, Any]
    appendix: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    charts: dict[str, bytes] = field(default_factory=dict)

    def template_vars(self) -> dict[str, Any]:
        """The variables the template receives (charts are fetched, not inlined)."""
        return {
            "stamp": self.stamp,
            "rendered_at": self.rendered_at,
            "cycle_label": self.cycle_label,
            "summary": self.summary,
            "metrics": self.metrics,
            "fva": self.fva,
            "plan": self.plan,
            "scenarios": self.scenarios,
            "decisions": self.decisions,
            "assumptions": self.assumptions,
            "changes": self.changes,
            "appendix": self.appendix,
            "notes": self.notes,
            "chart_names": sorted(self.charts),
        }


def _f(x: Any) -> float | None:
    """A float, or None for NaN/None (templates print None as a dash)."""
    if x is None:
        return None
    v = float(x)
    return None if math.isnan(v) else v


def _months_text(payload: dict[str, Any]) -> str:
    m = payload.get("months")
    if not m:
        return ""
    return m["first"] if m["first"] == m["last"] else f"{m['first']}..{m['last']}"


def _record_basics(r: Record) -> dict[str, Any]:
    return {
        "seq": r.seq,
        "meeting": r.event.meeting or "",
        "actor": r.event.actor,
        "at": r.event.at[:10],
        "amended": [a.payload.get("reason", "") for a in r.amendments],
    }


def build_context(planning: CyclePlanning, *, progress: Progress | None = None,
                  now: datetime | None = None,
                  before_metrics: Callable[[], None] | None = None) -> PackContext:
    """Build the pack's view-model for ``planning.cycle``.

    Args:
        planning: the cycle's numbers (data, events, analytics).
        progress: called with a short line before each slow step.
        now: the rendering time (default: the workspace's clock).
        before_metrics: called once the plan is read, before the metrics are (the runner
            waits there for the helper process that computes them into the view cache).

    Returns:
        The :class:`PackContext`, charts included.
    """
    say = progress or (lambda _msg: None)
    ws = planning.ws
    log_state = ws.state()
    head_event = ws.log.get(log_state.last_seq) if log_state.last_seq else None
    stamp = Stamp(planning.cycle, log_state.count,
                  head_event.hash if head_event else ws.log.head().hash)
    st = planning.state
    moment = now or ws.clock()
    parts = PartCache(planning)

    say("reading the plan and the scenarios")
    outcome = st.outcome
    rec = st.recommendation
    scen_records = st.scenarios
    plan_name = (outcome.payload["scenario"] if outcome
                 else rec.payload["scenario"] if rec else "consensus")
    scenario = (scen_records[plan_name].payload["scenario"]
                if plan_name != "consensus" and plan_name in scen_records else None)
    plan_part = parts.get("plan", scenario, lambda: _plan_part(planning, scenario))
    base_totals = planning.baseline_totals if scenario is not None else plan_part["totals"]
    charts: dict[str, bytes] = dict(plan_part["charts"])
    plan = plan_part["plan"]
    # the adjustments in words (analytics.scenarios checks them, and imports pandas)
    texts = parts.get("scenarios", {n: r.payload["scenario"] for n, r in scen_records.items()},
                      lambda: _adjustment_texts(scen_records))
    scenarios = _scenarios(base_totals, scen_records, rec, plan_name, texts)
    decisions = _decisions(st)
    summary = _summary(plan_part, base_totals, plan_name, outcome, rec, decisions)

    say("measuring forecast accuracy, bias, attainment and E&O")

    def metric_part() -> dict[str, Any]:
        if before_metrics is not None:
            before_metrics()
        return _metric_part(planning)

    metric = parts.get("metrics", None, metric_part)
    charts.update(metric["charts"])
    metrics, fva, notes = metric["metrics"], metric["fva"], list(metric["notes"])
    say("forecast value added")
    assumptions = _assumptions(st)
    changes = _changes(planning, log_state, metrics)
    say("per-family detail")
    appendix = _appendix(planning, plan_part, metric)
    year, month = (int(x) for x in planning.cycle.split("-"))
    return PackContext(
        stamp=stamp,
        rendered_at=moment.strftime("%Y-%m-%d %H:%M UTC"),
        cycle_label=datetime(year, month, 1).strftime("%B %Y"),
        summary=summary, metrics=metrics, fva=fva, plan=plan, scenarios=scenarios,
        decisions=decisions, assumptions=assumptions, changes=changes, appendix=appendix,
        notes=notes, charts=charts,
    )


# -- what the pack keeps in the store's cache ----------------------------------------------------

#: Bump when a cached part changes meaning; the source of the pack's own modules keys it too.
PART_CACHE_VERSION = 1
_pack_digest: str | None = None


def pack_digest() -> str:
    """A hash of the source of the modules that compute the cached parts."""
    global _pack_digest
    if _pack_digest is None:
        here = Path(__file__).resolve().parent
        h = hashlib.sha256()
        for name in ("context.py", "charts.py", "formats.py"):
            h.update(name.encode())
            try:
                h.update((here / name).read_bytes())
            except OSError:
                h.update(b"?")
        _pack_digest = h.hexdigest()
    return _pack_digest


class PartCache:
    """The two costly parts of a pack's context, kept in ``STORE/cache/pack`` as plain data.

    - ``plan``: the plan of record evaluated (supply plan, dollars: SciPy's import and the LP)
      and what the pack shows of it: the plan section, its two charts, its totals, the
      per-family figures of the appendix;
    - ``metrics``: the four metrics with their trend charts, the FVA and the per-family
      accuracy (the planning's views, read through pandas).

    Each is keyed like the planning's own views (:meth:`CyclePlanning.view_key`): the cycle,
    the analytics' source digest, the content hash of every import of the cycle and the live
    consensus records, plus the plan's scenario as recorded and the source of this package's
    modules. Anything else the pack shows (the stamp, decisions, actions, assumptions,
    approvals) is read from the log on every render. So a pack rendered again (after an
    approval, an action, a retraction) reads both parts back (~10 ms, no pandas, no SciPy)
    instead of evaluating the plan again. Entries are pickles of dicts, lists, strings and
    floats; an unreadable one is a miss (see :class:`~sop_tui.cycle.viewcache.ViewCache`).
    Without a cache folder nothing is kept.
    """

    def __init__(self, planning: CyclePlanning) -> None:
        from sop_tui.cycle.viewcache import ViewCache

        self.planning = planning
        cache_dir = planning.cache_dir
        self.store = ViewCache(cache_dir / "pack") if cache_dir is not None else None

    def key(self, part: str, extra: Any) -> str:
        from sop_tui.cycle.planning import code_digest

        p = self.planning
        parts = {
            "version": PART_CACHE_VERSION, "code": code_digest(), "pack": pack_digest(),
            "cycle": p.cycle, "part": part, "extra": extra,
            "data": {k: e.payload.get("content_sha256") for k, e in sorted(p.imports.items())},
            "consensus": p.consensus_key(),
        }
        return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()
                              ).hexdigest()

    def get(self, part: str, extra: Any, compute: Callable[[], Any]) -> Any:
        """The part from the cache, or computed (and kept)."""
        if self.store is None:
            return compute()
        key = self.key(part, extra)
        hit, value = self.store.get(self.planning.cycle, part, key)
        if hit:
            return value
        value = compute()
        self.store.put(self.planning.cycle, part, key, value)
        return value


def _plan_part(planning: CyclePlanning, scenario: dict[str, Any] | None) -> dict[str, Any]:
    """The plan of record (the scenario as recorded, or the consensus when None), evaluated,
    as the plain data the pack shows."""
    if scenario is None:
        result = planning.baseline_result
    else:
        from sop_tui.analytics.scenarios import Scenario

        result = planning.evaluate(Scenario.from_dict(scenario))
    charts: dict[str, bytes] = {}
    plan = _plan(planning, result, charts)
    d = result.dollars.assign(family=result.dollars["family"].astype(str),
                              month=result.dollars["month"].astype(str))
    months = [str(m) for m in planning.horizon]
    units = d.pivot_table(index="family", columns="month", values="units", aggfunc="sum")
    units = units.reindex(columns=months, fill_value=0.0)
    revenue = d.groupby("family")["revenue"].sum()
    items = planning.data["items"]
    n_items = items.groupby(items["family"].astype(str)).size()
    families = [{"family": str(fam), "items": int(n_items.get(fam, 0)),
                 "units": float(units.loc[fam].sum()), "revenue": float(revenue.get(fam, 0.0)),
                 "monthly": [float(v) for v in units.loc[fam]]} for fam in units.index]
    return {"plan": plan, "charts": charts, "months": months, "families": families,
            "totals": {str(k): float(v) for k, v in result.totals.items()},
            "placeholder": list(planning.demand_plan.placeholder),
            "n_families": len(planning.families)}


def _metric_part(planning: CyclePlanning) -> dict[str, Any]:
    """The four metrics, the FVA and the per-family accuracy, with their charts."""
    charts: dict[str, bytes] = {}
    notes: list[str] = []
    metrics = _metrics(planning, charts, notes)
    fva = _fva(planning, charts)
    acc = planning.family_accuracy
    accuracy = {str(fam): {"accuracy": _f(a), "bias": _f(b)}
                for fam, a, b in zip(acc["family"], acc["accuracy"], acc["bias"], strict=True)}
    return {"metrics": metrics, "fva": fva, "charts": charts, "notes": notes,
            "accuracy": accuracy}


# -- the plan ------------------------------------------------------------------------------------


def _plan(planning: CyclePlanning, result: Any, charts: dict[str, bytes]) -> dict[str, Any]:
    from sop_tui.pack.charts import revenue_vs_target_svg, utilisation_svg

    dollars = result.dollars
    months = [str(m) for m in planning.horizon]
    buckets = [months[i:i + BUCKET] for i in range(0, len(months), BUCKET)]
    bucket_labels = [_bucket_label(b) for b in buckets]
    consensus = planning.state.consensus
    placeholder = set(planning.demand_plan.placeholder)
    d = dollars.assign(month=dollars["month"].astype(str), family=dollars["family"].astype(str))
    by_fm = d.groupby(["family", "month"])[["units", "revenue", "margin"]].sum()
    fam_rows: list[dict[str, Any]] = []
    total_rev = float(d["revenue"].sum())
    for fam in sorted(set(d["family"])):
        sub = by_fm.loc[fam]
        rev_b = [float(sub.reindex(b)["revenue"].fillna(0).sum()) for b in buckets]
        rec = consensus.get(fam)
        fam_rows.append({
            "family": fam,
            "source": rec.payload["source"] if rec else "not agreed",
            "agreed": fam not in placeholder,
            "units": float(sub["units"].sum()),
            "revenue": float(sub["revenue"].sum()),
            "margin": float(sub["margin"].sum()),
            "share": float(sub["revenue"].sum()) / total_rev if total_rev else None,
            "revenue_buckets": rev_b,
        })
    by_m = d.groupby("month")[["units", "revenue", "margin"]].sum().reindex(months, fill_value=0)
    targets: dict[str, float | None] = dict.fromkeys(months)
    if result.gap is not None:
        g = result.gap.assign(month=result.gap["month"].astype(str))
        for m, t in zip(g["month"], g["revenue_target"], strict=True):
            targets[m] = _f(t)
    cap = result.supply.capacity.assign(month=result.supply.capacity["month"].astype(str))
    util_by_m = cap.groupby("month")["utilisation"].max()
    month_rows: list[dict[str, Any]] = []
    for m in months:
        t = targets.get(m)
        rev = float(by_m.loc[m, "revenue"])
        month_rows.append({
            "month": m, "units": float(by_m.loc[m, "units"]), "revenue": rev,
            "target": t, "gap": (t - rev) if t is not None else None,
            "peak_utilisation": _f(util_by_m.get(m)),
        })
    totals_buckets = [sum(r["revenue_buckets"][i] for r in fam_rows) for i in range(len(buckets))]
    charts["revenue"] = revenue_vs_target_svg(months, [r["revenue"] for r in month_rows],
                                              [r["target"] for r in month_rows])
    res = cap.groupby("resource").agg(peak=("utilisation", "max"),
                                      gap_hours=("gap_hours", "sum"),
                                      overtime=("overtime_hours", "sum"))
    resources = []
    for name, row in res.iterrows():
        over = cap[(cap["resource"] == name) & (cap["gap_hours"] > 1e-6)]["month"].tolist()
        resources.append({"resource": str(name), "peak": _f(row["peak"]),
                          "gap_hours": float(row["gap_hours"]), "overtime": float(row["overtime"]),
                          "short_months": over})
    charts["utilisation"] = utilisation_svg([r["resource"] for r in resources],
                                            [r["peak"] or 0.0 for r in resources])
    supply = result.supply
    return {
        "scenario": result.name,
        "months": months,
        "bucket_labels": bucket_labels,
        "families": fam_rows,
        "bucket_totals": totals_buckets,
        "run_digits": [PLAN_BUCKET_DIGITS] * len(buckets) + list(PLAN_TAIL_DIGITS),
        "by_month": month_rows,
        "resources": resources,
        "placeholder": sorted(placeholder),
        "unmet_units": float(supply.totals.unmet),
        "service_level": float(supply.totals.service_level),
        "unconstrained": list(supply.unconstrained_families),
    }


def _bucket_label(months: list[str]) -> str:
    import pandas as pd

    first, last = pd.Period(months[0], freq="M"), pd.Period(months[-1], freq="M")
    if first == last:
        return first.strftime("%b %y")
    return f"{first.strftime('%b %y')}–{last.strftime('%b %y')}"


# -- scenarios, decisions, summary -------------------------------------------------------------

SCENARIO_MEASURES: tuple[tuple[str, str, str], ...] = (
    ("units_demanded", "Units demanded", "units"),
    ("units_supplied", "Units supplied", "units"),
    ("service_level", "Service level", "pct"),
    ("revenue", "Revenue", "money"),
    ("margin", "Margin", "money"),
    ("revenue_target", "Revenue target", "money"),
    ("gap_to_target", "Gap to target", "money"),
    ("ending_inventory_value", "Ending inventory", "money"),
    ("overtime_hours", "Overtime hours", "units"),
)


def _adjustment_texts(records: dict[str, Record]) -> dict[str, list[str]]:
    """Each recorded scenario's adjustments in the CLI's words (``demand F:+10%:A..B``)."""
    from sop_tui.analytics.scenarios import Adjustment

    out: dict[str, list[str]] = {}
    for name, r in records.items():
        sc = r.payload["scenario"]
        out[name] = [f"{kind} {Adjustment.from_dict({'kind': kind, **a}).text()}"
                     for kind in ("demand", "capacity", "price") for a in sc.get(kind, [])]
    return out


def _scenarios(base: dict[str, float], records: dict[str, Record], rec: Record | None,
               plan_name: str, adjustments: dict[str, list[str]]) -> dict[str, Any]:
    """The recorded scenarios side by side, with the totals recorded when each was created
    (the numbers the pre-S&OP meeting saw), the consensus baseline first."""
    cols: list[dict[str, Any]] = [{
        "name": "consensus", "description": "The consensus plan, no adjustments",
        "adjustments": [], "totals": base, "seq": None,
    }]
    for name, r in records.items():
        sc = r.payload["scenario"]
        cols.append({"name": name, "description": sc.get("description", ""),
                     "adjustments": list(adjustments.get(name, ())),
                     "totals": r.payload.get("results", {}), "seq": r.seq})
    rows = []
    for key, label, kind in SCENARIO_MEASURES:
        rows.append({"label": label, "kind": kind,
                     "values": [_f(c["totals"].get(key)) for c in cols]})
    return {
        "columns": cols,
        "rows": rows,
        "recommended": rec.payload["scenario"] if rec else None,
        "recommendation": rec.payload["text"] if rec else None,
        "open_decisions": list(rec.payload.get("open_decisions", ())) if rec else [],
        "plan": plan_name,
    }


def _decisions(st: Any) -> dict[str, Any]:
    decisions = []
    for r in sorted(st.decisions, key=lambda r: r.seq):
        p = r.payload
        decisions.append({**_record_basics(r), "question": p["question"], "chosen": p["chosen"],
                          "options": list(p.get("options", ())), "rationale": p["rationale"],
                          "decided_by": p["decided_by"], "owner": p.get("owner", ""),
                          "due": p.get("due", ""), "family": p.get("family", ""),
                          "resource": p.get("resource", ""), "months": _months_text(p),
                          "also": [], "seqs": [r.seq]})
    decisions = group_decisions(decisions)
    actions = []
    for r in sorted(st.actions, key=lambda r: r.seq):
        p = r.payload
        actions.append({**_record_basics(r), "text": p["text"], "owner": p["owner"],
                        "due": p["due"], "dollars": _f(p.get("dollars")),
                        "status": "done" if r.completed else "open",
                        "source": f"decision {p['decision']}" if p.get("decision") else "action"})
    overrides = []
    for r in sorted(st.overrides, key=lambda r: r.seq):
        p = r.payload
        named = [{"text": a["text"], "owner": a["owner"], "due": a["due"],
                  "dollars": _f(a.get("dollars"))} for a in p["actions"]]
        overrides.append({**_record_basics(r), "scenario": p["scenario"],
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


def _summary(plan_part: dict[str, Any], base: dict[str, float], plan_name: str,
             outcome: Record | None, rec: Record | None,
             decisions: dict[str, Any]) -> dict[str, Any]:
    plan = plan_part["totals"]
    if outcome is None:
        status = "pending"
        headline = (f"No plan approved yet: the pre-S&OP recommends {plan_name!s}."
                    if rec else "No plan approved yet, and no recommendation recorded.")
        who = ""
        note = ""
    elif outcome.event.type == "PlanApproved":
        status = "approved"
        who = outcome.payload["approved_by"]
        note = outcome.payload.get("note", "")
        headline = f"Plan approved: {plan_name}."
    else:
        status = "overridden"
        who = outcome.payload["overridden_by"]
        note = outcome.payload["rationale"]
        headline = f"Consensus overridden: plan {plan_name}."
    gap_base = _f(base.get("gap_to_target"))
    gap_plan = _f(plan.get("gap_to_target"))
    closed_by_override = sum(o["gap_closed"] for o in decisions["overrides"]
                             if o["seq"] == (outcome.seq if outcome else None))
    action_dollars = sum(a["dollars"] or 0.0 for a in decisions["actions"]
                         if a["status"] == "open")
    remaining = None
    if gap_plan is not None:
        remaining = gap_plan - closed_by_override
    asks = list(rec.payload.get("open_decisions", ())) if rec else []
    if outcome is None and rec is not None:
        asks.insert(0, f"Approve the recommended plan ({plan_name}) or override it with the "
                       "named actions that close the gap.")
    elif outcome is None:
        asks.insert(0, "Nothing to approve yet: the pre-S&OP has recorded no recommendation. "
                       "The plan shown is the unadjusted consensus.")
    elif remaining is not None and remaining > 0.5:
        asks.append(f"Name the actions that close the remaining revenue gap "
                    f"({fmt_money(remaining)} over the horizon).")
    placeholder = list(plan_part["placeholder"])
    return {
        "status": status,
        "headline": headline,
        "by": who,
        "note": note,
        "plan": plan_name,
        "units": _f(plan.get("units_supplied")),
        "revenue": _f(plan.get("revenue")),
        "margin": _f(plan.get("margin")),
        "target": _f(plan.get("revenue_target")),
        "service_level": _f(plan.get("service_level")),
        "gap_consensus": gap_base,
        "gap_plan": gap_plan,
        "closed_by_override": closed_by_override,
        "open_action_dollars": action_dollars,
        "remaining_gap": remaining,
        "n_decisions": sum(len(d["seqs"]) for d in decisions["decisions"]),
        "top_decisions": decisions["decisions"][:5],
        "more_decisions": max(0, len(decisions["decisions"]) - 5),
        "asks": asks,
        "placeholder": placeholder,
        "n_families": plan_part["n_families"],
    }


# -- metrics and FVA -----------------------------------------------------------------------------


def _metrics(planning: CyclePlanning, charts: dict[str, bytes],
             notes: list[str]) -> list[dict[str, Any]]:
    from sop_tui.pack.charts import metric_trend_svg

    summary = planning.metrics
    notes.extend(summary.notes)
    trend = planning.trend
    wide = trend.pivot_table(index="cycle", columns="metric", values="value", aggfunc="first",
                             dropna=False)
    wide.index = wide.index.astype(str)
    cycles = list(wide.index)
    out = []
    for key, label, kind, aim in METRICS:
        value = _f(getattr(summary, key))
        series = [_f(v) for v in wide[key]] if key in wide else []
        prev = series[-2] if len(series) >= 2 else None
        if cycles and key in wide:
            charts[f"trend_{key}"] = metric_trend_svg(
                cycles, [v if v is not None else math.nan for v in series],
                percent=kind != "money", money=kind == "money",
                target=0.0 if aim == "zero" else None)
        extra = ""
        if key == "family_accuracy":
            item = _f(summary.item_accuracy)
            extra = "" if item is None else f"item level {item:.0%}"
        if key == "eo_value":
            extra = (f"excess {fmt_money(summary.excess_value)}, "
                     f"obsolete {fmt_money(summary.obsolete_value)}")
        measured = [v for v in series if v is not None]
        # A trend needs two measured cycles; one point (E&O before the tool) is not a trend.
        first = measured[0] if len(measured) >= 2 else None
        out.append({"key": key, "label": label, "kind": kind, "aim": aim, "value": value,
                    "previous": prev, "first": first, "cycles": len(measured),
                    "first_cycle": cycles[0] if cycles else "", "extra": extra,
                    "chart": f"trend_{key}" if f"trend_{key}" in charts else None,
                    "verdict": _verdict(value, first, aim)})
    return out


def _verdict(now: float | None, then: float | None, aim: str) -> str:
    if now is None or then is None:
        return "no trend"
    if aim == "zero":
        better = abs(now) < abs(then)
    elif aim == "up":
        better = now > then
    else:
        better = now < then
    return "better" if better else "worse" if now != then else "flat"


def _fva(planning: CyclePlanning, charts: dict[str, bytes]) -> dict[str, Any]:
    from sop_tui.pack.charts import fva_svg

    f = planning.fva
    total = f[f["family"] == "TOTAL"]
    fam = f[f["family"] != "TOTAL"]
    steps: list[dict[str, Any]] = []
    for _, r in total.iterrows():
        step = str(r["step"])
        sub = fam[fam["step"] == step]
        worse = int((sub["fva_vs_prev"] < 0).sum())
        fvp = _f(r["fva_vs_prev"])
        steps.append({"step": step, "label": STEP_LABELS.get(step, step),
                      "wmape": float(r["wmape"]), "bias": float(r["bias"]),
                      "fva_vs_prev": fvp, "fva_vs_naive": _f(r["fva_vs_naive"]),
                      "families_worse": worse, "families": int(len(sub)),
                      "verdict": ("baseline" if fvp is None
                                  else "added value" if fvp > 0 else "destroyed value")})
    if steps:
        charts["fva"] = fva_svg([s["label"] for s in steps], [s["wmape"] for s in steps])
    added = [s["label"] for s in steps if s["verdict"] == "added value"]
    destroyed = [s["label"] for s in steps if s["verdict"] == "destroyed value"]
    by_family: dict[str, dict[str, float | None]] = defaultdict(dict)
    for fam_name, step, v in zip(fam["family"], fam["step"], fam["fva_vs_naive"], strict=True):
        by_family[str(fam_name)][str(step)] = _f(v)
    return {"steps": steps, "added": added, "destroyed": destroyed,
            "by_family": dict(by_family)}


# -- assumptions and changes ---------------------------------------------------------------------


def _assumptions(st: Any) -> list[dict[str, Any]]:
    rows = []
    for r in st.assumptions:
        p = r.payload
        rows.append({**_record_basics(r), "text": p["text"], "owner": p["owner"],
                     "family": p.get("family", "") or "", "months": _months_text(p),
                     "units": _f(p.get("units")), "dollars": _f(p.get("dollars")),
                     "source": p.get("source", "") or ""})
    # by owner, then family ("all families" last within an owner), then as recorded
    rows.sort(key=lambda a: (a["owner"].lower(), a["family"] == "", a["family"], a["seq"]))
    return rows


def _changes(planning: CyclePlanning, log_state: Any,
             metrics: list[dict[str, Any]]) -> dict[str, Any]:
    year, month = (int(x) for x in planning.cycle.split("-"))
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
    elif not packs:
        note = (f"Cycle {prev} is in the log but no decision pack was rendered for it; the "
                "comparison below is with its recorded decisions and the forecast history.")
    else:
        note = f"Compared with the pack of cycle {prev}, rendered {pack['at']} UTC."  # type: ignore[index]
    metric_rows = [{"label": m["label"], "kind": m["kind"], "aim": m["aim"], "now": m["value"],
                    "previous": m["previous"]} for m in metrics]
    families = []
    if prev_state is not None and prev_state.consensus:
        now_cons = planning.state.consensus
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


# -- appendix ------------------------------------------------------------------------------------


def _appendix(planning: CyclePlanning, plan_part: dict[str, Any],
              metric: dict[str, Any]) -> dict[str, Any]:
    consensus = planning.state.consensus
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
    # 12 digits a month column: the 10 % of the A4 text width the cells used to have
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
