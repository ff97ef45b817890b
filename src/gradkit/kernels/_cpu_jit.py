"""The numba-compiled loop behind :mod:`gradkit.kernels.cpu`.

Kept in its own module so that ``import gradkit`` never imports numba; this
module is imported on the first NumPy call that takes the compiled path.
Compiled functions are cached on disk (``cache=True``).

The array is viewed as ``(outer, n, inner)`` with the differentiated axis in
the middle. A plan arrives as a table of segments; segment ``s`` covers the
output points ``start[s]:stop[s]`` and applies ``noff[s]`` offsets
``off[s, :]``, with shared weights ``w[s, :]``, or, when ``col[s] >= 0``,
per-point weights ``wp[k, col[s] + (i - start[s])]``, or, when
``col[s] == -2``, the three-point weights of the coordinates ``x`` around
``i`` (computed on the fly by the stencil layer's closed form, so a long
coordinate axis needs no weight rows in memory), or, when ``col[s] <= -3``,
the weights of the derivative of order ``-3 - col[s]`` from the
coordinates, computed on the fly by the stencil layer's recurrence
(``fornberg_lanes``; ``period`` is the period of a periodic coordinate
axis). ``wrap[s]`` marks the few points of a periodic axis whose samples
wrap around.

The arithmetic is the generic kernel's, term by term: ``w0*f0 + w1*f1 + ...``
summed left to right, then divided ``nd[s]`` times, by ``dv[s, 0]`` and
``dv[s, 1]`` (or multiplied, where ``dm[s, k]``: the exact reciprocal of a
power of two, or NumPy's complex-by-real division), so both paths (and
``explain``) give the same bits.
"""

import math

import numba
import numpy as np

from ..stencils import fornberg_power, fornberg_recurrence, three_point_weights
from ._fornberg_fixed import fixed as _fornberg_fixed

#: The stencil layer's closed form, compiled: weights computed on the fly.
_three_point = numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")(three_point_weights)
#: The stencil layer's recurrence (``fornberg_lanes`` in two halves),
#: compiled: any other coordinate stencil's weights computed on the fly, a
#: group of points at a time.
_fornberg_recurrence = numba.njit(cache=True, nogil=True, error_model="numpy")(fornberg_recurrence)
_fornberg_power = numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")(fornberg_power)

_TILE = 2048  # points of a 1-D line processed together (stays in L1/L2)
_LANES = 256  # points whose Fornberg weights are computed together


@numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _weight(w, wp, col, s, k, i, start):
    if col[s] >= 0:
        return wp[k, col[s] + i - start[s]]
    return w[s, k]


@numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _divide(acc, dv, dm, nd, s):
    """The segment's divisions, in place on its sums ``acc``."""
    for k in range(nd[s]):
        d = dv[s, k]
        if dm[s, k]:
            for p in range(acc.shape[0]):
                acc[p] = acc[p] * d
        else:
            for p in range(acc.shape[0]):
                acc[p] = acc[p] / d


