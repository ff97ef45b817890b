"""Every array library, every feature: gradkit on each backend agrees with NumPy.

Each case is run on the backend's arrays (data, 0-d steps and coordinates all
of that library) and on NumPy arrays holding the same numbers, and the two
results are compared (rtol 1e-12 in float64, 1e-5 in float32, atol scaled by
the weights as in ``tests/conformance``). Independent oracles back this up:
``numpy.gradient`` wherever its scheme is the one asked for, and analytic
derivatives of polynomials that the stencils differentiate exactly. Every
result must be an array of the input's library, on its device, of the
promised dtype, and the inputs must be left untouched.

Which features each backend must support comes from
:mod:`gradkit.backends`; a feature declared unsupported must fail with a
clear ``TypeError`` or ``ValueError`` instead.
"""

from __future__ import annotations

import math
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest

import gradkit
from gradkit import backends as decl

from conformance.conftest import make_data

from .conftest import (
    UNSUPPORTED,
    ArrayBackend,
    assert_close,
    assert_result,
    atol_for,
    dtype_name,
    rtol_of,
    run_declared,
    weight_bound,
)

ROOT = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------------------
# Spacings and cases
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Sp:
    """The spacing of one axis, before it is made into some library's arrays.

    ``kind`` is "step" (a Python number), "step0d" (a 0-d array of the
    library), or coordinates: "increasing", "decreasing", "shuffled"
    (distinct, not monotonic) or "integer" (distinct integers, shuffled).
    """

    kind: str
    step: float = 1.0
    dtype: str = "float64"

    @property
    def is_coords(self) -> bool:
        return self.kind not in ("step", "step0d")

    def coords(self, n: int, seed: int) -> np.ndarray:
        rng = np.random.default_rng(seed)
        if self.kind == "integer":
            return rng.permutation(np.arange(-n, n))[:n].astype(self.dtype)
        x = -0.8 + np.concatenate([[0.0], np.cumsum(rng.uniform(0.3, 1.2, n - 1))]) * self.step
        if self.kind == "decreasing":
            x = x[::-1].copy()
        elif self.kind == "shuffled":
            x = x[rng.permutation(n)]
        return x.astype(self.dtype)

    def numpy_value(self, n: int, seed: int) -> Any:
        """The spacing as NumPy sees it (a number or float/int array)."""
        if self.kind == "step":
            return self.step
        if self.kind == "step0d":
            return np.array(self.step)
        return self.coords(n, seed)

    def period(self, n: int, seed: int) -> float:
        """A period for ``boundary='periodic'`` on these coordinates (span + mean gap)."""
        x = self.coords(n, seed).astype(np.float64)
        span = float(x.max() - x.min())
        return span + span / (n - 1)


