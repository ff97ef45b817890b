"""Vector calculus on sampled fields: laplacian, divergence, curl, hessian, jacobian.

Every operator is a sum of the derivatives :func:`gradkit.derivative`
computes, built from the same stencil plans (second derivatives with their
own wider stencils, never a first derivative applied twice; mixed partials
axis after axis), so accuracy means accuracy at every point, edges included,
on any grid. ``spacing``, ``dim``, ``accuracy``, ``edge_order``, ``boundary``
and ``period`` mean what they mean in :func:`gradkit.gradient`, except that
``edge_order`` defaults to ``accuracy`` as in :func:`gradkit.derivative`.
"""

from __future__ import annotations

from typing import Any, Sequence

from . import _args
from ._arrays import Operand, as_operand
from .derivatives import chain

__all__ = ["laplacian", "divergence", "curl", "hessian", "jacobian"]


class _Field:
    """The validated arguments of one operator call: the component operands,
    the differentiated axes, and the first- and second-derivative specs of
    each axis (validated once, shared by every component)."""

    def __init__(self, components: Sequence[Any], spacing, dim, accuracy, edge_order, boundary, period,
                 func: str, count: int | None = None):
        self.func = func
        self.ops: list[Operand] = [as_operand(c, func) for c in components]
        first = self.ops[0]
        for k, op in enumerate(self.ops[1:], 1):
            if type(op.array) is not type(first.array):
                raise TypeError(
                    f"{func}: every component must be the same kind of array; component 0 is "
                    f"{type(first.array).__name__}, component {k} is {type(op.array).__name__}"
                )
            if op.shape != first.shape:
                raise ValueError(
                    f"{func}: every component must have the same shape; component 0 has {first.shape}, "
                    f"component {k} has {op.shape}"
                )
        self.shape = first.shape
        self.axes = _args.normalize_dims(dim, first.ndim, func, "dim")
        if count is not None and len(self.axes) != count:
            given = "" if dim is None else f" in dim={dim!r}"
            raise ValueError(
                f"{func}: v has {count} component{'s' if count != 1 else ''}, so it needs {count} "
                f"differentiated dims, one per component, but got {len(self.axes)}{given}; "
                f"pass dim= with {count} dims"
            )
        entries = _args.torch_style_spacing(spacing, self.axes, self.shape, dim is not None, func)
        self._settings = dict(func=func, accuracy=accuracy, edge_order=edge_order, boundary=boundary,
                              period=period, eps=first.rounding_unit())
        self._entries = entries
        self._specs: dict[int, list] = {}

    def specs(self, order: int) -> list:
        """One spec per differentiated axis for derivatives of ``order``."""
        if order not in self._specs:
            self._specs[order] = _args.make_specs(self.shape, self.axes, self._entries, order=order,
                                                  **self._settings)
        return self._specs[order]

    def partial(self, component: int, *axis_orders: tuple[int, int]) -> Any:
        """The derivative of one component: ``(k, order)`` pairs, k indexing
        the differentiated axes, applied one after the other."""
        specs = [self.specs(order)[k] for k, order in axis_orders]
        return chain(self.ops[component], specs, func=self.func)


def _components(v: Any, func: str) -> list:
    if isinstance(v, (list, tuple)):
        if not v:
            raise ValueError(f"{func}: v must hold at least one component, got an empty {type(v).__name__}")
        return list(v)
    ndim = getattr(v, "ndim", None)
    if ndim is None:
        raise TypeError(
            f"{func}: v must be a sequence of arrays (one per component) or an array whose first axis "
            f"holds the components, got {type(v).__name__}"
        )
    if ndim < 2:
        raise ValueError(
            f"{func}: an array v holds the components along its first axis and needs at least 2 dims, "
            f"got shape {tuple(v.shape)}; pass a sequence of arrays instead"
        )
    return [v[k] for k in range(v.shape[0])]


def _total(terms: list, signs: Sequence[int] | None = None) -> Any:
    """The sum of ``terms`` left to right (with ``signs``: +1 or -1 each)."""
    signs = signs or [1] * len(terms)
    total = terms[0] if signs[0] > 0 else -terms[0]
    for t, s in zip(terms[1:], signs[1:]):
        total = total + t if s > 0 else total - t
    return total


