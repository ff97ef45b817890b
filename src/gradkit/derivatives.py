"""gradkit's own entry points: :func:`gradient` and :func:`derivative`."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from . import _args, stencils
from ._arrays import Operand, as_operand
from .kernels import dispatch

__all__ = ["gradient", "derivative", "weights"]

_UNSET = object()


def _dim_or_axis(dim: Any, axis: Any, func: str, default: Any = None) -> Any:
    if dim is not _UNSET and axis is not _UNSET:
        raise TypeError(f"{func}: give dim or axis (they are aliases), not both")
    if dim is not _UNSET:
        return dim
    if axis is not _UNSET:
        return axis
    return default


def _gradient_edge_order(accuracy: int) -> int:
    """edge_order=None in gradient(): torch's 1 at accuracy 2, else the accuracy."""
    return 1 if accuracy == 2 else accuracy


def native_dtypes(op: Operand, specs: Sequence[_args.AxisSpec]) -> list[tuple[Any, Any]]:
    """(compute dtype, output dtype) per axis under gradkit's own rule.

    Floating and complex inputs keep their precision; integers become the
    library's default float before any arithmetic; a complex scalar spacing
    makes the result complex. float16/bfloat16 are computed in float32 and
    rounded back once.
    """
    base = op.dtype if op.kind != "integer" else op.default_float()
    result = []
    for spec in specs:
        out = base
        if isinstance(spec.spacing.step, complex) and op.kind != "complex":
            out = op.complex_of(op.xp.float32 if op.is_half(base) else base)
        compute = op.xp.float32 if op.is_half(out) else out
        result.append((compute, out))
    return result


def evaluate(
    op: Operand,
    specs: Sequence[_args.AxisSpec],
    dtypes: Sequence[tuple[Any, Any]],
    outs: Sequence[Any] | None = None,
) -> list[Any]:
    """Run each axis's plan on ``op`` and return one array per spec.

    ``outs`` (validated by :func:`gradkit._args.check_out`) are written into
    and returned when given.
    """
    xp = op.xp
    cast: dict[Any, Any] = {}

    def cast_to(compute):
        f = cast.get(compute)
        if f is None:
            f = op.array if op.dtype == compute else xp.astype(op.array, compute)
            cast[compute] = f
        return f

    # Axes computed in the same dtype are built together where the kernel
    # gains from it (Dask: one halo exchange for all of them).
    together: dict[int, Any] = {}
    groups: dict[Any, list[int]] = {}
    for k, (spec, (compute, _)) in enumerate(zip(specs, dtypes)):
        if spec.spacing.traced is None:
            groups.setdefault(compute, []).append(k)
    for compute, members in groups.items():
        built = dispatch.apply_together(
            cast_to(compute), [(specs[k].plan(), specs[k].axis) for k in members], op.real_of(compute),
        ) if len(members) > 1 else None
        if built is not None:
            together.update(zip(members, built))
    results = []
    for k, (spec, (compute, out_dtype)) in enumerate(zip(specs, dtypes)):
        f = cast_to(compute)
        target = None if outs is None else outs[k]
        direct = target if compute == out_dtype else None
        if k in together:
            result = together[k]
        else:
            result = dispatch.apply(
                xp, f, spec.plan(), spec.axis, op.real_of(compute), out=direct,
                coords=spec.spacing.traced, period=spec.period,
            )
        if result.dtype != out_dtype:
            with np.errstate(over="ignore"):  # beyond the output dtype's range: inf, its correct rounding
                result = xp.astype(result, out_dtype)
        if target is not None and result is not target:
            target[...] = result
            result = target
        results.append(result)
    return results


