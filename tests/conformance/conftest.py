"""Shared strategies, oracles' precision rules and the tolerance helper.

Tolerances
----------
Every comparison here is ``|got - expected| <= atol + rtol * |expected|``,
point by point, with

* ``rtol`` = 1e-12 for float64/complex128 and 1e-5 for float32/complex64
  (:func:`rtol_for`; the least precise of the dtypes involved wins);
* ``atol = rtol * max|f| * W`` (:func:`atol_for`), where ``W`` is the largest
  sum of absolute stencil weights over the points of the axis
  (:func:`weight_bound`).

Why the absolute part: each output is a weighted sum ``sum_k w_k f_k``. Two
correct implementations round their weights and partial sums differently,
which perturbs the result by a few ulps of ``sum_k |w_k| |f_k|``, a number
that can be much larger than the result itself when the samples nearly
cancel (flat data, a large ``max|f|``, or a close pair of coordinates). The
bound ``max|f| * W`` is exactly that size, so the tolerance scales with the
problem and is no looser than it needs to be. ``W`` is computed exactly, from
closed-form three-point Lagrange weights at the given coordinates (for a
uniform step ``h``: ``1/|h|`` inside, ``2/|h|`` at first-order edges and
``4/|h|`` at second-order edges); for any three distinct points it is at most
``6 / (smallest distance between two of them)``.

Precision of the oracle
-----------------------
An oracle is only as precise as the least precise arithmetic it performs:
``torch.gradient`` computes coefficients from integer or float32
coordinates in float32, computes its edges in the input's precision, and
treats integer input in the default float (float32); ``numpy.gradient``
takes differences of float32 coordinates in float32. Native comparisons
therefore use the rtol of the least precise of those dtypes (the dtype of
the result itself is compared exactly). Every case is also compared, at the
rtol of gradkit's own output dtype, with the same oracle run on the same
numbers promoted to 64 bits (``precise`` oracle), so the strict tolerance is
always exercised.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Sequence

import numpy as np
import torch
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# ---------------------------------------------------------------------------
# Hypothesis settings: deterministic, no example database, no deadline.
# ---------------------------------------------------------------------------


def conformance_settings(max_examples: int) -> settings:
    """Hypothesis settings for these suites: derandomized and database-free.

    Parameters
    ----------
    max_examples : int
        Number of examples to generate.

    Returns
    -------
    hypothesis.settings
    """
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# ---------------------------------------------------------------------------
# Tolerances
# ---------------------------------------------------------------------------
_RTOL_BY_REAL_BITS = {64: 1e-12, 32: 1e-5}


def _real_bits(dtype: Any) -> int:
    if isinstance(dtype, torch.dtype):
        if not (dtype.is_floating_point or dtype.is_complex):
            raise TypeError(f"no tolerance for the non-floating torch dtype {dtype}")
        return torch.finfo(dtype).bits
    dt = np.dtype(dtype)
    if dt.kind == "f":
        return dt.itemsize * 8
    if dt.kind == "c":
        return dt.itemsize * 4
    raise TypeError(f"no tolerance for the non-floating dtype {dt}")


def rtol_for(*dtypes: Any) -> float:
    """The relative tolerance of the least precise of ``dtypes``.

    Parameters
    ----------
    *dtypes : numpy or torch floating/complex dtypes

    Returns
    -------
    float
        1e-12 when all are 64-bit (float64/complex128), 1e-5 when the least
        precise is 32-bit.
    """
    bits = min(_real_bits(d) for d in dtypes)
    try:
        return _RTOL_BY_REAL_BITS[bits]
    except KeyError:
        raise TypeError(f"no tolerance defined for {bits}-bit floats") from None


def lagrange_slopes(nodes: Sequence[Any], at: Any) -> list[Any]:
    """Derivative at ``at`` of each Lagrange basis polynomial through ``nodes``.

    Works with floats and with :class:`fractions.Fraction` (exact). This is
    the closed form of the stencil weights, independent of gradkit.

    Parameters
    ----------
    nodes : sequence of numbers
        Distinct sample positions.
    at : number
        Where the derivative is taken.

    Returns
    -------
    list
        One weight per node.
    """
    out = []
    for j, xj in enumerate(nodes):
        others = [xm for m, xm in enumerate(nodes) if m != j]
        denom = math.prod(xj - xm for xm in others)
        num = sum(
            math.prod(at - xl for l, xl in enumerate(others) if l != k) for k in range(len(others))
        )
        out.append(num / denom)
    return out


def stencil_nodes(i: int, n: int, edge_order: int) -> tuple[int, ...]:
    """Sample indices that torch/numpy use for output ``i`` of an axis of ``n``."""
    if 0 < i < n - 1:
        return (i - 1, i, i + 1)
    if i == 0:
        return tuple(range(0, edge_order + 1))
    return tuple(range(n - 1 - edge_order, n))


def weight_bound(x: np.ndarray, edge_order: int) -> float:
    """Largest sum of |weights| over the points of an axis with coordinates ``x``.

    Parameters
    ----------
    x : numpy.ndarray
        float64 coordinates of the samples (``h * arange(n)`` for a step ``h``).
    edge_order : int
        1 or 2.

    Returns
    -------
    float
    """
    x = [float(v) for v in np.asarray(x, dtype=np.float64)]
    n = len(x)
    best = 0.0
    for i in range(n):
        nodes = stencil_nodes(i, n, edge_order)
        w = lagrange_slopes([x[k] for k in nodes], x[i])
        best = max(best, sum(abs(v) for v in w))
    return best


def atol_for(rtol: float, f_max: float, bound: float) -> float:
    """``rtol * max|f| * W``; see the module docstring."""
    return rtol * f_max * bound


def to_numpy(a: Any) -> np.ndarray:
    """A float64/complex128 NumPy copy of a NumPy array or torch tensor."""
    if isinstance(a, torch.Tensor):
        a = a.detach().cpu().resolve_conj()
        a = a.to(torch.complex128 if a.is_complex() else torch.float64)
        return a.numpy()
    a = np.asarray(a)
    return a.astype(np.complex128 if a.dtype.kind == "c" else np.float64)


def max_abs(a: Any) -> float:
    """``max|a|`` (0 for an empty array)."""
    arr = to_numpy(a)
    return float(np.max(np.abs(arr))) if arr.size else 0.0


def assert_close(got: Any, expected: Any, *, rtol: float, atol: float, what: str = "") -> None:
    """Point-wise ``|got - expected| <= atol + rtol*|expected|``, same shape, same NaNs.

    Parameters
    ----------
    got, expected : numpy arrays or torch tensors
    rtol, atol : float
    what : str
        Context for the failure message.
    """
    g = to_numpy(got)
    e = to_numpy(expected)
    assert g.shape == e.shape, f"{what}: shape {g.shape} != expected {e.shape}"
    both_nan = np.isnan(g) & np.isnan(e)
    same = (g == e) | both_nan
    ok = same | (np.abs(g - e) <= atol + rtol * np.abs(e))
    if not ok.all():
        bad = np.argwhere(~ok)
        idx = tuple(bad[0])
        raise AssertionError(
            f"{what}: {len(bad)} of {g.size} values differ beyond rtol={rtol:g}, atol={atol:.3g}; "
            f"first at {idx}: got {g[idx]!r}, expected {e[idx]!r}, "
            f"|diff|={abs(g[idx] - e[idx]):.3g}"
        )


# ---------------------------------------------------------------------------
# Grids (the spacing of one differentiated axis)
# ---------------------------------------------------------------------------
@dataclass
class Grid:
    """The spacing of one axis: a scalar step or a coordinate array.

    ``value`` is the scalar (Python int/float) or the coordinates as a NumPy
    array in their own dtype; ``form`` records how a test should pass it
    ("tensor", "ndarray", "list", "0d" ...).
    """

    n: int
    value: Any
    coords: bool
    kind: str  # scalar kinds: "float", "int"; coordinate kinds below

    def x64(self) -> np.ndarray:
        """The sample coordinates as float64 (``h * arange(n)`` for a step)."""
        if self.coords:
            return np.asarray(self.value).astype(np.float64)
        return float(self.value) * np.arange(self.n, dtype=np.float64)

    def bound(self, edge_order: int) -> float:
        return weight_bound(self.x64(), edge_order)

    def precision_dtype(self) -> Any:
        """The numpy float dtype the oracles compute this grid's coefficients in."""
        if not self.coords:
            return np.float64
        dt = np.asarray(self.value).dtype
        return np.float32 if dt == np.float32 else np.float64


