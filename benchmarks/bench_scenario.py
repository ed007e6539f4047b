"""Benchmark: one scenario's constrained supply plan and dollars at the demo company's size.

40 families, 8 resources, 18 months: seasonal demand, each family routed through two or three
work centres, capacity set so the seasonal peaks bind (the plan pre-builds and still loses some
sales). The scenario adjusts demand, capacity and price, so every step of ``evaluate`` runs.

Run: ``.venv/bin/python benchmarks/bench_scenario.py [--repeat 30]``. Prints the first
``evaluate`` of the process (the solver's import included: SciPy's optimize is imported on the
first solve), then the median, min and max wall time of the next ones (the target is a median
under 0.5 s), and the shape of the plan. Figures go in ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from sop_tui.analytics.scenarios import Scenario, ScenarioInputs, evaluate

N_FAMILIES = 40
N_RESOURCES = 8
N_MONTHS = 18


def demo_sized_inputs(seed: int = 7) -> ScenarioInputs:
    """A seeded instance of the demo company's size."""
    rng = np.random.default_rng(seed)
    families = [f"F{i:02d}" for i in range(N_FAMILIES)]
    resources = [f"R{i}" for i in range(N_RESOURCES)]
    months = pd.period_range("2027-01", periods=N_MONTHS, freq="M")

    level = rng.uniform(200, 5_000, N_FAMILIES)
    peak = rng.integers(1, 13, N_FAMILIES)
    amplitude = rng.uniform(0.1, 0.35, N_FAMILIES)
    month_no = np.array([m.month for m in months])
    season = 1 + amplitude[:, None] * np.cos(2 * np.pi * (month_no[None, :] - peak[:, None]) / 12)
    units = level[:, None] * season * rng.lognormal(0, 0.05, (N_FAMILIES, N_MONTHS))
    demand = pd.DataFrame(
        {
            "family": np.repeat(families, N_MONTHS),
            "month": pd.PeriodIndex(np.tile(months, N_FAMILIES), freq="M"),
            "units": units.ravel(),
        }
    )

    rows = []
    for f in families:
        for r in rng.choice(resources, size=int(rng.integers(2, 4)), replace=False):
            rows.append((f, str(r), float(rng.uniform(0.05, 0.6))))
    routings = pd.DataFrame(rows, columns=["family", "resource", "hours_per_unit"])

    # Capacity: flat at 97 % of each resource's average need, so the peaks bind.
    hours = routings.pivot_table(
        index="family", columns="resource", values="hours_per_unit", fill_value=0.0
    ).reindex(index=families, columns=resources, fill_value=0.0)
    need = hours.to_numpy().T @ units
    flat = 0.97 * need.mean(axis=1)
    capacity = pd.DataFrame(
        {
            "resource": np.repeat(resources, N_MONTHS),
            "month": pd.PeriodIndex(np.tile(months, N_RESOURCES), freq="M"),
            "hours": np.repeat(flat, N_MONTHS),
        }
    )
    price = rng.uniform(5, 150, N_FAMILIES)
    prices = pd.DataFrame(
        {"family": families, "unit_price": price, "unit_cost": price * rng.uniform(0.5, 0.75)}
    )
    targets = pd.DataFrame(
        {"month": months, "revenue_target": (units * price[:, None]).sum(axis=0) * 1.05}
    )
    opening = pd.Series(level * 0.5, index=families)
    return ScenarioInputs(demand, routings, capacity, prices, targets, opening)


SCENARIO = Scenario(
    "campaign",
    "Marketing's spring campaign, a second shift on R3, a 3 % price rise",
    demand=("*:+5%:2027-03..2027-06", "F07:+20%", "F11:-400:2027-09"),
    capacity=("R3:+15%", "R5:+200h:2027-04..2027-06"),
    price=("*:+3%",),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    base = demo_sized_inputs()
    start = time.perf_counter()
    evaluate(SCENARIO, base)  # the first: the solver's import, first-call caches
    first = time.perf_counter() - start
    print(f"first evaluate in this process (imports included): {first * 1000:.0f} ms")
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = evaluate(SCENARIO, base)
        times.append(time.perf_counter() - start)
    totals = result.totals
    print(
        f"evaluate, {N_FAMILIES} families × {N_RESOURCES} resources × {N_MONTHS} months, "
        f"{args.repeat} runs: median {statistics.median(times) * 1000:.1f} ms, "
        f"min {min(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms"
    )
    binding = int((result.supply.capacity["gap_hours"] > 0).sum())
    print(
        f"service level {totals['service_level']:.3f}, unmet {totals['unmet_units']:,.0f} units, "
        f"overtime {totals['overtime_hours']:,.0f} h, "
        f"{binding} resource-months where capacity binds, status {result.supply.status}"
    )


if __name__ == "__main__":
    main()