@dataclass(frozen=True)
class Case:
    """One call of gradkit.gradient or gradkit.derivative."""

    id: str
    func: str
    shape: tuple[int, ...]
    axes: tuple[int, ...]  # differentiated axes, in the order of the call
    spacing: tuple[Sp, ...]  # one per axis in ``axes`` (or one shared step)
    dtype: str = "float64"
    order: Any = 1
    accuracy: int = 2
    edge_order: int | None = None
    periodic: bool = False
    axis_kw: dict = field(default_factory=dict)  # dim=/axis= as passed
    spacing_form: str = "tuple"  # "tuple", "list", "bare" (a single value)
    seed: int = 0

    @property
    def feature(self) -> str:
        if self.periodic:
            return "periodic"
        if self.func == "derivative":
            return "derivative"
        return "gradient-coordinates" if any(s.is_coords for s in self.spacing) else "gradient-scalar"

    def orders(self) -> tuple[int, ...]:
        if self.func == "gradient":
            return (1,) * len(self.axes)
        return tuple(self.order) if isinstance(self.order, tuple) else (self.order,)

    def resolved_edge_order(self) -> int:
        if self.edge_order is not None:
            return self.edge_order
        if self.func == "gradient":
            return 1 if self.accuracy == 2 else self.accuracy
        return self.accuracy

    def axis_spacing(self, k: int) -> Sp:
        return self.spacing[k] if len(self.spacing) > 1 else self.spacing[0]

    def build(self, conv: Callable[[np.ndarray], Any]) -> tuple[Any, dict, list]:
        """(data, keyword arguments, arrays passed) with every array made by ``conv``."""
        data = make_data(self.seed, self.shape, np.dtype(self.dtype))
        f = conv(data)
        passed = []

        def value(k: int) -> Any:
            sp = self.axis_spacing(k)
            v = sp.numpy_value(self.shape[self.axes[k]], self.seed + 1 + k)
            if isinstance(v, np.ndarray):
                v = conv(v)
                passed.append(v)
            return v

        if self.spacing_form == "bare":
            spacing = value(0)
        else:
            items = [value(k) for k in range(len(self.axes))]
            spacing = list(items) if self.spacing_form == "list" else tuple(items)
        kw: dict[str, Any] = dict(self.axis_kw, spacing=spacing, accuracy=self.accuracy)
        if self.edge_order is not None and not self.periodic:  # a periodic axis has no edges
            kw["edge_order"] = self.edge_order
        if self.func == "derivative":
            kw["order"] = self.order
        if self.periodic:
            kw["boundary"] = "periodic"
            periods = [
                sp.period(self.shape[a], self.seed + 1 + k) if sp.is_coords else None
                for k, a in enumerate(self.axes)
                for sp in [self.axis_spacing(k)]
            ]
            if any(p is not None for p in periods):
                kw["period"] = periods[0] if len(periods) == 1 else tuple(periods)
        return f, kw, passed

    def bounds(self) -> list[float]:
        """Per-axis weight bounds (NumPy operator matrices), in the order of ``axes``."""
        out = []
        for k, (a, o) in enumerate(zip(self.axes, self.orders())):
            n = self.shape[a]
            sp = self.axis_spacing(k)
            spacing = sp.numpy_value(n, self.seed + 1 + k)
            kw: dict[str, Any] = dict(accuracy=self.accuracy)
            if not self.periodic:
                kw["edge_order"] = self.resolved_edge_order()
            if self.periodic:
                kw["boundary"] = "periodic"
                if sp.is_coords:
                    kw["period"] = sp.period(n, self.seed + 1 + k)
            out.append(weight_bound(n, o, spacing, **kw))
        return out


def call(func: str, f: Any, kw: dict) -> tuple[Any, ...]:
    """Run gradkit and return its results as a tuple."""
    kw = dict(kw)
    if func == "gradient":
        return gradkit.gradient(f, **kw)
    order = kw.pop("order")
    return (gradkit.derivative(f, order, **kw),)


def G(id: str, shape: tuple[int, ...], spacing: tuple[Sp, ...], **kw: Any) -> Case:
    dims = kw.get("axis_kw", {}).get("dim", kw.get("axis_kw", {}).get("axis"))
    if dims is None:
        axes = tuple(range(len(shape)))
    else:
        axes = tuple(d % len(shape) for d in (dims if isinstance(dims, (list, tuple)) else [dims]))
    return Case(id, "gradient", shape, axes, spacing, **kw)


def D(id: str, shape: tuple[int, ...], order: Any, spacing: tuple[Sp, ...], **kw: Any) -> Case:
    ax = kw.get("axis_kw", {}).get("axis", kw.get("axis_kw", {}).get("dim", -1))
    axes = tuple(a % len(shape) for a in (ax if isinstance(ax, tuple) else (ax,)))
    if "spacing_form" not in kw and len(axes) == 1:
        kw["spacing_form"] = "bare"
    return Case(id, "derivative", shape, axes, spacing, order=order, **kw)


STEP = Sp("step", 0.3)
INC, DEC, SHUF = Sp("increasing", 0.5), Sp("decreasing", 0.7), Sp("shuffled", 1.0)

