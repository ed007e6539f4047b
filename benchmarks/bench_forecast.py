"""Benchmark of the statistical forecast on the demo company (not part of the test suite).

Run: ``.venv/bin/python benchmarks/bench_forecast.py``. Times, on the demo company's actuals:
the 40 family series (cold, full backtest, all cores; then the cached rerun) and the A/X SKU
series (with a progress line).

Targets: families cold < 10 s, cached rerun < 1 s. Measured on the shared 2-core box (see
benchmarks/README.md, "## Forecast", for the conditions):

- before (METHOD_VERSION 1): cold 14.5 s at load ~2; 26.7 / 28.6 s at load ~5; ~0.53 s wall
  per family series (in-process, one BLAS thread, load ~4);
- after (METHOD_VERSION 2: ETS backtest fits by parameters only with our own L-BFGS-B loop
  and memoised initial states, least-squares SES in Theta): cold 11.1 / 14.1 s at load ~5 in
  the same back-to-back runs; 8.1, 3.0, 6.4, 4.6 s against the old code's 10.7, 10.7, 9.9,
  23.3 s in pairs at load ~2.5-3.3 (10.0-11.4 s in other runs at load ~5, 15.2 s at ~8),
  ~0.16 s wall and 0.07 s of CPU per series, the same model
  for 38 of 40 families (mean backtest WMAPE 0.1315 -> 0.1316); cached rerun 0.02-0.07 s.
"""

from __future__ import annotations

import sys
import tempfile
import time

import pandas as pd

from sop_tui.analytics.forecast import family_history, forecast_many, sku_history
from sop_tui.analytics.segments import segment_items
from sop_tui.data import demo


def main() -> None:
    """Run the benchmark and print the figures."""
    frames = demo.generate()
    through = pd.Period(demo.DEMO_CYCLE, freq="M") - 1
    fam = family_history(frames["actuals"], frames["items"], through)
    n_months = fam["month"].nunique()
    print(f"families: {fam['key'].nunique()} series x {n_months} months, horizon 18")
    with tempfile.TemporaryDirectory() as cache:
        t = time.perf_counter()
        res = forecast_many(fam, 18, cache_dir=cache)
        cold = time.perf_counter() - t
        t = time.perf_counter()
        again = forecast_many(fam, 18, cache_dir=cache)
        warm = time.perf_counter() - t
    assert again.input_hash == res.input_hash
    print(f"  cold (full backtest, all cores): {cold:.2f} s   cached rerun: {warm:.3f} s")
    print(f"  median backtest WMAPE {res.models['backtest_wmape'].median():.3f}")
    print("  models:", res.models["model"].str.replace(r"\(.*\)", "", regex=True)
          .value_counts().to_dict())

    seg = segment_items(frames["items"], frames["actuals"], through)
    ax = seg.loc[seg["segment"] == "AX", "sku"].tolist()
    skus = sku_history(frames["actuals"], ax, through)

    def progress(done: int, total: int) -> None:
        sys.stdout.write(f"\r  A/X SKUs: {done}/{total}")
        sys.stdout.flush()

    t = time.perf_counter()
    res = forecast_many(skus, 18, progress=progress)
    took = time.perf_counter() - t
    print(f"\n  {len(ax)} A/X SKU series: {took:.2f} s, median backtest WMAPE "
          f"{res.models['backtest_wmape'].median():.3f}")


if __name__ == "__main__":
    main()
