"""The one place that chooses a kernel for an array.

NumPy arrays of float32/float64/complex64/complex128 take the compiled
one-pass kernel (:mod:`.cpu`) when numba is installed; every other array
(torch, JAX, CuPy, array-api-strict, other NumPy dtypes) takes the generic
array-API kernel (:mod:`.generic`). Both give the same numbers. Dask
arrays take the chunked kernel (:mod:`.chunked`), which hands each block
back here.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import sys
from typing import Any

import array_api_compat
import numpy as np

from ..stencils import AxisPlan
from . import chunked, cpu, generic

__all__ = ["apply", "apply_together", "compiled_available"]


def compiled_available() -> bool:
    """Whether the compiled NumPy kernels can be used (numba installed and not disabled).

    Set the environment variable ``GRADKIT_DISABLE_JIT=1`` before importing
    gradkit to force the generic path everywhere (the test suite runs its
    differential tests both ways).
    """
    return _COMPILED


def _is_tracer(x: Any) -> bool:
    core = sys.modules.get("jax.core")
    return core is not None and isinstance(x, core.Tracer)


@functools.lru_cache(maxsize=64)
def _jax_kernel(plan: AxisPlan, axis: int, real_dtype: Any, period: Any, step: Any) -> Any:
    """The generic kernel for one plan, compiled by ``jax.jit``."""
    import jax

    def run(f, coords):
        xp = array_api_compat.array_namespace(f)
        return generic.apply_plan(xp, f, plan, axis, real_dtype, None, coords, period, step)

    return jax.jit(run)


def _compiled_wanted() -> bool:
    if os.environ.get("GRADKIT_DISABLE_JIT", "") not in ("", "0"):
        return False
    return importlib.util.find_spec("numba") is not None


#: Read once, when gradkit is imported (set GRADKIT_DISABLE_JIT before that).
_COMPILED = _compiled_wanted()


def apply(
    xp: Any,
    f: Any,
    plan: AxisPlan,
    axis: int,
    real_dtype: Any,
    out: Any = None,
    coords: Any = None,
    period: Any = None,
    step: Any = None,
    serial: bool = False,
) -> Any:
    """Apply ``plan`` along ``axis`` of ``f`` with the best kernel for its type.

    ``out`` (optional) is an array of ``f``'s shape and dtype to write into;
    only the compiled NumPy path writes in place, the others copy into it.
    ``coords`` (with ``period``) are coordinates kept in ``f``'s library so
    that gradients flow through them; they always take the generic kernel.
    ``step`` is the uniform step as the caller gave it (default: the plan's).
    ``real_dtype=None`` asks for every operation on the operands as given
    (the generic kernel, in the array library's own arithmetic).
    ``serial`` keeps the compiled kernel on the calling thread (the chunked
    kernel's blocks, which Dask already runs in parallel).
    """
    if chunked.is_dask(f):
        if coords is not None:
            raise TypeError(
                "gradkit: coordinates that carry gradients or are traced cannot be used with Dask data; "
                "pass them as NumPy (or Dask) arrays"
            )
        result = chunked.apply_plan(f, plan, axis, real_dtype, step=step)
        if out is not None:
            out[...] = result
            return out
        return result
    if real_dtype is not None and isinstance(f, np.ndarray) and type(f) is not np.ndarray and not np.ma.isMaskedArray(f):
        # A plain subclass (np.memmap, ...) computes as its base class: the
        # same kernel, so the same bits as the plain array.
        f = f.view(np.ndarray)
    if coords is None and real_dtype is not None and cpu.supports(f) and compiled_available():
        return cpu.apply_plan(f, plan, axis, out=out, step=step, serial=serial)
    if array_api_compat.is_jax_array(f) and not _is_tracer(f) and not _is_tracer(coords):
        # Concrete JAX arrays run the very computation a jax.jit caller gets
        # (XLA compiles it the same way), so eager and jit give the same bits.
        result = _jax_kernel(plan, axis, real_dtype, period, step)(f, coords)
    else:
        device = array_api_compat.device(f)
        result = generic.apply_plan(xp, f, plan, axis, real_dtype, device, coords, period, step)
    if out is not None:
        out[...] = result
        return out
    return result


def apply_together(f: Any, jobs: list, real_dtype: Any) -> list | None:
    """The results of several ``(plan, axis)`` on ``f`` built together, or
    None where that is no different from one :func:`apply` each: a Dask
    array shares one halo exchange among them (:func:`.chunked.apply_plans`)."""
    if not chunked.is_dask(f) or len(jobs) < 2:
        return None
    return chunked.apply_plans(f, [(plan, axis, None) for plan, axis in jobs], real_dtype)
