"""Regression tests for defects a mutation campaign showed the suite missed (issue 10, item 3).

Each test would fail if its defect were (re)introduced:

a. the compiled 1-D line kernel leaving a point of a 2048-point tile unwritten;
b. periodic boundaries on decreasing coordinates;
c. ``out=`` overlapping the input accepted (and the input overwritten);
d. ``out=`` not written on the generic path (float16 NumPy data, torch tensors,
   NumPy with the compiled kernels off);
e. the even-width edge window shifted off the most centred position;
f. the command line's handler letting an ``IndexError`` out as "internal error".

Oracles: torch.gradient and numpy.gradient (bit for bit where gradkit
reproduces them), the generic array-API kernel (torch tensors), analytic
derivatives, exact polynomial derivatives, and the reversed grid.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import gradkit
from gradkit.kernels import dispatch
from gradkit.stencils import interior_width

# ---------------------------------------------------------------------------
# a. Lines longer than one 2048-point tile: every element, every point
# ---------------------------------------------------------------------------
TILE = 2048
LENGTHS = [TILE - 1, TILE, TILE + 1, 2 * TILE + 1, 3 * TILE - 1, 10000]


def _grid(n, kind, rng):
    if kind == "uniform":
        return 0.5, np.arange(n) * 0.5
    x = np.cumsum(rng.uniform(0.5, 1.5, n))
    return x, x


@pytest.mark.parametrize("n", LENGTHS)
@pytest.mark.parametrize("kind", ["uniform", "coords"])
@pytest.mark.parametrize("edge_order", [1, 2])
def test_long_lines_match_torch_and_numpy_everywhere(n, kind, edge_order):
    rng = np.random.default_rng(n + edge_order)
    spacing, x = _grid(n, kind, rng)
    f = rng.standard_normal(n)
    got = gradkit.gradient(f, spacing=(spacing,), edge_order=edge_order)[0]
    t_spacing = spacing if kind == "uniform" else torch.from_numpy(x)
    want = torch.gradient(torch.from_numpy(f), spacing=(t_spacing,), edge_order=edge_order)[0].numpy()
    np.testing.assert_array_equal(got, want)
    np.testing.assert_allclose(got, np.gradient(f, spacing if kind == "uniform" else x, edge_order=edge_order),
                               rtol=1e-13, atol=1e-13)
    # The same line as the row of a 2-D array (one tile per row chunk).
    rows = np.stack([f, -2.0 * f, f[::-1].copy()])
    got2 = gradkit.gradient(rows, spacing=(spacing,), dim=1, edge_order=edge_order)[0]
    np.testing.assert_array_equal(got2[0], got)
    np.testing.assert_array_equal(got2[1], gradkit.gradient(-2.0 * f, spacing=(spacing,), edge_order=edge_order)[0])


@pytest.mark.parametrize("n", LENGTHS)
@pytest.mark.parametrize("kind", ["uniform", "coords"])
@pytest.mark.parametrize("order, accuracy", [(1, 2), (1, 4), (2, 2), (2, 4), (3, 2), (1, 6)])
@pytest.mark.parametrize("boundary", ["one-sided", "periodic"])
def test_long_lines_match_the_generic_kernel_everywhere(n, kind, order, accuracy, boundary):
    """The compiled kernel (NumPy) against the generic one (torch), every element."""
    rng = np.random.default_rng(7 * n + order + accuracy)
    spacing, x = _grid(n, kind, rng)
    f = rng.standard_normal(n)
    kw = dict(order=order, accuracy=accuracy, boundary=boundary)
    if boundary == "periodic" and kind == "coords":
        kw["period"] = float(x[-1] - x[0] + 1.0)
    got = gradkit.derivative(f, spacing=spacing, **kw)
    t_spacing = spacing if kind == "uniform" else torch.from_numpy(x)
    want = gradkit.derivative(torch.from_numpy(f), spacing=t_spacing, **kw).numpy()
    assert np.isfinite(got).all()
    scale = np.abs(want).max()
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12 * scale)


@pytest.mark.parametrize("n", [TILE - 1, TILE, TILE + 1, 2 * TILE + 1, 10000])
@pytest.mark.parametrize("kind", ["uniform", "coords"])
@pytest.mark.parametrize("order, accuracy", [(1, 2), (1, 4), (2, 2), (2, 4)])
def test_long_lines_differentiate_polynomials_exactly(n, kind, order, accuracy):
    """Every stencil used has at least order + accuracy points: exact for degree order + accuracy - 1."""
    rng = np.random.default_rng(n)
    if kind == "uniform":
        spacing = 1.0 / n
        x = np.arange(n) * spacing
    else:
        x = np.cumsum(rng.uniform(0.5, 1.5, n))
        x = x / x[-1]
        spacing = x
    degree = order + accuracy - 1
    p = np.polynomial.Polynomial(rng.uniform(-1, 1, degree + 1))
    got = gradkit.derivative(p(x), order, spacing=spacing, accuracy=accuracy)
    want = p.deriv(order)(x)
    # Round-off of a stencil with weights ~ 1/h**order (h ~ 1/n) on values ~ 1.
    tol = 1e-12 * float(n) ** order * 50
    err = np.abs(got - want)
    assert err.max() < tol, (int(err.argmax()), err.max(), tol)


# ---------------------------------------------------------------------------
# b. Periodic boundary on decreasing coordinates
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("accuracy", [2, 4, 6])
@pytest.mark.parametrize("period_sign", [1])  # a negative period is refused (tests/test_reliability.py)
def test_periodic_decreasing_coordinates(accuracy, period_sign):
    rng = np.random.default_rng(accuracy)
    n = 64
    period = 2 * np.pi
    h = period / n
    x_inc = (np.arange(n) + rng.uniform(-0.3, 0.3, n)) * h + 0.1
    f = lambda x: np.sin(x) + 0.5 * np.cos(2 * x)  # noqa: E731
    df = lambda x: np.cos(x) - np.sin(2 * x)  # noqa: E731
    x_dec = x_inc[::-1].copy()
    for order, exact in ((1, df), (2, lambda x: -np.sin(x) - 2 * np.cos(2 * x))):
        inc = gradkit.derivative(f(x_inc), order, spacing=x_inc, boundary="periodic", period=period,
                                 accuracy=accuracy)
        dec = gradkit.derivative(f(x_dec), order, spacing=x_dec, boundary="periodic",
                                 period=period_sign * period, accuracy=accuracy)
        # The same samples on the reversed grid: the same derivative, point for point.
        np.testing.assert_allclose(dec, inc[::-1], rtol=1e-11, atol=1e-11)
        # And the analytic derivative, at the order of accuracy (the wrap-around points included).
        bound = 40.0 * (2 * h) ** accuracy * 4**order
        err = np.abs(dec - exact(x_dec))
        assert err.max() < bound, (order, int(err.argmax()), err.max(), bound)
        assert err[[0, 1, -2, -1]].max() < bound  # the points whose stencils wrap
    # gradient() too, and a uniform decreasing grid given by a negative step.
    g = gradkit.gradient(f(x_dec), spacing=(x_dec,), boundary="periodic", period=period, accuracy=accuracy)[0]
    np.testing.assert_allclose(g, gradkit.derivative(f(x_dec), spacing=x_dec, boundary="periodic",
                                                     period=period, accuracy=accuracy), rtol=0, atol=0)
    xu = np.arange(n) * h
    du = gradkit.derivative(f(xu[::-1]), spacing=-h, boundary="periodic", accuracy=accuracy)
    assert np.abs(du - df(xu[::-1])).max() < 40.0 * h**accuracy * 4
    np.testing.assert_allclose(
        du, gradkit.derivative(f(xu), spacing=h, boundary="periodic", accuracy=accuracy)[::-1],
        rtol=1e-12, atol=1e-12,
    )


# ---------------------------------------------------------------------------
# c. out= overlapping the input
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("make_out", [
    lambda f, base: f,  # the input itself
    lambda f, base: base[2:52],  # a shifted view of the same buffer
    lambda f, base: base[:50][::-1],  # reversed view
    lambda f, base: f.view(),  # a view object of the same memory
])
def test_out_overlapping_the_input_raises_and_leaves_f_alone(make_out):
    base = np.sin(np.linspace(0.0, 3.0, 60))
    f = base[:50]
    before = base.copy()
    out = make_out(f, base)
    with pytest.raises(ValueError, match="overlaps the input"):
        gradkit.gradient(f, out=(out,))
    np.testing.assert_array_equal(base, before)
    with pytest.raises(ValueError, match="overlaps the input"):
        gradkit.derivative(f, 2, out=out)
    np.testing.assert_array_equal(base, before)
    with pytest.raises(ValueError, match="overlaps the input"):
        gradkit.gradient(f, spacing=(np.cumsum(np.ones(50)),), out=(out,))
    np.testing.assert_array_equal(base, before)


def test_out_overlapping_in_2d():
    f = np.arange(30.0).reshape(5, 6) ** 2
    before = f.copy()
    spare = np.empty_like(f)
    with pytest.raises(ValueError, match="overlaps the input"):
        gradkit.gradient(f, out=(spare, f))  # the second output is f
    np.testing.assert_array_equal(f, before)
    with pytest.raises(ValueError, match="overlaps the input"):
        gradkit.gradient(f, dim=1, out=(f.T.T,))
    np.testing.assert_array_equal(f, before)
    t = torch.from_numpy(f.copy())
    t_before = t.clone()
    for bad in (t, t[:], t.view(5, 6)):
        with pytest.raises(ValueError, match="overlaps the input"):
            gradkit.gradient(t, dim=1, out=(bad,))
        assert torch.equal(t, t_before)
    # Separate memory is fine and is written.
    out = np.full_like(f, np.nan)
    (res,) = gradkit.gradient(f, dim=1, out=(out,))
    assert res is out and np.array_equal(out, gradkit.gradient(f, dim=1)[0])


# ---------------------------------------------------------------------------
# d. out= on the float16 / generic paths
# ---------------------------------------------------------------------------
def _check_out_numpy(f, **kw):
    fresh = gradkit.gradient(f, **kw)
    outs = tuple(np.full_like(r, np.nan) for r in fresh)
    got = gradkit.gradient(f, out=outs, **kw)
    for r, o, g in zip(fresh, outs, got):
        assert g is o
        assert o.dtype == r.dtype
        np.testing.assert_array_equal(o, r)
        assert not np.isnan(o).any()
    order2 = gradkit.derivative(f, 2, axis=-1)
    out2 = np.full_like(order2, np.nan)
    assert gradkit.derivative(f, 2, axis=-1, out=out2) is out2
    np.testing.assert_array_equal(out2, order2)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.complex64])
def test_out_is_written_numpy(dtype):
    f = (np.linspace(0.0, 2.0, 40) ** 3).astype(dtype)
    _check_out_numpy(f)
    _check_out_numpy(f, spacing=(np.linspace(0.0, 2.0, 40) ** 1.5,), edge_order=2)
    _check_out_numpy(np.outer(f, f[:7]))


def test_out_is_written_with_compiled_kernels_off(monkeypatch):
    """What GRADKIT_DISABLE_JIT=1 selects: NumPy arrays through the generic kernel."""
    monkeypatch.setattr(dispatch, "_COMPILED", False)
    monkeypatch.setattr(dispatch, "compiled_available", lambda: False)
    f = np.linspace(0.0, 2.0, 40) ** 3
    for dtype in (np.float16, np.float64):
        _check_out_numpy(f.astype(dtype))
        _check_out_numpy(f.astype(dtype), spacing=(np.linspace(0.0, 2.0, 40) ** 1.5,), accuracy=4)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64])
def test_out_is_written_torch(dtype):
    f = torch.linspace(0.0, 2.0, 40, dtype=torch.float64).pow(3).to(dtype)
    x = torch.linspace(0.0, 2.0, 40, dtype=torch.float64).pow(1.5).to(dtype)
    for kw in ({}, {"spacing": (x,)}, {"spacing": (0.25,), "edge_order": 2}):
        fresh = gradkit.gradient(f, **kw)[0]
        out = torch.full_like(fresh, float("nan"))
        (got,) = gradkit.gradient(f, out=(out,), **kw)
        assert got is out and out.dtype == fresh.dtype
        assert torch.equal(out, fresh)
        if dtype == torch.float64:  # torch.gradient's bits
            assert torch.equal(out, torch.gradient(f, **kw)[0])
    d2 = gradkit.derivative(f, 2, accuracy=4)
    out2 = torch.full_like(d2, float("nan"))
    assert gradkit.derivative(f, 2, accuracy=4, out=out2) is out2
    assert torch.equal(out2, d2)


# ---------------------------------------------------------------------------
# e. Even-width edge windows: the most centred window holding the point
# ---------------------------------------------------------------------------
def _most_centred_windows(i, width, n):
    """Every window of ``width`` consecutive samples inside [0, n) holding i, at minimal
    distance from its centre to i; as offsets relative to i."""
    starts = range(max(0, i - width + 1), min(i, n - width) + 1)
    dist = {s: abs(s + (width - 1) / 2 - i) for s in starts}
    best = min(dist.values())
    return [tuple(range(s - i, s - i + width)) for s in starts if dist[s] == best]


EVEN_EDGES = [  # (order, edge_order, accuracy): an even edge window of order + edge_order points
    (1, 3, 2),
    (1, 3, 4),
    (1, 3, 8),
    (2, 2, 2),
    (2, 2, 6),
    (1, 5, 8),
    (3, 1, 4),
    (3, 3, 8),
    (4, 2, 8),
]


@pytest.mark.parametrize("order, edge_order, accuracy", EVEN_EDGES)
@pytest.mark.parametrize("kind", ["uniform", "coords"])
def test_even_edge_windows_are_the_most_centred(order, edge_order, accuracy, kind):
    n = 24
    width = order + edge_order
    assert width % 2 == 0
    rng = np.random.default_rng(width * 100 + accuracy)
    x = np.cumsum(rng.uniform(0.7, 1.3, n)) / n if kind == "coords" else np.arange(n) / n
    spacing = x if kind == "coords" else 1.0 / n
    kw = dict(spacing=spacing, order=order, accuracy=accuracy, edge_order=edge_order)
    # Exact for polynomials of degree m - 1, m the fewest points of any stencil used.
    m = min(width, interior_width(order, accuracy, uniform=kind == "uniform"))
    p = np.polynomial.Polynomial(rng.uniform(-1, 1, m))
    got = gradkit.derivative(p(x), order, spacing=spacing, accuracy=accuracy, edge_order=edge_order)
    want = p.deriv(order)(x)
    np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-7 * np.abs(want).max())
    edge_points = 0
    for i in range(n):
        e = gradkit.explain(p(x), i, **kw)
        assert e.result == got[i]
        if e.kind not in ("forward", "backward", "off-centre"):
            continue
        edge_points += 1
        window = tuple(range(e.offsets[0], e.offsets[-1] + 1))
        assert len(window) == width and set(e.offsets) <= set(window), (i, e.offsets)
        candidates = _most_centred_windows(i, width, n)
        assert window in candidates, (i, window, candidates)
        # Ties (room on both sides): (width - 1) // 2 samples before the point,
        # width // 2 after it, the rule of the one-sided windows throughout.
        if len(candidates) > 1:
            assert window == tuple(range(-((width - 1) // 2), width // 2 + 1)), (i, window)
        assert e.accuracy == edge_order
    assert edge_points >= 2


# ---------------------------------------------------------------------------
# f. The command line catches IndexError (a data error, exit 1, not "internal error")
# ---------------------------------------------------------------------------
def test_cli_reports_index_errors_as_data_errors(capsys, monkeypatch):
    import sys

    from gradkit import cli

    explain_module = sys.modules["gradkit.explain"]  # the module (gradkit.explain is the function)

    code = cli.main(["explain", "1", "2", "4", "--at", "7"])
    out, err = capsys.readouterr()
    assert code == cli.EXIT_DATA and out == ""
    assert err.strip() == "gradkit explain: error: --at 7 is out of range: 3 samples, expected -3..2"

    def raising(*args, **kwargs):
        raise IndexError("explain: index 7 is out of range: dim 0 has 3 samples")

    # An IndexError from the library, wherever it comes from, is one line and exit 1.
    monkeypatch.setattr(explain_module, "explain", raising)
    code = cli.main(["explain", "1", "2", "4", "--at", "1"])
    out, err = capsys.readouterr()
    assert code == cli.EXIT_DATA, err
    assert "internal error" not in err and len(err.splitlines()) == 1
    assert err.startswith("gradkit explain: error: index 7 is out of range")
    monkeypatch.setattr(explain_module, "_explain_all", raising)
    code = cli.main(["explain", "1", "2", "4"])
    out, err = capsys.readouterr()
    assert code == cli.EXIT_DATA and "internal error" not in err


# ---------------------------------------------------------------------------
# Found by the 11,000-case fuzz run of session 17 (issue 10 item 9)
# ---------------------------------------------------------------------------
def test_fuzz_float16_coordinates_overflowing_to_inf_warn_nothing():
    import warnings

    from gradkit.compat import numpy_gradient

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # inf - inf inside the coordinate scan warned
        with pytest.raises(ValueError, match="must be finite"):
            numpy_gradient(np.arange(14, dtype=np.float32), np.full(14, np.inf, np.float16))


def test_fuzz_numpy_gradient_wide_edges_refuse_complex_coordinates():
    from gradkit.compat import numpy_gradient

    f = np.arange(32.0).reshape(4, 8)
    z = np.array([1.0, 1.1, 1.2, 1.3], complex)
    with pytest.raises(TypeError, match="complex coordinates.*edge_order=3"):
        numpy_gradient(f, z, np.arange(8.0) ** 2, edge_order=3)  # was a numba TypingError
    # numpy's own schemes take them (and match numpy, its ComplexWarning included)
    with pytest.warns(np.exceptions.ComplexWarning):
        got = numpy_gradient(f, z, np.arange(8.0) ** 2)[0]
    with pytest.warns(np.exceptions.ComplexWarning):
        want = np.gradient(f, z, np.arange(8.0) ** 2)[0]
    np.testing.assert_array_equal(got, want)


def test_fuzz_torch_wide_edges_take_list_coordinates_in_the_default_float():
    torch = pytest.importorskip("torch")
    from gradkit.compat import torch_gradient

    f = torch.tensor([[-7, 5], [3, -8], [3, 7], [-9, 1], [-6, 3], [-4, -9]], dtype=torch.int16)
    x = [-24.625, -24.25, 0.125, 1.125, 5.5, 9.125]
    narrow = torch_gradient(f, dim=0, spacing=(x,), edge_order=2)[0]
    wide = torch_gradient(f, dim=0, spacing=(x,), edge_order=3)[0]
    assert narrow.dtype == wide.dtype == torch.get_default_dtype()  # as torch.tensor(x) would give


def test_fuzz_complex32_and_float8_tensors_are_refused_clearly():
    torch = pytest.importorskip("torch")
    from gradkit.compat import TorchUnsupportedDtypeError, torch_gradient

    for dtype in (torch.complex32, torch.float8_e4m3fn):
        t = torch.zeros(7, dtype=dtype)
        with pytest.raises(TypeError, match="cannot differentiate|does not divide"):
            gradkit.explain(t, 1)
        with pytest.raises(TypeError, match="cannot differentiate"):
            gradkit.gradient(t)
        with pytest.raises(TorchUnsupportedDtypeError):
            torch_gradient(t)
        with pytest.raises(NotImplementedError):  # what torch.gradient raises for them
            torch_gradient(t)


def test_fuzz_torch_fraction_spacing_refused_like_torch():
    torch = pytest.importorskip("torch")
    from fractions import Fraction

    from gradkit.compat import torch_gradient

    for edge_order in (1, 3):
        with pytest.raises(TypeError, match="spacing must hold numbers torch takes"):
            torch_gradient(torch.arange(12.0).reshape(3, 4), dim=1, spacing=Fraction(1, 3), edge_order=edge_order)


def test_fuzz_masked_integers_are_widened_like_numpy():
    from gradkit.compat import numpy_gradient

    f = np.ma.array(np.array([55, -62, -10, 72, -72, -98, 30, -61, 85, 97], dtype="int8"),
                    mask=[1, 0, 1, 1, 0, 1, 1, 0, 1, 0])
    got, want = numpy_gradient(f), np.gradient(f)
    np.testing.assert_array_equal(np.ma.getmaskarray(got), np.ma.getmaskarray(want))
    np.testing.assert_array_equal(got.data[~want.mask], want.data[~want.mask])


def test_fuzz_nat_reaches_wide_edges():
    from gradkit.compat import numpy_gradient

    f = np.array([0, 1, 2, 3, 4, 5, 6, 7], dtype="int64").view("m8[D]").copy()
    f[1] = np.timedelta64("NaT")
    out = numpy_gradient(f, edge_order=3)
    assert np.isnat(out[0]) and not np.isnat(out[-1])


def test_fuzz_nearly_coincident_unsorted_coordinates_refused():
    x = np.array([1e-266, -41.4, -8.3e-290, -49.0, -10.8, 11.8, -23.1, 1.0])
    with pytest.raises(ValueError, match="more than 2\\*\\*50 apart"):
        gradkit.derivative(np.zeros(8), 2, spacing=x)


def test_fuzz_jax_weights_are_not_cached_across_traces():
    jnp = pytest.importorskip("jax.numpy")
    x = np.array([-22.125, 5.875, 8.0, 14.375, 17.25])
    gradkit.derivative(jnp.zeros((0, 2, 5), dtype=jnp.float32), 2, spacing=x, edge_order=2)
    out = gradkit.derivative(jnp.ones((3, 2, 5), dtype=jnp.float32), 2, spacing=x, edge_order=2)
    np.testing.assert_allclose(np.asarray(out), 0, atol=1e-5)  # was an UnexpectedTracerError


@pytest.mark.parametrize("dtype", ["float8_e4m3fn", "complex32"])
@pytest.mark.parametrize("shape", [(), (3,)])
@pytest.mark.parametrize("kwargs", [{}, {"dim": 0}, {"dim": ()}, {"dim": []}, {"spacing": 2.0}, {"edge_order": 2},
                                    {"dim": (), "spacing": [1.0]}])
def test_torch_gradient_on_dtypes_torch_cannot_divide_follows_torch(dtype, shape, kwargs):
    """With nothing to differentiate (a 0-d tensor, dim=()) torch returns ()
    or its dim error whatever the dtype; otherwise NotImplementedError. The
    drop-in refused every such tensor (found by the long fuzz run)."""
    import warnings

    from gradkit.compat import torch_gradient

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch: ComplexHalf support is experimental
        t = torch.zeros(shape).to(getattr(torch, dtype))
        try:
            expected = torch.gradient(t, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the original's error class is the contract
            with pytest.raises(type(exc)):
                torch_gradient(t, **kwargs)
        else:
            assert torch_gradient(t, **kwargs) == expected == ()


@pytest.mark.parametrize("axis", [(), []])
@pytest.mark.parametrize("f", [
    np.ma.array(np.array([6263], dtype="int16"), mask=[True]),
    np.ma.array([1.0, 2.0, 4.0], mask=[0, 1, 0]),
    np.ma.array([[1.0, 2.0, 4.0]], mask=[[0, 1, 0]]),
])
def test_numpy_gradient_of_a_masked_array_over_no_axes_is_an_empty_tuple(f, axis):
    """numpy returns () for axis=(); the masked path indexed the first
    axis's spec (IndexError; found by the long fuzz run)."""
    from gradkit.compat import numpy_gradient

    expected = np.gradient(f, axis=axis)
    assert numpy_gradient(f, axis=axis) == expected == ()


