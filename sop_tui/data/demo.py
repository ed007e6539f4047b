"""The demo company: a deterministic, seeded mid-market components maker to learn the app on.

Shaped like the worked example of ``reference/sop-best-practices.txt``: about $180M revenue,
about 3,500 SKUs in 40 families, a persistent +9 % over-forecast carried from the sales input,
58 % item-level accuracy, 72 % plan attainment and $4.1M of excess & obsolete stock.

Provides:
- :data:`DEMO_CYCLE`: the cycle the demo opens (actuals complete through the month before);
- :func:`generate`: one frame per kind of :mod:`sop_tui.data.schema`, following its conventions;
- :func:`write_csv`: the frames as import-ready CSV files (``KIND.csv``);
- :func:`calibration_report`: the story's numbers computed straight from the frames (defined in
  :mod:`sop_tui.data.demo_calibration`, re-exported here).

The simulation lives in :mod:`sop_tui.data.demo_sim` and the catalogue in
:mod:`sop_tui.data.demo_catalog`; this module assembles frames and writes files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sop_tui.data import demo_sim as sim
from sop_tui.data.demo_calibration import calibration_report
from sop_tui.data.demo_catalog import (
    FAMILIES,
    FINANCE_ASSUMPTIONS,
    MARKETING_ASSUMPTIONS,
    OWNERS,
    PLANNER_ASSUMPTION,
    RESOURCES,
    SALES_ASSUMPTIONS,
    WORKING_DAYS,
    build_items,
)
from sop_tui.data.schema import KINDS

__all__ = ["DEMO_CYCLE", "Company", "calibration_report", "generate", "simulate", "write_csv"]

DEMO_CYCLE = "2026-12"

# Families that carry the two traps of the demand review (see _demand_inputs).
AGREEING_FAMILY = "SEA-02"  # marketing's number is exactly the planner's
AVERAGED_FAMILY = "FST-02"  # finance's number is exactly the mean of sales and marketing


def _periods(ordinals: np.ndarray) -> pd.arrays.PeriodArray:
    """Monthly periods from month ordinals, without a Python loop."""
    return pd.PeriodIndex.from_ordinals(np.asarray(ordinals, dtype="int64"), freq="M").array


def _obj(values: Any) -> pd.Series:
    """A text column in the frame convention: Python str values, object dtype."""
    return pd.Series(np.asarray(values, dtype=object), dtype=object)


def _frame(kind: str, columns: dict[str, Any]) -> pd.DataFrame:
    """Assemble a frame of ``kind`` with its columns in the contract's order and dtypes."""
    out = pd.DataFrame(index=pd.RangeIndex(len(next(iter(columns.values())))))
    for col in KINDS[kind].columns:
        value = columns[col.name]
        if col.type in ("code", "text", "choice"):
            # Explicitly object: pandas 3 would otherwise infer its own "str" dtype, and the
            # frame conventions (and the importer) use object columns of Python str.
            out[col.name] = _obj(value).to_numpy()
            out[col.name] = out[col.name].astype(object)
        elif col.type == "month":
            out[col.name] = _periods(value)
        elif col.type == "date":
            out[col.name] = pd.to_datetime(value).astype("datetime64[ns]")
        else:
            out[col.name] = np.asarray(value, dtype="float64")
    return out


@dataclass
class Company:
    """The demo company as simulated: its frames, and what the monthly story continues from.

    Arrays are aligned with the catalogue (items by position) and the timeline (months by
    position): ``actuals`` is items x history months, ``mu`` items x timeline months (the
    expected demand), ``mu_fam`` families x timeline months.
    """

    frames: dict[str, pd.DataFrame]
    tl: sim.Timeline
    rng: np.random.Generator
    cat: Any
    actuals: np.ndarray
    mu: np.ndarray
    mu_fam: np.ndarray
    decline: np.ndarray
    price: np.ndarray
    cost: np.ndarray
    planned: np.ndarray
    produced: np.ndarray

    def inventory_at(self, through: int, forward: float = 1.0) -> np.ndarray:
        """On-hand units per item at the end of month ordinal ``through``, carrying the
        worked example's E&O against ``forward`` times the 12 months before it (see
        :func:`_inventory`)."""
        n = self.tl.pos(through) + 1
        return _inventory(self.rng, self.tl, self.actuals[:, :n], self.mu, self.decline,
                          self.cat, self.cost, forward)

    def demand_inputs(self, cycle: int) -> pd.DataFrame:
        """The four sources' inputs of cycle ``cycle`` (a month ordinal), as they give them."""
        tl = sim.Timeline(start=self.tl.start, cycle=cycle)
        n = tl.pos(cycle)
        return _demand_inputs(self.rng, tl, self.mu_fam, self.actuals[:, :n],
                              self.cat.family_index)


