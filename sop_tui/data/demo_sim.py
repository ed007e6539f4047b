"""The moving parts of the demo company: demand, past forecasts, production, stock and capacity.

Everything here works on numpy arrays aligned with the catalogue of
:mod:`sop_tui.data.demo_catalog` (items by position, months by position on one timeline) and is
vectorised over items and months; the loops are over families, cycles or calibration steps.
:mod:`sop_tui.data.demo` turns the arrays into the frames of the import contract.

The calibration targets come from the worked example of ``reference/sop-best-practices.txt``
(bias +9 %, item-level accuracy 58 %, plan attainment 72 %, E&O $4.1M); where a number is
calibrated exactly (a scale factor or a bisection), the comment says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sop_tui.data.demo_catalog import FAMILIES, GROUPS, RESOURCES, WORKING_DAYS

# Calibration targets (the worked example, and the brief's reading of it).
TARGET_REVENUE = 180e6
TARGET_EO = 4.1e6
TARGET_ATTAINMENT = 0.72
TARGET_CONSENSUS_BIAS = 0.09
TARGET_SALES_BIAS = 0.11
TARGET_MARKETING_BIAS = 0.035
TARGET_ITEM_ACCURACY = 0.58
TARGET_FAMILY_ACCURACY = 0.61  # the monthly demo's "before" (the reference's family WMAPE row)
N_BINDING = 3  # work centres sized to run over capacity in the seasonal peaks of the horizon


@dataclass
class Timeline:
    """Month positions of one demo: the actuals, the forecast cycles and the horizon.

    All values are month ordinals (months since 1970-01, as ``pandas.Period.ordinal``).

    Attributes:
        start: first month of the timeline (first month of actuals).
        cycle: the cycle the demo opens; actuals run through ``cycle - 1``.
        n_hist: months of actuals.
        n_total: months on the timeline (through the end of the capacity/target range).
        n_cycles: forecast-history cycles (``cycle - n_cycles`` .. ``cycle - 1``).
        n_item_cycles: the most recent cycles that also carry item-level history.
        horizon: months of this cycle's demand inputs.
    """

    start: int
    cycle: int
    n_hist: int = 42
    n_total: int = 66
    n_cycles: int = 24
    n_item_cycles: int = 13
    horizon: int = 18

    @property
    def months(self) -> np.ndarray:
        return np.arange(self.start, self.start + self.n_total)

    @property
    def calendar_month(self) -> np.ndarray:
        """Calendar month (1-12) of each timeline position."""
        return self.months % 12 + 1

    def pos(self, ordinal: int) -> int:
        return ordinal - self.start


def lognormal(rng: np.random.Generator, sigma: float, size: tuple[int, ...] | int) -> np.ndarray:
    """Mean-one lognormal noise: exp(sigma z - sigma^2 / 2)."""
    return np.exp(sigma * rng.standard_normal(size) - sigma * sigma / 2.0)


def expected_units(
    rng: np.random.Generator,
    tl: Timeline,
    family_index: np.ndarray,
    base_units: np.ndarray,
    lifecycle: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The expected demand of every item and month (no noise): trend x season x lifecycle.

    Args:
        rng: the generator.
        tl: the timeline.
        family_index: per item, its family position.
        base_units: per item, expected units a month at the reference month (``cycle - 6``).
        lifecycle: per item, "active", "new" or "phase_out".

    Returns:
        ``(mu, launch, decline)``: mu is items x months; launch and decline are per-item timeline
        positions (launch month of new items, start of decline of phase-outs; -1 elsewhere).
    """
    n_items, n_fam = len(base_units), len(FAMILIES)
    t = np.arange(tl.n_total)
    ref = tl.pos(tl.cycle - 6)
    growth = rng.uniform(-0.03, 0.09, n_fam)
    peak = np.array([GROUPS[f[2]].peak for f in FAMILIES]) + rng.integers(-1, 2, n_fam)
    amp = np.array([rng.uniform(*GROUPS[f[2]].amplitude) for f in FAMILIES])
    cal = tl.calendar_month
    # A cosine sharpened by its second harmonic: a peak of +amp a month or two wide, not a broad
    # swell, so peak months stand out (and bind capacity) the way real seasons do.
    theta = 2 * np.pi * (cal[None, :] - peak[:, None]) / 12.0
    season = 1.0 + amp[:, None] * (np.cos(theta) + 0.5 * np.cos(2 * theta)) / 1.5
    # Shipments follow the shop calendar in part (short Februaries, the December shutdown).
    wd = np.array(WORKING_DAYS, dtype=float)[cal - 1]
    season = season * (wd / wd.mean())[None, :] ** 0.7
    trend = (1.0 + growth[:, None]) ** ((t[None, :] - ref) / 12.0)
    fam_curve = season * trend  # families x months
    mu = base_units[:, None] * fam_curve[family_index]

    launch = np.full(n_items, -1)
    decline = np.full(n_items, -1)
    new = lifecycle == "new"
    # New items launched 6-9 months before the cycle, ramping up over a few months.
    launch[new] = tl.pos(tl.cycle) - rng.integers(6, 10, int(new.sum()))
    since = t[None, :] - launch[new][:, None]
    mu[new] = mu[new] * np.where(since >= 0, 1.0 - np.exp(-(since + 1) / 2.5), 0.0)
    out = lifecycle == "phase_out"
    decline[out] = tl.pos(tl.cycle) - rng.integers(9, 24, int(out.sum()))
    tau = rng.uniform(4.0, 9.0, int(out.sum()))
    since = t[None, :] - decline[out][:, None]
    mu[out] = mu[out] * np.where(since > 0, np.exp(-np.maximum(since, 0) / tau[:, None]), 1.0)
    return mu, launch, decline


