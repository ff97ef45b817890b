"""explain_operator: its result is the operator's own output, its combined
stencil is the operator's matrix row and, on a uniform grid, the classic
5-point Laplacian; clear errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gradkit


@st.composite
def cases(draw):
    shape = (draw(st.integers(7, 9)), draw(st.integers(7, 9)))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    spacing = tuple(
        draw(st.sampled_from([0.5, 2.0])) if draw(st.booleans()) else np.cumsum(rng.uniform(0.5, 1.5, n))
        for n in shape
    )
    kw = dict(spacing=spacing, accuracy=draw(st.sampled_from([2, 4])))
    if draw(st.booleans()):
        kw["boundary"] = "periodic"
        kw["period"] = tuple(None if np.ndim(sp) == 0 else float(n) * 2 for n, sp in zip(shape, spacing))
    index = (draw(st.integers(0, shape[0] - 1)), draw(st.integers(0, shape[1] - 1)))
    return rng.standard_normal((2, *shape)).astype(dtype), kw, index


@settings(max_examples=60, deadline=None, derandomize=True)
@given(cases())
def test_result_and_combined_stencil(case):
    v, kw, index = case
    f = v[0]
    for op, field, full in [
        ("laplacian", f, gradkit.laplacian(f, **kw)),
        ("divergence", list(v), gradkit.divergence(list(v), **kw)),
        ("curl", list(v), gradkit.curl(list(v), **kw)),
    ]:
        e = gradkit.explain_operator(op, field, index, **kw)
        assert e.result == full[index], (op, e.result, full[index])  # the operator's very output
        assert np.asarray(e.result).dtype == full.dtype
    # the combined stencil is the row of the Laplacian's matrix
    e = gradkit.explain_operator("laplacian", f, index, **kw)
    A = gradkit.laplacian_matrix(f.shape, **kw)
    row = A.getrow(np.ravel_multi_index(index, f.shape)).toarray().ravel()
    got = np.zeros(f.size)
    for _, idx, w in e.samples:
        got[np.ravel_multi_index(idx, f.shape)] += w
    np.testing.assert_allclose(got, row, rtol=1e-12, atol=1e-12 * np.abs(row).max())


def test_five_point_laplacian_weights():
    f = np.random.default_rng(0).standard_normal((6, 7))
    hx, hy = 0.5, 0.25
    e = gradkit.explain_operator("laplacian", f, (3, 3), spacing=(hx, hy))
    assert dict(((idx, w) for _, idx, w in e.samples)) == {
        (2, 3): 1 / hx**2, (4, 3): 1 / hx**2, (3, 2): 1 / hy**2, (3, 4): 1 / hy**2,
        (3, 3): -2 / hx**2 - 2 / hy**2,
    }
    assert "combined stencil (5 samples)" in str(e)
    assert "| sample | weight |" in e.to_markdown()


def test_curl_3d_components():
    v = list(np.random.default_rng(1).standard_normal((3, 5, 6, 7)))
    c = gradkit.curl(v)
    for k in range(3):
        e = gradkit.explain_operator("curl", v, (2, 3, 4), component=k)
        assert e.result == c[k][2, 3, 4]


def test_errors():
    f = np.zeros((5, 5))
    with pytest.raises(ValueError, match="operator must be one of"):
        gradkit.explain_operator("hessian", f, (1, 1))
    with pytest.raises(ValueError, match="pass component=0, 1 or 2"):
        gradkit.explain_operator("curl", [np.zeros((4, 4, 4))] * 3, (1, 1, 1))
    with pytest.raises(ValueError, match="component= is only for"):
        gradkit.explain_operator("laplacian", f, (1, 1), component=1)
    with pytest.raises(ValueError, match="needs 2 differentiated dims"):
        gradkit.explain_operator("divergence", [f, f], (1, 1), dim=0)
    with pytest.raises(ValueError, match="spacing must be a scalar or hold one entry per dim"):
        gradkit.explain_operator("laplacian", f, (1, 1), spacing=(1.0, 2.0, 3.0))
