"""Which array library an input belongs to, and the dtype rules of each entry point.

Nothing here imports a framework the caller has not imported already: torch
is only looked at through the array it handed us.
"""

from __future__ import annotations

import functools
import numbers
import sys
from dataclasses import dataclass
from typing import Any

import numpy as np
import array_api_compat

__all__ = ["Operand", "as_operand", "to_host_float64", "is_torch"]


def is_extra_float(dtype: Any) -> bool:
    """Whether a NumPy dtype is one of ml_dtypes' floats (bfloat16, float8_*):
    real floating point to gradkit, though NumPy does not call them floating."""
    dtype = np.dtype(dtype)
    return dtype.kind == "V" and dtype.name.startswith(("bfloat", "float"))


def torch_to_numpy(x: Any) -> np.ndarray:
    """A torch tensor's values as a NumPy array on the host (bfloat16 and
    other dtypes NumPy lacks are widened to float32 exactly)."""
    import torch  # the caller handed us a tensor

    x = x.detach().cpu().resolve_conj().resolve_neg()
    if x.dtype in (torch.bfloat16,) or "float8" in str(x.dtype):
        x = x.to(torch.float32)
    return x.numpy()


def is_torch(x: Any) -> bool:
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(x, torch.Tensor)


@dataclass
class Operand:
    """The data to differentiate, with its namespace and dtype class."""

    array: Any  # the array in its own library (never written to)
    xp: Any  # its array-API namespace (array_api_compat wrapper)
    kind: str  # "integer", "real", "complex"
    is_numpy: bool
    #: For a NumPy masked array: its mask as a full boolean array (all False
    #: when it has none); ``array`` then holds the data. For a Dask array of
    #: np.ma blocks the same, both lazy Dask arrays. None otherwise.
    mask: Any = None

    @property
    def dtype(self):
        return self.array.dtype

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.array.shape)

    @property
    def ndim(self) -> int:
        return len(self.array.shape)

    def default_float(self, complex_: bool = False):
        if self.is_numpy:
            return np.dtype(np.complex128 if complex_ else np.float64)
        info = self.xp.__array_namespace_info__()
        key = "complex floating" if complex_ else "real floating"
        return info.default_dtypes(device=array_api_compat.device(self.array))[key]

    def complex_of(self, real_dtype):
        """The complex dtype of the same precision as ``real_dtype``."""
        xp = self.xp
        if real_dtype == xp.float32:
            return xp.complex64
        if real_dtype == xp.float64 or not self.is_numpy:
            return xp.complex128
        return np.result_type(real_dtype, np.complex64)  # NumPy's longdouble

    def real_of(self, dtype):
        """The real floating dtype of the same precision as ``dtype``."""
        if self.is_numpy:
            return np.empty(0, dtype).real.dtype
        xp = self.xp
        if not xp.isdtype(dtype, "complex floating"):
            return dtype
        if dtype == xp.complex64:
            return xp.float32
        if dtype == xp.complex128:
            return xp.float64
        return np.finfo(dtype).dtype  # NumPy's clongdouble

    def rounding_unit(self) -> float:
        """Machine epsilon of the precision gradkit computes in for this data
        (the default float for integers, float32 for half precision)."""
        base = self.default_float() if self.kind == "integer" else self.dtype
        if self.is_half(base):
            return float(np.finfo(np.float32).eps)
        if self.is_numpy:
            return float(np.finfo(np.empty(0, base).real.dtype).eps)
        return float(self.xp.finfo(base).eps)

    def is_half(self, dtype) -> bool:
        if self.is_numpy:
            dtype = np.dtype(dtype)
            return (dtype.kind == "f" or is_extra_float(dtype)) and dtype.itemsize < 4
        return self.xp.isdtype(dtype, "real floating") and self.xp.finfo(dtype).bits < 32


@functools.lru_cache(maxsize=None)
def _numpy_namespace():
    return array_api_compat.array_namespace(np.empty(0))


