"""numpy_gradient on masked arrays is numpy.gradient bit for bit: values at
unmasked points, the mask, and whether the mask is a full array.

numpy computes a masked array with np.ma arithmetic, which differs from the
plain kind: a Python step becomes a 0-d float64 array (so float32, float16
and complex64 data divide in double precision), non-finite quotients are
masked, and on 1-D input the two edge values are computed from plain
scalars (numpy indexes them with integers). Found by the fuzz (issue 10)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gradkit.compat import numpy_gradient

DTYPES = [np.float32, np.complex64, np.float16, np.float64, np.complex128, np.int32, np.longdouble]


@st.composite
def masked_cases(draw):
    dtype = draw(st.sampled_from(DTYPES))
    ndim = draw(st.integers(1, 2))
    shape = tuple(draw(st.lists(st.integers(2, 8), min_size=ndim, max_size=ndim)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if dtype == np.int32:
        data = rng.integers(-100, 100, shape).astype(dtype)
    else:
        scale = draw(st.sampled_from([1.0, 1e3, 1e30]))
        data = (rng.standard_normal(shape) * (min(scale, 1e3) if dtype == np.float16 else scale)).astype(dtype)
        if np.dtype(dtype).kind == "c":
            data = data + 1j * rng.standard_normal(shape).astype(dtype) * 1e5
    mask_kind = draw(st.sampled_from(["nomask", "none-masked", "some"]))
    mask = rng.random(shape) < 0.25 if mask_kind == "some" else np.zeros(shape, bool)
    if mask_kind == "some" and dtype != np.int32 and draw(st.booleans()):
        data[mask] = np.nan  # garbage under the mask must not leak
    f = np.ma.array(data, mask=np.ma.nomask if mask_kind == "nomask" else mask)
    axis = draw(st.integers(0, ndim - 1))
    n = shape[axis]
    edge_order = draw(st.sampled_from([1, 2])) if n >= 3 else 1
    spacing = draw(st.sampled_from(["none", "float", "int", "np64", "coords", "coords32", "uniform-coords"]))
    varargs = {
        "none": (),
        "float": (draw(st.sampled_from([-1.5, 0.3, 1e-3])),),
        "int": (2,),
        "np64": (np.float64(0.7),),
        "coords": (np.cumsum(rng.uniform(0.5, 1.5, n)),),
        "coords32": (np.cumsum(rng.uniform(0.5, 1.5, n)).astype(np.float32),),
        "uniform-coords": (0.25 * np.arange(n),),
    }[spacing]
    return f, varargs, axis, edge_order


@settings(max_examples=300, deadline=None, derandomize=True)
@given(masked_cases())
def test_masked_arrays_are_numpys_bit_for_bit(case):
    f, varargs, axis, edge_order = case
    before_data, before_mask = f.data.copy(), np.ma.getmaskarray(f).copy()
    with np.errstate(all="ignore"):
        want = np.gradient(f, *varargs, axis=axis, edge_order=edge_order)
        got = numpy_gradient(f, *varargs, axis=axis, edge_order=edge_order)
    assert type(got) is type(want) is np.ma.MaskedArray
    assert got.dtype == want.dtype
    wm, gm = np.ma.getmaskarray(want), np.ma.getmaskarray(got)
    np.testing.assert_array_equal(gm, wm)
    assert (np.ma.getmask(got) is np.ma.nomask) == (np.ma.getmask(want) is np.ma.nomask)
    np.testing.assert_array_equal(got.data[~wm], want.data[~wm])
    assert np.array_equal(f.data, before_data, equal_nan=True)  # the input is untouched
    np.testing.assert_array_equal(np.ma.getmaskarray(f), before_mask)


def test_float32_masked_divides_in_double_like_numpy():
    x = np.array([-798.1, 688.3, 1178.9, 1174.2, -893.6], np.float32)
    f = np.ma.array(x)
    np.testing.assert_array_equal(numpy_gradient(f, 0.3).data, np.gradient(f, 0.3).data)
    # and differs from the plain computation, which numpy does in float32
    assert not np.array_equal(np.gradient(f, 0.3).data, np.gradient(x, 0.3))
