"""Apply a stencil plan with array-API operations only.

Works for every array library that array-api-compat wraps (NumPy, PyTorch,
JAX, CuPy, array-api-strict, ...): slices, scalar multiplications, sums and
one concatenation, so the result stays on the input's device and autograd
(torch) or tracing (JAX) flows through it. Nothing is written in place.
"""

from __future__ import annotations

import weakref
from typing import Any

import array_api_compat
import numpy as np

from .. import stencils
from ..stencils import AxisPlan, StencilBlock

__all__ = ["apply_plan"]


def _slice(f: Any, axis: int, start: int, stop: int) -> Any:
    index = [slice(None)] * f.ndim
    index[axis] = slice(start, stop)
    return f[tuple(index)]


def _along(xp: Any, column: Any, ndim: int, axis: int) -> Any:
    """A 1-D array of per-point values, shaped to broadcast along ``axis``."""
    shape = [1] * ndim
    shape[axis] = column.shape[0]
    return xp.reshape(column, tuple(shape))


#: Per-point weights already moved to a device, per block, device and dtype,
#: so that repeated calls make no host-to-device copies.
_ON_DEVICE: "weakref.WeakKeyDictionary[StencilBlock, dict]" = weakref.WeakKeyDictionary()


def _device_rows(xp: Any, block: StencilBlock, real_dtype: Any, device: Any) -> list:
    per_block = _ON_DEVICE.setdefault(block, {})
    key = (xp.__name__, str(device), str(real_dtype))
    rows = per_block.get(key)
    if rows is None:
        rows = [xp.asarray(np.ascontiguousarray(w), dtype=real_dtype, device=device) for w in block.weights]
        per_block[key] = rows
    return rows


def apply_plan(
    xp: Any,
    f: Any,
    plan: AxisPlan,
    axis: int,
    real_dtype: Any,
    device: Any,
    coords: Any = None,
    period: Any = None,
) -> Any:
    """Differentiate ``f`` (already in the compute dtype) along ``axis``.

    ``real_dtype`` is the real floating dtype the weights are cast to.
    ``coords`` are coordinates kept in ``f``'s library (a traced plan): the
    weights are then computed from them with ``xp``, so that gradients flow
    (``period`` is needed on a periodic axis). Returns a new array of the
    same shape as ``f``.
    """
    if not array_api_compat.is_numpy_namespace(xp):
        return _apply(xp, f, plan, axis, real_dtype, device, coords, period)
    # NaN and inf in the data travel through the sums silently, as in the
    # compiled kernel (and in torch); NumPy would otherwise warn.
    with np.errstate(invalid="ignore", over="ignore"):
        return _apply(xp, f, plan, axis, real_dtype, device, coords, period)


def _apply(xp, f, plan, axis, real_dtype, device, coords, period) -> Any:
    if coords is not None and coords.dtype != real_dtype:
        coords = xp.astype(coords, real_dtype)
    pieces = []
    for block in plan.blocks:
        if coords is not None:
            weights = [_along(xp, w, f.ndim, axis) for w in stencils.block_weights(xp, plan, block, coords, period)]
        elif block.shared:
            weights = [float(w) for w in block.weights]
        else:
            weights = [_along(xp, w, f.ndim, axis) for w in _device_rows(xp, block, real_dtype, device)]
        total = None
        for offset, w in zip(block.offsets, weights):
            if plan.periodic:
                shifted = xp.roll(f, -offset, axis=axis) if offset else f
                samples = _slice(shifted, axis, block.start, block.stop)
            else:
                samples = _slice(f, axis, block.start + offset, block.stop + offset)
            term = samples * w
            total = term if total is None else total + term
        pieces.append(total)
    out = pieces[0] if len(pieces) == 1 else xp.concat(pieces, axis=axis)
    divisor = plan.divisor
    if divisor != 1:
        out = out / divisor
    return out
