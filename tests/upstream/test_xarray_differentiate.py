# Upstream: xarray xarray/tests/test_dataset.py, test_differentiate
# (edge_order 1, 2), test_differentiate_datetime, test_differentiate_cftime,
# each with use_dask False/True; xarray 2026.9.0 (the installed wheel's copy
# of that file).
#
# xarray's Dataset.differentiate / DataArray.differentiate call
# xarray.core.duck_array_ops.gradient, which calls `xp.gradient` with xp the
# array's namespace (numpy for NumPy data and, since dask arrays have no
# __array_namespace__, for dask data too, where numpy then dispatches to
# dask.array.gradient, whose block kernel calls numpy.gradient).
# Each upstream test body runs twice: once as xarray ships it, and once with
# duck_array_ops.gradient replaced (pytest's monkeypatch) by
# gradkit.compat.numpy_gradient -- for dask-backed data by dask.array.gradient
# with numpy.gradient itself replaced by the drop-in, so that the data stay
# lazy and dask's kernel calls the drop-in, as numpy's dispatch would.
# Every result of the patched run must be xarray.testing.assert_identical to
# the unpatched one.  Upstream's own assertions are kept on the patched run;
# their `expected` side uses the original numpy.gradient.
# Datetime/cftime coordinates reach the gradient already converted to floats
# (Variable._to_numeric), so gradkit's datetime rounding is not involved.
"""xarray's ``differentiate`` tests with gradkit's numpy drop-in as xarray's gradient."""

from __future__ import annotations

import numpy as np
import pytest

xr = pytest.importorskip("xarray")
from xarray.testing import assert_allclose, assert_equal, assert_identical  # noqa: E402

import xarray.core.duck_array_ops as duck_array_ops  # noqa: E402
from gradkit.compat import numpy_gradient  # noqa: E402

ORIGINAL_NP_GRADIENT = np.gradient


@pytest.fixture(params=[False, True], ids=["numpy", "dask"])
def use_dask(request):
    if request.param:
        pytest.importorskip("dask.array")
    return request.param


def assert_all_identical(patched, original):
    """assert_identical for every result; the message names every result that differs."""
    differing = {}
    for key in original:
        try:
            assert_identical(patched[key], original[key].compute())
        except AssertionError as exc:
            got, want = patched[key].values, original[key].compute().values
            bad = np.argwhere(got != want)
            differing[key] = (
                f"{len(bad)}/{got.size} values differ, at {bad[:6].tolist()}; "
                f"max |diff| {np.max(np.abs(got - want)):.3g}, max |value| {np.max(np.abs(want)):.3g}"
                if got.shape == want.shape
                else str(exc)
            )
    assert not differing, "not identical to xarray's own result:\n" + "\n".join(
        f"  {k}: {v}" for k, v in differing.items()
    )


def _patch_gradient(monkeypatch):
    """Route xarray's gradient (and dask's kernel) to the drop-in; count the calls."""
    calls = []

    def drop_in(*args, **kwargs):
        calls.append(1)
        return numpy_gradient(*args, **kwargs)

    def xarray_gradient(f, *varargs, axis=None, edge_order=1):
        try:
            import dask.array as dsa
        except ImportError:  # pragma: no cover - dask is optional here
            dsa = None
        if dsa is not None and isinstance(f, dsa.Array):
            return dsa.gradient(f, *varargs, axis=axis, edge_order=edge_order)
        return drop_in(f, *varargs, axis=axis, edge_order=edge_order)

    monkeypatch.setattr(np, "gradient", drop_in)
    monkeypatch.setattr(duck_array_ops, "gradient", xarray_gradient)
    return calls


def _run_patched(monkeypatch, original, scenario, *args):
    """The scenario with the drop-in; dask results stay lazy, then compute under the patch."""
    calls = _patch_gradient(monkeypatch)
    try:
        results = scenario(*args)
        assert {k: v.chunks is None for k, v in results.items()} == {
            k: v.chunks is None for k, v in original.items()
        }, "the patched run changed which results are dask-backed"
        results = {k: v.compute() for k, v in results.items()}
    finally:
        monkeypatch.undo()
    assert calls, "xarray did not call the drop-in"
    return results


# ---------------------------------------------------------------------------
# test_differentiate
# ---------------------------------------------------------------------------
def _differentiate_inputs(use_dask):
    rs = np.random.default_rng(42)
    coord = [0.2, 0.35, 0.4, 0.6, 0.7, 0.75, 0.76, 0.8]
    da = xr.DataArray(
        rs.random((8, 6)),
        dims=["x", "y"],
        coords={"x": coord, "z": 3, "x2d": (("x", "y"), rs.random((8, 6)))},
    )
    if use_dask:
        da = da.chunk({"x": 4})
    return da, xr.Dataset({"var": da})


def _differentiate(use_dask, edge_order):
    da, ds = _differentiate_inputs(use_dask)
    out = {
        "da.x": da.differentiate("x", edge_order),
        "ds.var.x": ds["var"].differentiate("x", edge_order=edge_order),
        "ds.x.var": ds.differentiate("x", edge_order=edge_order)["var"],
        "da.y": da.differentiate("y", edge_order),
        "ds.var.y": ds["var"].differentiate("y", edge_order=edge_order),
        "ds.y.var": ds.differentiate("y", edge_order=edge_order)["var"],
    }
    with pytest.raises(ValueError):
        da.differentiate("x2d")
    return out


