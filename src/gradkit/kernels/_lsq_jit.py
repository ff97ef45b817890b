"""The numba-compiled least-squares fits behind Savitzky–Golay plans on
coordinates (:func:`gradkit.smoothing.savgol_plan`).

Each point gets its own fit of a polynomial of ``degree`` to the ``m``
samples of its window, solved by the normal equations in the Legendre basis
on the window scaled to [-1, 1] (what :func:`gradkit.smoothing.least_squares_weights`
does in NumPy), written straight into the plan's ``(m, points)`` weight
layout: no per-point position or Vandermonde arrays are kept. A point whose
Gram matrix is not positive definite, or whose weights do not reproduce the
basis derivatives to 1e-9, is flagged for the NumPy pseudo-inverse instead.
Imported on first use only, so that ``import gradkit`` never imports numba.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True, error_model="numpy")
def savgol_weights(xe, centres, starts, degree, order, at_zero, out, bad):  # pragma: no cover - compiled
    """Weights of point ``k``'s fit into ``out[:, k]``: samples ``xe[starts[k] :
    starts[k] + m]`` around ``centres[k]``; ``bad[k]`` set where the fit needs
    the pseudo-inverse."""
    m, count = out.shape
    p = degree + 1
    basis = np.empty((m, p))
    gram = np.empty((p, p))
    coef = np.empty(p)
    w = np.empty(m)
    limit = 1e-9 * max(1.0, np.max(np.abs(at_zero)))
    for k in range(count):
        s = starts[k]
        c = centres[k]
        scale = 0.0
        for j in range(m):
            scale = max(scale, abs(xe[s + j] - c))
        if scale == 0.0:
            scale = 1.0
        for j in range(m):
            u = (xe[s + j] - c) / scale
            basis[j, 0] = 1.0
            if p > 1:
                basis[j, 1] = u
            for q in range(1, p - 1):
                basis[j, q + 1] = ((2 * q + 1) * u * basis[j, q] - q * basis[j, q - 1]) / (q + 1)
        for a in range(p):
            for b in range(a + 1):
                acc = 0.0
                for j in range(m):
                    acc += basis[j, a] * basis[j, b]
                gram[a, b] = acc
        # Cholesky in place (lower triangle), then two triangular solves.
        ok = True
        for a in range(p):
            for b in range(a + 1):
                acc = gram[a, b]
                for q in range(b):
                    acc -= gram[a, q] * gram[b, q]
                if a == b:
                    if not acc > 0.0:
                        ok = False
                        break
                    gram[a, a] = np.sqrt(acc)
                else:
                    gram[a, b] = acc / gram[b, b]
            if not ok:
                break
        if not ok:
            bad[k] = True
            continue
        for a in range(p):
            acc = at_zero[a]
            for q in range(a):
                acc -= gram[a, q] * coef[q]
            coef[a] = acc / gram[a, a]
        for a in range(p - 1, -1, -1):
            acc = coef[a]
            for q in range(a + 1, p):
                acc -= gram[q, a] * coef[q]
            coef[a] = acc / gram[a, a]
        divisor = scale**order
        for j in range(m):
            acc = 0.0
            for a in range(p):
                acc += basis[j, a] * coef[a]
            w[j] = acc
        # The weights must reproduce every basis derivative.
        for a in range(p):
            acc = -at_zero[a]
            for j in range(m):
                acc += basis[j, a] * w[j]
            if not abs(acc) <= limit:
                bad[k] = True
        for j in range(m):
            out[j, k] = w[j] / divisor
