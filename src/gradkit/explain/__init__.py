"""Explain one number: which samples, which weights, which formula, which result.

:func:`explain` reads the same stencil plan that :func:`gradkit.gradient` and
:func:`gradkit.derivative` apply, and gets its result by running the same
kernel on the line of samples through the point, so the explanation can never
disagree with the computation. There is no weight formula in this module: the
weights come from :mod:`gradkit.stencils`; the closed forms shown in the
renderings are only *descriptions* of those weights in terms of the steps.
"""

from __future__ import annotations

import dataclasses
import numbers
import sys
from typing import Any, Sequence

import numpy as np

from .. import _args
from .._arrays import Operand, as_operand, is_torch
from ._format import (
    _ordinal,
    _fmt,
    _paren,
    _deriv_text,
    _deriv_latex,
    _sample_text,
    _sample_latex,
    _shape_name,
    _what_of,
    _step_name,
    _step_key,
    _span,
    _lin_text,
    _closed_form,
    _unit_rationals,
    _rational_weight_text,
    _rational_sum_text,
    _den_text,
    _index_text,
    _signed_join,
)
from ._model import Explanation, _Detail
from ..derivatives import _UNSET, _dim_or_axis, _gradient_edge_order, evaluate, native_dtypes
from ..kernels import chunked
from ..stencils import AxisPlan, interior_width

__all__ = ["explain", "Explanation"]

_FUNC = "explain"


# ---------------------------------------------------------------------------
# Building explanations
# ---------------------------------------------------------------------------
def _to_host(a: Any) -> np.ndarray:
    if is_torch(a):
        return a.detach().cpu().resolve_conj().resolve_neg().numpy()
    if hasattr(a, "get") and type(a).__module__.startswith("cupy"):
        return a.get()
    return np.asarray(a)


def _widen(a: np.ndarray) -> np.ndarray:
    """float16/32 -> float64, complex64 -> complex128 (exactly); others unchanged."""
    if a.dtype.kind == "f" and a.dtype.itemsize < 8:
        return a.astype(np.float64)
    if a.dtype.kind == "c" and a.dtype.itemsize < 16:
        return a.astype(np.complex128)
    if a.dtype.kind in "iub":
        return a.astype(np.float64)
    return a


def _scalar(el: Any) -> Any:
    if hasattr(el, "item"):
        v = el.item()
    else:
        v = complex(el)
        v = v.real if v.imag == 0 else v
    return v


