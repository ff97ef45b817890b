"""The arguments layer: every entry point's arguments become one AxisSpec per axis.

All validation and every error message live here, so ``gradient``,
``derivative``, ``explain`` and the torch/numpy drop-ins fail the same way:
the message names the argument, shows the value received and says what was
expected.
"""

from __future__ import annotations

import math
import sys
import numbers
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
from numpy.exceptions import AxisError

from . import stencils
from ._arrays import is_torch, to_host_float64, torch_to_numpy

__all__ = [
    "AxisSpec",
    "SpacingEntry",
    "check_nonnegative_int",
    "check_positive_int",
    "check_boundary",
    "normalize_dims",
    "torch_style_spacing",
    "single_axis_spacing",
    "numpy_style_spacing",
    "per_axis",
    "make_specs",
    "check_out",
    "check_weights_args",
    "check_torch_spacing_tensors",
]


def coded(exc: Exception, code: str, **facts: Any) -> Exception:
    """``exc`` tagged with what went wrong (``code``) and the facts of the
    case, so that the drop-ins can put the original's own message first."""
    exc.gradkit_code = code  # type: ignore[attr-defined]
    exc.gradkit_facts = facts  # type: ignore[attr-defined]
    return exc


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def check_nonnegative_int(value: Any, name: str, func: str = "gradkit") -> int:
    """``value`` as an int >= 0, or a TypeError/ValueError naming ``name``."""
    if not _is_int(value):
        raise TypeError(f"{func}: {name} must be a non-negative integer, got {value!r}")
    if value < 0:
        raise ValueError(f"{func}: {name} must be a non-negative integer, got {value!r}")
    return int(value)


def check_positive_int(value: Any, name: str, func: str = "gradkit", hint: str = "") -> int:
    """``value`` as an int >= 1, or a TypeError/ValueError naming ``name``."""
    if not _is_int(value):
        raise TypeError(f"{func}: {name} must be a positive integer{hint}, got {value!r}")
    if value < 1:
        raise ValueError(f"{func}: {name} must be a positive integer{hint}, got {value!r}")
    return int(value)


def check_boundary(boundary: Any, func: str) -> str:
    if not isinstance(boundary, str) or boundary not in stencils.BOUNDARIES:
        allowed = ", ".join(repr(b) for b in stencils.BOUNDARIES)
        raise ValueError(f"{func}: boundary must be one of {allowed}, got {boundary!r}")
    return boundary


def normalize_dims(dim: Any, ndim: int, func: str, name: str = "dim") -> tuple[int, ...]:
    """Normalise None / int / sequence of ints to a tuple of axes in the given order.

    Raises ``TypeError`` for non-integers, ``numpy.exceptions.AxisError`` (an
    ``IndexError`` and a ``ValueError``) for axes out of range and
    ``ValueError`` for repeated axes.
    """
    if dim is None:
        return tuple(range(ndim))
    single = _is_int(dim)
    if single:
        items = [dim]
    elif isinstance(dim, (list, tuple)):
        items = list(dim)
    else:
        raise TypeError(
            f"{func}: {name} must be None, an integer or a sequence of integers, got {dim!r}"
        )
    axes = []
    for d in items:
        if not _is_int(d):
            raise TypeError(f"{func}: {name} must contain integers only, got {d!r} in {dim!r}")
        if not -ndim <= d < ndim:
            if ndim == 0:
                expected = "the input is 0-dimensional and has no dims"
            else:
                expected = f"expected a value in [{-ndim}, {ndim - 1}] for a {ndim}-D input"
            raise coded(AxisError(f"{func}: {name}={d} is out of range; {expected}"), "dim-range", dim=d, ndim=ndim)
        a = int(d) % ndim
        if a in axes:
            raise coded(
                ValueError(f"{func}: {name} {dim!r} names dim {a} more than once; each dim may appear once"),
                "dim-repeated", dim=a,
            )
        axes.append(a)
    return tuple(axes)


# ---------------------------------------------------------------------------
# Spacing
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class SpacingEntry:
    """The spacing of one axis.

    ``step`` is set for a uniform grid: a scalar spacing, or coordinates that
    are exactly evenly spaced. ``coords`` (float64, host) is set whenever the
    caller gave coordinates; the plan uses them only when ``step`` is None.
    """

    step: float | complex | None
    coords: np.ndarray | None
    raw: Any  # what the caller passed (used for the torch dtype rule)
    #: The coordinates as the caller's own array, when gradients must flow
    #: through them (see :func:`is_traced`); the weights are then computed
    #: from this array on every call.
    traced: Any = None
    #: A digest of ``coords`` when already computed (it keys the plan cache).
    digest: bytes | None = None
    #: The smallest and largest gap between neighbouring coordinates.
    gaps: tuple[float, float] | None = None

    @property
    def grid_coords(self) -> np.ndarray | None:
        """The coordinates the stencils need: None on a uniform grid (and for traced coordinates)."""
        return self.coords if self.step is None and self.traced is None else None


