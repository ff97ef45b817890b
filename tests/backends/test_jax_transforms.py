"""JAX transformations through gradkit: jax.jit, jax.grad (values and coordinates), jax.vmap.

Oracles: ``numpy.gradient`` and the same call on NumPy arrays for values;
``jax.grad`` of ``jnp.gradient`` (an independent implementation of the
same three-point scheme) and ``jax.test_util.check_grads`` (finite
differences of the function itself) for gradients. What must work is read
from :mod:`gradkit.backends` (backend "jax"). JAX runs with 64-bit floats
(enabled once in ``conftest.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

jax = pytest.importorskip("jax")
import jax.numpy as jnp  # noqa: E402

import gradkit  # noqa: E402
from gradkit import backends as decl  # noqa: E402

from .conftest import assert_close, weight_bound  # noqa: E402

RTOL = 1e-12
#: One axis length throughout: eager JAX compiles every primitive once per
#: shape, so shared shapes keep this file fast.
N = 12


def require(feature: str) -> None:
    entry = decl.entry("jax", feature)
    if not entry.supported:
        pytest.skip(f"{feature} declared unsupported on jax: {entry.note}")


def coords(n: int, seed: int) -> np.ndarray:
    """Distinct increasing, unevenly spaced coordinates."""
    rng = np.random.default_rng(seed)
    return np.concatenate([[0.0], np.cumsum(rng.uniform(0.4, 1.2, n - 1))]) - 1.0


def samples(shape: tuple[int, ...], seed: int) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-1, 1, shape)


def close(got: Any, expected: np.ndarray, bound: float, what: str, f_max: float = 1.0) -> None:
    """Values agree to rtol 1e-12 with atol = rtol * max|f| * W (W the weight bound)."""
    assert_close(np.asarray(got), expected, rtol=RTOL, atol=RTOL * f_max * bound, what=what)


def check_directional(loss: Any, x: jax.Array, second: bool, seed: int) -> None:
    """jax.grad (and, if ``second``, a Hessian-vector product) against central finite differences.

    Along two random directions ``v``: ``grad(x) . v`` against
    ``(L(x + e v) - L(x - e v)) / 2e``, and ``jvp(grad)(x; v)`` against
    ``(grad(x + e v) - grad(x - e v)) / 2e``. (``jax.test_util.check_grads``
    does the same over more directions and modes, but takes ~10 s per case in
    eager JAX here; under jit the second-order graphs of coordinate weights
    take minutes to compile.)
    """
    rng = np.random.default_rng(seed)
    grad = jax.grad(loss)
    g = grad(x)
    for _ in range(2):
        v = jnp.asarray(rng.standard_normal(x.shape))
        eps = 1e-6
        fd = (loss(x + eps * v) - loss(x - eps * v)) / (2 * eps)
        exact = float(jnp.vdot(g, v))
        scale = float(jnp.linalg.norm(g) * jnp.linalg.norm(v))
        assert abs(exact - float(fd)) <= 1e-6 * scale, (exact, float(fd))
    if second:
        eps = 1e-5
        hv = jax.jvp(grad, (x,), (v,))[1]
        fd2 = (grad(x + eps * v) - grad(x - eps * v)) / (2 * eps)
        err = float(jnp.abs(hv - fd2).max())
        assert err <= 1e-5 * float(jnp.abs(hv).max()), err


def test_x64_enabled() -> None:
    """The comparisons below are made in float64."""
    assert jnp.zeros(3).dtype == jnp.float64


# ---------------------------------------------------------------------------
# jax.jit
# ---------------------------------------------------------------------------
JIT_CASES = [
    # id, order, accuracy, edge_order, grid, periodic, shape, axis
    ("gradient-step", 1, 2, 1, "step", False, (N,), 0),
    ("gradient-coords-acc4-edge2", 1, 4, 2, "coords", False, (N,), 0),
    ("order2-coords-acc4", 2, 4, None, "coords", False, (N,), 0),
    ("order3-step-acc6-2d", 3, 6, None, "step", False, (3, N), 1),
    ("order1-periodic-acc6", 1, 6, None, "step", True, (N,), 0),
    ("order2-periodic-coords", 2, 2, None, "coords", True, (N,), 0),
]


def _scheme(case: tuple, x: Any) -> dict[str, Any]:
    cid, order, accuracy, edge_order, grid, periodic, shape, axis = case
    kw: dict[str, Any] = {"accuracy": accuracy, "axis": axis}
    if edge_order is not None and not periodic:  # a periodic axis has no edges
        kw["edge_order"] = edge_order
    kw["spacing"] = 0.3 if grid == "step" else x
    if periodic:
        kw["boundary"] = "periodic"
        if grid == "coords":
            kw["period"] = 25.0
    return kw


@pytest.mark.parametrize("case", JIT_CASES, ids=[c[0] for c in JIT_CASES])
def test_jit(case: tuple) -> None:
    """Under jax.jit, with the coordinates closed over: NumPy's numbers."""
    require("jax-jit")
    order, shape, axis = case[1], case[6], case[7]
    x = coords(shape[axis], 1)
    f = samples(shape, 2)
    kw = _scheme(case, jnp.asarray(x))
    got = jax.jit(lambda a: gradkit.derivative(a, order, **kw))(jnp.asarray(f))
    assert isinstance(got, jax.Array) and got.dtype == jnp.float64
    kw_np = _scheme(case, x)
    expected = gradkit.derivative(f, order, **kw_np)
    bound_kw = {k: v for k, v in kw_np.items() if k in ("accuracy", "boundary", "period")}
    if not case[5]:
        bound_kw["edge_order"] = kw_np.get("edge_order", kw_np["accuracy"])
    w = weight_bound(shape[axis], order, kw_np["spacing"], **bound_kw)
    close(got, expected, w, f"jit {case[0]}")
    if order == 1 and case[2] == 2 and not case[5]:
        close(got, np.gradient(f, kw_np["spacing"], axis=axis, edge_order=case[3]), w, f"jit {case[0]} vs numpy")