class _Line:
    """The line of samples through a point along the axis, with its plan and results."""

    def __init__(
        self,
        op: Operand,
        spec: _args.AxisSpec,
        prefix: tuple[Any, ...],
        ndim: int,
        mask: np.ndarray | None = None,
        point: int | None = None,
    ) -> None:
        self.axis = spec.axis
        #: which samples of the line are masked (None: none are)
        if mask is not None and chunked.is_dask(mask):
            mask = _needed_samples(mask[prefix], spec, point)  # the line's, where the explanation reads it
            prefix_mask = mask if mask.any() else None
            self.mask = None if prefix_mask is None else prefix_mask.astype(bool)
        else:
            self.mask = None if mask is None else np.asarray(mask[prefix], dtype=bool)
        self.ndim = ndim
        self.prefix = prefix  # the full index with slice(None) at axis
        line = op.array[prefix]
        if chunked.is_dask(line):
            line = _needed_samples(line, spec, point)
        line_op = as_operand(line, _FUNC)
        self.spec = dataclasses.replace(spec, axis=0)
        dtypes = native_dtypes(line_op, [self.spec])
        compute, out_dtype = dtypes[0]
        out = evaluate(line_op, [self.spec], dtypes)[0]
        self.out = out
        self.dtype = str(out_dtype)
        xp = line_op.xp
        values = line_op.array if line_op.dtype == compute else xp.astype(line_op.array, compute)
        host = _to_host(values)
        self.values = _widen(host)
        self.low_precision = (host.dtype.kind == "f" and host.dtype.itemsize < 8) or (
            host.dtype.kind == "c" and host.dtype.itemsize < 16
        )
        self.plan: AxisPlan = self.spec.plan(host=True)
        self.n = spec.n
        entry = spec.spacing
        self.coords = entry.coords
        if self.coords is not None:
            if spec.period is not None:
                self.period = spec.period
            elif len(self.coords) > 1:
                self.period = len(self.coords) * (self.coords[1] - self.coords[0])
            else:
                self.period = None
        else:
            self.period = None if spec.boundary != "periodic" else self.n * entry.step

    def coordinate(self, j: int) -> Any:
        """Coordinate of the (possibly unwrapped) sample index j."""
        if self.coords is None:
            return j * self.spec.spacing.step
        q, r = divmod(j, self.n)
        x = float(self.coords[r])
        return x + q * self.period if q else x

    def x_label(self, j: int) -> str:
        q, r = divmod(j, self.n)
        if not q:
            return f"x[{j}]"
        mult = "" if abs(q) == 1 else f"{abs(q)}"
        return f"(x[{r}] {'+' if q > 0 else '-'} {mult}P)"

    def result(self, i: int) -> Any:
        return _scalar(self.out[i])

    def full_index(self, i: int) -> int | tuple[int, ...]:
        if self.ndim == 1:
            return i
        return tuple(i if isinstance(p, slice) else p for p in self.prefix)


def _needed_samples(line: Any, spec: _args.AxisSpec, point: int | None) -> np.ndarray:
    """A Dask line as a NumPy line holding only what an explanation of
    ``point`` reads: the samples of its stencil and the context drawn
    around it (zeros elsewhere, never shown); one small compute that reads
    only the chunks holding them. ``point=None``: the whole line."""
    if point is None:
        return np.asarray(line.compute())
    n = spec.n
    offsets = spec.plan(host=True).block_of(point).offsets
    lo, hi = min(min(offsets), 0) - 2, max(max(offsets), 0) + 2
    needed = sorted({(point + o) % n if spec.boundary == "periodic" else point + o for o in range(lo, hi + 1)})
    needed = [j for j in needed if 0 <= j < n]
    host = np.zeros(n, dtype=line.dtype)
    host[needed] = np.asarray(line[np.array(needed)].compute())
    return host


def _prepare(
    f: Any,
    *,
    spacing: Any,
    axis: Any,
    dim: Any,
    order: Any,
    accuracy: Any,
    edge_order: Any,
    boundary: Any,
    period: Any,
) -> tuple[Operand, _args.AxisSpec]:
    for what, value in (("f", f), ("spacing", spacing), ("period", period)):
        if _is_jax_tracer(value) or (
            isinstance(value, (list, tuple)) and any(_is_jax_tracer(v) for v in value)
        ):
            raise TypeError(
                f"{_FUNC}: {what} is being traced (jax.jit, jax.grad, ...); an explanation needs the "
                "actual numbers, so call explain outside the transformation"
            )
    # A torch tensor that requires grad has readable values: explain those.
    op = as_operand(_detached(f), _FUNC)
    ax = _dim_or_axis(dim, axis, _FUNC)
    name = "dim" if dim is not _UNSET else "axis"
    if op.ndim == 0:
        raise ValueError(
            f"{_FUNC}: f is 0-dimensional (a single number); a derivative needs samples along an axis"
        )
    if ax is None:
        if op.ndim != 1:
            raise TypeError(
                f"{_FUNC}: f is {op.ndim}-D with shape {op.shape}; pass axis= to say along which "
                "axis to differentiate"
            )
        ax = 0
    if isinstance(ax, (list, tuple)):
        raise TypeError(f"{_FUNC}: {name} must be one integer (explain follows one axis), got {ax!r}")
    (a,) = _args.normalize_dims(ax, op.ndim, _FUNC, name)
    if isinstance(order, (list, tuple)):
        raise TypeError(f"{_FUNC}: order must be one integer (explain follows one axis), got {order!r}")
    # An explanation is about numbers: coordinates that carry gradients are read as plain values.
    if isinstance(spacing, (list, tuple)):
        spacing = type(spacing)(_detached(v) for v in spacing)
    entries = [_args.single_axis_spacing(_detached(spacing), a, op.shape, _FUNC)]
    rule = _gradient_edge_order if (_args._is_int(order) and order == 1) else None
    (spec,) = _args.make_specs(
        op.shape,
        (a,),
        entries,
        func=_FUNC,
        order=order,
        accuracy=accuracy,
        edge_order=edge_order,
        boundary=boundary,
        period=period,
        default_edge_order=rule,
        eps=op.rounding_unit(),
    )
    if spec.unit_exponent:
        raise ValueError(
            f"{_FUNC}: the coordinates along dim {a} have gaps near 2**{-spec.unit_exponent}, so far from 1 that "
            "the weights in coordinate units would leave the float range (gradient and derivative rescale them "
            "by a power of two internally). Explain the point on coordinates in other units, e.g. x * 2**k"
        )
    return op, spec


