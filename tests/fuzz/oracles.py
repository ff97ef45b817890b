"""Independent oracles: a model of the documented argument grammar, and an
exact-rational reference for the values.

The model (:func:`model_gradient`, :func:`model_derivative`,
:func:`model_numpy`, :func:`model_torch`) reads the *built* arguments and
either raises :class:`Invalid` (the documented grammar does not accept them,
so the call must raise) or returns one :class:`AxisModel` per output: the
axis, the scheme and the grid, in exact arithmetic.

The reference (:func:`reference`) computes each output point as the
derivative of the interpolating polynomial through the samples of its
stencil, with Fornberg's recurrence in :class:`fractions.Fraction` (written
here, independently of gradkit's own). The stencil is the one the documented
width rules choose (README, docs/stencils.md):

* inside: a centred stencil of ``interior_width`` points (uniform grids:
  ``2*ceil(order/2) - 1 + accuracy`` rounded up to even; coordinate grids:
  ``order + accuracy`` points, plus one when even);
* near a one-sided edge (where the centred stencil does not fit): the most
  centred window of ``order + edge_order`` samples inside the axis;
* periodic: the centred stencil everywhere, wrapping around the ends, with
  coordinates unwrapped by one period (``|period|``, in the direction of the
  coordinates).

Nothing in this module imports gradkit.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any, Sequence

import numpy as np


class Invalid(Exception):
    """The documented grammar refuses these arguments: the call must raise."""


# ---------------------------------------------------------------------------
# Exact complex numbers
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class CF:
    """A complex number with Fraction parts (just enough arithmetic)."""

    re: Fraction
    im: Fraction

    @staticmethod
    def of(v: Any) -> "CF":
        if isinstance(v, CF):
            return v
        return CF(Fraction(v), Fraction(0))

    def __add__(self, o):
        o = CF.of(o)
        return CF(self.re + o.re, self.im + o.im)

    __radd__ = __add__

    def __sub__(self, o):
        o = CF.of(o)
        return CF(self.re - o.re, self.im - o.im)

    def __rsub__(self, o):
        return CF.of(o) - self

    def __mul__(self, o):
        o = CF.of(o)
        return CF(self.re * o.re - self.im * o.im, self.re * o.im + self.im * o.re)

    __rmul__ = __mul__

    def __truediv__(self, o):
        o = CF.of(o)
        d = o.re * o.re + o.im * o.im
        return CF((self.re * o.re + self.im * o.im) / d, (self.im * o.re - self.re * o.im) / d)

    def __rtruediv__(self, o):
        return CF.of(o) / self

    def __neg__(self):
        return CF(-self.re, -self.im)

    def __pow__(self, k: int):
        out = CF(Fraction(1), Fraction(0))
        for _ in range(k):
            out = out * self
        return out

    def __eq__(self, o):
        if not isinstance(o, (CF, numbers.Number)):
            return NotImplemented
        o = CF.of(o) if not isinstance(o, CF) else o
        return self.re == o.re and self.im == o.im

    def __hash__(self):
        return hash((self.re, self.im))


def mag(v: Any) -> Fraction:
    """A norm-like magnitude: |re| + |im| (within sqrt(2) of |v|)."""
    if isinstance(v, CF):
        return abs(v.re) + abs(v.im)
    return abs(Fraction(v))


# ---------------------------------------------------------------------------
# Fornberg's recurrence, exact
# ---------------------------------------------------------------------------
def fornberg(x: Sequence[Fraction], order: int) -> list[Fraction]:
    """Weights of the ``order``-th derivative at 0 of the polynomial through
    samples at the distinct positions ``x`` (Fornberg 1988, Table 1)."""
    m = len(x)
    if order >= m:
        raise ValueError("too few points")
    c = [[Fraction(0)] * m for _ in range(order + 1)]
    c[0][0] = Fraction(1)
    c1 = Fraction(1)
    for i in range(1, m):
        top = min(i, order)
        c2 = Fraction(1)
        for j in range(i):
            c3 = x[i] - x[j]
            c2 = c2 * c3
            if j == i - 1:  # the new node, from node i-1 before it is updated
                for k in range(top, 0, -1):
                    c[k][i] = c1 * (k * c[k - 1][i - 1] - x[i - 1] * c[k][i - 1]) / c2
                c[0][i] = -c1 * x[i - 1] * c[0][i - 1] / c2
            for k in range(top, 0, -1):
                c[k][j] = (x[i] * c[k][j] - k * c[k - 1][j]) / c3
            c[0][j] = x[i] * c[0][j] / c3
        c1 = c2
    return c[order]


@lru_cache(maxsize=4096)
def unit_weights(offsets: tuple[int, ...], order: int) -> tuple[Fraction, ...]:
    return tuple(fornberg([Fraction(o) for o in offsets], order))


# ---------------------------------------------------------------------------
# Stencil widths (documented rules)
# ---------------------------------------------------------------------------
def interior_width(order: int, accuracy: int, uniform: bool) -> int:
    if order == 0:
        return 1
    if uniform:
        return 2 * ((order + 1) // 2) - 1 + accuracy + accuracy % 2
    w = order + accuracy
    return w + 1 if w % 2 == 0 else w


def edge_width(order: int, edge_order: int) -> int:
    return 1 if order == 0 else order + edge_order


def points_needed(order, accuracy, edge_order, periodic, uniform) -> int:
    return interior_width(order, accuracy, uniform) if periodic else edge_width(order, edge_order)


# ---------------------------------------------------------------------------
# Per-axis model
# ---------------------------------------------------------------------------
@dataclass
class AxisModel:
    axis: int
    n: int
    order: int = 1
    accuracy: int = 2
    edge_order: int = 1
    periodic: bool = False
    step: Any = None  # Fraction or CF (uniform grid)
    coords: list | None = None  # Fractions (coordinate grid)
    period: Fraction | None = None  # signed: direction of the coordinates
    traced: bool = False
    negative_period: bool = False  # a negative period= was given for increasing coordinates

    @property
    def uniform(self) -> bool:
        return self.step is not None

    def offsets(self, i: int) -> tuple[int, ...]:
        if self.order == 0:
            return (0,)
        width = interior_width(self.order, self.accuracy, self.uniform)
        r = (width - 1) // 2
        if self.periodic or r <= i < self.n - r:
            return tuple(range(-r, width - r))
        ew = edge_width(self.order, self.edge_order)
        s = min(max(i - (ew - 1) // 2, 0), self.n - ew)
        return tuple(range(s - i, s - i + ew))

    def position(self, j: int) -> Fraction:
        """Coordinate of (unwrapped) sample j, on a coordinate grid."""
        q, r = divmod(j, self.n)
        return self.coords[r] + q * self.period if q else self.coords[r]

    def weights(self, i: int) -> tuple[tuple[int, ...], list]:
        """(offsets, exact weights in coordinate units) of output point ``i``."""
        offs = self.offsets(i)
        if self.uniform:
            w = unit_weights(offs, self.order)
            div = self.step ** self.order if self.order else 1
            if isinstance(div, CF):
                return offs, [CF.of(x) / div for x in w]
            return offs, [x / div for x in w]
        xi = self.position(i)
        return offs, fornberg([self.position(i + o) - xi for o in offs], self.order)

    def condition(self, i: int) -> Fraction:
        """Sensitivity of the weights to relative rounding of the positions:
        max |x_k - x_i| / smallest gap between two stencil points."""
        offs = self.offsets(i)
        if self.uniform or len(offs) < 2:
            return Fraction(len(offs))
        xi = self.position(i)
        pos = sorted(self.position(i + o) - xi for o in offs)
        gap = min(b - a for a, b in zip(pos, pos[1:]))
        return max(abs(p) for p in pos) / gap


# ---------------------------------------------------------------------------
# Reading arguments
# ---------------------------------------------------------------------------
def is_torch(x: Any) -> bool:
    import sys

    t = sys.modules.get("torch")
    return t is not None and isinstance(x, t.Tensor)


def is_jax(x: Any) -> bool:
    return type(x).__module__.startswith("jax")


def is_int(v: Any) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, (bool, np.bool_))


def arg_ndim(v: Any) -> int | None:
    """The documented notion of "scalar" (0) / "1-D" (1) / deeper / not an array (None)."""
    if isinstance(v, (str, bytes)):
        return None
    if is_torch(v) or isinstance(v, np.ndarray) or is_jax(v):
        return int(v.ndim)
    if isinstance(v, (list, tuple)):
        return 1 + max((arg_ndim(e) or 0 for e in v), default=0)
    if isinstance(v, range):
        return 1  # a sequence of numbers: array_like coordinates
    if isinstance(v, np.generic) and (not isinstance(v, numbers.Number) or isinstance(v, np.timedelta64)):
        return 0  # datetime64 / timedelta64 / void scalars: scalars, refused as steps
    return 0 if isinstance(v, numbers.Number) else None


def scalar_value(v: Any, allow_complex: bool = True) -> Any:
    """A finite non-zero step (Fraction, or CF for a complex step), or Invalid."""
    if isinstance(v, (bool, np.bool_)):
        raise Invalid("boolean step")
    if isinstance(v, (np.timedelta64, np.datetime64)):
        raise Invalid("datetime step")
    if is_torch(v):
        if v.dtype == __import__("torch").bool or v.requires_grad:
            raise Invalid("boolean or grad-carrying 0-d tensor")
        v = v.item()
    elif isinstance(v, np.ndarray):
        if v.dtype.kind not in "iufc":
            raise Invalid(f"0-d array of dtype {v.dtype}")
        v = v.item()
    elif is_jax(v):
        v = np.asarray(v).item()
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Number):
        raise Invalid(f"step {v!r} is not a number")
    if isinstance(v, numbers.Complex) and not isinstance(v, numbers.Real):
        if not allow_complex:
            raise Invalid("complex value")
        c = complex(v)
        if not (math.isfinite(c.real) and math.isfinite(c.imag)) or c == 0:
            raise Invalid("non-finite or zero step")
        if c.imag == 0:
            return Fraction(c.real)
        return CF(Fraction(c.real), Fraction(c.imag))
    try:
        h = float(v)
    except OverflowError:
        raise Invalid("step too large for a float") from None
    if not math.isfinite(h) or h == 0:
        raise Invalid("non-finite or zero step")
    return Fraction(h)


def coordinate_values(v: Any) -> tuple[np.ndarray, bool]:
    """(float64 coordinates, traced) of a 1-D coordinate argument, or Invalid."""
    traced = False
    if is_torch(v):
        import torch

        if v.dtype in (torch.bool,) or v.dtype.is_complex:
            raise Invalid("boolean or complex coordinate tensor")
        traced = bool(v.requires_grad)
        arr = v.detach().to(torch.float64).numpy()
    elif isinstance(v, (list, tuple, range)) or isinstance(v, np.ndarray) or is_jax(v):
        try:
            arr = np.asarray(v)
        except Exception:
            raise Invalid("not an array") from None
        if arr.dtype == object:
            items = list(arr.ravel())
            if any(isinstance(e, (bool, np.bool_)) or not isinstance(e, (numbers.Real, Decimal)) for e in items):
                raise Invalid("object coordinates that are not real numbers")
            arr = np.array([float(e) for e in items]).reshape(arr.shape)
        if arr.dtype.kind not in "iuf":
            raise Invalid(f"coordinates of dtype {arr.dtype}")
        arr = arr.astype(np.float64)
    else:
        raise Invalid(f"coordinates of type {type(v).__name__}")
    if arr.ndim != 1:
        raise Invalid("coordinates not 1-D")
    return arr, traced


def spacing_model(v: Any, n: int) -> dict:
    """One axis's spacing entry: {'step': h} or {'coords': [...], 'step': h|None, 'traced': bool}."""
    nd = arg_ndim(v)
    if nd == 0:
        return {"step": scalar_value(v)}
    if nd is None:
        raise Invalid(f"spacing entry of type {type(v).__name__}")
    x, traced = coordinate_values(v)
    if len(x) != n:
        raise Invalid("wrong number of coordinates")
    if not np.all(np.isfinite(x)):
        raise Invalid("non-finite coordinate")
    if len(np.unique(x)) != len(x):
        raise Invalid("repeated coordinates")
    d = np.diff(x)
    uniform = len(x) > 1 and bool(np.all(d == d[0])) and not traced
    coords = [Fraction(float(e)) for e in x]
    return {"coords": coords, "step": Fraction(float(d[0])) if uniform else None, "traced": traced, "raw": x}


