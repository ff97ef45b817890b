"""Finite-difference stencils: the one source of truth for weights.

Every number gradkit returns is a weighted sum of neighbouring samples,

    out[i] = sum_k  w[i, k] * f[i + o[i, k]]

This module computes the offsets ``o`` and weights ``w``; the kernels only
apply them and :mod:`gradkit.explain` only reads them.

Weights come from Fornberg's recurrence (B. Fornberg, "Generation of finite
difference formulas on arbitrarily spaced grids", Math. Comp. 51, 1988). It
gives the weights of the derivative of the interpolating polynomial through
any set of distinct points, for any derivative order, without solving a
Vandermonde system. On uniform grids the weights are computed in exact
rational arithmetic and rounded once; on coordinate grids they are computed
in float64, one stencil row per output point.
"""

from __future__ import annotations

import functools
import hashlib
import math
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Sequence

import numpy as np

__all__ = [
    "fornberg_weights",
    "three_point_weights",
    "three_point_edge_weights",
    "Quotient",
    "Prescaled",
    "RECIPES",
    "AxisPlan",
    "StencilBlock",
    "plan_axis",
    "interior_width",
    "edge_width",
    "points_needed",
    "BOUNDARIES",
    "reach",
    "slice_plan",
]

#: Boundary treatments the planner knows.
BOUNDARIES = ("one-sided", "periodic")

#: Operation orders the planner can reproduce for the second-order scheme
#: (they differ only in how the uniform step enters; see :class:`Quotient`).
RECIPES = ("torch", "numpy")


@dataclass(frozen=True)
class Quotient:
    """A block evaluated as ``(sum_k coefs[k] * f[i + offsets[k]]) / d1 / d2 ...``.

    The operation order of the originals: torch.gradient computes the
    uniform interior as ``((f[i+1] - f[i-1]) / h) / 2``, numpy.gradient as
    ``(f[i+1] - f[i-1]) / (2.0 * h)``, and both the two-point edges as
    ``(f[1] - f[0]) / (x[1] - x[0])``. ``coefs`` are small exact numbers
    (a pair ``(-1, 1)`` is a subtraction); each divisor is a number, ``"h"``
    (the uniform step), ``"2h"`` (twice the step, rounded once) or ``"gap"``
    (the block's coordinate gap ``x[i + offsets[-1]] - x[i + offsets[0]]``).
    Mathematically the block's ``weights`` are the same stencil.
    """

    coefs: tuple
    divisors: tuple


@dataclass(frozen=True)
class Prescaled:
    """A block evaluated as ``sum_k (coefs[k] / h) * f[i + offsets[k]]``:
    numpy.gradient's uniform second-order edges (``a = -1.5 / h``, ...)."""

    coefs: tuple


# ---------------------------------------------------------------------------
# Fornberg's recurrence
# ---------------------------------------------------------------------------
def _fornberg(x: Sequence, order: int) -> list:
    """Weights of the ``order``-th derivative at 0 from samples at ``x``.

    ``x`` holds the ``m`` distinct positions of the samples relative to the
    evaluation point, each one either a number or an array of positions (one
    per stencil: the recurrence then runs for all stencils at once). Only
    ``+ - * /`` are used and nothing is written in place, so the same code
    runs on float64 NumPy arrays, on :class:`fractions.Fraction` objects
    (exact arithmetic), and on torch or JAX arrays with autograd or tracing
    flowing through. Returns the ``m`` weights (or weight arrays), in the
    order of ``x``.
    """
    m = len(x)
    zero = x[0] * 0  # the type, shape, dtype and device of the positions
    c = [[zero] * m for _ in range(order + 1)]
    c[0][0] = zero + 1
    prod_prev = 1  # product of (x_i - x_j) over j < i, for the previous i
    for i in range(1, m):
        top = min(i, order)
        prod = 1
        for j in range(i):
            gap = x[i] - x[j]
            prod = prod * gap
            if j == i - 1:
                # The new node i, built from node i-1 before that node is updated.
                ratio = prod_prev / prod
                for k in range(top, 0, -1):
                    c[k][i] = ratio * (k * c[k - 1][i - 1] - x[i - 1] * c[k][i - 1])
                c[0][i] = -ratio * x[i - 1] * c[0][i - 1]
            for k in range(top, 0, -1):
                c[k][j] = (x[i] * c[k][j] - k * c[k - 1][j]) / gap
            c[0][j] = x[i] * c[0][j] / gap
        prod_prev = prod
    return c[order]


#: Up to this many points, :func:`fornberg_weights` runs in exact arithmetic.
_EXACT_POINTS = 64


def fornberg_weights(points: np.ndarray, order: int, at: float) -> np.ndarray:
    """Weights of the ``order``-th derivative at ``at`` from samples at ``points``.

    ``points`` are distinct finite float64 values (validated by the caller,
    see :func:`gradkit.weights`). Up to 64 points the recurrence runs on the
    exact rational values of the floats and each weight is rounded once
    (correctly rounded, for points of any magnitude or distance from ``at``;
    a weight beyond the float range is +-inf). More points: float64, with
    the stencil shifted to ``at`` and scaled to unit size first.
    """
    if len(points) <= _EXACT_POINTS:
        centre = Fraction(float(at))
        exact = _fornberg([Fraction(float(p)) - centre for p in points], order)
        return np.array([_rounded(w) for w in exact])
    with np.errstate(over="ignore", under="ignore"):  # weights beyond the float range become inf / 0
        return _coordinate_weights(points - at, 0, 1, range(len(points)), order, centre=0.0)[:, 0]


