"""numpy.gradient's documented contract, kept by ``gradkit.compat.numpy_gradient``.

Every expectation comes from ``numpy.gradient`` itself, run on the same
input, or from exact rational arithmetic (``conftest.exact_gradient_1d``),
never from gradkit's own output. Tolerances follow ``conftest``.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import gradkit
from gradkit.compat import numpy_gradient

from .conftest import (
    assert_close,
    atol_for,
    conformance_settings,
    exact_gradient_1d,
    rtol_for,
    stencil_nodes,
    weight_bound,
)

RTOL = 1e-12


def _bound(shape: tuple[int, ...], varargs: tuple, axes: tuple[int, ...], edge_order: int) -> float:
    """The largest weight sum over the differentiated axes (see conftest)."""
    if not varargs:
        per_axis = [1.0] * len(axes)
    elif len(varargs) == 1 and np.ndim(varargs[0]) == 0:
        per_axis = list(varargs) * len(axes)
    else:
        per_axis = list(varargs)
    best = 0.0
    for a, v in zip(axes, per_axis):
        n = shape[a]
        x = np.asarray(v, dtype=np.float64) if np.ndim(v) == 1 else float(v) * np.arange(n)
        best = max(best, weight_bound(x, edge_order))
    return best


def _coords_of(varargs: tuple, n: int) -> np.ndarray:
    """The coordinates one vararg (or none) describes along an axis of ``n`` samples."""
    if not varargs:
        return np.arange(n, dtype=np.float64)
    if np.ndim(varargs[0]) == 0:
        return float(varargs[0]) * np.arange(n)
    return np.asarray(varargs[0])


def _as_tuple(result: Any) -> tuple:
    return result if isinstance(result, tuple) else (result,)


def _assert_like_numpy(f: Any, *varargs: Any, axis: Any = None, edge_order: int = 1) -> Any:
    """numpy_gradient(f, ...) has numpy.gradient's type, dtypes and values."""
    expected = np.gradient(f, *varargs, axis=axis, edge_order=edge_order)
    got = numpy_gradient(f, *varargs, axis=axis, edge_order=edge_order)
    assert type(got) is type(expected), f"{type(got)} vs numpy's {type(expected)}"
    arr = np.asanyarray(f)
    axes = tuple(range(arr.ndim)) if axis is None else tuple(np.atleast_1d(axis) % max(arr.ndim, 1))
    f_max = float(np.max(np.abs(np.ma.getdata(arr)))) if arr.size else 0.0
    atol = atol_for(RTOL, f_max, _bound(arr.shape, varargs, axes, edge_order))
    for g, e in zip(_as_tuple(got), _as_tuple(expected)):
        assert type(g) is type(e)
        assert g.dtype == e.dtype
        live = ~np.ma.getmaskarray(e)
        np.testing.assert_array_equal(np.ma.getmaskarray(g), ~live)
        assert_close(np.ma.getdata(g)[live], np.ma.getdata(e)[live], rtol=rtol_for(e.dtype), atol=atol)
    return got


# ---------------------------------------------------------------------------
# The examples in numpy.gradient's docstring
# ---------------------------------------------------------------------------
_F = np.array([1, 2, 4, 7, 11, 16])
_F2 = np.array([[1, 2, 6], [3, 4, 5]])
_X5 = np.array([0, 1, 2, 3, 4])
_XC = np.array([0.0, 2.0, 3.0, 6.0, 8.0])
_XS = np.array([0.0, 2.0, 4.0, 6.0, 8.0])
_ZS = np.add.outer(2 * np.arange(0, 9, 3), np.arange(0, 6, 2))  # xs + 2*ys on a meshgrid

