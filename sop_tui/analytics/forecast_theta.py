"""The Dynamic Optimised Theta method (Fiorucci, Pellegrini, Louzada, Petropoulos & Koehler,
2016): the Theta member of the combination in :mod:`sop_tui.analytics.forecast_select`.

statsmodels' ``ThetaModel`` is the standard Theta method (SES plus half of one OLS drift over
the whole history); the dynamic optimised form is not in it, and statsforecast, which has it,
requires pandas below 3. So it is written here, a few vectorised lines over NumPy and SciPy's
public ``lfilter`` and ``minimize``:

- the trend line is *dynamic*: ``A_t``, ``B_t`` are the OLS intercept and slope of the first
  ``t`` months, so a series whose direction changed follows its recent trend;
- the SES weight ``alpha``, the weight ``theta`` of the trend (1: plain SES, 2: the classic
  method) and the initial level are chosen together by least squares of the errors one to
  :data:`NMSE` months ahead from every month of the history (statsforecast's default is three;
  the plan looks 18 months ahead, and on the public sets six forecast better than one or three,
  see benchmarks/README.md);
- the forecast is recursive: each forecast month is taken as observed and the states (level,
  ``A``, ``B``) updated, as the model's own equations say.

The series is deseasonalised classically first (:func:`forecast_models.deseasonalise`), and the
season put back on the path. Pure: arrays in, arrays out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from scipy.optimize import minimize
from scipy.signal import lfilter

from sop_tui.analytics import forecast_models as fm

T = TypeVar("T", float, np.ndarray)

#: Bounds of the optimised parameters: the SES weight and the trend's weight theta.
ALPHA_BOUNDS = (0.01, 0.99)
THETA_BOUNDS: tuple[float, float | None] = (1.0, None)
#: Months ahead whose squared errors the fit averages.
NMSE = 6
#: L-BFGS-B's tolerance for a backtest fold's refit (an interval needs less precision).
FOLD_FTOL = 1e-5
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
    l0: float

    @property
    def params(self) -> np.ndarray:
        """``(alpha, theta, l0)`` as fitted (``l0`` scaled), a start for a related fit."""
        return np.array([self.alpha, self.theta, self.l0])

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


def _ols(t: T, sum_y: T, sum_ty: T) -> tuple[T, T]:
    """Intercept and slope of the OLS line through months ``1..t``, from the running sums
    ``Σ y`` and ``Σ t·y`` (scalars, or arrays of them)."""
    mean = sum_y / t
    # the line through one month has no slope (the bracket is 0 there; the divisor is kept off 0)
    slope = 6.0 / np.maximum(t * t - 1, 1.0) * (2.0 / t * sum_ty - (1 + t) * mean)
    return mean - (t + 1) / 2 * slope, slope


def running_trend(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``A_t`` and ``B_t`` for ``t = 1..n``: the OLS line of each prefix of ``y``."""
    t = np.arange(1, y.size + 1, dtype=float)
    return _ols(t, np.cumsum(y), np.cumsum(t * y))