def _rounded(value: Fraction) -> float:
    """A rational rounded to the nearest float64 (+-inf beyond the range)."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _exact_unit_weights(offsets: tuple[int, ...], order: int) -> np.ndarray:
    """Weights for integer offsets on a unit grid, exact then rounded once."""
    return np.array([float(v) for v in _fornberg([Fraction(o) for o in offsets], order)])


# ---------------------------------------------------------------------------
# Stencil widths
# ---------------------------------------------------------------------------
def interior_width(order: int, accuracy: int, uniform: bool) -> int:
    """Number of points of the centred stencil used away from the edges.

    On a uniform grid a centred stencil of ``2*ceil(order/2) - 1 + accuracy``
    points (accuracy rounded up to even) has the requested accuracy thanks to
    its symmetry. On a non-uniform grid that symmetry is gone and ``m``
    points only guarantee accuracy ``m - order``, so ``order + accuracy``
    points are used, plus one where needed to keep the stencil centred.
    """
    if order == 0:
        return 1
    if uniform:
        even_accuracy = accuracy + (accuracy % 2)
        return 2 * ((order + 1) // 2) - 1 + even_accuracy
    width = order + accuracy
    return width + 1 if width % 2 == 0 else width


def edge_width(order: int, edge_order: int) -> int:
    """Points of the off-centre stencil used near a one-sided edge."""
    if order == 0:
        return 1
    return order + edge_order


def points_needed(order: int, accuracy: int, edge_order: int, boundary: str, uniform: bool) -> int:
    """Fewest samples an axis needs for the requested scheme."""
    if boundary == "periodic":
        return interior_width(order, accuracy, uniform)
    return edge_width(order, edge_order)


# ---------------------------------------------------------------------------
# Plans
# ---------------------------------------------------------------------------
class StencilBlock:
    """One stencil applied to the contiguous output points ``start:stop``.

    Output point ``i`` reads samples ``i + offsets[k]`` (modulo the axis
    length on a periodic axis). ``weights`` has shape ``(len(offsets),)``
    when all points share it, or ``(len(offsets), stop - start)`` when every
    point has its own weights (coordinate grids): ``weights[k]`` then holds
    the weight of offset ``k`` for each point.

    The centred three-point first derivative on a coordinate grid keeps no
    weight rows until something asks for them (``rule == "three-point"``):
    its weights follow from the coordinates by :func:`three_point_weights`,
    which the compiled kernel evaluates on the fly, so a long axis costs no
    memory beyond its coordinates.

    Every other interior block on a coordinate grid (wider stencils, higher
    derivatives, periodic axes) keeps none either (``rule ==
    "fornberg-on-the-fly"``): the compiled kernel computes each point's
    weights from the coordinates with ``fornberg_lanes``, ``row``
    computes one point's the same way, and ``weights`` all of them (not
    kept) by the same recurrence vectorised, ``_coordinate_weights``.
    """

    __slots__ = (
        "start", "stop", "offsets", "kind", "edge", "rule", "form", "_weights", "_coords", "_order", "_period",
        "__weakref__",
    )

    def __init__(
        self,
        start: int,
        stop: int,
        offsets: tuple[int, ...],
        weights: np.ndarray | None,
        kind: str,
        edge: bool = False,
        rule: str | None = None,
        coords: np.ndarray | None = None,
        form: "Quotient | Prescaled | None" = None,
        order: int = 1,
        period: Any = None,
    ):
        self.start = start
        self.stop = stop
        self.offsets = offsets
        self.kind = kind  # "central", "forward", "backward", "off-centre", "periodic"
        #: True for the stencils near a one-sided edge, whose accuracy is the
        #: plan's edge_order (even when the window happens to be symmetric).
        self.edge = edge
        #: How the weights follow from the coordinates when they are not
        #: stored: "three-point" (interior closed form), "three-point-edge"
        #: (one-sided closed form), "difference" (two points), "fornberg"
        #: (the recurrence, traced plans only), or None (stored rows).
        self.rule = rule
        #: How a kernel evaluates the block (None: ``sum_k w_k f_k`` divided
        #: by the plan's divisor); see :class:`Quotient` and :class:`Prescaled`.
        self.form = form
        self._weights = weights
        self._coords = coords
        self._order = order  # of the derivative ("fornberg-on-the-fly")
        self._period = period  # of a periodic axis ("fornberg-on-the-fly")

    def __repr__(self) -> str:
        return (
            f"StencilBlock({self.start}:{self.stop}, offsets={self.offsets}, kind={self.kind!r}"
            f"{', edge' if self.edge else ''}{', rule=' + repr(self.rule) if self.rule else ''})"
        )

    @property
    def weights(self) -> np.ndarray:
        if self._weights is None and self._coords is None:
            raise ValueError(
                "this block belongs to a plan for coordinates kept in their own array library; "
                "its weights come from gradkit.stencils.block_weights"
            )
        if self.rule == FORNBERG_ON_THE_FLY:
            return self._fornberg_rows()  # not kept: a long axis would hold them all
        if self._weights is None:
            centres = np.arange(self.start, self.stop)
            self._weights = np.stack(self._three_point(centres))
        return self._weights

    def _fornberg_rows(self) -> np.ndarray:
        x, offsets, order = self._coords, self.offsets, self._order
        if self._period is None:
            return _coordinate_weights(x, self.start, self.stop - self.start, offsets, order)
        width = len(offsets)
        xe = _periodic_extension(np, x, width, self._period)
        return _coordinate_weights(xe, width + self.start, self.stop - self.start, offsets, order)

    def _three_point(self, centres):
        x = self._coords
        return three_point_weights(x[centres] - x[centres - 1], x[centres + 1] - x[centres])

    def accuracy(self, plan: "AxisPlan") -> int:
        """The order of accuracy this block was built for."""
        return plan.edge_order if self.edge else plan.accuracy

    @property
    def shared(self) -> bool:
        return self.rule in (None, "difference", "three-point-edge") and self.weights.ndim == 1

    def gap(self, x):
        """The coordinate span of a one-point block's stencil, from ``x``
        (any array library): the divisor of a ``"gap"`` :class:`Quotient`."""
        i = self.start
        return x[i + self.offsets[-1]] - x[i + self.offsets[0]]

    def row(self, i: int) -> np.ndarray:
        """Weights of output point ``i`` (unscaled)."""
        if self.rule == FORNBERG_ON_THE_FLY:
            m, order = len(self.offsets), self._order
            pos = fornberg_positions(self._coords, i, self.offsets, self._period)
            return fornberg_lanes(pos, order, np.empty((order + 1, m, 1)), np.empty(1), np.empty((3, 1)), 1)[:, 0].copy()
        if self._weights is None:
            return np.array(self._three_point(np.array([i]))).reshape(-1)
        return self.weights if self.shared else self.weights[:, i - self.start]


def step_divisors(step, order: int) -> list:
    """What a uniform stencil's sum is divided by: ``[step**order]``, or,
    where that power over- or underflows (steps near 1e+-200), ``order``
    divisions by the step, so that a representable derivative stays
    representable (and no OverflowError escapes)."""
    if step is None or order == 0:
        return []
    try:
        power = step**order
    except OverflowError:
        return [step] * order
    if not np.isfinite(power) or abs(power) < np.finfo(np.float64).tiny:  # overflow, underflow, subnormal
        return [step] * order
    return [] if power == 1 else [power]


#: The rule of coordinate blocks whose weights the kernel computes with
#: :func:`fornberg_lanes` as it goes (see :class:`StencilBlock`).
FORNBERG_ON_THE_FLY = "fornberg-on-the-fly"


def unit_divisors(plan: "AxisPlan") -> list:
    """The powers of two a rescaled coordinate plan's sums are divided by
    (``unit**order``, in as few factors as stay inside the float range)."""
    if plan.unit is None or plan.order == 0:
        return []
    exponent = (math.frexp(plan.unit)[1] - 1) * plan.order
    factors = []
    while exponent:
        e = max(-1000, min(1000, exponent))
        factors.append(math.ldexp(1.0, e))
        exponent -= e
    return factors


def block_divisors(plan: "AxisPlan", block: "StencilBlock", step, coords=None) -> list:
    """What ``block``'s weighted sum is divided by, in order (see
    :class:`Quotient`): the gap comes from ``coords`` when given (the caller's
    own array library), else from the plan's coordinates as a plain number."""
    form = block.form
    if isinstance(form, Prescaled):
        return []
    if isinstance(form, Quotient):
        named = {"h": step, "2h": None if step is None else 2.0 * step}
        return [
            (block.gap(coords) if coords is not None else float(block.gap(plan.coords))) if d == "gap" else named.get(d, d)
            for d in form.divisors
        ] + unit_divisors(plan)
    return step_divisors(step, plan.order) + unit_divisors(plan)