def simulate_actuals(
    rng: np.random.Generator,
    tl: Timeline,
    mu: np.ndarray,
    family_index: np.ndarray,
    intermittent: np.ndarray,
) -> np.ndarray:
    """Actual shipments (items x history months, integer-valued float): noise on top of mu.

    A family-wide shock each month (what no forecaster sees coming), an item shock, Poisson
    counts; intermittent items sell in rare lumps with the same expected volume.
    """
    n_items, n = mu.shape[0], tl.n_hist
    m = mu[:, :n]
    fam_shock = lognormal(rng, 0.10, (len(FAMILIES), n))[family_index]
    rate = m * fam_shock * lognormal(rng, 0.30, (n_items, n))
    p = np.asarray(rng.uniform(0.08, 0.35, n_items))[:, None]
    occurs = rng.random((n_items, n)) < p
    lump = 1.0 + rng.poisson(np.maximum(rate / p - 1.0, 0.0))
    regular = rng.poisson(rate)
    return np.where(intermittent[:, None], np.where(occurs, lump, 0), regular).astype(float)


def family_sum(values: np.ndarray, family_index: np.ndarray) -> np.ndarray:
    """Sum an items-first array to families (first axis), keeping the other axes."""
    flat = values.reshape(values.shape[0], -1)
    # A one-hot matrix product: much faster than np.add.at for a few thousand items.
    onehot = (family_index[None, :] == np.arange(len(FAMILIES))[:, None]).astype(float)
    out: np.ndarray = (onehot @ flat).reshape((len(FAMILIES),) + values.shape[1:])
    return out


@dataclass
class History:
    """Past forecasts, arrays indexed [family or item, cycle, lag] (lag 0..2).

    ``steps`` holds the family-level steps; ``stat_item`` and ``cons_item`` the item level.
    """

    steps: dict[str, np.ndarray]
    stat_item: np.ndarray
    cons_item: np.ndarray
    item_rows: np.ndarray  # bool [item, cycle]: item-level rows written for this cycle


