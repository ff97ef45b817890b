"""Drop-in replacements for ``torch.gradient`` and ``numpy.gradient``.

Each has the signature, return convention and dtype rules of the original,
computes with gradkit's stencil plans, and differs only where the original is
silently wrong or fails obscurely (listed in ``docs/compat.md``).
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from . import _args
from ._arrays import Operand, as_operand, is_torch
from .derivatives import evaluate, native_dtypes

__all__ = ["torch_gradient", "numpy_gradient", "TorchCompatError", "TorchCompatTypeError"]


class TorchCompatError(ValueError, RuntimeError):
    """A bad argument value to :func:`torch_gradient`.

    A ``ValueError`` like every gradkit argument error, and also a
    ``RuntimeError`` because that is what ``torch.gradient`` raises for the
    same mistakes, so ``except RuntimeError`` keeps working.
    """


class TorchCompatTypeError(TypeError, RuntimeError):
    """A bad argument type to :func:`torch_gradient` (e.g. boolean data).

    A ``TypeError``, and also a ``RuntimeError`` for the cases where
    ``torch.gradient`` raises one (boolean data or coordinates).
    """


# ---------------------------------------------------------------------------
# torch.gradient
# ---------------------------------------------------------------------------
def _torch_float_of(torch: Any, value: Any) -> Any:
    """The floating dtype a coordinate array contributes to torch's promotion."""
    if is_torch(value):
        dtype = value.dtype
    elif isinstance(value, np.ndarray):
        dtype = torch.from_numpy(np.zeros(0, dtype=value.dtype)).dtype if value.dtype.kind in "iuf" else None
    else:
        dtype = None
    if dtype is None or not (dtype.is_floating_point or dtype.is_complex):
        return torch.get_default_dtype()
    return dtype


def _torch_dtypes(op: Operand, specs: list) -> list:
    """torch's rule: dtype of ``input / h``, or promote(input, float(coords))."""
    import torch  # the caller handed us a tensor, so torch is already imported

    base = op.dtype if op.kind != "integer" else torch.get_default_dtype()
    result = []
    for spec, (_, native_out) in zip(specs, native_dtypes(op, specs)):
        entry = spec.spacing
        given_coords = entry.coords is not None or entry.traced is not None
        out = torch.promote_types(base, _torch_float_of(torch, entry.raw)) if given_coords else native_out
        compute = torch.float32 if out in (torch.float16, torch.bfloat16) else out
        result.append((compute, out))
    return result


def torch_gradient(input: Any, *, spacing: Any = 1, dim: Any = None, edge_order: int = 1) -> tuple:
    """Drop-in for ``torch.gradient``: same arguments, results, dtypes and tuple.

    Differences, all deliberate: integer input is converted to the default
    float *before* differencing (torch wraps around), uint8 is accepted,
    coordinate arrays of the wrong length, zero/NaN/inf spacings, repeated
    coordinates and boolean spacings raise a clear error instead of returning
    wrong numbers, scalars and coordinate arrays may be mixed, coordinates
    may be any array-like, float16/bfloat16 are computed in float32 and
    rounded once, and ``edge_order`` may be any positive integer. Errors that
    torch reports as ``RuntimeError`` are :class:`TorchCompatError`, which is
    both a ``RuntimeError`` and a ``ValueError``.

    Examples
    --------
    >>> import torch
    >>> from gradkit.compat import torch_gradient
    >>> torch_gradient(torch.tensor([4., 1., 1., 16.]), spacing=(torch.tensor([-2., -1., 1., 4.]),))
    (tensor([-3., -2.,  2.,  5.]),)
    """
    func = "torch_gradient"
    if not is_torch(input):
        raise TypeError(f"{func}: input must be a torch.Tensor, got {type(input).__name__}")
    try:
        _args.check_positive_int(edge_order, "edge_order", func, " (1, 2, 3, ...)")
        op = as_operand(input, func)
        axes = _args.normalize_dims(dim, op.ndim, func)
        _args.check_torch_spacing_tensors(spacing, input, func)
        entries = _args.torch_style_spacing(spacing, axes, op.shape, dim is not None, func)
        specs = _args.make_specs(op.shape, axes, entries, func=func, edge_order=edge_order, accuracy=2)
    except IndexError:
        raise
    except ValueError as exc:
        raise TorchCompatError(str(exc)) from None
    except TypeError as exc:
        raise TorchCompatTypeError(str(exc)) from None
    return tuple(evaluate(op, specs, _torch_dtypes(op, specs)))