# ---------------------------------------------------------------------------
# Found by the long fuzz run of 2026-12-03 (tools/fuzz/long-run-2026-12-03.txt)
# ---------------------------------------------------------------------------
def test_torch_int64_data_beyond_2_62_keeps_the_precision_of_float64_coordinates():
    """Data beyond 2**62 was converted to the default float (float32) before
    the coordinate path: torch's float64 arithmetic, exact here, came back
    with float32's rounding (0.0020000000949949026 for 0.002)."""
    from gradkit.compat import torch_gradient

    f = torch.tensor([-1, 2**63 - 1, 1, 1, -1, -1, 1], dtype=torch.int64)
    x = torch.tensor([0.0, 1.0, 1.5, 2.5, 2.500001, 2.500002, 1002.500002], dtype=torch.float64)
    got = torch_gradient(f, spacing=(x,))[0]
    want = torch.gradient(f, spacing=(x,))[0]
    assert got.dtype == want.dtype == torch.float64
    # index 0 is where torch's int64 subtraction wraps around (a deliberate difference)
    np.testing.assert_array_equal(got[1:].numpy(), want[1:].numpy())
    assert got[0] > 0 > want[0]


def test_torch_int64_minimum_is_widened_not_wrapped():
    """abs(-2**63) wraps to itself in int64, so the widening test missed the
    int64 minimum and the interior difference wrapped (sign flipped)."""
    from gradkit.compat import torch_gradient

    got = torch_gradient(torch.tensor([-(2**63), 5, 7]))[0]
    assert got.dtype == torch.get_default_dtype()
    np.testing.assert_allclose(got.numpy(), [2.0**63, 2.0**62, 2.0], rtol=1e-7)