GRADIENT_CASES = [
    G("1d-step", (14,), (STEP,), spacing_form="bare"),
    G("1d-step0d", (14,), (Sp("step0d", 0.3),), spacing_form="bare"),
    G("1d-step-edge2", (14,), (Sp("step", -1.25),), edge_order=2, spacing_form="bare"),
    G("1d-int-step", (14,), (Sp("step", 2),), spacing_form="bare"),
    G("1d-increasing-edge2", (14,), (INC,), edge_order=2, seed=1),
    G("1d-shuffled-acc4", (14,), (SHUF,), accuracy=4, seed=2),
    G("1d-decreasing-acc6-edge2", (14,), (DEC,), accuracy=6, edge_order=2, seed=3),
    G("1d-increasing-acc4-edge1", (14,), (INC,), accuracy=4, edge_order=1, seed=4),
    G("1d-bare-coords", (14,), (INC,), spacing_form="bare", seed=5),
    G("1d-integer-coords", (14,), (Sp("integer", dtype="int64"),), seed=6),
    G("2d-step-coords-f32", (8, 14), (Sp("step", 0.5), INC), dtype="float32", seed=7),
    G("2d-f32-coords-acc4", (8, 14), (Sp("increasing", 0.5, "float32"), Sp("step", -2.0)), dtype="float32",
      accuracy=4, seed=8),
    G("3d-dim-2-0-c128-edge2", (3, 4, 14), (SHUF, Sp("step", 0.25)), dtype="complex128", edge_order=2,
      axis_kw={"dim": (2, 0)}, seed=9),
    G("3d-dim-neg1-c64", (3, 4, 14), (INC,), dtype="complex64", axis_kw={"dim": -1}, spacing_form="bare", seed=10),
    G("2d-int64-step", (8, 14), (Sp("step", 2),), spacing_form="bare", dtype="int64", seed=11),
    G("1d-int8-integer-coords", (14,), (Sp("integer", dtype="int32"),), dtype="int8", seed=12),
    G("2d-int16-axis-list-acc6", (8, 14), (Sp("step", 1.5), DEC), dtype="int16", accuracy=6,
      axis_kw={"axis": [0, 1]}, spacing_form="list", seed=13),
    G("2d-uint8-coords", (8, 14), (INC, SHUF), dtype="uint8", edge_order=2, seed=14),
    G("1d-periodic-step-acc4", (14,), (Sp("step", 0.4),), accuracy=4, periodic=True, spacing_form="bare"),
    G("2d-periodic-coords", (8, 14), (INC,), periodic=True, axis_kw={"dim": 1}, seed=15),
    G("2d-periodic-decreasing-acc4-c128", (8, 14), (DEC,), dtype="complex128", accuracy=4, periodic=True,
      axis_kw={"dim": 0}, seed=16),
]

DERIVATIVE_CASES = (
    [
        D(f"1d-order{o}-acc{a}-{'coords' if c else 'step'}", (14,), o, (INC if c else Sp("step", 0.7),),
          accuracy=a, seed=20 + o)
        for o in range(4)
        for a in (2, 4, 6)
        for c in (False, True)
    ]
    + [
        D(f"1d-order{o}-acc4-edge{e}-{sp.kind}", (14,), o, (sp,), accuracy=4, edge_order=e, seed=30 + o + e)
        for o in (1, 2, 3)
        for e, sp in ((1, SHUF), (2, DEC))
    ]
    + [
        D("1d-order2-edge1-acc2-step0d", (14,), 2, (Sp("step0d", 0.5),), edge_order=1),
        D("2d-f32-order2-acc4-axis0", (8, 14), 2, (INC,), dtype="float32", accuracy=4, axis_kw={"axis": 0}, seed=40),
        D("3d-c128-order3-dim-1", (3, 4, 14), 3, (Sp("step", 0.9),), dtype="complex128", axis_kw={"dim": -1}),
        D("2d-c64-order1-acc6", (8, 14), 1, (SHUF,), dtype="complex64", accuracy=6, seed=41),
        D("1d-int16-order2-acc4", (14,), 2, (Sp("step", 3),), dtype="int16", accuracy=4),
        D("1d-int64-order1-integer-coords", (14,), 1, (Sp("integer", dtype="int64"),), dtype="int64", seed=42),
        D("1d-periodic-order2-acc4-step", (14,), 2, (Sp("step", 0.4),), accuracy=4, periodic=True),
        D("1d-periodic-order3-acc6-coords", (14,), 3, (INC,), accuracy=6, periodic=True, seed=43),
        D("2d-periodic-order1-decreasing", (8, 14), 1, (DEC,), periodic=True, axis_kw={"axis": 0}, seed=44),
        D("mixed-1-1-step-coords", (8, 14), (1, 1), (Sp("step", 0.5), INC), axis_kw={"axis": (0, 1)}, seed=45),
        D("mixed-2-1-coords-acc4", (8, 14), (2, 1), (SHUF, DEC), accuracy=4, axis_kw={"axis": (1, 0)}, seed=46),
        D("mixed-1-0-2-3d-c128", (3, 4, 14), (1, 0, 2), (Sp("step", 1.0), Sp("step", 1.0), INC),
          dtype="complex128", axis_kw={"axis": (0, 1, 2)}, seed=47),
        D("mixed-1-1-f32-edge2", (8, 14), (1, 1), (INC, Sp("step", 0.25)), dtype="float32", edge_order=2,
          axis_kw={"dim": (0, 1)}, seed=48),
        D("mixed-periodic-1-1", (8, 14), (1, 1), (Sp("step", 0.5), INC), periodic=True, accuracy=4,
          axis_kw={"axis": (0, 1)}, seed=49),
    ]
)

