"""Finite-difference weights and stencil plans, checked against exact arithmetic.

The oracle for every weight in this file is :func:`exact_weights`: the moment
(Taylor / Vandermonde) conditions of a stencil,

    sum_j w_j (x_j - a)^k / k!  =  1 if k == order else 0,    k = 0 .. m-1,

solved by Gaussian elimination in :class:`fractions.Fraction` arithmetic. It
shares no code with gradkit's Fornberg recurrence, it is exact, and it is fed
the exact binary value of each float the library receives, so a difference
between the two is the library's own rounding and nothing else.

Tolerances are normwise: ``max_j |w_j - w_exact_j| <= tol * max_j |w_exact_j|``.
A per-weight relative test would be wrong for weights that are tiny because of
cancellation; the normwise error is what a weighted sum actually feels. For the
well-conditioned stencils used here (gap ratios within a factor of about 10,
up to 12 points) the recurrence performs O(m^2 * order) multiply-adds on
numbers of the size of the weights, so its error is a modest multiple of the
unit roundoff 2.2e-16. Measured over all the cases below (and a 3000-case
random sweep with gap ratios up to 8 and extrapolation up to one stencil
length), the worst normwise error was 1.4e-14. ``1e-12`` leaves a factor of
about 70 above that for other CPUs and libm versions, while any wrong
formula gives errors of order one.
"""

from __future__ import annotations

import math
import time
from fractions import Fraction
from typing import Sequence

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import gradkit
from gradkit.stencils import edge_width, interior_width, plan_axis, points_needed

RTOL = 1e-12


# ---------------------------------------------------------------------------
# The exact oracle
# ---------------------------------------------------------------------------
def exact_weights(points: Sequence[float], order: int, at: float = 0.0) -> list[Fraction]:
    """Exact weights of the ``order``-th derivative at ``at`` from samples at ``points``.

    ``points`` and ``at`` are converted with ``Fraction(value)``, which is exact
    for ints, floats and Fractions. Solves the moment system above by
    Gauss-Jordan elimination with exact pivots.
    """
    a = Fraction(at)
    xs = [Fraction(p) - a for p in points]
    m = len(xs)
    if len(set(xs)) != m or not 0 <= order < m:
        raise ValueError("need distinct points and 0 <= order < len(points)")
    rows = [
        [x**k / math.factorial(k) for x in xs] + [Fraction(1 if k == order else 0)]
        for k in range(m)
    ]
    for col in range(m):
        pivot = next(r for r in range(col, m) if rows[r][col] != 0)
        rows[col], rows[pivot] = rows[pivot], rows[col]
        p = rows[col][col]
        rows[col] = [v / p for v in rows[col]]
        for r in range(m):
            if r != col and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [v - factor * u for v, u in zip(rows[r], rows[col])]
    return [rows[j][m] for j in range(m)]


def as_float(ws: Sequence[Fraction]) -> np.ndarray:
    return np.array([float(w) for w in ws])


def normwise_error(got: np.ndarray, exact: Sequence[Fraction]) -> float:
    """max |got - exact| / max |exact|, evaluated exactly (got is converted losslessly)."""
    diff = max(abs(Fraction(float(g)) - e) for g, e in zip(got, exact))
    return float(diff / max(abs(e) for e in exact))


def assert_weights(points, order, at=0.0, tol=RTOL):
    got = gradkit.weights(points, order, at)
    assert isinstance(got, np.ndarray) and got.dtype == np.float64 and got.shape == (len(points),)
    exact = exact_weights(points, order, at)
    err = normwise_error(got, exact)
    assert err <= tol, (
        f"points={list(points)}, order={order}, at={at}: normwise error {err:.2e} > {tol:.0e}\n"
        f"got   {got.tolist()}\nexact {as_float(exact).tolist()}"
    )


