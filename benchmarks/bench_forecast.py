"""Benchmark of ``sop forecast`` on the demo company, as a planner runs it (not part of the tests).

Run: ``.venv/bin/python benchmarks/bench_forecast.py [--executor SPEC] [--store DIR]``.

Builds the demo company's store in a temporary folder (``sop demo --no-tui``; or uses
``--store``, copied), then times the commands a planner types, each a fresh process:

- ``sop forecast --level family`` cold (the 40 family series, full backtest) and again (read
  back from the store's cache);
- ``sop forecast --level sku`` cold (the A/X items).

Targets: families cold < 10 s, cached rerun < 1 s, SKU level < 20 s. Figures, with the load
average and conditions, are in ``benchmarks/README.md`` ("## Forecast").
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SOP = Path(sys.executable).with_name("sop")


def _children_cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def run(store: Path, *args: str, executor: str | None) -> tuple[float, float, str]:
    """Run ``sop --store STORE ARGS``: its wall time, the CPU seconds it and its worker
    processes used (what an idle machine's cores would share), its last line of stderr."""
    extra = ["--executor", executor] if executor else []
    cpu = _children_cpu()
    t = time.perf_counter()
    done = subprocess.run([str(SOP), "--store", str(store), *args, *extra],
                          capture_output=True, text=True, check=False)
    took = time.perf_counter() - t
    if done.returncode != 0:
        sys.exit(f"sop {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    last = done.stderr.strip().splitlines()[-1:] or [""]
    return took, _children_cpu() - cpu, last[0].strip()


def load() -> str:
    """The load average, for the record."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    """Build or copy the demo store, then time the three runs."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--executor", default=None, help="passed to sop forecast (default: local)")
    ap.add_argument("--store", type=Path, default=None,
                    help="a demo store to copy instead of building one")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        if args.store is not None:
            shutil.copytree(args.store, store, ignore=shutil.ignore_patterns("cache"))
        else:
            subprocess.run([str(SOP), "--store", str(store), "demo", "--no-tui"],
                           capture_output=True, check=True)
        print(f"{os.cpu_count()} cores; load average {load()}; executor "
              f"{args.executor or 'local (default)'}")
        for label, argv in (("families, cold", ("forecast", "--no-record")),
                            ("families, cached rerun", ("forecast", "--no-record")),
                            ("A/X SKUs, cold", ("forecast", "--level", "sku", "--no-record"))):
            took, cpu, last = run(store, *argv, executor=args.executor)
            print(f"  {label:24s} {took:6.2f} s wall, {cpu:6.2f} s CPU   ({last}; "
                  f"load {load()})")


if __name__ == "__main__":
    main()
