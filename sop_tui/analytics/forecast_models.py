"""The forecasting models one series can be given, through statsmodels' public API.

Everything here works on plain ``numpy`` arrays of monthly units (oldest first, gap months 0)
and returns plain arrays; :mod:`sop_tui.analytics.forecast_select` backtests and combines them.

- ``ets``: exponential smoothing (``ETSModel(...).fit()``), its form — error, damped trend or
  none, seasonality, additive or multiplicative — chosen by BIC among the forms the history
  allows (seasonal forms only when :func:`seasonal_test` finds a season, multiplicative ones
  only for positive data); statsmodels' heuristic initial
  states (the Hyndman et al. start values), which on monthly demand forecast as well as
  estimated ones at a fifth of the cost;
- ``theta``: the Theta method (Assimakopoulos & Nikolopoulos; Hyndman & Billah's form, as
  ``statsmodels.tsa.forecasting.theta`` computes it) on the classically deseasonalised series:
  SES (``ETSModel``'s ANN form, started like the ETS forms) plus ``(1 - 1/θ)`` of the OLS drift; the
  weight ``θ`` is a free choice that :mod:`forecast_select` makes by backtest (the optimised
  Theta method's idea);
- ``naive`` and ``snaive``: the baselines every step of the FVA stair-step is judged against.

Pure: no I/O, no printing; warnings are left to the caller, which records them per series.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.seasonal import seasonal_decompose
from statsmodels.tsa.stattools import acf

SEASON = 12
#: The chi-squared(1) 90% critical value of the seasonality test (1.645²).
SEASONAL_CRITICAL = 2.705543454095404
#: The Theta weights the backtest chooses among (2 is the classic method; 1 is plain SES).
THETAS = (1.0, 1.5, 2.0, 2.5, 3.0)

#: ETS forms by name: error, trend, damped, seasonality.
ETS_FORMS: dict[str, tuple[str, str | None, bool, str | None]] = {
    "ANN": ("add", None, False, None),
    "AAN": ("add", "add", False, None),
    "AAdN": ("add", "add", True, None),
    "MNN": ("mul", None, False, None),
    "MAdN": ("mul", "add", True, None),
    "ANA": ("add", None, False, "add"),
    "AAA": ("add", "add", False, "add"),
    "AAdA": ("add", "add", True, "add"),
    "MNM": ("mul", None, False, "mul"),
    "MAdM": ("mul", "add", True, "mul"),
    "MAM": ("mul", "add", False, "mul"),
}


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
    Theta method does.
    """
    if not seasonal_test(y):
        return Deseasonalised(y, None, False)
    mult = bool(np.all(y > 0))
    res = seasonal_decompose(y, model="multiplicative" if mult else "additive", period=SEASON)
    idx = np.asarray(res.seasonal[:SEASON], float)
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


def ets_forms(y: np.ndarray, seasonal: bool) -> list[str]:
    """The ETS forms a history allows: seasonal ones with a season (and two seasons of
    history), multiplicative ones only for strictly positive data."""
    positive = bool(np.all(y > 0))
    forms = ["ANN", "AAdN", "AAN"] + (["MNN", "MAdN"] if positive else [])
    if seasonal and y.size >= 2 * SEASON:
        forms += ["ANA", "AAdA", "AAA"] + (["MNM", "MAdM", "MAM"] if positive else [])
    return forms


def ets_model(y: np.ndarray, form: str) -> ETSModel:
    """An unfitted ``ETSModel`` of ``form`` on ``y``.

    Heuristic initial states need ten points (two seasons for a seasonal form); a shorter
    history estimates them with the smoothing weights.
    """
    error, trend, damped, seasonal = ETS_FORMS[form]
    enough = y.size >= (2 * SEASON if seasonal else 10)
    return ETSModel(np.asarray(y, float), error=error, trend=trend, damped_trend=damped,
                    seasonal=seasonal, seasonal_periods=SEASON if seasonal else None,
                    initialization_method="heuristic" if enough else "estimated")


def ets_forecast(y: np.ndarray, form: str, h: int) -> tuple[np.ndarray, float]:
    """Fit ``form`` on ``y``; the ``h``-month forecast and the fit's BIC."""
    res = ets_model(y, form).fit(disp=False)
    return np.asarray(res.forecast(h), float), float(res.bic)


def ets_auto(y: np.ndarray, h: int, *, seasonal: bool,
             log: Callable[[str], None]) -> tuple[str, np.ndarray] | None:
    """The form of least BIC among :func:`ets_forms` and its forecast (``None`` if none fit).

    A form whose fit fails or forecasts non-finite values is left out and ``log`` told why.
    """
    best: tuple[float, str, np.ndarray] | None = None
    for form in ets_forms(y, seasonal):
        try:
            path, bic = ets_forecast(y, form, h)
        # statsmodels raises a variety of errors on degenerate data (a constant series, a
        # multiplicative form near zero): the form is dropped, the others go on.
        except (ValueError, np.linalg.LinAlgError, ZeroDivisionError, FloatingPointError) as exc:
            log(f"ets {form}: {type(exc).__name__}: {exc}")
            continue
        if not (np.isfinite(bic) and np.all(np.isfinite(path))):
            continue
        if best is None or bic < best[0]:
            best = (bic, form, path)
    return None if best is None else (best[1], best[2])


# --------------------------------------------------------------------------------------------
# theta


@dataclass(frozen=True)
class ThetaFit:
    """What a Theta forecast for any weight needs: SES path, drift term and the season."""

    ses: np.ndarray
    drift: np.ndarray
    season: Deseasonalised
    start: int

    def forecast(self, theta: float) -> np.ndarray:
        """The Theta forecast for weight ``theta`` (>= 1)."""
        return self.season.reseason(self.ses + (1 - 1 / theta) * self.drift, self.start)


def theta_fit(y: np.ndarray, h: int) -> ThetaFit:
    """Fit the Theta method's parts on ``y`` for an ``h``-month forecast.

    As ``ThetaModelResults.forecast_components``: ``b0`` the OLS slope of the adjusted series,
    ``alpha`` the SES weight, drift ``b0 * (k + 1/alpha - (1-alpha)^n / alpha)`` for
    ``k = 0..h-1``. The SES is ``ETSModel``'s ANN form by maximum likelihood, with the
    heuristic initial level the ETS forms use (``ThetaModel`` starts its SES at the first
    month, which on short monthly series often stops at a weight near zero; an estimated
    initial level forecast no better on the public sets at twice the cost).
    """
    ds = deseasonalise(np.asarray(y, float))
    ya = ds.adjusted
    n = ya.size
    b0 = float(np.polyfit(np.arange(n, dtype=float), ya, 1)[0]) if n > 1 else 0.0
    res = ets_model(ya, "ANN").fit(disp=False)
    alpha = max(float(res.params[0]), 1e-6)
    k = np.arange(h, dtype=float)
    drift = b0 * (k + 1 / alpha - (1 - alpha) ** n / alpha)
    return ThetaFit(np.asarray(res.forecast(h), float), drift, ds, n)
