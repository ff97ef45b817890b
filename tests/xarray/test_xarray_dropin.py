"""gradkit.xarray.differentiate against xarray's own differentiate (the oracle).

Random objects (dims, sizes, dtypes, index and non-index coordinates, dims
without coordinates, datetime64 and cftime coordinates, Datasets with mixed
variables, NumPy- and Dask-backed) go through both; the results must be
``xarray.testing.assert_identical`` (values bit for bit, dtype, dims,
coordinates, name, attributes), Dask results must stay lazy with xarray's
chunks, and where xarray raises, the drop-in raises the same type with a
message that starts with xarray's.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

xr = pytest.importorskip("xarray")
cftime = pytest.importorskip("cftime")
pytest.importorskip("dask.array")
from xarray.testing import assert_identical  # noqa: E402

from gradkit.xarray import differentiate  # noqa: E402

SETTINGS = settings(
    max_examples=60, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
DIMS = ("x", "y", "t")
UNITS = ("D", "h", "s", "ms")


@st.composite
def axis_coordinates(draw, n):
    """Coordinates of n samples: (kind, values or None)."""
    kind = draw(st.sampled_from(["float", "uniform", "int", "float32", "none", "datetime", "datetime_s", "timedelta", "cftime"]))
    if kind == "none":
        return kind, None
    if kind == "uniform":
        start, step = draw(st.sampled_from([0.0, -1.5, 10.0])), draw(st.sampled_from([0.25, 0.1, -2.0, 3.0]))
        return kind, start + step * np.arange(n)
    ticks = draw(st.lists(st.integers(-10**6, 10**6), min_size=n, max_size=n, unique=True))
    if draw(st.booleans()):
        ticks = sorted(ticks)
    ticks = np.array(ticks)
    if kind == "float":
        return kind, ticks * draw(st.sampled_from([1e-3, 0.37, 1e3]))
    if kind == "float32":
        return kind, (ticks * 1e-3).astype(np.float32)
    if kind == "int":
        return kind, ticks
    if kind == "datetime":  # nanoseconds: xarray's float64 offset is rounded
        return kind, np.datetime64("2001-02-03T04:05:06", "ns") + ticks * np.timedelta64(3_600_000_000_123, "ns")
    if kind == "timedelta":
        return kind, ticks * np.timedelta64(90, "s")
    if kind == "datetime_s":
        return kind, np.datetime64("1999-12-31", "s") + ticks * np.timedelta64(61, "s")
    calendar = draw(st.sampled_from(["standard", "noleap", "360_day"]))
    return kind, cftime.num2date(np.abs(ticks) % 40000 + np.arange(n) * 40000, "hours since 2000-01-01", calendar)


DTYPES = st.sampled_from([np.float64, np.float32, np.float16, np.int64, np.complex128, bool, "M8[ns]"])


@st.composite
def data_arrays(draw):
    ndim = draw(st.integers(1, 3))
    dims = DIMS[:ndim]
    sizes = draw(st.lists(st.integers(2, 9), min_size=ndim, max_size=ndim))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    dtype = draw(DTYPES)
    values = rng.normal(size=sizes) * 10
    if dtype is bool:
        values = values > 0
    elif dtype == "M8[ns]":  # datetime data: converted like the coordinates
        values = np.datetime64("2010-01-01", "ns") + (values * 1e13).astype(np.int64) * np.timedelta64(1, "ns")
        dtype = values.dtype
    elif dtype is np.complex128:
        values = values + 1j * rng.normal(size=sizes)
    values = values.astype(dtype)
    coords = {}
    kinds = {}
    for dim, n in zip(dims, sizes):
        kind, c = draw(axis_coordinates(n))
        kinds[dim] = kind
        if c is None:
            continue
        if draw(st.integers(0, 3)) == 2:  # a 1-D non-index coordinate along the dim
            coords[f"{dim}_aux"] = (dim, c, {"units": "m"})
        else:
            coords[dim] = (dim, c, {"units": "m"})
    coords["scalar"] = 3
    if ndim >= 2:
        coords["two_d"] = (dims[:2], rng.random(sizes[:2]))
    da = xr.DataArray(values, dims=dims, coords=coords, name=draw(st.sampled_from(["T", None, 0])),
                      attrs={"units": "K", "long_name": "temperature"})
    return da


def _chunked(draw, obj):
    """Random chunks, mostly long enough for the edges (Dask's errors now and then)."""
    chunks = {}
    for d, n in obj.sizes.items():
        if draw(st.integers(0, 7)) == 5:  # now and then (not 0: hypothesis favours it)
            chunks[d] = draw(st.integers(1, n))  # any size: Dask may refuse it
        elif n >= 6 and draw(st.booleans()):
            k = draw(st.integers(3, n - 3))
            chunks[d] = (k, n - k)
        else:
            chunks[d] = n
    return obj.chunk(chunks)


def _pick_coord(draw, obj):
    names = [c for c in obj.coords if obj[c].ndim == 1] + [d for d in obj.dims if d not in obj.coords]
    if draw(st.integers(0, 9)) == 7:  # now and then, xarray's errors: 2-D, 0-D and unknown names
        names = ["two_d", "scalar", "nowhere"]
    return draw(st.sampled_from(sorted(map(str, names))))


def _compare(obj, coord, edge_order, datetime_unit, no_compute):
    try:
        want = obj.differentiate(coord, edge_order, datetime_unit)
    except Exception as exc:  # xarray refuses: the drop-in must refuse the same way
        with pytest.raises(type(exc)) as info:
            differentiate(obj, coord, edge_order, datetime_unit)
        assert str(info.value).startswith(str(exc)), (str(info.value), str(exc))
        return None
    lazy = obj.chunks is not None and bool(obj.chunks)
    if lazy:
        with no_compute():
            got = differentiate(obj, coord, edge_order, datetime_unit)
        for name in getattr(want, "data_vars", [None]):
            g, w = (got, want) if name is None else (got[name], want[name])
            assert g.chunks == w.chunks, name
    else:
        got = differentiate(obj, coord, edge_order, datetime_unit)
    assert_identical(got.compute(), want.compute())
    return got


@SETTINGS
@given(data=st.data())
def test_dataarray_identical_to_xarray(data, no_compute):
    da = data.draw(data_arrays())
    if data.draw(st.sampled_from(["numpy", "dask", "dask"])) == "dask":
        da = _chunked(data.draw, da)
    coord = _pick_coord(data.draw, da)
    edge_order = data.draw(st.sampled_from([1, 2]))
    unit = data.draw(st.sampled_from([None, *UNITS]))
    original = da.copy(deep=True)
    _compare(da, coord, edge_order, unit, no_compute)
    assert_identical(da, original)  # the input is not modified


@SETTINGS
@given(data=st.data())
def test_dataset_with_mixed_variables_identical_to_xarray(data, no_compute):
    da = data.draw(data_arrays())
    dims = da.dims
    rng = np.random.default_rng(1)
    n0 = da.sizes[dims[0]]
    ds = xr.Dataset(
        {
            "main": da.rename(None) if da.name is not None else da,
            "ints": (dims[0], np.arange(n0) ** 2, {"units": "m"}),
            "other": ("elsewhere", rng.random(4)),
            "scalar_var": ((), 2.5),
            "when": (dims[0], np.datetime64("2020-01-01", "ns") + np.arange(n0) ** 2 * np.timedelta64(7, "h")),
        },
        attrs={"title": "mixed"},
    )
    if data.draw(st.sampled_from(["numpy", "dask", "dask"])) == "dask":
        ds = _chunked(data.draw, ds)
    coord = _pick_coord(data.draw, ds)
    if data.draw(st.integers(0, 5)) == 3:
        coord = "ints"  # a data variable as the coordinate, as xarray allows
    edge_order = data.draw(st.sampled_from([1, 2]))
    unit = data.draw(st.sampled_from([None, *UNITS]))
    got = _compare(ds, coord, edge_order, unit, no_compute)
    if got is not None:
        assert list(got.variables) == list(ds.variables)


@pytest.mark.parametrize("edge_order", [1, 2])
@pytest.mark.parametrize("chunks", [None, {"x": (7, 6)}, {"x": (3, 3, 7)}, {"x": 5, "y": 2}])
def test_dask_blocks_reproduce_dask_per_block_arithmetic(edge_order, chunks):
    # Coordinates evenly spaced inside some Dask blocks and not across the
    # axis: Dask's per-block numpy.gradient uses the uniform formula there,
    # whose last bits differ from the whole-axis non-uniform formula. xarray's
    # values are Dask's, and so are the drop-in's.
    x = np.concatenate([np.arange(7) * 3.0, 18 + np.cumsum([1.3, 0.1, 2.7, 0.2, 0.5, 0.3])])
    da = xr.DataArray(np.random.default_rng(3).normal(size=(13, 4)), dims=("x", "y"), coords={"x": x})
    if chunks:
        da = da.chunk(chunks)
    want = da.differentiate("x", edge_order).compute()
    assert_identical(differentiate(da, "x", edge_order).compute(), want)
    if chunks and chunks["x"] != (7, 6):  # the case is not vacuous: Dask's bits are not numpy's
        assert (want.values != da.compute().differentiate("x", edge_order).values).any()


def test_every_cftime_calendar_and_datetime_unit():
    for calendar in ["standard", "gregorian", "noleap", "all_leap", "360_day", "julian"]:
        time = xr.date_range("2000-01-01", periods=9, freq="17D", calendar=calendar, use_cftime=True)
        da = xr.DataArray(np.arange(9.0) ** 2, dims="time", coords={"time": time})
        for unit in [None, "W", "D", "h", "m", "s", "ms", "us", "ns"]:
            assert_identical(differentiate(da, "time", datetime_unit=unit), da.differentiate("time", datetime_unit=unit))


@pytest.mark.parametrize("unit", ["Y", "M"])
@pytest.mark.parametrize("kind", ["datetime", "cftime"])
def test_years_and_months_are_refused_as_xarray_refuses_them(unit, kind):
    time = (
        np.datetime64("2000-01-01", "ns") + np.arange(5) * np.timedelta64(40, "D")
        if kind == "datetime"
        else xr.date_range("2000", periods=5, freq="MS", use_cftime=True)
    )
    da = xr.DataArray(np.arange(5.0), dims="time", coords={"time": time})
    with pytest.raises(TypeError) as want:
        da.differentiate("time", datetime_unit=unit)
    with pytest.raises(TypeError) as got:
        differentiate(da, "time", datetime_unit=unit)
    assert str(got.value) == str(want.value)


def test_nat_in_a_datetime_coordinate_as_xarray():
    time = np.array(["2000-01-01", "NaT", "2000-01-05", "2000-01-09"], dtype="datetime64[ns]")
    da = xr.DataArray(np.arange(4.0) ** 2, dims="t", coords={"time": ("t", time)})
    with np.errstate(all="ignore"):
        try:
            want = da.differentiate("time", datetime_unit="D")
        except ValueError:  # pragma: no cover - depends on numpy's view of NaN steps
            want = None
        if want is None:
            pytest.skip("xarray refuses NaT coordinates here")
        with pytest.raises(ValueError, match="time|coordinate|finite|NaN"):
            differentiate(da, "time", datetime_unit="D")  # numpy_gradient's deliberate difference


@pytest.mark.parametrize(
    "edge_order, error, xarray_text",
    [(3, ValueError, "'edge_order' greater than 2 not supported"), (0, ValueError, None),
     (1.5, ValueError, None), ("1", TypeError, None)],
)
@pytest.mark.parametrize("dask", [False, True])
def test_edge_order_errors(edge_order, error, xarray_text, dask):
    da = xr.DataArray(np.arange(6.0) ** 2, dims="x", coords={"x": np.arange(6.0)})
    if dask:
        da = da.chunk(x=3)
        xarray_text = xarray_text and "edge_order must be less than or equal to 2."
    with pytest.raises(error, match="edge_order") as info:
        differentiate(da, "x", edge_order)
    if xarray_text:
        assert str(info.value).startswith(xarray_text)
        with pytest.raises(ValueError, match=xarray_text.replace("'", ".")):
            da.differentiate("x", edge_order)


def test_a_dask_coordinate_is_refused_as_dask_refuses_it():
    da = xr.DataArray(np.arange(6.0), dims="x", coords={"xc": ("x", np.arange(6.0) ** 2)}).chunk(x=3)
    assert da["xc"].chunks is not None
    with pytest.raises(NotImplementedError) as want:
        da.differentiate("xc")
    with pytest.raises(NotImplementedError) as got:
        differentiate(da, "xc")
    assert str(got.value) == str(want.value)


def test_other_duck_arrays_go_to_what_xarray_calls():
    pint = pytest.importorskip("pint")
    ureg = pint.UnitRegistry()
    q = ureg.Quantity(np.arange(5.0) ** 2, "K")
    da = xr.DataArray(q, dims="x", coords={"x": np.arange(5.0)})
    got, want = differentiate(da, "x"), da.differentiate("x")
    assert type(got.data) is type(want.data)
    assert got.data.units == want.data.units
    np.testing.assert_array_equal(got.data.magnitude, want.data.magnitude)


@pytest.mark.parametrize("keep_attrs", [True, False, "default"])
def test_keep_attrs_option_as_xarray(keep_attrs):
    da = xr.DataArray(np.arange(6.0) ** 2, dims="x", coords={"x": ("x", np.arange(6.0), {"units": "m"})},
                      attrs={"units": "K"}, name="T")
    ds = da.to_dataset().assign_attrs(title="t")
    with xr.set_options(keep_attrs=keep_attrs):
        for obj in (da, ds, da.chunk(x=3)):
            assert_identical(differentiate(obj, "x").compute(), obj.differentiate("x").compute())


def test_not_an_xarray_object():
    with pytest.raises(TypeError, match="obj must be an xarray DataArray or Dataset"):
        differentiate(np.arange(3.0), "x")


def test_accessor_differentiate_is_the_drop_in():
    da = xr.DataArray(np.arange(5.0) ** 3, dims="x", coords={"x": [0.0, 0.5, 2.0, 2.5, 4.0]})
    assert_identical(da.gradkit.differentiate("x", 2), da.differentiate("x", 2))
    assert_identical(da.to_dataset(name="v").gradkit.differentiate("x"), da.to_dataset(name="v").differentiate("x"))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("chunks", [None, {"lat": 37, "lon": 100}])
def test_a_larger_field_through_the_compiled_kernel(dtype, chunks):
    rng = np.random.default_rng(11)
    lat = np.sort(rng.uniform(-80, 80, 181))
    da = xr.DataArray(rng.normal(size=(181, 360)).astype(dtype), dims=("lat", "lon"),
                      coords={"lat": lat, "lon": np.arange(360.0)})
    if chunks:
        da = da.chunk(chunks)
    for coord in ("lat", "lon"):
        for edge_order in (1, 2):
            assert_identical(differentiate(da, coord, edge_order).compute(), da.differentiate(coord, edge_order).compute())
