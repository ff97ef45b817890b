"""Compiled one-pass kernels for NumPy arrays.

The array is viewed as ``(outer, n, inner)`` around the differentiated axis
and every output element is written once, from the samples its stencil
reads: no temporaries beyond the output. The loop itself lives in
:mod:`._cpu_jit` (numba), imported on first use.
"""

from __future__ import annotations

import math
import weakref
from typing import Any

import numpy as np

from ..stencils import FORNBERG_ON_THE_FLY, AxisPlan, Prescaled, Quotient, block_divisors

__all__ = ["supports", "apply_plan"]

#: dtypes the compiled loop is built for (others take the generic path).
_COMPILED = {np.dtype(t) for t in (np.float32, np.float64, np.complex64, np.complex128)}
#: Below this many elements the serial loop wins over thread start-up.
_PARALLEL_THRESHOLD = 1 << 16

_jit = None


def _load_jit():
    global _jit
    if _jit is None:
        from . import _cpu_jit, _threads

        _jit = _threads.kernels(_cpu_jit)  # the threading layer, chosen on purpose
    return _jit


def supports(f: Any) -> bool:
    """Whether :func:`apply_plan` can take ``f`` (a NumPy array of a compiled dtype)."""
    return type(f) is np.ndarray and f.dtype in _COMPILED


# The compiled loop's arguments are cached per plan (weakly, so they go when
# the plan goes) and per data dtype.
_TABLES: "weakref.WeakKeyDictionary[AxisPlan, dict]" = weakref.WeakKeyDictionary()


def _segments(plan: AxisPlan):
    """(start, stop, offsets, shared weights or None, per-point weights or None, wrap)."""
    for block in plan.blocks:
        if not plan.periodic:
            yield block.start, block.stop, block.offsets, block, False
            continue
        # Only the points whose samples wrap around need the modulo.
        lo = max(-min(block.offsets), 0)
        hi = max(max(block.offsets), 0)
        cuts = sorted({block.start, min(block.start + lo, block.stop), max(block.stop - hi, block.start + lo), block.stop})
        for a, b in zip(cuts, cuts[1:]):
            if a < b:
                wrap = a < block.start + lo or b > block.stop - hi
                yield a, b, block.offsets, block, wrap


def _tables(plan: AxisPlan, real_dtype: np.dtype, step) -> tuple:
    """The plan as flat arrays for the compiled loop (see :mod:`._cpu_jit`).

    ``step`` is the uniform step as the caller gave it (its type decides
    the rounding of numpy's prescaled weights ``-1.5 / h``)."""
    segs = list(_segments(plan))
    width = max(len(s[2]) for s in segs)
    nseg = len(segs)
    start = np.empty(nseg, np.int64)
    stop = np.empty(nseg, np.int64)
    noff = np.empty(nseg, np.int64)
    off = np.zeros((nseg, width), np.int64)
    w = np.zeros((nseg, width), real_dtype)
    col = np.full(nseg, -1, np.int64)
    wrap = np.zeros(nseg, np.bool_)
    point_blocks = {}  # blocks with weight rows (per point)
    for s, (a, b, offsets, block, wraps) in enumerate(segs):
        start[s], stop[s], noff[s], wrap[s] = a, b, len(offsets), wraps
        off[s, : len(offsets)] = offsets
        form = block.form
        if isinstance(form, Quotient):
            w[s, : len(offsets)] = form.coefs
        elif isinstance(form, Prescaled):
            w[s, : len(offsets)] = [c / step for c in form.coefs]
        elif block.rule == "three-point":
            col[s] = -2  # weights from the coordinates, on the fly
        elif block.rule == FORNBERG_ON_THE_FLY:
            col[s] = -3 - plan.order  # Fornberg's weights from the coordinates, on the fly
        elif block.shared:
            w[s, : len(offsets)] = block.weights
        else:
            point_blocks.setdefault(id(block), block)
            col[s] = a - block.start  # patched below with the block's column base
    # Per-point weights of all blocks side by side in one (width, total) array.
    bases = {}
    total = 0
    for key, block in point_blocks.items():
        bases[key] = total
        total += block.stop - block.start
    if len(point_blocks) == 1 and len(next(iter(point_blocks.values())).offsets) == width:
        # The usual case: read the plan's own rows (no copy in float64).
        wp = np.ascontiguousarray(next(iter(point_blocks.values())).weights, dtype=real_dtype)
    else:
        wp = np.zeros((width, max(total, 1)), real_dtype)
        for key, block in point_blocks.items():
            m = len(block.offsets)
            wp[:m, bases[key] : bases[key] + block.stop - block.start] = block.weights
    for s, (a, b, offsets, block, wraps) in enumerate(segs):
        if col[s] >= 0:
            col[s] += bases[id(block)]
    x = plan.coords if plan.coords is not None else np.zeros(1)
    period = float(plan.period) if plan.periodic and plan.coords is not None else 0.0
    return (start, stop, noff, off, w, col, wp, x, period, wrap), [seg[3] for seg in segs]


