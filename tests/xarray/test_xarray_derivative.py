"""gradkit.xarray.derivative / gradient / the accessor, against independent oracles.

Oracles: gradkit.derivative on the raw values (the xarray layer must add
labels, never change a number), analytic derivatives of labelled fields
(convergence at the advertised order), xarray's own datetime conversion,
and xarray's differentiate (edge_order=1, accuracy=2 is its scheme).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

xr = pytest.importorskip("xarray")
from xarray.testing import assert_identical  # noqa: E402

import gradkit  # noqa: E402
import gradkit.xarray as gx  # noqa: E402

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


def field(nx=12, ny=5, chunks=None, rng=0):
    r = np.random.default_rng(rng)
    x = np.sort(r.uniform(0, 3, nx))
    da = xr.DataArray(
        r.normal(size=(nx, ny)),
        dims=("x", "y"),
        coords={"x": ("x", x, {"units": "m"}), "y": ("y", np.arange(ny) * 0.5, {"units": "s"}),
                "label": ("x", [f"p{i}" for i in range(nx)]), "z": 7},
        name="T",
        attrs={"units": "K", "long_name": "temperature"},
    )
    return da.chunk(chunks) if chunks else da


# ---------------------------------------------------------------------------
# values: exactly gradkit.derivative on the raw arrays
# ---------------------------------------------------------------------------
@SETTINGS
@given(order=st.integers(0, 3), accuracy=st.sampled_from([2, 4, 6]), edge=st.sampled_from([None, 1, 2, 3]),
       coord=st.sampled_from(["x", "y", "xs", "w"]), seed=st.integers(0, 2**31))
def test_values_are_gradkit_derivative_on_the_raw_values(order, accuracy, edge, coord, seed):
    r = np.random.default_rng(seed)
    n = 6 + order + accuracy
    x = np.sort(r.uniform(0, 2, n))
    da = xr.DataArray(r.normal(size=(4, n, 3)), dims=("w", "x", "y"),
                      coords={"x": x, "xs": ("x", x * 3.0), "y": [0.0, 0.1, 0.2]})
    axis = {"x": 1, "xs": 1, "y": 2, "w": 0}[coord]
    spacing = {"x": x, "xs": x * 3.0, "y": da["y"].values, "w": 1.0}[coord]
    if da.sizes[da[coord].dims[0] if coord in da.coords else coord] < order + max(accuracy, edge or 0) + 1:
        return  # too short for the stencil: the errors are tested elsewhere
    want = gradkit.derivative(da.values, order, spacing=spacing, axis=axis, accuracy=accuracy, edge_order=edge)
    got = gx.derivative(da, coord, order, accuracy=accuracy, edge_order=edge)
    np.testing.assert_array_equal(got.values, want)
    assert got.dims == da.dims and got.dtype == want.dtype


def test_mixed_partial_is_gradkit_derivative_on_the_raw_values():
    da = field(ny=9)
    want = gradkit.derivative(da.values, (1, 2), axis=(0, 1), spacing=(da["x"].values, da["y"].values), accuracy=4)
    got = gx.derivative(da, ("x", "y"), (1, 2), accuracy=4)
    np.testing.assert_array_equal(got.values, want)
    assert got.attrs["units"] == "K m-1 s-2"
    both = gx.derivative(da, ("y", "x"), (2, 1), accuracy=4)
    np.testing.assert_allclose(both.values, want, rtol=1e-9, atol=1e-9 * np.abs(want).max())


def test_edge_order_1_at_accuracy_2_is_xarrays_scheme():
    da = field()
    got = gx.derivative(da, "x", edge_order=1)
    want = da.differentiate("x")
    np.testing.assert_allclose(got.values, want.values, rtol=1e-12, atol=1e-12 * np.abs(want.values).max())


def test_a_dim_without_coordinate_is_differentiated_by_position():
    da = xr.DataArray(np.arange(10.0) ** 2, dims="n")
    np.testing.assert_array_equal(gx.derivative(da, "n").values, gradkit.derivative(da.values, 1, spacing=1.0))


@pytest.mark.parametrize("unit", [None, "D", "h", "s"])
@pytest.mark.parametrize("kind", ["datetime", "cftime"])
def test_datetime_coordinates_are_xarrays_numbers(kind, unit):
    if kind == "cftime":
        pytest.importorskip("cftime")
        time = xr.date_range("2000-01-01", periods=12, freq="5D", calendar="noleap", use_cftime=True)
    else:
        time = np.datetime64("2000-01-01T00:00:00", "ns") + np.cumsum(np.arange(1, 13)) * np.timedelta64(3, "h")
    da = xr.DataArray(np.random.default_rng(4).normal(size=12), dims="time", coords={"time": time},
                      attrs={"units": "K"})
    numbers = da["time"].variable._to_numeric(datetime_unit=unit or ("s" if kind == "cftime" else "ns")).values
    got = gx.derivative(da, "time", 2, accuracy=4, datetime_unit=unit)
    np.testing.assert_array_equal(got.values, gradkit.derivative(da.values, 2, spacing=numbers, accuracy=4))
    name = {"D": "day", "h": "hour", "s": "s", None: "s" if kind == "cftime" else "ns"}[unit]
    assert got.attrs["units"] == f"K {name}-2"


def test_mixed_partial_in_time_and_space_takes_the_datetime_unit():
    time = np.datetime64("2000-01-01", "ns") + np.arange(8) * np.timedelta64(6, "h")
    x = np.linspace(0.0, 1.0, 9)
    da = xr.DataArray(np.random.default_rng(2).normal(size=(8, 9)), dims=("time", "x"),
                      coords={"time": time, "x": ("x", x, {"units": "m"})}, attrs={"units": "K"})
    got = gx.derivative(da, ("time", "x"), (1, 1), datetime_unit="h")
    hours = np.arange(8) * 6.0
    np.testing.assert_array_equal(got.values, gradkit.derivative(da.values, (1, 1), axis=(0, 1), spacing=(hours, x)))
    assert got.attrs["units"] == "K hour-1 m-1"


# ---------------------------------------------------------------------------
# convergence on a labelled field
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("accuracy", [2, 4, 6])
@pytest.mark.parametrize("order", [1, 2])
def test_convergence_on_a_labelled_field(order, accuracy):
    errors, steps = [], []
    for n in (24, 48, 96):
        x = np.linspace(0.0, 2.0, n) + 0.3 * np.sin(np.linspace(0.0, 2.0, n)) / n  # non-uniform
        y = np.linspace(0.0, 1.0, 7)
        da = xr.DataArray(np.sin(3 * x)[:, None] * np.cos(y)[None, :], dims=("x", "y"), coords={"x": x, "y": y})
        exact = (3.0**order * (np.cos if order == 1 else lambda t: -np.sin(t))(3 * x))[:, None] * np.cos(y)[None, :]
        got = gx.derivative(da, "x", order, accuracy=accuracy)
        errors.append(float(np.abs(got.values - exact).max()))
        steps.append(float(np.diff(x).max()))
    observed = np.polyfit(np.log(steps), np.log(errors), 1)[0]
    assert observed > accuracy - 0.5, (errors, observed)


# ---------------------------------------------------------------------------
# metadata
# ---------------------------------------------------------------------------
def test_metadata_is_kept_and_units_become_the_derivatives():
    da = field()
    original = da.copy(deep=True)
    got = gx.derivative(da, "x", 2)
    assert got.name == "T" and got.dims == da.dims
    assert_identical(got.coords.to_dataset(), da.coords.to_dataset())
    assert got.attrs == {"units": "K m-2", "long_name": "temperature"}
    assert_identical(da, original)  # the input is untouched
    assert gx.derivative(da, "y").attrs["units"] == "K s-1"


def test_keep_attrs_option_is_followed():
    da = field()
    with xr.set_options(keep_attrs=False):
        assert gx.derivative(da, "x").attrs == {}
        assert gx.derivative(da.to_dataset(), "x").attrs == {}
    with xr.set_options(keep_attrs=True):
        assert gx.derivative(da, "x").attrs["units"] == "K m-1"


def test_units_unknown_when_the_coordinate_has_none():
    da = field()
    da["x"].attrs.clear()
    got = gx.derivative(da, "x")
    assert "units" not in got.attrs and got.attrs["long_name"] == "temperature"


def test_dataset_differentiates_the_variables_along_the_dim_and_keeps_the_others():
    da = field()
    ds = xr.Dataset({"T": da, "flat": ("y", np.arange(5.0)), "n": ("x", np.arange(12)), "c": ((), 3.0)},
                    attrs={"title": "t"})
    got = gx.derivative(ds, "x", accuracy=4)
    assert list(got.data_vars) == list(ds.data_vars) and got.attrs == {"title": "t"}
    assert_identical(got["flat"], ds["flat"])
    assert_identical(got["c"], ds["c"])
    np.testing.assert_array_equal(got["T"].values, gx.derivative(da, "x", accuracy=4).values)
    np.testing.assert_array_equal(got["n"].values, gradkit.derivative(np.arange(12), 1, spacing=da["x"].values, accuracy=4))
    with pytest.raises(ValueError, match="data variable '(flat|n)' has dims"):
        gx.derivative(ds, ("x", "y"), (1, 1))
    with pytest.raises(ValueError, match=r"'n' is a data variable: make it a coordinate with obj.set_coords\('n'\)"):
        gx.derivative(ds, "n")
    np.testing.assert_array_equal(
        gx.derivative(ds.set_coords("n"), "n")["T"].values,
        gradkit.derivative(da.values, 1, spacing=np.arange(12), axis=0),
    )


def test_gradient_returns_one_derivative_per_coordinate():
    da = field()
    g = gx.gradient(da, accuracy=4)
    assert list(g) == ["x", "y"]
    for name in g:
        assert_identical(g[name], gx.derivative(da, name, accuracy=4))
    g = da.gradkit.gradient(["y"], boundary="periodic")
    assert list(g) == ["y"]
    ds = da.to_dataset()
    assert_identical(ds.gradkit.gradient("x")["x"], gx.derivative(ds, "x"))
    with pytest.raises(TypeError, match="first derivatives"):
        gx.gradient(da, order=2)
    with pytest.raises(TypeError, match="unexpected keyword"):
        gx.gradient(da, accuracyy=2)


# ---------------------------------------------------------------------------
# periodic coordinates
# ---------------------------------------------------------------------------
def _ring(lon, units="degrees_east"):
    return xr.DataArray(np.cos(np.deg2rad(lon)) * 5, dims="lon", coords={"lon": ("lon", lon, {"units": units})},
                        attrs={"units": "K"})


@pytest.mark.parametrize("period", [360, "auto"])
def test_periodic_longitudes(period):
    lon = np.arange(0.0, 360.0, 7.5)
    da = _ring(lon)
    got = gx.derivative(da, "lon", boundary="periodic", period=period, accuracy=4)
    np.testing.assert_array_equal(
        got.values, gradkit.derivative(da.values, 1, spacing=lon, boundary="periodic", period=360, accuracy=4)
    )
    exact = -5 * np.deg2rad(1.0) * np.sin(np.deg2rad(lon))
    assert np.abs(got.values - exact).max() < 1e-5
    assert got.attrs["units"] == "K degrees_east-1"


def test_period_auto_on_non_uniform_longitudes_and_radians():
    lon = np.sort(np.random.default_rng(1).uniform(0, 360, 80))
    lon = lon[(lon > 2) & (lon < 358)]
    got = gx.derivative(_ring(lon), "lon", boundary="periodic", period="auto")
    np.testing.assert_array_equal(got.values, gx.derivative(_ring(lon), "lon", boundary="periodic", period=360).values)
    t = np.arange(16) * (2 * np.pi / 16)
    da = xr.DataArray(np.sin(t), dims="t", coords={"t": ("t", t, {"units": "radians"})})
    np.testing.assert_allclose(gx.derivative(da, "t", boundary="periodic", period="auto", accuracy=8), np.cos(t), atol=1e-6)


def test_period_auto_refuses_what_does_not_close_the_circle():
    with pytest.raises(ValueError, match="does not close the circle"):
        gx.derivative(_ring(np.arange(0.0, 250.0, 2.5)), "lon", boundary="periodic", period="auto")
    with pytest.raises(ValueError, match="cannot tell the period"):
        gx.derivative(_ring(np.arange(0.0, 360.0, 2.5), units="m"), "lon", boundary="periodic", period="auto")
    with pytest.raises(ValueError, match="period is only used with boundary='periodic'"):
        gx.derivative(_ring(np.arange(0.0, 360.0, 2.5)), "lon", period="auto")


def test_periodic_is_never_silent():
    # A closed ring differentiated without boundary="periodic" keeps its one-sided edges.
    lon = np.arange(0.0, 360.0, 10.0)
    got = gx.derivative(_ring(lon), "lon", accuracy=2)
    np.testing.assert_array_equal(got.values, gradkit.derivative(_ring(lon).values, 1, spacing=lon, accuracy=2))


# ---------------------------------------------------------------------------
# explain by label or position
# ---------------------------------------------------------------------------
def test_explain_matches_the_derivative_by_label_and_by_position():
    da = field()
    d = gx.derivative(da, "x", 2, accuracy=4)
    x3, y2 = float(da["x"][3]), float(da["y"][2])
    e = da.gradkit.explain("x", 2, x=x3, y=y2, accuracy=4)
    assert e.result == float(d.isel(x=3, y=2))
    e = da.gradkit.explain("x", 2, isel={"x": 0, "y": -1}, accuracy=4)
    assert e.result == float(d.isel(x=0, y=-1))
    e = da.gradkit.explain("x", 2, x=x3 + 1e-9, isel={"y": 1}, method="nearest", accuracy=4)
    assert e.result == float(d.isel(x=3, y=1))
    e = da.to_dataset().gradkit.explain("T", "y", x=x3, y=y2, boundary="periodic")
    assert e.result == float(gx.derivative(da, "y", boundary="periodic").isel(x=3, y=2))


def test_explain_errors_name_the_problem():
    da = field()
    with pytest.raises(TypeError, match="coord is needed for a 2-D object"):
        da.gradkit.explain(x=float(da["x"][0]), y=0.0)
    with pytest.raises(ValueError, match=r"missing \['y'\]"):
        da.gradkit.explain("x", x=float(da["x"][0]))
    with pytest.raises(KeyError, match="not in the index"):
        da.gradkit.explain("x", x=-99.0, y=0.0)
    with pytest.raises(ValueError, match="not a dim"):
        da.gradkit.explain("x", isel={"q": 1, "y": 0, "x": 0})
    with pytest.raises(ValueError, match="not a data variable"):
        da.to_dataset().gradkit.explain("nope", "x", isel={"x": 0, "y": 0})


# ---------------------------------------------------------------------------
# errors name the argument
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(coord="nowhere"), ValueError, "coord='nowhere' is neither a coordinate nor a dimension"),
        (dict(coord="z"), ValueError, "Coordinate z must be 1 dimensional but is 0 dimensional -- derivative: coord="),
        (dict(coord=("x", "y"), order=1), ValueError, "coord and order must both be"),
        (dict(coord=("x", "x"), order=(1, 1)), ValueError, "along different dims"),
        (dict(coord="x", datetime_unit="D"), ValueError, "datetime_unit='D' is only used with datetime or cftime"),
        (dict(coord="x", accuracy=0), ValueError, "accuracy"),
        (dict(coord="x", order=-1), ValueError, "order"),
        (dict(coord="x", boundary="wrap"), ValueError, "boundary"),
        (dict(coord="x", period="sometimes", boundary="periodic"), ValueError, "period must be a number or 'auto'"),
        (dict(coord=["x"], order=[1], period=(1, 2), boundary="periodic"), ValueError, "period has 2 entries"),
        (dict(coord={"x": 1}), TypeError, "coord must be a coordinate or dimension name"),
    ],
)
def test_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        gx.derivative(field(), **kwargs)


def test_two_dimensional_coordinates_are_refused_with_xaray_message_and_a_pointer():
    da = field().assign_coords(x2d=(("x", "y"), np.ones((12, 5))))
    with pytest.raises(ValueError, match="must be 1 dimensional but is 2 dimensional -- .*1-D coordinates"):
        gx.derivative(da, "x2d")


def test_not_an_xarray_object():
    with pytest.raises(TypeError, match="obj must be an xarray"):
        gx.derivative(np.arange(4.0), "x")


# ---------------------------------------------------------------------------
# Dask: lazy through gradkit.derivative
# ---------------------------------------------------------------------------
def test_chunked_objects_stay_lazy(no_compute):
    da = field(nx=40, chunks={"x": 10})
    with no_compute():
        d = gx.derivative(da, "x", 2, accuracy=4)
        m = gx.derivative(da, ("x", "y"), (1, 1))
        ds = gx.derivative(da.to_dataset(), "x")
    assert d.chunks is not None and m.chunks is not None and ds["T"].chunks is not None
    assert d.attrs["units"] == "K m-2"
    loaded = gx.derivative(da.compute(), "x", 2, accuracy=4)
    np.testing.assert_allclose(d.values, loaded.values, rtol=1e-12, atol=1e-12 * np.abs(loaded.values).max())


def test_chunked_objects_keep_their_chunks_and_the_loaded_values_bit_for_bit(no_compute):
    da = field(nx=40, chunks={"x": 10})
    with no_compute():
        d = gx.derivative(da, "x", 2, accuracy=4)
    assert d.chunks == da.chunks
    assert_identical(d.compute(), gx.derivative(da.compute(), "x", 2, accuracy=4))
