"""Apply a stencil plan with array-API operations only.

Works for every array library that array-api-compat wraps (NumPy, PyTorch,
JAX, CuPy, array-api-strict, ...): slices, scalar multiplications, sums and
one concatenation, so the result stays on the input's device and autograd
(torch) or tracing (JAX) flows through it. Nothing is written in place.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..stencils import AxisPlan

__all__ = ["apply_plan"]


def _slice(f: Any, axis: int, start: int, stop: int) -> Any:
    index = [slice(None)] * f.ndim
    index[axis] = slice(start, stop)
    return f[tuple(index)]


def _column(xp: Any, values: np.ndarray, f: Any, axis: int, real_dtype: Any, device: Any) -> Any:
    """Per-point weights as an array that broadcasts along ``axis`` of ``f``."""
    shape = [1] * f.ndim
    shape[axis] = len(values)
    col = xp.asarray(np.ascontiguousarray(values), dtype=real_dtype, device=device)
    return xp.reshape(col, tuple(shape))


def apply_plan(xp: Any, f: Any, plan: AxisPlan, axis: int, real_dtype: Any, device: Any) -> Any:
    """Differentiate ``f`` (already in the compute dtype) along ``axis``.

    ``real_dtype`` is the real floating dtype the weights are cast to.
    Returns a new array of the same shape as ``f``.
    """
    # NaN and inf in the data travel through the sums silently, as in the
    # compiled kernel (and in torch); NumPy would otherwise warn.
    with np.errstate(invalid="ignore", over="ignore"):
        return _apply(xp, f, plan, axis, real_dtype, device)


def _apply(xp: Any, f: Any, plan: AxisPlan, axis: int, real_dtype: Any, device: Any) -> Any:
    pieces = []
    for block in plan.blocks:
        total = None
        for k, offset in enumerate(block.offsets):
            if plan.periodic:
                shifted = xp.roll(f, -offset, axis=axis) if offset else f
                samples = _slice(shifted, axis, block.start, block.stop)
            else:
                samples = _slice(f, axis, block.start + offset, block.stop + offset)
            if block.shared:
                term = samples * float(block.weights[k])
            else:
                term = samples * _column(xp, block.weights[k], f, axis, real_dtype, device)
            total = term if total is None else total + term
        pieces.append(total)
    out = pieces[0] if len(pieces) == 1 else xp.concat(pieces, axis=axis)
    divisor = plan.divisor
    if divisor != 1:
        out = out / divisor
    return out