COORD_KINDS = ("increasing", "decreasing", "shuffled", "integer")


@st.composite
def scalar_steps(draw: Any) -> tuple[Any, str]:
    """A non-zero scalar step, positive or negative, float or int."""
    if draw(st.booleans()):
        h = draw(st.floats(0.1, 10.0, allow_nan=False, allow_infinity=False))
        kind = "float"
    else:
        h = draw(st.integers(1, 5))
        kind = "int"
    return (-h if draw(st.booleans()) else h), kind


@st.composite
def grids(
    draw: Any,
    n: int,
    *,
    float_dtypes: Sequence[Any] = (np.float64,),
    int_dtypes: Sequence[Any] = (np.int64,),
    scalar: bool = True,
    coords: bool = True,
) -> Grid:
    """A scalar step or distinct coordinates for an axis of ``n`` samples.

    Coordinates are increasing, decreasing, non-monotonic (a shuffle of an
    increasing set) or integers in any order; gaps are at least 0.25 times a
    scale and the span at most ~14 times it, so that every comparison is
    well conditioned. Integer coordinates of unsigned dtypes are drawn from
    0..60, signed ones from -30..30.
    """
    options = (["scalar"] if scalar else []) + (list(COORD_KINDS) if coords else [])
    kind = draw(st.sampled_from(options))
    if kind == "scalar":
        h, skind = draw(scalar_steps())
        return Grid(n, h, False, skind)
    if kind == "integer":
        dtype = np.dtype(draw(st.sampled_from(list(int_dtypes))))
        lo, hi = (0, 60) if dtype.kind == "u" else (-30, 30)
        vals = draw(st.lists(st.integers(lo, hi), min_size=n, max_size=n, unique=True))
        return Grid(n, np.array(vals, dtype=dtype), True, kind)
    start = draw(st.floats(-5.0, 5.0, allow_nan=False))
    steps = draw(st.lists(st.floats(0.25, 2.0, allow_nan=False), min_size=n - 1, max_size=n - 1))
    scale = draw(st.sampled_from([0.01, 1.0, 1.0, 100.0]))
    x = (start + np.concatenate([[0.0], np.cumsum(steps)])) * scale
    if kind == "decreasing":
        x = x[::-1].copy()
    elif kind == "shuffled":
        x = x[np.array(draw(st.permutations(range(n))), dtype=np.intp)]
    dtype = np.dtype(draw(st.sampled_from(list(float_dtypes))))
    return Grid(n, x.astype(dtype), True, kind)