def _ndim(value: Any) -> int | None:
    """The number of dimensions of an array-like, or None for non-arrays."""
    if isinstance(value, (str, bytes)):
        return None
    if hasattr(value, "ndim") and hasattr(value, "shape"):
        return int(value.ndim)
    if isinstance(value, range):
        return 1
    if isinstance(value, (list, tuple)):
        # Nesting depth of a Python sequence (its elements may be arrays).
        return 1 + max((_ndim(v) or 0 for v in value), default=0)
    return 0 if isinstance(value, numbers.Number) else None


def _scalar_spacing(value: Any, func: str, name: str) -> float | complex:
    if is_traced(value):
        raise TypeError(
            f"{func}: {name} is a scalar that carries a gradient or is being traced; a scalar step is a "
            "plain number to gradkit. To differentiate with respect to the step, pass coordinates "
            "(h * arange(n)) instead"
        )
    if isinstance(value, (bool, np.bool_)) or (hasattr(value, "dtype") and str(value.dtype) == "bool"):
        raise TypeError(f"{func}: {name} must be a number, got the boolean {value!r}")
    if isinstance(value, (np.timedelta64, np.datetime64)):
        raise TypeError(f"{func}: {name} must be a plain number, got the time value {value!r} (convert it to a number)")
    if hasattr(value, "ndim") and getattr(value, "ndim") == 0 and not isinstance(value, numbers.Number):
        if hasattr(value, "item"):
            value = value.item()
        elif "complex" in str(value.dtype):
            value = complex(value)  # array-API 0-d arrays have no .item()
        elif "float" in str(value.dtype) or "int" in str(value.dtype):
            value = float(value)
    if not isinstance(value, numbers.Number):
        raise TypeError(
            f"{func}: {name} must be a number or 1-D coordinates, got {type(value).__name__} {value!r}"
        )
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{func}: {name} must be a number, got the boolean {value!r}")
    if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
        h: float | complex = complex(value)
        finite = math.isfinite(h.real) and math.isfinite(h.imag)
    else:
        try:
            h = float(value)
        except OverflowError:  # a Python int beyond the float range
            h = math.inf
        finite = math.isfinite(h)
    if not finite:
        raise ValueError(f"{func}: {name} must be finite, got {value!r}")
    if h == 0:
        raise ValueError(f"{func}: {name} must be non-zero, got {value!r}")
    return h


#: Coordinates are scanned in chunks this long: each check then runs in
#: cache and needs no temporaries the size of the axis.
_SCAN_CHUNK = 1 << 15


def _scan(x: np.ndarray) -> tuple:
    """One chunked pass over ``x``: (first non-finite index or -1, strictly
    increasing, strictly decreasing, exactly evenly spaced, smallest and
    largest gap between neighbours)."""
    increasing = decreasing = uniform = True
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf: reported below as non-finite
        h = x[1] - x[0] if len(x) > 1 else 0.0
    gmin, gmax = math.inf, 0.0
    for a in range(0, len(x), _SCAN_CHUNK):
        chunk = x[a : a + _SCAN_CHUNK + 1]  # one sample of overlap with the next chunk
        # min and max are NaN or infinite exactly when some value is.
        if not (math.isfinite(chunk.min()) and math.isfinite(chunk.max())):
            return a + int(np.argmin(np.isfinite(chunk))), False, False, False, gmin, gmax
        if len(chunk) > 1:
            d = chunk[1:] - chunk[:-1]
            low, high = d.min(), d.max()
            increasing = increasing and low > 0
            decreasing = decreasing and high < 0
            uniform = uniform and low == h and high == h
            if low > 0 or high < 0:  # monotonic here: the extremes are the gaps
                small, large = sorted((abs(float(low)), abs(float(high))))
            else:
                ad = np.abs(d)
                small, large = float(ad.min()), float(ad.max())
            gmin, gmax = min(gmin, small), max(gmax, large)
    return -1, bool(increasing), bool(decreasing), bool(uniform) and len(x) > 1, gmin, gmax


#: Steps (or None) of coordinate arrays already validated, by content digest:
#: repeated calls on the same grid skip the scan.
_CHECKED: dict = {}