def _normalize_index(index: Any, shape: tuple[int, ...]) -> tuple[int, ...]:
    nd = len(shape)
    if _args._is_int(index) and nd == 1:
        items: tuple[Any, ...] = (index,)
    elif isinstance(index, (tuple, list)):
        items = tuple(index)
    elif _args._is_int(index):
        raise TypeError(
            f"{_FUNC}: f is {nd}-D with shape {shape}, so index must be a tuple of {nd} integers, "
            f"got {index!r}"
        )
    else:
        want = "an integer" if nd == 1 else f"a tuple of {nd} integers"
        raise TypeError(f"{_FUNC}: index must be {want}, got {type(index).__name__} {index!r}")
    if len(items) != nd:
        raise ValueError(
            f"{_FUNC}: index {index!r} has {len(items)} entr{'y' if len(items) == 1 else 'ies'}, "
            f"but f is {nd}-D with shape {shape}; give one index per dim"
        )
    out = []
    for k, (v, s) in enumerate(zip(items, shape)):
        if not _args._is_int(v):
            raise TypeError(f"{_FUNC}: index must contain integers only, got {v!r} in {index!r}")
        if not -s <= v < s:
            where = "" if nd == 1 else f" (entry {k})"
            raise IndexError(
                f"{_FUNC}: index {index!r} is out of range{where}: dim {k} has {s} samples, "
                f"so expected a value in [{-s}, {s - 1}]"
            )
        out.append(int(v) % s)
    return tuple(out)


def _accuracy_of(kind: str, plan: AxisPlan, order: int, edge: bool = False) -> int:
    if edge:
        return plan.edge_order
    if kind in ("central", "periodic"):
        if plan.uniform:
            return plan.accuracy + plan.accuracy % 2
        return interior_width(order, plan.accuracy, uniform=False) - order
    return plan.edge_order


def _scheme(
    kind: str, accuracy: int, uniform: bool, offsets: Sequence[int], wraps: bool, edge: bool = False
) -> str:
    grid = "uniform grid" if uniform else "non-uniform grid"
    acc = f"{_ordinal(accuracy)}-order accurate"
    if kind == "identity":
        return "identity (order 0: the sample itself)"
    if kind == "central":
        return f"central, {acc}{' (edge)' if edge else ''}, {grid}"
    if kind == "periodic":
        return f"periodic, {acc}, {grid}" + (" (wraps around the end)" if wraps else "")
    if kind in ("forward", "backward"):
        return f"one-sided {kind}, {acc} (edge), {grid}"
    return f"off-centre ({-min(offsets[0], 0)} left, {max(offsets[-1], 0)} right), {acc} (near the edge), {grid}"


