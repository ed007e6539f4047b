"""Candidate forecasting models, the rolling-origin backtest and model selection for one series.

Everything here works on plain ``numpy`` arrays of monthly units (oldest first, gap months = 0):
the caller (:mod:`sop_tui.analytics.forecast`) turns frames into arrays and back. Pure functions,
no I/O and no printing: warnings raised by statsmodels are captured per fit and returned as text.

Candidates (the name is what the result records):

- ``naive`` (last value), ``snaive`` (same month last year);
- ``ses`` (simple exponential smoothing), ``holt_damped`` (Holt, damped trend);
- ``ets_ana`` / ``ets_aada`` (ETS, additive seasonality, without / with damped trend) and
  ``ets_anm`` / ``ets_aadm`` (multiplicative seasonality), all ``ETSModel`` with additive error;
- ``theta`` (the Theta method as statsmodels' ``ThetaModel``, with a least-squares SES;
  deseasonalised when two years of history exist);
- ``sarima`` (one fixed cheap order, the airline model (0,1,1)(0,1,1,12), when three years of
  training history exist);
- ``croston`` and ``tsb`` for intermittent series (Syntetos-Boylan ADI/CV² rule);
- ``combo(a+b[+c])``: the mean of the best two or three, kept only if its backtest wins.

Selection is by backtest WMAPE, Σ|F−A| / ΣA over all folds; ties go to the simpler model (the
order above). Prediction intervals come from the model where statsmodels provides them (ETS,
Theta, SARIMA: ``interval_source="model"``), from the in-sample one-step residuals for the naive
methods (normal, widening with the horizon: ``"residual"``), from empirical quantiles of the
in-sample errors for Croston/TSB (``"empirical"``), and by averaging the members' bounds for a
combination (``"combined"``). Forecasts and bounds are clipped at zero and made to nest.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

METHOD_VERSION = "2"
"""Bump whenever a change would alter results, so cached forecasts are not reused."""

SEASON = 12
LEVELS = (80, 95)
_Z = {80: 1.2815515655446004, 95: 1.959963984540054}
CROSTON_ALPHA = 0.1
TSB_ALPHA = 0.1
TSB_BETA = 0.1
ADI_CUTOFF = 1.32
CV2_CUTOFF = 0.49

Bounds = dict[int, tuple[np.ndarray, np.ndarray]]


@dataclass
class ModelOutput:
    """A model's forecast: the mean path and, when asked for, the 80% and 95% bounds."""

    mean: np.ndarray
    bounds: Bounds | None = None
    interval_source: str = ""


FitFn = Callable[[np.ndarray, int, bool], ModelOutput]


@dataclass(frozen=True)
class Candidate:
    """A forecasting method that can enter the backtest.

    Attributes:
        name: what the result records as the model.
        fit: ``fit(y, h, want_intervals) -> ModelOutput``.
        min_obs: the shortest training history it is fitted on.
        positive: needs strictly positive history (multiplicative seasonality).
        intermittent: a method for intermittent demand only.
        regular: a method for regular (non-intermittent) demand.
    """

    name: str
    fit: FitFn
    min_obs: int
    positive: bool = False
    intermittent: bool = False
    regular: bool = True


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
    """The outcome for one series: the chosen model, its forecast and how it was chosen."""

    model: str
    output: ModelOutput
    backtest_wmape: float
    n_obs: int
    folds: int
    fold_horizon: int
    demand_class: str
    warnings: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    note: str = ""


# --------------------------------------------------------------------------------------------
# interval helpers


def _normal_bounds(mean: np.ndarray, sd: np.ndarray) -> Bounds:
    return {lv: (mean - _Z[lv] * sd, mean + _Z[lv] * sd) for lv in LEVELS}