def _complex_coordinates(value: Any, n: int, axis: int, func: str, name: str) -> np.ndarray | None:
    """Complex coordinates (which numpy.gradient and torch.gradient take),
    validated like real ones, as complex128 on the host; None when ``value``
    is not complex."""
    host = torch_to_numpy(value) if is_torch(value) else value
    x = np.asarray(host)
    if x.dtype.kind != "c":
        return None
    _check_shape(x, n, axis, func, name)
    bad = np.flatnonzero(~np.isfinite(x))
    if len(bad):
        raise ValueError(f"{func}: {name} must be finite, but coordinate {bad[0]} is {complex(x[bad[0]])}")
    values, first, counts = np.unique(x, return_index=True, return_counts=True)
    if np.any(counts > 1):
        v = values[counts > 1][0]
        i, j = np.flatnonzero(x == v)[:2]
        raise ValueError(
            f"{func}: {name} must hold distinct coordinates, but entries {i} and {j} are both {complex(v)}"
        )
    return x.astype(np.complex128)


def _check_shape(x: Any, n: int, axis: int, func: str, name: str) -> None:
    shape = tuple(x.shape)
    if len(shape) != 1:
        raise coded(
            ValueError(f"{func}: {name} must be a scalar or 1-D coordinates, got an array of shape {shape}"),
            "coords-ndim", ndim=len(shape),
        )
    if shape[0] != n:
        raise coded(
            ValueError(
                f"{func}: {name} has {shape[0]} coordinates but dim {axis} has {n} samples; "
                "give one coordinate per sample"
            ),
            "coords-length", length=shape[0], n=n,
        )


def _coordinates(
    value: Any, n: int, axis: int, func: str, name: str
) -> tuple[np.ndarray, float | None, bytes | None]:
    """Validated float64 coordinates, their step when exactly evenly spaced,
    their digest (for the plan cache) when the axis is short enough to hash
    cheaply, and their smallest and largest neighbour gaps."""
    x = to_host_float64(value, func, name)
    _check_shape(x, n, axis, func, name)
    digest = stencils.coordinates_digest(x) if len(x) <= stencils.HASH_ALWAYS_BELOW else None
    if digest is not None and digest in _CHECKED:
        return x, *_CHECKED[digest][:1], digest, _CHECKED[digest][1]
    bad, increasing, decreasing, uniform, gmin, gmax = _scan(x)
    if bad >= 0:
        raise ValueError(f"{func}: {name} must be finite, but coordinate {bad} is {float(x[bad])}")
    if not (increasing or decreasing):
        # Not monotonic: only a sort finds repeated values.
        order = np.argsort(x, kind="stable")
        sorted_gaps = np.diff(x[order])
        same = np.flatnonzero(sorted_gaps == 0)
        if len(same):
            i, j = sorted((int(order[same[0]]), int(order[same[0] + 1])))
            raise ValueError(
                f"{func}: {name} must hold distinct coordinates, but entries {i} and {j} "
                f"are both {float(x[i])}"
            )
        # Two values that nearly coincide sit in some stencil together even
        # when they are not neighbours in the array: their gap counts too.
        gmin = min(gmin, float(sorted_gaps.min()))
    step = float(x[1] - x[0]) if uniform else None
    if digest is not None:
        if len(_CHECKED) >= 256:
            _CHECKED.clear()
        _CHECKED[digest] = (step, (gmin, gmax))
    return x, step, digest, (gmin, gmax)


def _entry(value: Any, n: int, axis: int, func: str, name: str, complex_coords: bool = False) -> SpacingEntry:
    nd = _ndim(value)
    if nd == 0:
        return SpacingEntry(_scalar_spacing(value, func, name), None, value)
    if nd is None:
        raise TypeError(
            f"{func}: {name} must be a number or 1-D coordinates, got {type(value).__name__} {value!r}"
        )
    if is_traced(value) or _is_jax_float(value):
        return _traced_coordinates(value, n, axis, func, name)
    if complex_coords:
        z = _complex_coordinates(value, n, axis, func, name)
        if z is not None:
            return SpacingEntry(None, z, value)
    # Exactly evenly spaced coordinates are a uniform grid (as in numpy.gradient).
    x, step, digest, gaps = _coordinates(value, n, axis, func, name)
    return SpacingEntry(step, x, value, digest=digest, gaps=gaps)


def _is_jax_float(value: Any) -> bool:
    """Concrete JAX coordinates of a real floating dtype: they take the same
    path as traced ones (weights computed with JAX in the coordinates'
    dtype), so that eager and ``jax.jit`` calls give the same numbers."""
    jax = sys.modules.get("jax")
    return (
        jax is not None
        and isinstance(value, jax.Array)
        and "float" in str(value.dtype)
        and getattr(value, "ndim", 0) == 1
    )


