"""The forecast runner gives the same forecasts wherever it runs: here, a process pool, Dask."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sop_tui.analytics import forecast as fc
from sop_tui.analytics.parallel import chunked, run_chunks
from sop_tui.executors import ExecutorSpecError, InlineRunner, open_runner, parse_spec


def _history(n_series: int = 6, months: int = 30, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    idx = pd.period_range("2023-01", periods=months, freq="M")
    return pd.concat(
        [pd.DataFrame({"key": f"F{i}", "month": idx,
                       "units": 100 + 30 * np.sin(np.arange(months) * np.pi / 6)
                       + rng.normal(0, 5, months)})
         for i in range(n_series)],
        ignore_index=True,
    )


def _square_all(xs: list[int]) -> list[int]:
    return [x * x for x in xs]


def test_chunks_are_contiguous_bounded_and_cover_everything() -> None:
    items = list(range(1000))
    chunks = chunked(items, cores=2)
    assert [x for c in chunks for x in c] == items
    assert max(len(c) for c in chunks) <= 25
    assert len(chunked(items[:10], cores=2)) == 10  # few items: one each, every core busy


def test_run_chunks_keeps_order_whatever_the_completion_order() -> None:
    class Backwards(InlineRunner):
        cores = 2

        def map_unordered(self, fn, items):  # type: ignore[no-untyped-def, override]
            return reversed(list(super().map_unordered(fn, items)))

    seen: list[int] = []
    out = run_chunks(_square_all, list(range(40)), runner=Backwards(),
                     on_chunk=lambda r: seen.extend(r))
    assert out == [x * x for x in range(40)]
    assert seen != out  # the chunks did finish out of order


@pytest.mark.parametrize("spec", ["local:0", "local:x", "http://host:1", "dask", "tcp://"])
def test_a_bad_executor_spec_is_refused_with_what_is_accepted(spec: str) -> None:
    with pytest.raises(ExecutorSpecError, match="tcp://HOST"):
        parse_spec(spec)


def test_executor_specs() -> None:
    assert parse_spec(None) == ("local", None)
    assert parse_spec("local:3") == ("local", 3)
    assert parse_spec("inline") == ("inline", None)
    assert parse_spec("tcp://10.0.0.5:8786") == ("dask", "tcp://10.0.0.5:8786")


def test_a_scheduler_that_does_not_answer_is_refused() -> None:
    pytest.importorskip("distributed")
    # a port on the loopback that nothing listens on
    with pytest.raises(ExecutorSpecError, match="no Dask scheduler answered"), \
            open_runner("tcp://127.0.0.1:9", timeout=1):
        pass


@pytest.mark.slow
def test_process_pool_matches_in_process_and_reports_progress() -> None:
    hist = _history()
    calls: list[tuple[int, int]] = []
    with open_runner("local:2") as runner:
        pooled = fc.forecast_many(hist, 6, runner=runner,
                                  progress=lambda d, t: calls.append((d, t)))
    local = fc.forecast_many(hist, 6)
    pd.testing.assert_frame_equal(pooled.forecast, local.forecast)
    pd.testing.assert_frame_equal(pooled.models, local.models)
    assert calls[-1] == (6, 6) and len(calls) >= 2


@pytest.mark.slow
def test_dask_cluster_matches_in_process() -> None:
    distributed = pytest.importorskip("distributed")
    hist = _history(n_series=8)
    local = fc.forecast_many(hist, 6)
    calls: list[tuple[int, int]] = []
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            open_runner(cluster.scheduler_address) as runner:
        assert runner.cores == 2
        remote = fc.forecast_many(hist, 6, runner=runner,
                                  progress=lambda d, t: calls.append((d, t)))
    pd.testing.assert_frame_equal(remote.forecast, local.forecast)
    pd.testing.assert_frame_equal(remote.models, local.models)
    assert remote.input_hash == local.input_hash
    assert calls[-1] == (8, 8) and len(calls) >= 2