def _division_tables(plan: AxisPlan, blocks: list, dtype: np.dtype, real: np.dtype, step) -> tuple:
    """Per segment: the divisors ``dv``, whether to multiply instead ``dm``
    and how many ``nd`` (see :mod:`._cpu_jit`)."""
    with np.errstate(all="ignore"):  # a reciprocal beyond the range is simply not used
        return _division_rows([block_divisors(plan, block, step) for block in blocks], dtype, real)


def _division_rows(rows: list, dtype: np.dtype, real: np.dtype) -> tuple:
    complex_step = any(isinstance(d, complex) or np.iscomplexobj(d) for r in rows for d in r)
    width = max([2] + [len(r) for r in rows])
    dv = np.ones((len(rows), width), dtype if complex_step else real)
    dm = np.zeros((len(rows), width), np.bool_)
    nd = np.array([len(r) for r in rows], np.int64)
    for s, r in enumerate(rows):
        for k, d in enumerate(r):
            if complex_step:
                dv[s, k] = dtype.type(d)
            elif dtype.kind == "c":
                # NumPy divides complex data by a real number through its reciprocal.
                dv[s, k], dm[s, k] = real.type(1) / real.type(d), True
            else:
                d = real.type(d)
                mantissa, _ = np.frexp(d)
                if abs(mantissa) == 0.5 and np.isfinite(real.type(1) / d) and real.type(1) / d != 0:
                    # A power of two: multiplying by its reciprocal gives the same bits.
                    dv[s, k], dm[s, k] = real.type(1) / d, True
                else:
                    dv[s, k] = d
    return dv, dm, nd


def _frozen(a: np.ndarray) -> np.ndarray:
    """A read-only view of ``a`` (C-contiguous, copied if it is not).

    numba compiles one machine-code version per argument type, and
    read-only is part of an array's type: the compiled loop always gets its
    inputs read-only, so a read-only and a writeable array of the same
    dtype and layout share one compilation (the suite's cold-cache compile
    time was mostly such near-duplicates)."""
    view = np.ascontiguousarray(a).view()
    view.flags.writeable = False
    return view


def _frozen_input(a: np.ndarray) -> np.ndarray:
    """A read-only view of the data ``a`` in its own layout (see :func:`_frozen`)."""
    view = a.view()
    view.flags.writeable = False
    return view


def _drop_last(a3: np.ndarray) -> np.ndarray:
    return a3.reshape(a3.shape[:2]) if a3.flags.c_contiguous else a3[:, :, 0]


def _arguments(plan: AxisPlan, dtype: np.dtype, step=None) -> tuple:
    """The compiled loop's arguments after the arrays, cached per plan, dtype
    and step type (the plan's tables and the divisions of every segment),
    and whether every segment shares its weights."""
    step = plan.step if step is None else step
    key = (dtype, type(step))
    per_plan = _TABLES.setdefault(plan, {})
    args = per_plan.get(key)
    if args is not None:
        return args
    real = np.empty(0, dtype).real.dtype
    tables, blocks = _tables(plan, real, step)
    dv, dm, nd = _division_tables(plan, blocks, dtype, real, step)
    col, wrap = tables[5], tables[9]
    tables = tuple(t if isinstance(t, float) else _frozen(t) for t in tables)
    args = ((*tables, _frozen(dv), _frozen(dm), _frozen(nd)), bool(not wrap.any() and (col == -1).all()))
    per_plan[key] = args
    return args