def _traced_coordinates(value: Any, n: int, axis: int, func: str, name: str) -> SpacingEntry:
    """Coordinates that stay in their array library so that gradients flow
    through them: their shape is checked here, and their values too when
    they can be read (torch); a JAX tracer's values cannot be, so a traced
    grid is not checked for repeated or non-finite coordinates."""
    _check_shape(value, n, axis, func, name)
    dtype = str(value.dtype)
    if "complex" in dtype or "bool" in dtype or "int" in dtype:
        raise TypeError(
            f"{func}: {name} has dtype {dtype}; coordinates that carry gradients must be real floating point"
        )
    host = None
    if is_torch(value):
        host, *_ = _coordinates(value.detach(), n, axis, func, name)
    elif not is_traced(value):  # concrete JAX coordinates: their values can be checked
        host, *_ = _coordinates(np.asarray(value), n, axis, func, name)
    return SpacingEntry(None, host, value, traced=value)


def is_traced(value: Any) -> bool:
    """Whether coordinates must stay in their own library for autograd or tracing:
    a torch tensor that requires grad (with grad mode on), or a JAX tracer."""
    if is_torch(value):
        import torch  # already imported: the caller handed us a tensor

        return bool(value.requires_grad) and torch.is_grad_enabled()
    jax_core = sys.modules.get("jax.core")
    tracer = getattr(jax_core, "Tracer", None) if jax_core is not None else None
    return tracer is not None and isinstance(value, tracer)


def torch_style_spacing(
    spacing: Any, axes: Sequence[int], shape: Sequence[int], dim_given: bool, func: str,
    complex_coords: bool = False,
) -> list[SpacingEntry]:
    """``spacing`` as torch.gradient takes it (plus mixes, plus bare coordinates for one dim).

    ``complex_coords``: complex coordinate arrays are accepted (the drop-ins)."""
    if spacing is None:
        spacing = 1.0
    if isinstance(spacing, (list, tuple)):
        items = list(spacing)
        if len(items) != len(axes):
            if dim_given:
                why = f"one entry per dim in dim (got {len(axes)} dim{'s' if len(axes) != 1 else ''})"
            else:
                why = f"one entry per dim of the {len(shape)}-D input, since dim was not given"
            raise coded(
                ValueError(
                    f"{func}: spacing must be a scalar or a sequence with {why}, "
                    f"but got a sequence of length {len(items)}"
                ),
                "spacing-length", length=len(items), dims=len(axes), ndim=len(shape), dim_given=dim_given,
            )
    elif (nd := _ndim(spacing)) == 0:
        items = [spacing] * len(axes)
    elif nd == 1 and len(axes) == 1:
        items = [spacing]  # bare coordinates for the one differentiated dim
    elif nd is None:
        raise TypeError(
            f"{func}: spacing must be a number, a sequence of numbers or a sequence of 1-D "
            f"coordinate arrays, got {type(spacing).__name__} {spacing!r}"
        )
    else:
        raise TypeError(
            f"{func}: spacing is an array of shape {tuple(np.shape(spacing))}; for "
            f"{len(axes)} dims pass a tuple with one scalar or 1-D coordinate array per dim"
        )
    return [
        _entry(v, shape[a], a, func, f"spacing[{k}]" if isinstance(spacing, (list, tuple)) else "spacing", complex_coords)
        for k, (v, a) in enumerate(zip(items, axes))
    ]


def single_axis_spacing(spacing: Any, axis: int, shape: Sequence[int], func: str) -> SpacingEntry:
    """``spacing`` for exactly one axis: a scalar step or the coordinates.

    With one axis there is nothing to pair per dim, so a plain list of
    numbers means coordinates; a one-element sequence wrapping a scalar or an
    array (``(x,)``, as torch.gradient takes it) is accepted too.
    """
    if isinstance(spacing, (list, tuple)) and len(spacing) == 1:
        return _entry(spacing[0], shape[axis], axis, func, "spacing[0]")
    return _entry(spacing, shape[axis], axis, func, "spacing")