DOC_EXAMPLES = {
    "default": (_F, (), {}),
    "scalar": (_F, (2,), {}),
    "uniform-coords": (_F, (np.arange(_F.size),), {}),
    "nonuniform-coords": (_F, (np.array([0.0, 1.0, 1.5, 3.5, 4.0, 6.0]),), {}),
    "2d": (_F2, (), {}),
    "2d-scalar-and-list": (_F2, (2.0, [1.0, 1.5, 3.5]), {}),
    "edge-order-1": (_X5**2, (), {"edge_order": 1}),
    "edge-order-2": (_X5**2, (), {"edge_order": 2}),
    "axis-0": (_F2, (), {"axis": 0}),
    "coords-edge-order-2": (_XC**2, (_XC,), {"edge_order": 2}),
    "scalar-edge-order-2": (_XS**2, (2,), {"edge_order": 2}),
    "two-scalars": (_ZS, (3, 2), {}),
    "array-and-scalar": (_ZS, (np.arange(0, 9, 3), 2), {}),
}


@pytest.mark.parametrize("name", list(DOC_EXAMPLES))
def test_docstring_examples(name: str) -> None:
    f, varargs, kw = DOC_EXAMPLES[name]
    _assert_like_numpy(f, *varargs, **kw)


def test_docstring_examples_exact_where_the_docs_say_so() -> None:
    # x**2 with second-order edges is exact: 2x, on uniform and non-uniform grids.
    np.testing.assert_array_equal(numpy_gradient(_X5**2, edge_order=2), 2.0 * _X5)
    atol = atol_for(RTOL, 64.0, weight_bound(_XC, 2))
    assert_close(numpy_gradient(_XC**2, _XC, edge_order=2), 2 * _XC, rtol=RTOL, atol=atol)
    # zs = xs + 2*ys: slopes 2 (rows) and 1 (columns), whatever the spacing form.
    for varargs in [(3, 2), (np.arange(0, 9, 3), 2)]:
        gy, gx = numpy_gradient(_ZS, *varargs)
        np.testing.assert_array_equal(gy, np.full(_ZS.shape, 2.0))
        np.testing.assert_array_equal(gx, np.full(_ZS.shape, 1.0))


# ---------------------------------------------------------------------------
# Return types
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "shape, axis, expected_len",
    [
        ((5,), None, None),  # one axis: an ndarray
        ((4, 5), 0, None),
        ((4, 5), -1, None),
        ((4, 5), (0,), None),  # a one-element tuple still gives an ndarray
        ((4, 5), [1], None),
        ((4, 5), None, 2),
        ((4, 5), (1, 0), 2),
        ((3, 4, 5), None, 3),
        ((3, 4, 5), (2, 0), 2),
        ((), None, 0),  # 0-d input -> ()
        ((4, 5), (), 0),  # axis=() -> ()
    ],
)
def test_return_types(shape, axis, expected_len) -> None:
    f = np.arange(float(np.prod(shape))).reshape(shape) ** 2
    expected = np.gradient(f, axis=axis)
    got = numpy_gradient(f, axis=axis)
    if expected_len is None:
        assert type(expected) is np.ndarray
        assert type(got) is np.ndarray
        assert got.shape == f.shape
    else:
        assert type(expected) is tuple and len(expected) == expected_len
        assert type(got) is tuple and len(got) == expected_len
        assert all(type(g) is np.ndarray and g.shape == f.shape for g in got)
    _assert_like_numpy(f, axis=axis)


def test_output_order_follows_axis() -> None:
    f = np.add.outer(np.arange(4.0) ** 2, 3 * np.arange(5.0))
    g1, g0 = numpy_gradient(f, axis=(1, 0))
    e1, e0 = np.gradient(f, axis=(1, 0))
    np.testing.assert_allclose(g1, e1, rtol=RTOL)
    np.testing.assert_allclose(g0, e0, rtol=RTOL)
    np.testing.assert_array_equal(g1, np.full(f.shape, 3.0))


# ---------------------------------------------------------------------------
# dtype rules
# ---------------------------------------------------------------------------
INT_DTYPES = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]


