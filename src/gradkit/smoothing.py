"""Savitzky–Golay stencils: derivatives of a local least-squares polynomial.

A Savitzky–Golay derivative is a stencil like every other in gradkit, with
weights from a least-squares polynomial fit of ``degree`` over ``window``
samples instead of the interpolating polynomial: point ``i``'s weights are
``order! * row order of pinv(V)`` of the Vandermonde matrix ``V`` of the
window's positions relative to ``x_i``. Inside, the window is centred;
within ``window // 2`` of an edge it is the first (or last) ``window``
samples, the fit of that window evaluated at the point (scipy's
``savgol_filter(mode="interp")``). The rows are an :class:`AxisPlan`, so the
kernels, :func:`gradkit.explain_savgol` and the matrices read them.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from .stencils import AxisPlan, StencilBlock, coordinates_digest

__all__ = ["savgol_plan", "least_squares_weights"]


#: Rows of windows solved together: bounds the temporaries of
#: :func:`least_squares_weights` to a few megabytes whatever the axis length.
_ROWS_PER_CHUNK_ELEMENTS = 1 << 19


def least_squares_weights(positions: np.ndarray, degree: int, order: int) -> np.ndarray:
    """Weights of the ``order``-th derivative at 0 of the least-squares
    polynomial of ``degree`` through samples at ``positions``.

    ``positions`` has shape ``(..., m)`` (a stack of windows); the result has
    the same shape. Positions are scaled to [-1, 1] and the fit is solved by
    the normal equations in the Legendre basis, whose Gram matrix is close to
    diagonal on any window without tight clusters; a row whose solution does
    not reproduce the basis derivatives to 1e-9 (an ill-conditioned window)
    is recomputed from the pseudo-inverse of its Vandermonde matrix. Stacks
    are solved in chunks, so the temporaries stay a few megabytes.

    Examples
    --------
    >>> from gradkit.smoothing import least_squares_weights
    >>> import numpy as np
    >>> (least_squares_weights(np.arange(-2.0, 3.0), 2, 0) * 35).round(6)   # the classic 5-point smoother
    array([-3., 12., 17., 12., -3.])
    """
    t = np.asarray(positions, dtype=np.float64)
    shape = t.shape
    m = shape[-1]
    rows = t.reshape(-1, m)
    out = np.empty_like(rows)
    leg = np.polynomial.legendre
    at_zero = _legendre_at_zero(degree, order)
    step = max(1, _ROWS_PER_CHUNK_ELEMENTS // max(m * (degree + 1), 1))
    for lo in range(0, rows.shape[0], step):
        chunk = rows[lo : lo + step]
        scale = np.max(np.abs(chunk), axis=-1, keepdims=True)
        scale = np.where(scale > 0, scale, 1.0)
        basis = leg.legvander(chunk / scale, degree)  # (k, m, degree + 1)
        basis_t = np.swapaxes(basis, -1, -2)
        gram = basis_t @ basis
        with np.errstate(all="ignore"):
            try:
                coef = np.linalg.solve(gram, np.broadcast_to(at_zero, gram.shape[:-1])[..., None])[..., 0]
            except np.linalg.LinAlgError:  # a singular window somewhere in the chunk
                coef = np.full(gram.shape[:-1], np.nan)
            w = (basis @ coef[..., None])[..., 0]
            # The weights must reproduce every basis derivative exactly.
            residual = (basis_t @ w[..., None])[..., 0] - at_zero
            bad = ~(np.max(np.abs(residual), axis=-1) <= 1e-9 * max(1.0, float(np.max(np.abs(at_zero)))))
        if bad.any():
            vander = (chunk[bad] / scale[bad])[..., :, None] ** np.arange(degree + 1)
            w[bad] = np.linalg.pinv(vander)[..., order, :] * math.factorial(order)
        out[lo : lo + step] = w / scale**order
    return out.reshape(shape)


def _legendre_at_zero(degree: int, order: int) -> np.ndarray:
    """The ``order``-th derivative at 0 of each Legendre polynomial P_0 .. P_degree."""
    leg = np.polynomial.legendre.Legendre
    return np.array([leg.basis(j).deriv(order)(0.0) for j in range(degree + 1)])


def exact_weights(offsets: tuple[int, ...], degree: int, order: int) -> np.ndarray:
    """:func:`least_squares_weights` for integer offsets (a uniform grid with a
    unit step), computed exactly (integer arithmetic) and rounded once.

    Examples
    --------
    >>> from gradkit.smoothing import exact_weights
    >>> (exact_weights((-2, -1, 0, 1, 2), 2, 1) * 10).tolist()
    [-2.0, -1.0, 0.0, 1.0, 2.0]
    """
    return np.array(_exact_row(tuple(int(k) for k in offsets), degree, order))


@functools.lru_cache(maxsize=4096)
def _exact_row(offsets: tuple[int, ...], degree: int, order: int) -> tuple[float, ...]:
    # Edge windows of a given width repeat for every axis length: cached.
    p = degree + 1
    gram = [[sum(k ** (a + b) for k in offsets) for b in range(p)] for a in range(p)]
    # The fit's coefficients solve gram @ c = e_order; by Cramer's rule
    # c_a = det(gram with column a replaced by e_order) / det(gram), all in
    # integers (fraction-free elimination), so each weight is one integer
    # ratio, which Python's int / int rounds correctly.
    det = _integer_det(gram)
    if det == 0:
        raise ValueError(f"exact_weights: offsets {offsets} cannot fit a polynomial of degree {degree}")
    numerators = []
    for a in range(p):
        replaced = [row[:a] + [int(r == order)] + row[a + 1 :] for r, row in enumerate(gram)]
        numerators.append(_integer_det(replaced))
    scale = math.factorial(order)
    return tuple(scale * sum(c * k**a for a, c in enumerate(numerators)) / det for k in offsets)


def _integer_det(matrix: list[list[int]]) -> int:
    """Determinant of a square integer matrix, exactly (Bareiss' fraction-free
    elimination: every division is exact)."""
    m = [list(row) for row in matrix]
    n, sign, previous = len(m), 1, 1
    for k in range(n - 1):
        if m[k][k] == 0:
            swap = next((r for r in range(k + 1, n) if m[r][k] != 0), None)
            if swap is None:
                return 0
            m[k], m[swap], sign = m[swap], m[k], -sign
        pivot = m[k][k]
        for i in range(k + 1, n):
            mik = m[i][k]
            row_i, row_k = m[i], m[k]
            for j in range(k + 1, n):
                row_i[j] = (row_i[j] * pivot - mik * row_k[j]) // previous
        previous = pivot
    return sign * m[-1][-1]


def _check(n: int, order: int, degree: int, window: int, func: str) -> None:
    if window % 2 == 0:
        raise ValueError(
            f"{func}: window must be odd (a window centred on each interior sample), got {window}; "
            f"use {window + 1} or {window - 1}"
        )
    if window > n:
        raise ValueError(f"{func}: window={window} is longer than the axis ({n} samples); use window <= {n}")
    if degree >= window:
        raise ValueError(
            f"{func}: degree={degree} needs a window of at least {degree + 1} samples (a least-squares fit "
            f"of degree d needs d + 1 points), got window={window}"
        )
    check_order(order, degree, func)


def check_order(order: int, degree: int, func: str) -> None:
    """Refuse a derivative order above the fitted polynomial's degree."""
    if order > degree:
        raise ValueError(
            f"{func}: order={order} is higher than degree={degree}: the {order}-th derivative of a polynomial "
            f"of degree {degree} is zero; use degree >= {order}"
        )