def normalize_axes(dim: Any, ndim: int) -> tuple[int, ...]:
    if dim is None:
        return tuple(range(ndim))
    if is_int(dim):
        items = [dim]
    elif isinstance(dim, (list, tuple)):
        items = list(dim)
    else:
        raise Invalid("dim of wrong type")
    out = []
    for d in items:
        if not is_int(d):
            raise Invalid("non-integer dim")
        if not -ndim <= d < ndim:
            raise Invalid("dim out of range")
        a = int(d) % ndim
        if a in out:
            raise Invalid("repeated dim")
        out.append(a)
    return tuple(out)


def torch_style(spacing: Any, axes: Sequence[int], shape: Sequence[int]) -> list[dict]:
    if spacing is None:
        spacing = 1.0
    if isinstance(spacing, (list, tuple)):
        if len(spacing) != len(axes):
            raise Invalid("spacing sequence of the wrong length")
        items = list(spacing)
    else:
        nd = arg_ndim(spacing)
        if nd == 0:
            items = [spacing] * len(axes)
        elif nd == 1 and len(axes) == 1:
            items = [spacing]
        else:
            raise Invalid("spacing of the wrong form")
    return [spacing_model(v, shape[a]) for v, a in zip(items, axes)]


def numpy_style(varargs: Sequence[Any], axes: Sequence[int], shape: Sequence[int]) -> list[dict]:
    if len(varargs) == 0:
        return [{"step": Fraction(1)} for _ in axes]
    if len(varargs) == 1 and arg_ndim(varargs[0]) == 0:
        return [spacing_model(varargs[0], shape[a]) for a in axes]
    if len(varargs) != len(axes):
        raise Invalid("wrong number of varargs")
    return [spacing_model(v, shape[a]) for v, a in zip(varargs, axes)]