@pytest.mark.parametrize("dtype", INT_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("edge_order", [1, 2])
def test_integers_become_float64_before_differencing(dtype, edge_order) -> None:
    info = np.iinfo(dtype)
    # Jumps from one end of the range to the other: wrap-around if differenced as integers.
    f = np.array([info.min, info.max, info.min, info.max // 2, info.max, info.min], dtype=dtype)
    for varargs in [(), (3,), (np.array([0, 1, 3, 4, 7, 8]),)]:
        got = _assert_like_numpy(f, *varargs, edge_order=edge_order)
        assert got.dtype == np.float64
        x = _coords_of(varargs, 6)
        exact = exact_gradient_1d(f.astype(np.float64), x, edge_order)
        atol = atol_for(RTOL, float(np.max(np.abs(f.astype(np.float64)))), weight_bound(x, edge_order))
        assert_close(got, np.array([float(v) for v in exact]), rtol=RTOL, atol=atol)


def test_uint8_example() -> None:
    f = np.array([5, 3, 0], dtype=np.uint8)
    expected = np.array([-2.0, -2.5, -3.0])
    np.testing.assert_array_equal(np.gradient(f), expected)
    got = numpy_gradient(f)
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.complex64, np.complex128])
@pytest.mark.parametrize("varargs", [(), (0.5,), (np.array([0.0, 1.0, 1.5, 3.0, 5.0]),)], ids=["none", "h", "x"])
@pytest.mark.parametrize("edge_order", [1, 2])
def test_floating_and_complex_keep_their_dtype(dtype, varargs, edge_order) -> None:
    f = np.array([1.0, 3.0, 2.0, 8.0, -4.0])
    if np.dtype(dtype).kind == "c":
        f = f + 1j * np.array([0.0, -1.0, 2.0, 2.0, 5.0])
    f = f.astype(dtype)
    expected = np.gradient(f, *varargs, edge_order=edge_order)
    got = numpy_gradient(f, *varargs, edge_order=edge_order)
    assert got.dtype == expected.dtype == np.dtype(dtype)
    x = _coords_of(varargs, 5)
    exact = np.array([float(v) for v in exact_gradient_1d(f.real.astype(np.float64), x, edge_order)])
    if np.dtype(dtype).kind == "c":
        imag = exact_gradient_1d(f.imag.astype(np.float64), x, edge_order)
        exact = exact + 1j * np.array([float(v) for v in imag])
    # float16 (10-bit mantissa, eps 9.8e-4) has no rtol in the shared table: 2 eps.
    rtol = 2e-3 if dtype == np.float16 else rtol_for(np.dtype(dtype))
    atol = atol_for(rtol, float(np.max(np.abs(f.astype(np.complex128)))), weight_bound(x, edge_order))
    assert_close(got, exact, rtol=rtol, atol=atol, what="vs exact")
    assert_close(got, expected, rtol=rtol, atol=atol, what="vs numpy")


# ---------------------------------------------------------------------------
# Masked arrays
# ---------------------------------------------------------------------------
def _expected_mask(mask: np.ndarray, axis: int, edge_order: int, uniform: bool) -> np.ndarray:
    """Output i is masked iff its stencil reads a masked sample.

    numpy's stencils: two-point / three-point one-sided at the edges; inside,
    (f[i+1] - f[i-1]) / 2h on a uniform grid (the centre is not read) and
    a*f[i-1] + b*f[i] + c*f[i+1] on coordinates.
    """
    m = np.moveaxis(mask, axis, -1)
    n = m.shape[-1]
    out = np.zeros_like(m)
    for i in range(n):
        nodes = stencil_nodes(i, n, edge_order)
        if uniform and 0 < i < n - 1:
            nodes = (i - 1, i + 1)
        out[..., i] = np.any(m[..., list(nodes)], axis=-1)
    return np.moveaxis(out, -1, axis)


@conformance_settings(200)
@given(
    shape=st.lists(st.integers(3, 7), min_size=1, max_size=3).map(tuple),
    seed=st.integers(0, 2**32 - 1),
    density=st.sampled_from([0.0, 0.1, 0.3]),
    spacing=st.sampled_from(["none", "scalar", "coords", "uniform-coords"]),
    edge_order=st.sampled_from([1, 2]),
    garbage=st.sampled_from([None, np.nan, 1e300]),
    axis_pick=st.integers(0, 2),
)
def test_masked_array_mask_spreads_exactly_like_numpy(
    shape, seed, density, spacing, edge_order, garbage, axis_pick
) -> None:
    rng = np.random.default_rng(seed)
    axis = axis_pick % len(shape)
    n = shape[axis]
    data = rng.uniform(-5, 5, shape)
    mask = rng.random(shape) < density
    if garbage is not None:
        data[mask] = garbage  # masked samples must not leak into unmasked outputs
    f = np.ma.MaskedArray(data, mask=mask)
    varargs: tuple = {
        "none": (),
        "scalar": (0.5,),
        "coords": (np.cumsum(rng.uniform(0.5, 1.5, n)),),
        "uniform-coords": (0.25 * np.arange(n),),
    }[spacing]
    data_before, mask_before = f.data.copy(), f.mask.copy()
    with np.errstate(all="ignore"):
        expected = np.gradient(f, *varargs, axis=axis, edge_order=edge_order)
        got = numpy_gradient(f, *varargs, axis=axis, edge_order=edge_order)
    assert type(got) is type(expected) is np.ma.MaskedArray
    got_mask = np.ma.getmaskarray(got)
    np.testing.assert_array_equal(got_mask, np.ma.getmaskarray(expected))
    np.testing.assert_array_equal(
        got_mask, _expected_mask(mask, axis, edge_order, uniform=spacing != "coords")
    )
    live = ~got_mask
    x = _coords_of(varargs, n)
    atol = atol_for(RTOL, float(np.max(np.abs(np.where(mask, 0, data)))), weight_bound(x, edge_order))
    assert_close(np.ma.getdata(got)[live], np.ma.getdata(expected)[live], rtol=RTOL, atol=atol)
    # The input (data and mask) is untouched.
    np.testing.assert_array_equal(f.mask, mask_before)
    np.testing.assert_array_equal(f.data, data_before)


def test_masked_array_without_mask_stays_masked_array() -> None:
    f = np.ma.MaskedArray([1.0, 2.0, 4.0, 8.0])
    expected = np.gradient(f)
    got = numpy_gradient(f)
    assert type(got) is type(expected) is np.ma.MaskedArray
    assert not np.ma.getmaskarray(got).any()
    np.testing.assert_array_equal(np.ma.getdata(got), np.ma.getdata(expected))


def test_masked_example_from_the_numpy_docs_of_the_mask_bug() -> None:
    # A masked sample at index 2 masks its neighbours 1 and 3, not itself.
    f = np.ma.MaskedArray([1.0, 2.0, 4.0, 8.0, 16.0, 32.0], mask=[0, 0, 1, 0, 0, 0])
    got = numpy_gradient(f)
    np.testing.assert_array_equal(np.ma.getmaskarray(got), np.ma.getmaskarray(np.gradient(f)))
    np.testing.assert_array_equal(np.ma.getmaskarray(got), [0, 1, 0, 1, 0, 0])
    np.testing.assert_array_equal(f.mask, [0, 0, 1, 0, 0, 0])


# ---------------------------------------------------------------------------
# datetime64 / timedelta64
# ---------------------------------------------------------------------------
@conformance_settings(200)
@given(
    values=st.lists(st.integers(-10**6, 10**6), min_size=3, max_size=8),
    unit=st.sampled_from(["D", "h", "s", "ms"]),
    kind=st.sampled_from(["M8", "m8"]),
    spacing=st.sampled_from(["none", "scalar", "coords"]),
    h=st.sampled_from([2, 3, 0.5, -4, 7]),
    edge_order=st.sampled_from([1, 2]),
)
def test_datetime_and_timedelta(values, unit, kind, spacing, h, edge_order) -> None:
    """datetime64 -> timedelta64 of the same unit; timedelta64 kept; the
    values are numpy's own, bit for bit: numpy's integer time arithmetic
    truncates each product (within 1 unit per truncated term of exact)."""
    n = len(values)
    f = np.array(values, dtype=np.int64).astype(f"{kind}[{unit}]")
    x = {
        "none": np.arange(n),
        "scalar": h * np.arange(n),
        "coords": np.cumsum(np.arange(1, n + 1) % 3 + 1),  # gaps 2, 3, 1, 2, 3, ...
    }[spacing]
    varargs = {"none": (), "scalar": (h,), "coords": (x,)}[spacing]
    expected = np.gradient(f, *varargs, edge_order=edge_order)
    got = numpy_gradient(f, *varargs, edge_order=edge_order)
    assert got.dtype == expected.dtype == np.dtype(f"m8[{unit}]")
    np.testing.assert_array_equal(got, expected)
    exact = exact_gradient_1d(values, x, edge_order)
    for i, g in enumerate(got.astype(np.int64)):
        assert abs(Fraction(int(g)) - exact[i]) < 3 + Fraction(1, 10**6), (i, g, exact[i])


@pytest.mark.parametrize(
    "f, varargs, edge_order, exact",
    [
        (np.array([0, 2, 7], dtype="datetime64[D]"), (), 1, [2, 3.5, 5]),  # numpy: [2, 3, 5]
        (np.array([0, 2, 7], dtype="datetime64[D]"), (), 2, [0.5, 3.5, 6.5]),
        (np.array([0, 2, 7], dtype="datetime64[D]"), (2,), 1, [1, 1.75, 2.5]),
        (np.array([0, 10, 30], dtype="timedelta64[s]"), (4,), 1, [2.5, 3.75, 5]),
    ],
)
def test_datetime_known_cases(f, varargs, edge_order, exact) -> None:
    """numpy truncates: [0, 2, 7] days give [2, 3, 5] (exact [2, 3.5, 5])."""
    expected = np.gradient(f, *varargs, edge_order=edge_order)
    got = numpy_gradient(f, *varargs, edge_order=edge_order)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)
    assert np.all(np.abs(got.astype(np.int64) - np.array(exact)) < 1)