CASES = GRADIENT_CASES + DERIVATIVE_CASES


def _snapshot(backend: ArrayBackend, arrays: list[Any]) -> list[np.ndarray]:
    return [backend.to_numpy(a) for a in arrays]


def _assert_unchanged(backend: ArrayBackend, arrays: list[Any], before: list[np.ndarray], what: str) -> None:
    for k, (a, b) in enumerate(zip(arrays, before)):
        assert np.array_equal(backend.to_numpy(a), b, equal_nan=True), f"{what}: argument {k} was modified"


def _numpy_gradient_oracle(case: Case) -> list[np.ndarray] | None:
    """numpy.gradient's results for the case where its scheme is the one asked for."""
    if case.func != "gradient" or case.accuracy != 2 or case.periodic or case.resolved_edge_order() > 2:
        return None
    data = make_data(case.seed, case.shape, np.dtype(case.dtype))
    if data.dtype.kind in "iu":
        data = data.astype(np.float64)
    varargs = [
        np.asarray(case.axis_spacing(k).numpy_value(case.shape[a], case.seed + 1 + k), dtype=np.float64)
        for k, a in enumerate(case.axes)
    ]
    varargs = [float(v) if v.ndim == 0 else v for v in varargs]
    out = np.gradient(data, *varargs, axis=case.axes, edge_order=case.resolved_edge_order())
    return list(out) if isinstance(out, (list, tuple)) else [out]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.func}-{c.id}" for c in CASES])
def test_matches_numpy(xp: ArrayBackend, case: Case) -> None:
    """Same call on the backend's arrays and on NumPy arrays: same numbers, right type/device/dtype."""
    f, kw, passed = case.build(xp.asarray)
    before = _snapshot(xp, [f, *passed])
    got = run_declared(xp, case.feature, lambda: call(case.func, f, kw))
    if got is UNSUPPORTED:
        return
    _assert_unchanged(xp, [f, *passed], before, case.id)

    f_np, kw_np, _ = case.build(lambda a: np.array(a))
    expected = call(case.func, f_np, kw_np)
    assert len(got) == len(expected)
    out_dtype = xp.expected_dtype(case.dtype)
    max_f = float(np.max(np.abs(f_np.astype(np.complex128)))) if f_np.size else 0.0
    bounds = case.bounds()
    per_output = bounds if case.func == "gradient" else [math.prod(bounds)]
    independent = _numpy_gradient_oracle(case)
    for k, (g, e) in enumerate(zip(got, expected)):
        assert_result(xp, g, f, out_dtype)
        rtol = rtol_of(out_dtype)
        atol = atol_for(rtol, max_f, per_output[k])
        g_np = xp.to_numpy(g)
        assert_close(g_np, e, rtol=rtol, atol=atol, what=f"{xp.name} {case.id} output {k} vs NumPy")
        if independent is not None:
            assert_close(g_np, independent[k], rtol=rtol, atol=atol,
                         what=f"{xp.name} {case.id} output {k} vs numpy.gradient")


