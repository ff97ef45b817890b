"""``differentiate``: a bit-exact drop-in for xarray's ``differentiate``.

xarray's ``DataArray.differentiate`` / ``Dataset.differentiate`` (2026.9)
look the coordinate up, convert datetime and cftime coordinates (and
datetime data variables) to float64 numbers, and hand every data variable
along the coordinate's dim to ``numpy.gradient`` -- or, for Dask data, to
``dask.array.gradient``, whose blocks (a halo of one sample, each block's
slice of the coordinates) each go to ``numpy.gradient``. This module does
the same with gradkit's engine in place of ``numpy.gradient``:
:func:`gradkit.compat.numpy_gradient`, which returns numpy's numbers bit
for bit, on the whole array or on each Dask block. The blocks are Dask's
very blocks (same halo, same coordinate slices, same dtype rule), so the
results are xarray's, including where Dask's per-block arithmetic differs
from numpy's on the whole axis in the last bit.
"""

from __future__ import annotations

import numbers
from typing import Any, Hashable

import numpy as np
import xarray as xr

from ..compat import numpy_gradient
from ._coords import THIS_ARRAY, as_dataset, dropin_coordinate, is_dask, is_datetime_like, to_numeric

__all__ = ["differentiate"]

_MORE = "gradkit.xarray.derivative(obj, coord, edge_order=...) takes any edge_order, and accuracy= too"


def _check_edge_order(edge_order: Any, dask: bool) -> None:
    """1 or 2, as in xarray; above 2, the original's own error (numpy's or Dask's)."""
    boolean = isinstance(edge_order, (bool, np.bool_))
    integer = isinstance(edge_order, numbers.Integral) and not boolean
    if integer and edge_order > 2:
        original = "edge_order must be less than or equal to 2." if dask else "'edge_order' greater than 2 not supported"
        raise ValueError(f"{original} -- differentiate: edge_order={edge_order!r}; {_MORE}")
    if integer and edge_order >= 1:
        return
    error = ValueError if isinstance(edge_order, numbers.Real) and not boolean else TypeError
    raise error(f"differentiate: edge_order must be 1 or 2 (the accuracy of the one-sided edges), got {edge_order!r}")


def _block_gradient(x: np.ndarray, coord: Any, axis: int, locs: Any, edge_order: int, block_id: Any = None) -> np.ndarray:
    """One Dask block (with its one-sample halo) and its slice of the coordinates."""
    if locs is not None:
        k = block_id[axis]
        coord = coord[locs[0][k] : locs[1][k]]
    return numpy_gradient(x, coord, axis=axis, edge_order=edge_order)


def _dask_gradient(data: Any, coord: Any, axis: int, edge_order: int) -> Any:
    """``dask.array.gradient`` along one axis, with numpy_gradient in each block."""
    import dask.array as dsa

    f = dsa.asarray(data)
    if issubclass(f.dtype.type, (np.bool_, numbers.Integral)) or (
        issubclass(f.dtype.type, numbers.Real) and f.dtype.itemsize < 4
    ):
        f = f.astype(float)  # Dask's rule: booleans, integers and half precision become float64
    for c in f.chunks[axis]:
        if c < edge_order + 1:
            raise ValueError(
                "Chunk size must be larger than edge_order + 1. "
                f"Minimum chunk for axis {axis} is {c}. Rechunk to proceed. -- differentiate: "
                f"rechunk so that every chunk along the dim has at least {edge_order + 1} samples"
            )
    if np.isscalar(coord):  # pragma: no cover - xarray always passes 1-D coordinates
        locs = None
    else:
        if is_dask(coord):
            raise NotImplementedError("dask array coordinated is not supported.")
        sizes = np.array(f.chunks[axis])
        stop = np.cumsum(sizes) + 1
        start = stop - sizes - 2
        stop[-1] -= 1
        start[0] = 0
        locs = (start, stop)
    return f.map_overlap(
        _block_gradient,
        dtype=f.dtype,
        depth={j: 1 if j == axis else 0 for j in range(f.ndim)},
        boundary="none",
        coord=coord,
        axis=axis,
        locs=locs,
        edge_order=edge_order,
    )


def _numpy_bool_message() -> str:
    """numpy's own message for the subtraction numpy.gradient does on booleans."""
    try:
        np.subtract(np.array([True]), np.array([False]))
    except TypeError as exc:
        return str(exc)
    return "numpy boolean subtract is not supported"  # pragma: no cover - a numpy that allows it


def _numpy_bool(data: np.ndarray, coord: Any, axis: int, edge_order: int) -> np.ndarray:
    """numpy.gradient on booleans: it validates the shape and coordinates,
    then subtracts booleans (a TypeError) except where every formula is a
    weighted sum -- non-uniform coordinates with second-order edges --, whose
    values are those of the data as float64."""
    values = numpy_gradient(data.astype(np.float64), coord, axis=axis, edge_order=edge_order)
    x = np.asarray(coord)
    steps = np.diff(x.astype(np.float64) if x.dtype.kind in "iu" else x)
    if edge_order == 2 and not (steps == steps[0]).all():
        return values
    raise TypeError(f"{_numpy_bool_message()} -- differentiate: boolean data; convert with astype(float)")