def _frame_bounds(lower95: np.ndarray, upper95: np.ndarray, lower80: np.ndarray,
                  upper80: np.ndarray) -> Bounds:
    return {80: (np.asarray(lower80, float), np.asarray(upper80, float)),
            95: (np.asarray(lower95, float), np.asarray(upper95, float))}


def finalize(mean: np.ndarray, bounds: Bounds | None) -> tuple[np.ndarray, Bounds]:
    """Clip a forecast and its bounds at zero and make them nest.

    Nesting means ``lo95 <= lo80 <= mean <= hi80 <= hi95`` month by month; missing bounds
    (``None`` or non-finite values) collapse onto the mean.

    Args:
        mean: the forecast path.
        bounds: ``{80: (lo, hi), 95: (lo, hi)}`` or ``None``.

    Returns:
        The clipped mean and the nested, non-negative bounds.
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


# --------------------------------------------------------------------------------------------
# baselines


def naive(y: np.ndarray, h: int, want_intervals: bool = False) -> ModelOutput:
    """Naive forecast: the last value, for every month of the horizon.

    Intervals: a random walk's, ``sigma * sqrt(k)`` with ``sigma`` the RMS of the one-step
    differences.
    """
    mean = np.full(h, float(y[-1]))
    if not want_intervals:
        return ModelOutput(mean)
    d = np.diff(y)
    sigma = float(np.sqrt(np.mean(d**2))) if d.size else 0.0
    sd = sigma * np.sqrt(np.arange(1, h + 1))
    return ModelOutput(mean, _normal_bounds(mean, sd), "residual")


def seasonal_naive(y: np.ndarray, h: int, want_intervals: bool = False,
                   season: int = SEASON) -> ModelOutput:
    """Seasonal naive forecast: the value of the same month one season earlier, repeated.

    Intervals: ``sigma * sqrt(ceil(k / season))`` with ``sigma`` the RMS of the seasonal
    differences.
    """
    last = np.asarray(y[-season:], float)
    mean = np.array([last[i % season] for i in range(h)])
    if not want_intervals:
        return ModelOutput(mean)
    d = y[season:] - y[:-season]
    sigma = float(np.sqrt(np.mean(d**2))) if d.size else 0.0
    sd = sigma * np.sqrt(np.ceil(np.arange(1, h + 1) / season))
    return ModelOutput(mean, _normal_bounds(mean, sd), "residual")


# --------------------------------------------------------------------------------------------
# intermittent demand


def demand_class(y: np.ndarray) -> tuple[float, float, str]:
    """Syntetos-Boylan classification of a demand series.

    ADI is the average interval between non-zero months (months / non-zero months), CV² the
    squared coefficient of variation of the non-zero sizes.

    Returns:
        ``(adi, cv2, cls)`` with ``cls`` one of ``smooth``, ``erratic``, ``intermittent``,
        ``lumpy`` (or ``zero`` when there is no demand at all).
    """
    nz = y[y > 0]
    if nz.size == 0:
        return math.inf, 0.0, "zero"
    adi = y.size / nz.size
    cv2 = float((nz.std() / nz.mean()) ** 2) if nz.size > 1 else 0.0
    if adi > ADI_CUTOFF:
        return adi, cv2, "lumpy" if cv2 >= CV2_CUTOFF else "intermittent"
    return adi, cv2, "erratic" if cv2 >= CV2_CUTOFF else "smooth"


def croston_path(y: np.ndarray, alpha: float = CROSTON_ALPHA) -> tuple[np.ndarray, float]:
    """Croston's method (classic): smoothed size over smoothed interval.

    Size ``z`` and interval ``p`` start at the first non-zero demand and the months up to it
    (counted from the start of the series), and are updated only in months with demand.

    Returns:
        The one-step-ahead in-sample forecasts (NaN before the first demand) and the forecast.
    """
    fitted = np.full(y.size, np.nan)
    z = p = None
    q = 0
    for t, v in enumerate(y):
        if z is not None:
            fitted[t] = z / p
        q += 1
        if v > 0:
            if z is None:
                z, p = float(v), float(q)
            else:
                z += alpha * (v - z)
                p += alpha * (q - p)
            q = 0
    return fitted, (0.0 if z is None else z / p)


def tsb_path(y: np.ndarray, alpha: float = TSB_ALPHA,
             beta: float = TSB_BETA) -> tuple[np.ndarray, float]:
    """Teunter-Syntetos-Babai: smoothed demand probability times smoothed size.

    Unlike Croston it updates the probability every month, so a dying item's forecast decays.
    Starts from the share of months with demand and the mean non-zero size.

    Returns:
        The one-step-ahead in-sample forecasts and the forecast.
    """
    nz = y[y > 0]
    if nz.size == 0:
        return np.zeros(y.size), 0.0
    prob, size = nz.size / y.size, float(nz.mean())
    fitted = np.empty(y.size)
    for t, v in enumerate(y):
        fitted[t] = prob * size
        prob += beta * ((v > 0) - prob)
        if v > 0:
            size += alpha * (v - size)
    return fitted, prob * size


def _flat_empirical(fitted: np.ndarray, level_value: float, y: np.ndarray, h: int,
                    want_intervals: bool) -> ModelOutput:
    mean = np.full(h, level_value)
    if not want_intervals:
        return ModelOutput(mean)
    err = (y - fitted)[np.isfinite(fitted)]
    if err.size < 2:
        return ModelOutput(mean, None, "empirical")
    q = np.quantile(err, [0.025, 0.10, 0.90, 0.975])
    bounds = {80: (mean + q[1], mean + q[2]), 95: (mean + q[0], mean + q[3])}
    return ModelOutput(mean, bounds, "empirical")


def croston(y: np.ndarray, h: int, want_intervals: bool = False) -> ModelOutput:
    """Croston forecast (flat); intervals are empirical quantiles of the in-sample errors."""
    fitted, f = croston_path(y)
    return _flat_empirical(fitted, f, y, h, want_intervals)


def tsb(y: np.ndarray, h: int, want_intervals: bool = False) -> ModelOutput:
    """TSB forecast (flat); intervals are empirical quantiles of the in-sample errors."""
    fitted, f = tsb_path(y)
    return _flat_empirical(fitted, f, y, h, want_intervals)


# --------------------------------------------------------------------------------------------
# statsmodels families


def _ets_point_forecast(model: ETSModel, params: np.ndarray, h: int) -> np.ndarray:
    """The point forecast of a fitted ``ETSModel`` from its parameters alone.

    Runs statsmodels' own smoothing recursion once for the final states and extrapolates them
    as ``ETSResults.forecast`` does (identical to 1e-9 relative, see the tests): level plus the
    (damped) trend, plus or times the seasonal state of the same month a season back.
    """
    internal = model._internal_params(np.asarray(params, float))
    n, k = model.nobs, model._k_params_internal
    yhat = np.zeros(n)
    xhat = np.zeros((n, model._k_states_internal))
    model._smoothing_func(internal, np.asarray(model.endog, float), yhat, xhat,
                          np.zeros(k, dtype=np.int64), np.zeros(k))
    last = xhat[-1]
    steps = np.arange(1, h + 1)
    if model.has_trend:
        phi = internal[3]
        path = last[0] + np.cumsum(phi**steps) * last[1]
    else:
        path = np.full(h, last[0])
    if not model.has_seasonal:
        return path
    m = model.seasonal_periods
    # The internal seasonal states run newest first: s_n, s_{n-1}, ..., s_{n-m+1}.
    season = last[2 : 2 + m][::-1][(steps - 1) % m]
    return path * season if model.seasonal == "mul" else path + season


_INIT_CACHE: dict[tuple[str | None, bytes], tuple[float, float, np.ndarray | None]] = {}


def _heuristic_init(y: np.ndarray,
                    seasonal: str | None) -> tuple[float, float, np.ndarray | None]:
    """statsmodels' heuristic initial states (level, trend, seasonals) for ``y``, memoised.

    The heuristic reads only a prefix of the series (the first 10 months, or the first two to
    five whole seasons), and the backtest's folds share it: the three folds of one series, and
    the ETS variants of one seasonal type, get the same states, computed once.
    """
    from statsmodels.tsa.exponential_smoothing.initialization import _initialization_heuristic

    if seasonal:
        prefix = y[: SEASON * max(2, min(5, y.size // SEASON))]
    else:
        prefix = y[:10]
    key = (seasonal, np.ascontiguousarray(prefix, dtype=float).tobytes())
    hit = _INIT_CACHE.get(key)
    if hit is None:
        if len(_INIT_CACHE) > 512:
            _INIT_CACHE.clear()
        level, trend, season = _initialization_heuristic(
            np.asarray(prefix, float), trend="add", seasonal=seasonal,
            seasonal_periods=SEASON if seasonal else None)
        hit = (float(level), float(trend), None if season is None else np.asarray(season))
        _INIT_CACHE[key] = hit
    return hit


def _ets_fit_params(model: ETSModel) -> np.ndarray:
    """Maximum-likelihood smoothing parameters of an ``ETSModel`` with known initial states.

    The same problem as ``ETSModel.fit`` (its start values, bounds and reparametrisation,
    L-BFGS-B on the concentrated log-likelihood) without statsmodels' generic optimiser
    layers: the gradient is a forward difference computed here, which halves the cost of a
    fit. It stops where statsmodels would, to the optimiser's tolerance (the tests check the
    likelihood reached is at least statsmodels').

    Returns:
        The parameters in ``model.param_names`` order.
    """
    from scipy.optimize import fmin_l_bfgs_b

    start = model._convert_and_bound_start_params(model.start_params)
    bounds = model._setup_bounds()
    # The trend and seasonal weights are searched as beta / alpha and gamma / (1 - alpha), so
    # that the box bounds express the usual constraints (as statsmodels does).
    beta_star = "smoothing_trend" not in model.bounds
    gamma_star = "smoothing_seasonal" not in model.bounds
    if beta_star:
        start[1] /= start[0]
    if gamma_star:
        start[2] /= 1 - start[0]
    k = model._k_params_internal
    fixed = np.array([lo == hi for lo, hi in bounds], dtype=np.int64)
    fixed_values = np.array([lo if f else 0.0 for (lo, _), f in zip(bounds, fixed, strict=True)])
    free = np.flatnonzero(fixed == 0)
    free_bounds = [bounds[i] for i in free]
    upper = np.array([b[1] for b in free_bounds])
    data = np.asarray(model.endog, float)
    n = data.size
    yhat = np.zeros(n)
    xhat = np.zeros((n, model._k_states_internal))
    smooth = model._smoothing_func
    const = math.log(2 * math.pi) + 1

    def objective(x: np.ndarray) -> float:
        smooth(x, data, yhat, xhat, fixed, fixed_values, beta_star, gamma_star)
        r = data - yhat
        # -loglik / n of the additive-error model: (log(2 pi mean(r^2)) + 1) / 2.
        # np.log, not math.log: a perfect fit gives -inf (as in statsmodels), not an error.
        return 0.5 * (float(np.log(np.dot(r, r) / n)) + const)

    def with_gradient(x: np.ndarray) -> tuple[float, np.ndarray]:
        f0 = objective(x)
        grad = np.empty(x.size)
        for i in range(x.size):
            xi = x.copy()
            # Step inside the box: backwards at the upper bound.
            xi[i] = x[i] + (1e-8 if x[i] + 1e-8 <= upper[i] else -1e-8)
            grad[i] = (objective(xi) - f0) / (xi[i] - x[i])
        return f0, grad

    xopt, _, info = fmin_l_bfgs_b(with_gradient, start[free], bounds=free_bounds, maxiter=1000)
    if info["warnflag"]:
        # What statsmodels' fit says in this case; select() records it with the series.
        from statsmodels.tools.sm_exceptions import ConvergenceWarning

        warnings.warn("Maximum Likelihood optimization failed to converge: "
                      f"{info.get('task', '')}", ConvergenceWarning, stacklevel=2)
    fitted = np.where(fixed == 1, fixed_values, 0.0)
    fitted[free] = xopt
    if beta_star:
        fitted[1] *= fitted[0]
    if gamma_star:
        fitted[2] *= 1 - fitted[0]
    assert fitted.size == k
    return model._model_params(fitted)


def _ets(trend: str | None, damped: bool, seasonal: str | None) -> FitFn:
    def fit(y: np.ndarray, h: int, want_intervals: bool = False) -> ModelOutput:
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        # The heuristic initialisation is ~40x faster than estimating the initial states and
        # just as accurate on monthly demand; it needs 10 points (two seasons if seasonal).
        enough = y.size >= (2 * SEASON if seasonal else 10)
        spec = dict(error="add", trend=trend, damped_trend=damped, seasonal=seasonal,
                    seasonal_periods=SEASON if seasonal else None)
        if not want_intervals and enough:
            # The backtest needs only the mean path: the parameters (fitted by
            # _ets_fit_params, from memoised initial states) and the point forecast from the
            # final states skip statsmodels' results object (a smoothed-states frame and a
            # complex-step Hessian), which cost more than the optimisation itself.
            level, slope, season = _heuristic_init(np.asarray(y, float), seasonal)
            model = ETSModel(np.asarray(y, float), **spec, initialization_method="known",
                             initial_level=level, initial_trend=slope if trend else None,
                             initial_seasonal=None if season is None else season.copy())
            return ModelOutput(_ets_point_forecast(model, _ets_fit_params(model), h))
        # A RangeIndex Series, not an array: get_prediction needs an index on its results.
        model = ETSModel(pd.Series(np.asarray(y, float)), **spec,
                         initialization_method="heuristic" if enough else "estimated")
        if not want_intervals:
            params = model.fit(disp=False, return_params=True)
            return ModelOutput(_ets_point_forecast(model, params, h))
        res = model.fit(disp=False)
        # Exact intervals exist for additive models; multiplicative seasonality is simulated.
        method = "simulated" if seasonal == "mul" else None
        pred = res.get_prediction(start=y.size, end=y.size + h - 1, method=method,
                                  simulate_repetitions=500,
                                  rng=np.random.default_rng(0))
        f95 = pred.summary_frame(alpha=0.05)
        f80 = pred.summary_frame(alpha=0.20)
        bounds = _frame_bounds(f95["pi_lower"].to_numpy(), f95["pi_upper"].to_numpy(),
                               f80["pi_lower"].to_numpy(), f80["pi_upper"].to_numpy())
        return ModelOutput(np.asarray(f95["mean"], float), bounds, "model")

    return fit


def ses_fit(y: np.ndarray) -> tuple[float, float, float]:
    """Simple exponential smoothing from a known initial level ``y[0]``, alpha by least squares.

    This is the SES step of the Theta method. statsmodels' ``ThetaModel`` fits it as a
    state-space model whose optimiser often stops near alpha = 0 on short monthly series (a
    flat line through the first month) even where a far smaller sum of squares exists; a grid
    and a bounded scalar search on the sum of squared one-step errors find the least-squares
    alpha, at a tenth of the cost.

    Returns:
        ``(alpha, level, sigma2)``: the smoothing weight in [0, 1], the final level (the
        one-step forecast) and the mean squared one-step error.
    """
    from scipy.optimize import minimize_scalar

    y = np.asarray(y, float)

    def sse(alpha: float) -> float:
        level, total = y[0], 0.0
        for v in y[1:]:
            e = v - level
            total += e * e
            level += alpha * e
        return total

    # The sum of squares can have several local minima in alpha (intermittent or shifting
    # series): a coarse grid, evaluated for all alphas at once, picks the basin, and a bounded
    # scalar search refines within one grid step of it.
    grid = np.linspace(0.0, 1.0, 51)
    level_g, total_g = np.full(grid.size, y[0]), np.zeros(grid.size)
    for v in y[1:]:
        e = v - level_g
        total_g += e * e
        level_g += grid * e
    g = grid[int(np.argmin(total_g))]
    refined = minimize_scalar(sse, bounds=(max(0.0, g - 0.02), min(1.0, g + 0.02)),
                              method="bounded", options={"xatol": 1e-6})
    alpha = float(refined.x) if refined.fun <= total_g.min() else float(g)
    level = y[0]
    for v in y[1:]:
        level += alpha * (v - level)
    sigma2 = sse(alpha) / max(1, y.size - 1)
    return alpha, float(level), sigma2


def theta(y: np.ndarray, h: int, want_intervals: bool = False) -> ModelOutput:
    """Theta method (theta = 2), deseasonalised when two seasons of history exist.

    The steps of statsmodels' ``ThetaModel`` (OLS/SES estimation): its seasonality test and
    classical decomposition, the OLS drift ``b0``, SES of the adjusted series, then Hyndman &
    Billah's forecast ``0.5 * b0 * (k - 1 + 1/alpha - (1-alpha)^n / alpha) + SES level``,
    reseasonalised; the SES is :func:`ses_fit` (see there why). Intervals are the Theta
    model's, ``sigma^2 (1 + (k-1)(1 + (alpha-1)^2))`` with ``sigma^2`` the SES one-step error
    variance, scaled by the seasonal factor when the seasonality is multiplicative.
    """
    from statsmodels.tsa.forecasting.theta import ThetaModel

    seasonal = y.size >= 2 * SEASON
    model = ThetaModel(np.asarray(y, float), period=SEASON if seasonal else 1,
                       deseasonalize=seasonal)
    if model.deseasonalize and model.use_test:
        model._test_seasonality()
    yd, seas = model._deseasonalize_data()
    n = yd.size
    ct = np.column_stack([np.ones(n), np.arange(n, dtype=float)])
    b0 = float(np.linalg.lstsq(ct, yd, rcond=None)[0][1])
    alpha, one_step, sigma2 = ses_fit(yd)
    k = np.arange(h, dtype=float)
    steps = k + (1 / alpha - (1 - alpha) ** n / alpha if alpha > 0 else 0.0)
    mean = 0.5 * b0 * steps + one_step
    factor = np.ones(h)
    if model.deseasonalize and seas.shape[0]:
        season = seas[(n + np.arange(h)) % model.period]
        if model.method.startswith("mul"):
            mean, factor = mean * season, season
        else:
            mean = mean + season
    if not want_intervals:
        return ModelOutput(mean)
    sd = np.sqrt((1 + k * (1 + (alpha - 1) ** 2)) * sigma2) * factor
    return ModelOutput(mean, _normal_bounds(mean, sd), "model")


def sarima(y: np.ndarray, h: int, want_intervals: bool = False) -> ModelOutput:
    """Seasonal ARIMA with the airline order (0,1,1)(0,1,1,12): one fixed, cheap order."""
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    res = SARIMAX(np.asarray(y, float), order=(0, 1, 1),
                  seasonal_order=(0, 1, 1, SEASON)).fit(disp=False)
    fc = res.get_forecast(h)
    mean = np.asarray(fc.predicted_mean, float)
    if not want_intervals:
        return ModelOutput(mean)
    c95 = np.asarray(fc.conf_int(alpha=0.05), float)
    c80 = np.asarray(fc.conf_int(alpha=0.20), float)
    return ModelOutput(mean, _frame_bounds(c95[:, 0], c95[:, 1], c80[:, 0], c80[:, 1]), "model")


CANDIDATES: tuple[Candidate, ...] = (
    Candidate("naive", naive, 1, intermittent=True),
    Candidate("snaive", seasonal_naive, SEASON, intermittent=True),
    Candidate("ses", _ets(None, False, None), 4, intermittent=True),
    Candidate("holt_damped", _ets("add", True, None), 10),
    Candidate("ets_ana", _ets(None, False, "add"), 2 * SEASON),
    Candidate("ets_aada", _ets("add", True, "add"), 2 * SEASON),
    Candidate("ets_anm", _ets(None, False, "mul"), 2 * SEASON, positive=True),
    Candidate("ets_aadm", _ets("add", True, "mul"), 2 * SEASON, positive=True),
    Candidate("theta", theta, 6),
    Candidate("sarima", sarima, 3 * SEASON),
    Candidate("croston", croston, 3, intermittent=True, regular=False),
    Candidate("tsb", tsb, 3, intermittent=True, regular=False),
)
BY_NAME = {c.name: c for c in CANDIDATES}
SEASONAL_MODELS = frozenset({"snaive", "ets_ana", "ets_aada", "ets_anm", "ets_aadm", "theta",
                             "sarima"})


# --------------------------------------------------------------------------------------------
# backtest and selection


def plan_folds(n: int, horizon: int, folds: int = 3, step: int = 3) -> FoldPlan | None:
    """Choose the rolling-origin folds for a history of ``n`` months.

    The folds use the latest origins possible, ``step`` months apart, each forecasting the
    plan's horizon. When the history is short the fold horizon, the step and then the number of
    folds shrink (in that order) and the plan's ``note`` says so. The shortest training window
    is 24 months when the history allows (so seasonal models can take part), else half of it.

    Returns:
        The plan, or ``None`` when the history (under 5 months) is too short to backtest.
    """
    min_train = 2 * SEASON if n >= 2 * SEASON + 2 * step * (folds - 1) else max(4, n // 2)
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


def _run(cand: Candidate, y: np.ndarray, h: int, want_intervals: bool,
         log: list[str]) -> ModelOutput | None:
    """Fit one candidate, capturing its warnings; a failed fit is logged and returns None."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out = cand.fit(y, h, want_intervals)
        # One bad candidate must not sink the series (or a 300-series run): statsmodels raises
        # a variety of errors on degenerate data; the failure is recorded, the candidate dropped.
        except Exception as exc:  # noqa: BLE001
            log.append(f"{cand.name}: failed: {type(exc).__name__}: {exc}")
            out = None
    for w in caught:
        if issubclass(w.category, ImportWarning):
            # about the interpreter's import hooks (pygal installs one without find_spec),
            # raised here only if the fit's first use of a module imported it: not the model's
            continue
        msg = f"{cand.name}: {w.category.__name__}: {str(w.message).strip()}"
        if msg not in log:
            log.append(msg)
    if out is not None and not np.all(np.isfinite(out.mean)):
        log.append(f"{cand.name}: failed: non-finite forecast")
        return None
    return out


