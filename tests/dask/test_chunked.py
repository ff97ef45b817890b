"""The chunked kernel: laziness, chunks, keys, errors, coordinates, graph size, explain.

Oracles: gradkit on the computed NumPy array (bit for bit), and
dask.array.gradient for the graph size.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
import dask  # noqa: E402
from dask.callbacks import Callback  # noqa: E402

import gradkit  # noqa: E402
from gradkit.kernels import chunked, dispatch  # noqa: E402


class Tasks(Callback):
    """Counts the tasks Dask runs (and records their keys) while active."""

    def __init__(self):
        super().__init__()
        self.keys = []
        self.computes = 0

    def _start(self, dsk):
        self.computes += 1

    def _pretask(self, key, dsk, state):
        self.keys.append(key)


def _exploding(shape, chunks):
    """A Dask array whose every block raises when computed."""

    def boom(block):
        raise AssertionError("the data were computed")

    return da.map_blocks(boom, da.zeros(shape, chunks=chunks), dtype=np.float64)


def _sync(x):
    with dask.config.set(scheduler="sync"):
        return x.compute()


def test_import_gradkit_does_not_import_dask():
    code = (
        "import sys, numpy as np, gradkit; gradkit.gradient(np.arange(5.0)); gradkit.derivative(np.ones((4, 4)), 2); "
        "gradkit.explain(np.arange(5.0), 2); assert 'dask' not in sys.modules, sorted(m for m in sys.modules if 'dask' in m)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    "call",
    [
        lambda f: gradkit.gradient(f),
        lambda f: gradkit.gradient(f, spacing=(np.cumsum(np.arange(1.0, 13)), 0.5), edge_order=2),
        lambda f: gradkit.derivative(f, 3, axis=0, accuracy=6),
        lambda f: gradkit.derivative(f, (1, 2), axis=(0, 1)),
        lambda f: gradkit.derivative(f, 1, axis=1, boundary="periodic"),
        lambda f: gradkit.derivative(f, 2, axis=0, spacing=np.cumsum(np.arange(1.0, 13)), boundary="periodic", period=100.0),
    ],
    ids=["gradient", "coords", "order3", "mixed", "periodic", "periodic-coords"],
)
def test_nothing_is_computed_at_call_time(call):
    f = _exploding((12, 10), (5, 3))
    with Tasks() as tasks:
        result = call(f)
    assert tasks.keys == []
    for r in result if isinstance(result, tuple) else (result,):
        assert isinstance(r, da.Array)
        with pytest.raises(AssertionError, match="the data were computed"):
            _sync(r)


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "generic"])
@pytest.mark.parametrize("dtype", ["float64", "float32", "float16", "complex64", "int32", "longdouble"])
def test_dtypes_and_both_block_kernels(dtype, compiled, monkeypatch):
    monkeypatch.setattr(dispatch, "_COMPILED", compiled and dispatch._COMPILED)
    f = (np.random.default_rng(3).standard_normal((9, 7)) * 100).astype(dtype)
    lazy = da.from_array(f, chunks=(2, 3))
    for got, want in zip(gradkit.gradient(lazy, edge_order=2), gradkit.gradient(f, edge_order=2)):
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(_sync(got), want, strict=True)
    got = gradkit.derivative(lazy, 2, axis=0, accuracy=4, spacing=np.cumsum(np.arange(1.0, 10)) ** 1.5)
    want = gradkit.derivative(f, 2, axis=0, accuracy=4, spacing=np.cumsum(np.arange(1.0, 10)) ** 1.5)
    np.testing.assert_array_equal(_sync(got), want, strict=True)


def test_input_chunks_are_kept():
    f = da.ones((10, 10), chunks=(5, (1, 2, 3, 4)))
    for g in gradkit.gradient(f):  # reach 1: any chunk is long enough
        assert g.chunks == f.chunks
    f = da.ones((10, 10), chunks=(5, (4, 6)))
    for g in gradkit.gradient(f, accuracy=4):  # edge_order 4: reach 4
        assert g.chunks == f.chunks


def test_a_trailing_chunk_of_one_is_merged_into_its_neighbour():
    # dask#7025: dask.array.gradient refuses chunks shorter than edge_order + 1.
    x = np.random.default_rng(0).random(11)
    f = da.from_array(x, chunks=5)  # (5, 5, 1)
    with pytest.raises(ValueError, match="Chunk size must be larger than edge_order"):
        da.gradient(f, edge_order=2)
    (g,) = gradkit.gradient(f, edge_order=2)  # reach 2: the chunk of 1 joins the one before
    assert g.chunks == ((5, 6),)
    np.testing.assert_array_equal(_sync(g), gradkit.gradient(x, edge_order=2)[0], strict=True)
    g = gradkit.derivative(da.from_array(x, chunks=1), 2, accuracy=4, boundary="periodic")  # reach 2: pairs
    assert g.chunks == ((2, 2, 2, 2, 3),)
    np.testing.assert_array_equal(_sync(g), gradkit.derivative(x, 2, accuracy=4, boundary="periodic"), strict=True)


@pytest.mark.parametrize(
    "chunks, depth, merged",
    [((5, 5), 1, (5, 5)), ((5, 5, 1), 2, (5, 6)), ((1, 1, 4, 3), 2, (2, 4, 3)), ((1, 1), 3, (2,)), ((3, 1, 3), 2, (3, 4)),
     ((5, 0, 5), 1, (5, 5)), ((0, 4), 0, (4,)), ((1, 1), 0, (1, 1))],
)
def test_merged_chunks(chunks, depth, merged):
    assert chunked.merged_chunks(chunks, depth) == merged


def test_empty_chunks_are_merged_away():
    x = np.random.default_rng(6).random(10)
    f = da.from_array(x, chunks=((5, 0, 5),))
    for g, want in [(gradkit.gradient(f)[0], gradkit.gradient(x)[0]),
                    (gradkit.derivative(f, 2, boundary="periodic"), gradkit.derivative(x, 2, boundary="periodic"))]:
        assert g.chunks == ((5, 5),)
        np.testing.assert_array_equal(_sync(g), want, strict=True)


def test_keys_are_deterministic():
    f = da.from_array(np.arange(20.0).reshape(4, 5), chunks=2)
    x = np.cumsum(np.arange(1.0, 6))
    one = gradkit.gradient(f, spacing=(1.0, x))
    two = gradkit.gradient(f, spacing=(1.0, x))
    assert [g.name for g in one] == [g.name for g in two]
    assert [set(dict(g.__dask_graph__())) for g in one] == [set(dict(g.__dask_graph__())) for g in two]
    other = gradkit.gradient(f, spacing=(1.0, x * 2))
    assert one[0].name == other[0].name and one[1].name != other[1].name
    assert gradkit.derivative(f, 2).name != gradkit.derivative(f, 1).name


@pytest.mark.parametrize(
    "call",
    [
        lambda f: gradkit.gradient(f, spacing=(np.arange(3.0), 1.0)),
        lambda f: gradkit.gradient(f, spacing=(1.0, 2.0, 3.0)),
        lambda f: gradkit.gradient(f, spacing=(np.array([0, 1, np.nan, 3, 4, 5, 6, 7]), 1.0)),
        lambda f: gradkit.gradient(f, spacing=(np.array([0, 1, 2, 2, 4, 5, 6, 7.0]), 1.0)),
        lambda f: gradkit.derivative(f, 2, accuracy=0),
        lambda f: gradkit.derivative(f, 5, axis=1, edge_order=3),
        lambda f: gradkit.derivative(f, 1, axis=0, edge_order=40),
        lambda f: gradkit.derivative(f, 1, axis=0, spacing=np.arange(8.0) ** 2, boundary="periodic"),
        lambda f: gradkit.derivative(f, 1, axis=0, boundary="periodic", period=3.0),
        lambda f: gradkit.gradient(f, dim=2),
    ],
)
def test_errors_are_numpys_raised_at_call_time(call):
    x = np.random.default_rng(1).random((8, 6))
    with pytest.raises((TypeError, ValueError, IndexError)) as want:
        call(x)
    with Tasks() as tasks, pytest.raises(type(want.value)) as got:
        call(_exploding((8, 6), 3))
    assert str(got.value) == str(want.value)
    assert tasks.keys == []


def test_dask_coordinates_are_computed_once_and_checked_like_numpy():
    x = np.cumsum(np.random.default_rng(2).uniform(0.5, 1.5, 30))
    f = np.sin(x)[:, None] * np.ones((1, 4))
    xd = da.from_array(x, chunks=7)
    lazy = da.from_array(f, chunks=(4, 2))
    with Tasks() as tasks:  # the coordinates are computed, once; the data are not
        gradkit.derivative(_exploding(f.shape, (4, 2)), 1, axis=0, spacing=xd, accuracy=4)
    assert tasks.computes == 1
    with Tasks() as tasks:
        got = gradkit.derivative(lazy, 1, axis=0, spacing=xd, accuracy=4)
    assert not any(isinstance(k, tuple) and k[0] == lazy.name for k in tasks.keys)
    np.testing.assert_array_equal(_sync(got), gradkit.derivative(f, 1, axis=0, spacing=x, accuracy=4), strict=True)
    bad = da.from_array(np.concatenate([x[:10], [np.inf], x[11:]]), chunks=7)
    with pytest.raises(ValueError, match="must be finite, but coordinate 10 is inf"):
        gradkit.derivative(lazy, 1, axis=0, spacing=bad)
    even = da.arange(30, chunks=7) * 0.5  # exactly evenly spaced: the uniform scheme, as for NumPy
    np.testing.assert_array_equal(
        _sync(gradkit.derivative(lazy, 1, axis=0, spacing=even)),
        gradkit.derivative(f, 1, axis=0, spacing=np.arange(30) * 0.5), strict=True,
    )


def _own_tasks(results, source):
    base = set(dict(source.__dask_graph__()))
    keys = set()
    for r in results:
        keys |= set(dict(r.__dask_graph__()))
    return len(keys - base)


@pytest.mark.parametrize("shape, chunks", [((40, 30), (10, 10)), ((40, 30), (7, (5, 25))), ((100,), (10,)), ((8, 8, 8), 4)])
def test_no_more_tasks_than_dask_gradient(shape, chunks):
    f = da.random.default_rng(0).random(shape, chunks=chunks)
    ours = _own_tasks(gradkit.gradient(f), f)
    theirs = da.gradient(f)
    theirs = _own_tasks(theirs if isinstance(theirs, (list, tuple)) else [theirs], f)
    assert ours <= theirs


def test_all_axes_share_one_halo_exchange():
    # One faces task per chunk for all the axes, one task per chunk and axis:
    # smaller than an exchange per axis (a derivative call each), while each
    # component still computes only its own derivative tasks.
    f = da.random.default_rng(0).random((16, 12, 8), chunks=(4, 4, 4))
    shared = gradkit.gradient(f)
    alone = [gradkit.derivative(f, 1, axis=a) for a in range(3)]
    assert _own_tasks(shared, f) == 4 * f.npartitions  # 4 * 48 = 192
    assert _own_tasks(shared, f) < _own_tasks(alone, f) == 2 * 3 * f.npartitions
    with Tasks() as tasks:
        value = _sync(shared[1])
    ran = {k[0].rsplit("-", 1)[0] if isinstance(k, tuple) else k for k in tasks.keys}
    assert shared[0].name not in {k[0] for k in tasks.keys if isinstance(k, tuple)}
    assert shared[2].name not in {k[0] for k in tasks.keys if isinstance(k, tuple)}
    assert "gradkit-faces" in ran
    np.testing.assert_array_equal(value, gradkit.gradient(_sync(f))[1], strict=True)


@pytest.mark.parametrize("chunks, serial", [((4, 4), True), ((12, 10), False)], ids=["blocks", "one-block"])
def test_blocks_run_the_compiled_kernel_serially(chunks, serial, monkeypatch):
    # Dask runs one block per thread: a block's compiled kernel stays on it
    # (nested threads only compete); a single block keeps the kernel's threads.
    seen = []
    original = dispatch.apply

    def spy(*args, **kw):
        seen.append(kw.get("serial", False))
        return original(*args, **kw)

    monkeypatch.setattr(dispatch, "apply", spy)
    x = np.random.default_rng(2).random((12, 10))
    for got, want in zip(gradkit.gradient(da.from_array(x, chunks=chunks)), gradkit.gradient(x)):
        seen.clear()
        np.testing.assert_array_equal(_sync(got), want, strict=True)
        assert seen and set(seen) == {serial}


@pytest.mark.parametrize("call", [
    lambda f: gradkit.gradient(f, edge_order=2),
    lambda f: gradkit.gradient(f, accuracy=4, boundary="periodic"),
    lambda f: gradkit.derivative(f, 2, axis=2, accuracy=6),
    lambda f: gradkit.derivative(f, 1, axis=2, spacing=np.cumsum(np.arange(1.0, 10)) ** 1.2, accuracy=4),
], ids=["edge2", "periodic", "innermost-wide", "innermost-coords"])
@pytest.mark.parametrize("layout", ["contiguous", "strided-view", "fortran"])
def test_blocks_of_any_layout_give_the_same_bits(call, layout):
    # da.from_array hands out strided views of the NumPy array (gathered
    # once for all axes), Fortran blocks are handled by transposing; the
    # innermost axis's strips run as rows. All give in-memory gradkit's bits.
    x = np.random.default_rng(9).standard_normal((11, 10, 9)).astype(np.float32)
    if layout == "fortran":
        x = np.asfortranarray(x)
    f = da.from_array(x, chunks=(4, 5, 4))
    if layout == "contiguous":
        f = f.map_blocks(np.ascontiguousarray)
    for got, want in zip(_tuple(call(f)), _tuple(call(x))):
        np.testing.assert_array_equal(_sync(got), want, strict=True)


def _tuple(x):
    return x if isinstance(x, tuple) else (x,)


def test_explain_reads_only_the_chunks_of_the_stencil():
    f = np.random.default_rng(5).random((60, 8))
    read = set()

    def track(block, block_info=None):
        if block_info is not None:
            read.add(tuple(block_info[None]["chunk-location"]))
        return block

    lazy = da.from_array(f, chunks=(10, 4)).map_blocks(track, dtype=f.dtype, meta=np.empty((0, 0)))
    for index, kw in [((25, 3), dict(accuracy=4)), ((0, 5), dict(boundary="periodic")), ((59, 0), dict(order=2))]:
        read.clear()
        got = gradkit.explain(lazy, index, axis=0, **kw)
        assert 0 < len(read) <= 2, read  # the chunk of the point (and a neighbour across a chunk edge)
        want = gradkit.explain(f, index, axis=0, **kw)
        assert str(got) == str(want)
        assert got.result == want.result


@pytest.mark.parametrize("shape, axis", [((200,), 0), ((60, 20), 0), ((20, 60), 1), ((9, 40, 30), 1)])
@pytest.mark.parametrize(
    "kw",
    [dict(order=1), dict(order=1, edge_order=2), dict(order=2, accuracy=6), dict(order=3, boundary="periodic"),
     dict(order=1, spacing="coords"), dict(order=2, accuracy=4, spacing="coords", boundary="periodic")],
    ids=["d1", "d1-edge2", "d2-acc6", "d3-periodic", "d1-coords", "d2-coords-periodic"],
)
def test_long_chunks_strips_and_short_chunks_whole(shape, axis, kw):
    """Chunks much longer than the reach are differentiated in place plus two
    halo strips; shorter ones (and lines along the innermost axis) joined to
    their halo whole: the same bits either way."""
    rng = np.random.default_rng(11)
    f = rng.standard_normal(shape)
    kw = dict(kw)
    n = shape[axis]
    if kw.get("spacing") == "coords":
        kw["spacing"] = np.cumsum(rng.uniform(0.5, 1.5, n))
        if kw.get("boundary") == "periodic":
            kw["period"] = float(kw["spacing"][-1] - kw["spacing"][0] + 1.0)
    order = kw.pop("order")
    want = gradkit.derivative(f, order, axis=axis, **kw)
    for chunks in [(n // 2, n - n // 2), (n // 5,) * 5 if n % 5 == 0 else (n,), (7, n - 7), (n - 3, 3)]:
        spec = tuple(chunks if a == axis else (s,) for a, s in enumerate(shape))
        got = gradkit.derivative(da.from_array(f, chunks=spec), order, axis=axis, **kw)
        np.testing.assert_array_equal(_sync(got), want, strict=True)


def test_unknown_chunk_sizes_are_refused_clearly():
    f = da.from_array(np.arange(20.0).reshape(4, 5), chunks=2)
    g = f[f[:, 0] > 3]
    with pytest.raises(ValueError, match=r"gradient: f has dims of unknown size .*compute_chunk_sizes"):
        gradkit.gradient(g)
    (d,) = gradkit.gradient(g.compute_chunk_sizes(), dim=0, edge_order=1)
    np.testing.assert_array_equal(_sync(d), gradkit.gradient(f.compute()[1:], dim=0)[0], strict=True)


def test_empty_dims():
    for shape, chunks, axis in [((0, 6), (1, 3), 1), ((3, 0, 6), (1, 1, 3), 2)]:
        f = da.zeros(shape, chunks=chunks)
        got = gradkit.derivative(f, 2, axis=axis)
        assert _sync(got).shape == shape


@pytest.mark.parametrize("scale", [2.0**-700, 2.0**600])
def test_coordinates_far_from_unit_gaps(scale):
    """Gaps far from 1 are planned in units of a power of two: the chunked
    kernel carries the unit to every block (same bits as in memory)."""
    rng = np.random.default_rng(4)
    x = np.cumsum(rng.uniform(0.5, 1.5, 40)) * scale
    f = rng.standard_normal((40, 3))
    for kw in (dict(order=1), dict(order=2, accuracy=4), dict(order=1, boundary="periodic", period=float(x[-1] - x[0] + x[1] - x[0]))):
        kw = dict(kw)
        order = kw.pop("order")
        want = gradkit.derivative(f, order, axis=0, spacing=x, **kw)
        got = gradkit.derivative(da.from_array(f, chunks=((9, 9, 9, 13), 2)), order, axis=0, spacing=x, **kw)
        np.testing.assert_array_equal(_sync(got), want, strict=True)


@pytest.mark.parametrize(
    "call",
    [
        lambda a: gradkit.laplacian(a, spacing=(0.5, 2.0), accuracy=4),
        lambda a: gradkit.hessian(a),
        lambda a: gradkit.derivative(a, 2, axis=0, error=True),
        lambda a: gradkit.gradient(a, error=True),
    ],
    ids=["laplacian", "hessian", "derivative-error", "gradient-error"],
)
def test_operators_and_error_estimates_stay_lazy_and_exact(call):
    f = np.random.default_rng(0).random((12, 10))

    def flat(x):
        return [y for z in x for y in flat(z)] if isinstance(x, (list, tuple)) else [x]

    got, want = flat(call(da.from_array(f, chunks=(5, (3, 7))))), flat(call(f))
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert isinstance(g, da.Array)
        np.testing.assert_array_equal(_sync(g), w, strict=True)