def _levels(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The SES levels after each month, for parameters ``(alpha, theta, l0)``."""
    alpha, l0 = float(p[0]), float(p[2])
    out: np.ndarray = lfilter([alpha], [1.0, alpha - 1.0], y, zi=[(1 - alpha) * l0])[0]
    return out


@dataclass(frozen=True)
class Origins:
    """What the fit's objective needs of every origin that does not depend on the parameters:
    the months seen, the running sums and OLS line at each origin, and the constants of the
    line's update for each step ahead."""

    y: np.ndarray
    a: np.ndarray
    b: np.ndarray
    t: np.ndarray
    sum_y: np.ndarray
    sum_ty: np.ndarray
    k: int
    #: per step ahead after the first, over the origins kept: the month count ``t`` and the
    #: factors of :func:`_ols`'s update, ``6 / (t² - 1)``, ``2 / t``, ``1 + t``, ``1 / t``,
    #: ``(t + 1) / 2``, computed once as they do not depend on the parameters.
    steps: tuple[tuple[np.ndarray, ...], ...]

    @classmethod
    def of(cls, y: np.ndarray, k: int) -> Origins:
        a, b = running_trend(y)
        n = y.size
        t0 = np.arange(n, dtype=float)
        steps = []
        for i in range(1, k):
            t = t0[: n - i] + i
            # the line through one month (the first origin's first step) has no slope
            steps.append((t, 6.0 / np.maximum(t * t - 1, 1.0), 2.0 / t, 1 + t, 1 / t,
                          (t + 1) / 2))
        return cls(y, np.concatenate(([0.0], a[:-1])), np.concatenate(([0.0], b[:-1])), t0,
                   np.concatenate(([0.0], np.cumsum(y)[:-1])),
                   np.concatenate(([0.0], np.cumsum(np.arange(1, n + 1) * y)[:-1])), k,
                   tuple(steps))


def ahead_mse(p: np.ndarray, o: Origins) -> tuple[float, np.ndarray]:
    """The mean over ``i = 1..k`` of the mean squared error ``i`` months ahead (from every
    origin of the history whose month ``i`` ahead is in it), and its gradient in
    ``p = (alpha, theta, l0)``.

    The states at each origin (level, running sums, ``A``, ``B``) are arrays over all origins
    at once, and move forward a month at a time as :meth:`DotmFit.forecast` moves one origin;
    step ``i`` keeps only the origins whose month ``i`` ahead is in the history. Their
    derivatives ride along (forward mode, a ``(3, m)`` array each), so the optimiser gets the
    gradient with the value instead of three more evaluations for a finite difference.

    The level's derivatives start from the SES recursion: by ``l0`` the weight ``q^t`` it
    keeps, by ``alpha`` the filter ``D_t = y_t - l_{t-1} + q D_{t-1}``. ``test_forecast.py``
    holds the gradient to a finite-difference one.
    """
    alpha, theta = float(p[0]), float(p[1])
    w, dw_dtheta = 1 - 1 / theta, 1 / (theta * theta)
    q = 1 - alpha
    y, n = o.y, o.y.size
    level = np.concatenate(([float(p[2])], _levels(p, y)[:-1]))
    d_level = np.zeros((3, n))
    d_level[0, 1:] = lfilter([1.0], [1.0, -q], y - level)[:-1]
    q_t = q**o.t
    d_level[2] = q_t
    dq_t = -o.t * q ** np.maximum(o.t - 1, 0)  # d q^t / d alpha
    a_t, b_t, sum_y, sum_ty = o.a, o.b, o.sum_y, o.sum_ty
    da = db = d_sum_y = d_sum_ty = np.zeros((3, n))
    total, grad = 0.0, np.zeros(3)
    for i in range(o.k):
        r = (1 - q_t * q) / alpha
        dr = ((q_t - q * dq_t) * alpha - (1 - q_t * q)) / (alpha * alpha)
        g = q_t * a_t + r * b_t
        dg = q_t * da + r * db
        dg[0] += dq_t * a_t + dr * b_t
        f = level + w * g
        df = d_level + w * dg
        df[1] += dw_dtheta * g
        err = y[i:] - f
        total += float(err @ err) / err.size
        grad -= 2 * (df @ err) / err.size
        if i + 1 == o.k:
            break
        m = n - i - 1  # origins whose next month ahead is still in the history
        t, c6, c2, c1, inv, half = o.steps[i]
        f, df = f[:m], df[:, :m]
        dq_t = dq_t[:m] * q - q_t[:m]
        q_t = q_t[:m] * q
        sum_y, d_sum_y = sum_y[:m] + f, d_sum_y[:, :m] + df
        sum_ty, d_sum_ty = sum_ty[:m] + t * f, d_sum_ty[:, :m] + t * df
        new_d_level = alpha * df + q * d_level[:, :m]
        new_d_level[0] += f - level[:m]
        level, d_level = alpha * f + q * level[:m], new_d_level
        mean, d_mean = sum_y * inv, d_sum_y * inv
        b_t, db = c6 * (c2 * sum_ty - c1 * mean), c6 * (c2 * d_sum_ty - c1 * d_mean)
        a_t, da = mean - half * b_t, d_mean - half * db
    return total / o.k, grad / o.k


def dotm_fit(y: np.ndarray, start: np.ndarray | None = None, ftol: float | None = None
             ) -> DotmFit:
    """Fit the model on ``y`` (deseasonalised, at least two months).

    The series is scaled by its mean absolute value so the initial level's scale matches the
    weights' for the optimiser; the forecast scales back. ``start``: where the optimiser
    starts (a related fit's :attr:`DotmFit.params`, e.g. the whole history's for a backtest
    fold), else :data:`START` and the first month;
    ``ftol``: L-BFGS-B's relative tolerance (SciPy's default when ``None``).
    """
    y = np.asarray(y, float)
    scale = float(np.mean(np.abs(y))) or 1.0
    ys = y / scale
    origins = Origins.of(ys, max(1, min(NMSE, ys.size - 1)))
    x0 = np.array([START[0], START[1], ys[0]]) if start is None else np.asarray(start, float)
    res = minimize(ahead_mse, x0=x0, args=(origins,), method="L-BFGS-B", jac=True,
                   bounds=[ALPHA_BOUNDS, THETA_BOUNDS, (None, None)],
                   options={} if ftol is None else {"ftol": ftol})
    n, sum_y = ys.size, float(ys.sum())
    sum_ty = float(np.dot(np.arange(1, n + 1, dtype=float), ys))
    a, b = _ols(float(n), sum_y, sum_ty)
    return DotmFit(float(res.x[0]), float(res.x[1]), float(_levels(res.x, ys)[-1]), a, b, n,
                   sum_y, sum_ty, scale, float(res.x[2]))


def dotm_forecast(y: np.ndarray, h: int, start: np.ndarray | None = None,
                  ftol: float | None = None) -> tuple[np.ndarray, DotmFit]:
    """The ``h``-month forecast of ``y`` (deseasonalised, fitted, forecast, reseasoned) and the
    fit; ``start`` and ``ftol`` as :func:`dotm_fit`'s."""
    y = np.asarray(y, float)
    ds = fm.deseasonalise(y)
    fit = dotm_fit(ds.adjusted, start, ftol)
    return ds.reseason(fit.forecast(h), y.size), fit
