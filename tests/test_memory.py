"""Memory: the compiled NumPy path needs no temporaries the size of the input.

tracemalloc sees every NumPy allocation; the peak during a call, minus the
outputs themselves, must stay below 10% of the input (issue 5).
"""

import tracemalloc

import numpy as np
import pytest

import gradkit
from gradkit.kernels import dispatch

pytestmark = pytest.mark.skipif(
    not dispatch.compiled_available(), reason="the compiled NumPy kernels are switched off"
)

N = 10**6


def _extra_peak(call, output_bytes):
    call()  # warm-up: compilation and plan caches are not per-call costs
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base, _ = tracemalloc.get_traced_memory()
        result = call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return peak - base - output_bytes


def _grid(n, seed=0):
    return np.cumsum(np.random.default_rng(seed).uniform(0.5, 1.5, n))


CASES = {
    "1-D, scalar spacing": (lambda f: gradkit.gradient(f, spacing=0.1), (N,)),
    "1-D, coordinates": (lambda f: gradkit.gradient(f, spacing=(_X1,)), (N,)),
    "1-D, coordinates, edge_order=2": (lambda f: gradkit.gradient(f, spacing=(_X1,), edge_order=2), (N,)),
    "1-D, periodic": (lambda f: gradkit.gradient(f, boundary="periodic", accuracy=4), (N,)),
    "2-D, all axes": (lambda f: gradkit.gradient(f), (1000, 1000)),
    "2-D, coordinates, accuracy 4": (
        lambda f: gradkit.gradient(f, spacing=(_X2, _X2), accuracy=4),
        (1000, 1000),
    ),
    "2-D, second derivative": (lambda f: gradkit.derivative(f, 2, axis=0, spacing=_X2), (1000, 1000)),
    "3-D float32, all axes": (lambda f: gradkit.gradient(f.astype(np.float32, copy=False)), (100, 100, 100)),
}
_X1 = _grid(N)
_X2 = _grid(1000, 1)


@pytest.mark.parametrize("name", list(CASES))
def test_no_input_sized_temporaries(name):
    call, shape = CASES[name]
    f = np.random.default_rng(2).standard_normal(shape)
    if name.startswith("3-D"):
        f = f.astype(np.float32)
    results = call(f)
    outputs = results if isinstance(results, tuple) else (results,)
    output_bytes = sum(o.nbytes for o in outputs)
    extra = _extra_peak(lambda: call(f), output_bytes)
    assert extra < 0.10 * f.nbytes, f"{name}: {extra / f.nbytes:.1%} of the input in temporaries"


def test_out_needs_no_memory_at_all():
    f = np.random.default_rng(3).standard_normal((1000, 1000))
    outs = (np.empty_like(f), np.empty_like(f))
    extra = _extra_peak(lambda: gradkit.gradient(f, out=outs), 0)
    assert extra < 0.01 * f.nbytes


WIDE = {
    "accuracy 4": lambda f, x: gradkit.gradient(f, spacing=(x,), accuracy=4),
    "accuracy 6": lambda f, x: gradkit.gradient(f, spacing=(x,), accuracy=6),
    "second derivative": lambda f, x: gradkit.derivative(f, 2, spacing=x),
    "second derivative, accuracy 4": lambda f, x: gradkit.derivative(f, 2, spacing=x, accuracy=4),
    "periodic, accuracy 4": lambda f, x: gradkit.gradient(
        f, spacing=(x,), accuracy=4, boundary="periodic", period=x[-1] - x[0] + 1.0
    ),
}


@pytest.mark.parametrize("fresh", [False, True], ids=["same coordinates", "fresh coordinates"])
@pytest.mark.parametrize("name", list(WIDE))
def test_wide_coordinate_stencils_keep_no_rows(name, fresh):
    """Wide stencils and higher derivatives on coordinates compute their
    weights on the fly: nothing the size of the input during the call, and
    nothing left alive after it (issue 10, item 7)."""
    call = WIDE[name]
    f = np.random.default_rng(4).standard_normal(N)
    x = _grid(N, 5)
    out = call(f, x)
    output_bytes = sum(o.nbytes for o in (out if isinstance(out, tuple) else (out,)))
    del out
    xs = [x + k for k in range(1, 3)] if fresh else [x, x]
    call(f, xs[0])  # warm-up
    tracemalloc.start()
    try:
        base, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        result = call(f, xs[1])
        _, peak = tracemalloc.get_traced_memory()
        del result
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak - base - output_bytes < 0.10 * f.nbytes, f"{name}: {(peak - base - output_bytes) / f.nbytes:.1%}"
    assert after - base < 0.10 * f.nbytes, f"{name}: {(after - base) / f.nbytes:.1%} of the input kept"
