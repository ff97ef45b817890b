"""Differentiation matrices against the derivatives they stand for, their
structure (no stored zeros, circulant periodic axes), a Poisson solve that
converges at the nominal order, and errors."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gradkit
from gradkit import stencils

sparse = pytest.importorskip("scipy.sparse")


def _scale(D, f):
    """Rounding scale of each output: sum_k |w_k| |f_k|."""
    return abs(D) @ np.abs(f.ravel())


@st.composite
def setups(draw):
    ndim = draw(st.integers(1, 3))
    shape = tuple(draw(st.lists(st.integers(1, 9), min_size=ndim, max_size=ndim)))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    mixed = ndim > 1 and draw(st.booleans())
    if mixed:
        axes = tuple(draw(st.permutations(range(ndim)))[:2])
        order = tuple(draw(st.integers(1, 2)) for _ in axes)
    else:
        axes = draw(st.integers(-ndim, ndim - 1))
        order = draw(st.integers(0, 3))
    ax_list = axes if mixed else (axes,)
    spacing = []
    for a in ax_list:
        if draw(st.booleans()):
            spacing.append(draw(st.sampled_from([0.5, 1.0, 2.5])))
        else:
            spacing.append(np.cumsum(rng.uniform(0.4, 1.6, shape[a])) * draw(st.sampled_from([1, -1])))
    kw = dict(axis=axes, spacing=tuple(spacing) if mixed else spacing[0], accuracy=draw(st.integers(1, 6)))
    if draw(st.booleans()):
        kw["boundary"] = "periodic"
        periods = [float(shape[a]) * 3 * (np.sign(s[-1] - s[0]) if np.ndim(s) else 1) for a, s in zip(ax_list, spacing)]
        kw["period"] = tuple(periods) if mixed else periods[0]
    elif draw(st.booleans()):
        kw["edge_order"] = draw(st.integers(1, 4))
    return shape, order, kw, rng


@settings(max_examples=150, deadline=None, derandomize=True)
@given(setups())
def test_matrix_times_samples_is_the_derivative(setup):
    shape, order, kw, rng = setup
    f = rng.standard_normal(shape)
    try:
        want = gradkit.derivative(f, order, **kw)
    except ValueError as e:
        with pytest.raises(ValueError) as refused:
            gradkit.matrix(shape, order, **kw)
        # the same validation, so the same message (after the function's name)
        assert str(refused.value).split(": ", 1)[1] == str(e).split(": ", 1)[1]
        return
    D = gradkit.matrix(shape, order, **kw)
    assert D.shape == (f.size, f.size) and sparse.issparse(D) and D.format == "csr"
    assert (D.data != 0).all()  # no stored zeros
    got = D @ f.ravel()
    tol = 1e-12 * (_scale(D, f) + 1e-300) * (4 if isinstance(order, tuple) else 1)
    assert (np.abs(got - want.ravel()) <= tol).all(), np.abs(got - want.ravel()).max()


def test_matrix_order_zero_is_the_identity():
    D = gradkit.matrix((3, 4), 0, axis=1)
    np.testing.assert_array_equal(D.toarray(), np.eye(12))


@pytest.mark.parametrize("accuracy", [2, 4, 6])
@pytest.mark.parametrize("order", [1, 2, 3])
def test_periodic_uniform_matrices_are_circulant(order, accuracy):
    n = 11
    D = gradkit.matrix(n, order, spacing=0.3, boundary="periodic", accuracy=accuracy).toarray()
    np.testing.assert_array_equal(D, np.roll(np.roll(D, 1, axis=0), 1, axis=1))
    # and the stencil is the centred one of the plan
    idx, w = stencils.plan_axis(n, order=order, accuracy=accuracy, boundary="periodic", step=0.3).stencil(5)
    row = np.zeros(n)
    np.add.at(row, idx, w)
    np.testing.assert_array_equal(D[5], row)


def test_laplacian_matrix_is_the_laplacian():
    rng = np.random.default_rng(1)
    x = np.cumsum(rng.uniform(0.5, 1.5, 9))
    y = np.cumsum(rng.uniform(0.5, 1.5, 7))
    f = rng.standard_normal((9, 7, 3))
    for kw in (dict(spacing=(x, y), dim=(0, 1), accuracy=4), dict(spacing=0.5, boundary="periodic")):
        A = gradkit.laplacian_matrix(f.shape, **kw)
        want = gradkit.laplacian(f, **kw)
        np.testing.assert_allclose(A @ f.ravel(), want.ravel(), rtol=1e-11, atol=1e-11 * np.abs(want).max())
        assert (A.data != 0).all()
    A = gradkit.laplacian_matrix((3, 3), boundary="periodic")
    five = np.zeros((3, 3))
    five[1, 1], five[0, 1], five[2, 1], five[1, 0], five[1, 2] = -4, 1, 1, 1, 1
    np.testing.assert_array_equal(A.toarray()[4].reshape(3, 3), five)


@pytest.mark.parametrize("accuracy", [2, 4])
def test_poisson_solve_converges_at_the_nominal_order(accuracy):
    # u'' = -sin(x) on [0, pi], u(0) = u(pi) = 0: u = sin(x), on stretched grids.
    from scipy.sparse.linalg import spsolve

    errors, ns = [], (24, 48)
    for n in ns:
        s = np.linspace(0, 1, n)
        x = math.pi * (s + 0.1 * np.sin(2 * math.pi * s) / (2 * math.pi))
        A = gradkit.matrix(n, 2, spacing=x, accuracy=accuracy).tolil()
        b = -np.sin(x)
        for i in (0, n - 1):
            A.rows[i], A.data[i] = [i], [1.0]
            b[i] = 0.0
        u = spsolve(A.tocsr(), b)
        errors.append(np.abs(u - np.sin(x)).max())
    rate = math.log(errors[0] / errors[1]) / math.log(ns[1] / ns[0])
    assert rate > accuracy - 0.5, (errors, rate)


def test_formats_and_complex_steps():
    D = gradkit.matrix((4, 5), 1, axis=0, format="csc")
    assert D.format == "csc"
    Dc = gradkit.matrix(6, 1, spacing=1j)
    f = np.arange(6.0) ** 2
    np.testing.assert_allclose(Dc @ f, gradkit.derivative(f, 1, spacing=1j))
    assert Dc.dtype == np.complex128


def test_clear_errors():
    with pytest.raises(TypeError, match="matrix: shape must be an integer or a tuple"):
        gradkit.matrix("5")
    with pytest.raises(ValueError, match="matrix: shape must have at least one dim"):
        gradkit.matrix((3, 0))
    with pytest.raises(ValueError, match="format must be one of"):
        gradkit.matrix(5, format="dense")
    with pytest.raises(ValueError, match="order and axis"):
        gradkit.matrix((4, 4), (1, 1), axis=0)
    with pytest.raises(ValueError, match="samples"):
        gradkit.matrix(2, 2)
    with pytest.raises(ValueError, match="spacing"):
        gradkit.laplacian_matrix((4, 4), spacing=(1.0, 2.0, 3.0))


def test_import_gradkit_does_not_import_scipy():
    code = "import sys, gradkit; assert 'scipy' not in sys.modules, 'scipy imported'"
    subprocess.run([sys.executable, "-c", code], check=True)
