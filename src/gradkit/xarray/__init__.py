"""gradkit for xarray: derivatives of labelled data by coordinate name.

``import gradkit.xarray`` registers the ``.gradkit`` accessor on
``xarray.DataArray`` and ``xarray.Dataset``; ``import gradkit`` alone never
imports xarray.

* :func:`derivative` -- any order and accuracy along a coordinate, mixed
  partials, periodic coordinates (``period=360`` or ``"auto"``), datetime
  and cftime coordinates, attributes and units kept, Dask data lazy;
* :func:`gradient` -- first derivatives along several coordinates;
* :func:`differentiate` -- xarray's ``differentiate``, bit for bit;
* the accessor: ``da.gradkit.derivative("x", 2, accuracy=4)``,
  ``da.gradkit.gradient()``, ``da.gradkit.explain("x", x=0.5, y=1.0)``,
  ``da.gradkit.differentiate("x")``.

Examples
--------
>>> import numpy as np, xarray as xr
>>> import gradkit.xarray as gx
>>> lon = np.arange(0.0, 360.0, 10.0)
>>> da = xr.DataArray(np.sin(np.deg2rad(lon)), dims="lon",
...                   coords={"lon": ("lon", lon, {"units": "degrees_east"})})
>>> d = da.gradkit.derivative("lon", boundary="periodic", period="auto", accuracy=6)
>>> bool(np.allclose(d, np.deg2rad(1) * np.cos(np.deg2rad(lon)), atol=1e-8)), d.attrs
(True, {})
"""

try:
    import xarray as _xarray  # noqa: F401
except ImportError as exc:  # pragma: no cover - xarray is in the test extra
    raise ImportError("gradkit.xarray needs xarray: pip install xarray (or gradkit[xarray])") from exc

from .accessor import GradkitDataArrayAccessor, GradkitDatasetAccessor
from .dropin import differentiate
from .functions import derivative, gradient

__all__ = ["derivative", "gradient", "differentiate", "GradkitDataArrayAccessor", "GradkitDatasetAccessor"]
