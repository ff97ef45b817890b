# Upstream: jax tests/lax_numpy_test.py, class LaxBackedNumpyTests,
# testGradient and testGradientNonConstant, jax v0.10.2 (tag jax-v0.10.2).
#
# Upstream draws NUM_GENERATED_CASES (10) of the parameter product at
# random; here the whole product runs: testGradient over
#   shape in (10,), (10, 15), (10, 15, 20); k = 0 .. ndim-1 differentiated
#   axes; varargs = every k-combination of 1..ndim (scalar steps); axis =
#   every k-combination of the axes   (25 cases)
# and testGradientNonConstant over shape in (5,), (5, 7), (5, 10, 3) with one
# random coordinate array per axis; both over jax's inexact dtypes
# (bfloat16, float16, float32, float64, complex64, complex128).  Inputs are
# upstream's rand_default: 3 * randn cast to the dtype (complex: re + 1j*im),
# from a seed fixed per test item.
#
# Two checks per case:
#   * numpy drop-in: gradkit.compat.numpy_gradient on the NumPy arrays must
#     equal numpy.gradient exactly (values and dtype) -- upstream's
#     _CheckAgainstNumpy, made exact;
#   * jax: gradkit.gradient(jax_array, spacing=..., dim=...) under jax.jit
#     against jnp.gradient -- upstream's _CheckAgainstNumpy/_CompileAndCheck
#     pair, with a tight tolerance (a few ulps of the result's dtype,
#     relative to the largest value; see _jax_tol).  jnp.gradient computes
#     (f[2:] - f[:-2]) * 0.5 / h and its non-uniform weights in the input
#     dtype; gradkit rounds its own way (and computes float16/bfloat16 in
#     float32), so exact equality is not expected there.
# float64/complex128 jax cases run inside jax.enable_x64(True).
#
# Deliberate refusals asserted instead (testGradientNonConstant, docs/compat.md):
#   * complex dtypes: upstream's coordinate arrays are complex too; numpy
#     drops their imaginary part (ComplexWarning), jnp uses them; gradkit
#     raises TypeError ("coordinates must be real");
#   * random float16/bfloat16 coordinates can repeat; numpy and jnp then
#     return inf/nan, gradkit raises ValueError.
"""jax's ``testGradient*`` cases: the numpy drop-in exactly, and gradkit on jax arrays under jit."""

from __future__ import annotations

import contextlib
import itertools
import zlib

import numpy as np
import pytest

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")
ml_dtypes = pytest.importorskip("ml_dtypes")

import gradkit  # noqa: E402
from gradkit.compat import numpy_gradient  # noqa: E402

BF16 = np.dtype(ml_dtypes.bfloat16)
INEXACT = [BF16, np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64),
           np.dtype(np.complex64), np.dtype(np.complex128)]
DTYPE_IDS = [d.name for d in INEXACT]

GRADIENT_CASES = [
    (shape, varargs, axis)
    for shape in [(10,), (10, 15), (10, 15, 20)]
    for k in range(len(shape))
    for varargs in itertools.combinations(range(1, len(shape) + 1), k)
    for axis in itertools.combinations(range(len(shape)), k)
]
NONCONSTANT_SHAPES = [(5,), (5, 7), (5, 10, 3)]


def _case_id(case):
    shape, varargs, axis = case
    return f"{'x'.join(map(str, shape))}-v{''.join(map(str, varargs))}-a{''.join(map(str, axis))}"


@pytest.fixture
def rng(request):
    return np.random.RandomState(zlib.crc32(request.node.nodeid.encode()))


def rand_default(rng, shape, dtype, scale=3):
    """jax.test_util.rand_default: scale * randn, cast; complex gets re + 1j*im."""
    r = lambda: np.asarray(scale * rng.randn(*shape)).astype(dtype)  # noqa: E731
    vals = r() + 1.0j * r() if np.issubdtype(dtype, np.complexfloating) else r()
    return np.asarray(vals, dtype)


def _as_tuple(res):
    return tuple(res) if isinstance(res, (tuple, list)) else (res,)


def assert_numpy_exact(got, want):
    got, want = _as_tuple(got), _as_tuple(want)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype, (g.dtype, w.dtype)
        np.testing.assert_array_equal(g, w, strict=True)


def _x64(dtype):
    return jax.enable_x64(True) if dtype in (np.float64, np.complex128) else contextlib.nullcontext()


