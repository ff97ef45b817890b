"""Units of derivatives: the ``units`` attribute rule, and pint quantities (pint-xarray)."""

from __future__ import annotations

import numpy as np
import pytest

xr = pytest.importorskip("xarray")

import gradkit  # noqa: E402
import gradkit.xarray as gx  # noqa: E402
from gradkit.xarray.units import derivative_units  # noqa: E402


@pytest.mark.parametrize(
    "data, coords, orders, want",
    [
        ("K", ["m"], [1], "K m-1"),
        ("K", ["m"], [2], "K m-2"),
        ("K", ["m", "s"], [1, 1], "K m-1 s-1"),
        ("K", ["m", "m"], [1, 1], "K m-2"),
        ("m s-1", ["s"], [1], "m s-2"),
        ("m", ["m"], [1], "1"),
        ("m2 s-1", ["m"], [1], "m s-1"),
        ("kg m-2 s-1", ["m2"], [1], "kg m-4 s-1"),
        ("1", ["s"], [1], "s-1"),
        ("K", [""], [1], "K"),  # positions: dimensionless
        ("K", ["1"], [1], "K"),
        ("K", ["km/h"], [2], "K (km/h)-2"),
        ("degC/100", ["m"], [1], "(degC/100) m-1"),
        ("K/m", ["s"], [1], "(K/m) s-1"),
        ("K", ["degrees_east"], [1], "K degrees_east-1"),
        ("K", ["m"], [0], "K"),
        ("K", [None], [1], None),
        (None, ["m"], [1], None),
        (3, ["m"], [1], None),
    ],
)
def test_units_attribute_rule(data, coords, orders, want):
    assert derivative_units(data, coords, orders) == want


def test_pint_quantities_carry_pint_units():
    pint_xarray = pytest.importorskip("pint_xarray")
    x = np.linspace(0.0, 2.0, 11)
    t = np.arange(6.0) * 3.0
    da = xr.DataArray(
        np.sin(x)[:, None] * t[None, :],
        dims=("x", "t"),
        coords={"x": ("x", x, {"units": "km"}), "t": ("t", t, {"units": "s"})},
        attrs={"units": "K"},
    )
    q = da.pint.quantify()
    ureg = pint_xarray.unit_registry
    d = gx.derivative(q, "x", 2, accuracy=4)
    assert d.data.units == ureg.Unit("K / km ** 2")
    np.testing.assert_array_equal(
        d.data.magnitude, gradkit.derivative(da.values, 2, spacing=x, axis=0, accuracy=4)
    )
    m = gx.derivative(q, ("x", "t"), (1, 1))
    assert m.data.units == ureg.Unit("K / km / s")
    assert "units" not in d.attrs  # pint holds the units, not the attributes
    assert ureg.Unit(d.pint.dequantify().attrs["units"]) == ureg.Unit("K / km ** 2")


def test_pint_with_datetime_coordinates_and_dims_without_coordinates():
    pytest.importorskip("pint_xarray")
    time = np.datetime64("2000-01-01", "ns") + np.arange(8) * np.timedelta64(6, "h")
    da = xr.DataArray(np.arange(8.0) ** 2, dims="time", coords={"time": time}, attrs={"units": "m"})
    q = da.pint.quantify()
    d = gx.derivative(q, "time", datetime_unit="h")
    assert d.data.units == q.data.units / q.data.units._REGISTRY.hour
    bare = xr.DataArray(np.arange(5.0), dims="n", attrs={"units": "m"}).pint.quantify()
    assert gx.derivative(bare, "n").data.units == bare.data.units
