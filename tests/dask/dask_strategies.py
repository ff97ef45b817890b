"""Hypothesis strategies for the chunked kernel: shapes, chunkings, schemes, grids."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

da = __import__("pytest").importorskip("dask.array")

#: Modest example counts: every example builds and computes a Dask graph.
EXAMPLES = 60


@st.composite
def chunkings(draw, n: int) -> tuple[int, ...]:
    """A partition of ``n`` into chunks: a single chunk, chunks of 1, uneven ones."""
    if n <= 1:
        return (n,)
    kind = draw(st.sampled_from(["single", "ones", "random", "trailing-one"]))
    if kind == "single":
        return (n,)
    if kind == "ones":
        return (1,) * n
    if kind == "trailing-one":
        return (n - 1, 1)
    cuts = draw(st.sets(st.integers(1, n - 1), max_size=n - 1))
    edges = [0, *sorted(cuts), n]
    return tuple(b - a for a, b in zip(edges, edges[1:]))


@st.composite
def arrays(draw, max_dims: int = 3, long_axis: int | None = None):
    """(NumPy data, the same data as a Dask array with random chunks)."""
    ndim = draw(st.integers(1, max_dims))
    shape = [draw(st.integers(1, 6)) for _ in range(ndim)]
    if long_axis is not None:
        shape[long_axis % ndim] = draw(st.integers(3, 16))
    shape = tuple(shape)
    dtype = draw(st.sampled_from(["float64", "float32", "complex128", "int64"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    data = rng.standard_normal(shape) * 10
    if dtype == "complex128":
        data = data + 1j * rng.standard_normal(shape)
    data = data.astype(dtype)
    chunks = tuple(draw(chunkings(n)) for n in shape)
    return data, da.from_array(data, chunks=chunks)


@st.composite
def grids(draw, n: int, periodic: bool):
    """A spacing for an axis of ``n``: (NumPy spacing, Dask-side spacing, period)."""
    kind = draw(st.sampled_from(["step", "coords", "even-coords", "dask-coords"]))
    if kind == "step":
        h = draw(st.sampled_from([1, 0.5, 3.0, 0.1]))
        return h, h, None
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if kind == "even-coords":  # exactly evenly spaced: a uniform grid to gradkit
        x = np.arange(n) * 0.25 - 1.0
    else:
        x = np.cumsum(rng.uniform(0.5, 1.5, n)) - 3.0
        if draw(st.booleans()):
            x = x[::-1].copy()  # decreasing coordinates
    period = None
    if periodic and kind != "even-coords" and n > 1:
        period = float(abs(x[-1] - x[0]) + rng.uniform(0.5, 1.5))
    if kind == "dask-coords":
        return x, da.from_array(x, chunks=draw(chunkings(n))), period
    return x, x, period