def positive_int(v: Any, what: str) -> int:
    if not is_int(v) or v < 1:
        raise Invalid(f"{what} must be a positive integer")
    return int(v)


def per_axis(value: Any, k: int) -> list:
    if isinstance(value, (list, tuple)):
        if len(value) != k:
            raise Invalid("per-axis setting of the wrong length")
        return list(value)
    return [value] * k


def make_axis(axis, n, entry, order, accuracy, edge_order, periodic, period) -> AxisModel:
    step = entry.get("step")
    coords = entry.get("coords")
    traced = entry.get("traced", False)
    m = AxisModel(axis, n, order, accuracy, edge_order, periodic, step, coords if step is None else None, None, traced)
    if n < points_needed(order, accuracy, edge_order, periodic, m.uniform):
        raise Invalid("axis too short")
    if periodic:
        if period is None:
            if step is None:
                raise Invalid("periodic coordinates need period=")
        else:
            p = scalar_value(period, allow_complex=False)
            if step is not None:
                if not math.isclose(abs(float(p)), abs(n * float(step.re if isinstance(step, CF) else step)), rel_tol=1e-9):
                    raise Invalid("period does not match the uniform grid")
                if isinstance(step, CF):
                    raise Invalid("period with a complex step")
            else:
                d = np.diff(entry["raw"])
                inc, dec = bool(np.all(d > 0)), bool(np.all(d < 0))
                if not (inc or dec):
                    raise Invalid("periodic needs monotonic coordinates")
                span = abs(coords[-1] - coords[0])
                if abs(p) <= span:
                    raise Invalid("period must exceed the span")
                m.period = abs(p) if inc else -abs(p)
                m.negative_period = inc and p < 0
    elif period is not None:
        raise Invalid("period without boundary='periodic'")
    return m


