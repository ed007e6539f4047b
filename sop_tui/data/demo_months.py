"""The demo company month by month: what it knows on day one, and what arrives each month after.

The monthly demo (``sop demo --cycles N``) starts ``N`` months before the demo cycle. On day one
the company brings its history (:func:`start_frames`): actuals, production and a stock count
through the month before its first cycle, the forecast history of the cycles before ``sop``,
and the first cycle's demand inputs. After each cycle's month closes, :class:`Plant` says what
arrived: the month's shipments (the simulated demand, the same whatever the company decides),
its production and a stock count (these follow the plan the company approved and how it
runs), and the next cycle's demand inputs.

What moves the numbers is how the company behaves, not the numbers themselves:

- ``steady``: the plant builds the month's approved plan without re-planning mid-month (a plan
  decided by one number); before it, the plant chased each new sales call (more scatter);
- ``selloff``: the share of phase-out stock the company decided to sell off that month;
- the plan itself: production follows the plan approved in the cycle before.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sop_tui.data import demo_sim as sim
from sop_tui.data.demo import Company, _frame
from sop_tui.data.demo_catalog import FAMILIES

#: Months of the expected demand the plant keeps in stock for an item it makes.
COVER = 1.5
#: What the first cycle's forward forecast is to the run rate: sales' optimism on a growing
#: business (its 12 months ahead run ~20 % above the 12 behind).
FIRST_FORWARD = 1.20


def _period(ordinal: int) -> pd.Period:
    return pd.Period(pd.PeriodIndex.from_ordinals(np.array([ordinal]), freq="M")[0], freq="M")


def _month_end(ordinal: int) -> pd.Timestamp:
    return _period(ordinal).end_time.normalize()


def _ords(values: pd.Series) -> np.ndarray:
    return np.asarray(values.array.asi8)


def start_frames(co: Company, first: int) -> dict[str, pd.DataFrame]:
    """What the company brings on day one, before its first cycle ``first`` (a month ordinal)."""
    f = co.frames
    acts, prod, fh = f["actuals"], f["production"], f["forecast_history"]
    skus = f["items"]["sku"].to_numpy()
    return {
        "items": f["items"],
        "actuals": acts[_ords(acts["month"]) < first].reset_index(drop=True),
        "inventory": _frame("inventory", {
            "sku": skus, "on_hand_units": co.inventory_at(first - 1, FIRST_FORWARD),
            "as_of": np.repeat(_month_end(first - 1), len(skus)),
        }),
        "capacity": f["capacity"],
        "routings": f["routings"],
        "production": prod[_ords(prod["month"]) < first].reset_index(drop=True),
        "targets": f["targets"],
        "demand_inputs": co.demand_inputs(first),
        "forecast_history": fh[_ords(fh["cycle"]) < first].reset_index(drop=True),
    }


@dataclass
class MonthResult:
    """What arrives after a month: one frame per kind, and the plant's own figures."""

    frames: dict[str, pd.DataFrame]
    produced: np.ndarray  # per family
    planned: np.ndarray  # per family


class Plant:
    """The demo company's plant and warehouse: stock per item, production per family.

    Args:
        co: the simulated company.
        on_hand: the stock per item it starts with (day one's count).
    """

    def __init__(self, co: Company, on_hand: np.ndarray) -> None:
        self.co = co
        self.on_hand = np.asarray(on_hand, dtype=float).copy()
        self.fam = co.cat.family_index
        self.phase_out = co.cat.lifecycle == "phase_out"
        self.rng = np.random.default_rng(int(co.rng.integers(1 << 31)))

    def month(self, month: int, planned: dict[str, float] | None, *, steady: bool,
              selloff: float = 0.0) -> MonthResult:
        """Close month ``month`` (an ordinal): ship, produce to ``planned`` (family -> units;
        ``None`` where no plan was approved for it: the plant builds to the run rate), count.
        """
        co, tl = self.co, self.co.tl
        t = tl.pos(month)
        n_fam = len(FAMILIES)
        codes = [f[0] for f in FAMILIES]
        shipped = co.actuals[:, t].astype(float)
        if planned is None:
            plan = np.round(sim.family_sum(co.mu[:, t], self.fam))
        else:
            plan = np.array([float(planned.get(c, 0.0)) for c in codes])
        scatter = 0.08 if steady else 0.22
        eff = sim.lognormal(self.rng, scatter, n_fam)
        hit = self.rng.random(n_fam) < 0.08
        eff = np.where(hit, eff * self.rng.uniform(0.6, 0.85, n_fam), eff)
        produced = np.round(np.maximum(plan * np.minimum(eff, 1.15), 0.0))

        # Stock: ship what was sold, sell off what was decided, then put away production,
        # each family's output going to the items that need it for the months ahead.
        after = np.maximum(self.on_hand - shipped, 0.0)
        if selloff > 0:
            after = np.where(self.phase_out, np.round(after * (1.0 - selloff)), after)
        nxt = co.mu[:, min(t + 1, co.mu.shape[1] - 1)]
        need = np.where(self.phase_out, 0.0, np.maximum(COVER * nxt - after, 0.0))
        need_fam = sim.family_sum(need, self.fam)
        share = np.where(need_fam[self.fam] > 0, need / np.where(need_fam > 0, need_fam, 1.0)
                         [self.fam], 0.0)
        self.on_hand = np.round(after + share * produced[self.fam])

        skus = co.frames["items"]["sku"].to_numpy()
        m = _period(month)
        sold = shipped > 0
        frames = {
            "actuals": _frame("actuals", {
                "sku": skus[sold], "month": np.full(int(sold.sum()), m.ordinal),
                "units": shipped[sold]}),
            "production": _frame("production", {
                "family": np.array(codes, dtype=object),
                "month": np.full(n_fam, m.ordinal), "planned_units": plan,
                "actual_units": produced}),
            "inventory": _frame("inventory", {
                "sku": skus, "on_hand_units": self.on_hand,
                "as_of": np.repeat(_month_end(month), len(skus))}),
            "demand_inputs": co.demand_inputs(month + 1),
        }
        return MonthResult(frames, produced, plan)