def masks_through(mask: np.ndarray, specs: Sequence[_args.AxisSpec], sequential: bool = False) -> list:
    """Where each result is masked: numpy's rule, an output is masked when its
    stencil uses a masked sample. NaNs at the masked samples are pushed
    through the very plans of the call (``sequential``: one after the other,
    for a mixed partial); a zero weight still carries a NaN, so a sample in
    the stencil masks the output even where its weight vanishes."""
    complex_step = any(isinstance(s.spacing.step, complex) for s in specs)
    dtype = np.dtype(np.complex128 if complex_step else np.float64)
    kind = "complex" if complex_step else "real"
    if dispatch.chunked.is_dask(mask):
        # A lazy mask (a Dask array of np.ma blocks): the same probe, lazily,
        # through the chunked kernel.
        import dask.array as da

        probe = Operand(da.where(mask, np.nan, 0.0).astype(dtype), _NUMPY_XP(), kind, False)
        isnan = da.isnan
    else:
        if not mask.any():
            return [np.zeros(mask.shape, bool) for _ in (specs[-1:] if sequential else specs)]
        probe = Operand(np.where(mask, np.nan, 0.0).astype(dtype), _NUMPY_XP(), kind, True)
        isnan = np.isnan
    if sequential:
        for spec in specs:
            (out,) = evaluate(probe, [spec], [(dtype, dtype)])
            probe = Operand(out, probe.xp, probe.kind, probe.is_numpy)
        return [isnan(probe.array)]
    return [isnan(o) for o in evaluate(probe, specs, [(dtype, dtype)] * len(specs))]


def _NUMPY_XP():
    import array_api_compat

    return array_api_compat.array_namespace(np.empty(0))


def _with_masks(results: list, masks: list) -> list:
    if results and dispatch.chunked.is_dask(results[0]):
        import dask.array as da

        return [da.ma.masked_array(r, mask=m) for r, m in zip(results, masks)]
    return [np.ma.MaskedArray(r, mask=m) for r, m in zip(results, masks)]