def generate(seed: int = 7, cycle: str = DEMO_CYCLE) -> dict[str, pd.DataFrame]:
    """Generate the demo company's planning data, one frame per kind of the import contract.

    Args:
        seed: seed of ``numpy.random.default_rng``; the same seed gives the same frames.
        cycle: the cycle the demo opens, ``YYYY-MM``; actuals run the 42 months before it.

    Returns:
        ``{kind: frame}`` for every kind in :data:`sop_tui.data.schema.KINDS`, with exactly the
        contract's columns: codes str (object dtype), months ``period[M]``, numbers float64.
    """
    return simulate(seed, cycle).frames


def simulate(seed: int = 7, cycle: str = DEMO_CYCLE, *, story_start: int | None = None
             ) -> Company:
    """The demo company: :func:`generate`'s frames and the simulation they came from.

    ``story_start`` (a month ordinal) calibrates the worked example's "before" numbers on the
    12 months before it instead of before ``cycle`` — the monthly demo starts there — with
    the family consensus at the reference's 61 % accuracy.
    """
    rng = np.random.default_rng(seed)
    cyc = pd.Period(cycle, freq="M").ordinal
    tl = sim.Timeline(start=cyc - 42, cycle=cyc)
    cat = build_items(rng)
    items = cat.items
    fam_idx = cat.family_index
    price = items["unit_price"].to_numpy()
    cost = items["unit_cost"].to_numpy()

    monthly_rev = cat.monthly_revenue / cat.monthly_revenue.sum() * sim.TARGET_REVENUE / 12.0
    mu, launch, decline = sim.expected_units(rng, tl, fam_idx, monthly_rev / price, cat.lifecycle)
    actuals = sim.simulate_actuals(rng, tl, mu, fam_idx, cat.intermittent)

    # Calibrate revenue exactly: scale prices so trailing-12-month revenue is $180M.
    k = sim.TARGET_REVENUE / float((actuals[:, -12:].sum(axis=1) * price).sum())
    price = np.maximum(np.round(price * k, 2), 0.01)
    cost = np.maximum(np.round(cost * k, 2), 0.01)

    hist = sim.forecast_history(rng, tl, mu, actuals, fam_idx, before=story_start,
                                family_accuracy=None if story_start is None else
                                sim.TARGET_FAMILY_ACCURACY)
    mu_fam = sim.family_sum(mu, fam_idx)

    # Production: planned follows the lag-1 consensus where the history has it.
    cons_lag1 = np.full((len(FAMILIES), tl.n_hist), np.nan)
    first = tl.pos(tl.cycle) - tl.n_cycles
    for c in range(tl.n_cycles):
        m = first + c + 1
        if m < tl.n_hist:
            cons_lag1[:, m] = hist.steps["consensus"][:, c, 1]
    planned, produced = sim.production(rng, tl, mu_fam, cons_lag1, before=story_start)

    on_hand = _inventory(rng, tl, actuals, mu, decline, cat, cost)

    fam_price = np.array([price[fam_idx == f].mean() for f in range(len(FAMILIES))])
    routings, hours = sim.routings_and_capacity(rng, tl, fam_price, mu_fam)

    outlook_rev = (mu * price[:, None]).sum(axis=0)
    target = np.round(outlook_rev * rng.uniform(1.04, 1.06, tl.n_total), -3)

    n_items, months = len(items), tl.months
    hist_months = months[: tl.n_hist]
    # Actual rows from each item's first month on (new items have a short history).
    first_month = np.where(launch >= 0, launch, 0)
    keep = np.arange(tl.n_hist)[None, :] >= first_month[:, None]
    ii, tt = np.nonzero(keep)
    fam_codes = np.array([f[0] for f in FAMILIES], dtype=object)
    skus = items["sku"].to_numpy()
    res_codes = np.array([r[0] for r in RESOURCES], dtype=object)
    ri, ti = np.divmod(np.arange(len(res_codes) * tl.n_total), tl.n_total)
    fi, hi = np.divmod(np.arange(len(FAMILIES) * tl.n_hist), tl.n_hist)

    frames = {
        "items": _frame(
            "items",
            {
                "sku": skus,
                "description": items["description"],
                "family": items["family"],
                "unit_price": price,
                "unit_cost": cost,
                "lifecycle": items["lifecycle"],
            },
        ),
        "actuals": _frame(
            "actuals", {"sku": skus[ii], "month": hist_months[tt], "units": actuals[ii, tt]}
        ),
        "inventory": _frame(
            "inventory",
            {
                "sku": skus,
                "on_hand_units": on_hand,
                "as_of": np.repeat(_periods(np.array([cyc - 1]))[0].end_time.normalize(),
                                   n_items),
            },
        ),
        "capacity": _frame(
            "capacity", {"resource": res_codes[ri], "month": months[ti], "hours": hours[ri, ti]}
        ),
        "routings": _frame(
            "routings",
            {
                "family": [r[0] for r in routings],
                "resource": [r[1] for r in routings],
                "hours_per_unit": [r[2] for r in routings],
            },
        ),
        "production": _frame(
            "production",
            {
                "family": fam_codes[fi],
                "month": hist_months[hi],
                "planned_units": planned[fi, hi],
                "actual_units": produced[fi, hi],
            },
        ),
        "targets": _frame("targets", {"month": months, "revenue_target": target}),
        "demand_inputs": _demand_inputs(rng, tl, mu_fam, actuals, fam_idx),
        "forecast_history": _history_frame(tl, hist, skus, fam_idx),
    }
    return Company(frames, tl, rng, cat, actuals, mu, mu_fam, decline, price, cost, planned,
                   produced)


