"""gradkit's derivatives of labelled data: ``derivative``, ``gradient``, ``explain_point``.

Each differentiated variable's data (``var.data``: a NumPy array, a Dask
array -- passed through as it is, never computed here --, or any array
gradkit takes) goes to :func:`gradkit.derivative` with the coordinate's
numbers as the spacing; the result is wrapped with the variable's dims,
the object's coordinates and name, and attributes that follow xarray's
``keep_attrs`` option (kept by default), with the ``units`` attribute of
the derivative (:mod:`gradkit.xarray.units`).
"""

from __future__ import annotations

import math
from typing import Any, Hashable, Mapping, Sequence

import numpy as np
import xarray as xr

from .. import derivatives as _derivatives
from ..explain import Explanation, explain as _explain
from . import units as _units
from ._coords import check_datetime_unit, coordinate, is_datetime_like, to_numeric

__all__ = ["derivative", "gradient", "explain_point", "auto_period"]

# CF's spellings of degrees (lower-cased: "degreesE" is "degreese").
_DEGREES = {
    "degrees_east", "degree_east", "degrees_e", "degree_e", "degreese", "degreee",
    "degrees", "degree", "deg", "degrees_north", "degree_north", "degrees_n", "degree_n",
}
_RADIANS = {"rad", "radian", "radians"}


def _keep_attrs() -> bool:
    option = xr.get_options()["keep_attrs"]
    return True if option == "default" else bool(option)


class _Axis:
    """One differentiated coordinate: its name, dim, numbers and units."""

    def __init__(self, obj: Any, coord: Hashable, datetime_unit: str | None, func: str, argument: str):
        self.name = coord
        self.dim, self.values, self.var, self.datetime_unit = coordinate(obj, coord, datetime_unit, func, argument)

    @property
    def unit_string(self) -> str | None:
        if self.var is None:
            return ""  # positions 0, 1, 2, ...: dimensionless
        if self.datetime_unit is not None:
            return _units.DATETIME_UNITS.get(self.datetime_unit)
        u = self.var.attrs.get("units")
        if u is None and _units.is_quantity(self.var.data):
            return str(self.var.data.units)
        return u

    def pint_entry(self) -> tuple:
        if self.datetime_unit is not None:
            return (self.name, None, ("datetime", self.datetime_unit))
        return (self.name, None if self.var is None else self.var.data, {} if self.var is None else self.var.attrs)

    def spacing(self) -> Any:
        return 1.0 if self.values is None else self.values


def auto_period(axis: _Axis, func: str) -> float:
    """The period of a coordinate that closes the circle, for ``period="auto"``.

    The candidate comes from the coordinate's ``units`` attribute (degrees:
    360; radians: 2 pi) or, without one, from ``standard_name`` "longitude";
    the coordinate must then close the circle: its span plus one step is the
    period, the closing step lying within the coordinate's own steps
    (relative tolerance 1e-6).
    """
    name = axis.name
    if axis.values is None or axis.var is None or axis.datetime_unit is not None:
        raise ValueError(
            f"{func}: period='auto' needs a coordinate in degrees or radians; {name!r} "
            f"{'has none (a bare dim)' if axis.var is None else 'is a time coordinate'}: pass period= explicitly"
        )
    units = str(axis.var.attrs.get("units", "")).strip().lower()
    if units in _DEGREES or (not units and axis.var.attrs.get("standard_name") == "longitude"):
        candidate, what = 360.0, "360 (degrees)"
    elif units in _RADIANS:
        candidate, what = 2 * math.pi, "2 pi (radians)"
    else:
        raise ValueError(
            f"{func}: period='auto' cannot tell the period of coordinate {name!r} (units "
            f"{axis.var.attrs.get('units')!r}; degrees and radians are recognised): pass period= explicitly"
        )
    x = np.asarray(axis.values, dtype=np.float64)
    if x.size < 2:
        raise ValueError(f"{func}: period='auto' needs at least 2 samples along {name!r}")
    steps = np.abs(np.diff(x))
    gap = candidate - abs(x[-1] - x[0])
    tol = 1e-6 * candidate
    if not (gap > tol and steps.min() - tol <= gap <= steps.max() + tol):
        raise ValueError(
            f"{func}: period='auto': coordinate {name!r} does not close the circle of period {what}: it spans "
            f"{abs(x[-1] - x[0]):g} with steps {steps.min():g} to {steps.max():g}, which leaves a gap of "
            f"{gap:g} from the last sample back to the first; pass period= explicitly if it is periodic"
        )
    return candidate