def gradient(
    f: Any,
    *,
    spacing: Any = 1,
    dim: Any = _UNSET,
    axis: Any = _UNSET,
    edge_order: int | None = None,
    accuracy: int = 2,
    boundary: str = "one-sided",
    period: Any = None,
    out: Sequence[Any] | None = None,
    error: bool = False,
) -> tuple[Any, ...]:
    """First derivatives of sampled data along one or more dims.

    With the defaults this is ``torch.gradient``: central differences inside,
    one-sided differences at the edges, second-order accurate inside, on
    uniform or coordinate grids. It works on arrays of any library that
    implements the array API (NumPy, PyTorch, JAX, CuPy, ...) and returns
    arrays of that library on the same device.

    Parameters
    ----------
    f : array_like
        Samples of the function. Integer data become the library's default
        float before any arithmetic (no wrap-around); floating and complex
        data keep their precision.
    spacing : scalar, or sequence of scalars / 1-D arrays, default 1
        A scalar is the step of every differentiated dim. A sequence has one
        entry per differentiated dim: a scalar step, or the coordinates of the
        samples along that dim (distinct, any order). When one dim is
        differentiated, a bare 1-D array is taken as its coordinates.
    dim, axis : int or sequence of ints, optional
        Dims to differentiate (aliases; give at most one). Default: all, in
        order. Negative values count from the end; outputs follow this order.
    edge_order : int, optional
        Accuracy order at the edges. ``None`` means 1 when ``accuracy == 2``
        (torch's default) and ``accuracy`` otherwise.
    accuracy : int, default 2
        Order of accuracy away from the edges (any positive integer).
    boundary : {"one-sided", "periodic"}, default "one-sided"
        "periodic" treats each differentiated dim as one period of a periodic
        function: every point uses the centred stencil.
    period : float or sequence of floats, optional
        The period along each dim, needed with ``boundary="periodic"`` on
        non-uniform coordinates.
    out : sequence of arrays, optional
        One array per differentiated dim to write the results into: same
        library, shape and dtype as the results, not overlapping ``f``. The
        compiled NumPy path writes into them directly (no other memory).
    error : bool, default False
        Also estimate the error at every point, as :func:`derivative` does.

    Returns
    -------
    tuple of arrays, or (tuple, tuple) with ``error=True``
        One array per differentiated dim, shaped like ``f``; with
        ``error=True`` the values and the error estimates.

    Raises
    ------
    TypeError, ValueError, IndexError
        For bad arguments; the message names the argument.

    Examples
    --------
    >>> import numpy as np, gradkit
    >>> f = np.array([4., 1., 1., 16.])          # f(x) = x**2 at x = -2, -1, 1, 4
    >>> gradkit.gradient(f, spacing=(np.array([-2., -1., 1., 4.]),))
    (array([-3., -2.,  2.,  5.]),)
    >>> x = np.linspace(0, 1, 6)
    >>> g2, = gradkit.gradient(x**3, spacing=(x,))
    >>> g4, = gradkit.gradient(x**3, spacing=(x,), accuracy=4)   # fourth order, edges too
    >>> bool(np.abs(g4 - 3 * x**2).max() < 1e-12 < np.abs(g2 - 3 * x**2).max())
    True
    """
    func = "gradient"
    op = as_operand(f, func)
    dims = _dim_or_axis(dim, axis, func)
    _check_error_flag(error, func)
    axes = entries = None
    key = None if error else _settings_key(op, spacing, dims, edge_order, accuracy, boundary, period)
    settings = _VALIDATED.get(key) if key is not None else None

    def specs_of(accuracy, edge_order):
        return _args.make_specs(op.shape, axes, entries, func=func, order=1, accuracy=accuracy,
                                edge_order=edge_order, boundary=boundary, period=period,
                                default_edge_order=_gradient_edge_order, eps=op.rounding_unit())

    if settings is None:
        axes = _args.normalize_dims(dims, op.ndim, func, "dim" if axis is _UNSET else "axis")
        entries = _args.torch_style_spacing(spacing, axes, op.shape, dims is not None, func)
        specs = specs_of(accuracy, edge_order)
        settings = specs, native_dtypes(op, specs)
        if key is not None:
            if len(_VALIDATED) >= 256:
                _VALIDATED.clear()
            _VALIDATED[key] = settings
    specs, dtypes = settings
    # The finer scheme of error=True is validated with the rest, before any work.
    finer = _finer_specs(specs_of, specs, func) if error else None
    if op.mask is not None:
        if out is not None:
            raise TypeError(f"{func}: out= is not supported for masked input; the results are new masked arrays")
        values = tuple(_with_masks(evaluate(op, specs, dtypes), masks_through(op.mask, specs)))
    else:
        outs = None if out is None else _args.check_out(out, op, [d[1] for d in dtypes], func, many=True)
        values = tuple(evaluate(op, specs, dtypes, outs))
    if not error:
        return values
    return values, tuple(_difference(op, v, chain(op, [s], None, func)) for v, s in zip(values, finer))


#: Validated settings of recent NumPy calls with scalar spacings, so that
#: repeating a call on small arrays does not repeat the validation.
_VALIDATED: dict = {}


def _settings_key(op: Operand, spacing, dims, edge_order, accuracy, boundary, period) -> tuple | None:
    """A key for :data:`_VALIDATED`, or None when the call is not that simple.

    Only exact ``int``/``float`` settings qualify (no bools, arrays or
    sequences of coordinates), so equal keys always mean equal, already
    validated settings.
    """
    if not op.is_numpy or op.mask is not None or period is not None or type(spacing) not in (int, float):
        return None
    if type(dims) in (list, tuple):
        if not all(type(d) is int for d in dims):
            return None
        dims = ("seq", *dims)
    elif dims is not None and type(dims) is not int:
        return None
    if (edge_order is not None and type(edge_order) is not int) or type(accuracy) is not int:
        return None
    if type(boundary) is not str:
        return None
    return (op.shape, op.dtype, spacing, dims, edge_order, accuracy, boundary)


