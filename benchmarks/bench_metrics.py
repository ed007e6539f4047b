"""Benchmark: the metrics, FVA and ABC-XYZ segments on a demo-sized company.

A synthetic company at the size of the reference's worked example: 3,500 SKUs in 40 families,
42 months of actuals, 24 cycles of item-level consensus history at lags 0-2 and family-level
history of every process step at lags 0-11. The timed unit is everything the dashboard needs for
one cycle: :func:`summary`, :func:`metric_trend` (12 cycles), :func:`fva` with its worse-family
list, and :func:`segment_items` with its matrix. Target: under 2 s.

Run either way:
    .venv/bin/python benchmarks/bench_metrics.py
    .venv/bin/pytest benchmarks/bench_metrics.py --benchmark-only
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sop_tui.analytics import summary as sm
from sop_tui.analytics.fva import fva, fva_worse_families
from sop_tui.analytics.segments import segment_items, segment_matrix
from sop_tui.data.schema import FORECAST_STEPS

N_SKUS = 3_500
N_FAMILIES = 40
N_MONTHS = 42
N_CYCLES = 24
CYCLE = pd.Period("2026-07", "M")  # actuals run 2023-01 .. 2026-06


@dataclass(frozen=True)
class Company:
    """The frames of one synthetic company."""

    items: pd.DataFrame
    actuals: pd.DataFrame
    forecast_history: pd.DataFrame
    production: pd.DataFrame
    inventory: pd.DataFrame


def build_company(seed: int = 7) -> Company:
    """A demo-sized company, vectorised (a second or so to build; not part of the timing)."""
    rng = np.random.default_rng(seed)
    sku = np.array([f"{i:06d}" for i in range(N_SKUS)], dtype=object)
    fam_idx = rng.integers(0, N_FAMILIES, N_SKUS)
    families = np.array([f"F{j:02d}" for j in range(N_FAMILIES)], dtype=object)
    family = families[fam_idx]
    price = np.round(rng.lognormal(3.5, 0.8, N_SKUS), 2)
    items = pd.DataFrame(
        {
            "sku": sku,
            "description": "",
            "family": family,
            "unit_price": price,
            "unit_cost": np.round(price * 0.6, 2),
            "lifecycle": rng.choice(["active", "new", "phase_out"], N_SKUS, p=[0.9, 0.05, 0.05]),
        }
    )

    first = CYCLE - N_MONTHS
    month_ord = first.ordinal + np.arange(N_MONTHS)
    level = rng.lognormal(2.5, 1.2, N_SKUS)
    season = 1 + 0.2 * np.sin(2 * np.pi * np.arange(N_MONTHS) / 12)
    units = rng.poisson(level[:, None] * season[None, :]).astype(np.float64)
    actuals = pd.DataFrame(
        {
            "sku": np.repeat(sku, N_MONTHS),
            "month": pd.PeriodIndex.from_ordinals(np.tile(month_ord, N_SKUS), freq="M"),
            "units": units.ravel(),
        }
    )
    actuals = actuals[actuals["units"] > 0].reset_index(drop=True)

    cycles = CYCLE.ordinal - N_CYCLES + 1 + np.arange(N_CYCLES)
    # item-level consensus: every SKU, cycle, lag 0..2 (+9 % bias and noise)
    c, s, lag = np.meshgrid(cycles, np.arange(N_SKUS), np.arange(3), indexing="ij")
    c, s, lag = c.ravel(), s.ravel(), lag.ravel()
    item_units = np.round(level[s] * 1.09 * rng.lognormal(0, 0.35, s.size), 1)
    item_hist = pd.DataFrame(
        {
            "cycle": pd.PeriodIndex.from_ordinals(c, freq="M"),
            "step": "consensus",
            "family": family[s],
            "month": pd.PeriodIndex.from_ordinals(c + lag, freq="M"),
            "units": item_units,
            "sku": sku[s],
        }
    )
    # family-level history of every step at lags 0..11
    fam_level = np.bincount(fam_idx, weights=level, minlength=N_FAMILIES)
    steps = np.array(FORECAST_STEPS, dtype=object)
    st_bias = np.array([1.0, 1.11, 1.035, 0.97, 1.02, 1.09, 1.12])
    k, c, f, lag = np.meshgrid(
        np.arange(len(steps)), cycles, np.arange(N_FAMILIES), np.arange(12), indexing="ij"
    )
    k, c, f, lag = k.ravel(), c.ravel(), f.ravel(), lag.ravel()
    fam_hist = pd.DataFrame(
        {
            "cycle": pd.PeriodIndex.from_ordinals(c, freq="M"),
            "step": steps[k],
            "family": families[f],
            "month": pd.PeriodIndex.from_ordinals(c + lag, freq="M"),
            "units": np.round(fam_level[f] * st_bias[k] * rng.lognormal(0, 0.15, f.size), 1),
            "sku": "",
        }
    )
    history = pd.concat([fam_hist, item_hist], ignore_index=True)

    p_months = np.arange(N_MONTHS)
    pf, pm = np.meshgrid(np.arange(N_FAMILIES), p_months, indexing="ij")
    planned = fam_level[pf.ravel()] * 1.05
    production = pd.DataFrame(
        {
            "family": families[pf.ravel()],
            "month": pd.PeriodIndex.from_ordinals(first.ordinal + pm.ravel(), freq="M"),
            "planned_units": planned,
            "actual_units": planned * rng.uniform(0.6, 1.1, planned.size),
        }
    )
    inventory = pd.DataFrame(
        {
            "sku": sku,
            "on_hand_units": np.round(level * rng.uniform(0, 20, N_SKUS)),
            "as_of": pd.Timestamp("2026-06-30"),
        }
    )
    return Company(items, actuals, history, production, inventory)


def demo_company() -> tuple[Company, pd.Period] | None:
    """The project's demo company (sop_tui.data.demo), when that module is available."""
    try:
        from sop_tui.data import demo
    except ImportError:
        return None
    f = demo.generate()
    co = Company(f["items"], f["actuals"], f["forecast_history"], f["production"], f["inventory"])
    return co, pd.Period(demo.DEMO_CYCLE, "M")