# ---------------------------------------------------------------------------
# Big jumps in integer coordinates and integer data (numpy's #15207 class)
# ---------------------------------------------------------------------------
BIG_JUMP_COORDS = {
    "uint8-decreasing": np.array([255, 200, 3, 0], dtype=np.uint8),
    "uint16-decreasing": np.array([65535, 60000, 1, 0], dtype=np.uint16),
    "uint32-non-monotonic": np.array([4_000_000_000, 0, 7, 2_000_000_000], dtype=np.uint32),
    "uint64-decreasing": np.array([2**63, 2**40, 2**20, 0], dtype=np.uint64),
    "int8-big-jump": np.array([-128, -1, 0, 127], dtype=np.int8),
    "int16-decreasing": np.array([32767, 0, -1, -32768], dtype=np.int16),
    "int64-big-jump": np.array([-(2**40), 0, 1, 2**40], dtype=np.int64),
    # increasing: one long gap, then fine sampling (a close pair far from the edge point)
    "int64-gap-then-fine": np.array([0, 10**6, 10**6 + 1, 10**6 + 3], dtype=np.int64),
}


@pytest.mark.parametrize("name", list(BIG_JUMP_COORDS))
@pytest.mark.parametrize("edge_order", [1, 2])
@pytest.mark.parametrize("data", ["float", "int8"])
def test_integer_coordinates_with_big_jumps(name, edge_order, data) -> None:
    x = BIG_JUMP_COORDS[name]
    f = np.array([-1.0, 2.0, 0.5, 3.0]) if data == "float" else np.array([-128, 127, -128, 127], dtype=np.int8)
    got = _assert_like_numpy(f, x, edge_order=edge_order)
    assert got.dtype == np.float64
    # exact integers (not their float64 roundings) in rational arithmetic
    exact = np.array([float(v) for v in exact_gradient_1d(f.tolist(), x.tolist(), edge_order)])
    f_max = float(np.max(np.abs(f.astype(np.float64))))
    atol = atol_for(RTOL, f_max, weight_bound(x.astype(np.float64), edge_order))
    assert_close(got, exact, rtol=RTOL, atol=atol, what="vs exact")
    (own,) = gradkit.gradient(f, spacing=(x,), edge_order=edge_order)
    assert_close(own, exact, rtol=RTOL, atol=atol, what="gradkit.gradient vs exact")