def test_jit_traced_coordinates() -> None:
    """Coordinates passed as jit arguments are traced; new coordinates give new results."""
    require("jax-jit")
    n, edge_order = N, 2
    f = samples((2, n), 3)
    fn = jax.jit(lambda a, x: gradkit.gradient(a, spacing=(x,), dim=1, edge_order=edge_order)[0])
    for seed in (4, 5):  # the second call reuses the compiled function with other coordinates
        x = coords(n, seed)
        got = fn(jnp.asarray(f), jnp.asarray(x))
        expected = np.gradient(f, x, axis=1, edge_order=edge_order)
        close(got, expected, weight_bound(n, 1, x, edge_order=edge_order), f"traced coords seed {seed}")
    d2 = jax.jit(lambda a, x: gradkit.derivative(a, 2, spacing=x, accuracy=4))(jnp.asarray(f), jnp.asarray(x))
    close(d2, gradkit.derivative(f, 2, spacing=x, accuracy=4), weight_bound(n, 2, x, accuracy=4, edge_order=4),
          "traced coords, order 2")


def test_jit_half_precision_kept() -> None:
    """bfloat16 in, bfloat16 out, also under jit."""
    require("half-precision")
    f = jnp.asarray(np.sin(np.linspace(0, 3, 16)), dtype=jnp.bfloat16)
    got = jax.jit(lambda a: gradkit.gradient(a, spacing=0.2, accuracy=4)[0])(f)
    assert got.dtype == jnp.bfloat16
    ref = gradkit.gradient(np.asarray(f, dtype=np.float64), spacing=0.2, accuracy=4)[0]
    err = np.abs(np.asarray(got, dtype=np.float64) - ref)
    assert np.all(err <= 2.0**-7 * np.abs(ref) + 1e-3 * np.abs(ref).max()), err.max()


