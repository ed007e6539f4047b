"""Benchmark of the reader (issue 2): a 300,000-row × 6-column forecast_history file, validated.

Run: .venv/bin/python benchmarks/bench_import.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from sop_tui.data.reader import read_table


def make(path: Path, n: int = 300_000) -> None:
    rng = np.random.default_rng(7)
    months = pd.period_range("2024-01", periods=24, freq="M").astype(str).to_numpy()
    i = np.arange(n)
    pd.DataFrame({
        "cycle": months[i % 24],
        "step": np.array(["statistical", "sales", "consensus"])[i % 3],
        "family": np.char.add("F", (i % 40).astype(str)),
        "month": months[(i // 24) % 24],
        "units": np.round(rng.gamma(2.0, 300.0, n), 1),
        "sku": np.char.zfill(i.astype(str), 6),
    }).to_csv(path, index=False)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "forecast_history.csv"
        make(path)
        times = []
        for _ in range(3):
            t = time.perf_counter()
            res = read_table(path, "forecast_history")
            times.append(time.perf_counter() - t)
            assert res.ok
        print(f"read + validate 300,000 x 6: median {statistics.median(times):.2f} s "
              f"(min {min(times):.2f})")