@pytest.mark.parametrize("edge_order", [1, 2])
def test_differentiate(use_dask, edge_order, monkeypatch):
    original = _differentiate(use_dask, edge_order)
    patched = _run_patched(monkeypatch, original, _differentiate, use_dask, edge_order)
    assert_all_identical(patched, original)

    # upstream's assertions, on the patched results
    da, _ = _differentiate_inputs(use_dask)
    expected_x = xr.DataArray(
        ORIGINAL_NP_GRADIENT(da, da["x"], axis=0, edge_order=edge_order), dims=da.dims, coords=da.coords
    )
    assert_equal(expected_x, patched["da.x"])
    assert_equal(patched["ds.var.x"], patched["ds.x.var"])
    assert_equal(da["x"], patched["da.x"]["x"])  # the coordinate is unchanged
    expected_y = xr.DataArray(
        ORIGINAL_NP_GRADIENT(da, da["y"], axis=1, edge_order=edge_order), dims=da.dims, coords=da.coords
    )
    assert_equal(expected_y, patched["da.y"])
    assert_equal(patched["da.y"], patched["ds.y.var"])
    assert_equal(patched["ds.var.y"], patched["ds.y.var"])


# ---------------------------------------------------------------------------
# test_differentiate_datetime
# ---------------------------------------------------------------------------
DATES = np.array(
    ["2004-07-13", "2006-01-13", "2010-08-13", "2010-09-13",
     "2010-10-11", "2010-12-13", "2011-02-13", "2012-08-13"],
    dtype="datetime64",
)


def _datetime_inputs(use_dask):
    rs = np.random.default_rng(42)
    da = xr.DataArray(
        rs.random((8, 6)),
        dims=["x", "y"],
        coords={"x": DATES, "z": 3, "x2d": (("x", "y"), rs.random((8, 6)))},
    )
    if use_dask:
        da = da.chunk({"x": 4})
    return da


def _differentiate_datetime(use_dask):
    da = _datetime_inputs(use_dask)
    ms = xr.DataArray(DATES.astype("datetime64[ms]"), dims=["x"], coords={"x": DATES})
    return {
        "D": da.differentiate("x", edge_order=1, datetime_unit="D"),
        "h": da.differentiate("x", edge_order=1, datetime_unit="h"),
        "coord.D": da["x"].differentiate("x", edge_order=1, datetime_unit="D"),
        "ms": ms.differentiate("x", edge_order=1),
    }


def test_differentiate_datetime(use_dask, monkeypatch):
    original = _differentiate_datetime(use_dask)
    patched = _run_patched(monkeypatch, original, _differentiate_datetime, use_dask)
    assert_all_identical(patched, original)

    # upstream's assertions, on the patched results
    da = _datetime_inputs(use_dask)
    expected_x = xr.DataArray(
        ORIGINAL_NP_GRADIENT(da, da["x"].variable._to_numeric(datetime_unit="D"), axis=0, edge_order=1),
        dims=da.dims,
        coords=da.coords,
    )
    assert_equal(expected_x, patched["D"])
    assert np.allclose(patched["D"], patched["h"] * 24)
    assert np.allclose(patched["coord.D"], 1.0)  # d(datetime)/d(datetime) in days
    assert np.allclose(patched["ms"], 1.0)  # another date unit


# ---------------------------------------------------------------------------
# test_differentiate_cftime
# ---------------------------------------------------------------------------
def _cftime_inputs(use_dask):
    rs = np.random.default_rng(42)
    coord = xr.date_range("2000", periods=8, freq="2ME", use_cftime=True)
    da = xr.DataArray(
        rs.random((8, 6)),
        coords={"time": coord, "z": 3, "t2d": (("time", "y"), rs.random((8, 6)))},
        dims=["time", "y"],
    )
    if use_dask:
        da = da.chunk({"time": 4})
    return da


def _differentiate_cftime(use_dask):
    da = _cftime_inputs(use_dask)
    return {
        "D": da.differentiate("time", edge_order=1, datetime_unit="D"),
        "h": da.differentiate("time", edge_order=1, datetime_unit="h"),
        "time.D": da["time"].differentiate("time", edge_order=1, datetime_unit="D"),
    }


def test_differentiate_cftime(use_dask, monkeypatch):
    pytest.importorskip("cftime")
    original = _differentiate_cftime(use_dask)
    patched = _run_patched(monkeypatch, original, _differentiate_cftime, use_dask)
    assert_all_identical(patched, original)

    # upstream's assertions, on the patched results
    da = _cftime_inputs(use_dask)
    expected_data = ORIGINAL_NP_GRADIENT(
        da, da["time"].variable._to_numeric(datetime_unit="D"), axis=0, edge_order=1
    )
    assert_equal(xr.DataArray(expected_data, coords=da.coords, dims=da.dims), patched["D"])
    assert_allclose(patched["D"], patched["h"] * 24)
    assert_allclose(patched["time.D"], xr.ones_like(da["time"]).astype(float))
