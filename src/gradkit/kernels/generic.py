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
from ..stencils import AxisPlan, Prescaled, Quotient, StencilBlock

__all__ = ["apply_plan"]


def _slice(f: Any, axis: int, start: int, stop: int) -> Any:
    index = [slice(None)] * f.ndim
    index[axis] = slice(start, stop)
    return f[tuple(index)]


def _along(xp: Any, column: Any, ndim: int, axis: int) -> Any:
    """A 1-D array of per-point values, shaped to broadcast along ``axis``
    (a 0-d value, the weight of a one-point block, stays 0-d: as in the
    originals, it takes part in type promotion like a scalar)."""
    if getattr(column, "ndim", 0) == 0:  # 0-d arrays and plain numbers (object coordinates)
        return column
    shape = [1] * ndim
    shape[axis] = column.shape[0]
    return xp.reshape(column, tuple(shape))


#: Per-point weights already moved to a device, per block, device and dtype,
#: so that repeated calls make no host-to-device copies.
_ON_DEVICE: "weakref.WeakKeyDictionary[StencilBlock, dict]" = weakref.WeakKeyDictionary()


def _device_rows(xp: Any, block: StencilBlock, real_dtype: Any, device: Any) -> list:
    if "jax" in xp.__name__:
        # Under jax.jit these are tracers of one trace: never kept (the
        # compiled function holds them as constants anyway).
        return [xp.asarray(np.ascontiguousarray(w), dtype=real_dtype) for w in block.weights]
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
    step: Any = None,
) -> Any:
    """Differentiate ``f`` along ``axis``.

    ``real_dtype`` is the real floating dtype the weights are cast to; with
    ``real_dtype=None`` nothing is cast: every operation takes its operands
    as they are (``f`` in its own dtype, ``coords`` in theirs, ``step`` as
    the caller's scalar), so the array library's own promotion and rounding
    decide each step -- how the drop-ins reproduce the originals bit for
    bit. ``coords`` are coordinates kept in ``f``'s library: the weights are
    then computed from them with ``xp`` (gradients flow; ``period`` is
    needed on a periodic axis). Returns a new array of the same shape as ``f``.
    """
    # NaN and inf in the data travel through the sums silently, as in the
    # compiled kernel (and in torch); NumPy would otherwise warn (and so would
    # NumPy's casts of Python steps beyond float32 inside JAX and others).
    with np.errstate(invalid="ignore", over="ignore", divide="ignore", under="ignore"):
        return _apply(xp, f, plan, axis, real_dtype, device, coords, period, step)


def _numerator_weights(xp, f, plan, block, axis, real_dtype, device, coords, period, step) -> list:
    form = block.form
    if isinstance(form, Quotient):
        return list(form.coefs)
    if isinstance(form, Prescaled):
        return [c / step for c in form.coefs]
    if coords is not None:
        return [_along(xp, w, f.ndim, axis) for w in stencils.block_weights(xp, plan, block, coords, period)]
    if block.shared:
        return [float(w) for w in block.weights]
    return [_along(xp, w, f.ndim, axis) for w in _device_rows(xp, block, real_dtype or xp.float64, device)]


def _apply(xp, f, plan, axis, real_dtype, device, coords, period, step) -> Any:
    if coords is not None and real_dtype is not None and coords.dtype != real_dtype:
        coords = xp.astype(coords, real_dtype)
    step = plan.step if step is None else step
    pieces = []
    for block in plan.blocks:
        weights = _numerator_weights(xp, f, plan, block, axis, real_dtype, device, coords, period, step)
        samples = []
        for offset in block.offsets:
            if plan.periodic:
                shifted = xp.roll(f, -offset, axis=axis) if offset else f
                samples.append(_slice(shifted, axis, block.start, block.stop))
            else:
                samples.append(_slice(f, axis, block.start + offset, block.stop + offset))
        if isinstance(block.form, Quotient) and block.form.coefs == (-1.0, 1.0):
            total = samples[1] - samples[0]  # a subtraction, exact in every dtype
        else:
            total = None
            for w, sample in zip(weights, samples):
                term = w * sample
                total = term if total is None else total + term
        for d in stencils.block_divisors(plan, block, step, coords):
            total = total / d
        pieces.append(total)
    return pieces[0] if len(pieces) == 1 else xp.concat(pieces, axis=axis)