def xarray_gradient(data: Any, coord: Any, axis: int, edge_order: Any) -> Any:
    """What xarray's ``duck_array_ops.gradient`` returns, computed by gradkit.

    NumPy data go to :func:`gradkit.compat.numpy_gradient`, Dask data (or
    Dask coordinates) to Dask's blocks with it; other duck arrays (pint
    quantities, CuPy, ...) to the very function xarray calls, their
    namespace's ``gradient`` (``numpy.gradient`` dispatching to them).
    """
    dask = is_dask(data) or is_dask(coord)
    _check_edge_order(edge_order, dask)
    if dask:
        return _dask_gradient(data, coord, axis, int(edge_order))
    if isinstance(data, np.ndarray):
        if data.dtype == np.bool_:
            return _numpy_bool(data, coord, axis, int(edge_order))
        return numpy_gradient(data, coord, axis=axis, edge_order=int(edge_order))
    xp = data.__array_namespace__() if hasattr(data, "__array_namespace__") else np
    return xp.gradient(data, coord, axis=axis, edge_order=edge_order)


def differentiate(
    obj: xr.DataArray | xr.Dataset,
    coord: Hashable,
    edge_order: int = 1,
    datetime_unit: str | None = None,
) -> xr.DataArray | xr.Dataset:
    """Drop-in for ``DataArray.differentiate`` and ``Dataset.differentiate``.

    ``differentiate(obj, coord, ...)`` returns what ``obj.differentiate(coord,
    ...)`` returns, bit for bit: the same values (numpy's three-point
    differences, computed by :func:`gradkit.compat.numpy_gradient`; for
    Dask data Dask's blocks, each through the same drop-in, and the result
    stays lazy), dtype, dims, coordinates, name and attributes (xarray
    drops the differentiated variables' attributes and keeps the
    Dataset's), and the same errors with xarray's messages.

    Parameters
    ----------
    obj : DataArray or Dataset
    coord : hashable
        A 1-D coordinate (index or not) or a dim name (its positions).
    edge_order : {1, 2}, default 1
        Accuracy of the one-sided differences at the edges.
    datetime_unit : {"W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as"}, optional
        Unit of datetime and cftime coordinates (default: the dtype's unit,
        seconds for cftime); "Y" and "M" are refused, as by xarray.

    Returns
    -------
    DataArray or Dataset
        Like ``obj``: in a Dataset the data variables along the coordinate's
        dim are differentiated and the others are kept as they are.

    Raises
    ------
    ValueError
        xarray's: a coordinate not found, or not 1-D; numpy's or Dask's:
        ``edge_order`` above 2, an axis or chunk too short.

    Notes
    -----
    The differences from xarray are numpy_gradient's deliberate ones
    (``docs/compat.md``): repeated coordinates raise ``ValueError``
    (xarray returns inf/nan with a warning), and ``edge_order`` must be 1
    or 2 (numpy takes 0 or 1.5 as 2). For anything beyond xarray's
    second-order differences, see :func:`gradkit.xarray.derivative`.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> from gradkit.xarray import differentiate
    >>> da = xr.DataArray(np.arange(18.0).reshape(6, 3) ** 2, dims=("x", "y"),
    ...                   coords={"x": [0.0, 0.1, 1.1, 1.2, 1.5, 2.5]})
    >>> xr.testing.assert_identical(differentiate(da, "x"), da.differentiate("x"))
    >>> xr.testing.assert_identical(differentiate(da.chunk(x=3), "x", edge_order=2),
    ...                             da.chunk(x=3).differentiate("x", edge_order=2))
    """
    if not isinstance(obj, (xr.DataArray, xr.Dataset)):
        raise TypeError(f"differentiate: obj must be an xarray DataArray or Dataset, got {type(obj).__name__}")
    ds = as_dataset(obj)
    dim, coord_data, datetime_unit = dropin_coordinate(ds, coord, datetime_unit)
    new: dict[Hashable, xr.Variable] = {}
    for name, var in ds.variables.items():
        if name in ds.data_vars and dim in var.dims and name not in ds.coords:
            data = to_numeric(var.data, datetime_unit) if is_datetime_like(var) else var.data
            grad = xarray_gradient(data, coord_data, var.get_axis_num(dim), edge_order)
            new[name] = xr.Variable(var.dims, grad)
    if isinstance(obj, xr.DataArray):
        result = obj.copy(deep=False, data=new[THIS_ARRAY].data)
        result.attrs = {}
        result.encoding = {}
        return result
    result = obj.copy(deep=False)
    result.update(new)  # one merge: the variables keep their places, the Dataset its attributes
    return result

