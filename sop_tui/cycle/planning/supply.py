"""The cycle's supply side and dollars: load, the constrained plan, scenarios.

Each follows the demand plan. The baseline and every evaluated scenario are kept in the cache:
the plan of record the executive meeting shows is then read back by the pack, not solved again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sop_tui.cycle.planning.demand import PLAN_KINDS, DemandViews
from sop_tui.cycle.planning.views import ViewSpec, view

if TYPE_CHECKING:
    import pandas as pd

    from sop_tui.analytics.scenarios import Scenario, ScenarioInputs, ScenarioResult
    from sop_tui.analytics.supply import SupplyPlan

# The analytics are imported in the view that needs them: reading a view back from the cache
# imports neither pandas nor SciPy (tests/test_planning_cache.py checks it).

#: A recorded scenario, evaluated: keyed like the baseline, plus the scenario itself.
SCENARIO = ViewSpec("scenario", PLAN_KINDS, consensus=True, disk=True, schema=2)
#: The plan of record's totals, keyed like a scenario (the consensus' are the baseline's).
PLAN_TOTALS = ViewSpec("plan_totals", PLAN_KINDS, consensus=True, disk=True, schema=2)


@dataclass(frozen=True)
class PlanOfRecord:
    """The plan a cycle stands on, and on whose word.

    Attributes:
        scenario: its name (``"consensus"`` for the unadjusted demand plan).
        basis: ``approved`` / ``overridden`` (the executive outcome), ``recommended`` (the
            pre-S&OP recommendation, not yet decided) or ``consensus`` (nothing chosen yet).
        by: who approved or overrode it ("" otherwise).
        seq: the event that made it the plan (None for the consensus by default).
        gap_closed_by_actions: an override's revenue gap its named actions close (else None).
        spec: the recorded scenario (``Scenario.to_dict``), None for the consensus.
    """

    scenario: str
    basis: str
    by: str
    seq: int | None
    gap_closed_by_actions: float | None = None
    spec: dict[str, Any] | None = None


class SupplyViews(DemandViews):
    """Capacity load, the constrained supply plan, dollars and scenarios."""

    @view("items", "actuals")
    def prices(self) -> pd.DataFrame:
        from sop_tui.analytics.finance import family_prices

        self.require("items", "actuals")
        return family_prices(self.data["items"], self.data["actuals"], self.through)

    @view("inventory", "items")
    def opening_inventory(self) -> pd.DataFrame | None:
        if "inventory" not in self.imports:
            return None
        inv = self.data["inventory"]
        fam = inv["sku"].map(self.data["items"].set_index("sku")["family"])
        out = inv.assign(family=fam).groupby("family", as_index=False)["on_hand_units"].sum()
        return out.rename(columns={"on_hand_units": "units"})

    @view(*PLAN_KINDS, consensus=True)
    def scenario_inputs(self) -> ScenarioInputs:
        from sop_tui.analytics.scenarios import ScenarioInputs

        d = self.data
        self.require("items", "actuals", "routings", "capacity")
        return ScenarioInputs(
            demand=self.demand_plan.frame,
            routings=d["routings"],
            capacity=d["capacity"],
            prices=self.prices,
            targets=d.frames.get("targets"),
            opening_inventory=self.opening_inventory,
        )

    @view(*PLAN_KINDS, consensus=True)
    def load(self) -> pd.DataFrame:
        """The consensus plan's capacity table, one row per resource and month: available,
        load (hours the demand net of stock needs), gap_hours (short), utilisation, planned
        (after pre-building), overtime_hours — what the CLI, the app and the pack all show
        (:func:`sop_tui.analytics.supply.capacity_table`)."""
        return self.supply.capacity

    @view(*PLAN_KINDS, consensus=True)
    def supply(self) -> SupplyPlan:
        return self.evaluate(None).supply

    def evaluate(self, scenario: Scenario | None) -> ScenarioResult:
        """One scenario (default: the consensus baseline), supply plan and dollars."""
        if scenario is None:
            return self.baseline_result
        return self.cached(SCENARIO, lambda: self._evaluate(scenario), scenario.to_dict())

    def _evaluate(self, scenario: Scenario | None) -> ScenarioResult:
        from sop_tui.analytics.scenarios import baseline, evaluate

        return evaluate(scenario or baseline(), self.scenario_inputs)

    # schema 2: shipments from stock and production, one capacity table, overtime allowed
    @view(*PLAN_KINDS, consensus=True, disk=True, schema=2)
    def baseline_result(self) -> ScenarioResult:
        return self._evaluate(None)

    @view(*PLAN_KINDS, consensus=True, disk=True, schema=2)
    def baseline_totals(self) -> dict[str, float]:
        """The baseline's totals as plain floats (reading them back needs no SciPy)."""
        return {str(k): float(v) for k, v in self.baseline_result.totals.items()}

    def recorded_scenarios(self) -> list[Scenario]:
        from sop_tui.analytics.scenarios import Scenario

        return [Scenario.from_dict(r.payload["scenario"])
                for r in self.state.scenarios.values()]

    @view(records=True)
    def plan_of_record(self) -> PlanOfRecord:
        """Which plan this cycle stands on: the executives' outcome, else the pre-S&OP
        recommendation, else the consensus (the decision pack's rule too)."""
        st = self.state
        outcome, rec = st.outcome, st.recommendation
        if outcome is not None:
            p = outcome.payload
            approved = outcome.event.type == "PlanApproved"
            return PlanOfRecord(
                scenario=str(p["scenario"]), basis="approved" if approved else "overridden",
                by=str(p["approved_by"] if approved else p["overridden_by"]), seq=outcome.seq,
                gap_closed_by_actions=None if approved else float(p["revenue_gap_closed"]),
                spec=self._scenario_spec(str(p["scenario"])))
        if rec is not None:
            name = str(rec.payload["scenario"])
            return PlanOfRecord(scenario=name, basis="recommended", by="", seq=rec.seq,
                                spec=self._scenario_spec(name))
        return PlanOfRecord(scenario="consensus", basis="consensus", by="", seq=None)

    def _scenario_spec(self, name: str) -> dict[str, Any] | None:
        record = self.state.scenarios.get(name)
        return dict(record.payload["scenario"]) if record is not None else None

    @view(*PLAN_KINDS, consensus=True, records=True)
    def plan_result(self) -> ScenarioResult:
        """The plan of record evaluated: its supply plan, dollars and gap (see
        :attr:`plan_of_record`); the consensus baseline until a scenario is chosen."""
        from sop_tui.analytics.scenarios import Scenario

        spec = self.plan_of_record.spec
        return self.evaluate(Scenario.from_dict(spec) if spec is not None else None)

    @view(*PLAN_KINDS, consensus=True, records=True)
    def plan_totals(self) -> dict[str, float]:
        """:attr:`plan_result`'s totals as plain floats (the dashboard's revenue gap), kept in
        the cache with the scenario in its key, so reading them back needs no pandas."""
        spec = self.plan_of_record.spec
        if spec is None:
            return self.baseline_totals
        return self.cached(PLAN_TOTALS, lambda: {
            str(k): float(v) for k, v in self.plan_result.totals.items()}, spec)

    def compare(self) -> pd.DataFrame:
        """The baseline and every recorded scenario, side by side."""
        from sop_tui.analytics.scenarios import compare, evaluate_all

        return compare(evaluate_all(self.recorded_scenarios(), self.scenario_inputs))

    @view(*PLAN_KINDS, consensus=True)
    def capacity_gaps(self) -> list[tuple[str, str]]:
        gaps = self.load[self.load["gap_hours"] > 1e-6]
        return [(str(r), str(m)) for r, m in zip(gaps["resource"], gaps["month"], strict=True)]


def revenue_summary(result: ScenarioResult) -> dict[str, Any]:
    """Revenue, target and gap of an evaluated scenario, JSON-ready."""
    t = result.totals
    return {k: float(t[k]) for k in ("revenue", "revenue_target", "gap_to_target", "margin")}