def work_items(shape):
    """How many independent work items a ``(outer, n, inner)`` array splits into."""
    outer, n, inner = shape
    return outer * ((n + _TILE - 1) // _TILE) if inner == 1 else outer * n


@numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _shared_segment(acc, line, a, b, offsets, weights, noff):
    """acc[p] = sum_k weights[k] * line[a + p + offsets[k]] for p < b - a."""
    m = b - a
    src = line[a + offsets[0] : b + offsets[0]]
    w0 = weights[0]
    for p in range(m):
        acc[p] = w0 * src[p]
    for k in range(1, noff):
        src = line[a + offsets[k] : b + offsets[k]]
        wk = weights[k]
        for p in range(m):
            acc[p] = acc[p] + wk * src[p]


@numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _fornberg_scratch(noff, order, lanes, dtype_of):
    """The scratch arrays of :func:`_fornberg_weights` for up to ``lanes``
    points (allocated once per tile, not per group of points)."""
    return (
        np.empty((noff, lanes)),
        np.empty((order + 1, noff, lanes)),
        np.empty(lanes),
        np.empty((3, lanes)),
        np.empty((noff, lanes), dtype=dtype_of.dtype),
    )


@numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _fornberg_positions(x, period, a, b, offsets, noff, wrap, pos):
    """``pos[k, p]``: position of sample ``k`` of the stencil of point
    ``a + p`` relative to that point, for the points ``a:b``. A wrapped
    sample is one period away (as in the stencil layer)."""
    n = x.shape[0]
    m = b - a
    centre = x[a:b]
    for k in range(noff):
        pk = pos[k]
        if wrap:
            for p in range(m):
                j = a + p + offsets[k]
                if j < 0:
                    pk[p] = (x[j + n] - period) - centre[p]
                elif j >= n:
                    pk[p] = (x[j - n] + period) - centre[p]
                else:
                    pk[p] = x[j] - centre[p]
        else:
            src = x[a + offsets[k] : b + offsets[k]]
            for p in range(m):
                pk[p] = src[p] - centre[p]


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _fornberg_unscaled(x, period, a, b, offsets, noff, order, wrap, scratch):
    """The weights of the points ``a:b`` from the coordinates before their
    final scaling: ``fornberg_lanes``'s result is ``c[k, p] * power[p]``
    for the pair ``(c, power)`` returned (float64; ``b - a`` at most the
    scratch's lanes, see :func:`_fornberg_scratch`)."""
    m = b - a
    pos, c, scale, work, weights = scratch  # C-contiguous, m columns used
    _fornberg_positions(x, period, a, b, offsets, noff, wrap, pos)
    _fornberg_recurrence(pos, order, c, scale, work, m)
    return c[order], _fornberg_power(scale, order, work, m)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _fornberg_scales(x, a, b, offsets, noff, big, scale):
    """``scale[p]``: the reciprocal power of two of the stencil of point
    ``a + p``, exactly as :func:`gradkit.stencils.fornberg_recurrence`
    computes it (for the straight-line versions, which take it as given)."""
    m = b - a
    xc = x[a:b]
    src = x[a + offsets[0] : b + offsets[0]]
    for p in range(m):
        big[p] = abs(src[p] - xc[p])
    for k in range(1, noff):
        src = x[a + offsets[k] : b + offsets[k]]
        for p in range(m):
            big[p] = max(big[p], abs(src[p] - xc[p]))
    big_bits = big.view(np.int64)
    scale_bits = scale.view(np.int64)
    odd = 0
    for p in range(m):
        e = (big_bits[p] >> 52) & 0x7FF
        odd += (e < 1) | (e > 2044)
        scale_bits[p] = (2045 - e) << 52
    if odd:
        for p in range(m):
            e = (big_bits[p] >> 52) & 0x7FF
            if e < 1 or e > 2044:
                scale[p] = math.ldexp(1.0, -math.frexp(big[p])[1])


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _fornberg_weights(x, period, a, b, offsets, noff, order, wrap, scratch):
    """Weights ``(noff, b - a)`` of the points ``a:b`` from the coordinates,
    by the stencil layer's recurrence, rounded to the dtype of the scratch's
    weight array (in its first ``b - a`` columns)."""
    co, power = _fornberg_unscaled(x, period, a, b, offsets, noff, order, wrap, scratch)
    weights = scratch[4]
    for k in range(noff):
        wk = weights[k]
        ck = co[k]
        for p in range(b - a):
            wk[p] = ck[p] * power[p]
    return weights


@numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _tile_bounds(t, n):
    ntiles = (n + _TILE - 1) // _TILE
    i0 = (t % ntiles) * _TILE
    return t // ntiles, i0, min(i0 + _TILE, n)


@numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _store(out_row, buffer):
    for p in range(buffer.shape[0]):
        out_row[p] = buffer[p]


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _uniform_line_tile(t, f, out, start, stop, noff, off, w, dv, dm, nd):
    """Work item ``t`` of a line kernel whose segments all share their weights.

    The common case (uniform grids, one-sided edges), kept apart so that it
    compiles quickly on a first call.
    """
    o, i0, i1 = _tile_bounds(t, f.shape[1])
    line = f[o]
    buffer = np.empty(i1 - i0, dtype=out.dtype)
    for s in range(start.shape[0]):
        a = max(start[s], i0)
        b = min(stop[s], i1)
        if a < b:
            acc = buffer[a - i0 : b - i0]
            _shared_segment(acc, line, a, b, off[s], w[s], noff[s])
            _divide(acc, dv, dm, nd, s)
    _store(out[o, i0:i1], buffer)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _line_tile(t, f, out, start, stop, noff, off, w, col, wp, x, period, wrap, dv, dm, nd):
    """Work item ``t`` of a ``(outer, n)`` array differentiated along its last axis.

    A tile of one line: the sums build up in a local buffer, which cannot
    alias the input. Every loop runs over slices from index 0, so numba
    needs no negative-index checks and the passes vectorise.
    """
    outer, n = f.shape
    o, i0, i1 = _tile_bounds(t, n)
    line = f[o]
    buffer = np.empty(i1 - i0, dtype=out.dtype)
    for s in range(start.shape[0]):
        a = max(start[s], i0)
        b = min(stop[s], i1)
        if a >= b:
            continue
        m = b - a
        acc = buffer[a - i0 : b - i0]
        if col[s] <= -3:
            # Fornberg's weights from the coordinates, _LANES points at a time
            # (small scratch arrays, whatever the stencil's width, allocated
            # once per segment of the tile).
            scratch = _fornberg_scratch(noff[s], -3 - col[s], min(_LANES, m), w)
            for c0 in range(a, b, _LANES):
                c1 = min(c0 + _LANES, b)
                part = acc[c0 - a : c1 - a]
                if wrap[s]:
                    wt = _fornberg_weights(x, period, c0, c1, off[s], noff[s], -3 - col[s], wrap[s], scratch)
                    for p in range(c1 - c0):
                        total = wt[0, p] * line[(c0 + p + off[s, 0]) % n]
                        for k in range(1, noff[s]):
                            total = total + wt[k, p] * line[(c0 + p + off[s, k]) % n]
                        part[p] = total
                else:
                    # Each weight scaled (float64), rounded to the weight
                    # dtype and applied in one pass: no weight rows.
                    real = w.dtype.type
                    scale = scratch[2]
                    _fornberg_scales(x, c0, c1, off[s], noff[s], scratch[3][0], scale)
                    if _fornberg_fixed(noff[s], -3 - col[s], x, c0, c1, off[s], line, part, scale, real):
                        continue  # the straight-line version for this width and order
                    co, power = _fornberg_unscaled(x, period, c0, c1, off[s], noff[s], -3 - col[s], False, scratch)
                    src = line[c0 + off[s, 0] : c1 + off[s, 0]]
                    ck = co[0]
                    for p in range(c1 - c0):
                        part[p] = real(ck[p] * power[p]) * src[p]
                    for k in range(1, noff[s]):
                        src = line[c0 + off[s, k] : c1 + off[s, k]]
                        ck = co[k]
                        for p in range(c1 - c0):
                            part[p] = part[p] + real(ck[p] * power[p]) * src[p]
        elif wrap[s]:
            for p in range(m):
                i = a + p
                total = _weight(w, wp, col, s, 0, i, start) * line[(i + off[s, 0]) % n]
                for k in range(1, noff[s]):
                    total = total + _weight(w, wp, col, s, k, i, start) * line[(i + off[s, k]) % n]
                acc[p] = total
        elif col[s] == -2:
            # Three-point weights from the coordinates, rounded to the weight dtype.
            xs = x[a - 1 : b + 1]
            wa = np.empty(m, dtype=w.dtype)
            wb = np.empty(m, dtype=w.dtype)
            wc = np.empty(m, dtype=w.dtype)
            for p in range(m):
                wa[p], wb[p], wc[p] = _three_point(xs[p + 1] - xs[p], xs[p + 2] - xs[p + 1])
            left = line[a - 1 : b - 1]
            centre = line[a:b]
            right = line[a + 1 : b + 1]
            for p in range(m):
                acc[p] = wa[p] * left[p] + wb[p] * centre[p] + wc[p] * right[p]
        elif col[s] >= 0:
            base = col[s] + a - start[s]
            src = line[a + off[s, 0] : b + off[s, 0]]
            wk = wp[0, base : base + m]
            for p in range(m):
                acc[p] = wk[p] * src[p]
            for k in range(1, noff[s]):
                src = line[a + off[s, k] : b + off[s, k]]
                wk = wp[k, base : base + m]
                for p in range(m):
                    acc[p] = acc[p] + wk[p] * src[p]
        else:
            _shared_segment(acc, line, a, b, off[s], w[s], noff[s])
        _divide(acc, dv, dm, nd, s)
    _store(out[o, i0:i1], buffer)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _row(t, f, out, start, stop, noff, off, w, col, wp, x, period, wrap, dv, dm, nd):
    """Work item ``t`` of a ``(outer, n, inner)`` array differentiated along axis 1.

    One output row: a weighted sum of input rows, built up in a local buffer.
    """
    outer, n, inner = f.shape
    o = t // n
    i = t % n
    s = 0
    while not (start[s] <= i < stop[s]):
        s += 1
    acc = np.empty(inner, dtype=out.dtype)
    if col[s] <= -3:
        scratch = _fornberg_scratch(noff[s], -3 - col[s], 1, w)
        wt = _fornberg_weights(x, period, i, i + 1, off[s], noff[s], -3 - col[s], wrap[s], scratch)[:, 0]
    else:
        wt = np.empty(3, dtype=w.dtype)
    if col[s] == -2:
        wt[0], wt[1], wt[2] = _three_point(x[i] - x[i - 1], x[i + 1] - x[i])
    for k in range(noff[s]):
        src = i + off[s, k]
        if wrap[s]:
            src = src % n
        wk = wt[k] if col[s] == -2 or col[s] <= -3 else _weight(w, wp, col, s, k, i, start)
        row = f[o, src]
        if k == 0:
            for j in range(inner):
                acc[j] = wk * row[j]
        else:
            for j in range(inner):
                acc[j] = acc[j] + wk * row[j]
    # The divisions pass by pass over the row (each element divided in the
    # same order as one by one): a loop with no inner loop, which vectorises.
    _divide(acc, dv, dm, nd, s)
    target = out[o, i]
    for j in range(inner):
        target[j] = acc[j]


@numba.njit(cache=True, nogil=True, error_model="numpy", parallel=True)
def lines_parallel(nwork, f, out, start, stop, noff, off, w, col, wp, x, period, wrap, dv, dm, nd):
    for t in numba.prange(nwork):
        _line_tile(t, f, out, start, stop, noff, off, w, col, wp, x, period, wrap, dv, dm, nd)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def lines_serial(nwork, f, out, start, stop, noff, off, w, col, wp, x, period, wrap, dv, dm, nd):
    for t in range(nwork):
        _line_tile(t, f, out, start, stop, noff, off, w, col, wp, x, period, wrap, dv, dm, nd)


@numba.njit(cache=True, nogil=True, error_model="numpy", parallel=True)
def rows_parallel(nwork, f, out, start, stop, noff, off, w, col, wp, x, period, wrap, dv, dm, nd):
    for t in numba.prange(nwork):
        _row(t, f, out, start, stop, noff, off, w, col, wp, x, period, wrap, dv, dm, nd)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def rows_serial(nwork, f, out, start, stop, noff, off, w, col, wp, x, period, wrap, dv, dm, nd):
    for t in range(nwork):
        _row(t, f, out, start, stop, noff, off, w, col, wp, x, period, wrap, dv, dm, nd)


@numba.njit(cache=True, nogil=True, error_model="numpy", parallel=True)
def uniform_lines_parallel(nwork, f, out, start, stop, noff, off, w, dv, dm, nd):
    for t in numba.prange(nwork):
        _uniform_line_tile(t, f, out, start, stop, noff, off, w, dv, dm, nd)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def uniform_lines_serial(nwork, f, out, start, stop, noff, off, w, dv, dm, nd):
    for t in range(nwork):
        _uniform_line_tile(t, f, out, start, stop, noff, off, w, dv, dm, nd)
