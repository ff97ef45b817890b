"""Dask arrays through gradkit.compat.numpy_gradient, and masked Dask arrays.

numpy_gradient: ``numpy.gradient`` itself, given a Dask array, hands it to
``dask.array.gradient`` (``__array_function__``) and returns lazy Dask
arrays; the drop-in does the same, with numpy.gradient's bits on the
computed array (the oracle: numpy.gradient on the NumPy array,
``assert_array_equal``, dtype included), or refuses clearly when the call is
made where numpy's arithmetic is not reproduced block by block.

Masked Dask arrays (Dask arrays of np.ma blocks): gradkit.gradient and
gradkit.derivative follow numpy's mask rule, lazily: an output is masked
where its stencil reads a masked sample. Oracles: gradkit on the computed
masked NumPy array (data and mask, bit for bit) and numpy.gradient's mask
and unmasked values.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gradkit
from gradkit.compat import numpy_gradient

from dask_strategies import chunkings

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")


def _sync(x):
    with dask.config.set(scheduler="sync"):
        return x.compute()


def _tuple(x):
    return x if isinstance(x, tuple) else (x,)


# ---------------------------------------------------------------------------
# numpy_gradient
# ---------------------------------------------------------------------------
DTYPES = ["float64", "float32", "float16", "complex128", "complex64", "int64", "int32", "uint8"]


@st.composite
def numpy_cases(draw):
    dtype = np.dtype(draw(st.sampled_from(DTYPES)))
    ndim = draw(st.integers(1, 3))
    shape = tuple(draw(st.lists(st.integers(3, 9), min_size=ndim, max_size=ndim)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if dtype.kind in "iu":
        data = rng.integers(0, 100, shape).astype(dtype)
    else:
        data = (rng.standard_normal(shape) * 10).astype(dtype)
        if dtype.kind == "c":
            data = data + 1j * (rng.standard_normal(shape) * 10).astype(dtype)
    chunks = tuple(draw(chunkings(n)) for n in shape)
    axis = draw(st.sampled_from([None, *range(ndim), tuple(range(ndim))[::-1]]))
    axes = list(range(ndim)) if axis is None else [axis] if isinstance(axis, int) else list(axis)
    edge_order = draw(st.sampled_from([1, 2, 3]))
    coords_ok = dtype == np.float64 or edge_order > 2

    def spacing(n):
        kinds = ["float", "int", "np64", "np32"] + (["coords", "uniform-coords"] if coords_ok else [])
        kind = draw(st.sampled_from(kinds))
        return {
            "float": draw(st.sampled_from([0.3, -1.5, 2.0])),
            "int": 3,
            "np64": np.float64(0.7),
            "np32": np.float32(0.3),
            "coords": np.cumsum(rng.uniform(0.5, 1.5, n)),
            "uniform-coords": 0.25 * np.arange(n),
        }[kind]

    how = draw(st.sampled_from(["none", "one", "each"]))
    varargs = {"none": (), "one": (spacing(0) if not coords_ok else draw(st.sampled_from([0.5, 2]))),
               "each": tuple(spacing(shape[a]) for a in axes)}[how]
    varargs = varargs if isinstance(varargs, tuple) else (varargs,)
    return data, chunks, varargs, axis, edge_order


@settings(max_examples=120, deadline=None, derandomize=True, database=None)
@given(numpy_cases())
def test_numpy_gradient_on_dask_is_lazy_with_numpys_bits(case):
    data, chunks, varargs, axis, edge_order = case
    lazy = da.from_array(data, chunks=chunks)
    kw = {} if axis is None else {"axis": axis}
    # edge_order > 2 is gradkit's wider edges: the oracle is the drop-in on the NumPy array.
    oracle = np.gradient if edge_order <= 2 else numpy_gradient
    try:
        want = oracle(data, *varargs, edge_order=edge_order, **kw)
    except ValueError as exc:  # too few samples for the edge order: the same error, at the call
        with pytest.raises(ValueError) as got:
            numpy_gradient(lazy, *varargs, edge_order=edge_order, **kw)
        assert str(exc) in str(got.value)
        return
    got = numpy_gradient(lazy, *varargs, edge_order=edge_order, **kw)
    assert isinstance(got, tuple) == isinstance(want, tuple)
    for g, w in zip(_tuple(got), _tuple(want)):
        assert isinstance(g, da.Array)
        assert g.dtype == w.dtype
        np.testing.assert_array_equal(_sync(g), w, strict=True)


def test_numpy_gradient_on_dask_computes_nothing_at_call_time():
    def explode(block):
        raise AssertionError("the data were computed")

    f = da.ones((8, 6), chunks=(3, 2)).map_blocks(explode, dtype=float)
    out = numpy_gradient(f, 0.5, 2.0, edge_order=2)
    assert all(isinstance(o, da.Array) for o in out)
    with pytest.raises(AssertionError, match="the data were computed"):
        _sync(out[0])


@pytest.mark.parametrize(
    "make, args, match",
    [
        (lambda: da.ma.masked_array(da.ones((6, 4), chunks=3), mask=da.zeros((6, 4), bool, chunks=3)), (),
         "masked Dask array"),
        (lambda: da.from_array(np.arange(6).astype("datetime64[D]"), chunks=3), (), "dtype datetime64"),
        (lambda: da.ones(6, dtype=np.float32, chunks=3), (np.cumsum(np.arange(1.0, 7)),),
         "float64 coordinates with float64 data only"),
        (lambda: da.ones(6, dtype=np.float64, chunks=3), (np.cumsum(np.arange(1.0, 7)).astype(np.float32),),
         "float64 coordinates with float64 data only"),
    ],
    ids=["masked", "datetime", "float32-data-float64-coords", "float32-coords"],
)
def test_numpy_gradient_on_dask_refuses_clearly_at_call_time(make, args, match):
    with pytest.raises(TypeError, match=match):
        numpy_gradient(make(), *args)


def test_numpy_gradient_on_dask_errors_are_numpys():
    x = np.ones((2, 5))
    for call in (lambda f: numpy_gradient(f, edge_order=2), lambda f: numpy_gradient(f, 1.0, 2.0, 3.0),
                 lambda f: numpy_gradient(f, axis=2)):
        with pytest.raises((ValueError, TypeError, IndexError)) as eager:
            call(x)
        with pytest.raises(type(eager.value)) as lazy:
            call(da.from_array(x, chunks=1))
        assert str(lazy.value) == str(eager.value)


# ---------------------------------------------------------------------------
# masked Dask arrays
# ---------------------------------------------------------------------------
@st.composite
def masked_cases(draw):
    ndim = draw(st.integers(1, 2))
    shape = tuple(draw(st.lists(st.integers(7, 10), min_size=ndim, max_size=ndim)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    dtype = draw(st.sampled_from(["float64", "float32", "complex128"]))
    data = rng.standard_normal(shape).astype(dtype)
    kind = draw(st.sampled_from(["nomask", "none-masked", "some", "nan-under-mask"]))
    mask = rng.random(shape) < 0.15 if kind in ("some", "nan-under-mask") else np.zeros(shape, bool)
    if kind == "nan-under-mask":
        data[mask] = np.nan  # garbage under the mask must not leak
    chunks = tuple(draw(chunkings(n)) for n in shape)
    kw = draw(st.sampled_from([{}, {"edge_order": 2}, {"accuracy": 4}, {"boundary": "periodic"}]))
    axis = draw(st.integers(0, ndim - 1))
    order = draw(st.integers(1, 2))
    return data, mask, kind, chunks, kw, axis, order


def _masked_dask(data, mask, kind, chunks):
    values = da.from_array(data, chunks=chunks)
    if kind == "nomask":
        return values.map_blocks(np.ma.masked_array), np.ma.MaskedArray(data)
    return da.ma.masked_array(values, mask=da.from_array(mask, chunks=chunks)), np.ma.MaskedArray(data, mask=mask)


def _same_masked(got, want):
    assert isinstance(got, da.Array)
    value = _sync(got)
    assert isinstance(value, np.ma.MaskedArray)
    np.testing.assert_array_equal(np.ma.getmaskarray(value), np.ma.getmaskarray(want), strict=True)
    np.testing.assert_array_equal(np.ma.getdata(value), np.ma.getdata(want), strict=True)


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(masked_cases())
def test_masked_dask_follows_numpys_mask_rule_bit_for_bit(case):
    data, mask, kind, chunks, kw, axis, order = case
    lazy, eager = _masked_dask(data, mask, kind, chunks)
    for got, want in zip(gradkit.gradient(lazy, **kw), gradkit.gradient(eager, **kw)):
        _same_masked(got, want)
    _same_masked(gradkit.derivative(lazy, order, axis=axis, **kw), gradkit.derivative(eager, order, axis=axis, **kw))
    if data.ndim == 2:
        _same_masked(gradkit.derivative(lazy, (1, 1), axis=(0, 1), **kw),
                     gradkit.derivative(eager, (1, 1), axis=(0, 1), **kw))
        _same_masked(gradkit.laplacian(lazy), gradkit.laplacian(eager))
    if not kw:  # error estimates, masked like the values
        for got, want in zip(gradkit.gradient(lazy, error=True)[1], gradkit.gradient(eager, error=True)[1]):
            _same_masked(got, want)


@pytest.mark.parametrize("chunks", [(4, 3), (1, 1), (12, 10)], ids=["uneven", "ones", "single"])
def test_masked_dask_masks_are_numpy_gradients(chunks):
    # The independent oracle: numpy.gradient on the masked NumPy array.
    rng = np.random.default_rng(11)
    data = rng.standard_normal((12, 10))
    mask = rng.random((12, 10)) < 0.1
    data[mask] = np.nan
    eager = np.ma.MaskedArray(data, mask=mask)
    lazy = da.ma.masked_array(da.from_array(data, chunks=chunks), mask=da.from_array(mask, chunks=chunks))
    for edge_order in (1, 2):
        for got, want in zip(gradkit.gradient(lazy, spacing=(0.5, 2.0), edge_order=edge_order),
                             np.gradient(eager, 0.5, 2.0, edge_order=edge_order)):
            value = _sync(got)
            np.testing.assert_array_equal(np.ma.getmaskarray(value), np.ma.getmaskarray(want), strict=True)
            np.testing.assert_array_equal(value.filled(0.0), want.filled(0.0), strict=True)
    # derivative: a masked sample masks exactly the outputs whose stencils read it
    d2 = _sync(gradkit.derivative(lazy, 2, axis=1))
    probe = gradkit.derivative(np.where(mask, np.nan, 0.0), 2, axis=1)
    np.testing.assert_array_equal(np.ma.getmaskarray(d2), np.isnan(probe), strict=True)
    assert d2.mask.any() and not d2.mask.all()


def test_masked_dask_stays_lazy():
    def explode(block):
        raise AssertionError("the data were computed")

    values = da.ones((8, 6), chunks=(3, 2)).map_blocks(explode, dtype=float)
    lazy = da.ma.masked_array(values, mask=da.zeros((8, 6), bool, chunks=(3, 2)))
    results = (*gradkit.gradient(lazy), gradkit.derivative(lazy, 2, axis=0, accuracy=4))
    for r in results:
        assert isinstance(r, da.Array) and isinstance(r._meta, np.ma.MaskedArray)
        with pytest.raises(AssertionError, match="the data were computed"):
            _sync(r)


def test_explain_on_masked_dask_reads_the_mask_it_needs_only():
    x = np.random.default_rng(4).random((40, 6))
    m = np.zeros((40, 6), bool)
    m[5, 2] = m[30, 2] = True

    def far(block, block_info=None):
        if block_info[0]["chunk-location"][0] >= 2:  # rows 20 and on: never read for rows 6-12
            raise AssertionError("a chunk the stencil does not read was computed")
        return block

    data = da.from_array(x, chunks=(10, 6)).map_blocks(far, dtype=float)
    mask = da.from_array(m, chunks=(10, 6)).map_blocks(far, dtype=bool)
    lazy = da.ma.masked_array(data, mask=mask)
    eager = np.ma.MaskedArray(x, mask=m)
    for index in [(6, 2), (4, 2), (12, 2), (0, 0)]:
        assert str(gradkit.explain(lazy, index, axis=0)) == str(gradkit.explain(eager, index, axis=0))
    assert "masked" in str(gradkit.explain(lazy, (6, 2), axis=0))
