"""Measured accuracy of ``gradkit.derivative``: convergence, exactness, periodic symbols.

Convergence is measured, not assumed: for each derivative order k (1-3),
accuracy p (2, 4, 6, 8), grid kind and boundary, the max error is computed at
several resolutions and ``log(error)`` is fitted against ``log(h)``. The
fitted slope must be at least ``p - 0.3`` in the max norm over all points,
over the interior points and over the edge points separately.

Keeping the measurement honest
------------------------------
Two things spoil a slope: coarse grids outside the asymptotic regime, and
fine grids where rounding (about ``eps * sum|w| * |f| / h**k``, growing as h
shrinks) reaches the truncation error. Each accuracy therefore has its own
range of resolutions (:data:`ONE_SIDED_N`, :data:`PERIODIC_N`), and a
resolution is used in a fit only if its error is at least 30 times the
*rounding floor* measured at that resolution (:func:`rounding_floor`): the
response of the same operator to the data, and to the coordinates, moved by
one unit in the last place. Where the errors stop falling, they level off
within a factor of about 2 of that floor, so a fitted error carries at most
a few per cent of rounding. The slope is fitted over the finest five such resolutions (the coarse
ones are only there in case rounding removes fine ones); at least three
spanning a factor of 1.4 in h must remain. A region whose error is at
rounding level from the third resolution on (the interior of second
derivatives on smooth stretched grids, two orders better than advertised)
has no slope to fit and passes as rounding-limited.

Test functions
--------------
* One-sided boundaries use the Taylor tail of ``sin(1.3 x + 0.4)`` about the
  centre of ``[0, 1]``: the function minus its Taylor polynomial of degree
  ``p + k - 1`` (:func:`sin_tail`). The scheme is exact on that polynomial
  (checked below in the polynomial-exactness tests), so in exact arithmetic
  its error is the error on ``sin(1.3 x + 0.4)`` itself; but the sample
  values are small, which lowers the rounding floor by orders of magnitude
  and lets the one-sided 11-point stencils of third derivatives at
  accuracy 8 be measured in their asymptotic regime in float64. (With the
  plain sine, the edges of that case have no resolution range that is both
  asymptotic and above rounding.)
* Periodic boundaries use ``sin(5 x + 0.4)`` on ``[0, 2 pi)``.

Grid kinds
----------
* ``uniform``: a scalar step.
* ``stretched``: ``x = s + 0.1 sin(pi s)`` on ``[0, 1]`` (local step varies
  by a factor of 1.9); periodic: ``x = s + 0.3 sin(s)`` on ``[0, 2 pi)``.
* ``perturbed``: ``x_i = s_i + 0.2 h u_i``, ``u_i`` uniform in [-1, 1] from
  fixed seeds. The left half of ``u`` is a prefix of one fixed stream and the
  right half a reversed prefix of another, so the geometry near each end is
  the same at every resolution (the edge error then converges cleanly
  instead of jumping with each new draw). Three patterns are used and the
  worst error is kept.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pytest

import gradkit

EPS = np.finfo(np.float64).eps
GRID_KINDS = ("uniform", "stretched", "perturbed")
ORDERS = (1, 2, 3)
ACCURACIES = (2, 4, 6, 8)

#: Resolutions (number of samples) per accuracy, coarse to fine.
ONE_SIDED_N = {
    2: (32, 45, 64, 90, 128, 181, 256),
    4: (32, 45, 64, 90, 128, 181, 256),
    6: (32, 40, 51, 64, 81, 102, 128, 161),
    8: (40, 48, 57, 68, 81, 96, 114, 136, 161),
}
PERIODIC_N = {
    2: (80, 113, 160, 226, 320, 453, 640),
    4: (80, 113, 160, 226, 320, 453, 640),
    6: (80, 101, 127, 160, 202, 254, 320),
    8: (101, 127, 160, 202, 254, 320),
}
N_PATTERNS = 3  # perturbed grids: worst of this many fixed patterns
FLOOR_FACTOR = 30  # a fitted error is at least this many times the rounding floor
FIT_POINTS = 5  # the slope is fitted over the finest this many usable resolutions

# One-sided test function: sin(W x + PHASE) on [0, 1], Taylor tail about CENTRE.
W, PHASE, CENTRE = 1.3, 0.4, 0.5
# Periodic test function: sin(M x + PHASE) on [0, 2 pi).
M = 5
PERIOD = 2 * math.pi


# ---------------------------------------------------------------------------
# Test functions and grids
# ---------------------------------------------------------------------------
def sin_tail(x: np.ndarray, start: int, deriv: int = 0, terms: int = 40) -> np.ndarray:
    """``deriv``-th derivative of sin(W x + PHASE) minus its Taylor polynomial of degree ``start - 1``.

    Summed directly from the Taylor series about CENTRE, terms ``start ..
    start + terms``; for ``|W (x - CENTRE)| < 1`` the neglected terms are
    below 1e-40 relative, and every term is accurate to a few ulps.
    """
    t = np.asarray(x, dtype=np.float64) - CENTRE
    out = np.zeros_like(t)
    for j in range(start + terms, start - 1, -1):
        coef = W**j * math.sin(PHASE + W * CENTRE + j * math.pi / 2)
        out += coef * t ** (j - deriv) / math.factorial(j - deriv)
    return out


def periodic_exact(x: np.ndarray, deriv: int, m: int = M, phase: float = PHASE) -> np.ndarray:
    """``deriv``-th derivative of sin(m x + phase)."""
    return m**deriv * np.sin(m * x + phase + deriv * math.pi / 2)


def _pattern(n: int, pattern: int) -> np.ndarray:
    """u in [-1, 1]^n: left half a prefix of one stream, right half a reversed prefix of another."""
    left = np.random.default_rng([pattern, 1]).uniform(-1, 1, n)
    right = np.random.default_rng([pattern, 2]).uniform(-1, 1, n)[::-1]
    u = left.copy()
    u[n // 2 :] = right[n // 2 :]
    return u


def one_sided_grid(kind: str, n: int, pattern: int = 0) -> tuple[np.ndarray, object, float]:
    """Samples on [0, 1]: (x, spacing argument, nominal step h)."""
    h = 1.0 / (n - 1)
    s = np.linspace(0.0, 1.0, n)
    if kind == "uniform":
        x = np.arange(n) * h
        return x, h, h
    if kind == "stretched":
        x = s + 0.1 * np.sin(np.pi * s)
    elif kind == "perturbed":
        x = s + 0.2 * h * _pattern(n, pattern)
    else:
        raise ValueError(kind)
    return x, x, h


def periodic_grid(kind: str, n: int, pattern: int = 0) -> tuple[np.ndarray, object, float, float | None]:
    """One period [0, 2 pi): (x, spacing argument, nominal step h, period argument)."""
    h = PERIOD / n
    s = np.arange(n) * h
    if kind == "uniform":
        return s, h, h, None
    if kind == "stretched":
        x = s + 0.3 * np.sin(s)
    elif kind == "perturbed":
        x = s + 0.2 * h * _pattern(n, pattern)
    else:
        raise ValueError(kind)
    return x, x, h, PERIOD


def edge_count(order: int, accuracy: int) -> int:
    """Points at each end counted as 'edge': at least the radius of any centred stencil."""
    return accuracy // 2 + order


def rounding_floor(derivative, f: np.ndarray, x: np.ndarray, spacing) -> np.ndarray:
    """Per point, the size of the error that rounding alone can cause.

    Two responses of the operator, whichever is larger: to the data perturbed
    by one ulp with random signs (rounding of the samples and of the weighted
    sum), and, on coordinate grids, to the coordinates perturbed by one ulp
    (rounding of the coordinates and of the weights computed from them).
    ``derivative(data, spacing)`` applies the scheme.
    """
    rng = np.random.default_rng(len(f))
    signs = rng.choice([-1.0, 1.0], size=f.shape)
    floor = np.abs(derivative(EPS * np.abs(f) * signs, spacing))
    if np.ndim(spacing) == 1:
        moved = x * (1 + EPS * rng.choice([-1.0, 1.0], size=x.shape))
        floor = np.maximum(floor, np.abs(derivative(f, moved) - derivative(f, x)))
    return floor


# ---------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------
REGIONS = ("all", "interior", "edges")


@dataclass
class Convergence:
    """Errors per resolution and region, and the fitted slopes."""

    order: int
    accuracy: int
    kind: str
    boundary: str
    h: list[float] = field(default_factory=list)
    errors: dict[str, list[float]] = field(default_factory=lambda: {r: [] for r in REGIONS})
    floors: dict[str, list[float]] = field(default_factory=lambda: {r: [] for r in REGIONS})

    def used(self, region: str) -> np.ndarray:
        """Which resolutions are fitted: the finest FIT_POINTS of those far enough above rounding."""
        above = np.array(self.errors[region]) >= FLOOR_FACTOR * np.array(self.floors[region])
        keep = np.zeros_like(above)
        keep[np.flatnonzero(above)[-FIT_POINTS:]] = True
        return keep

    def slope(self, region: str) -> float:
        keep = self.used(region)
        h = np.array(self.h)[keep]
        e = np.array(self.errors[region])[keep]
        if len(h) < 3 or h.max() / h.min() < 1.4:
            return float("nan")
        return float(np.polyfit(np.log(h), np.log(e), 1)[0])

    def report(self) -> str:
        lines = [f"order {self.order}, accuracy {self.accuracy}, {self.kind}, {self.boundary}:"]
        for r in REGIONS:
            keep = self.used(r)
            cells = " ".join(
                f"{e:.1e}{'' if k else '*'}" for e, k in zip(self.errors[r], keep)
            )
            lines.append(f"  {r:8s} slope {self.slope(r):5.2f}  errors {cells}")
        lines.append(f"  (* = not fitted: coarser than the finest {FIT_POINTS} usable, or within {FLOOR_FACTOR}x of the rounding floor)")
        return "\n".join(lines)


def measure(order: int, accuracy: int, kind: str, boundary: str) -> Convergence:
    """Max errors over all / interior / edge points at each resolution of the table."""
    result = Convergence(order, accuracy, kind, boundary)
    table = ONE_SIDED_N if boundary == "one-sided" else PERIODIC_N
    patterns = range(N_PATTERNS) if kind == "perturbed" else range(1)
    e = edge_count(order, accuracy)
    for n in table[accuracy]:
        worst = {r: 0.0 for r in REGIONS}
        floor = {r: 0.0 for r in REGIONS}
        for pattern in patterns:
            if boundary == "one-sided":
                x, spacing, h = one_sided_grid(kind, n, pattern)
                period = None
                f = sin_tail(x, order + accuracy)
                exact = sin_tail(x, order + accuracy, order)
            else:
                x, spacing, h, period = periodic_grid(kind, n, pattern)
                f = np.sin(M * x + PHASE)
                exact = periodic_exact(x, order)

            def apply(data, spacing):
                return gradkit.derivative(
                    data, order, spacing=spacing, accuracy=accuracy,
                    boundary=boundary, period=period,
                )

            err = np.abs(apply(f, spacing) - exact)
            fl = rounding_floor(apply, f, x, spacing)
            masks = {"all": slice(None), "interior": slice(e, n - e)}
            edges = np.r_[0:e, n - e : n]
            for r, m in (*masks.items(), ("edges", edges)):
                worst[r] = max(worst[r], float(err[m].max()))
                floor[r] = max(floor[r], float(fl[m].max()))
        result.h.append(h)
        for r in REGIONS:
            result.errors[r].append(worst[r])
            result.floors[r].append(floor[r])
    return result


def rounding_limited(conv: Convergence, region: str) -> bool:
    """True when a region is at rounding level at all but its two coarsest resolutions.

    Its error then cannot be fitted, and it is bounded by rounding rather than
    by any power of h (e.g. the interior of second derivatives on smooth
    stretched grids, where the centred stencils are two orders better than
    advertised).
    """
    above = np.array(conv.errors[region]) >= FLOOR_FACTOR * np.array(conv.floors[region])
    return not above[2:].any()


#: Cases whose float64 slope is still pre-asymptotic at every resolution that
#: stays above rounding (local slopes rise 7.24 -> 7.85 over the fitted range).
#: Their asymptotic order p is shown in 50-digit arithmetic by
#: test_stencil_choice_has_order_p_in_high_precision, so here they get a wider
#: margin instead of the usual 0.3.
PRE_ASYMPTOTIC_MARGIN = {(3, 8, "stretched", "one-sided", "interior"): 0.6}


def _check(conv: Convergence) -> None:
    print("\n" + conv.report())
    p = conv.accuracy
    assert not math.isnan(conv.slope("all")), f"too few resolutions above rounding\n{conv.report()}"
    for r in REGIONS:
        s = conv.slope(r)
        if math.isnan(s):
            assert rounding_limited(conv, r), f"too few resolutions to fit ({r})\n{conv.report()}"
            continue
        margin = PRE_ASYMPTOTIC_MARGIN.get((conv.order, p, conv.kind, conv.boundary, r), 0.3)
        assert s >= p - margin, f"measured order {s:.2f} < {p} - {margin} over {r} points\n{conv.report()}"


@pytest.mark.parametrize("kind", GRID_KINDS)
@pytest.mark.parametrize("accuracy", ACCURACIES)
@pytest.mark.parametrize("order", ORDERS)
def test_convergence_one_sided(order, accuracy, kind):
    _check(measure(order, accuracy, kind, "one-sided"))


@pytest.mark.parametrize("kind", GRID_KINDS)
@pytest.mark.parametrize("accuracy", ACCURACIES)
@pytest.mark.parametrize("order", ORDERS)
def test_convergence_periodic(order, accuracy, kind):
    _check(measure(order, accuracy, kind, "periodic"))


@pytest.mark.parametrize("order, accuracy", [(1, 8), (2, 8), (3, 6), (3, 8)])
def test_stencil_choice_has_order_p_in_high_precision(order, accuracy):
    """The samples each point uses give order p, seen at resolutions float64 cannot reach.

    The plan's offsets for every checked point (edge rows and centred rows)
    on the stretched one-sided grid are taken from the library; the weights
    for them are recomputed exactly from the moment conditions in 50-digit
    arithmetic, and applied to sin(1.3 x + 0.4) sampled in the same
    precision. This separates the choice of stencils (checked here) from
    float64 rounding (checked by the weight tests in test_stencils.py), and
    shows the asymptotic order of the cases whose float64 slopes are still
    pre-asymptotic at n ~ 100 (third derivatives at accuracy 8 on stretched
    grids: local slopes rise from 7.3 at n = 50 to 7.99 at n = 640).
    """
    mp = pytest.importorskip("mpmath")
    from gradkit.stencils import plan_axis

    e = edge_count(order, accuracy)
    with mp.workdps(50):
        w_, ph = mp.mpf("1.3"), mp.mpf("0.4")

        def fn(t, k=0):
            return w_**k * mp.sin(w_ * t + ph + k * mp.pi / 2)

        results = {"interior": [], "edges": []}
        hs = []
        for n in (161, 322, 644):
            x = [mp.mpf(i) / (n - 1) + mp.mpf("0.1") * mp.sin(mp.pi * mp.mpf(i) / (n - 1)) for i in range(n)]
            plan = plan_axis(n, order=order, accuracy=accuracy, edge_order=accuracy, step=None,
                             coords=np.array([float(v) for v in x]))
            worst = {"interior": mp.mpf(0), "edges": mp.mpf(0)}
            for i in sorted({0, 1, e - 1, n - e, n - 1, e, e + 1, e + 3, n // 2, n - e - 2}):
                pts = [x[i + o] for o in plan.block_of(i).offsets]
                m = len(pts)
                a = mp.matrix([[(q - x[i]) ** k / mp.factorial(k) for q in pts] for k in range(m)])
                b = mp.matrix([1 if k == order else 0 for k in range(m)])
                w = mp.lu_solve(a, b)
                err = abs(mp.fsum(w[j] * fn(pts[j]) for j in range(m)) - fn(x[i], order))
                region = "interior" if e <= i < n - e else "edges"
                worst[region] = max(worst[region], err)
            hs.append(mp.mpf(1) / (n - 1))
            for r in results:
                results[r].append(worst[r])
    for r, errs in results.items():
        slopes = [float(mp.log(errs[j] / errs[j + 1]) / mp.log(hs[j] / hs[j + 1])) for j in range(2)]
        print(f"\norder {order}, accuracy {accuracy}, {r}: local slopes {slopes}")
        assert min(slopes) >= accuracy - 0.1, (r, slopes, [float(v) for v in errs])


def test_measurement_detects_a_low_order_scheme():
    """The machinery is not blind: an accuracy-2 scheme measures about 2, far below the bar for 4."""
    conv = measure(1, 2, "perturbed", "one-sided")
    assert 1.7 <= conv.slope("all") <= 2.5


# ---------------------------------------------------------------------------
# Polynomial exactness
# ---------------------------------------------------------------------------
def random_grid(n: int, seed: int) -> np.ndarray:
    """Distinct sorted points in about [-1, 1] with gap ratios below 4."""
    rng = np.random.default_rng(seed)
    gaps = rng.uniform(0.4, 1.6, n - 1)
    x = np.concatenate([[0.0], np.cumsum(gaps)])
    return 2 * x / x[-1] - 1 + rng.uniform(-0.05, 0.05)


def _poly_check(x, spacing, order, accuracy, edge_order, degree, seed):
    rng = np.random.default_rng(seed)
    poly = np.polynomial.Polynomial(rng.normal(size=degree + 1))
    f = poly(x)
    exact = poly.deriv(order)(x)
    got = gradkit.derivative(f, order, spacing=spacing, accuracy=accuracy, edge_order=edge_order)
    # Rounding in sum_j w_j f_j is about eps * sum_j |w_j| |f_j|, with
    # sum_j |w_j| <~ C / hmin**order; the bound below is that with C = 1e6,
    # still far below the O(h**0) error of a stencil that is not exact.
    hmin = np.min(np.abs(np.diff(x)))
    scale = np.abs(f).max() / hmin**order + np.abs(exact).max()
    err = np.abs(got - exact).max()
    assert err <= 1e6 * EPS * scale, (
        f"degree {degree}, order {order}, accuracy {accuracy}, edge_order {edge_order}: "
        f"max error {err:.2e} (relative to max|f^(k)| {err / np.abs(exact).max():.1e})"
    )
    return err / np.abs(exact).max()


@pytest.mark.parametrize("accuracy", [1, 2, 3, 4, 5, 6, 7, 8])
@pytest.mark.parametrize("order", ORDERS)
def test_polynomial_exactness_random_grids(order, accuracy):
    """Accuracy p for order k is exact on degree p + k - 1, at every point, edges included."""
    worst = 0.0
    for seed in range(4):
        n = 2 * (order + accuracy) + 3 + 4 * seed
        x = random_grid(n, 1000 * order + 10 * accuracy + seed)
        worst = max(worst, _poly_check(x, x, order, accuracy, None, accuracy + order - 1, seed))
    # Relative to the size of the derivative the error stays at rounding level.
    assert worst < 1e-9


@pytest.mark.parametrize("accuracy", [2, 4, 6, 8])
@pytest.mark.parametrize("order", ORDERS)
def test_polynomial_exactness_uniform(order, accuracy):
    x = np.arange(order + accuracy + 9) * 0.125 - 1.0
    assert _poly_check(x, 0.125, order, accuracy, None, accuracy + order - 1, 7) < 1e-11


@pytest.mark.parametrize("edge_order", [1, 2, 3])
@pytest.mark.parametrize("accuracy", [2, 4, 6])
@pytest.mark.parametrize("order", ORDERS)
def test_polynomial_exactness_with_edge_order(order, accuracy, edge_order):
    """A separate edge_order e: exact on degree min(p, e) + k - 1 everywhere."""
    x = random_grid(2 * (order + accuracy) + 6, 77 + order + accuracy + edge_order)
    degree = min(accuracy, edge_order) + order - 1
    _poly_check(x, x, order, accuracy, edge_order, degree, edge_order)


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("accuracy", [2, 4, 6])
def test_one_degree_more_is_not_exact(order, accuracy):
    """The exactness tests can fail: on a random grid degree p + k is not differentiated exactly."""
    x = random_grid(3 * (order + accuracy), 5)
    poly = np.polynomial.Polynomial.basis(accuracy + order)
    got = gradkit.derivative(poly(x), order, spacing=x, accuracy=accuracy)
    exact = poly.deriv(order)(x)
    assert np.abs(got - exact).max() > 1e-6 * np.abs(exact).max()


# ---------------------------------------------------------------------------
# Periodic boundaries
# ---------------------------------------------------------------------------
def central_coefficients(order: int, accuracy: int) -> list[float]:
    """Closed forms for centred uniform weights c_1..c_r (c_{-j} = -+c_j), r = accuracy / 2.

    First derivative: c_j = (-1)**(j+1) (r!)**2 / (j (r-j)! (r+j)!), odd in j.
    Second derivative: c_j = 2 (-1)**(j+1) (r!)**2 / (j**2 (r-j)! (r+j)!), even
    in j, with c_0 = -2 sum_j c_j.
    """
    r = accuracy // 2
    out = []
    for j in range(1, r + 1):
        base = (-1) ** (j + 1) * math.factorial(r) ** 2 / (math.factorial(r - j) * math.factorial(r + j))
        out.append(base / j if order == 1 else 2 * base / j**2)
    return out


def modified_symbol(order: int, accuracy: int, theta: np.ndarray) -> np.ndarray:
    """Symbol of the centred stencil at theta = m h (times h**order):
    first derivative i * sum 2 c_j sin(j theta); second derivative c_0 + sum 2 c_j cos(j theta)."""
    c = central_coefficients(order, accuracy)
    if order == 1:
        return 1j * sum(2 * cj * np.sin((j + 1) * theta) for j, cj in enumerate(c))
    c0 = -2 * sum(c)
    return c0 + sum(2 * cj * np.cos((j + 1) * theta) for j, cj in enumerate(c))


def test_closed_forms_are_the_textbook_weights():
    assert central_coefficients(1, 2) == [0.5]
    np.testing.assert_allclose(central_coefficients(1, 4), [2 / 3, -1 / 12], rtol=1e-15)
    np.testing.assert_allclose(central_coefficients(2, 4), [4 / 3, -1 / 12], rtol=1e-15)
    np.testing.assert_allclose(
        central_coefficients(2, 8), [8 / 5, -1 / 5, 8 / 315, -1 / 560], rtol=1e-15
    )


@pytest.mark.parametrize("accuracy", ACCURACIES)
@pytest.mark.parametrize("order", [1, 2])
@pytest.mark.parametrize("n", [16, 33])
def test_periodic_uniform_modified_wavenumber(order, accuracy, n):
    """On a uniform periodic grid the result is the centred stencil's symbol times the exact mode.

    For accuracy 2 and order 1 that is sin(m h) / h * cos(m x + phi), exactly up to rounding,
    at every point (there are no edges).
    """
    h = PERIOD / n
    x = np.arange(n) * h
    for m in (1, 2, 3, 7, n // 2 - 1):
        for phase in (0.0, 0.4, math.pi / 2):  # sin, a shifted sine, cos
            f = np.sin(m * x + phase)
            lam = modified_symbol(order, accuracy, np.array(m * h)) / h**order
            # D e^{i(mx+phase)} = lam e^{i(mx+phase)}; f is its imaginary part.
            expected = (lam * np.exp(1j * (m * x + phase))).imag
            got = gradkit.derivative(f, order, spacing=h, accuracy=accuracy, boundary="periodic")
            bound = 2 * sum(abs(c) for c in central_coefficients(order, accuracy)) * (2 if order == 2 else 1)
            np.testing.assert_allclose(got, expected, rtol=0, atol=64 * EPS * bound / h**order)
    # The symbol is not the exact derivative: the test distinguishes the stencils.
    if n == 16:
        lam_exact = (1j * 7) ** order
        assert abs(modified_symbol(order, accuracy, np.array(7 * h)) / h**order - lam_exact) > 1e-3


def test_periodic_accuracy2_first_derivative_formula():
    n, m = 24, 5
    h = PERIOD / n
    x = np.arange(n) * h
    got = gradkit.derivative(np.sin(m * x), 1, spacing=h, accuracy=2, boundary="periodic")
    np.testing.assert_allclose(got, np.sin(m * h) / h * np.cos(m * x), rtol=0, atol=1e-14 / h)


@pytest.mark.parametrize("kind", ["stretched", "perturbed"])
@pytest.mark.parametrize("order, accuracy", [(1, 2), (1, 6), (2, 4), (3, 8)])
def test_periodic_has_no_seam(kind, order, accuracy):
    """Starting the period elsewhere changes nothing: the wrap-around is just more interior.

    The grid is rotated by ``shift`` samples (the moved samples get +period)
    and the result must be the same numbers, rotated, up to rounding.
    """
    n = 48
    x, _, _, period = periodic_grid(kind, n)
    for m, phase in ((1, 0.0), (3, 0.4), (6, 1.1)):
        f = np.cos(m * x + phase)
        base = gradkit.derivative(f, order, spacing=x, accuracy=accuracy, boundary="periodic", period=period)
        for shift in (1, 7, n // 2):
            xs = np.concatenate([x[shift:], x[:shift] + period])
            moved = gradkit.derivative(np.roll(f, -shift), order, spacing=xs, accuracy=accuracy,
                                       boundary="periodic", period=period)
            scale = np.abs(base).max()
            np.testing.assert_allclose(np.roll(moved, shift), base, rtol=0, atol=1e-9 * scale)


def test_periodic_uniform_coordinates_need_no_period():
    n = 40
    x = np.arange(n) * 0.125
    f = np.sin(2 * math.pi * x / (n * 0.125))
    a = gradkit.derivative(f, 2, spacing=x, accuracy=4, boundary="periodic")
    b = gradkit.derivative(f, 2, spacing=0.125, accuracy=4, boundary="periodic")
    np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------------------
# Mixed partials
# ---------------------------------------------------------------------------
def _mixed_case(n: int, kinds: tuple[str, str]):
    x, sx, _ = one_sided_grid(kinds[0], n, 0)
    y, sy, _ = one_sided_grid(kinds[1], n + 3, 1)
    X, Y = np.meshgrid(x, y, indexing="ij")
    f = np.sin(1.1 * X + 0.3) * np.exp(0.7 * Y) + X**2 * Y
    fxy = 1.1 * np.cos(1.1 * X + 0.3) * 0.7 * np.exp(0.7 * Y) + 2 * X
    fxxy = -(1.1**2) * np.sin(1.1 * X + 0.3) * 0.7 * np.exp(0.7 * Y) + 2.0
    return f, (sx, sy), fxy, fxxy


@pytest.mark.parametrize("kinds", [("uniform", "uniform"), ("stretched", "perturbed"), ("perturbed", "uniform")])
@pytest.mark.parametrize("accuracy", [2, 4])
def test_mixed_partial_converges(kinds, accuracy):
    hs, errs, errs2 = [], [], []
    for n in (16, 24, 32, 48, 64):
        f, spacing, fxy, fxxy = _mixed_case(n, kinds)
        got = gradkit.derivative(f, order=(1, 1), axis=(0, 1), spacing=spacing, accuracy=accuracy)
        got2 = gradkit.derivative(f, order=(2, 1), axis=(0, 1), spacing=spacing, accuracy=accuracy)
        hs.append(1.0 / (n - 1))
        errs.append(np.abs(got - fxy).max())
        errs2.append(np.abs(got2 - fxxy).max())
    for e in (errs, errs2):
        slope = np.polyfit(np.log(hs), np.log(e), 1)[0]
        assert slope >= accuracy - 0.3, (slope, e)


def test_mixed_partial_is_two_single_derivatives_in_either_order():
    f, (sx, sy), fxy, _ = _mixed_case(30, ("stretched", "perturbed"))
    both = gradkit.derivative(f, order=(1, 1), axis=(0, 1), spacing=(sx, sy), accuracy=4)
    xy = gradkit.derivative(gradkit.derivative(f, 1, axis=0, spacing=sx, accuracy=4), 1, axis=1, spacing=sy, accuracy=4)
    yx = gradkit.derivative(gradkit.derivative(f, 1, axis=1, spacing=sy, accuracy=4), 1, axis=0, spacing=sx, accuracy=4)
    scale = np.abs(fxy).max()
    np.testing.assert_allclose(both, xy, rtol=0, atol=1e-12 * scale * 30**2)
    np.testing.assert_allclose(both, yx, rtol=0, atol=1e-12 * scale * 30**2)
    # The axis order in the call does not matter either.
    swapped = gradkit.derivative(f, order=(1, 1), axis=(1, 0), spacing=(sy, sx), accuracy=4)
    np.testing.assert_allclose(swapped, both, rtol=0, atol=1e-12 * scale * 30**2)


# ---------------------------------------------------------------------------
# Agreement with numpy.gradient and torch.gradient where they overlap
# ---------------------------------------------------------------------------
def _close(got, expected):
    """rtol 1e-12 with an absolute floor scaled to the data (see tests/conformance/conftest)."""
    expected = np.asarray(expected)
    np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-12, atol=1e-12 * np.abs(expected).max())


def _overlap_grids():
    rng = np.random.default_rng(2024)
    n = 23
    yield "step", 0.37, np.arange(n) * 0.37
    x = np.cumsum(rng.uniform(0.2, 1.0, n))
    yield "coords", x, x
    s = np.linspace(0, 1, n)
    yield "stretched", s + 0.1 * np.sin(np.pi * s), s + 0.1 * np.sin(np.pi * s)


@pytest.mark.parametrize("edge_order", [1, 2])
@pytest.mark.parametrize("name, spacing, x", list(_overlap_grids()), ids=lambda v: v if isinstance(v, str) else "")
def test_agrees_with_numpy_gradient(name, spacing, x, edge_order):
    f = np.exp(np.sin(2 * x)) + x**2
    expected = np.gradient(f, spacing, edge_order=edge_order)
    (g,) = gradkit.gradient(f, spacing=spacing if np.ndim(spacing) == 0 else (spacing,), edge_order=edge_order)
    _close(g, expected)
    _close(gradkit.derivative(f, 1, spacing=spacing, accuracy=2, edge_order=edge_order), expected)
    # 2-D, along each axis.
    F = np.outer(f, np.cos(np.arange(5.0)))
    for axis in (0, 1):
        sp = spacing if axis == 0 else 0.5
        expected = np.gradient(F, sp, axis=axis, edge_order=edge_order)
        _close(gradkit.derivative(F, 1, spacing=sp, axis=axis, accuracy=2, edge_order=edge_order), expected)


@pytest.mark.parametrize("edge_order", [None, 1, 2])
@pytest.mark.parametrize("name, spacing, x", list(_overlap_grids()), ids=lambda v: v if isinstance(v, str) else "")
def test_agrees_with_torch_gradient(name, spacing, x, edge_order):
    torch = pytest.importorskip("torch")
    f = torch.from_numpy(np.exp(np.sin(2 * x)) + x**2)
    t_spacing = spacing if np.ndim(spacing) == 0 else (torch.from_numpy(spacing),)
    kw = {} if edge_order is None else {"edge_order": edge_order}
    (expected,) = torch.gradient(f, spacing=t_spacing, **kw)
    (g,) = gradkit.gradient(f, spacing=t_spacing, **kw)
    assert isinstance(g, torch.Tensor) and g.dtype == torch.float64
    _close(g.numpy(), expected.numpy())
    d = gradkit.derivative(f, 1, spacing=t_spacing[0] if isinstance(t_spacing, tuple) else t_spacing,
                           accuracy=2, edge_order=edge_order or 1)
    _close(d.numpy(), expected.numpy())