def _jax_tol(dtype):
    """4 ulps (eps) of the result's dtype, relative to each value and to the largest value."""
    return 4 * float(jnp.finfo(dtype).eps)


def assert_jax_close(got, want, dtype):
    got, want = _as_tuple(got), _as_tuple(want)
    assert len(got) == len(want)
    tol = _jax_tol(dtype)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype, (g.dtype, w.dtype)
        wide = np.complex128 if jnp.iscomplexobj(w) else np.float64
        g64, w64 = np.asarray(g).astype(wide), np.asarray(w).astype(wide)
        scale = np.max(np.abs(w64)) if w64.size else 0.0
        np.testing.assert_allclose(g64, w64, rtol=tol, atol=tol * scale)


# ---------------------------------------------------------------------------
# testGradient
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", INEXACT, ids=DTYPE_IDS)
@pytest.mark.parametrize("case", GRADIENT_CASES, ids=[_case_id(c) for c in GRADIENT_CASES])
def test_gradient_numpy_dropin(case, dtype, rng):
    shape, varargs, axis = case
    y = rand_default(rng, shape, dtype)
    assert_numpy_exact(numpy_gradient(y, *varargs, axis=axis), np.gradient(y, *varargs, axis=axis))


@pytest.mark.parametrize("dtype", INEXACT, ids=DTYPE_IDS)
@pytest.mark.parametrize("case", GRADIENT_CASES, ids=[_case_id(c) for c in GRADIENT_CASES])
def test_gradient_jax_jit(case, dtype, rng):
    shape, varargs, axis = case
    y = rand_default(rng, shape, dtype)
    with _x64(dtype):
        spacing = tuple(varargs) if varargs else 1
        gk = jax.jit(lambda a: gradkit.gradient(a, spacing=spacing, dim=axis))
        jn = jax.jit(lambda a: jnp.gradient(a, *varargs, axis=axis))
        ya = jnp.asarray(y)
        assert_jax_close(gk(ya), jn(ya), dtype)


# ---------------------------------------------------------------------------
# testGradientNonConstant
# ---------------------------------------------------------------------------
def _nonconstant_args(rng, shape, dtype):
    f = rand_default(rng, shape, dtype)
    coords = [rand_default(rng, (s,), dtype) for s in shape]
    return f, coords


def _complex(coords):
    return any(np.iscomplexobj(c) for c in coords)


def _repeats(coords):
    return any(len(np.unique(np.asarray(c))) < len(c) for c in coords)


@pytest.mark.parametrize("dtype", INEXACT, ids=DTYPE_IDS)
@pytest.mark.parametrize("shape", NONCONSTANT_SHAPES, ids=["x".join(map(str, s)) for s in NONCONSTANT_SHAPES])
def test_gradient_nonconstant_numpy_dropin(shape, dtype, rng):
    f, coords = _nonconstant_args(rng, shape, dtype)
    if _repeats(coords):
        # gradkit addition: numpy returns inf/nan for repeated coordinates.
        with pytest.raises(ValueError):
            numpy_gradient(f, *coords)
        return
    assert_numpy_exact(numpy_gradient(f, *coords), np.gradient(f, *coords))


@pytest.mark.parametrize("dtype", INEXACT, ids=DTYPE_IDS)
@pytest.mark.parametrize("shape", NONCONSTANT_SHAPES, ids=["x".join(map(str, s)) for s in NONCONSTANT_SHAPES])
def test_gradient_nonconstant_jax_jit(shape, dtype, rng):
    f, coords = _nonconstant_args(rng, shape, dtype)
    with _x64(dtype):
        fa, ca = jnp.asarray(f), [jnp.asarray(c) for c in coords]
        if _complex(coords):
            # gradkit addition: jnp differentiates along complex coordinates.
            with pytest.raises(TypeError, match="real"):
                jax.jit(lambda a, *c: gradkit.gradient(a, spacing=c))(fa, *ca)
            return
        if _repeats(coords):
            # gradkit addition: jnp returns inf/nan for repeated coordinates.
            with pytest.raises(ValueError):
                gradkit.gradient(fa, spacing=tuple(ca))
            return
        gk = jax.jit(lambda a, *c: gradkit.gradient(a, spacing=c))
        assert_jax_close(gk(fa, *ca), jax.jit(jnp.gradient)(fa, *ca), dtype)