# ---------------------------------------------------------------------------
# jax.grad with respect to the values
# ---------------------------------------------------------------------------
def test_grad_values_matches_jnp_gradient() -> None:
    """The default scheme is jnp.gradient's: jax.grad of a loss agrees with jax.grad through jnp.gradient."""
    require("jax-grad-values")
    n = N
    f = jnp.asarray(samples((n,), 6))
    x = jnp.asarray(coords(n, 7))

    def loss(impl):
        return lambda a: jnp.sum(jnp.sin(impl(a)) * jnp.arange(n))

    mine_step = jax.grad(loss(lambda a: gradkit.gradient(a, spacing=0.3)[0]))(f)
    ref_step = jax.grad(loss(lambda a: jnp.gradient(a, 0.3)))(f)
    close(mine_step, np.asarray(ref_step), 50.0, "grad w.r.t. values, scalar step")
    mine_x = jax.grad(loss(lambda a: gradkit.gradient(a, spacing=(x,))[0]))(f)
    ref_x = jax.grad(loss(lambda a: jnp.gradient(a, x)))(f)
    close(mine_x, np.asarray(ref_x), 50.0, "grad w.r.t. values, coordinates")


@pytest.mark.parametrize(
    "order,accuracy,grid,periodic,second",
    [(1, 4, "coords", False, False), (2, 4, "step", False, True), (3, 2, "coords", False, False),
     (2, 6, "step", True, False)],
)
def test_grad_values_finite_differences(order: int, accuracy: int, grid: str, periodic: bool, second: bool) -> None:
    """jax.grad (and a Hessian-vector product) of a nonlinear loss agrees with finite differences."""
    require("jax-grad-values")
    n = N
    x = jnp.asarray(coords(n, 8))
    kw: dict[str, Any] = {"accuracy": accuracy, "spacing": 0.5 if grid == "step" else x}
    if periodic:
        kw["boundary"] = "periodic"

    def loss(a):
        return jnp.sum(jnp.tanh(gradkit.derivative(a, order, **kw)) ** 2)

    check_directional(loss, jnp.asarray(samples((n,), 9)), second, seed=order)


# ---------------------------------------------------------------------------
# jax.grad with respect to the coordinates
# ---------------------------------------------------------------------------
def test_grad_coordinates_matches_jnp_gradient() -> None:
    """d(loss)/d(coordinates) through gradkit.gradient equals that through jnp.gradient (same scheme)."""
    require("jax-grad-coordinates")
    n = N
    f = jnp.asarray(samples((n,), 10))
    w = jnp.asarray(samples((n,), 11))

    def loss(impl):
        return lambda x: jnp.sum(w * impl(x) ** 2)

    x0 = jnp.asarray(coords(n, 12))
    mine = jax.grad(loss(lambda x: gradkit.gradient(f, spacing=(x,))[0]))(x0)
    ref = jax.grad(loss(lambda x: jnp.gradient(f, x)))(x0)
    assert_close(np.asarray(mine), np.asarray(ref), rtol=1e-10, atol=1e-10 * float(jnp.abs(ref).max()),
                 what="grad w.r.t. coordinates vs jnp.gradient")
    # Under jit too.
    mine_jit = jax.jit(jax.grad(loss(lambda x: gradkit.gradient(f, spacing=(x,))[0])))(x0)
    assert_close(np.asarray(mine_jit), np.asarray(ref), rtol=1e-10, atol=1e-10 * float(jnp.abs(ref).max()),
                 what="jit(grad) w.r.t. coordinates vs jnp.gradient")


@pytest.mark.parametrize(
    "func,order,accuracy,edge_order",
    [("gradient", 1, 2, 2), ("gradient", 1, 4, 1), ("derivative", 2, 4, 2), ("derivative", 3, 2, 2)],
)
def test_grad_coordinates_finite_differences(func: str, order: int, accuracy: int, edge_order: int) -> None:
    """jax.grad w.r.t. coordinates agrees with finite differences.

    First order only: second derivatives w.r.t. coordinates are checked for
    torch (gradgradcheck); in eager JAX they cost several seconds per case.
    """
    require("jax-grad-coordinates")
    n = N
    f = jnp.asarray(samples((2, n), 13))

    def loss(x):
        if func == "gradient":
            out = gradkit.gradient(f, spacing=(x,), dim=1, accuracy=accuracy, edge_order=edge_order)[0]
        else:
            out = gradkit.derivative(f, order, spacing=x, axis=1, accuracy=accuracy, edge_order=edge_order)
        return jnp.sum(jnp.tanh(out))

    check_directional(loss, jnp.asarray(coords(n, 14)), False, seed=order * 10 + accuracy)