def boundary_periodic(boundary: Any) -> bool:
    if not isinstance(boundary, str) or boundary not in ("one-sided", "periodic"):
        raise Invalid("unknown boundary")
    return boundary == "periodic"


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------
@dataclass
class DataModel:
    values: np.ndarray  # object array: Fraction / CF, or float nan/inf (or complex with non-finite parts)
    lib: str  # "numpy", "torch", "jax"
    dtype: Any  # the data's dtype in its library (after list conversion)
    kind: str  # "integer", "real", "complex", "time"
    shape: tuple
    mask: np.ndarray | None = None  # masked arrays: the mask (full shape)
    container: type | None = None


def _exact(v: Any) -> Any:
    if isinstance(v, (complex, np.complexfloating)):
        re, im = _exact(v.real), _exact(v.imag)
        if isinstance(re, float) or isinstance(im, float):
            return complex(float(v.real), float(v.imag))  # non-finite part
        return CF(re, im)
    if isinstance(v, (int, np.integer)):
        return Fraction(int(v))
    if isinstance(v, np.longdouble) and not isinstance(v, float):
        if not np.isfinite(v):
            return float(v)
        return Fraction(*v.as_integer_ratio())
    f = float(v)
    return Fraction(f) if math.isfinite(f) else f


def data_model(f: Any, time_ok: bool = False) -> DataModel:
    """The numbers gradkit differentiates (documented conversions applied)."""
    if is_torch(f):
        import torch

        if f.dtype == torch.bool:
            raise Invalid("boolean data")
        t = f.detach().cpu()
        if t.dtype in (torch.bfloat16, torch.float16, torch.float8_e4m3fn) or "float8" in str(t.dtype):
            host = t.to(torch.float64).numpy()
        elif t.dtype == torch.complex32:
            host = t.to(torch.complex128).numpy()
        elif t.dtype in (torch.uint16, torch.uint32, torch.uint64):
            host = t.to(torch.int64).numpy()
        else:
            host = t.resolve_conj().resolve_neg().numpy()
        kind = "complex" if t.dtype.is_complex else "real" if t.dtype.is_floating_point else "integer"
        vals = np.array([_exact(v) for v in host.ravel()] or [], dtype=object).reshape(host.shape)
        return DataModel(vals, "torch", f.dtype, kind, tuple(f.shape))
    if is_jax(f):
        host = np.asarray(f)
        if host.dtype.kind == "b":
            raise Invalid("boolean data")
        kind = {"i": "integer", "u": "integer", "f": "real", "c": "complex"}[host.dtype.kind]
        vals = np.array([_exact(v) for v in host.ravel()] or [], dtype=object).reshape(host.shape)
        return DataModel(vals, "jax", f.dtype, kind, tuple(host.shape))
    mask = None
    container = None
    if isinstance(f, np.ndarray) and f.dtype.fields:
        raise Invalid("structured data")
    if isinstance(f, np.ma.MaskedArray):
        m = np.ma.getmaskarray(f)
        mask = m if m.any() else None
        container = np.ma.MaskedArray
        arr = np.asarray(np.ma.getdata(f))
    else:
        try:
            arr = np.asarray(f)
        except Exception:
            raise Invalid("not an array") from None
        if isinstance(f, np.ndarray):
            container = type(f)
    if arr.dtype.kind in "mM":
        if not time_ok:
            raise Invalid("datetime data")
        ints = arr.view(np.int64)
        vals = np.array(
            [float("nan") if v == np.iinfo(np.int64).min else Fraction(int(v)) for v in ints.ravel()] or [],
            dtype=object,
        ).reshape(arr.shape)
        return DataModel(vals, "numpy", arr.dtype, "time", arr.shape, mask, container)
    if arr.dtype == object:
        items = list(arr.ravel())
        for e in items:
            if isinstance(e, (bool, np.bool_)) or not isinstance(e, (numbers.Real, Decimal)):
                raise Invalid("object data that are not real numbers")
        arr = np.array([float(e) for e in items], dtype=np.float64).reshape(arr.shape)
    if arr.dtype.kind not in "iufc":
        raise Invalid(f"data of dtype {arr.dtype}")
    kind = {"i": "integer", "u": "integer", "f": "real", "c": "complex"}[arr.dtype.kind]
    vals = np.array([_exact(v) for v in arr.ravel()] or [], dtype=object).reshape(arr.shape)
    return DataModel(vals, "numpy", arr.dtype, kind, arr.shape, mask, container)


