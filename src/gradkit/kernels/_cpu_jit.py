"""The numba-compiled loop behind :mod:`gradkit.kernels.cpu`.

Kept in its own module so that ``import gradkit`` never imports numba; this
module is imported on the first NumPy call that takes the compiled path.
Compiled functions are cached on disk (``cache=True``).

The array is viewed as ``(outer, n, inner)`` with the differentiated axis in
the middle. A plan arrives as a table of segments; segment ``s`` covers the
output points ``start[s]:stop[s]`` and applies ``noff[s]`` offsets
``off[s, :]``, with shared weights ``w[s, :]`` or, when ``col[s] >= 0``,
per-point weights ``wp[k, col[s] + (i - start[s])]``. ``wrap[s]`` marks the
few points of a periodic axis whose samples wrap around.

The arithmetic is the generic kernel's, term by term: ``w0*f0 + w1*f1 + ...``
summed left to right, then divided by the step (see ``_scale``), so both
paths (and ``explain``) give the same bits.
"""

import numba
import numpy as np

_TILE = 2048  # points of a 1-D line processed together (stays in L1/L2)


@numba.njit(cache=True, nogil=True, inline="always")
def _weight(w, wp, col, s, k, i, start):
    if col[s] >= 0:
        return wp[k, col[s] + i - start[s]]
    return w[s, k]


@numba.njit(cache=True, nogil=True, inline="always")
def _scale(value, divisor, divide):
    # divide == 1: value / divisor; divide == 2: value * divisor, where the
    # caller passed the reciprocal of a real step for complex data (NumPy's
    # complex-by-real division multiplies by the reciprocal too).
    if divide == 1:
        return value / divisor
    if divide == 2:
        return value * divisor
    return value


def work_items(shape):
    """How many independent work items :func:`apply_parallel` splits into."""
    outer, n, inner = shape
    return outer * ((n + _TILE - 1) // _TILE) if inner == 1 else outer * n


@numba.njit(cache=True, nogil=True)
def _work_item(t, f, out, start, stop, noff, off, w, col, wp, wrap, divisor, divide):
    outer, n, inner = f.shape
    nseg = start.shape[0]
    if inner == 1:
        # A tile of one line along the axis: one vectorisable pass per offset.
        ntiles = (n + _TILE - 1) // _TILE
        o = t // ntiles
        i0 = (t % ntiles) * _TILE
        i1 = min(i0 + _TILE, n)
        for s in range(nseg):
            a = max(start[s], i0)
            b = min(stop[s], i1)
            if a >= b:
                continue
            if wrap[s]:
                for i in range(a, b):
                    acc = _weight(w, wp, col, s, 0, i, start) * f[o, (i + off[s, 0]) % n, 0]
                    for k in range(1, noff[s]):
                        acc = acc + _weight(w, wp, col, s, k, i, start) * f[o, (i + off[s, k]) % n, 0]
                    out[o, i, 0] = _scale(acc, divisor, divide)
                continue
            d0 = off[s, 0]
            if col[s] >= 0:
                c0 = col[s] - start[s]
                for i in range(a, b):
                    out[o, i, 0] = wp[0, c0 + i] * f[o, i + d0, 0]
                for k in range(1, noff[s]):
                    dk = off[s, k]
                    for i in range(a, b):
                        out[o, i, 0] = out[o, i, 0] + wp[k, c0 + i] * f[o, i + dk, 0]
            else:
                w0 = w[s, 0]
                for i in range(a, b):
                    out[o, i, 0] = w0 * f[o, i + d0, 0]
                for k in range(1, noff[s]):
                    dk = off[s, k]
                    wk = w[s, k]
                    for i in range(a, b):
                        out[o, i, 0] = out[o, i, 0] + wk * f[o, i + dk, 0]
            if divide:
                for i in range(a, b):
                    out[o, i, 0] = _scale(out[o, i, 0], divisor, divide)
    else:
        # One output row across the axis: a weighted sum of input rows.
        o = t // n
        i = t % n
        s = 0
        while not (start[s] <= i < stop[s]):
            s += 1
        for k in range(noff[s]):
            src = i + off[s, k]
            if wrap[s]:
                src = src % n
            wk = _weight(w, wp, col, s, k, i, start)
            if k == 0:
                for j in range(inner):
                    out[o, i, j] = wk * f[o, src, j]
            else:
                for j in range(inner):
                    out[o, i, j] = out[o, i, j] + wk * f[o, src, j]
        if divide:
            for j in range(inner):
                out[o, i, j] = _scale(out[o, i, j], divisor, divide)


@numba.njit(cache=True, nogil=True, parallel=True)
def apply_parallel(nwork, f, out, start, stop, noff, off, w, col, wp, wrap, divisor, divide):
    for t in numba.prange(nwork):
        _work_item(t, f, out, start, stop, noff, off, w, col, wp, wrap, divisor, divide)


@numba.njit(cache=True, nogil=True)
def apply_serial(nwork, f, out, start, stop, noff, off, w, col, wp, wrap, divisor, divide):
    for t in range(nwork):
        _work_item(t, f, out, start, stop, noff, off, w, col, wp, wrap, divisor, divide)
