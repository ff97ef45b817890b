"""Vector calculus operators: convergence on analytic fields, discrete
identities, independent stencil oracles, the array libraries, and errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gradkit

# ---------------------------------------------------------------------------
# Grids and analytic fields
# ---------------------------------------------------------------------------
L = 2 * math.pi


def grid(n: int, kind: str, periodic: bool) -> np.ndarray:
    """n points on [0, L): uniform, smoothly stretched, or randomly perturbed."""
    u = np.arange(n) / n if periodic else np.linspace(0, 1, n)
    if kind == "stretched":
        u = u + 0.1 * np.sin(2 * math.pi * u) / (2 * math.pi)  # monotone, periodic-compatible
    elif kind == "perturbed":
        rng = np.random.default_rng(n)
        u = u + (rng.uniform(-0.2, 0.2, n) / n if n > 2 else 0)
        if periodic:
            u[0] = 0.0
    return L * u if periodic else u * 2.0


def spacing_of(xs, kind):
    if kind == "uniform":
        return tuple(float(x[1] - x[0]) for x in xs)
    return tuple(xs)


def mesh(xs):
    return np.meshgrid(*xs, indexing="ij")


def order_of(errors, ns):
    """Observed orders of convergence between successive resolutions."""
    return [math.log(errors[k] / errors[k + 1]) / math.log(ns[k + 1] / ns[k]) for k in range(len(ns) - 1)]


CASES = [
    (acc, kind, periodic)
    for acc in (2, 4, 6)
    for kind in ("uniform", "stretched", "perturbed")
    for periodic in (False, True)
]


def _setup(ns, kind, periodic, dims):
    out = []
    for n in ns:
        xs = [grid(n, kind, periodic) for _ in range(dims)]
        out.append((xs, mesh(xs)))
    return out


def _kwargs(xs, kind, periodic, acc):
    kw = dict(spacing=spacing_of(xs, kind), accuracy=acc)
    if periodic:
        kw["boundary"] = "periodic"
        if kind != "uniform":
            kw["period"] = L
    return kw


def _ns(acc, periodic, dims):
    if dims == 3:
        return (12, 24) if acc < 6 else (16, 28)
    return (20, 40) if acc < 6 else (24, 48)


def _check_order(errors, ns, acc):
    rates = order_of(errors, ns)
    assert min(rates) > acc - 0.6, f"errors {errors} on {ns}: observed orders {rates}, expected {acc}"


@pytest.mark.parametrize("acc, kind, periodic", CASES)
def test_laplacian_converges_at_every_point_2d(acc, kind, periodic):
    ns = _ns(acc, periodic, 2)
    errors = []
    for xs, (X, Y) in _setup(ns, kind, periodic, 2):
        f = np.sin(X) * np.cos(2 * Y)
        exact = -5 * f
        got = gradkit.laplacian(f, **_kwargs(xs, kind, periodic, acc))
        errors.append(np.abs(got - exact).max())
    _check_order(errors, ns, acc)


@pytest.mark.parametrize("acc, kind, periodic", [c for c in CASES if c[0] != 6])
def test_operators_converge_in_3d(acc, kind, periodic):
    ns = _ns(acc, periodic, 3)
    err = {"lap": [], "div": [], "curl": [], "hess": [], "jac": []}
    for xs, (X, Y, Z) in _setup(ns, kind, periodic, 3):
        kw = _kwargs(xs, kind, periodic, acc)
        f = np.sin(X) * np.cos(Y) * np.sin(2 * Z)
        v = [np.sin(Y) * np.cos(Z), np.cos(X) * np.sin(Z), np.sin(X + Y)]
        lap = gradkit.laplacian(f, **kw)
        err["lap"].append(np.abs(lap + 6 * f).max())
        w = [np.sin(X) * np.cos(Y), np.sin(Y) * np.cos(Z), np.sin(Z) * np.cos(X)]
        div = gradkit.divergence(w, **kw)
        exact_div = np.cos(X) * np.cos(Y) + np.cos(Y) * np.cos(Z) + np.cos(Z) * np.cos(X)
        err["div"].append(np.abs(div - exact_div).max())
        c = gradkit.curl(v, **kw)
        exact_curl = (
            np.cos(X + Y) - np.cos(X) * np.cos(Z),
            -np.sin(Y) * np.sin(Z) - np.cos(X + Y),
            -np.sin(X) * np.sin(Z) - np.cos(Y) * np.cos(Z),
        )
        err["curl"].append(max(np.abs(a - b).max() for a, b in zip(c, exact_curl)))
        H = gradkit.hessian(f, **kw)
        exact_xy = -np.cos(X) * np.sin(Y) * np.sin(2 * Z)
        exact_zz = -4 * f
        err["hess"].append(max(np.abs(H[0][1] - exact_xy).max(), np.abs(H[2][2] - exact_zz).max()))
        J = gradkit.jacobian(v, **kw)
        exact_J01 = np.cos(Y) * np.cos(Z)
        exact_J20 = np.cos(X + Y)
        err["jac"].append(max(np.abs(J[0][1] - exact_J01).max(), np.abs(J[2][0] - exact_J20).max()))
    for name, e in err.items():
        _check_order(e, ns, acc)


def test_divergence_converges():
    ns = (20, 40)
    for acc in (2, 4):
        errors = []
        for xs, (X, Y) in _setup(ns, "stretched", False, 2):
            v = [np.sin(X) * Y, np.cos(Y) * X]
            exact = np.cos(X) * Y - np.sin(Y) * X
            errors.append(np.abs(gradkit.divergence(v, spacing=tuple(xs), accuracy=acc) - exact).max())
        _check_order(errors, ns, acc)


# ---------------------------------------------------------------------------
# Independent stencil oracles
# ---------------------------------------------------------------------------
def test_five_point_laplacian_on_a_periodic_grid():
    rng = np.random.default_rng(1)
    f = rng.standard_normal((7, 9))
    hx, hy = 0.5, 0.25
    five = (np.roll(f, 1, 0) - 2 * f + np.roll(f, -1, 0)) / hx**2 + (
        np.roll(f, 1, 1) - 2 * f + np.roll(f, -1, 1)
    ) / hy**2
    got = gradkit.laplacian(f, spacing=(hx, hy), boundary="periodic")
    np.testing.assert_allclose(got, five, rtol=1e-13, atol=1e-12)


def test_accuracy_2_vector_operators_match_numpy_gradient_inside():
    rng = np.random.default_rng(2)
    x = np.cumsum(rng.uniform(0.5, 1.5, 11))
    y = np.cumsum(rng.uniform(0.5, 1.5, 8))
    u, v = rng.standard_normal((2, 11, 8))
    ux, uy = np.gradient(u, x, y, edge_order=2)
    vx, vy = np.gradient(v, x, y, edge_order=2)
    np.testing.assert_allclose(gradkit.divergence([u, v], spacing=(x, y)), ux + vy, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gradkit.curl([u, v], spacing=(x, y)), vx - uy, rtol=1e-12, atol=1e-12)
    J = gradkit.jacobian(np.stack([u, v]), spacing=(x, y))
    for got, want in zip([J[0][0], J[0][1], J[1][0], J[1][1]], [ux, uy, vx, vy]):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_hessian_off_diagonal_is_numpy_gradient_twice():
    rng = np.random.default_rng(3)
    x = np.cumsum(rng.uniform(0.5, 1.5, 9))
    y = np.cumsum(rng.uniform(0.5, 1.5, 10))
    f = rng.standard_normal((9, 10))
    fx = np.gradient(f, x, axis=0, edge_order=2)
    fxy = np.gradient(fx, y, axis=1, edge_order=2)
    H = gradkit.hessian(f, spacing=(x, y))
    np.testing.assert_allclose(H[0][1], fxy, rtol=1e-11, atol=1e-11)
    assert H[1][0] is H[0][1]


# ---------------------------------------------------------------------------
# Discrete identities (uniform periodic grids, the same stencils)
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("acc", [2, 4, 6])
def test_curl_of_gradient_and_divergence_of_curl_vanish(acc):
    rng = np.random.default_rng(acc)
    f = rng.standard_normal((10, 11, 12))
    h = (0.3, 0.7, 1.1)
    kw = dict(spacing=h, boundary="periodic", accuracy=acc)
    g = gradkit.gradient(f, **kw)
    c = gradkit.curl(list(g), **kw)
    scale = max(np.abs(x).max() for x in g) / min(h) * 8
    for comp in c:
        assert np.abs(comp).max() < 1e-13 * scale
    v = list(rng.standard_normal((3, 10, 11, 12)))
    d = gradkit.divergence(list(gradkit.curl(v, **kw)), **kw)
    assert np.abs(d).max() < 1e-13 * scale * 10
    # 2-D: the scalar curl of a gradient
    f2 = rng.standard_normal((9, 13))
    g2 = gradkit.gradient(f2, spacing=h[:2], boundary="periodic", accuracy=acc)
    w = gradkit.curl(list(g2), spacing=h[:2], boundary="periodic", accuracy=acc)
    assert np.abs(w).max() < 1e-13 * max(np.abs(x).max() for x in g2) / min(h) * 8


def test_laplacian_is_divergence_of_gradient_on_periodic_spectral_sense():
    # Not the same stencil (the second-derivative stencil is narrower than the
    # first applied twice), but both converge to the same Laplacian.
    n = 64
    x = np.arange(n) * L / n
    X, Y = mesh([x, x])
    f = np.sin(X) * np.sin(Y)
    kw = dict(spacing=(L / n, L / n), boundary="periodic", accuracy=4)
    a = gradkit.laplacian(f, **kw)
    b = gradkit.divergence(list(gradkit.gradient(f, **kw)), **kw)
    assert np.abs(a - b).max() < 1e-4
    assert np.abs(a + 2 * f).max() < 1e-5


# ---------------------------------------------------------------------------
# Properties: each operator is its sum of derivatives, bit for bit
# ---------------------------------------------------------------------------
@st.composite
def fields(draw):
    ndim = draw(st.integers(1, 3))
    shape = tuple(draw(st.lists(st.integers(5, 8), min_size=ndim, max_size=ndim)))
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    f = rng.standard_normal(shape).astype(dtype)
    dims = tuple(draw(st.permutations(range(ndim)))[: draw(st.integers(1, ndim))])
    spacing = []
    for d in dims:
        if draw(st.booleans()):
            spacing.append(draw(st.sampled_from([0.5, 1.0, 3.0])))
        else:
            spacing.append(np.cumsum(rng.uniform(0.5, 1.5, shape[d])))
    acc = draw(st.sampled_from([1, 2, 3, 4]))
    periodic = draw(st.booleans())
    kw = dict(spacing=tuple(spacing), dim=dims, accuracy=acc)
    if periodic:
        kw["boundary"] = "periodic"
        kw["period"] = [float(shape[d]) * 2 for d in dims]
    return f, kw, rng


def _need(kw, shape):
    from gradkit import stencils

    for d, s in zip(kw["dim"], kw["spacing"]):
        need = stencils.points_needed(2, kw["accuracy"], kw["accuracy"], kw.get("boundary", "one-sided"), np.ndim(s) == 0)
        if shape[d] < need:
            return False
    return True


def _derivative_kwargs(kw, k):
    out = dict(spacing=kw["spacing"][k], axis=kw["dim"][k], accuracy=kw["accuracy"])
    if "boundary" in kw:
        out["boundary"] = kw["boundary"]
        out["period"] = kw["period"][k]
    return out


@settings(max_examples=40, deadline=None, derandomize=True)
@given(fields())
def test_operators_are_their_sums_of_derivatives(case):
    f, kw, rng = case
    try:
        lap = gradkit.laplacian(f, **kw)
    except ValueError as e:
        assert "edge" in str(e) or "samples" in str(e) or "period" in str(e)
        return
    parts = [gradkit.derivative(f, 2, **_derivative_kwargs(kw, k)) for k in range(len(kw["dim"]))]
    want = parts[0]
    for p in parts[1:]:
        want = want + p
    np.testing.assert_array_equal(lap, want)
    assert lap.dtype == f.dtype
    H = gradkit.hessian(f, **kw)
    for i in range(len(kw["dim"])):
        np.testing.assert_array_equal(H[i][i], parts[i])
        for j in range(i + 1, len(kw["dim"])):
            a, b = _derivative_kwargs(kw, i), _derivative_kwargs(kw, j)
            mixed = gradkit.derivative(
                f, (1, 1), axis=(a["axis"], b["axis"]), spacing=(a["spacing"], b["spacing"]),
                accuracy=kw["accuracy"], **({"boundary": "periodic", "period": (a["period"], b["period"])}
                                            if "boundary" in kw else {}),
            )
            np.testing.assert_array_equal(H[i][j], mixed)
            assert H[j][i] is H[i][j]
    comps = [rng.standard_normal(f.shape).astype(f.dtype) for _ in kw["dim"]]
    div = gradkit.divergence(comps, **kw)
    want = None
    for k, c in enumerate(comps):
        t = gradkit.derivative(c, 1, **_derivative_kwargs(kw, k))
        want = t if want is None else want + t
    np.testing.assert_array_equal(div, want)
    J = gradkit.jacobian(comps, **kw)
    assert len(J) == len(comps) and all(len(r) == len(kw["dim"]) for r in J)
    for i, c in enumerate(comps):
        for j in range(len(kw["dim"])):
            np.testing.assert_array_equal(J[i][j], gradkit.derivative(c, 1, **_derivative_kwargs(kw, j)))
    if len(kw["dim"]) in (2, 3):
        c = gradkit.curl(comps, **kw)
        def d(i, j):
            return J[i][j]
        if len(comps) == 2:
            np.testing.assert_array_equal(c, d(1, 0) - d(0, 1))
        else:
            for got, want in zip(c, [d(2, 1) - d(1, 2), d(0, 2) - d(2, 0), d(1, 0) - d(0, 1)]):
                np.testing.assert_array_equal(got, want)


def test_inputs_are_not_modified():
    rng = np.random.default_rng(4)
    v = rng.standard_normal((2, 6, 7))
    keep = v.copy()
    gradkit.divergence(v)
    gradkit.curl(v)
    gradkit.jacobian(v)
    gradkit.hessian(v[0])
    gradkit.laplacian(v[0])
    np.testing.assert_array_equal(v, keep)


def test_masked_components_follow_numpys_rule():
    f = np.ma.array(np.arange(36.0).reshape(6, 6) ** 2, mask=np.zeros((6, 6), bool))
    f.mask[2, 3] = True
    lap = gradkit.laplacian(f)
    assert isinstance(lap, np.ma.MaskedArray)
    # the 5-point neighbourhood of the masked sample is masked, far points are not
    assert lap.mask[2, 3] and lap.mask[1, 3] and lap.mask[3, 3] and lap.mask[2, 2] and lap.mask[2, 4]
    assert not lap.mask[5, 0]


# ---------------------------------------------------------------------------
# Array libraries
# ---------------------------------------------------------------------------
def test_torch_operators_and_gradcheck():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    x = np.cumsum(rng.uniform(0.5, 1.5, 6))
    f = rng.standard_normal((6, 6))
    t = torch.tensor(f, requires_grad=True)
    lap = gradkit.laplacian(t, spacing=(torch.tensor(x), 0.5), accuracy=4)
    np.testing.assert_allclose(lap.detach().numpy(), gradkit.laplacian(f, spacing=(x, 0.5), accuracy=4), rtol=1e-12)
    assert torch.autograd.gradcheck(lambda a: gradkit.laplacian(a, spacing=(torch.tensor(x), 0.5)), (t,))
    u = torch.tensor(rng.standard_normal((6, 6)), requires_grad=True)
    assert torch.autograd.gradcheck(lambda a, b: gradkit.divergence([a, b], spacing=0.7), (t, u))
    xs = torch.tensor(x, requires_grad=True)
    assert torch.autograd.gradcheck(lambda c: gradkit.divergence([t, u], spacing=(c, 1.0)), (xs,))


def test_jax_operators():
    jnp = pytest.importorskip("jax.numpy")
    rng = np.random.default_rng(6)
    f = rng.standard_normal((7, 8)).astype(np.float32)  # JAX's default precision
    got = gradkit.laplacian(jnp.asarray(f), spacing=(0.5, 0.25), accuracy=4)
    assert got.dtype == jnp.float32
    np.testing.assert_allclose(np.asarray(got), gradkit.laplacian(f, spacing=(0.5, 0.25), accuracy=4), rtol=2e-5,
                               atol=1e-4)
    v = np.stack([f, f[::-1]])
    c = gradkit.curl(jnp.asarray(v))
    np.testing.assert_allclose(np.asarray(c), gradkit.curl(v), rtol=2e-5, atol=1e-5)


def test_array_api_strict_laplacian():
    xps = pytest.importorskip("array_api_strict")
    f = np.random.default_rng(7).standard_normal((6, 6))
    got = gradkit.laplacian(xps.asarray(f), spacing=(0.5, 2.0))
    np.testing.assert_allclose(np.asarray(got), gradkit.laplacian(f, spacing=(0.5, 2.0)), rtol=1e-13)


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------
def test_clear_errors():
    f = np.zeros((5, 6))
    with pytest.raises(ValueError, match="curl: v must have 2 components .* got 4"):
        gradkit.curl([f] * 4, dim=(0, 1))
    with pytest.raises(ValueError, match="divergence: v has 2 components, so it needs 2 .* got 3"):
        gradkit.divergence([np.zeros((4, 5, 6))] * 2)
    with pytest.raises(ValueError, match="same shape; component 0 has \\(5, 6\\), component 1 has \\(6, 5\\)"):
        gradkit.divergence([f, f.T])
    with pytest.raises(TypeError, match="same kind of array"):
        torch = pytest.importorskip("torch")
        gradkit.divergence([f, torch.zeros(5, 6)])
    with pytest.raises(ValueError, match="at least one component"):
        gradkit.jacobian([])
    with pytest.raises(ValueError, match="needs at least 2 dims"):
        gradkit.divergence(np.zeros(5))
    with pytest.raises(TypeError, match="sequence of arrays"):
        gradkit.curl(3.0)
    with pytest.raises(ValueError, match="spacing"):
        gradkit.laplacian(f, spacing=(1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match="samples"):
        gradkit.laplacian(np.zeros((2, 9)))