@pytest.mark.parametrize(
    "f",
    [
        np.array([-128, 127, -128, 127, 0], dtype=np.int8),
        np.array([0, 255, 0, 255, 128], dtype=np.uint8),
        np.array([127, -128, -128, 127, 127], dtype=np.int8),
        np.array([255, 0, 1, 254, 255], dtype=np.uint8),
    ],
    ids=["int8-alternating", "uint8-alternating", "int8-steps", "uint8-steps"],
)
@pytest.mark.parametrize("edge_order", [1, 2])
@pytest.mark.parametrize(
    "varargs",
    [(), (2,), (np.array([5, 4, 2, 1, 0], dtype=np.uint8),)],
    ids=["none", "h", "x-uint8-decreasing"],
)
def test_small_integer_data_with_big_jumps(f, edge_order, varargs) -> None:
    got = _assert_like_numpy(f, *varargs, edge_order=edge_order)
    x = _coords_of(varargs, 5)
    exact = np.array([float(v) for v in exact_gradient_1d(f.tolist(), x.tolist(), edge_order)])
    atol = atol_for(RTOL, 255.0, weight_bound(x.astype(np.float64), edge_order))
    assert_close(got, exact, rtol=RTOL, atol=atol)
    (own,) = gradkit.gradient(f, spacing=varargs[0] if varargs else 1, edge_order=edge_order)
    assert_close(own, exact, rtol=RTOL, atol=atol)