def test_torch_list_coordinates_that_coincide_in_the_default_float_are_refused():
    """A coordinate list becomes torch.tensor(list) (float32): values distinct
    in float64 but equal in float32 were validated as float64 and then
    divided by a zero gap (NaN results)."""
    from gradkit.compat import torch_gradient

    f = torch.arange(12, dtype=torch.int32).reshape(2, 6)
    x = [0.0, 0.001, 0.501, 0.501001, 1000.501001, 1000.501002]
    assert torch.tensor(x)[4] == torch.tensor(x)[5]
    with pytest.raises(ValueError, match=r"spacing\[0\] must hold distinct coordinates, but entries 4 and 5"):
        torch_gradient(f, dim=1, spacing=(x,))
    # lists that stay distinct give torch's answer for the tensor torch.tensor(list)
    y = [0.0, 0.5, 1.5, 2.0, 4.0, 4.25]
    np.testing.assert_array_equal(torch_gradient(f, dim=1, spacing=(y,))[0].numpy(),
                                  torch.gradient(f, dim=1, spacing=(torch.tensor(y),))[0].numpy())


def test_torch_wide_edges_refuse_complex_coordinates():
    """edge_order > 2 discarded the imaginary part of complex coordinate
    tensors with a ComplexWarning (silently wrong for truly complex ones)."""
    import warnings

    from gradkit.compat import torch_gradient

    z = torch.tensor([0, 1 + 1j, 2, 3 - 1j, 4, 5], dtype=torch.complex128)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TypeError, match=r"spacing\[0\] holds complex coordinates.*edge_order=3"):
            torch_gradient(torch.arange(6.0), spacing=(z,), edge_order=3)
    # torch's own schemes take them, bit for bit
    np.testing.assert_array_equal(torch_gradient(torch.arange(6.0), spacing=(z,), edge_order=2)[0].numpy(),
                                  torch.gradient(torch.arange(6.0), spacing=(z,), edge_order=2)[0].numpy())


