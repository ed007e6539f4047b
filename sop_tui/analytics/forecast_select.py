"""One series' forecast: the rolling-origin backtest, the combination and its intervals.

:func:`select` is the whole method for one series of monthly units:

- no demand at all: a forecast of zero, and the reason;
- no demand in the last twelve months (a dead item): zero, and the reason;
- under five months: naive (the last month), and the reason;
- intermittent or lumpy demand (Syntetos-Boylan): Croston, SBA or TSB, whichever backtests best;
- otherwise the mean of two models (the M3/M4 lesson: a mean of a few good models beats picking
  one): exponential smoothing of the form AICc chooses (:func:`forecast_models.ets_forms`),
  and the Dynamic Optimised Theta method (:mod:`forecast_theta`). A member whose forecast
  falls below half the smallest of the last twelve months of a series that sold every one of
  them is left out (the ETS form next in AICc order takes its place): a trend extrapolated
  into no demand is not a forecast a planner would sign. (A naive or seasonal-naive baseline
  that backtested better used to replace the mean; on the public sets of
  ``benchmarks/peer_statsforecast.py`` that cost accuracy, so the baselines are left to the
  FVA stair-step.)

The backtest is rolling-origin: up to three folds, three months apart, each forecasting the
plan's horizon from an earlier end of the history; the error shown is the chosen forecast's
WMAPE over all folds (Σ|F−A| / ΣA). The ETS form is chosen once, on the whole history; each
fold refits its weights and the Theta model. Prediction intervals come from the same backtest:
the chosen forecast's errors, scaled by the square root of the months ahead (a random walk's
growth), with normal quantiles; a series without a backtest gets the random walk's own
interval.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from sop_tui.analytics import forecast_intermittent as fi
from sop_tui.analytics import forecast_models as fm
from sop_tui.analytics import forecast_theta as ft

LEVELS = (80, 95)
_Z = {80: 1.2815515655446004, 95: 1.959963984540054}
#: Warnings kept per series (statsmodels can repeat one for every fit).
MAX_WARNINGS = 8
#: Months without demand after which an item is taken as dead and forecast zero.
DEAD_MONTHS = 12
#: A member forecasting below this share of the smallest of the last twelve months (of a series
#: with demand in each of them) is left out of the combination.
COLLAPSE_SHARE = 0.5

Bounds = dict[int, tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class FoldPlan:
    """Where the rolling-origin backtest cuts the history.

    Attributes:
        origins: training lengths, one per fold (each fold forecasts ``horizon`` months after).
        horizon: months forecast per fold (the plan's horizon unless the history is short).
        note: a sentence saying how the backtest was shortened, empty when it was not.
    """

    origins: tuple[int, ...]
    horizon: int
    note: str = ""


@dataclass
class Selection:
    """The outcome for one series: the model, its forecast, its intervals and how it was chosen.

    ``backtest_wmape`` is NaN when no backtest was possible or the backtest months had no
    demand; ``interval_source`` says where the bounds come from (``backtest``,
    ``random_walk``, ``empirical``, ``none``); ``note`` gives the reason for a simple method or
    a shortened backtest.
    """

    model: str
    mean: np.ndarray
    bounds: Bounds
    backtest_wmape: float
    n_obs: int
    folds: int
    fold_horizon: int
    demand_class: str
    interval_source: str
    warnings: list[str] = field(default_factory=list)
    note: str = ""


def plan_folds(n: int, horizon: int, folds: int = 3, step: int = 3) -> FoldPlan | None:
    """Choose the rolling-origin folds for a history of ``n`` months.

    The folds use the latest origins possible, ``step`` months apart, each forecasting the
    plan's horizon. When the history is short the fold horizon, the step and then the number of
    folds shrink (in that order) and the plan's ``note`` says so. The shortest training window
    is 24 months when the history allows (so seasonal models can take part), else half of it.

    Returns:
        The plan, or ``None`` when the history (under 5 months) is too short to backtest.
    """
    if n < 5:
        return None
    min_train = 2 * fm.SEASON if n >= 2 * fm.SEASON + 2 * step * (folds - 1) else max(4, n // 2)
    for k in range(folds, 0, -1):
        for st in (step, 1):
            fh = min(horizon, n - min_train - (k - 1) * st)
            if fh < 1:
                continue
            origins = tuple(n - fh - (k - 1 - i) * st for i in range(k))
            notes = []
            if fh < horizon:
                notes.append(f"fold horizon {fh} of {horizon} months")
            if k < folds:
                notes.append(f"{k} fold{'s' if k > 1 else ''} instead of {folds}")
            note = ("short history (" + ", ".join(notes) + ")") if notes else ""
            return FoldPlan(origins, fh, note)
    return None


# --------------------------------------------------------------------------------------------
# intervals and finishing


def _normal(mean: np.ndarray, sd: np.ndarray) -> Bounds:
    return {lv: (mean - _Z[lv] * sd, mean + _Z[lv] * sd) for lv in LEVELS}


def random_walk_bounds(y: np.ndarray, mean: np.ndarray) -> Bounds:
    """A random walk's interval: the RMS one-month change times the square root of months
    ahead (zero width for a single month of history)."""
    d = np.diff(y)
    sigma = float(np.sqrt(np.mean(d**2))) if d.size else 0.0
    return _normal(mean, sigma * np.sqrt(np.arange(1, mean.size + 1)))


def backtest_bounds(errors: list[np.ndarray], mean: np.ndarray) -> Bounds:
    """Normal bounds whose spread is the backtest's: the errors of month ``k`` ahead, divided
    by ``sqrt(k)``, pooled into one scale that grows again with ``sqrt(k)`` over the horizon."""
    scaled = [e / np.sqrt(np.arange(1, e.size + 1)) for e in errors]
    s = float(np.sqrt(np.mean(np.concatenate(scaled) ** 2)))
    return _normal(mean, s * np.sqrt(np.arange(1, mean.size + 1)))


def finalize(mean: np.ndarray, bounds: Bounds | None) -> tuple[np.ndarray, Bounds]:
    """Clip a forecast and its bounds at zero and make them nest.

    Nesting means ``lo95 <= lo80 <= mean <= hi80 <= hi95`` month by month; missing bounds
    (``None`` or non-finite values) collapse onto the mean.
    """
    mean = np.maximum(np.nan_to_num(np.asarray(mean, float), nan=0.0), 0.0)

    def _get(level: int, side: int) -> np.ndarray:
        if bounds is None or level not in bounds:
            return mean.copy()
        arr = np.asarray(bounds[level][side], float)
        return np.where(np.isfinite(arr), arr, mean)

    lo80 = np.minimum(np.maximum(_get(80, 0), 0.0), mean)
    lo95 = np.minimum(np.maximum(_get(95, 0), 0.0), lo80)
    hi80 = np.maximum(_get(80, 1), mean)
    hi95 = np.maximum(_get(95, 1), hi80)
    return mean, {80: (lo80, hi80), 95: (lo95, hi95)}


def _wmape(err: float, actual: float) -> float:
    if actual > 0:
        return err / actual
    return 0.0 if err == 0 else math.inf


# --------------------------------------------------------------------------------------------
# the two kinds of series


Paths = dict[str, np.ndarray]


def collapses(y: np.ndarray, path: np.ndarray) -> bool:
    """Whether ``path`` falls below :data:`COLLAPSE_SHARE` of the smallest of the last twelve
    months, for a series with demand in every one of them (else never)."""
    recent = y[-fm.SEASON:]
    if y.size < fm.SEASON or not np.all(recent > 0):
        return False
    return bool(np.min(path) < COLLAPSE_SHARE * float(np.min(recent)))


def _intermittent_paths(y: np.ndarray, h: int) -> Paths:
    return {name: np.full(h, fn(y)[1]) for name, fn in _INTERMITTENT.items()}


_INTERMITTENT: dict[str, Callable[[np.ndarray], tuple[np.ndarray, float]]] = {
    "croston": fi.croston_path,
    "sba": lambda y: fi.croston_path(y, debias=True),
    "tsb": fi.tsb_path,
}


def _backtest(y: np.ndarray, plan: FoldPlan, paths: Callable[[np.ndarray, int], Paths]
              ) -> tuple[dict[str, list[np.ndarray]], float]:
    """Each candidate's errors per fold (forecast − actual) and the folds' total demand."""
    errors: dict[str, list[np.ndarray]] = {}
    actual = 0.0
    for o in plan.origins:
        a = y[o : o + plan.horizon]
        actual += float(a.sum())
        for name, p in paths(y[:o], plan.horizon).items():
            errors.setdefault(name, []).append(np.maximum(p, 0.0) - a)
    return errors, actual


def _total(errs: list[np.ndarray]) -> float:
    return float(sum(np.abs(e).sum() for e in errs))


def _attempt(log: Callable[[str], None], what: str, fn: Callable[[], np.ndarray]
           ) -> np.ndarray | None:
    """``fn()``, or ``None`` with the reason logged when the model fails or is not finite."""
    try:
        path = fn()
    # statsmodels and SciPy raise a variety of errors on degenerate data: the member is dropped.
    except (ValueError, np.linalg.LinAlgError, ZeroDivisionError, FloatingPointError) as exc:
        log(f"{what}: {type(exc).__name__}: {exc}")
        return None
    return path if np.all(np.isfinite(path)) else None


@dataclass(frozen=True)
class _Fitted:
    """What the whole history's fit hands the backtest's folds: the ETS form and both members'
    parameters, where each fold's optimiser starts (a fold's history is most of the whole's,
    so its optimum is near; the fold still fits its own)."""

    ets: fm.EtsFit | None
    theta: np.ndarray | None


def _members(y: np.ndarray, h: int, log: Callable[[str], None]) -> tuple[_Fitted, Paths]:
    """The combination's members on history ``y``: the ETS form chosen by AICc (the next one
    when it collapses) and the Theta model (unless it collapses)."""
    out: Paths = {}
    ets = None
    for ranked in fm.ets_ranked(y, log):
        try:
            fit = fm.refined(ranked)
        # the ranking's fit is a fit too: a refinement that fails leaves it as it was
        except (ValueError, np.linalg.LinAlgError, ZeroDivisionError, FloatingPointError):
            fit = ranked
        path = _attempt(log, f"ets {fit.form}", partial(fit.forecast, h))
        if path is not None and not collapses(y, path):
            ets, out["ets"] = fit, path
            break
    theta_params = None
    try:
        theta, theta_fit = ft.dotm_forecast(y, h)
    except (ValueError, np.linalg.LinAlgError, ZeroDivisionError, FloatingPointError) as exc:
        log(f"theta: {type(exc).__name__}: {exc}")
    else:
        theta_params = theta_fit.params
        if np.all(np.isfinite(theta)) and not collapses(y, theta):
            out["theta"] = theta
    return _Fitted(ets, theta_params), out


def _fold_members(y: np.ndarray, h: int, fitted: _Fitted, log: Callable[[str], None]
                  ) -> Paths:
    """The members on a fold's history ``y``, each refitted on the fold's months alone: the
    ETS form chosen on the whole history (its non-seasonal twin when the fold has under two
    seasons), and the Theta model. (Reusing the whole history's weights would be faster, but
    its errors are those of a model that has seen the months it forecasts: the intervals came
    out too narrow, benchmarks/README.md.)"""
    out: Paths = {"naive": fm.naive(y, h)}
    if fitted.ets is not None:
        form = fitted.ets.form
        start: np.ndarray | None = fitted.ets.params
        if fm.is_seasonal(form) and y.size < 2 * fm.SEASON:
            form, start = fm.non_seasonal(form), None
        ets = _attempt(log, f"ets {form}",
                       lambda: fm.ets_fit(y, form, start, fm.FOLD_FACTR).forecast(h))
        out["ets"] = out["naive"] if ets is None else ets
    theta = _attempt(log, "theta",
                     lambda: ft.dotm_forecast(y, h, fitted.theta, ft.FOLD_FTOL)[0])
    out["theta"] = out["naive"] if theta is None else theta
    return out


def _select_regular(y: np.ndarray, h: int, plan: FoldPlan, log: Callable[[str], None]
                    ) -> tuple[str, np.ndarray, list[np.ndarray], float]:
    fitted, final = _members(y, h, log)
    if not final:
        final = {"naive": fm.naive(y, h)}
    errors, actual = _backtest(y, plan, lambda t, k: _fold_members(t, k, fitted, log))
    members = list(final)
    combo_err = [np.mean([errors[m][i] for m in members], axis=0)
                 for i in range(len(plan.origins))]
    form = fitted.ets.form if fitted.ets is not None else ""
    names = {"ets": f"ets_{form}", "theta": "theta", "naive": "naive"}
    name = "+".join(names[m] for m in members)
    name = f"combo({name})" if len(members) > 1 else name
    return name, np.mean([final[m] for m in members], axis=0), combo_err, actual


def _select_intermittent(y: np.ndarray, h: int, plan: FoldPlan
                         ) -> tuple[str, np.ndarray, list[np.ndarray], float]:
    errors, actual = _backtest(y, plan, _intermittent_paths)
    name = min(_INTERMITTENT, key=lambda k: _total(errors[k]))
    return name, _intermittent_paths(y, h)[name], errors[name], actual


def _empirical_bounds(y: np.ndarray, name: str, mean: np.ndarray) -> Bounds | None:
    """Intermittent demand: quantiles of the method's in-sample one-step errors."""
    fitted = _INTERMITTENT[name](y)[0]
    err = (y - fitted)[np.isfinite(fitted)]
    if err.size < 5:
        return None
    q = np.quantile(err, [0.025, 0.10, 0.90, 0.975])
    return {80: (mean + q[1], mean + q[2]), 95: (mean + q[0], mean + q[3])}


