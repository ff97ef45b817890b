"""The on-the-fly Fornberg rule (issue 10, item 7): the lane recurrence that the
compiled kernel runs agrees with the vectorised recurrence, and explain's
weights are the kernel's."""

import numpy as np
import pytest

import gradkit
from gradkit import stencils
from gradkit.stencils import FORNBERG_ON_THE_FLY, plan_axis


@pytest.mark.parametrize("order,accuracy,boundary", [(1, 4, "one-sided"), (1, 6, "one-sided"), (2, 2, "one-sided"),
                                                     (2, 4, "one-sided"), (3, 2, "one-sided"), (1, 4, "periodic"),
                                                     (2, 2, "periodic")])
def test_rows_agree_with_the_vectorised_recurrence(order, accuracy, boundary):
    rng = np.random.default_rng(order * 10 + accuracy)
    x = np.cumsum(rng.uniform(0.01, 1.0, 60)) * 1e-3
    period = (x[-1] - x[0]) + 1e-3 if boundary == "periodic" else None
    plan = plan_axis(60, order=order, accuracy=accuracy, edge_order=accuracy, boundary=boundary,
                     step=None, coords=x, period=period)
    blocks = [b for b in plan.blocks if b.rule == FORNBERG_ON_THE_FLY]
    assert blocks and all(b._weights is None for b in blocks)
    for block in blocks:
        rows = block.weights  # the vectorised recurrence, not kept
        assert block._weights is None
        for i in range(block.start, block.stop):
            row = block.row(i)  # the lane recurrence, as the kernel runs it
            np.testing.assert_allclose(row, rows[:, i - block.start], rtol=1e-11, atol=1e-11 * np.abs(row).max())


# (1, 4) ... (3, 2): the straight-line versions of kernels/_fornberg_fixed.py;
# (4, 2) and (1, 10): the general loops.
@pytest.mark.parametrize("order,accuracy", [(1, 4), (1, 6), (1, 8), (2, 2), (2, 4), (3, 2), (4, 2), (1, 10)])
@pytest.mark.parametrize("grid", ["mild", "wild"])
def test_explain_weights_are_the_kernels(order, accuracy, grid):
    rng = np.random.default_rng(3)
    if grid == "mild":
        x = np.cumsum(rng.uniform(0.5, 1.5, 40))
    else:  # gaps over many binades, positions far from zero
        x = 1e6 + np.cumsum(np.exp(rng.uniform(-6, 6, 40)))
    f = np.sin(x)
    out = gradkit.derivative(f, order, spacing=x, accuracy=accuracy)
    for i in range(40):
        e = gradkit.explain(f, i, spacing=x, order=order, accuracy=accuracy)
        assert e.result == out[i]
        total = e.terms[0]
        for t in e.terms[1:]:
            total = total + t
        scale = np.abs(e.terms).sum()
        assert abs(total - out[i]) <= 1e-13 * scale


def test_long_plans_found_again_without_hashing_and_not_kept():
    import gc
    import weakref

    x = np.cumsum(np.random.default_rng(1).uniform(0.5, 1.5, stencils.HASH_ALWAYS_BELOW + 10))
    plan = plan_axis(len(x), order=2, accuracy=4, step=None, coords=x)
    assert plan_axis(len(x), order=2, accuracy=4, step=None, coords=x) is plan
    x2 = x.copy()
    assert plan_axis(len(x), order=2, accuracy=4, step=None, coords=x2) is not plan  # another array
    ref = weakref.ref(plan)
    del plan
    gc.collect()
    assert ref() is None


def test_generated_straight_line_kernels_are_current():
    from gradkit.kernels import _fornberg_codegen, _fornberg_fixed

    with open(_fornberg_fixed.__file__) as fh:
        assert fh.read() == _fornberg_codegen.source(), "run python -m gradkit.kernels._fornberg_codegen"


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex64])
@pytest.mark.parametrize("order,accuracy", [(1, 4), (1, 6), (2, 2), (3, 2)])
def test_straight_line_kernels_give_the_rows_weights(order, accuracy, dtype):
    """The derivative of a unit impulse at j is, at each point i, the weight
    of offset j - i (every other term is an exact zero): the compiled
    kernel's weights, on a line of several tiles, bit for bit the rows that
    fornberg_lanes gives (explain's), rounded to the data's precision."""
    from gradkit.kernels._cpu_jit import _TILE

    n = 2 * _TILE + 37
    rng = np.random.default_rng(order + accuracy)
    x = np.cumsum(rng.uniform(0.5, 1.5, n)) * 2.0 ** rng.integers(-40, 40)
    plan = plan_axis(n, order=order, accuracy=accuracy, edge_order=accuracy, step=None, coords=x)
    (block,) = [b for b in plan.blocks if b.rule == FORNBERG_ON_THE_FLY]
    real = np.empty(0, dtype).real.dtype
    for j in (block.start + 3, _TILE - 1, _TILE, _TILE + 1, 2 * _TILE, block.stop - 4):
        f = np.zeros(n, dtype)
        f[j] = 1
        out = gradkit.derivative(f, order, spacing=x, accuracy=accuracy)
        for i in range(max(block.start, j - 4), min(block.stop, j + 5)):
            if j - i in block.offsets:
                expected = real.type(block.row(i)[list(block.offsets).index(j - i)])
                assert out[i] == expected, (i, j)
