"""The forecasting models one series can be given, through statsmodels' public API.

Everything here works on plain ``numpy`` arrays of monthly units (oldest first, gap months 0)
and returns plain arrays; :mod:`sop_tui.analytics.forecast_select` backtests and combines them.

- ``ets``: exponential smoothing (``ETSModel``), its form — error, trend (none, additive or
  damped), seasonality (none, additive, multiplicative) — chosen by AICc among the forms the
  history allows (:func:`ets_forms`: fifteen, ten for strictly positive data; seasonal ones
  with two seasons of history); statsmodels' heuristic initial states (the Hyndman et al.
  start values), which on the public sets forecast better than estimated ones, at a fraction
  of the cost (benchmarks/README.md). Every form is fitted for its parameters only
  (``fit(return_params=True)``, scored with ``loglike``), and the forecast is computed from
  the states ``smooth(return_raw=True)`` runs: no results object, with its covariance matrix,
  is built;
- ``naive`` and ``snaive``: the baselines every step of the FVA stair-step is judged against.

The Theta member of the combination is :mod:`sop_tui.analytics.forecast_theta`.

Pure: no I/O, no printing; warnings are left to the caller, which records them per series.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from statsmodels.tools.eval_measures import aicc
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.seasonal import seasonal_decompose
from statsmodels.tsa.stattools import acf

SEASON = 12
#: The smallest multiplicative seasonal index taken as such (see :func:`deseasonalise`).
MIN_INDEX = 0.01
#: The chi-squared(1) 90% critical value of the seasonality test (1.645²).
SEASONAL_CRITICAL = 2.705543454095404

#: ETS forms by name: error, trend, damped, seasonality.
ETS_FORMS: dict[str, tuple[str, str | None, bool, str | None]] = {
    "ANN": ("add", None, False, None),
    "AAN": ("add", "add", False, None),
    "AAdN": ("add", "add", True, None),
    "MNN": ("mul", None, False, None),
    "MAN": ("mul", "add", False, None),
    "MAdN": ("mul", "add", True, None),
    "ANA": ("add", None, False, "add"),
    "AAA": ("add", "add", False, "add"),
    "AAdA": ("add", "add", True, "add"),
    "MNA": ("mul", None, False, "add"),
    "MAA": ("mul", "add", False, "add"),
    "MAdA": ("mul", "add", True, "add"),
    "MNM": ("mul", None, False, "mul"),
    "MAM": ("mul", "add", False, "mul"),
    "MAdM": ("mul", "add", True, "mul"),
}
#: Stopping factors of the fits that rank the forms and of a backtest fold's refit: looser,
#: as a rank or an interval needs less precision than the forecast (benchmarks/README.md).
RANK_FACTR = 1e12
FOLD_FACTR = 1e12
#: Forms not fitted to strictly positive data (see :func:`ets_forms`).
POSITIVE_LEFT_OUT = frozenset({"ANN", "AAdN", "AAdA", "MAA", "MAdA"})
#: L-BFGS-B's stopping factor for the ETS fit that forecasts: looser than SciPy's default 1e7
#: that statsmodels passes, at log-likelihoods that differ only in the second decimal.
ETS_FACTR = 1e10


@dataclass(frozen=True)
class Deseasonalised:
    """A series with its classical seasonal indices removed (or the series itself).

    Attributes:
        adjusted: the seasonally adjusted series.
        indices: the ``SEASON`` seasonal indices, aligned so ``indices[t % SEASON]`` belongs
            to month ``t`` of the series; ``None`` when no seasonality was found.
        multiplicative: whether the indices divide (positive series) or subtract.
    """

    adjusted: np.ndarray
    indices: np.ndarray | None
    multiplicative: bool

    def reseason(self, path: np.ndarray, start: int) -> np.ndarray:
        """Put the season back on ``path``, whose first value is month ``start``."""
        if self.indices is None:
            return path
        s = self.indices[(start + np.arange(path.size)) % SEASON]
        out: np.ndarray = path * s if self.multiplicative else path + s
        return out


def seasonal_test(y: np.ndarray, season: int = SEASON) -> bool:
    """Whether ``y`` has a season: the 90% test on the autocorrelation at lag ``season``.

    The test ``statsmodels.tsa.forecasting.theta.ThetaModel`` applies: ``r_m`` is significant
    when ``n r_m² / Σ_{i<m} r_i²`` (``r_0 = 1``) exceeds the chi-squared(1) 90% value. It is
    more willing than the M3 Theta test's ``n r_m² / (1 + 2 Σ_{0<i<m} r_i²)``, which misses
    the season of a trending series with three years of history. Needs two seasons.
    """
    n = y.size
    if n < 2 * season or float(np.std(y)) == 0.0:
        return False
    r = acf(y, nlags=season, fft=True)
    return bool(n * r[season] ** 2 / np.sum(r[:season] ** 2) > SEASONAL_CRITICAL)


def deseasonalise(y: np.ndarray) -> Deseasonalised:
    """Classical decomposition (multiplicative for positive data) when the test finds a season.

    ``statsmodels.tsa.seasonal.seasonal_decompose`` with a centred 2x12 moving average, as the
    Theta method does. A multiplicative index under 1% (a month that all but stops) would
    divide the series into spikes: such a season is taken as additive.
    """
    if not seasonal_test(y):
        return Deseasonalised(y, None, False)
    mult = bool(np.all(y > 0))
    idx = np.asarray(seasonal_decompose(y, model="multiplicative" if mult else "additive",
                                        period=SEASON).seasonal[:SEASON], float)
    if mult and np.any(idx < MIN_INDEX):
        mult = False
        idx = np.asarray(seasonal_decompose(y, model="additive", period=SEASON)
                         .seasonal[:SEASON], float)
    s = idx[np.arange(y.size) % SEASON]
    return Deseasonalised(y / s if mult else y - s, idx, mult)


# --------------------------------------------------------------------------------------------
# baselines


def naive(y: np.ndarray, h: int) -> np.ndarray:
    """The last value, for every month of the horizon."""
    return np.full(h, float(y[-1]))


def seasonal_naive(y: np.ndarray, h: int, season: int = SEASON) -> np.ndarray:
    """The same month one season earlier, repeated (the last value when under a season)."""
    if y.size < season:
        return naive(y, h)
    last = np.asarray(y[-season:], float)
    return last[np.arange(h) % season]


# --------------------------------------------------------------------------------------------
# exponential smoothing


def ets_forms(y: np.ndarray) -> list[str]:
    """The ETS forms a history allows: seasonal ones with two seasons of history,
    multiplicative ones (error or season) only for strictly positive data.

    For strictly positive data ten of the fifteen are fitted: the level-only and damped forms
    with multiplicative errors only (not ANN, AAdN, AAdA), the additive season with a trend
    with additive errors only (not MAA, MAdA). On the public sets those five, when chosen,
    forecast no better than their twins, and fitting them costs time (benchmarks/README.md).
    """
    positive = bool(np.all(y > 0))
    seasonal = y.size >= 2 * SEASON
    return [f for f, (error, _, _, season) in ETS_FORMS.items()
            if (season is None or seasonal)
            and (positive or (error == "add" and season != "mul"))
            and not (positive and f in POSITIVE_LEFT_OUT)]


def is_seasonal(form: str) -> bool:
    """Whether the ETS ``form`` has a seasonal component."""
    return ETS_FORMS[form][3] is not None


def non_seasonal(form: str) -> str:
    """The ETS form with the same error and trend and no season (``MAdM`` -> ``MAdN``)."""
    return form[:-1] + "N"


#: Initial states by their shape (trend or not, seasonality), as ``ETSModel`` keywords.
Initials = dict[tuple[bool, str | None], dict[str, Any]]


def ets_model(y: np.ndarray, form: str, initials: Initials | None = None) -> ETSModel:
    """An unfitted ``ETSModel`` of ``form`` on ``y``.

    Heuristic initial states need ten points (two seasons for a seasonal form); a shorter
    history estimates them with the smoothing weights (a seasonal form still needs two
    seasons: statsmodels refuses it, and the caller drops the form). The heuristic depends on
    the history, the trend and the seasonality only, so forms of one shape share it: given
    ``initials``, the states are computed once per shape there (statsmodels' heuristic, read
    from the model's ``initial_*`` attributes) and handed to the other forms as known ones,
    which fit identically (tested) and skip the heuristic's work.
    """
    error, trend, damped, seasonal = ETS_FORMS[form]
    y = np.asarray(y, float)
    periods = SEASON if seasonal else None
    if y.size < (2 * SEASON if seasonal else 10):
        return ETSModel(y, error=error, trend=trend, damped_trend=damped, seasonal=seasonal,
                        seasonal_periods=periods, initialization_method="estimated")
    shape = (trend is not None, seasonal)
    if initials is not None and shape in initials:
        return ETSModel(y, error=error, trend=trend, damped_trend=damped, seasonal=seasonal,
                        seasonal_periods=periods, initialization_method="known",
                        **initials[shape])
    model = ETSModel(y, error=error, trend=trend, damped_trend=damped, seasonal=seasonal,
                     seasonal_periods=periods, initialization_method="heuristic")
    if initials is not None:
        known = {"initial_level": model.initial_level}
        if trend is not None:
            known["initial_trend"] = model.initial_trend
        if seasonal is not None:
            known["initial_seasonal"] = model.initial_seasonal
        initials[shape] = known
    return model


@dataclass(frozen=True)
class EtsFit:
    """One ETS form fitted for its parameters: what choosing and forecasting it needs."""

    form: str
    model: ETSModel
    params: np.ndarray
    aicc: float

    def forecast(self, h: int) -> np.ndarray:
        """The ``h``-month point forecast, from the states after the last month.

        ``ETSModel.smooth(params, return_raw=True)`` runs the states; the forecast is the ETS
        point forecast (level, plus the trend's ``h`` or damped ``φ + … + φ^h`` steps, with
        the season of the same month a year earlier added or multiplied), which is what
        ``ETSResults.forecast`` computes (``test_forecast.py`` holds them equal for every
        form) without building the results object and its covariance matrix.
        """
        model, params = self.model, self.params
        states = np.asarray(model.smooth(params, return_raw=True)[1], float)
        k = np.arange(1, h + 1, dtype=float)
        path = np.full(h, states[-1, 0])
        if model.trend is not None:
            steps = k
            if model.damped_trend:
                phi = float(params[list(model.param_names).index("damping_trend")])
                steps = np.cumsum(phi**k)
            path = path + steps * states[-1, 1]
        if model.seasonal is not None:
            season = states[-SEASON:, -1][np.arange(h) % SEASON]
            path = path * season if model.seasonal == "mul" else path + season
        return path


def ets_fit(y: np.ndarray, form: str, start: np.ndarray | None = None,
            factr: float = ETS_FACTR, initials: Initials | None = None) -> EtsFit:
    """Fit ``form`` on ``y`` for its parameters and score it by AICc.

    The AICc is statsmodels' own (``ETSResults.aicc``): the log-likelihood at the fitted
    parameters, the parameters plus the scale counted, the history's length. ``start``: the
    optimiser's starting parameters (a longer history's fit of the same form), else
    statsmodels' own. ``factr``: L-BFGS-B's stopping factor; ``initials`` as
    :func:`ets_model`'s.
    """
    model = ets_model(y, form, initials)
    return _fitted(model, form, y.size, start, factr)


def _fitted(model: ETSModel, form: str, n: int, start: np.ndarray | None, factr: float
            ) -> EtsFit:
    # A start from a model whose initial states were estimated (or were not) has another
    # length: statsmodels' own start is used then.
    if start is not None and len(start) != len(model.param_names):
        start = None
    params = np.asarray(model.fit(start_params=start, disp=False, return_params=True,
                                  factr=factr), float)
    llf = float(model.loglike(params))
    return EtsFit(form, model, params, float(aicc(llf, n, params.size + 1)))


def ets_ranked(y: np.ndarray, log: Callable[[str], None]) -> list[EtsFit]:
    """Every form of :func:`ets_forms` that fits, best (least AICc) first.

    The forms are fitted to rank them, with :data:`RANK_FACTR`: the one chosen is fitted again
    from there (:func:`refined`).

    A form whose fit fails is left out and ``log`` told why; one whose AICc is not finite
    (too few months for its parameters) is left out.
    """
    fits = []
    initials: Initials = {}
    for form in ets_forms(y):
        try:
            fit = ets_fit(y, form, factr=RANK_FACTR, initials=initials)
        # statsmodels raises a variety of errors on degenerate data (a constant series, a
        # multiplicative form near zero): the form is dropped, the others go on.
        except (ValueError, np.linalg.LinAlgError, ZeroDivisionError, FloatingPointError) as exc:
            log(f"ets {form}: {type(exc).__name__}: {exc}")
            continue
        if np.isfinite(fit.aicc):
            fits.append(fit)
    return sorted(fits, key=lambda f: f.aicc)


def refined(fit: EtsFit) -> EtsFit:
    """``fit``'s model fitted to :data:`ETS_FACTR`'s precision, from ``fit``'s parameters."""
    return _fitted(fit.model, fit.form, fit.model.nobs, fit.params, ETS_FACTR)