def derivative(
    f: Any,
    order: int | Sequence[int] = 1,
    *,
    spacing: Any = 1,
    axis: Any = _UNSET,
    dim: Any = _UNSET,
    accuracy: int = 2,
    edge_order: int | None = None,
    boundary: str = "one-sided",
    period: Any = None,
    out: Any = None,
    error: bool = False,
) -> Any:
    """The ``order``-th derivative of sampled data along one axis, or a mixed partial.

    Parameters
    ----------
    f : array_like
        Samples of the function (see :func:`gradient` for dtype rules).
    order : int or tuple of ints, default 1
        Derivative order (0 returns a copy). A tuple asks for a mixed
        partial: ``order=(1, 1), axis=(0, 1)`` is d2f/dx0 dx1.
    spacing : scalar, 1-D array or list, or tuple of them, default 1
        Step or coordinates along ``axis`` (with one axis, a list of numbers
        is the coordinates); a tuple in the order of ``axis`` when ``axis``
        is a tuple.
    axis, dim : int or tuple of ints, default -1
        The axis (aliases; give at most one).
    accuracy : int, default 2
        Order of accuracy at every point away from the edges, on uniform and
        non-uniform grids alike.
    edge_order : int, optional
        Accuracy order at the edges; ``None`` (default) means ``accuracy``.
    boundary : {"one-sided", "periodic"}, default "one-sided"
    period : float or tuple of floats, optional
        Needed with ``boundary="periodic"`` on non-uniform coordinates.
    out : array, optional
        Array to write the result into (same library, shape and dtype as the
        result, not overlapping ``f``).
    error : bool, default False
        Also return an estimate of the error at every point (see Notes).

    Returns
    -------
    array, or (array, array) with ``error=True``
        Same shape and library as ``f``; the error estimate is real and
        non-negative.

    Notes
    -----
    The error estimate of ``error=True`` is ``|D_p f - D_{p+2} f|`` at each
    point: the difference between the requested scheme (accuracy ``p``
    inside, ``edge_order`` at the edges) and the scheme two orders more
    accurate (``p + 2`` inside, ``edge_order + 2`` at the edges) on the same
    samples. On smooth, resolved data the finer scheme's error is smaller by
    a factor of order ``h**2``, so the difference is the requested scheme's
    error to leading order (within a factor 2 of it wherever the leading
    error term dominates). It is not a bound: it fails where the samples do
    not resolve the function (noise, kinks, too few points per wavelength)
    and is only a guide where the leading error term changes sign. A clear
    ``ValueError`` says when the finer scheme's stencils do not fit the axis.

    Examples
    --------
    >>> import numpy as np, gradkit
    >>> x = np.linspace(0, 1, 11)
    >>> d2 = gradkit.derivative(x**3, 2, spacing=x, accuracy=2)
    >>> np.allclose(d2, 6 * x)
    True
    >>> y = np.arange(4.0)
    >>> F = np.outer(x, y**2)                   # F = x * y**2
    >>> d2F = gradkit.derivative(F, (1, 1), axis=(0, 1), spacing=(x, y))   # = 2 * y
    >>> np.allclose(d2F, 2 * y)
    True
    >>> d, err = gradkit.derivative(np.sin(x), spacing=x, error=True)
    >>> true = np.abs(d - np.cos(x))
    >>> bool(np.all((err > true / 2) & (err < true * 2)))
    True
    """
    func = "derivative"
    op = as_operand(f, func)
    ax = _dim_or_axis(dim, axis, func, default=-1)
    _check_error_flag(error, func)
    axes, entries = _args.partial_axes(
        order, ax, spacing, op.shape, func, "axis" if dim is _UNSET else "dim",
        "; derivative follows one axis (use gradient for every axis)",
    )

    def specs_of(accuracy, edge_order):
        return _args.make_specs(
            op.shape,
            axes,
            entries,
            func=func,
            order=order,
            accuracy=accuracy,
            edge_order=edge_order,
            boundary=boundary,
            period=period,
            eps=op.rounding_unit(),
        )

    specs = specs_of(accuracy, edge_order)
    value = chain(op, specs, out, func)
    if not error:
        return value
    finer = chain(op, _finer_specs(specs_of, specs, func), None, func)
    return value, _difference(op, value, finer)


def _check_error_flag(error: Any, func: str) -> None:
    if not isinstance(error, (bool, np.bool_)):
        raise TypeError(f"{func}: error must be True or False, got {error!r}")