# ---------------------------------------------------------------------------
# jax.vmap
# ---------------------------------------------------------------------------
def test_vmap_over_signals() -> None:
    """vmap over a batch of signals equals the unbatched NumPy results row by row."""
    require("jax-vmap")
    n, batch = N, 4
    x = coords(n, 15)
    fs = samples((batch, n), 16)
    xj = jnp.asarray(x)
    g = jax.vmap(lambda a: gradkit.gradient(a, spacing=(xj,), accuracy=4)[0])(jnp.asarray(fs))
    d = jax.vmap(lambda a: gradkit.derivative(a, 2, spacing=0.25, accuracy=2))(jnp.asarray(fs))
    assert g.shape == d.shape == (batch, n)
    wg = weight_bound(n, 1, x, accuracy=4, edge_order=4)
    wd = weight_bound(n, 2, 0.25, accuracy=2, edge_order=2)
    for k in range(batch):
        close(g[k], gradkit.gradient(fs[k], spacing=(x,), accuracy=4)[0], wg, f"vmap gradient row {k}")
        close(d[k], gradkit.derivative(fs[k], 2, spacing=0.25), wd, f"vmap derivative row {k}")


def test_vmap_over_coordinates() -> None:
    """vmap over a batch of coordinate arrays (and of signals with them)."""
    require("jax-vmap")
    n, batch = N, 4
    xs = np.stack([coords(n, 20 + k) for k in range(batch)])
    f = samples((n,), 17)
    fs = samples((batch, n), 18)
    g = jax.vmap(lambda x: gradkit.gradient(jnp.asarray(f), spacing=(x,))[0])(jnp.asarray(xs))
    d = jax.vmap(lambda a, x: gradkit.derivative(a, 2, spacing=x, accuracy=2))(jnp.asarray(fs), jnp.asarray(xs))
    for k in range(batch):
        close(g[k], np.gradient(f, xs[k]), weight_bound(n, 1, xs[k], edge_order=1), f"vmap coords row {k}")
        close(d[k], gradkit.derivative(fs[k], 2, spacing=xs[k], accuracy=2),
              weight_bound(n, 2, xs[k], accuracy=2, edge_order=2), f"vmap coords derivative row {k}")


def test_jit_vmap_grad_coordinates() -> None:
    """jit(vmap(grad)) w.r.t. coordinates equals grad per item (and jnp.gradient's)."""
    require("jax-vmap")
    require("jax-grad-coordinates")
    n, batch = N, 3
    f = jnp.asarray(samples((n,), 19))
    xs = jnp.asarray(np.stack([coords(n, 30 + k) for k in range(batch)]))

    def loss(x):
        return jnp.sum(gradkit.gradient(f, spacing=(x,), edge_order=1)[0] ** 2)

    def ref_loss(x):
        return jnp.sum(jnp.gradient(f, x) ** 2)

    got = jax.jit(jax.vmap(jax.grad(loss)))(xs)
    for k in range(batch):
        ref = jax.grad(ref_loss)(xs[k])
        assert_close(np.asarray(got[k]), np.asarray(ref), rtol=1e-10, atol=1e-10 * float(jnp.abs(ref).max()),
                     what=f"jit(vmap(grad)) row {k}")


@pytest.mark.parametrize("accuracy, order", [(2, 1), (4, 1), (2, 2), (4, 2)])
def test_eager_and_jit_give_the_same_bits(accuracy, order) -> None:
    """One precision rule: concrete JAX arrays run the computation jax.jit
    compiles (weights from the coordinates in their own dtype), so eager and
    jitted calls agree to the last bit (they differed by ~4e-6 in float32)."""
    import jax
    import jax.numpy as jnp

    import gradkit

    rng = np.random.default_rng(accuracy * 10 + order)
    for n in (7, 17, 40):
        x = jnp.asarray(np.sort(rng.uniform(0, 3, n)).astype(np.float32))
        f = jnp.sin(x)

        def fn(f, x):
            return gradkit.derivative(f, order, spacing=x, accuracy=accuracy)

        eager, jitted = fn(f, x), jax.jit(fn)(f, x)
        assert eager.dtype == jitted.dtype == jnp.float32
        np.testing.assert_array_equal(np.asarray(eager), np.asarray(jitted))
