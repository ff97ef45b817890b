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


@pytest.mark.parametrize("order,accuracy", [(1, 4), (2, 2), (2, 4)])
def test_explain_weights_are_the_kernels(order, accuracy):
    rng = np.random.default_rng(3)
    x = np.cumsum(rng.uniform(0.5, 1.5, 40))
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