# ---------------------------------------------------------------------------
# Memory layouts, read-only inputs, inputs never modified
# ---------------------------------------------------------------------------
def _base3d() -> np.ndarray:
    rng = np.random.default_rng(7)
    return rng.uniform(-3, 3, (5, 6, 4))


LAYOUT_VIEWS = {
    "fortran": lambda a: np.asfortranarray(a),
    "transposed": lambda a: np.ascontiguousarray(a.transpose(2, 0, 1)).transpose(1, 2, 0),
    "strided": lambda a: np.repeat(np.repeat(a, 2, axis=0), 3, axis=2)[::2, :, ::3],
    "reversed": lambda a: np.ascontiguousarray(a[::-1, :, ::-1])[::-1, :, ::-1],
    "broadcast": lambda a: np.broadcast_to(a[:, :1, :], a.shape),
}


@pytest.mark.parametrize("layout", list(LAYOUT_VIEWS))
@pytest.mark.parametrize("edge_order", [1, 2])
def test_non_contiguous_and_fortran_inputs(layout, edge_order) -> None:
    base = _base3d()
    view = LAYOUT_VIEWS[layout](base)
    if layout != "broadcast":
        np.testing.assert_array_equal(view, base)
        assert not view.flags.c_contiguous
    x = np.array([0.0, 0.5, 2.0, 2.5, 4.0, 7.0])
    for varargs, axis in [((), None), ((2.0, x, -1.5), None), ((x,), 1), ((0.5,), (2, 0))]:
        _assert_like_numpy(view, *varargs, axis=axis, edge_order=edge_order)
        spacing = varargs[0] if len(varargs) == 1 else (list(varargs) if varargs else 1)
        own = gradkit.gradient(view, spacing=spacing, dim=axis, edge_order=edge_order)
        expected = _as_tuple(np.gradient(view, *varargs, axis=axis, edge_order=edge_order))
        axes = tuple(range(3)) if axis is None else tuple(np.atleast_1d(axis))
        atol = atol_for(RTOL, float(np.max(np.abs(view))), _bound(view.shape, varargs, axes, edge_order))
        assert len(own) == len(expected)
        for o, e in zip(own, expected):
            assert_close(o, e, rtol=RTOL, atol=atol)


