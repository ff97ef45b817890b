"""The chunked kernel: Dask arrays in, lazy Dask arrays out.

Each block of the input is extended by the stencil reach of the plan on the
differentiated axis (zero on the others) with ``dask.array.overlap.overlap``
(``boundary="none"`` on a one-sided axis, ``"periodic"`` on a periodic one)
and differentiated by the other kernels through the dispatcher (compiled for
NumPy blocks, generic for CuPy and other blocks). A block is handed the slice
of the global plan that covers it (:func:`gradkit.stencils.slice_plan`): a
block touching a global edge gets the edge stencils, the others the centred
ones, with the very weights and operation order of the in-memory plan, so the
result does not depend on the chunking, bit for bit.

Chunks shorter than the reach are merged into a neighbour first (the only
rechunking done); every other chunk is kept. Coordinates (NumPy, or Dask
arrays computed once by the arguments layer) go into the graph once per
chunk of the axis, with their halo: a block's coordinates are one small task
that every block along the other axes reads.

Nothing here imports Dask: the dispatcher recognises a Dask array through
``sys.modules`` (:func:`is_dask`), and a Dask array can only exist once the
caller has imported it.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from .. import stencils
from ..stencils import AxisPlan

__all__ = ["is_dask", "apply_plan", "merged_chunks"]


def is_dask(x: Any) -> bool:
    """Whether ``x`` is a ``dask.array.Array`` (without importing Dask)."""
    module = sys.modules.get("dask.array")
    return module is not None and isinstance(x, module.Array)


def merged_chunks(chunks: tuple[int, ...], depth: int) -> tuple[int, ...]:
    """``chunks`` with every chunk shorter than ``depth`` merged into its
    neighbour: the next one, or for the last chunk the previous one. Chunks
    at least ``depth`` long are kept, so this is ``chunks`` itself when no
    chunk is too short.

    Examples
    --------
    >>> merged_chunks((5, 5, 1), 2)
    (5, 6)
    >>> merged_chunks((1, 1, 4, 3), 2)
    (2, 4, 3)
    """
    if depth <= 1 or all(c >= depth for c in chunks):
        return tuple(chunks)
    out: list[int] = []
    pending = 0
    for c in chunks:
        pending += c
        if pending >= depth:
            out.append(pending)
            pending = 0
    if pending:
        if out:
            out[-1] += pending
        else:
            out.append(pending)
    return tuple(out)


def _window_coords(x: np.ndarray, bounds: list[tuple[int, int, int, int]], period: Any) -> list[np.ndarray]:
    """Per chunk ``(first, stop, left, right)``: the coordinates of its samples
    with the halo; past an end of a periodic axis one period away (the
    arithmetic of :func:`gradkit.stencils._periodic_extension`)."""
    n = len(x)
    out = []
    for first, stop, left, right in bounds:
        parts = []
        lo, hi = first - left, stop + right
        if lo < 0:
            parts.append(x[n + lo :] - period)
        parts.append(x[max(lo, 0) : min(hi, n)])
        if hi > n:
            parts.append(x[: hi - n] + period)
        out.append(np.concatenate(parts) if len(parts) > 1 else np.array(parts[0]))
    return out


def _settings(plan: AxisPlan) -> dict:
    return dict(
        order=plan.order, accuracy=plan.accuracy, edge_order=plan.edge_order, boundary=plan.boundary,
        step=plan.step, recipe=plan.recipe,
    )


def _block(block, coords=None, *, block_info, axis, n, depth, periodic, settings, real_dtype, step):
    """One task: differentiate ``block`` (its chunk with the halo) and drop the halo.

    Where the chunk sits comes from Dask's ``block_info`` (the output
    chunk's location in the array), so a task carries no table of chunks.
    """
    from . import dispatch  # at run time: dispatch imports this module

    first, stop = block_info[None]["array-location"][axis]
    k, count = block_info[None]["chunk-location"][axis], block_info[None]["num-chunks"][axis]
    left, right = _halo(k, count, depth, periodic)
    x = None if coords is None else np.reshape(coords, -1)
    plan = stencils.slice_plan(n, first, stop, left, right, coords=x, **settings)
    xp = _namespace(block)
    out = dispatch.apply(xp, block, plan, axis, real_dtype, step=step)
    if left == 0 and right == 0:
        return out
    index = [slice(None)] * block.ndim
    index[axis] = slice(left, left + stop - first)
    return out[tuple(index)]


def _halo(k: int, count: int, depth: int, periodic: bool) -> tuple[int, int]:
    """The halo (left, right) of chunk ``k`` of ``count`` along the axis."""
    if depth == 0 or not periodic and count == 1:
        return 0, 0
    if periodic:
        return depth, depth
    return (depth if k > 0 else 0), (depth if k < count - 1 else 0)


def _namespace(block):
    import array_api_compat

    return array_api_compat.array_namespace(block)


def apply_plan(f: Any, plan: AxisPlan, axis: int, real_dtype: Any, step: Any = None) -> Any:
    """Differentiate the Dask array ``f`` along ``axis`` with ``plan``, lazily.

    ``f`` is already in the compute dtype; the result has its dtype, its
    chunks except where a chunk shorter than the stencil reach was merged
    into a neighbour (:func:`merged_chunks`), and keys that depend only on
    the inputs (the same call twice gives the same graph).
    """
    import dask.array as da
    from dask.base import tokenize

    n = plan.n
    depth = stencils.reach(plan)
    periodic = plan.periodic
    chunks = merged_chunks(f.chunks[axis], depth)
    if chunks != f.chunks[axis]:
        f = f.rechunk({axis: chunks})
    starts = np.concatenate([[0], np.cumsum(chunks)]).tolist()
    bounds = [(starts[k], starts[k + 1], *_halo(k, len(chunks), depth, periodic)) for k in range(len(chunks))]
    settings = _settings(plan)
    coords = plan.coords
    digest = None if coords is None else stencils.coordinates_digest(coords)
    token = tokenize(
        f.name, axis, n, sorted(settings.items(), key=lambda kv: kv[0]), type(plan.step).__name__, digest,
        plan.period, str(real_dtype), step, type(step).__name__, chunks,
    )
    if any(b[2] or b[3] for b in bounds):
        g = da.overlap.overlap(
            f, depth={axis: depth}, boundary={axis: "periodic" if periodic else "none"},
        )
    else:
        g = f
    args = [g]
    if coords is not None:
        windows = _window_coords(coords, bounds, plan.period)
        flat = np.concatenate(windows)
        xw = da.from_array(flat, chunks=(tuple(len(w) for w in windows),), name=f"gradkit-coords-{token}")
        shape = [None] * f.ndim
        shape[axis] = slice(None)
        args.append(xw[tuple(shape)])
    return da.map_blocks(
        _block,
        *args,
        chunks=tuple(c if a != axis else chunks for a, c in enumerate(f.chunks)),
        dtype=f.dtype,
        meta=f._meta,
        name=f"gradkit-derivative-{token}",
        axis=axis,
        n=n,
        depth=depth,
        periodic=periodic,
        settings=settings,
        real_dtype=real_dtype,
        step=step,
    )
