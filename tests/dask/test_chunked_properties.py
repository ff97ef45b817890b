"""The chunked kernel gives, for any chunking, the very bits of in-memory gradkit.

Oracle: gradkit on the computed NumPy array (itself held to numpy.gradient
and torch.gradient by tests/conformance). Every example draws a shape, a
chunking per axis (single chunks, chunks of 1, uneven ones), an axis, a
scheme and a grid; either both calls fail with the same error, raised when
the Dask call is made, or the Dask result is lazy, has the expected chunks
and computes to exactly the NumPy result (np.testing.assert_array_equal,
dtype included).
"""

from __future__ import annotations

import dask
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import gradkit
from gradkit.kernels.chunked import merged_chunks

from dask_strategies import EXAMPLES, arrays, grids

da = __import__("pytest").importorskip("dask.array")

SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None)


def _outcome(call):
    try:
        return call(), None
    except (TypeError, ValueError, IndexError) as exc:
        return None, (type(exc), str(exc))


def _check(lazy, eager, lazy_error, eager_error):
    assert lazy_error == eager_error
    if eager_error is not None:
        return
    lazy = lazy if isinstance(lazy, tuple) else (lazy,)
    eager = eager if isinstance(eager, tuple) else (eager,)
    assert len(lazy) == len(eager)
    for got, want in zip(lazy, eager):
        assert isinstance(got, da.Array)
        with dask.config.set(scheduler="sync"):
            value = got.compute()
        assert value.dtype == want.dtype
        np.testing.assert_array_equal(value, want, strict=True)


def _expected_chunks(result, source, axis, bound):
    """The input's chunks, except along ``axis``, where chunks are only ever
    merged, and a chunk of at least ``bound`` samples (an upper bound of the
    stencil reach) between two such chunks is kept as it is."""
    for a, (got, had) in enumerate(zip(result.chunks, source.chunks)):
        if a != axis:
            assert got == had
            continue
        cuts_got, cuts_had = set(np.cumsum(got).tolist()), set(np.cumsum(had).tolist())
        assert sum(got) == sum(had) and cuts_got <= cuts_had
        edges = np.concatenate([[0], np.cumsum(had)])
        for k in range(1, len(had) - 1):
            if min(had[k - 1 : k + 2]) >= bound:
                assert {int(edges[k]), int(edges[k + 1])} <= cuts_got | {0}


@SETTINGS
@given(
    data=st.data(),
    order=st.integers(0, 3),
    accuracy=st.integers(1, 5),
    edge_order=st.sampled_from([None, 1, 2, 3]),
    periodic=st.booleans(),
)
def test_derivative_matches_in_memory(data, order, accuracy, edge_order, periodic):
    f, lazy = data.draw(arrays(long_axis=-1))
    axis = data.draw(st.integers(-f.ndim, f.ndim - 1))
    n = f.shape[axis]
    x, xd, period = data.draw(grids(n, periodic))
    kw = dict(order=order, axis=axis, accuracy=accuracy)
    if periodic:
        kw.update(boundary="periodic", period=period)
    else:
        kw.update(edge_order=edge_order)
    got, got_error = _outcome(lambda: gradkit.derivative(lazy, spacing=xd, **kw))
    want, want_error = _outcome(lambda: gradkit.derivative(f, spacing=x, **kw))
    _check(got, want, got_error, want_error)
    if got_error is None:
        # reach <= max(interior radius, edge width - 1) <= order + max(accuracy, edge_order) + 2
        _expected_chunks(got, lazy, axis % f.ndim, order + max(accuracy, edge_order or 0) + 2)


@SETTINGS
@given(data=st.data(), accuracy=st.integers(1, 4), edge_order=st.sampled_from([None, 1, 2]), periodic=st.booleans())
def test_gradient_matches_in_memory(data, accuracy, edge_order, periodic):
    f, lazy = data.draw(arrays(long_axis=0))
    dims = data.draw(st.sampled_from([None, 0, (0,), tuple(range(f.ndim))[::-1]]))
    axes = range(f.ndim) if dims is None else ((dims,) if isinstance(dims, int) else dims)
    grids_ = [data.draw(grids(f.shape[a], periodic)) for a in axes]
    kw = dict(dim=dims, accuracy=accuracy)
    if periodic:
        kw.update(boundary="periodic", period=[g[2] for g in grids_])
    else:
        kw.update(edge_order=edge_order)
    got, got_error = _outcome(lambda: gradkit.gradient(lazy, spacing=[g[1] for g in grids_], **kw))
    want, want_error = _outcome(lambda: gradkit.gradient(f, spacing=[g[0] for g in grids_], **kw))
    _check(got, want, got_error, want_error)


@SETTINGS
@given(data=st.data(), orders=st.tuples(st.integers(1, 2), st.integers(1, 2)), accuracy=st.sampled_from([2, 4]))
def test_mixed_partials_match_in_memory(data, orders, accuracy):
    f, lazy = data.draw(arrays(max_dims=2, long_axis=0).filter(lambda p: p[0].ndim == 2))
    g0, g1 = data.draw(grids(f.shape[0], False)), data.draw(grids(f.shape[1], False))
    kw = dict(axis=(0, 1), accuracy=accuracy)
    got, got_error = _outcome(lambda: gradkit.derivative(lazy, orders, spacing=(g0[1], g1[1]), **kw))
    want, want_error = _outcome(lambda: gradkit.derivative(f, orders, spacing=(g0[0], g1[0]), **kw))
    _check(got, want, got_error, want_error)