# ---------------------------------------------------------------------------
# Models of the entry points
# ---------------------------------------------------------------------------
_UNSET = object()


def model_gradient(f, spacing=1, dim=_UNSET, axis=_UNSET, edge_order=None, accuracy=2,
                   boundary="one-sided", period=None, out=None) -> tuple[DataModel, list[AxisModel]]:
    d = data_model(f)
    if dim is not _UNSET and axis is not _UNSET:
        raise Invalid("dim and axis")
    dims = dim if dim is not _UNSET else axis if axis is not _UNSET else None
    axes = normalize_axes(dims, len(d.shape))
    entries = torch_style(spacing, axes, d.shape)
    accuracy = positive_int(accuracy, "accuracy")
    periodic = boundary_periodic(boundary)
    eo = (1 if accuracy == 2 else accuracy) if edge_order is None else positive_int(edge_order, "edge_order")
    periods = per_axis(period, len(axes))
    return d, [make_axis(a, d.shape[a], e, 1, accuracy, eo, periodic, p) for a, e, p in zip(axes, entries, periods)]


def model_derivative(f, order=1, spacing=1, axis=_UNSET, dim=_UNSET, accuracy=2, edge_order=None,
                     boundary="one-sided", period=None, out=None) -> tuple[DataModel, list[AxisModel]]:
    d = data_model(f)
    if dim is not _UNSET and axis is not _UNSET:
        raise Invalid("dim and axis")
    ax = dim if dim is not _UNSET else axis if axis is not _UNSET else -1
    if ax is None and len(d.shape) != 1:
        raise Invalid("axis=None on a 0-d or N-D input (derivative takes one axis or a tuple)")
    seq = isinstance(ax, (list, tuple))
    if isinstance(order, (list, tuple)) != seq or (seq and len(order) != len(ax)):
        raise Invalid("order and axis disagree")
    if seq and len(ax) == 0:
        raise Invalid("empty axis")
    axes = normalize_axes(ax, len(d.shape))
    if seq:
        entries = torch_style(spacing, axes, d.shape)
    else:
        if isinstance(spacing, (list, tuple)) and len(spacing) == 1:
            spacing = spacing[0]
        entries = [spacing_model(spacing, d.shape[axes[0]])]
    orders = per_axis(order, len(axes))
    for o in orders:
        if not is_int(o) or o < 0:
            raise Invalid("order must be a non-negative integer")
    accuracy = positive_int(accuracy, "accuracy")
    periodic = boundary_periodic(boundary)
    eo = accuracy if edge_order is None else positive_int(edge_order, "edge_order")
    periods = per_axis(period, len(axes))
    return d, [
        make_axis(a, d.shape[a], e, int(o), accuracy, eo, periodic, p)
        for a, e, o, p in zip(axes, entries, orders, periods)
    ]