def laplacian(
    f: Any,
    *,
    spacing: Any = 1,
    dim: Any = None,
    accuracy: int = 2,
    edge_order: int | None = None,
    boundary: str = "one-sided",
    period: Any = None,
) -> Any:
    """The Laplacian: the sum of the second derivatives of ``f`` along ``dim``.

    Each second derivative has its own stencil (three points for accuracy 2
    on a uniform grid, so the classic 5-point Laplacian in 2-D), of the
    requested accuracy at every point, edges included.

    Parameters
    ----------
    f : array_like
        Samples of the field (NumPy, torch, JAX, CuPy or any array-API array).
    spacing : scalar, or sequence of scalars / 1-D arrays, default 1
        One entry per dim in ``dim``: a step or the coordinates along it.
    dim : int or sequence of ints, optional
        The dims summed over (default: all).
    accuracy : int, default 2
        Order of accuracy at every point.
    edge_order : int, optional
        Accuracy at the edges (default: ``accuracy``).
    boundary : {"one-sided", "periodic"}, default "one-sided"
    period : float or sequence of floats, optional
        The period along each dim, for periodic non-uniform coordinates.

    Returns
    -------
    array
        Like ``f`` (integers become the default float).

    Examples
    --------
    >>> import numpy as np, gradkit
    >>> x = np.linspace(0, 1, 5)
    >>> f = x[:, None] ** 2 + 3 * x[None, :] ** 2      # laplacian = 2 + 6
    >>> np.allclose(gradkit.laplacian(f, spacing=(x, x)), 8)
    True
    """
    field = _Field([f], spacing, dim, accuracy, edge_order, boundary, period, "laplacian")
    return _total([field.partial(0, (k, 2)) for k in range(len(field.axes))])


def divergence(
    v: Any,
    *,
    spacing: Any = 1,
    dim: Any = None,
    accuracy: int = 2,
    edge_order: int | None = None,
    boundary: str = "one-sided",
    period: Any = None,
) -> Any:
    """The divergence of a vector field: ``sum_k dv_k/dx_k``.

    Parameters
    ----------
    v : sequence of N arrays, or an array whose first axis has length N
        The components; component ``k`` is differentiated along the k-th dim
        of ``dim``.
    spacing, accuracy, edge_order, boundary, period
        As in :func:`laplacian`.
    dim : sequence of N ints, optional
        The dims of the components' arrays that the components point along
        (default: all of them, which must then be N).

    Returns
    -------
    array
        Shaped like one component.

    Examples
    --------
    >>> import numpy as np, gradkit
    >>> x = np.linspace(0, 1, 6)
    >>> X, Y = np.meshgrid(x, x, indexing="ij")
    >>> np.allclose(gradkit.divergence([X * Y, Y**2], spacing=(x, x)), 3 * Y)   # y + 2y
    True
    """
    comps = _components(v, "divergence")
    field = _Field(comps, spacing, dim, accuracy, edge_order, boundary, period, "divergence", count=len(comps))
    return _total([field.partial(k, (k, 1)) for k in range(len(comps))])


def curl(
    v: Any,
    *,
    spacing: Any = 1,
    dim: Any = None,
    accuracy: int = 2,
    edge_order: int | None = None,
    boundary: str = "one-sided",
    period: Any = None,
) -> Any:
    """The curl of a 2-D or 3-D vector field.

    Two components give the scalar ``dv1/dx0 - dv0/dx1`` (the vorticity of a
    plane flow); three give the tuple ``(dv2/dx1 - dv1/dx2,
    dv0/dx2 - dv2/dx0, dv1/dx0 - dv0/dx1)``. ``x0, x1, x2`` are the dims of
    ``dim`` in order.

    Parameters
    ----------
    v : sequence of 2 or 3 arrays, or an array whose first axis has length 2 or 3
    spacing, dim, accuracy, edge_order, boundary, period
        As in :func:`divergence`.

    Returns
    -------
    array (2 components) or tuple of 3 arrays

    Examples
    --------
    >>> import numpy as np, gradkit
    >>> x = np.linspace(-1, 1, 5)
    >>> X, Y = np.meshgrid(x, x, indexing="ij")
    >>> w = gradkit.curl([-Y, X], spacing=(x, x))        # a solid rotation: vorticity 2
    >>> np.allclose(w, 2)
    True
    """
    comps = _components(v, "curl")
    if len(comps) not in (2, 3):
        raise ValueError(
            f"curl: v must have 2 components (a plane field; the curl is a scalar) or 3 (the curl is a "
            f"vector), got {len(comps)}"
        )
    field = _Field(comps, spacing, dim, accuracy, edge_order, boundary, period, "curl", count=len(comps))

    def d(component, k):
        return field.partial(component, (k, 1))

    if len(comps) == 2:
        return _total([d(1, 0), d(0, 1)], [1, -1])
    return (
        _total([d(2, 1), d(1, 2)], [1, -1]),
        _total([d(0, 2), d(2, 0)], [1, -1]),
        _total([d(1, 0), d(0, 1)], [1, -1]),
    )


