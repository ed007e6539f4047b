"""The Dynamic Optimised Theta method (Fiorucci, Pellegrini, Louzada, Petropoulos & Koehler,
2016): the Theta member of the combination in :mod:`sop_tui.analytics.forecast_select`.

statsmodels' ``ThetaModel`` is the standard Theta method (SES plus half of one OLS drift over
the whole history); the dynamic optimised form is not in it, and statsforecast, which has it,
requires pandas below 3. So it is written here, a few vectorised lines over NumPy and SciPy's
public ``lfilter`` and ``minimize``:

- the trend line is *dynamic*: ``A_t``, ``B_t`` are the OLS intercept and slope of the first
  ``t`` months, so a series whose direction changed follows its recent trend;
- the SES weight ``alpha``, the weight ``theta`` of the trend (1: plain SES, 2: the classic
  method) and the initial level are chosen together by least squares of the one-month-ahead
  errors, as the optimised Theta method does;
- the forecast is recursive: each forecast month is taken as observed and the states (level,
  ``A``, ``B``) updated, as the model's own equations say.

The series is deseasonalised classically first (:func:`forecast_models.deseasonalise`), and the
season put back on the path. Pure: arrays in, arrays out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.signal import lfilter

from sop_tui.analytics import forecast_models as fm

#: Bounds of the optimised parameters: the SES weight and the trend's weight theta.
ALPHA_BOUNDS = (0.01, 0.99)
THETA_BOUNDS = (1.0, 20.0)
#: Where the optimiser starts: the middle SES weight and the classic Theta method.
START = (0.5, 2.0)


@dataclass(frozen=True)
class DotmFit:
    """A fitted Dynamic Optimised Theta model on a deseasonalised series."""

    alpha: float
    theta: float
    level: float
    a: float
    b: float
    n: int
    sum_y: float
    sum_ty: float
    scale: float

    def forecast(self, h: int) -> np.ndarray:
        """The ``h``-month forecast (deseasonalised), each month fed back as observed."""
        alpha, w = self.alpha, 1 - 1 / self.theta
        level, a, b, t = self.level, self.a, self.b, self.n
        sum_y, sum_ty = self.sum_y, self.sum_ty
        out = np.empty(h)
        for i in range(h):
            f = level + w * ((1 - alpha) ** t * a + (1 - (1 - alpha) ** (t + 1)) / alpha * b)
            out[i] = f
            t += 1
            sum_y += f
            sum_ty += t * f
            level = alpha * f + (1 - alpha) * level
            a, b = _ols(t, sum_y, sum_ty)
        return out * self.scale


def _ols(t: float, sum_y: float, sum_ty: float) -> tuple[float, float]:
    """Intercept and slope of the OLS line through months ``1..t`` from two running sums."""
    mean = sum_y / t
    slope = 6.0 / (t * t - 1) * (2.0 / t * sum_ty - (1 + t) * mean) if t > 1 else 0.0
    return mean - (t + 1) / 2 * slope, slope


def running_trend(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``A_t`` and ``B_t`` for ``t = 1..n``: the OLS line of each prefix of ``y``."""
    t = np.arange(1, y.size + 1, dtype=float)
    mean = np.cumsum(y) / t
    sum_ty = np.cumsum(t * y)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = np.where(t > 1, 6.0 / (t * t - 1) * (2.0 / t * sum_ty - (1 + t) * mean), 0.0)
    return mean - (t + 1) / 2 * slope, slope


def _one_step(p: np.ndarray, y: np.ndarray, a: np.ndarray, b: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    """One-month-ahead fitted values and the levels, for parameters ``(alpha, theta, l0)``."""
    alpha, theta, l0 = float(p[0]), float(p[1]), float(p[2])
    levels = lfilter([alpha], [1.0, alpha - 1.0], y, zi=[(1 - alpha) * l0])[0]
    prev = np.concatenate(([l0], levels[:-1]))
    a_prev = np.concatenate(([0.0], a[:-1]))
    b_prev = np.concatenate(([0.0], b[:-1]))
    decay = (1 - alpha) ** np.arange(y.size, dtype=float)
    fitted = prev + (1 - 1 / theta) * (decay * a_prev + (1 - decay * (1 - alpha)) / alpha * b_prev)
    return fitted, levels


def dotm_fit(y: np.ndarray) -> DotmFit:
    """Fit the model on ``y`` (deseasonalised, at least two months).

    The series is scaled by its mean absolute value so the initial level's scale matches the
    weights' for the optimiser; the forecast scales back.
    """
    y = np.asarray(y, float)
    scale = float(np.mean(np.abs(y))) or 1.0
    ys = y / scale
    a, b = running_trend(ys)

    def mse(p: np.ndarray) -> float:
        return float(np.mean((ys - _one_step(p, ys, a, b)[0]) ** 2))

    res = minimize(mse, x0=np.array([START[0], START[1], ys[0]]), method="L-BFGS-B",
                   bounds=[ALPHA_BOUNDS, THETA_BOUNDS, (None, None)])
    levels = _one_step(res.x, ys, a, b)[1]
    t = np.arange(1, ys.size + 1, dtype=float)
    return DotmFit(float(res.x[0]), float(res.x[1]), float(levels[-1]), float(a[-1]),
                   float(b[-1]), ys.size, float(ys.sum()), float(np.dot(t, ys)), scale)


def dotm_forecast(y: np.ndarray, h: int) -> np.ndarray:
    """The ``h``-month forecast of ``y``: deseasonalised, fitted, forecast, reseasoned."""
    ds = fm.deseasonalise(np.asarray(y, float))
    return ds.reseason(dotm_fit(ds.adjusted).forecast(h), y.size)