@pytest.mark.parametrize("masked", [False, True])
def test_read_only_inputs_work(masked) -> None:
    f = _base3d()[:, :, 0].copy()
    x = np.array([0.0, 1.0, 1.5, 3.0, 4.0, 4.5])
    f.flags.writeable = False
    x.flags.writeable = False
    if masked:
        f = np.ma.MaskedArray(f, mask=np.eye(5, 6, dtype=bool))
        f.flags.writeable = False
    for edge_order in (1, 2):
        _assert_like_numpy(f, 1.0, x, edge_order=edge_order)
    if not masked:
        gradkit.gradient(f, spacing=(1.0, x), edge_order=2)


def test_inputs_are_never_modified() -> None:
    f = _base3d()[:, :, :3].copy()
    x = np.array([6, 2, 0, 3, 5, 1], dtype=np.uint8)  # unsigned, non-monotonic
    h = np.array(0.5)
    m = np.ma.MaskedArray(f.copy(), mask=f > 2)
    saved = [a.copy() for a in (f, x, h, m.data, m.mask)]
    for edge_order in (1, 2):
        numpy_gradient(f, h, x, 2.0, edge_order=edge_order)
        numpy_gradient(m, h, x, 2.0, edge_order=edge_order)
        numpy_gradient(f, x, axis=1, edge_order=edge_order)
        gradkit.gradient(f, spacing=(h, x, 2.0), edge_order=edge_order)
        gradkit.gradient(f, spacing=x, dim=-2, edge_order=edge_order)
    for before, after in zip(saved, (f, x, h, m.data, m.mask)):
        np.testing.assert_array_equal(before, after)
        assert before.dtype == after.dtype


# ---------------------------------------------------------------------------
# NaN and inf spread only to the points whose stencil reads them
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("edge_order", [1, 2])
@pytest.mark.parametrize("varargs", [(), (0.5,), (np.array([0.0, 1.0, 3.0, 3.5, 5.0]),)], ids=["none", "h", "x"])
def test_nan_example(edge_order, varargs) -> None:
    f = np.array([1.0, np.nan, 3.0, 4.0, 5.0])
    with np.errstate(invalid="ignore"):
        expected = np.gradient(f, *varargs, edge_order=edge_order)
    got = numpy_gradient(f, *varargs, edge_order=edge_order)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
    if not varargs and edge_order == 1:
        np.testing.assert_array_equal(np.isnan(got), [True, False, True, False, False])
    live = ~np.isnan(expected)
    np.testing.assert_allclose(got[live], expected[live], rtol=RTOL, atol=1e-12)


@conformance_settings(200)
@given(
    shape=st.lists(st.integers(3, 6), min_size=1, max_size=3).map(tuple),
    seed=st.integers(0, 2**32 - 1),
    specials=st.lists(st.sampled_from([np.nan, np.inf, -np.inf]), min_size=1, max_size=4),
    spacing=st.sampled_from(["none", "scalar", "coords"]),
    edge_order=st.sampled_from([1, 2]),
)
def test_non_finite_values_spread_like_numpy(shape, seed, specials, spacing, edge_order) -> None:
    rng = np.random.default_rng(seed)
    f = rng.uniform(-10, 10, shape)
    flat = f.reshape(-1)
    for v in specials:
        flat[rng.integers(flat.size)] = v
    varargs: tuple = ()
    if spacing == "scalar":
        varargs = (-0.75,)
    elif spacing == "coords":
        varargs = tuple(np.cumsum(rng.uniform(0.5, 2.0, n)) for n in shape)
    with np.errstate(all="ignore"):
        expected = _as_tuple(np.gradient(f, *varargs, edge_order=edge_order))
    got = _as_tuple(numpy_gradient(f, *varargs, edge_order=edge_order))
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(np.isnan(g), np.isnan(e))
        np.testing.assert_array_equal(np.isposinf(g), np.isposinf(e))
        np.testing.assert_array_equal(np.isneginf(g), np.isneginf(e))
        live = np.isfinite(e)
        # finite outputs read finite samples only, all of magnitude <= 10
        assert_close(g[live], e[live], rtol=RTOL, atol=atol_for(RTOL, 10.0, 6.0 / 0.5))