def _explain_point(line: _Line, i: int) -> Explanation:
    plan = line.plan
    block = plan.block_of(i)
    idx, w = plan.stencil(i)
    offsets = tuple(int(o) for o in block.offsets)
    order = plan.order
    unit = np.asarray(block.row(i))
    weights = np.asarray(w)
    values = line.values[idx]
    with np.errstate(all="ignore"):  # inf/nan samples give inf/nan terms, as in the sum itself
        terms = weights * values
    # Masked arrays: an output is masked when a sample its stencil uses is masked.
    masked_indices: tuple[int, ...] = ()
    if line.mask is not None:
        used_masked = line.mask[np.asarray(idx)]
        masked_indices = tuple(sorted({int(j) for j, m in zip(idx, used_masked) if m}))
        if masked_indices:
            values = np.ma.array(values, mask=used_masked)
            terms = np.ma.array(terms, mask=used_masked)
    kind = "identity" if order == 0 else block.kind
    accuracy = 0 if order == 0 else _accuracy_of(kind, plan, order, block.edge)
    uniform = plan.uniform
    wraps = plan.periodic and any(not 0 <= i + o < line.n for o in offsets)

    coordinates = np.array([line.coordinate(i + o) for o in offsets])
    x_labels = tuple(line.x_label(i + o) for o in offsets)
    interp_offsets = tuple(sorted(set(offsets) | {0})) if order >= 1 else (0,)
    interp_coordinates = np.array([line.coordinate(i + o) for o in interp_offsets])
    interp_values = np.array([line.values[(i + o) % line.n] for o in interp_offsets])

    # Steps and their derivations.
    step_lines: list[str] = []
    if uniform:
        steps: dict[str, Any] = {"h": plan.step}
        step_lines.append(f"h = {_fmt(plan.step)} (uniform grid)")
    else:
        steps = {}
        lo, hi = min(interp_offsets[0], 0), max(interp_offsets[-1], 0)
        names = sorted((_step_name(o) for o in range(lo + 1, hi + 1)), key=_step_key)
        for nm in names:
            side, k = nm[1], int(nm[2:] or 1)
            o = k if side == "r" else 1 - k
            a_, b_ = line.coordinate(i + o - 1), line.coordinate(i + o)
            steps[nm] = b_ - a_
            la, lb = line.x_label(i + o - 1), line.x_label(i + o)
            step_lines.append(
                f"{nm} = {lb} - {la} = {_fmt(b_)} - {_paren(_fmt(a_))} = {_fmt(b_ - a_)}"
            )

    # Formulas.
    lhs_t = f"{_deriv_text(order)} ≈ "
    lhs_l = f"{_deriv_latex(order)} \\approx "
    closed = None if uniform else _closed_form(offsets, order)
    rationals = _unit_rationals(unit, offsets, order) if uniform else None
    if order == 0:
        formula = "f(x_i) = f[i]"
        formula_latex = "f(x_i) = f_i"
        wforms = ("1",)
        closed, rationals = None, None
    elif closed is not None:
        if offsets == (-1, 0, 1) and order == 1:
            formula = lhs_t + "(hl² f[i+1] - hr² f[i-1] + (hr² - hl²) f[i]) / (hl hr (hl + hr))"
            formula_latex = lhs_l + (
                "\\frac{h_l^2 f_{i+1} - h_r^2 f_{i-1} + (h_r^2 - h_l^2) f_i}{h_l h_r (h_l + h_r)}"
            )
        elif len(offsets) == 2:
            span = _lin_text(_span(offsets[0], offsets[1]))
            span_l = _lin_text(_span(offsets[0], offsets[1]), latex=True)
            span_t = f"({span})" if "+" in span else span
            formula = lhs_t + f"({_sample_text(offsets[1])} - {_sample_text(offsets[0])}) / {span_t}"
            formula_latex = lhs_l + (
                f"\\frac{{{_sample_latex(offsets[1])} - {_sample_latex(offsets[0])}}}{{{span_l}}}"
            )
        else:
            formula = lhs_t + _signed_join(
                [(sw.sign, sw.text().lstrip("-"), _sample_text(o)) for sw, o in zip(closed, offsets)], " "
            )
            formula_latex = lhs_l + _signed_join(
                [(sw.sign, sw.text(latex=True).lstrip("-"), _sample_latex(o)) for sw, o in zip(closed, offsets)],
                " ",
            )
        wforms = tuple(sw.text() for sw in closed)
    elif rationals is not None:
        num = _rational_sum_text(rationals, [_sample_text(o) for o in offsets])
        num_l = _rational_sum_text(rationals, [_sample_latex(o) for o in offsets])
        formula = lhs_t + f"({num}) / {_den_text(rationals, order)}"
        formula_latex = lhs_l + f"\\frac{{{num_l}}}{{{_den_text(rationals, order, latex=True)}}}"
        wforms = tuple(_rational_weight_text(fr, order) for fr in rationals)
    else:
        formula = (
            lhs_t + " + ".join(f"w[{o:+d}] {_sample_text(o)}" if o else f"w[0] {_sample_text(o)}" for o in offsets)
            + f"  (the weights of the {_what_of(order)} at x_i of the {_shape_name(len(interp_offsets))} "
            f"through the {len(interp_offsets)} samples, from Fornberg's algorithm)"
        )
        formula_latex = lhs_l + "\\sum_k w_k\\, f_{i+o_k}"
        wforms = tuple(_fmt(v) for v in weights)

    context = _context(line, i, offsets)
    masked_labels = tuple(f"f[{_index_text(line.full_index(j))}]" for j in masked_indices)
    func_name = "gradient" if order == 1 else "derivative"
    nd_prefix = ""
    if line.ndim > 1:
        where = ", ".join(":" if isinstance(p, slice) else str(p) for p in line.prefix)
        nd_prefix = f", along axis {line.axis} (the line f[{where}])"
    detail = _Detail(
        position=i,
        n=line.n,
        boundary=plan.boundary,
        periodic_wrap=wraps,
        step=plan.step,
        unit_weights=unit,
        divisor=plan.divisor,
        rationals=rationals,
        closed=closed,
        x_labels=x_labels,
        period=line.period,
        value_at_point=line.values[i],
        coordinate_at_point=line.coordinate(i),
        interp_offsets=interp_offsets,
        interp_coordinates=interp_coordinates,
        interp_values=interp_values,
        context_coordinates=np.array([line.coordinate(j) for j in context]),
        context_values=np.array([line.values[j % line.n] for j in context]),
        nd_prefix=nd_prefix,
        func_name=func_name,
        approximate_sum_note=line.low_precision,
        step_lines=tuple(step_lines),
        masked_labels=masked_labels,
        context_masked=(
            None if line.mask is None else np.array([bool(line.mask[j % line.n]) for j in context])
        ),
        point_masked=bool(line.mask is not None and line.mask[i]),
    )
    return Explanation(
        index=line.full_index(i),
        axis=line.axis,
        order=order,
        offsets=offsets,
        indices=tuple(int(j) for j in idx),
        coordinates=coordinates,
        steps=steps,
        weights=weights,
        values=values,
        terms=terms,
        result=np.ma.masked if masked_indices else line.result(i),
        scheme=_scheme(kind, accuracy, uniform, offsets, wraps, block.edge),
        formula=formula,
        formula_latex=formula_latex,
        weight_formulas=wforms,
        kind=kind,
        accuracy=accuracy,
        uniform=uniform,
        dtype=line.dtype,
        _detail=detail,
        masked=bool(masked_indices),
        masked_indices=masked_indices,
    )