def eligible(y: np.ndarray, shortest_train: int, cls: str) -> list[Candidate]:
    """The candidates allowed for a series, given its shortest backtest training window."""
    intermittent = cls in ("intermittent", "lumpy")
    positive = bool(np.all(y > 0))
    out = []
    for c in CANDIDATES:
        if c.min_obs > shortest_train:
            continue
        if c.positive and not positive:
            continue
        if intermittent and not c.intermittent:
            continue
        if not intermittent and not c.regular:
            continue
        out.append(c)
    return out


def _wmape(abs_err: float, actual: float) -> float:
    if actual > 0:
        return abs_err / actual
    return 0.0 if abs_err == 0 else math.inf


def select(y: np.ndarray, horizon: int, *, combine: bool = True) -> Selection:
    """Backtest the eligible candidates on ``y`` and forecast ``horizon`` months with the best.

    Args:
        y: monthly units, oldest first, gap months 0, leading zeros already trimmed.
        horizon: months to forecast.
        combine: also try the mean of the best two and three.

    Returns:
        The selection; ``backtest_wmape`` is NaN when no backtest was possible (then the
        model is naive) or when the backtest months had no demand at all.
    """
    y = np.asarray(y, float)
    n = y.size
    log: list[str] = []
    _, _, cls = demand_class(y)
    if n == 0 or cls == "zero":
        out = ModelOutput(np.zeros(horizon), None, "none")
        return Selection("zero", out, math.nan, n, 0, 0, "zero", log)
    plan = plan_folds(n, horizon)
    if plan is None:
        out = _run(BY_NAME["naive"], y, horizon, True, log)
        assert out is not None  # naive cannot fail on a non-empty series
        note = f"history of {n} months too short to backtest: naive"
        return Selection("naive", out, math.nan, n, 0, 0, cls, log, note=note)

    fh = plan.horizon
    actual_total = float(sum(y[o:o + fh].sum() for o in plan.origins))
    fold_fc: dict[str, list[np.ndarray]] = {}
    for cand in eligible(y, min(plan.origins), cls):
        paths = []
        for o in plan.origins:
            out = _run(cand, y[:o], fh, False, log)
            if out is None:
                break
            paths.append(out.mean)
        else:
            fold_fc[cand.name] = paths

    def score(paths: list[np.ndarray]) -> float:
        pairs = zip(paths, plan.origins, strict=True)
        err = sum(float(np.abs(p - y[o : o + fh]).sum()) for p, o in pairs)
        return _wmape(err, actual_total)

    scores = {name: score(p) for name, p in fold_fc.items()}
    # Stable sort: ties go to the earlier (simpler) candidate.
    ranked = sorted(scores, key=lambda k: scores[k])
    best = ranked[0]
    members = [best]
    if combine and len(ranked) >= 2:
        for k in (2, 3):
            if len(ranked) < k:
                break
            group = ranked[:k]
            paths = [np.mean([fold_fc[g][i] for g in group], axis=0)
                     for i in range(len(plan.origins))]
            s = score(paths)
            name = "combo(" + "+".join(group) + ")"
            scores[name] = s
            if s < scores[best] - 1e-12:
                best, members = name, group

    outs = []
    for m in members:
        out = _run(BY_NAME[m], y, horizon, True, log)
        if out is None:
            # Fitted in the backtest but not on the full history: fall back to the baseline.
            log.append(f"{m}: final fit failed, naive used")
            out = _run(BY_NAME["naive"], y, horizon, True, log)
            assert out is not None
        outs.append(out)
    if len(outs) == 1:
        final = outs[0]
    else:
        mean = np.mean([o.mean for o in outs], axis=0)
        bounds: Bounds = {}
        for lv in LEVELS:
            los = [o.bounds[lv][0] if o.bounds else o.mean for o in outs]
            his = [o.bounds[lv][1] if o.bounds else o.mean for o in outs]
            bounds[lv] = (np.mean(los, axis=0), np.mean(his, axis=0))
        final = ModelOutput(mean, bounds, "combined")
    if final.bounds is None:
        # No interval from the method (too few errors): use the backtest RMSE, flat.
        errs = np.concatenate([fold_fc[best if best in fold_fc else members[0]][i]
                               - y[o:o + fh] for i, o in enumerate(plan.origins)])
        sd = np.full(horizon, float(np.sqrt(np.mean(errs**2))))
        final = ModelOutput(final.mean, _normal_bounds(final.mean, sd), "backtest")
    wm = scores[best] if actual_total > 0 else math.nan
    return Selection(best, final, wm, n, len(plan.origins), fh, cls, log, scores, plan.note)