def test_torch_zero_dim_input_takes_any_spacing_torch_takes():
    """torch returns () for a 0-d tensor whatever the scalar spacing (a
    boolean included); the drop-in refused np.True_, saying torch does too."""
    from gradkit.compat import torch_gradient

    t = torch.tensor(7, dtype=torch.int64)
    for spacing in (np.bool_(True), True, 2.0):
        assert torch.gradient(t, spacing=spacing, edge_order=2) == torch_gradient(t, spacing=spacing, edge_order=2) == ()
    with pytest.raises(TypeError, match="spacing must hold numbers torch takes"):
        torch_gradient(torch.arange(3.0), spacing=np.bool_(True))


def test_torch_zero_dim_complex32_warns_nothing():
    import warnings

    from gradkit.compat import torch_gradient

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = torch.tensor(3j).to(torch.complex32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # was: "Casting complex values to real discards the imaginary part"
        assert torch_gradient(t) == ()


@pytest.mark.parametrize("case", ["huge fractions", "tiny fractions", "decimal step", "decimal coordinates",
                                  "datetime with a fraction step"])
def test_numpy_gradient_names_the_spacing_numpy_cannot_compute_with(case):
    """numpy's own arithmetic fails on these Python-number spacings with a
    bare OverflowError / ZeroDivisionError / TypeError / ValueError; the
    drop-in raised them as they were (or a ZeroDivisionError numpy does not
    raise). It now says which argument and what to do."""
    from decimal import Decimal
    from fractions import Fraction

    from gradkit.compat import numpy_gradient

    f, args, kind = {
        "huge fractions": (np.arange(9, dtype=np.uint32),
                           (np.array([Fraction(int(v * 1e304)) for v in (-2.4, -2.0, -1.7, -1.4, -0.7, 0.4, 0.8, 0.9, 2.5)],
                                     dtype=object),), ValueError),
        "tiny fractions": (np.array([6.0, 0, -8, -1]),
                           (np.array([Fraction(-29, 2**1060), Fraction(-8, 2**1063), Fraction(8, 2**1063), Fraction(5, 2**1061)],
                                     dtype=object),), ValueError),
        "decimal step": (np.arange(5.0) ** 2, (Decimal("0.5"),), TypeError),
        "decimal coordinates": (np.arange(5.0) ** 2, (np.array([Decimal(i) for i in range(5)], dtype=object),), TypeError),
        "datetime with a fraction step": (np.array([5, 39, 384, -43, 53], dtype="int64").view("M8[Y]"),
                                          (Fraction(1, 3),), ValueError),
    }[case]
    edge_order = 1 if case.startswith("datetime") else 2
    with pytest.raises(Exception):  # noqa: B017 - numpy itself fails on these
        np.gradient(f, *args, edge_order=edge_order)
    with pytest.raises(kind, match=r"numpy_gradient: numpy's arithmetic on varargs\[0\] .* convert the spacing"):
        numpy_gradient(f, *args, edge_order=edge_order)


def test_numpy_gradient_fraction_coordinates_that_work_in_numpy_still_match():
    from fractions import Fraction

    from gradkit.compat import numpy_gradient

    f = np.array([1.0, 4, 9, 16])
    x = np.array([Fraction(0), Fraction(1, 3), Fraction(1), Fraction(2)], dtype=object)
    np.testing.assert_array_equal(numpy_gradient(f, x, edge_order=2), np.gradient(f, x, edge_order=2))


def test_overflow_to_inf_in_the_output_dtype_warns_nothing():
    """float16 results beyond float16's range are inf (their correct
    rounding); the cast warned from inside gradkit, and numpy_gradient's
    masked path warned where numpy.gradient does not."""
    import warnings

    from gradkit.compat import numpy_gradient

    f16 = np.array([302.0, -383.0, 410.0, 95.0, -51.0, -574.0], dtype="float16")
    x = [0.0, 1.0, 1.000001, 1001.0, 1001.001, 1001.002]
    fm = np.ma.array(np.array([[-14.0, 2.0, 3.0], [-6.0, 23.0, 15.75]], dtype="float32"), mask=[[0, 0, 1], [0, 0, 0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = gradkit.derivative(f16, 1, spacing=x)
        assert out.dtype == np.float16 and np.isinf(out[0])
        gradkit.explain(np.ma.array(f16), 0, spacing=x)
        got = numpy_gradient(fm, np.array([-29.0, -3.5e-71]), [0.5, 1.0, 1.5])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = np.gradient(fm, np.array([-29.0, -3.5e-71]), [0.5, 1.0, 1.5])
    for g, w in zip(got, want):
        np.testing.assert_array_equal(np.ma.getmaskarray(g), np.ma.getmaskarray(w))
        np.testing.assert_array_equal(g.compressed(), w.compressed())


def test_explain_refuses_structured_masked_arrays_by_their_dtype():
    f = np.ma.array(np.zeros((4, 8), dtype=[("a", "f8"), ("b", "i4")]))
    with pytest.raises(TypeError, match="explain: f has dtype .* expected integer, floating or complex data"):
        gradkit.explain(f, (3, 4), dim=0)  # was numpy's "Iterator operand 1 dtype could not be cast"


@pytest.mark.parametrize("values", [
    np.full(7, -np.inf, np.float32),
    np.array([-1.8e16, 6.2e16, 6.7e125, 7.6e276, 1.7976931348623157e308, 3.6e16, -2.7e191, -3.4e-78, -2.2e16, -6.5e16]),
    np.array([5e16, -4.8e191, -1e82, 5e16, -6.9e16, -7.7e15, -3.6e16, -4.3e-23, 2e16, 1.9e156]),
])
def test_explain_plot_of_values_at_the_ends_of_the_float_range(values):
    """The plot's margins overflowed: 'Axis limits cannot be NaN or Inf'
    and RuntimeWarnings from the drawing's own arithmetic."""
    import warnings

    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            e = gradkit.explain(values, 2, spacing=np.arange(len(values)) ** 2 / 3.0, accuracy=2)
            assert e.plot(ax=ax) is ax
            lo, hi = ax.get_ylim()
            assert math.isfinite(lo) and math.isfinite(hi)
    finally:
        plt.close(fig)


@pytest.mark.parametrize("kwargs", [{"order": 2}, {"accuracy": 4}, {"order": 1}, {"boundary": "periodic", "order": 2, "period": 1510.0}])
def test_ndarray_subclasses_give_the_plain_arrays_bits(tmp_path, kwargs):
    """np.memmap (any plain ndarray subclass) took the generic kernel, whose
    summation order differs: order 2 on coordinates differed from the plain
    array by ~1e-12 relative."""

    class Tagged(np.ndarray):
        pass

    x = np.cumsum(np.random.default_rng(3).random(3000))
    f = np.sin(x)
    m = np.memmap(tmp_path / "f.dat", dtype="f8", mode="w+", shape=f.shape)
    m[:] = f
    order = kwargs.pop("order", 1)
    want = gradkit.derivative(f, order, spacing=x, **kwargs)
    for sub in (m, f.view(Tagged)):
        np.testing.assert_array_equal(np.asarray(gradkit.derivative(sub, order, spacing=x, **kwargs)), want)
