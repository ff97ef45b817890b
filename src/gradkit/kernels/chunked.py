"""The chunked kernel: Dask arrays in, lazy Dask arrays out.

Each chunk is differentiated with a halo of the plan's reach (the largest
offset any stencil uses) along the differentiated axis and nothing along the
others: its task reads the chunk itself, the last ``reach`` samples of the
chunk before it and the first ``reach`` of the chunk after it (two small
copying tasks; none at a one-sided global edge, the other end's on a periodic
axis). This is ``dask.array.map_overlap``'s halo exchange, built directly:
the chunk is then differentiated in place, into its output, and only the few
points near a neighbour are computed from two small strips of halo and chunk
samples, so no task copies a whole chunk to pad it (a chunk too short for
strips, or whose lines along the axis are the innermost ones, is padded whole
instead).

Every piece is differentiated by the other kernels through the dispatcher
(compiled for NumPy blocks, generic for CuPy and other blocks), with the
slice of the global plan that covers it (:func:`gradkit.stencils.slice_plan`):
points at a global edge get the edge stencils, the others the centred ones,
with the very weights and operation order of the in-memory plan, so the
result does not depend on the chunking, bit for bit.

Chunks shorter than the reach are merged into a neighbour first (the only
rechunking done); every other chunk is kept. Coordinates (NumPy, or Dask
arrays computed once by the arguments layer) go into the graph once per
chunk of the axis, with their halo: one small literal that every block
along the other axes reads.

Nothing here imports Dask at import time: the dispatcher recognises a Dask
array through ``sys.modules`` (:func:`is_dask`), and a Dask array can only
exist once the caller has imported Dask.
"""

from __future__ import annotations

import functools
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
    """``chunks`` with every chunk shorter than ``depth`` (and every empty
    chunk) merged into its neighbour: the next one, or for the last chunk
    the previous one. Chunks at least ``depth`` long are kept, so this is
    ``chunks`` itself when no chunk is too short.

    Examples
    --------
    >>> merged_chunks((5, 5, 1), 2)
    (5, 6)
    >>> merged_chunks((1, 1, 4, 3), 2)
    (2, 4, 3)
    >>> merged_chunks((5, 0, 5), 1)
    (5, 5)
    """
    depth = max(depth, 1)
    if all(c >= depth for c in chunks) or sum(chunks) == 0:
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
        step=plan.step, recipe=plan.recipe, unit=plan.unit,
    )


def _piece(block, axis: int, start: int, stop: int):
    """Samples ``start:stop`` of ``block`` along ``axis``, copied (a
    neighbour's halo: the copy lets the neighbour's memory go)."""
    index = [slice(None)] * block.ndim
    index[axis] = slice(start, stop)
    return block[tuple(index)].copy()


def _along(block, axis: int, start: int, stop: int):
    index = [slice(None)] * block.ndim
    index[axis] = slice(start, stop)
    return tuple(index)


def _block(block, tail, head, coords, *, where):
    """One task: the derivative of one chunk, from the chunk, the last
    samples of the chunk before it (``tail``) and the first of the chunk
    after it (``head``), ``None`` where there is no neighbour.

    ``where`` is ``(axis, n, first, stop, settings, real_dtype, step)``;
    ``coords`` the coordinates of ``tail``, the chunk and ``head`` (or None).
    Most points read only the chunk: they are differentiated in place, into
    the output, with the chunk's slice of the plan; the few near a
    neighbour come from two small strips of neighbour and chunk samples.
    A chunk too short for that is joined to its halo whole.
    """
    from . import dispatch  # at run time: dispatch imports this module

    axis, n, first, stop, settings, real_dtype, step = where
    xp = _namespace(block)
    left = 0 if tail is None else tail.shape[axis]
    right = 0 if head is None else head.shape[axis]
    count = stop - first
    depth = max(left, right)
    x = None if coords is None else np.reshape(coords, -1)

    def run(samples, a, b, lo, hi, xs):
        if xs is None:
            plan = _uniform_slice(n, a, b, lo, hi, tuple(sorted(settings.items())))
        else:
            plan = stencils.slice_plan(n, a, b, lo, hi, coords=xs, **settings)
        return dispatch.apply(xp, samples, plan, axis, real_dtype, step=step)

    if count < left + right + 2 * depth or _short_lines(block.shape, axis):
        samples = xp.concat([p for p in (tail, block, head) if p is not None], axis=axis)
        out = run(samples, first, stop, left, right, x)
        return out[_along(out, axis, left, left + count)] if left or right else out
    out = run(block, first + left, stop - right, left, right, None if x is None else x[left : left + count])
    if left:
        strip = xp.concat([tail, block[_along(block, axis, 0, left + depth)]], axis=axis)
        edge = run(strip, first, first + left, left, depth, None if x is None else x[: 2 * left + depth])
        out[_along(out, axis, 0, left)] = edge[_along(edge, axis, left, 2 * left)]
    if right:
        strip = xp.concat([block[_along(block, axis, count - right - depth, count)], head], axis=axis)
        edge = run(strip, stop - right, stop, depth, right, None if x is None else x[left + count - right - depth :])
        out[_along(out, axis, count - right, count)] = edge[_along(edge, axis, depth, depth + right)]
    return out


#: Lines along the axis shorter than this many samples apart in memory make
#: the strips slow (the kernel's per-line cost): such blocks are joined to
#: their halo whole instead (one copy of the block).
_STRIP_MIN_INNER = 16


def _short_lines(shape: tuple[int, ...], axis: int) -> bool:
    """Whether the strips of a block would be many short lines (the axis is
    the innermost, or nearly, of a block with other axes)."""
    inner = 1
    for size in shape[axis + 1 :]:
        inner *= size
    return len(shape) > 1 and inner < _STRIP_MIN_INNER


@functools.lru_cache(maxsize=256, typed=True)
def _uniform_slice(n, first, stop, left, right, settings):
    """:func:`gradkit.stencils.slice_plan` of a uniform grid, cached: the
    blocks along the other axes share their slices (and the compiled
    kernel's tables, cached per plan)."""
    return stencils.slice_plan(n, first, stop, left, right, **dict(settings))


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
    from dask.highlevelgraph import HighLevelGraph

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
    name = f"gradkit-derivative-{token}"
    tail_name, head_name, coords_name = f"gradkit-tail-{token}", f"gradkit-head-{token}", f"gradkit-coords-{token}"
    dsk: dict = {}
    windows = None if coords is None else _window_coords(coords, bounds, plan.period)
    if windows is not None:
        for k, w in enumerate(windows):
            dsk[(coords_name, k)] = w
    count = len(chunks)
    for idx in np.ndindex(*f.numblocks):
        k = idx[axis]
        first, stop, left, right = bounds[k]
        tail = head = None
        if left:
            j = (k - 1) % count
            tail = (tail_name, *idx)
            dsk[tail] = (_piece, (f.name, *idx[:axis], j, *idx[axis + 1 :]), axis, chunks[j] - left, chunks[j])
        if right:
            j = (k + 1) % count
            head = (head_name, *idx)
            dsk[head] = (_piece, (f.name, *idx[:axis], j, *idx[axis + 1 :]), axis, 0, right)
        task = functools.partial(_block, where=(axis, n, first, stop, settings, real_dtype, step))
        dsk[(name, *idx)] = (task, (f.name, *idx), tail, head, None if windows is None else (coords_name, k))
    graph = HighLevelGraph.from_collections(name, dsk, dependencies=[f])
    return da.Array(graph, name, chunks=tuple(c if a != axis else chunks for a, c in enumerate(f.chunks)),
                    meta=f._meta)