def numpy_style_spacing(
    varargs: Sequence[Any], axes: Sequence[int], shape: Sequence[int], func: str,
    complex_coords: bool = False,
) -> list[SpacingEntry]:
    """``*varargs`` as numpy.gradient takes them (``complex_coords``: complex
    coordinate arrays accepted, as numpy does)."""
    if len(varargs) == 0:
        return [SpacingEntry(1.0, None, 1.0) for _ in axes]
    if len(varargs) == 1 and _ndim(varargs[0]) == 0:
        return [_entry(varargs[0], shape[a], a, func, "varargs[0]") for a in axes]
    if len(varargs) != len(axes):
        raise coded(
            TypeError(
                f"{func}: invalid number of spacing arguments: expected none, one scalar, or "
                f"{len(axes)} (one per differentiated axis), got {len(varargs)}"
            ),
            "spacing-length", length=len(varargs), dims=len(axes),
        )
    return [
        _entry(v, shape[a], a, func, f"varargs[{k}]", complex_coords) for k, (v, a) in enumerate(zip(varargs, axes))
    ]


def per_axis(value: Any, axes: Sequence[int], func: str, name: str) -> list[Any]:
    """A scalar setting repeated for every axis, or a sequence with one per axis."""
    if isinstance(value, (list, tuple)):
        if len(value) != len(axes):
            raise ValueError(
                f"{func}: {name} must be a single value or one per differentiated axis "
                f"({len(axes)}), got {len(value)} values: {value!r}"
            )
        return list(value)
    return [value] * len(axes)


def partial_axes(order: Any, axis: Any, spacing: Any, shape: Sequence[int], func: str, name: str = "axis",
                 hint: str = "") -> tuple[tuple[int, ...], list[SpacingEntry]]:
    """The axes and spacing entries of a derivative along one axis, or of a
    mixed partial (``order`` and ``axis`` sequences of the same length):
    what :func:`gradkit.derivative` and :func:`gradkit.matrix` take."""
    if isinstance(order, (list, tuple)) != isinstance(axis, (list, tuple)) or (
        isinstance(order, (list, tuple)) and len(order) != len(axis)
    ):
        raise ValueError(
            f"{func}: order and axis must both be single values or both sequences of the same "
            f"length (a mixed partial), got order={order!r} and axis={axis!r}"
        )
    if isinstance(axis, (list, tuple)) and len(axis) == 0:
        raise ValueError(f"{func}: axis must name at least one axis, got {axis!r}")
    if axis is None:
        raise TypeError(f"{func}: axis must be an integer (or a tuple of integers for a mixed partial), got None{hint}")
    axes = normalize_dims(axis, len(shape), func, name)
    if isinstance(axis, (list, tuple)):
        return axes, torch_style_spacing(spacing, axes, shape, True, func)
    return axes, [single_axis_spacing(spacing, axes[0], shape, func)]


# ---------------------------------------------------------------------------
# Axis specs
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class AxisSpec:
    """Everything the stencil layer needs to know about one differentiated axis."""

    axis: int
    n: int
    spacing: SpacingEntry
    order: int = 1
    accuracy: int = 2
    edge_order: int = 1
    boundary: str = "one-sided"
    period: float | None = None
    #: Coordinates with gaps far from 1 are planned in units of ``2**-k``
    #: (``x * 2**k``, exact), and the sum is divided by ``(2**-k)**order``:
    #: see :func:`_unit_exponent`. 0 for every ordinary grid.
    unit_exponent: int = 0

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_plans", None)  # the plans held for a call do not travel (pickling, copies)
        state.pop("_scaled", None)
        return state

    def plan(self, host: bool = False) -> stencils.AxisPlan:
        """The axis's stencil plan. ``host=True``: a plan with weight rows from
        the host copy of coordinates kept in their own library, when there
        is one (what explain reads); the kernels take the structure-only plan."""
        spacing = self.spacing
        on_host = host and spacing.traced is not None and spacing.coords is not None
        coords = spacing.coords if on_host else spacing.grid_coords
        if self.unit_exponent and coords is not None:
            return self._scaled_plan()
        # Kept on the spec for the call it serves (the edge check and the
        # kernel ask for it in turn): a long coordinate axis's plan is cached
        # only weakly, and would otherwise be built twice per call.
        held = self.__dict__.get("_plans")
        if held is not None and on_host in held:
            return held[on_host]
        plan = stencils.plan_axis(
            self.n,
            order=self.order,
            accuracy=self.accuracy,
            edge_order=self.edge_order,
            boundary=self.boundary,
            step=spacing.step,
            coords=coords,
            period=self.period,
            traced=spacing.traced is not None and not on_host,
            digest=spacing.digest,
        )
        if held is None:
            held = {}
            object.__setattr__(self, "_plans", held)  # not a field: equality and hashing ignore it
        held[on_host] = plan
        return plan

    def _scaled_plan(self) -> stencils.AxisPlan:
        # Kept on the spec: the scaled coordinates are a new array, which the
        # plan cache would not recognise on the next call to plan().
        plan = self.__dict__.get("_scaled")
        if plan is None:
            k = self.unit_exponent
            plan = stencils.plan_axis(
                self.n,
                order=self.order,
                accuracy=self.accuracy,
                edge_order=self.edge_order,
                boundary=self.boundary,
                step=None,
                coords=np.ldexp(self.spacing.coords, k),
                period=None if self.period is None else float(np.ldexp(self.period, k)),
                unit=float(np.ldexp(1.0, -k)),
            )
            object.__setattr__(self, "_scaled", plan)
        return plan