# ---------------------------------------------------------------------------
# Analytic oracle: polynomials the stencils differentiate exactly
# ---------------------------------------------------------------------------
def _poly(coef: np.ndarray, x: np.ndarray, order: int) -> np.ndarray:
    return np.polynomial.polynomial.polyval(x, np.polynomial.polynomial.polyder(coef, order) if order else coef)


@pytest.mark.parametrize("grid", ["step", "coords"])
@pytest.mark.parametrize("order,accuracy", [(1, 2), (1, 6), (2, 4), (3, 2), (3, 6)])
def test_polynomials_exact(xp: ArrayBackend, order: int, accuracy: int, grid: str) -> None:
    """A polynomial of degree order + accuracy - 1 is differentiated exactly at every point."""
    n = 14
    rng = np.random.default_rng(order * 10 + accuracy)
    if grid == "step":
        h = 0.125
        x = -0.75 + h * np.arange(n)
        spacing_np: Any = h
    else:
        x = np.sort(rng.uniform(-1.0, 1.0, n))
        while np.diff(x).min() < 0.05:
            x = np.sort(rng.uniform(-1.0, 1.0, n))
        spacing_np = x
    coef = rng.uniform(-1, 1, order + accuracy)
    f_np = _poly(coef, x, 0)
    exact = _poly(coef, x, order)
    spacing = spacing_np if grid == "step" else xp.asarray(x)
    got = run_declared(xp, "derivative",
                       lambda: gradkit.derivative(xp.asarray(f_np), order, spacing=spacing, accuracy=accuracy))
    if got is UNSUPPORTED:
        return
    w = weight_bound(n, order, spacing_np, accuracy=accuracy, edge_order=accuracy)
    # Rounding of the samples (a few ulps of the largest term) is amplified by W.
    scale = float(np.polynomial.polynomial.polyval(np.abs(x), np.abs(coef)).max())
    assert_close(xp.to_numpy(got), exact, rtol=1e-12, atol=64 * np.finfo(float).eps * scale * w,
                 what=f"{xp.name} d^{order}/dx^{order} of a degree-{len(coef) - 1} polynomial, {grid}")


# ---------------------------------------------------------------------------
# Dtype rules
# ---------------------------------------------------------------------------
def test_integers_are_converted_before_differencing(xp: ArrayBackend) -> None:
    """int8 data at the ends of its range: no wrap-around, the library's default float out."""
    data = np.array([-128, 127, -128, 127, 127, -128, 0, 5], dtype=np.int8)
    f = xp.asarray(data)
    (got,) = run_declared(xp, "gradient-scalar", lambda: gradkit.gradient(f, spacing=0.5))
    assert_result(xp, got, f, xp.default_float())
    expected = np.gradient(data.astype(np.float64), 0.5)
    assert_close(xp.to_numpy(got), expected, rtol=rtol_of(xp.default_float()), atol=0.0,
                 what=f"{xp.name} int8 gradient")
    d2 = gradkit.derivative(f, 2, spacing=0.5, accuracy=2, edge_order=1)
    assert_result(xp, d2, f, xp.default_float())
    assert float(xp.to_numpy(d2)[1]) == pytest.approx((-128 - 2 * 127 - 128) / 0.25, rel=1e-6)


@pytest.mark.parametrize("name", ["float16", "bfloat16"])
def test_half_precision_kept(xp: ArrayBackend, name: str) -> None:
    """float16/bfloat16 data give results of the same dtype, accurate to that precision."""
    entry = xp.declared("half-precision")
    if not entry.applicable:
        pytest.skip(f"{xp.name}: {entry.note}")
    if not xp.has_dtype(name):
        pytest.skip(f"{xp.name} has no {name}")
    x = np.linspace(0.0, 2.0, 17)
    data = np.sin(3 * x)
    f = xp.asarray(data, dtype=name)
    exact_inputs = xp.to_numpy(f).astype(np.float64)  # the rounded samples
    got = run_declared(xp, "half-precision", lambda: gradkit.gradient(f, spacing=(xp.asarray(x),), accuracy=4))
    if got is UNSUPPORTED:
        return
    assert_result(xp, got[0], f, name)
    d2 = gradkit.derivative(f, 2, spacing=x[1] - x[0])
    assert_result(xp, d2, f, name)
    # Computed in float32 and rounded once: within one rounding of the exact stencil result.
    eps = 2.0**-10 if name == "float16" else 2.0**-7
    ref1 = gradkit.gradient(exact_inputs, spacing=(x,), accuracy=4)[0]
    ref2 = gradkit.derivative(exact_inputs, 2, spacing=x[1] - x[0])
    for g, r in ((got[0], ref1), (d2, ref2)):
        g_np = xp.to_numpy(g).astype(np.float64)
        assert np.all(np.abs(g_np - r) <= eps * np.abs(r) + 1e-3 * np.abs(r).max()), (g_np, r)