def _periods(axes: Sequence[_Axis], boundary: Any, period: Any, func: str) -> Any:
    """gradkit's ``period`` argument: "auto" resolved per coordinate, and
    dropped on exactly uniform grids whose period is implied (n * step)."""
    if period is None:
        return None
    many = isinstance(period, (list, tuple))
    items = list(period) if many else [period] * len(axes)
    if len(items) != len(axes):
        raise ValueError(f"{func}: period has {len(items)} entries for {len(axes)} coordinates")
    if boundary != "periodic":
        raise ValueError(f"{func}: period is only used with boundary='periodic', got period={period!r}")
    out = [auto_period(a, func) if isinstance(p, str) and p == "auto" else p for a, p in zip(axes, items)]
    for p in out:
        if isinstance(p, str):
            raise ValueError(f"{func}: period must be a number or 'auto', got {p!r}")
    return tuple(out) if len(axes) > 1 else out[0]


def _normalize(coord: Any, order: Any, func: str) -> tuple[list[Hashable], list[Any], bool]:
    mixed = isinstance(coord, (list, tuple))
    if mixed != isinstance(order, (list, tuple)) or (mixed and len(coord) != len(order)):
        raise ValueError(
            f"{func}: coord and order must both be single values or both tuples of the same length "
            f"(a mixed partial), got coord={coord!r} and order={order!r}"
        )
    if mixed and len(coord) == 0:
        raise ValueError(f"{func}: coord must name at least one coordinate, got {coord!r}")
    coords = list(coord) if mixed else [coord]
    orders = list(order) if mixed else [order]
    return coords, orders, mixed


def _differentiate_variable(
    var: xr.Variable, axes: Sequence[_Axis], orders: Sequence[Any], mixed: bool, options: dict, func: str, keep: bool
) -> xr.Variable:
    data = var.data
    if is_datetime_like(var):  # datetime data: in the unit of the (first) datetime coordinate, as xarray does
        data = to_numeric(data, next((a.datetime_unit for a in axes if a.datetime_unit), None))
    quantity = _units.is_quantity(data)
    raw = data.magnitude if quantity else data
    dims = [a.dim for a in axes]
    if len(set(dims)) != len(dims):
        raise ValueError(
            f"{func}: coord={tuple(a.name for a in axes)!r} runs along dims {tuple(dims)!r}; a mixed partial "
            "needs coordinates along different dims (use order=2 for a second derivative)"
        )
    axis = tuple(var.get_axis_num(d) for d in dims)
    spacing = tuple(a.spacing() for a in axes)
    try:
        result = _derivatives.derivative(
            raw,
            tuple(orders) if mixed else orders[0],
            spacing=spacing if mixed else spacing[0],
            axis=axis if mixed else axis[0],
            **options,
        )
    except (TypeError, ValueError) as exc:
        # gradkit's message counts dims by position: say which labelled dim each one is
        where = ", ".join(f"dim {k} is {a.dim!r} (coordinate {a.name!r})" for k, a in zip(axis, axes))
        raise type(exc)(f"{exc} [{where}]") from None
    if quantity:
        result = type(data)(result, _units.pint_units(data, [a.pint_entry() for a in axes], orders, func))
    attrs = dict(var.attrs) if keep else {}
    if keep and "units" in attrs:
        u = _units.derivative_units(attrs["units"], [a.unit_string for a in axes], orders)
        if u is None:
            del attrs["units"]
        else:
            attrs["units"] = u
    return xr.Variable(var.dims, result, attrs)