def three_point_weights(hl, hr):
    """Weights of the centred three-point first derivative on any grid.

    For samples at ``x - hl``, ``x`` and ``x + hr``: the closed form of
    Fornberg's weights for this stencil (the slope at ``x`` of the parabola
    through the three samples), written as torch.gradient and numpy.gradient
    write it, so that gradkit reproduces them to the last bit. Works on
    scalars (also inside compiled kernels) and arrays alike.
    """
    return (-hr / (hl * (hl + hr)), (hr - hl) / (hl * hr), hl / (hr * (hl + hr)))


def three_point_edge_weights(d0, d1, left: bool, recipe: str = "numpy"):
    """Weights of the one-sided three-point first derivative at an edge.

    ``left``: samples at ``x0``, ``x0 + d0``, ``x0 + d0 + d1``, derivative at
    ``x0`` (offsets 0, 1, 2). Otherwise samples at ``xn - d0 - d1``,
    ``xn - d1``, ``xn`` (offsets -2, -1, 0; ``d0`` and ``d1`` the last two
    gaps), derivative at ``xn``. The closed form of Fornberg's weights for
    these stencils, written as numpy.gradient and torch.gradient write it
    (``edge_order=2``), so that the edges match them to the last bit. The
    two write the right edge's products in opposite orders, which gives
    different bits for complex coordinates (a fused multiply-add makes a
    complex product depend on the order); ``recipe`` picks one.
    """
    if left:
        return (-(2.0 * d0 + d1) / (d0 * (d0 + d1)), (d0 + d1) / (d0 * d1), -d0 / (d1 * (d0 + d1)))
    if recipe == "torch":
        return (d1 / (d0 * (d1 + d0)), -(d1 + d0) / (d1 * d0), (2.0 * d1 + d0) / (d1 * (d1 + d0)))
    return (d1 / (d0 * (d0 + d1)), -(d1 + d0) / (d0 * d1), (2.0 * d1 + d0) / (d1 * (d0 + d1)))