#: Uniform windows up to this many points get exactly rounded weights.
_EXACT_UP_TO = 41


@functools.lru_cache(maxsize=512)
def _uniform_plan(n: int, order: int, degree: int, window: int, periodic: bool, step: float) -> AxisPlan:
    r = window // 2
    centred = tuple(range(-r, window - r))
    # Exact (rationals, rounded once) up to _EXACT_UP_TO points, else the float fit.
    exact = window <= _EXACT_UP_TO
    inner = exact_weights(centred, degree, order) if exact else least_squares_weights(
        np.array(centred, float), degree, order)
    if periodic:
        blocks = [StencilBlock(0, n, centred, inner, "periodic")]
    else:
        edge_points = list(range(min(r, n))) + list(range(max(n - (window - r - 1), r), n))
        offsets = [tuple(range(min(max(i - r, 0), n - window) - i, min(max(i - r, 0), n - window) - i + window))
                   for i in edge_points]
        rows = least_squares_weights(np.array(offsets, float).reshape(-1, window), degree, order)
        blocks = []
        for k, (i, offs) in enumerate(zip(edge_points, offsets)):
            if offs == centred:
                continue
            w = exact_weights(offs, degree, order) if exact else rows[k]
            blocks.append(StencilBlock(i, i + 1, offs, w, "off-centre", edge=True))
        lo, hi = r, n - (window - r - 1)
        if hi > lo:
            blocks.append(StencilBlock(lo, hi, centred, inner, "central"))
        blocks.sort(key=lambda b: b.start)
    return AxisPlan(n, order, degree, degree, "periodic" if periodic else "one-sided", step, None, None,
                    tuple(blocks), given_rows=True)


def _fit_rows(xe: np.ndarray, centres: np.ndarray, starts: np.ndarray, degree: int, order: int,
              window: int) -> np.ndarray:
    """Weights ``(window, len(centres))``: column ``k`` is the fit of the
    samples at ``xe[starts[k] : starts[k] + window]`` around ``centres[k]``,
    in the compiled kernel when available (:mod:`gradkit.kernels._lsq_jit`),
    else by :func:`least_squares_weights`; rows the kernel flags as
    ill-conditioned take the pseudo-inverse of :func:`least_squares_weights`."""
    from .kernels import dispatch

    def positions(which):
        return xe[starts[which, None] + np.arange(window)[None, :]] - centres[which, None]

    if not dispatch.compiled_available():
        return np.ascontiguousarray(least_squares_weights(positions(slice(None)), degree, order).T)
    from .kernels import _lsq_jit

    at_zero = _legendre_at_zero(degree, order)
    out = np.empty((window, len(centres)))
    bad = np.zeros(len(centres), np.bool_)
    with np.errstate(all="ignore"):
        _lsq_jit.savgol_weights(xe, centres, starts.astype(np.int64), degree, order, at_zero, out, bad)
    if bad.any():
        out[:, bad] = least_squares_weights(positions(bad), degree, order).T
    return out