def as_operand(f: Any, func: str) -> Operand:
    """Classify ``f``; array-likes that belong to no array library become NumPy arrays.

    Raises ``TypeError`` for boolean, string, datetime and other non-numeric data.
    """
    if array_api_compat.is_array_api_obj(f) and not isinstance(f, np.generic):
        arr = f
    else:
        try:
            arr = np.asarray(f)
        except Exception as exc:  # ragged lists and the like
            raise TypeError(
                f"{func}: f must be an array or nested sequence of numbers, "
                f"got {type(f).__name__} ({exc})"
            ) from None
    dtype_name = str(getattr(arr, "dtype", ""))
    if dtype_name.endswith("complex32") or "float8" in dtype_name:
        raise TypeError(
            f"{func}: f has dtype {arr.dtype}, which torch's arithmetic cannot differentiate; "
            "convert it first (e.g. to complex64 or float32)"
        )
    is_numpy = isinstance(arr, np.ndarray)
    mask = None
    if isinstance(arr, np.ma.MaskedArray):
        mask = np.ma.getmaskarray(arr)
        arr = np.ma.getdata(arr)
    if is_numpy and arr.dtype == object:
        arr = _numbers_from_objects(arr, func, "f")
    if is_numpy and arr.dtype.kind not in "biufc" and not is_extra_float(arr.dtype):
        raise TypeError(
            f"{func}: f has dtype {arr.dtype}, expected integer, floating or complex data"
        )
    dtype = arr.dtype
    if is_numpy:
        # Fast path (per-call overhead matters for small arrays).
        if dtype.kind == "b":
            raise TypeError(
                f"{func}: f has boolean dtype {dtype}; a derivative needs numbers "
                "(convert with f.astype(float) or similar)"
            )
        kind = {"i": "integer", "u": "integer", "f": "real", "c": "complex", "V": "real"}[dtype.kind]
        return Operand(arr, _numpy_namespace(), kind, True, mask)
    if any(s is None or s != s for s in arr.shape):  # None (array API) or NaN (Dask): unknown sizes
        raise ValueError(
            f"{func}: f has dims of unknown size (shape {tuple(arr.shape)}); a derivative needs the number of "
            "samples along each dim (for a Dask array: f.compute_chunk_sizes() first)"
        )
    xp = array_api_compat.array_namespace(arr)
    if isinstance(getattr(arr, "_meta", None), np.ma.MaskedArray) and _is_dask(arr):
        # A Dask array of np.ma blocks: its data and its mask, both lazy;
        # the results follow numpy's mask rule as for a NumPy masked array.
        import dask.array as da

        mask = da.ma.getmaskarray(arr)
        arr = da.ma.getdata(arr)
    if xp.isdtype(dtype, "bool"):
        raise TypeError(
            f"{func}: f has boolean dtype {dtype}; a derivative needs numbers "
            "(convert with f.astype(float) or similar)"
        )
    if xp.isdtype(dtype, "integral"):
        kind = "integer"
    elif xp.isdtype(dtype, "complex floating"):
        kind = "complex"
    elif xp.isdtype(dtype, "real floating"):
        kind = "real"
    else:
        raise TypeError(f"{func}: f has dtype {dtype}, expected integer, floating or complex data")
    return Operand(arr, xp, kind, is_numpy, mask)


def _is_dask(x: Any) -> bool:
    module = sys.modules.get("dask.array")
    return module is not None and isinstance(x, module.Array)


def _numbers_from_objects(arr: np.ndarray, func: str, name: str) -> np.ndarray:
    """An object array of real numbers (Fraction, Decimal, int, ...) as float64."""
    for k, v in enumerate(arr.flat):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Number) and not hasattr(v, "__float__"):
            raise TypeError(
                f"{func}: {name} has dtype object and element {k} is {v!r}; expected numbers"
            )
    try:
        return arr.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{func}: {name} has dtype object with elements that are not real numbers ({exc})") from None


def to_host_float64(x: Any, func: str, name: str) -> np.ndarray:
    """Coordinates as a float64 NumPy array on the host (a copy when needed).

    Integers are converted exactly (up to 2**53); booleans, complex numbers,
    datetimes and non-numbers raise ``TypeError``.
    """
    if is_torch(x):
        x = torch_to_numpy(x)
    elif hasattr(x, "get") and type(x).__module__.startswith("cupy"):
        x = x.get()
    try:
        arr = np.asarray(x)
    except Exception:
        raise TypeError(f"{func}: {name} must be a sequence of real numbers, got {x!r}") from None
    if arr.dtype == object:
        arr = _numbers_from_objects(arr, func, name)
    if arr.dtype.kind == "b":
        raise TypeError(f"{func}: {name} has boolean dtype; coordinates must be real numbers")
    if is_extra_float(arr.dtype):
        return arr.astype(np.float64)
    if arr.dtype.kind == "c":
        raise TypeError(
            f"{func}: {name} has complex dtype {arr.dtype}; coordinates must be real numbers "
            "(a complex scalar spacing is allowed)"
        )
    if arr.dtype.kind not in "iuf":
        raise TypeError(
            f"{func}: {name} has dtype {arr.dtype}; coordinates must be real numbers "
            "(convert datetimes to numbers first)"
        )
    return arr.astype(np.float64, copy=False)