def derivative(
    obj: xr.DataArray | xr.Dataset,
    coord: Hashable | Sequence[Hashable],
    order: int | Sequence[int] = 1,
    *,
    accuracy: int = 2,
    edge_order: int | None = None,
    boundary: str = "one-sided",
    period: Any = None,
    datetime_unit: str | None = None,
) -> xr.DataArray | xr.Dataset:
    """The ``order``-th derivative of labelled data along a coordinate, by name.

    Parameters
    ----------
    obj : DataArray or Dataset
        A Dataset differentiates every data variable along the coordinate's
        dim (for a mixed partial: along all of them) and keeps the others
        unchanged, as ``Dataset.differentiate`` does.
    coord : hashable or tuple of hashables
        An index coordinate, a 1-D non-index coordinate along a dim, or a dim
        without a coordinate (its positions 0, 1, 2, ...). A tuple, with
        ``order`` a tuple of the same length, asks for a mixed partial
        (``coord=("x", "y"), order=(1, 1)`` is d2f/dx dy).
    order : int or tuple of ints, default 1
    accuracy : int, default 2
        Order of accuracy at every point, on uniform and non-uniform grids.
    edge_order : int, optional
        Accuracy at the edges; ``None`` means ``accuracy`` (``edge_order=1``
        with the defaults gives xarray's ``differentiate`` values).
    boundary : {"one-sided", "periodic"}, default "one-sided"
    period : float, "auto", or tuple of them, optional
        With ``boundary="periodic"``: the period (e.g. 360 for longitudes in
        degrees). ``"auto"`` reads it from a coordinate in degrees or
        radians that closes the circle (last sample one step short of the
        first plus one period) and refuses others; nothing is ever assumed
        without it. Not needed for exactly evenly spaced coordinates.
    datetime_unit : str, optional
        Unit of datetime and cftime coordinates ("W", "D", "h", "m", "s",
        "ms", "us", "ns", "ps", "fs", "as"), converted exactly as xarray
        converts them; default the dtype's unit (seconds for cftime).

    Returns
    -------
    DataArray or Dataset
        Same dims, coordinates and name; attributes kept unless xarray's
        ``keep_attrs`` option is False; the ``units`` attribute is the
        derivative's (``K`` by ``m`` gives ``K m-1``, see
        :mod:`gradkit.xarray.units`); pint quantities carry pint units. Dask
        data stay lazy.

    Raises
    ------
    TypeError, ValueError
        For bad arguments; the message names the argument.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> import gradkit.xarray as gx
    >>> x = np.linspace(0, 1, 21)
    >>> da = xr.DataArray(x**3, dims="x", coords={"x": ("x", x, {"units": "m"})}, attrs={"units": "K"})
    >>> d2 = gx.derivative(da, "x", 2, accuracy=4)
    >>> bool(np.allclose(d2, 6 * x)), d2.attrs["units"]
    (True, 'K m-2')
    """
    func = "derivative"
    if not isinstance(obj, (xr.DataArray, xr.Dataset)):
        raise TypeError(f"{func}: obj must be an xarray DataArray or Dataset, got {type(obj).__name__}")
    coords, orders, mixed = _normalize(coord, order, func)
    axes = [
        _Axis(obj, c, datetime_unit, func, f"coord[{k}]" if mixed else "coord") for k, c in enumerate(coords)
    ]
    check_datetime_unit(datetime_unit, axes, func)
    options = dict(
        accuracy=accuracy, edge_order=edge_order, boundary=boundary, period=_periods(axes, boundary, period, func)
    )
    keep = _keep_attrs()
    dims = {a.dim for a in axes}
    if isinstance(obj, xr.DataArray):
        var = _differentiate_variable(obj.variable, axes, orders, mixed, options, func, keep)
        result = obj.copy(deep=False, data=var.data)
        result.attrs = var.attrs
        return result
    new = {}
    for name, var in obj.data_vars.items():
        present = dims & set(var.dims)
        if not present:
            continue
        if present != dims:
            raise ValueError(
                f"{func}: data variable {name!r} has dims {var.dims} but the mixed partial runs along "
                f"{tuple(a.dim for a in axes)}; select the variables that have all of them first"
            )
        new[name] = _differentiate_variable(var.variable, axes, orders, mixed, options, func, keep)
    result = obj.copy(deep=False)
    result.update(new)  # one merge: the variables keep their places
    if not keep:
        result.attrs = {}
    return result


def gradient(
    obj: xr.DataArray | xr.Dataset,
    coords: Hashable | Sequence[Hashable] | None = None,
    **options: Any,
) -> dict[Hashable, xr.DataArray | xr.Dataset]:
    """First derivatives along several coordinates: one :func:`derivative` each.

    Parameters
    ----------
    obj : DataArray or Dataset
    coords : hashable or sequence of hashables, optional
        Coordinate or dim names; default every dim of ``obj``, in order (a
        dim without a coordinate is differentiated by position).
    **options
        ``accuracy``, ``edge_order``, ``boundary``, ``period`` (one value, or
        a tuple with one per coordinate), ``datetime_unit``, as for
        :func:`derivative`.

    Returns
    -------
    dict
        ``{name: derivative}`` in the order of ``coords``; each value is a
        DataArray (for a DataArray) or a Dataset (for a Dataset). A dict and
        not a Dataset because the natural keys, the coordinate names, are
        taken by the coordinates themselves.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> import gradkit.xarray as gx
    >>> da = xr.DataArray(np.add.outer(np.arange(4.0) ** 2, np.arange(3.0)), dims=("x", "y"))
    >>> g = gx.gradient(da)
    >>> list(g), g["x"].values[:, 0].tolist(), g["y"].values[0].tolist()
    (['x', 'y'], [0.0, 2.0, 4.0, 6.0], [1.0, 1.0, 1.0])
    """
    func = "gradient"
    if "order" in options:
        raise TypeError(f"{func}: gradient takes first derivatives; use derivative(obj, coord, order) for others")
    unknown = set(options) - {"accuracy", "edge_order", "boundary", "period", "datetime_unit"}
    if unknown:
        raise TypeError(f"{func}: unexpected keyword argument(s) {sorted(unknown)}")
    if not isinstance(obj, (xr.DataArray, xr.Dataset)):
        raise TypeError(f"{func}: obj must be an xarray DataArray or Dataset, got {type(obj).__name__}")
    if coords is None:
        names = list(obj.dims)
    elif isinstance(coords, (list, tuple)):
        names = list(coords)
    else:
        names = [coords]
    if len(set(names)) != len(names):
        raise ValueError(f"{func}: coords names a coordinate more than once: {names!r}")
    period = options.pop("period", None)
    periods = list(period) if isinstance(period, (list, tuple)) else [period] * len(names)
    if len(periods) != len(names):
        raise ValueError(f"{func}: period has {len(periods)} entries for {len(names)} coordinates")
    return {n: derivative(obj, n, 1, period=p, **options) for n, p in zip(names, periods)}


