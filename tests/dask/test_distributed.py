"""The chunked kernel on a dask.distributed cluster of worker processes.

The test starts and closes its own LocalCluster (2 worker processes, one
thread each): the tasks travel pickled, the compiled kernels load from
numba's on-disk cache on the workers, and the results are in-memory
gradkit's bits.
"""

from __future__ import annotations

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")

import gradkit  # noqa: E402


def _cache_stats():
    """Numba's cache hits and misses of the compiled kernels in this process."""
    from gradkit.kernels import _cpu_jit

    hits = misses = 0
    for name in ("lines_serial", "rows_serial", "uniform_lines_serial", "lines_parallel", "rows_parallel",
                 "uniform_lines_parallel"):
        stats = getattr(_cpu_jit, name).stats
        hits += sum(stats.cache_hits.values())
        misses += sum(stats.cache_misses.values())
    return hits, misses


@pytest.mark.cluster
def test_local_cluster_of_processes():
    rng = np.random.default_rng(7)
    f = rng.standard_normal((64, 48))
    x = np.cumsum(rng.uniform(0.5, 1.5, 48))
    lazy = da.from_array(f, chunks=(16, (10, 10, 27, 1)))
    cases = [
        (lambda a, s: gradkit.gradient(a, spacing=(0.5, s), edge_order=2), x),
        (lambda a, s: (gradkit.derivative(a, 2, axis=1, spacing=s, accuracy=4),), x),
        (lambda a, s: (gradkit.derivative(a, 1, axis=1, spacing=s, boundary="periodic", period=float(s[-1] - s[0] + 1)),), x),
        (lambda a, s: (gradkit.derivative(a, 3, axis=0, accuracy=2),), x),
    ]
    # The kernels run here first, so numba's cache holds them for the workers.
    wanted = [call(f, s) for call, s in cases]
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as cluster, distributed.Client(cluster) as client:
        for (call, s), want in zip(cases, wanted):
            first = call(lazy, s)
            again = call(lazy, s)
            assert [g.name for g in first] == [g.name for g in again]  # deterministic keys
            got = client.compute(list(first), sync=True)
            for g, w in zip(got, want):
                np.testing.assert_array_equal(g, w, strict=True)
        stats = client.run(_cache_stats)
    assert len(stats) == 2
    for hits, misses in stats.values():
        assert misses == 0 and hits > 0, stats  # loaded from the cache, not compiled on the worker
