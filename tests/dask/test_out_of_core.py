"""A derivative of a Dask array far larger than the memory it is computed in.

A fresh interpreter draws a 1.2 GB float64 field block by block
(``da.random``, 8 MB blocks), takes its fourth-order second derivative and
reduces it with ``.sum()``. Its peak resident memory (``ru_maxrss``), over
what it held after the imports and a tiny warm-up run, must stay within 16
blocks (128 MB): measured 71 MB (9 blocks) on the 2-core development machine
with two scheduler threads. The field is 9.4 times that bound, and holding
it (and its derivative) in memory would take 2.4 GB.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("dask.array")

ROWS, COLS, CHUNK = 150_000, 1000, 1000  # 1.2 GB in 8 MB blocks
BOUND_BLOCKS = 16

SCRIPT = textwrap.dedent(
    f"""
    import json, resource
    import dask, dask.array as da, gradkit

    dask.config.set(scheduler="threads", num_workers=2)

    def rss():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux

    small = da.random.default_rng(1).standard_normal((64, 8), chunks=(16, 8))
    gradkit.derivative(small, 2, axis=0, accuracy=4).sum().compute()  # imports and kernels warm
    base = rss()
    f = da.random.default_rng(0).standard_normal(({ROWS}, {COLS}), chunks=({CHUNK}, {COLS}))
    total = gradkit.derivative(f, 2, axis=0, accuracy=4).sum().compute()
    print(json.dumps(dict(base=base, peak=rss(), nbytes=f.nbytes, total=float(total))))
    """
)


@pytest.mark.out_of_core
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss is in kilobytes on Linux only")
def test_peak_memory_is_a_few_blocks():
    run = subprocess.run([sys.executable, "-c", SCRIPT], check=True, capture_output=True, text=True)
    report = json.loads(run.stdout.strip().splitlines()[-1])
    block = CHUNK * COLS * 8
    bound = BOUND_BLOCKS * block
    assert report["nbytes"] >= 9 * bound
    grown = report["peak"] - report["base"]
    assert grown < bound, f"peak grew by {grown / 1e6:.0f} MB, bound {bound / 1e6:.0f} MB"
    assert report["total"] == report["total"]  # a number, not NaN
