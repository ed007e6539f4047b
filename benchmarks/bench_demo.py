"""The monthly demo: how long ``sop demo`` takes to run its cycles, and ``sop maturity`` after it.

Builds the default demo (``sop demo --no-tui``: six monthly cycles through sop's own commands,
then the demo cycle opened and the dashboard's and the pack's views computed) in a new store,
as a person runs it, and prints the wall time with the time of each phase from the command's
own progress lines; then times ``sop maturity`` and ``sop followup`` on that store (each three
times: the first reads what the demo left in the cache), and prints the four metrics the
reference's story moves (family accuracy, bias, plan attainment, E&O) as ``sop metrics``
computes them at each of the demo's cycles, against the reference's "before" and "after 6
months" columns. Usage::

    .venv/bin/python benchmarks/bench_demo.py [--cycles N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SOP = Path(sys.executable).with_name("sop")


def run(store: Path, *args: str) -> tuple[float, str]:
    start = time.perf_counter()
    out = subprocess.run([str(SOP), "--store", str(store), *args], capture_output=True,
                         text=True, check=True, env={**os.environ, "SOP_ACTOR": "bench"})
    return time.perf_counter() - start, out.stdout + out.stderr


#: The reference's case: (metric, before, after 6 months).
REFERENCE = (("family_accuracy", 0.61, 0.74), ("bias", 0.09, 0.02),
             ("plan_attainment", 0.72, 0.88), ("eo_value", 4.1e6, 2.7e6))


def metrics_by_cycle(store: Path) -> None:
    """The four metrics at each cycle of the store, as ``sop metrics --json`` gives them."""
    _, out = run(store, "log", "--type", "CycleOpened", "--json")
    cycles = sorted(json.loads(line)["cycle"] for line in out.splitlines() if line.strip())
    print("cycle    " + "  ".join(f"{k:>15}" for k, _, _ in REFERENCE))
    for ref, col in ((1, "before"), (2, "after 6 months")):
        print(f"{col[:8]:8} " + "  ".join(
            f"{(r[ref] / 1e6 if r[0] == 'eo_value' else r[ref] * 100):>15.1f}"
            for r in REFERENCE))
    for c in cycles:
        _, out = run(store, "metrics", "--cycle", c, "--json")
        s = json.loads(out)["summary"]
        print(f"{c:8} " + "  ".join(
            "              –" if s.get(k) is None else
            f"{(s[k] / 1e6 if k == 'eo_value' else s[k] * 100):>15.1f}"
            for k, _, _ in REFERENCE))
    print("(percent; E&O in $M)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, default=None, help="default: sop demo's own")
    parser.add_argument("--keep", type=Path, help="build the store here and keep it")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-demo-"))
    store = root / "store"
    if store.exists():
        shutil.rmtree(store)
    extra = ["--cycles", str(args.cycles)] if args.cycles is not None else []
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    start = time.perf_counter()
    proc = subprocess.Popen([str(SOP), "--store", str(store), "demo", "--no-tui", *extra],
                            stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "SOP_ACTOR": "bench"})
    assert proc.stderr is not None
    for line in proc.stderr:
        print(f"  {time.perf_counter() - start:6.1f} s  {line.rstrip()}")
    proc.wait()
    total = time.perf_counter() - start
    if proc.returncode:
        sys.exit(f"sop demo failed ({proc.returncode})")
    print(f"sop demo --no-tui {' '.join(extra)}: {total:.1f} s wall "
          f"(load average after: {os.getloadavg()[0]:.2f})")
    for cmd in (["maturity"], ["followup"]):
        times = [run(store, *cmd)[0] for _ in range(3)]
        print(f"sop {' '.join(cmd)}: " + ", ".join(f"{t:.2f}" for t in times)
              + f" s (median {statistics.median(times):.2f} s)")
    metrics_by_cycle(store)
    if args.keep is None:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
