"""Benchmark: generating the demo company and writing its CSV files.

The timed unit is what ``sop demo`` does before the import: :func:`generate` (seed 7) and
:func:`write_csv` into a temporary folder. Target: both together under 5 s on the 2-core
development machine (the whole ``sop demo --no-tui``, import included, must stay under 20 s).

Run either way:
    .venv/bin/python benchmarks/bench_demo_generate.py [--repeat 5]
    .venv/bin/pytest benchmarks/bench_demo_generate.py --benchmark-only
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sop_tui.data.demo import generate, write_csv


def run_once(directory: Path, seed: int = 7) -> tuple[float, float, int]:
    """Generate and write once; return (generate seconds, write seconds, rows written)."""
    t0 = time.perf_counter()
    frames = generate(seed)
    t1 = time.perf_counter()
    write_csv(frames, directory)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, sum(len(df) for df in frames.values())


def test_generate_and_write(benchmark, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    gen, write, rows = benchmark(run_once, tmp_path)
    assert rows > 400_000
    assert gen + write < 5.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    gens, writes = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeat):
            gen, write, rows = run_once(Path(tmp))
            gens.append(gen)
            writes.append(write)
        sizes = {p.name: p.stat().st_size for p in Path(tmp).iterdir()}
    total = [g + w for g, w in zip(gens, writes, strict=True)]
    print(f"rows written: {rows:,}; files: {sum(sizes.values()) / 1e6:.1f} MB")
    print(f"generate: median {statistics.median(gens):.2f} s (first call {gens[0]:.2f} s)")
    print(f"write_csv: median {statistics.median(writes):.2f} s (min {min(writes):.2f})")
    print(f"together: median {statistics.median(total):.2f} s, max {max(total):.2f} s (< 5 s)")


if __name__ == "__main__":
    main()