def _finer_specs(specs_of, specs: Sequence[_args.AxisSpec], func: str) -> list:
    """The specs of the scheme two orders more accurate, inside and at the edges."""
    first = specs[0]
    edge = None if first.boundary == "periodic" else first.edge_order + 2
    try:
        return specs_of(first.accuracy + 2, edge)
    except ValueError as exc:
        raise ValueError(
            f"{func}: error=True estimates the error by comparing with the scheme of accuracy "
            f"{first.accuracy + 2}" + ("" if edge is None else f" (edge_order {edge})")
            + f" on the same samples, which this input does not allow: {exc}"
        ) from None


def _difference(op: Operand, value: Any, finer: Any) -> Any:
    """|value - finer|, the error estimate (masked like the value)."""
    if isinstance(value, np.ma.MaskedArray):
        return np.ma.abs(value - finer)
    if dispatch.chunked.is_dask(value) and isinstance(value._meta, np.ma.MaskedArray):
        # np.ma's abs block by block: the same data under the mask as for NumPy input
        return (value - finer).map_blocks(np.ma.abs, dtype=np.abs(np.empty(0, value.dtype)).dtype)
    return op.xp.abs(value - finer)


def chain(op: Operand, specs: Sequence[_args.AxisSpec], out: Any = None, func: str = "derivative") -> Any:
    """Apply ``specs`` one after the other (a mixed partial when there are
    several), in the compute dtype, rounding to the output dtype once at the
    end; masked input gives numpy's mask. The operators build on this."""
    dtypes = native_dtypes(op, specs)
    compute, out_dtype = next(
        (dt for dt in dtypes if op.xp.isdtype(dt[1], "complex floating")), dtypes[0]
    )
    if op.mask is not None and out is not None:
        raise TypeError(f"{func}: out= is not supported for masked input; the result is a new masked array")
    mask = op.mask
    target = None if out is None else _args.check_out(out, op, [out_dtype], func, many=False)[0]
    if len(specs) > 1:
        xp = op.xp
        inner = op.array if op.dtype == compute else xp.astype(op.array, compute)
        for spec in specs[:-1]:
            inner = dispatch.apply(
                xp, inner, spec.plan(), spec.axis, op.real_of(compute),
                coords=spec.spacing.traced, period=spec.period,
            )
        op = Operand(inner, xp, "complex" if xp.isdtype(compute, "complex floating") else "real", op.is_numpy)
    (result,) = evaluate(op, specs[-1:], [(compute, out_dtype)], None if target is None else [target])
    if mask is not None:
        (result,) = _with_masks([result], masks_through(mask, specs, sequential=True))
    return result


def weights(points: Sequence[float], order: int = 1, at: float = 0.0) -> np.ndarray:
    """Finite-difference weights for samples at arbitrary distinct positions.

    Returns ``w`` such that ``sum(w * f(points))`` approximates the
    ``order``-th derivative of ``f`` at ``at``: it is the ``order``-th
    derivative at ``at`` of the polynomial through the samples, computed with
    Fornberg's recurrence (the algorithm behind every gradkit stencil).

    Parameters
    ----------
    points : sequence of float
        Distinct, finite sample positions, in any order and spacing.
    order : int, default 1
        Derivative order, ``0 <= order < len(points)``.
    at : float, default 0.0
        Where the derivative is evaluated.

    Returns
    -------
    numpy.ndarray
        float64 weights, one per point, in the order of ``points``.

    Examples
    --------
    >>> import gradkit
    >>> gradkit.weights([-1, 0, 1])
    array([-0.5,  0. ,  0.5])
    >>> gradkit.weights([-1, 0, 1], order=2)
    array([ 1., -2.,  1.])
    >>> gradkit.weights([-2, -1, 1], at=-1)          # the seed's index 1: hl = 1, hr = 2
    array([-0.66666667,  0.5       ,  0.16666667])
    """
    x, order, at = _args.check_weights_args(points, order, at)
    return stencils.fornberg_weights(x, order, at)