def _inventory(
    rng: np.random.Generator,
    tl: sim.Timeline,
    actuals: np.ndarray,
    mu: np.ndarray,
    decline: np.ndarray,
    cat: Any,
    cost: np.ndarray,
    forward: float = 1.0,
) -> np.ndarray:
    """On-hand units per item at the end of the last actual month, carrying $4.1M of E&O.

    E&O is counted against ``forward`` times the trailing 12 months (1.0: the run rate; the
    monthly demo's first cycle plans with sales' optimistic number, ~10 % above it).

    Ordinary stock is 1.2-2.8 months of the trailing run rate (no E&O). Three groups carry the
    excess over a year's sales, scaled exactly to the target: phase-outs (stock built at the old
    run rate, 55 %), the sales-bias overbuild (active items built to an optimistic number, 33 %)
    and lot-size stock on the intermittent tail (12 %).
    """
    n = len(cost)
    t12 = actuals[:, -12:].sum(axis=1)
    avg = t12 / 12.0
    fwd = t12 * forward
    life = cat.lifecycle
    cover = rng.uniform(0.8, 2.4, n)
    recent = actuals[:, -3:].mean(axis=1)
    base = np.where(life == "new", recent * 2.5, avg * cover)
    dec_pos = np.where(decline >= 0, decline, 0)
    old_rate = mu[np.arange(n), dec_pos]
    # The overbuild sits on the slower half of the regular items (built to sales' number).
    slow = avg * cost < np.quantile((avg * cost)[~cat.intermittent], 0.6)
    groups = {
        "phase_out": (life == "phase_out", old_rate * rng.uniform(2.0, 6.0, n), 0.55),
        "overbuild": (
            (life == "active") & ~cat.intermittent & slow & (rng.random(n) < 0.2),
            avg * rng.uniform(1.0, 5.0, n),
            0.33,
        ),
        "tail": (
            cat.intermittent & (life == "active") & (rng.random(n) < 0.25),
            np.maximum(t12, 2.0) * rng.uniform(0.5, 2.0, n),
            0.12,
        ),
    }
    designated = np.zeros(n, dtype=bool)
    for mask, _, _ in groups.values():
        designated |= mask
    base = np.round(base)
    eo_base = float((np.maximum(base - fwd, 0.0) * cost)[~designated].sum())
    remaining = max(sim.TARGET_EO - eo_base, 0.0)
    on_hand = base.copy()
    for mask, raw, share in groups.values():
        value = float((raw * cost)[mask].sum())
        scale = share * remaining / value if value > 0 else 0.0
        on_hand[mask] = np.round(fwd[mask] + scale * raw[mask])
    return np.asarray(on_hand, dtype=float)