# --------------------------------------------------------------------------------------------
# one series


def select(y: np.ndarray, horizon: int) -> Selection:
    """Backtest, choose and forecast ``horizon`` months for one series.

    Args:
        y: monthly units, oldest first, gap months 0, leading zeros already trimmed.
        horizon: months to forecast (at least 1).

    Returns:
        The :class:`Selection`; never raises for any finite input (a model that fails is
        dropped and its error recorded in ``warnings``).
    """
    y = np.maximum(np.nan_to_num(np.asarray(y, float), nan=0.0), 0.0)
    n = y.size
    log: list[str] = []

    def note_warning(text: str) -> None:
        if text not in log and len(log) < MAX_WARNINGS:
            log.append(text)

    _, _, cls = fi.demand_class(y)
    if cls == "zero":
        mean, bounds = finalize(np.zeros(horizon), None)
        return Selection("zero", mean, bounds, math.nan, n, 0, 0, "zero", "none", log,
                         "no demand in the history: forecast 0")
    if n >= DEAD_MONTHS and not np.any(y[-DEAD_MONTHS:] > 0):
        mean, bounds = finalize(np.zeros(horizon), None)
        return Selection("zero", mean, bounds, math.nan, n, 0, 0, cls, "none", log,
                         f"no demand in the last {DEAD_MONTHS} months: forecast 0")
    plan = plan_folds(n, horizon)
    if plan is None:
        mean = fm.naive(y, horizon)
        mean, bounds = finalize(mean, random_walk_bounds(y, mean))
        why = f"history of {n} month{'s' if n > 1 else ''} too short to backtest: naive"
        return Selection("naive", mean, bounds, math.nan, n, 0, 0, cls, "random_walk", log, why)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if cls in ("intermittent", "lumpy"):
            name, mean, errs, actual = _select_intermittent(y, horizon, plan)
            raw = _empirical_bounds(y, name, mean)
            source = "empirical"
            if raw is None:
                raw, source = backtest_bounds(errs, mean), "backtest"
        else:
            name, mean, errs, actual = _select_regular(y, horizon, plan, note_warning)
            raw, source = backtest_bounds(errs, mean), "backtest"
    for w in caught:
        if not issubclass(w.category, ImportWarning):
            note_warning(f"{w.category.__name__}: {str(w.message).strip()}")
    if not np.all(np.isfinite(mean)):
        note_warning(f"{name}: non-finite forecast, naive used")
        name, mean = "naive", fm.naive(y, horizon)
        raw, source = random_walk_bounds(y, mean), "random_walk"
    mean, bounds = finalize(mean, raw)
    wm = _wmape(_total(errs), actual) if actual > 0 else math.nan
    return Selection(name, mean, bounds, wm, n, len(plan.origins), plan.horizon, cls, source,
                     log, plan.note)