def _context(line: _Line, i: int, offsets: Sequence[int]) -> list[int]:
    """Unwrapped indices of the samples drawn around the stencil."""
    lo, hi = min(min(offsets), 0) - 2, max(max(offsets), 0) + 2
    if line.plan.periodic:
        # At most one period's worth of distinct samples, centred on the stencil.
        while hi - lo + 1 > line.n:
            if hi - max(max(offsets), 0) >= min(min(offsets), 0) - lo and hi > max(max(offsets), 0):
                hi -= 1
            elif lo < min(min(offsets), 0):
                lo += 1
            else:
                break
        return list(range(i + lo, i + hi + 1))
    return [j for j in range(i + lo, i + hi + 1) if 0 <= j < line.n]


def _make_line(
    op: Operand, spec: _args.AxisSpec, index: tuple[int, ...], mask: np.ndarray | None = None,
    point: int | None = None,
) -> _Line:
    prefix = tuple(slice(None) if k == spec.axis else v for k, v in enumerate(index))
    return _Line(op, spec, prefix, op.ndim, mask, point)


def _detached(value: Any) -> Any:
    return value.detach() if is_torch(value) else value


def _is_jax_tracer(value: Any) -> bool:
    """A JAX tracer (inside jax.jit, jax.grad, ...): its numbers are not known yet."""
    jax_core = sys.modules.get("jax.core")
    tracer = getattr(jax_core, "Tracer", None) if jax_core is not None else None
    return tracer is not None and isinstance(value, tracer)


