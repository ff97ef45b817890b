"""The chunked kernel: Dask arrays in, lazy Dask arrays out.

Each chunk is differentiated with a halo of the plan's reach (the largest
offset any stencil uses) along the differentiated axis and nothing along the
others: its task reads the chunk itself and the faces of its neighbours, the
last ``reach`` samples of the chunk before it and the first ``reach`` of the
chunk after it (none at a one-sided global edge, the other end's on a
periodic axis). This is ``dask.array.map_overlap``'s halo exchange, built
directly: one small task per chunk copies the faces its neighbours read,
along every differentiated axis at once (:func:`apply_plans`: a gradient
over several axes shares one exchange), and the chunk is then
differentiated in place, into its output; only the few points near a
neighbour are computed from two small strips of face and chunk samples
(moved to rows where the axis is innermost in memory), so no task copies a
whole chunk to pad it (a chunk too short for strips is padded whole).
Blocks run the compiled kernel on Dask's thread (``serial``).

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


def _faces(block, wants, gather):
    """One task per block: copies of the samples its neighbours read as
    their halo, ``{(axis, side): piece}`` for each ``(axis, side, start,
    stop)`` in ``wants`` (the copies let the block's memory go). With
    ``gather`` (several axes differentiated), a NumPy block that is a
    strided view (a slice of a larger array, as ``da.from_array`` hands
    out) is also copied whole into ``"block"``, once for all the axes:
    each axis's kernel would otherwise gather it from the larger array
    again."""
    faces = {(axis, side): block[_along(block, axis, start, stop)].copy() for axis, side, start, stop in wants}
    if gather and isinstance(block, np.ndarray) and not (block.flags.c_contiguous or block.flags.f_contiguous):
        faces["block"] = np.ascontiguousarray(block)
    return faces


def _along(block, axis: int, start: int, stop: int):
    index = [slice(None)] * block.ndim
    index[axis] = slice(start, stop)
    return tuple(index)


class _Rows:
    """A chunk's rows of a plan with given rows (:func:`gradkit.stencils.plan_rows`),
    kept whole as one value of the graph."""

    def __init__(self, rows: tuple):
        self.rows = rows


def _block(block, own, before, after, coords, rows=None, *, where):
    """One task: the derivative of one chunk along ``where[0]``, from the
    chunk and the halo faces of the chunks before and after it along that
    axis (:func:`_faces`; ``None`` where there is no neighbour); ``own``
    the chunk's own faces (None when they are not read), which may hold a
    contiguous copy of the chunk; ``rows`` the chunk's rows of a plan with
    given rows (:class:`_Rows`), None for plans rebuilt from their settings."""
    if own is not None and "block" in own:
        block = own["block"]
    axis, left, right = where[0], where[8], where[9]
    tail = None if before is None else before[(axis, "tail")]
    head = None if after is None else after[(axis, "head")]
    if tail is not None and tail.shape[axis] != left:  # a face widened for another job
        tail = tail[_along(tail, axis, tail.shape[axis] - left, tail.shape[axis])]
    if head is not None and head.shape[axis] != right:
        head = head[_along(head, axis, 0, right)]
    out = _derivative(block, tail, head, coords, where[:8], None if rows is None else rows.rows)
    cast = where[10]
    return out if cast is None or out.dtype == cast else out.astype(cast)


def _derivative(block, tail, head, coords, where, rows=None):
    """The derivative of one chunk, from the chunk, the last samples of the
    chunk before it (``tail``) and the first of the chunk after it
    (``head``), ``None`` where there is no neighbour.

    ``where`` is ``(axis, n, first, stop, settings, real_dtype, step,
    serial)``; ``coords`` the coordinates of ``tail``, the chunk and
    ``head`` (or None). Most points read only the chunk: they are
    differentiated in place, into the output, with the chunk's slice of the
    plan; the few near a neighbour come from two small strips of neighbour
    and chunk samples. A NumPy strip whose lines along the axis are short
    (the axis innermost in memory) is differentiated with the axis moved to
    the front, as rows. A chunk too short for strips is joined to its halo
    whole.
    """
    from . import dispatch  # at run time: dispatch imports this module

    axis, n, first, stop, settings, real_dtype, step, serial = where
    xp = _namespace(block)
    left = 0 if tail is None else tail.shape[axis]
    right = 0 if head is None else head.shape[axis]
    count = stop - first
    depth = max(left, right)
    x = None if coords is None else np.reshape(coords, -1)

    def run(samples, a, b, lo, hi, xs, along=axis):
        if rows is not None:  # a plan with given rows: the chunk's own, cut to a:b
            plan = stencils.cut_rows(rows, first, a, b, lo, hi, coords=xs, **settings)
        elif xs is None:
            plan = _uniform_slice(n, a, b, lo, hi, tuple(sorted(settings.items())))
        else:
            plan = stencils.slice_plan(n, a, b, lo, hi, coords=xs, **settings)
        return dispatch.apply(xp, samples, plan, along, real_dtype, step=step, serial=serial)

    def strip_result(parts, a, b, lo, hi, xs, keep_from):
        """The derivative at the ``b - a`` points of the strip ``parts``
        joined along the axis, from index ``keep_from`` of the strip."""
        if isinstance(block, np.ndarray) and _short_lines(block.shape, axis):
            moved = np.concatenate([np.moveaxis(p, axis, 0) for p in parts], axis=0)
            edge = run(moved, a, b, lo, hi, xs, along=0)
            return np.moveaxis(edge[keep_from : keep_from + b - a], 0, axis)
        strip = xp.concat(parts, axis=axis)
        edge = run(strip, a, b, lo, hi, xs)
        return edge[_along(edge, axis, keep_from, keep_from + b - a)]

    if count < left + right + 2 * depth or not isinstance(block, np.ndarray) and _short_lines(block.shape, axis):
        samples = xp.concat([p for p in (tail, block, head) if p is not None], axis=axis)
        out = run(samples, first, stop, left, right, x)
        return out[_along(out, axis, left, left + count)] if left or right else out
    out = run(block, first + left, stop - right, left, right, None if x is None else x[left : left + count])
    if left:
        out[_along(out, axis, 0, left)] = strip_result(
            [tail, block[_along(block, axis, 0, left + depth)]], first, first + left, left, depth,
            None if x is None else x[: 2 * left + depth], left,
        )
    if right:
        out[_along(out, axis, count - right, count)] = strip_result(
            [block[_along(block, axis, count - right - depth, count)], head], stop - right, stop, depth, right,
            None if x is None else x[left + count - right - depth :], depth,
        )
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
    return apply_plans(f, [(plan, axis, step)], real_dtype)[0]


def apply_plans(f: Any, jobs: list, real_dtype: Any, cast: Any = None) -> list:
    """Differentiate the Dask array ``f`` with each ``(plan, axis, step)``
    of ``jobs``, lazily, sharing one halo exchange: one task per chunk
    copies the faces its neighbours read along every axis of ``jobs``
    (:func:`_faces`), and one task per chunk and job differentiates the
    chunk from them (:func:`_block`), so each result is its own graph
    except for the small shared face tasks.

    Chunks shorter than a job's reach along its axis are merged
    (:func:`merged_chunks`); when any are, each job gets its own exchange
    on its own rechunked input, so that a result's chunks change only along
    its own axis. ``cast`` (a NumPy dtype) stores each block's result in
    that dtype (``real_dtype=None``: the blocks' own arithmetic decides the
    dtype it computes in); otherwise the results have ``f``'s dtype.
    """
    depths = {}
    for plan, axis, _ in jobs:
        depths[axis] = max(depths.get(axis, 0), stencils.reach(plan))
    if len(jobs) > 1 and any(merged_chunks(f.chunks[a], d) != f.chunks[a] for a, d in depths.items()):
        return [apply_plans(f, [job], real_dtype, cast)[0] for job in jobs]
    import dask.array as da
    from dask.base import tokenize
    from dask.highlevelgraph import HighLevelGraph

    if len(jobs) == 1:
        plan, axis, _ = jobs[0]
        chunks = merged_chunks(f.chunks[axis], depths[axis])
        if chunks != f.chunks[axis]:
            f = f.rechunk({axis: chunks})
    # One block in all: keep the compiled kernel's threads; otherwise Dask
    # already runs one block per thread.
    serial = int(np.prod(f.numblocks)) > 1
    described = []
    for plan, axis, step in jobs:
        settings = _settings(plan)
        coords = plan.coords
        digest = None if coords is None else stencils.coordinates_digest(coords)
        rows = None if not plan.given_rows else tokenize(*[(b.start, b.stop, b.offsets, b.kind, b.weights)
                                                             for b in plan.blocks])
        described.append((
            axis, plan.n, sorted(settings.items(), key=lambda kv: kv[0]), type(plan.step).__name__, digest,
            plan.period, step, type(step).__name__, rows,
        ))
    # Per job: the bounds (first, stop, left, right) of each chunk along its axis.
    layouts = []
    for plan, axis, step in jobs:
        chunks = f.chunks[axis]
        depth = stencils.reach(plan)
        starts = np.concatenate([[0], np.cumsum(chunks)]).tolist()
        layouts.append([(starts[k], starts[k + 1], *_halo(k, len(chunks), depth, plan.periodic))
                        for k in range(len(chunks))])
    # What each chunk hands its neighbours: along each axis the largest halo
    # any job asks of it (a job with a smaller reach reads a part of it).
    wants: dict = {}  # (axis, index along it) -> {side: (start, stop)}
    for (plan, axis, _), bounds in zip(jobs, layouts):
        chunks = f.chunks[axis]
        count = len(chunks)
        for k, (_, _, left, right) in enumerate(bounds):
            if left:
                j = (k - 1) % count
                _widest(wants, (axis, j), "tail", chunks[j] - left, chunks[j])
            if right:
                j = (k + 1) % count
                _widest(wants, (axis, j), "head", 0, right)
    dsk: dict = {}
    needed = sorted({a for a, _ in wants})
    gather = len(jobs) > 1 and isinstance(f._meta, np.ndarray)
    # Keys from the inputs only: a result's keys depend on its own job and
    # on the faces it reads, not on the other jobs' settings.
    faces_name = f"gradkit-faces-{tokenize(f.name, f.chunks, sorted(wants.items()), gather)}"
    for idx in np.ndindex(*f.numblocks):
        pieces = tuple(
            (a, side, start, stop)
            for a in needed for side, (start, stop) in sorted(wants.get((a, idx[a]), {}).items())
        )
        if pieces or gather:
            dsk[(faces_name, *idx)] = (_faces, (f.name, *idx), pieces, gather)
    results = []
    for number, ((plan, axis, step), bounds) in enumerate(zip(jobs, layouts)):
        token = tokenize(f.name, f.chunks, str(real_dtype), str(cast), described[number], faces_name if dsk else None)
        name = f"gradkit-derivative-{token}"
        coords_name = f"gradkit-coords-{token}"
        rows_name = f"gradkit-rows-{token}"
        settings = _settings(plan)
        count = len(bounds)
        chunks = f.chunks[axis]
        windows = None if plan.coords is None else _window_coords(plan.coords, bounds, plan.period)
        layer: dict = {}
        if windows is not None:
            for k, w in enumerate(windows):
                layer[(coords_name, k)] = w
        if plan.given_rows:  # each chunk along the axis gets its own rows of the plan
            for k, (first, stop, _, _) in enumerate(bounds):
                layer[(rows_name, k)] = _Rows(stencils.plan_rows(plan, first, stop))
        for idx in np.ndindex(*f.numblocks):
            k = idx[axis]
            first, stop, left, right = bounds[k]
            before = after = None
            if left:
                before = (faces_name, *idx[:axis], (k - 1) % count, *idx[axis + 1 :])
            if right:
                after = (faces_name, *idx[:axis], (k + 1) % count, *idx[axis + 1 :])
            task = functools.partial(
                _block, where=(axis, plan.n, first, stop, settings, real_dtype, step, serial, left, right, cast),
            )
            own = (faces_name, *idx) if gather else None
            layer[(name, *idx)] = (
                task, (f.name, *idx), own, before, after, None if windows is None else (coords_name, k),
                (rows_name, k) if plan.given_rows else None,
            )
        base = f.__dask_graph__()
        layers, dependencies = dict(base.layers), dict(base.dependencies)
        below = set(f.__dask_layers__())
        if dsk:
            layers[faces_name], dependencies[faces_name] = dsk, below
            below = below | {faces_name}
        layers[name], dependencies[name] = layer, below
        graph = HighLevelGraph(layers, dependencies)
        meta = f._meta if cast is None else f._meta.astype(cast)
        results.append(da.Array(graph, name, chunks=f.chunks, meta=meta))
    return results


def _widest(wants: dict, where: tuple, side: str, start: int, stop: int) -> None:
    """Record that the chunk ``where`` hands samples ``start:stop`` as its
    ``side`` face, widening what is already asked of it."""
    sides = wants.setdefault(where, {})
    if side in sides:
        a, b = sides[side]
        start, stop = min(a, start), max(b, stop)
    sides[side] = (start, stop)