def _bisect(
    f: Callable[[float], float], lo: float, hi: float, target: float, iters: int = 40
) -> float:
    """Solve f(x) = target for a monotone f on [lo, hi] (increasing or decreasing)."""
    increasing = f(hi) > f(lo)
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        if (f(mid) < target) == increasing:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def forecast_history(
    rng: np.random.Generator,
    tl: Timeline,
    mu: np.ndarray,
    actuals: np.ndarray,
    family_index: np.ndarray,
    *,
    before: int | None = None,
    family_accuracy: float | None = None,
) -> History:
    """Simulate each past cycle's forecasts per step, calibrated on the lag-1 window.

    The window is the 12 months before the demo cycle, each forecast at lag 1 (made the month
    before). The statistical step sees the expected demand up to an estimation error; sales adds
    optimism (+11 %), marketing a little (+3.5 %), finance phases a budget flat by working days,
    the consensus mostly adopts sales (bias +9 %, calibrated exactly), the item-level consensus
    spreads it to items with planner noise (noise level bisected to 58 % item accuracy), and the
    executive step nudges the consensus top-down.

    ``before`` moves the calibration window to the 12 months before that month ordinal (the
    monthly demo's first cycle); ``family_accuracy`` sets how scattered sales' number is, so
    that the family consensus has that accuracy there (bisected; default: a little scatter).
    """
    n_items, n_fam = mu.shape[0], len(FAMILIES)
    nc = tl.n_cycles
    first_cycle = tl.pos(tl.cycle) - nc
    cyc = first_cycle + np.arange(nc)  # timeline positions of the cycles
    target = cyc[:, None] + np.arange(3)[None, :]  # [cycle, lag] -> month position
    mu_t = mu[:, target]  # item x cycle x lag

    est = lognormal(rng, 0.05, (n_fam, nc))[family_index][:, :, None]
    est = est * lognormal(rng, 0.15, (n_items, nc))[:, :, None]
    stat_item = np.round(mu_t * est)
    stat = family_sum(stat_item, family_index)

    # The lag-1 window: cycles whose lag-1 month falls in the 12 months before the demo cycle.
    back = 0 if before is None else tl.cycle - before
    w = slice(nc - 13 - back, nc - 1 - back)
    act_item = np.zeros((n_items, tl.n_total))
    act_item[:, : tl.n_hist] = actuals
    act_fam = family_sum(act_item, family_index)
    a_w = act_fam[:, target[w, 1]].sum()

    def calibrate(raw: np.ndarray, bias: float) -> np.ndarray:
        return np.asarray(raw * ((1.0 + bias) * a_w / raw[:, w, 1].sum()), dtype=float)

    # sales' scatter: one draw, scaled (lognormal(rng, s, ...) for any s)
    z_sales = rng.standard_normal((n_fam, nc, 3))

    def sales_for(s: float) -> np.ndarray:
        return calibrate(stat * np.exp(s * z_sales - s * s / 2.0), TARGET_SALES_BIAS)

    sales = sales_for(0.10)
    bump = 1.0 + 0.08 * (rng.random((n_fam, nc, 3)) < 0.15)
    marketing = calibrate(stat * lognormal(rng, 0.06, (n_fam, nc, 3)) * bump, TARGET_MARKETING_BIAS)
    # Finance: the annual budget, set each October from the 12 months to September, + 6 %,
    # phased flat by working days (no seasonality) and not revised during the year.
    wd = np.array(WORKING_DAYS, dtype=float)[tl.calendar_month - 1]
    months = tl.months
    budget_end = (months // 12 - 1) * 12 + 9  # ordinal of October of the previous year
    end = np.clip(budget_end - tl.start, 12, tl.n_hist)
    annual = np.stack([act_fam[:, e - 12 : e].sum(axis=1) for e in end], axis=1)  # fam x month
    finance = annual[:, target] * 1.06 / 12.0 * (wd[target] / wd.mean())[None]
    consensus = calibrate(0.8 * sales + 0.2 * stat, TARGET_CONSENSUS_BIAS)
    if family_accuracy is not None:
        a_fam = act_fam[:, target[w, 1]]

        def fam_accuracy(s: float) -> float:
            c = calibrate(0.8 * sales_for(s) + 0.2 * stat, TARGET_CONSENSUS_BIAS)[:, w, 1]
            return 1.0 - float(np.abs(c - a_fam).sum() / a_fam.sum())

        s_sales = _bisect(fam_accuracy, 0.0, 1.5, family_accuracy, iters=30)
        sales = sales_for(s_sales)
        consensus = calibrate(0.8 * sales + 0.2 * stat, TARGET_CONSENSUS_BIAS)
    executive = consensus * lognormal(rng, 0.04, (n_fam, nc))[:, :, None] * 1.01

    # Item-level rows: the recent cycles, items with any sales in the 12 months before the cycle.
    item_rows = np.zeros((n_items, nc), dtype=bool)
    for k in range(nc - tl.n_item_cycles, nc):
        c = cyc[k]
        item_rows[:, k] = act_item[:, max(c - 12, 0) : c].sum(axis=1) > 0

    # Spread the family consensus to items by the statistical mix with planner noise z.
    z = rng.standard_normal((n_items, nc, 3))
    share_base = np.maximum(stat_item, 0.0)
    w_rows = item_rows[:, w]
    a_item_w = act_item[:, target[w, 1]]

    def spread(s: float, cycles: slice, lags: slice) -> np.ndarray:
        weighted = share_base[:, cycles, lags] * np.exp(s * z[:, cycles, lags] - s * s / 2.0)
        tot = family_sum(weighted, family_index)[family_index]
        share = np.where(tot > 0, weighted / np.where(tot > 0, tot, 1.0), 0.0)
        return np.asarray(np.round(share * consensus[family_index][:, cycles, lags]))

    def item_accuracy(s: float) -> float:
        f = spread(s, w, slice(1, 2))[:, :, 0]
        return float(1.0 - np.abs(f - a_item_w)[w_rows].sum() / a_item_w[w_rows].sum())

    s_opt = _bisect(item_accuracy, 0.0, 1.5, TARGET_ITEM_ACCURACY, iters=25)
    cons_item = spread(s_opt, slice(None), slice(None))

    steps = {
        "statistical": stat,
        "sales": np.round(sales),
        "marketing": np.round(marketing),
        "finance": np.round(finance),
        "consensus": np.round(consensus),
        "executive": np.round(executive),
    }
    return History(steps, stat_item, cons_item, item_rows)


def production(
    rng: np.random.Generator, tl: Timeline, mu_fam: np.ndarray, consensus_lag1: np.ndarray,
    *, before: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Planned and actual production per family and history month.

    Planned follows the biased consensus (lag 1 where the history has it, else expected demand
    + 9 %) with replanning churn; actual production runs in lumpy batch campaigns near the level
    of real demand, with disruptions (material shortages, breakdowns). The month-to-month mismatch
    is what costs attainment: over the history output stays within ~10 % of shipments. The
    production level is bisected so that plan attainment over the last 12 months is 72 %.

    Args:
        rng: the generator.
        tl: the timeline.
        mu_fam: expected family demand, families x timeline months.
        consensus_lag1: families x history months, the lag-1 consensus (NaN where none).

    Returns:
        ``(planned, actual)``, families x history months, integer-valued.
    """
    n_fam, n = mu_fam.shape[0], tl.n_hist
    smooth = mu_fam[:, :n]
    basis = np.where(np.isnan(consensus_lag1), smooth * 1.09, consensus_lag1)
    planned = np.round(basis * lognormal(rng, 0.35, (n_fam, n)))
    disrupted = rng.random((n_fam, n)) < 0.15
    hit = np.where(disrupted, 1.0 - rng.uniform(0.2, 0.5, (n_fam, n)), 1.0)
    shape = smooth * lognormal(rng, 0.45, (n_fam, n)) * hit
    end = n if before is None else tl.pos(before)
    last = slice(end - 12, end)

    def attainment(level: float) -> float:
        act = np.round(shape * level)
        return float(np.minimum(act, planned)[:, last].sum() / planned[:, last].sum())

    level = _bisect(attainment, 0.2, 2.0, TARGET_ATTAINMENT, iters=30)
    return planned, np.round(shape * level)


def routings_and_capacity(
    rng: np.random.Generator,
    tl: Timeline,
    fam_price: np.ndarray,
    outlook_fam: np.ndarray,
) -> tuple[list[tuple[str, str, float]], np.ndarray]:
    """Routings per family and monthly capacity hours per resource over the whole timeline.

    Hours per unit grow with the family's price; each resource is scaled so its average load is
    a plausible few thousand hours a month. Capacity follows working days. The three resources
    with the sharpest seasonal peaks are sized so that the unbiased outlook loads them above
    capacity in about four months of the horizon (5-18 % over); the others keep 10-30 % headroom.

    Args:
        rng: the generator.
        tl: the timeline.
        fam_price: per family, the mean unit price.
        outlook_fam: expected family demand, families x timeline months.

    Returns:
        ``(routings, hours)``: routings as (family, resource, hours_per_unit); hours is
        resources x timeline months.
    """
    res_codes = [r[0] for r in RESOURCES]
    n_res = len(res_codes)
    hpu = np.zeros((len(FAMILIES), n_res))
    for f, (_, _, group) in enumerate(FAMILIES):
        base = 0.02 * (fam_price[f] / 20.0) ** 0.6 * rng.uniform(0.8, 1.25)
        for res, rel in GROUPS[group].route:
            hpu[f, res_codes.index(res)] = base * rel
    h0 = tl.pos(tl.cycle)
    hz = slice(h0, h0 + tl.horizon)
    load = hpu.T @ outlook_fam  # resources x months
    scale = rng.uniform(3_000, 9_000, n_res) / load[:, hz].mean(axis=1)
    hpu = hpu * scale[None, :]
    # Four significant digits, as an engineer would write them on a routing sheet.
    hpu = np.array([[float(f"{v:.4g}") for v in row] for row in hpu])
    load = hpu.T @ outlook_fam
    wd = np.array(WORKING_DAYS, dtype=float)[tl.calendar_month - 1]
    per_day = load[:, hz] / wd[hz][None, :]
    level = np.zeros(n_res)
    ranked = -np.sort(-per_day, axis=1)  # per resource, busiest month first
    # The resources with the sharpest seasonal peaks are the ones that bind.
    binding = np.argsort(-(ranked[:, 0] / ranked[:, 4]))[:N_BINDING]
    for r in range(n_res):
        x = ranked[r]
        if r in binding:
            # The fifth-busiest month sets the level (four months run over), the peak kept
            # 5-18 % over; a flat-topped season would put too many months over: cap at six.
            lv = min(max(x[4], x[0] / 1.18), x[0] / 1.05)
            level[r] = lv if (x > lv).sum() <= 6 else x[6]
        else:
            level[r] = x[0] * rng.uniform(1.10, 1.30)
    hours = np.round(level[:, None] * wd[None, :])
    routings = [
        (FAMILIES[f][0], res_codes[r], float(hpu[f, r]))
        for f in range(len(FAMILIES))
        for r in range(n_res)
        if hpu[f, r] > 0
    ]
    return routings, hours
