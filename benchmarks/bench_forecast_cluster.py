"""Forecasting many simulated SKUs through a Dask cluster (not part of the test suite).

Run::

    .venv/bin/python benchmarks/bench_forecast_cluster.py [--skus 50000] [--sample 400]
        [--scheduler tcp://HOST:8786 | --workers 2]

The SKUs have the demo generator's shapes: each is one of the demo company's 3,500 item
histories (``sop_tui.data.demo.generate()``, 42 months), drawn with replacement, scaled by a
random factor (log-normal, sigma 0.5) and given month-to-month noise (log-normal, sigma 0.1),
rounded to whole units. Without ``--scheduler`` a ``distributed.LocalCluster`` is started on
this machine: ``--workers`` worker processes of one thread each (the cluster extra:
``pip install 'sop-tui[cluster]'``).

Printed: the scheduler's overhead (the first ``--sample`` SKUs through the local process pool
and through the cluster, same number of workers, back to back, and whether the forecasts are
equal), then all ``--skus`` through the cluster with progress, series per second and per
second per core. Figures go to ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import os
import time
from contextlib import ExitStack

import distributed
import numpy as np
import pandas as pd

from sop_tui.analytics.forecast import forecast_many
from sop_tui.data import demo
from sop_tui.executors import open_runner

HORIZON = 18


def simulated_skus(n: int, seed: int = 11) -> pd.DataFrame:
    """``n`` SKU histories ``[key, month, units]`` in the demo's shapes (see the docstring)."""
    frames = demo.generate()
    through = pd.Period(demo.DEMO_CYCLE, freq="M") - 1
    a = frames["actuals"].loc[frames["actuals"]["month"] <= through]
    wide = a.pivot_table(index="sku", columns="month", values="units", aggfunc="sum",
                         fill_value=0.0, observed=True).astype(float)
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, wide.shape[0], n)
    scale = rng.lognormal(0.0, 0.5, n)[:, None]
    noise = rng.lognormal(0.0, 0.1, (n, wide.shape[1]))
    units = np.round(wide.to_numpy()[pick] * scale * noise)
    months = pd.PeriodIndex(wide.columns, freq="M")
    keys = np.array([f"SIM{i:06d}" for i in range(n)], dtype=object)
    return pd.DataFrame({"key": np.repeat(keys, months.size),
                         "month": np.tile(months, n),
                         "units": units.ravel()})


def load() -> str:
    """The load average, for the record."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    """Overhead A/B on a sample, then every SKU through the cluster."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skus", type=int, default=50_000)
    ap.add_argument("--sample", type=int, default=400, help="SKUs of the overhead A/B")
    ap.add_argument("--scheduler", default=None, help="a running Dask scheduler's address")
    ap.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes")
    args = ap.parse_args()
    hist = simulated_skus(args.skus)
    print(f"{args.skus} simulated SKUs x {hist['month'].nunique()} months, horizon {HORIZON}; "
          f"{os.cpu_count()} cores; load {load()}")
    with ExitStack() as stack:
        address = args.scheduler
        if address is None:
            t = time.perf_counter()
            cluster = stack.enter_context(distributed.LocalCluster(
                n_workers=args.workers, threads_per_worker=1, processes=True,
                dashboard_address=None))
            address = cluster.scheduler_address
            print(f"LocalCluster of {args.workers} worker processes x 1 thread at {address}: "
                  f"started in {time.perf_counter() - t:.1f} s")
        runner = stack.enter_context(open_runner(address))
        cores = runner.cores

        sample = hist.loc[hist["key"].isin(hist["key"].unique()[: args.sample])]
        warm = hist.loc[hist["key"].isin(hist["key"].unique()[: 4 * cores])]
        pool = stack.enter_context(open_runner(f"local:{cores}"))
        t = time.perf_counter()
        forecast_many(warm, HORIZON, runner=pool)
        forecast_many(warm, HORIZON, runner=runner)
        print(f"warm-up (the pool's start, each worker's imports): "
              f"{time.perf_counter() - t:.1f} s")
        # Two pairs, alternating, so that a change in the shared box's load hits both sides.
        for rnd in (1, 2):
            t = time.perf_counter()
            local = forecast_many(sample, HORIZON, runner=pool)
            t_local = time.perf_counter() - t
            t = time.perf_counter()
            remote = forecast_many(sample, HORIZON, runner=runner)
            t_dask = time.perf_counter() - t
            same = remote.forecast.equals(local.forecast) and remote.models.equals(local.models)
            print(f"overhead A/B {rnd}, {args.sample} SKUs on {cores} workers: local pool "
                  f"{t_local:.1f} s, Dask {t_dask:.1f} s, ratio {t_dask / t_local:.2f}; "
                  f"forecasts equal: {same}; load {load()}")

        step = max(1, args.skus // 10)
        shown = [0]

        def progress(done: int, total: int) -> None:
            if done - shown[0] >= step or done == total:
                shown[0] = done
                print(f"  {done}/{total} SKUs, {time.perf_counter() - t:.0f} s", flush=True)

        t = time.perf_counter()
        res = forecast_many(hist, HORIZON, runner=runner, progress=progress)
        took = time.perf_counter() - t
    rate = args.skus / took
    kinds = res.models["model"].str.replace(r"\(.*\)", "", regex=True).value_counts()
    print(f"all {args.skus} SKUs through the cluster: {took:.1f} s, {rate:.1f} series/s, "
          f"{rate / cores:.1f} series/s per core; load {load()}")
    print("models:", kinds.head(8).to_dict())


if __name__ == "__main__":
    main()
