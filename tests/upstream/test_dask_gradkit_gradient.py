# Upstream: dask dask/array/tests/test_routines.py, test_gradient
# (11 (shape, varargs, axis) cases x edge_order 1, 2), dask 2026.8.0
# (the installed wheel's copy of that file), written afresh.
#
# test_dask_gradient.py runs these cases through dask.array.gradient with the
# numpy drop-in inside dask's kernel; here the Dask array goes to
# gradkit.gradient itself (the chunked kernel), with numpy.gradient's
# positional spacings given as spacing= and axis as dim=.  Upstream's
# assertions are kept: the results agree with numpy.gradient on the whole
# array (here to the DESIGN rule, rtol 1e-12: gradkit's own interior divides
# by h then by 2, as torch does, numpy by 2h), the
# sqrt-of-sum-of-squares of the lazy results agrees too, and, beyond
# upstream, each result is bit-identical to gradkit on the NumPy array and
# keeps the input's chunks (5 per axis), in a graph no larger than
# dask.array.gradient's.
# Data are drawn from a seed fixed per test item (upstream: unseeded).
"""dask's ``test_gradient`` cases through ``gradkit.gradient`` on Dask arrays."""

from __future__ import annotations

import zlib
from numbers import Number

import numpy as np
import pytest

da = pytest.importorskip("dask.array")

import gradkit  # noqa: E402

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


def _spacing(varargs):
    """numpy.gradient's positional spacings as gradkit's spacing=."""
    if len(varargs) == 0:
        return 1
    if len(varargs) == 1 and np.ndim(varargs[0]) == 0:
        return varargs[0]
    return tuple(varargs)


def _close(got, want):
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12 * max(np.abs(want).max(), 1.0))


@pytest.mark.parametrize("edge_order", [1, 2])
@pytest.mark.parametrize("shape, varargs, axis", CASES, ids=CASE_IDS)
def test_gradient(shape, varargs, axis, edge_order, request):
    rng = np.random.default_rng(zlib.crc32(request.node.nodeid.encode()))
    a = rng.integers(0, 10, shape)
    d_a = da.from_array(a, chunks=(len(shape) * (5,)))

    r_a = np.gradient(a, *varargs, axis=axis, edge_order=edge_order)
    r_d_a = gradkit.gradient(d_a, spacing=_spacing(varargs), dim=axis, edge_order=edge_order)
    in_memory = gradkit.gradient(a, spacing=_spacing(varargs), dim=axis, edge_order=edge_order)
    theirs = da.gradient(d_a, *varargs, axis=axis, edge_order=edge_order)
    base = set(dict(d_a.__dask_graph__()))

    if isinstance(axis, Number):
        r_a, theirs = [r_a], [theirs]
    assert len(r_d_a) == len(r_a) == len(in_memory) == len(theirs)
    for e_r_d_a, e_r_a, e_mem, e_theirs in zip(r_d_a, r_a, in_memory, theirs):
        assert isinstance(e_r_d_a, da.Array)
        assert e_r_d_a.chunks == d_a.chunks
        computed = e_r_d_a.compute(scheduler="sync")
        np.testing.assert_array_equal(computed, e_mem, strict=True)
        _close(computed, e_r_a)
        assert len(set(dict(e_r_d_a.__dask_graph__())) - base) <= len(set(dict(e_theirs.__dask_graph__())) - base)
    if not isinstance(axis, Number):
        lazy = da.sqrt(sum(map(da.square, r_d_a)))
        assert isinstance(lazy, da.Array)
        _close(lazy.compute(scheduler="sync"), np.sqrt(sum(map(np.square, r_a))))