# ---------------------------------------------------------------------------
# out=
# ---------------------------------------------------------------------------
def test_out(xp: ArrayBackend) -> None:
    """out= fills and returns the caller's arrays where supported; refused clearly where not."""
    data = make_data(3, (6, 9), np.float64)
    x = np.cumsum(np.linspace(0.5, 1.5, 9))
    f = xp.asarray(data)
    xs = xp.asarray(x)
    if xp.name == "numpy-readonly":  # read-only inputs, writeable outputs

        def make_out() -> Any:
            return np.zeros((6, 9))

    else:

        def make_out() -> Any:
            return xp.asarray(np.zeros((6, 9)))

    outs = (make_out(), make_out())
    got = run_declared(xp, "out", lambda: gradkit.gradient(f, spacing=(0.5, xs), accuracy=4, out=outs))
    if got is UNSUPPORTED:
        return
    assert got[0] is outs[0] and got[1] is outs[1]
    expected = gradkit.gradient(data, spacing=(0.5, x), accuracy=4)
    for g, e in zip(got, expected):
        assert_close(xp.to_numpy(g), e, rtol=1e-12, atol=1e-12 * np.abs(data).max() * 10, what=f"{xp.name} out=")
    target = make_out()
    d = gradkit.derivative(f, 2, axis=1, spacing=xs, out=target)
    assert d is target
    assert_close(xp.to_numpy(d), gradkit.derivative(data, 2, axis=1, spacing=x), rtol=1e-12,
                 atol=1e-10 * np.abs(data).max(), what=f"{xp.name} derivative out=")
    with pytest.raises(TypeError, match="out"):
        gradkit.derivative(f, 2, axis=1, spacing=xs, out=xp.asarray(np.zeros((6, 9), np.float32)))
    if xp.name == "numpy-readonly":
        frozen = np.zeros((6, 9))
        frozen.flags.writeable = False
        with pytest.raises(ValueError, match="read-only"):
            gradkit.derivative(f, 1, axis=0, out=frozen)


# ---------------------------------------------------------------------------
# explain
# ---------------------------------------------------------------------------
EXPLAIN_CASES = [
    # id, shape, index, axis, order, accuracy, spacing, periodic, dtype
    ("1d-coords-edge", (14,), 0, None, 1, 2, INC, False, "float64"),
    ("1d-coords-interior", (14,), 6, None, 1, 2, INC, False, "float64"),
    ("2d-shuffled-order2-acc4", (8, 14), (2, 13), 1, 2, 4, SHUF, False, "float64"),
    ("1d-step-periodic-acc4", (14,), 0, None, 1, 4, Sp("step", 0.5), True, "float64"),
    ("1d-int16-order3", (14,), 5, None, 3, 2, Sp("step", 2), False, "int16"),
    ("1d-f32-coords", (14,), -1, None, 2, 2, DEC, False, "float32"),
]