def _demand_inputs(
    rng: np.random.Generator,
    tl: sim.Timeline,
    mu_fam: np.ndarray,
    actuals: np.ndarray,
    fam_idx: np.ndarray,
) -> pd.DataFrame:
    """This cycle's demand inputs per source and family over the 18-month horizon.

    The planner's number is the unbiased outlook; sales is ~10 % above it (OEM programs ramping
    from the fourth month); marketing ~4 % with a two-month campaign bump; finance is last year
    + 6 % phased flat by working days. Two traps: in :data:`AGREEING_FAMILY` marketing adopts the
    planner's number exactly, and in :data:`AVERAGED_FAMILY` finance is exactly the mean of sales
    and marketing.
    """
    n_fam, h = len(FAMILIES), tl.horizon
    h0 = tl.pos(tl.cycle)
    outlook = mu_fam[:, h0 : h0 + h]
    step = np.arange(h)
    planner = np.round(outlook * sim.lognormal(rng, 0.02, (n_fam, h)))
    ramp = 1.0 + 0.045 * np.clip((step - 2) / 3.0, 0.0, 1.0)
    sales = np.round(outlook * rng.uniform(1.06, 1.09, (n_fam, 1)) * ramp[None, :])
    start = rng.integers(2, 10, n_fam)
    campaign = ((step[None, :] >= start[:, None]) & (step[None, :] < start[:, None] + 2)) * 0.10
    marketing = np.round(outlook * rng.uniform(1.02, 1.04, (n_fam, 1)) * (1.0 + campaign))
    wd = np.array(WORKING_DAYS, dtype=float)[tl.calendar_month[h0 : h0 + h] - 1]
    fam_actual = sim.family_sum(actuals[:, -12:], fam_idx).sum(axis=1)
    finance = np.round(fam_actual[:, None] * 1.06 / 12.0 * wd[None, :] / np.mean(WORKING_DAYS))

    codes = [f[0] for f in FAMILIES]
    agree, avg = codes.index(AGREEING_FAMILY), codes.index(AVERAGED_FAMILY)
    marketing[agree] = planner[agree]
    # Same parity, so the mean of sales and marketing is a whole number of units.
    marketing[avg] = marketing[avg] - (sales[avg] - marketing[avg]) % 2
    finance[avg] = (sales[avg] + marketing[avg]) / 2.0

    pick = {
        "sales": rng.integers(0, len(SALES_ASSUMPTIONS), n_fam),
        "marketing": rng.integers(0, len(MARKETING_ASSUMPTIONS), n_fam),
        "finance": rng.integers(0, len(FINANCE_ASSUMPTIONS), n_fam),
    }
    rows: dict[str, Any] = {k: [] for k in ("source", "family", "month", "units", "owner")}
    rows["assumption"] = []
    months = tl.months[h0 : h0 + h]
    for source, values in (
        ("sales", sales),
        ("marketing", marketing),
        ("finance", finance),
        ("planner", planner),
    ):
        for f, code in enumerate(codes):
            if source == "sales":
                text = SALES_ASSUMPTIONS[pick["sales"][f]]
                owner = OWNERS["sales"][f % len(OWNERS["sales"])]
            elif source == "marketing":
                text = (
                    "No campaign planned; we back the statistical baseline"
                    if f == agree
                    else MARKETING_ASSUMPTIONS[pick["marketing"][f]]
                )
                owner = OWNERS["marketing"][0]
            elif source == "finance":
                text = (
                    "Budget set at the midpoint of the sales and marketing views"
                    if f == avg
                    else FINANCE_ASSUMPTIONS[pick["finance"][f]]
                )
                owner = OWNERS["finance"][0]
            else:
                text, owner = PLANNER_ASSUMPTION, OWNERS["planner"][0]
            rows["source"] += [source] * h
            rows["family"] += [code] * h
            rows["month"].append(months)
            rows["units"].append(values[f])
            rows["owner"] += [owner] * h
            rows["assumption"] += [text] * h
    rows["month"] = np.concatenate(rows["month"])
    rows["units"] = np.concatenate(rows["units"])
    return _frame("demand_inputs", rows)


