"""Differentiation matrices: the stencil plans as ``scipy.sparse`` matrices.

``matrix`` reads every row of the plan that :func:`gradkit.derivative` runs
(as :func:`gradkit.explain` reads one), so ``D @ f.ravel()`` equals the
derivative to rounding, edges, coordinates and periodic axes included. A
derivative along one axis of an N-D array is a Kronecker product of the 1-D
matrix with identities; a mixed partial is the product of such matrices;
an operator (the Laplacian, a divergence) is their sum. scipy is imported
here only.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from . import _args
from .stencils import AxisPlan

__all__ = ["matrix", "laplacian_matrix"]

_FORMATS = ("csr", "csc", "coo", "bsr", "dia", "dok", "lil")


def _sparse():
    try:
        import scipy.sparse
    except ImportError as exc:  # pragma: no cover - scipy is installed with the tests
        raise ImportError("gradkit.matrix needs scipy: pip install scipy (or gradkit[matrix])") from exc
    return scipy.sparse


def _check_shape(shape: Any, func: str) -> tuple[int, ...]:
    if _args._is_int(shape):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)) or not all(_args._is_int(n) for n in shape):
        raise TypeError(f"{func}: shape must be an integer or a tuple of integers, got {shape!r}")
    shape = tuple(int(n) for n in shape)
    if not shape or any(n < 1 for n in shape):
        raise ValueError(f"{func}: shape must have at least one dim, each of length >= 1, got {shape!r}")
    return shape


def _check_format(format: Any, func: str) -> str:
    if format not in _FORMATS:
        raise ValueError(f"{func}: format must be one of {', '.join(map(repr, _FORMATS))}, got {format!r}")
    return format


def _axis_table(plan: AxisPlan) -> tuple[np.ndarray, np.ndarray]:
    """The plan's rows as ``(columns, weights)``, both ``(n, width)``: row
    ``i``'s samples and effective weights, padded with zero weights (at its
    last column, so that columns stay in order) to the widest stencil."""
    n = plan.n
    width = max(len(b.offsets) for b in plan.blocks)
    cols = np.empty((n, width), np.int64)
    vals = np.zeros((n, width), np.result_type(*[plan.block_rows(b).dtype for b in plan.blocks[:1]], np.float64))
    for block in plan.blocks:
        m = len(block.offsets)
        points = np.arange(block.start, block.stop)
        c = points[:, None] + np.asarray(block.offsets)[None, :]
        if plan.periodic:
            c %= n
        cols[block.start : block.stop, :m] = c
        cols[block.start : block.stop, m:] = c[:, -1:]
        vals[block.start : block.stop, :m] = plan.block_rows(block).T
    return cols, vals


def _lifted(plan: AxisPlan, shape: tuple[int, ...], axis: int) -> Any:
    """The 1-D matrix acting along ``axis`` of a C-ordered ``shape`` (the
    Kronecker product with identities), written straight into CSR arrays:
    row ``(p * n + i) * inner + q`` holds row ``i``'s weights at the columns
    ``(p * n + c) * inner + q``. No stored zeros."""
    sp = _sparse()
    c, v = _axis_table(plan)
    n, width = c.shape
    outer, inner = math.prod(shape[:axis]), math.prod(shape[axis + 1 :])
    size = outer * n * inner
    p = (np.arange(outer, dtype=np.int64) * (n * inner))[:, None, None, None]
    q = np.arange(inner, dtype=np.int64)[None, None, :, None]
    cols = (p + (c * inner)[None, :, None, :] + q).reshape(-1)
    vals = np.empty((outer, n, inner, width), v.dtype)
    vals[...] = v[None, :, None, :]
    vals = vals.reshape(-1)
    indptr = np.arange(0, size * width + 1, width, dtype=np.int64)
    m = sp.csr_matrix((vals, cols, indptr), shape=(size, size))
    if plan.periodic:
        m.has_sorted_indices = False
        m.sum_duplicates()  # sorts; a short periodic axis wraps onto itself
    m.eliminate_zeros()
    return m


def axis_matrix(plan: AxisPlan) -> Any:
    """The ``n x n`` matrix of one axis's plan (CSR, no stored zeros).

    Examples
    --------
    >>> from gradkit.stencils import plan_axis
    >>> from gradkit.matrix import axis_matrix
    >>> axis_matrix(plan_axis(4, step=0.5)).toarray()
    array([[-2.,  2.,  0.,  0.],
           [-1.,  0.,  1.,  0.],
           [ 0., -1.,  0.,  1.],
           [ 0.,  0., -2.,  2.]])
    """
    return _lifted(plan, (plan.n,), 0)


def _eps() -> float:
    return float(np.finfo(np.float64).eps)


def matrix(
    shape: int | Sequence[int],
    order: int | Sequence[int] = 1,
    *,
    axis: Any = -1,
    spacing: Any = 1,
    accuracy: int = 2,
    edge_order: int | None = None,
    boundary: str = "one-sided",
    period: Any = None,
    format: str = "csr",
) -> Any:
    """The sparse matrix of :func:`gradkit.derivative` on arrays of ``shape``.

    ``D @ f.ravel()`` (C order) equals ``gradkit.derivative(f, order,
    axis=axis, ...).ravel()`` to rounding, for every order, mixed partial,
    accuracy, grid and boundary: the matrix holds the very weights of the
    plan the derivative runs, and only its non-zero ones.

    Parameters
    ----------
    shape : int or tuple of ints
        Shape of the arrays the matrix acts on; the matrix is
        ``prod(shape) x prod(shape)``.
    order, axis, spacing, accuracy, edge_order, boundary, period
        As in :func:`gradkit.derivative` (tuples for a mixed partial).
    format : str, default "csr"
        The scipy.sparse format of the result.

    Returns
    -------
    scipy.sparse matrix
        float64 (complex128 with a complex step).

    Examples
    --------
    >>> import numpy as np, gradkit
    >>> D = gradkit.matrix(5, 2, spacing=0.5)             # second derivative
    >>> D.toarray()[1]
    array([ 4., -8.,  4.,  0.,  0.])
    >>> x = np.linspace(0, 1, 6)
    >>> F = np.add.outer(x**2, x**3)
    >>> L = gradkit.matrix(F.shape, (1, 1), axis=(0, 1), spacing=(x, x))
    >>> np.allclose(L @ F.ravel(), gradkit.derivative(F, (1, 1), axis=(0, 1), spacing=(x, x)).ravel())
    True
    """
    func = "matrix"
    shape = _check_shape(shape, func)
    format = _check_format(format, func)
    axes, entries = _args.partial_axes(order, axis, spacing, shape, func)
    specs = _args.make_specs(shape, axes, entries, func=func, order=order, accuracy=accuracy,
                             edge_order=edge_order, boundary=boundary, period=period, eps=_eps())
    result = None
    for spec in specs:
        d = _lifted(spec.plan(), shape, spec.axis)
        result = d if result is None else d @ result
    return result.asformat(format)


def laplacian_matrix(
    shape: int | Sequence[int],
    *,
    spacing: Any = 1,
    dim: Any = None,
    accuracy: int = 2,
    edge_order: int | None = None,
    boundary: str = "one-sided",
    period: Any = None,
    format: str = "csr",
) -> Any:
    """The sparse matrix of :func:`gradkit.laplacian` on arrays of ``shape``.

    The sum of :func:`matrix`'s second-derivative matrices over ``dim``
    (default all dims). Other operators are built the same way from
    :func:`matrix`: a divergence is ``scipy.sparse.hstack`` of first-derivative
    matrices, a curl their differences.

    Parameters
    ----------
    shape : int or tuple of ints
    spacing, dim, accuracy, edge_order, boundary, period
        As in :func:`gradkit.laplacian`.
    format : str, default "csr"

    Returns
    -------
    scipy.sparse matrix

    Examples
    --------
    >>> import gradkit
    >>> A = gradkit.laplacian_matrix((3, 3), boundary="periodic")   # the 5-point Laplacian
    >>> A.toarray()[4].reshape(3, 3)
    array([[ 0.,  1.,  0.],
           [ 1., -4.,  1.],
           [ 0.,  1.,  0.]])
    """
    func = "laplacian_matrix"
    shape = _check_shape(shape, func)
    format = _check_format(format, func)
    axes = _args.normalize_dims(dim, len(shape), func, "dim")
    entries = _args.torch_style_spacing(spacing, axes, shape, dim is not None, func)
    specs = _args.make_specs(shape, axes, entries, func=func, order=2, accuracy=accuracy,
                             edge_order=edge_order, boundary=boundary, period=period, eps=_eps())
    result = None
    for spec in specs:
        d = _lifted(spec.plan(), shape, spec.axis)
        result = d if result is None else result + d
    result.eliminate_zeros()
    return result.asformat(format)
