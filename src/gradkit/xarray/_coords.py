"""Coordinates by name: which variable, along which dim, as which numbers.

Both halves of :mod:`gradkit.xarray` read coordinates here: the drop-in
:func:`~gradkit.xarray.differentiate` (xarray's own lookup, messages and
datetime conversion, step for step) and gradkit's functions (the same
lookup and conversion, with errors that name the argument).

The datetime conversion follows xarray 2026.9's
``Variable._to_numeric`` / ``duck_array_ops.datetime_to_numeric``
operation for operation -- the facts, written afresh -- so that the numbers
handed to the stencils are xarray's bit for bit:

* ``datetime64``/``timedelta64``: the offset is the minimum taken in float64
  (NaT as NaN) and cast back to the array's dtype (so for nanosecond
  dates it is the float-rounded minimum, as in xarray); the values minus
  the offset are divided by ``np.timedelta64(1, unit)`` when a unit is given
  (numpy refuses "Y" and "M" there, with its own TypeError) and NaT becomes
  NaN;
* cftime: the offset is Python's ``min`` of the dates; each difference's
  ``total_seconds()`` times 1e6 (microseconds) is multiplied by
  ``np.timedelta64(1, "us") / np.timedelta64(1, unit)``.
"""

from __future__ import annotations

from typing import Any, Hashable

import numpy as np
import xarray as xr

__all__ = [
    "THIS_ARRAY",
    "as_dataset",
    "is_dask",
    "is_datetime_like",
    "coordinate",
    "default_datetime_unit",
    "to_numeric",
    "dropin_coordinate",
    "check_datetime_unit",
]

#: The name xarray gives a DataArray's own variable inside its temporary
#: Dataset (it shows in xarray's "not found" message, whose order of names
#: follows the names' hashes: xarray's own object where it exists).
try:
    from xarray.core.dataarray import _THIS_ARRAY as THIS_ARRAY
except ImportError:  # pragma: no cover - a future xarray without it
    THIS_ARRAY = "<this-array>"


def is_dask(x: Any) -> bool:
    """Whether ``x`` is a Dask array (without importing Dask)."""
    return type(x).__module__.startswith("dask.") and hasattr(x, "dask") and hasattr(x, "chunks")


def as_dataset(obj: xr.DataArray | xr.Dataset) -> xr.Dataset:
    """The Dataset xarray works on: a DataArray's coordinates, then itself
    under :data:`THIS_ARRAY` (the order xarray builds its temporary one in)."""
    if isinstance(obj, xr.Dataset):
        return obj
    return obj.to_dataset(name=THIS_ARRAY, promote_attrs=False)


def _is_cftime_array(data: Any) -> bool:
    if data.dtype != np.dtype("O") or data.size == 0:
        return False
    try:
        import cftime
    except ImportError:  # pragma: no cover - cftime is in the test extra
        return False
    sample = data[(0,) * data.ndim]
    return isinstance(np.asarray(sample).item(), cftime.datetime)


def is_datetime_like(var: xr.Variable) -> bool:
    """datetime64, timedelta64 or cftime values (xarray's test)."""
    return var.dtype.kind in "mM" or _is_cftime_array(var.data)


def default_datetime_unit(var: xr.Variable) -> str:
    """xarray's default: the dtype's own unit for numpy datetimes, "s" for cftime."""
    if var.dtype.kind in "mM":
        return np.datetime_data(var.dtype)[0]
    return "s"


def _cftime_microseconds(block: np.ndarray) -> np.ndarray:
    return np.reshape([d.total_seconds() for d in block.ravel()], block.shape) * 1e6


def to_numeric(data: Any, datetime_unit: str | None) -> Any:
    """Datetime-like ``data`` as float64 numbers, as xarray converts them.

    Works on NumPy and Dask arrays (NumPy's functions dispatch to Dask's);
    nothing is computed for Dask input.
    """
    if data.dtype.kind in "mM":
        as_float = np.where(np.isnat(data), np.nan, data.astype(float))
        offset = np.nanmin(as_float)
        if isinstance(offset, float):
            offset = np.array(offset)
        delta = data - offset.astype(data.dtype)
        if datetime_unit:
            delta = delta / np.timedelta64(1, datetime_unit)
        return np.where(np.isnan(delta) if delta.dtype.kind == "f" else np.isnat(delta), np.nan, delta.astype(float))
    # cftime objects
    offset = min(data)
    if is_dask(data):
        delta = data.map_blocks(lambda a, b: a - b, offset, meta=data._meta)
        seconds = delta.map_blocks(_cftime_microseconds, meta=np.array([], dtype=np.float64))
    else:
        seconds = _cftime_microseconds(data - offset)
    factor = np.timedelta64(1, "us") / np.timedelta64(1, datetime_unit or "ns")
    return (factor * seconds).astype(float)