# ---------------------------------------------------------------------------
# Dims / axes and shapes
# ---------------------------------------------------------------------------
DIM_FORMS = ("none", "int", "negative", "list", "tuple")


@dataclass
class Layout:
    """Shape, the ``dim``/``axis`` argument as passed, and the axes it means."""

    shape: tuple[int, ...]
    dim_arg: Any
    axes: tuple[int, ...]
    edge_order: int


@st.composite
def layouts(draw: Any, *, max_ndim: int = 4, max_len: int = 7) -> Layout:
    """1..max_ndim dims of 1..max_len samples; differentiated dims have at least
    ``edge_order + 1`` samples. ``dim`` is None, an int, a negative int, or a
    list/tuple of (possibly negative) ints in any order."""
    edge_order = draw(st.sampled_from([1, 2]))
    ndim = draw(st.integers(1, max_ndim))
    form = draw(st.sampled_from(DIM_FORMS))
    if form == "none":
        axes = tuple(range(ndim))
        dim_arg: Any = None
    elif form in ("int", "negative"):
        a = draw(st.integers(0, ndim - 1))
        axes = (a,)
        dim_arg = a if form == "int" else a - ndim
    else:
        k = draw(st.integers(1, ndim))
        axes = tuple(draw(st.permutations(range(ndim)))[:k])
        items = [a - ndim if draw(st.booleans()) else a for a in axes]
        dim_arg = list(items) if form == "list" else tuple(items)
    shape = tuple(
        draw(st.integers(edge_order + 1 if d in axes else 1, max_len)) for d in range(ndim)
    )
    return Layout(shape, dim_arg, axes, edge_order)


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------
def make_data(seed: int, shape: tuple[int, ...], dtype: Any, *, int_limit: int = 1000) -> np.ndarray:
    """Random samples of ``dtype`` (a numpy dtype), reproducible from ``seed``.

    Floats are uniform in [-1, 1] times 10**e with e in {-3, 0, 3}; integers
    are uniform in ``[-int_limit, int_limit]`` clipped to the dtype's range.
    """
    rng = np.random.default_rng(seed)
    dt = np.dtype(dtype)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        lo, hi = max(info.min, -int_limit), min(info.max, int_limit)
        return rng.integers(lo, hi, size=shape, endpoint=True).astype(dt)
    scale = 10.0 ** rng.choice([-3, 0, 3])
    real = rng.uniform(-1, 1, shape) * scale
    if dt.kind == "c":
        real = real + 1j * rng.uniform(-1, 1, shape) * scale
    return np.asarray(real).astype(dt)