def _split_mask(f: Any) -> tuple[Any, np.ndarray | None]:
    """A masked array's data and its mask (None when nothing is masked); a
    Dask array of np.ma blocks gives both lazily (the explanation computes
    only the samples of the mask it reads)."""
    if chunked.is_dask(f) and isinstance(getattr(f, "_meta", None), np.ma.MaskedArray):
        import dask.array as da

        return da.ma.getdata(f), da.ma.getmaskarray(f)
    if not np.ma.isMaskedArray(f):
        return f, None
    mask = np.ma.getmask(f)
    data = np.ma.getdata(f)
    if mask is np.ma.nomask or mask.dtype.names is not None or not mask.any():
        return data, None  # (a structured mask goes with structured data, which is refused by its dtype)
    return data, np.broadcast_to(mask, data.shape)


def explain(
    f: Any,
    index: int | Sequence[int],
    *,
    spacing: Any = 1,
    axis: Any = _UNSET,
    dim: Any = _UNSET,
    order: int = 1,
    accuracy: int = 2,
    edge_order: int | None = None,
    boundary: str = "one-sided",
    period: Any = None,
) -> Explanation:
    """Explain how one output value is computed: samples, steps, weights, formula, result.

    The explanation reads the same stencil plan as :func:`gradkit.gradient`
    (``order=1``) and :func:`gradkit.derivative` (any order) and runs the
    same kernel, so ``explain(f, i, ...).result`` equals the value those
    functions return at ``i`` exactly.

    Parameters
    ----------
    f : array_like
        Samples (NumPy, PyTorch or any array-API array, or nested lists). A
        torch tensor that requires grad is explained by its values. For a
        NumPy masked array, a point whose stencil uses a masked sample is
        masked (``masked=True``, ``result`` is ``numpy.ma.masked``), as in
        NumPy's arithmetic on masked arrays.
    index : int or tuple of int
        The point: an int for 1-D ``f``, a tuple with one entry per dim
        otherwise. Negative values count from the end.
    spacing : scalar, 1-D array or 1-tuple of either, default 1
        The step, or the coordinates of the samples along the axis (as for
        :func:`gradkit.gradient` with one dim). Since only one axis is
        involved, a plain list of numbers is taken as coordinates too.
    axis, dim : int, optional
        The axis to differentiate along (aliases). Required when ``f`` has
        more than one dim.
    order : int, default 1
        Derivative order.
    accuracy : int, default 2
        Order of accuracy away from the edges.
    edge_order : int, optional
        Accuracy at the edges. ``None`` follows the function being explained:
        for ``order=1`` it is :func:`gradkit.gradient`'s rule (1 when
        ``accuracy == 2``, as torch, else ``accuracy``); for ``order >= 2``
        it is :func:`gradkit.derivative`'s rule (``accuracy``).
    boundary : {"one-sided", "periodic"}, default "one-sided"
    period : float, optional
        The period, for ``boundary="periodic"`` on non-uniform coordinates.

    Returns
    -------
    Explanation
        Print it for a derivation; also ``to_markdown()``, ``to_latex()``,
        ``to_dict()`` and ``plot()``.

    Raises
    ------
    TypeError, ValueError, IndexError
        For bad arguments, with the same messages as :func:`gradkit.gradient`
        (named ``explain``), or for a bad ``index``; ``TypeError`` for JAX
        tracers (inside ``jax.jit``, ``jax.grad``, ...), whose numbers are
        not known yet.

    Examples
    --------
    The question that started gradkit: ``f(x) = x**2`` sampled at
    ``x = -2, -1, 1, 4``. Where does ``-2`` at index 1 come from?

    >>> import gradkit
    >>> e = gradkit.explain([4, 1, 1, 16], 1, spacing=[-2, -1, 1, 4])
    >>> e.scheme
    'central, 2nd-order accurate, non-uniform grid'
    >>> e.offsets, e.steps
    ((-1, 0, 1), {'hl': 1.0, 'hr': 2.0})
    >>> bool(e.result == gradkit.gradient([4., 1., 1., 16.], spacing=([-2., -1., 1., 4.],))[0][1])
    True
    >>> round(e.result, 12)
    -2.0
    >>> [round(float(w), 4) for w in e.weights]
    [-0.6667, 0.5, 0.1667]
    >>> gradkit.explain([4, 1, 1, 16], 0, spacing=[-2, -1, 1, 4]).scheme
    'one-sided forward, 1st-order accurate (edge), non-uniform grid'
    >>> print(gradkit.explain([0.0, 1.0, 4.0, 9.0, 16.0], 2, order=2).formula)
    f''(x_i) ≈ (f[i-1] - 2f[i] + f[i+1]) / h²
    """
    f, mask = _split_mask(f)
    op, spec = _prepare(
        f,
        spacing=spacing,
        axis=axis,
        dim=dim,
        order=order,
        accuracy=accuracy,
        edge_order=edge_order,
        boundary=boundary,
        period=period,
    )
    full = _normalize_index(index, op.shape)
    line = _make_line(op, spec, full, mask, point=full[spec.axis])
    return _explain_point(line, full[spec.axis])


def _explain_all(
    f: Any,
    *,
    line_index: Sequence[int] | None = None,
    spacing: Any = 1,
    axis: Any = _UNSET,
    dim: Any = _UNSET,
    order: int = 1,
    accuracy: int = 2,
    edge_order: int | None = None,
    boundary: str = "one-sided",
    period: Any = None,
) -> list[Explanation]:
    """Explanations of every point of one line along the axis (the line through
    ``line_index``, whose entry at the axis is ignored; 1-D input needs none)."""
    f, mask = _split_mask(f)
    op, spec = _prepare(
        f,
        spacing=spacing,
        axis=axis,
        dim=dim,
        order=order,
        accuracy=accuracy,
        edge_order=edge_order,
        boundary=boundary,
        period=period,
    )
    if line_index is None:
        if op.ndim != 1:
            raise TypeError(f"{_FUNC}: f is {op.ndim}-D; say which line to explain with an index")
        line_index = (0,)
    full = _normalize_index(tuple(line_index), op.shape)
    line = _make_line(op, spec, full, mask)
    return [_explain_point(line, i) for i in range(line.n)]
