# Upstream: dask dask/array/tests/test_routines.py, test_gradient
# (11 (shape, varargs, axis) cases x edge_order 1, 2), dask 2026.8.0
# (the installed wheel's copy of that file).
#
# dask.array.gradient differentiates block by block: map_overlap with a
# one-sample halo calls dask.array.routines._gradient_kernel, which calls
# numpy.gradient on each block (through the module's `np`, i.e. the numpy
# module).  Each case here is computed twice with upstream's inputs (integer
# data in 0..9, chunks of 5): once as dask ships it, and once with
# numpy.gradient replaced by gradkit.compat.numpy_gradient (pytest's
# monkeypatch, so dask's kernel calls the drop-in).  The two results must be
# identical (np.testing.assert_array_equal, dtype included).  Upstream's own
# assertions (assert_eq against numpy.gradient on the whole array, and the
# sqrt-of-sum-of-squares check) are kept on the patched result.
# Data are drawn from a seed fixed per test item (upstream: unseeded).
"""dask's ``test_gradient`` with gradkit's numpy drop-in inside dask's kernel."""

from __future__ import annotations

import zlib
from numbers import Number

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
from dask.array.utils import assert_eq  # noqa: E402

import dask.array.routines as dask_routines  # noqa: E402
from gradkit.compat import numpy_gradient  # noqa: E402

ORIGINAL_NP_GRADIENT = np.gradient

CASES = [
    [(10, 15, 20), (), None],
    [(10, 15, 20), (2,), None],
    [(10, 15, 20), (1.0, 1.5, 2.0), None],
    [(10, 15, 20), (), 0],
    [(10, 15, 20), (), 1],
    [(10, 15, 20), (), 2],
    [(10, 15, 20), (), -1],
    [(10, 15, 20), (), (0, 2)],
    [(10, 15, 20), (np.exp(np.arange(10)), np.exp(np.arange(20))), (0, 2)],
    [(10, 15, 20), (0.5, np.exp(np.arange(20))), (0, 2)],
    [(10, 15, 20), (np.exp(np.arange(20)),), -1],
]
CASE_IDS = [
    "no-varargs", "scalar-2", "scalars-per-axis", "axis0", "axis1", "axis2", "axis-1",
    "axes02", "coords-02", "scalar-and-coords-02", "coords-axis-1",
]


def _computed(res):
    res = res if isinstance(res, list) else [res]
    return [r.compute(scheduler="sync") for r in res]


@pytest.mark.parametrize("edge_order", [1, 2])
@pytest.mark.parametrize("shape, varargs, axis", CASES, ids=CASE_IDS)
def test_gradient(shape, varargs, axis, edge_order, monkeypatch, request):
    rng = np.random.default_rng(zlib.crc32(request.node.nodeid.encode()))
    a = rng.integers(0, 10, shape)
    d_a = da.from_array(a, chunks=(len(shape) * (5,)))

    # dask as shipped: its kernel calls numpy.gradient
    original = _computed(da.gradient(d_a, *varargs, axis=axis, edge_order=edge_order))

    calls = []

    def drop_in(*args, **kwargs):
        calls.append(1)
        return numpy_gradient(*args, **kwargs)

    monkeypatch.setattr(np, "gradient", drop_in)
    assert dask_routines.np.gradient is drop_in  # dask's kernel sees the drop-in
    r_d_a = da.gradient(d_a, *varargs, axis=axis, edge_order=edge_order)
    patched = _computed(r_d_a)
    assert calls, "dask's kernel did not call the drop-in"

    # identical to dask's own result, bit for bit
    assert len(patched) == len(original)
    for p, o in zip(patched, original):
        assert p.dtype == o.dtype
        np.testing.assert_array_equal(p, o, strict=True)

    # upstream's assertions, on the patched result, against numpy.gradient itself
    monkeypatch.setattr(np, "gradient", ORIGINAL_NP_GRADIENT)
    r_a = np.gradient(a, *varargs, axis=axis, edge_order=edge_order)
    monkeypatch.setattr(np, "gradient", drop_in)
    if isinstance(axis, Number):
        assert_eq(r_d_a, r_a)
    else:
        assert len(r_d_a) == len(r_a)
        for e_r_d_a, e_r_a in zip(r_d_a, r_a):
            assert_eq(e_r_d_a, e_r_a)
        assert_eq(da.sqrt(sum(map(da.square, r_d_a))), np.sqrt(sum(map(np.square, r_a))))
