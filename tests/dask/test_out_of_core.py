"""A derivative of a Dask array far larger than the memory it is computed in.

Reduced: a fresh interpreter draws a 1.2 GB float64 field block by block
(``da.random``, 8 MB blocks), takes its fourth-order second derivative and
reduces it with ``.sum()``. Its peak resident memory (``ru_maxrss``), over
what it held after the imports and a tiny warm-up run, must stay within 16
blocks (128 MB): measured 71 MB (9 blocks) on the 2-core development machine
with two scheduler threads. The field is 9.4 times that bound, and holding
it (and its derivative) in memory would take 2.4 GB.

Stored: a fresh interpreter draws a 1.28 GB float64 field (4 MB blocks),
takes the same derivative and stores it into a zarr store on disk
(``da.store``, no compression). Two measures of its peak memory, each over
what it held after a warm-up store, must stay within 16 blocks (64 MB), a
twentieth of the field: the peak of the memory traced by ``tracemalloc``
(NumPy's buffers report to it) and the growth of its peak resident memory
(measured 48 and 43 MB on the 2-core development machine, two scheduler
threads). Windows of the stored derivative (both global edges and across
chunk boundaries) are then checked, bit for bit, against in-memory gradkit
on the same samples computed to NumPy.
"""

from __future__ import annotations

import json
import shutil
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


ZROWS, ZCHUNK = 320 * 500, 500  # 1.28 GB in 4 MB blocks (320 of them)
ZBOUND_BLOCKS = 16

ZARR_SCRIPT = textwrap.dedent(
    f"""
    import json, resource, sys, tracemalloc
    import dask, dask.array as da, zarr, gradkit

    dask.config.set(scheduler="threads", num_workers=2)
    path = sys.argv[1]

    def rss():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux

    def field(rows):
        return da.random.default_rng(0).standard_normal((rows, {COLS}), chunks=({ZCHUNK}, {COLS}))

    def store(name, rows):
        z = zarr.create_array(store=path + "/" + name, shape=(rows, {COLS}), chunks=({ZCHUNK}, {COLS}),
                              dtype="f8", compressors=None)
        da.store(gradkit.derivative(field(rows), 2, axis=0, accuracy=4), z, lock=False)

    store("warm", 4 * {ZCHUNK})  # imports, kernels, zarr's codecs and the threads warm
    base = rss()
    tracemalloc.start()
    store("d2f", {ZROWS})
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(json.dumps(dict(grown=rss() - base, traced=traced, nbytes=field({ZROWS}).nbytes)))
    """
)


@pytest.mark.out_of_core
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss is in kilobytes on Linux only")
def test_storing_into_zarr_streams_within_a_few_blocks(tmp_path):
    zarr = pytest.importorskip("zarr")
    import numpy as np

    import dask.array as da
    import gradkit

    path = tmp_path / "store"
    try:
        run = subprocess.run([sys.executable, "-c", ZARR_SCRIPT, str(path)], check=True, capture_output=True,
                             text=True)
        report = json.loads(run.stdout.strip().splitlines()[-1])
        block = ZCHUNK * COLS * 8
        bound = ZBOUND_BLOCKS * block
        assert report["nbytes"] >= 20 * bound
        assert report["traced"] < bound, f"traced peak {report['traced'] / 1e6:.0f} MB, bound {bound / 1e6:.0f} MB"
        assert report["grown"] < bound, f"peak grew by {report['grown'] / 1e6:.0f} MB, bound {bound / 1e6:.0f} MB"
        stored = zarr.open_array(str(path / "d2f"), mode="r")
        assert stored.shape == (ZROWS, COLS)
        f = da.random.default_rng(0).standard_normal((ZROWS, COLS), chunks=(ZCHUNK, COLS))
        margin = 16  # beyond any stencil of the scheme
        mid = ZROWS // 2 + ZCHUNK // 2  # a window across two chunk boundaries
        for lo, hi in [(0, 2 * ZCHUNK), (mid - ZCHUNK, mid + ZCHUNK), (ZROWS - 2 * ZCHUNK, ZROWS)]:
            a, b = max(lo - margin, 0), min(hi + margin, ZROWS)
            want = gradkit.derivative(f[a:b].compute(), 2, axis=0, accuracy=4)[lo - a : hi - a]
            np.testing.assert_array_equal(stored[lo:hi], want, strict=True)
    finally:
        shutil.rmtree(path, ignore_errors=True)