def _positions(obj: xr.DataArray, isel: Mapping | None, labels: Mapping, method: str | None, func: str) -> dict:
    """One position per dim, from ``isel`` positions and ``.sel``-style labels."""
    where: dict[Hashable, int] = {}
    for dim, k in (isel or {}).items():
        if dim not in obj.dims:
            raise ValueError(f"{func}: isel names {dim!r}, which is not a dim of the object (dims: {obj.dims})")
        if not isinstance(k, (int, np.integer)) or isinstance(k, bool):
            raise TypeError(f"{func}: isel[{dim!r}] must be an integer position, got {k!r}")
        n = obj.sizes[dim]
        if not -n <= k < n:
            raise IndexError(f"{func}: isel[{dim!r}]={k} is out of range for {n} samples")
        where[dim] = int(k) % n
    for name, label in labels.items():
        if name not in obj.coords and name not in obj.dims:
            raise ValueError(
                f"{func}: label {name}={label!r}: {name!r} is not a coordinate or dim of the object "
                f"(coordinates: {sorted(map(str, obj.coords))})"
            )
        if name not in obj.indexes:
            raise ValueError(
                f"{func}: label {name}={label!r}: {name!r} has no index to look labels up in; give its "
                f"position with isel={{{obj[name].dims[0]!r}: ...}}"
            )
        dim = obj[name].dims[0]
        if dim in where:
            raise ValueError(f"{func}: dim {dim!r} is given twice (by label and by position)")
        try:
            pos = obj.indexes[name].get_indexer([label], method=method)[0]
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{func}: label {name}={label!r} cannot be looked up: {exc}") from None
        if pos < 0:
            raise KeyError(f"{func}: label {name}={label!r} is not in the index (pass method='nearest' to take the nearest)")
        where[dim] = int(pos)
    missing = [d for d in obj.dims if d not in where]
    if missing:
        raise ValueError(
            f"{func}: the point needs one label or position per dim; missing {missing} "
            "(labels as keywords, e.g. lat=45.0, or positions with isel={'lat': 3})"
        )
    return where


def explain_point(
    obj: xr.DataArray,
    coord: Hashable,
    order: int = 1,
    *,
    accuracy: int = 2,
    edge_order: int | None = None,
    boundary: str = "one-sided",
    period: Any = None,
    datetime_unit: str | None = None,
    isel: Mapping | None = None,
    method: str | None = None,
    **labels: Any,
) -> Explanation:
    """Explain one value of :func:`derivative` (``obj``, ``coord``, ``order``, ...).

    The point is chosen with ``.sel``-style keyword labels (``x=0.5,
    time="2000-03-01"``; ``method="nearest"`` for the nearest label) and/or
    ``isel``-style positions (``isel={"y": 3}``), one per dim. Its
    explanation's ``result`` equals the derivative's value there exactly.
    Only that line of the data along the coordinate's dim is loaded.
    """
    func = "explain"
    if not isinstance(obj, xr.DataArray):
        raise TypeError(f"{func}: obj must be an xarray DataArray, got {type(obj).__name__}")
    axis = _Axis(obj, coord, datetime_unit, func, "coord")
    check_datetime_unit(datetime_unit, [axis], func)
    where = _positions(obj, isel, labels, method, func)
    line = obj.variable.isel({d: k for d, k in where.items() if d != axis.dim})
    data = line.data
    if is_datetime_like(line):
        data = to_numeric(data, axis.datetime_unit)
    if hasattr(data, "magnitude") and hasattr(data, "units"):
        data = data.magnitude
    data = np.asarray(data)  # the one line the explanation reads
    if edge_order is None and boundary != "periodic":
        edge_order = accuracy  # derivative's rule (explain's own default follows gradient at order 1)
    return _explain(
        data,
        where[axis.dim],
        spacing=axis.spacing(),
        order=order,
        accuracy=accuracy,
        edge_order=edge_order,
        boundary=boundary,
        period=_periods([axis], boundary, period, func),
    )
