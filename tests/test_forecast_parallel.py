"""The forecast runner across worker processes gives what it gives in-process."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sop_tui.analytics import forecast as fc


@pytest.mark.slow
def test_pool_matches_in_process_and_reports_progress():
    rng = np.random.default_rng(7)
    months = pd.period_range("2023-01", periods=30, freq="M")
    hist = pd.concat(
        [
            pd.DataFrame(
                {
                    "key": f"F{i}",
                    "month": months,
                    "units": 100 + 30 * np.sin(np.arange(30) * np.pi / 6) + rng.normal(0, 5, 30),
                }
            )
            for i in range(6)
        ],
        ignore_index=True,
    )
    calls: list[tuple[int, int]] = []
    pooled = fc.forecast_many(hist, 6, workers=2, progress=lambda d, t: calls.append((d, t)))
    local = fc.forecast_many(hist, 6, workers=1)
    pd.testing.assert_frame_equal(pooled.forecast, local.forecast)
    pd.testing.assert_frame_equal(pooled.models, local.models)
    assert calls[-1] == (6, 6) and len(calls) >= 2


def test_an_import_warning_during_a_fit_is_not_the_models() -> None:
    import warnings

    from sop_tui.analytics.forecast_models import Candidate, _run

    def fit(y, h, want_intervals):  # type: ignore[no-untyped-def]
        warnings.warn("Finder.find_spec() not found; falling back to find_module()",
                      ImportWarning, stacklevel=1)
        warnings.warn("optimizer did not converge", UserWarning, stacklevel=1)
        return None

    log: list[str] = []
    assert _run(Candidate("ses", fit, 3), np.ones(24), 6, False, log) is None
    assert log == ["ses: UserWarning: optimizer did not converge"]
