"""The ``.gradkit`` accessor on DataArray and Dataset (registered on import)."""

from __future__ import annotations

from typing import Any, Hashable, Mapping, Sequence

import xarray as xr

from ..explain import Explanation
from . import functions
from .dropin import differentiate

__all__ = ["GradkitDataArrayAccessor", "GradkitDatasetAccessor"]


class _Common:
    def __init__(self, obj: Any):
        self._obj = obj

    def derivative(self, coord: Hashable | Sequence[Hashable], order: int | Sequence[int] = 1, **options: Any) -> Any:
        """:func:`gradkit.xarray.derivative` of this object (same arguments)."""
        return functions.derivative(self._obj, coord, order, **options)

    def gradient(self, coords: Hashable | Sequence[Hashable] | None = None, **options: Any) -> dict:
        """:func:`gradkit.xarray.gradient` of this object: ``{name: first derivative}``."""
        return functions.gradient(self._obj, coords, **options)

    def differentiate(self, coord: Hashable, edge_order: int = 1, datetime_unit: str | None = None) -> Any:
        """:func:`gradkit.xarray.differentiate`: xarray's ``differentiate``, bit for bit."""
        return differentiate(self._obj, coord, edge_order, datetime_unit)


@xr.register_dataarray_accessor("gradkit")
class GradkitDataArrayAccessor(_Common):
    """gradkit on a DataArray: ``da.gradkit.derivative("x", 2, accuracy=4)``.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> import gradkit.xarray  # registers the accessor
    >>> x = np.linspace(0.0, 2.0, 9)
    >>> da = xr.DataArray(x**2, dims="x", coords={"x": x})
    >>> da.gradkit.derivative("x").values.tolist() == (2 * x).tolist()
    True
    >>> e = da.gradkit.explain(x=0.5)           # a 1-D object: along its one dim
    >>> e.offsets, bool(e.result == da.gradkit.derivative("x").sel(x=0.5))
    ((-1, 1), True)
    """

    def explain(
        self,
        coord: Hashable | None = None,
        order: int = 1,
        *,
        isel: Mapping | None = None,
        method: str | None = None,
        **labels_and_options: Any,
    ) -> Explanation:
        """Explain one value of ``derivative(coord, order, ...)``.

        The point: ``.sel``-style labels as keywords (``x=0.5``, with
        ``method="nearest"`` for the nearest label) and/or positions with
        ``isel={"y": 3}``, one per dim. The keywords ``accuracy``,
        ``edge_order``, ``boundary``, ``period`` and ``datetime_unit`` are
        the derivative's options, as in :func:`gradkit.xarray.derivative`.
        ``coord`` may be left out on a 1-D object: its one dim. (A dim named
        like one of those options is given by position, with ``isel``.)
        """
        if coord is None:
            if self._obj.ndim != 1:
                raise TypeError(
                    f"explain: coord is needed for a {self._obj.ndim}-D object (the coordinate to differentiate "
                    f"along; dims: {self._obj.dims})"
                )
            coord = self._obj.dims[0]
        options = {k: labels_and_options.pop(k) for k in list(labels_and_options) if k in _OPTIONS}
        return functions.explain_point(
            self._obj, coord, order, isel=isel, method=method, **options, **labels_and_options
        )


_OPTIONS = ("accuracy", "edge_order", "boundary", "period", "datetime_unit")


@xr.register_dataset_accessor("gradkit")
class GradkitDatasetAccessor(_Common):
    """gradkit on a Dataset: every data variable along the coordinate's dim.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> import gradkit.xarray
    >>> x = np.linspace(0.0, 1.0, 5)
    >>> ds = xr.Dataset({"a": ("x", x**2), "b": ("x", 3 * x), "c": ((), 1.0)}, coords={"x": x})
    >>> d = ds.gradkit.derivative("x")
    >>> d["b"].values.tolist(), float(d["c"])
    ([3.0, 3.0, 3.0, 3.0, 3.0], 1.0)
    """

    def explain(
        self,
        variable: Hashable,
        coord: Hashable,
        order: int = 1,
        *,
        isel: Mapping | None = None,
        method: str | None = None,
        **labels_and_options: Any,
    ) -> Explanation:
        """Explain one value of the data variable ``variable`` (see the DataArray accessor)."""
        if variable not in self._obj.data_vars:
            raise ValueError(
                f"explain: variable={variable!r} is not a data variable of the Dataset "
                f"(data variables: {sorted(map(str, self._obj.data_vars))})"
            )
        return self._obj[variable].gradkit.explain(coord, order, isel=isel, method=method, **labels_and_options)
