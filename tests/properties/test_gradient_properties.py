"""Properties of ``gradkit.gradient`` that hold on every grid (hypothesis).

* outputs have the input's shape, one per differentiated dim, in a tuple;
* linear data give the exact slope everywhere, for any spacing, coordinates
  (increasing, decreasing, non-monotonic, integer) and edge order;
* quadratics are exact with ``edge_order=2`` (and at interior points always);
* ``dim=(j, i)`` gives the outputs of ``dim=(i, j)`` in reverse order, bit for bit;
* multiplying every spacing by ``c`` divides the result by ``c``;
* the input array and the coordinate arrays are never modified.

"Exact" means equal up to floating-point rounding: ``|got - exact| <= atol +
rtol*|exact|`` with rtol = 1e-12 and ``atol = rtol * max|f| * W``, W the
largest sum of |stencil weights| on the axis (closed-form three-point
Lagrange weights), as in ``tests/conformance/conftest.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gradkit

RTOL = 1e-12

PROPERTY_SETTINGS = dict(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------
def _slopes(nodes: list[float], at: float) -> list[float]:
    """Derivative at ``at`` of each Lagrange basis polynomial through ``nodes``."""
    out = []
    for j, xj in enumerate(nodes):
        others = [xm for m, xm in enumerate(nodes) if m != j]
        denom = math.prod(xj - xm for xm in others)
        num = sum(math.prod(at - xl for l, xl in enumerate(others) if l != k) for k in range(len(others)))
        out.append(num / denom)
    return out


def _weight_bound(x: np.ndarray, edge_order: int) -> float:
    """Largest sum of |weights| of the torch/numpy stencils on coordinates ``x``."""
    x = [float(v) for v in x]
    n = len(x)
    best = 0.0
    for i in range(n):
        if 0 < i < n - 1:
            nodes = (i - 1, i, i + 1)
        elif i == 0:
            nodes = tuple(range(edge_order + 1))
        else:
            nodes = tuple(range(n - 1 - edge_order, n))
        best = max(best, sum(abs(w) for w in _slopes([x[k] for k in nodes], x[i])))
    return best


def _np(a: Any) -> np.ndarray:
    return a.detach().cpu().numpy() if isinstance(a, torch.Tensor) else np.asarray(a)


def _assert_close(got: Any, expected: Any, *, atol: float, what: str = "") -> None:
    g, e = _np(got), np.broadcast_to(_np(expected), _np(got).shape)
    bad = ~(np.abs(g - e) <= atol + RTOL * np.abs(e))
    if bad.any():
        idx = tuple(np.argwhere(bad)[0])
        raise AssertionError(
            f"{what}: {int(bad.sum())} of {g.size} values off; at {idx} got {g[idx]!r}, "
            f"expected {e[idx]!r} (atol={atol:.3g}, rtol={RTOL:g})"
        )


@dataclass
class Axis:
    """One differentiated axis: its spacing as passed, and float64 coordinates."""

    spacing: Any  # scalar or 1-D numpy coordinates
    x: np.ndarray  # float64 coordinates of the samples

    def passed(self, backend: str) -> Any:
        if isinstance(self.spacing, np.ndarray) and backend == "torch":
            return torch.from_numpy(self.spacing.copy())
        return self.spacing

    def bound(self, edge_order: int) -> float:
        return _weight_bound(self.x, edge_order)


@st.composite
def axis_grids(draw: Any, n: int) -> Axis:
    """A scalar step (negative allowed) or distinct coordinates of some kind."""
    kind = draw(st.sampled_from(["scalar", "increasing", "decreasing", "shuffled", "integer"]))
    if kind == "scalar":
        h = draw(st.one_of(st.floats(0.1, 10.0), st.integers(1, 5)))
        h = -h if draw(st.booleans()) else h
        return Axis(h, float(h) * np.arange(n, dtype=np.float64))
    if kind == "integer":
        vals = draw(st.lists(st.integers(-30, 30), min_size=n, max_size=n, unique=True))
        x = np.array(vals, dtype=np.int64)
        return Axis(x, x.astype(np.float64))
    start = draw(st.floats(-5.0, 5.0))
    steps = draw(st.lists(st.floats(0.25, 2.0), min_size=n - 1, max_size=n - 1))
    x = start + np.concatenate([[0.0], np.cumsum(steps)])
    if kind == "decreasing":
        x = x[::-1].copy()
    elif kind == "shuffled":
        x = x[np.array(draw(st.permutations(range(n))), dtype=np.intp)]
    return Axis(x, x.copy())


@dataclass
class Problem:
    shape: tuple[int, ...]
    axes: tuple[int, ...]  # differentiated dims, in the order passed as dim
    grids: dict[int, Axis]  # one per dim of the array (all dims get coordinates)
    edge_order: int
    backend: str


@st.composite
def problems(draw: Any, *, min_ndim: int = 1, max_ndim: int = 3) -> Problem:
    edge_order = draw(st.sampled_from([1, 2]))
    ndim = draw(st.integers(min_ndim, max_ndim))
    shape = tuple(draw(st.integers(edge_order + 1, 6)) for _ in range(ndim))
    k = draw(st.integers(1, ndim))
    axes = tuple(draw(st.permutations(range(ndim)))[:k])
    grids = {d: draw(axis_grids(shape[d])) for d in range(ndim)}
    return Problem(shape, axes, grids, edge_order, draw(st.sampled_from(["numpy", "torch"])))


def _coords_along(p: Problem, d: int) -> np.ndarray:
    """Coordinates of dim ``d`` shaped to broadcast over the array."""
    shape = [1] * len(p.shape)
    shape[d] = p.shape[d]
    return p.grids[d].x.reshape(shape)


def _to_backend(a: np.ndarray, backend: str) -> Any:
    return torch.from_numpy(a.copy()) if backend == "torch" else a


def _call(p: Problem, f: Any, axes: tuple[int, ...] | None = None, scale: float = 1.0) -> tuple:
    axes = p.axes if axes is None else axes
    spacing = []
    for a in axes:
        grid = p.grids[a]
        if scale == 1.0:
            spacing.append(grid.passed(p.backend))
        elif isinstance(grid.spacing, np.ndarray):  # scaled in float64 (torch would use float32 for int tensors)
            spacing.append(_to_backend(grid.x * scale, p.backend))
        else:
            spacing.append(grid.spacing * scale)
    return gradkit.gradient(f, spacing=spacing, dim=list(axes), edge_order=p.edge_order)


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------
@settings(max_examples=200, **PROPERTY_SETTINGS)
@given(problems(max_ndim=4), st.sampled_from(["float64", "float32", "int32", "complex128"]))
def test_outputs_are_a_tuple_of_input_shaped_arrays(p: Problem, dtype: str) -> None:
    f = np.arange(math.prod(p.shape)).reshape(p.shape).astype(dtype)
    out = _call(p, _to_backend(f, p.backend))
    assert isinstance(out, tuple) and len(out) == len(p.axes)
    kind = torch.Tensor if p.backend == "torch" else np.ndarray
    for g in out:
        assert isinstance(g, kind)
        assert tuple(g.shape) == p.shape


@settings(max_examples=300, **PROPERTY_SETTINGS)
@given(problems(), st.data())
def test_linear_data_give_the_exact_slope_everywhere(p: Problem, data: Any) -> None:
    slopes = {d: data.draw(st.floats(-50.0, 50.0), label=f"slope{d}") for d in range(len(p.shape))}
    c0 = data.draw(st.floats(-100.0, 100.0), label="c0")
    f = c0 + sum(slopes[d] * _coords_along(p, d) for d in range(len(p.shape)))
    f = np.broadcast_to(f, p.shape).copy()
    out = _call(p, _to_backend(f, p.backend))
    f_max = float(np.max(np.abs(f)))
    for a, g in zip(p.axes, out):
        atol = RTOL * f_max * p.grids[a].bound(p.edge_order)
        _assert_close(g, slopes[a], atol=atol, what=f"d/d dim {a}")


@settings(max_examples=300, **PROPERTY_SETTINGS)
@given(problems(), st.data())
def test_quadratics_are_exact_with_second_order_edges(p: Problem, data: Any) -> None:
    coef = {
        d: [data.draw(st.floats(-10.0, 10.0), label=f"c{d}{k}") for k in range(3)]
        for d in range(len(p.shape))
    }
    f = sum(
        coef[d][0] + coef[d][1] * _coords_along(p, d) + coef[d][2] * _coords_along(p, d) ** 2
        for d in range(len(p.shape))
    )
    f = np.broadcast_to(f, p.shape).copy()
    out = _call(p, _to_backend(f, p.backend))
    f_max = float(np.max(np.abs(f)))
    for a, g in zip(p.axes, out):
        exact = np.broadcast_to(coef[a][1] + 2 * coef[a][2] * _coords_along(p, a), p.shape)
        atol = RTOL * f_max * p.grids[a].bound(p.edge_order)
        g = _np(g)
        if p.edge_order == 2:
            _assert_close(g, exact, atol=atol, what=f"d/d dim {a}")
        else:  # first-order edges are not exact for quadratics; the interior is
            inner = [slice(None)] * len(p.shape)
            inner[a] = slice(1, -1)
            _assert_close(g[tuple(inner)], exact[tuple(inner)], atol=atol, what=f"interior of d/d dim {a}")


@settings(max_examples=200, **PROPERTY_SETTINGS)
@given(problems(min_ndim=2), st.integers(0, 2**32 - 1), st.data())
def test_reversed_dims_give_reversed_outputs_bit_for_bit(p: Problem, seed: int, data: Any) -> None:
    ndim = len(p.shape)
    i, j = data.draw(st.permutations(range(ndim)), label="dims")[:2]
    f = np.random.default_rng(seed).uniform(-1, 1, p.shape)
    ft = _to_backend(f, p.backend)
    gi, gj = _call(p, ft, axes=(i, j))
    hj, hi = _call(p, ft, axes=(j, i))
    np.testing.assert_array_equal(_np(gi), _np(hi))
    np.testing.assert_array_equal(_np(gj), _np(hj))
    # the same with negative dims
    ki, kj = gradkit.gradient(
        ft,
        spacing=[p.grids[i].passed(p.backend), p.grids[j].passed(p.backend)],
        dim=(i - ndim, j - ndim),
        edge_order=p.edge_order,
    )
    np.testing.assert_array_equal(_np(ki), _np(gi))
    np.testing.assert_array_equal(_np(kj), _np(gj))


@settings(max_examples=300, **PROPERTY_SETTINGS)
@given(
    problems(),
    st.integers(0, 2**32 - 1),
    st.floats(0.01, 100.0),
    st.booleans(),
)
def test_scaling_the_spacing_by_c_divides_the_result_by_c(p: Problem, seed: int, c: float, negative: bool) -> None:
    c = -c if negative else c
    f = np.random.default_rng(seed).uniform(-1, 1, p.shape)
    ft = _to_backend(f, p.backend)
    base = _call(p, ft)
    scaled = _call(p, ft, scale=c)
    f_max = float(np.max(np.abs(f)))
    for a, g, s in zip(p.axes, base, scaled):
        atol = RTOL * f_max * p.grids[a].bound(p.edge_order)
        _assert_close(_np(s) * c, _np(g), atol=atol, what=f"c={c}, d/d dim {a}")


@settings(max_examples=200, **PROPERTY_SETTINGS)
@given(
    problems(max_ndim=3),
    st.sampled_from(["float64", "float32", "int16", "complex128"]),
    st.sampled_from(["contiguous", "transposed", "strided"]),
    st.integers(0, 2**32 - 1),
)
def test_inputs_are_unchanged(p: Problem, dtype: str, layout: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    f = rng.uniform(-100, 100, p.shape)
    if dtype == "complex128":
        f = f + 1j * rng.uniform(-1, 1, p.shape)
    f = f.astype(dtype)
    if p.backend == "torch":
        arr = torch.from_numpy(f)
        if layout == "transposed":
            rev = tuple(range(arr.ndim))[::-1]
            arr = arr.permute(rev).contiguous().permute(rev)
        elif layout == "strided":
            arr = torch.repeat_interleave(arr, 2, dim=0)[::2]
        before, strides = arr.clone(), arr.stride()
        spacing = [p.grids[a].passed("torch") for a in p.axes]
        coords_before = [s.clone() if isinstance(s, torch.Tensor) else s for s in spacing]
        gradkit.gradient(arr, spacing=spacing, dim=list(p.axes), edge_order=p.edge_order)
        assert torch.equal(arr, before) and arr.dtype == before.dtype and arr.stride() == strides
        for s, b in zip(spacing, coords_before):
            if isinstance(s, torch.Tensor):
                assert torch.equal(s, b)
    else:
        if layout == "transposed":
            f = np.ascontiguousarray(f.T).T
        elif layout == "strided":
            f = np.repeat(f, 2, axis=0)[::2]
        before = f.copy()
        spacing = [p.grids[a].passed("numpy") for a in p.axes]
        coords_before = [s.copy() if isinstance(s, np.ndarray) else s for s in spacing]
        gradkit.gradient(f, spacing=spacing, dim=list(p.axes), edge_order=p.edge_order)
        np.testing.assert_array_equal(f, before)
        assert f.dtype == before.dtype
        for s, b in zip(spacing, coords_before):
            if isinstance(s, np.ndarray):
                np.testing.assert_array_equal(s, b)
                assert s.dtype == b.dtype
