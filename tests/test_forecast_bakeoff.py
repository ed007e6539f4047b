"""The bake-off: statistical against planner and consensus on a segment's items."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from sop_tui.analytics.bakeoff import bakeoff, verdict
from sop_tui.cli.app import build

ITEMS = pd.DataFrame({"sku": ["A1", "A2", "B1"], "description": "", "family": ["F", "F", "G"],
                      "unit_price": 1.0, "unit_cost": 0.5, "lifecycle": "active"})


def _history(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    """(step, sku, month, units) rows made at lag 1 (cycle = month + 1)."""
    df = pd.DataFrame(rows, columns=["step", "sku", "month", "units"])
    df["month"] = pd.PeriodIndex(df["month"], freq="M")
    df["cycle"] = df["month"] - 1
    df["family"] = df["sku"].map(ITEMS.set_index("sku")["family"])
    return df[["cycle", "step", "family", "month", "units", "sku"]]


ACTUALS = pd.DataFrame({"sku": ["A1", "A2", "B1"], "month": pd.PeriodIndex(["2026-11"] * 3,
                                                                         freq="M"),
                        "units": [100.0, 50.0, 999.0]})


def test_wmape_and_bias_by_hand_on_the_segment_only() -> None:
    fh = _history([("statistical", "A1", "2026-11", 110), ("statistical", "A2", "2026-11", 50),
                   ("consensus", "A1", "2026-11", 130), ("consensus", "A2", "2026-11", 60),
                   ("statistical", "B1", "2026-11", 0)])
    r = bakeoff(fh, ACTUALS, ITEMS, ["A1", "A2"], "2026-12")
    assert r.items == 2 and r.months == ("2026-06", "2026-11")
    assert r.missing == ("planner",)
    # statistical: |110-100| + |50-50| = 10 of 150; consensus: 30 + 10 = 40 of 150
    assert r.total("statistical") == pytest.approx((10 / 150, 10 / 150))
    assert r.total("consensus") == pytest.approx((40 / 150, 40 / 150))
    assert set(r.table["family"]) == {"F", "TOTAL"}  # B1 is not in the segment
    words = verdict(r)
    assert any("beats the consensus" in w and "20.0 pp" in w for w in words)
    assert any("planner" in w and "not compared" in w for w in words)
    assert words[-1].startswith("Verdict: let the statistical forecast lead")


def test_without_statistical_history_the_verdict_says_so() -> None:
    fh = _history([("consensus", "A1", "2026-11", 130)])
    words = verdict(bakeoff(fh, ACTUALS, ITEMS, ["A1"], "2026-12"))
    assert words == ["No statistical forecast of the 1 A/X items was recorded for "
                     "2026-06..2026-11: nothing to compare yet."]


@pytest.mark.slow
def test_sop_bakeoff_on_the_demo(demo_db: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    shutil.copyfile(demo_db, store / "sop.db")
    r = CliRunner().invoke(build(), ["--store", str(store), "bakeoff", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["segment"] == "AX" and out["items"] > 100
    total = {row["step"]: row for row in out["rows"] if row["family"] == "TOTAL"}
    assert total["statistical"]["wmape"] < total["consensus"]["wmape"]
    assert out["verdict"][-1].startswith("Verdict:")
    refused = CliRunner().invoke(build(), ["--store", str(store), "bakeoff", "--segment", "QQ"])
    assert refused.exit_code == 2 and "Traceback" not in refused.output