def hessian(
    f: Any,
    *,
    spacing: Any = 1,
    dim: Any = None,
    accuracy: int = 2,
    edge_order: int | None = None,
    boundary: str = "one-sided",
    period: Any = None,
) -> tuple[tuple[Any, ...], ...]:
    """All second derivatives of ``f``: ``H[i][j] = d2f / dx_i dx_j``.

    The diagonal uses the second-derivative stencils; each off-diagonal is a
    mixed partial (first along ``x_i``, then along ``x_j``) computed once:
    ``H[j][i]`` is the very same array as ``H[i][j]``.

    Parameters
    ----------
    f : array_like
    spacing, dim, accuracy, edge_order, boundary, period
        As in :func:`laplacian`.

    Returns
    -------
    tuple of tuples of arrays
        ``len(dim)`` rows of ``len(dim)`` arrays shaped like ``f``.

    Examples
    --------
    >>> import numpy as np, gradkit
    >>> x = np.linspace(0, 1, 5)
    >>> X, Y = np.meshgrid(x, x, indexing="ij")
    >>> H = gradkit.hessian(X**2 * Y, spacing=(x, x))
    >>> [np.allclose(H[0][0], 2 * Y), np.allclose(H[0][1], 2 * X), H[1][0] is H[0][1]]
    [True, True, True]
    """
    field = _Field([f], spacing, dim, accuracy, edge_order, boundary, period, "hessian")
    n = len(field.axes)
    rows: list[list[Any]] = [[None] * n for _ in range(n)]
    for i in range(n):
        rows[i][i] = field.partial(0, (i, 2))
        for j in range(i + 1, n):
            rows[i][j] = rows[j][i] = field.partial(0, (i, 1), (j, 1))
    return tuple(tuple(r) for r in rows)


def jacobian(
    v: Any,
    *,
    spacing: Any = 1,
    dim: Any = None,
    accuracy: int = 2,
    edge_order: int | None = None,
    boundary: str = "one-sided",
    period: Any = None,
) -> tuple[tuple[Any, ...], ...]:
    """The Jacobian of a vector field: ``J[i][j] = dv_i / dx_j``.

    Parameters
    ----------
    v : sequence of M arrays, or an array whose first axis has length M
        The components (any number of them).
    spacing, accuracy, edge_order, boundary, period
        As in :func:`laplacian`.
    dim : int or sequence of ints, optional
        The dims ``x_j`` (default: all dims of a component).

    Returns
    -------
    tuple of tuples of arrays
        M rows of ``len(dim)`` arrays.

    Examples
    --------
    >>> import numpy as np, gradkit
    >>> x = np.linspace(0, 1, 5)
    >>> X, Y = np.meshgrid(x, x, indexing="ij")
    >>> J = gradkit.jacobian([X * Y, X + Y], spacing=(x, x))
    >>> [np.allclose(J[0][0], Y), np.allclose(J[0][1], X), np.allclose(J[1][0], 1)]
    [True, True, True]
    """
    comps = _components(v, "jacobian")
    field = _Field(comps, spacing, dim, accuracy, edge_order, boundary, period, "jacobian")
    return tuple(
        tuple(field.partial(i, (j, 1)) for j in range(len(field.axes))) for i in range(len(comps))
    )