def _coordinate_plan(x: np.ndarray, order: int, degree: int, window: int, periodic: bool,
                     period: float | None) -> AxisPlan:
    n = len(x)
    r = window // 2
    centred = tuple(range(-r, window - r))
    points = np.arange(n)
    if periodic:
        # The samples from index -r to n + window - r - 1, wrapped one period away.
        q, j = np.divmod(np.arange(-r, n + window - r - 1), n)
        w = _fit_rows(x[j] + q * period, x, points, degree, order, window)
        blocks = [StencilBlock(0, n, centred, w, "periodic")]
        return AxisPlan(n, order, degree, degree, "periodic", None, x, period, tuple(blocks), given_rows=True)
    starts = np.clip(points - r, 0, n - window)
    lo, hi = r, n - (window - r - 1)
    edge = np.r_[0 : min(lo, n), max(hi, lo) : n]
    blocks = []
    if len(edge):
        w = _fit_rows(x, x[edge], starts[edge], degree, order, window)
        for k, i in enumerate(edge.tolist()):
            first = int(starts[i]) - i
            blocks.append(StencilBlock(i, i + 1, tuple(range(first, first + window)), np.ascontiguousarray(w[:, k]),
                                       "off-centre", edge=True))
    if hi > lo:
        blocks.append(StencilBlock(lo, hi, centred, _fit_rows(x, x[lo:hi], starts[lo:hi], degree, order, window),
                                   "central"))
    blocks.sort(key=lambda b: b.start)
    return AxisPlan(n, order, degree, degree, "one-sided", None, x, None, tuple(blocks), given_rows=True)


#: Coordinate plans (one weight row per point) kept for reuse, oldest
#: dropped first, at most this many bytes of weights in all.
_CACHE_BYTES = 64 << 20
_COORD_PLANS: dict = {}
_COORD_PLANS_BYTES: dict = {}


def savgol_plan(
    n: int,
    order: int,
    degree: int,
    window: int,
    *,
    step: float | None = 1.0,
    coords: np.ndarray | None = None,
    boundary: str = "one-sided",
    period: float | None = None,
    func: str = "savgol_plan",
) -> AxisPlan:
    """The Savitzky–Golay plan of one axis: the ``order``-th derivative of the
    least-squares polynomial of ``degree`` over ``window`` samples.

    Weights are for a unit step on a uniform grid (the kernels divide by
    ``step**order``) and in coordinate units with ``coords``. Uniform plans
    are cached; coordinate plans keep one weight row per point (``window``
    floats each) and are cached by the coordinates' digest while they take
    at most 16 MiB (64 MiB of such plans in all): a longer axis rebuilds its
    plan on each call rather than keeping gigabytes alive.

    Examples
    --------
    >>> import numpy as np
    >>> from gradkit.smoothing import savgol_plan
    >>> idx, w = savgol_plan(9, 1, 2, 5).stencil(4)
    >>> idx.tolist(), (w * 10).tolist()
    ([2, 3, 4, 5, 6], [-2.0, -1.0, 0.0, 1.0, 2.0])
    """
    _check(n, order, degree, window, func)
    periodic = boundary == "periodic"
    if coords is None:
        return _uniform_plan(n, order, degree, window, periodic, step)
    key = (coordinates_digest(coords), n, order, degree, window, periodic, period)
    plan = _COORD_PLANS.get(key)
    if plan is None:
        plan = _coordinate_plan(coords, order, degree, window, periodic, period)
        size = n * window * 8
        if size <= _CACHE_BYTES // 4:  # a large plan is rebuilt rather than kept alive
            while _COORD_PLANS and sum(_COORD_PLANS_BYTES.values()) + size > _CACHE_BYTES:
                oldest = next(iter(_COORD_PLANS))
                del _COORD_PLANS[oldest], _COORD_PLANS_BYTES[oldest]
            _COORD_PLANS[key], _COORD_PLANS_BYTES[key] = plan, size
    return plan


def smoothing_diagonal(plan: AxisPlan) -> np.ndarray:
    """The weight each output gives its own sample (the hat matrix's diagonal
    of an order-0 plan): what leave-one-out and GCV criteria need."""
    out = np.empty(plan.n)
    for block in plan.blocks:
        k = block.offsets.index(0)
        w = block.weights
        out[block.start : block.stop] = w[k] if w.ndim == 1 else w[k]
    return out