def _history_frame(
    tl: sim.Timeline, hist: sim.History, skus: np.ndarray, fam_idx: np.ndarray
) -> pd.DataFrame:
    """The forecast_history frame: family-level steps, then item-level statistical/consensus."""
    n_fam, nc = len(FAMILIES), tl.n_cycles
    fam_codes = np.array([f[0] for f in FAMILIES], dtype=object)
    cycles = tl.cycle - nc + np.arange(nc)
    grid = np.meshgrid(np.arange(n_fam), np.arange(nc), np.arange(3), indexing="ij")
    f, c, lag = (g.ravel() for g in grid)
    parts: list[dict[str, np.ndarray]] = []
    for step, values in hist.steps.items():
        parts.append(
            {
                "cycle": cycles[c],
                "step": np.full(len(f), step, dtype=object),
                "family": fam_codes[f],
                "month": cycles[c] + lag,
                "units": values.ravel(),
                "sku": np.full(len(f), "", dtype=object),
            }
        )
    ii, cc = np.nonzero(hist.item_rows)
    ii, cc, ll = np.repeat(ii, 3), np.repeat(cc, 3), np.tile(np.arange(3), len(cc))
    for step, values in (("statistical", hist.stat_item), ("consensus", hist.cons_item)):
        parts.append(
            {
                "cycle": cycles[cc],
                "step": np.full(len(ii), step, dtype=object),
                "family": fam_codes[fam_idx[ii]],
                "month": cycles[cc] + ll,
                "units": values[ii, cc, ll],
                "sku": skus[ii],
            }
        )
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    return _frame("forecast_history", cols)


# ----------------------------------------------------------------------------- writing


def _month_text(values: pd.Series) -> np.ndarray:
    """``YYYY-MM`` strings for a period[M] column, through a lookup of its distinct months."""
    ords = values.array.asi8
    lo, hi = int(ords.min()), int(ords.max())
    span = pd.PeriodIndex.from_ordinals(np.arange(lo, hi + 1), freq="M")
    labels = np.asarray(span.strftime("%Y-%m"), dtype=object)
    return np.asarray(labels[ords - lo])


def write_csv(frames: dict[str, pd.DataFrame], directory: Path) -> list[Path]:
    """Write the frames as import-ready CSV files, ``KIND.csv`` in ``directory``.

    UTF-8 without BOM, a header row, months as ``YYYY-MM``, dates as ``YYYY-MM-DD``, plain
    decimal point and no thousands separators; whole-number quantities are written as integers,
    money with two decimals, other numbers rounded to four decimals.

    Args:
        frames: ``{kind: frame}`` as returned by :func:`generate` (kinds of the contract only).
        directory: where to write; created if missing.

    Returns:
        The paths written, in the contract's order of kinds.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, kind in KINDS.items():
        if name not in frames:
            continue
        df = frames[name]
        out: dict[str, Any] = {}
        for col in kind.columns:
            s = df[col.name]
            if col.type == "month":
                out[col.name] = _month_text(s)
            elif col.type == "date":
                out[col.name] = s.dt.strftime("%Y-%m-%d").to_numpy(dtype=object)
            elif col.type == "money":
                out[col.name] = np.char.mod("%.2f", s.to_numpy(dtype="float64"))
            elif col.type == "number":
                v = s.to_numpy(dtype="float64")
                if np.all(np.isfinite(v)) and np.all(v == np.round(v)):
                    out[col.name] = v.astype("int64")
                else:
                    out[col.name] = np.round(v, 4)
            else:
                out[col.name] = s.to_numpy(dtype=object)
        path = directory / f"{name}.csv"
        pd.DataFrame(out).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        written.append(path)
    return written