def _as_3d(a: np.ndarray, axis: int) -> np.ndarray | None:
    """A ``(outer, n, inner)`` view of ``a`` around ``axis``, or None if that needs a copy."""
    shape = a.shape
    outer = math.prod(shape[:axis])
    inner = math.prod(shape[axis + 1 :])
    if a.flags.c_contiguous:
        return a.reshape(outer, shape[axis], inner)  # always a view here (and quicker)
    try:
        return np.reshape(a, (outer, shape[axis], inner), copy=False)
    except ValueError:
        return None


def apply_plan(
    f: np.ndarray, plan: AxisPlan, axis: int, out: np.ndarray | None = None, step=None, serial: bool = False,
) -> np.ndarray:
    """Differentiate the NumPy array ``f`` along ``axis`` in one compiled pass.

    ``f`` must already be in the compute dtype (see :func:`supports`).
    Writes into ``out`` (same shape and dtype as ``f``) when given.
    ``step`` is the uniform step as the caller gave it (default: the plan's).
    ``serial`` runs the loop on the calling thread only (the chunked kernel's
    blocks: Dask already runs one block per core, and nested threads only
    compete with it). The numbers are the same either way.
    """
    if out is None:
        out = np.empty_like(f)  # keeps C/F layout
    if f.size == 0:
        return out
    # Fortran-ordered data: work on the transposes, which are C-ordered.
    if f.ndim > 1 and f.flags.f_contiguous and not f.flags.c_contiguous:
        f_t, out_t = f.T, out.T
        _run(f_t, out_t, plan, f.ndim - 1 - axis, step, serial)
        return out
    _run(f, out, plan, axis, step, serial)
    return out


def _unit_inner(a3: np.ndarray | None, itemsize: int) -> bool:
    """Whether a ``(outer, n, inner)`` view walks memory with unit stride in
    its innermost loop (the inner axis, or the line when inner is 1)."""
    if a3 is None:
        return False
    walked = 2 if a3.shape[2] > 1 else 1
    return a3.shape[walked] <= 1 or a3.strides[walked] == itemsize


def _run(f: np.ndarray, out: np.ndarray, plan: AxisPlan, axis: int, step=None, serial: bool = False) -> None:
    if f.ndim == 1 and f.flags.c_contiguous and out.flags.c_contiguous:
        # One contiguous line (the commonest small call): no 3-D views needed.
        _launch(f.reshape(1, -1), out.reshape(1, -1), plan, f.dtype, step, serial)
        return
    f3 = _as_3d(f, axis)
    out3 = _as_3d(out, axis)
    if not _unit_inner(f3, f.itemsize):
        # Dims that cannot be merged without a copy, or an innermost walk that
        # is not unit-stride (e.g. a transposed 3-D view): one contiguous copy
        # is far quicker (measured 60x) than strided loops.
        _run(np.ascontiguousarray(f), out, plan, axis, step, serial)
        return
    if not _unit_inner(out3, out.itemsize):
        result = np.empty(f.shape, out.dtype)
        _run(f, result, plan, axis, step, serial)
        out[...] = result
        return
    if f3.shape[2] == 1:
        # Lines along the last axis: 2-D views, contiguous rows where the input is.
        _launch(_drop_last(f3), _drop_last(out3), plan, f.dtype, step, serial)
    else:
        _launch(f3, out3, plan, f.dtype, step, serial)


def _launch(f: np.ndarray, out: np.ndarray, plan: AxisPlan, dtype: np.dtype, step=None, serial: bool = False) -> None:
    """Run the compiled loop on 2-D lines ``(outer, n)`` or 3-D rows ``(outer, n, inner)``."""
    jit = _load_jit()
    args, shared_only = _arguments(plan, dtype, step)
    shape = f.shape if f.ndim == 3 else (*f.shape, 1)
    nwork = int(jit.work_items(shape))
    f = _frozen_input(f)
    parallel = not serial and f.size >= _PARALLEL_THRESHOLD and nwork > 1
    if f.ndim == 3:
        (jit.rows_parallel if parallel else jit.rows_serial)(nwork, f, out, *args)
    elif shared_only:
        # Shared weights only: the small kernel that compiles quickly.
        start, stop, noff, off, w, col, wp, x, period, wrap, dv, dm, nd = args
        run = jit.uniform_lines_parallel if parallel else jit.uniform_lines_serial
        run(nwork, f, out, start, stop, noff, off, w, dv, dm, nd)
    else:
        (jit.lines_parallel if parallel else jit.lines_serial)(nwork, f, out, *args)
