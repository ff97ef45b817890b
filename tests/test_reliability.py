"""Regression tests for the reliability audit (issue 10): masked input, periodic
settings, edge stencils too wide for the dtype, and extreme steps.

Each test failed before its fix: masks were dropped, a negative period gave
wrong values at the wrapped points, ``edge_order`` was ignored on periodic
axes, ``accuracy=64`` returned garbage at the edges, underflowed gaps raised
``ZeroDivisionError`` from the compiled kernel and ``spacing=1e200`` with
``order=2`` raised ``OverflowError``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import gradkit
from gradkit.compat import numpy_gradient

MASK = [0, 0, 1, 0, 0, 0, 1, 0, 0]


def _masked(rng, n=9, mask=MASK):
    return np.ma.array(rng.normal(size=n), mask=mask)


@pytest.mark.parametrize("edge_order", [1, 2])
@pytest.mark.parametrize("grid", ["step", "coords"])
def test_masked_gradient_follows_numpy(edge_order, grid):
    rng = np.random.default_rng(edge_order)
    f = _masked(rng)
    x = np.cumsum(rng.uniform(0.2, 1.0, 9))
    spacing = 0.5 if grid == "step" else x
    (got,) = gradkit.gradient(f, spacing=(spacing,), edge_order=edge_order)
    expected = np.gradient(f, spacing, edge_order=edge_order)
    assert isinstance(got, np.ma.MaskedArray)
    np.testing.assert_array_equal(np.ma.getmaskarray(got), np.ma.getmaskarray(expected))
    keep = ~np.ma.getmaskarray(expected)
    np.testing.assert_allclose(np.ma.getdata(got)[keep], np.ma.getdata(expected)[keep], rtol=1e-12)
    np.testing.assert_array_equal(f.mask, MASK)  # the input's mask is untouched


def _depends_on_masked(fn, f: np.ma.MaskedArray) -> np.ndarray:
    """Which outputs change when the masked samples change (an oracle
    independent of the stencil plans)."""
    data = np.ma.getdata(f).copy()
    base = fn(data)
    data[np.ma.getmaskarray(f)] += 1e6
    return fn(data) != base


@pytest.mark.parametrize(
    "kw",
    [
        dict(order=2),
        dict(order=1, accuracy=4),
        dict(order=3, accuracy=2),
        dict(order=2, spacing="coords"),
    ],
)
def test_masked_derivative_masks_what_uses_a_masked_sample(kw):
    rng = np.random.default_rng(3)
    f = np.ma.array(rng.normal(size=14), mask=[0] * 6 + [1] + [0] * 7)
    kw = dict(kw)
    if kw.get("spacing") == "coords":
        kw["spacing"] = np.cumsum(rng.uniform(0.2, 1.0, 14))
    order = kw.pop("order")
    got = gradkit.derivative(f, order, **kw)
    assert isinstance(got, np.ma.MaskedArray)
    expected_mask = _depends_on_masked(lambda d: gradkit.derivative(d, order, **kw), f)
    np.testing.assert_array_equal(np.ma.getmaskarray(got), expected_mask)
    assert 0 < expected_mask.sum() < len(f)


def test_masked_mixed_partial():
    rng = np.random.default_rng(4)
    mask = np.zeros((6, 7), bool)
    mask[2, 3] = True
    f = np.ma.array(rng.normal(size=(6, 7)), mask=mask)
    got = gradkit.derivative(f, (1, 1), axis=(0, 1))
    expected = _depends_on_masked(lambda d: gradkit.derivative(d, (1, 1), axis=(0, 1)), f)
    np.testing.assert_array_equal(np.ma.getmaskarray(got), expected)


def test_masked_without_mask_and_out_refused():
    f = np.ma.array([1.0, 2.0, 4.0, 8.0])
    (got,) = gradkit.gradient(f)
    assert isinstance(got, np.ma.MaskedArray) and not got.mask.any()
    with pytest.raises(TypeError, match="out= is not supported for masked input"):
        gradkit.gradient(f, out=(np.empty(4),))


def test_masked_drop_in_with_complex_step_is_numpys():
    f = np.ma.array([1.0, 2.0, 4.0, 8.0, 16.0], mask=[0, 0, 1, 0, 0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
        got, expected = numpy_gradient(f, 1j), np.gradient(f, 1j)
    np.testing.assert_array_equal(np.ma.getmaskarray(got), np.ma.getmaskarray(expected))
    np.testing.assert_array_equal(got.filled(7.0), expected.filled(7.0))


# ---------------------------------------------------------------------------
# Periodic settings
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda: gradkit.gradient(np.arange(8.0), boundary="periodic", edge_order=2),
    lambda: gradkit.derivative(np.arange(8.0), 2, boundary="periodic", edge_order=1),
    lambda: gradkit.explain(np.arange(8.0), 3, boundary="periodic", edge_order=2),
])
def test_periodic_refuses_edge_order(call):
    with pytest.raises(ValueError, match="edge_order=.* has no meaning with boundary='periodic'"):
        call()


@pytest.mark.parametrize("x", [np.linspace(0, 5, 9), np.linspace(5, 0, 9)])
def test_negative_period_is_refused(x):
    x = x + np.r_[0, 0.1, 0, -0.1, 0, 0.05, 0, 0, 0]  # not evenly spaced
    with pytest.raises(ValueError, match="period must be positive"):
        gradkit.gradient(np.sin(x), spacing=(x,), boundary="periodic", period=-6.0)
    with pytest.raises(ValueError, match="period must be positive"):
        gradkit.gradient(np.arange(8.0), spacing=0.5, boundary="periodic", period=-4.0)


# ---------------------------------------------------------------------------
# Edge stencils too wide for the dtype
# ---------------------------------------------------------------------------
def test_high_accuracy_edges_are_refused_with_the_safe_edge_order():
    x = np.linspace(0, 3, 300)
    with pytest.raises(ValueError, match=r"edge_order=64 .* amplify rounding errors .* Pass edge_order=(\d+)") as info:
        gradkit.derivative(np.sin(x), 1, spacing=x[1] - x[0], accuracy=64)
    safe = int(info.value.args[0].split("Pass edge_order=")[1].split()[0])
    assert 8 <= safe < 64
    d = gradkit.derivative(np.sin(x), 1, spacing=x[1] - x[0], accuracy=64, edge_order=safe)
    assert np.abs(d - np.cos(x)).max() < 1e-5  # the edges keep their digits
    # float32 keeps fewer digits, so its limit is lower
    with pytest.raises(ValueError, match="amplify rounding errors"):
        gradkit.derivative(np.sin(x).astype(np.float32), 1, spacing=0.01, accuracy=24)
    gradkit.derivative(np.sin(x), 1, spacing=0.01, accuracy=24)  # fine in float64
    # a periodic axis has no edges: any accuracy
    t = np.linspace(0, 2 * np.pi, 300, endpoint=False)
    dp = gradkit.derivative(np.sin(t), spacing=t[1] - t[0], boundary="periodic", accuracy=64)
    assert np.abs(dp - np.cos(t)).max() < 1e-10


@pytest.mark.parametrize("accuracy", [2, 4, 8, 16, 24])
def test_accepted_accuracies_keep_their_edges(accuracy):
    """Up to the limit, the edges are accurate: measured errors (docs/stencils.md)."""
    x = np.linspace(0, 3, 300)
    d = gradkit.derivative(np.sin(x), 1, spacing=x[1] - x[0], accuracy=accuracy)
    assert np.abs(d - np.cos(x)).max() < {2: 1e-4, 4: 1e-8, 8: 1e-11, 16: 1e-9, 24: 1e-7}[accuracy]


# ---------------------------------------------------------------------------
# Extreme steps
# ---------------------------------------------------------------------------
def test_underflowed_gaps_give_numpys_inf_nan_never_zero_division():
    x = np.array([0.0, 1e-170, 2e-170, 3e-170, 1.0])  # hl * hr underflows to 0
    f = np.arange(5.0) ** 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = np.gradient(f, x)
    np.testing.assert_array_equal(numpy_gradient(f, x), expected)  # numpy's inf/nan, no ZeroDivisionError
    with pytest.raises(ValueError, match=r"gaps from 1e-170 .* more than 2\*\*50 apart"):
        gradkit.gradient(f, spacing=(x,))  # gradkit's own: a clear refusal instead of inf/nan
    unit = np.array([0.0, 1.0, 2.5, 3.0, 4.0])
    tiny = unit * 1e-170  # exact neighbour products underflow: hl * hr ~ 1e-340
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert not np.isfinite(np.gradient(f, tiny)).all()  # numpy (and the drop-in) lose the answer
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no warning from the internals
        (got,) = gradkit.gradient(f, spacing=(tiny,))
    (plain,) = gradkit.gradient(f, spacing=(unit,))
    np.testing.assert_allclose(got * 1e-170, plain, rtol=1e-14)
    assert np.isfinite(got).all() and np.abs(got).max() > 1e169


def test_far_gaps_are_rescaled_by_powers_of_two_with_the_same_bits():
    # Issue 10 item 5: coordinates times 2**k give the derivative times
    # 2**(-k*order) bit for bit (powers of two change no rounding in the
    # normal range), also where the unscaled weights would leave the range.
    rng = np.random.default_rng(5)
    x0 = np.cumsum(rng.uniform(0.5, 1.5, 24))
    f = np.sin(x0)
    for order, accuracy in [(1, 2), (1, 4), (2, 2), (2, 4), (3, 2)]:
        plain = gradkit.derivative(f, order, spacing=(x0,), accuracy=accuracy)
        for k in (-900, -400, 300, 900):
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                got = gradkit.derivative(f, order, spacing=(np.ldexp(x0, k),), accuracy=accuracy)
            with np.errstate(all="ignore"):
                want = np.ldexp(plain, -k * order)
            np.testing.assert_array_equal(got, want, err_msg=f"order {order} accuracy {accuracy} k {k}")
    # periodic, with the period scaled alike
    P = x0[-1] - x0[0] + 1.0
    plain = gradkit.derivative(f, 2, spacing=(x0,), boundary="periodic", period=P, accuracy=4)
    got = gradkit.derivative(f, 2, spacing=(np.ldexp(x0, -600),), boundary="periodic", period=np.ldexp(P, -600),
                             accuracy=4)
    with np.errstate(all="ignore"):
        want = np.ldexp(plain, 1200)
    np.testing.assert_array_equal(got, want)
    # float32 data: its range is far smaller
    f32 = f.astype(np.float32)
    plain = gradkit.derivative(f32, 1, spacing=(x0,))
    np.testing.assert_array_equal(gradkit.derivative(f32, 1, spacing=(np.ldexp(x0, -100),)), np.ldexp(plain, 100))
    # torch.gradient itself on moderately scaled coordinates: the same bits
    torch = pytest.importorskip("torch")
    xs = torch.tensor(np.ldexp(x0, -500))
    np.testing.assert_array_equal(
        gradkit.gradient(torch.tensor(f), spacing=(xs,))[0].numpy(), torch.gradient(torch.tensor(f), spacing=(xs,))[0].numpy()
    )
    # explain refuses such grids clearly (its arithmetic is shown in coordinate units)
    with pytest.raises(ValueError, match="so far from 1"):
        gradkit.explain(f, 3, spacing=(np.ldexp(x0, -700),))


@pytest.mark.parametrize("h, scale", [(1e200, 1e200), (1e-160, 1e-300), (1e-200, 1e-300)])
def test_steps_near_the_float_range_keep_representable_answers(h, scale):
    k = np.arange(8.0)
    f = k**2 * scale  # second derivative 2 * scale / h**2, representable
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        d2 = gradkit.derivative(f, 2, spacing=h)
        e = gradkit.explain(f, 3, order=2, spacing=h)  # its effective weights may overflow; the result does not
    expected = 2 * scale / h / h
    np.testing.assert_allclose(d2, expected, rtol=1e-12)
    assert e.result == d2[3]


# ---------------------------------------------------------------------------
# Layouts and byte orders
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("view", [
    lambda a: a.transpose(2, 0, 1),
    lambda a: a.transpose(1, 0, 2)[:, ::2],
    lambda a: a[::2, :, ::3],
    lambda a: a.transpose(0, 2, 1)[:, :, ::-1],
])
@pytest.mark.parametrize("spacing", ["step", "coords"])
def test_strided_views_equal_their_contiguous_copies(view, spacing):
    """Views whose dims cannot be merged (or whose inner walk is strided) are
    copied once instead of looped over (60x quicker); the values are the same."""
    rng = np.random.default_rng(9)
    a = view(rng.normal(size=(12, 10, 14)))
    for d in range(3):
        sp = 0.5 if spacing == "step" else np.cumsum(rng.uniform(0.2, 1.0, a.shape[d]))
        (got,) = gradkit.gradient(a, spacing=(sp,), dim=d)
        (ref,) = gradkit.gradient(np.ascontiguousarray(a), spacing=(sp,), dim=d)
        np.testing.assert_array_equal(got, ref)
        out = np.empty_like(a)
        gradkit.gradient(a, spacing=(sp,), dim=d, out=(out,))
        np.testing.assert_array_equal(out, ref)


def test_out_of_either_byte_order():
    f = (np.arange(10.0) ** 2).astype(">f8")
    for out in (np.empty(10), np.empty(10, ">f8")):
        gradkit.gradient(f, out=(out,))
        np.testing.assert_array_equal(out, np.gradient(f))
    with pytest.raises(TypeError, match="dtype"):
        gradkit.gradient(f, out=(np.empty(10, np.float32),))


# ---------------------------------------------------------------------------
# Found by the fuzz (tests/fuzz on branch h-fuzz): clear errors, not internal ones
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("call, exc, pattern", [
    (lambda: gradkit.gradient(np.array([1.0, 2.0, 4.0]), spacing=10**400), ValueError, "spacing must be finite"),
    (lambda: gradkit.weights([0.0, 1.0, 2.0], at=10**400), ValueError, "at must be finite"),
    (lambda: gradkit.derivative(np.array(3.0), axis=None), TypeError, "axis must be an integer"),
    (lambda: gradkit.derivative(np.arange(9.0).reshape(3, 3), axis=None), TypeError, "axis must be an integer"),
    (lambda: gradkit.gradient(np.zeros(0), spacing=([],), boundary="periodic", period=1.0), ValueError,
     "0 samples"),
    (lambda: numpy_gradient(np.array([1.0, 2.0, 4.0]), np.timedelta64(1, "D")), TypeError, "time value"),
])
def test_fuzz_findings_give_clear_errors(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


def test_range_coordinates_are_accepted_like_numpy():
    f = np.arange(5.0) ** 2
    np.testing.assert_array_equal(numpy_gradient(f, range(5)), np.gradient(f, range(5)))
    np.testing.assert_array_equal(gradkit.gradient(f, spacing=range(5))[0], np.gradient(f, range(5)))


def test_huge_accuracy_with_low_edge_order_is_all_edges():
    """A centred stencil wider than the axis is never built (10**30 points
    raised OverflowError): every point takes its edge stencil."""
    f = np.arange(5.0) ** 2
    np.testing.assert_array_equal(
        gradkit.derivative(f, 1, accuracy=10**30, edge_order=1), gradkit.derivative(f, 1, accuracy=6, edge_order=1)
    )
    x = np.array([0.0, 1.0, 2.5, 3.0, 4.0])
    d = gradkit.derivative(x**2, 1, spacing=x, accuracy=10**30, edge_order=2)
    np.testing.assert_allclose(d, 2 * x, rtol=1e-12)  # three-point edges are exact for x**2


def test_weights_far_from_at_are_exact():
    """weights() runs the recurrence on the exact values: no NaN for points
    that would round together relative to at, none for huge spans."""
    from fractions import Fraction

    pts = [-32.0, -31.999999999999996, 32.0]
    w = gradkit.weights(pts, 1, at=0.5)
    assert np.isfinite(w).all() and abs(w[0]) > 1e12
    # exactness: the weights differentiate 1, x, x**2 exactly (in rationals, up to the one rounding)
    for k in range(3):
        total = sum(Fraction(float(wi)) * Fraction(p) ** k for wi, p in zip(w, pts))
        exact = k * Fraction(0.5) ** (k - 1) if k else 0
        assert abs(float(total - exact)) <= 1e-15 * float(sum(abs(Fraction(float(wi)) * Fraction(p) ** k) for wi, p in zip(w, pts)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(gradkit.weights([-6e307, 0.0, 1e306, 3e307], order=0, at=-6e307), [1, 0, 0, 0])


def test_positions_that_round_together_are_refused():
    with pytest.raises(ValueError, match="more than 2\\*\\*50 apart"):
        gradkit.derivative(np.arange(5.0), 1, spacing=np.array([0.0, 1e-40, 1e-20, 1.0, 2.0]), accuracy=4)
    # numpy_gradient keeps numpy's answer on such grids (numpy's closed form does not collapse here)
    x = np.array([0.0, 1e-40, 1e-20, 1.0, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.testing.assert_array_equal(numpy_gradient(np.arange(5.0), x), np.gradient(np.arange(5.0), x))