def model_numpy(f, varargs=(), axis=None, edge_order=1) -> tuple[DataModel, list[AxisModel]]:
    d = data_model(f, time_ok=True)
    eo = positive_int(edge_order, "edge_order")
    axes = normalize_axes(axis, len(d.shape))
    entries = numpy_style(varargs, axes, d.shape)
    return d, [make_axis(a, d.shape[a], e, 1, 2, eo, False, None) for a, e in zip(axes, entries)]


def model_torch(input, spacing=1, dim=None, edge_order=1) -> tuple[DataModel, list[AxisModel]]:
    if not is_torch(input):
        raise Invalid("input must be a tensor")
    d = data_model(input)
    eo = positive_int(edge_order, "edge_order")
    axes = normalize_axes(dim, len(d.shape))
    items = spacing if isinstance(spacing, (list, tuple)) else [spacing]
    for it in items:
        if is_torch(it) and it.ndim == 0 and it.requires_grad:
            raise Invalid("0-d spacing that requires grad")
    entries = torch_style(_as_torch_tensors(spacing), axes, d.shape)
    return d, [make_axis(a, d.shape[a], e, 1, 2, eo, False, None) for a, e in zip(axes, entries)]


def _as_torch_tensors(spacing: Any) -> Any:
    """Coordinate lists as torch_gradient documents it takes them: as
    ``torch.tensor(list)``, rounded to the default float (torch itself
    refuses them), so that the exact reference sees the coordinates that
    are computed with."""
    import torch

    if not isinstance(spacing, (list, tuple)):
        return spacing
    items = []
    for it in spacing:
        if isinstance(it, (list, tuple, range)) and arg_ndim(it) == 1:
            try:
                it = torch.tensor(it)
            except (TypeError, ValueError, RuntimeError, OverflowError):
                pass
        items.append(it)
    return type(spacing)(items)


