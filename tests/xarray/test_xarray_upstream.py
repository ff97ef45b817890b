# Upstream: xarray, xarray/tests/test_dataset.py -- test_differentiate
# (edge_order 1 and 2), test_differentiate_datetime, test_differentiate_cftime,
# each with and without Dask (xarray 2026.9.0, the installed wheel's copy).
# Written afresh with every `obj.differentiate(...)` call replaced by the
# drop-in `differentiate(obj, ...)`; upstream's expectations (numpy.gradient
# on the raw values, xarray's own datetime conversion) are kept as they are,
# and each result is also held identical to xarray's own differentiate.
"""xarray's own differentiate tests, run through gradkit.xarray.differentiate."""

from __future__ import annotations

import numpy as np
import pytest

xr = pytest.importorskip("xarray")
from xarray.testing import assert_allclose, assert_equal, assert_identical  # noqa: E402

from gradkit.xarray import differentiate  # noqa: E402


@pytest.fixture(params=[False, True], ids=["numpy", "dask"])
def use_dask(request):
    if request.param:
        pytest.importorskip("dask.array")
    return request.param


def _checked(obj, *args, **kwargs):
    """The drop-in's result, held identical to xarray's own."""
    got = differentiate(obj, *args, **kwargs)
    assert (got.chunks is None) == (obj.differentiate(*args, **kwargs).chunks is None)
    assert_identical(got.compute(), obj.differentiate(*args, **kwargs).compute())
    return got


@pytest.mark.parametrize("edge_order", [1, 2])
def test_differentiate(use_dask, edge_order):
    rs = np.random.default_rng(42)
    coord = [0.2, 0.35, 0.4, 0.6, 0.7, 0.75, 0.76, 0.8]
    da = xr.DataArray(
        rs.random((8, 6)), dims=["x", "y"], coords={"x": coord, "z": 3, "x2d": (("x", "y"), rs.random((8, 6)))}
    )
    if use_dask:
        da = da.chunk({"x": 4})
    ds = xr.Dataset({"var": da})

    actual = _checked(da, "x", edge_order)  # along x
    expected_x = xr.DataArray(np.gradient(da, da["x"], axis=0, edge_order=edge_order), dims=da.dims, coords=da.coords)
    assert_equal(expected_x, actual)
    assert_equal(_checked(ds["var"], "x", edge_order=edge_order), _checked(ds, "x", edge_order=edge_order)["var"])
    assert_equal(da["x"], actual["x"])  # the coordinate does not change

    actual = _checked(da, "y", edge_order)  # along y
    expected_y = xr.DataArray(np.gradient(da, da["y"], axis=1, edge_order=edge_order), dims=da.dims, coords=da.coords)
    assert_equal(expected_y, actual)
    assert_equal(actual, _checked(ds, "y", edge_order=edge_order)["var"])
    assert_equal(_checked(ds["var"], "y", edge_order=edge_order), _checked(ds, "y", edge_order=edge_order)["var"])

    with pytest.raises(ValueError):
        differentiate(da, "x2d")


def test_differentiate_datetime(use_dask):
    rs = np.random.default_rng(42)
    coord = np.array(
        ["2004-07-13", "2006-01-13", "2010-08-13", "2010-09-13", "2010-10-11", "2010-12-13", "2011-02-13", "2012-08-13"],
        dtype="datetime64",
    )
    da = xr.DataArray(
        rs.random((8, 6)), dims=["x", "y"], coords={"x": coord, "z": 3, "x2d": (("x", "y"), rs.random((8, 6)))}
    )
    if use_dask:
        da = da.chunk({"x": 4})

    actual = _checked(da, "x", edge_order=1, datetime_unit="D")
    expected_x = xr.DataArray(
        np.gradient(da, da["x"].variable._to_numeric(datetime_unit="D"), axis=0, edge_order=1),
        dims=da.dims,
        coords=da.coords,
    )
    assert_equal(expected_x, actual)
    actual2 = _checked(da, "x", edge_order=1, datetime_unit="h")
    assert np.allclose(actual, actual2 * 24)

    actual = _checked(da["x"], "x", edge_order=1, datetime_unit="D")  # a datetime variable itself
    assert np.allclose(actual, 1.0)

    da = xr.DataArray(coord.astype("datetime64[ms]"), dims=["x"], coords={"x": coord})  # another date unit
    actual = _checked(da, "x", edge_order=1)
    assert np.allclose(actual, 1.0)


def test_differentiate_cftime(use_dask):
    pytest.importorskip("cftime")
    rs = np.random.default_rng(42)
    coord = xr.date_range("2000", periods=8, freq="2ME", use_cftime=True)
    da = xr.DataArray(
        rs.random((8, 6)),
        coords={"time": coord, "z": 3, "t2d": (("time", "y"), rs.random((8, 6)))},
        dims=["time", "y"],
    )
    if use_dask:
        da = da.chunk({"time": 4})

    actual = _checked(da, "time", edge_order=1, datetime_unit="D")
    expected_data = np.gradient(da, da["time"].variable._to_numeric(datetime_unit="D"), axis=0, edge_order=1)
    assert_equal(xr.DataArray(expected_data, coords=da.coords, dims=da.dims), actual)
    actual2 = _checked(da, "time", edge_order=1, datetime_unit="h")
    assert_allclose(actual, actual2 * 24)

    actual = _checked(da["time"], "time", edge_order=1, datetime_unit="D")  # the dates themselves
    assert_allclose(actual, xr.ones_like(da["time"]).astype(float))