def run_all(co: Company, cycle: pd.Period = CYCLE) -> dict[str, object]:
    """Everything the dashboard computes for one cycle."""
    s = sm.summary(
        co.forecast_history,
        co.actuals,
        co.items,
        cycle,
        production=co.production,
        inventory=co.inventory,
    )
    trend = sm.metric_trend(
        co.forecast_history,
        co.actuals,
        co.items,
        cycle,
        production=co.production,
        inventory=co.inventory,
    )
    stair = fva(co.forecast_history, co.actuals, co.items, cycle)
    worse = fva_worse_families(stair)
    seg = segment_items(co.items, co.actuals, cycle - 1)
    matrix = segment_matrix(seg)
    return {"summary": s, "trend": trend, "fva": stair, "worse": worse, "matrix": matrix}


def test_bench_metrics(benchmark) -> None:  # type: ignore[no-untyped-def]
    """pytest-benchmark entry point (not collected by the test suite: testpaths is tests/)."""
    co = build_company()
    out = benchmark.pedantic(run_all, args=(co,), rounds=3, iterations=1)
    assert len(out["matrix"]) == 9


def _time(co: Company, cycle: pd.Period, label: str) -> None:
    times = []
    for _ in range(3):
        a = time.perf_counter()
        out = run_all(co, cycle)
        times.append(time.perf_counter() - a)
    rows = len(co.forecast_history)
    print(f"{label}: {len(co.items)} items, {len(co.actuals)} actuals, {rows} history rows")
    print(f"  metrics + trend + FVA + segments: best {min(times):.3f} s of {len(times)} runs")
    s = out["summary"]
    print(
        f"  family accuracy {s.family_accuracy:.1%}, item accuracy {s.item_accuracy:.1%}, "
        f"bias {s.bias:+.1%}, plan attainment {s.plan_attainment:.1%}, E&O ${s.eo_value:,.0f}"
    )


def main() -> None:
    _time(build_company(), CYCLE, "synthetic")
    demo = demo_company()
    if demo is not None:
        _time(*demo, "demo (sop_tui.data.demo)")


if __name__ == "__main__":
    main()