# ---------------------------------------------------------------------------
# Reference values
# ---------------------------------------------------------------------------
@dataclass
class Ref:
    """Expected values of one output, point by point (object arrays).

    ``exact``: Fraction/CF, or "nan" (a NaN in the stencil), or "nonfinite".
    ``scale``: sum_k |w_k| * max_k |f_k| * (1 + condition), the size of rounding.
    ``offsets``: the stencil of each point along the axis (by position).
    """

    exact: np.ndarray
    scale: np.ndarray
    wsum: np.ndarray  # sum |w| per point (Fraction)
    maxf: np.ndarray  # max |f| over the stencil per point (Fraction)
    mask: np.ndarray | None = None
    nan_zero_weight: np.ndarray | None = None  # a NaN sits where the weight is exactly zero


def _nonfinite_kind(v) -> str | None:
    if isinstance(v, float):
        return "nan" if math.isnan(v) else "inf"
    if isinstance(v, complex):
        return "nan" if (math.isnan(v.real) or math.isnan(v.imag)) else "inf"
    return None


def apply_axis(values: np.ndarray, model: AxisModel, mags: np.ndarray | None = None, mask=None):
    """One exact pass along ``model.axis``: returns (exact, scale, wsum, maxf, mask, nanzero)."""
    a = model.axis
    n = model.n
    vals = np.moveaxis(values, a, -1)
    mg = None if mags is None else np.moveaxis(mags, a, -1)
    mk = None if mask is None else np.moveaxis(mask, a, -1)
    out = np.empty(vals.shape, dtype=object)
    scale = np.empty(vals.shape, dtype=object)
    wsum = np.empty(vals.shape, dtype=object)
    maxf = np.empty(vals.shape, dtype=object)
    omask = None if mk is None else np.zeros(vals.shape, bool)
    nanzero = np.zeros(vals.shape, bool)
    r_ = (interior_width(model.order, model.accuracy, model.uniform) - 1) // 2 if model.order else 0
    stencils = []
    for i in range(n):
        offs, w = model.weights(i)
        cond = model.condition(i)
        stencils.append((offs, w, cond, sum((mag(x) for x in w), Fraction(0))))
    for idx in np.ndindex(*vals.shape[:-1]):
        line = vals[idx]
        mline = None if mg is None else mg[idx]
        for i in range(n):
            offs, w, cond, ws = stencils[i]
            js = [(i + o) % n for o in offs]
            total: Any = Fraction(0)
            bound = Fraction(0)
            big = Fraction(0)
            bad = None
            for wk, j in zip(w, js):
                fk = line[j]
                nf = _nonfinite_kind(fk)
                if nf:
                    if wk != 0:
                        bad = "nan" if nf == "nan" or bad == "nan" else "nonfinite"
                    else:  # 0 * inf or 0 * nan: NaN where a closed form multiplies it out
                        nanzero[idx + (i,)] = True
                    continue
                if isinstance(fk, str):  # a non-finite marker from an earlier pass
                    if wk != 0:
                        bad = "nan" if fk == "nan" or bad == "nan" else "nonfinite"
                    continue
                total = total + wk * fk
                m_ = mline[j] if mline is not None else mag(fk)
                bound += mag(wk) * m_
                big = max(big, m_)
            pos = idx + (i,)
            out[pos] = bad if bad else total
            # Rounding the positions perturbs every weight by ~eps*cond*sum|w| (a weight that
            # is small by cancellation as much as a large one), so the scale is sum|w| max|f|.
            scale[pos] = max(bound, ws * big) * (1 + cond)
            wsum[pos] = ws
            maxf[pos] = big
            if omask is not None:
                # A sample the stencil reads masks the output even through a
                # zero weight (numpy's b * f[i] with hl == hr). Uniform plans
                # and coordinate edge stencils leave zero-weight samples out;
                # interior coordinate stencils read all of theirs.
                reads_all = not model.uniform and (model.periodic or r_ <= i < model.n - r_)
                omask[pos] = any(mk[idx + (j,)] for wk, j in zip(w, js) if wk != 0 or reads_all)
    back = lambda x: None if x is None else np.moveaxis(x, -1, a)  # noqa: E731
    return back(out), back(scale), back(wsum), back(maxf), back(omask), back(nanzero)