def test_oracle_knows_the_classics():
    """The oracle itself, on formulas everybody knows."""
    assert exact_weights([-1, 0, 1], 1) == [Fraction(-1, 2), 0, Fraction(1, 2)]
    assert exact_weights([-1, 0, 1], 2) == [1, -2, 1]
    assert exact_weights([0, 1, 2], 1) == [Fraction(-3, 2), 2, Fraction(-1, 2)]
    assert exact_weights([0, 1], 0, at=Fraction(1, 4)) == [Fraction(3, 4), Fraction(1, 4)]


# ---------------------------------------------------------------------------
# gradkit.weights against the oracle
# ---------------------------------------------------------------------------
def _integer_stencils():
    """Centred, one-sided and off-centre integer offsets, 2 to 12 points."""
    for m in range(2, 13):
        yield tuple(range(-(m // 2), m - m // 2))  # centred (one extra on the right if even)
        yield tuple(range(m))  # forward
        yield tuple(range(-m + 1, 1))  # backward
        yield tuple(range(-1, m - 1))  # off-centre


@pytest.mark.parametrize("offsets", list(_integer_stencils()), ids=str)
def test_uniform_integer_offsets(offsets):
    m = len(offsets)
    for order in range(0, min(6, m - 1) + 1):
        # At a node, at the centre of the stencil, and between two nodes.
        for at in (0.0, offsets[0], (offsets[0] + offsets[-1]) / 2, offsets[0] + 0.5, 0.25):
            assert_weights([float(o) for o in offsets], order, at)


def _random_rational_points(rng: np.random.Generator, m: int, den: int) -> list[float]:
    """``m`` distinct sorted rationals num/den with gaps of 1..4 units (float-rounded)."""
    nums = np.cumsum(rng.integers(1, 5, size=m)) - rng.integers(0, 3 * m)
    return [float(Fraction(int(k), den)) for k in nums]


@pytest.mark.parametrize("seed", range(12))
def test_random_rational_nonuniform_points(seed):
    rng = np.random.default_rng(seed)
    m = int(rng.integers(2, 13))
    den = int(rng.choice([3, 7, 10, 16]))
    pts = _random_rational_points(rng, m, den)
    for order in range(0, min(6, m - 1) + 1):
        inside = pts[rng.integers(0, m)]  # at a node
        between = float((Fraction(pts[0]) + Fraction(pts[1])) / 2)  # between two nodes
        for at in (inside, between, float(np.mean(pts)), pts[0], pts[-1]):
            assert_weights(pts, order, at)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    gaps=st.lists(st.integers(1, 8), min_size=1, max_size=10),
    start=st.integers(-20, 20),
    den=st.sampled_from([1, 2, 3, 5, 9, 64]),
    order=st.integers(0, 6),
    at_num=st.integers(-40, 60),
)
def test_weights_property(gaps, start, den, order, at_num):
    """Random rational stencils (gap ratio <= 8, up to 11 points), any order, any point."""
    nums = np.cumsum([start] + gaps)
    pts = [float(Fraction(int(k), den)) for k in nums]
    order = min(order, len(pts) - 1)
    at = float(Fraction(at_num, 4 * den))
    # Evaluation points far outside the stencil (extrapolation) are ill-conditioned
    # by nature; keep `at` within one stencil length of it.
    span = pts[-1] - pts[0]
    at = min(max(at, pts[0] - span), pts[-1] + span)
    assert_weights(pts, order, at)


@pytest.mark.parametrize("order, m", [(10, 13), (10, 15), (11, 13), (11, 15), (12, 13), (12, 15)])
@pytest.mark.parametrize("where", ["centre", "edge"])
def test_high_order_is_stable(order, m, where):
    """Orders 10-12 on 13-15 uniform points: still at the exact rationals to 1e-12.

    The one-sided weights reach 3e5 in size with heavy cancellation between
    them; the recurrence still lands within about 1e-14 (normwise) of the
    exact values (measured when this test was written: at most 8e-15).
    """
    pts = [float(k) for k in range(-(m // 2), m - m // 2)]
    at = 0.0 if where == "centre" else pts[0]
    assert_weights(pts, order, at)


@pytest.mark.parametrize("order", range(0, 7))
@pytest.mark.parametrize("kind", ["uniform", "random"])
def test_scale_invariance(order, kind):
    rng = np.random.default_rng(order)
    if kind == "uniform":
        pts = np.arange(-4.0, 5.0)
    else:
        pts = np.sort(rng.uniform(-1, 1, 9)) + np.arange(9) * 0.2  # distinct, well spread
    at = pts[3] + 0.3 * (pts[4] - pts[3])
    base = gradkit.weights(pts, order, at)
    for scale in (1000.0, 1e-3, 7.3):
        scaled = gradkit.weights(pts * scale, order, at * scale)
        expected = base / scale**order
        np.testing.assert_allclose(scaled, expected, rtol=0, atol=1e-10 * np.abs(expected).max())


@pytest.mark.parametrize("order", range(0, 7))
def test_translation_invariance(order):
    # Points and shifts on a binary grid, so the shifted positions are exact
    # and the weights must agree to rounding of the recurrence only.
    pts = np.array([-1.5, -0.875, -0.25, 0.0, 0.625, 1.0, 1.75, 2.5])
    at = 0.3125
    base = gradkit.weights(pts, order, at)
    for shift in (3.0, -1024.0, 2.0**20):
        shifted = gradkit.weights(pts + shift, order, at + shift)
        np.testing.assert_allclose(shifted, base, rtol=0, atol=1e-12 * np.abs(base).max())


@pytest.mark.parametrize("seed", range(8))
def test_sums(seed):
    """Weights of a derivative sum to zero (constants have no slope); order 0 sums to one."""
    rng = np.random.default_rng(100 + seed)
    m = int(rng.integers(3, 12))
    pts = np.cumsum(rng.uniform(0.2, 1.0, m))
    at = float(rng.uniform(pts[0], pts[-1]))
    for order in range(0, m):
        w = gradkit.weights(pts, order, at)
        target = 1.0 if order == 0 else 0.0
        assert abs(w.sum() - target) <= 1e-13 * np.abs(w).sum(), (order, w.sum())


def test_order_equal_to_points_minus_one():
    """With m points, order m-1 is the scaled divided difference: (m-1)! / prod_{i != j}(x_j - x_i)."""
    np.testing.assert_allclose(gradkit.weights([0, 1, 2, 3], 3), [-1.0, 3.0, -3.0, 1.0], rtol=1e-15)
    pts = [0.0, 0.5, 1.25, 3.0, 3.5]
    m = len(pts)
    expected = []
    for j, xj in enumerate(pts):
        prod = Fraction(1)
        for i, xi in enumerate(pts):
            if i != j:
                prod *= Fraction(xj) - Fraction(xi)
        expected.append(math.factorial(m - 1) / prod)
    for at in (0.0, 1.0, 2.7):  # the highest derivative of the interpolant is constant
        got = gradkit.weights(pts, m - 1, at)
        assert normwise_error(got, expected) <= RTOL


@pytest.mark.parametrize("m", [1, 2, 3, 6])
def test_order_too_high_raises(m):
    pts = list(range(m))
    with pytest.raises(ValueError, match=f"order {m}"):
        gradkit.weights(pts, m)
    with pytest.raises(ValueError):
        gradkit.weights(pts, m + 3)


def test_repeated_points_raise():
    with pytest.raises(ValueError, match="distinct"):
        gradkit.weights([0.0, 1.0, 1.0], 1)


def test_points_in_any_order():
    pts = np.array([0.0, 0.4, 1.0, 1.7, 2.1])
    perm = np.array([3, 0, 4, 1, 2])
    w = gradkit.weights(pts, 2, 0.9)
    np.testing.assert_allclose(gradkit.weights(pts[perm], 2, 0.9), w[perm], rtol=0, atol=1e-13 * np.abs(w).max())


# ---------------------------------------------------------------------------
# Plans: structure
# ---------------------------------------------------------------------------
def _plan_cases():
    rng = np.random.default_rng(7)
    for order in (0, 1, 2, 3):
        for accuracy in (1, 2, 3, 4, 6, 8):
            for edge_order in sorted({1, accuracy}):
                for boundary in ("one-sided", "periodic"):
                    for uniform in (True, False):
                        need = points_needed(order, accuracy, edge_order, boundary, uniform)
                        for n in sorted({need, need + 3, 40}):
                            yield order, accuracy, edge_order, boundary, uniform, n, int(rng.integers(1 << 30))


PLAN_CASES = list(_plan_cases())


def _coords(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.cumsum(rng.uniform(0.5, 1.5, n)) * 0.1


def _make_plan(order, accuracy, edge_order, boundary, uniform, n, seed):
    if uniform:
        return plan_axis(n, order=order, accuracy=accuracy, edge_order=edge_order, boundary=boundary, step=0.1), None
    x = _coords(n, seed)
    period = (x[-1] - x[0]) + 0.1 if boundary == "periodic" else None
    plan = plan_axis(
        n, order=order, accuracy=accuracy, edge_order=edge_order, boundary=boundary,
        step=None, coords=x, period=period,
    )
    return plan, (x, period)


@pytest.mark.parametrize("case", PLAN_CASES, ids=lambda c: "k{}-p{}-e{}-{}-{}-n{}".format(*c[:3], c[3], "u" if c[4] else "x", c[5]))
def test_plan_structure(case):
    order, accuracy, edge_order, boundary, uniform, n, seed = case
    plan, grid = _make_plan(*case)
    assert plan.n == n and plan.order == order
    # Blocks cover 0..n-1, in order, without gaps or overlaps.
    assert plan.blocks[0].start == 0 and plan.blocks[-1].stop == n
    for a, b in zip(plan.blocks, plan.blocks[1:]):
        assert a.stop == b.start
    for block in plan.blocks:
        assert block.start < block.stop
        k = len(block.offsets)
        assert list(block.offsets) == sorted(set(block.offsets))
        assert block.weights.shape in ((k,), (k, block.stop - block.start))
        assert np.all(np.isfinite(block.weights))
        # Exactly-zero weights are dropped, so a sample is read only when it matters.
        assert np.all(block.weights != 0), block
        if boundary == "periodic":
            assert block.kind == "periodic"
        else:
            lo, hi = block.start + block.offsets[0], block.stop - 1 + block.offsets[-1]
            assert 0 <= lo and hi < n, "a one-sided plan reads outside the axis"
    # Every row differentiates exactly the polynomials its accuracy promises.
    for i in range(n):
        idx, w = plan.stencil(i)
        offsets = np.array(plan.block_of(i).offsets)
        assert len(idx) == len(w) == len(offsets) >= 1
        if grid is None:
            assert np.array_equal(idx, (i + offsets) % n)
            pos = offsets * 0.1
        else:
            x, period = grid
            wraps = (i + offsets) // n  # -1, 0 or +1 periods away
            pos = x[idx] + (wraps * period if period else 0.0) - x[i]
        # Centred rows are the points at least one interior radius from both
        # ends (all points on a periodic axis); the others are edge rows.
        r = (interior_width(order, accuracy, plan.uniform) - 1) // 2
        central = boundary == "periodic" or r <= i < n - r
        _check_moments(pos, w, order, central, plan.uniform, accuracy, edge_order)


def _check_moments(pos, w, order, central, uniform, accuracy, edge_order):
    """sum_j w_j pos_j**d / d! == [d == order] for every degree d the row promises.

    A row of accuracy q for derivative order k is exact on polynomials of
    degree < k + q: centred rows promise ``accuracy`` (rounded up to even on a
    uniform grid, where symmetry gives the extra order), edge rows
    ``edge_order``. Each moment is compared with the size of its terms,
    sum_j |w_j| |pos_j|**d / d!, so the check is scale-free.
    """
    promised = accuracy if central else edge_order
    if uniform and central:
        promised += promised % 2
    for d in range(order + promised):
        terms = w * pos**d / math.factorial(d)
        target = 1.0 if d == order else 0.0
        size = np.abs(terms).sum() + target
        assert abs(terms.sum() - target) <= 1e-11 * size, (central, d, terms.sum(), target)


@pytest.mark.parametrize("order", [1, 2, 3])
@pytest.mark.parametrize("accuracy", [2, 4, 6, 8])
def test_row_width_follows_the_grid(order, accuracy):
    """Non-uniform rows use at least order + accuracy points; edges order + edge_order."""
    n = 40
    x = _coords(n, order * 10 + accuracy)
    plan = plan_axis(n, order=order, accuracy=accuracy, edge_order=accuracy, step=None, coords=x)
    for i in range(n):
        assert len(plan.stencil(i)[0]) >= order + accuracy, i
    assert interior_width(order, accuracy, uniform=False) >= order + accuracy
    assert edge_width(order, accuracy) == order + accuracy
    # The centred block uses interior_width points, the edges edge_width points.
    central = [b for b in plan.blocks if b.kind == "central"]
    assert len(central) == 1 and len(central[0].offsets) == interior_width(order, accuracy, False)
    for b in plan.blocks:
        if b.kind != "central":
            assert len(b.offsets) == edge_width(order, accuracy)


# ---------------------------------------------------------------------------
# Uniform central weights are the textbook rationals
# ---------------------------------------------------------------------------
# Centred finite-difference weights on a unit grid, offsets -r..r (Fornberg,
# Math. Comp. 1988, Table 1; the third derivative at accuracy 8 is not in
# that table and was derived with exact_weights above, then written down).
TEXTBOOK = {
    (1, 2): "-1/2 0 1/2",
    (1, 4): "1/12 -2/3 0 2/3 -1/12",
    (1, 6): "-1/60 3/20 -3/4 0 3/4 -3/20 1/60",
    (1, 8): "1/280 -4/105 1/5 -4/5 0 4/5 -1/5 4/105 -1/280",
    (2, 2): "1 -2 1",
    (2, 4): "-1/12 4/3 -5/2 4/3 -1/12",
    (2, 6): "1/90 -3/20 3/2 -49/18 3/2 -3/20 1/90",
    (2, 8): "-1/560 8/315 -1/5 8/5 -205/72 8/5 -1/5 8/315 -1/560",
    (3, 2): "-1/2 1 0 -1 1/2",
    (3, 4): "1/8 -1 13/8 0 -13/8 1 -1/8",
    (3, 6): "-7/240 3/10 -169/120 61/30 0 -61/30 169/120 -3/10 7/240",
    (3, 8): "41/6048 -1261/15120 541/1120 -4369/2520 1669/720 0 -1669/720 4369/2520 -541/1120 1261/15120 -41/6048",
}


def textbook(order: int, accuracy: int) -> tuple[list[int], list[Fraction]]:
    w = [Fraction(s) for s in TEXTBOOK[(order, accuracy)].split()]
    r = len(w) // 2
    return list(range(-r, r + 1)), w


@pytest.mark.parametrize("key", sorted(TEXTBOOK))
def test_textbook_table_is_consistent(key):
    """The table above, checked by the oracle (guards against typos in it)."""
    offsets, w = textbook(*key)
    assert exact_weights(offsets, key[0]) == w


@pytest.mark.parametrize("key", sorted(TEXTBOOK))
@pytest.mark.parametrize("step", [1.0, 0.25, 3.0])
def test_uniform_central_weights_are_textbook(key, step):
    order, accuracy = key
    offsets, w = textbook(order, accuracy)
    plan = plan_axis(41, order=order, accuracy=accuracy, edge_order=accuracy, step=step)
    central = [b for b in plan.blocks if b.kind == "central"]
    assert len(central) == 1
    block = central[0]
    r = len(offsets) // 2
    assert (block.start, block.stop) == (r, 41 - r)
    nonzero = [(o, v) for o, v in zip(offsets, w) if v != 0]
    assert list(block.offsets) == [o for o, _ in nonzero], "zero weights must be dropped"
    # Exact rationals rounded once to float64 (the stencils module computes
    # uniform weights in exact arithmetic).
    assert block.shared
    assert block.weights.tolist() == [float(v) for _, v in nonzero]
    assert plan.divisor == step**order
    idx, eff = plan.stencil(20)
    np.testing.assert_allclose(eff, [float(v) / step**order for _, v in nonzero], rtol=1e-15)


@pytest.mark.parametrize("order", [1, 2, 3])
@pytest.mark.parametrize("odd", [1, 3, 5, 7])
def test_uniform_odd_accuracy_rounds_up(order, odd):
    """A centred uniform stencil's accuracy is even; asking for an odd one gives the next even."""
    plan_odd = plan_axis(30, order=order, accuracy=odd, edge_order=odd, step=1.0)
    offsets, w = textbook(order, odd + 1)
    central = next(b for b in plan_odd.blocks if b.kind == "central")
    assert central.weights.tolist() == [float(v) for v in w if v != 0]


# ---------------------------------------------------------------------------
# Dropped zeros: a NaN only reaches the points whose stencil uses it
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("j", [0, 1, 2, 7, 15, 28, 29])
@pytest.mark.parametrize("edge_order", [1, 2])
def test_nan_spreads_like_torch(j, edge_order):
    """torch.gradient reads exactly the samples with non-zero weight at accuracy 2."""
    f = np.sin(np.arange(30) * 0.3)
    f[j] = np.nan
    (ours,) = gradkit.gradient(f, spacing=0.5, edge_order=edge_order)
    (theirs,) = torch.gradient(torch.from_numpy(f), spacing=0.5, edge_order=edge_order)
    np.testing.assert_array_equal(np.isnan(ours), torch.isnan(theirs).numpy())
    d = gradkit.derivative(f, 1, spacing=0.5, accuracy=2, edge_order=edge_order)
    np.testing.assert_array_equal(np.isnan(d), torch.isnan(theirs).numpy())


@pytest.mark.parametrize("key", sorted(TEXTBOOK))
def test_nan_spreads_to_the_textbook_footprint(key):
    """Inside, a NaN at j reaches exactly j - o for the offsets o with non-zero textbook weight."""
    order, accuracy = key
    offsets, w = textbook(order, accuracy)
    n, j = 40, 20
    f = np.cos(np.arange(n) * 0.2)
    f[j] = np.nan
    out = gradkit.derivative(f, order, spacing=0.1, accuracy=accuracy)
    expected = {j - o for o, v in zip(offsets, w) if v != 0}
    assert set(np.flatnonzero(np.isnan(out)).tolist()) == expected


@pytest.mark.parametrize("order", [1, 2, 3])
@pytest.mark.parametrize("accuracy", [2, 4, 6])
@pytest.mark.parametrize("spacing", ["uniform", "coords"])
def test_nan_spreads_exactly_along_the_plan(order, accuracy, spacing):
    n = 25
    x = _coords(n, 3)
    sp = 0.1 if spacing == "uniform" else x
    plan = plan_axis(n, order=order, accuracy=accuracy, edge_order=accuracy,
                     step=0.1 if spacing == "uniform" else None, coords=None if spacing == "uniform" else x)
    for j in (0, 3, 12, n - 1):
        f = np.exp(0.3 * np.arange(n) / n)
        f[j] = np.nan
        out = gradkit.derivative(f, order, spacing=sp, accuracy=accuracy)
        users = {i for i in range(n) if j in plan.stencil(i)[0]}
        assert set(np.flatnonzero(np.isnan(out)).tolist()) == users
        assert len(users) < n  # a NaN never contaminates the whole axis


# ---------------------------------------------------------------------------
# Uniform detection and caching
# ---------------------------------------------------------------------------
def _plan_through_arguments(spacing, n, **scheme):
    """The plan gradkit.derivative would use for a 1-D axis (via the arguments layer)."""
    from gradkit import _args

    entries = _args.torch_style_spacing(spacing, (0,), (n,), True, "derivative")
    (spec,) = _args.make_specs((n,), (0,), entries, func="derivative", **scheme)
    return spec.plan()


@pytest.mark.parametrize("order, accuracy", [(1, 2), (2, 4), (3, 6)])
@pytest.mark.parametrize("boundary", ["one-sided", "periodic"])
def test_exactly_uniform_coordinates_are_a_step(order, accuracy, boundary):
    n = 33
    x = np.arange(n) * 0.25 - 2.0  # exactly evenly spaced in binary
    scheme = dict(order=order, accuracy=accuracy, boundary=boundary)
    by_step = _plan_through_arguments(0.25, n, **scheme)
    by_coords = _plan_through_arguments(x, n, **scheme)
    assert by_coords.uniform and by_coords.step == 0.25
    assert by_coords is by_step  # the same cached plan
    assert {b.kind for b in by_coords.blocks} <= {"central", "forward", "backward", "off-centre", "periodic"}
    f = np.sin(x)
    np.testing.assert_array_equal(
        gradkit.derivative(f, order, spacing=x, accuracy=accuracy, boundary=boundary),
        gradkit.derivative(f, order, spacing=0.25, accuracy=accuracy, boundary=boundary),
    )


def test_nearly_uniform_coordinates_are_coordinates():
    x = np.linspace(0.0, 1.0, 101)  # not exactly evenly spaced in binary
    plan = _plan_through_arguments(x, 101, order=1, accuracy=4)
    assert not plan.uniform and plan.coords is not None
    f = np.sin(3 * x)
    np.testing.assert_allclose(
        gradkit.derivative(f, 1, spacing=x, accuracy=4),
        gradkit.derivative(f, 1, spacing=0.01, accuracy=4),
        rtol=0, atol=1e-11,
    )


def test_plan_cache_returns_the_same_object():
    kw = dict(order=2, accuracy=4, edge_order=3)
    assert plan_axis(57, step=0.5, **kw) is plan_axis(57, step=0.5, **kw)
    assert plan_axis(57, step=0.5, **kw) is not plan_axis(57, step=0.25, **kw)
    x = _coords(57, 11)
    first = plan_axis(57, step=None, coords=x, **kw)
    assert plan_axis(57, step=None, coords=x.copy(), **kw) is first  # keyed by content
    y = x.copy()
    y[30] += 1e-9
    assert plan_axis(57, step=None, coords=y, **kw) is not first


def test_timing_million_point_coordinate_plan():
    """TIMING CHECK: a 10**6-point coordinate plan at accuracy 6 builds in well under a second.

    The issue asks for "well under a second"; the bound here is a generous 2 s
    so that a loaded CI machine does not fail it. The second call must come
    from the cache (the same object) and be much faster.
    """
    n = 10**6
    rng = np.random.default_rng(12345)
    x = np.cumsum(rng.uniform(0.5, 1.5, n))  # fresh coordinates: not in the cache
    t0 = time.perf_counter()
    plan = plan_axis(n, order=1, accuracy=6, edge_order=6, step=None, coords=x)
    built = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = plan_axis(n, order=1, accuracy=6, edge_order=6, step=None, coords=x)
    cached = time.perf_counter() - t0
    assert again is plan
    assert built < 2.0, f"building the plan took {built:.2f} s"
    assert cached < 0.25, f"a cached lookup took {cached:.3f} s"
    # Spot-check a few rows against the oracle (the plan is not just fast).
    for i in (0, 1, 2, 3, 500_000, n - 2, n - 1):
        idx, w = plan.stencil(i)
        exact = exact_weights([float(x[j]) for j in idx], 1, float(x[i]))
        assert normwise_error(w, exact) <= 1e-10