def strided_view(arr: np.ndarray, how: str) -> np.ndarray:
    """The same values as ``arr`` in a non-contiguous or F-ordered layout."""
    if how == "contiguous":
        return arr
    if how == "fortran":
        return np.asfortranarray(arr)
    if how == "strided":
        big = np.zeros(tuple(2 * s for s in arr.shape), dtype=arr.dtype)
        view = big[tuple(slice(None, None, 2) for _ in arr.shape)]
        view[...] = arr
        return view
    if how == "reversed":
        big = arr[tuple(slice(None, None, -1) for _ in arr.shape)].copy()
        return big[tuple(slice(None, None, -1) for _ in arr.shape)]
    raise ValueError(how)


LAYOUTS = ("contiguous", "fortran", "strided", "reversed")


def torch_view(arr: np.ndarray, how: str) -> torch.Tensor:
    """A tensor with the values of ``arr`` in a contiguous, permuted or strided layout."""
    if how == "contiguous":
        return torch.from_numpy(arr.copy())
    if how == "fortran":  # a permuted (transposed) view
        perm = tuple(range(arr.ndim))[::-1]
        base = torch.from_numpy(np.ascontiguousarray(arr.transpose(perm)))
        return base.permute(perm)
    if how == "strided":
        big = torch.zeros(tuple(2 * s for s in arr.shape), dtype=torch.from_numpy(arr[:0]).dtype)
        view = big[tuple(slice(None, None, 2) for _ in arr.shape)]
        view.copy_(torch.from_numpy(arr.copy()))
        return view
    if how == "reversed":  # torch has no negative strides: a view at a storage offset
        padded = np.concatenate([arr[:1], arr]) if arr.shape[0] else arr
        return torch.from_numpy(padded.copy())[1:] if arr.shape[0] else torch.from_numpy(arr.copy())
    raise ValueError(how)


# ---------------------------------------------------------------------------
# Exact reference (rational arithmetic), independent of every library
# ---------------------------------------------------------------------------
def _fraction(v: Any) -> Fraction:
    """``v`` as an exact Fraction (NumPy integers through Python ints, no overflow)."""
    if isinstance(v, (int, np.integer)):
        return Fraction(int(v))
    if isinstance(v, (float, np.floating)):
        return Fraction(float(v))
    return Fraction(v)


def exact_gradient_1d(f: Sequence[Any], x: Sequence[Any], edge_order: int) -> list[Fraction]:
    """The three-point (two-point at first-order edges) gradient in exact arithmetic.

    Parameters
    ----------
    f : sequence of numbers
        Samples (converted to Fraction exactly).
    x : sequence of numbers
        Their coordinates (converted to Fraction exactly).
    edge_order : int
        1 or 2.

    Returns
    -------
    list of Fraction
    """
    fq = [_fraction(v) for v in f]
    xq = [_fraction(v) for v in x]
    n = len(fq)
    out = []
    for i in range(n):
        nodes = stencil_nodes(i, n, edge_order)
        w = lagrange_slopes([xq[k] for k in nodes], xq[i])
        out.append(sum(wk * fq[k] for wk, k in zip(w, nodes)))
    return out
