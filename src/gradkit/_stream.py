"""Derivatives of a long column, block by block, with bounded memory.

:class:`ColumnPlan` validates the settings exactly as :func:`gradkit.derivative`
does for a 1-D float64 array of ``n`` samples (the arguments layer builds the
same :class:`~gradkit._args.AxisSpec`, hence the same stencil plan), then
differentiates any block ``first:stop`` of the column from the block and a
halo of :func:`~gradkit.stencils.reach` samples on either side (wrapping
round on a periodic axis), with the block's slice of the global plan
(:func:`~gradkit.stencils.slice_plan`) run by the dispatcher's kernel: what
the chunked (Dask) kernel does for each chunk. Every point gets the very
offsets, weights and operation order of the whole-column computation, so
the blocks put together are bit-identical to ``gradkit.derivative`` on the
whole column, for any block size (1 included).

The samples are read through a callable ``read(start, stop)``, so they can
live in a file (:class:`gradkit._io.ColumnStore`) and only a block and its
halo are in memory at a time. Coordinates, when the grid is not a uniform
step, are held whole: the arguments layer checks them all (finite, distinct,
exactly evenly spaced or not, the range of their gaps) before any block is
computed, as ``gradkit.derivative`` does.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

import array_api_compat
import numpy as np

from . import _args, stencils
from ._arrays import as_operand
from .kernels import dispatch
from .kernels.chunked import _settings, _window_coords

__all__ = ["ColumnPlan", "blocks"]

Reader = Callable[[int, int], np.ndarray]


class ColumnPlan:
    """The derivative of a float64 column of ``n`` samples, block by block.

    Parameters
    ----------
    n : int
        Length of the column.
    spacing : float or numpy.ndarray
        A uniform step, or the ``n`` coordinates of the samples.
    order, accuracy, edge_order, boundary, period
        As in :func:`gradkit.derivative`.

    Raises
    ------
    ValueError, TypeError
        The messages of :func:`gradkit.derivative` for the same arguments.

    Examples
    --------
    >>> import numpy as np, gradkit
    >>> from gradkit._stream import ColumnPlan
    >>> x = np.sort(np.random.default_rng(1).uniform(0, 2, 40)); f = np.exp(x)
    >>> cp = ColumnPlan(40, x, order=2, accuracy=4)
    >>> parts = [cp.block(lambda a, b: f[a:b], a, min(a + 7, 40)) for a in range(0, 40, 7)]
    >>> np.array_equal(np.concatenate(parts), gradkit.derivative(f, 2, spacing=x, accuracy=4))
    True
    """

    def __init__(self, n: int, spacing: Any, *, order: int = 1, accuracy: int = 2, edge_order: int | None = None,
                 boundary: str = "one-sided", period: Any = None) -> None:
        func = "derivative"
        probe = as_operand(np.empty(0), func)  # float64 NumPy data: derivative's dtype rule and eps
        axes, entries = _args.partial_axes(order, -1, spacing, (n,), func, "axis")
        (spec,) = _args.make_specs((n,), axes, entries, func=func, order=order, accuracy=accuracy,
                                   edge_order=edge_order, boundary=boundary, period=period,
                                   eps=probe.rounding_unit())
        self.n = n
        self.spec = spec
        self.plan = spec.plan()
        self.depth = stencils.reach(self.plan)
        self._settings = _settings(self.plan)
        self._xp = array_api_compat.array_namespace(np.empty(0))

    def _window(self, read: Reader, lo: int, hi: int) -> np.ndarray:
        n = self.n
        if lo >= 0 and hi <= n:
            return read(lo, hi)
        parts = []
        if lo < 0:
            parts.append(read(n + lo, n))
        parts.append(read(max(lo, 0), min(hi, n)))
        if hi > n:
            parts.append(read(0, hi - n))
        return np.concatenate(parts)

    def block(self, read: Reader, first: int, stop: int) -> np.ndarray:
        """The derivative at points ``first:stop`` of the column.

        Parameters
        ----------
        read : callable
            ``read(a, b)`` returns samples ``a:b`` of the column (float64).
        first, stop : int
            The block, ``0 <= first < stop <= n``.

        Returns
        -------
        numpy.ndarray
            ``stop - first`` float64 values.
        """
        n, depth = self.n, self.depth
        if self.plan.periodic:
            left = right = depth
        else:
            left, right = min(depth, first), min(depth, n - stop)
        samples = self._window(read, first - left, stop + right)
        coords = self.plan.coords
        xs = None if coords is None else _window_coords(coords, [(first, stop, left, right)], self.plan.period)[0]
        plan = stencils.slice_plan(n, first, stop, left, right, coords=xs, **self._settings)
        out = dispatch.apply(self._xp, samples, plan, 0, np.float64)
        return out[left : left + (stop - first)]


def blocks(n: int, size: int) -> Iterator[tuple[int, int]]:
    """``(first, stop)`` of consecutive blocks of ``size`` rows covering ``0..n``.

    Examples
    --------
    >>> list(blocks(7, 3))
    [(0, 3), (3, 6), (6, 7)]
    """
    for first in range(0, n, size):
        yield first, min(first + size, n)