@pytest.mark.parametrize("case", EXPLAIN_CASES, ids=[c[0] for c in EXPLAIN_CASES])
def test_explain(xp: ArrayBackend, case: tuple) -> None:
    """explain on the backend's arrays: the backend's own result, and NumPy's stencil."""
    cid, shape, index, axis, order, accuracy, sp, periodic, dtype = case
    data = make_data(7, shape, np.dtype(dtype))
    ax = axis if axis is not None else 0
    n = shape[ax]
    sp_np = sp.numpy_value(n, 8)
    kw: dict[str, Any] = {"order": order, "accuracy": accuracy}
    if axis is not None:
        kw["axis"] = axis
    if periodic:
        kw["boundary"] = "periodic"
    f = xp.asarray(data)
    spacing = xp.asarray(sp_np) if isinstance(sp_np, np.ndarray) else sp_np
    before = _snapshot(xp, [f])
    e = run_declared(xp, "explain", lambda: gradkit.explain(f, index, spacing=spacing, **kw))
    if e is UNSUPPORTED:
        return
    _assert_unchanged(xp, [f], before, cid)
    e_np = gradkit.explain(data, index, spacing=sp_np, **kw)
    assert (e.offsets, e.indices, e.scheme, e.kind, e.index) == (e_np.offsets, e_np.indices, e_np.scheme,
                                                                  e_np.kind, e_np.index)
    np.testing.assert_allclose(e.weights, e_np.weights, rtol=1e-12)
    np.testing.assert_allclose(e.coordinates, e_np.coordinates, rtol=1e-12)
    out_dtype = xp.expected_dtype(dtype)
    assert dtype_name(e.dtype) == out_dtype
    rtol = rtol_of(out_dtype)
    atol = rtol * float(np.abs(data).max()) * float(np.abs(e.weights).sum())
    assert abs(e.result - e_np.result) <= atol + rtol * abs(e_np.result), (e.result, e_np.result)
    # The explanation's result is exactly what the computation returns on this backend.
    dkw = {k: v for k, v in kw.items() if k != "order"}
    dkw["axis"] = ax
    full = gradkit.derivative(f, order, spacing=spacing, edge_order=1 if (order == 1 and accuracy == 2) else None,
                              **dkw)
    point = index if isinstance(index, tuple) else (index,)
    assert e.result == xp.to_numpy(full)[point].item()
    # And the sum it prints is the result (independent of gradkit's kernels).
    assert abs(np.sum(e.weights * e.values) - e.result) <= atol + rtol * abs(e.result)


# ---------------------------------------------------------------------------
# The declaration itself, and the docs generated from it
# ---------------------------------------------------------------------------
def test_declaration_is_complete() -> None:
    """Every backend declares every feature; every refusal and every n/a says why."""
    assert set(decl.SUPPORT) == set(decl.BACKENDS)
    for b, row in decl.SUPPORT.items():
        assert set(row) == set(decl.FEATURES), (b, set(decl.FEATURES) ^ set(row))
        for f, entry in row.items():
            assert isinstance(entry, decl.Support) and isinstance(entry.supported, bool)
            if not entry.supported:
                assert entry.note, f"{b}/{f}: an unsupported entry needs a note"
            if not entry.applicable:
                assert not entry.supported, f"{b}/{f}: not applicable yet supported"
    with pytest.raises(KeyError, match="known"):
        decl.entry("numpy", "no-such-feature")


def test_backends_lists_every_fixture_param() -> None:
    """The xp fixture covers exactly the declared backends."""
    from .conftest import BACKEND_PARAMS

    assert sorted(p.id for p in BACKEND_PARAMS) == sorted(decl.BACKENDS)


def test_declaration_imports_no_framework() -> None:
    """Importing gradkit.backends (and gradkit) imports no array framework."""
    code = (
        "import sys, gradkit, gradkit.backends; "
        "print(sorted(m for m in ('torch', 'jax', 'cupy', 'array_api_strict', 'dask') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def _load_generator() -> Any:
    import importlib.util

    path = ROOT / "docs" / "tools" / "backend_table.py"
    spec = importlib.util.spec_from_file_location("backend_table", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_table_is_generated_from_the_declaration() -> None:
    """docs/backends.md is what docs/tools/backend_table.py makes of gradkit.backends now."""
    gen = _load_generator()
    text = (ROOT / "docs" / "backends.md").read_text(encoding="utf-8")
    assert text == gen.render(), "docs/backends.md is stale: run python docs/tools/backend_table.py"
    for b in decl.BACKENDS.values():
        assert b.label in text
    for f in decl.FEATURES.values():
        assert f.label in text


def test_docs_examples_run() -> None:
    """The Python examples in docs/backends.md run as shown."""
    gen = _load_generator()
    for name, code in gen.examples():
        if name == "jax":
            pytest.importorskip("jax")
        exec(compile(code, f"docs/backends.md:{name}", "exec"), {"__name__": f"docs_example_{name}"})
