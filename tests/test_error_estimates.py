"""error=True: the estimate |D_p f - D_{p+2} f| against the true error of
resolved smooth data (analytic derivatives), its contract, and its limits."""

from __future__ import annotations

import numpy as np
import pytest

import gradkit


def _grid(n, kind):
    s = np.linspace(0, 1, n)
    if kind == "stretched":
        s = s + 0.15 * np.sin(2 * np.pi * s) / (2 * np.pi)
    elif kind == "perturbed":
        s = s + np.random.default_rng(n).uniform(-0.2, 0.2, n) / n
        s[0], s[-1] = 0.0, 1.0
    return 3 * s


@pytest.mark.parametrize("kind", ["uniform", "stretched", "perturbed"])
@pytest.mark.parametrize("order, accuracy", [(1, 2), (1, 4), (2, 2), (2, 4), (3, 2)])
def test_estimate_within_a_factor_2_of_the_true_error(kind, order, accuracy):
    x = _grid(60, kind)
    f = np.sin(x) * np.exp(x / 3)
    a = 1 / 3 + 1j  # f = Im(e^{a x}), so f^(k) = Im(a^k e^{a x})
    exact = (a**order * np.exp(a * x)).imag
    spacing = x if kind != "uniform" else x[1] - x[0]
    d, err = gradkit.derivative(f, order, spacing=spacing, accuracy=accuracy, error=True)
    true = np.abs(d - exact)
    assert err.dtype == d.dtype and err.shape == d.shape and (err >= 0).all()
    # Where the leading error term dominates (not at its sign changes), the
    # estimate is within a factor 2; overall its maximum is too.
    big = true > 0.2 * true.max()
    ratio = err[big] / true[big]
    assert 0.5 < ratio.min() and ratio.max() < 2, (ratio.min(), ratio.max())
    assert 0.5 < err.max() / true.max() < 2


def test_gradient_error_periodic_and_edges():
    n = 40
    x = np.arange(n) * 2 * np.pi / n
    f = np.sin(x)[:, None] * np.cos(x)[None, :]
    h = x[1] - x[0]
    (gx, gy), (ex, ey) = gradkit.gradient(f, spacing=h, boundary="periodic", error=True)
    tx = np.abs(gx - np.cos(x)[:, None] * np.cos(x)[None, :])
    assert 0.5 < ex.max() / tx.max() < 2
    # one-sided: gradient's default first-order edges are estimated against third-order edges
    x1 = np.linspace(0, 2, 30)
    (g,), (e,) = gradkit.gradient(np.exp(x1), spacing=(x1,), error=True)
    t = np.abs(g - np.exp(x1))
    assert 0.5 < e[0] / t[0] < 2 and 0.5 < e[-1] / t[-1] < 2


def test_error_on_torch_and_masked():
    torch = pytest.importorskip("torch")
    x = np.linspace(0, 1, 20)
    d, e = gradkit.derivative(torch.tensor(np.sin(x)), spacing=0.05263157894736842, error=True)
    dn, en = gradkit.derivative(np.sin(x), spacing=0.05263157894736842, error=True)
    np.testing.assert_allclose(e.numpy(), en, rtol=1e-9, atol=1e-15)
    m = np.ma.array(np.sin(x), mask=np.zeros(20, bool))
    m.mask[10] = True
    dm, em = gradkit.derivative(m, spacing=x, error=True)
    assert isinstance(em, np.ma.MaskedArray) and em.mask[10] and not em.mask[0]


def test_error_contract():
    f = np.arange(5.0) ** 3
    with pytest.raises(TypeError, match="error must be True or False"):
        gradkit.derivative(f, error="yes")
    with pytest.raises(ValueError, match="error=True estimates the error by comparing with the scheme of accuracy 4"):
        gradkit.derivative(f, 2, error=True)  # the finer scheme needs more samples
    # the value is the plain derivative's, bit for bit
    x = np.cumsum(np.random.default_rng(1).uniform(0.5, 1.5, 12))
    g = np.cos(x)
    d, _ = gradkit.derivative(g, 2, spacing=x, accuracy=4, error=True)
    np.testing.assert_array_equal(d, gradkit.derivative(g, 2, spacing=x, accuracy=4))
    (v,), (e,) = gradkit.gradient(g, spacing=(x,), error=True)
    np.testing.assert_array_equal(v, gradkit.gradient(g, spacing=(x,))[0])
    # complex data: a real estimate
    d, e = gradkit.derivative(np.exp(1j * x), spacing=x, error=True)
    assert e.dtype == np.float64