def dropin_coordinate(ds: xr.Dataset, coord: Hashable, datetime_unit: str | None) -> tuple[Hashable, Any, str | None]:
    """xarray's ``differentiate`` lookup: (dim, numbers, datetime_unit), with
    xarray's own errors and messages."""
    if coord not in ds.variables and coord not in ds.dims:
        variables_and_dims = tuple(set(ds.variables.keys()).union(ds.dims))
        raise ValueError(f"Coordinate {coord!r} not found in variables or dimensions {variables_and_dims}.")
    var = ds[coord].variable
    if var.ndim != 1:
        raise ValueError(f"Coordinate {coord} must be 1 dimensional but is {var.ndim} dimensional")
    data = var.data
    if is_datetime_like(var):
        if datetime_unit is None:
            datetime_unit = default_datetime_unit(var)
        data = to_numeric(data, datetime_unit)
    return var.dims[0], data, datetime_unit


def coordinate(
    obj: xr.DataArray | xr.Dataset, coord: Any, datetime_unit: str | None, func: str, argument: str = "coord"
) -> tuple[Hashable, np.ndarray | None, xr.Variable | None, str | None]:
    """gradkit's lookup of one coordinate by name.

    Returns ``(dim, numbers, variable, datetime_unit)``: the dim it runs
    along, its values as float64 numbers on the host (datetimes converted
    as xarray converts them; ``None`` for a dim without a coordinate, whose
    positions 0, 1, 2, ... are the grid), the coordinate variable itself
    (``None`` for a bare dim) and the datetime unit used (``None`` unless
    the coordinate is datetime-like; ``datetime_unit`` is ignored for
    others, see :func:`check_datetime_unit`).
    """
    try:
        hash(coord)
    except TypeError:
        raise TypeError(f"{func}: {argument} must be a coordinate or dimension name, got {coord!r}") from None
    if coord not in obj.coords and coord not in obj.dims:
        hint = ""
        if isinstance(obj, xr.Dataset) and coord in obj.data_vars:
            hint = f" ({coord!r} is a data variable: make it a coordinate with obj.set_coords({coord!r}))"
        raise ValueError(
            f"{func}: {argument}={coord!r} is neither a coordinate nor a dimension of the "
            f"{type(obj).__name__}{hint}; coordinates: {sorted(map(str, obj.coords))}, dimensions: "
            f"{sorted(map(str, obj.dims))}"
        )
    if coord not in obj.coords:
        return coord, None, None, None
    var = obj.coords[coord].variable
    if var.ndim != 1:
        raise ValueError(
            f"Coordinate {coord} must be 1 dimensional but is {var.ndim} dimensional -- {func}: {argument}="
            f"{coord!r} has dims {var.dims}; gradkit.xarray differentiates along 1-D coordinates: an index "
            "coordinate or a 1-D non-index coordinate along one dim (for curvilinear grids, differentiate "
            "along the dims and apply the chain rule with the metric terms)"
        )
    data = var.data
    if is_dask(data):
        data = data.compute()  # a 1-D coordinate: the grid itself, needed to build the stencils
    if is_datetime_like(var):
        if datetime_unit is None:
            datetime_unit = default_datetime_unit(var)
        values = to_numeric(np.asarray(data), datetime_unit)
    else:
        values = _magnitude(data)
        datetime_unit = None
    return var.dims[0], values, var, datetime_unit


def check_datetime_unit(datetime_unit: Any, axes: Any, func: str) -> None:
    """``datetime_unit`` given, but no differentiated coordinate is a datetime."""
    if datetime_unit is not None and all(a.datetime_unit is None for a in axes):
        names = ", ".join(repr(a.name) for a in axes)
        raise ValueError(
            f"{func}: datetime_unit={datetime_unit!r} is only used with datetime or cftime coordinates; "
            f"{names} {'is' if len(axes) == 1 else 'are'} not"
        )


def _magnitude(data: Any) -> np.ndarray:
    """A coordinate's numbers (a pint quantity's magnitude)."""
    if hasattr(data, "magnitude") and hasattr(data, "units"):
        data = data.magnitude
    return np.asarray(data)