def reference(d: DataModel, axes: Sequence[AxisModel]) -> Ref:
    """The exact result of applying the axes in turn (one axis: a derivative;
    several: a mixed partial)."""
    values, mags, mask = d.values, None, d.mask
    scale = wsum = maxf = nanzero = None
    for m in axes:
        values, scale, wsum, maxf, mask, nz = apply_axis(values, m, mags, mask)
        nanzero = nz if nanzero is None else (nanzero | nz)
        mags = scale  # the size of what the next pass sums
    return Ref(values, scale, wsum, maxf, mask, nanzero)


# ---------------------------------------------------------------------------
# Tolerances
# ---------------------------------------------------------------------------
def rtol_of(dtype: Any) -> float:
    s = str(dtype).replace("torch.", "")
    if "bfloat16" in s:
        return 1.6e-2
    if "float8" in s:
        return 0.25
    if s in ("float16", "complex32"):
        return 2e-3
    if s in ("float32", "complex64"):
        return 1e-5
    return 1e-12


def finfo_of(dtype: Any):
    """(max finite, smallest subnormal) of a float dtype name (as float64 numbers)."""
    s = str(dtype).replace("torch.", "")
    table = {
        "float16": (65504.0, 2.0**-24), "complex32": (65504.0, 2.0**-24),
        "bfloat16": (3.3895313892515355e38, 2.0**-133),
        "float32": (3.4028234663852886e38, 2.0**-149), "complex64": (3.4028234663852886e38, 2.0**-149),
        "float8_e4m3fn": (448.0, 2.0**-9),
    }
    return table.get(s, (1.7976931348623157e308, 5e-324))