@dataclass(frozen=True, eq=False)
class AxisPlan:
    """Everything needed to differentiate along one axis.

    ``blocks`` cover ``0..n-1`` in order. Weights are for a unit step when
    ``step`` is not None (the kernels divide the sum by ``step**order``), and
    already in coordinate units when ``coords`` were given.
    """

    n: int
    order: int
    accuracy: int
    edge_order: int
    boundary: str
    step: float | complex | None
    coords: np.ndarray | None
    period: float | None
    blocks: tuple[StencilBlock, ...]
    #: The operation order the blocks follow (one of :data:`RECIPES`).
    recipe: str = "torch"
    #: A power of two: the coordinates are in units of ``unit`` (the caller's
    #: times ``1/unit``) and every weighted sum is divided by ``unit`` once per
    #: derivative order (see ``gradkit._args._unit_exponent``); None normally.
    unit: float | None = None
    #: The rows are the plan's own (a Savitzky–Golay fit), not rebuilt from
    #: the settings above: a chunk takes its rows with ``plan_rows``.
    given_rows: bool = False

    @property
    def periodic(self) -> bool:
        return self.boundary == "periodic"

    @property
    def uniform(self) -> bool:
        return self.step is not None

    @property
    def divisor(self) -> float | complex:
        """What the weighted sum is divided by (``step**order``, or 1; inf or 0
        where that power leaves the float range, see :func:`step_divisors`)."""
        if self.step is None or self.order == 0:
            return 1.0
        with np.errstate(over="ignore", under="ignore"):
            return complex(np.complex128(self.step) ** self.order) if isinstance(self.step, complex) else float(
                np.float64(self.step) ** self.order
            )

    @functools.cached_property
    def edge_amplification(self) -> float:
        """How much more the one-sided edge stencils amplify rounding errors
        than the centred stencil: ``max sum|w|`` over the edge points over
        ``sum|w|`` of the first centred point (1 without edges). A sum of
        samples each off by ``eps * |f|`` is off by up to ``eps * |f| * sum|w|``,
        so the edges lose ``log10`` of this many digits more than the interior."""
        edges = [b for b in self.blocks if b.edge]
        if not edges:
            return 1.0
        inner = [b for b in self.blocks if not b.edge]
        ref = float(np.abs(inner[0].row(inner[0].start)).sum()) if inner else min(
            float(np.abs(b.row(b.start)).sum()) for b in edges
        )
        worst = max(float(np.abs(b.row(b.start)).sum()) for b in edges)
        return worst / ref if ref > 0 else math.inf

    def block_of(self, i: int) -> StencilBlock:
        for block in self.blocks:
            if block.start <= i < block.stop:
                return block
        raise IndexError(f"point {i} is outside an axis of length {self.n}")

    def block_rows(self, block: StencilBlock) -> np.ndarray:
        """Effective weights (divisors applied) of every point of ``block``,
        shape ``(len(offsets), stop - start)``: what :meth:`stencil` gives for
        one point, for all of them at once (what :mod:`gradkit.matrix` reads)."""
        w = block.weights
        w = np.broadcast_to(w[:, None], (len(block.offsets), block.stop - block.start)) if w.ndim == 1 else w
        with np.errstate(over="ignore", under="ignore"):
            for d in step_divisors(self.step, self.order) + unit_divisors(self):
                w = w / d
        return np.asarray(w)

    def stencil(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Sample indices and effective weights (divisor applied) of point ``i``."""
        block = self.block_of(i)
        idx = np.array([i + o for o in block.offsets])
        if self.periodic:
            idx %= self.n
        w = block.row(i)
        with np.errstate(over="ignore", under="ignore"):  # weights beyond the range, sums inside it
            for d in step_divisors(self.step, self.order) + unit_divisors(self):
                w = w / d
        return idx, w


def _centred_offsets(width: int) -> tuple[int, ...]:
    r = (width - 1) // 2
    return tuple(range(-r, width - r))


def _edge_window_start(i: int, width: int, n: int) -> int:
    """First index of the most centred window of ``width`` points holding ``i``."""
    return min(max(i - (width - 1) // 2, 0), n - width)


def _kind_of(offsets: tuple[int, ...], periodic: bool) -> str:
    if periodic:
        return "periodic"
    lo, hi = offsets[0], offsets[-1]
    if lo == 0:
        return "forward"
    if hi == 0:
        return "backward"
    if lo == -hi:
        return "central"
    return "off-centre"


def _drop_zero_weights(offsets: tuple[int, ...], w: np.ndarray) -> tuple[tuple[int, ...], np.ndarray]:
    """Remove exactly-zero weights, so a NaN never reaches a point that does not use it.

    When every weight is zero (they all underflowed) the stencil is kept
    whole: its sum is then 0, or NaN where a sample is.
    """
    keep = w != 0
    if keep.all() or not keep.any():
        return offsets, w
    return tuple(o for o, k in zip(offsets, keep) if k), w[keep]


#: The two-point first derivative: ``(f[b] - f[a]) / step`` (a subtraction, exact).
_DIFFERENCE = (-1.0, 1.0)

#: The uniform interior of the second-order first derivative, per recipe:
#: torch.gradient divides by h then by 2, numpy.gradient by 2h.
_CENTRAL_FORMS = {
    "torch": Quotient(_DIFFERENCE, ("h", 2.0)),
    "numpy": Quotient(_DIFFERENCE, ("2h",)),
}


def _is_pair(offsets: tuple[int, ...]) -> bool:
    return len(offsets) == 2 and offsets[1] - offsets[0] == 1


def _one_sided_blocks(n, width, ew, edge_block, interior_block, first=0, stop=None, shift=0) -> list[StencilBlock]:
    """Centred stencils where they fit, off-centre windows of ``ew`` points elsewhere.

    ``edge_block(i, offsets)`` gives the block of point ``i`` whose window
    of samples is ``i + offsets``; ``interior_block(start, stop, offsets)``
    the block of centred stencils. Only the points ``first:stop`` of the
    axis of ``n`` are planned (default: all), each at index ``i - shift``
    (the block of samples of :func:`slice_plan`).
    """
    stop = n if stop is None else stop
    r = (width - 1) // 2
    n_left = min(r, n)

    def window(i):
        s = _edge_window_start(i, ew, n)
        return edge_block(i - shift, tuple(range(s - i, s - i + ew)))

    blocks = [window(i) for i in range(first, min(n_left, stop))]
    lo, hi = max(r, first), min(n - r, stop)
    if n - 2 * r > 0 and lo < hi:
        blocks.append(interior_block(lo - shift, hi - shift, _centred_offsets(width)))
    blocks += [window(i) for i in range(max(n - r, n_left, first), stop)]
    return blocks


def _uniform_builders(order, accuracy, recipe="torch"):
    """The centred width of a uniform grid and its edge-block builder."""
    def edge_block(i, offs):
        offs, we = _drop_zero_weights(offs, _exact_unit_weights(offs, order))
        form = None
        if order == 1 and _is_pair(offs):
            form = Quotient(_DIFFERENCE, ("h",))
        elif order == 1 and len(offs) == 3 and recipe == "numpy":
            form = Prescaled(tuple(float(v) for v in we))
        return StencilBlock(i, i + 1, offs, we, _kind_of(offs, False), edge=True, form=form)

    return interior_width(order, accuracy, uniform=True), edge_block


def _uniform_centre(width, order, recipe):
    """The centred stencil of a uniform grid: offsets, weights, form."""
    offsets, w = _drop_zero_weights(
        _centred_offsets(width), _exact_unit_weights(_centred_offsets(width), order)
    )
    return offsets, w, (_CENTRAL_FORMS[recipe] if order == 1 and offsets == (-1, 1) else None)


def _uniform_blocks(n, order, accuracy, edge_order, periodic, recipe="torch", first=0, stop=None, shift=0) -> list[StencilBlock]:
    """Blocks for a uniform grid (``first``, ``stop``, ``shift``: see
    :func:`_one_sided_blocks`; a periodic axis's block then reads samples
    that :func:`slice_plan` has placed around it)."""
    stop = n if stop is None else stop
    width, edge_block = _uniform_builders(order, accuracy, recipe)
    if not periodic and width > n:
        # No centred point fits: the edge stencils cover the axis, and the
        # centred weights (of a possibly huge stencil) are never needed.
        return _one_sided_blocks(n, width, edge_width(order, edge_order), edge_block, None, first, stop, shift)
    offsets, w, central = _uniform_centre(width, order, recipe)
    if periodic:
        return [StencilBlock(first - shift, stop - shift, offsets, w, "periodic", form=central)]
    return _one_sided_blocks(
        n,
        width,
        edge_width(order, edge_order),
        edge_block,
        lambda start, stop, _: StencilBlock(start, stop, offsets, w, "central", form=central),
        first,
        stop,
        shift,
    )


def _coordinate_blocks(
    x, order, accuracy, edge_order, periodic, period, n=None, first=0, stop=None, shift=0
) -> list[StencilBlock]:
    """Blocks for a coordinate grid. With ``x=None`` only the structure is
    planned (offsets and kinds, no weights): the weights then come from
    :func:`block_weights` on the caller's own coordinate array. ``first``,
    ``stop``, ``shift``: see :func:`_one_sided_blocks` (``x`` then holds the
    coordinates of the samples around the points, at their shifted indices)."""
    n = len(x) if x is not None and n is None else n
    stop = n if stop is None else stop
    width = interior_width(order, accuracy, uniform=False)
    offsets = _centred_offsets(width) if periodic or width <= n else None  # None: no centred point fits
    if periodic:
        if x is None:
            return [StencilBlock(0, n, offsets, None, "periodic", rule="fornberg")]
        return [
            StencilBlock(
                first - shift, stop - shift, offsets, None, "periodic", rule=FORNBERG_ON_THE_FLY, coords=x,
                order=order, period=period,
            )
        ]

    def edge_block(i, offs):
        kind = _kind_of(offs, False)
        if order == 1 and (_is_pair(offs) or offs in ((0, 1, 2), (-2, -1, 0))):
            # The originals' closed forms (two-point difference, three-point edge).
            block = StencilBlock(
                i, i + 1, offs, None, kind, edge=True, coords=x,
                rule="difference" if len(offs) == 2 else "three-point-edge",
                form=Quotient(_DIFFERENCE, ("gap",)) if len(offs) == 2 else None,
            )
            if x is not None:
                with np.errstate(all="ignore"):  # underflowed gaps: numpy's inf/nan, silently
                    block._weights = np.array(_closed_edge_weights(block, x), dtype=np.float64)
            return block
        if x is None:  # structure only (traced coordinates)
            return StencilBlock(i, i + 1, offs, None, kind, edge=True, rule="fornberg")
        offs, w = _drop_zero_weights(offs, _coordinate_weights(x, i, 1, offs, order)[:, 0])
        return StencilBlock(i, i + 1, offs, w, _kind_of(offs, False), edge=True)

    def interior_block(start, stop, offs):
        if order == 1 and offs == (-1, 0, 1):
            return StencilBlock(start, stop, offs, None, "central", rule="three-point", coords=x)
        if x is None:
            return StencilBlock(start, stop, offs, None, "central", rule="fornberg")
        return StencilBlock(start, stop, offs, None, "central", rule=FORNBERG_ON_THE_FLY, coords=x, order=order)

    return _one_sided_blocks(n, width, edge_width(order, edge_order), edge_block, interior_block, first, stop, shift)


def _closed_edge_weights(block: StencilBlock, x, recipe: str = "numpy") -> tuple:
    """The weights of a one-point ``"difference"`` or ``"three-point-edge"``
    block from the coordinates ``x`` (any array library; 0-d results)."""
    i, offs = block.start, block.offsets
    if block.rule == "difference":
        gap = block.gap(x)
        return (-1.0 / gap, 1.0 / gap)
    a = i + offs[0]
    d0, d1 = x[a + 1] - x[a], x[a + 2] - x[a + 1]
    return three_point_edge_weights(d0, d1, left=offs[0] == 0, recipe=recipe)


def _periodic_extension(xp, x, width: int, period):
    """``x`` with ``width`` positions one period away on either side."""
    n = x.shape[0]
    return xp.concat([x[n - width :] - period, x, x[:width] + period])


#: Stencils processed together: small enough that the recurrence runs in cache.
_FORNBERG_BLOCK = 8192


def _coordinate_weights(x: np.ndarray, first: int, count: int, offsets, order: int, centre=None) -> np.ndarray:
    """Weights (float64) for the stencils centred on ``x[first : first + count]``.

    Stencil ``p`` uses the samples at ``x[first + p + o]`` for ``o`` in
    ``offsets`` (``centre``, when given, replaces the centre positions).
    Each stencil is scaled by a power of two at least as large as itself:
    dividing by it is exact, so close coordinates far from the evaluation
    point keep every digit, and the recurrence never overflows or
    underflows. Returns shape ``(len(offsets), count)``.
    """
    w = np.empty((len(offsets), count))
    for a in range(0, count, _FORNBERG_BLOCK):
        b = min(a + _FORNBERG_BLOCK, count)
        mid = x[first + a : first + b] if centre is None else centre
        rows = [x[first + a + o : first + b + o] - mid for o in offsets]
        scale = np.ldexp(1.0, np.frexp(np.max(np.abs(np.stack(rows)), axis=0))[1])
        with np.errstate(over="ignore", under="ignore"):  # weights beyond the float range: inf / 0
            w[:, a:b] = np.stack(_scaled_fornberg(rows, scale, order))
    return w


def _scaled_fornberg(rows: list, scale, order: int) -> list:
    """:func:`_fornberg` on positions divided by ``scale`` (a power of two at
    least as large as each stencil), weights scaled back: the weights do not
    depend on the scale, which only keeps the recurrence in range."""
    return [wk / scale**order for wk in _fornberg([r / scale for r in rows], order)]


def fornberg_lanes(pos, order: int, c, scale, work, lanes: int):
    """Fornberg's recurrence with its power-of-two scaling, for many stencils
    at once, in loops over plain float64 arrays.

    ``pos[j, p]``: position of sample ``j`` of stencil ``p`` relative to its
    evaluation point (overwritten: divided by the scale); ``c`` a scratch
    array of shape ``(order + 1, m, lanes)``, ``scale`` one of shape
    ``(lanes,)`` and ``work`` one of shape ``(3, lanes)``; only the first
    ``lanes`` columns of each are used (the compiled kernel allocates them
    once per tile, for its longest group of points). Returns ``c[order]``,
    the weights, in its first ``lanes`` columns.

    The recurrence of :func:`_fornberg` on positions scaled as
    :func:`_scaled_fornberg` scales them, with one difference that makes it
    cheap enough to run for every point of every call: each gap is divided
    into 1 once and multiplied by (and the power-of-two scale is applied as
    its reciprocal, exact), so its weights agree with
    :func:`_coordinate_weights` to a few units in the last place, not bit
    for bit. It is the source of the
    weights of the ``"fornberg-on-the-fly"`` blocks: the compiled kernel
    runs its two halves, :func:`fornberg_recurrence` and
    :func:`fornberg_power`, njit-compiled, on each tile of points (so no
    weight rows are ever stored; it multiplies each weight by the power as
    it applies it), and :meth:`StencilBlock.row` runs it as it is (explain).
    """
    m = pos.shape[0]
    fornberg_recurrence(pos, order, c, scale, work, lanes)
    power = fornberg_power(scale, order, work, lanes)
    for j in range(m):
        w = c[order, j]
        for p in range(lanes):
            w[p] = w[p] * power[p]
    return c[order]


def fornberg_power(scale, order: int, work, lanes: int):
    """``scale**order`` lane by lane, by the squarings numba and Python use
    for a float to an integer power (``scale`` itself for order 1; else
    ``work[1]``, and ``scale`` is overwritten)."""
    if order == 1:
        return scale
    power = work[1]
    for p in range(lanes):
        power[p] = 1.0
    bits = order
    while bits != 0:
        if bits & 1:
            for p in range(lanes):
                power[p] = power[p] * scale[p]
        bits >>= 1
        if bits != 0:
            for p in range(lanes):
                scale[p] = scale[p] * scale[p]
    return power


def fornberg_recurrence(pos, order: int, c, scale, work, lanes: int):
    """The part of :func:`fornberg_lanes` before the final scaling: the
    positions scaled (by ``scale``, the reciprocal of each stencil's power of
    two) and ``c[order]`` the weights of the scaled stencils.

    The loops over stencils ``p`` are innermost and free of calls and
    branches, so the compiled loops vectorise; for first and second
    derivatives each step of the recurrence is one such loop (its
    intermediate values stay in registers), and only the entries of ``c``
    read before they are written are initialised. Every lane does the same
    operations in the same order whichever loop runs them.
    """
    m = pos.shape[0]
    big = work[0]
    p0 = pos[0]
    for p in range(lanes):
        big[p] = abs(p0[p])
    for j in range(1, m):
        pj = pos[j]
        for p in range(lanes):
            big[p] = max(big[p], abs(pj[p]))
    # scale = 2**-e for big = mantissa * 2**e (frexp), built from the
    # exponent bits where big and the scale are normal numbers (the same
    # value as math.ldexp(1.0, -math.frexp(big)[1])), by those calls elsewhere.
    big_bits = big.view(np.int64)
    scale_bits = scale.view(np.int64)
    odd = 0
    for p in range(lanes):
        e = (big_bits[p] >> 52) & 0x7FF
        odd += (e < 1) | (e > 2044)
        scale_bits[p] = (2045 - e) << 52
    if odd:
        for p in range(lanes):
            e = (big_bits[p] >> 52) & 0x7FF
            if e < 1 or e > 2044:
                scale[p] = math.ldexp(1.0, -math.frexp(big[p])[1])  # 1 / the scale of _coordinate_weights
    for j in range(m):
        pj = pos[j]
        for p in range(lanes):
            pj[p] = pj[p] * scale[p]
    # c starts as zeros (pos[0] * 0.0: NaN where a position is) and c[0, 0]
    # as one; c[k, i] for k <= min(i, order), i >= 1, is written (by the
    # step that adds node i) before it is read, so only c[0, 0] and c[k, i]
    # for i < k need their starting values.
    c00 = c[0, 0]
    for p in range(lanes):
        c00[p] = p0[p] * 0.0 + 1.0
    for k in range(1, order + 1):
        for i in range(min(k, m)):
            cki = c[k, i]
            for p in range(lanes):
                cki[p] = p0[p] * 0.0
    prod_prev = work[0]  # big is not needed again
    prod = work[1]
    inv = work[2]
    for i in range(1, m):
        top = min(i, order)
        xi = pos[i]
        xm = pos[i - 1]
        for j in range(i):
            xj = pos[j]
            if top == 1 or top == 2:
                # One loop per step: the general case below, fused (for
                # j == i - 1, xm is xj and c[k, i - 1] is c[k, j]). The
                # running product starts at 1 (1 * gap is gap) and so does
                # prod_prev (for i == 1).
                c0j = c[0, j]
                c1j = c[1, j]
                c0i = c[0, i]
                c1i = c[1, i]
                if top == 1 and i == 1:  # j == 0 == i - 1
                    for p in range(lanes):
                        gap = xi[p] - xj[p]
                        inverse = 1.0 / gap
                        ratio = inverse  # prod_prev / (1 * gap), prod_prev = 1
                        c1i[p] = ratio * (1 * c0j[p] - xj[p] * c1j[p])
                        c0i[p] = -ratio * xj[p] * c0j[p]
                        c1j[p] = (xi[p] * c1j[p] - 1 * c0j[p]) * inverse
                        c0j[p] = xi[p] * c0j[p] * inverse
                        prod_prev[p] = gap
                elif top == 1 and j == i - 1:
                    for p in range(lanes):
                        gap = xi[p] - xj[p]
                        total = prod[p] * gap
                        inverse = 1.0 / gap
                        ratio = prod_prev[p] / total
                        c1i[p] = ratio * (1 * c0j[p] - xj[p] * c1j[p])
                        c0i[p] = -ratio * xj[p] * c0j[p]
                        c1j[p] = (xi[p] * c1j[p] - 1 * c0j[p]) * inverse
                        c0j[p] = xi[p] * c0j[p] * inverse
                        prod_prev[p] = total
                elif top == 1 and j == 0:
                    for p in range(lanes):
                        gap = xi[p] - xj[p]
                        prod[p] = gap
                        inverse = 1.0 / gap
                        c1j[p] = (xi[p] * c1j[p] - 1 * c0j[p]) * inverse
                        c0j[p] = xi[p] * c0j[p] * inverse
                elif top == 1:
                    for p in range(lanes):
                        gap = xi[p] - xj[p]
                        prod[p] = prod[p] * gap
                        inverse = 1.0 / gap
                        c1j[p] = (xi[p] * c1j[p] - 1 * c0j[p]) * inverse
                        c0j[p] = xi[p] * c0j[p] * inverse
                elif j == i - 1:  # top == 2, so i >= 2 and j >= 1
                    c2j = c[2, j]
                    c2i = c[2, i]
                    for p in range(lanes):
                        gap = xi[p] - xj[p]
                        total = prod[p] * gap
                        inverse = 1.0 / gap
                        ratio = prod_prev[p] / total
                        c2i[p] = ratio * (2 * c1j[p] - xj[p] * c2j[p])
                        c1i[p] = ratio * (1 * c0j[p] - xj[p] * c1j[p])
                        c0i[p] = -ratio * xj[p] * c0j[p]
                        c2j[p] = (xi[p] * c2j[p] - 2 * c1j[p]) * inverse
                        c1j[p] = (xi[p] * c1j[p] - 1 * c0j[p]) * inverse
                        c0j[p] = xi[p] * c0j[p] * inverse
                        prod_prev[p] = total
                elif j == 0:
                    c2j = c[2, j]
                    for p in range(lanes):
                        gap = xi[p] - xj[p]
                        prod[p] = gap
                        inverse = 1.0 / gap
                        c2j[p] = (xi[p] * c2j[p] - 2 * c1j[p]) * inverse
                        c1j[p] = (xi[p] * c1j[p] - 1 * c0j[p]) * inverse
                        c0j[p] = xi[p] * c0j[p] * inverse
                else:
                    c2j = c[2, j]
                    for p in range(lanes):
                        gap = xi[p] - xj[p]
                        prod[p] = prod[p] * gap
                        inverse = 1.0 / gap
                        c2j[p] = (xi[p] * c2j[p] - 2 * c1j[p]) * inverse
                        c1j[p] = (xi[p] * c1j[p] - 1 * c0j[p]) * inverse
                        c0j[p] = xi[p] * c0j[p] * inverse
                continue
            # Any other order: a loop per operation.
            for p in range(lanes):
                gap = xi[p] - xj[p]
                prod[p] = (1.0 if j == 0 else prod[p]) * gap
                inv[p] = 1.0 / gap
            if j == i - 1:
                # The new node i, built from node i-1 before that node is updated.
                ratio = prod_prev  # prod_prev is not needed again for this i
                for p in range(lanes):
                    ratio[p] = (1.0 if i == 1 else prod_prev[p]) / prod[p]
                for k in range(top, 0, -1):
                    cki = c[k, i]
                    ck1 = c[k - 1, i - 1]
                    ckm = c[k, i - 1]
                    for p in range(lanes):
                        cki[p] = ratio[p] * (k * ck1[p] - xm[p] * ckm[p])
                c0i = c[0, i]
                c0m = c[0, i - 1]
                for p in range(lanes):
                    c0i[p] = -ratio[p] * xm[p] * c0m[p]
            for k in range(top, 0, -1):
                ckj = c[k, j]
                ck1j = c[k - 1, j]
                for p in range(lanes):
                    ckj[p] = (xi[p] * ckj[p] - k * ck1j[p]) * inv[p]
            c0j = c[0, j]
            for p in range(lanes):
                c0j[p] = xi[p] * c0j[p] * inv[p]
            if j == i - 1:
                for p in range(lanes):
                    prod_prev[p] = prod[p]


def fornberg_positions(x, i: int, offsets, period=None) -> np.ndarray:
    """Positions ``x[i + o] - x[i]`` of the samples of point ``i``'s stencil,
    shape ``(m, 1)`` for :func:`fornberg_lanes`; on a periodic axis
    (``period`` given) a sample past an end is one period away, as in
    :func:`_periodic_extension`."""
    n = len(x)
    pos = np.empty((len(offsets), 1))
    for k, o in enumerate(offsets):
        q, j = divmod(i + o, n)
        xj = x[j] if q == 0 else (x[j] + period if q > 0 else x[j] - period)
        pos[k, 0] = xj - x[i]
    return pos


def block_weights(xp, plan: "AxisPlan", block: StencilBlock, x, period=None) -> list:
    """The weights of ``block`` computed with ``xp`` from the coordinates ``x``.

    For coordinates that must stay in their own array library (torch tensors
    that require grad, JAX tracers): the same closed form or recurrence as
    the plan's own weights, written with array operations so that autograd
    and tracing flow through. ``period`` is needed on a periodic axis.
    Returns one array per offset, each with one weight per point of the block.
    """
    order, offsets = plan.order, block.offsets
    start, stop = block.start, block.stop
    if block.rule == "three-point":
        centre = x[start:stop]
        return list(three_point_weights(centre - x[start - 1 : stop - 1], x[start + 1 : stop + 1] - centre))
    if block.rule in ("difference", "three-point-edge"):
        return list(_closed_edge_weights(block, x, plan.recipe))
    base = 0
    if plan.periodic:
        base = len(offsets)
        x = _periodic_extension(xp, x, base, period)
    centre = x[base + start : base + stop]
    rows = [x[base + start + o : base + stop + o] - centre for o in offsets]
    biggest = rows[0] * 0
    for r in rows:
        biggest = xp.maximum(biggest, xp.abs(r))
    scale = 2.0 ** xp.ceil(xp.log2(xp.where(biggest > 0, biggest, xp.ones_like(biggest))))
    return _scaled_fornberg(rows, scale, order)


def _plan_uncached(n, order, accuracy, edge_order, boundary, step, coords, period, traced=False, recipe="torch",
                   unit=None) -> AxisPlan:
    periodic = boundary == "periodic"
    if coords is None and not traced:
        blocks = _uniform_blocks(n, order, accuracy, edge_order, periodic, recipe)
    else:
        blocks = _coordinate_blocks(coords, order, accuracy, edge_order, periodic, period, n)
    return AxisPlan(n, order, accuracy, edge_order, boundary, step, coords, period, tuple(blocks), recipe, unit)


_PLAN_CACHE: "OrderedDict[tuple, AxisPlan]" = OrderedDict()
#: Coordinate plans of axes up to this long are always cached (hashing is cheap).
HASH_ALWAYS_BELOW = 1 << 16
_PLAN_CACHE_SIZE = 64
#: Plans of long coordinate axes, while they are alive (see plan_axis).
_LONG_PLANS: "weakref.WeakValueDictionary[tuple, AxisPlan]" = weakref.WeakValueDictionary()


def coordinates_digest(coords: np.ndarray) -> bytes:
    """A digest of a float64 coordinate array's contents (keys the plan cache)."""
    return hashlib.sha256(np.ascontiguousarray(coords)).digest()


def plan_axis(
    n: int,
    *,
    order: int = 1,
    accuracy: int = 2,
    edge_order: int = 1,
    boundary: str = "one-sided",
    step: float | complex | None = 1.0,
    coords: np.ndarray | None = None,
    period: Any = None,
    traced: bool = False,
    digest: bytes | None = None,
    recipe: str = "torch",
    unit: float | None = None,
) -> AxisPlan:
    """Stencil plan for one axis of ``n`` samples (cached).

    Give either a uniform ``step`` or float64 ``coords`` (validated by the
    arguments layer: 1-D, length ``n``, finite, distinct, and not exactly
    evenly spaced -- those arrive as a ``step``). ``traced=True`` (with
    neither) plans a coordinate grid whose coordinates stay in the caller's
    array library: offsets and kinds only, weights from :func:`block_weights`.
    ``digest`` is :func:`coordinates_digest` of ``coords`` when the caller has
    it already. ``recipe`` (one of :data:`RECIPES`) picks the operation
    order of the uniform second-order scheme (the same weights): torch's
    (gradkit's own) or numpy's.

    Examples
    --------
    >>> from gradkit.stencils import plan_axis
    >>> plan = plan_axis(5, step=0.5)
    >>> idx, w = plan.stencil(2)
    >>> idx.tolist(), w.tolist()
    ([1, 3], [-1.0, 1.0])
    """
    if coords is not None or traced:
        step = None
    if traced:
        key = ("traced", n, order, accuracy, edge_order, boundary, recipe)
        period = None  # the period travels with the coordinates (see block_weights)
    elif coords is None:
        key = ("uniform", n, order, accuracy, edge_order, boundary, type(step), step, recipe)
    elif n > HASH_ALWAYS_BELOW and digest is None:
        # No hashing on a long axis: the interior weights follow from the
        # coordinates on the fly, so a plan is the coordinate array itself
        # plus a few edge rows, which depend only on the coordinates near
        # the ends. Plans are found again by the array's identity and those
        # ends, and only while something else holds them (weakly cached: a
        # plan keeps no memory alive after the call that made it).
        k = min(n, max(interior_width(order, accuracy, False), edge_width(order, edge_order)) + 1)
        key = (id(coords), coords[:k].tobytes(), coords[n - k :].tobytes(), n, order, accuracy, edge_order,
               boundary, period, recipe, unit)
        plan = _LONG_PLANS.get(key)
        if plan is not None and plan.coords is coords:
            return plan
        plan = _plan_uncached(n, order, accuracy, edge_order, boundary, step, coords, period, recipe=recipe, unit=unit)
        _LONG_PLANS[key] = plan
        return plan
    else:
        key = ("coords", n, order, accuracy, edge_order, boundary, digest or coordinates_digest(coords), period, recipe,
               unit)
    plan = _PLAN_CACHE.get(key)
    if plan is not None:
        _PLAN_CACHE.move_to_end(key)
        return plan
    plan = _plan_uncached(n, order, accuracy, edge_order, boundary, step, coords, period, traced, recipe, unit)
    _PLAN_CACHE[key] = plan
    if len(_PLAN_CACHE) > _PLAN_CACHE_SIZE:
        _PLAN_CACHE.popitem(last=False)
    return plan


def reach(plan: AxisPlan) -> int:
    """How far any point's stencil reaches from the point (largest ``|offset|``):
    the halo a block of the axis needs on either side. Edge windows can reach
    further than the centred stencil (``edge_order=2``: offset 2 beside an
    interior radius of 1).

    Examples
    --------
    >>> from gradkit.stencils import plan_axis, reach
    >>> reach(plan_axis(10)), reach(plan_axis(10, edge_order=2)), reach(plan_axis(10, accuracy=4, boundary="periodic"))
    (1, 2, 2)
    """
    return max((max(abs(b.offsets[0]), abs(b.offsets[-1])) for b in plan.blocks), default=0)


#: The kind of the samples :func:`slice_plan` holds only for its neighbours.
HALO = "halo"


def slice_plan(
    n: int,
    first: int,
    stop: int,
    left: int,
    right: int,
    *,
    order: int,
    accuracy: int,
    edge_order: int,
    boundary: str,
    step: float | complex | None,
    coords: np.ndarray | None = None,
    period: Any = None,
    recipe: str = "torch",
    unit: float | None = None,
) -> AxisPlan:
    """The rows of the plan of an axis of ``n`` samples for its points
    ``first:stop``, as a plan over the block of samples that holds them and
    ``left`` / ``right`` neighbours on either side (what the chunked kernel
    hands each block).

    The same settings as :func:`plan_axis`; ``coords`` (float64) are the
    coordinates of the block's samples, ``left + (stop - first) + right`` of
    them, where samples past an end of a periodic axis are one ``period``
    away (``x[j] - period`` before the start, ``x[j] + period`` after the
    end). Point ``i`` of the axis is point ``i - first + left`` of the
    returned plan, with the very offsets, weights and operation order of
    ``plan_axis(n, ...)``'s row ``i``; the neighbours are copied through
    unchanged (``kind == "halo"``; the caller drops them). The returned plan
    is never periodic: the neighbours are the wrapped samples. ``unit`` is
    the plan's :attr:`AxisPlan.unit` (coordinates already in those units).

    Examples
    --------
    >>> from gradkit.stencils import plan_axis, slice_plan
    >>> whole = plan_axis(10, step=1.0, edge_order=2)
    >>> part = slice_plan(10, 0, 4, 0, 2, order=1, accuracy=2, edge_order=2, boundary="one-sided", step=1.0)
    >>> [b.offsets for b in part.blocks] == [whole.block_of(0).offsets, (-1, 1), (0,)]
    True
    """
    count = stop - first
    m = left + count + right
    if coords is not None and len(coords) != m:
        raise ValueError(f"slice_plan: {m} samples need {m} coordinates, got {len(coords)}")
    periodic = boundary == "periodic"
    shift = first - left
    if coords is None:
        inner = _uniform_blocks(n, order, accuracy, edge_order, periodic, recipe, first, stop, shift)
    else:
        inner = _coordinate_blocks(coords, order, accuracy, edge_order, periodic, None, n, first, stop, shift)
    if periodic:
        (block,) = inner
        block.kind = "periodic"
    halo = np.ones(1)
    blocks = []
    if left:
        blocks.append(StencilBlock(0, left, (0,), halo, HALO))
    blocks += inner
    if right:
        blocks.append(StencilBlock(left + count, m, (0,), halo, HALO))
    step = None if coords is not None else step
    return AxisPlan(m, order, accuracy, edge_order, "one-sided", step, coords, None, tuple(blocks), recipe, unit)


def plan_rows(plan: AxisPlan, first: int, stop: int) -> tuple[StencilBlock, ...]:
    """The blocks of ``plan``'s points ``first:stop``, numbered from 0: what
    a chunk keeps of a plan whose rows are given (:attr:`AxisPlan.given_rows`)
    rather than rebuilt from its settings by :func:`slice_plan`. Per-point
    weights are copied, so a chunk holds only its own.

    Examples
    --------
    >>> from gradkit.smoothing import savgol_plan
    >>> from gradkit.stencils import plan_rows
    >>> [(b.start, b.stop, b.offsets) for b in plan_rows(savgol_plan(9, 1, 2, 5, step=1.0), 1, 4)]
    [(0, 1, (-1, 0, 1, 2, 3)), (1, 3, (-2, -1, 0, 1, 2))]
    """
    return tuple(_clipped_blocks(plan.blocks, first, stop, -first, copy=True))


def _clipped_blocks(blocks, first: int, stop: int, shift: int, copy: bool = False) -> list[StencilBlock]:
    """The parts of ``blocks`` over points ``first:stop``, renumbered by
    ``shift``; per-point weights sliced to those points (copied with ``copy``)."""
    out = []
    for b in blocks:
        lo, hi = max(b.start, first), min(b.stop, stop)
        if lo < hi:
            w = b.weights
            if w.ndim == 2:
                w = w[:, lo - b.start : hi - b.start]
                w = np.ascontiguousarray(w) if copy else w
            out.append(StencilBlock(lo + shift, hi + shift, b.offsets, w, b.kind, edge=b.edge))
    return out


def cut_rows(
    rows: tuple[StencilBlock, ...], first: int, a: int, b: int, left: int, right: int, *, order: int,
    accuracy: int, edge_order: int, step: Any, recipe: str = "torch", unit: float | None = None,
    coords: np.ndarray | None = None, **_: Any,
) -> AxisPlan:
    """What :func:`slice_plan` is for a plan with given rows: the rows of
    points ``a:b`` of the axis, from a chunk's ``rows`` (:func:`plan_rows`
    from point ``first``), as a plan over those points and ``left`` /
    ``right`` neighbours (copied through, ``kind == "halo"``)."""
    count = b - a
    blocks = [StencilBlock(0, left, (0,), np.ones(1), HALO)] if left else []
    blocks += _clipped_blocks(rows, a - first, b - first, left - (a - first))
    if right:
        blocks.append(StencilBlock(left + count, left + count + right, (0,), np.ones(1), HALO))
    return AxisPlan(left + count + right, order, accuracy, edge_order, "one-sided",
                    None if coords is not None else step, coords, None, tuple(blocks), recipe, unit)
