"""torch autograd through gradkit: values, coordinates, torch.compile, half precision.

Oracles: ``torch.autograd.gradcheck`` / ``gradgradcheck`` (finite
differences of the function itself), ``torch.gradient``'s own autograd graph
where torch computes the same thing, and eager results for compiled ones.
Which of these must work is read from :mod:`gradkit.backends` (torch-cpu;
torch-cuda runs the same checks where a GPU exists).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import gradkit  # noqa: E402
from gradkit import backends as decl  # noqa: E402
from gradkit.compat import torch_gradient  # noqa: E402

from .conftest import assert_close  # noqa: E402


def _devices() -> list[Any]:
    out = [pytest.param("cpu", id="torch-cpu")]
    if torch.cuda.is_available():
        out.append(pytest.param("cuda", id="torch-cuda"))
    else:
        out.append(pytest.param("cuda", id="torch-cuda", marks=pytest.mark.skip(
            reason="torch-cuda: no CUDA GPU (torch.cuda.is_available() is False)")))
    return out


DEVICES = _devices()


@pytest.fixture(params=DEVICES)
def device(request: pytest.FixtureRequest) -> str:
    return request.param


def _backend(device: str) -> str:
    return "torch-cpu" if device == "cpu" else "torch-cuda"


def require(device: str, feature: str) -> None:
    """Skip unless the declaration says ``feature`` works on this torch device."""
    entry = decl.entry(_backend(device), feature)
    if not entry.supported:
        pytest.skip(f"{feature} declared unsupported on {_backend(device)}: {entry.note}")


def coords(n: int, seed: int, uniform: bool = False) -> np.ndarray:
    """Distinct increasing coordinates (well separated, so finite differences are safe)."""
    if uniform:
        return 0.25 * np.arange(n) - 1.0
    rng = np.random.default_rng(seed)
    return np.concatenate([[0.0], np.cumsum(rng.uniform(0.4, 1.2, n - 1))]) - 1.0


def data(shape: tuple[int, ...], dtype: torch.dtype, seed: int, device: str, grad: bool = True) -> torch.Tensor:
    rng = np.random.default_rng(seed)
    a = rng.uniform(-1, 1, shape)
    if dtype.is_complex:
        a = a + 1j * rng.uniform(-1, 1, shape)
    return torch.tensor(a, dtype=dtype, device=device, requires_grad=grad)


# ---------------------------------------------------------------------------
# Through the values
# ---------------------------------------------------------------------------
VALUE_CASES = [
    # id, func, shape, order, accuracy, edge_order, spacing kind, extra kwargs
    ("gradient-step", "gradient", (9,), 1, 2, None, "step", {}),
    ("gradient-coords-edge2", "gradient", (9,), 1, 2, 2, "coords", {}),
    ("gradient-coords-acc4", "gradient", (9,), 1, 4, None, "coords", {}),
    ("gradient-2d-mixed-acc4-edge1", "gradient", (4, 8), 1, 4, 1, "mixed", {}),
    ("gradient-periodic-acc6", "gradient", (9,), 1, 6, None, "step", {"boundary": "periodic"}),
    ("derivative-order2-step-acc4", "derivative", (9,), 2, 4, None, "step", {}),
    ("derivative-order2-coords", "derivative", (9,), 2, 2, None, "coords", {}),
    ("derivative-order3-coords-acc4-edge2", "derivative", (10,), 3, 4, 2, "coords", {}),
    ("derivative-order1-acc6-step", "derivative", (9,), 1, 6, None, "step", {}),
    ("derivative-mixed-1-1", "derivative", (5, 7), (1, 1), 2, None, "mixed", {"axis": (0, 1)}),
]


def _value_fn(case: tuple, device: str):
    cid, func, shape, order, accuracy, edge_order, kind, extra = case
    kw: dict[str, Any] = dict(extra, accuracy=accuracy)
    if edge_order is not None:
        kw["edge_order"] = edge_order
    axes = extra.get("axis", tuple(range(len(shape))) if func == "gradient" else (len(shape) - 1,))
    axes = axes if isinstance(axes, tuple) else (axes,)
    spacings = []
    for k, a in enumerate(axes):
        if kind == "step" or (kind == "mixed" and k == 0):
            spacings.append(0.4)
        else:
            spacings.append(torch.tensor(coords(shape[a], 10 + k), dtype=torch.float64, device=device))
    if func == "gradient":
        kw["spacing"] = tuple(spacings)
        return lambda f: gradkit.gradient(f, **kw)
    kw["spacing"] = tuple(spacings) if isinstance(order, tuple) else spacings[0]
    return lambda f: gradkit.derivative(f, order, **kw)


@pytest.mark.parametrize("dtype", [torch.float64, torch.complex128], ids=["float64", "complex128"])
@pytest.mark.parametrize("case", VALUE_CASES, ids=[c[0] for c in VALUE_CASES])
def test_gradcheck_values(device: str, case: tuple, dtype: torch.dtype) -> None:
    """First and second derivatives w.r.t. the data agree with finite differences."""
    require(device, "autograd-values")
    fn = _value_fn(case, device)
    f = data(case[2], dtype, 1, device)
    assert torch.autograd.gradcheck(fn, (f,))
    assert torch.autograd.gradgradcheck(fn, (f,), fast_mode=dtype.is_complex)


# ---------------------------------------------------------------------------
# Through the coordinates
# ---------------------------------------------------------------------------
COORD_CASES = [
    # id, func, order, accuracy, edge_order, uniform coordinates, periodic
    ("gradient-acc2-edge1", "gradient", 1, 2, 1, False, False),
    ("gradient-acc2-edge2", "gradient", 1, 2, 2, False, False),
    ("gradient-acc4-edge1", "gradient", 1, 4, 1, False, False),
    ("gradient-acc4-edge2", "gradient", 1, 4, 2, False, False),
    ("gradient-acc2-evenly-spaced", "gradient", 1, 2, 2, True, False),
    ("derivative-order1-acc4-edge2", "derivative", 1, 4, 2, False, False),
    ("derivative-order2-acc2-edge1", "derivative", 2, 2, 1, False, False),
    ("derivative-order2-acc4-edge2", "derivative", 2, 4, 2, False, False),
    ("derivative-order3-acc2-edge2", "derivative", 3, 2, 2, False, False),
    ("derivative-order2-acc4-evenly-spaced", "derivative", 2, 4, 1, True, False),
    ("derivative-order1-acc2-periodic", "derivative", 1, 2, None, False, True),
]


#: Coordinate cases whose full Jacobian is checked (the others use gradcheck's fast mode).
FULL_JACOBIAN = ("gradient-acc2-edge2", "derivative-order2-acc4-edge2")


def _coord_fn(case: tuple):
    cid, func, order, accuracy, edge_order, uniform, periodic = case
    kw: dict[str, Any] = {"accuracy": accuracy}
    if edge_order is not None:
        kw["edge_order"] = edge_order
    if periodic:
        kw["boundary"] = "periodic"
        kw["period"] = 20.0  # beyond the span of any coordinates used here

    if func == "gradient":
        return lambda f, x: gradkit.gradient(f, spacing=(x,), dim=-1, **kw)[0]
    return lambda f, x: gradkit.derivative(f, order, spacing=x, axis=-1, **kw)


@pytest.mark.parametrize("dtype", [torch.float64, torch.complex128], ids=["float64", "complex128"])
@pytest.mark.parametrize("case", COORD_CASES, ids=[c[0] for c in COORD_CASES])
def test_gradcheck_coordinates(device: str, case: tuple, dtype: torch.dtype) -> None:
    """First and second derivatives w.r.t. coordinate tensors (and the data) agree with finite differences."""
    require(device, "autograd-coordinates")
    n = 9
    fn = _coord_fn(case)
    f = data((2, n), dtype, 2, device)
    x = torch.tensor(coords(n, 3, uniform=case[5]), dtype=torch.float64, device=device, requires_grad=True)
    # The full Jacobian for a few cases; random projections of it (fast_mode) for the rest.
    full = case[0] in FULL_JACOBIAN and not dtype.is_complex
    assert torch.autograd.gradcheck(fn, (f, x), fast_mode=not full)
    assert torch.autograd.gradgradcheck(fn, (f, x), fast_mode=True)


@pytest.mark.parametrize("func", ["gradkit.gradient", "compat.torch_gradient"])
@pytest.mark.parametrize("edge_order", [1, 2])
@pytest.mark.parametrize("ndim", [1, 2])
def test_coordinate_grads_match_torch_gradient(device: str, func: str, edge_order: int, ndim: int) -> None:
    """coords.grad (and f.grad) of gradkit equal those of torch.gradient for the same loss."""
    require(device, "autograd-coordinates")
    shape = (7, 9)[-ndim:]
    rng = np.random.default_rng(ndim * 10 + edge_order)
    weights = [torch.tensor(rng.uniform(-1, 1, shape), dtype=torch.float64, device=device) for _ in range(ndim)]

    def run(impl):
        f = data(shape, torch.float64, 5, device)
        xs = [torch.tensor(coords(s, 6 + k), dtype=torch.float64, device=device, requires_grad=True)
              for k, s in enumerate(shape)]
        outs = impl(f, spacing=list(xs), edge_order=edge_order)
        loss = sum((w * o).sum() for w, o in zip(weights, outs))
        loss.backward()
        return [o.detach() for o in outs], f.grad, [x.grad for x in xs]

    mine = run(gradkit.gradient if func == "gradkit.gradient" else torch_gradient)
    ref = run(torch.gradient)
    for a, b in zip(mine[0], ref[0]):
        assert_close(a, b, rtol=1e-12, atol=1e-12 * 50, what="values")
    assert_close(mine[1], ref[1], rtol=1e-12, atol=1e-12 * 50, what="f.grad")
    for k, (a, b) in enumerate(zip(mine[2], ref[2])):
        assert a is not None, f"coordinate {k} got no gradient"
        assert_close(a, b, rtol=1e-10, atol=1e-10 * float(b.abs().max()), what=f"coords[{k}].grad")


def test_scalar_step_requiring_grad_is_refused(device: str) -> None:
    """A 0-d step tensor that requires grad cannot silently lose its gradient."""
    f = data((8,), torch.float64, 0, device, grad=False)
    h = torch.tensor(0.5, dtype=torch.float64, device=device, requires_grad=True)
    with pytest.raises(TypeError, match="spacing"):
        gradkit.gradient(f, spacing=h)


# ---------------------------------------------------------------------------
# torch.compile
# ---------------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore::UserWarning:torch._dynamo.*")
def test_torch_compile(device: str) -> None:
    """A compiled function calling gradkit.gradient gives the eager values and gradients.

    ``aot_eager`` traces the forward and backward graphs as inductor would,
    without generating code (inductor takes ~17 s here, too long for the
    suite). A scalar step keeps the first compilation near 1.5 s; with
    coordinate tensors it takes 4-6 s (graph breaks in the argument checks).
    """
    require(device, "torch-compile")

    def fn(f: torch.Tensor) -> torch.Tensor:
        (g,) = gradkit.gradient(f, spacing=0.25, accuracy=4)
        return g * f

    compiled = torch.compile(fn, backend="aot_eager")
    f1 = data((12,), torch.float64, 8, device)
    f2 = f1.detach().clone().requires_grad_(True)
    eager = fn(f1)
    got = compiled(f2)
    assert_close(got, eager, rtol=1e-12, atol=1e-12, what="compiled values")
    eager.sum().backward()
    got.sum().backward()
    assert_close(f2.grad, f1.grad, rtol=1e-12, atol=1e-12, what="compiled f.grad")
    # A second call with other data reuses the compiled function and stays right.
    f3 = data((12,), torch.float64, 9, device)
    assert_close(compiled(f3), fn(f3), rtol=1e-12, atol=1e-12, what="compiled values, second call")


# ---------------------------------------------------------------------------
# A physics-informed loss
# ---------------------------------------------------------------------------
def test_physics_informed_loss_trains(device: str) -> None:
    """Penalising u'' - g on a non-uniform grid: a few Adam steps reduce the loss a lot."""
    require(device, "autograd-values")
    torch.manual_seed(0)
    n = 41
    t = torch.linspace(0.0, 1.0, n, dtype=torch.float64, device=device)
    x = 0.5 - 0.5 * torch.cos(math.pi * t)  # clustered at the ends
    g = -(math.pi**2) * torch.sin(math.pi * x)
    net = torch.nn.Sequential(torch.nn.Linear(1, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1)).double().to(device)
    opt = torch.optim.Adam(net.parameters(), lr=2e-2)

    def loss_fn() -> torch.Tensor:
        u = net(x[:, None])[:, 0]
        u_xx = gradkit.derivative(u, 2, spacing=x, accuracy=2)
        return ((u_xx - g) ** 2).mean() + 10 * (u[0] ** 2 + u[-1] ** 2)

    losses = []
    for _ in range(60):
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in net.parameters())
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.1 * losses[0], losses[::10]
    assert min(losses[-10:]) < min(losses[:10])


# ---------------------------------------------------------------------------
# Half precision
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16], ids=["float16", "bfloat16"])
def test_half_precision_kept_with_autograd(device: str, dtype: torch.dtype) -> None:
    """float16/bfloat16 in: same dtype out, values to that precision, gradients of that dtype."""
    require(device, "half-precision")
    x = torch.linspace(0.0, 2.0, 17, dtype=torch.float64, device=device)
    f = torch.sin(3 * x).to(dtype).requires_grad_(True)
    exact_in = f.detach().to(torch.float64)
    (g,) = gradkit.gradient(f, spacing=(x,), accuracy=4)
    d2 = gradkit.derivative(f, 2, spacing=0.125)
    assert g.dtype == dtype and d2.dtype == dtype and g.device == f.device
    eps = torch.finfo(dtype).eps
    ref_g = gradkit.gradient(exact_in, spacing=(x,), accuracy=4)[0]
    ref_d2 = gradkit.derivative(exact_in, 2, spacing=0.125)
    for got, ref in ((g, ref_g), (d2, ref_d2)):
        err = (got.detach().to(torch.float64) - ref).abs()
        assert bool((err <= eps * ref.abs() + 1e-3 * ref.abs().max()).all()), err.max()
    (g.to(torch.float32).sum() + d2.to(torch.float32).sum()).backward()
    assert f.grad is not None and f.grad.dtype == dtype
    # The gradient of sum(D f) w.r.t. f is D^T 1: compare with the float64 graph.
    f64 = exact_in.clone().requires_grad_(True)
    total = gradkit.gradient(f64, spacing=(x,), accuracy=4)[0].sum() + gradkit.derivative(f64, 2, spacing=0.125).sum()
    total.backward()
    err = (f.grad.to(torch.float64) - f64.grad).abs()
    assert bool((err <= 4 * eps * f64.grad.abs().max()).all()), err.max()


def test_results_stay_on_device(device: str) -> None:
    """Results, and gradients w.r.t. coordinates, live on the input's device."""
    require(device, "device")
    f = data((4, 9), torch.float64, 11, device)
    x = torch.tensor(coords(9, 12), dtype=torch.float64, device=device, requires_grad=True)
    out = gradkit.derivative(f, 2, spacing=x, axis=1, accuracy=4)
    assert out.device == f.device
    out.sum().backward()
    assert f.grad.device == f.device and x.grad.device == f.device

