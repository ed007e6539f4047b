"""Benchmark of the statistical forecast on the demo company (not part of the test suite).

Run: ``.venv/bin/python benchmarks/bench_forecast.py``. Times, on the demo company's actuals:
the 40 family series (cold, full backtest, all cores; then the cached rerun) and the A/X SKU
series (with a progress line).
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
