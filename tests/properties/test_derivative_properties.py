"""Property-based tests of gradkit.derivative and out= (hypothesis)."""

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import gradkit

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True, database=None)


@st.composite
def grids(draw, min_n=12, max_n=24):
    """Distinct sorted coordinates with steps between 0.5 and 1.5 (well conditioned)."""
    n = draw(st.integers(min_n, max_n))
    steps = draw(st.lists(st.floats(0.5, 1.5), min_size=n - 1, max_size=n - 1))
    start = draw(st.floats(-5, 5))
    return start + np.concatenate([[0.0], np.cumsum(steps)])


@SETTINGS
@given(x=grids(), order=st.integers(1, 3), accuracy=st.sampled_from([2, 4]), seed=st.integers(0, 2**31))
def test_polynomials_of_low_degree_are_exact(x, order, accuracy, seed):
    # A stencil of accuracy p for derivative order k is exact on degree p + k - 1.
    coeffs = np.random.default_rng(seed).uniform(-1, 1, accuracy + order)
    poly = np.polynomial.Polynomial(coeffs)
    got = gradkit.derivative(poly(x), order, spacing=x, accuracy=accuracy)
    want = poly.deriv(order)(x)
    scale = np.abs(poly(x)).max() * 10.0**order
    np.testing.assert_allclose(got, want, atol=1e-8 * scale)


@SETTINGS
@given(x=grids(), c=st.floats(0.25, 4.0), order=st.integers(1, 3))
def test_scaling_the_coordinates_scales_the_derivative(x, c, order):
    f = np.sin(x)
    a = gradkit.derivative(f, order, spacing=x, accuracy=2)
    b = gradkit.derivative(f, order, spacing=c * x, accuracy=2)
    np.testing.assert_allclose(b * c**order, a, rtol=1e-9, atol=1e-9 * np.abs(a).max())


@SETTINGS
@given(x=grids(), order=st.integers(0, 3))
def test_list_array_and_wrapped_coordinates_agree(x, order):
    f = np.cos(x)
    a = gradkit.derivative(f, order, spacing=x)
    np.testing.assert_array_equal(gradkit.derivative(f, order, spacing=list(x)), a)
    np.testing.assert_array_equal(gradkit.derivative(f, order, spacing=(x,)), a)


@SETTINGS
@given(x=grids(8, 12), y=grids(8, 12))
def test_mixed_partials_commute_and_match_nested_derivatives(x, y):
    F = np.sin(x)[:, None] * np.cos(0.5 * y)[None, :] + np.outer(x, y) ** 2
    xy = gradkit.derivative(F, (1, 1), axis=(0, 1), spacing=(x, y))
    yx = gradkit.derivative(F, (1, 1), axis=(1, 0), spacing=(y, x))
    np.testing.assert_allclose(xy, yx, rtol=1e-10, atol=1e-10 * np.abs(xy).max())
    nested = gradkit.derivative(gradkit.derivative(F, 1, axis=0, spacing=x), 1, axis=1, spacing=y)
    np.testing.assert_allclose(xy, nested, rtol=1e-12, atol=1e-12 * np.abs(xy).max())


@SETTINGS
@given(
    shape=st.lists(st.integers(3, 7), min_size=1, max_size=3),
    data=st.data(),
)
def test_first_derivative_with_torch_defaults_is_torch_gradient(shape, data):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    edge_order = data.draw(st.sampled_from([1, 2]))
    f = np.random.default_rng(len(shape)).standard_normal(shape)
    got = gradkit.derivative(f, 1, axis=axis, edge_order=edge_order)
    (want,) = torch.gradient(torch.from_numpy(f), dim=axis, edge_order=edge_order)
    np.testing.assert_allclose(got, want.numpy(), rtol=1e-12, atol=1e-12 * np.abs(f).max())


@SETTINGS
@given(
    shape=st.lists(st.integers(4, 6), min_size=1, max_size=3),
    dtype=st.sampled_from([np.float32, np.float64, np.complex128]),
    backend=st.sampled_from(["numpy", "torch"]),
)
def test_out_receives_the_result_and_the_input_is_untouched(shape, dtype, backend):
    f = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    before = f.copy()
    expected = gradkit.gradient(f)
    if backend == "torch":
        f_in = torch.from_numpy(f)
        outs = tuple(torch.empty_like(f_in) for _ in shape)
    else:
        f_in = f
        outs = tuple(np.empty_like(f) for _ in shape)
    got = gradkit.gradient(f_in, out=outs)
    assert all(g is o for g, o in zip(got, outs))
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(np.asarray(g), e)
    np.testing.assert_array_equal(f, before)
    d_out = outs[0]
    assert gradkit.derivative(f_in, 2, axis=0, out=d_out) is d_out


@SETTINGS
@given(
    shape=st.lists(st.integers(4, 7), min_size=1, max_size=3),
    step=st.sampled_from([2, 3]),
    dtype=st.sampled_from([np.float64, np.complex64]),
)
def test_out_may_be_a_strided_view(shape, step, dtype):
    # A strided out= (every other element of a buffer) is written in place, never via a copy.
    f = np.random.default_rng(1).standard_normal(shape).astype(dtype)
    expected = gradkit.gradient(f)
    buffers = [np.full([n * step for n in shape], np.nan, dtype=dtype) for _ in shape]
    views = tuple(b[tuple(slice(None, None, step) for _ in shape)] for b in buffers)
    gradkit.gradient(f, out=views)
    for v, e in zip(views, expected):
        np.testing.assert_array_equal(v, e)
    for b in buffers:  # the elements between the views were not touched
        mask = np.ones(b.shape, bool)
        mask[tuple(slice(None, None, step) for _ in shape)] = False
        assert np.isnan(b[mask]).all()
