"""The backtest's fast paths give what the slow, full statsmodels route gives.

The backtest fits ETS for its parameters alone and extrapolates the final states itself, and
fits the Theta method with a least-squares SES: these tests pin both against statsmodels and
against hand-computed cases.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sop_tui.analytics import forecast_models as fm

SEASON_PATTERN = np.array([100, 120, 150, 200, 260, 300, 280, 240, 180, 140, 110, 90], float)


def _seasonal_series(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return SEASON_PATTERN[t % 12] * (1 + 0.01 * t) + rng.normal(0, 8, n)


@pytest.mark.parametrize("name", ["ses", "holt_damped", "ets_ana", "ets_aada", "ets_anm",
                                  "ets_aadm"])
@pytest.mark.parametrize("n", [24, 30])
def test_ets_point_forecast_equals_statsmodels_results_forecast(name, n):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    spec = {"ses": (None, False, None), "holt_damped": ("add", True, None),
            "ets_ana": (None, False, "add"), "ets_aada": ("add", True, "add"),
            "ets_anm": (None, False, "mul"), "ets_aadm": ("add", True, "mul")}[name]
    trend, damped, seasonal = spec
    y = _seasonal_series(n, seed=n)
    model = ETSModel(pd.Series(y), error="add", trend=trend, damped_trend=damped,
                     seasonal=seasonal, seasonal_periods=12 if seasonal else None,
                     initialization_method="heuristic")
    res = model.fit(disp=False)
    expected = np.asarray(res.forecast(14), float)
    got = fm._ets_point_forecast(model, res.params, 14)
    np.testing.assert_allclose(got, expected, rtol=1e-9)


@pytest.mark.parametrize("name", ["ses", "holt_damped", "ets_ana", "ets_aada", "ets_anm",
                                  "ets_aadm"])
@pytest.mark.parametrize("n", [24, 27, 30, 41])
def test_backtest_ets_fit_reaches_statsmodels_likelihood(name, n):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    spec = {"ses": (None, False, None), "holt_damped": ("add", True, None),
            "ets_ana": (None, False, "add"), "ets_aada": ("add", True, "add"),
            "ets_anm": (None, False, "mul"), "ets_aadm": ("add", True, "mul")}[name]
    trend, damped, seasonal = spec
    y = _seasonal_series(n, seed=100 + n)
    model = ETSModel(pd.Series(y), error="add", trend=trend, damped_trend=damped,
                     seasonal=seasonal, seasonal_periods=12 if seasonal else None,
                     initialization_method="heuristic")
    ref = model.fit(disp=False)
    # The memoised initial states are the heuristic's own.
    level, slope, season = fm._heuristic_init(y, seasonal)
    assert level == pytest.approx(model.initial_level, rel=1e-12)
    if trend:
        assert slope == pytest.approx(model.initial_trend, rel=1e-12)
    if seasonal:
        np.testing.assert_allclose(season, model.initial_seasonal, rtol=1e-12)
    # Our optimiser stops at a likelihood at least statsmodels' (to its tolerance), and the
    # backtest path forecasts what statsmodels' fit forecasts, to the optimiser's precision.
    params = fm._ets_fit_params(model)
    assert model.loglike(params) >= model.loglike(np.asarray(ref.params)) - 1e-6 * abs(ref.llf)
    fast = fm.BY_NAME[name].fit(y, 14, False).mean
    expected = np.asarray(ref.forecast(14), float)
    assert np.abs(fast - expected).max() <= 0.02 * np.abs(expected).mean()


def test_ses_fit_on_a_line_tracks_it_fully():
    # On y = 10 + 2t every lagging alpha leaves larger errors: alpha 1, level = last value,
    # one-step errors all 2 (sigma2 = 4).
    y = 10 + 2 * np.arange(12, dtype=float)
    alpha, level, sigma2 = fm.ses_fit(y)
    assert alpha == pytest.approx(1.0, abs=1e-4)
    assert level == pytest.approx(32.0, abs=1e-3)
    assert sigma2 == pytest.approx(4.0, rel=1e-3)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0, 1000), min_size=3, max_size=30))
# Two basins in alpha: a local search from the middle of [0, 1] found the worse one.
@example([0.0, 50.0, 75.0, 139.0, 0.0, 0.0, 0.0])
def test_ses_fit_alpha_is_least_squares(values):
    y = np.asarray(values, float)

    def sse(a: float) -> float:
        level, total = y[0], 0.0
        for v in y[1:]:
            total += (v - level) ** 2
            level += a * (v - level)
        return total

    alpha, _, _ = fm.ses_fit(y)
    assert 0.0 <= alpha <= 1.0
    best_on_grid = min(sse(a) for a in np.linspace(0, 1, 201))
    assert sse(alpha) <= best_on_grid * (1 + 1e-6) + 1e-6


def test_theta_on_a_line_is_ses_with_half_the_drift():
    # Non-seasonal (under two years): OLS drift 2, SES alpha 1 and level 32, so the Theta
    # forecast is 32 + 0.5 * 2 * k for k = 1, 2, ...
    y = 10 + 2 * np.arange(12, dtype=float)
    out = fm.theta(y, 4, True)
    np.testing.assert_allclose(out.mean, [33, 34, 35, 36], atol=1e-3)
    lo80, hi80 = out.bounds[80]
    lo95, hi95 = out.bounds[95]
    # sigma2 4, alpha 1: sd = 2 * sqrt(1 + (k-1)) = 2 sqrt(k).
    np.testing.assert_allclose(hi95 - out.mean, 1.959963984540054 * 2 * np.sqrt([1, 2, 3, 4]),
                               rtol=1e-3)
    assert np.all(lo95 < lo80) and np.all(hi80 < hi95)
    assert out.interval_source == "model"


def test_theta_backtest_path_equals_its_final_mean():
    y = _seasonal_series(30, seed=3)
    fast = fm.theta(y, 12, False)
    full = fm.theta(y, 12, True)
    np.testing.assert_array_equal(fast.mean, full.mean)
    # The seasonal shape survives deseasonalising and reseasonalising.
    assert np.argmax(fast.mean) == (5 - 30) % 12