def _unit_exponent(gaps: tuple[float, float], order: int, eps: float, traced: bool, axis: int, func: str) -> int:
    """The ``k`` of :attr:`AxisSpec.unit_exponent` for coordinates with these
    neighbour gaps (0 unless they are far from 1).

    A stencil's weights are products of up to ``order + 1`` reciprocal gaps,
    so gaps beyond ``2**+-(room / (2 * (order + 1)))`` (``room`` = 1024 in
    float64, 128 in float32) could take a weight out of the float range
    although the derivative itself is representable. Such coordinates are
    multiplied by ``2**k`` (their geometric-mean gap becomes about 1) and the
    weighted sum is divided by ``2**-k`` once per derivative order: powers
    of two change no rounding in the normal range, so the result has the
    same bits as the unscaled computation wherever that one stays inside it.
    Gaps more than ``2**50`` apart are refused: within one stencil the
    positions relative to its centre would round together.
    """
    small, large = gaps
    if large > small * 2.0**50:
        raise ValueError(
            f"{func}: the coordinates along dim {axis} have gaps from {small:.3g} to {large:.3g}, more than "
            "2**50 apart: within one stencil the positions relative to its centre would round together "
            "(no digit of the derivative survives). Resample, or differentiate the pieces separately"
        )
    room = 1024 if eps < 2.0**-30 else 128
    limit = room // (2 * (order + 1))
    lo, hi = math.frexp(small)[1], math.frexp(large)[1]
    if -limit <= lo and hi <= limit:
        return 0
    if traced:
        raise ValueError(
            f"{func}: the coordinates along dim {axis} have gaps from {small:.3g} to {large:.3g}, which would "
            "take the stencil weights out of the float range; coordinates that carry gradients are not "
            "rescaled for you. Rescale them (x * 2**k changes no digit) and scale the derivative back"
        )
    return -((lo + hi) // 2)


def _check_edges(spec: AxisSpec, eps: float, func: str) -> None:
    """Refuse one-sided edge stencils that would lose more than half of the
    digits the interior keeps: their rounding amplification over the
    centred stencil's (:attr:`~gradkit.stencils.AxisPlan.edge_amplification`)
    must stay below ``1/sqrt(eps)`` of the compute dtype (6.7e7 in float64,
    2.9e3 in float32). Wide one-sided stencils grow their weights roughly
    like 2**width, so a high ``edge_order`` on a one-sided axis fails this."""
    limit = 1 / math.sqrt(eps)
    amplification = spec.plan().edge_amplification
    if amplification <= limit:
        return
    safe = spec.edge_order - 1
    while safe > 1:
        trial = stencils.plan_axis(spec.n, order=spec.order, accuracy=spec.accuracy, edge_order=safe, step=1.0)
        if trial.edge_amplification <= limit:
            break
        safe -= 1
    raise ValueError(
        f"{func}: edge_order={spec.edge_order} along dim {spec.axis} makes the one-sided edge stencils amplify "
        f"rounding errors {amplification:.2g} times more than the centred stencil (limit {limit:.2g}, "
        f"1/sqrt(eps) for this dtype): the edge values would lose more than half of their digits. "
        f"Pass edge_order={safe} or lower (about the largest safe one; accuracy={spec.accuracy} can stay "
        "inside), or boundary='periodic' for periodic data"
    )


def _check_period(period: Any, entry: SpacingEntry, axis: int, n: int, func: str) -> float | None:
    if period is None:
        if entry.step is None:
            raise ValueError(
                f"{func}: boundary='periodic' with coordinates that are not exactly evenly spaced along dim {axis} "
                "needs period= (the length of one period, e.g. x[-1] - x[0] + last step)"
            )
        return None
    p = _scalar_spacing(period, func, "period")
    if isinstance(p, complex):
        raise TypeError(f"{func}: period must be a real number, got {period!r}")
    if p < 0:
        raise ValueError(
            f"{func}: period must be positive (the length of one period along dim {axis}), got {period!r}"
        )
    if entry.step is not None:
        # A uniform grid's period is n * step; anything else is a mistake.
        expected = abs(n * entry.step)
        if not math.isclose(abs(p), expected, rel_tol=1e-9):
            raise ValueError(
                f"{func}: period={period!r} does not match the uniform grid along dim {axis}: "
                f"{n} samples with spacing {entry.step} repeat every {float(expected)}"
            )
        return None
    x = entry.coords
    if x is None:  # traced coordinates whose values cannot be read: take the period as given
        return p
    _, increasing, decreasing, *_ = _scan(x)
    if not (increasing or decreasing):
        raise ValueError(
            f"{func}: boundary='periodic' needs monotonic coordinates along dim {axis}"
        )
    span = abs(x[-1] - x[0])
    if abs(p) <= span:
        raise ValueError(
            f"{func}: period={period!r} must exceed the span of the coordinates along dim "
            f"{axis} ({float(span)}): the first sample comes back one period after itself, "
            "beyond the last sample"
        )
    return p if increasing else -p


def make_specs(
    shape: Sequence[int],
    axes: Sequence[int],
    entries: Sequence[SpacingEntry],
    *,
    func: str,
    order: Any = 1,
    accuracy: Any = 2,
    edge_order: Any = None,
    boundary: Any = "one-sided",
    period: Any = None,
    default_edge_order=None,
    eps: float | None = None,
) -> list[AxisSpec]:
    """Validate the scheme settings and build one AxisSpec per axis.

    ``edge_order=None`` takes ``default_edge_order(accuracy)``. ``eps`` (the
    compute dtype's machine epsilon) asks for the edge-rounding check of
    :func:`_check_edges`.
    """
    orders = [check_nonnegative_int(o, "order", func) for o in per_axis(order, axes, func, "order")]
    accuracy = check_positive_int(accuracy, "accuracy", func, " (1, 2, 3, ...; 2 is torch's)")
    boundary = check_boundary(boundary, func)
    if boundary == "periodic" and edge_order is not None:
        raise ValueError(
            f"{func}: edge_order={edge_order!r} has no meaning with boundary='periodic' (a periodic axis has "
            "no edges: every point uses the centred stencil); leave edge_order out"
        )
    if edge_order is None:
        edge_order = default_edge_order(accuracy) if default_edge_order else accuracy
    else:
        edge_order = check_positive_int(edge_order, "edge_order", func, " (1, 2, 3, ...)")
    periods = per_axis(period, axes, func, "period")
    specs = []
    for a, entry, o, p in zip(axes, entries, orders, periods):
        n = shape[a]
        if boundary != "periodic" and p is not None:
            raise ValueError(f"{func}: period is only used with boundary='periodic', got period={p!r}")
        uniform = entry.step is not None
        need = stencils.points_needed(o, accuracy, edge_order, boundary, uniform)
        if n < need:
            if boundary == "periodic":
                what = f"a periodic derivative of order {o} with accuracy {accuracy}"
            else:
                what = f"a derivative of order {o} with edge_order={edge_order}"
            raise coded(
                ValueError(
                    f"{func}: dim {a} has {n} sample{'s' if n != 1 else ''}, but {what} needs at "
                    f"least {need} samples along it"
                ),
                "too-short", edge_order=edge_order,
            )
        if boundary == "periodic":
            p = _check_period(p, entry, a, n, func)
        k = 0
        if eps is not None and entry.gaps is not None and o > 0 and entry.step is None:
            k = _unit_exponent(entry.gaps, o, eps, entry.traced is not None, a, func)
        spec = AxisSpec(a, n, entry, o, accuracy, edge_order, boundary, p, k)
        if eps is not None and boundary != "periodic" and entry.traced is None and o > 0:
            _check_edges(spec, eps, func)
        specs.append(spec)
    return specs


def check_out(out: Any, op: Any, dtypes: Sequence[Any], func: str, many: bool) -> list[Any]:
    """Validate ``out=``: one writable array per result, of the right library,
    shape and dtype, not overlapping the input. Returns them as a list."""
    if many:
        if not isinstance(out, (list, tuple)):
            raise TypeError(
                f"{func}: out must be a tuple with one array per differentiated dim "
                f"({len(dtypes)}), got {type(out).__name__}"
            )
        items = list(out)
        if len(items) != len(dtypes):
            raise ValueError(
                f"{func}: out must hold one array per differentiated dim ({len(dtypes)}), "
                f"got {len(items)}"
            )
    else:
        items = [out]
    for k, (o, dtype) in enumerate(zip(items, dtypes)):
        name = f"out[{k}]" if many else "out"
        if type(o) is not type(op.array) and not (op.is_numpy and isinstance(o, np.ndarray)):
            raise TypeError(
                f"{func}: {name} must be an array of the same kind as f "
                f"({type(op.array).__name__}), got {type(o).__name__}"
            )
        if tuple(o.shape) != op.shape:
            raise ValueError(f"{func}: {name} has shape {tuple(o.shape)}, expected {op.shape}")
        same = o.dtype == dtype or (
            isinstance(o, np.ndarray) and o.dtype.newbyteorder("=") == np.dtype(dtype).newbyteorder("=")
        )  # NumPy: either byte order
        if not same:
            raise TypeError(f"{func}: {name} has dtype {o.dtype}, expected {dtype}")
        if isinstance(o, np.ndarray):
            if not o.flags.writeable:
                raise ValueError(f"{func}: {name} is read-only")
            if np.may_share_memory(o, op.array):
                raise ValueError(f"{func}: {name} overlaps the input f; give a separate array")
        elif hasattr(o, "data_ptr") and hasattr(op.array, "data_ptr"):
            if o.untyped_storage().data_ptr() == op.array.untyped_storage().data_ptr():
                raise ValueError(f"{func}: {name} overlaps the input f; give a separate array")
        elif not hasattr(o, "__setitem__") or type(o).__module__.startswith("jax"):
            raise TypeError(f"{func}: {name}: arrays of {type(o).__module__} cannot be written in place")
    for k in range(len(items)):
        for j in range(k):
            if items[k] is items[j]:
                raise ValueError(f"{func}: out[{j}] and out[{k}] are the same array")
    return items


def check_weights_args(points: Any, order: Any, at: Any) -> tuple[np.ndarray, int, float]:
    """Validate the arguments of :func:`gradkit.weights`."""
    func = "weights()"
    order = check_nonnegative_int(order, "order", func)
    if isinstance(at, (bool, np.bool_)) or not isinstance(at, numbers.Real):
        raise TypeError(f"{func}: at must be a real number, got {at!r}")
    try:
        at_value = float(at)
    except OverflowError:
        at_value = math.inf
    if not math.isfinite(at_value):
        raise ValueError(f"{func}: at must be finite, got {at!r}")
    raw = np.asarray(points, dtype=object) if isinstance(points, (list, tuple)) else np.asarray(points)
    if raw.dtype == object:
        bad = [v for v in raw.ravel() if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real)]
        if bad:
            raise TypeError(f"{func}: points must be real numbers, got {bad[0]!r} in {points!r}")
    elif raw.dtype.kind not in "iuf":
        raise TypeError(f"{func}: points must be real numbers, got an array of dtype {raw.dtype}")
    x = raw.astype(np.float64)
    if x.ndim != 1:
        raise ValueError(f"{func}: points must be a 1-D sequence, got an array of shape {x.shape}")
    bad = np.flatnonzero(~np.isfinite(x))
    if len(bad):
        raise ValueError(f"{func}: points must be finite, but point {bad[0]} is {float(x[bad[0]])}")
    if len(x) <= order:
        raise ValueError(
            f"{func}: a derivative of order {order} needs at least {order + 1} points, got {len(x)}"
        )
    values, counts = np.unique(x, return_counts=True)
    if np.any(counts > 1):
        raise ValueError(
            f"{func}: points must be distinct, but {float(values[counts > 1][0])} appears "
            f"{int(counts[counts > 1][0])} times in {x.tolist()}"
        )
    return x, order, float(at)


def check_torch_spacing_tensors(spacing: Any, input: Any, func: str) -> None:
    """torch-only checks on tensors inside ``spacing``: same device as the
    input, and no 0-d step that requires grad (torch refuses it too; its
    gradient would be lost)."""
    items = spacing if isinstance(spacing, (list, tuple)) else [spacing]
    for k, item in enumerate(items):
        if not hasattr(item, "requires_grad") or not hasattr(item, "device"):
            continue
        name = f"spacing[{k}]" if isinstance(spacing, (list, tuple)) else "spacing"
        if item.device != input.device:
            raise coded(
                ValueError(
                    f"{func}: {name} is on {item.device} but the input is on {input.device}; "
                    "put them on the same device"
                ),
                "device", devices=(input.device, item.device),
            )
        if item.requires_grad and item.ndim == 0:
            raise TypeError(
                f"{func}: {name} is a 0-d tensor that requires grad; like torch.gradient, a scalar "
                f"step carries no gradient. Pass coordinates instead (spacing=[h * torch.arange(n)])"
            )