# ---------------------------------------------------------------------------
# numpy.gradient
# ---------------------------------------------------------------------------
def numpy_gradient(f: Any, *varargs: Any, axis: Any = None, edge_order: int = 1) -> Any:
    """Drop-in for ``numpy.gradient``: same varargs, return value and dtype rules.

    Returns one array when one axis is differentiated, else a tuple.
    Integers become float64 first; float16/32/64 and complex keep their
    precision; ``datetime64`` data give ``timedelta64`` results, timedelta
    stays timedelta; ``np.ma.MaskedArray`` and other subclasses are kept.

    Differences, all deliberate: ``edge_order`` must be a positive integer
    (numpy silently uses 2 for 0, -1 or 1.5) and may exceed 2; zero, NaN and
    infinite spacings and repeated coordinates raise ``ValueError`` (numpy
    warns and returns inf/nan); datetime results are rounded to the nearest
    unit instead of truncated; a complex spacing with real data gives a
    complex result (numpy drops the imaginary part); float16 is computed in
    float32 and rounded once.

    Examples
    --------
    >>> import numpy as np
    >>> from gradkit.compat import numpy_gradient
    >>> numpy_gradient(np.array([1, 2, 4, 7, 11, 16]), 2.0)
    array([0.5 , 0.75, 1.25, 1.75, 2.25, 2.5 ])
    >>> x = np.array([0., 1., 1.5, 3.5, 4., 6.])
    >>> numpy_gradient(np.array([1, 2, 4, 7, 11, 16]), x)
    array([1. , 3. , 3.5, 6.7, 6.9, 2.5])
    """
    func = "numpy_gradient"
    arr = np.asanyarray(f)
    time_dtype = None
    if arr.dtype.kind in "mM":
        time_dtype = np.dtype(arr.dtype.str.replace("M8", "m8"))
        data = np.asarray(arr).view(np.int64).astype(np.float64)
    else:
        data = np.ma.getdata(arr) if isinstance(arr, np.ma.MaskedArray) else np.asarray(arr)
    _args.check_positive_int(edge_order, "edge_order", func, " (1, 2, 3, ...)")
    op = as_operand(data, func)
    axes = _args.normalize_dims(axis, op.ndim, func, "axis")
    entries = _args.numpy_style_spacing(varargs, axes, op.shape, func)
    specs = _args.make_specs(op.shape, axes, entries, func=func, edge_order=edge_order, accuracy=2)
    outs = evaluate(op, specs, native_dtypes(op, specs))

    if time_dtype is not None:
        outs = [np.rint(o).astype(np.int64).view(time_dtype) for o in outs]
    if isinstance(arr, np.ma.MaskedArray):
        mask = np.ma.getmask(arr)
        if mask is np.ma.nomask:
            # numpy's result carries a full all-False mask here.
            outs = [np.ma.MaskedArray(o, mask=np.zeros(o.shape, bool)) for o in outs]
        else:
            # A sample's mask reaches exactly the points whose stencil uses it:
            # push NaNs at the masked samples through the same plans.
            probe = Operand(np.where(mask, np.nan, 0.0), op.xp, "real", True)
            flags = evaluate(probe, specs, [(np.float64, np.float64)] * len(specs))
            outs = [np.ma.MaskedArray(o, mask=np.isnan(m)) for o, m in zip(outs, flags)]
    elif type(arr) is not np.ndarray:
        outs = [o.view(type(arr)) for o in outs]
    if len(outs) == 1:
        return outs[0]
    return tuple(outs)
